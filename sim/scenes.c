/*
 * scenes.c - synthetic frames: enough structure to exercise every stage of
 * the pipeline (edges, runs, both linkers, the store's ranking and
 * replacement, one- and two-row segmentation, inverted plates).
 */
#include "scenes.h"

#include <stdio.h>
#include <stdlib.h>

int scene_write_pgm(const char *path, const uint8_t *px, unsigned w, unsigned h)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fprintf(f, "P5\n%u %u\n255\n", w, h) > 0 && fwrite(px, 1, (size_t)w * h, f) == (size_t)w * h;

	if (f && fclose(f))
		ok = 0;
	return ok ? 0 : -1;
}

void scene_put(struct scene_stream *s, uint8_t px, int sof, int eol)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 65536;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	s->v[s->n++] = (struct scene_item){px, (uint8_t)sof, (uint8_t)eol};
}

void scene_frame(struct scene_stream *s, const uint8_t *px, unsigned w, unsigned h, long drop_at,
		 int short_line, int long_line)
{
	long k = 0;

	for (unsigned y = 0; y < h; y++) {
		unsigned lw = w;

		if ((int)y == short_line)
			lw = w / 2;
		if ((int)y == long_line)
			lw = w + 3;
		for (unsigned x = 0; x < lw; x++, k++) {
			if (drop_at >= 0 && k == drop_at)
				return;
			scene_put(s, px[y * w + (x < w ? x : w - 1)], k == 0, x == lw - 1);
		}
	}
}

void scene_pair_up(const struct scene_stream *in, struct scene_stream *o)
{
	size_t start = o->n;

	for (size_t i = 0; i < in->n; i++) {
		const struct scene_item *it = &in->v[i];

		if ((o->n - start) % 2 && it->sof)
			scene_put(o, o->v[o->n - 1].px, 0, 0);
		if ((o->n - start) % 2 == 0 && it->eol) {
			scene_put(o, it->px, it->sof, 0);
			scene_put(o, it->px, 0, 1);
		} else {
			scene_put(o, it->px, it->sof, it->eol);
		}
	}
	if ((o->n - start) % 2)
		scene_put(o, o->v[o->n - 1].px, 0, 0);
}

struct scene_beat scene_beat_at(const struct scene_stream *s, size_t i, unsigned ppc)
{
	const struct scene_item *v = &s->v[i * ppc];
	struct scene_beat b = {v[0].px, v[0].sof, v[ppc - 1].eol};

	if (ppc == 2)
		b.data |= (uint16_t)(v[1].px << 8);
	return b;
}

uint32_t scene_rand(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static void fill(uint8_t *px, unsigned w, unsigned h, int x0, int y0, int rw, int rh, int v)
{
	for (int y = y0; y < y0 + rh; y++)
		for (int x = x0; x < x0 + rw; x++)
			if (x >= 0 && y >= 0 && x < (int)w && y < (int)h)
				px[y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

static void plate(uint8_t *px, unsigned w, unsigned h, uint32_t *r)
{
	int ch = 10 + (int)(scene_rand(r) % 22);      /* character height */
	int rows = (scene_rand(r) % 4 == 0) ? 2 : 1;
	int n = rows == 2 ? 3 + (int)(scene_rand(r) % 2) : 5 + (int)(scene_rand(r) % 3);
	int cw = ch / 2 + 1, gap = ch / 5 + 1;
	int pw = n * (cw + gap) + 2 * gap, ph = rows * (ch + gap) + 2 * gap;
	int x0 = (int)(scene_rand(r) % (w > (unsigned)pw ? w - pw : 1));
	int y0 = (int)(scene_rand(r) % (h > (unsigned)ph ? h - ph : 1));
	int inv = scene_rand(r) % 5 == 0;
	int bg = inv ? 30 + (int)(scene_rand(r) % 40) : 150 + (int)(scene_rand(r) % 100);
	int fgv = inv ? 180 + (int)(scene_rand(r) % 70) : 10 + (int)(scene_rand(r) % 60);

	fill(px, w, h, x0, y0, pw, ph, bg);
	for (int row = 0; row < rows; row++)
		for (int i = 0; i < n; i++) {
			int cx = x0 + gap + i * (cw + gap), cy = y0 + gap + row * (ch + gap);
			int stroke = 1 + ch / 8;
			int shape = (int)(scene_rand(r) % 4);

			fill(px, w, h, cx, cy, stroke, ch, fgv); /* left stroke */
			if (shape != 1)
				fill(px, w, h, cx + cw - stroke, cy, stroke, ch, fgv);
			if (shape != 2)
				fill(px, w, h, cx, cy, cw, stroke, fgv);
			if (shape != 3)
				fill(px, w, h, cx, cy + ch - stroke, cw, stroke, fgv);
			if (shape == 0)
				fill(px, w, h, cx, cy + ch / 2, cw, stroke, fgv);
		}
}

void scene_make(uint8_t *px, unsigned w, unsigned h, unsigned nplates, uint32_t seed)
{
	uint32_t r = seed * 2654435761u + 1;
	unsigned x, y, i;

	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			int v = 60 + (int)(x * 80 / w) + (int)(y * 40 / h) + (int)(scene_rand(&r) % 24);
			px[y * w + x] = (uint8_t)v;
		}
	/* some clutter: bars and blobs that make edges but are not plates */
	for (i = 0; i < 6; i++) {
		int bw = 2 + (int)(scene_rand(&r) % 60), bh = 2 + (int)(scene_rand(&r) % 80);

		fill(px, w, h, (int)(scene_rand(&r) % w), (int)(scene_rand(&r) % h), bw, bh,
		     (int)(scene_rand(&r) % 256));
	}
	for (i = 0; i < nplates; i++)
		plate(px, w, h, &r);
}
