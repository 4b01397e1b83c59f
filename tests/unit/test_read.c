/*
 * test_read.c - segmentation, character tiles, the classifier and the crop
 * reader (host/src/segment.c, classify.c, read.c) on plates drawn here.
 *
 * The glyphs are rings (a character's outline without its identity): what
 * these tests pin down is geometry and invariance, which the reader relies
 * on whatever the characters are. Reading accuracy on real plates is
 * measured by `make eval` and checked by tests/read/run.sh.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "anpr/anpr.h"
#include "anpr/classify.h"
#include "anpr/read.h"
#include "anpr/segment.h"
#include "tests.h"

#define PW 240
#define PH 60

struct drawn {
	int n;
	struct anpr_box box[16];
};

/* A ring glyph of w x h with stroke s at (x, y). */
static void glyph(uint8_t *px, int stride, int x, int y, int w, int h, int s, uint8_t ink)
{
	int i, j;

	for (j = y; j < y + h; j++)
		for (i = x; i < x + w; i++)
			if (i < x + s || i >= x + w - s || j < y + s || j >= y + h - s)
				px[j * stride + i] = ink;
}

/* A plate of nchars glyphs in one row, or split over two rows (top gets
 * nchars / 2). */
static void plate(uint8_t *px, int rows, int nchars, int inverted, struct drawn *d)
{
	uint8_t paper = inverted ? 50 : 210, ink = inverted ? 200 : 30;
	int r, i, k = 0;

	memset(px, paper, PW * PH);
	d->n = 0;
	for (r = 0; r < rows; r++) {
		int n = rows == 1 ? nchars : r == 0 ? nchars / 2 : nchars - nchars / 2;
		int ch = rows == 1 ? 36 : 22, cw = ch * 6 / 10, gap = cw / 3;
		int y = rows == 1 ? 12 : 5 + r * 28, x = (PW - n * cw - (n - 1) * gap) / 2;

		for (i = 0; i < n; i++, k++) {
			glyph(px, PW, x, y, cw, ch, 4, ink);
			d->box[k] = (struct anpr_box){(uint16_t)x, (uint16_t)y, (uint16_t)cw, (uint16_t)ch};
			x += cw + gap;
		}
	}
	d->n = k;
}

static int near(const struct anpr_box *a, const struct anpr_box *b, int tol)
{
	return abs(a->x - b->x) <= tol && abs(a->y - b->y) <= tol && abs(a->w - b->w) <= tol &&
	       abs(a->h - b->h) <= tol;
}

static void check_hyp(const struct anpr_seg_hyp *h, const struct drawn *d)
{
	int i;

	CU_ASSERT_EQUAL_FATAL(h->nchars, d->n);
	for (i = 0; i < d->n; i++)
		CU_ASSERT(near(&h->chars[i], &d->box[i], 2));
}

/* Is some hypothesis of h[0..n) the drawn characters, in order? With
 * HYP_UPRIGHT it must read dark on light, with HYP_ONE_ROW as one row. */
enum { HYP_UPRIGHT = 1, HYP_ONE_ROW = 2 };

static int some_hyp(const struct anpr_seg_hyp *h, int n, const struct drawn *d, int want)
{
	for (int k = 0; k < n; k++) {
		int found = h[k].nchars == d->n && (!(want & HYP_UPRIGHT) || !h[k].inverted) &&
			    (!(want & HYP_ONE_ROW) || (h[k].rows == 1 && h[k].row2 == d->n));

		for (int i = 0; found && i < d->n; i++)
			found = near(&h[k].chars[i], &d->box[i], 2);
		if (found)
			return 1;
	}
	return 0;
}

/* Draw a plate, segment it: the best hypothesis is the drawn characters,
 * in reading order, in the drawn polarity and rows. */
static void segment_drawn(int rows, int nchars, int inverted)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n;

	plate(px, rows, nchars, inverted, &d);
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL(h[0].rows, rows);
	CU_ASSERT_EQUAL(h[0].row2, rows == 2 ? nchars / 2 : nchars);
	CU_ASSERT_EQUAL(h[0].inverted, inverted);
	check_hyp(&h[0], &d);
	/* a clean plate needs no extension: the rows alone give the same best */
	n = anpr_segment_rows(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL(h[0].rows, rows);
	CU_ASSERT_EQUAL(h[0].inverted, inverted);
	check_hyp(&h[0], &d);
}

/* Characters joined in pairs by thin bridges (dirt, a screw's shadow, a
 * blurred gap) come apart in some hypothesis. */
static void test_segment_bridged(void)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, i, x;

	plate(px, 1, 7, 0, &d);
	for (i = 0; i + 1 < d.n; i += 2) /* 1-pixel bridges at mid-height */
		for (x = d.box[i].x + d.box[i].w; x < d.box[i + 1].x; x++)
			px[(d.box[i].y + d.box[i].h / 2) * PW + x] = 30;
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT(some_hyp(h, n, &d, 0));
}

/* A washed-out plate (faint grey characters) above a dark surround (the car
 * below it): the dark pulls a large window's mean below the characters' lower
 * strokes; some hypothesis still has every character whole. */
static void test_segment_washed_out(void)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, i, x;

	memset(px, 210, PW * PH);
	memset(px + 48 * PW, 20, 12 * PW);
	for (i = 0, x = 30; i < 7; i++, x += 26) {
		glyph(px, PW, x, 8, 19, 32, 4, 170);
		d.box[i] = (struct anpr_box){(uint16_t)x, 8, 19, 32};
	}
	d.n = 7;
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT(some_hyp(h, n, &d, HYP_UPRIGHT));
}

/* The first character, a wide one, joined by a thin neck to a block of the
 * plate's frame (or the dark surround) as wide as itself: the blob is as
 * wide as three ordinary characters. Cut in three at even cuts, no piece is
 * the character; some hypothesis still has every character whole, the frame
 * a box of its own before them. */
static void test_segment_joined_to_frame(void)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, i, j, k, x, y, found = 0;

	memset(px, 210, PW * PH);
	for (y = 12; y < 48; y++) /* the frame block, x 10..35 */
		memset(px + y * PW + 10, 30, 26);
	for (y = 28; y < 31; y++) /* the neck, column 36 */
		px[y * PW + 36] = 30;
	glyph(px, PW, 37, 12, 30, 36, 4, 30); /* a wide character */
	d.box[0] = (struct anpr_box){37, 12, 30, 36};
	for (i = 1, x = 74; i < 7; i++, x += 28) {
		glyph(px, PW, x, 12, 21, 36, 4, 30);
		d.box[i] = (struct anpr_box){(uint16_t)x, 12, 21, 36};
	}
	d.n = 7;
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	for (k = 0; k < n && !found; k++) { /* each drawn box, in order, other boxes between */
		for (i = 0, j = 0; i < h[k].nchars && j < d.n; i++)
			j += near(&h[k].chars[i], &d.box[j], 2);
		found = j == d.n && !h[k].inverted;
	}
	CU_ASSERT(found);
}

/* No one binarisation has the whole row: the first five characters are
 * joined by 1-pixel bridges into a blob too wide to be characters, which
 * only the opened binarisation (at the highest threshold) takes apart; the
 * last two are drawn with 2-pixel strokes, which the opening erases. The
 * row found in the opened binarisation, extended by the boxes another
 * binarisation found at its pitch, is some hypothesis with every character,
 * in order. */
static void segment_extended(int nchars)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, i, x;

	memset(px, 210, PW * PH);
	for (i = 0, x = 30; i < nchars; i++, x += 28) {
		glyph(px, PW, x, 12, 21, 36, i < 5 ? 4 : 2, 30);
		if (i < 4)
			memset(px + 30 * PW + x + 21, 30, 7); /* the bridge to the next one */
		d.box[i] = (struct anpr_box){(uint16_t)x, 12, 21, 36};
	}
	d.n = nchars;
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT(some_hyp(h, n, &d, HYP_UPRIGHT | HYP_ONE_ROW));
	/* the rows alone (the trainer's cut) have no such hypothesis */
	n = anpr_segment_rows(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT(n >= 1);
	CU_ASSERT(!some_hyp(h, n, &d, HYP_UPRIGHT | HYP_ONE_ROW));
}

static void test_segment_extended(void)
{
	segment_extended(7);
}

/* The same with one thin character last: where it is found, it is alone
 * (its neighbours make the blob), in no row; the row is extended by it all
 * the same. */
static void test_segment_extended_lone(void)
{
	segment_extended(6);
}

/* The last character too faint for any binarisation (4 levels off the
 * paper, against a contrast of 180): no box of any row or component lies
 * beyond the row's sixth character; some hypothesis is the row with a box
 * projected one pitch beyond its end, over the last character, the median
 * width wide, every other box whole. */
static void test_segment_end_projected(void)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, i, x;

	memset(px, 210, PW * PH);
	for (i = 0, x = 20; i < 7; i++, x += 28) {
		glyph(px, PW, x, 12, 21, 36, 4, i < 6 ? 30 : 206);
		d.box[i] = (struct anpr_box){(uint16_t)x, 12, 21, 36};
	}
	d.n = 7;
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT(some_hyp(h, n, &d, HYP_UPRIGHT | HYP_ONE_ROW));
	n = anpr_segment_rows(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT(n >= 1);
	CU_ASSERT(!some_hyp(h, n, &d, HYP_UPRIGHT | HYP_ONE_ROW));
}

/* More rows than ANPR_SEG_ROW_HYP outscore a row extended or projected from
 * one of them: three lines of small print, each a row of 8 (and the top two
 * a plate of two rows), above and below a row of six with a seventh
 * character too faint to find. The row with a box projected over the
 * seventh scores 150 below its row, under the best 8; it is offered after
 * them all the same, and those 8 are the ones anpr_segment returns when
 * asked for no more. The rows alone stop at ANPR_SEG_ROW_HYP. */
static void test_segment_derived_kept(void)
{
	enum { TW = 240, TH = 100 };
	static const int line_y[3] = {1, 20, 80};
	static uint8_t px[TW * TH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP], best[ANPR_SEG_ROW_HYP];
	struct drawn d;
	int n, nb, i, l, x;

	memset(px, 210, sizeof(px));
	for (i = 0, x = 20; i < 7; i++, x += 28) {
		glyph(px, TW, x, 40, 21, 36, 4, i < 6 ? 30 : 206);
		d.box[i] = (struct anpr_box){(uint16_t)x, 40, 21, 36};
	}
	d.n = 7;
	for (l = 0; l < 3; l++)
		for (i = 0, x = 30; i < 8; i++, x += 15)
			glyph(px, TW, x, line_y[l], 10, 17, 2, 30);
	n = anpr_segment(px, TW, TH, TW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n > ANPR_SEG_ROW_HYP && n <= ANPR_SEG_MAX_HYP);
	CU_ASSERT(!some_hyp(h, ANPR_SEG_ROW_HYP, &d, HYP_UPRIGHT | HYP_ONE_ROW));
	CU_ASSERT(some_hyp(h + ANPR_SEG_ROW_HYP, n - ANPR_SEG_ROW_HYP, &d, HYP_UPRIGHT | HYP_ONE_ROW));
	for (i = ANPR_SEG_ROW_HYP; i < n; i++) /* what follows the best 8: single rows, best first */
		CU_ASSERT(h[i].rows == 1 && h[i].score <= h[i - 1].score);
	nb = anpr_segment(px, TW, TH, TW, best, ANPR_SEG_ROW_HYP);
	CU_ASSERT_EQUAL_FATAL(nb, ANPR_SEG_ROW_HYP);
	CU_ASSERT(memcmp(best, h, sizeof(best)) == 0);
	n = anpr_segment_rows(px, TW, TH, TW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_EQUAL(n, ANPR_SEG_ROW_HYP);
	CU_ASSERT(!some_hyp(h, n, &d, HYP_UPRIGHT | HYP_ONE_ROW));
}

static void test_segment_one_row(void)
{
	segment_drawn(1, 7, 0);
}

static void test_segment_inverted(void)
{
	segment_drawn(1, 6, 1);
}

/* Two rows read top row first, and the whole plate beats either row. */
static void test_segment_two_rows(void)
{
	segment_drawn(2, 7, 0);
}

/* Segment the w x h plate px: the best hypothesis is the drawn characters
 * d in two rows, the top one of top characters. */
static void best_two_rows(const uint8_t *px, int w, int h, int top, const struct drawn *d)
{
	struct anpr_seg_hyp hy[ANPR_SEG_MAX_HYP];
	int n = anpr_segment(px, (unsigned)w, (unsigned)h, (size_t)w, hy, ANPR_SEG_MAX_HYP);

	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL(hy[0].rows, 2);
	CU_ASSERT_EQUAL(hy[0].row2, top);
	check_hyp(&hy[0], d);
}

/* Two rows further apart (the space between them 1.25 text heights) are
 * still one plate of two rows. */
static void test_segment_two_rows_apart(void)
{
	static uint8_t px[PW * PH];
	struct drawn d;
	int i, r, x;

	memset(px, 210, PW * PH);
	d.n = 0;
	for (r = 0; r < 2; r++)
		for (i = 0, x = r ? 70 : 80; i < (r ? 4 : 3); i++, x += 26) {
			glyph(px, PW, x, r ? 40 : 4, 10, 16, 3, 30);
			d.box[d.n++] = (struct anpr_box){(uint16_t)x, (uint16_t)(r ? 40 : 4), 10, 16};
		}
	best_two_rows(px, PW, PH, 3, &d);
}

/* A two-row plate whose rows differ in contrast (a faint top row over a
 * dark bottom one): no one binarisation finds both rows, but some
 * hypothesis has them both, top row first (segment.c second_rows). */
static void test_segment_two_rows_contrast(void)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, i, k, found = 0;

	plate(px, 2, 7, 0, &d);
	for (i = 0; i < 3; i++) /* the top row's rings redrawn 25 grey levels under the paper */
		glyph(px, PW, d.box[i].x, d.box[i].y, d.box[i].w, d.box[i].h, 4, 185);
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	for (k = 0; k < n && !found; k++)
		found = h[k].rows == 2 && h[k].row2 == 3 && some_hyp(&h[k], 1, &d, 0);
	CU_ASSERT(found);
	/* the rows alone (the trainer's cut) do not pair across binarisations */
	n = anpr_segment_rows(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	for (k = 0, found = 0; k < n && !found; k++)
		found = h[k].rows == 2 && some_hyp(&h[k], 1, &d, 0);
	CU_ASSERT(!found);
}

/* A two-row plate whose top row is much smaller than its bottom row (a
 * region or series code over the number, 14 against 26 pixels: 1.86 times):
 * some hypothesis has both rows, top row first (segment.c second_rows,
 * PAIR_RATIO10). */
/* Three glyphs 9 x 14 at (tx, ty), 13 apart, over four 16 x 26 at (bx, by),
 * 22 apart, into px (stride bytes a row) and d. */
static void small_top_rows(uint8_t *px, int stride, int tx, int ty, int bx, int by, struct drawn *d)
{
	int i, r, x;

	d->n = 0;
	for (r = 0; r < 2; r++) {
		int gh = r ? 26 : 14, gw = r ? 16 : 9, y = r ? by : ty, step = r ? 22 : 13;

		for (i = 0, x = r ? bx : tx; i < (r ? 4 : 3); i++, x += step) {
			glyph(px, stride, x, y, gw, gh, r ? 4 : 2, 30);
			d->box[d->n++] = (struct anpr_box){(uint16_t)x, (uint16_t)y, (uint16_t)gw, (uint16_t)gh};
		}
	}
}

static void test_segment_two_rows_small_top(void)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, k, found = 0;

	memset(px, 210, PW * PH);
	small_top_rows(px, PW, 101, 5, 76, 26, &d);
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	for (k = 0; k < n && !found; k++)
		found = h[k].rows == 2 && h[k].row2 == 3 && some_hyp(&h[k], 1, &d, 0);
	CU_ASSERT(found);
}

/* The same in the plate's frame, a ring round both rows. The bottom row is
 * found with the frame's sides as a box at each end, 6 boxes; taken
 * without them, it has the strip above it searched for the top row
 * (segment.c trim_bars), and the best hypothesis is the two rows alone,
 * not the rows with the frame's pieces. */
static void test_segment_two_rows_framed(void)
{
	enum { TW = 120, TH = 70 };
	static uint8_t px[TW * TH];
	struct drawn d;

	memset(px, 210, sizeof(px));
	glyph(px, TW, 2, 2, TW - 4, TH - 4, 3, 30);
	small_top_rows(px, TW, 42, 11, 17, 32, &d);
	best_two_rows(px, TW, TH, 3, &d);
}

/* A plate in a crop cut loose around it, whose dark surroundings (the car)
 * outweigh the plate's paper and carry a row of light lettering above it (a
 * badge, a dealer's name): the plate's polarity, dark on light, is the one
 * favoured, so its row comes first. */
static void test_segment_dark_surround(void)
{
	enum { TW = 200, TH = 100 };
	static uint8_t px[TW * TH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d = {0};
	int x, y, n;

	memset(px, 40, sizeof(px));
	for (y = 36; y < 76; y++)
		memset(px + y * TW + 40, 210, 120);
	for (x = 54; d.n < 5; x += 20, d.n++) {
		glyph(px, TW, x, 44, 14, 24, 3, 30);
		d.box[d.n] = (struct anpr_box){(uint16_t)x, 44, 14, 24};
		glyph(px, TW, x, 8, 9, 16, 3, 200);
	}
	n = anpr_segment(px, TW, TH, TW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL(h[0].inverted, 0);
	CU_ASSERT(some_hyp(h, n, &d, HYP_UPRIGHT | HYP_ONE_ROW));
}

/* A crop the size the FPGA sends for a far plate: enlarged, still found. */
static void test_segment_small_crop(void)
{
	static uint8_t px[PW * PH], small[(PW / 4) * (PH / 4)];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int x, y, n, i;

	plate(px, 1, 5, 0, &d);
	for (y = 0; y < PH / 4; y++)
		for (x = 0; x < PW / 4; x++) {
			int s = 0, i2, j2;

			for (j2 = 0; j2 < 4; j2++)
				for (i2 = 0; i2 < 4; i2++)
					s += px[(y * 4 + j2) * PW + x * 4 + i2];
			small[y * (PW / 4) + x] = (uint8_t)(s / 16);
		}
	n = anpr_segment(small, PW / 4, PH / 4, PW / 4, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL_FATAL(h[0].nchars, 5);
	for (i = 0; i < 5; i++) /* within a pixel of the drawn box, at a quarter scale */
		CU_ASSERT(abs(h[0].chars[i].x - d.box[i].x / 4) <= 1);
}

static void test_segment_nothing(void)
{
	static uint8_t px[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	uint32_t st = 1;
	int i;

	memset(px, 128, sizeof(px));
	CU_ASSERT_EQUAL(anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP), 0);
	for (i = 0; i < PW * PH; i++) { /* noise: anything, but no crash and in bounds */
		st ^= st << 13, st ^= st >> 17, st ^= st << 5;
		px[i] = (uint8_t)st;
	}
	for (i = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP) - 1; i >= 0; i--) {
		int k;

		for (k = 0; k < h[i].nchars; k++)
			CU_ASSERT(h[i].chars[k].x + h[i].chars[k].w <= PW && h[i].chars[k].y + h[i].chars[k].h <= PH);
	}
	CU_ASSERT_EQUAL(anpr_segment(px, 3, 3, 3, h, 4), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_segment(NULL, PW, PH, PW, h, 4), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_segment(px, PW, PH, PW - 1, h, 4), ANPR_ERR_ARG);
}

static int tile_diff(const uint8_t *a, const uint8_t *b)
{
	int i, d = 0;

	for (i = 0; i < ANPR_TILE_IN; i++)
		d += abs(a[i] - b[i]);
	return d / ANPR_TILE_IN;
}

/* The tile does not depend on polarity, contrast, scale or a loose box. */
static void test_tile_invariance(void)
{
	static uint8_t a[100 * 100], b[200 * 200];
	uint8_t ta[ANPR_TILE_IN], tb[ANPR_TILE_IN];
	struct anpr_box box = {20, 20, 24, 40}, big = {40, 40, 48, 80}, loose = {12, 14, 40, 52};

	memset(a, 220, sizeof(a));
	glyph(a, 100, 20, 20, 24, 40, 5, 20);
	memset(b, 40, sizeof(b)); /* light on dark, low contrast, twice the size */
	glyph(b, 200, 40, 40, 48, 80, 10, 150);
	CU_ASSERT_EQUAL(anpr_char_tile(a, 100, 100, 100, &box, 0, ta), ANPR_OK);
	CU_ASSERT_EQUAL(anpr_char_tile(b, 200, 200, 200, &big, 1, tb), ANPR_OK);
	CU_ASSERT(tile_diff(ta, tb) <= 6);
	CU_ASSERT_EQUAL(anpr_char_tile(a, 100, 100, 100, &loose, 0, tb), ANPR_OK);
	CU_ASSERT(tile_diff(ta, tb) <= 2);
	/* ink is 255, paper 0 */
	CU_ASSERT(ta[ANPR_TILE_W * ANPR_TILE_H / 2 + 1] + ta[ANPR_TILE_W * ANPR_TILE_H / 2 + 2] > 200);
	CU_ASSERT(ta[ANPR_TILE_W * ANPR_TILE_H / 2 + ANPR_TILE_W / 2] < 20);
}

/* A narrow bar stays narrow (the shape of a 1 is not stretched into a block). */
static void test_tile_aspect(void)
{
	static uint8_t a[60 * 60];
	uint8_t t[ANPR_TILE_IN];
	struct anpr_box box = {10, 5, 40, 50};
	int x, y, cols = 0;

	memset(a, 230, sizeof(a));
	for (y = 10; y < 50; y++)
		for (x = 28; x < 33; x++)
			a[y * 60 + x] = 10;
	CU_ASSERT_EQUAL(anpr_char_tile(a, 60, 60, 60, &box, 0, t), ANPR_OK);
	for (x = 0; x < ANPR_TILE_W; x++) {
		int ink = 0;

		for (y = 0; y < ANPR_TILE_H; y++)
			ink |= t[y * ANPR_TILE_W + x] > 128;
		cols += ink;
	}
	CU_ASSERT(cols >= 3 && cols <= 6);
	box.w = 0;
	CU_ASSERT_EQUAL(anpr_char_tile(a, 60, 60, 60, &box, 0, t), ANPR_ERR_ARG);
	box = (struct anpr_box){70, 0, 5, 5}; /* outside the image */
	CU_ASSERT_EQUAL(anpr_char_tile(a, 60, 60, 60, &box, 0, t), ANPR_ERR_ARG);
}

/* The x86 build's rows sampled four columns a vector (SSE2) give the
 * portable C's tile, bit for bit: characters enlarged and reduced (1 to 3
 * sub-samples a pixel, and beyond 3 times the tile's size, where the
 * taps no longer fit the vector's window), boxes against the image's
 * right edge, images 1 to 3 pixels wide, glyphs on noise, both polarities. */
static void test_tile_portable_agrees(void)
{
	static uint8_t img[160 * 400];
	uint8_t t[ANPR_TILE_IN], q[ANPR_TILE_IN];
	uint32_t r = 2026;
	int n, i, same = 0;

	for (n = 0; n < 240; n++) {
		int w = n % 8 == 7 ? 1 + n % 3 : 6 + (n * 37) % 150, h = 3 + (n * 53) % 395;
		struct anpr_box box;

		for (i = 0; i < w * h; i++) {
			r = r * 1103515245u + 12345u;
			img[i] = (uint8_t)(n % 4 ? 100 + (r >> 28) : r >> 24);
		}
		box.x = (uint16_t)(n % 5 ? (n * 7) % w : 0);
		box.y = (uint16_t)((n * 11) % h);
		box.w = (uint16_t)(n % 2 ? w - box.x : 1 + (n * 13) % (w - box.x)); /* odd n: to the right edge */
		box.h = (uint16_t)(1 + (n * 17) % (h - box.y));
		if (n % 4 && box.w > 2 && box.h > 2)
			glyph(img, w, box.x + 1, box.y + 1, box.w - 2, box.h - 2, 1 + n % 5, (uint8_t)(n & 1 ? 240 : 10));
		CU_ASSERT_EQUAL(anpr_char_tile(img, (unsigned)w, (unsigned)h, (size_t)w, &box, n & 1, t), ANPR_OK);
		CU_ASSERT_EQUAL(anpr_char_tile_portable(img, (unsigned)w, (unsigned)h, (size_t)w, &box, n & 1, q), ANPR_OK);
		same += !memcmp(t, q, sizeof(t));
	}
	CU_ASSERT_EQUAL(same, 240);
}

/* A character image's polarity is judged by its border, each border pixel
 * counted once: images 1 pixel wide or high included. */
static void test_tile_inverted_border(void)
{
	static uint8_t img[40 * 7];
	int w, h, x, y;

	for (h = 1; h <= 7; h++)
		for (w = 1; w <= 40; w++) { /* rows of 16 pixels and more are summed by SSE2 */
			unsigned long border = 0, all = 0, nb = 0;

			for (y = 0; y < h; y++)
				for (x = 0; x < w; x++) {
					uint8_t v = (uint8_t)((x * 41 + y * 29 + w * h) % 256);

					img[y * w + x] = v;
					all += v;
					if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
						border += v;
						nb++;
					}
				}
			CU_ASSERT_EQUAL(anpr_tile_inverted(img, (unsigned)w, (unsigned)h, (size_t)w),
					border * (unsigned long)(w * h) < all * nb);
		}
	memset(img, 200, sizeof(img)); /* light paper, dark middle: not inverted; the other way round: inverted */
	img[1 * 9 + 4] = img[2 * 9 + 4] = img[3 * 9 + 4] = 0;
	CU_ASSERT_EQUAL(anpr_tile_inverted(img, 9, 5, 9), 0);
	memset(img, 20, sizeof(img));
	img[1 * 9 + 4] = img[2 * 9 + 4] = img[3 * 9 + 4] = 250;
	CU_ASSERT_EQUAL(anpr_tile_inverted(img, 9, 5, 9), 1);
}

static void test_classify_distribution(void)
{
	uint8_t t[ANPR_TILE_IN];
	float p[ANPR_NCLASS], q[ANPR_NCLASS], sum = 0;
	int i;

	for (i = 0; i < ANPR_TILE_IN; i++)
		t[i] = (uint8_t)(i * 37);
	anpr_classify(&anpr_classifier_default, t, p);
	anpr_classify(&anpr_classifier_default, t, q);
	for (i = 0; i < ANPR_NCLASS; i++) {
		CU_ASSERT(p[i] >= 0 && p[i] <= 1);
		sum += p[i];
	}
	CU_ASSERT(fabsf(sum - 1) < 1e-4f);
	CU_ASSERT(!memcmp(p, q, sizeof(p)));
	CU_ASSERT_EQUAL(anpr_char_class('a'), 10);
	CU_ASSERT_EQUAL(anpr_char_class('-'), -1);
	CU_ASSERT_EQUAL(anpr_class_char(35), 'Z');
	CU_ASSERT_EQUAL(anpr_class_char(ANPR_CLASS_JUNK), '?');
}

static int top_class(const float *p)
{
	int k, best = 0;

	for (k = 1; k < ANPR_NCLASS; k++)
		best = p[k] > p[best] ? k : best;
	return best;
}

/* Every kernel set this CPU runs (VNNI, AVX2) gives the portable C's
 * probabilities, bit for bit: on tiles of rings, bars, noise and saturated
 * ink, where every activation and accumulator is exercised. */
static void test_classify_kernels_agree(void)
{
	static uint8_t img[64 * 64];
	uint8_t t[ANPR_TILE_IN];
	float p[ANPR_NCLASS], q[ANPR_NCLASS];
	uint32_t r = 12345;
	const char *names[4];
	int nk = anpr_classify_kernel_list(names, 4), n, i;

	for (n = 0; n < 40; n++) {
		struct anpr_box box = {4, 4, (uint16_t)(10 + n), (uint16_t)(20 + n / 2)};

		memset(img, 200, sizeof(img));
		glyph(img, 64, 4, 4, 10 + n, 20 + n / 2, 1 + n % 6, (uint8_t)(n * 5));
		CU_ASSERT_EQUAL(anpr_char_tile(img, 64, 64, 64, &box, n & 1, t), ANPR_OK);
		if (n % 4 == 3)
			for (i = 0; i < ANPR_TILE_IN; i++) {
				r = r * 1103515245u + 12345u;
				t[i] = n % 8 == 7 ? 255 : (uint8_t)(r >> 24);
			}
		anpr_classify_portable(&anpr_classifier_default, t, q);
		anpr_classify(&anpr_classifier_default, t, p);
		CU_ASSERT(!memcmp(p, q, sizeof(p)));
		for (i = 0; i < nk; i++) {
			memset(p, 0, sizeof(p));
			CU_ASSERT_EQUAL(anpr_classify_with(names[i], &anpr_classifier_default, t, p), ANPR_OK);
			CU_ASSERT(!memcmp(p, q, sizeof(p)));
		}
	}
	CU_ASSERT_STRING_EQUAL(names[nk - 1], "portable");
	CU_ASSERT_STRING_EQUAL(names[0], anpr_classify_kernels());
	CU_ASSERT_EQUAL(anpr_classify_with("no-such-kernels", &anpr_classifier_default, t, p), ANPR_ERR_UNSUPPORTED);
}

/* The same on networks of other shapes the trainer can write (c1, c2, nhid
 * multiples of 8: an odd multiple takes the kernels' 8-output tails), with
 * random weights, biases and multipliers: every kernel set the CPU runs
 * gives the portable C's probabilities, bit for bit. The last shape is at
 * the extremes of AVX2's Winograd conv2 (classify.c): 64 input channels,
 * its weights all 127 or all -127 by output (the largest transformed
 * weights), on tiles of 0 and 255 that drive conv1 to 0 and 127. */
static void test_classify_kernels_agree_shapes(void)
{
	static const int shapes[][3] = {{8, 24, 64}, {16, 40, 72}, {24, 8, 8}, {64, 16, 8}};
	const int npos = (ANPR_TILE_H / 4) * (ANPR_TILE_W / 4), nout_pad = 40;
	uint32_t r = 777;
	const char *names[4];
	int nk = anpr_classify_kernel_list(names, 4), sh, i, j, n;

	for (sh = 0; sh < 4; sh++) {
		int c1 = shapes[sh][0], c2 = shapes[sh][1], nh = shapes[sh][2], extreme = sh == 3;
		size_t nw1 = (size_t)12 * c1, nw2 = (size_t)9 * c1 * c2, nwd = (size_t)npos * c2 * nh,
		       nwo = (size_t)nh * nout_pad;
		int8_t *w = malloc(nw1 + nw2 + nwd + nwo);
		int32_t *bm = malloc(sizeof(int32_t) * 2 * (size_t)(c1 + c2 + nh) + sizeof(int32_t) * nout_pad);
		float sout[40];
		struct anpr_classifier net;
		uint8_t t[ANPR_TILE_IN];
		float p[ANPR_NCLASS], q[ANPR_NCLASS];

		CU_ASSERT_FATAL(w != NULL && bm != NULL);
		for (i = 0; i < (int)(nw1 + nw2 + nwd + nwo); i++) {
			r = r * 1103515245u + 12345u;
			w[i] = (int8_t)((int)(r >> 16) % 255 - 127);
		}
		for (i = 0; extreme && i < (int)nw1; i++) /* conv1 all positive: ink drives it to 127 */
			w[i] = (int8_t)(w[i] < 0 ? -w[i] : w[i]);
		for (i = 0; extreme && i < (int)nw2; i++) /* by output: group, output, 4 bytes */
			w[nw1 + (size_t)i] = (int8_t)(i / 4 % c2 % 2 ? -127 : 127);
		for (i = 0; i < c1 + c2 + nh; i++) { /* biases, then multipliers */
			r = r * 1103515245u + 12345u;
			bm[i] = (int32_t)(r >> 20) - 2048;
			bm[c1 + c2 + nh + i] = (int32_t)((1u << 29) + (r >> 3));
		}
		for (i = 0; i < nout_pad; i++) {
			bm[2 * (c1 + c2 + nh) + i] = i * 100 - 2000;
			sout[i] = 1e-3f * (float)(i + 1);
		}
		net.c1 = c1;
		net.c2 = c2;
		net.nhid = nh;
		net.conv1 = (struct anpr_qlayer){w, bm, bm + c1 + c2 + nh, 39};
		net.conv2 = (struct anpr_qlayer){w + nw1, bm + c1, bm + c1 + c2 + nh + c1, 41};
		net.dense = (struct anpr_qlayer){w + nw1 + nw2, bm + c1 + c2, bm + 2 * (c1 + c2) + nh, 42};
		net.wout = w + nw1 + nw2 + nwd;
		net.bout = bm + 2 * (c1 + c2 + nh);
		net.sout = sout;
		net.temperature = 1.0f;
		net.provenance = "test";
		net.next = NULL;
		for (n = 0; n < 6; n++) {
			for (i = 0; i < ANPR_TILE_IN; i++) {
				r = r * 1103515245u + 12345u;
				t[i] = n == 5 ? 255 : extreme ? (uint8_t)(r >> 31 ? 255 : 0) : (uint8_t)(r >> 24);
			}
			anpr_classify_portable(&net, t, q);
			for (j = 0; j < nk; j++) {
				CU_ASSERT_EQUAL(anpr_classify_with(names[j], &net, t, p), ANPR_OK);
				CU_ASSERT(!memcmp(p, q, sizeof(p)));
			}
		}
		free(w);
		free(bm);
	}
}

/* An ensemble averages its members' logits: a network twice over is the
 * network alone, bit for bit; beside a member whose logits are all 0 it is
 * the network at twice its temperature; and every kernel set gives the
 * portable C's probabilities for an ensemble too. */
static void test_classify_ensemble(void)
{
	static const float zero[40];
	struct anpr_classifier one = anpr_classifier_default, twice = anpr_classifier_default,
			       zeros = anpr_classifier_default, hot = anpr_classifier_default,
			       half = anpr_classifier_default;
	uint8_t t[ANPR_TILE_IN];
	float p[ANPR_NCLASS], q[ANPR_NCLASS];
	const char *names[4];
	int nk = anpr_classify_kernel_list(names, 4), n, i, j;
	uint32_t r = 99;

	one.next = NULL; /* the default's first network alone */
	twice.next = &one;
	zeros.sout = zero;
	zeros.next = NULL;
	half.next = &zeros;
	hot.next = NULL;
	hot.temperature = 2 * one.temperature;
	for (n = 0; n < 8; n++) {
		for (i = 0; i < ANPR_TILE_IN; i++) {
			r = r * 1103515245u + 12345u;
			t[i] = n < 4 ? (uint8_t)(r >> 24) : (uint8_t)(((i % ANPR_TILE_W) / (2 + n)) & 1 ? 255 : 0);
		}
		anpr_classify(&one, t, q);
		anpr_classify(&twice, t, p);
		CU_ASSERT(!memcmp(p, q, sizeof(p)));
		anpr_classify(&hot, t, q);
		anpr_classify(&half, t, p);
		for (i = 0; i < ANPR_NCLASS; i++)
			CU_ASSERT(fabsf(p[i] - q[i]) < 1e-5f);
		anpr_classify_portable(&half, t, q);
		for (j = 0; j < nk; j++) {
			CU_ASSERT_EQUAL(anpr_classify_with(names[j], &half, t, p), ANPR_OK);
			CU_ASSERT(!memcmp(p, q, sizeof(p)));
		}
	}
}

/* Junk first: a tile the first member calls junk by ANPR_JUNK_MARGIN gets
 * the first member's probabilities alone (at the ensemble's temperature);
 * any other, the whole ensemble's, bit for bit. A single network is
 * anpr_classify either way. */
static void test_classify_junk_first(void)
{
	struct anpr_classifier one = anpr_classifier_default;
	uint8_t t[ANPR_TILE_IN];
	float p[ANPR_NCLASS], q[ANPR_NCLASS];
	int n, i, junk = 0, other = 0;
	uint32_t r = 7;

	CU_ASSERT_FATAL(anpr_classifier_default.next != NULL); /* the committed classifier is an ensemble */
	one.next = NULL;
	for (n = 0; n < 24; n++) {
		float top = -1;

		/* paper, noise, rings and bars of several sizes */
		for (i = 0; i < ANPR_TILE_IN; i++) {
			int x = i % ANPR_TILE_W, y = i / ANPR_TILE_W;

			r = r * 1103515245u + 12345u;
			t[i] = n == 0   ? 0
			       : n < 8  ? (uint8_t)((r >> 24) & (n < 4 ? 0x3f : 0xff))
			       : n < 16 ? (uint8_t)((x < 2 + n % 4 || x > 17 - n % 4 || y < 3 || y > 28) ? 255 : 0)
					: (uint8_t)(abs(x - 10) < 1 + n % 4 ? 255 : 0);
		}
		anpr_classify(&one, t, q);
		for (i = 0; i < ANPR_CLASS_JUNK; i++)
			top = q[i] > top ? q[i] : top;
		/* the first member's logit margin, from its probabilities */
		if (logf(q[ANPR_CLASS_JUNK]) - logf(top) >= ANPR_JUNK_MARGIN / one.temperature + 1e-3f) {
			anpr_classify_junk_first(&anpr_classifier_default, t, p);
			CU_ASSERT(!memcmp(p, q, sizeof(p)));
			junk++;
		} else if (logf(q[ANPR_CLASS_JUNK]) - logf(top) < ANPR_JUNK_MARGIN / one.temperature - 1e-3f) {
			anpr_classify(&anpr_classifier_default, t, q);
			anpr_classify_junk_first(&anpr_classifier_default, t, p);
			CU_ASSERT(!memcmp(p, q, sizeof(p)));
			other++;
		}
		anpr_classify(&one, t, q);
		anpr_classify_junk_first(&one, t, p);
		CU_ASSERT(!memcmp(p, q, sizeof(p)));
	}
	CU_ASSERT(junk >= 1); /* both branches were taken */
	CU_ASSERT(other >= 1);
}

/* What the network says about shapes whose identity is known: a ring is an
 * O, a 0 or a D; a plain upright bar a 1, an I or junk (a plate's border);
 * bare paper is junk. */
static void test_classify_shapes(void)
{
	static uint8_t img[60 * 60];
	uint8_t t[ANPR_TILE_IN];
	float p[ANPR_NCLASS];
	struct anpr_box ring = {10, 5, 26, 44}, bar = {10, 5, 7, 44};
	int k, x, y;

	memset(img, 210, sizeof(img));
	glyph(img, 60, 10, 5, 26, 44, 6, 30);
	CU_ASSERT_EQUAL(anpr_char_tile(img, 60, 60, 60, &ring, 0, t), ANPR_OK);
	anpr_classify(&anpr_classifier_default, t, p);
	k = top_class(p);
	CU_ASSERT(k == anpr_char_class('0') || k == anpr_char_class('O') || k == anpr_char_class('D'));
	CU_ASSERT(p[anpr_char_class('0')] + p[anpr_char_class('O')] + p[anpr_char_class('D')] > 0.8f);

	memset(img, 210, sizeof(img));
	for (y = 5; y < 49; y++)
		for (x = 10; x < 17; x++)
			img[y * 60 + x] = 30;
	CU_ASSERT_EQUAL(anpr_char_tile(img, 60, 60, 60, &bar, 0, t), ANPR_OK);
	anpr_classify(&anpr_classifier_default, t, p);
	k = top_class(p);
	CU_ASSERT(k == anpr_char_class('1') || k == anpr_char_class('I') || k == ANPR_CLASS_JUNK);

	memset(t, 0, sizeof(t));
	anpr_classify(&anpr_classifier_default, t, p);
	CU_ASSERT_EQUAL(top_class(p), ANPR_CLASS_JUNK);
}

/* Nothing to read is no plate, never an invented one. */
static void test_read_rejects_blank(void)
{
	static uint8_t px[PW * PH];
	struct anpr_read_opts opts = {ANPR_COUNTRY_GB, NULL};
	struct anpr_plate_read out;

	memset(&out, 0x5a, sizeof(out));
	memset(px, 150, sizeof(px));
	CU_ASSERT_EQUAL(anpr_read_crop(&opts, px, PW, PH, PW, 0, 0, NULL, &out), 0);
	CU_ASSERT_EQUAL(((uint8_t *)&out)[0], 0x5a); /* untouched */
	CU_ASSERT_EQUAL(anpr_read_crop(&opts, px, 2, 2, 2, 0, 0, NULL, &out), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_read_crop(NULL, px, PW, PH, PW, 0, 0, NULL, &out), ANPR_ERR_ARG);
}

/* Whatever is read, the report is consistent: confidences are
 * probabilities (the plate's is its first candidate's, and the candidates'
 * distinct texts share at most 1: a posterior), characters spell the text,
 * boxes lie in the frame. */
static void test_read_consistent(void)
{
	static uint8_t px[PW * PH];
	struct anpr_read_opts opts = {ANPR_COUNTRY_ANY, NULL};
	struct anpr_plate_read out;
	struct drawn d;
	double sum;
	int i;

	plate(px, 1, 6, 0, &d);
	if (anpr_read_crop(&opts, px, PW, PH, PW, 100, 50, NULL, &out) != 1)
		return; /* rejecting rings is fine too */
	CU_ASSERT(out.confidence > 0 && out.confidence <= 1);
	CU_ASSERT_EQUAL((int)strlen(out.text), out.nchars);
	CU_ASSERT(out.ncands >= 1 && !strcmp(out.cands[0].text, out.text));
	for (i = 0; i < out.nchars; i++) {
		CU_ASSERT_EQUAL(out.chars[i].c, out.text[i]);
		CU_ASSERT(out.chars[i].box.x >= 100 && out.chars[i].box.x + out.chars[i].box.w <= 100 + PW);
		CU_ASSERT(out.chars[i].confidence > 0 && out.chars[i].confidence <= 1);
	}
	CU_ASSERT_EQUAL(out.cands[0].confidence, out.confidence);
	for (i = 0, sum = 0; i < out.ncands; i++) {
		CU_ASSERT(out.cands[i].confidence >= 0 && out.cands[i].confidence <= 1);
		sum += out.cands[i].confidence;
	}
	CU_ASSERT(sum <= 1 + 1e-5);
}

/* anpr_read_hyps reads each hypothesis alone; anpr_read_crop's reading is
 * the best-scoring of them. */
static void test_read_hyps(void)
{
	static uint8_t px[PW * PH];
	struct anpr_read_opts opts = {ANPR_COUNTRY_ANY, NULL};
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct anpr_plate_read each[ANPR_SEG_MAX_HYP], out;
	struct drawn d;
	int n, i, best = -1, rc;

	plate(px, 1, 6, 0, &d);
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL(anpr_read_hyps(&opts, px, PW, PH, PW, h, n, each), n);
	for (i = 0; i < n; i++)
		if (each[i].score > -INFINITY && (best < 0 || each[i].score > each[best].score))
			best = i;
	rc = anpr_read_crop(&opts, px, PW, PH, PW, 0, 0, NULL, &out);
	CU_ASSERT_EQUAL(rc, best >= 0);
	if (rc == 1 && best >= 0) {
		char seen[ANPR_SEG_MAX_HYP * ANPR_READ_MAX_CANDS][ANPR_MAX_TEXT + 1];
		double sum = 0;
		int k, j, ns = 0;

		CU_ASSERT_STRING_EQUAL(out.text, each[best].text);
		CU_ASSERT_DOUBLE_EQUAL(out.score, each[best].score, 1e-9);
		/* one posterior over the crop: the distinct texts share at most 1 */
		CU_ASSERT_EQUAL(out.confidence, each[best].confidence);
		for (i = 0; i < n; i++)
			for (k = 0; each[i].score > -INFINITY && k < each[i].ncands; k++) {
				for (j = 0; j < ns && strcmp(seen[j], each[i].cands[k].text); j++)
					;
				if (j < ns)
					continue;
				strcpy(seen[ns++], each[i].cands[k].text);
				sum += each[i].cands[k].confidence;
			}
		CU_ASSERT(ns >= 1 && sum <= 1 + 1e-5);
	}
	CU_ASSERT_EQUAL(anpr_read_hyps(NULL, px, PW, PH, PW, h, n, each), ANPR_ERR_ARG);
}

/* A plate's confidence is its text's posterior over the crop: every
 * hypothesis that reads the same text reports the same confidence, although
 * each reads it from other boxes (whose classifier probabilities, and their
 * product, differ). Here: a two-row plate whose faint top row several
 * hypotheses skip, each reading the bottom row alone. */
static void test_read_posterior(void)
{
	static uint8_t px[PW * PH];
	struct anpr_read_opts opts = {ANPR_COUNTRY_ANY, NULL};
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct anpr_plate_read each[ANPR_SEG_MAX_HYP];
	struct drawn d;
	int n, i, j, pairs = 0;

	plate(px, 2, 7, 0, &d);
	for (i = 0; i < 3; i++)
		glyph(px, PW, d.box[i].x, d.box[i].y, d.box[i].w, d.box[i].h, 4, 185);
	n = anpr_segment(px, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(anpr_read_hyps(&opts, px, PW, PH, PW, h, n, each) == n);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (each[i].score > -INFINITY && each[j].score > -INFINITY && !strcmp(each[i].text, each[j].text)) {
				pairs++;
				CU_ASSERT_EQUAL(each[i].confidence, each[j].confidence);
				CU_ASSERT(each[i].confidence > 0 && each[i].confidence <= 1);
			}
	CU_ASSERT(pairs >= 1); /* some text is read by two hypotheses: the check ran */
}

/* A network made to order for the reader's tests: from the tile's ink it
 * tells three shapes apart, a bar (ink in the middle columns only), a ring
 * (ink at the sides, none in the middle of the middle) and a block (ink
 * everywhere). Both convolutions pass channel 0 through (each 2x2 max-pooled:
 * the 8 x 5 map of the tile's ink by 4 x 4 cells); three hidden units sum
 * the side columns (h0), the middle column (h1) and the middle column's
 * middle four cells (h2); the logits are linear in them, 1/32 a unit: a bar
 * reads 1 (0.6) or junk (0.4), a ring A, a block 8, and no tile reads
 * anything else (I included) above 1e-4. */
struct shape_net {
	int8_t w[12 * 8 + 9 * 8 * 8 + 40 * 8 * 8 + 8 * 40];
	int32_t bm[2 * (8 + 8 + 8) + 40];
	float sout[40];
	struct anpr_classifier net;
};

static void shape_net(struct shape_net *s)
{
	enum { C = 8, NW1 = 12 * C, NW2 = 9 * C * C, NWD = 40 * C * C };
	int8_t *w1 = s->w, *w2 = s->w + NW1, *wd = s->w + NW1 + NW2, *wo = s->w + NW1 + NW2 + NWD;
	int32_t *bias = s->bm, *mul = s->bm + 3 * C, *bout = s->bm + 6 * C;
	/* logit weights on (h0, h1, h2) and bias, in 1/32 units, by class */
	static const struct {
		char c;
		int a, b, d, bias;
	} out[] = {{'1', -3, 0, 1, 0}, {'A', 1, 0, -2, 0}, {'8', 1, 0, 1, -127}};
	int y, k, i;

	memset(s, 0, sizeof(*s));
	w1[1 * C * 4 + 0 * 4 + 1] = 1; /* conv1 channel 0: the pixel (ky 1, kx 1) */
	w2[1 * 6 * C * 4 + 2 * C * 4 + 0 * 4 + 0] = 1; /* conv2 channel 0: input (ky 1, kx 1, channel 0) */
	for (y = 0; y < 8; y++) {
		int i0 = (y * 5 + 0) * C, i4 = (y * 5 + 4) * C, i2 = (y * 5 + 2) * C;

		wd[(i0 / 4) * C * 4 + 0 * 4 + i0 % 4] = 1; /* h0: the side columns */
		wd[(i4 / 4) * C * 4 + 0 * 4 + i4 % 4] = 1;
		wd[(i2 / 4) * C * 4 + 1 * 4 + i2 % 4] = 1; /* h1: the middle column */
		if (y >= 2 && y <= 5)
			wd[(i2 / 4) * C * 4 + 2 * 4 + i2 % 4] = 1; /* h2: its middle four cells */
	}
	for (i = 0; i < 3 * C; i++) /* requantise by 1 (conv), 1/16, 1/8, 1/4 (hidden) */
		mul[i] = 1 << 20;
	mul[2 * C + 0] = 1 << 16;
	mul[2 * C + 1] = 1 << 17;
	mul[2 * C + 2] = 1 << 18;
	for (k = 0; k < 40; k++) {
		bout[k] = -320; /* -10 */
		s->sout[k] = 1.0f / 32;
	}
	for (i = 0; i < 3; i++) {
		k = anpr_char_class(out[i].c);
		wo[0 * 40 * 4 + k * 4 + 0] = (int8_t)out[i].a;
		wo[0 * 40 * 4 + k * 4 + 1] = (int8_t)out[i].b;
		wo[0 * 40 * 4 + k * 4 + 2] = (int8_t)out[i].d;
		bout[k] = out[i].bias;
	}
	k = ANPR_CLASS_JUNK; /* junk: as 1, half a logit lower */
	wo[k * 4 + 0] = -3;
	wo[k * 4 + 2] = 1;
	bout[k] = -16;
	s->net = (struct anpr_classifier){C, C, C, {w1, bias, mul, 20}, {w2, bias + C, mul + C, 20},
					  {wd, bias + 2 * C, mul + 2 * C, 20}, wo, bout, s->sout, 1.0f, "test", NULL};
}

/* Under any, the reading's structure settles 1 against I (the probability
 * of each shared with the other): a slot the network calls 1 (0.6, junk
 * 0.4) between two letters is read I (AIA8888, a Brazilian plate's shape),
 * and the least confidence a reading needs is taken on those shared
 * probabilities too. On the network's own (I at 1e-6) the reading I would
 * be refused, and one that skips the slot (AA8888) would win. */
static void test_read_lookalike_confidence(void)
{
	static struct shape_net sn;
	static uint8_t px[PW * PH];
	static const char shapes[] = "r|rbbbb";
	struct anpr_read_opts opts = {ANPR_COUNTRY_ANY, NULL};
	struct anpr_seg_hyp h;
	struct anpr_plate_read out;
	uint8_t tile[ANPR_TILE_IN];
	float p[ANPR_NCLASS];
	int i, x;

	shape_net(&sn);
	opts.net = &sn.net;
	memset(px, 210, sizeof(px));
	memset(&h, 0, sizeof(h));
	h.rows = 1;
	for (i = 0, x = 12; i < 7; i++, x += 30) {
		int bw = shapes[i] == '|' ? 6 : 21, bx = x + (21 - bw) / 2;

		glyph(px, PW, bx, 12, bw, 36, shapes[i] == 'r' ? 4 : 18, 30);
		/* the box a little loose: a tile needs paper to find the ink */
		h.chars[h.nchars++] = (struct anpr_box){(uint16_t)(bx - 2), 10, (uint16_t)(bw + 4), 40};
	}
	h.row2 = h.nchars;
	/* the network reads the shapes as made */
	for (i = 0; i < 7; i++) {
		CU_ASSERT_FATAL(anpr_char_tile(px, PW, PH, PW, &h.chars[i], 0, tile) == ANPR_OK);
		anpr_classify(&sn.net, tile, p);
		if (shapes[i] == '|') {
			CU_ASSERT(p[anpr_char_class('1')] > 0.55f && p[anpr_char_class('1')] < 0.7f);
			CU_ASSERT(p[ANPR_CLASS_JUNK] > 0.3f);
			CU_ASSERT(p[anpr_char_class('I')] < 1e-4f);
		} else {
			CU_ASSERT(p[anpr_char_class(shapes[i] == 'r' ? 'A' : '8')] > 0.95f);
		}
	}
	CU_ASSERT_EQUAL_FATAL(anpr_read_hyps(&opts, px, PW, PH, PW, &h, 1, &out), 1);
	CU_ASSERT(out.score > -INFINITY);
	CU_ASSERT_STRING_EQUAL(out.text, "AIA8888");
}

/* Within a scope (anpr_read_scope_begin: a frame's reads), two boxes whose
 * tiles are the same bytes share one classification; a different tile gets
 * its own, and every reading is what it is without the scope. */
static void test_read_tile_cache(void)
{
	static uint8_t px[PW * PH];
	struct anpr_read_opts opts = {ANPR_COUNTRY_ANY, NULL};
	struct anpr_seg_hyp h;
	struct anpr_plate_read with, without, other;
	struct anpr_read_counts c0, c1, c2;
	uint8_t t0[ANPR_TILE_IN], t2[ANPR_TILE_IN];
	int i;

	memset(px, 210, sizeof(px));
	memset(&h, 0, sizeof(h));
	h.nchars = h.row2 = 3;
	h.rows = 1;
	for (i = 0; i < 3; i++) {
		/* rings at x 20 and 160, a bar between them, 50 pixels of paper apart */
		h.chars[i] = (struct anpr_box){(uint16_t)(20 + 70 * i), 12, 20, 36};
		if (i == 1)
			glyph(px, PW, 20 + 70 * i + 7, 12, 6, 36, 6, 30);
		else
			glyph(px, PW, 20 + 70 * i, 12, 20, 36, 4, 30);
	}
	/* the same tile from the two rings' boxes; the bar's differs */
	CU_ASSERT_EQUAL_FATAL(anpr_char_tile(px, PW, PH, PW, &h.chars[0], 0, t0), ANPR_OK);
	CU_ASSERT_EQUAL_FATAL(anpr_char_tile(px, PW, PH, PW, &h.chars[2], 0, t2), ANPR_OK);
	CU_ASSERT_FATAL(!memcmp(t0, t2, sizeof(t0)));
	CU_ASSERT_EQUAL_FATAL(anpr_char_tile(px, PW, PH, PW, &h.chars[1], 0, t2), ANPR_OK);
	CU_ASSERT_FATAL(memcmp(t0, t2, sizeof(t0)));

	anpr_read_counts(&c0);
	CU_ASSERT_EQUAL(anpr_read_hyps(&opts, px, PW, PH, PW, &h, 1, &without), 1);
	anpr_read_counts(&c1);
	CU_ASSERT_EQUAL(c1.tiles - c0.tiles, 3);
	CU_ASSERT_EQUAL(c1.classified - c0.classified, 3); /* no scope: each tile classified */

	CU_ASSERT_EQUAL(anpr_read_scope_begin(), ANPR_OK);
	CU_ASSERT_EQUAL(anpr_read_scope_begin(), ANPR_OK); /* nested: the outer scope's cache */
	CU_ASSERT_EQUAL(anpr_read_hyps(&opts, px, PW, PH, PW, &h, 1, &with), 1);
	anpr_read_counts(&c2);
	CU_ASSERT_EQUAL(c2.tiles - c1.tiles, 3);
	CU_ASSERT_EQUAL(c2.classified - c1.classified, 2); /* the two rings: one run */
	h.chars[2].w++; /* another box, the same tile: known to the scope */
	CU_ASSERT_EQUAL_FATAL(anpr_char_tile(px, PW, PH, PW, &h.chars[2], 0, t2), ANPR_OK);
	CU_ASSERT_FATAL(!memcmp(t0, t2, sizeof(t0)));
	anpr_read_scope_end();
	CU_ASSERT_EQUAL(anpr_read_hyps(&opts, px, PW, PH, PW, &h, 1, &other), 1);
	anpr_read_counts(&c1);
	CU_ASSERT_EQUAL(c1.tiles - c2.tiles, 3);
	CU_ASSERT_EQUAL(c1.classified - c2.classified, 0);
	anpr_read_scope_end();
	anpr_read_hyps(&opts, px, PW, PH, PW, &h, 1, &other); /* scope over: classified again */
	anpr_read_counts(&c2);
	CU_ASSERT_EQUAL(c2.classified - c1.classified, 3);
	anpr_read_scope_end(); /* an end without a begin is ignored */

	/* the readings are the same bits with and without the scope */
	CU_ASSERT_STRING_EQUAL(with.text, without.text);
	CU_ASSERT_EQUAL(with.score, without.score);
	CU_ASSERT_EQUAL(with.confidence, without.confidence);
	CU_ASSERT_EQUAL_FATAL(with.nchars, without.nchars);
	for (i = 0; i < with.nchars; i++) {
		CU_ASSERT_EQUAL(with.chars[i].c, without.chars[i].c);
		CU_ASSERT_EQUAL(with.chars[i].confidence, without.chars[i].confidence);
		CU_ASSERT_EQUAL(with.chars[i].alt_confidence, without.chars[i].alt_confidence);
	}
	CU_ASSERT_EQUAL_FATAL(with.ncands, without.ncands);
	for (i = 0; i < with.ncands; i++) {
		CU_ASSERT_STRING_EQUAL(with.cands[i].text, without.cands[i].text);
		CU_ASSERT_EQUAL(with.cands[i].confidence, without.cands[i].confidence);
	}
}

/* The most boxes the classifier calls characters in any one of the
 * segmenter's first ANPR_READ_SCREEN_HYPS hypotheses: what the screen
 * (read.h) counts, to check that a fixture is what the test takes it for. */
static int screen_chars(const uint8_t *px)
{
	struct anpr_seg_hyp hyps[ANPR_SEG_MAX_HYP];
	int n = anpr_segment(px, PW, PH, PW, hyps, ANPR_SEG_MAX_HYP), i, k, c, best, most = 0;

	for (i = 0; i < n && i < ANPR_READ_SCREEN_HYPS; i++) {
		int chars = 0;

		for (k = 0; k < hyps[i].nchars; k++) {
			uint8_t tile[ANPR_TILE_IN];
			float p[ANPR_NCLASS];

			if (anpr_char_tile(px, PW, PH, PW, &hyps[i].chars[k], hyps[i].inverted, tile))
				continue;
			anpr_classify_junk_first(&anpr_classifier_default, tile, p);
			for (c = 1, best = 0; c < ANPR_NCLASS; c++)
				best = p[c] > p[best] ? c : best;
			chars += best != ANPR_CLASS_JUNK;
		}
		most = chars > most ? chars : most;
	}
	return most;
}

/* A pipeline's candidate (a hint) whose first hypotheses show fewer than
 * ANPR_READ_SCREEN_CHARS characters is rejected unread: fewer tiles than
 * reading the same crop without a hint, which reads every hypothesis. One
 * that shows characters is read exactly as without a hint. */
static void test_read_screen(void)
{
	static uint8_t px[PW * PH];
	struct anpr_read_opts opts = {ANPR_COUNTRY_ANY, NULL};
	struct anpr_rec_cand hint;
	struct anpr_plate_read with, without;
	struct anpr_read_counts c0, c1, c2;
	int i;

	memset(&hint, 0, sizeof(hint)); /* no character boxes: no hypothesis of its own */
	hint.crop = (struct anpr_box){0, 0, PW, PH};
	/* six bars the height of characters: a grille, a fence */
	memset(px, 210, sizeof(px));
	for (i = 0; i < 6; i++)
		glyph(px, PW, 40 + 28 * i, 12, 3, 36, 3, 30);
	CU_ASSERT_FATAL(screen_chars(px) < ANPR_READ_SCREEN_CHARS); /* the fixture is junk to this classifier */
	anpr_read_counts(&c0);
	CU_ASSERT_EQUAL(anpr_read_crop(&opts, px, PW, PH, PW, 0, 0, NULL, &without), 0);
	anpr_read_counts(&c1);
	CU_ASSERT_EQUAL(anpr_read_crop(&opts, px, PW, PH, PW, 0, 0, &hint, &with), 0);
	anpr_read_counts(&c2);
	CU_ASSERT(c2.tiles - c1.tiles > 0);                    /* screened: its first hypotheses classified */
	CU_ASSERT(c2.tiles - c1.tiles < c1.tiles - c0.tiles); /* and no more */

	/* six rings: characters (0 or O) */
	plate(px, 1, 6, 0, &(struct drawn){0});
	CU_ASSERT_FATAL(screen_chars(px) >= ANPR_READ_SCREEN_CHARS);
	anpr_read_counts(&c0);
	CU_ASSERT_EQUAL_FATAL(anpr_read_crop(&opts, px, PW, PH, PW, 0, 0, NULL, &without), 1);
	anpr_read_counts(&c1);
	CU_ASSERT_EQUAL_FATAL(anpr_read_crop(&opts, px, PW, PH, PW, 0, 0, &hint, &with), 1);
	anpr_read_counts(&c2);
	CU_ASSERT_EQUAL(c2.tiles - c1.tiles, c1.tiles - c0.tiles);
	CU_ASSERT_STRING_EQUAL(with.text, without.text);
	CU_ASSERT_EQUAL(with.score, without.score);
	CU_ASSERT_EQUAL(with.confidence, without.confidence);
}

/* A row of n boxes 20 x 36, 25 apart, well inside a 240 x 60 crop. */
static void row_hyp(struct anpr_seg_hyp *h, int n)
{
	int i;

	memset(h, 0, sizeof(*h));
	h->nchars = n;
	h->row2 = n;
	h->rows = 1;
	for (i = 0; i < n; i++)
		h->chars[i] = (struct anpr_box){(uint16_t)(10 + 25 * i), 12, 20, 36};
}

static struct anpr_text_cand text_cand(const char *text, uint32_t used, const char *format)
{
	struct anpr_text_cand c;

	memset(&c, 0, sizeof(c));
	strcpy(c.text, text);
	c.logp = -2.0;
	c.used = used;
	c.format = format;
	c.grammatical = strcmp(format, "none") != 0;
	return c;
}

/* What the reader's score adds to a text's logp under any: the structure of
 * plates (letters and digits grouped, some country's format) and a cost for
 * a character-like box left out; not under gb. */
/* Slot distributions for text: each character p, the rest spread evenly;
 * slot k (if >= 0) also gives alt probability q. */
static void text_probs(float *probs, const char *text, float p, int k, char alt, float q)
{
	int i, c;

	for (i = 0; text[i]; i++) {
		float *r = probs + (size_t)i * ANPR_NCLASS;

		for (c = 0; c < ANPR_NCLASS; c++)
			r[c] = (1 - p - (i == k ? q : 0)) / (ANPR_NCLASS - 2);
		r[anpr_char_class(text[i])] = p;
		if (i == k)
			r[anpr_char_class(alt)] = q;
	}
}

/* The best-scoring of anpr_grammar_read's candidates under eu, by the
 * reader's score, for a row of strlen(text) boxes. */
static void best_read(const float *probs, int n, char *text, const char **format)
{
	struct anpr_seg_hyp h;
	struct anpr_text_cand c[10];
	int m, i, b = 0;

	row_hyp(&h, n);
	m = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, c, 10);
	CU_ASSERT_FATAL(m > 0);
	for (i = 1; i < m; i++)
		if (anpr_read_score(ANPR_COUNTRY_EU, PW, PH, &h, &c[i]) > anpr_read_score(ANPR_COUNTRY_EU, PW, PH, &h, &c[b]))
			b = i;
	strcpy(text, c[b].text);
	*format = c[b].format;
}

/* A rare series (German E and H plates) counts against a reading: a Slovak
 * plate whose D the classifier doubts as 0 is not read as a German electric
 * car's; a German E the classifier is sure of is still read. */
static void test_read_rare_series(void)
{
	float probs[8 * ANPR_NCLASS];
	char text[ANPR_MAX_TEXT + 1];
	const char *f;

	text_probs(probs, "BA738DE", 0.95f, 5, '0', 0.0f);
	probs[5 * ANPR_NCLASS + anpr_char_class('D')] = 0.45f;
	probs[5 * ANPR_NCLASS + anpr_char_class('0')] = 0.5f;
	best_read(probs, 7, text, &f);
	CU_ASSERT_STRING_EQUAL(text, "BA738DE");
	CU_ASSERT_STRING_EQUAL(f, "sk");
	text_probs(probs, "OFPS309E", 0.95f, -1, 0, 0);
	best_read(probs, 8, text, &f);
	CU_ASSERT_STRING_EQUAL(text, "OFPS309E");
	CU_ASSERT_STRING_EQUAL(f, "de");
}

static void test_read_score(void)
{
	struct anpr_seg_hyp h, narrow;
	struct anpr_text_cand a, b;

	row_hyp(&h, 7);
	/* the same probability: OKG4036 is a plate's shape (Brazil's), 0KG4036 no one's */
	CU_ASSERT(anpr_grammar_known("OKG4036") && !anpr_grammar_known("0KG4036"));
	a = text_cand("OKG4036", 0x7f, "any");
	b = text_cand("0KG4036", 0x7f, "any");
	CU_ASSERT(anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &h, &a) > anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &h, &b));
	/* as many changes between letters and digits: the known shape wins */
	CU_ASSERT(anpr_grammar_known("ABC1D23") && !anpr_grammar_known("AB1CD23"));
	a = text_cand("ABC1D23", 0x7f, "any");
	b = text_cand("AB1CD23", 0x7f, "any");
	CU_ASSERT(anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &h, &a) > anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &h, &b));
	/* under gb the same texts, "none", score alike */
	a = text_cand("ABC1D23", 0x7f, "none");
	b = text_cand("AB1CD23", 0x7f, "none");
	CU_ASSERT_DOUBLE_EQUAL(anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &h, &a),
			       anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &h, &b), 1e-9);

	/* skipping the 8th box: costs under any when it is in line and as
	 * wide as the others, not when it is a narrow bar */
	row_hyp(&h, 8);
	narrow = h;
	narrow.chars[7].w = 6;
	a = text_cand("ABC1234", 0x7f, "any");
	CU_ASSERT(anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &h, &a) <
		  anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &narrow, &a));
	/* nor when it is out of line with the row (a bolt below it) */
	narrow = h;
	narrow.chars[7].y = 30;
	narrow.chars[7].h = 18;
	CU_ASSERT(anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &h, &a) <
		  anpr_read_score(ANPR_COUNTRY_ANY, PW, PH, &narrow, &a));
	a = text_cand("ABC1234", 0x7f, "none");
	CU_ASSERT_DOUBLE_EQUAL(anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &h, &a),
			       anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &narrow, &a), 1e-9);
}

/* Under gb, a clear space between the characters read falls between letters
 * and digits (148 OAS, AB12 CDE): a text with the same kind on both sides of
 * it (1480AS) scores less than one without (148OAS). Evenly spaced boxes, or
 * another country, leave the two alike. */
static void test_read_score_gap(void)
{
	struct anpr_seg_hyp h, spaced;
	struct anpr_text_cand a = text_cand("148OAS", 0x3f, "gb-dateless"), b = text_cand("1480AS", 0x3f, "gb-dateless");
	int i;

	row_hyp(&h, 6);
	spaced = h;
	for (i = 3; i < 6; i++)
		spaced.chars[i].x = (uint16_t)(spaced.chars[i].x + 12);
	CU_ASSERT(anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &spaced, &a) >
		  anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &spaced, &b) + 1);
	CU_ASSERT_DOUBLE_EQUAL(anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &h, &a),
			       anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &h, &b), 1e-9);
	a.format = b.format = "none";
	a.grammatical = b.grammatical = 0;
	CU_ASSERT_DOUBLE_EQUAL(anpr_read_score(ANPR_COUNTRY_EU, PW, PH, &spaced, &a),
			       anpr_read_score(ANPR_COUNTRY_EU, PW, PH, &spaced, &b), 1e-9);
	/* a box left out where a character stands makes a space too: PV769 read
	 * from P W V 7 6 9 costs, PWV769 does not */
	row_hyp(&h, 6);
	a = text_cand("PV769", 0x3d, "none");
	b = text_cand("PV769", 0x3e, "none");
	CU_ASSERT(anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &h, &a) + 1 < anpr_read_score(ANPR_COUNTRY_GB, PW, PH, &h, &b));
	/* two rows break between the groups: 148 over OAS, not 148 over 0AS */
	row_hyp(&h, 6);
	h.rows = 2;
	h.row2 = 3;
	for (i = 3; i < 6; i++) {
		h.chars[i].x = h.chars[i - 3].x;
		h.chars[i].y = 60;
	}
	a = text_cand("148OAS", 0x3f, "gb-dateless");
	b = text_cand("1480AS", 0x3f, "gb-dateless");
	CU_ASSERT(anpr_read_score(ANPR_COUNTRY_GB, PW, 2 * PH, &h, &a) >
		  anpr_read_score(ANPR_COUNTRY_GB, PW, 2 * PH, &h, &b) + 1);
	a.format = b.format = "none";
	a.grammatical = b.grammatical = 0;
	CU_ASSERT_DOUBLE_EQUAL(anpr_read_score(ANPR_COUNTRY_EU, PW, 2 * PH, &h, &a),
			       anpr_read_score(ANPR_COUNTRY_EU, PW, 2 * PH, &h, &b), 1e-9);
}

/* A reading whose n boxes are w x h, pitch apart, their centres on a line
 * of the given slope through (x0 + w / 2, y0 + h / 2). */
static void sloped_read(struct anpr_plate_read *pr, int n, int x0, int y0, double slope)
{
	int i;

	memset(pr, 0, sizeof(*pr));
	pr->nchars = n;
	for (i = 0; i < n; i++) {
		pr->chars[i].c = 'A';
		pr->chars[i].box = (struct anpr_box){(uint16_t)(x0 + 30 * i), (uint16_t)lround(y0 + slope * 30 * i), 20,
						     36};
	}
}

/* The lean of a reading's rows: the slope its boxes' centres follow, one
 * box off the line (a character cut with a piece of the frame) not moving
 * it; over two rows, each row's own; none from too few pairs. */
static void test_read_lean(void)
{
	struct anpr_plate_read pr, bottom;
	double slope = 99;
	int i;

	sloped_read(&pr, 7, 10, 40, 0.1);
	CU_ASSERT_FATAL(anpr_read_lean(&pr, &slope));
	CU_ASSERT_DOUBLE_EQUAL(slope, 0.1, 0.01);
	pr.chars[2].box.y = (uint16_t)(pr.chars[2].box.y - 12);
	pr.chars[2].box.h = (uint16_t)(pr.chars[2].box.h + 12);
	CU_ASSERT_FATAL(anpr_read_lean(&pr, &slope));
	CU_ASSERT_DOUBLE_EQUAL(slope, 0.1, 0.01);
	sloped_read(&pr, 7, 10, 40, -0.2);
	CU_ASSERT_FATAL(anpr_read_lean(&pr, &slope));
	CU_ASSERT_DOUBLE_EQUAL(slope, -0.2, 0.01);
	/* two rows, 3 over 4: the step from the top row's end back to the
	 * bottom row's start is no pair */
	sloped_read(&pr, 3, 40, 10, 0.1);
	sloped_read(&bottom, 4, 25, 60, 0.1);
	for (i = 0; i < 4; i++)
		pr.chars[3 + i] = bottom.chars[i];
	pr.nchars = 7;
	CU_ASSERT_FATAL(anpr_read_lean(&pr, &slope));
	CU_ASSERT_DOUBLE_EQUAL(slope, 0.1, 0.01);
	/* 2 characters give one pair; 3 in two rows of 2 and 1 none */
	slope = 99;
	sloped_read(&pr, 2, 10, 40, 0.1);
	CU_ASSERT_FALSE(anpr_read_lean(&pr, &slope));
	CU_ASSERT_EQUAL(slope, 99);
	pr.nchars = 0;
	CU_ASSERT_FALSE(anpr_read_lean(&pr, &slope));
	CU_ASSERT_FALSE(anpr_read_lean(NULL, &slope));
}

/* A plate turned (anpr_read_level with the opposite slope) segments into
 * boxes that lean; anpr_read_lean of them gives the slope, and the crop
 * turned level by it segments into the drawn boxes again. */
static void test_read_level(void)
{
	static uint8_t px[PW * PH], turned[PW * PH], back[PW * PH];
	struct anpr_seg_hyp h[ANPR_SEG_MAX_HYP];
	struct anpr_plate_read pr;
	struct drawn d;
	double slope = 0;
	int n, i;

	plate(px, 1, 6, 0, &d);
	CU_ASSERT_EQUAL_FATAL(anpr_read_level(px, PW, PH, PW, -0.08, turned), ANPR_OK);
	n = anpr_segment(turned, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL_FATAL(h[0].nchars, 6);
	memset(&pr, 0, sizeof(pr));
	pr.nchars = h[0].nchars;
	for (i = 0; i < pr.nchars; i++)
		pr.chars[i].box = h[0].chars[i];
	CU_ASSERT_FATAL(anpr_read_lean(&pr, &slope));
	CU_ASSERT_DOUBLE_EQUAL(slope, 0.08, 0.02);
	/* the drawn row's centre drops 0.08 a pixel: the end boxes' tops are
	 * well apart before and within a pixel or two after */
	CU_ASSERT(h[0].chars[5].y > h[0].chars[0].y + 8);
	CU_ASSERT_EQUAL_FATAL(anpr_read_level(turned, PW, PH, PW, slope, back), ANPR_OK);
	n = anpr_segment(back, PW, PH, PW, h, ANPR_SEG_MAX_HYP);
	CU_ASSERT_FATAL(n >= 1);
	CU_ASSERT_EQUAL_FATAL(h[0].nchars, d.n);
	for (i = 0; i < d.n; i++)
		CU_ASSERT(near(&h[0].chars[i], &d.box[i], 3));
	CU_ASSERT_EQUAL(anpr_read_level(px, PW, PH, PW - 1, 0.1, back), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_read_level(px, PW, PH, PW, NAN, back), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_read_level(NULL, PW, PH, PW, 0.1, back), ANPR_ERR_ARG);
}

int register_read_suite(void)
{
	static CU_TestInfo tests[] = {
		{"segment: one row of characters, in order", test_segment_one_row},
		{"read score: plate structure under any, skipped character-like boxes", test_read_score},
		{"read score: a rare series (German E, H) counts against a reading", test_read_rare_series},
		{"read score: under gb, a space or a row break between letters and digits", test_read_score_gap},
		{"read: the lean of a reading's rows", test_read_lean},
		{"read: a leaning plate turned level segments as drawn", test_read_level},
		{"segment: characters joined by thin bridges", test_segment_bridged},
		{"segment: a washed-out plate above a dark surround", test_segment_washed_out},
		{"segment: a character joined to the plate's frame", test_segment_joined_to_frame},
		{"segment: a row extended by another binarisation's boxes", test_segment_extended},
		{"segment: a row extended by a component in no row", test_segment_extended_lone},
		{"segment: a box projected at a row's end over a character too faint to find", test_segment_end_projected},
		{"segment: a projected row offered after the best 8 that outscore it", test_segment_derived_kept},
		{"segment: light characters on a dark plate", test_segment_inverted},
		{"segment: two rows, top row first", test_segment_two_rows},
		{"segment: two rows a text height and more apart", test_segment_two_rows_apart},
		{"segment: two rows of different contrast", test_segment_two_rows_contrast},
		{"segment: a small top row over a large bottom one", test_segment_two_rows_small_top},
		{"segment: a framed plate of two rows, a small top row", test_segment_two_rows_framed},
		{"segment: a 60x15 crop", test_segment_small_crop},
		{"segment: a plate in dark surroundings reads dark on light", test_segment_dark_surround},
		{"segment: blank, noise, bad arguments", test_segment_nothing},
		{"tile: polarity, contrast, scale, loose box", test_tile_invariance},
		{"tile: aspect kept, bad boxes refused", test_tile_aspect},
		{"tile: vector and portable row sampling agree", test_tile_portable_agrees},
		{"tile: polarity from the border, each pixel once", test_tile_inverted_border},
		{"classify: a deterministic distribution", test_classify_distribution},
		{"classify: vector and portable kernels agree", test_classify_kernels_agree},
		{"classify: kernels agree on other network shapes", test_classify_kernels_agree_shapes},
		{"classify: an ensemble averages its members' logits", test_classify_ensemble},
		{"classify: junk first, the first member alone on its sure junk", test_classify_junk_first},
		{"classify: rings, bars and paper", test_classify_shapes},
		{"read: a blank crop is no plate", test_read_rejects_blank},
		{"read: reports are self-consistent", test_read_consistent},
		{"read: each hypothesis alone, the best is the crop's", test_read_hyps},
		{"read: one confidence per text, whichever hypothesis reads it", test_read_posterior},
		{"read: under any, a 1 read I between letters is not refused for I's doubt", test_read_lookalike_confidence},
		{"read: boxes with the same tile share a classification in a scope", test_read_tile_cache},
		{"read: a pipeline's candidate without characters is rejected unread", test_read_screen},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"read", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
