/*
 * train.c - train the character classifier (`make train`).
 *
 *   build/train [--data DIR] [--epochs N] [--hidden N] [--lr X] [--augment P] [--seed N] [--out FILE]
 *
 * Reads DIR (default ../shared/data):
 *   gb-chars/  single-character tiles of real UK plates
 *   uk-crops/  real UK plate crops, br-crops/ Brazilian ones
 * The crops are cut into characters by the host's own segmenter
 * (host/src/segment.c): a crop whose segmentation has as many characters as
 * its truth text gives one labelled sample per character, in order; the
 * segmenter's other boxes that cover no true character are "junk" samples.
 *
 * Each set is split by plate into five folds; fold 0 is held out (gb-chars:
 * by the middle number of the file name, which names the plate; crops: by
 * plate text) and used only to calibrate the softmax temperature and to
 * report held-out accuracy. Every epoch sees every training sample once,
 * augmented with probability --augment (default 0.85): affine warp (rotation, shear, scale), loss of
 * resolution, blur, stroke width (erode/dilate), contrast, noise, partial
 * occlusion, and jitter of the box.
 *
 * The network (ANPR_TILE_IN -> hidden ReLU -> ANPR_NCLASS softmax) is
 * trained in float by SGD with momentum, then quantised to 8-bit weights
 * with a scale per row, and written as C source (default
 * host/src/classifier_weights.c). One thread, one seeded generator: the
 * same data and options give the same file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/classify.h"
#include "anpr/image.h"
#include "anpr/segment.h"
#include "dataset.h"

enum { SET_GB, SET_UK, SET_BR, NSETS };
static const char *const set_dir[NSETS] = {"gb-chars", "uk-crops", "br-crops"};

struct src {
	struct anpr_image img;
};

struct sample {
	int src;
	struct anpr_box box;
	int inv, label, set, test;
};

struct crop {
	int src, set, test, nhyp;
	char text[32];
	struct anpr_seg_hyp hyp[ANPR_SEG_MAX_HYP];
};

static struct crop *crops_;
static int ncrops, cropcap;
static struct src *srcs;
static int nsrcs, srccap;
static struct sample *samples;
static int nsamples, samplecap;

/* ---- deterministic random numbers (xorshift64*) ---- */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static float frand(float a, float b)
{
	return a + (b - a) * (float)(rnd() >> 8) / (float)(1u << 24);
}

static float gauss(void)
{
	float u = frand(1e-6f, 1), v = frand(0, 1);

	return sqrtf(-2 * logf(u)) * cosf(6.2831853f * v);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "train: out of memory\n");
		exit(2);
	}
	return p;
}

static int add_src(struct anpr_image *img)
{
	if (nsrcs == srccap) {
		srccap = srccap ? 2 * srccap : 256;
		srcs = xrealloc(srcs, (size_t)srccap * sizeof(*srcs));
	}
	srcs[nsrcs].img = *img;
	return nsrcs++;
}

static void add_sample(int src, const struct anpr_box *box, int inv, int label, int set, int test)
{
	if (nsamples == samplecap) {
		samplecap = samplecap ? 2 * samplecap : 1024;
		samples = xrealloc(samples, (size_t)samplecap * sizeof(*samples));
	}
	samples[nsamples] = (struct sample){src, *box, inv, label, set, test};
	nsamples++;
}

static int iou_pct(const struct anpr_box *a, const struct anpr_box *b)
{
	unsigned long in = anpr_box_overlap(a, b);
	unsigned long un = (unsigned long)a->w * a->h + (unsigned long)b->w * b->h - in;

	return un ? (int)(in * 100 / un) : 0;
}

/* Load one set's truth.csv and its images: gb-chars tiles become samples,
 * crops are kept with their segmentation hypotheses for align_crops.
 * Returns the number of samples added. */
static int load_set(const char *data, int set, int *crops)
{
	char dir[4096], path[4400], err[512];
	struct truth_row *rows;
	int before = nsamples, n, i;

	snprintf(dir, sizeof(dir), "%s/%s", data, set_dir[set]);
	n = dataset_load(dir, &rows);
	if (n < 0)
		exit(1);
	for (i = 0; i < n; i++) {
		const char *file = rows[i].file, *text = rows[i].text;
		struct anpr_image img;
		int s, test;

		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (anpr_image_load(path, &img, err, sizeof(err))) {
			fprintf(stderr, "train: %s\n", err);
			continue;
		}
		if (set == SET_GB) {
			/* "A_123_4.png": the middle number names the plate */
			char key[64];
			struct anpr_box box = {0, 0, (uint16_t)img.width, (uint16_t)img.height};

			dataset_tile_key(file, key, sizeof(key));
			test = dataset_held_out(key);
			s = add_src(&img);
			add_sample(s, &box, anpr_tile_inverted(img.pixels, img.width, img.height, img.width),
				   anpr_char_class(text[0]), set, test);
		} else {
			struct crop *c;

			(*crops)++;
			if (ncrops == cropcap) {
				cropcap = cropcap ? 2 * cropcap : 256;
				crops_ = xrealloc(crops_, (size_t)cropcap * sizeof(*crops_));
			}
			c = &crops_[ncrops];
			c->nhyp = anpr_segment(img.pixels, img.width, img.height, img.width, c->hyp, ANPR_SEG_MAX_HYP);
			if (c->nhyp <= 0) {
				anpr_image_free(&img);
				continue;
			}
			strcpy(c->text, text); /* both 32 bytes */
			c->set = set;
			c->test = dataset_held_out(text);
			c->src = add_src(&img);
			ncrops++;
		}
	}
	free(rows);
	return nsamples - before;
}

/* The best reading of c's text from hypothesis hyp: each character on one
 * slot, in order, the slots between and around skipped as junk. With a net,
 * scored by its log probabilities; without one, only a hypothesis with
 * exactly as many slots as characters aligns (score 0). Returns the score
 * (-1e30 if impossible) and the slot of each character in slot_of. */
static double align(const struct anpr_classifier *net, const struct crop *c, const struct anpr_seg_hyp *hyp,
		    int *slot_of)
{
	const struct anpr_image *im = &srcs[c->src].img;
	int n = hyp->nchars, L = (int)strlen(c->text), i, j;
	static double f[ANPR_SEG_MAX_CHARS + 1][33];
	static char took[ANPR_SEG_MAX_CHARS + 1][33];
	float lp[ANPR_SEG_MAX_CHARS][ANPR_NCLASS];

	if (L > n || L > 32)
		return -1e30;
	if (!net) {
		if (n != L)
			return -1e30;
		for (i = 0; i < L; i++)
			slot_of[i] = i;
		return 0;
	}
	for (i = 0; i < n; i++) {
		uint8_t tile[ANPR_TILE_IN];
		int k;

		anpr_char_tile(im->pixels, im->width, im->height, im->width, &hyp->chars[i], hyp->inverted, tile);
		anpr_classify(net, tile, lp[i]);
		for (k = 0; k < ANPR_NCLASS; k++)
			lp[i][k] = logf(lp[i][k] + 1e-9f);
	}
	for (i = 0; i <= n; i++)
		for (j = 0; j <= L; j++) {
			f[i][j] = -1e30;
			if (i == 0) {
				f[i][j] = j == 0 ? 0 : -1e30;
				continue;
			}
			if (f[i - 1][j] > -1e29) {
				f[i][j] = f[i - 1][j] + lp[i - 1][ANPR_CLASS_JUNK];
				took[i][j] = 0;
			}
			if (j > 0 && f[i - 1][j - 1] > -1e29 &&
			    f[i - 1][j - 1] + lp[i - 1][anpr_char_class(c->text[j - 1])] > f[i][j]) {
				f[i][j] = f[i - 1][j - 1] + lp[i - 1][anpr_char_class(c->text[j - 1])];
				took[i][j] = 1;
			}
		}
	if (f[n][L] < -1e29)
		return -1e30;
	for (i = n, j = L; i > 0; i--)
		if (took[i][j])
			slot_of[--j] = i - 1;
	return f[n][L];
}

/* Replace the crop samples: each crop's best-aligned hypothesis gives one
 * sample per character; its other slots, and the other hypotheses' boxes
 * that cover no character, are junk. A crop whose best alignment averages
 * below min_lp per character is left out (a misread truth, an unreadable
 * crop). Returns the number of crops used. */
static int align_crops(const struct anpr_classifier *net, double min_lp, int keep)
{
	int used = 0, ci;

	nsamples = keep;
	for (ci = 0; ci < ncrops; ci++) {
		const struct crop *c = &crops_[ci];
		int L = (int)strlen(c->text), best = -1, slot_of[32], bslot[32], k, i, j, first = nsamples;
		double bs = -1e30;

		for (k = 0; k < c->nhyp; k++) {
			double s = align(net, c, &c->hyp[k], slot_of);

			if (s > bs) {
				bs = s;
				best = k;
				memcpy(bslot, slot_of, sizeof(bslot));
			}
		}
		if (best < 0 || bs < min_lp * L)
			continue;
		used++;
		for (i = 0; i < L; i++)
			add_sample(c->src, &c->hyp[best].chars[bslot[i]], c->hyp[best].inverted,
				   anpr_char_class(c->text[i]), c->set, c->test);
		for (k = 0; k < c->nhyp; k++) {
			for (j = 0; j < c->hyp[k].nchars; j++) {
				int hit = 0, m;

				for (i = 0; i < L && !hit; i++)
					hit = iou_pct(&c->hyp[k].chars[j], &c->hyp[best].chars[bslot[i]]) >= 25;
				for (m = first; m < nsamples && !hit; m++)
					hit = samples[m].label == ANPR_CLASS_JUNK &&
					      iou_pct(&c->hyp[k].chars[j], &samples[m].box) >= 60;
				if (!hit)
					add_sample(c->src, &c->hyp[k].chars[j], c->hyp[best].inverted, ANPR_CLASS_JUNK,
						   c->set, c->test);
			}
		}
	}
	return used;
}

/* ---- augmentation ---- */
#define AUG_MAX (256 * 256)

/* Resample region (rx, ry, rw, rh) of the image under a random affine warp
 * into out (rw x rh); the box moves with it. */
static void warp(const struct anpr_image *im, int rx, int ry, int rw, int rh, struct anpr_box *box, uint8_t *out)
{
	float th = frand(-0.08f, 0.08f), sh = frand(-0.2f, 0.2f), sx = frand(0.85f, 1.15f),
	      sy = frand(0.9f, 1.1f);
	float c = cosf(th), s = sinf(th);
	/* forward map A = R(th) * Shear(sh) * Scale(sx, sy) */
	float a = c * sx, b = (c * sh - s) * sy, cc = s * sx, d = (s * sh + c) * sy;
	float det = a * d - b * cc, ia = d / det, ib = -b / det, ic = -cc / det, id = a / det;
	float cx = (float)rw / 2, cy = (float)rh / 2, tx = frand(-0.5f, 0.5f), ty = frand(-0.5f, 0.5f);
	float bx[4], by[4], mnx = 1e9f, mny = 1e9f, mxx = -1e9f, mxy = -1e9f;
	int x, y, i;

	for (y = 0; y < rh; y++)
		for (x = 0; x < rw; x++) {
			float u = (float)x + 0.5f - cx - tx, v = (float)y + 0.5f - cy - ty;
			float su = ia * u + ib * v + cx - 0.5f + (float)rx, sv = ic * u + id * v + cy - 0.5f + (float)ry;
			int xi, yi, xj, yj;
			float fx, fy, p;

			su = su < 0 ? 0 : su > (float)im->width - 1 ? (float)im->width - 1 : su;
			sv = sv < 0 ? 0 : sv > (float)im->height - 1 ? (float)im->height - 1 : sv;
			xi = (int)su;
			yi = (int)sv;
			xj = xi + 1 < (int)im->width ? xi + 1 : xi;
			yj = yi + 1 < (int)im->height ? yi + 1 : yi;
			fx = su - (float)xi;
			fy = sv - (float)yi;
			p = (im->pixels[yi * im->width + xi] * (1 - fx) + im->pixels[yi * im->width + xj] * fx) *
				    (1 - fy) +
			    (im->pixels[yj * im->width + xi] * (1 - fx) + im->pixels[yj * im->width + xj] * fx) * fy;
			out[y * rw + x] = (uint8_t)(p + 0.5f);
		}
	bx[0] = bx[2] = (float)(box->x - rx);
	bx[1] = bx[3] = (float)(box->x - rx + box->w);
	by[0] = by[1] = (float)(box->y - ry);
	by[2] = by[3] = (float)(box->y - ry + box->h);
	for (i = 0; i < 4; i++) {
		float u = bx[i] - cx, v = by[i] - cy;
		float X = a * u + b * v + cx + tx, Y = cc * u + d * v + cy + ty;

		mnx = X < mnx ? X : mnx;
		mxx = X > mxx ? X : mxx;
		mny = Y < mny ? Y : mny;
		mxy = Y > mxy ? Y : mxy;
	}
	/* the warped box of a slanted character is loose: pull it in a little */
	{
		float jw = (mxx - mnx) * 0.06f, jh = (mxy - mny) * 0.04f;
		int x0 = (int)(mnx + jw * frand(-1, 2)), x1 = (int)(mxx - jw * frand(-1, 2));
		int y0 = (int)(mny + jh * frand(-1, 1.5f)), y1 = (int)(mxy - jh * frand(-1, 1.5f));

		x0 = x0 < 0 ? 0 : x0;
		y0 = y0 < 0 ? 0 : y0;
		x1 = x1 > rw ? rw : x1;
		y1 = y1 > rh ? rh : y1;
		if (x1 <= x0)
			x1 = x0 + 1 <= rw ? x0 + 1 : rw, x0 = x1 - 1;
		if (y1 <= y0)
			y1 = y0 + 1 <= rh ? y0 + 1 : rh, y0 = y1 - 1;
		box->x = (uint16_t)x0;
		box->y = (uint16_t)y0;
		box->w = (uint16_t)(x1 - x0);
		box->h = (uint16_t)(y1 - y0);
	}
}

/* Area-average downscale of in (w x h) by f < 1 into out; returns new size. */
static void shrink(const uint8_t *in, int w, int h, float f, uint8_t *out, int *ow, int *oh)
{
	int W = (int)((float)w * f + 0.5f), H = (int)((float)h * f + 0.5f), x, y;

	W = W < 2 ? 2 : W;
	H = H < 2 ? 2 : H;
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++) {
			int x0 = x * w / W, x1 = (x + 1) * w / W, y0 = y * h / H, y1 = (y + 1) * h / H, i, j, s = 0, n = 0;

			x1 = x1 > x0 ? x1 : x0 + 1;
			y1 = y1 > y0 ? y1 : y0 + 1;
			for (j = y0; j < y1; j++)
				for (i = x0; i < x1; i++)
					s += in[j * w + i], n++;
			out[y * W + x] = (uint8_t)((s + n / 2) / n);
		}
	*ow = W;
	*oh = H;
}

/* 3 x 3 filter: 0 box blur, 1 min (dark strokes thicken), 2 max. */
static void filter3(uint8_t *p, int w, int h, int op, uint8_t *tmp)
{
	int x, y, i, j;

	memcpy(tmp, p, (size_t)w * h);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			int s = 0, n = 0, mn = 255, mx = 0;

			for (j = y - 1; j <= y + 1; j++)
				for (i = x - 1; i <= x + 1; i++) {
					int v;

					if (i < 0 || j < 0 || i >= w || j >= h)
						continue;
					v = tmp[j * w + i];
					s += v, n++;
					mn = v < mn ? v : mn;
					mx = v > mx ? v : mx;
				}
			p[y * w + x] = (uint8_t)(op == 0 ? (s + n / 2) / n : op == 1 ? mn : mx);
		}
}

/* An augmented tile of sample sm. */
static void augment(const struct sample *sm, uint8_t *tile)
{
	static uint8_t a[AUG_MAX], b[AUG_MAX];
	const struct anpr_image *im = &srcs[sm->src].img;
	struct anpr_box box = sm->box;
	int m = box.h * 3 / 10 + 2, rx, ry, rw, rh, x, y;
	uint8_t *cur = a;

	rx = box.x - m < 0 ? 0 : box.x - m;
	ry = box.y - m < 0 ? 0 : box.y - m;
	rw = (box.x + box.w + m > (int)im->width ? (int)im->width : box.x + box.w + m) - rx;
	rh = (box.y + box.h + m > (int)im->height ? (int)im->height : box.y + box.h + m) - ry;
	while (rw * rh > AUG_MAX) { /* keep within the buffers: crop the margin */
		rw = rw * 9 / 10;
		rh = rh * 9 / 10;
	}
	warp(im, rx, ry, rw, rh, &box, a);
	if (frand(0, 1) < 0.45f) { /* a small, far or low-resolution character */
		float f = frand(7, 20) / (float)box.h;

		if (f < 0.9f) {
			int nw, nh;

			shrink(a, rw, rh, f, b, &nw, &nh);
			box.x = (uint16_t)((float)box.x * (float)nw / (float)rw);
			box.y = (uint16_t)((float)box.y * (float)nh / (float)rh);
			box.w = (uint16_t)((float)box.w * (float)nw / (float)rw + 0.5f);
			box.h = (uint16_t)((float)box.h * (float)nh / (float)rh + 0.5f);
			box.w = box.w ? box.w : 1;
			box.h = box.h ? box.h : 1;
			if (box.x + box.w > nw)
				box.w = (uint16_t)(nw - box.x);
			if (box.y + box.h > nh)
				box.h = (uint16_t)(nh - box.y);
			rw = nw;
			rh = nh;
			cur = b;
		}
	}
	if (frand(0, 1) < 0.3f)
		filter3(cur, rw, rh, 0, cur == a ? b : a);
	if (box.h >= 20 && frand(0, 1) < 0.3f) /* stroke width */
		filter3(cur, rw, rh, frand(0, 1) < 0.5f ? 1 : 2, cur == a ? b : a);
	if (frand(0, 1) < 0.12f) { /* a bolt, dirt, a shadow over part of the character */
		int ow = (int)(box.w * frand(0.15f, 0.45f)) + 1, oh = (int)(box.h * frand(0.1f, 0.35f)) + 1;
		int ox = box.x + (int)(frand(0, 1) * (float)(box.w - ow + 1));
		int oy = box.y + (int)(frand(0, 1) * (float)(box.h - oh + 1));
		int v = (int)frand(0, 255);

		for (y = oy; y < oy + oh && y < rh; y++)
			for (x = ox; x < ox + ow && x < rw; x++)
				if (x >= 0 && y >= 0)
					cur[y * rw + x] = (uint8_t)v;
	}
	{ /* contrast, brightness and sensor noise */
		float lo = frand(0, 130), hi = frand(lo + 35, 255), sd = frand(0, 10);

		for (y = 0; y < rh; y++)
			for (x = 0; x < rw; x++) {
				float v = lo + (hi - lo) * (float)cur[y * rw + x] / 255 + sd * gauss();

				cur[y * rw + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5f);
			}
	}
	anpr_char_tile(cur, (unsigned)rw, (unsigned)rh, (size_t)rw, &box, sm->inv, tile);
}

static void clean_tile(const struct sample *sm, uint8_t *tile)
{
	const struct anpr_image *im = &srcs[sm->src].img;

	anpr_char_tile(im->pixels, im->width, im->height, im->width, &sm->box, sm->inv, tile);
}

/* ---- the network in float ---- */
struct net {
	int nin, nhid;
	float *w1, *b1, *w2, *b2;          /* weights */
	float *m1, *mb1, *m2, *mb2;        /* momentum */
};

static void net_init(struct net *n, int nin, int nhid)
{
	float r1 = sqrtf(6.0f / (float)(nin + nhid)), r2 = sqrtf(6.0f / (float)(nhid + ANPR_NCLASS));
	int i;

	n->nin = nin;
	n->nhid = nhid;
	n->w1 = calloc((size_t)nin * nhid, sizeof(float));
	n->m1 = calloc((size_t)nin * nhid, sizeof(float));
	n->b1 = calloc((size_t)nhid, sizeof(float));
	n->mb1 = calloc((size_t)nhid, sizeof(float));
	n->w2 = calloc((size_t)nhid * ANPR_NCLASS, sizeof(float));
	n->m2 = calloc((size_t)nhid * ANPR_NCLASS, sizeof(float));
	n->b2 = calloc(ANPR_NCLASS, sizeof(float));
	n->mb2 = calloc(ANPR_NCLASS, sizeof(float));
	if (!n->w1 || !n->m1 || !n->b1 || !n->mb1 || !n->w2 || !n->m2 || !n->b2 || !n->mb2) {
		fprintf(stderr, "train: out of memory\n");
		exit(2);
	}
	for (i = 0; i < nin * nhid; i++)
		n->w1[i] = frand(-r1, r1);
	for (i = 0; i < nhid * ANPR_NCLASS; i++)
		n->w2[i] = frand(-r2, r2);
}

/* One SGD step on (x, label); returns the loss. */
static float net_step(struct net *n, const uint8_t *tile, int label, float lr)
{
	float hid[512], out[ANPR_NCLASS], dout[ANPR_NCLASS], dhid[512], mx = -1e30f, sum = 0;
	const float mom = 0.9f, wd = 1e-4f;
	float x[ANPR_TILE_IN];
	int i, j;

	for (i = 0; i < n->nin; i++)
		x[i] = (float)tile[i] / 255;

	for (j = 0; j < n->nhid; j++) {
		const float *row = n->w1 + (size_t)j * n->nin;
		float acc = n->b1[j];

		for (i = 0; i < n->nin; i++)
			acc += row[i] * x[i];
		hid[j] = acc > 0 ? acc : 0;
	}
	for (j = 0; j < ANPR_NCLASS; j++) {
		const float *row = n->w2 + (size_t)j * n->nhid;
		float acc = n->b2[j];

		for (i = 0; i < n->nhid; i++)
			acc += row[i] * hid[i];
		out[j] = acc;
		mx = acc > mx ? acc : mx;
	}
	for (j = 0; j < ANPR_NCLASS; j++)
		sum += (out[j] = expf(out[j] - mx));
	for (j = 0; j < ANPR_NCLASS; j++)
		dout[j] = out[j] / sum - (j == label);
	memset(dhid, 0, sizeof(float) * (size_t)n->nhid);
	for (j = 0; j < ANPR_NCLASS; j++) {
		float *row = n->w2 + (size_t)j * n->nhid, *mrow = n->m2 + (size_t)j * n->nhid;

		for (i = 0; i < n->nhid; i++) {
			dhid[i] += row[i] * dout[j];
			mrow[i] = mom * mrow[i] - lr * (dout[j] * hid[i] + wd * row[i]);
			row[i] += mrow[i];
		}
		n->mb2[j] = mom * n->mb2[j] - lr * dout[j];
		n->b2[j] += n->mb2[j];
	}
	for (j = 0; j < n->nhid; j++) {
		float g = hid[j] > 0 ? dhid[j] : 0, *row, *mrow;

		if (g == 0 && n->mb1[j] == 0)
			continue;
		row = n->w1 + (size_t)j * n->nin;
		mrow = n->m1 + (size_t)j * n->nin;
		for (i = 0; i < n->nin; i++) {
			mrow[i] = mom * mrow[i] - lr * (g * x[i] + wd * row[i]);
			row[i] += mrow[i];
		}
		n->mb1[j] = mom * n->mb1[j] - lr * g;
		n->b1[j] += n->mb1[j];
	}
	return -logf(out[label] / sum + 1e-12f);
}

/* ---- quantisation and output ---- */
struct qnet {
	int8_t *w1, *w2;
	float *s1, *s2;
	struct anpr_classifier c;
};

static void quantise_rows(const float *w, int rows, int cols, int8_t *q, float *s)
{
	int r, i;

	for (r = 0; r < rows; r++) {
		float mx = 1e-12f;

		for (i = 0; i < cols; i++)
			mx = fabsf(w[r * cols + i]) > mx ? fabsf(w[r * cols + i]) : mx;
		s[r] = mx / 127;
		for (i = 0; i < cols; i++)
			q[r * cols + i] = (int8_t)lrintf(w[r * cols + i] / s[r]);
	}
}

static void quantise(const struct net *n, struct qnet *q)
{
	q->w1 = malloc((size_t)n->nin * n->nhid);
	q->w2 = malloc((size_t)n->nhid * ANPR_NCLASS);
	q->s1 = malloc(sizeof(float) * (size_t)n->nhid);
	q->s2 = malloc(sizeof(float) * ANPR_NCLASS);
	quantise_rows(n->w1, n->nhid, n->nin, q->w1, q->s1);
	quantise_rows(n->w2, ANPR_NCLASS, n->nhid, q->w2, q->s2);
	q->c = (struct anpr_classifier){n->nin, n->nhid, q->w1, q->s1, n->b1, q->w2, q->s2, n->b2, 1.0f, ""};
}

static void write_floats(FILE *f, const char *name, const float *v, int n)
{
	int i;

	fprintf(f, "static const float %s[%d] = {", name, n);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%a,", i % 6 ? " " : "\n\t", (double)v[i]);
	fprintf(f, "\n};\n\n");
}

static void write_int8(FILE *f, const char *name, const int8_t *v, int n)
{
	int i;

	fprintf(f, "static const int8_t %s[%d] = {", name, n);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%d,", i % 20 ? " " : "\n\t", v[i]);
	fprintf(f, "\n};\n\n");
}

/* ---- evaluation ---- */
struct acc {
	int n, ok;
};

static void evaluate(const struct anpr_classifier *c, int test, struct acc *per_set, double *nll, float temp)
{
	uint8_t tile[ANPR_TILE_IN];
	float p[ANPR_NCLASS];
	struct anpr_classifier t = *c;
	int i, k;

	t.temperature = temp;
	memset(per_set, 0, sizeof(*per_set) * (NSETS + 1));
	*nll = 0;
	for (i = 0; i < nsamples; i++) {
		const struct sample *sm = &samples[i];
		int set = sm->label == ANPR_CLASS_JUNK ? NSETS : sm->set, best = 0;

		if (sm->test != test)
			continue;
		clean_tile(sm, tile);
		anpr_classify(&t, tile, p);
		for (k = 1; k < ANPR_NCLASS; k++)
			if (p[k] > p[best])
				best = k;
		per_set[set].n++;
		per_set[set].ok += best == sm->label;
		*nll -= log(p[sm->label] + 1e-12);
	}
}

static void report(const char *what, const struct anpr_classifier *c, int test, float temp)
{
	struct acc a[NSETS + 1];
	double nll;
	int s, n = 0;

	evaluate(c, test, a, &nll, temp);
	printf("%s:", what);
	for (s = 0; s <= NSETS; s++) {
		printf(" %s %d/%d (%.2f%%)", s < NSETS ? set_dir[s] : "junk", a[s].ok, a[s].n,
		       a[s].n ? 100.0 * a[s].ok / a[s].n : 0.0);
		n += a[s].n;
	}
	printf(" nll %.4f\n", n ? nll / n : 0.0);
}

/* One round of training: every training sample once per epoch, shuffled,
 * mostly augmented; the learning rate follows a cosine from lr down. */
static void train_round(struct net *net, int epochs, float lr0, float p_aug)
{
	uint8_t tile[ANPR_TILE_IN];
	int *order = malloc(sizeof(int) * (size_t)(nsamples ? nsamples : 1)), ntrain = 0, i, e;

	if (!order) {
		fprintf(stderr, "train: out of memory\n");
		exit(2);
	}
	for (i = 0; i < nsamples; i++)
		if (!samples[i].test)
			order[ntrain++] = i;
	printf("training on %d samples (%d held out), %d epochs, %d hidden units\n", ntrain, nsamples - ntrain,
	       epochs, net->nhid);
	for (e = 0; e < epochs; e++) {
		float lr = lr0 * 0.5f * (1 + cosf(3.14159265f * (float)e / (float)epochs)) + lr0 / 50;
		double loss = 0;

		for (i = ntrain - 1; i > 0; i--) {
			int j = (int)(rnd() % (uint32_t)(i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < ntrain; i++) {
			const struct sample *sm = &samples[order[i]];

			if (frand(0, 1) < p_aug)
				augment(sm, tile);
			else
				clean_tile(sm, tile);
			loss += net_step(net, tile, sm->label, lr);
		}
		printf("epoch %d: lr %.5f loss %.4f\n", e + 1, lr, loss / ntrain);
		fflush(stdout);
	}
	free(order);
}

int main(int argc, char **argv)
{
	const char *data = "../shared/data", *out = "host/src/classifier_weights.c";
	int epochs = 30, nhid = 96, i;
	float base_lr = 0.001f, p_aug = 0.85f;
	unsigned long seed = 1;
	int crops[NSETS] = {0}, keep, round, rounds = 2;
	struct net net;
	struct qnet q;
	float best_t = 1;
	double best_nll = 1e30;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc)
			data = argv[++i];
		else if (!strcmp(argv[i], "--epochs") && i + 1 < argc)
			epochs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--hidden") && i + 1 < argc)
			nhid = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--lr") && i + 1 < argc)
			base_lr = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--augment") && i + 1 < argc)
			p_aug = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "usage: train [--data DIR] [--epochs N] [--hidden N] [--lr X] [--augment P] "
					"[--seed N] [--out FILE]\n");
			return 1;
		}
	}
	if (epochs < 1 || nhid < 8 || nhid > 512) {
		fprintf(stderr, "train: --epochs must be >= 1 and --hidden 8..512\n");
		return 1;
	}
	rng_state ^= seed * 0x2545f4914f6cdd1dull;
	for (i = 0; i < NSETS; i++) {
		int n = load_set(data, i, &crops[i]);

		if (i == SET_GB)
			printf("%s: %d tiles\n", set_dir[i], n);
		else
			printf("%s: %d crops\n", set_dir[i], crops[i]);
	}
	keep = nsamples;
	net_init(&net, ANPR_TILE_IN, nhid);
	for (round = 0; round < rounds; round++) {
		/* round 0 labels crops whose segmentation has one slot per
		 * character; later rounds align the text to the slots with the
		 * network of the round before */
		int used = align_crops(round ? &q.c : NULL, -2.5, keep);

		printf("round %d: %d of %d crops aligned\n", round, used, ncrops);
		train_round(&net, epochs, base_lr, p_aug);
		quantise(&net, &q);
	}
	for (i = 0; i <= 60; i++) { /* calibrate: the temperature of least held-out NLL */
		struct acc a[NSETS + 1];
		double nll;
		float t = 0.5f + 0.05f * (float)i;

		evaluate(&q.c, 1, a, &nll, t);
		if (nll < best_nll) {
			best_nll = nll;
			best_t = t;
		}
	}
	printf("temperature %.2f\n", best_t);
	report("train (clean)", &q.c, 0, best_t);
	report("held out", &q.c, 1, best_t);

	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "train: %s: cannot write\n", out);
		return 1;
	}
	fprintf(f, "/*\n * classifier_weights.c - generated by tools/train.c; do not edit.\n *\n"
		   " *   build/train --data DIR --epochs %d (per round, %d rounds) --hidden %d --lr %g --augment %g --seed %lu\n *\n"
		   " * Trained on the training folds (4 of 5, split by plate) of gb-chars, and\n"
		   " * of the characters the host segmenter cut from uk-crops and br-crops, of\n"
		   " * the project's development data (OpenALPR benchmark images; see\n"
		   " * docs/reading.md), with synthetic augmentation.\n */\n"
		   "#include <stdint.h>\n\n#include \"anpr/classify.h\"\n\n",
		epochs, rounds, nhid, (double)base_lr, (double)p_aug, seed);
	write_int8(f, "w1", q.w1, net.nin * nhid);
	write_floats(f, "s1", q.s1, nhid);
	write_floats(f, "b1", net.b1, nhid);
	write_int8(f, "w2", q.w2, nhid * ANPR_NCLASS);
	write_floats(f, "s2", q.s2, ANPR_NCLASS);
	write_floats(f, "b2", net.b2, ANPR_NCLASS);
	fprintf(f, "const struct anpr_classifier anpr_classifier_default = {\n"
		   "\t%d, %d, w1, s1, b1, w2, s2, b2, %a,\n"
		   "\t\"make train: --epochs %d --hidden %d --lr %g --augment %g --seed %lu; gb-chars, uk-crops, br-crops "
		   "training folds\",\n};\n",
		net.nin, nhid, (double)best_t, epochs, nhid, (double)base_lr, (double)p_aug, seed);
	if (fclose(f)) {
		fprintf(stderr, "train: %s: write failed\n", out);
		return 1;
	}
	printf("wrote %s\n", out);
	return 0;
}
