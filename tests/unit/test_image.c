/*
 * test_image.c - PNG and PGM loading (host/src/image.c).
 *
 * Test images are written to mkstemp files under /tmp, removed by the suite
 * cleanup. The loader's promise on failure is as important as its pixels:
 * -1, a message naming the file, and the caller's struct untouched.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "anpr/image.h"
#include "tests.h"

#define MAX_TMP 64

static char tmp_paths[MAX_TMP][32];
static unsigned ntmp;

/* A new empty temporary file; returns its path. */
static const char *tmp_file(void)
{
	char *path;
	int fd;

	CU_ASSERT_FATAL(ntmp < MAX_TMP);
	path = tmp_paths[ntmp];
	strcpy(path, "/tmp/anpr_img_XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	ntmp++;
	return path;
}

static const char *write_tmp(const void *data, size_t len)
{
	const char *path = tmp_file();
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(fwrite(data, 1, len, f), len);
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
	return path;
}

static const char *write_str(const char *s)
{
	return write_tmp(s, strlen(s));
}

/* A PGM header followed by raw raster bytes. */
static const char *write_pgm(const char *hdr, const uint8_t *px, size_t n)
{
	size_t h = strlen(hdr);
	uint8_t *b = malloc(h + n);
	const char *path;

	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	memcpy(b, hdr, h);
	memcpy(b + h, px, n);
	path = write_tmp(b, h + n);
	free(b);
	return path;
}

static const char *write_png(const uint8_t *px, unsigned w, unsigned h, uint32_t format)
{
	const char *path = tmp_file();
	png_image pi;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = w;
	pi.height = h;
	pi.format = format;
	CU_ASSERT_FATAL(png_image_write_to_file(&pi, path, 0, px, 0, NULL) != 0);
	return path;
}

static int cleanup_files(void)
{
	while (ntmp)
		unlink(tmp_paths[--ntmp]);
	return 0;
}

/* Load that must succeed with a w x h image; returns it (free it). */
static struct anpr_image load_ok(const char *path, unsigned w, unsigned h)
{
	struct anpr_image img = {0, 0, NULL};
	char err[256] = "";
	int rc = anpr_image_load(path, &img, err, sizeof(err));

	if (rc)
		fprintf(stderr, "\n  unexpected failure: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(img.pixels);
	CU_ASSERT_EQUAL(img.width, w);
	CU_ASSERT_EQUAL(img.height, h);
	return img;
}

/* Load that must fail: -1, the path in the message, *img as it was. */
static void load_fails(const char *path)
{
	static uint8_t sentinel[1];
	struct anpr_image img = {12345, 678, sentinel}, before = img;
	char err[512];

	memset(err, 0, sizeof(err));
	CU_ASSERT_EQUAL(anpr_image_load(path, &img, err, sizeof(err)), -1);
	CU_ASSERT(!memcmp(&img, &before, sizeof(img)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
	/* a reason follows the path */
	CU_ASSERT(strlen(err) > strlen(path) + 2);
}

static void test_pgm_binary(void)
{
	/* raster bytes that look like header syntax must be taken as pixels */
	static const uint8_t px[8] = {0, '\n', ' ', '#', 128, 200, 254, 255};
	const char *path = write_pgm("P5\n# written by test_image.c\n4 # width\n2\n255\n", px, 8);
	struct anpr_image img = load_ok(path, 4, 2);

	CU_ASSERT(!memcmp(img.pixels, px, 8));
	anpr_image_free(&img);
	CU_ASSERT_PTR_NULL(img.pixels);

	img = load_ok(write_pgm("P5 1 1 255\n", px + 5, 1), 1, 1);
	CU_ASSERT_EQUAL(img.pixels[0], 200);
	anpr_image_free(&img);
}

/* maxval < 255 is scaled to the full 0..255 range, rounding. */
static void test_pgm_maxval_scaling(void)
{
	static const uint8_t want[6] = {0, 255, 119, 136, 17, 238};
	uint8_t raw[16];
	struct anpr_image img;
	unsigned i;

	img = load_ok(write_str("P2\n# ascii, 4-bit\n3 2\n15\n0 15 7\n8 # mid\n1 14\n"), 3, 2);
	CU_ASSERT(!memcmp(img.pixels, want, 6));
	anpr_image_free(&img);

	for (i = 0; i < 16; i++)
		raw[i] = (uint8_t)i;
	img = load_ok(write_pgm("P5 4 4 15\n", raw, 16), 4, 4);
	for (i = 0; i < 16; i++)
		CU_ASSERT_EQUAL(img.pixels[i], (i * 255 + 7) / 15);
	anpr_image_free(&img);

	/* rounded to nearest, not truncated: 50/100 is 127.5 */
	img = load_ok(write_str("P2 3 1 100\n50 1 99\n"), 3, 1);
	CU_ASSERT_EQUAL(img.pixels[0], 128);
	CU_ASSERT_EQUAL(img.pixels[1], 3);
	CU_ASSERT_EQUAL(img.pixels[2], 252);
	anpr_image_free(&img);

	/* maxval 1: a bitmap in gray */
	img = load_ok(write_str("P2 2 1 1 0 1\n"), 2, 1);
	CU_ASSERT_EQUAL(img.pixels[0], 0);
	CU_ASSERT_EQUAL(img.pixels[1], 255);
	anpr_image_free(&img);
}

static void test_pgm_ascii(void)
{
	struct anpr_image img = load_ok(write_str("P2\n2 2\n255\n0 255\n\n 17   42"), 2, 2);

	CU_ASSERT_EQUAL(img.pixels[0], 0);
	CU_ASSERT_EQUAL(img.pixels[1], 255);
	CU_ASSERT_EQUAL(img.pixels[2], 17);
	CU_ASSERT_EQUAL(img.pixels[3], 42);
	anpr_image_free(&img);
}

static void test_png_gray(void)
{
	uint8_t px[5 * 3];
	struct anpr_image img;
	unsigned i;

	for (i = 0; i < sizeof(px); i++)
		px[i] = (uint8_t)(i * 17 + 3);
	px[0] = 0;
	px[14] = 255;
	img = load_ok(write_png(px, 5, 3, PNG_FORMAT_GRAY), 5, 3);
	CU_ASSERT(!memcmp(img.pixels, px, sizeof(px)));
	anpr_image_free(&img);
}

/* Colour is converted to luma: neutral colours keep their level, green is
 * the brightest primary and blue the darkest. */
static void test_png_rgb(void)
{
	static const uint8_t rgb[6 * 3] = {
		255, 255, 255, /* white */
		0,   0,   0,   /* black */
		128, 128, 128, /* mid gray */
		255, 0,   0,   /* red */
		0,   255, 0,   /* green */
		0,   0,   255, /* blue */
	};
	struct anpr_image img = load_ok(write_png(rgb, 6, 1, PNG_FORMAT_RGB), 6, 1);
	const uint8_t *p = img.pixels;

	CU_ASSERT_EQUAL(p[0], 255);
	CU_ASSERT_EQUAL(p[1], 0);
	CU_ASSERT(p[2] >= 126 && p[2] <= 130);
	CU_ASSERT(p[4] > p[3] && p[3] > p[5]);
	CU_ASSERT(p[5] > 0 && p[4] < 255);
	anpr_image_free(&img);
}

static void test_pgm_errors(void)
{
	static const uint8_t px[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static uint8_t big[8193]; /* the limit is enforced, not just data missing */

	load_fails(write_pgm("P5\n4 2\n255\n", px, 5));         /* raster truncated */
	load_fails(write_pgm("P5\n4 2\n255\n", px, 0));         /* no raster */
	load_fails(write_str("P2 3 2 255\n1 2 3 4\n"));         /* too few values */
	load_fails(write_str("P2 2 1 15\n3 16\n"));             /* value above maxval */
	load_fails(write_str("P2 2 1 255\n3 x\n"));             /* not a number */
	load_fails(write_pgm("P5 4 2 0\n", px, 8));             /* maxval 0 */
	load_fails(write_pgm("P5 4 2 256\n", px, 8));           /* maxval too big */
	load_fails(write_pgm("P5 4 2 65535\n", px, 8));         /* 16-bit PGM */
	load_fails(write_pgm("P5 0 2 255\n", px, 8));           /* zero width */
	load_fails(write_pgm("P5 2 0 255\n", px, 8));           /* zero height */
	load_fails(write_pgm("P5 8193 1 255\n", big, 8193));    /* too wide */
	load_fails(write_pgm("P5 1 8193 255\n", big, 8193));    /* too tall */
	load_fails(write_pgm("P5 4 x 255\n", px, 8));           /* malformed */
	load_fails(write_pgm("P5 -4 2 255\n", px, 8));
	load_fails(write_pgm("P5 99999999999 2 255\n", px, 8)); /* overflow */
	load_fails(write_str("P5 4 2"));                        /* header cut */
	load_fails(write_str("P2"));
}

static void test_other_errors(void)
{
	uint8_t noise[64 * 64], *buf;
	const char *png;
	FILE *f;
	long n;
	unsigned i;

	load_fails(write_str("hello, world\n"));
	load_fails(write_str(""));
	load_fails(write_str("P"));
	load_fails(write_str("P6 1 1 255\nabc")); /* colour PPM is not supported */
	load_fails("/tmp/anpr_no_such_dir/no_such_file.pgm");
	load_fails("/tmp"); /* a directory */
	/* a PNG signature and then garbage */
	load_fails(write_str("\x89PNG\r\n\x1a\n this is not a PNG stream at all"));

	/* a valid PNG cut in half (noise, so the data is not tiny) */
	for (i = 0; i < sizeof(noise); i++)
		noise[i] = (uint8_t)(i * 2654435761u >> 13);
	png = write_png(noise, 64, 64, PNG_FORMAT_GRAY);
	f = fopen(png, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	CU_ASSERT_FATAL(n > 100);
	buf = malloc((size_t)n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL_FATAL(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	load_fails(write_tmp(buf, (size_t)n / 2));
	load_fails(write_tmp(buf, 40)); /* header chunk only */
	free(buf);
}

/* err is only written within errlen, and errlen 0 means no message. */
static void test_err_buffer(void)
{
	const char *path = write_str("not an image");
	struct anpr_image img = {0, 0, NULL};
	char err[16];

	memset(err, 'Z', sizeof(err));
	CU_ASSERT_EQUAL(anpr_image_load(path, &img, err, 0), -1);
	CU_ASSERT_EQUAL(err[0], 'Z');
	CU_ASSERT_EQUAL(anpr_image_load(path, &img, err, 8), -1);
	CU_ASSERT_EQUAL(err[7], '\0');
	CU_ASSERT(!strncmp(err, path, 7));
	CU_ASSERT_EQUAL(err[8], 'Z');
	CU_ASSERT_PTR_NULL(img.pixels);
}

/* The binning a frame larger than the build gets (anpr_pipe_run) */
static void test_bin(void)
{
	/* 5 x 3 binned 2 x 2: 2 x 1, the last column and row left out; rounded means */
	const uint8_t src[15] = {10, 11, 200, 201, 99, 12, 14, 202, 203, 99, 99, 99, 99, 99, 99};
	uint8_t dst[2] = {0, 0}, big[36], back[4];

	anpr_image_bin(src, 5, 3, 2, dst);
	CU_ASSERT_EQUAL(dst[0], 12);  /* (10 + 11 + 12 + 14 + 2) / 4 */
	CU_ASSERT_EQUAL(dst[1], 202); /* (200 + 201 + 202 + 203 + 2) / 4 */
	/* a 2 x 2 image upscaled 3 x 3 bins back to itself */
	for (unsigned y = 0; y < 6; y++)
		for (unsigned x = 0; x < 6; x++)
			big[y * 6 + x] = (uint8_t)(1 + 60 * (y / 3) + 100 * (x / 3));
	anpr_image_bin(big, 6, 6, 3, back);
	CU_ASSERT(back[0] == 1 && back[1] == 101 && back[2] == 61 && back[3] == 161);
	/* the least factor that fits */
	CU_ASSERT_EQUAL(anpr_image_bin_factor(1280, 720, 1280, 4095), 1);
	CU_ASSERT_EQUAL(anpr_image_bin_factor(1281, 720, 1280, 4095), 2);
	CU_ASSERT_EQUAL(anpr_image_bin_factor(1920, 1080, 1280, 4095), 2);
	CU_ASSERT_EQUAL(anpr_image_bin_factor(3840, 2160, 1280, 4095), 3);
	CU_ASSERT_EQUAL(anpr_image_bin_factor(100, 5000, 1280, 4095), 2);
	CU_ASSERT_EQUAL(anpr_image_bin_factor(1920, 1080, 1920, 4095), 1);
}

/* In place, as the co-simulations and locate_eval drive the model */
static void test_bin_to_fit(void)
{
	struct anpr_image img = {64, 32, malloc(64 * 32)}, flat = {64, 14, malloc(64 * 14)};

	CU_ASSERT_FATAL(img.pixels && flat.pixels);
	for (unsigned i = 0; i < 64 * 32; i++)
		img.pixels[i] = (uint8_t)(i % 64 < 32 ? 40 : 200);
	memset(flat.pixels, 7, 64 * 14);
	CU_ASSERT_EQUAL(anpr_image_bin_to_fit(&img, 32, 4095), 2);
	CU_ASSERT(img.width == 32 && img.height == 16 && img.pixels[0] == 40 && img.pixels[15] == 40 &&
		  img.pixels[16] == 200 && img.pixels[32 * 16 - 1] == 200);
	/* 64 x 14 binned 2 x 2 is 7 high: left as it is, refused later as too wide */
	CU_ASSERT_EQUAL(anpr_image_bin_to_fit(&flat, 32, 4095), 1);
	CU_ASSERT(flat.width == 64 && flat.height == 14);
	/* one that fits is left alone */
	CU_ASSERT_EQUAL(anpr_image_bin_to_fit(&img, 32, 4095), 1);
	CU_ASSERT(img.width == 32 && img.height == 16);
	anpr_image_free(&img);
	anpr_image_free(&flat);
}

int register_image_suite(void)
{
	static CU_TestInfo tests[] = {
		{"binary PGM with comments", test_pgm_binary},
		{"ASCII PGM", test_pgm_ascii},
		{"PGM maxval scaling", test_pgm_maxval_scaling},
		{"8-bit gray PNG", test_png_gray},
		{"RGB PNG to luma", test_png_rgb},
		{"bad PGM files", test_pgm_errors},
		{"other bad files", test_other_errors},
		{"error buffer bounds", test_err_buffer},
		{"binning a frame larger than the build", test_bin},
		{"binning an image in place to fit", test_bin_to_fit},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"image", NULL, cleanup_files, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
