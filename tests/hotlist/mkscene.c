/*
 * mkscene.c - write a generated camera frame (sim/scenes.c) as a PGM, a
 * fixture for the command-line tests that need no image files.
 *
 *   mkscene OUT.pgm [WIDTH HEIGHT PLATES SEED]
 */
#include <stdio.h>
#include <stdlib.h>

#include "scenes.h"

int main(int argc, char **argv)
{
	unsigned w = argc > 2 ? (unsigned)atoi(argv[2]) : 1280, h = argc > 3 ? (unsigned)atoi(argv[3]) : 720;
	unsigned plates = argc > 4 ? (unsigned)atoi(argv[4]) : 5, seed = argc > 5 ? (unsigned)atoi(argv[5]) : 2026;
	uint8_t *px;
	FILE *f;

	if (argc < 2 || w < 64 || h < 64 || w > 4096 || h > 4096) {
		fprintf(stderr, "usage: mkscene OUT.pgm [WIDTH HEIGHT PLATES SEED]\n");
		return 2;
	}
	px = malloc((size_t)w * h);
	f = fopen(argv[1], "wb");
	if (!px || !f) {
		perror(argv[1]);
		return 1;
	}
	scene_make(px, w, h, plates, seed);
	fprintf(f, "P5\n%u %u\n255\n", w, h);
	if (fwrite(px, 1, (size_t)w * h, f) != (size_t)w * h || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	free(px);
	return 0;
}
