/*
 * read_frame.c - read every plate of a frame through a pipe (anpr/read.h).
 *
 * Apart from read.c so that the crop reader links without the backends.
 */
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/read.h"

/* Do a and b share at least half of the smaller one? */
static int overlap(const struct anpr_box *a, const struct anpr_box *b)
{
	unsigned long small = (unsigned long)a->w * a->h < (unsigned long)b->w * b->h ?
				      (unsigned long)a->w * a->h : (unsigned long)b->w * b->h;

	return small && anpr_box_overlap(a, b) * 2 >= small;
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
	for (i = 0; i < (int)res.ncands; i++) {
		const struct anpr_rec_cand *c = &res.cands[i];
		struct anpr_plate_read pr;

		if (anpr_read_crop(opts, c->pixels, c->crop.w, c->crop.h, c->crop.w, c->crop.x, c->crop.y, c, &pr) != 1)
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
	return ANPR_OK;
}
