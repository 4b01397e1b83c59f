/*
 * classify.c - character tiles and the classifier network (anpr/classify.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/classify.h"

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86_KERNELS 1
#endif

char anpr_class_char(int k)
{
	if (k >= 0 && k < 10)
		return (char)('0' + k);
	if (k >= 10 && k < 36)
		return (char)('A' + k - 10);
	return '?';
}

int anpr_char_class(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	return -1;
}

/* Sub-samples per tile pixel along each axis: as many as source pixels it
 * covers, from 1 (the character is enlarged) to MAX_SUB. */
#define MAX_SUB 3

/* Where one sub-sample falls in the source along one axis: the two pixels
 * either side and the weight of the second (of 256); i = -1 when it falls
 * outside the image (paper). The character's span [lo, hi) maps to
 * [off, off + len) of the tile; the tile's margins show what surrounds it
 * (neighbours, the plate's edge), within the image's [0, size). */
struct tap {
	int i, j, a;
};

static void taps(struct tap *t, int n, int ns, float off, float scale, int lo, int size)
{
	float frac[MAX_SUB];
	int k, s;

	for (s = 0; s < ns; s++)
		frac[s] = (0.5f + (float)s) / (float)ns;
	for (k = 0; k < n; k++) {
		for (s = 0; s < ns; s++) {
			struct tap *p = &t[k * ns + s];
			float to = (float)k + frac[s], x = (float)lo + (to - off) / scale - 0.5f;

			if (x < -0.5f || x > (float)size - 0.5f) {
				p->i = p->j = -1;
				p->a = 0;
				continue;
			}
			x = x < 0 ? 0 : x > (float)(size - 1) ? (float)(size - 1) : x;
			p->i = (int)x;
			p->j = p->i + 1 < size ? p->i + 1 : p->i;
			p->a = (int)((x - (float)p->i) * 256 + 0.5f);
		}
	}
}

/* A horizontal tap with its weights: src[i] * w0 + src[j] * w1. */
struct htap {
	int i, j, w0, w1;
};

/* One source row sampled at the tile's columns, ns taps a column (ns a
 * constant in each call, so that the loop over the taps unrolls). */
static inline void hrow(const uint8_t *src, const struct htap *hx, int ns, int32_t *out)
{
	int x, s;

	for (x = 0; x < ANPR_TILE_W; x++) {
		int32_t acc = 0;

		for (s = 0; s < ns; s++) {
			const struct htap *t = &hx[x * ns + s];

			acc += src[t->i] * t->w0 + src[t->j] * t->w1;
		}
		out[x] = acc;
	}
}

#ifdef __SSE2__
#include <emmintrin.h>
#define HAVE_WINDOWS 1

/* The same sums as hrow's where each column's taps fall within 4 pixels:
 * column x is src[c0[x] + 0..3] times wd[4x + 0..3] (the weights of the
 * pixels its taps read, summed), 4 columns a vector through SSE2's
 * pmaddwd. A character up to 3 times the tile's size fits (sub-samples
 * at most one pixel apart, each reading two neighbours); the callers
 * keep c0[x] + 4 within the row. */
static inline void hrow4(const uint8_t *src, const int *c0, const int16_t *wd, int32_t *out)
{
	const __m128i z = _mm_setzero_si128();
	int x;

	for (x = 0; x < ANPR_TILE_W; x += 4) {
		int32_t p[4];
		__m128i a, b;
		__m128 ev, od;

		memcpy(&p[0], src + c0[x], 4);
		memcpy(&p[1], src + c0[x + 1], 4);
		memcpy(&p[2], src + c0[x + 2], 4);
		memcpy(&p[3], src + c0[x + 3], 4);
		a = _mm_unpacklo_epi8(_mm_unpacklo_epi32(_mm_cvtsi32_si128(p[0]), _mm_cvtsi32_si128(p[1])), z);
		b = _mm_unpacklo_epi8(_mm_unpacklo_epi32(_mm_cvtsi32_si128(p[2]), _mm_cvtsi32_si128(p[3])), z);
		a = _mm_madd_epi16(a, _mm_loadu_si128((const __m128i *)(wd + 4 * x)));
		b = _mm_madd_epi16(b, _mm_loadu_si128((const __m128i *)(wd + 4 * x + 8)));
		/* a = column x's two half sums, then x+1's; b the same for x+2, x+3 */
		ev = _mm_shuffle_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), _MM_SHUFFLE(2, 0, 2, 0));
		od = _mm_shuffle_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), _MM_SHUFFLE(3, 1, 3, 1));
		_mm_storeu_si128((__m128i *)(out + x), _mm_add_epi32(_mm_castps_si128(ev), _mm_castps_si128(od)));
	}
}

/* hrow4's windows for the taps hx (ns a column) of a row of size pixels:
 * 0 when a column's taps span more than 4 pixels or the row is shorter. */
static int windows(const struct htap *hx, int ns, int size, int *c0, int16_t *wd)
{
	int x, s;

	if (size < 4)
		return 0;
	memset(wd, 0, sizeof(int16_t) * 4 * ANPR_TILE_W);
	for (x = 0; x < ANPR_TILE_W; x++) {
		int lo = size, hi = -1;

		for (s = 0; s < ns; s++) {
			const struct htap *t = &hx[x * ns + s];

			if (t->w0 | t->w1) { /* a tap outside the image has weights 0 */
				lo = t->i < lo ? t->i : lo;
				hi = t->j > hi ? t->j : hi;
			}
		}
		if (hi - lo >= 4)
			return 0;
		c0[x] = hi < 0 ? 0 : lo > size - 4 ? size - 4 : lo;
		for (s = 0; s < ns; s++) {
			const struct htap *t = &hx[x * ns + s];

			if (t->w0 | t->w1) {
				wd[4 * x + t->i - c0[x]] += (int16_t)t->w0;
				wd[4 * x + t->j - c0[x]] += (int16_t)t->w1;
			}
		}
	}
	return 1;
}
#endif

/* The least and the greatest pixel of the box [x0, x1) x [y0, y1), into
 * *lo and *hi. With simd, SSE2 takes 16 pixels a step, and a row's last,
 * partial step again from its end (a pixel seen twice changes neither); a
 * row of 8 to 15 pixels, 8 from each end. */
static void box_range(const uint8_t *px, size_t stride, int x0, int y0, int x1, int y1, int simd, int *lo, int *hi)
{
	int l = 255, g = 0, x, y;
#ifdef __SSE2__
	__m128i vl = _mm_set1_epi8(-1), vg = _mm_setzero_si128(), v;
	uint8_t a[16], b[16];
	int i;

	if (simd && x1 - x0 >= 8) {
		for (y = y0; y < y1; y++) {
			const uint8_t *row = px + (size_t)y * stride;

			if (x1 - x0 < 16) { /* 8 pixels from each end, overlapping */
				v = _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(row + x0)),
						       _mm_loadl_epi64((const __m128i *)(row + x1 - 8)));
				vl = _mm_min_epu8(vl, v);
				vg = _mm_max_epu8(vg, v);
				continue;
			}
			for (x = x0; x + 16 < x1; x += 16) {
				v = _mm_loadu_si128((const __m128i *)(row + x));
				vl = _mm_min_epu8(vl, v);
				vg = _mm_max_epu8(vg, v);
			}
			v = _mm_loadu_si128((const __m128i *)(row + x1 - 16));
			vl = _mm_min_epu8(vl, v);
			vg = _mm_max_epu8(vg, v);
		}
		_mm_storeu_si128((__m128i *)a, vl);
		_mm_storeu_si128((__m128i *)b, vg);
		for (i = 0; i < 16; i++) {
			l = a[i] < l ? a[i] : l;
			g = b[i] > g ? b[i] : g;
		}
		*lo = l;
		*hi = g;
		return;
	}
#endif
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			int v = px[(size_t)y * stride + x];

			l = v < l ? v : l;
			g = v > g ? v : g;
		}
	*lo = l;
	*hi = g;
}

/* The tile's rows from the source rows sampled at its columns (hs; tile
 * row y mixes rows ri[y ns + s] and rj[y ns + s] by its taps ty), scaled
 * to ink: (hi - v) / range, or (v - lo) / range when inverted, times 255,
 * over the sub-samples that fall in the image (those in the margin count
 * as paper), in 32-bit fixed point (mul). */
static void tile_rows(const int32_t (*hs)[ANPR_TILE_W], const int *ri, const int *rj, const struct tap *ty, int ns,
		      const int *nx, int lo, int hi, int inverted, uint32_t mul, uint8_t *tile)
{
	int x, y;

	for (y = 0; y < ANPR_TILE_H; y++) {
		int32_t acc[ANPR_TILE_W] = {0};
		int ny = 0, s;

		for (s = 0; s < ns; s++) {
			const struct tap *t = &ty[y * ns + s];
			const int32_t *h0, *h1;

			if (t->i < 0)
				continue;
			h0 = hs[ri[y * ns + s]];
			h1 = hs[rj[y * ns + s]];
			ny++;
			for (x = 0; x < ANPR_TILE_W; x++)
				acc[x] += h0[x] * (256 - t->a) + h1[x] * t->a;
		}
		/* acc, n x lo and n x hi are at most 3 x 3 x 256 x 256 x 255
		 * (150 M), mul at most 255 << 12: d fits 32 bits, d x mul 64
		 * (one unsigned 32 x 32 multiply a pixel) */
		for (x = 0; x < ANPR_TILE_W; x++) {
			int32_t n = ny * nx[x] * 65536, d = inverted ? acc[x] - lo * n : hi * n - acc[x];
			uint64_t q = ((uint64_t)(uint32_t)(d <= 0 ? 0 : d) * mul + ((uint64_t)1 << 31)) >> 32;

			tile[y * ANPR_TILE_W + x] = (uint8_t)(q > 255 ? 255 : q);
		}
	}
}

#ifdef HAVE_X86_KERNELS
/* tile_rows' arithmetic for 8 columns (one 256-bit vector): the rounded
 * high half of each d x mul, as the scalar code's 64-bit product. */
__attribute__((target("avx2"))) static inline __m256i ink8(__m256i acc, __m256i n, __m256i ref, int inverted,
							  __m256i mul)
{
	const __m256i rnd = _mm256_set1_epi64x(1ll << 31), odd = _mm256_set1_epi64x((long long)0xffffffff00000000ull);
	__m256i r = _mm256_mullo_epi32(n, ref), d = inverted ? _mm256_sub_epi32(acc, r) : _mm256_sub_epi32(r, acc), e, o;

	d = _mm256_max_epi32(d, _mm256_setzero_si256());
	e = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epu32(d, mul), rnd), 32);
	o = _mm256_and_si256(_mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(d, 32), mul), rnd), odd);
	return _mm256_or_si256(e, o);
}

/* tile_rows on AVX2: columns 0-7, 8-15 and 16-19 (with 4 lanes of zeros)
 * a vector each; the same integer sums, products and rounding, so the same
 * tile bit for bit (tests/unit: test_tile_portable_agrees). */
__attribute__((target("avx2"))) static void tile_rows_avx2(const int32_t (*hs)[ANPR_TILE_W], const int *ri,
							   const int *rj, const struct tap *ty, int ns, const int *nx,
							   int lo, int hi, int inverted, uint32_t mul, uint8_t *tile)
{
	/* columns 8k to 8k + 7 of a row of 20; the last 4 with 4 zeros */
#define LOAD20(p, k) ((k) < 2 ? _mm256_loadu_si256((const __m256i *)((p) + 8 * (k))) \
			      : _mm256_inserti128_si256(_mm256_setzero_si256(), _mm_loadu_si128((const __m128i *)((p) + 16)), 0))
	const __m256i m = _mm256_set1_epi32((int)mul);
	const int ref = inverted ? lo : hi;
	__m256i n[3];
	int y, k;

	for (k = 0; k < 3; k++)
		n[k] = _mm256_slli_epi32(LOAD20(nx, k), 16);
	for (y = 0; y < ANPR_TILE_H; y++) {
		__m256i a[3] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()}, q[3], vy;
		__m128i b0, b1;
		int ny = 0, s;
		int32_t last;

		for (s = 0; s < ns; s++) {
			const struct tap *t = &ty[y * ns + s];
			const int32_t *h0, *h1;
			__m256i w0, w1;

			if (t->i < 0)
				continue;
			h0 = hs[ri[y * ns + s]];
			h1 = hs[rj[y * ns + s]];
			ny++;
			w0 = _mm256_set1_epi32(256 - t->a);
			w1 = _mm256_set1_epi32(t->a);
			for (k = 0; k < 3; k++)
				a[k] = _mm256_add_epi32(a[k], _mm256_add_epi32(_mm256_mullo_epi32(LOAD20(h0, k), w0),
									       _mm256_mullo_epi32(LOAD20(h1, k), w1)));
		}
		vy = _mm256_set1_epi32(ny * ref); /* n x ref = ny nx 65536 ref, ny ref at most 765 */
		for (k = 0; k < 3; k++)
			q[k] = ink8(a[k], n[k], vy, inverted, m);
		/* to bytes, saturating: q > 255 is 255 (q < 2^19: the int16 step saturates too) */
		b0 = _mm_packs_epi32(_mm256_castsi256_si128(q[0]), _mm256_extracti128_si256(q[0], 1));
		b1 = _mm_packs_epi32(_mm256_castsi256_si128(q[1]), _mm256_extracti128_si256(q[1], 1));
		_mm_storeu_si128((__m128i *)(tile + y * ANPR_TILE_W), _mm_packus_epi16(b0, b1));
		b0 = _mm_packs_epi32(_mm256_castsi256_si128(q[2]), _mm256_castsi256_si128(q[2]));
		last = _mm_cvtsi128_si32(_mm_packus_epi16(b0, b0));
		memcpy(tile + y * ANPR_TILE_W + 16, &last, 4);
	}
#undef LOAD20
}
#endif

static int char_tile(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
		     int inverted, int simd, uint8_t *tile)
{
	int x0, y0, x1, y1, x, y, lo, hi, bx0, by0, bx1, by1, ns, range, nrows = 0, k;
	int rows[2 * ANPR_TILE_H * MAX_SUB], ri[ANPR_TILE_H * MAX_SUB], rj[ANPR_TILE_H * MAX_SUB], nx[ANPR_TILE_W];
	int32_t hs[2 * ANPR_TILE_H * MAX_SUB][ANPR_TILE_W];
	float scale, ow, oh, ox, oy;
	struct tap tx[ANPR_TILE_W * MAX_SUB], ty[ANPR_TILE_H * MAX_SUB];
	struct htap hx[ANPR_TILE_W * MAX_SUB];
	int64_t mul;
#ifdef HAVE_WINDOWS
	int c0[ANPR_TILE_W];
	int16_t wd[4 * ANPR_TILE_W];
#endif

	if (!px || !box || !tile || w == 0 || h == 0)
		return ANPR_ERR_ARG;
	x0 = box->x;
	y0 = box->y;
	x1 = box->x + box->w > (int)w ? (int)w : box->x + box->w;
	y1 = box->y + box->h > (int)h ? (int)h : box->y + box->h;
	if (x1 <= x0 || y1 <= y0)
		return ANPR_ERR_ARG;
	box_range(px, stride, x0, y0, x1, y1, simd, &lo, &hi);
	range = hi - lo < 16 ? 16 : hi - lo;
	/* ink's bounding box: trim rows and columns with no pixel past the
	 * middle grey from the outside in */
#define INK(v) (inverted ? 2 * (v) > lo + hi : 2 * (v) < lo + hi)
	bx0 = x0, bx1 = x1, by0 = y0, by1 = y1;
	for (;;) {
		int any = 0;

		for (y = by0; y < by1 && !any; y++)
			any = INK(px[(size_t)y * stride + bx0]);
		if (any || bx1 - bx0 <= 1)
			break;
		bx0++;
	}
	for (;;) {
		int any = 0;

		for (y = by0; y < by1 && !any; y++)
			any = INK(px[(size_t)y * stride + bx1 - 1]);
		if (any || bx1 - bx0 <= 1)
			break;
		bx1--;
	}
	for (;;) {
		int any = 0;

		for (x = bx0; x < bx1 && !any; x++)
			any = INK(px[(size_t)by0 * stride + x]);
		if (any || by1 - by0 <= 1)
			break;
		by0++;
	}
	for (;;) {
		int any = 0;

		for (x = bx0; x < bx1 && !any; x++)
			any = INK(px[(size_t)(by1 - 1) * stride + x]);
		if (any || by1 - by0 <= 1)
			break;
		by1--;
	}
#undef INK
	scale = (float)ANPR_TILE_H / (float)(by1 - by0);
	if ((float)(bx1 - bx0) * scale > (float)ANPR_TILE_W)
		scale = (float)ANPR_TILE_W / (float)(bx1 - bx0);
	ns = (int)ceilf(1 / scale - 0.01f);
	ns = ns < 1 ? 1 : ns > MAX_SUB ? MAX_SUB : ns;
	ow = (float)(bx1 - bx0) * scale;
	oh = (float)(by1 - by0) * scale;
	ox = ((float)ANPR_TILE_W - ow) / 2;
	oy = ((float)ANPR_TILE_H - oh) / 2;
	taps(tx, ANPR_TILE_W, ns, ox, scale, bx0, (int)w);
	taps(ty, ANPR_TILE_H, ns, oy, scale, by0, (int)h);
	/* separable: each source row the vertical taps read (once, in order)
	 * sampled at the horizontal taps, then those rows mixed per tile row */
	for (k = 0; k < ANPR_TILE_H * ns; k++) {
		int r, *idx[2] = {&ri[k], &rj[k]}, e;

		if (ty[k].i < 0)
			continue;
		for (e = 0; e < 2; e++) {
			r = e ? ty[k].j : ty[k].i;
			if (!nrows || r > rows[nrows - 1])
				rows[nrows++] = r;
			for (*idx[e] = nrows - 1; rows[*idx[e]] != r; (*idx[e])--)
				;
		}
	}
	for (x = 0; x < ANPR_TILE_W; x++)
		for (nx[x] = k = 0; k < ns; k++)
			nx[x] += tx[x * ns + k].i >= 0;
	/* a horizontal tap outside the image (paper) reads pixel 0 with weights
	 * 0: it adds nothing, as skipping it did */
	for (k = 0; k < ANPR_TILE_W * ns; k++) {
		int out = tx[k].i < 0;

		hx[k].i = out ? 0 : tx[k].i;
		hx[k].j = out ? 0 : tx[k].j;
		hx[k].w0 = out ? 0 : 256 - tx[k].a;
		hx[k].w1 = out ? 0 : tx[k].a;
	}
#ifdef HAVE_WINDOWS
	if (simd && windows(hx, ns, (int)w, c0, wd))
		for (k = 0; k < nrows; k++)
			hrow4(px + (size_t)rows[k] * stride, c0, wd, hs[k]);
	else
#else
	(void)simd;
#endif
	for (k = 0; k < nrows; k++) {
		const uint8_t *src = px + (size_t)rows[k] * stride;

		if (ns == 1)
			hrow(src, hx, 1, hs[k]);
		else if (ns == 2)
			hrow(src, hx, 2, hs[k]);
		else
			hrow(src, hx, 3, hs[k]);
	}
	/* ink = (hi - v) / range (or v - lo), times 255 over ns x ns sub-samples,
	 * in 32-bit fixed point */
	mul = (int64_t)((((uint64_t)255 << 32) + (uint64_t)(ns * ns * 65536 * range) / 2) /
			(uint64_t)(ns * ns * 65536 * range));
#ifdef HAVE_X86_KERNELS
	if (simd && __builtin_cpu_supports("avx2")) {
		tile_rows_avx2((const int32_t(*)[ANPR_TILE_W])hs, ri, rj, ty, ns, nx, lo, hi, inverted, (uint32_t)mul,
			       tile);
		return ANPR_OK;
	}
#endif
	tile_rows((const int32_t(*)[ANPR_TILE_W])hs, ri, rj, ty, ns, nx, lo, hi, inverted, (uint32_t)mul, tile);
	return ANPR_OK;
}

int anpr_char_tile(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
		   int inverted, uint8_t *tile)
{
	return char_tile(px, w, h, stride, box, inverted, 1, tile);
}

int anpr_char_tile_portable(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
			    int inverted, uint8_t *tile)
{
	return char_tile(px, w, h, stride, box, inverted, 0, tile);
}

int anpr_tile_inverted(const uint8_t *px, unsigned w, unsigned h, size_t stride)
{
	unsigned long border = 0, all = 0, nb = 0;
	unsigned x, y;

	for (y = 0; y < h; y++) {
		const uint8_t *row = px + (size_t)y * stride;
		unsigned long sum = 0;

		x = 0;
#ifdef __SSE2__
		if (w >= 16) { /* 16 pixels a step, summed in two 64-bit halves */
			__m128i v = _mm_setzero_si128();
			uint64_t part[2];

			for (; x + 16 <= w; x += 16)
				v = _mm_add_epi64(v, _mm_sad_epu8(_mm_loadu_si128((const __m128i *)(row + x)),
								  _mm_setzero_si128()));
			if (x + 8 <= w) {
				v = _mm_add_epi64(v, _mm_sad_epu8(_mm_loadl_epi64((const __m128i *)(row + x)),
								  _mm_setzero_si128()));
				x += 8;
			}
			_mm_storeu_si128((__m128i *)part, v);
			sum = (unsigned long)(part[0] + part[1]);
		}
#endif
		for (; x < w; x++)
			sum += row[x];
		all += sum;
		if (y == 0 || y == h - 1) { /* a whole row of border */
			border += sum;
			nb += w;
		} else { /* its two ends, one pixel when w is 1 */
			border += row[0] + (w > 1 ? row[w - 1] : 0u);
			nb += w > 1 ? 2 : 1;
		}
	}
	/* the paper is what the border shows: darker than average = dark plate */
	return border * w * h < all * nb;
}

int anpr_char_tile_image(const uint8_t *px, unsigned w, unsigned h, size_t stride, uint8_t *tile)
{
	struct anpr_box box = {0, 0, (uint16_t)w, (uint16_t)h};

	if (!px || w == 0 || h == 0 || w > 65535 || h > 65535)
		return ANPR_ERR_ARG;
	return anpr_char_tile(px, w, h, stride, &box, anpr_tile_inverted(px, w, h, stride), tile);
}

/* ---- the network (anpr/classify.h) ----
 *
 * Activations are 7-bit (0..127) and laid out channels last (HWC). Each
 * layer's weights are read in groups of 4 consecutive inputs: for group g
 * and output o, the 4 bytes w[(g * nout + o) * 4 + 0..3]. The inputs of
 * one output are, per layer:
 *   conv1: for each kernel row ky, the tile pixels (x-1, x, x+1) and a
 *          fourth weight of 0, so one group per kernel row (3 groups);
 *   conv2: the 3x3 patch of the pooled conv1 output, as (ky, kx, channel),
 *          9 * c1 inputs (9 * c1 / 4 groups);
 *   dense: the pooled conv2 output as (y, x, channel), 40 * c2 inputs;
 *   out:   the nhid dense units, to NOUT_PAD outputs (the last 3 unused).
 */
#define P1W (ANPR_TILE_W / 2) /* after the first pooling */
#define P1H (ANPR_TILE_H / 2)
#define P2W (ANPR_TILE_W / 4) /* after the second */
#define P2H (ANPR_TILE_H / 4)
#define T_STRIDE (ANPR_TILE_W + 4)   /* padded tile row: 1 column left, 3 right */
#define A_STRIDE (P1W + 2)           /* padded pooled conv1, in pixels */
#define MAX_C 64
#define MAX_HID 256
#define MAX_GROUPS (P2H * P2W * MAX_C / 4) /* of a dense layer's inputs */
#define NOUT_PAD 40

/* The kernels, in portable C and (x86, GCC or Clang) AVX2; both give the
 * same integers: a pair of 7-bit inputs times int8 weights (|w| <= 127)
 * fits in the 16 bits of vpmaddubsw without saturating.
 *
 * dense: acc[o] = sum over the ng groups of in times w, o < nout; with a
 *   layer l (not NULL), its ReLU outputs requantised to 0..127 into out.
 * conv: a 3x3 convolution, 2x2 max-pooled, requantised: the pooled
 *   output (y, x), y < ph, x < pw, reads in + 2y rstride + 2x pstride and
 *   its 3 neighbours (pstride, rstride, both on): at each, the kernel's 3
 *   rows (seg bytes each, rstride apart) times w; it goes to
 *   out + y orow + x nout.
 * conv_wino: as conv for a layer of cin input channels, from the weights
 *   wino_transform made of its own (below, "Winograd"); NULL in a set
 *   whose conv is as fast.
 * nout is a multiple of 8. */
struct conv_geom {
	const uint8_t *in;
	size_t rstride, orow;
	int pstride, seg, ph, pw;
	uint8_t *out;
};

struct kernels {
	const char *name;
	void (*dense)(const struct anpr_qlayer *l, const int8_t *w, int nout, int ng, const uint8_t *in, int32_t *acc,
		      uint8_t *out);
	void (*conv)(const struct anpr_qlayer *l, int nout, const struct conv_geom *g);
	void (*conv_wino)(const struct anpr_qlayer *l, const int16_t *u, int nout, int cin, const struct conv_geom *g);
};

static void requant_c(const struct anpr_qlayer *l, int n, const int32_t *acc, uint8_t *out)
{
	int o;

	for (o = 0; o < n; o++) {
		int64_t v = acc[o] + l->bias[o];

		v = v <= 0 ? 0 : (v * l->mul[o] + ((int64_t)1 << (l->shift - 1))) >> l->shift;
		out[o] = (uint8_t)(v > 127 ? 127 : v);
	}
}

/* acc[o] += the ng groups of in times w (group g's weights at w + g gstride) */
static void dot_c(const int8_t *w, size_t gstride, int nout, int ng, const uint8_t *in, int32_t *acc)
{
	int g, o, t;

	for (g = 0; g < ng; g++)
		for (o = 0; o < nout; o++)
			for (t = 0; t < 4; t++)
				acc[o] += (int32_t)w[g * gstride + (size_t)o * 4 + t] * in[g * 4 + t];
}

static void dense_c(const struct anpr_qlayer *l, const int8_t *w, int nout, int ng, const uint8_t *in,
		    int32_t *acc, uint8_t *out)
{
	memset(acc, 0, sizeof(int32_t) * (size_t)nout);
	dot_c(w, (size_t)nout * 4, nout, ng, in, acc);
	if (l)
		requant_c(l, nout, acc, out);
}

static void conv_c(const struct anpr_qlayer *l, int nout, const struct conv_geom *g)
{
	size_t gstride = (size_t)nout * 4;
	int32_t acc[MAX_C], m[MAX_C];
	int ng = g->seg / 4, x, y, k, ky, o;

	for (y = 0; y < g->ph; y++)
		for (x = 0; x < g->pw; x++) {
			for (k = 0; k < 4; k++) {
				const uint8_t *at =
					g->in + (2 * y + (k >> 1)) * g->rstride + (size_t)(2 * x + (k & 1)) * g->pstride;

				memset(acc, 0, sizeof(int32_t) * (size_t)nout);
				for (ky = 0; ky < 3; ky++)
					dot_c(l->w + ky * ng * gstride, gstride, nout, ng, at + ky * g->rstride, acc);
				for (o = 0; o < nout; o++)
					m[o] = k == 0 || acc[o] > m[o] ? acc[o] : m[o];
			}
			requant_c(l, nout, m, g->out + y * g->orow + (size_t)x * nout);
		}
}

#ifdef HAVE_X86_KERNELS
/* AVX2: vpmaddubsw (pairs into 16 bits), vpmaddwd by 1 (into 32), add */
#define KSUF avx2
#define KTARGET "avx2"
#define KWINO 1
#define DOT(a, b, w) _mm256_add_epi32((a), _mm256_madd_epi16(_mm256_maddubs_epi16((b), (w)), _mm256_set1_epi16(1)))
#include "classify_x86.h"

/* AVX-512 VNNI on 256-bit vectors: vpdpbusd does the three in one */
#define KSUF vnni
#define KTARGET "avx2,avx512vnni,avx512vl"
#define DOT(a, b, w) _mm256_dpbusd_epi32((a), (b), (w))
#include "classify_x86.h"
#endif

static const struct kernels kernels_c = {"portable", dense_c, conv_c, NULL};
#ifdef HAVE_X86_KERNELS
static const struct kernels kernels_avx2 = {"avx2", dense_avx2, conv_avx2, conv_wino_avx2};
static const struct kernels kernels_vnni = {"vnni", dense_vnni, conv_vnni, NULL};
#endif

/* The kernel sets this CPU can run, fastest first; the last is portable C. */
static int usable_kernels(const struct kernels **out)
{
	int n = 0;

#ifdef HAVE_X86_KERNELS
	if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") &&
	    __builtin_cpu_supports("avx2"))
		out[n++] = &kernels_vnni;
	if (__builtin_cpu_supports("avx2"))
		out[n++] = &kernels_avx2;
#endif
	out[n++] = &kernels_c;
	return n;
}

static const struct kernels *pick_kernels(void)
{
	const struct kernels *k[3];

	usable_kernels(k);
	return k[0];
}

/* ---- Winograd ----
 *
 * Where a multiply-add of bytes takes three instructions (AVX2), conv2 is
 * computed by Winograd's F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): the 2x2 outputs a pooled output
 * takes the max of, from its 4x4 input patch d, as
 *   Y = A^T [(G g G^T) . (B^T d B)] A
 * with 16 products per input and output channel instead of 36. With G'
 * = 2G, all integers, U = G' g G'^T is 4 G g G^T: Y comes out 4 times the
 * direct sums exactly (no rounding anywhere: the identity holds over the
 * integers), and their max over 4 is the direct max, bit for bit. Bounds:
 * d in 0..127 gives |B^T d B| <= 508, g in -127..127 gives |U| <= 1143,
 * so both fit int16 for vpmaddwd, and |Y| <= 9 x 64 x 508 x 1143 < 2^31.
 *
 * U is made once per layer and kept (wino_weights): a few networks'
 * (WINO_MAX; the trainer, which makes many, falls back to the direct
 * kernel past them), keyed by the weights' address and checked against a
 * copy of their contents at every use, so a network whose weights change
 * in place is never read with another's. */
#define WINO_MAX 16

struct wino {
	const int8_t *w; /* the layer's weights */
	int c1, c2;      /* its input and output channels */
	int8_t *copy;    /* what they held when transformed */
	int16_t *u;      /* U: [16 points][c1 / 2 channel pairs][c2][2] */
};

static struct wino wino_tab[WINO_MAX];
static atomic_int wino_n; /* entries published (each whole before the count says so) */
static pthread_mutex_t wino_mu = PTHREAD_MUTEX_INITIALIZER;

/* U = G' g G'^T for each output and input channel of conv2 (weights w, the
 * layout described above), laid out as conv_wino reads it: point xi = 4a +
 * b, channel pair cp, output o, the pair's channel e at ((xi (c1 / 2) + cp)
 * c2 + o) 2 + e. */
static void wino_transform(const int8_t *w, int c1, int c2, int16_t *u)
{
	int o, ch, a, k;

	for (o = 0; o < c2; o++)
		for (ch = 0; ch < c1; ch++) {
			int g[3][3], t[4][3];

			for (a = 0; a < 9; a++) {
				int in = a * c1 + ch; /* (ky, kx, channel) */

				g[a / 3][a % 3] = w[((size_t)(in / 4) * c2 + o) * 4 + in % 4];
			}
			for (k = 0; k < 3; k++) { /* G' = [2 0 0; 1 1 1; 1 -1 1; 0 0 2] */
				t[0][k] = 2 * g[0][k];
				t[1][k] = g[0][k] + g[1][k] + g[2][k];
				t[2][k] = g[0][k] - g[1][k] + g[2][k];
				t[3][k] = 2 * g[2][k];
			}
			for (a = 0; a < 4; a++) {
				int row[4] = {2 * t[a][0], t[a][0] + t[a][1] + t[a][2], t[a][0] - t[a][1] + t[a][2],
					      2 * t[a][2]};

				for (k = 0; k < 4; k++)
					u[(((size_t)(4 * a + k) * (c1 / 2) + ch / 2) * c2 + o) * 2 + (ch & 1)] =
						(int16_t)row[k];
			}
		}
}

/* The entry of the first n that holds net's conv2, or NULL. */
static const int16_t *wino_find(const struct anpr_classifier *net, int n)
{
	size_t nw = (size_t)9 * net->c1 * net->c2;
	int i;

	for (i = 0; i < n; i++)
		if (wino_tab[i].w == net->conv2.w && wino_tab[i].c1 == net->c1 && wino_tab[i].c2 == net->c2 &&
		    !memcmp(wino_tab[i].copy, net->conv2.w, nw))
			return wino_tab[i].u;
	return NULL;
}

/* U of net's conv2, made on first use; NULL where there is none (the
 * table full, no memory): the direct kernel then. */
static const int16_t *wino_weights(const struct anpr_classifier *net)
{
	size_t nw = (size_t)9 * net->c1 * net->c2;
	const int16_t *u = wino_find(net, atomic_load_explicit(&wino_n, memory_order_acquire));
	int n;

	if (u || net->c1 % 2 || net->c1 > MAX_C)
		return u;
	pthread_mutex_lock(&wino_mu);
	n = atomic_load_explicit(&wino_n, memory_order_relaxed);
	u = wino_find(net, n); /* made by another thread meanwhile */
	if (!u && n < WINO_MAX) {
		struct wino *e = &wino_tab[n];

		e->copy = malloc(nw);
		e->u = malloc(sizeof(int16_t) * 16 * nw / 9);
		if (e->copy && e->u) {
			memcpy(e->copy, net->conv2.w, nw);
			wino_transform(e->copy, net->c1, net->c2, e->u);
			e->w = net->conv2.w;
			e->c1 = net->c1;
			e->c2 = net->c2;
			u = e->u;
			atomic_store_explicit(&wino_n, n + 1, memory_order_release);
		} else {
			free(e->copy);
			free(e->u);
			e->copy = NULL;
			e->u = NULL;
		}
	}
	pthread_mutex_unlock(&wino_mu);
	return u;
}

/* Adds the logits of net (before the temperature) on the padded tile tp to z. */
static void add_logits(const struct kernels *kn, const struct anpr_classifier *net, const uint8_t *tp, float *z)
{
	uint8_t a1[(P1H + 2) * A_STRIDE * MAX_C], a2[P2H * P2W * MAX_C], hid[MAX_HID];
	int32_t m[MAX_HID > NOUT_PAD ? MAX_HID : NOUT_PAD];
	int c1 = net->c1, c2 = net->c2, nh = net->nhid, k;
	const int16_t *u;
	struct conv_geom g1 = {tp, T_STRIDE, (size_t)A_STRIDE * c1, 1, 4, P1H, P1W, a1 + (size_t)(A_STRIDE + 1) * c1},
			 g2 = {a1, (size_t)A_STRIDE * c1, (size_t)P2W * c2, c1, 3 * c1, P2H, P2W, a2};

	memset(a1, 0, (size_t)(P1H + 2) * A_STRIDE * c1);
	kn->conv(&net->conv1, c1, &g1);
	if (kn->conv_wino && (u = wino_weights(net)))
		kn->conv_wino(&net->conv2, u, c2, c1, &g2);
	else
		kn->conv(&net->conv2, c2, &g2);
	kn->dense(&net->dense, net->dense.w, nh, P2H * P2W * c2 / 4, a2, m, hid);
	kn->dense(NULL, net->wout, NOUT_PAD, nh / 4, hid, m, NULL);
	for (k = 0; k < ANPR_NCLASS; k++)
		z[k] += (float)(m[k] + net->bout[k]) * net->sout[k];
}

/* The members' mean logits, softmax at net's temperature; after the first
 * member, when it puts junk junk_margin or more above every character, the
 * rest are not run (INFINITY: all are). */
static void run(const struct kernels *kn, const struct anpr_classifier *net, const uint8_t *tile, float *probs,
		float junk_margin)
{
	uint8_t tp[(ANPR_TILE_H + 2) * T_STRIDE];
	const struct anpr_classifier *n;
	int x, y, k, members = 0;
	float mx = -INFINITY, sum = 0;

	memset(tp, 0, sizeof(tp));
	for (y = 0; y < ANPR_TILE_H; y++)
		for (x = 0; x < ANPR_TILE_W; x++)
			tp[(y + 1) * T_STRIDE + x + 1] = tile[y * ANPR_TILE_W + x] >> 1;
	for (k = 0; k < ANPR_NCLASS; k++)
		probs[k] = 0;
	for (n = net; n; n = n->next) {
		add_logits(kn, n, tp, probs);
		if (!members++ && n->next && junk_margin < INFINITY) {
			float top = probs[0];

			for (k = 1; k < ANPR_CLASS_JUNK; k++)
				top = probs[k] > top ? probs[k] : top;
			if (probs[ANPR_CLASS_JUNK] - top >= junk_margin)
				break;
		}
	}
	for (k = 0; k < ANPR_NCLASS; k++) {
		probs[k] = probs[k] / (float)members / net->temperature;
		mx = probs[k] > mx ? probs[k] : mx;
	}
	for (k = 0; k < ANPR_NCLASS; k++) {
		probs[k] = expf(probs[k] - mx);
		sum += probs[k];
	}
	for (k = 0; k < ANPR_NCLASS; k++)
		probs[k] /= sum;
}

void anpr_classify(const struct anpr_classifier *net, const uint8_t *tile, float *probs)
{
	run(pick_kernels(), net, tile, probs, INFINITY);
}

void anpr_classify_junk_first(const struct anpr_classifier *net, const uint8_t *tile, float *probs)
{
	run(pick_kernels(), net, tile, probs, ANPR_JUNK_MARGIN);
}

void anpr_classify_portable(const struct anpr_classifier *net, const uint8_t *tile, float *probs)
{
	run(&kernels_c, net, tile, probs, INFINITY);
}

const char *anpr_classify_kernels(void)
{
	return pick_kernels()->name;
}

int anpr_classify_kernel_list(const char **names, int max)
{
	const struct kernels *k[3];
	int n = usable_kernels(k), i;

	for (i = 0; i < n && i < max; i++)
		names[i] = k[i]->name;
	return i;
}

int anpr_classify_with(const char *kernels, const struct anpr_classifier *net, const uint8_t *tile, float *probs)
{
	const struct kernels *k[3];
	int n = usable_kernels(k), i;

	for (i = 0; i < n; i++)
		if (!strcmp(k[i]->name, kernels)) {
			run(k[i], net, tile, probs, INFINITY);
			return ANPR_OK;
		}
	return ANPR_ERR_UNSUPPORTED;
}
