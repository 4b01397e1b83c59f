/*
 * plates.c - UK number plates drawn from their registration (plates.h).
 */
#include "plates.h"

#include <stdlib.h>
#include <string.h>

/* Millimetres: the character cell, the stroke, the plate's layout. */
#define CELL_W 50.0
#define CELL_H 79.0
#define HALF_STROKE 7.0
#define ADVANCE 61.0   /* cell and the 11 mm between characters */
#define GROUP_GAP 22.0 /* 33 mm between groups: 22 more than between characters */
#define ROW_GAP 19.0
#define SIDE 14.0 /* paper left and right of the characters */
#define TOP 16.0  /* paper above and below them */
#define MAX_ROW 12
#define MAX_SEG 160 /* a glyph's lines and arc pieces (8: two rings of 72) */
#define SUB 4      /* samples a pixel, each way */

/*
 * The glyphs: centrelines in a cell 50 wide and 79 tall, y down, strokes
 * 14 wide, so a centreline stays inside x 5..45, y 7..72. "L x0 y0 x1 y1"
 * is a line; "A cx cy rx ry a0 a1" an elliptical arc from angle a0 to a1
 * (degrees, multiples of 5; 0 points right, 90 down). O and 0 are one
 * shape, as on the plates; the reader tells them apart by their place.
 */
static const char *glyph(char c)
{
	switch (c) {
	case '0':
	case 'O': return "L 7 27 7 52 L 43 27 43 52 A 25 27 18 20 180 360 A 25 52 18 20 0 180";
	case '1': return "L 29 7 29 72 L 29 7 13 21";
	case '2': return "A 25 24 17 17 190 360 A 25 24 17 17 0 30 L 39.7 32.5 7 72 L 7 72 43 72";
	case '3': return "A 25 23 17 16 -160 90 A 25 55 18 17 -90 160";
	case '4': return "L 33 7 7 54 L 7 54 45 54 L 33 30 33 72";
	case '5': return "L 42 7 11 7 L 11 7 9 37 A 25 51 19 20 -135 150";
	case '6': return "A 25 53 18 19 0 360 L 7 53 7 40 A 30 40 23 33 180 290";
	case '7': return "L 7 7 43 7 L 43 7 17 72";
	case '8': return "A 25 23.5 16 16.5 0 360 A 25 55 18 17 0 360";
	case '9': return "A 25 26 18 19 0 360 L 43 26 43 39 A 20 39 23 33 0 110";
	case 'A': return "L 25 7 7 72 L 25 7 43 72 L 13 52 37 52";
	case 'B': return "L 7 7 7 72 L 7 7 26 7 L 7 39 26 39 L 7 72 26 72 A 26 23 16 16 -90 90 A 26 55.5 17 16.5 -90 90";
	case 'C': return "A 25 27 18 20 180 320 L 7 27 7 52 A 25 52 18 20 40 180";
	case 'D': return "L 7 7 7 72 L 7 7 22 7 L 7 72 22 72 L 43 28 43 51 A 22 28 21 21 -90 0 A 22 51 21 21 0 90";
	case 'E': return "L 7 7 7 72 L 7 7 43 7 L 7 39 38 39 L 7 72 43 72";
	case 'F': return "L 7 7 7 72 L 7 7 43 7 L 7 39 38 39";
	case 'G': return "A 25 27 18 20 180 325 L 7 27 7 52 A 25 52 18 20 0 180 L 43 52 43 42 L 43 42 27 42";
	case 'H': return "L 7 7 7 72 L 43 7 43 72 L 7 39 43 39";
	case 'I': return "L 25 7 25 72";
	case 'J': return "L 38 7 38 54 A 23 54 15 18 0 160";
	case 'K': return "L 7 7 7 72 L 43 7 7 49 L 20 35 43 72";
	case 'L': return "L 7 7 7 72 L 7 72 43 72";
	case 'M': return "L 7 7 7 72 L 43 7 43 72 L 7 7 25 52 L 25 52 43 7";
	case 'N': return "L 7 7 7 72 L 43 7 43 72 L 7 7 43 72";
	case 'P': return "L 7 7 7 72 L 7 7 26 7 L 7 43 26 43 A 26 25 17 18 -90 90";
	case 'Q': return "L 7 27 7 52 L 43 27 43 52 A 25 27 18 20 180 360 A 25 52 18 20 0 180 L 27 50 47 76";
	case 'R': return "L 7 7 7 72 L 7 7 26 7 L 7 43 26 43 A 26 25 17 18 -90 90 L 24 43 43 72";
	case 'S': return "A 25 23 17 16 -180 -15 A 25 23 17 16 90 180 A 25 55.5 18 16.5 -90 165";
	case 'T': return "L 5 7 45 7 L 25 7 25 72";
	case 'U': return "L 7 7 7 52 L 43 7 43 52 A 25 52 18 20 0 180";
	case 'V': return "L 7 7 25 72 L 25 72 43 7";
	case 'W': return "L 5 7 14 72 L 14 72 25 26 L 25 26 36 72 L 36 72 45 7";
	case 'X': return "L 7 7 43 72 L 43 7 7 72";
	case 'Y': return "L 7 7 25 40 L 43 7 25 40 L 25 40 25 72";
	case 'Z': return "L 7 7 43 7 L 43 7 7 72 L 7 72 43 72";
	}
	return NULL;
}

/* cos(5k degrees), k = 0..18 */
static const double cos5[19] = {
	1, 0.99619469809174555, 0.98480775301220802, 0.96592582628906831, 0.93969262078590843,
	0.90630778703664994, 0.86602540378443871, 0.8191520442889918, 0.76604444311897801,
	0.70710678118654757, 0.64278760968653936, 0.57357643635104616, 0.5, 0.42261826174069944,
	0.34202014332566882, 0.25881904510252074, 0.17364817766693041, 0.087155742747658138, 0,
};

/* cos of a multiple of 5 degrees */
static double cos_deg(int a)
{
	int k;

	a %= 360;
	if (a < 0)
		a += 360;
	k = a / 5;
	if (k <= 18)
		return cos5[k];
	if (k <= 36)
		return -cos5[36 - k];
	if (k <= 54)
		return -cos5[k - 36];
	return cos5[72 - k];
}

struct seg {
	double x0, y0, x1, y1;
};

/* A number of a glyph string: [-]digits[.digits]; *s is left after it. */
static double num(const char **s)
{
	const char *p = *s;
	double v = 0, f = 0.1;
	int neg = 0;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, f /= 10)
			v += (*p - '0') * f;
	*s = p;
	return neg ? -v : v;
}

/* The glyph of c as line segments. Returns their number, or -1. */
static int glyph_segs(char c, struct seg *sg)
{
	const char *p = glyph(c);
	int n = 0;

	if (!p)
		return -1;
	while (*p) {
		char op = *p++;

		if (op == ' ')
			continue;
		if (op == 'L') {
			double x0 = num(&p), y0 = num(&p), x1 = num(&p), y1 = num(&p);

			if (n == MAX_SEG)
				return -1;
			sg[n++] = (struct seg){x0, y0, x1, y1};
		} else if (op == 'A') {
			double cx = num(&p), cy = num(&p), rx = num(&p), ry = num(&p);
			int a0 = (int)num(&p), a1 = (int)num(&p), a;

			if (a0 % 5 || a1 % 5 || a1 <= a0 || n + (a1 - a0) / 5 > MAX_SEG)
				return -1;
			for (a = a0; a < a1; a += 5)
				sg[n++] = (struct seg){cx + rx * cos_deg(a), cy + ry * cos_deg(a - 90),
						       cx + rx * cos_deg(a + 5), cy + ry * cos_deg(a - 85)};
		} else {
			return -1;
		}
	}
	return n;
}

/* Whether (x, y) lies within the stroke's half width of a segment. */
static int inked(double x, double y, const struct seg *sg, int n)
{
	for (int i = 0; i < n; i++) {
		double dx = sg[i].x1 - sg[i].x0, dy = sg[i].y1 - sg[i].y0, l = dx * dx + dy * dy, t = 0;

		if (l > 0) {
			t = ((x - sg[i].x0) * dx + (y - sg[i].y0) * dy) / l;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
		}
		dx = x - sg[i].x0 - t * dx;
		dy = y - sg[i].y0 - t * dy;
		if (dx * dx + dy * dy <= HALF_STROKE * HALF_STROKE)
			return 1;
	}
	return 0;
}

/* A row's width in mm (0 for an empty one), or -1 for a character
 * without a glyph or too many. */
static double row_width(const char *s, size_t len)
{
	double wmm = 0;
	int n = 0, gap = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == ' ') {
			gap = n > 0;
			continue;
		}
		if (!glyph(s[i]) || ++n > MAX_ROW)
			return -1;
		wmm += (n > 1 ? ADVANCE - CELL_W : 0) + (gap ? GROUP_GAP : 0) + CELL_W;
		gap = 0;
	}
	return wmm;
}

/* The rows of text: their starts and lengths and the widest's width in
 * mm. Returns the number of rows (1 or 2), or -1. */
static int layout(const char *text, const char *row[2], size_t len[2], double *wmm)
{
	const char *slash = strchr(text, '/');
	int nrows = slash ? 2 : 1;

	row[0] = text;
	len[0] = slash ? (size_t)(slash - text) : strlen(text);
	row[1] = slash ? slash + 1 : NULL;
	len[1] = slash ? strlen(slash + 1) : 0;
	*wmm = 0;
	for (int r = 0; r < nrows; r++) {
		double rw = row_width(row[r], len[r]);

		if (rw <= 0 || memchr(row[r], '/', len[r]))
			return -1;
		if (rw > *wmm)
			*wmm = rw;
	}
	return nrows;
}

int plate_size(const char *text, double char_h, unsigned *pw, unsigned *ph)
{
	const char *row[2];
	size_t len[2];
	double wmm, s = char_h / CELL_H;
	int nrows = layout(text, row, len, &wmm);

	if (nrows < 0 || !(char_h >= 8 && char_h <= 200))
		return -1;
	*pw = (unsigned)((wmm + 2 * SIDE) * s + 0.5);
	*ph = (unsigned)((nrows * CELL_H + (nrows - 1) * ROW_GAP + 2 * TOP) * s + 0.5);
	return 0;
}

int plate_draw(uint8_t *px, unsigned w, unsigned h, size_t stride, int x, int y, const char *text, double char_h,
	       int paper, int ink)
{
	struct cell {
		double x, y; /* the cell's top left, mm from the plate's */
		int n;
		struct seg sg[MAX_SEG];
	} *cells;
	const char *row[2];
	size_t len[2];
	unsigned pw, ph;
	double wmm, s = char_h / CELL_H;
	int nrows = layout(text, row, len, &wmm), nc = 0;

	if (plate_size(text, char_h, &pw, &ph) || !(cells = malloc(2 * MAX_ROW * sizeof(*cells))))
		return -1;
	for (int r = 0; r < nrows; r++) {
		double cx = SIDE + (wmm - row_width(row[r], len[r])) / 2;
		int gap = 0, first = 1;

		for (size_t i = 0; i < len[r]; i++) {
			struct cell *c = &cells[nc];

			if (row[r][i] == ' ') {
				gap = !first;
				continue;
			}
			cx += (first ? 0 : ADVANCE) + (gap ? GROUP_GAP : 0);
			first = gap = 0;
			c->x = cx;
			c->y = TOP + r * (CELL_H + ROW_GAP);
			c->n = glyph_segs(row[r][i], c->sg);
			if (c->n < 0) {
				free(cells);
				return -1;
			}
			nc++;
		}
	}
	for (unsigned py = 0; py < ph; py++) {
		if ((int)py + y < 0 || (int)py + y >= (int)h)
			continue;
		for (unsigned qx = 0; qx < pw; qx++) {
			int cnt = 0;

			if ((int)qx + x < 0 || (int)qx + x >= (int)w)
				continue;
			for (int sy = 0; sy < SUB; sy++)
				for (int sx = 0; sx < SUB; sx++) {
					double mx = (qx + (sx + 0.5) / SUB) / s, my = (py + (sy + 0.5) / SUB) / s;

					for (int k = 0; k < nc; k++) {
						double gx = mx - cells[k].x, gy = my - cells[k].y;

						if (gx > -HALF_STROKE && gx < CELL_W + HALF_STROKE && gy > -HALF_STROKE &&
						    gy < CELL_H + HALF_STROKE && inked(gx, gy, cells[k].sg, cells[k].n)) {
							cnt++;
							break;
						}
					}
				}
			px[(size_t)(py + y) * stride + qx + x] =
				(uint8_t)((paper * SUB * SUB + (ink - paper) * cnt + SUB * SUB / 2) / (SUB * SUB));
		}
	}
	free(cells);
	return 0;
}

int scene_with_plates(uint8_t *px, unsigned w, unsigned h, const char *const *texts, unsigned n, uint32_t seed)
{
	uint32_t r = seed * 2654435761u + 7;
	unsigned cols = n <= 1 ? 1 : n <= 4 ? 2 : 3, rows = n ? (n + cols - 1) / cols : 1;
	unsigned cw = w / cols, chh = h / rows;

	scene_make(px, w, h, 0, seed);
	for (unsigned i = 0; i < n; i++) {
		double char_h = 18 + scene_rand(&r) % 13;
		int yellow = scene_rand(&r) % 2;
		int paper = yellow ? 180 + (int)(scene_rand(&r) % 26) : 200 + (int)(scene_rand(&r) % 36);
		int ink = 15 + (int)(scene_rand(&r) % 31);
		unsigned pw, ph;

		while (!plate_size(texts[i], char_h, &pw, &ph) && (pw + 8 > cw || ph + 8 > chh) && char_h > 18)
			char_h--;
		if (plate_size(texts[i], char_h, &pw, &ph) || pw + 8 > cw || ph + 8 > chh)
			return -1;
		if (plate_draw(px, w, h, w, (int)((i % cols) * cw + 4 + scene_rand(&r) % (cw - pw - 7)),
			       (int)((i / cols) * chh + 4 + scene_rand(&r) % (chh - ph - 7)), texts[i], char_h, paper,
			       ink))
			return -1;
	}
	return 0;
}
