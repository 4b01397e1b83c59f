/*
 * train.c - train the character classifier (`make train`).
 *
 *   build/train [--data DIR] [--epochs N] [--rounds N] [--c1 N] [--c2 N] [--hidden N] [--batch N]
 *               [--lr X] [--augment P] [--average F] [--fonts N] [--font-skip CHARS]
 *               [--font-mix P] [--balance A] [--uk-repeat CHARS:N] [--flag1 P] [--din-m P]
 *               [--row-end P] [--small P] [--small-h A:B] [--seg rows|all] [--members K]
 *               [--seed N] [--out FILE]
 *
 * Reads DIR (default ../shared/data):
 *   gb-chars/  single-character tiles of real UK plates
 *   uk-crops/  real UK plate crops, br-crops/ Brazilian ones
 * and, with --fonts N (N copies of each), 0-9 and A-Z rendered from the
 * condensed sans fonts Debian packages (load_fonts), for EU plates' DIN-like
 * faces, each used in an epoch with probability --font-mix (default 1).
 * --balance A (default 0: off) weights rare character classes up
 * (train_round).
 * The crops are cut into characters by the host's own segmenter
 * (host/src/segment.c): round 0 labels a crop whose best segmentation has
 * as many characters as its truth text, one sample per character in order;
 * later rounds align the text to the slots of every hypothesis with the
 * network of the round before. The segmenter's other boxes that cover no
 * true character, the plate just past either end of the text, and boxes
 * straddling two neighbouring characters are "junk" samples.
 *
 * Each set is split by plate into five folds; fold 0 is held out (gb-chars:
 * by the middle number of the file name, which names the plate; crops: by
 * plate text) and used only to calibrate the softmax temperature and to
 * report held-out accuracy. Every epoch sees every training sample once,
 * augmented with probability --augment (default 0.6): affine warp
 * (rotation, shear, scale), loss of resolution, blur, stroke width
 * (erode/dilate), contrast, noise, partial occlusion, and jitter of the box.
 *
 * The network (anpr/classify.h: two 3x3 convolutions of --c1 and --c2
 * channels, each max-pooled 2x2, a dense layer of --hidden units, the
 * ANPR_NCLASS outputs) is trained in float by SGD with momentum; the
 * weights of the last --average of the last round's epochs are averaged.
 * It is then quantised (8-bit weights with a scale per output channel,
 * 7-bit activations calibrated on the training tiles) and written as C
 * source (default host/src/classifier_weights.c). One thread, one seeded
 * generator: the same data and options give the same file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H

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
	int synth; /* a font sample (load_fonts): training only, used with probability --font-mix */
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
#define MAX_MEMBERS 4 /* --members */
#define RNG_INIT 0x9e3779b97f4a7c15ull
static uint64_t rng_state = RNG_INIT;

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
	samples[nsamples] = (struct sample){src, *box, inv, label, set, test, 0};
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
/* --seg all: the crops are cut into samples by every hypothesis of
 * anpr_segment, the extended rows included; by default (--seg rows) by the
 * rows only (anpr_segment_rows): an extension's pooled or projected box is
 * a guess, and as a junk sample it teaches that a character beside a frame
 * is junk (docs/reading.md section 3). */
static int seg_all;

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
			c->nhyp = (seg_all ? anpr_segment : anpr_segment_rows)(img.pixels, img.width, img.height,
									      img.width, c->hyp, ANPR_SEG_ROW_HYP);
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

/* ---- synthetic characters from packaged fonts ----
 * The development data is nearly all UK (Charles Wright) and Brazilian
 * characters; EU plates use DIN 1451-like condensed sans faces (a 1 with a
 * flag and no foot, a round O beside a narrow 0, an M with upright sides).
 * Each of 0-9 and A-Z is rendered by FreeType from the condensed and plain
 * sans faces Debian packages, at several widths, dark on a light ground,
 * into its own image with a margin; the ink box is the sample's box. These
 * samples are training-only (never held out) and are augmented like the
 * rest. Rendering is integer and has no randomness: deterministic. A font
 * file that is absent is skipped with a message. */
static const char *const font_file[] = {
	"/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Regular.otf", /* fonts-urw-base35 */
	"/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf",
	"/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", /* fonts-dejavu-extra */
	"/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
	"/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", /* fonts-liberation2 */
	"/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
};

static int load_fonts(int copies, const char *skip)
{
	static const float xscale[] = {0.7f, 0.85f, 1.0f};
	static const char chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	FT_Library lib;
	int before = nsamples, f, k, ci, r;

	if (copies <= 0)
		return 0;
	if (FT_Init_FreeType(&lib)) {
		fprintf(stderr, "train: FreeType failed to start: no font samples\n");
		return 0;
	}
	for (f = 0; f < (int)(sizeof(font_file) / sizeof(font_file[0])); f++) {
		FT_Face face;

		if (FT_New_Face(lib, font_file[f], 0, &face)) {
			printf("fonts: %s absent, skipped (make deps installs it)\n", font_file[f]);
			continue;
		}
		FT_Set_Pixel_Sizes(face, 0, 44); /* capitals about 32 pixels high */
		for (k = 0; k < (int)(sizeof(xscale) / sizeof(xscale[0])); k++) {
			FT_Matrix m = {(FT_Fixed)(xscale[k] * 65536), 0, 0, 0x10000};

			FT_Set_Transform(face, &m, NULL);
			for (ci = 0; chars[ci]; ci++) {
				const FT_Bitmap *bm;
				struct anpr_image img;
				struct anpr_box box;
				int bw, bh, mg, W, H, x, y, x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1, s;

				if (strchr(skip, chars[ci]) ||
				    FT_Load_Char(face, (FT_ULong)chars[ci], FT_LOAD_RENDER | FT_LOAD_TARGET_NORMAL))
					continue;
				bm = &face->glyph->bitmap;
				if (bm->pixel_mode != FT_PIXEL_MODE_GRAY || !bm->width || !bm->rows)
					continue;
				bw = (int)bm->width;
				bh = (int)bm->rows;
				mg = bh / 2 + 4;
				W = bw + 2 * mg;
				H = bh + 2 * mg;
				img.width = (unsigned)W;
				img.height = (unsigned)H;
				img.pixels = xrealloc(NULL, (size_t)W * H);
				memset(img.pixels, 215, (size_t)W * H);
				for (y = 0; y < bh; y++)
					for (x = 0; x < bw; x++) {
						int cov = bm->buffer[y * bm->pitch + x];

						img.pixels[(y + mg) * W + x + mg] = (uint8_t)(215 - (215 - 25) * cov / 255);
						if (cov >= 128) {
							x0 = x < x0 ? x : x0;
							x1 = x > x1 ? x : x1;
							y0 = y < y0 ? y : y0;
							y1 = y > y1 ? y : y1;
						}
					}
				if (x1 < 0) {
					free(img.pixels);
					continue;
				}
				box = (struct anpr_box){(uint16_t)(x0 + mg), (uint16_t)(y0 + mg), (uint16_t)(x1 - x0 + 1),
							(uint16_t)(y1 - y0 + 1)};
				s = add_src(&img);
				for (r = 0; r < copies; r++) {
					add_sample(s, &box, anpr_tile_inverted(img.pixels, img.width, img.height, img.width),
						   anpr_char_class(chars[ci]), SET_GB, 0);
					samples[nsamples - 1].synth = 1;
				}
			}
		}
		FT_Done_Face(face);
	}
	FT_Done_FreeType(lib);
	return nsamples - before;
}

/* The best reading of c's text from hypothesis hyp (dataset_align); without
 * a net, only a hypothesis with exactly as many slots as characters aligns
 * (score 0). */
static double align(const struct anpr_classifier *net, const struct crop *c, const struct anpr_seg_hyp *hyp,
		    int *slot_of)
{
	const struct anpr_image *im = &srcs[c->src].img;
	int i, L = (int)strlen(c->text);

	if (!net) {
		if (hyp->nchars != L)
			return -1e30;
		for (i = 0; i < L; i++)
			slot_of[i] = i;
		return 0;
	}
	return dataset_align(net, im->pixels, im->width, im->height, hyp, c->text, slot_of, NULL);
}

/* Add box of crop c as a junk sample unless it covers one of the labelled
 * characters (samples [first, first + L)) by 25 % or a junk sample already
 * taken from the crop (from first on) by 60 %. */
static void add_junk(const struct crop *c, const struct anpr_box *box, int inv, int first, int L)
{
	int m;

	for (m = first; m < nsamples; m++)
		if (iou_pct(box, &samples[m].box) >= (m < first + L ? 25 : 60))
			return;
	add_sample(c->src, box, inv, ANPR_CLASS_JUNK, c->set, c->test);
}

/* Junk just past either end of each row of h (the plate's frame, a band, a
 * bolt, bare plate): a box a character wide, one gap away, the row's
 * height. */
static void add_edge_junk(const struct crop *c, const struct anpr_seg_hyp *h, int first, int L)
{
	const struct anpr_image *im = &srcs[c->src].img;
	int r, e, i;

	for (r = 0; r < h->rows; r++) {
		int a = r ? h->row2 : 0, b = r ? h->nchars : h->row2, y0 = 65535, y1 = 0, wsum = 0, cw, gap;
		const struct anpr_box *lo = &h->chars[a], *hi = &h->chars[b - 1];

		if (b - a < 2)
			continue;
		for (i = a; i < b; i++) {
			y0 = h->chars[i].y < y0 ? h->chars[i].y : y0;
			y1 = h->chars[i].y + h->chars[i].h > y1 ? h->chars[i].y + h->chars[i].h : y1;
			wsum += h->chars[i].w;
		}
		cw = wsum / (b - a);
		gap = (hi->x + hi->w - lo->x - wsum) / (b - a - 1);
		gap = gap < 1 ? 1 : gap;
		for (e = 0; e < 2; e++) {
			int x0 = e ? hi->x + hi->w + gap : lo->x - gap - cw, x1 = x0 + cw;
			struct anpr_box box;

			x0 = x0 < 0 ? 0 : x0;
			x1 = x1 > (int)im->width ? (int)im->width : x1;
			if (x1 - x0 < (cw + 1) / 2)
				continue;
			box = (struct anpr_box){(uint16_t)x0, (uint16_t)y0, (uint16_t)(x1 - x0), (uint16_t)(y1 - y0)};
			add_junk(c, &box, h->inverted, first, L);
		}
	}
}

/* Junk between each two neighbouring characters (samples [first, first + L)
 * in reading order, on one row): from the middle of one to the middle of the
 * next, the pair's height: what a segmenter that cut in the wrong places
 * offers. */
static void add_straddle_junk(const struct crop *c, int first, int L)
{
	int i;

	for (i = first; i + 1 < first + L; i++) {
		const struct anpr_box *a = &samples[i].box, *b = &samples[i + 1].box;
		int x0 = a->x + a->w / 2, x1 = b->x + b->w / 2, y0 = a->y < b->y ? a->y : b->y;
		int y1 = a->y + a->h > b->y + b->h ? a->y + a->h : b->y + b->h;
		struct anpr_box box;

		if (x1 - x0 < 2 || b->x < a->x + a->w / 2 || y1 - y0 > 2 * (a->h > b->h ? a->h : b->h) ||
		    abs((a->y + a->h / 2) - (b->y + b->h / 2)) * 2 > a->h)
			continue; /* overlapping, or on two rows */
		box = (struct anpr_box){(uint16_t)x0, (uint16_t)y0, (uint16_t)(x1 - x0), (uint16_t)(y1 - y0)};
		add_sample(c->src, &box, samples[i].inv, ANPR_CLASS_JUNK, c->set, c->test);
	}
}

/* Replace the crop samples: each crop's best-aligned hypothesis gives one
 * sample per character; its other slots, the other hypotheses' boxes that
 * cover no character, and the plate past either end of its rows are junk.
 * A crop whose best alignment averages below min_lp per character is left
 * out (a misread truth, an unreadable crop). Returns the number of crops
 * used. */
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
		for (k = 0; k < c->nhyp; k++)
			for (j = 0; j < c->hyp[k].nchars; j++)
				add_junk(c, &c->hyp[k].chars[j], c->hyp[best].inverted, first, L);
		add_edge_junk(c, &c->hyp[best], first, L);
		add_straddle_junk(c, first, L);
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

			out[y * rw + x] = dataset_bilinear(im->pixels, im->width, im->height, su, sv);
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

/* --flag1 P: the probability that an augmented 1 gets a long flag;
 * --din-m P: that an augmented M is redrawn as the DIN M (add_din_m);
 * --row-end P: that an augmented character loses its neighbours on one
 * side (blank_side). */
static float flag1_p, din_m_p, row_end_p;
/* --small P, --small-h A:B: the share of augmented characters shrunk, and
 * the character heights they are shrunk to (pixels) */
static float small_p = 0.45f, small_lo = 7, small_hi = 20;

/* Draw on p (w x h) a stroke t wide from (sx, sy) to (ex, ey) in the ink
 * level, anti-aliased over a pixel; a pixel only moves towards the ink, so
 * strokes overlap cleanly. inv: light ink on dark. */
static void draw_stroke(uint8_t *p, int w, int h, float sx, float sy, float ex, float ey, float t, int ink,
			int inv)
{
	float dx = ex - sx, dy = ey - sy, l2 = dx * dx + dy * dy;
	float lx = sx < ex ? sx : ex, hx = sx < ex ? ex : sx, ly = sy < ey ? sy : ey, hy = sy < ey ? ey : sy;
	int x, y, x0 = (int)(lx - t) < 0 ? 0 : (int)(lx - t), x1 = (int)(hx + t) + 1 > w ? w : (int)(hx + t) + 1;
	int y0 = (int)(ly - t) < 0 ? 0 : (int)(ly - t), y1 = (int)(hy + t) + 1 > h ? h : (int)(hy + t) + 1;

	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			float px = (float)x + 0.5f - sx, py = (float)y + 0.5f - sy;
			float u = l2 > 0 ? (px * dx + py * dy) / l2 : 0, qx, qy, a;
			int v = p[y * w + x];

			u = u < 0 ? 0 : u > 1 ? 1 : u;
			qx = px - u * dx;
			qy = py - u * dy;
			a = t * 0.5f + 0.5f - sqrtf(qx * qx + qy * qy); /* coverage */
			a = a < 0 ? 0 : a > 1 ? 1 : a;
			if (a > 0 && (inv ? ink > v : ink < v))
				p[y * w + x] = (uint8_t)((float)v + a * (float)(ink - v) + 0.5f);
		}
}

/* The darkest and lightest pixel of box in p (w x h). */
static void box_range(const uint8_t *p, int w, const struct anpr_box *box, int *mn, int *mx)
{
	int x, y;

	*mn = 255;
	*mx = 0;
	for (y = box->y; y < box->y + box->h; y++)
		for (x = box->x; x < box->x + box->w; x++) {
			*mn = p[y * w + x] < *mn ? p[y * w + x] : *mn;
			*mx = p[y * w + x] > *mx ? p[y * w + x] : *mx;
		}
}

/* Draw on the 1 in box of p (w x h) the long flag of the Czech, Slovak and
 * German plate fonts (DIN 1451-like): a stroke as thick as the stem from the
 * stem's top down to the left, 0.3-0.5 of the height long at 30-55 degrees,
 * which makes a 1 look like a 7 to a network that has only seen UK and
 * Brazilian 1s. The box grows to take the flag in. */
static void add_flag(uint8_t *p, int w, int h, struct anpr_box *box, int inv)
{
	int x, y, mn, mx, thr, n = 0;
	float sl = 0, sr = 0, t, len, ang, sx, sy, ex, ey;

	box_range(p, w, box, &mn, &mx);
	if (mx - mn < 32)
		return;
	thr = (mn + mx) / 2;
	/* the stem: the ink's left and right edges over the middle rows */
	for (y = box->y + box->h * 3 / 10; y < box->y + box->h * 7 / 10; y++) {
		int l = -1, r = -1;

		for (x = box->x; x < box->x + box->w; x++)
			if (inv ? p[y * w + x] > thr : p[y * w + x] < thr) {
				l = l < 0 ? x : l;
				r = x;
			}
		if (l >= 0) {
			sl += (float)l;
			sr += (float)r + 1;
			n++;
		}
	}
	if (!n)
		return;
	sl /= (float)n;
	sr /= (float)n;
	t = (sr - sl) * frand(0.8f, 1.1f);
	t = t < 1 ? 1 : t;
	len = (float)box->h * frand(0.3f, 0.5f);
	ang = frand(0.52f, 0.96f);
	sx = sl + t * 0.5f;
	sy = (float)box->y + t * 0.5f;
	ex = sx - len * cosf(ang);
	ey = sy + len * sinf(ang);
	if (ex < t * 0.5f) /* no room for it in the image (a single-character tile) */
		return;
	if ((ex - sx) * (ex - sx) + (ey - sy) * (ey - sy) < 1)
		return;
	draw_stroke(p, w, h, sx, sy, ex, ey, t, inv ? mx : mn, inv);
	x = (int)(ex - t * 0.5f);
	x = x < 0 ? 0 : x;
	if (x < box->x) {
		box->w = (uint16_t)(box->w + box->x - x);
		box->x = (uint16_t)x;
	}
}

/* Redraw the M in box of p (w x h) as the M of the Czech, Slovak and German
 * plate fonts (DIN 1451 Engschrift-like), which no training set has: narrow
 * (0.48-0.62 of the height), thin strokes (0.08-0.14 of the height), upright
 * stems, the diagonals meeting at 0.45-0.75 of the height in the middle. The
 * UK M's diagonals reach the baseline and its strokes are heavier; read
 * small, the narrow M blurs into an H, W or Y. The box is painted with the
 * background level (the mean of its pixels on the background side of the
 * mid level) and the M drawn in the ink level; the box narrows to it. */
static float add_din_m(uint8_t *p, int w, int h, struct anpr_box *box, int inv)
{
	int x, y, mn, mx, thr, n = 0, bg, nw;
	long sum = 0;
	float t, v, x0, x1, y0, y1, xc;

	box_range(p, w, box, &mn, &mx);
	if (mx - mn < 32 || box->h < 8)
		return 0;
	thr = (mn + mx) / 2;
	for (y = box->y; y < box->y + box->h; y++)
		for (x = box->x; x < box->x + box->w; x++)
			if (inv ? p[y * w + x] <= thr : p[y * w + x] >= thr)
				sum += p[y * w + x], n++;
	if (!n)
		return 0;
	bg = (int)(sum / n);
	nw = (int)((float)box->h * frand(0.48f, 0.62f) + 0.5f);
	nw = nw > box->w ? box->w : nw < 4 ? 4 : nw;
	t = (float)box->h * frand(0.08f, 0.14f);
	t = t < 1 ? 1 : t;
	v = frand(0.45f, 0.75f);
	for (y = box->y; y < box->y + box->h; y++)
		for (x = box->x; x < box->x + box->w; x++)
			p[y * w + x] = (uint8_t)bg;
	box->x = (uint16_t)(box->x + (box->w - nw) / 2);
	box->w = (uint16_t)nw;
	x0 = (float)box->x + t * 0.5f;
	x1 = (float)(box->x + box->w) - t * 0.5f;
	y0 = (float)box->y + t * 0.5f;
	y1 = (float)(box->y + box->h) - t * 0.5f;
	xc = ((float)box->x + (float)(box->x + box->w)) * 0.5f;
	draw_stroke(p, w, h, x0, y0, x0, y1, t, inv ? mx : mn, inv);
	draw_stroke(p, w, h, x1, y0, x1, y1, t, inv ? mx : mn, inv);
	draw_stroke(p, w, h, x0, y0, xc, (float)box->y + (float)box->h * v, t, inv ? mx : mn, inv);
	draw_stroke(p, w, h, x1, y0, xc, (float)box->y + (float)box->h * v, t, inv ? mx : mn, inv);
	return t;
}

/* Paint p (w x h) left (side 0) or right (side 1) of box with the paper's
 * level, from a pixel past the box's edge out: the character as it stands at
 * the start or the end of a row, with nothing beside it. Without this, the
 * only samples that show bare plate on one side of a stroke are the junk
 * past each row's ends (add_edge_junk), and a thin 1 or I that starts or
 * ends a row (the bottom row of a two-row plate: 1918) is read as junk. */
static void blank_side(uint8_t *p, int w, int h, const struct anpr_box *box, int inv, int side)
{
	int mn, mx, x, y, paper, x0 = side ? box->x + box->w + 1 : 0, x1 = side ? w : box->x - 1;

	box_range(p, w, box, &mn, &mx);
	paper = inv ? mn : mx;
	for (y = 0; y < h; y++)
		for (x = x0 < 0 ? 0 : x0; x < x1; x++)
			p[y * w + x] = (uint8_t)paper;
}

/* An augmented tile of sample sm. */
static void augment(const struct sample *sm, uint8_t *tile)
{
	static uint8_t a[AUG_MAX], b[AUG_MAX];
	const struct anpr_image *im = &srcs[sm->src].img;
	struct anpr_box box = sm->box;
	int m = box.h * 3 / 10 + 2, rx, ry, rw, rh, x, y;
	uint8_t *cur = a;
	float din_t = 0;

	rx = box.x - m < 0 ? 0 : box.x - m;
	ry = box.y - m < 0 ? 0 : box.y - m;
	rw = (box.x + box.w + m > (int)im->width ? (int)im->width : box.x + box.w + m) - rx;
	rh = (box.y + box.h + m > (int)im->height ? (int)im->height : box.y + box.h + m) - ry;
	while (rw * rh > AUG_MAX) { /* keep within the buffers: crop the margin */
		rw = rw * 9 / 10;
		rh = rh * 9 / 10;
	}
	warp(im, rx, ry, rw, rh, &box, a);
	if (flag1_p > 0 && sm->label == anpr_char_class('1') && frand(0, 1) < flag1_p)
		add_flag(a, rw, rh, &box, sm->inv);
	if (din_m_p > 0 && sm->label == anpr_char_class('M') && frand(0, 1) < din_m_p)
		din_t = add_din_m(a, rw, rh, &box, sm->inv);
	if (row_end_p > 0 && sm->label != ANPR_CLASS_JUNK && frand(0, 1) < row_end_p)
		blank_side(a, rw, rh, &box, sm->inv, frand(0, 1) < 0.5f);
	if (frand(0, 1) < small_p) { /* a small, far or low-resolution character */
		float f = frand(small_lo, small_hi) / (float)box.h;

		if (f < 0.9f && (din_t == 0 || din_t * f >= 1)) { /* a drawn M's strokes kept a pixel wide at least */
			int nw, nh;

			dataset_shrink(a, rw, rh, f, b, &nw, &nh);
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

/* ---- the network in float ----
 * The same shape as the library's (anpr/classify.h): conv 3x3 (c1), ReLU,
 * max-pool 2x2, conv 3x3 (c2), ReLU, max-pool 2x2, dense (nh), ReLU, dense
 * (ANPR_NCLASS). Planes are channels first here; the input is the tile
 * halved (0..127, as the library feeds it) / 127. */
#define TW ANPR_TILE_W
#define TH ANPR_TILE_H
#define P1W (TW / 2)
#define P1H (TH / 2)
#define A1PLANE ((P1H + 2) * (P1W + 2)) /* a pooled conv1 plane with its zero border */
#define P2W (TW / 4)
#define P2H (TH / 4)
#define NPOS2 (P2W * P2H)
#define MAX_C 64
#define MAX_H 256
#define NOUT_PAD 40 /* the library's output layer, padded to a multiple of 8 */

struct net {
	int c1, c2, nh, nf; /* nf = c2 * NPOS2 inputs of the dense layer */
	float *w1, *w2, *w3, *w4, *b1, *b2, *b3, *b4;
	float *par, *grad, *mom; /* all parameters: the weights (nw of them), then the biases */
	int nw, npar;
};

/* One sample's activations, kept for back-propagation. */
struct act {
	float x[(TH + 2) * (TW + 2)]; /* zero border */
	float z1[MAX_C * TH * TW];
	float a1[MAX_C * A1PLANE]; /* pooled, ReLU, zero border */
	int i1[MAX_C * P1H * P1W];  /* the z1 each came from, -1 where the ReLU cut */
	float z2[MAX_C * P1H * P1W];
	float a2[MAX_C * NPOS2];
	int i2[MAX_C * NPOS2];
	float h[MAX_H], out[ANPR_NCLASS];
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "train: out of memory\n");
		exit(2);
	}
	return p;
}

static void net_free(struct net *n)
{
	free(n->par);
	free(n->grad);
	free(n->mom);
}

static void net_init(struct net *n, int c1, int c2, int nh)
{
	float **ptr[8] = {&n->w1, &n->w2, &n->w3, &n->w4, &n->b1, &n->b2, &n->b3, &n->b4};
	int nf = c2 * NPOS2, size[8] = {9 * c1, 9 * c1 * c2, nf * nh, nh * ANPR_NCLASS, c1, c2, nh, ANPR_NCLASS};
	int fan[4] = {9, 9 * c1, nf, nh}, i, k, off = 0;

	n->c1 = c1;
	n->c2 = c2;
	n->nh = nh;
	n->nf = nf;
	for (i = 0; i < 8; i++)
		off += size[i];
	n->npar = off;
	n->nw = size[0] + size[1] + size[2] + size[3];
	n->par = xcalloc((size_t)off, sizeof(float));
	n->grad = xcalloc((size_t)off, sizeof(float));
	n->mom = xcalloc((size_t)off, sizeof(float));
	for (i = off = 0; i < 8; i++) {
		*ptr[i] = n->par + off;
		off += size[i];
	}
	for (i = 0; i < 4; i++) { /* He (uniform) */
		float r = sqrtf(6.0f / (float)fan[i]);

		for (k = 0; k < size[i]; k++)
			(*ptr[i])[k] = frand(-r, r);
	}
}

/* z (cout planes h x w) = b + the 3x3 convolution of in (cin planes of
 * (h + 2) x (w + 2), zero border); weights [cout][cin][3][3]. */
static void conv3(const float *in, int cin, int h, int w, const float *wt, const float *b, int cout, float *z)
{
	int co, ci, k, y, x;

	for (co = 0; co < cout; co++) {
		float *zo = z + (size_t)co * h * w;

		for (k = 0; k < h * w; k++)
			zo[k] = b[co];
		for (ci = 0; ci < cin; ci++)
			for (k = 0; k < 9; k++) {
				float wv = wt[(co * cin + ci) * 9 + k];
				const float *ip = in + (size_t)ci * (h + 2) * (w + 2) + k / 3 * (w + 2) + k % 3;

				for (y = 0; y < h; y++)
					for (x = 0; x < w; x++)
						zo[y * w + x] += wv * ip[y * (w + 2) + x];
			}
	}
}

/* ReLU of the 2x2 max-pool of n planes z (h x w): plane c to a + c * aplane,
 * rows astride apart; idx (n planes of (h / 2) x (w / 2)) the source. */
static void pool_relu(const float *z, int n, int h, int w, float *a, int aplane, int astride, int *idx)
{
	int c, y, x, k;

	for (c = 0; c < n; c++)
		for (y = 0; y < h / 2; y++)
			for (x = 0; x < w / 2; x++) {
				const float *zp = z + (size_t)c * h * w;
				int bi = 2 * y * w + 2 * x;

				for (k = 1; k < 4; k++) {
					int i = (2 * y + k / 2) * w + 2 * x + k % 2;

					bi = zp[i] > zp[bi] ? i : bi;
				}
				a[c * aplane + y * astride + x] = zp[bi] > 0 ? zp[bi] : 0;
				idx[(c * (h / 2) + y) * (w / 2) + x] = zp[bi] > 0 ? bi : -1;
			}
}

static void dense(const float *in, int nin, const float *w, const float *b, int nout, float *out, int relu)
{
	int i, j;

	for (j = 0; j < nout; j++) {
		const float *row = w + (size_t)j * nin;
		float acc = b[j];

		for (i = 0; i < nin; i++)
			acc += row[i] * in[i];
		out[j] = relu && acc < 0 ? 0 : acc;
	}
}

static void forward(const struct net *n, const uint8_t *tile, struct act *a)
{
	int y, x;

	memset(a->x, 0, sizeof(a->x));
	for (y = 0; y < TH; y++)
		for (x = 0; x < TW; x++)
			a->x[(y + 1) * (TW + 2) + x + 1] = (float)(tile[y * TW + x] >> 1) / 127;
	conv3(a->x, 1, TH, TW, n->w1, n->b1, n->c1, a->z1);
	memset(a->a1, 0, sizeof(float) * (size_t)n->c1 * A1PLANE);
	pool_relu(a->z1, n->c1, TH, TW, a->a1 + P1W + 3, A1PLANE, P1W + 2, a->i1);
	conv3(a->a1, n->c1, P1H, P1W, n->w2, n->b2, n->c2, a->z2);
	pool_relu(a->z2, n->c2, P1H, P1W, a->a2, NPOS2, P2W, a->i2);
	dense(a->a2, n->nf, n->w3, n->b3, n->nh, a->h, 1);
	dense(a->h, n->nh, n->w4, n->b4, ANPR_NCLASS, a->out, 0);
}

/* Back through a 3x3 convolution and its pooling: g is the gradient at each
 * pooled output (as idx), in the convolution's input (see conv3). Adds to
 * the weights' and biases' gradients gw, gb, and to gin when not NULL. */
static void conv3_back(const float *in, int cin, int h, int w, const float *wt, int cout, const float *g,
		       const int *idx, float *gw, float *gb, float *gin)
{
	int np = (h / 2) * (w / 2), co, p, ci, k;

	for (co = 0; co < cout; co++)
		for (p = 0; p < np; p++) {
			float gv = g[co * np + p];
			int pos = idx[co * np + p];

			if (pos < 0 || gv == 0)
				continue;
			gb[co] += gv;
			for (ci = 0; ci < cin; ci++) {
				size_t at = (size_t)ci * (h + 2) * (w + 2) + (size_t)(pos / w) * (w + 2) + pos % w;
				const float *wk = wt + (co * cin + ci) * 9;
				float *gk = gw + (co * cin + ci) * 9;

				for (k = 0; k < 9; k++) {
					size_t off = at + (size_t)(k / 3 * (w + 2) + k % 3);

					gk[k] += gv * in[off];
					if (gin)
						gin[off] += gv * wk[k];
				}
			}
		}
}

/* Back through a dense layer: gw += g in', gb += g, gin += w' g. */
static void dense_back(const float *in, int nin, const float *w, int nout, const float *g, float *gw, float *gb,
		       float *gin)
{
	int i, j;

	for (j = 0; j < nout; j++) {
		const float *row = w + (size_t)j * nin;
		float gv = g[j], *grow = gw + (size_t)j * nin;

		if (gv == 0)
			continue;
		gb[j] += gv;
		for (i = 0; i < nin; i++) {
			grow[i] += gv * in[i];
			gin[i] += gv * row[i];
		}
	}
}

/* The softmax of the logits into p. */
static void softmax(const float *out, float *p)
{
	float mx = out[0], sum = 0;
	int k;

	for (k = 1; k < ANPR_NCLASS; k++)
		mx = out[k] > mx ? out[k] : mx;
	for (k = 0; k < ANPR_NCLASS; k++)
		sum += (p[k] = expf(out[k] - mx));
	for (k = 0; k < ANPR_NCLASS; k++)
		p[k] /= sum;
}

/* --teachers: the chain of teacher networks whose probabilities (at
 * --distill-temp) make, with weight --distill, the soft part of each
 * student's target; NULL: the label alone */
static const struct anpr_classifier *teacher;
static float distill_a = 0.5f;

/* The gradient of the cross-entropy of a (after forward) against the
 * target, added to n->grad; returns the loss. The target is the label, or,
 * with soft (the teacher's probabilities), (1 - distill_a) of the label and
 * distill_a of soft. */
static float backward(struct net *n, const struct act *a, int label, float weight, const float *soft)
{
	static float da1[MAX_C * A1PLANE], d1[MAX_C * P1H * P1W];
	float p[ANPR_NCLASS], dh[MAX_H], da2[MAX_C * NPOS2], loss = 0;
	int nw1 = 9 * n->c1, nw2 = nw1 * n->c2, nw3 = n->nf * n->nh, c, y, x;
	float *gw1 = n->grad, *gw2 = gw1 + nw1, *gw3 = gw2 + nw2, *gw4 = gw3 + nw3, *gb1 = n->grad + n->nw,
	      *gb2 = gb1 + n->c1, *gb3 = gb2 + n->c2, *gb4 = gb3 + n->nh;

	softmax(a->out, p);
	for (c = 0; c < ANPR_NCLASS; c++) {
		float t = soft ? (1 - distill_a) * (float)(c == label) + distill_a * soft[c] : (float)(c == label);

		if (t > 0)
			loss -= t * logf(p[c] + 1e-12f);
		p[c] = (p[c] - t) * weight;
	}
	memset(dh, 0, sizeof(dh));
	dense_back(a->h, n->nh, n->w4, ANPR_NCLASS, p, gw4, gb4, dh);
	for (x = 0; x < n->nh; x++)
		dh[x] = a->h[x] > 0 ? dh[x] : 0;
	memset(da2, 0, sizeof(da2));
	dense_back(a->a2, n->nf, n->w3, n->nh, dh, gw3, gb3, da2);
	memset(da1, 0, sizeof(float) * (size_t)n->c1 * A1PLANE);
	conv3_back(a->a1, n->c1, P1H, P1W, n->w2, n->c2, da2, a->i2, gw2, gb2, da1);
	for (c = 0; c < n->c1; c++)
		for (y = 0; y < P1H; y++)
			for (x = 0; x < P1W; x++)
				d1[(c * P1H + y) * P1W + x] = da1[c * A1PLANE + (y + 1) * (P1W + 2) + x + 1];
	conv3_back(a->x, 1, TH, TW, n->w1, n->c1, d1, a->i1, gw1, gb1, NULL);
	return loss * weight;
}

/* SGD with momentum on the gradient accumulated over a batch of nb samples
 * (averaged), weight decay on the weights; clears the gradient. */
static void update(struct net *n, float lr, int nb)
{
	const float mom = 0.9f, wd = 1e-4f, inv = 1.0f / (float)nb;
	int i;

	for (i = 0; i < n->npar; i++) {
		float g = n->grad[i] * inv + (i < n->nw ? wd * n->par[i] : 0);

		n->mom[i] = mom * n->mom[i] - lr * g;
		n->par[i] += n->mom[i];
		n->grad[i] = 0;
	}
}

/* ---- quantisation and output ---- */
struct qnet {
	int8_t *w[4];     /* conv1, conv2, dense, out: in the library's layouts */
	int32_t *bias[4], *mul[3];
	float *sout;
	struct anpr_classifier c;
};

static float act_max[3][MAX_H]; /* per layer and channel: the calibrated top of the activations */

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/* v[c * stride] = the largest of unit c's plane activations (n units). */
static void unit_max(const float *act, int n, int plane, float *v, int stride)
{
	int c, p;

	for (c = 0; c < n; c++) {
		float m = 0;

		for (p = 0; p < plane; p++)
			m = act[c * plane + p] > m ? act[c * plane + p] : m;
		v[(size_t)c * stride] = m;
	}
}

/* The top of each hidden unit's range over the clean training tiles: the
 * 99.9th percentile of its per-tile maximum. */
static void calibrate(const struct net *n)
{
	static struct act a;
	int nunits[3] = {n->c1, n->c2, n->nh}, ntr = 0, l, c, i, k;
	float *v[3];
	uint8_t tile[ANPR_TILE_IN];

	for (i = 0; i < nsamples; i++)
		ntr += !samples[i].test;
	for (l = 0; l < 3; l++)
		v[l] = xcalloc((size_t)ntr * nunits[l], sizeof(float));
	for (i = k = 0; i < nsamples; i++) {
		if (samples[i].test)
			continue;
		clean_tile(&samples[i], tile);
		forward(n, tile, &a);
		unit_max(a.a1, n->c1, A1PLANE, v[0] + k, ntr);
		unit_max(a.a2, n->c2, NPOS2, v[1] + k, ntr);
		unit_max(a.h, n->nh, 1, v[2] + k, ntr);
		k++;
	}
	for (l = 0; l < 3; l++) {
		for (c = 0; c < nunits[l]; c++) {
			float *vc = v[l] + (size_t)c * ntr;

			qsort(vc, (size_t)ntr, sizeof(float), cmp_float);
			act_max[l][c] = vc[(int)((double)(ntr - 1) * 0.999)];
			act_max[l][c] = act_max[l][c] > 1e-6f ? act_max[l][c] : 1e-6f;
		}
		free(v[l]);
	}
}

/* Quantise one layer. w: nout x nin floats (the trainer's order); in_scale:
 * the value of one input step, per input; src[k]: the trainer's input at
 * the library's input k (-1: none), for k < nink; nout_pad outputs in the
 * layout. Writes q (the layout), bias (accumulator units) and the output
 * scale s (value of one accumulator step), per output. */
static void quantise_layer(const float *w, const float *b, int nout, int nin, const float *in_scale, const int *src,
			   int nink, int nout_pad, int8_t *q, int32_t *bias, float *s)
{
	int o, k;

	memset(q, 0, (size_t)nink * nout_pad);
	for (o = 0; o < nout; o++) {
		float mx = 1e-12f;

		for (k = 0; k < nin; k++)
			mx = fmaxf(mx, fabsf(w[(size_t)o * nin + k] * in_scale[k]));
		s[o] = mx / 127;
		/* |bias| < 2^28: the kernels add it to the accumulator in 32 bits */
		bias[o] = (int32_t)lrint(fmax(-268435455.0, fmin(268435455.0, (double)b[o] / s[o])));
		for (k = 0; k < nink; k++)
			if (src[k] >= 0)
				q[((size_t)(k / 4) * nout_pad + o) * 4 + k % 4] =
					(int8_t)lrintf(w[(size_t)o * nin + src[k]] * in_scale[src[k]] / s[o]);
	}
}

/* The requantisation of a hidden layer: one accumulator step s[o] to the
 * output's step act_max / 127. */
static int requantisation(const float *s, const float *top, int nout, int32_t *mul)
{
	double rmax = 0;
	int o, shift = 1;

	for (o = 0; o < nout; o++)
		rmax = fmax(rmax, (double)s[o] * 127 / top[o]);
	while (shift < 40 && rmax * ldexp(1, shift + 1) < 1073741824.0)
		shift++;
	for (o = 0; o < nout; o++)
		mul[o] = (int32_t)lrint(fmax(1, (double)s[o] * 127 / top[o] * ldexp(1, shift)));
	return shift;
}

static void quantise(const struct net *n, struct qnet *q)
{
	int c1 = n->c1, c2 = n->c2, nh = n->nh, nin[4] = {9, 9 * c1, n->nf, nh}, nink[4] = {12, 9 * c1, n->nf, nh};
	int nout[4] = {c1, c2, nh, ANPR_NCLASS}, npad[4] = {c1, c2, nh, NOUT_PAD}, shift[3], l, k;
	const float *w[4] = {n->w1, n->w2, n->w3, n->w4}, *b[4] = {n->b1, n->b2, n->b3, n->b4};
	float *in_scale = xcalloc((size_t)n->nf, sizeof(float)), s[MAX_H];
	int *src = xcalloc((size_t)n->nf, sizeof(int));

	calibrate(n);
	for (l = 0; l < 4; l++) {
		for (k = 0; k < nink[l]; k++) {
			if (l == 0) { /* kernel row, column (the fourth is 0) */
				src[k] = k % 4 < 3 ? k / 4 * 3 + k % 4 : -1;
				in_scale[k] = 1.0f / 127;
			} else if (l == 1) { /* (ky, kx, channel) -> [channel][ky][kx] */
				src[k] = k % c1 * 9 + k / c1;
				in_scale[src[k]] = act_max[0][k % c1] / 127;
			} else if (l == 2) { /* (y, x, channel) -> [channel][y][x] */
				src[k] = k % c2 * NPOS2 + k / c2;
				in_scale[src[k]] = act_max[1][k % c2] / 127;
			} else {
				src[k] = k;
				in_scale[k] = act_max[2][k] / 127;
			}
		}
		free(q->w[l]);
		free(q->bias[l]);
		q->w[l] = xcalloc((size_t)nink[l] * npad[l], 1);
		q->bias[l] = xcalloc((size_t)npad[l], sizeof(int32_t));
		if (l == 3) {
			free(q->sout);
			q->sout = xcalloc(ANPR_NCLASS, sizeof(float));
		}
		quantise_layer(w[l], b[l], nout[l], nin[l], in_scale, src, nink[l], npad[l], q->w[l], q->bias[l],
			       l == 3 ? q->sout : s);
		if (l < 3) {
			free(q->mul[l]);
			q->mul[l] = xcalloc((size_t)nout[l], sizeof(int32_t));
			shift[l] = requantisation(s, act_max[l], nout[l], q->mul[l]);
		}
	}
	free(in_scale);
	free(src);
	q->c = (struct anpr_classifier){c1,
					c2,
					nh,
					{q->w[0], q->bias[0], q->mul[0], shift[0]},
					{q->w[1], q->bias[1], q->mul[1], shift[1]},
					{q->w[2], q->bias[2], q->mul[2], shift[2]},
					q->w[3],
					q->bias[3],
					q->sout,
					1.0f,
					"",
					NULL};
}

static void write_floats(FILE *f, const char *name, const float *v, int n)
{
	int i;

	fprintf(f, "static const float %s[%d] = {", name, n);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%a,", i % 6 ? " " : "\n\t", (double)v[i]);
	fprintf(f, "\n};\n\n");
}

/* An array of n integers of size bytes each (1: int8_t, 4: int32_t). */
static void write_ints(FILE *f, const char *name, const void *v, int size, int n)
{
	int i;

	fprintf(f, "static const int%d_t %s[%d] = {", size * 8, name, n);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%ld,", i % (size == 1 ? 20 : 8) ? " " : "\n\t",
			size == 1 ? (long)((const int8_t *)v)[i] : (long)((const int32_t *)v)[i]);
	fprintf(f, "\n};\n\n");
}

/* ---- evaluation ---- */
struct acc {
	int n, ok;
};

/* Accuracy per set (and junk) and the summed NLL over the held-out (test 1)
 * or training (0) samples' clean tiles, of the quantised network c at
 * temperature temp, or of the float network f when c is NULL. */
static void evaluate(const struct anpr_classifier *c, const struct net *f, int test, struct acc *per_set,
		     double *nll, float temp)
{
	static struct act a;
	uint8_t tile[ANPR_TILE_IN];
	float p[ANPR_NCLASS];
	struct anpr_classifier t;
	int i, k;

	if (c) {
		t = *c;
		t.temperature = temp;
	}
	memset(per_set, 0, sizeof(*per_set) * (NSETS + 1));
	*nll = 0;
	for (i = 0; i < nsamples; i++) {
		const struct sample *sm = &samples[i];
		int set = sm->label == ANPR_CLASS_JUNK ? NSETS : sm->set, best = 0;

		if (sm->test != test)
			continue;
		clean_tile(sm, tile);
		if (c) {
			anpr_classify(&t, tile, p);
		} else {
			forward(f, tile, &a);
			softmax(a.out, p);
		}
		for (k = 1; k < ANPR_NCLASS; k++)
			if (p[k] > p[best])
				best = k;
		per_set[set].n++;
		per_set[set].ok += best == sm->label;
		*nll -= log(p[sm->label] + 1e-12);
	}
}

static void report(const char *what, const struct anpr_classifier *c, const struct net *f, int test, float temp)
{
	struct acc a[NSETS + 1];
	double nll;
	int s, n = 0;

	evaluate(c, f, test, a, &nll, temp);
	printf("%s:", what);
	for (s = 0; s <= NSETS; s++) {
		printf(" %s %d/%d (%.2f%%)", s < NSETS ? set_dir[s] : "junk", a[s].ok, a[s].n,
		       a[s].n ? 100.0 * a[s].ok / a[s].n : 0.0);
		n += a[s].n;
	}
	printf(" nll %.4f\n", n ? nll / n : 0.0);
	fflush(stdout);
}

/* Whether sample sm is one --uk-repeat repeats: a UK character (gb-chars or
 * uk-crops, training fold) whose character is in chars. */
static int uk_repeated(const struct sample *sm, const char *chars)
{
	return !sm->test && !sm->synth && (sm->set == SET_GB || sm->set == SET_UK) && sm->label != ANPR_CLASS_JUNK &&
	       strchr(chars, anpr_class_char(sm->label));
}

/* One round of training: every training sample once per epoch (a font
 * sample with probability font_mix), shuffled, mostly augmented, in batches
 * of nb; the learning rate follows a cosine from lr down. With balance A > 0
 * a character sample's gradient is weighted by (mean count / its class's
 * count)^A over the real training characters (clamped to 0.2..5, scaled so
 * that the characters' mean weight is 1; junk 1): rare classes (O beside 0)
 * count for more. The weights after each epoch from avg_from on are
 * averaged into the result (none when avg_from >= epochs). With rep > 1
 * the UK samples of the characters rep_chars are seen rep times an epoch. */
static void train_round(struct net *net, int epochs, float lr0, float p_aug, int nb, int avg_from, float font_mix,
			float balance, const char *rep_chars, int rep)
{
	static struct act a;
	uint8_t tile[ANPR_TILE_IN];
	float soft[ANPR_NCLASS]; /* the teachers' probabilities of the tile */
	int *order = xcalloc((size_t)nsamples * (size_t)(rep > 1 ? rep : 1), sizeof(int)), ntrain = 0, i, e, navg = 0,
	    nc = 0, nchar = 0, nrep = 0;
	int count[ANPR_NCLASS] = {0};
	float wt[ANPR_NCLASS];
	double *avg = xcalloc((size_t)net->npar, sizeof(double)), mean = 0, norm = 0;

	for (i = 0; i < nsamples; i++)
		if (!samples[i].test) {
			order[ntrain++] = i;
			if (!samples[i].synth && samples[i].label != ANPR_CLASS_JUNK)
				count[samples[i].label]++;
		}
	/* --uk-repeat: the UK samples of the characters named appear rep times an
	 * epoch (their extra copies go after the others, then all are shuffled) */
	for (i = 0; rep > 1 && i < nsamples; i++)
		if (uk_repeated(&samples[i], rep_chars))
			for (e = 1; e < rep; e++)
				order[ntrain + nrep++] = i;
	ntrain += nrep;
	for (i = 0; i < ANPR_NCLASS; i++)
		if (i != ANPR_CLASS_JUNK && count[i]) {
			mean += count[i];
			nc++;
			nchar += count[i];
		}
	mean = nc ? mean / nc : 1;
	for (i = 0; i < ANPR_NCLASS; i++) {
		double w = count[i] && balance > 0 ? pow(mean / count[i], balance) : 1;

		wt[i] = (float)(w < 0.2 ? 0.2 : w > 5 ? 5 : w);
		if (i != ANPR_CLASS_JUNK)
			norm += (double)wt[i] * count[i];
	}
	for (i = 0; balance > 0 && i < ANPR_NCLASS; i++)
		if (i != ANPR_CLASS_JUNK && norm > 0)
			wt[i] = (float)(wt[i] * nchar / norm);
	printf("training on %d samples (%d held out, %d repeats), %d epochs\n", ntrain - nrep, nsamples - (ntrain - nrep),
	       nrep, epochs);
	for (e = 0; e < epochs; e++) {
		float lr = lr0 * 0.5f * (1 + cosf(3.14159265f * (float)e / (float)epochs)) + lr0 / 50;
		double loss = 0;
		int seen = 0;

		for (i = ntrain - 1; i > 0; i--) {
			int j = (int)(rnd() % (uint32_t)(i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < ntrain; i++) {
			const struct sample *sm = &samples[order[i]];

			if (sm->synth && font_mix < 1 && frand(0, 1) >= font_mix)
				continue;
			if (frand(0, 1) < p_aug)
				augment(sm, tile);
			else
				clean_tile(sm, tile);
			forward(net, tile, &a);
			if (teacher)
				anpr_classify(teacher, tile, soft);
			loss += backward(net, &a, sm->label, wt[sm->label], teacher ? soft : NULL);
			seen++;
			if (seen % nb == 0 || i == ntrain - 1)
				update(net, lr, seen % nb ? seen % nb : nb);
		}
		printf("epoch %d: lr %.5f loss %.4f\n", e + 1, lr, loss / (seen ? seen : 1));
		fflush(stdout);
		if (e >= avg_from) {
			for (i = 0; i < net->npar; i++)
				avg[i] += net->par[i];
			navg++;
		}
	}
	for (i = 0; navg && i < net->npar; i++)
		net->par[i] = (float)(avg[i] / navg);
	free(avg);
	free(order);
}

/* The n networks of q as one ensemble: each refers to the next. */
static void chain(struct qnet *q, int n)
{
	int m;

	for (m = 0; m + 1 < n; m++)
		q[m].c.next = &q[m + 1].c;
}

int main(int argc, char **argv)
{
	const char *data = "../shared/data", *out = "host/src/classifier_weights.c", *font_skip = "";
	char rep_chars[64] = "";
	int epochs = 30, c1 = 8, c2 = 32, nh = 64, nb = 1, font_copies = 0, rep = 1, i;
	float base_lr = 0.002f, p_aug = 0.6f, avg = 0.5f, font_mix = 1, balance = 0;
	unsigned long seed = 1;
	int crops[NSETS] = {0}, keep, round, rounds = 2, members = 1, teachers = 0, distill_set = 0, m;
	struct net net;
	struct qnet q[MAX_MEMBERS], tq[MAX_MEMBERS];
	struct anpr_classifier thead;
	float distill_temp = 1;
	float best_t = 1;
	char extra[160] = "";
	double best_nll = 1e30;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc)
			data = argv[++i];
		else if (!strcmp(argv[i], "--epochs") && i + 1 < argc)
			epochs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--c1") && i + 1 < argc)
			c1 = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--c2") && i + 1 < argc)
			c2 = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--hidden") && i + 1 < argc)
			nh = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
			nb = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--average") && i + 1 < argc)
			avg = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seg") && i + 1 < argc && (!strcmp(argv[i + 1], "rows") || !strcmp(argv[i + 1], "all")))
			seg_all = !strcmp(argv[++i], "all");
		else if (!strcmp(argv[i], "--members") && i + 1 < argc)
			members = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--teachers") && i + 1 < argc)
			teachers = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--distill") && i + 1 < argc) {
			distill_a = strtof(argv[++i], NULL);
			distill_set = 1;
		} else if (!strcmp(argv[i], "--distill-temp") && i + 1 < argc) {
			distill_temp = strtof(argv[++i], NULL);
			distill_set = 1;
		}
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--lr") && i + 1 < argc)
			base_lr = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--augment") && i + 1 < argc)
			p_aug = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--fonts") && i + 1 < argc)
			font_copies = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--font-mix") && i + 1 < argc)
			font_mix = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--flag1") && i + 1 < argc)
			flag1_p = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--din-m") && i + 1 < argc)
			din_m_p = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--row-end") && i + 1 < argc)
			row_end_p = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--small") && i + 1 < argc)
			small_p = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--small-h") && i + 1 < argc) {
			if (sscanf(argv[++i], "%f:%f", &small_lo, &small_hi) != 2 || small_lo < 2 || small_hi < small_lo) {
				fprintf(stderr, "train: --small-h %s: want A:B, 2 <= A <= B (pixels)\n", argv[i]);
				return 1;
			}
		}
		else if (!strcmp(argv[i], "--balance") && i + 1 < argc)
			balance = strtof(argv[++i], NULL);
		else if (!strcmp(argv[i], "--font-skip") && i + 1 < argc)
			font_skip = argv[++i];
		else if (!strcmp(argv[i], "--uk-repeat") && i + 1 < argc) {
			const char *arg = argv[++i], *colon = strchr(arg, ':');

			if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(rep_chars) || atoi(colon + 1) < 1) {
				fprintf(stderr, "train: --uk-repeat CHARS:N (N >= 1)\n");
				return 1;
			}
			memcpy(rep_chars, arg, (size_t)(colon - arg));
			rep_chars[colon - arg] = 0;
			rep = atoi(colon + 1);
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "usage: train [--data DIR] [--epochs N] [--rounds N] [--c1 N] [--c2 N] [--hidden N] "
					"[--batch N] [--lr X] [--augment P] [--average F] [--fonts N] [--font-skip CHARS] [--font-mix P] [--balance A] [--uk-repeat CHARS:N] [--flag1 P] [--din-m P] [--row-end P] [--small P] [--small-h A:B] [--seg rows|all] [--members K] [--teachers T] [--distill A] [--distill-temp X] [--seed N] [--out FILE]\n");
			return 1;
		}
	}
	if (members < 1 || members > MAX_MEMBERS) {
		fprintf(stderr, "train: --members 1..%d\n", MAX_MEMBERS);
		return 1;
	}
	if (teachers < 0 || teachers > MAX_MEMBERS || !(distill_a >= 0 && distill_a <= 1) ||
	    !(distill_temp > 0 && distill_temp < 100)) {
		fprintf(stderr, "train: --teachers 0..%d, --distill 0..1, --distill-temp above 0 and below 100\n",
			MAX_MEMBERS);
		return 1;
	}
	if (distill_set && !teachers) {
		fprintf(stderr, "train: --distill and --distill-temp need --teachers T (T >= 1)\n");
		return 1;
	}
	if (epochs < 1 || rounds < 1 || nb < 1 || c1 < 8 || c1 > MAX_C || c1 % 8 || c2 < 8 || c2 > MAX_C || c2 % 8 ||
	    nh < 8 || nh > MAX_H || nh % 8) {
		fprintf(stderr, "train: --epochs, --rounds, --batch >= 1; --c1, --c2 8..%d and --hidden 8..%d, "
				"multiples of 8\n",
			MAX_C, MAX_H);
		return 1;
	}
	for (i = 0; i < NSETS; i++) {
		int n = load_set(data, i, &crops[i]);

		if (i == SET_GB)
			printf("%s: %d tiles\n", set_dir[i], n);
		else
			printf("%s: %d crops\n", set_dir[i], crops[i]);
	}
	if (font_copies > 0)
		printf("fonts: %d synthetic samples\n", load_fonts(font_copies, font_skip));
	keep = nsamples;
	memset(q, 0, sizeof(q));
	memset(tq, 0, sizeof(tq));
	/* with --teachers T, T networks are trained first, exactly as the
	 * members of --members T would be; then each member is trained with
	 * their chain's probabilities in its target (train_round) */
	for (m = 0; m < teachers + members; m++) {
		int k = m < teachers ? m : m - teachers, total = m < teachers ? teachers : members;
		struct qnet *qm = m < teachers ? &tq[k] : &q[k];

		if (m == teachers && teachers) {
			chain(tq, teachers);
			thead = tq[0].c;
			thead.temperature = distill_temp;
			teacher = &thead;
			report("held out (teachers)", teacher, NULL, 1, 1);
		}
		/* member k is the network a one-member run with --seed seed + k
		 * trains: the generator starts afresh (loading draws nothing) */
		rng_state = RNG_INIT ^ (seed + (unsigned long)k) * 0x2545f4914f6cdd1dull;
		if (total > 1 || m < teachers)
			printf("%s %d of %d: seed %lu\n", m < teachers ? "teacher" : "member", k + 1, total,
			       seed + (unsigned long)k);
		net_init(&net, c1, c2, nh);
		for (round = 0; round < rounds; round++) {
			/* round 0 labels crops whose segmentation has one slot per
			 * character; later rounds align the text to the slots with
			 * the network of the round before */
			int used = align_crops(round ? &qm->c : NULL, -2.5, keep);

			printf("round %d: %d of %d crops aligned\n", round, used, ncrops);
			train_round(&net, epochs, base_lr, p_aug, nb,
				    round == rounds - 1 ? epochs - (int)((float)epochs * avg + 0.5f) : epochs, font_mix,
				    balance, rep_chars, rep);
			report("held out (float)", NULL, &net, 1, 1);
			quantise(&net, qm);
		}
		if (total > 1)
			report("held out (this network)", &qm->c, NULL, 1, 1);
		net_free(&net);
	}
	chain(q, members);
	for (i = 0; i <= 60; i++) { /* calibrate: the temperature of least held-out NLL */
		struct acc a[NSETS + 1];
		double nll;
		float t = 0.5f + 0.05f * (float)i;

		evaluate(&q[0].c, NULL, 1, a, &nll, t);
		if (nll < best_nll) {
			best_nll = nll;
			best_t = t;
		}
	}
	printf("temperature %.2f\n", best_t);
	report("train (clean)", &q[0].c, NULL, 0, best_t);
	report("held out", &q[0].c, NULL, 1, best_t);
	if (flag1_p > 0)
		snprintf(extra, sizeof(extra), " --flag1 %g", (double)flag1_p);
	if (din_m_p > 0)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " --din-m %g", (double)din_m_p);
	if (row_end_p > 0)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " --row-end %g", (double)row_end_p);
	if (small_p != 0.45f || small_lo != 7 || small_hi != 20)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " --small %g --small-h %g:%g", (double)small_p,
			 (double)small_lo, (double)small_hi);
	if (members > 1)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " --members %d", members);
	if (teachers)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), " --teachers %d --distill %g --distill-temp %g",
			 teachers, (double)distill_a, (double)distill_temp);

	f = fopen(out, "w");
	if (!f) {
		fprintf(stderr, "train: %s: cannot write\n", out);
		return 1;
	}
	fprintf(f, "/*\n * classifier_weights.c - generated by tools/train.c; do not edit.\n *\n"
		   " *   build/train --data DIR --epochs %d (per round, %d rounds) --c1 %d --c2 %d --hidden %d --batch %d\n"
		   " *               --lr %g --augment %g --seed %lu%s\n *\n"
		   " * Trained on the training folds (4 of 5, split by plate) of gb-chars, and\n"
		   " * of the characters the host segmenter cut from uk-crops and br-crops, of\n"
		   " * the project's development data (OpenALPR benchmark images; see\n"
		   " * docs/reading.md), with synthetic augmentation.\n */\n"
		   "#include <stdint.h>\n\n#include \"anpr/classify.h\"\n\n",
		epochs, rounds, c1, c2, nh, nb, (double)base_lr, (double)p_aug, seed, extra);
	for (m = members - 1; m >= 0; m--) { /* the last member first: each refers to the next */
		char sfx[8] = "", name[16], next[16] = "NULL";

		if (members > 1)
			snprintf(sfx, sizeof(sfx), "_%d", m);
		if (m + 1 < members)
			snprintf(next, sizeof(next), "&member_%d", m + 1);
#define W(kind, base, v, size, n)                                                                                  \
	do {                                                                                                       \
		snprintf(name, sizeof(name), "%s%s", base, sfx);                                                   \
		if (kind)                                                                                          \
			write_floats(f, name, (const float *)(v), n);                                              \
		else                                                                                               \
			write_ints(f, name, v, size, n);                                                           \
	} while (0)
		W(0, "w1", q[m].w[0], 1, 12 * c1);
		W(0, "b1", q[m].bias[0], 4, c1);
		W(0, "m1", q[m].mul[0], 4, c1);
		W(0, "w2", q[m].w[1], 1, 9 * c1 * c2);
		W(0, "b2", q[m].bias[1], 4, c2);
		W(0, "m2", q[m].mul[1], 4, c2);
		W(0, "w3", q[m].w[2], 1, net.nf * nh);
		W(0, "b3", q[m].bias[2], 4, nh);
		W(0, "m3", q[m].mul[2], 4, nh);
		W(0, "w4", q[m].w[3], 1, nh * NOUT_PAD);
		W(0, "b4", q[m].bias[3], 4, ANPR_NCLASS);
		W(1, "s4", q[m].sout, 0, ANPR_NCLASS);
#undef W
		if (m == 0)
			fprintf(f, "const struct anpr_classifier anpr_classifier_default = {\n");
		else
			fprintf(f, "static const struct anpr_classifier member_%d = {\n", m);
		fprintf(f, "\t%d, %d, %d,\n\t{w1%s, b1%s, m1%s, %d},\n\t{w2%s, b2%s, m2%s, %d},\n\t{w3%s, b3%s, m3%s, %d},\n"
			   "\tw4%s, b4%s, s4%s, %a,\n",
			c1, c2, nh, sfx, sfx, sfx, q[m].c.conv1.shift, sfx, sfx, sfx, q[m].c.conv2.shift, sfx, sfx, sfx,
			q[m].c.dense.shift, sfx, sfx, sfx, m ? 1.0 : (double)best_t);
		if (m == 0)
			fprintf(f, "\t\"make train: --epochs %d --rounds %d --c1 %d --c2 %d --hidden %d --batch %d --lr %g "
				   "--augment %g --seed %lu%s; gb-chars, uk-crops, br-crops training folds\",\n",
				epochs, rounds, c1, c2, nh, nb, (double)base_lr, (double)p_aug, seed, extra);
		else
			fprintf(f, "\t\"member %d\",\n", m);
		fprintf(f, "\t%s,\n", next);
		fprintf(f, "};\n%s", m ? "\n" : "");
	}
	if (fclose(f)) {
		fprintf(stderr, "train: %s: write failed\n", out);
		return 1;
	}
	printf("wrote %s\n", out);
	return 0;
}
