/*
 * mkscene.c - write a generated camera frame (sim/scenes.c) as a PGM, a
 * fixture for the command-line tests that need no image files.
 *
 *   mkscene OUT.pgm [WIDTH HEIGHT PLATES SEED [UPSCALE]]
 *
 * UPSCALE k > 1 writes the frame k times larger, each pixel a k x k block:
 * binned k x k it is the frame again.
 */
#include <stdio.h>
#include <stdlib.h>

#include "scenes.h"

int main(int argc, char **argv)
{
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
