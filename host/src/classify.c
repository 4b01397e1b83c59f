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

/* Bilinear sample of the image at (x, y), clamped to [x0, x1) x [y0, y1). */
static float sample(const uint8_t *px, size_t stride, float x, float y, int x0, int y0, int x1, int y1)
{
	int xi, yi, xj, yj;
	float ax, ay, a, b, c, d;

	if (x < x0)
		x = (float)x0;
	if (y < y0)
		y = (float)y0;
	if (x > x1 - 1)
		x = (float)(x1 - 1);
	if (y > y1 - 1)
		y = (float)(y1 - 1);
	xi = (int)x;
	yi = (int)y;
	xj = xi + 1 < x1 ? xi + 1 : xi;
	yj = yi + 1 < y1 ? yi + 1 : yi;
	ax = x - (float)xi;
	ay = y - (float)yi;
	a = px[(size_t)yi * stride + xi];
	b = px[(size_t)yi * stride + xj];
	c = px[(size_t)yj * stride + xi];
	d = px[(size_t)yj * stride + xj];
	return (a + (b - a) * ax) * (1 - ay) + (c + (d - c) * ax) * ay;
}

int anpr_char_tile(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
		   int inverted, uint8_t *tile)
{
	int x0, y0, x1, y1, x, y, lo = 255, hi = 0, bx0, by0, bx1, by1, i, j;
	float scale, ow, oh, ox, oy, range, thr;

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
	for (i = 0; i < ANPR_TILE_H; i++) {
		for (j = 0; j < ANPR_TILE_W; j++) {
			float acc = 0;
			int si, sj, n = 0;

			/* 3 x 3 samples over the output pixel's footprint */
			for (si = 0; si < 3; si++) {
				float ty = (float)i + (0.5f + (float)si) / 3;

				if (ty < oy || ty >= oy + oh)
					continue;
				for (sj = 0; sj < 3; sj++) {
					float tx = (float)j + (0.5f + (float)sj) / 3, v;

					if (tx < ox || tx >= ox + ow)
						continue;
					v = sample(px, stride, (float)bx0 + (tx - ox) / scale - 0.5f,
						   (float)by0 + (ty - oy) / scale - 0.5f, bx0, by0, bx1, by1);
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
