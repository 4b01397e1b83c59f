/*
 * mkscene.c - write a generated camera frame (sim/scenes.c) as a PGM, a
 * fixture for the command-line tests that need no image files.
 *
 *   mkscene OUT.pgm [WIDTH HEIGHT PLATES SEED [UPSCALE]]
 *   mkscene --plate OUT.pgm CHAR_H TEXT
 *   mkscene --vrms OUT.pgm SEED TEXT...
 *
 * UPSCALE k > 1 writes the frame k times larger, each pixel a k x k block:
 * binned k x k it is the frame again. --plate: one UK plate (sim/plates.h)
 * reading TEXT, characters CHAR_H pixels tall, nothing around it (an
 * image for `anpr read --crop`). --vrms: a 1280x720 frame with a plate for
 * each TEXT (scene_with_plates). TEXT: A-Z, 0-9, ' ' between groups, '/'
 * between the rows of a two-row plate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plates.h"
#include "scenes.h"

static int write_pgm(const char *path, const uint8_t *px, unsigned w, unsigned h)
{
	if (scene_write_pgm(path, px, w, h)) {
		perror(path);
		return 1;
	}
	return 0;
}

static int plate_cmd(int argc, char **argv)
{
	unsigned pw, ph;
	double char_h = argc == 5 ? atof(argv[3]) : 0;
	uint8_t *px;
	int rc;

	if (argc != 5 || plate_size(argv[4], char_h, &pw, &ph)) {
		fprintf(stderr, "usage: mkscene --plate OUT.pgm CHAR_H(8..200) TEXT(A-Z 0-9, ' ' between groups, "
				"'/' between rows)\n");
		return 2;
	}
	px = malloc((size_t)pw * ph);
	if (!px)
		return 1;
	rc = plate_draw(px, pw, ph, pw, 0, 0, argv[4], char_h, 215, 25) ? 1 : write_pgm(argv[2], px, pw, ph);
	free(px);
	return rc;
}

static int vrms_cmd(int argc, char **argv)
{
	uint8_t *px = malloc(1280 * 720);
	int rc;

	if (!px)
		return 1;
	if (argc < 5 || scene_with_plates(px, 1280, 720, (const char *const *)argv + 4, (unsigned)argc - 4,
					  (uint32_t)atoi(argv[3]))) {
		fprintf(stderr, "usage: mkscene --vrms OUT.pgm SEED TEXT... (as many plates as fit; each A-Z 0-9, spaces, one '/')\n");
		free(px);
		return 2;
	}
	rc = write_pgm(argv[2], px, 1280, 720);
	free(px);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--plate"))
		return plate_cmd(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "--vrms"))
		return vrms_cmd(argc, argv);
	unsigned w = argc > 2 ? (unsigned)atoi(argv[2]) : 1280, h = argc > 3 ? (unsigned)atoi(argv[3]) : 720;
	unsigned plates = argc > 4 ? (unsigned)atoi(argv[4]) : 5, seed = argc > 5 ? (unsigned)atoi(argv[5]) : 2026;
	unsigned k = argc > 6 ? (unsigned)atoi(argv[6]) : 1, x, y;
	uint8_t *px, *row;
	FILE *f;

	if (argc < 2 || w < 64 || h < 64 || w > 4096 || h > 4096 || k < 1 || k > 4) {
		fprintf(stderr, "usage: mkscene OUT.pgm [WIDTH HEIGHT PLATES SEED [UPSCALE 1..4]]\n");
		return 2;
	}
	px = malloc((size_t)w * h);
	row = malloc((size_t)w * k);
	f = fopen(argv[1], "wb");
	if (!px || !row || !f) {
		perror(argv[1]);
		return 1;
	}
	scene_make(px, w, h, plates, seed);
	fprintf(f, "P5\n%u %u\n255\n", w * k, h * k);
	for (y = 0; y < h * k; y++) {
		for (x = 0; x < w * k; x++)
			row[x] = px[(size_t)(y / k) * w + x / k];
		if (fwrite(row, 1, (size_t)w * k, f) != (size_t)w * k) {
			perror(argv[1]);
			return 1;
		}
	}
	if (fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	free(row);
	free(px);
	return 0;
}
