/*
 * records.c - record stream parser.
 */
#include "anpr/records.h"

static unsigned u16(const uint8_t *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static uint32_t u32(const uint8_t *p)
{
	return u16(p) | (uint32_t)u16(p + 2) << 16;
}

static void box_at(const uint8_t *p, struct anpr_box *b)
{
	b->x = (uint16_t)u16(p);
	b->y = (uint16_t)u16(p + 2);
	b->w = (uint16_t)u16(p + 4);
	b->h = (uint16_t)u16(p + 6);
}

static enum anpr_rec_status need(size_t n, size_t len, size_t *used)
{
	*used = n > len ? n : len + 1;
	return ANPR_REC_INCOMPLETE;
}

static enum anpr_rec_status bad(size_t *used, const char **why, const char *field)
{
	*used = 1;
	if (why)
		*why = field;
	return ANPR_REC_BAD;
}

static enum anpr_rec_status parse_cand(const uint8_t *b, size_t len, struct anpr_record *rec,
				       size_t *used, const char **why)
{
	struct anpr_rec_cand c;
	size_t npx, seg, n, i;

	if (len < ANPR_CAND_HDR_LEN)
		return need(ANPR_CAND_HDR_LEN, len, used);
	c.index = b[ANPR_CAND_OFF_INDEX];
	c.frame = (uint16_t)u16(b + ANPR_CAND_OFF_FRAME);
	c.score = (uint16_t)u16(b + ANPR_CAND_OFF_SCORE);
	box_at(b + ANPR_CAND_OFF_BOX_X, &c.box);
	box_at(b + ANPR_CAND_OFF_CROP_X, &c.crop);
	c.thresh = b[ANPR_CAND_OFF_THRESH];
	c.flags = b[ANPR_CAND_OFF_FLAGS];
	if (c.crop.w == 0 || c.crop.h == 0)
		return bad(used, why, "candidate crop size");
	if (c.box.x < c.crop.x || c.box.y < c.crop.y ||
	    c.box.x + c.box.w > c.crop.x + c.crop.w || c.box.y + c.box.h > c.crop.y + c.crop.h)
		return bad(used, why, "candidate box outside its crop");
	npx = (size_t)c.crop.w * c.crop.h;
	seg = ANPR_CAND_HDR_LEN + npx;
	if (len < seg + ANPR_SEG_HDR_LEN)
		return need(seg + ANPR_SEG_HDR_LEN, len, used);
	c.pixels = b + ANPR_CAND_HDR_LEN;
	c.rows = b[seg];
	c.nchars = b[seg + 1];
	if (c.rows < 1 || c.rows > 2)
		return bad(used, why, "candidate rows");
	if (c.nchars > ANPR_MAX_CHARS)
		return bad(used, why, "candidate nchars");
	n = seg + ANPR_SEG_HDR_LEN + (size_t)c.nchars * ANPR_CHAR_LEN;
	if (len < n)
		return need(n, len, used);
	for (i = 0; i < c.nchars; i++) {
		struct anpr_box *ch = &c.chars[i];

		box_at(b + seg + ANPR_SEG_HDR_LEN + i * ANPR_CHAR_LEN, ch);
		if (ch->x < c.crop.x || ch->y < c.crop.y || ch->x + ch->w > c.crop.x + c.crop.w ||
		    ch->y + ch->h > c.crop.y + c.crop.h)
			return bad(used, why, "character box outside its crop");
	}
	rec->type = ANPR_REC_CAND;
	rec->u.cand = c;
	*used = n;
	return ANPR_REC_OK;
}

enum anpr_rec_status anpr_rec_parse(const uint8_t *b, size_t len, struct anpr_record *rec,
				    size_t *used, const char **why)
{
	if (len < 1)
		return need(1, len, used);
	switch (b[0]) {
	case ANPR_REC_FRAME:
		if (len < ANPR_FRAME_LEN)
			return need(ANPR_FRAME_LEN, len, used);
		if (b[ANPR_FRAME_OFF_VERSION] != ANPR_PROTO_VERSION)
			return bad(used, why, "frame version");
		rec->type = ANPR_REC_FRAME;
		rec->u.frame.version = b[ANPR_FRAME_OFF_VERSION];
		rec->u.frame.frame = (uint16_t)u16(b + ANPR_FRAME_OFF_FRAME);
		rec->u.frame.width = (uint16_t)u16(b + ANPR_FRAME_OFF_WIDTH);
		rec->u.frame.height = (uint16_t)u16(b + ANPR_FRAME_OFF_HEIGHT);
		rec->u.frame.time = u32(b + ANPR_FRAME_OFF_TIME);
		*used = ANPR_FRAME_LEN;
		return ANPR_REC_OK;
	case ANPR_REC_CAND:
		return parse_cand(b, len, rec, used, why);
	case ANPR_REC_END:
		if (len < ANPR_END_LEN)
			return need(ANPR_END_LEN, len, used);
		rec->type = ANPR_REC_END;
		rec->u.end.flags = b[ANPR_END_OFF_FLAGS];
		rec->u.end.frame = (uint16_t)u16(b + ANPR_END_OFF_FRAME);
		rec->u.end.found = (uint16_t)u16(b + ANPR_END_OFF_FOUND);
		rec->u.end.emitted = b[ANPR_END_OFF_EMITTED];
		rec->u.end.dropped = b[ANPR_END_OFF_DROPPED];
		rec->u.end.lines = (uint16_t)u16(b + ANPR_END_OFF_LINES);
		rec->u.end.errors = (uint16_t)u16(b + ANPR_END_OFF_ERRORS);
		*used = ANPR_END_LEN;
		return ANPR_REC_OK;
	default:
		return bad(used, why, "record type");
	}
}

unsigned long anpr_box_overlap(const struct anpr_box *a, const struct anpr_box *b)
{
	unsigned x0 = a->x > b->x ? a->x : b->x, y0 = a->y > b->y ? a->y : b->y;
	unsigned x1 = a->x + a->w < b->x + b->w ? a->x + a->w : b->x + b->w;
	unsigned y1 = a->y + a->h < b->y + b->h ? a->y + a->h : b->y + b->h;

	return x1 > x0 && y1 > y0 ? (unsigned long)(x1 - x0) * (y1 - y0) : 0;
}

void anpr_box_scale(struct anpr_box *b, unsigned k)
{
	*b = (struct anpr_box){(uint16_t)(b->x * k), (uint16_t)(b->y * k), (uint16_t)(b->w * k), (uint16_t)(b->h * k)};
}
