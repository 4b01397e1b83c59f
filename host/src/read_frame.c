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

/* Read one candidate: its crop as sent (less the rows reader_crop leaves
 * out) and, when that read as a plate of at
 * least WIDEN_MIN_CHARS characters, the plate box widened by a margin
 * straight from the frame (a crop cut tight to the characters leaves the
 * segmenter no paper around them); the better reading wins. A crop rejected
 * as not a plate is not read again: over eu-scenes and us-scenes its widened
 * read gave only scraps of 2 characters, never the truth. */
static int read_cand(const struct anpr_read_opts *opts, const struct anpr_rec_cand *c, const uint8_t *px,
		     unsigned w, unsigned h, struct anpr_plate_read *pr)
{
	struct anpr_rec_cand wide = *c, rd = reader_crop(c);
	struct anpr_plate_read alt;
	int rc = anpr_read_crop(opts, rd.pixels, rd.crop.w, rd.crop.h, rd.crop.w, rd.crop.x, rd.crop.y, &rd, pr);
	int mx = c->box.w / WIDEN_X + 1, my = c->box.h / WIDEN_Y + 1, x0, y0, x1, y1, i;

	if (rc != 1 || !px || pr->nchars < WIDEN_MIN_CHARS)
		return rc; /* not a plate, or a scrap (most of a frame's false candidates) */
	x0 = c->box.x > mx ? c->box.x - mx : 0;
	y0 = c->box.y > my ? c->box.y - my : 0;
	x1 = c->box.x + c->box.w + mx < (int)w ? c->box.x + c->box.w + mx : (int)w;
	y1 = c->box.y + c->box.h + my < (int)h ? c->box.y + c->box.h + my : (int)h;
	if (x1 - x0 < 4 || y1 - y0 < 4 || x1 - x0 > ANPR_SEG_MAX_SIDE || y1 - y0 > ANPR_SEG_MAX_SIDE)
		return rc;
	wide.crop = (struct anpr_box){(uint16_t)x0, (uint16_t)y0, (uint16_t)(x1 - x0), (uint16_t)(y1 - y0)};
	for (i = 0; i < c->nchars; i++) /* the FPGA's boxes, if they lie inside */
		if (c->chars[i].x < x0 || c->chars[i].y < y0 || c->chars[i].x + c->chars[i].w > x1 ||
		    c->chars[i].y + c->chars[i].h > y1)
			wide.nchars = 0;
	if (anpr_read_crop(opts, px + (size_t)y0 * w + x0, (unsigned)(x1 - x0), (unsigned)(y1 - y0), w,
			   (unsigned)x0, (unsigned)y0, &wide, &alt) == 1 &&
	    alt.score > pr->score)
		*pr = alt;
	return rc;
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
	int rc, i, j, k;

	*n = 0;
	rc = anpr_pipe_run(p, px, w, h, &res);
	if (rc)
		return rc;
	anpr_read_scope_begin(); /* the candidates' reads share classifications by tile */
	for (i = 0; i < (int)res.ncands; i++) {
		const struct anpr_rec_cand *c = &res.cands[i];
		struct anpr_plate_read pr;

		if (read_cand(opts, c, px, w, h, &pr) != 1)
			continue;
		if (on_plate)
			on_plate(ctx, &pr);
		/* one plate per place (and per text): keep the better reading */
		for (j = 0; j < *n; j++)
			if (overlap(&out[j].box, &pr.box) || !strcmp(out[j].text, pr.text))
				break;
		if (j < *n) {
			if (out[j].score >= pr.score)
				continue;
			memmove(&out[j], &out[j + 1], (size_t)(*n - j - 1) * sizeof(*out));
			(*n)--;
		}
		for (k = *n; k > 0 && out[k - 1].confidence < pr.confidence; k--)
			;
		if (k >= max)
			continue;
		if (*n == max)
			(*n)--;
		memmove(&out[k + 1], &out[k], (size_t)(*n - k) * sizeof(*out));
		out[k] = pr;
		(*n)++;
	}
	anpr_read_scope_end();
	return ANPR_OK;
}
