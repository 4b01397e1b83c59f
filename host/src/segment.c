/*
 * segment.c - character segmentation of a plate crop (anpr/segment.h).
 *
 * The crop is resampled to a working height (small crops gain the pixels
 * connected components need; large ones cost less), then for each polarity
 * and each of a few thresholds relative to the local mean:
 *   binarise -> label 4-connected components -> keep those shaped like
 *   characters -> chain them left to right by height, baseline and spacing
 *   -> split blobs two or three characters wide, absorb broken pieces
 *   -> pair a second row above or below when one lines up.
 * Every chain of at least two characters becomes a hypothesis; the best
 * distinct ones are returned. All arithmetic is integer (window_means divides
 * in float, exactly: its quotients are the integer ones), so a crop gives
 * the same hypotheses on every machine.
 */
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "anpr/anpr.h"
#include "anpr/segment.h"

#define WORK_MIN_H 48  /* crops lower than this are enlarged to it */
#define WORK_MAX_H 128 /* and higher ones reduced to it */
#define MAX_COMPS 512  /* components considered per binarisation */
#define NOFFSETS 3      /* binarisation thresholds (anpr_segment) */
/* Two rows: the most space between them, in tenths of the top row's height
 * (square plates leave a quarter of it or so; a top row of smaller
 * characters, a crop cut loose around the plate, more). */
#define ROW_GAP10 15
/* The most two rows of a plate may differ in height, in tenths: rows_of's
 * (the trainer's cut, ROW_RATIO10) and second_rows' (PAIR_RATIO10: a
 * smaller code or series over the number; lines of small print over a
 * plate's row, twice as small and less, stay apart). */
#define ROW_RATIO10 17
#define PAIR_RATIO10 20

struct comp {
	int x0, y0, x1, y1; /* inclusive bounds, working pixels */
	int area;
	int label;
};

struct run {
	int x0, x1, y; /* inclusive, working pixels */
	int l;         /* provisional label; after label(), the component's index (-1: none kept) */
};

/* A character box of some row, in crop pixels, kept for extend(). */
struct pbox {
	struct anpr_box b;
	int inverted;
	int lone; /* a component in no row: taken only where no row's box fits */
};

#define MAX_POOL 1024 /* pooled boxes per crop */
#define POOL_BITS 11
#define POOL_SLOTS (1 << POOL_BITS) /* pool_add's hash table of the pooled boxes (a power of 2 over MAX_POOL) */

struct work {
	int w, h;          /* working size */
	int sx, sy;        /* working = crop * s / 256 (8.8 fixed point) */
	uint8_t *src;      /* working gray as resampled */
	uint32_t *integ;   /* (w + 1) x (h + 1) integral image of src */
	uint8_t *wfloor;   /* per pixel: the mean of src over its local-mean window, rounded down */
	uint8_t *wceil;    /* and up */
	uint8_t *wfloor2;  /* the same over the small window (SMALL_WIN) */
	uint8_t *wceil2;
	int *xa, *xb;      /* window_means: each column's window, left and right end (resample, before: each
			    * column's source pixel and weight) */
	int *parent;       /* union-find over provisional labels */
	struct run *runs;  /* runs of ink, at most (w + 1) / 2 a row, in raster order */
	int *rfirst;       /* h + 1: row y's runs are runs[rfirst[y] .. rfirst[y + 1]) */
	int *colv;         /* w: split_box's ink per column */
	struct comp comps[MAX_COMPS];
	int ncomps;
	struct pbox *pool; /* the boxes of every row found and every lone candidate, both polarities (extend) */
	int npool;
	int16_t pslot[POOL_SLOTS]; /* pool index by box and polarity, -1 if free (pool_add) */
	int ext;           /* extend() runs: anpr_segment, not anpr_segment_rows (which needs no pool) */
};

/* Bilinear resample of the crop into the working image (8.8 fixed point).
 * Each column's source pixel and weight are worked out once, into wk->xa
 * and wk->xb (window_means has them next). */
static void src_at(int i, int n, int nwork, int *i0, int *a)
{
	/* source coordinate of the pixel centre, 8.8 */
	int f = (int)(((int64_t)(2 * i + 1) * n * 128) / nwork) - 128;

	if (f < 0)
		f = 0;
	*i0 = f >> 8;
	*a = f & 255;
	if (*i0 >= n - 1) {
		*i0 = n - 1;
		*a = 0;
	}
}

static void resample(const uint8_t *px, unsigned w, unsigned h, size_t stride, struct work *wk)
{
	int x, y, *cx0 = wk->xa, *cax = wk->xb;

	for (x = 0; x < wk->w; x++)
		src_at(x, (int)w, wk->w, &cx0[x], &cax[x]);
	for (y = 0; y < wk->h; y++) {
		int y0, ay;

		src_at(y, (int)h, wk->h, &y0, &ay);
		for (x = 0; x < wk->w; x++) {
			int x0 = cx0[x], ax = cax[x], a, b, c, d, top, bot;
			const uint8_t *r0, *r1;

			r0 = px + (size_t)y0 * stride;
			r1 = ay ? r0 + stride : r0;
			a = r0[x0];
			b = ax ? r0[x0 + 1] : a;
			c = r1[x0];
			d = ax ? r1[x0 + 1] : c;
			top = a * (256 - ax) + b * ax;
			bot = c * (256 - ax) + d * ax;
			wk->src[y * wk->w + x] = (uint8_t)((top * (256 - ay) + bot * ay + 32768) >> 16);
		}
	}
}

static int find(int *parent, int i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

/* The end of the run of pixels equal to v (0 or 1, as every pixel of a
 * binarisation is) that starts at row[x]: the first x' > x with row[x'] != v,
 * or W. Eight pixels at a time where the byte order allows. */
static int run_end(const uint8_t *row, int x, int W, int v)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t same = v ? 0x0101010101010101ull : 0;

	for (x++; x + 8 <= W; x += 8) {
		uint64_t w8;

		memcpy(&w8, row + x, 8);
		if (w8 != same)
			return x + __builtin_ctzll(w8 ^ same) / 8;
	}
#else
	x++;
#endif
	while (x < W && row[x] == v)
		x++;
	return x;
}

/* Label the 4-connected dark pixels of bin (1 = text, 0 = paper) in rows [y0, y1) into
 * wk->comps (the other rows hold no ink), each run of ink given its
 * component (wk->runs, wk->rfirst: the pixels of a component are those of
 * its runs). By runs of ink: each run is joined to the runs of the row above that it
 * touches (union-find, the smaller label the root), so a component's index
 * follows the raster order of its first pixel. */
static void label(struct work *wk, const uint8_t *bin, int y0, int y1)
{
	int W = wk->w, x, y, next = 0, nr = 0, p = 0, pe = 0, i;
	int *par = wk->parent;
	struct run *runs = wk->runs;

	for (y = 0; y < y0; y++)
		wk->rfirst[y] = 0;
	for (y = y0; y < y1; y++) {
		const uint8_t *row = bin + (size_t)y * W;
		int rs = nr;

		wk->rfirst[y] = nr;
		for (x = 0; x < W;) {
			int s, l = -1, q;

			if (!row[x]) {
				x = run_end(row, x, W, 0);
				continue;
			}
			s = x;
			x = run_end(row, x, W, 1);
			while (p < pe && runs[p].x1 < s)
				p++;
			for (q = p; q < pe && runs[q].x0 <= x - 1; q++) {
				int a = find(par, runs[q].l);

				if (l < 0) {
					l = a;
				} else if (a < l) {
					par[l] = a;
					l = a;
				} else if (a > l) {
					par[a] = l;
				}
			}
			if (l < 0) {
				par[next] = next;
				l = next++;
			}
			runs[nr].x0 = s;
			runs[nr].x1 = x - 1;
			runs[nr].y = y;
			runs[nr++].l = l;
		}
		p = rs;
		pe = nr;
	}
	for (y = y1; y <= wk->h; y++)
		wk->rfirst[y] = nr;
	/* flatten every label onto its root, then number the roots: a root
	 * holds -(component index) - 2, or -1 past MAX_COMPS (ignored) */
	for (i = 0; i < next; i++)
		par[i] = find(par, i);
	wk->ncomps = 0;
	for (i = 0; i < next; i++)
		if (par[i] == i)
			par[i] = wk->ncomps < MAX_COMPS ? -(wk->ncomps++) - 2 : -1;
	memset(wk->comps, 0, (size_t)wk->ncomps * sizeof(wk->comps[0]));
	for (i = 0; i < nr; i++) {
		struct run *rn = &runs[i];
		int r = rn->l, ci;
		struct comp *c;

		if (par[r] >= 0)
			r = par[r];
		ci = -par[r] - 2;
		rn->l = ci;
		if (ci < 0)
			continue; /* beyond MAX_COMPS: ignored */
		c = &wk->comps[ci];
		if (c->area == 0) {
			c->x0 = rn->x0;
			c->x1 = rn->x1;
			c->y0 = c->y1 = rn->y;
			c->label = ci;
		}
		c->area += rn->x1 - rn->x0 + 1;
		if (rn->x0 < c->x0)
			c->x0 = rn->x0;
		if (rn->x1 > c->x1)
			c->x1 = rn->x1;
		if (rn->y > c->y1)
			c->y1 = rn->y;
	}
}

static int cw(const struct comp *c)
{
	return c->x1 - c->x0 + 1;
}

static int ch(const struct comp *c)
{
	return c->y1 - c->y0 + 1;
}

/* Could this component be one character (or two or three run together)? */
static int char_like(const struct comp *c, int H)
{
	int w = cw(c), h = ch(c);

	if (h < H / 6 || h < 7 || h > H)
		return 0;
	if (w * 10 > h * 36) /* more than 3.6 heights wide: a border, not text */
		return 0;
	if (c->area * 100 < w * h * 12)
		return 0;
	if (c->area * 100 > w * h * 97 && w * 10 > h * 4)
		return 0; /* a solid block; a solid bar is a 1 or an I */
	return 1;
}

/* Could b (x bx0..bx1, height hb), under a (x ax0..ax1, height ha) with
 * space rows between them, be the bottom row of a plate whose top row is a?
 * The space at most ROW_GAP10 tenths of a's height, overlapping across by at
 * least half the narrower (inclusive bounds), heights within ratio10 tenths
 * of each other (rows_of: ROW_RATIO10, 1.7x; second_rows: PAIR_RATIO10, 2x). rows_of
 * counts the space one row more than there is (its bottom row's top minus
 * the top row's last row): kept, since the trainer's rows are cut by it. */
static int stacked(int ax0, int ax1, int ha, int bx0, int bx1, int hb, int space, int ratio10)
{
	int ox = (ax1 < bx1 ? ax1 : bx1) - (ax0 > bx0 ? ax0 : bx0);
	int span = ax1 - ax0 < bx1 - bx0 ? ax1 - ax0 : bx1 - bx0;

	return space * 10 <= ha * ROW_GAP10 && ox * 2 >= span && ha * 10 <= hb * ratio10 && hb * 10 <= ha * ratio10;
}

struct row {
	int idx[ANPR_SEG_MAX_CHARS];
	int n;
	int y0, y1, x0, x1; /* extent */
	int hsum;
};

/* Do a and b stand side by side in one text row? */
static int same_row(const struct comp *a, const struct comp *b)
{
	int ha = ch(a), hb = ch(b), ca = a->y0 + a->y1, cb = b->y0 + b->y1;

	if (ha * 10 > hb * 14 || hb * 10 > ha * 14)
		return 0;
	return abs(ca - cb) * 10 <= (ha < hb ? ha : hb) * 6; /* centres within 0.3 h */
}

/* The longest left-to-right chain starting at candidate s (sorted by x). */
static void chain_from(const struct work *wk, const int *cand, int ncand, int s, struct row *r)
{
	const struct comp *seed = &wk->comps[cand[s]];
	int i, last = s;

	r->n = 0;
	r->idx[r->n++] = cand[s];
	for (i = s + 1; i < ncand && r->n < ANPR_SEG_MAX_CHARS; i++) {
		const struct comp *c = &wk->comps[cand[i]], *p = &wk->comps[cand[last]];
		int gap = c->x0 - p->x1 - 1, href = ch(seed);

		/* next to the previous character; the seed's height bounds drift
		 * along a tilted row */
		if (!same_row(p, c) || ch(c) * 10 > href * 15 || href * 10 > ch(c) * 15)
			continue;
		if (gap < -(cw(p) < cw(c) ? cw(p) : cw(c)) / 3)
			continue; /* overlaps the previous one: not the next character */
		if (gap * 10 > href * 16)
			break; /* too far: the row has ended */
		r->idx[r->n++] = cand[i];
		last = i;
	}
	r->y0 = r->x0 = 1 << 30;
	r->y1 = r->x1 = -1;
	r->hsum = 0;
	for (i = 0; i < r->n; i++) {
		const struct comp *c = &wk->comps[r->idx[i]];

		r->y0 = c->y0 < r->y0 ? c->y0 : r->y0;
		r->y1 = c->y1 > r->y1 ? c->y1 : r->y1;
		r->x0 = c->x0 < r->x0 ? c->x0 : r->x0;
		r->x1 = c->x1 > r->x1 ? c->x1 : r->x1;
		r->hsum += ch(c);
	}
}

static int row_score(const struct work *wk, const struct row *r)
{
	int n = r->n, s, i, hm = r->hsum / (r->n ? r->n : 1), dev = 0, narrow = 0;

	/* plates have 4-8 characters; more is clutter */
	s = (n <= 8 ? n : 8 - 2 * (n - 8)) * 100;
	for (i = 0; i < r->n; i++) {
		const struct comp *c = &wk->comps[r->idx[i]];

		dev += abs(ch(c) - hm);
		if (c->x0 == 0 || c->x1 == wk->w - 1)
			s -= 80; /* cut by the crop's edge: a border or a band, seldom a character */
		if (cw(c) * 10 > ch(c) * 12)
			s -= 40; /* wider than any one character */
		narrow += cw(c) * 10 < ch(c) * 4;
	}
	if (narrow * 2 > n) /* a row of bars: the gaps between characters, in the other polarity */
		s -= 80 * (narrow - n / 2);
	s -= dev * 200 / (hm * r->n); /* height consistency */
	s += hm * 40 / wk->h;         /* taller text is the plate's, not its frame's */
	return s;
}

/* Split a box w pixels wide that holds k characters at the columns of
 * least ink near the even cuts. Writes k boxes to out. */
static int split_box(const struct work *wk, const struct comp *c, int k, struct comp *out)
{
	int w = cw(c), j, prev = c->x0;

	for (j = 1; j <= k; j++) {
		int cut, best = -1, bestv = 1 << 30, x;

		if (j == k) {
			cut = c->x1 + 1;
		} else {
			int ideal = c->x0 + w * j / k, r = w / (4 * k), xa = ideal - r, xb = ideal + r, y, q, *v = wk->colv;

			/* the component's ink in each column of [xa, xb], rows y0..y1 */
			memset(v + xa, 0, (size_t)(xb - xa + 1) * sizeof(*v));
			for (y = c->y0; y <= c->y1; y++)
				for (q = wk->rfirst[y]; q < wk->rfirst[y + 1]; q++) {
					const struct run *rn = &wk->runs[q];
					int a = rn->x0 > xa ? rn->x0 : xa, b = rn->x1 < xb ? rn->x1 : xb;

					if (rn->l == c->label)
						for (x = a; x <= b; x++)
							v[x]++;
				}
			for (x = xa; x <= xb; x++)
				if (v[x] < bestv) {
					bestv = v[x];
					best = x;
				}
			cut = best;
		}
		out[j - 1] = *c;
		out[j - 1].x0 = prev;
		out[j - 1].x1 = cut - 1;
		prev = cut;
	}
	return k;
}

/* A blob at either end of a row that the reference width splits in three
 * but 5/4 of it in two (END_REF4): a character joined to the plate's frame
 * or surround, the blob as wide as three characters or a little less,
 * whose even cuts in three miss the neck between frame and character. The
 * row is offered both ways (rows_of), the split in two END_COST lower. */
#define END_REF4 5
#define END_COST 200

/* Turn a chain into character boxes: split wide blobs, absorb pieces of
 * broken characters lying over a member. Writes up to max boxes. With
 * end2, a blob at either end of the row split in three by the reference
 * width and in two by END_REF4 / 4 of it is split in two; *doubt (if not
 * NULL) is set to 1 where the row has such a blob. */
static int row_boxes(const struct work *wk, const struct row *r, struct comp *out, int max, int end2,
		     int *doubt)
{
	int widths[ANPR_SEG_MAX_CHARS], nw = 0, ref, i, j, m, n = 0;
	int hm = r->hsum / r->n;

	for (i = 0; i < r->n; i++) {
		const struct comp *c = &wk->comps[r->idx[i]];

		if (cw(c) * 100 >= ch(c) * 35 && cw(c) * 10 <= ch(c) * 11)
			widths[nw++] = cw(c);
	}
	/* the median width of the ordinary characters; narrow 1s and blobs left out */
	for (i = 1; i < nw; i++)
		for (j = i; j > 0 && widths[j - 1] > widths[j]; j--) {
			int t = widths[j];

			widths[j] = widths[j - 1];
			widths[j - 1] = t;
		}
	ref = nw ? widths[nw / 2] : hm * 6 / 10;
	if (ref * 10 > hm * 6) /* where most characters ran together, their height tells */
		ref = hm * 6 / 10;
	for (i = 0; i < r->n && n < max; i++) {
		struct comp c = wk->comps[r->idx[i]];
		int k = 1;

		/* absorb small pieces inside the row band overlapping this box */
		for (m = 0; m < wk->ncomps; m++) {
			const struct comp *p = &wk->comps[m];
			int ov = (p->x1 < c.x1 ? p->x1 : c.x1) - (p->x0 > c.x0 ? p->x0 : c.x0) + 1;

			if (m == c.label || p->area == 0 || ov * 2 < cw(p) || p->y0 < r->y0 - hm / 8 ||
			    p->y1 > r->y1 + hm / 8)
				continue;
			if (ch(p) * 2 > ch(&c) && cw(p) * 2 > cw(&c))
				continue; /* a character in its own right */
			c.x0 = p->x0 < c.x0 ? p->x0 : c.x0;
			c.x1 = p->x1 > c.x1 ? p->x1 : c.x1;
			c.y0 = p->y0 < c.y0 ? p->y0 : c.y0;
			c.y1 = p->y1 > c.y1 ? p->y1 : c.y1;
		}
		if (cw(&c) * 10 > ref * 16 && cw(&c) * 10 > ch(&c) * 7)
			k = (cw(&c) + ref / 2) / ref;
		if (k < 1)
			k = 1;
		if (k > 3)
			k = 3;
		if (k == 3 && (i == 0 || i == r->n - 1) &&
		    (cw(&c) + ref * END_REF4 / 8) / (ref * END_REF4 / 4) < 3) {
			if (doubt)
				*doubt = 1;
			if (end2)
				k = 2;
		}
		if (k > max - n)
			k = max - n;
		if (k > 1)
			n += split_box(wk, &c, k, out + n);
		else
			out[n++] = c;
	}
	/* two boxes over one character (a blob split, and a piece of it in its
	 * own right): the one nearer the row's height is kept */
	for (i = 0, j = 0; i < n; i++) {
		const struct comp *c = &out[i];

		for (m = 0; m < j; m++) {
			const struct comp *p = &out[m];
			int ov = (p->x1 < c->x1 ? p->x1 : c->x1) - (p->x0 > c->x0 ? p->x0 : c->x0) + 1;

			if (ov * 2 > (cw(p) < cw(c) ? cw(p) : cw(c)))
				break;
		}
		if (m == j)
			out[j++] = *c;
		else if (abs(ch(c) - hm) < abs(ch(&out[m]) - hm))
			out[m] = *c;
	}
	return j;
}

static int left_of(const struct comp *a, const struct comp *b)
{
	return a->x0 != b->x0 ? a->x0 < b->x0 : a->y0 < b->y0;
}

/* A working box in crop pixels (cw_ x ch_). */
static struct anpr_box to_crop(const struct work *wk, const struct comp *c, unsigned cw_, unsigned ch_)
{
	struct anpr_box b;
	int x0 = c->x0 * 256 / wk->sx, y0 = c->y0 * 256 / wk->sy;
	int x1 = ((c->x1 + 1) * 256 + wk->sx - 1) / wk->sx;
	int y1 = ((c->y1 + 1) * 256 + wk->sy - 1) / wk->sy;

	if (x1 > (int)cw_)
		x1 = (int)cw_;
	if (y1 > (int)ch_)
		y1 = (int)ch_;
	if (x1 <= x0)
		x1 = x0 + 1;
	if (y1 <= y0)
		y1 = y0 + 1;
	b.x = (uint16_t)x0;
	b.y = (uint16_t)y0;
	b.w = (uint16_t)(x1 - x0);
	b.h = (uint16_t)(y1 - y0);
	return b;
}

static void text_box(struct anpr_seg_hyp *h);

/* Map working boxes back to crop pixels and store the hypothesis. */
static void emit(const struct work *wk, const struct comp *boxes, int n, int row2, int rows,
		 int inverted, int score, unsigned cw_, unsigned ch_, struct anpr_seg_hyp *h)
{
	int i;

	memset(h, 0, sizeof(*h));
	h->inverted = inverted;
	h->rows = rows;
	h->nchars = n;
	h->row2 = row2;
	h->score = score;
	for (i = 0; i < n; i++)
		h->chars[i] = to_crop(wk, &boxes[i], cw_, ch_);
	text_box(h);
}

/* The union of a hypothesis's character boxes. */
static void text_box(struct anpr_seg_hyp *h)
{
	int i, tx0 = 1 << 30, ty0 = 1 << 30, tx1 = -1, ty1 = -1;

	for (i = 0; i < h->nchars; i++) {
		const struct anpr_box *b = &h->chars[i];

		tx0 = b->x < tx0 ? b->x : tx0;
		ty0 = b->y < ty0 ? b->y : ty0;
		tx1 = b->x + b->w > tx1 ? b->x + b->w : tx1;
		ty1 = b->y + b->h > ty1 ? b->y + b->h : ty1;
	}
	h->text.x = (uint16_t)tx0;
	h->text.y = (uint16_t)ty0;
	h->text.w = (uint16_t)(tx1 - tx0);
	h->text.h = (uint16_t)(ty1 - ty0);
}

static int same_hyp(const struct anpr_seg_hyp *a, const struct anpr_seg_hyp *b)
{
	int i;

	if (a->nchars != b->nchars || a->rows != b->rows)
		return 0;
	for (i = 0; i < a->nchars; i++)
		if (abs(a->chars[i].x - b->chars[i].x) > 1 || abs(a->chars[i].w - b->chars[i].w) > 1 ||
		    abs(a->chars[i].y - b->chars[i].y) > 1 || abs(a->chars[i].h - b->chars[i].h) > 1)
			return 0;
	return 1;
}

/* Insert h into the best-first list out[0..*n) of capacity max, skipping a
 * duplicate (the better of the two is kept). */
static void keep(struct anpr_seg_hyp *out, int *n, int max, const struct anpr_seg_hyp *h)
{
	int i, pos;

	for (i = 0; i < *n; i++) {
		if (same_hyp(&out[i], h)) {
			if (out[i].score >= h->score)
				return;
			memmove(&out[i], &out[i + 1], (size_t)(*n - i - 1) * sizeof(*out));
			(*n)--;
			break;
		}
	}
	for (pos = *n; pos > 0 && out[pos - 1].score < h->score; pos--)
		;
	if (pos >= max)
		return;
	if (*n == max)
		(*n)--;
	memmove(&out[pos + 1], &out[pos], (size_t)(*n - pos) * sizeof(*out));
	out[pos] = *h;
	(*n)++;
}

/* What anpr_segment returns: the best ANPR_SEG_ROW_HYP of the rows found and
 * the rows extended or projected from them (extend), as one list by score,
 * as before; then, up to ANPR_SEG_MAX_HYP, the best extended or projected
 * rows that this list left out. The binarisations find one row many times
 * over, its boxes a pixel or a few apart, and those near-duplicates often
 * fill the 8 places: an extended row, EXT_COST or PROJ_COST below its
 * source, was then never read (br MDD1515: eight versions of MDD151, the
 * ninth the one with the last 5 projected). An extended row shares all its
 * boxes but 1 to 3 with its source row, so reading it costs the reader
 * little (classify_box's cache). The rows are collected up to SEG_CAP
 * before the choice. */
#define SEG_CAP 32

/* The hypotheses returned (above), from the rows found (rows[0..nr), best
 * first) and the rows extended or projected (der[0..nd), best first). A row
 * and a derived one alike (same_hyp): the better, the row where they score
 * the same, as keep() would have it. Returns the number written to out. */
static int pick(const struct anpr_seg_hyp *rows, int nr, const struct anpr_seg_hyp *der, int nd,
		struct anpr_seg_hyp *out, int max)
{
	const struct anpr_seg_hyp *all[2 * SEG_CAP];
	char isder[2 * SEG_CAP];
	int n = 0, i = 0, j = 0, k, sel;

	while (i < nr || j < nd) { /* merged by score */
		int d = i == nr || (j < nd && der[j].score > rows[i].score);
		const struct anpr_seg_hyp *h = d ? &der[j++] : &rows[i++];

		for (k = 0; k < n && (isder[k] == d || !same_hyp(all[k], h)); k++)
			;
		if (k == n) {
			all[n] = h;
			isder[n++] = (char)d;
		}
	}
	sel = n < ANPR_SEG_ROW_HYP ? n : ANPR_SEG_ROW_HYP;
	sel = sel < max ? sel : max;
	for (k = 0; k < sel; k++)
		out[k] = *all[k];
	for (; k < n && sel < max; k++) /* the derived ones left out */
		if (isder[k])
			out[sel++] = *all[k];
	return sel;
}

/* Pool the boxes of a single-row hypothesis (or one lone component: nchars
 * 1), each once (extend). */
static void pool_add(struct work *wk, const struct anpr_seg_hyp *h)
{
	int i, j;

	if (!wk->ext)
		return;
	for (i = 0; i < h->nchars && wk->npool < MAX_POOL; i++) {
		const struct anpr_box *b = &h->chars[i];
		uint32_t k = ((((uint32_t)b->x * 31 + b->y) * 31 + b->w) * 31 + b->h) * 2 + (h->inverted != 0);
		unsigned s = (k * 2654435761u) >> (32 - POOL_BITS);

		for (; (j = wk->pslot[s]) >= 0; s = (s + 1) & (POOL_SLOTS - 1))
			if (wk->pool[j].inverted == h->inverted && !memcmp(&wk->pool[j].b, b, sizeof(*b)))
				break;
		if (j < 0) {
			j = wk->npool;
			wk->pslot[s] = (int16_t)j;
			wk->pool[wk->npool].b = *b;
			wk->pool[wk->npool].lone = h->nchars == 1;
			wk->pool[wk->npool++].inverted = h->inverted;
		} else if (h->nchars > 1) {
			wk->pool[j].lone = 0;
		}
	}
}

static int cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* The median width and height of h's boxes. */
static void median_size(const struct anpr_seg_hyp *h, int *wm, int *hm)
{
	int ws[ANPR_SEG_MAX_CHARS], hs[ANPR_SEG_MAX_CHARS], i;

	for (i = 0; i < h->nchars; i++) {
		ws[i] = h->chars[i].w;
		hs[i] = h->chars[i].h;
	}
	qsort(ws, (size_t)h->nchars, sizeof(int), cmp_int);
	qsort(hs, (size_t)h->nchars, sizeof(int), cmp_int);
	*wm = ws[h->nchars / 2];
	*hm = hs[h->nchars / 2];
}

/* Extension of a row by pooled boxes (EXT_*): a character the row's own
 * binarisation lost (too faint, broken, joined to the frame) is often a box
 * of the same polarity in another binarisation's rows. A pooled box extends
 * a row at either end when its centre lies EXT_LO to EXT_HI percent of the
 * row's pitch (the median step between neighbours' centres) beyond the end
 * box; it fills a hole (a step over EXT_GAP percent of the pitch) when it
 * lies EXT_LO to EXT_HOLE percent of the pitch from either side (a plate's
 * separator widens a step). Either way it must be in line with its
 * neighbours (centre and bottom within a quarter of the row's median
 * height), its height within EXT_H percent of that median, at most EXT_W
 * percent of it wide, and over a neighbour by at most a quarter of the
 * narrower. Holes are filled first, then the right end, then the left, up
 * to EXT_MAX boxes in all; the extended row is offered as a hypothesis of
 * its own, EXT_COST below the row. The pool also holds every character-like
 * component that no row took (a faint last character whose neighbours ran
 * together there): one is taken only where no row's box fits, and costs
 * EXT_LONE more. */
#define EXT_LO 75
#define EXT_HI 150
#define EXT_H 25
#define EXT_W 100
#define EXT_MAX 3
#define EXT_HOLE 200
#define EXT_GAP 170
#define EXT_COST 100
#define EXT_LONE 50
/* Projection: a character that no binarisation finds (too faint or blurred,
 * lost in the frame beside it) leaves no box to pool. Each single row, as
 * extended (once no pooled box fits beyond its ends), is offered once more
 * with a box projected one pitch beyond its right end, and once with one a
 * pitch before its left end: the row's median width, the end box's top and
 * height, PROJ_COST below the row, when the box lies inside the crop and the
 * row then has at most PROJ_MAX boxes. A projected box over the frame or
 * paper is the classifier's junk. */
#define PROJ_COST 150
#define PROJ_MAX 7

/* Is c in line with its neighbour e (centre and bottom within a quarter of
 * the row's median height hm), and over it by at most a quarter of the
 * narrower? */
static int ext_beside(const struct anpr_box *c, const struct anpr_box *e, int hm)
{
	int ov = (c->x + c->w < e->x + e->w ? c->x + c->w : e->x + e->w) - (c->x > e->x ? c->x : e->x);

	if (abs(2 * c->y + c->h - 2 * e->y - e->h) * 4 > hm * 2 || abs(c->y + c->h - e->y - e->h) * 4 > hm)
		return 0;
	return ov * 4 <= (c->w < e->w ? c->w : e->w);
}

/* The pooled box to insert in h at index pos (0: before the first box,
 * nchars: after the last, between: into a hole), or -1. Centres are
 * doubled, as pitch is. */
static int ext_find(const struct work *wk, const struct anpr_seg_hyp *h, int pos, int pitch, int hm)
{
	const struct anpr_box *l = pos > 0 ? &h->chars[pos - 1] : NULL, *r = pos < h->nchars ? &h->chars[pos] : NULL;
	int i, best = -1, bestd = 1 << 30;

	for (i = 0; i < wk->npool; i++) {
		const struct anpr_box *c = &wk->pool[i].b;
		int cc = 2 * c->x + c->w, dl = l ? cc - 2 * l->x - l->w : 0, dr = r ? 2 * r->x + r->w - cc : 0, d;

		if (wk->pool[i].inverted != h->inverted)
			continue;
		if (c->h * 100 < hm * (100 - EXT_H) || c->h * 100 > hm * (100 + EXT_H) || c->w * 100 > hm * EXT_W)
			continue;
		if ((l && (dl * 100 < pitch * EXT_LO || !ext_beside(c, l, hm))) ||
		    (r && (dr * 100 < pitch * EXT_LO || !ext_beside(c, r, hm))))
			continue;
		if ((!r && dl * 100 > pitch * EXT_HI) || (!l && dr * 100 > pitch * EXT_HI))
			continue;
		if (l && r && (dl * 100 > pitch * EXT_HOLE || dr * 100 > pitch * EXT_HOLE))
			continue; /* in a hole: one pitch from either side (or a separator's) */
		d = (l ? abs(dl - pitch) : abs(dr - pitch)) + (wk->pool[i].lone << 20);
		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/* Offer the single row h once more with a box projected one pitch (doubled,
 * as centres are) beyond its right end, and once with one before its left
 * end: the median width wm, the end box's rows (PROJ_*). */
static void project(const struct anpr_seg_hyp *h, int pitch, int wm, int cw_, struct anpr_seg_hyp *out, int *n,
		    int max)
{
	int pos;

	if (h->nchars + 1 > PROJ_MAX)
		return;
	for (pos = 0; pos < 2; pos++) { /* the right end, then the left */
		struct anpr_seg_hyp hp = *h;
		const struct anpr_box *e = &h->chars[pos ? 0 : h->nchars - 1];
		int x = (2 * e->x + e->w + (pos ? -pitch : pitch) - wm) / 2, at = pos ? 0 : h->nchars;

		if (x < 0 || x + wm > cw_)
			continue;
		memmove(&hp.chars[at + 1], &hp.chars[at], (size_t)(hp.nchars - at) * sizeof(hp.chars[0]));
		hp.chars[at] = *e;
		hp.chars[at].x = (uint16_t)x;
		hp.chars[at].w = (uint16_t)wm;
		hp.nchars++;
		hp.row2 = hp.nchars;
		text_box(&hp);
		hp.score -= PROJ_COST;
		keep(out, n, max, &hp);
	}
}

/* Offer into out[0..*n) (capacity max), for each single row of 3 to 7
 * boxes in src[0..ns), the row extended by pooled boxes in its holes and at
 * its ends (EXT_*), to at most 8 boxes (the longest plates), and projected
 * (PROJ_*). */
static void extend(const struct work *wk, const struct anpr_seg_hyp *src, int ns, struct anpr_seg_hyp *out, int *n,
		   int max, int cw_)
{
	struct anpr_seg_hyp h;
	int k, i;

	for (k = 0; k < ns; k++) {
		int steps[ANPR_SEG_MAX_CHARS], pitch, hm, wm, added = 0, pos, lone = 0;

		if (src[k].rows != 1 || src[k].nchars < 3 || src[k].nchars > 7)
			continue;
		h = src[k];
		for (i = 1; i < h.nchars; i++)
			steps[i - 1] = 2 * h.chars[i].x + h.chars[i].w - 2 * h.chars[i - 1].x - h.chars[i - 1].w;
		qsort(steps, (size_t)h.nchars - 1, sizeof(int), cmp_int);
		median_size(&h, &wm, &hm);
		pitch = steps[(h.nchars - 2) / 2]; /* the lower median: holes make steps longer */
		if (pitch <= 0)
			continue;
		/* holes first (a step over EXT_GAP pitches), then the ends */
		for (pos = 1; pos < h.nchars && added < EXT_MAX && h.nchars < 8; pos++) {
			int step = 2 * h.chars[pos].x + h.chars[pos].w - 2 * h.chars[pos - 1].x - h.chars[pos - 1].w, c;

			if (step * 100 <= pitch * EXT_GAP || (c = ext_find(wk, &h, pos, pitch, hm)) < 0)
				continue;
			memmove(&h.chars[pos + 1], &h.chars[pos], (size_t)(h.nchars - pos) * sizeof(h.chars[0]));
			h.chars[pos] = wk->pool[c].b;
			lone += wk->pool[c].lone;
			h.nchars++;
			added++;
		}
		for (pos = 1; pos >= 0; pos--)
			while (added < EXT_MAX && h.nchars < 8) {
				int at = pos ? h.nchars : 0, c = ext_find(wk, &h, at, pitch, hm);

				if (c < 0)
					break;
				memmove(&h.chars[at + 1], &h.chars[at], (size_t)(h.nchars - at) * sizeof(h.chars[0]));
				h.chars[at] = wk->pool[c].b;
				lone += wk->pool[c].lone;
				h.nchars++;
				added++;
			}
		if (added) {
			h.row2 = h.nchars;
			text_box(&h);
			h.score -= EXT_COST + EXT_LONE * lone;
			keep(out, n, max, &h);
		}
		project(&h, pitch, wm, cw_, out, n, max);
	}
}

/* The rows of one binarisation: each chain's best single-row hypothesis and,
 * where a second chain lines up above or below, the two-row one. */
static void rows_of(struct work *wk, int inverted, int bonus, unsigned cw_, unsigned ch_, struct anpr_seg_hyp *out,
		    int *nout, int max, int *band)
{
	int cand[MAX_COMPS], ncand = 0, i, j, nrows = 0, best = -(1 << 30);
	static const int max_rows = 32;
	struct row rows[32];

	for (i = 0; i < wk->ncomps; i++)
		if (char_like(&wk->comps[i], wk->h))
			cand[ncand++] = i;
	for (i = 1; i < ncand; i++) /* by left edge, then top */
		for (j = i; j > 0 && left_of(&wk->comps[cand[j]], &wk->comps[cand[j - 1]]); j--) {
			int t = cand[j];

			cand[j] = cand[j - 1];
			cand[j - 1] = t;
		}
	for (i = 0; i < ncand && nrows < max_rows; i++) {
		struct row r;
		int dup = 0;

		chain_from(wk, cand, ncand, i, &r);
		if (r.n < 2)
			continue;
		for (j = 0; j < nrows && !dup; j++) /* a suffix of a chain already found */
			dup = rows[j].idx[rows[j].n - 1] == r.idx[r.n - 1] && rows[j].n >= r.n;
		if (!dup)
			rows[nrows++] = r;
	}
	for (i = 0; i < nrows; i++) {
		struct comp boxes[ANPR_SEG_MAX_CHARS];
		struct anpr_seg_hyp h;
		int doubt = 0, n = row_boxes(wk, &rows[i], boxes, ANPR_SEG_MAX_CHARS, 0, &doubt);
		int s = row_score(wk, &rows[i]) + bonus;

		if (band && rows[i].n >= 3 && s > best) {
			best = s;
			band[0] = rows[i].y0;
			band[1] = rows[i].y1;
		}
		emit(wk, boxes, n, n, 1, inverted, s, cw_, ch_, &h);
		keep(out, nout, max, &h);
		pool_add(wk, &h);
		if (doubt) {
			struct comp b2[ANPR_SEG_MAX_CHARS];
			int n2 = row_boxes(wk, &rows[i], b2, ANPR_SEG_MAX_CHARS, 1, NULL);

			emit(wk, b2, n2, n2, 1, inverted, s - END_COST, cw_, ch_, &h);
			keep(out, nout, max, &h);
		}
		for (j = 0; j < nrows; j++) {
			const struct row *a = &rows[i], *b = &rows[j];
			int n2;

			if (j == i || b->y0 <= a->y1 ||
			    !stacked(a->x0, a->x1, a->hsum / a->n, b->x0, b->x1, b->hsum / b->n, b->y0 - a->y1, ROW_RATIO10))
				continue;
			n2 = row_boxes(wk, b, boxes + n, ANPR_SEG_MAX_CHARS - n, 0, NULL);
			emit(wk, boxes, n + n2, n, 2, inverted, row_score(wk, a) + row_score(wk, b) + bonus, cw_,
			     ch_, &h);
			keep(out, nout, max, &h);
		}
	}
	for (i = 0; i < ncand; i++) { /* then every candidate, in a row or not */
		struct anpr_seg_hyp one;

		one.inverted = inverted;
		one.nchars = 1;
		one.chars[0] = to_crop(wk, &wk->comps[cand[i]], cw_, ch_);
		pool_add(wk, &one);
	}
}

/* Morphological opening of bin (W x H, values 0 and 1) with a 3x3 cross;
 * tmp is W x H. Past the edges, erosion sees ink and dilation paper: each
 * is given the pixel itself there, which is the same. */
static void open_bin(uint8_t *bin, uint8_t *tmp, int W, int H)
{
	int x, y, pass;

	for (pass = 0; pass < 2; pass++) {
		const uint8_t *in = pass ? tmp : bin;
		uint8_t *out = pass ? bin : tmp;

		for (y = 0; y < H; y++) {
			const uint8_t *r = in + (size_t)y * W, *u = y > 0 ? r - W : r, *d = y < H - 1 ? r + W : r;
			uint8_t *o = out + (size_t)y * W;

			if (!pass) { /* erosion */
				o[0] = r[0] & r[1] & u[0] & d[0];
				for (x = 1; x < W - 1; x++)
					o[x] = r[x - 1] & r[x] & r[x + 1] & u[x] & d[x];
				o[W - 1] = r[W - 2] & r[W - 1] & u[W - 1] & d[W - 1];
			} else { /* dilation */
				o[0] = r[0] | r[1] | u[0] | d[0];
				for (x = 1; x < W - 1; x++)
					o[x] = r[x - 1] | r[x] | r[x + 1] | u[x] | d[x];
				o[W - 1] = r[W - 2] | r[W - 1] | u[W - 1] | d[W - 1];
			}
		}
	}
}

/* Erase plate borders and shadows: horizontal runs longer than the crop
 * is high (no character stroke is), and vertical runs the full height of
 * the crop. Characters touching a border come loose from it. */
static void erase_lines(uint8_t *bin, int W, int H)
{
	int x, y, L = H * 9 / 10 + 1; /* the shortest run erased */

	/* a run of L or more covers a multiple of L: only the runs through
	 * those pixels are measured */
	for (y = 0; y < H; y++) {
		uint8_t *row = bin + (size_t)y * W;

		for (x = 0; x < W; x += L) {
			int s = x, e = x;

			if (!row[x])
				continue;
			while (s > 0 && row[s - 1])
				s--;
			while (e < W - 1 && row[e + 1])
				e++;
			if (e - s + 1 >= L)
				memset(row + s, 0, (size_t)(e - s + 1));
		}
	}
	for (x = 0; x < W; x++) {
		for (y = 0; y < H && bin[y * W + x]; y++)
			;
		if (y == H)
			for (y = 0; y < H; y++)
				bin[y * W + x] = 0;
	}
}

/* The small-window binarisation (anpr_segment): half its window's side is
 * 1/SMALL_WIN of the working height; at the SMALL_T-th threshold. */
#define SMALL_WIN 8
#define SMALL_T 1

/* A window's mean sum / area, rounded down (*lo) and up (*hi), 0..255. The
 * quotients in float are exact once truncated: sum + area < 2^24 and area
 * <= (2 (WORK_MAX_H / 3) + 1)^2, so a quotient short of an integer by
 * 1 / area or more never rounds up to it (checked for every area to 7,225
 * and every sum within 2 of a multiple of it). */
static inline void mean_of(uint32_t sum, int area, uint8_t *lo, uint8_t *hi)
{
	float s = (float)sum, a = (float)area;

	*lo = (uint8_t)(int)(s / a);
	*hi = (uint8_t)(int)((s + a - 1) / a);
}

/* For each working pixel, the mean of src over the square window of
 * half-side r around it (clipped to the image), rounded down (lo) and up
 * (hi): binarise's thresholds; the sums from the integral image. */
static void window_means(struct work *wk, int r, uint8_t *lo, uint8_t *hi)
{
	int W = wk->w, H = wk->h, x, y, *xa = wk->xa, *xb = wk->xb, x0 = r < W ? r : W, x1 = W - r > x0 ? W - r : x0;

	for (x = 0; x < W; x++) {
		xa[x] = x - r < 0 ? 0 : x - r;
		xb[x] = x + r + 1 > W ? W : x + r + 1;
	}
	for (y = 0; y < H; y++) {
		int ya = y - r < 0 ? 0 : y - r, yb = y + r + 1 > H ? H : y + r + 1;
		const uint32_t *ia = wk->integ + (size_t)ya * (W + 1), *ib = wk->integ + (size_t)yb * (W + 1);
		uint8_t *l = lo + (size_t)y * W, *h = hi + (size_t)y * W;

		/* the columns whose window lies inside the image, [x0, x1), read
		 * x - r and x + r + 1 straight (a loop that vectorises); the edge
		 * columns either side go through xa, xb: the same sums */
		for (x = 0; x < x0; x++)
			mean_of(ib[xb[x]] - ia[xb[x]] - ib[xa[x]] + ia[xa[x]], (yb - ya) * (xb[x] - xa[x]), l + x, h + x);
		for (; x < x1; x++)
			mean_of(ib[x + r + 1] - ia[x + r + 1] - ib[x - r] + ia[x - r], (yb - ya) * (2 * r + 1), l + x,
				h + x);
		for (; x < W; x++)
			mean_of(ib[xb[x]] - ia[xb[x]] - ib[xa[x]] + ia[xa[x]], (yb - ya) * (xb[x] - xa[x]), l + x, h + x);
	}
}

/* Ink: a pixel darker than its window's mean by more than off, i.e.
 * (g + off) * area < sum, i.e. g + off < the mean rounded up (hi); in the
 * light-on-dark polarity (pol) g is 255 - src and the sum 255 * area - sum,
 * i.e. sum < (src - off) * area, i.e. the mean rounded down (lo) < src - off.
 * In bytes (window_means), the sums saturated at 255 (past it, neither
 * test holds either way), 16 pixels a vector where there is SSE2. */
static void binarise(uint8_t *bin, const uint8_t *src, const uint8_t *lo, const uint8_t *hi, size_t npx, int off,
		     int pol)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i o = _mm_set1_epi8((char)off), one = _mm_set1_epi8(1);

	for (; i + 16 <= npx; i += 16) {
		__m128i g = _mm_loadu_si128((const __m128i *)(src + i)), t, not_ink;

		if (pol) { /* not ink: src <= lo + off */
			t = _mm_adds_epu8(_mm_loadu_si128((const __m128i *)(lo + i)), o);
			not_ink = _mm_cmpeq_epi8(_mm_min_epu8(g, t), g);
		} else { /* not ink: hi <= src + off */
			t = _mm_loadu_si128((const __m128i *)(hi + i));
			not_ink = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_adds_epu8(g, o)), t);
		}
		_mm_storeu_si128((__m128i *)(bin + i), _mm_andnot_si128(not_ink, one));
	}
#endif
	for (; i < npx; i++)
		bin[i] = pol ? src[i] > lo[i] + off : src[i] + off < hi[i];
}

/* Is any of the n bytes of bin (0 or 1) ink? Eight at a time. */
static int any_ink(const uint8_t *bin, size_t n)
{
	uint64_t acc = 0, v;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&v, bin + i, 8);
		acc |= v;
	}
	for (; i < n; i++)
		acc |= bin[i];
	return acc != 0;
}

static int segment(const uint8_t *px, unsigned w, unsigned h, size_t stride, struct anpr_seg_hyp *out, int max,
		   int ext, int *dark);

/* The mean height of a hypothesis's boxes. */
static int mean_h(const struct anpr_seg_hyp *h)
{
	int i, hs = 0;

	for (i = 0; i < h->nchars; i++)
		hs += h->chars[i].h;
	return h->nchars ? hs / h->nchars : 0;
}

/* Offer single rows a over b as a two-row hypothesis into out[0..*nout)
 * (capacity max) if they line up as rows_of's pairs do (stacked, on their
 * text boxes); scored as rows_of scores its pairs (bonus: the polarity's,
 * which both scores hold). */
static void offer_pair(const struct anpr_seg_hyp *a, const struct anpr_seg_hyp *b, int bonus,
		       struct anpr_seg_hyp *out, int *nout, int max)
{
	const struct anpr_box *ta = &a->text, *tb = &b->text;
	struct anpr_seg_hyp h;
	int k;

	if (a->rows != 1 || b->rows != 1 || a->inverted != b->inverted || a->nchars + b->nchars > ANPR_SEG_MAX_CHARS ||
	    tb->y < ta->y + ta->h ||
	    !stacked(ta->x, ta->x + ta->w - 1, mean_h(a), tb->x, tb->x + tb->w - 1, mean_h(b), tb->y - (ta->y + ta->h),
		     PAIR_RATIO10))
		return;
	h = *a;
	h.rows = 2;
	h.row2 = a->nchars;
	h.nchars = a->nchars + b->nchars;
	for (k = 0; k < b->nchars; k++)
		h.chars[a->nchars + k] = b->chars[k];
	h.score = a->score + b->score - bonus;
	text_box(&h);
	keep(out, nout, max, &h);
}

/* Two-row plates whose rows no one binarisation finds together: the rows
 * of such a plate often differ in contrast, or a threshold that suits one
 * joins the other's characters. Every two single rows of rows[0..n) (from
 * any binarisations of one polarity; one binarisation's own pairs are
 * already there) are offered as a pair. Then, in a crop at most
 * SECOND_ASPECT times as wide as high (a two-row plate's, not a long strip
 * of clutter), the strip above and the strip below the best single row of
 * 3 to SECOND_MAX_CHARS characters, each as far as a row that could pair
 * with it reaches, are segmented on their own (their own working scale and
 * local means: a row half a two-row crop's height is small against windows
 * sized by the whole) and each row found there offered with it; a strip
 * under SECOND_MIN tenths of the row's height, or over SECOND_ASPECT * 2
 * times as wide as high, is not. A row of more characters than that whose
 * ends are the sides of the plate's frame (frame_bar: two narrow bars
 * around a row of 3 to 5, as a framed two-row plate gives) is taken without
 * them (trim_bars), for the strips and the pairs alike. */
#define SECOND_MIN 6
#define SECOND_MAX_CHARS 5
#define SECOND_ASPECT 4
/* Is box b of a row, whose median character is mw wide and mh high, a piece
 * of the plate's frame: a bar under half as wide as a character that is
 * taller than the row or lies at the crop's side (w wide)? */
static int frame_bar(const struct anpr_box *b, int mw, int mh, unsigned w)
{
	return b->w * 2 < mw && (b->h * 20 > mh * 23 || b->x <= 2 || b->x + b->w + 2 >= (int)w);
}

/* row less the frame bars at its ends (frame_bar), kept to 3 boxes or more */
static void trim_bars(struct anpr_seg_hyp *row, unsigned w)
{
	int mw, mh, a = 0, b = row->nchars;

	median_size(row, &mw, &mh);
	while (b - a > 3 && frame_bar(&row->chars[a], mw, mh, w))
		a++;
	while (b - a > 3 && frame_bar(&row->chars[b - 1], mw, mh, w))
		b--;
	if (a == 0 && b == row->nchars)
		return;
	memmove(row->chars, row->chars + a, (size_t)(b - a) * sizeof(row->chars[0]));
	row->nchars = row->row2 = b - a;
	text_box(row);
}

static void second_rows(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_seg_hyp *rows,
			int n, int dark_paper, struct anpr_seg_hyp *out, int *nout, int max)
{
	struct anpr_seg_hyp core;
	struct anpr_seg_hyp sub[ANPR_SEG_ROW_HYP];
	int i, j, best = -1, side, sub_dark = 0, hr;
	const struct anpr_box *t;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j)
				offer_pair(&rows[i], &rows[j], rows[i].inverted == dark_paper ? 200 : 0, out, nout, max);
	if (w > SECOND_ASPECT * h)
		return;
	for (i = 0; i < n && best < 0; i++)
		if (rows[i].rows == 1 && rows[i].nchars >= 3)
			best = i;
	if (best < 0)
		return;
	core = rows[best];
	if (core.nchars > SECOND_MAX_CHARS)
		trim_bars(&core, w);
	if (core.nchars > SECOND_MAX_CHARS)
		return;
	t = &core.text;
	hr = mean_h(&core);
	for (side = 0; side < 2; side++) {
		/* below: a gap of 1.5 row heights and a row PAIR_RATIO10 tenths as
		 * high; above, the gap is 1.5 heights of that taller row */
		int reach = side ? hr * (ROW_GAP10 + PAIR_RATIO10) / 10
				 : hr * (ROW_GAP10 * PAIR_RATIO10 / 10 + PAIR_RATIO10) / 10;
		int y0 = side ? t->y + t->h : t->y - reach, y1 = side ? t->y + t->h + reach : t->y, ns, k, c;

		y0 = y0 < 0 ? 0 : y0;
		y1 = y1 > (int)h ? (int)h : y1;
		if ((y1 - y0) * 10 < hr * SECOND_MIN || y1 - y0 < 4 || (int)w > 2 * SECOND_ASPECT * (y1 - y0))
			continue;
		ns = segment(px + (size_t)y0 * stride, w, (unsigned)(y1 - y0), stride, sub, ANPR_SEG_ROW_HYP, 0,
			     &sub_dark);
		for (k = 0; k < ns; k++) {
			if (sub[k].rows != 1 || sub[k].inverted != rows[best].inverted)
				continue;
			for (c = 0; c < sub[k].nchars; c++)
				sub[k].chars[c].y = (uint16_t)(sub[k].chars[c].y + y0);
			text_box(&sub[k]);
			/* the pair holds the crop's polarity bonus, not the strip's */
			if (side)
				offer_pair(&core, &sub[k], sub[k].inverted == sub_dark ? 200 : 0, out, nout, max);
			else
				offer_pair(&sub[k], &core, sub[k].inverted == sub_dark ? 200 : 0, out, nout, max);
		}
	}
}

/* Is the plate in wk's working image light ink on dark paper? A plate is
 * mostly paper, so the polarity whose ink is the minority of it is favoured
 * (rings of ink also enclose rows of paper). mid: the grey between ink and
 * paper. With centre, the pixels counted are the crop's middle half each
 * way: the plate rather than what a crop cut loose takes in around it (a
 * dark car, the shadow of a recess), which can outweigh the paper in the
 * whole crop; without, the whole crop, from its histogram hist
 * (anpr_segment_rows, the trainer's cut: the committed weights were trained
 * on the hypotheses it ranks so). */
static int dark_plate(const struct work *wk, const int *hist, int mid, int centre)
{
	int x0 = wk->w / 4, y0 = wk->h / 4, x1 = wk->w - x0, y1 = wk->h - y0, dark = 0, x, y;

	if (!centre) {
		for (x = 0; x < mid; x++)
			dark += hist[x];
		return dark * 2 > wk->w * wk->h;
	}
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++)
			dark += wk->src[y * wk->w + x] < mid;
	return dark * 2 > (x1 - x0) * (y1 - y0);
}

/* anpr_segment (ext 1) and anpr_segment_rows (ext 0); *dark, if not NULL,
 * is set to the polarity favoured (dark_paper below). */
static int segment(const uint8_t *px, unsigned w, unsigned h, size_t stride, struct anpr_seg_hyp *out, int max,
		   int ext, int *dark)
{
	static const int offsets[NOFFSETS] = {3, 8, 14}; /* percent of the crop's contrast below the local mean */
	struct work *wk;
	struct anpr_seg_hyp *hy; /* the rows found, up to cap: out itself (rows only), or then the extended ones */
	uint8_t *bin, *tmp;
	int n = 0, pol, t, x, y, W, H, lo, hi, hist[256] = {0}, acc, r, dark_paper, cap;
	size_t npx;

	if (!px || w < 4 || h < 4 || w > ANPR_SEG_MAX_SIDE || h > ANPR_SEG_MAX_SIDE || stride < w ||
	    max <= 0)
		return ANPR_ERR_ARG;
	H = h < WORK_MIN_H ? WORK_MIN_H : h > WORK_MAX_H ? WORK_MAX_H : (int)h;
	W = (int)((w * (unsigned)H + h / 2) / h);
	if (W < 4)
		W = 4;
	if (W > 4 * ANPR_SEG_MAX_SIDE)
		W = 4 * ANPR_SEG_MAX_SIDE;
	npx = (size_t)W * H;
	wk = calloc(1, sizeof(*wk));
	if (!wk)
		return ANPR_ERR_NOMEM;
	memset(wk->pslot, 0xff, sizeof(wk->pslot));
	wk->ext = ext;
	wk->w = W;
	wk->h = H;
	wk->sx = (int)((W * 256 + w / 2) / w);
	wk->sy = (int)((H * 256 + h / 2) / h);
	wk->src = malloc(npx);
	bin = malloc(npx);
	tmp = malloc(npx);
	wk->integ = malloc((size_t)(W + 1) * (H + 1) * sizeof(uint32_t));
	wk->wfloor = malloc(npx);
	wk->wceil = malloc(npx);
	wk->wfloor2 = malloc(npx);
	wk->wceil2 = malloc(npx);
	wk->xa = malloc((size_t)W * sizeof(int));
	wk->xb = malloc((size_t)W * sizeof(int));
	wk->rfirst = malloc((size_t)(H + 1) * sizeof(int));
	wk->colv = malloc((size_t)W * sizeof(int));
	wk->parent = malloc(npx * sizeof(int));
	wk->runs = malloc((size_t)H * ((W + 1) / 2) * sizeof(struct run));
	wk->pool = malloc(MAX_POOL * sizeof(struct pbox));
	cap = ext ? SEG_CAP : max < ANPR_SEG_ROW_HYP ? max : ANPR_SEG_ROW_HYP;
	hy = ext ? malloc((size_t)cap * 2 * sizeof(*hy)) : out;
	if (!hy || !wk->src || !bin || !tmp || !wk->integ || !wk->wfloor || !wk->wceil ||
	    !wk->wfloor2 || !wk->wceil2 ||
	    !wk->xa || !wk->xb || !wk->rfirst || !wk->colv || !wk->parent || !wk->runs || !wk->pool) {
		n = ANPR_ERR_NOMEM;
		goto out_free;
	}
	resample(px, w, h, stride, wk);
	for (y = 0; y < H; y++)
		for (x = 0; x < W; x++)
			hist[wk->src[y * W + x]]++;
	/* contrast = 5th to 95th percentile */
	for (lo = 0, acc = 0; lo < 255 && (acc += hist[lo]) * 20 < (int)npx; lo++)
		;
	for (hi = 255, acc = 0; hi > 0 && (acc += hist[hi]) * 20 < (int)npx; hi--)
		;
	dark_paper = dark_plate(wk, hist, (lo + hi) / 2, ext);
	if (dark)
		*dark = dark_paper;
	r = H / 3; /* half the local-mean window */
	/* each pixel's window means (window_means), from an integral image */
	for (x = 0; x <= W; x++)
		wk->integ[x] = 0;
	for (y = 1; y <= H; y++) {
		uint32_t rs = 0;

		wk->integ[(size_t)y * (W + 1)] = 0;
		for (x = 1; x <= W; x++) {
			rs += wk->src[(y - 1) * W + x - 1];
			wk->integ[(size_t)y * (W + 1) + x] = wk->integ[(size_t)(y - 1) * (W + 1) + x] + rs;
		}
	}
	window_means(wk, r, wk->wfloor, wk->wceil);
	window_means(wk, H / SMALL_WIN + 1, wk->wfloor2, wk->wceil2);
	for (pol = 0; pol < 2; pol++) {
		for (t = 0; t < NOFFSETS; t++) {
			int off = offsets[t] * (hi - lo) / 100;

			if (off < 2)
				off = 2;
			binarise(bin, wk->src, wk->wfloor, wk->wceil, npx, off, pol);
			int band[2] = {-1, -1};

			erase_lines(bin, W, H);
			label(wk, bin, 0, H);
			rows_of(wk, pol, pol == dark_paper ? 200 : 0, w, h, hy, &n, cap, band);
			if (band[0] >= 0) {
				/* again with the ink outside the best row's band cleared:
				 * characters joined above or below (to the plate's frame, a
				 * line of small print) come loose */
				int m = (band[1] - band[0] + 1) / 16 + 1, ya = band[0] - m, yb = band[1] + m;

				ya = ya < 0 ? 0 : ya;
				yb = yb > H - 1 ? H - 1 : yb;
				/* no ink outside the band: the labelling would be the one
				 * just made (the same runs, components and labels), so it is
				 * kept; its rows are offered again all the same */
				if (any_ink(bin, (size_t)ya * W) || any_ink(bin + (size_t)(yb + 1) * W, (size_t)(H - 1 - yb) * W)) {
					memset(bin, 0, (size_t)ya * W);
					memset(bin + (size_t)(yb + 1) * W, 0, (size_t)(H - 1 - yb) * W);
					label(wk, bin, ya, yb + 1);
				}
				rows_of(wk, pol, pol == dark_paper ? 200 : 0, w, h, hy, &n, cap, NULL);
			}
			if (t == SMALL_T) {
				/* again with a window a quarter of the height across: the
				 * strokes of a washed-out plate near a dark surround (the car
				 * below it, the frame), whose pull on the large window's mean
				 * leaves them as paper */
				binarise(bin, wk->src, wk->wfloor2, wk->wceil2, npx, off, pol);
				erase_lines(bin, W, H);
				label(wk, bin, 0, H);
				rows_of(wk, pol, pol == dark_paper ? 200 : 0, w, h, hy, &n, cap, NULL);
			}
			if (t == NOFFSETS - 1) {
				/* at the highest threshold, opened too (eroded, then dilated,
				 * 3x3 cross): characters joined by thin bridges come apart */
				open_bin(bin, tmp, W, H);
				label(wk, bin, 0, H);
				rows_of(wk, pol, pol == dark_paper ? 200 : 0, w, h, hy, &n, cap, NULL);
			}
		}
	}
	if (ext) { /* each of the best rows extended (as many as are returned, at most ANPR_SEG_ROW_HYP) */
		int nd = 0, ns = max < ANPR_SEG_ROW_HYP ? max : ANPR_SEG_ROW_HYP;

		/* the rows found, as found: second_rows adds to the list it reads */
		memcpy(hy + cap, hy, (size_t)n * sizeof(*hy));
		second_rows(px, w, h, stride, hy + cap, n, dark_paper, hy, &n, cap);

		extend(wk, hy, n < ns ? n : ns, hy + cap, &nd, cap, (int)w);
		n = pick(hy, n, hy + cap, nd, out, max);
	}
out_free:
	if (ext)
		free(hy);
	free(wk->src);
	free(bin);
	free(tmp);
	free(wk->integ);
	free(wk->wfloor);
	free(wk->wceil);
	free(wk->wfloor2);
	free(wk->wceil2);
	free(wk->xa);
	free(wk->xb);
	free(wk->rfirst);
	free(wk->colv);
	free(wk->parent);
	free(wk->runs);
	free(wk->pool);
	free(wk);
	return n;
}

int anpr_segment(const uint8_t *px, unsigned w, unsigned h, size_t stride, struct anpr_seg_hyp *out,
		 int max)
{
	return segment(px, w, h, stride, out, max, 1, NULL);
}

int anpr_segment_rows(const uint8_t *px, unsigned w, unsigned h, size_t stride, struct anpr_seg_hyp *out,
		      int max)
{
	return segment(px, w, h, stride, out, max, 0, NULL);
}
