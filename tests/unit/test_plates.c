/*
 * test_plates.c - the drawn UK plates (sim/plates.c) and the reader on
 * them: the one place without image files where the characters the
 * reader classifies are real ones, so a reader that stops reading the
 * plate typeface fails here and not only in `make eval`. Also a frame's
 * two-row plates, through the C model's pipeline and the frame reader.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "anpr/anpr.h"
#include "anpr/pipe.h"
#include "anpr/read.h"
#include "plates.h"
#include "tests.h"

/* A plate drawn alone (paper 215, ink 25); NULL if refused. */
static uint8_t *draw(const char *text, double char_h, unsigned *w, unsigned *h)
{
	uint8_t *px;

	if (plate_size(text, char_h, w, h))
		return NULL;
	px = malloc((size_t)*w * *h);
	if (px && plate_draw(px, *w, *h, *w, 0, 0, text, char_h, 215, 25)) {
		free(px);
		return NULL;
	}
	return px;
}

static void test_plate_size(void)
{
	static const char *const bad[] = {"", "ab12cde", "AB-12", "/", "AB/", "/AB", "A/B/C", "AB//CD",
					  "ABCDEFGHJKLMN", "AB\tCD"};
	unsigned w, h, w2, h2;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(plate_size(bad[i], 24, &w, &h), -1);
	CU_ASSERT_EQUAL(plate_size("AB12CDE", 7.9, &w, &h), -1);
	CU_ASSERT_EQUAL(plate_size("AB12CDE", 200.1, &w, &h), -1);
	/* 7 cells of 50 mm, 6 gaps of 11, 14 of paper each side; 79 + 2 x 16 tall: at 1 px a mm */
	CU_ASSERT_EQUAL(plate_size("AB12CDE", 79, &w, &h), 0);
	CU_ASSERT_EQUAL(w, 7 * 50 + 6 * 11 + 28);
	CU_ASSERT_EQUAL(h, 79 + 32);
	/* the group gap: 33 mm in place of 11; spaces before, after or doubled add nothing more */
	CU_ASSERT_EQUAL(plate_size("AB12 CDE", 79, &w2, &h2), 0);
	CU_ASSERT_EQUAL(w2, w + 22);
	CU_ASSERT_EQUAL(plate_size(" AB12  CDE ", 79, &w, &h), 0);
	CU_ASSERT_EQUAL(w, w2);
	/* two rows: the wider row's width, 19 mm between rows */
	CU_ASSERT_EQUAL(plate_size("AB12/CDE", 79, &w, &h), 0);
	CU_ASSERT_EQUAL(w, 4 * 50 + 3 * 11 + 28);
	CU_ASSERT_EQUAL(h, 2 * 79 + 19 + 32);
	/* rows of unequal width: the wider one's */
	CU_ASSERT_EQUAL(plate_size("A1/BCD", 79, &w, &h), 0);
	CU_ASSERT_EQUAL(w, 3 * 50 + 2 * 11 + 28);
}

static void test_plate_vrm(void)
{
	char v[8];

	plate_vrm(" AB12/ CDE", v, sizeof(v));
	CU_ASSERT_STRING_EQUAL(v, "AB12CDE");
	plate_vrm("AB12 CDE", v, 5);
	CU_ASSERT_STRING_EQUAL(v, "AB12");
}

static void test_plate_draw(void)
{
	unsigned w, h, w2, h2, ink = 0;
	uint8_t *a = draw("KM65 TXV", 24, &w, &h), *b = draw("KM65 TXV", 24, &w2, &h2);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(w, w2);
	CU_ASSERT(!memcmp(a, b, (size_t)w * h)); /* deterministic */
	for (size_t i = 0; i < (size_t)w * h; i++) {
		CU_ASSERT(a[i] >= 25 && a[i] <= 215);
		ink += a[i] < 120;
	}
	/* paper around the characters, ink inside: a tenth to a half of the plate */
	CU_ASSERT_EQUAL(a[0], 215);
	CU_ASSERT_EQUAL(a[(size_t)w * h - 1], 215);
	CU_ASSERT(ink > w * h / 10 && ink < w * h / 2);
	free(a);
	free(b);
	/* clipped at every edge of the frame: nothing outside it written (ASan) */
	a = calloc(64 * 32, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(plate_draw(a, 64, 32, 64, -40, -10, "AB12 CDE", 30, 200, 20), 0);
	CU_ASSERT_EQUAL(plate_draw(a, 64, 32, 64, 30, 20, "AB12 CDE", 30, 200, 20), 0);
	CU_ASSERT_EQUAL(plate_draw(a, 64, 32, 64, 0, 0, "AB12 CDE", 7, 200, 20), -1);
	free(a);
}

/* Every character of the current GB format, each at several sizes, is read
 * back exactly from its plate. */
static void test_plate_read(void)
{
	static const char *const vrms[] = {"AB12 CDE", "FG63 HJK", "LM07 NOP", "RS19 TUV", "WX51 YZA", "BD48 KMN"};
	static const double heights[] = {14, 20, 30, 44};
	struct anpr_read_opts o = {ANPR_COUNTRY_GB, NULL};
	struct anpr_plate_read pl[ANPR_READ_MAX_PLATES];

	for (size_t i = 0; i < sizeof(vrms) / sizeof(vrms[0]); i++)
		for (size_t k = 0; k < sizeof(heights) / sizeof(heights[0]); k++) {
			unsigned w, h;
			uint8_t *px = draw(vrms[i], heights[k], &w, &h);
			char want[16];
			int n;

			CU_ASSERT_PTR_NOT_NULL_FATAL(px);
			plate_vrm(vrms[i], want, sizeof(want));
			n = anpr_read_crop(&o, px, w, h, w, 0, 0, NULL, pl);
			CU_ASSERT_EQUAL(n, 1);
			if (n == 1) {
				CU_ASSERT_STRING_EQUAL(pl[0].text, want);
				CU_ASSERT_EQUAL(pl[0].rows, 1);
				CU_ASSERT(pl[0].confidence > 0.5);
			}
			free(px);
		}
}

/* A two-row plate (a motorcycle's) is read top row, then bottom. */
static void test_plate_read_two_rows(void)
{
	struct anpr_read_opts o = {ANPR_COUNTRY_GB, NULL};
	struct anpr_plate_read pl[ANPR_READ_MAX_PLATES];
	unsigned w, h;
	uint8_t *px = draw("KM65/TXV", 24, &w, &h);
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(px);
	n = anpr_read_crop(&o, px, w, h, w, 0, 0, NULL, pl);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_STRING_EQUAL(pl[0].text, "KM65TXV");
		CU_ASSERT_EQUAL(pl[0].rows, 2);
	}
	free(px);
}

/* Characters slanted as italics are (an italic face, a plate seen askew):
 * anpr_read_slant measures the slant, and the crop reads as drawn (it is
 * read again sheared upright); an upright plate measures upright. */
static void test_plate_read_slanted(void)
{
	static const char *const vrms[] = {"AB12 CDE", "WX51 YZA", "BD48 KMN", "FG63 HJK"};
	static const double slants[] = {0.25, -0.25, 0.3, -0.15};
	struct anpr_read_opts o = {ANPR_COUNTRY_GB, NULL};
	struct anpr_plate_read pl[ANPR_READ_MAX_PLATES];
	double m = 99;
	unsigned w, h;
	uint8_t *px;

	for (size_t i = 0; i < sizeof(vrms) / sizeof(vrms[0]); i++) {
		double k = slants[i];
		unsigned pad, W;
		uint8_t *sl;
		char want[16];
		int n;

		px = draw(vrms[i], 24, &w, &h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(px);
		plate_vrm(vrms[i], want, sizeof(want));
		/* sheared by -k, upright strokes slant by k */
		pad = anpr_read_upright_pad(h, -k);
		W = w + 2 * pad;
		sl = malloc((size_t)W * h);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
		CU_ASSERT_EQUAL_FATAL(anpr_read_upright(px, w, h, w, -k, sl), ANPR_OK);
		n = anpr_read_crop(&o, sl, W, h, W, 0, 0, NULL, pl);
		CU_ASSERT_EQUAL(n, 1);
		if (n == 1) {
			CU_ASSERT_STRING_EQUAL(pl[0].text, want);
			CU_ASSERT(anpr_read_slant(sl, W, h, W, 0, 0, &pl[0], &m));
			CU_ASSERT_DOUBLE_EQUAL(m, k, 0.05); /* WX51YZA: -0.21, few upright strokes */
			for (int c = 0; c < pl[0].nchars; c++)
				CU_ASSERT(pl[0].chars[c].box.x + pl[0].chars[c].box.w <= W);
		}
		free(sl);
		free(px);
	}
	px = draw("AB12 CDE", 24, &w, &h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(px);
	CU_ASSERT_EQUAL_FATAL(anpr_read_crop(&o, px, w, h, w, 0, 0, NULL, pl), 1);
	CU_ASSERT(anpr_read_slant(px, w, h, w, 0, 0, &pl[0], &m));
	CU_ASSERT_DOUBLE_EQUAL(m, 0, 0.02);
	/* the boxes as frame pixels: the crop's corner at (100, 50) */
	for (int c = 0; c < pl[0].nchars; c++) {
		pl[0].chars[c].box.x = (uint16_t)(pl[0].chars[c].box.x + 100);
		pl[0].chars[c].box.y = (uint16_t)(pl[0].chars[c].box.y + 50);
	}
	m = 99;
	CU_ASSERT(anpr_read_slant(px, w, h, w, 100, 50, &pl[0], &m));
	CU_ASSERT_DOUBLE_EQUAL(m, 0, 0.02);
	CU_ASSERT_FALSE(anpr_read_slant(NULL, w, h, w, 0, 0, &pl[0], &m));
	pl[0].nchars = 0;
	CU_ASSERT_FALSE(anpr_read_slant(px, w, h, w, 0, 0, &pl[0], &m));
	CU_ASSERT_EQUAL(anpr_read_upright(px, w, h, w, NAN, px), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_read_upright(px, w, h, w - 1, 0.1, px), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_read_upright_pad(h, 0), 0);
	free(px);
}

/* A frame of plates: each in its own cell, all refused together. */
static void test_scene_with_plates(void)
{
	static const char *const t[] = {"KM65 TXV", "RK19 WMN", "LS07 GHJ", "FX51 ROS", "BD51 SMR"};
	static const char *const bad[] = {"KM65 TXV", "RK19 wmn"};
	uint8_t *a = malloc(1280 * 720), *b = malloc(1280 * 720);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(scene_with_plates(a, 1280, 720, t, 5, 7), 0);
	CU_ASSERT_EQUAL(scene_with_plates(b, 1280, 720, t, 5, 7), 0);
	CU_ASSERT(!memcmp(a, b, 1280 * 720));
	CU_ASSERT_EQUAL(scene_with_plates(b, 1280, 720, t, 5, 8), 0);
	CU_ASSERT(memcmp(a, b, 1280 * 720)); /* the seed places them */
	CU_ASSERT_EQUAL(scene_with_plates(a, 1280, 720, bad, 2, 7), -1);
	CU_ASSERT_EQUAL(scene_with_plates(a, 200, 120, t, 5, 7), -1); /* cells too small */
	free(a);
	free(b);
}

/* n plates of the frame read as the registrations want[0..nw) in two
 * rows, and none of confidence 0.5 or more besides them. */
static void check_two_rows(const struct anpr_plate_read *pl, int n, const char *const *want, int nw)
{
	int sure = 0;

	for (int i = 0; i < nw; i++) {
		int j;

		for (j = 0; j < n && strcmp(pl[j].text, want[i]); j++)
			;
		CU_ASSERT(j < n);
		if (j < n)
			CU_ASSERT_EQUAL(pl[j].rows, 2);
	}
	for (int j = 0; j < n; j++)
		sure += pl[j].confidence >= 0.5f;
	CU_ASSERT_EQUAL(sure, nw);
}

/* Two-row plates in a frame, through the C model's pipeline: the FPGA finds
 * each row as a candidate of its own (or, with one candidate kept, a top
 * row alone); the frame reader reads each plate whole, in two rows, and no
 * row as a plate of its own (read_frame.c: read_stack, read_row). Read
 * row by row they gave AB12 and MA06CCA, both at 0.98. */
static void test_frame_two_rows(void)
{
	static const char *const t[] = {"AB12/CDE", "MA06/RRV", "W606/KCB"};
	static const char *const want[] = {"AB12CDE", "MA06RRV", "W606KCB"};
	static struct anpr_plate_read pl[ANPR_READ_MAX_PLATES];
	struct anpr_read_opts o = {ANPR_COUNTRY_GB, NULL};
	struct anpr_pipe_reg one = {"max_cands", 1};
	uint8_t *px = malloc(1280 * 720);
	anpr_pipe *p;
	char err[256];
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(px);
	CU_ASSERT_FATAL(!scene_with_plates(px, 1280, 720, t, 3, 5));
	CU_ASSERT_FATAL(!anpr_pipe_open(&p, "model", err, sizeof(err)));
	CU_ASSERT_EQUAL(anpr_read_frame(&o, p, px, 1280, 720, pl, ANPR_READ_MAX_PLATES, &n), ANPR_OK);
	check_two_rows(pl, n, want, 3);
	CU_ASSERT_EQUAL(anpr_pipe_set_registers(p, &one, 1), ANPR_OK);
	CU_ASSERT_EQUAL(anpr_read_frame(&o, p, px, 1280, 720, pl, ANPR_READ_MAX_PLATES, &n), ANPR_OK);
	check_two_rows(pl, n, want + 1, 1); /* MA06, its top row, ranks first */
	anpr_pipe_close(p);
	free(px);
}

int register_plates_suite(void)
{
	static CU_TestInfo tests[] = {
		{"plates: size of one and two rows, group gaps, refused texts", test_plate_size},
		{"plates: the registration a plate's text shows", test_plate_vrm},
		{"plates: drawn deterministically within the paper and ink levels, clipped", test_plate_draw},
		{"plates: every GB character read back at 14 to 44 pixels", test_plate_read},
		{"plates: a two-row plate read top row first", test_plate_read_two_rows},
		{"plates: slanted characters measured and read upright", test_plate_read_slanted},
		{"plates: a frame of plates, placed by its seed", test_scene_with_plates},
		{"plates: a frame's two-row plates read whole (model backend)", test_frame_two_rows},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"plates", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
