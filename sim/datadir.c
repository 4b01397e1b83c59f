/*
 * datadir.c - the development images as test frames (datadir.h).
 */
#include "datadir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/pipe.h" /* ANPR_MAX_LINES */

void datadir_each_png(const char *dir, unsigned max_width, int quick, datadir_fn fn, void *ctx, int *failures)
{
	struct dirent **sets;
	int nsets, n = 0;

	nsets = scandir(dir, &sets, NULL, alphasort);
	if (nsets < 0) {
		printf("skip: %s not found\n", dir);
		return;
	}
	for (int k = 0; k < nsets; k++) {
		char path[4096];
		struct dirent **files;
		int nfiles, ran = 0, skipped = 0, binned = 0, before = *failures;

		if (sets[k]->d_name[0] == '.') {
			free(sets[k]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, sets[k]->d_name);
		nfiles = scandir(path, &files, NULL, alphasort);
		if (nfiles < 0) { /* a file beside the folders (README.md) */
			free(sets[k]);
			continue;
		}
		for (int f = 0; f < nfiles; f++) {
			struct anpr_image img;
			char err[512];
			size_t len = strlen(files[f]->d_name);
			unsigned bin;

			if (len < 4 || strcmp(files[f]->d_name + len - 4, ".png") || (quick && ran >= 4)) {
				free(files[f]);
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s/%s", dir, sets[k]->d_name, files[f]->d_name);
			free(files[f]);
			if (anpr_image_load(path, &img, err, sizeof(err))) {
				fprintf(stderr, "%s\n", err);
				(*failures)++;
				continue;
			}
			bin = anpr_image_bin_to_fit(&img, max_width, ANPR_MAX_LINES); /* as the host does (anpr_pipe_run) */
			binned += bin > 1;
			if (!bin) {
				fprintf(stderr, "%s: out of memory\n", path);
				(*failures)++;
			} else if (img.width > max_width || img.width < 16 || img.height < 8) {
				skipped++;
			} else {
				fn(ctx, path, &img, n++);
				ran++;
			}
			anpr_image_free(&img);
		}
		free(files);
		printf("%-44s %s  %d images", sets[k]->d_name, *failures == before ? "ok  " : "FAIL", ran);
		if (binned)
			printf(" (%d binned to fit the build, as the host does)", binned);
		if (skipped)
			printf(", %d skipped (under 16 wide or 8 high)", skipped);
		printf("\n");
		free(sets[k]);
	}
	free(sets);
}
