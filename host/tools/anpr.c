/*
 * anpr.c - the anpr command-line tool.
 *
 *   anpr locate [--backend model|sim|usb[:ARGS]] [--json] FILE...
 *   anpr locate [--backend ...] [--json] --demo
 *   anpr read [--backend model|sim|usb[:ARGS]] [--country gb|eu|any] [--crop] [--json] FILE...
 *   anpr classify [--json] FILE...
 *   anpr demo
 *
 * locate: runs each image (PNG or PGM) through the vision pipeline and
 * prints the plate candidates it emits (box, score, crop, character boxes).
 * --demo uses a generated 1280x720 scene instead of files. demo: the same
 * scene through the C model and the RTL simulation, compared.
 * read: the registrations in each image (a whole frame, localised on the
 * backend; or with --crop, an image that is already a plate). classify:
 * the character in each single-character tile. The JSON lines of read and
 * classify are a contract (docs/reading.md).
 * Exit status: 0, or 1 if any file failed (the others are still processed),
 * 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anpr/anpr.h"
#include "anpr/classify.h"
#include "anpr/grammar.h"
#include "anpr/image.h"
#include "anpr/pipe.h"
#include "anpr/read.h"
#include "anpr/segment.h"
#include "scenes.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_result(const char *name, unsigned w, unsigned h,
			 const struct anpr_frame_result *r, double ms, int json)
{
	if (json) {
		printf("{\"file\":");
		json_str(name);
		printf(",\"width\":%u,\"height\":%u,\"candidates\":[", w, h);
		for (unsigned i = 0; i < r->ncands; i++) {
			const struct anpr_rec_cand *c = &r->cands[i];

			printf("%s{\"score\":%u,\"box\":[%u,%u,%u,%u],\"crop\":[%u,%u,%u,%u],"
			       "\"rows\":%u,\"inverted\":%s,\"chars\":[",
			       i ? "," : "", c->score, c->box.x, c->box.y, c->box.w, c->box.h, c->crop.x,
			       c->crop.y, c->crop.w, c->crop.h, c->rows,
			       (c->flags & ANPR_CAND_F_INVERTED) ? "true" : "false");
			for (unsigned k = 0; k < c->nchars; k++)
				printf("%s[%u,%u,%u,%u]", k ? "," : "", c->chars[k].x, c->chars[k].y,
				       c->chars[k].w, c->chars[k].h);
			printf("]}");
		}
		printf("],\"found\":%u,\"dropped\":%u,\"ms\":%.2f}\n", r->end.found, r->end.dropped, ms);
		return;
	}
	printf("%s: %ux%u, %u candidate(s), %u component(s), %.2f ms\n", name, w, h, r->ncands,
	       r->end.found, ms);
	for (unsigned i = 0; i < r->ncands; i++) {
		const struct anpr_rec_cand *c = &r->cands[i];

		printf("  #%u score %5u  box %4u,%-4u %3ux%-3u  %s%u row(s), %u character box(es)\n", i,
		       c->score, c->box.x, c->box.y, c->box.w, c->box.h,
		       (c->flags & ANPR_CAND_F_INVERTED) ? "inverted, " : "", c->rows, c->nchars);
	}
}

/* A file that could not be read: a JSON error line, or a message on stderr. */
static void file_error(const char *name, const char *why, int json)
{
	if (json) {
		printf("{\"file\":");
		json_str(name);
		printf(",\"error\":");
		json_str(why);
		printf("}\n");
	} else if (!strncmp(why, name, strlen(name))) { /* the loader's reasons name the file */
		fprintf(stderr, "anpr: %s\n", why);
	} else {
		fprintf(stderr, "anpr: %s: %s\n", name, why);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: anpr locate [--backend model|sim|usb[:ARGS]] [--json] (--demo | FILE...)\n"
			"       anpr read [--backend model|sim|usb[:ARGS]] [--country gb|eu|any] [--crop] [--json] FILE...\n"
			"       anpr classify [--json] FILE...\n"
			"       anpr demo\n");
	return 2;
}

static void print_box(const struct anpr_box *b)
{
	printf("[%u,%u,%u,%u]", b->x, b->y, b->w, b->h);
}

static void print_plates(const char *name, unsigned w, unsigned h, const struct anpr_plate_read *pl, int n,
			 double ms, int json)
{
	int i, k;

	if (!json) {
		if (!n)
			printf("%s: no plate read (%.2f ms)\n", name, ms);
		for (i = 0; i < n; i++) {
			printf("%s: %s  confidence %.3f  box %u,%u %ux%u  %d row(s)  %s", name, pl[i].text,
			       pl[i].confidence, pl[i].box.x, pl[i].box.y, pl[i].box.w, pl[i].box.h, pl[i].rows,
			       pl[i].format);
			for (k = 1; k < pl[i].ncands; k++)
				printf("%s%s %.3f", k == 1 ? "  (or " : ", ", pl[i].cands[k].text,
				       pl[i].cands[k].confidence);
			printf("%s  %.2f ms\n", pl[i].ncands > 1 ? ")" : "", ms);
		}
		return;
	}
	printf("{\"file\":");
	json_str(name);
	printf(",\"width\":%u,\"height\":%u,\"plates\":[", w, h);
	for (i = 0; i < n; i++) {
		printf("%s{\"text\":", i ? "," : "");
		json_str(pl[i].text);
		printf(",\"confidence\":%.4f,\"box\":", pl[i].confidence);
		print_box(&pl[i].box);
		printf(",\"rows\":%d,\"format\":", pl[i].rows);
		json_str(pl[i].format);
		printf(",\"candidates\":[");
		for (k = 0; k < pl[i].ncands; k++) {
			printf("%s{\"text\":", k ? "," : "");
			json_str(pl[i].cands[k].text);
			printf(",\"confidence\":%.4f}", pl[i].cands[k].confidence);
		}
		printf("],\"chars\":[");
		for (k = 0; k < pl[i].nchars; k++) {
			printf("%s{\"c\":\"%c\",\"confidence\":%.4f,\"box\":", k ? "," : "", pl[i].chars[k].c,
			       pl[i].chars[k].confidence);
			print_box(&pl[i].chars[k].box);
			printf("}");
		}
		printf("]}");
	}
	printf("],\"ms\":%.2f}\n", ms);
}

static int read_cmd(int argc, char **argv)
{
	const char *backend = "model";
	struct anpr_read_opts opts = {ANPR_COUNTRY_GB, NULL};
	struct anpr_plate_read plates[ANPR_READ_MAX_PLATES];
	int json = 0, crop = 0, status = 0, a, i, rc;
	anpr_pipe *p = NULL;
	char err[512];

	for (a = 0; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--backend") && a + 1 < argc) {
			backend = argv[++a];
		} else if (!strcmp(argv[a], "--country") && a + 1 < argc) {
			if (anpr_country_parse(argv[++a], &opts.country)) {
				fprintf(stderr, "anpr: --country %s: expected gb, eu or any\n", argv[a]);
				return 2;
			}
		} else if (!strcmp(argv[a], "--crop")) {
			crop = 1;
		} else if (!strcmp(argv[a], "--json")) {
			json = 1;
		} else {
			return usage();
		}
	}
	if (a == argc)
		return usage();
	if (!crop) {
		rc = anpr_pipe_open(&p, backend, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "anpr: %s (%s)\n", err, anpr_strerror(rc));
			return 1;
		}
	}
	for (i = a; i < argc; i++) {
		struct anpr_image img;
		double t0;
		int n = 0;

		if (anpr_image_load(argv[i], &img, err, sizeof(err))) {
			file_error(argv[i], err, json);
			status = 1;
			continue;
		}
		t0 = now_ms();
		if (crop) {
			rc = anpr_read_crop(&opts, img.pixels, img.width, img.height, img.width, 0, 0, NULL, plates);
			if (rc >= 0) {
				n = rc;
				rc = 0;
			} else {
				snprintf(err, sizeof(err), "%s (a --crop image is 4 to %d pixels a side)",
					 anpr_strerror(rc), ANPR_SEG_MAX_SIDE);
			}
		} else {
			rc = anpr_read_frame(&opts, p, img.pixels, img.width, img.height, plates,
					     ANPR_READ_MAX_PLATES, &n);
			if (rc)
				snprintf(err, sizeof(err), "%s", anpr_pipe_errmsg(p));
		}
		if (rc) {
			file_error(argv[i], err, json);
			status = 1;
		} else {
			print_plates(argv[i], img.width, img.height, plates, n, now_ms() - t0, json);
		}
		anpr_image_free(&img);
	}
	anpr_pipe_close(p);
	return status;
}

static int classify_cmd(int argc, char **argv)
{
	int json = 0, status = 0, a, i, k, j;
	char err[512];

	for (a = 0; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--json"))
			json = 1;
		else
			return usage();
	}
	if (a == argc)
		return usage();
	for (i = a; i < argc; i++) {
		struct anpr_image img;
		uint8_t tile[ANPR_TILE_IN];
		float p[ANPR_NCLASS], sum = 0;
		int top[3] = {-1, -1, -1};

		if (anpr_image_load(argv[i], &img, err, sizeof(err))) {
			file_error(argv[i], err, json);
			status = 1;
			continue;
		}
		if (anpr_char_tile_image(img.pixels, img.width, img.height, img.width, tile)) {
			file_error(argv[i], "image too large for a character tile", json);
			anpr_image_free(&img);
			status = 1;
			continue;
		}
		anpr_image_free(&img);
		anpr_classify(&anpr_classifier_default, tile, p);
		/* a tile is a character by contract: probabilities over the 36 */
		for (k = 0; k < ANPR_CLASS_JUNK; k++)
			sum += p[k];
		for (k = 0; k < ANPR_CLASS_JUNK; k++) {
			p[k] /= sum;
			for (j = 0; j < 3; j++) {
				if (top[j] < 0 || p[k] > p[top[j]]) {
					memmove(&top[j + 1], &top[j], sizeof(int) * (size_t)(2 - j));
					top[j] = k;
					break;
				}
			}
		}
		if (json) {
			printf("{\"file\":");
			json_str(argv[i]);
			printf(",\"char\":\"%c\",\"confidence\":%.4f,\"top\":[", anpr_class_char(top[0]), p[top[0]]);
			for (j = 0; j < 3; j++)
				printf("%s[\"%c\",%.4f]", j ? "," : "", anpr_class_char(top[j]), p[top[j]]);
			printf("]}\n");
		} else {
			printf("%s: %c %.3f  (%c %.3f, %c %.3f)\n", argv[i], anpr_class_char(top[0]), p[top[0]],
			       anpr_class_char(top[1]), p[top[1]], anpr_class_char(top[2]), p[top[2]]);
		}
	}
	return status;
}

static int locate(int argc, char **argv)
{
	const char *backend = "model";
	int json = 0, demo = 0, status = 0, a;
	anpr_pipe *p;
	char err[512];
	int rc;

	for (a = 0; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--backend") && a + 1 < argc)
			backend = argv[++a];
		else if (!strcmp(argv[a], "--json"))
			json = 1;
		else if (!strcmp(argv[a], "--demo"))
			demo = 1;
		else
			return usage();
	}
	if (!demo && a == argc)
		return usage();
	rc = anpr_pipe_open(&p, backend, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "anpr: %s (%s)\n", err, anpr_strerror(rc));
		return 1;
	}
	for (int i = demo ? argc - 1 : a; i < argc; i++) {
		struct anpr_image img;
		struct anpr_frame_result r;
		const char *name = demo ? "demo" : argv[i];
		double t0;

		if (demo) {
			img.width = 1280;
			img.height = 720;
			img.pixels = malloc(1280 * 720);
			if (!img.pixels)
				return 1;
			scene_make(img.pixels, 1280, 720, 5, 2026);
		} else if (anpr_image_load(argv[i], &img, err, sizeof(err))) {
			file_error(argv[i], err, json);
			status = 1;
			continue;
		}
		t0 = now_ms();
		rc = anpr_pipe_run(p, img.pixels, img.width, img.height, &r);
		if (rc) {
			file_error(name, anpr_pipe_errmsg(p), json);
			status = 1;
		} else {
			print_result(name, img.width, img.height, &r, now_ms() - t0, json);
		}
		anpr_image_free(&img);
	}
	anpr_pipe_close(p);
	return status;
}

/* The demo scene through the C model and the RTL: the records must agree. */
static int demo(void)
{
	const char *backends[2] = {"model", "sim"};
	struct anpr_frame_result r[2];
	anpr_pipe *p[2];
	uint8_t *px = malloc(1280 * 720);
	char err[512];
	int same;

	if (!px)
		return 1;
	scene_make(px, 1280, 720, 5, 2026);
	for (int k = 0; k < 2; k++) {
		double t0;
		int rc = anpr_pipe_open(&p[k], backends[k], err, sizeof(err));

		if (rc) {
			fprintf(stderr, "anpr: %s\n", err);
			return 1;
		}
		t0 = now_ms();
		if (anpr_pipe_run(p[k], px, 1280, 720, &r[k])) {
			fprintf(stderr, "anpr: %s\n", anpr_pipe_errmsg(p[k]));
			return 1;
		}
		printf("backend %s: %.1f ms, %llu %s\n", backends[k], now_ms() - t0,
		       (unsigned long long)anpr_pipe_cycles(p[k]), k ? "clock cycles" : "pixels");
		print_result("demo 1280x720", 1280, 720, &r[k], now_ms() - t0, 0);
	}
	same = r[0].ncands == r[1].ncands;
	for (unsigned i = 0; same && i < r[0].ncands; i++) {
		const struct anpr_rec_cand *a = &r[0].cands[i], *b = &r[1].cands[i];

		same = a->score == b->score && !memcmp(&a->box, &b->box, sizeof(a->box)) &&
		       !memcmp(&a->crop, &b->crop, sizeof(a->crop)) && a->nchars == b->nchars &&
		       !memcmp(a->pixels, b->pixels, (size_t)a->crop.w * a->crop.h) &&
		       !memcmp(a->chars, b->chars, a->nchars * sizeof(a->chars[0]));
	}
	printf("C model and RTL records %s\n", same ? "agree" : "DIFFER");
	anpr_pipe_close(p[0]);
	anpr_pipe_close(p[1]);
	free(px);
	return same ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "locate"))
		return locate(argc - 2, argv + 2);
	if (!strcmp(argv[1], "read"))
		return read_cmd(argc - 2, argv + 2);
	if (!strcmp(argv[1], "classify"))
		return classify_cmd(argc - 2, argv + 2);
	if (!strcmp(argv[1], "demo"))
		return demo();
	return usage();
}
