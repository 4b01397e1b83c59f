/*
 * bench_read.c - speed of reading (make bench; docs/PERFORMANCE.md).
 *
 *   build/bench_read [--data DIR]
 *
 * 1. One character: tile normalisation plus classification, and the
 *    classification alone, in microseconds (median of 5 runs of 2,000,
 *    and the best of the 5). Characters come from DIR/gb-chars when
 *    present, else from the generated scene's crops.
 * 2. A whole `anpr read` of a 1280x720 frame on the model backend
 *    (localisation, segmentation, classification, grammar), in ms per
 *    frame: the generated scene (median of 5), and DIR/us-scenes frames
 *    of that size (each read 3 times in turn, its median: the mean and
 *    the worst frame; and each frame's best of its 3).
 * One thread, one core. The median is the figure; the best is the run
 * the machine disturbed least: a pause in one run does not count in it,
 * but a slow phase of a shared virtual machine that lasts the whole bench
 * does (docs/PERFORMANCE.md section 6, "Session 25").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anpr/anpr.h"
#include "anpr/classify.h"
#include "anpr/image.h"
#include "anpr/read.h"
#include "dataset.h"
#include "scenes.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of the n (odd) times of v, which it sorts. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return v[n / 2];
}

/* The least of the n times of v. */
static double best(const double *v, int n)
{
	double b = v[0];
	int i;

	for (i = 1; i < n; i++)
		b = v[i] < b ? v[i] : b;
	return b;
}

#define NCHARS 64

int main(int argc, char **argv)
{
	const char *data = NULL;
	static struct anpr_image imgs[NCHARS];
	static uint8_t tiles[NCHARS][ANPR_TILE_IN];
	struct anpr_plate_read plates[ANPR_READ_MAX_PLATES];
	struct anpr_read_opts opts = {ANPR_COUNTRY_GB, NULL};
	double t_full[5], t_cls[5], t_frame[5];
	float p[ANPR_NCLASS];
	char err[512], path[4096];
	anpr_pipe *pipe;
	uint8_t *scene;
	int n = 0, i, r, np, nframes = 0;
	volatile float sink = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			data = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_read [--data DIR]\n");
			return 2;
		}
	}
	if (data) { /* every 20th tile of gb-chars */
		struct truth_row *rows;
		int nrows;

		snprintf(path, sizeof(path), "%s/gb-chars", data);
		nrows = dataset_load(path, &rows);
		for (i = 19; i < nrows && n < NCHARS; i += 20) {
			snprintf(path, sizeof(path), "%s/gb-chars/%s", data, rows[i].file);
			if (!anpr_image_load(path, &imgs[n], err, sizeof(err)))
				n++;
		}
		if (nrows > 0)
			free(rows);
	}
	if (!n) { /* no data: 32x48 cut-outs of the generated scene */
		scene = malloc(1280 * 720);
		scene_make(scene, 1280, 720, 5, 2026);
		for (n = 0; n < NCHARS; n++) {
			imgs[n].width = 32;
			imgs[n].height = 48;
			imgs[n].pixels = malloc(32 * 48);
			for (i = 0; i < 48; i++)
				memcpy(imgs[n].pixels + i * 32, scene + (size_t)(300 + i) * 1280 + 200 + 13 * n, 32);
		}
		free(scene);
	}
	for (r = 0; r < 5; r++) {
		double t0 = now_us();
		int k;

		for (k = 0; k < 2000; k++) {
			const struct anpr_image *im = &imgs[k % n];

			anpr_char_tile_image(im->pixels, im->width, im->height, im->width, tiles[k % n]);
			anpr_classify(&anpr_classifier_default, tiles[k % n], p);
			sink += p[0];
		}
		t_full[r] = (now_us() - t0) / 2000;
		t0 = now_us();
		for (k = 0; k < 2000; k++) {
			anpr_classify(&anpr_classifier_default, tiles[k % n], p);
			sink += p[1];
		}
		t_cls[r] = (now_us() - t0) / 2000;
	}
	{
		const struct anpr_classifier *m = &anpr_classifier_default;
		double bf = best(t_full, 5), bc = best(t_cls, 5);
		int members = 0;

		for (; m; m = m->next)
			members++;
		printf("bench_read: one character (%s tiles, %d network%s of %d hidden units, %s kernels): tile + "
		       "classify %.2f us, classify %.2f us (target <= 20 us); best of 5: %.2f us, %.2f us\n",
		       data ? "gb-chars" : "generated", members, members > 1 ? "s" : "", anpr_classifier_default.nhid,
		       anpr_classify_kernels(), median(t_full, 5), median(t_cls, 5), bf, bc);
	}
	{ /* every kernel set this CPU runs, side by side */
		const char *names[4];
		double t_k[4];
		int nk = anpr_classify_kernel_list(names, 4), j, k;

		for (j = 0; j < nk; j++) {
			for (r = 0; r < 5; r++) {
				double t0 = now_us();

				for (k = 0; k < 2000; k++) {
					anpr_classify_with(names[j], &anpr_classifier_default, tiles[k % n], p);
					sink += p[2];
				}
				t_cls[r] = (now_us() - t0) / 2000;
			}
			t_k[j] = median(t_cls, 5);
		}
		printf("bench_read: classify by kernel set:");
		for (j = 0; j < nk; j++)
			printf(" %s %.2f us (x %.2f)%s", names[j], t_k[j], t_k[j] / t_k[0], j + 1 < nk ? "," : "\n");
	}

	if (anpr_pipe_open(&pipe, "model", err, sizeof(err))) {
		fprintf(stderr, "bench_read: %s\n", err);
		return 1;
	}
	scene = malloc(1280 * 720);
	scene_make(scene, 1280, 720, 5, 2026);
	for (r = 0; r < 5; r++) {
		double t0 = now_us();

		anpr_read_frame(&opts, pipe, scene, 1280, 720, plates, ANPR_READ_MAX_PLATES, &np);
		t_frame[r] = (now_us() - t0) / 1e3;
	}
	printf("bench_read: read of the generated 1280x720 scene (model backend): %.2f ms per frame (target <= 15 ms)\n",
	       median(t_frame, 5));
	free(scene);
	if (data) { /* each frame read 3 times, in turn: its median (the host's pause in one read does not count) */
		struct truth_row *rows;
		static struct anpr_image frames[128];
		double total = 0, worst = 0, btotal = 0, bworst = 0, t[128][3];
		int nrows;

		snprintf(path, sizeof(path), "%s/us-scenes", data);
		nrows = dataset_load(path, &rows);
		for (i = 0; i < nrows && nframes < 128; i++) {
			snprintf(path, sizeof(path), "%s/us-scenes/%s", data, rows[i].file);
			if (anpr_image_load(path, &frames[nframes], err, sizeof(err)))
				continue;
			if (frames[nframes].width == 1280 && frames[nframes].height == 720)
				nframes++;
			else
				anpr_image_free(&frames[nframes]);
		}
		if (nrows > 0)
			free(rows);
		for (r = 0; r < 3; r++)
			for (i = 0; i < nframes; i++) {
				double t0 = now_us();

				anpr_read_frame(&opts, pipe, frames[i].pixels, 1280, 720, plates, ANPR_READ_MAX_PLATES, &np);
				t[i][r] = (now_us() - t0) / 1e3;
			}
		for (i = 0; i < nframes; i++) {
			double bms = best(t[i], 3), ms = median(t[i], 3);

			total += ms;
			worst = ms > worst ? ms : worst;
			btotal += bms;
			bworst = bms > bworst ? bms : bworst;
			anpr_image_free(&frames[i]);
		}
		if (nframes)
			printf("bench_read: read of %d real 1280x720 frames (us-scenes, model backend): mean %.2f ms, "
			       "worst %.2f ms per frame (each frame's median of 3 reads); each frame's best of 3: mean "
			       "%.2f ms, worst %.2f ms\n",
			       nframes, total / nframes, worst, btotal / nframes, bworst);
	}
	anpr_pipe_close(pipe);
	for (i = 0; i < n; i++)
		free(imgs[i].pixels);
	return sink < -1;
}
