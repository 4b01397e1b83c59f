/*
 * plates.c - UK number plates drawn from their registration (plates.h).
 */
#include "plates.h"

#include <stdlib.h>

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

/* A plate's text laid out: each character's cell (top left, mm from the
 * plate's), the rows centred on the widest. */
struct layout {
	int nrows, nc;
	double wmm; /* the widest row's width */
	double x[2 * MAX_ROW], y[2 * MAX_ROW];
	char c[2 * MAX_ROW];
};

/* Returns 0, or -1 for a character without a glyph, an empty row, more
 * than MAX_ROW characters in a row or more than 2 rows. */
static int lay_out(const char *text, struct layout *L)
{
	double rw[2] = {0, 0};
	int first[2] = {0, 0};

	L->nrows = 1;
	L->nc = 0;
	L->wmm = 0;
	for (int r = 0; r < 2; r++) {
		int n = 0, gap = 0;

		first[r] = L->nc;
		for (; *text && *text != '/'; text++) {
			if (*text == ' ') {
				gap = n > 0;
				continue;
			}
			if (!glyph(*text) || n == MAX_ROW)
				return -1;
			rw[r] += (n ? ADVANCE - CELL_W : 0) + (gap ? GROUP_GAP : 0);
			L->x[L->nc] = rw[r];
			L->y[L->nc] = TOP + r * (CELL_H + ROW_GAP);
			L->c[L->nc++] = *text;
			rw[r] += CELL_W;
			n++;
			gap = 0;
		}
		if (!n)
			return -1;
		if (rw[r] > L->wmm)
			L->wmm = rw[r];
		if (!*text)
			break;
		text++; /* the '/' */
		L->nrows = 2;
		if (r == 1)
			return -1; /* a third row */
	}
	for (int k = 0; k < L->nc; k++) {
		int r = k >= first[1] && L->nrows == 2;

		L->x[k] += SIDE + (L->wmm - rw[r]) / 2;
	}
	return 0;
}

/* The laid-out plate's size in pixels at s pixels a mm. */
static void dims(const struct layout *L, double s, unsigned *pw, unsigned *ph)
{
	*pw = (unsigned)((L->wmm + 2 * SIDE) * s + 0.5);
	*ph = (unsigned)((L->nrows * CELL_H + (L->nrows - 1) * ROW_GAP + 2 * TOP) * s + 0.5);
}

int plate_size(const char *text, double char_h, unsigned *pw, unsigned *ph)
{
	struct layout L;

	if (lay_out(text, &L) || !(char_h >= 8 && char_h <= 200))
		return -1;
	dims(&L, char_h / CELL_H, pw, ph);
	return 0;
}

void plate_vrm(const char *text, char *out, size_t size)
{
	size_t k = 0;

	for (; *text && k + 1 < size; text++)
		if (*text != ' ' && *text != '/')
			out[k++] = *text;
	if (size)
		out[k] = 0;
}

int plate_draw(uint8_t *px, unsigned w, unsigned h, size_t stride, int x, int y, const char *text, double char_h,
	       int paper, int ink)
{
	struct cell {
		int n;
		struct seg sg[MAX_SEG];
	} *cells;
	struct layout L;
	unsigned pw, ph;
	double s = char_h / CELL_H;
	int nc;

	if (lay_out(text, &L) || !(char_h >= 8 && char_h <= 200) || !(cells = malloc((size_t)L.nc * sizeof(*cells))))
		return -1;
	dims(&L, s, &pw, &ph);
	nc = L.nc;
	for (int k = 0; k < nc; k++) {
		cells[k].n = glyph_segs(L.c[k], cells[k].sg);
		if (cells[k].n < 0) {
			free(cells);
			return -1;
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
						double gx = mx - L.x[k], gy = my - L.y[k];

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
