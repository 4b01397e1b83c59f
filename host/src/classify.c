/*
 * classify.c - character tiles and the classifier network (anpr/classify.h).
 */
#include <math.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/classify.h"

#define MAX_HIDDEN 512

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

/* Where one sub-sample falls in the source along one axis: the two pixels
 * either side and the weight of the second, clamped to [lo, hi). */
struct tap {
	int i, j;
	float a;
	int inside; /* the sub-sample lies on the scaled character, not the margin */
};

static void taps(struct tap *t, int n, float off, float len, float scale, int lo, int hi)
{
	int k, s;

	for (k = 0; k < n; k++) {
		for (s = 0; s < 3; s++) {
			struct tap *p = &t[k * 3 + s];
			float to = (float)k + (0.5f + (float)s) / 3, x = (float)lo + (to - off) / scale - 0.5f;

			p->inside = !(to < off || to >= off + len);
			if (x < lo)
				x = (float)lo;
			if (x > hi - 1)
				x = (float)(hi - 1);
			p->i = (int)x;
			p->j = p->i + 1 < hi ? p->i + 1 : p->i;
			p->a = x - (float)p->i;
		}
	}
}

int anpr_char_tile(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
		   int inverted, uint8_t *tile)
{
	int x0, y0, x1, y1, x, y, lo = 255, hi = 0, bx0, by0, bx1, by1, i, j;
	float scale, ow, oh, ox, oy, range, thr;
	struct tap tx[ANPR_TILE_W * 3], ty[ANPR_TILE_H * 3];

	if (!px || !box || !tile || w == 0 || h == 0)
		return ANPR_ERR_ARG;
	x0 = box->x;
	y0 = box->y;
	x1 = box->x + box->w > (int)w ? (int)w : box->x + box->w;
	y1 = box->y + box->h > (int)h ? (int)h : box->y + box->h;
	if (x1 <= x0 || y1 <= y0)
		return ANPR_ERR_ARG;
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			int v = px[(size_t)y * stride + x];

			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	range = hi - lo < 16 ? 16.0f : (float)(hi - lo);
	/* ink's bounding box: trim rows and columns with no pixel past the
	 * middle grey from the outside in */
	thr = (float)(lo + hi) / 2;
#define INK(v) (inverted ? (v) > thr : (v) < thr)
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
	ow = (float)(bx1 - bx0) * scale;
	oh = (float)(by1 - by0) * scale;
	ox = ((float)ANPR_TILE_W - ow) / 2;
	oy = ((float)ANPR_TILE_H - oh) / 2;
	taps(tx, ANPR_TILE_W, ox, ow, scale, bx0, bx1);
	taps(ty, ANPR_TILE_H, oy, oh, scale, by0, by1);
	for (i = 0; i < ANPR_TILE_H; i++) {
		for (j = 0; j < ANPR_TILE_W; j++) {
			float acc = 0;
			int si, sj, n = 0;

			/* 3 x 3 bilinear samples over the output pixel's footprint */
			for (si = 0; si < 3; si++) {
				const struct tap *y = &ty[i * 3 + si];
				const uint8_t *r0 = px + (size_t)y->i * stride, *r1 = px + (size_t)y->j * stride;

				if (!y->inside)
					continue;
				for (sj = 0; sj < 3; sj++) {
					const struct tap *x = &tx[j * 3 + sj];
					float a, b, c, d, v;

					if (!x->inside)
						continue;
					a = r0[x->i];
					b = r0[x->j];
					c = r1[x->i];
					d = r1[x->j];
					v = (a + (b - a) * x->a) * (1 - y->a) + (c + (d - c) * x->a) * y->a;
					acc += inverted ? (v - (float)lo) / range : ((float)hi - v) / range;
					n++;
				}
			}
			acc = n ? acc * 255 / 9 : 0;
			tile[i * ANPR_TILE_W + j] = (uint8_t)(acc <= 0 ? 0 : acc >= 255 ? 255 : acc + 0.5f);
		}
	}
	return ANPR_OK;
}

int anpr_tile_inverted(const uint8_t *px, unsigned w, unsigned h, size_t stride)
{
	unsigned long border = 0, all = 0, nb = 0;
	unsigned x, y;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			unsigned v = px[(size_t)y * stride + x];

			all += v;
			if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
				border += v;
				nb++;
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

void anpr_classify(const struct anpr_classifier *net, const uint8_t *tile, float *probs)
{
	float hid[MAX_HIDDEN], mx = -INFINITY, sum = 0;
	int i, j, nhid = net->nhid < MAX_HIDDEN ? net->nhid : MAX_HIDDEN;

	for (j = 0; j < nhid; j++) {
		const int8_t *row = net->w1 + (size_t)j * net->nin;
		int32_t dot = 0;
		float acc;

		for (i = 0; i < net->nin; i++)
			dot += (int16_t)row[i] * (int16_t)tile[i];
		acc = (float)dot * (net->s1[j] / 255) + net->b1[j];
		hid[j] = acc > 0 ? acc : 0;
	}
	for (j = 0; j < ANPR_NCLASS; j++) {
		const int8_t *row = net->w2 + (size_t)j * net->nhid;
		float acc = 0;

		for (i = 0; i < nhid; i++)
			acc += (float)row[i] * hid[i];
		probs[j] = (acc * net->s2[j] + net->b2[j]) / net->temperature;
		mx = probs[j] > mx ? probs[j] : mx;
	}
	for (j = 0; j < ANPR_NCLASS; j++) {
		probs[j] = expf(probs[j] - mx);
		sum += probs[j];
	}
	for (j = 0; j < ANPR_NCLASS; j++)
		probs[j] /= sum;
}
