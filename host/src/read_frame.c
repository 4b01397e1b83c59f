/*
 * read_frame.c - read every plate of a frame through a pipe (anpr/read.h).
 *
 * Apart from read.c so that the crop reader links without the backends.
 */
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/read.h"

/* The frame region read besides a candidate's crop: its plate box widened
 * by 1/WIDEN_X of its width left and right, 1/WIDEN_Y of its height above
 * and below; only when the crop read as a plate of WIDEN_MIN_CHARS
 * characters or more. */
#ifndef WIDEN_X
#define WIDEN_X 10
#endif
#ifndef WIDEN_Y
#define WIDEN_Y 3
#endif
#define WIDEN_MIN_CHARS 4

/* Plates of two rows (a motorcycle's, a square rear plate's): the FPGA
 * often finds each row as a candidate of its own, or keeps one row and ranks
 * the other below its last candidate. The host reads the two rows together:
 *
 * - two candidates one under the other (stacked: their columns overlap by
 *   at least half the narrower's width, the lower starts at most 1/STACK_GAP
 *   of the taller's height below the upper's end and overlaps it by no more
 *   than that, their heights within STACK_RATIO10 / 10), one of them read
 *   as a plate with confidence STACK_PAIR_CONF or more (not scraps of a
 *   grille);
 * - a candidate with no such mate read as one row of STACK_MIN to STACK_MAX
 *   characters, or as two rows (the second cut off by the crop), with
 *   confidence STACK_CONF or more, together with the box of its height
 *   below it, then above it, where that box has at least 1/STACK_EDGES_DIV
 *   of the row's vertical edges (a row of characters; the paper of a plate,
 *   a bumper or a body panel has few);
 *
 * the box spanning both read straight from the frame, and kept in place of
 * the rows' readings when it reads as two rows of STACK_ROW_MIN characters
 * or more (a badge over a plate is no row) and scores more than each. */
#define STACK_GAP 2
#define STACK_RATIO10 20
#define STACK_PAIR_CONF 0.01
#define STACK_MIN 2
#define STACK_MAX 5
#define STACK_CONF 0.5
#define STACK_EDGES_DIV 2
#define STACK_ROW_MIN 2

/* Do a and b share at least half of the smaller one? */
static int overlap(const struct anpr_box *a, const struct anpr_box *b)
{
	unsigned long small = (unsigned long)a->w * a->h < (unsigned long)b->w * b->h ?
				      (unsigned long)a->w * a->h : (unsigned long)b->w * b->h;

	return small && anpr_box_overlap(a, b) * 2 >= small;
}

/* The crop the reader reads first: the candidate's crop without the rows the
 * FPGA adds above the component for its plate box (ANPR_CROP_MARGIN_ABOVE
 * beyond ANPR_CROP_MARGIN_BELOW), but never from below the top of the text
 * it found (its character boxes' top, else its plate box's), which is lower than
 * that unless the crop's top was cut at the frame's top or the FPGA's row
 * ring. Those rows hold the plate's border or what is above the plate; the
 * segmenter, which looks for the text rows in the whole crop, read worse
 * with them (eu-scenes, docs/PERFORMANCE.md "Localisation recall"). */
static struct anpr_rec_cand reader_crop(const struct anpr_rec_cand *c)
{
	struct anpr_rec_cand s = *c;
	/* none when the margin above is no larger than the one below (5 below is
	 * allowed, anpr_model.h): the crop never starts above its own top */
	unsigned top = c->nchars ? c->chars[0].y : c->box.y,
		 y = c->crop.y + (ANPR_CROP_MARGIN_ABOVE > ANPR_CROP_MARGIN_BELOW
					  ? ANPR_CROP_MARGIN_ABOVE - ANPR_CROP_MARGIN_BELOW
					  : 0);
	int i;

	for (i = 1; i < c->nchars; i++)
		top = c->chars[i].y < top ? c->chars[i].y : top;
	y = y < top ? y : top;
	s.crop.y = (uint16_t)y;
	s.crop.h = (uint16_t)(c->crop.h - (y - c->crop.y));
	s.pixels = c->pixels + (size_t)(y - c->crop.y) * c->crop.w;
	return s;
}

/* Read the plate box of hint (a candidate, its box in frame pixels)
 * widened by mx columns each side and my rows above and below, straight
 * from the frame (clipped to it), into *pr; the FPGA's character boxes join
 * in when they all lie inside. 1 if it read as a plate. */
static int read_widened(const struct anpr_read_opts *opts, const struct anpr_rec_cand *hint, int mx, int my,
			const uint8_t *px, unsigned w, unsigned h, struct anpr_plate_read *pr)
{
	struct anpr_rec_cand u = *hint;
	const struct anpr_box *b = &hint->box;
	int x0 = b->x > mx ? b->x - mx : 0, y0 = b->y > my ? b->y - my : 0,
	    x1 = b->x + b->w + mx < (int)w ? b->x + b->w + mx : (int)w,
	    y1 = b->y + b->h + my < (int)h ? b->y + b->h + my : (int)h, i;

	if (!px || x1 - x0 < 4 || y1 - y0 < 4 || x1 - x0 > ANPR_SEG_MAX_SIDE || y1 - y0 > ANPR_SEG_MAX_SIDE)
		return 0;
	u.crop = (struct anpr_box){(uint16_t)x0, (uint16_t)y0, (uint16_t)(x1 - x0), (uint16_t)(y1 - y0)};
	for (i = 0; i < u.nchars; i++)
		if (u.chars[i].x < x0 || u.chars[i].y < y0 || u.chars[i].x + u.chars[i].w > x1 ||
		    u.chars[i].y + u.chars[i].h > y1)
			u.nchars = 0;
	return anpr_read_crop(opts, px + (size_t)y0 * w + x0, (unsigned)(x1 - x0), (unsigned)(y1 - y0), w,
			      (unsigned)x0, (unsigned)y0, &u, pr) == 1;
}

/* Read one candidate: its crop as sent (less the rows reader_crop leaves
 * out) and, when that read as a plate of at least WIDEN_MIN_CHARS
 * characters, its plate box widened by 1/WIDEN_X of its width and 1/WIDEN_Y
 * of its height (read_widened: a crop cut tight to the characters leaves
 * the segmenter no paper around them); the better reading wins. A crop
 * rejected as not a plate is not read again: over eu-scenes and us-scenes
 * its widened read gave only scraps of 2 characters, never the truth. */
static int read_cand(const struct anpr_read_opts *opts, const struct anpr_rec_cand *c, const uint8_t *px,
		     unsigned w, unsigned h, struct anpr_plate_read *pr)
{
	struct anpr_rec_cand rd = reader_crop(c);
	struct anpr_plate_read alt;
	int rc = anpr_read_crop(opts, rd.pixels, rd.crop.w, rd.crop.h, rd.crop.w, rd.crop.x, rd.crop.y, &rd, pr);

	if (rc != 1 || pr->nchars < WIDEN_MIN_CHARS)
		return rc; /* not a plate, or a scrap (most of a frame's false candidates) */
	if (read_widened(opts, c, c->box.w / WIDEN_X + 1, c->box.h / WIDEN_Y + 1, px, w, h, &alt) &&
	    alt.score > pr->score)
		*pr = alt;
	return rc;
}

/* Do a (above) and b (below) look like the two rows of one plate? */
static int stacked(const struct anpr_box *a, const struct anpr_box *b)
{
	int cols = (a->x + a->w < b->x + b->w ? a->x + a->w : b->x + b->w) - (a->x > b->x ? a->x : b->x),
	    narrow = a->w < b->w ? a->w : b->w, tall = a->h > b->h ? a->h : b->h, low = a->h + b->h - tall,
	    gap = b->y - (a->y + a->h);

	return b->y > a->y && cols * 2 >= narrow && gap * STACK_GAP <= tall && -gap * STACK_GAP <= tall &&
	       tall * 10 <= low * STACK_RATIO10;
}

/* Read the plate box spanning a and b (a above b) straight from the frame,
 * widened as read_cand widens a one-row plate (the margin above and below
 * that of one row: 1/(2 WIDEN_Y) of the two rows' height); 1 if it read as
 * a plate of two rows, its box the two candidates' boxes together. */
static int read_stack(const struct anpr_read_opts *opts, const struct anpr_rec_cand *a,
		      const struct anpr_rec_cand *b, const uint8_t *px, unsigned w, unsigned h,
		      struct anpr_plate_read *pr)
{
	struct anpr_rec_cand u = *a;
	int x0 = a->box.x < b->box.x ? a->box.x : b->box.x,
	    x1 = a->box.x + a->box.w > b->box.x + b->box.w ? a->box.x + a->box.w : b->box.x + b->box.w,
	    y1 = b->box.y + b->box.h > a->box.y + a->box.h ? b->box.y + b->box.h : a->box.y + a->box.h, i;

	u.box = (struct anpr_box){(uint16_t)x0, a->box.y, (uint16_t)(x1 - x0), (uint16_t)(y1 - a->box.y)};
	u.nchars = 0; /* the FPGA's boxes are each row's alone */
	if (!read_widened(opts, &u, u.box.w / WIDEN_X + 1, u.box.h / (2 * WIDEN_Y) + 1, px, w, h, pr) || pr->rows != 2)
		return 0;
	/* the top row ends where the next box lies left of the last: no plate
	 * has a row of one character (a badge over a plate read as one) */
	for (i = 1; i < pr->nchars && pr->chars[i].box.x > pr->chars[i - 1].box.x; i++)
		;
	return i >= STACK_ROW_MIN && pr->nchars - i >= STACK_ROW_MIN;
}

/* The vertical edges in the frame's columns x0..x1, rows y0..y1: the sum of
 * the absolute steps between horizontal neighbours (what characters give,
 * as the FPGA's localisation counts them). */
static unsigned long edges(const uint8_t *px, unsigned w, int x0, int y0, int x1, int y1)
{
	unsigned long e = 0;
	int x, y;

	for (y = y0; y < y1; y++) {
		const uint8_t *r = px + (size_t)y * w;

		for (x = x0 + 1; x < x1; x++)
			e += (unsigned)(r[x] > r[x - 1] ? r[x] - r[x - 1] : r[x - 1] - r[x]);
	}
	return e;
}

/* c read as pr: when that may be one row of a plate of two (one row of
 * STACK_MIN to STACK_MAX characters, or a second row cut off by the crop's
 * bottom or top; read with confidence STACK_CONF or more: not a scrap), the
 * box one row below it, then the one above it, is read with it (read_stack).
 * 1 with the first such reading that scores more than pr, in *out. */
static int read_row(const struct anpr_read_opts *opts, const struct anpr_rec_cand *c,
		    const struct anpr_plate_read *pr, const uint8_t *px, unsigned w, unsigned h,
		    struct anpr_plate_read *out)
{
	struct anpr_rec_cand v = *c;
	unsigned long row;
	int x0, x1;

	if (!px || pr->confidence < STACK_CONF || (c->flags & ANPR_CAND_F_TWO_ROW) || pr->nchars < STACK_MIN ||
	    (pr->rows == 1 && pr->nchars > STACK_MAX))
		return 0;
	x0 = c->box.x;
	x1 = c->box.x + c->box.w;
	row = edges(px, w, x0, c->box.y, x1, c->box.y + c->box.h);
	v.nchars = 0;
	v.box.y = (uint16_t)(c->box.y + c->box.h);
	if (c->box.y + 2 * c->box.h <= (int)h &&
	    edges(px, w, x0, v.box.y, x1, v.box.y + c->box.h) * STACK_EDGES_DIV >= row &&
	    read_stack(opts, c, &v, px, w, h, out) && out->score > pr->score)
		return 1;
	v.box.y = (uint16_t)(c->box.y - c->box.h);
	return c->box.y >= c->box.h && edges(px, w, x0, v.box.y, x1, c->box.y) * STACK_EDGES_DIV >= row &&
	       read_stack(opts, &v, c, px, w, h, out) && out->score > pr->score;
}

/* Add pr to the frame's plates out[0..*n) (at most max, by falling
 * confidence), one per place and per text: a plate overlapping a kept one
 * by half the smaller, or of the same text, replaces it only with a higher
 * score. */
static void keep(struct anpr_plate_read *out, int max, int *n, const struct anpr_plate_read *pr)
{
	int j, k;

	for (j = 0; j < *n; j++)
		if (overlap(&out[j].box, &pr->box) || !strcmp(out[j].text, pr->text))
			break;
	if (j < *n) {
		if (out[j].score >= pr->score)
			return;
		memmove(&out[j], &out[j + 1], (size_t)(*n - j - 1) * sizeof(*out));
		(*n)--;
	}
	for (k = *n; k > 0 && out[k - 1].confidence < pr->confidence; k--)
		;
	if (k >= max)
		return;
	if (*n == max)
		(*n)--;
	memmove(&out[k + 1], &out[k], (size_t)(*n - k) * sizeof(*out));
	out[k] = *pr;
	(*n)++;
}

int anpr_read_frame(const struct anpr_read_opts *opts, anpr_pipe *p, const uint8_t *px, unsigned w, unsigned h,
		    struct anpr_plate_read *out, int max, int *n)
{
	return anpr_read_frame_each(opts, p, px, w, h, out, max, n, NULL, NULL);
}

int anpr_read_frame_each(const struct anpr_read_opts *opts, anpr_pipe *p, const uint8_t *px, unsigned w,
			 unsigned h, struct anpr_plate_read *out, int max, int *n,
			 void (*on_plate)(void *ctx, const struct anpr_plate_read *pl), void *ctx)
{
	static _Thread_local struct anpr_frame_result res;
	static _Thread_local int mate[sizeof(res.cands) / sizeof(res.cands[0])];
	struct anpr_plate_read pr[3];
	int rc, i, j, ok[3];

	*n = 0;
	rc = anpr_pipe_run(p, px, w, h, &res);
	if (rc)
		return rc;
	/* candidates that may be the two rows of one plate: paired in order */
	for (i = 0; i < (int)res.ncands; i++)
		mate[i] = -1;
	for (i = 0; i < (int)res.ncands; i++)
		for (j = i + 1; j < (int)res.ncands && mate[i] < 0; j++)
			if (mate[j] < 0 && (stacked(&res.cands[i].box, &res.cands[j].box) ||
					    stacked(&res.cands[j].box, &res.cands[i].box))) {
				mate[i] = j;
				mate[j] = i;
			}
	anpr_read_scope_begin(); /* the candidates' reads share classifications by tile */
	for (i = 0; i < (int)res.ncands; i++) {
		const struct anpr_rec_cand *c = &res.cands[i], *m = mate[i] >= 0 ? &res.cands[mate[i]] : NULL;
		int k;

		if (mate[i] >= 0 && mate[i] < i)
			continue; /* read with its mate */
		ok[0] = read_cand(opts, c, px, w, h, &pr[0]) == 1;
		ok[1] = m && read_cand(opts, m, px, w, h, &pr[1]) == 1;
		if (m) /* the two rows read as one plate (unless neither read is a
			* plate more than a scrap is), kept if it scores more than each */
			ok[2] = ((ok[0] && pr[0].confidence >= STACK_PAIR_CONF) ||
				 (ok[1] && pr[1].confidence >= STACK_PAIR_CONF)) &&
				(c->box.y < m->box.y ? read_stack(opts, c, m, px, w, h, &pr[2])
						     : read_stack(opts, m, c, px, w, h, &pr[2])) &&
				(!ok[0] || pr[2].score > pr[0].score) && (!ok[1] || pr[2].score > pr[1].score);
		else /* a row read alone: its other row may be no candidate */
			ok[2] = ok[0] && read_row(opts, c, &pr[0], px, w, h, &pr[2]);
		if (ok[2])
			ok[0] = ok[1] = 0;
		for (k = 0; k < 3; k++) {
			if (!ok[k])
				continue;
			if (on_plate)
				on_plate(ctx, &pr[k]);
			keep(out, max, n, &pr[k]);
		}
	}
	anpr_read_scope_end();
	return ANPR_OK;
}
