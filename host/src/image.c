/*
 * image.c - PNG (libpng simplified API) and PGM loading.
 */
#include "anpr/image.h"

#include <ctype.h>
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
	if (errlen)
		snprintf(err, errlen, "%s: %s", path, why);
	return -1;
}

static int load_png(const char *path, FILE *f, struct anpr_image *img, char *err, size_t errlen)
{
	png_image pi;
	uint8_t *buf;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_stdio(&pi, f))
		return fail(err, errlen, path, pi.message);
	if (pi.width < 1 || pi.height < 1 || pi.width > ANPR_IMAGE_MAX_SIDE ||
	    pi.height > ANPR_IMAGE_MAX_SIDE) {
		png_image_free(&pi);
		return fail(err, errlen, path, "image size out of range (1..8192 per side)");
	}
	pi.format = PNG_FORMAT_GRAY;
	buf = malloc(PNG_IMAGE_SIZE(pi));
	if (!buf) {
		png_image_free(&pi);
		return fail(err, errlen, path, "out of memory");
	}
	if (!png_image_finish_read(&pi, NULL, buf, 0, NULL)) {
		free(buf);
		return fail(err, errlen, path, pi.message);
	}
	img->width = pi.width;
	img->height = pi.height;
	img->pixels = buf;
	return 0;
}

/* Next PGM header integer, skipping white space and # comments. */
static int pgm_int(FILE *f, unsigned *v)
{
	int ch;
	unsigned long n = 0;
	int digits = 0;

	for (;;) {
		ch = fgetc(f);
		if (ch == '#') {
			while (ch != '\n' && ch != EOF)
				ch = fgetc(f);
		} else if (!isspace(ch)) {
			break;
		}
	}
	while (ch != EOF && isdigit(ch)) {
		n = n * 10 + (unsigned)(ch - '0');
		if (n > 1000000)
			return -1;
		digits++;
		ch = fgetc(f);
	}
	if (!digits)
		return -1;
	if (ch != EOF && !isspace(ch))
		return -1;
	*v = (unsigned)n;
	return 0;
}

static int load_pgm(const char *path, FILE *f, int ascii, struct anpr_image *img, char *err,
		    size_t errlen)
{
	unsigned w, h, maxval, i;
	uint8_t *buf;

	if (pgm_int(f, &w) || pgm_int(f, &h) || pgm_int(f, &maxval))
		return fail(err, errlen, path, "malformed PGM header");
	if (w < 1 || h < 1 || w > ANPR_IMAGE_MAX_SIDE || h > ANPR_IMAGE_MAX_SIDE)
		return fail(err, errlen, path, "image size out of range (1..8192 per side)");
	if (maxval < 1 || maxval > 255)
		return fail(err, errlen, path, "PGM maxval must be 1..255");
	buf = malloc((size_t)w * h);
	if (!buf)
		return fail(err, errlen, path, "out of memory");
	if (!ascii) {
		if (fread(buf, 1, (size_t)w * h, f) != (size_t)w * h) {
			free(buf);
			return fail(err, errlen, path, "PGM pixel data truncated");
		}
		for (i = 0; i < w * h; i++)
			if (buf[i] > maxval) {
				free(buf);
				return fail(err, errlen, path, "PGM pixel value above maxval");
			}
	} else {
		for (i = 0; i < w * h; i++) {
			unsigned v;

			if (pgm_int(f, &v) || v > maxval) {
				free(buf);
				return fail(err, errlen, path, "PGM pixel data malformed or truncated");
			}
			buf[i] = (uint8_t)v;
		}
	}
	if (maxval != 255)
		for (i = 0; i < w * h; i++)
			buf[i] = (uint8_t)((buf[i] * 255u + maxval / 2) / maxval);
	img->width = w;
	img->height = h;
	img->pixels = buf;
	return 0;
}

int anpr_image_load(const char *path, struct anpr_image *img, char *err, size_t errlen)
{
	unsigned char magic[8] = {0};
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc;

	if (!f)
		return fail(err, errlen, path, strerror(errno));
	n = fread(magic, 1, sizeof(magic), f);
	if (n < 3) {
		fclose(f);
		return fail(err, errlen, path, "file too short to be an image");
	}
	if (n == sizeof(magic) && !png_sig_cmp(magic, 0, sizeof(magic))) {
		rewind(f);
		rc = load_png(path, f, img, err, errlen);
	} else if (magic[0] == 'P' && (magic[1] == '5' || magic[1] == '2') && isspace(magic[2])) {
		fseek(f, 2, SEEK_SET);
		rc = load_pgm(path, f, magic[1] == '2', img, err, errlen);
	} else {
		rc = fail(err, errlen, path, "not a PNG or PGM file");
	}
	fclose(f);
	return rc;
}

void anpr_image_free(struct anpr_image *img)
{
	free(img->pixels);
	img->pixels = NULL;
}

int anpr_image_png(const uint8_t *px, unsigned w, unsigned h, size_t stride, void **out, size_t *len)
{
	png_image pi;
	png_alloc_size_t n = 0;
	void *buf;

	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = w;
	pi.height = h;
	pi.format = PNG_FORMAT_GRAY;
	if (!w || !h || stride > 0x7fffffff ||
	    !png_image_write_to_memory(&pi, NULL, &n, 0, px, (png_int_32)stride, NULL))
		return -1;
	buf = malloc(n);
	if (!buf)
		return -1;
	if (!png_image_write_to_memory(&pi, buf, &n, 0, px, (png_int_32)stride, NULL)) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n;
	return 0;
}

unsigned anpr_image_bin_factor(unsigned width, unsigned height, unsigned max_width, unsigned max_height)
{
	unsigned k = 1;

	while (max_width && max_height && ((width + k - 1) / k > max_width || (height + k - 1) / k > max_height))
		k++;
	return k;
}

void anpr_image_bin(const uint8_t *src, unsigned width, unsigned height, unsigned k, uint8_t *dst)
{
	unsigned bw = width / k, bh = height / k, x, y, i, j;

	for (y = 0; y < bh; y++)
		for (x = 0; x < bw; x++) {
			unsigned sum = 0;

			for (j = 0; j < k; j++)
				for (i = 0; i < k; i++)
					sum += src[(size_t)(y * k + j) * width + x * k + i];
			dst[(size_t)y * bw + x] = (uint8_t)((sum + k * k / 2) / (k * k));
		}
}

unsigned anpr_image_bin_to_fit(struct anpr_image *img, unsigned max_width, unsigned max_height)
{
	unsigned k = anpr_image_bin_factor(img->width, img->height, max_width, max_height);
	uint8_t *b;

	if (k == 1 || img->width / k < 16 || img->height / k < 8)
		return 1;
	b = malloc((size_t)(img->width / k) * (img->height / k));
	if (!b)
		return 0;
	anpr_image_bin(img->pixels, img->width, img->height, k, b);
	free(img->pixels);
	img->pixels = b;
	img->width /= k;
	img->height /= k;
	return k;
}
