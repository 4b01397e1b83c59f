/*
 * dataset.c - truth.csv files and folds (dataset.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"

int dataset_load(const char *dir, struct truth_row **rows)
{
	char path[4096], line[1024];
	struct truth_row *r = NULL;
	int n = 0, cap = 0, lineno = 1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/truth.csv", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return -1;
	}
	if (!fgets(line, sizeof(line), f) || strncmp(line, "file,plate_text", 15)) {
		fprintf(stderr, "%s:1: expected the header file,plate_text,x,y,w,h\n", path);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fields[6] = {0}, *p = line;
		int k;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		for (k = 0; k < 6 && p; k++) {
			fields[k] = p;
			p = strchr(p, ',');
			if (p)
				*p++ = 0;
		}
		if (k < 2 || !*fields[0] || !*fields[1] || strlen(fields[0]) >= sizeof(r->file) ||
		    strlen(fields[1]) >= sizeof(r->text)) {
			fprintf(stderr, "%s:%d: expected file,plate_text,...\n", path, lineno);
			continue;
		}
		if (n == cap) {
			struct truth_row *t;

			cap = cap ? 2 * cap : 256;
			t = realloc(r, (size_t)cap * sizeof(*r));
			if (!t) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(r);
				fclose(f);
				return -1;
			}
			r = t;
		}
		memset(&r[n], 0, sizeof(r[n]));
		strcpy(r[n].file, fields[0]);
		strcpy(r[n].text, fields[1]);
		if (k == 6 && *fields[2] && *fields[3] && *fields[4] && *fields[5]) {
			r[n].x = atoi(fields[2]);
			r[n].y = atoi(fields[3]);
			r[n].w = atoi(fields[4]);
			r[n].h = atoi(fields[5]);
			r[n].has_box = 1;
		}
		n++;
	}
	fclose(f);
	*rows = r;
	return n;
}

int dataset_held_out(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h % 5 == 0;
}

void dataset_tile_key(const char *file, char *key, int keylen)
{
	const char *a = strchr(file, '_'), *b = a ? strchr(a + 1, '_') : NULL;

	key[0] = 0;
	if (a && b && b - a - 1 < keylen) {
		memcpy(key, a + 1, (size_t)(b - a - 1));
		key[b - a - 1] = 0;
	}
}

double dataset_align(const struct anpr_classifier *net, const uint8_t *px, unsigned w, unsigned h,
		     const struct anpr_seg_hyp *hyp, const char *text, int *slot_of, float *minp)
{
	int n = hyp->nchars, L = (int)strlen(text), i, j;
	static double f[ANPR_SEG_MAX_CHARS + 1][33];
	static char took[ANPR_SEG_MAX_CHARS + 1][33];
	float lp[ANPR_SEG_MAX_CHARS][ANPR_NCLASS];

	if (L > n || L > 32)
		return -1e30;
	for (i = 0; i < n; i++) {
		uint8_t tile[ANPR_TILE_IN];
		int k;

		anpr_char_tile(px, w, h, w, &hyp->chars[i], hyp->inverted, tile);
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
			    f[i - 1][j - 1] + lp[i - 1][anpr_char_class(text[j - 1])] > f[i][j]) {
				f[i][j] = f[i - 1][j - 1] + lp[i - 1][anpr_char_class(text[j - 1])];
				took[i][j] = 1;
			}
		}
	if (f[n][L] < -1e29)
		return -1e30;
	if (minp)
		*minp = 1;
	for (i = n, j = L; i > 0; i--)
		if (took[i][j]) {
			slot_of[--j] = i - 1;
			if (minp && expf(lp[i - 1][anpr_char_class(text[j])]) < *minp)
				*minp = expf(lp[i - 1][anpr_char_class(text[j])]);
		}
	return f[n][L];
}

void dataset_shrink(const uint8_t *in, int w, int h, float f, uint8_t *out, int *ow, int *oh)
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

uint8_t dataset_bilinear(const uint8_t *px, unsigned w, unsigned h, float x, float y)
{
	int xi, yi, xj, yj;
	float fx, fy, p;

	x = x < 0 ? 0 : x > (float)w - 1 ? (float)w - 1 : x;
	y = y < 0 ? 0 : y > (float)h - 1 ? (float)h - 1 : y;
	xi = (int)x;
	yi = (int)y;
	xj = xi + 1 < (int)w ? xi + 1 : xi;
	yj = yi + 1 < (int)h ? yi + 1 : yi;
	fx = x - (float)xi;
	fy = y - (float)yi;
	p = (px[yi * w + xi] * (1 - fx) + px[yi * w + xj] * fx) * (1 - fy) +
	    (px[yj * w + xi] * (1 - fx) + px[yj * w + xj] * fx) * fy;
	return (uint8_t)(p + 0.5f);
}
