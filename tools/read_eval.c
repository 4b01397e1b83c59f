/*
 * read_eval.c - reading accuracy on the development data (`make eval`).
 *
 *   build/read_eval [--data DIR] [--backend B] [--verbose] [--why] [SET...]
 *
 * Runs the same library calls as `anpr read` and `anpr classify` over the
 * sets of DIR (default ../shared/data):
 *   uk-crops   anpr read --crop --country gb
 *   br-crops   anpr read --crop --country any
 *   eu-scenes  anpr read --country eu   (localised on the backend)
 *   us-scenes  anpr read --country any  (for information: no US grammar)
 *   gb-chars   anpr classify
 *   br-2row    br-crops made into two-row plates (below), read as br-crops
 *   uk-2row    uk-crops the same, read as uk-crops
 *   br-2row-small  br-2row with the top row at 0.6 of its height (below)
 *   uk-2row-frame, br-2row-frame, br-2row-small-frame  the same three in a
 *              frame: a line of the characters' ink round the plate
 *              (frame_plate), as on most real two-row plates
 *   uk-shift, br-shift  the crops resampled half a pixel right and down
 *   uk-x2, br-x2        the crops resampled to twice their size (bilinear)
 *   uk-half, br-half, br-third  the crops at half and a third of their
 *              size (each pixel the mean of the area it covers): plates
 *              further away, characters 7 to 20 pixels high
 *   gb-chars-half, gb-chars-third  the character tiles so, classified
 *   br-2row-2top, br-2row-2top-frame  br-2row and br-2row-frame with two
 *              characters in the top row (as Italian, Polish, Swiss
 *              square plates: a short code over the number)
 *   uk-tilt, br-tilt, br-2row-tilt  uk-crops, br-crops and br-2row turned
 *              5 degrees, one image clockwise, the next anticlockwise (tilt)
 *   uk-slant, br-slant  uk-crops and br-crops slanted as italics by 0.2
 *              (11 degrees), one image's tops to the right, the next's to
 *              the left (slant): docs/reading.md, "Slanted characters"
 *   eu-crops   each eu-scenes plate's truth box, a tenth of its size wider
 *              each way (truth_crop), read as a crop: anpr read --crop
 *              --country eu on a plate cut loose from its scene
 *   eu-2row, eu-2row-frame  eu-crops made into two-row plates as br-2row
 *              and br-2row-frame are (the plates of the EU font, not the UK
 *              one: a district code over the number), read as eu-crops
 * and prints per set: exact-match accuracy (the plate's top-1 text equals
 * the truth), character accuracy (1 - edit distance / length, summed), found
 * rate (a plate was read at all), and ms per image; for the plates read,
 * their mean confidence against the exact share, the expected calibration
 * error and the log loss (print_calib); in a scene, the plates read off the
 * truth box a frame (other vehicles' plates, but mostly false candidates),
 * all and those with confidence 0.5 or more; each also for the
 * held-out fold alone (plates the classifier was not trained on: see
 * tools/train.c). In a scene the plate compared is the read plate whose box
 * overlaps the truth box most (the best plate if none does).
 *
 * There are no two-row plates in the development data, so br-2row and
 * uk-2row make them from the single-row crops that are read right: the
 * crop is cut between the two characters where letters and digits change
 * nearest the middle (ABC|1234, AB12|CDE), each part kept to the boxes of
 * its characters (a pixel more each way; what lies between the two groups,
 * such as a separator, in neither), and the second part set under the
 * first, both centred, with an eighth of the text's height of paper grey
 * (the text band's median) around each: as on a motorcycle or square
 * plate, without the frame, screws or small print of the crop. A crop
 * whose one-row read is wrong, or that has no such change, is left out
 * (the two-row read then measures the two-row path alone). br-2row-small
 * shrinks the top row to 0.6 of its height and width (area average, on its
 * baseline, centred), as on plates whose top row is a smaller code over the
 * number: rows of unequal height (docs/reading.md section 5).
 *
 * The classifier is trained on the crops (all but the held-out fold), so
 * their own figures are in-sample. uk-shift and br-shift read each crop
 * resampled (bilinear) half a pixel right and down, the same size: no
 * information lost, only the exact pixels the network saw; uk-x2 and br-x2
 * read it at twice its size. How far these fall below the crops' own
 * figures says how much of those is the network having seen the pixels.
 *
 * --why sorts each miss into a bucket, printed with it and counted per set
 * (a scene's plate box from truth.csv is read as a crop, widened by a
 * tenth, to tell localisation from reading):
 *   seg      no segmentation hypothesis has a slot for every character of
 *            the truth where the classifier gives it at least 1 %; counted
 *            apart ("seg-slots") where none has as many slots as the truth
 *            has characters (characters merged, lost or never found; the
 *            rest have the slots, but a box that is not the character)
 *   cls      one has, but no hypothesis reads the truth
 *   grammar  a hypothesis has the truth among its candidates, not first
 *   choice   a hypothesis reads the truth, another one wins
 *   loc      (scenes) the truth box read as a crop gives the truth
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anpr/anpr.h"
#include "anpr/classify.h"
#include "anpr/image.h"
#include "anpr/read.h"
#include "dataset.h"

struct tally {
	int n, exact, found, chars, chars_ok;
	double ms;
};

/* How honest the plates' confidences are: for the plate compared with the
 * truth, its confidence against whether it is exact, in ten bins of
 * confidence. ECE (expected calibration error): the bins' |exact share -
 * mean confidence|, weighted by their plates. */
#define CAL_BINS 10
struct calib {
	int n[CAL_BINS], ok[CAL_BINS];
	double conf[CAL_BINS], nll;
};

static void calib_add(struct calib *c, float conf, int ok)
{
	int b = (int)(conf * CAL_BINS);

	b = b < 0 ? 0 : b >= CAL_BINS ? CAL_BINS - 1 : b;
	c->n[b]++;
	c->ok[b] += ok;
	c->conf[b] += conf;
	c->nll -= log(ok ? (conf > 1e-6f ? conf : 1e-6) : (conf < 1 - 1e-6f ? 1 - conf : 1e-6));
}

static void print_calib(const char *set, const char *what, const struct calib *c)
{
	int b, n = 0, ok = 0;
	double conf = 0, ece = 0;

	for (b = 0; b < CAL_BINS; b++) {
		n += c->n[b];
		ok += c->ok[b];
		conf += c->conf[b];
	}
	if (!n)
		return;
	for (b = 0; b < CAL_BINS; b++)
		if (c->n[b])
			ece += fabs((double)c->ok[b] / c->n[b] - c->conf[b] / c->n[b]) * c->n[b] / n;
	printf("  %-13s %-9s %4d plates  confidence %5.3f  exact %5.3f  ECE %5.3f  log loss %5.3f\n", set, what, n,
	       conf / n, (double)ok / n, ece, c->nll / n);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int edit_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), d[33][33], i, j;

	if (la > 32 || lb > 32)
		return la > lb ? la : lb;
	for (i = 0; i <= la; i++)
		for (j = 0; j <= lb; j++) {
			if (!i || !j) {
				d[i][j] = i + j;
				continue;
			}
			d[i][j] = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < d[i][j])
				d[i][j] = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < d[i][j])
				d[i][j] = d[i][j - 1] + 1;
		}
	return d[la][lb];
}

static void count(struct tally *t, const char *truth, const char *read, double ms)
{
	int len = (int)strlen(truth), e = read ? edit_distance(truth, read) : len;

	t->n++;
	t->found += read != NULL;
	t->exact += read && !strcmp(truth, read);
	t->chars += len;
	t->chars_ok += e < len ? len - e : 0;
	t->ms += ms;
}

static void print_tally(const char *set, const char *what, const struct tally *t)
{
	if (!t->n)
		return;
	printf("  %-13s %-9s %4d images  exact %6.2f%%  chars %6.2f%%  found %6.2f%%  %7.2f ms/image\n", set, what,
	       t->n, 100.0 * t->exact / t->n, t->chars ? 100.0 * t->chars_ok / t->chars : 0.0,
	       100.0 * t->found / t->n, t->ms / t->n);
}

enum { WHY_SEG, WHY_CLS, WHY_GRAMMAR, WHY_CHOICE, WHY_LOC, NWHY };
static const char *const why_name[NWHY] = {"seg", "cls", "grammar", "choice", "loc"};

/* The seg misses of the set being evaluated where no hypothesis has as many
 * slots as the truth has characters (--why). */
static int seg_slots;

/* The bucket of a crop read wrongly (--why), with the slots of its
 * best-aligned hypothesis printed. */
static int why_crop(const struct anpr_read_opts *opts, const uint8_t *px, unsigned w, unsigned h,
		    const char *truth)
{
	struct anpr_seg_hyp hyps[ANPR_SEG_MAX_HYP];
	struct anpr_plate_read reads[ANPR_SEG_MAX_HYP];
	int n = anpr_segment(px, w, h, w, hyps, ANPR_SEG_MAX_HYP), i, k, best = -1, win = -1, why = WHY_SEG;
	int slot_of[32], bslot[32] = {0}, L = (int)strlen(truth);
	float bminp = 0;

	int few;

	if (n <= 0 || anpr_read_hyps(opts, px, w, h, w, hyps, n, reads) != n) {
		seg_slots++;
		return WHY_SEG;
	}
	for (i = 0; i < n; i++) {
		float minp = 0;

		if (win < 0 || reads[i].score > reads[win].score)
			win = i;
		if (dataset_align(&anpr_classifier_default, px, w, h, &hyps[i], truth, slot_of, &minp) > -1e29 &&
		    (best < 0 || minp > bminp)) {
			bminp = minp;
			best = i;
			memcpy(bslot, slot_of, sizeof(bslot));
		}
	}
	if (best >= 0 && bminp >= 0.01f)
		why = WHY_CLS;
	few = best < 0;
	for (i = 0; i < n; i++) {
		for (k = 1; k < reads[i].ncands; k++)
			if (!strcmp(reads[i].cands[k].text, truth) && why < WHY_GRAMMAR)
				why = WHY_GRAMMAR;
		if (!strcmp(reads[i].text, truth))
			why = WHY_CHOICE;
	}
	seg_slots += why == WHY_SEG && few;
	printf("      %s: %d hypotheses; won %d (%s, score %.2f)", why_name[why], n, win, reads[win].text,
	       reads[win].score);
	if (best >= 0)
		printf("; best aligned %d (%d slots, least p %.3f, read %s, score %.2f):", best, hyps[best].nchars,
		       bminp, reads[best].text, reads[best].score);
	printf("\n");
	if (best >= 0) {
		printf("       ");
		for (i = 0, k = 0; i < hyps[best].nchars; i++) {
			uint8_t tile[ANPR_TILE_IN];
			float pr[ANPR_NCLASS];
			int a = 0, b, j;

			anpr_char_tile(px, w, h, w, &hyps[best].chars[i], hyps[best].inverted, tile);
			anpr_classify(&anpr_classifier_default, tile, pr);
			for (j = 1; j < ANPR_NCLASS; j++)
				if (pr[j] > pr[a])
					a = j;
			b = !a;
			for (j = 0; j < ANPR_NCLASS; j++)
				if (j != a && pr[j] > pr[b])
					b = j;
			printf(" [%c %c%.2f %c%.2f]", k < L && bslot[k] == i ? truth[k] : '-',
			       a == ANPR_CLASS_JUNK ? '~' : anpr_class_char(a), pr[a],
			       b == ANPR_CLASS_JUNK ? '~' : anpr_class_char(b), pr[b]);
			k += k < L && bslot[k] == i;
		}
		printf("\n");
	}
	return why;
}

/* The scene's plate as a crop: its truth box widened by a tenth of its size
 * each way (within the image). Returns the malloc'd *w x *h pixels, or NULL
 * (too small, or out of memory). */
static uint8_t *truth_crop(const struct anpr_image *img, const struct truth_row *t, unsigned *w, unsigned *h)
{
	int mx = t->w / 10, my = t->h / 10, x0 = t->x - mx, y0 = t->y - my, x1 = t->x + t->w + mx,
	    y1 = t->y + t->h + my, y;
	uint8_t *crop;

	x0 = x0 < 0 ? 0 : x0;
	y0 = y0 < 0 ? 0 : y0;
	x1 = x1 > (int)img->width ? (int)img->width : x1;
	y1 = y1 > (int)img->height ? (int)img->height : y1;
	if (x1 - x0 < 4 || y1 - y0 < 4 || !(crop = malloc((size_t)(x1 - x0) * (size_t)(y1 - y0))))
		return NULL;
	for (y = y0; y < y1; y++)
		memcpy(crop + (size_t)(y - y0) * (size_t)(x1 - x0), img->pixels + (size_t)y * img->width + x0,
		       (size_t)(x1 - x0));
	*w = (unsigned)(x1 - x0);
	*h = (unsigned)(y1 - y0);
	return crop;
}

/* --why for a scene: the truth box, widened by a tenth, read as a crop. */
static int why_scene(const struct anpr_read_opts *opts, const struct anpr_image *img, const struct truth_row *t)
{
	struct anpr_plate_read pr;
	unsigned w, h;
	uint8_t *crop = truth_crop(img, t, &w, &h);
	int why;

	if (!crop)
		return WHY_SEG;
	if (anpr_read_crop(opts, crop, w, h, w, 0, 0, NULL, &pr) == 1 && !strcmp(pr.text, t->text)) {
		printf("      loc: the truth box read as a crop gives the truth\n");
		why = WHY_LOC;
	} else {
		why = why_crop(opts, crop, w, h, t->text);
	}
	free(crop);
	return why;
}

/* Kind (letter or digit) changes nearest the middle of text: the index of
 * the first character after it, or -1. */
static int split_at(const char *t)
{
	int n = (int)strlen(t), best = -1, i;

	for (i = 1; i < n; i++)
		if ((t[i - 1] >= 'A') != (t[i] >= 'A') && (best < 0 || abs(2 * i - n) < abs(2 * best - n)))
			best = i;
	return best;
}

static int cmp_u8(const void *a, const void *b)
{
	return *(const uint8_t *)a - *(const uint8_t *)b;
}

/* Shrink the top row of a two-row plate (out, W wide: the wl x th block at
 * (x0, y0)) to top10 tenths of its size (dataset_shrink: area average), on
 * the row's bottom and centred; the rest of the block paper. */
static void shrink_top(uint8_t *out, int W, int x0, int y0, int wl, int th, int top10, uint8_t paper)
{
	uint8_t *top = malloc((size_t)wl * (size_t)th), *small = malloc((size_t)wl * (size_t)th);
	int nw, nh, y;

	if (top && small) {
		for (y = 0; y < th; y++) {
			memcpy(top + (size_t)y * wl, out + (size_t)(y0 + y) * W + x0, (size_t)wl);
			memset(out + (size_t)(y0 + y) * W + x0, paper, (size_t)wl);
		}
		dataset_shrink(top, wl, th, (float)top10 / 10, small, &nw, &nh);
		for (y = 0; y < nh && y < th; y++)
			memcpy(out + (size_t)(y0 + th - nh + y) * W + x0 + (wl - nw) / 2, small + (size_t)y * nw,
			       (size_t)(nw < wl ? nw : wl));
	}
	free(top);
	free(small);
}

/* Draw a frame round the *w x *h plate out: a line of ink th / 12 + 1
 * thick with one pixel of paper outside it, the plate (its own margin of
 * paper inside the line) enlarged to hold them. Returns the new malloc'd
 * pixels (out freed), or NULL. */
static uint8_t *frame_plate(uint8_t *out, int *w, int *h, int th, uint8_t paper, uint8_t ink)
{
	int t = th / 12 + 1, e = 1 + t, W = *w + 2 * e, H = *h + 2 * e, x, y;
	uint8_t *o = malloc((size_t)W * (size_t)H);

	if (o) {
		memset(o, paper, (size_t)W * (size_t)H);
		for (y = 0; y < *h; y++)
			memcpy(o + (size_t)(y + e) * W + e, out + (size_t)y * *w, (size_t)*w);
		for (y = 1; y < H - 1; y++)
			for (x = 1; x < W - 1; x++)
				if (y <= t || y >= H - 1 - t || x <= t || x >= W - 1 - t)
					o[(size_t)y * W + x] = ink;
		*w = W;
		*h = H;
	}
	free(out);
	return o;
}

/* The two-row plate made of img read right as one row (pr): see the top;
 * its top row the first ntop characters (0: split_at); framed
 * (frame_plate) if frame. Returns the malloc'd w x h pixels, or NULL
 * when the crop is left out. */
static uint8_t *two_rows(const struct anpr_image *img, const struct anpr_plate_read *pr, int top10, int frame,
			 int ntop, unsigned *ow, unsigned *oh)
{
	int k = ntop ? ntop : split_at(pr->text), n = pr->nchars, ty0 = 1 << 30, ty1 = 0, i, m, cut, xl, xr, wl, wr, W,
	    H, x, y, th;
	uint8_t *out, *band, paper, ink;
	size_t nb;
	unsigned long inked = 0, ninked = 0;

	if (k < 1 || k >= n || n != (int)strlen(pr->text))
		return NULL;
	for (i = 0; i < n; i++) {
		ty0 = pr->chars[i].box.y < ty0 ? pr->chars[i].box.y : ty0;
		ty1 = pr->chars[i].box.y + pr->chars[i].box.h > ty1 ? pr->chars[i].box.y + pr->chars[i].box.h : ty1;
	}
	ty0 = ty0 > 0 ? ty0 - 1 : 0;
	ty1 = ty1 < (int)img->height ? ty1 + 1 : ty1;
	th = ty1 - ty0;
	m = th / 8 + 1;
	/* the first part ends a pixel after its last character, the second
	 * starts a pixel before its first: a separator between the groups (the
	 * dot of a Brazilian plate) is in neither */
	cut = pr->chars[k].box.x > 0 ? pr->chars[k].box.x - 1 : 0;
	xl = pr->chars[0].box.x > 0 ? pr->chars[0].box.x - 1 : 0;
	xr = pr->chars[n - 1].box.x + pr->chars[n - 1].box.w + 1;
	xr = xr > (int)img->width ? (int)img->width : xr;
	wl = pr->chars[k - 1].box.x + pr->chars[k - 1].box.w + 1 - xl;
	wl = xl + wl > (int)img->width ? (int)img->width - xl : wl;
	wr = xr - cut;
	if (wl < 2 || wr < 2 || th < 4)
		return NULL;
	W = (wl > wr ? wl : wr) + 2 * m;
	H = 2 * (th + 2 * m);
	nb = (size_t)th * (size_t)(xr - xl);
	out = malloc((size_t)W * (size_t)H);
	band = malloc(nb);
	if (!out || !band) {
		free(out);
		free(band);
		return NULL;
	}
	for (y = ty0; y < ty1; y++)
		memcpy(band + (size_t)(y - ty0) * (size_t)(xr - xl), img->pixels + (size_t)y * img->width + xl,
		       (size_t)(xr - xl));
	qsort(band, nb, 1, cmp_u8);
	paper = band[nb / 2];
	/* the frame's ink: the band's 5th percentile from the paper's side
	 * opposite to the characters' mean */
	for (i = 0; i < n; i++)
		for (y = pr->chars[i].box.y; y < pr->chars[i].box.y + pr->chars[i].box.h && y < (int)img->height; y++)
			for (x = pr->chars[i].box.x; x < pr->chars[i].box.x + pr->chars[i].box.w && x < (int)img->width;
			     x++, ninked++)
				inked += img->pixels[(size_t)y * img->width + x];
	ink = inked < paper * ninked ? band[nb / 20] : band[nb - 1 - nb / 20];
	free(band);
	memset(out, paper, (size_t)W * (size_t)H);
	for (y = ty0; y < ty1; y++) {
		memcpy(out + (size_t)(y - ty0 + m) * (size_t)W + (W - wl) / 2,
		       img->pixels + (size_t)y * img->width + xl, (size_t)wl);
		memcpy(out + (size_t)(y - ty0 + th + 3 * m) * (size_t)W + (W - wr) / 2,
		       img->pixels + (size_t)y * img->width + cut, (size_t)wr);
	}
	if (top10 < 10)
		shrink_top(out, W, (W - wl) / 2, m, wl, th, top10, paper);
	if (frame && !(out = frame_plate(out, &W, &H, th, paper, ink)))
		return NULL;
	*ow = (unsigned)W;
	*oh = (unsigned)H;
	return out;
}

/* The sets made from others in memory: from which, and how (see the top). */
struct derived {
	const char *name, *src;
	int two;     /* two rows made of the one-row crops read right (two_rows) */
	int top10;   /* the top row's size, tenths (two rows) */
	int frame;   /* and a frame drawn round them (frame_plate) */
	int scale10; /* resampled to this size, tenths (resample) */
	float shift; /* and this many pixels right and down */
	int ntop;    /* the top row's characters (two rows; 0: split_at) */
	int tilt10;  /* turned this many tenths of a degree (tilt) */
	int slant100; /* slanted: x moved this many hundredths of y (slant) */
};

static const struct derived derived[] = {
	{"uk-2row", "uk-crops", 1, 10, 0, 10, 0, 0, 0, 0},
	{"br-2row", "br-crops", 1, 10, 0, 10, 0, 0, 0, 0},
	{"br-2row-small", "br-crops", 1, 6, 0, 10, 0, 0, 0, 0},
	{"uk-2row-frame", "uk-crops", 1, 10, 1, 10, 0, 0, 0, 0},
	{"br-2row-frame", "br-crops", 1, 10, 1, 10, 0, 0, 0, 0},
	{"br-2row-small-frame", "br-crops", 1, 6, 1, 10, 0, 0, 0, 0},
	{"uk-shift", "uk-crops", 0, 10, 0, 10, 0.5f, 0, 0, 0},
	{"br-shift", "br-crops", 0, 10, 0, 10, 0.5f, 0, 0, 0},
	{"uk-x2", "uk-crops", 0, 10, 0, 20, 0, 0, 0, 0},
	{"br-x2", "br-crops", 0, 10, 0, 20, 0, 0, 0, 0},
	{"uk-half", "uk-crops", 0, 10, 0, 5, 0, 0, 0, 0},
	{"br-half", "br-crops", 0, 10, 0, 5, 0, 0, 0, 0},
	{"br-third", "br-crops", 0, 10, 0, 3, 0, 0, 0, 0},
	{"gb-chars-half", "gb-chars", 0, 10, 0, 5, 0, 0, 0, 0},
	{"gb-chars-third", "gb-chars", 0, 10, 0, 3, 0, 0, 0, 0},
	{"br-2row-2top", "br-crops", 1, 10, 0, 10, 0, 2, 0, 0},
	{"br-2row-2top-frame", "br-crops", 1, 10, 1, 10, 0, 2, 0, 0},
	{"uk-tilt", "uk-crops", 0, 10, 0, 10, 0, 0, 50, 0},
	{"br-tilt", "br-crops", 0, 10, 0, 10, 0, 0, 50, 0},
	{"br-2row-tilt", "br-crops", 1, 10, 0, 10, 0, 0, 50, 0},
	{"uk-slant", "uk-crops", 0, 10, 0, 10, 0, 0, 0, 20},
	{"br-slant", "br-crops", 0, 10, 0, 10, 0, 0, 0, 20},
	{"eu-crops", "eu-scenes", 0, 10, 0, 10, 0, 0, 0, 0},
	{"eu-2row", "eu-scenes", 1, 10, 0, 10, 0, 0, 0, 0},
	{"eu-2row-frame", "eu-scenes", 1, 10, 1, 10, 0, 0, 0, 0},
};

static const struct derived *derived_set(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++)
		if (!strcmp(derived[i].name, name))
			return &derived[i];
	return NULL;
}

/* Resample img to scale10 tenths of its size, each pixel bilinear at its
 * centre moved shift pixels right and down (clamped at the edges); smaller
 * (scale10 < 10, no shift), each pixel the mean of the area it covers, as
 * a lens and sensor further away see it (dataset_shrink, as the trainer's
 * small characters). Returns 0, or -1 (img untouched) out of memory. */
static int resample(struct anpr_image *img, int scale10, float shift)
{
	unsigned W = img->width * (unsigned)scale10 / 10, H = img->height * (unsigned)scale10 / 10, x, y;
	uint8_t *out = malloc((size_t)(W + 2) * (H + 2));
	int sw, sh;

	if (!out)
		return -1;
	if (scale10 < 10 && shift == 0) {
		dataset_shrink(img->pixels, (int)img->width, (int)img->height, (float)scale10 / 10, out, &sw, &sh);
		W = (unsigned)sw;
		H = (unsigned)sh;
	} else {
		for (y = 0; y < H; y++)
			for (x = 0; x < W; x++) {
				float fx = ((float)x + 0.5f) * 10 / (float)scale10 - 0.5f + shift;
				float fy = ((float)y + 0.5f) * 10 / (float)scale10 - 0.5f + shift;

				out[(size_t)y * W + x] = dataset_bilinear(img->pixels, img->width, img->height, fx, fy);
			}
	}
	anpr_image_free(img);
	img->pixels = out;
	img->width = W;
	img->height = H;
	return 0;
}

/* A W x H canvas for a warp of img into *out (malloc'd), and img's median
 * grey (its paper, mostly), for outside it, into *paper. Returns 0, or -1
 * out of memory. */
static int canvas(const struct anpr_image *img, unsigned W, unsigned H, uint8_t **out, uint8_t *paper)
{
	size_t n = (size_t)img->width * img->height;
	uint8_t *sorted = malloc(n);

	*out = malloc((size_t)W * H);
	if (!*out || !sorted) {
		free(*out);
		free(sorted);
		return -1;
	}
	memcpy(sorted, img->pixels, n);
	qsort(sorted, n, 1, cmp_u8);
	*paper = sorted[n / 2];
	free(sorted);
	return 0;
}

/* Turn img as set dv does (tilt10; image i clockwise if even, else
 * anticlockwise; nothing if dv turns none) about its centre onto a canvas
 * that holds it all, each pixel bilinear (dataset_bilinear), the image's
 * median grey (its paper, mostly) outside it. Returns 0, or -1 (img
 * untouched) out of memory. */
static int tilt(struct anpr_image *img, const struct derived *dv, int i)
{
	float deg = (float)(i % 2 ? -dv->tilt10 : dv->tilt10) / 10, a = deg * 3.14159265f / 180, c = cosf(a),
	      s = sinf(a);
	unsigned w = img->width, h = img->height, x, y;
	unsigned W = (unsigned)((float)w * fabsf(c) + (float)h * fabsf(s) + 0.5f);
	unsigned H = (unsigned)((float)w * fabsf(s) + (float)h * fabsf(c) + 0.5f);
	uint8_t *out, paper;

	if (!dv->tilt10)
		return 0;
	if (canvas(img, W, H, &out, &paper))
		return -1;
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			float dx = (float)x + 0.5f - (float)W / 2, dy = (float)y + 0.5f - (float)H / 2;
			float sx = c * dx + s * dy + (float)w / 2 - 0.5f, sy = -s * dx + c * dy + (float)h / 2 - 0.5f;

			out[(size_t)y * W + x] = sx < -0.5f || sy < -0.5f || sx > (float)w - 0.5f || sy > (float)h - 0.5f
							 ? paper
							 : dataset_bilinear(img->pixels, w, h, sx, sy);
		}
	anpr_image_free(img);
	img->pixels = out;
	img->width = W;
	img->height = H;
	return 0;
}

/* Slant img as set dv does (slant100: the tops moved right, as italics, if
 * i is even, else left) onto a canvas that holds it all, bilinear, the
 * median grey outside. Returns 0, or -1 (img untouched) out of memory. */
static int slant(struct anpr_image *img, const struct derived *dv, int i)
{
	float k = (float)(i % 2 ? -dv->slant100 : dv->slant100) / 100;
	unsigned w = img->width, h = img->height, x, y;
	unsigned W = w + (unsigned)(fabsf(k) * (float)h + 0.5f);
	uint8_t *out, paper;

	if (!dv->slant100)
		return 0;
	if (canvas(img, W, h, &out, &paper))
		return -1;
	for (y = 0; y < h; y++)
		for (x = 0; x < W; x++) {
			float dy = (float)h / 2 - ((float)y + 0.5f);
			float sx = (float)x + 0.5f - (float)W / 2 - k * dy + (float)w / 2 - 0.5f, sy = (float)y;

			out[(size_t)y * W + x] = sx < -0.5f || sx > (float)w - 0.5f
							 ? paper
							 : dataset_bilinear(img->pixels, w, h, sx, sy);
		}
	anpr_image_free(img);
	img->pixels = out;
	img->width = W;
	return 0;
}

static int eval_set(const char *data, const char *set, const char *backend, int verbose, int why)
{
	struct truth_row *rows;
	struct tally all = {0}, held = {0};
	struct calib call, cheld;
	/* a scene's plates off the truth box (all, and confidence >= 0.5), over
	 * the frames read that have a truth box */
	int elsewhere = 0, elsewhere_sure = 0, scene_frames = 0;
	int whys[NWHY] = {0};

	seg_slots = 0;
	memset(&call, 0, sizeof(call));
	memset(&cheld, 0, sizeof(cheld));
	struct anpr_read_opts opts = {ANPR_COUNTRY_GB, NULL};
	const struct derived *dv = derived_set(set);
	int made = 0, src_n = 0, two = dv && dv->two;
	const char *src = dv ? dv->src : set;
	/* sets made from eu-scenes read the plates' truth boxes as crops */
	int scene_crops = dv && !strcmp(src, "eu-scenes");
	int crops = !strcmp(src, "uk-crops") || !strcmp(src, "br-crops") || scene_crops,
	    tiles = !strcmp(src, "gb-chars");
	char dir[4096], path[4400], err[512];
	anpr_pipe *p = NULL;
	int n, i, rc;

	snprintf(dir, sizeof(dir), "%s/%s", data, src);
	n = dataset_load(dir, &rows);
	if (n < 0)
		return 1;
	if (!strcmp(src, "eu-scenes"))
		opts.country = ANPR_COUNTRY_EU;
	else if (!strcmp(src, "br-crops") || !strcmp(set, "us-scenes"))
		opts.country = ANPR_COUNTRY_ANY;
	if (!crops && !tiles) {
		rc = anpr_pipe_open(&p, backend, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "read_eval: %s\n", err);
			free(rows);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		struct anpr_image img;
		struct anpr_plate_read plates[ANPR_READ_MAX_PLATES];
		char key[64], got[2] = {0};
		const char *read = NULL;
		int np = 0, k, best = -1, held_out;
		unsigned long bo = 0;
		double t0;

		snprintf(path, sizeof(path), "%s/%s", dir, rows[i].file);
		if (anpr_image_load(path, &img, err, sizeof(err))) {
			fprintf(stderr, "read_eval: %s\n", err);
			continue;
		}
		if (scene_crops) {
			unsigned cw, ch;
			uint8_t *crop = rows[i].has_box ? truth_crop(&img, &rows[i], &cw, &ch) : NULL;

			anpr_image_free(&img);
			if (!crop) {
				fprintf(stderr, "read_eval: %s: no plate box to crop\n", path);
				continue;
			}
			img.pixels = crop;
			img.width = cw;
			img.height = ch;
		}
		t0 = now_ms();
		if (tiles) {
			uint8_t tile[ANPR_TILE_IN];
			float pr[ANPR_NCLASS];

			if (dv && resample(&img, dv->scale10, dv->shift)) {
				fprintf(stderr, "read_eval: out of memory\n");
				anpr_image_free(&img);
				continue;
			}

			anpr_char_tile_image(img.pixels, img.width, img.height, img.width, tile);
			anpr_classify(&anpr_classifier_default, tile, pr);
			for (k = 0, best = 0; k < ANPR_CLASS_JUNK; k++)
				if (pr[k] > pr[best])
					best = k;
			got[0] = anpr_class_char(best);
			read = got;
		} else if (crops) {
			if (dv && !dv->two && (resample(&img, dv->scale10, dv->shift) || tilt(&img, dv, i) || slant(&img, dv, i))) {
				fprintf(stderr, "read_eval: out of memory\n");
				anpr_image_free(&img);
				continue;
			}
			np = anpr_read_crop(&opts, img.pixels, img.width, img.height, img.width, 0, 0, NULL, plates) == 1;
			if (two) {
				uint8_t *px = NULL;
				unsigned w2 = 0, h2 = 0;

				src_n++;
				if (np && !strcmp(plates[0].text, rows[i].text))
					px = two_rows(&img, &plates[0], dv->top10, dv->frame, dv->ntop, &w2, &h2);
				if (!px) {
					anpr_image_free(&img);
					continue;
				}
				made++;
				anpr_image_free(&img);
				img.pixels = px;
				img.width = w2;
				img.height = h2;
				if (tilt(&img, dv, i)) {
					fprintf(stderr, "read_eval: out of memory\n");
					anpr_image_free(&img);
					continue;
				}
				t0 = now_ms();
				np = anpr_read_crop(&opts, img.pixels, img.width, img.height, img.width, 0, 0, NULL,
						    plates) == 1;
			}
		} else if (anpr_read_frame(&opts, p, img.pixels, img.width, img.height, plates, ANPR_READ_MAX_PLATES,
					   &np)) {
			fprintf(stderr, "read_eval: %s: %s\n", path, anpr_pipe_errmsg(p));
		} else if (rows[i].has_box) {
			scene_frames++;
		}
		if (!tiles && np) {
			struct anpr_box t = {(uint16_t)rows[i].x, (uint16_t)rows[i].y, (uint16_t)rows[i].w,
					     (uint16_t)rows[i].h};

			/* the plate overlapping the truth box most is compared; the
			 * ones off it are counted */
			best = 0;
			for (k = 0; rows[i].has_box && k < np; k++) {
				unsigned long o = anpr_box_overlap(&plates[k].box, &t);

				if (o > bo) {
					bo = o;
					best = k;
				}
				if (!o) {
					elsewhere++;
					elsewhere_sure += plates[k].confidence >= 0.5f;
				}
			}
			read = plates[best].text;
		}
		if (tiles)
			dataset_tile_key(rows[i].file, key, sizeof(key));
		else
			snprintf(key, sizeof(key), "%s", rows[i].text);
		held_out = dataset_held_out(key);
		count(&all, rows[i].text, read, now_ms() - t0);
		if (held_out)
			count(&held, rows[i].text, read, now_ms() - t0);
		if (!tiles && np) {
			calib_add(&call, plates[best].confidence, !strcmp(read, rows[i].text));
			if (held_out)
				calib_add(&cheld, plates[best].confidence, !strcmp(read, rows[i].text));
		}
		if (verbose && (!read || strcmp(read, rows[i].text)))
			printf("    %s: truth %s read %s%s\n", rows[i].file, rows[i].text, read ? read : "(nothing)",
			       two && read && plates[best].rows != 2 ? " (one row)" : "");
		if (why && !tiles && (!read || strcmp(read, rows[i].text)))
			whys[crops ? why_crop(&opts, img.pixels, img.width, img.height, rows[i].text)
				   : why_scene(&opts, &img, &rows[i])]++;
		anpr_image_free(&img);
	}
	if (two)
		printf("  %-13s made of the %d of %d %s read right in one row\n", set, made, src_n, src);
	print_tally(set, "all", &all);
	print_tally(set, "held-out", &held);
	print_calib(set, "conf all", &call);
	print_calib(set, "conf held", &cheld);
	if (scene_frames)
		printf("  %-13s elsewhere %4d images  plates off the truth box %5.2f a frame, with confidence >= 0.5 %5.2f\n",
		       set, scene_frames, (double)elsewhere / scene_frames, (double)elsewhere_sure / scene_frames);
	if (why && !tiles) {
		printf("  %-13s misses   ", set);
		for (i = 0; i < NWHY; i++)
			printf(" %s %d", why_name[i], whys[i]);
		printf(" (seg-slots %d)\n", seg_slots);
	}
	anpr_pipe_close(p);
	free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	/* without SET: these, then every derived set in its table's order */
	static const char *const base_sets[] = {"uk-crops", "br-crops", "eu-scenes", "us-scenes", "gb-chars"};
	enum { NBASE = sizeof(base_sets) / sizeof(base_sets[0]), NDERIVED = sizeof(derived) / sizeof(derived[0]) };
	const char *data = "../shared/data", *backend = "model";
	int verbose = 0, why = 0, i, status = 0, nsets = 0;
	const char *sets[NBASE + NDERIVED > 16 ? NBASE + NDERIVED : 16];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc)
			data = argv[++i];
		else if (!strcmp(argv[i], "--backend") && i + 1 < argc)
			backend = argv[++i];
		else if (!strcmp(argv[i], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[i], "--why"))
			verbose = why = 1;
		else if (argv[i][0] != '-' && nsets < (int)(sizeof(sets) / sizeof(sets[0])))
			sets[nsets++] = argv[i];
		else {
			fprintf(stderr, "usage: read_eval [--data DIR] [--backend B] [--verbose] [--why] [SET...]\n");
			return 2;
		}
	}
	if (!nsets) {
		for (i = 0; i < NBASE; i++)
			sets[nsets++] = base_sets[i];
		for (i = 0; i < NDERIVED; i++)
			sets[nsets++] = derived[i].name;
	}
	printf("reading accuracy on %s (backend %s)\n", data, backend);
	for (i = 0; i < nsets; i++)
		status |= eval_set(data, sets[i], backend, verbose, why);
	return status;
}
