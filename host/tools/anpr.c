/*
 * anpr.c - the anpr command-line tool.
 *
 *   anpr locate [--backend model|sim|usb[:ARGS]] [--json] FILE...
 *   anpr locate [--backend ...] [--json] --demo
 *   anpr demo
 *
 * locate: runs each image (PNG or PGM) through the vision pipeline and
 * prints the plate candidates it emits (box, score, crop, character boxes).
 * --demo uses a generated 1280x720 scene instead of files. demo: the same
 * scene through the C model and the RTL simulation, compared.
 * Exit status: 0, or 1 if any file failed (the others are still processed),
 * 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anpr/anpr.h"
#include "anpr/image.h"
#include "anpr/pipe.h"
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

static int usage(void)
{
	fprintf(stderr, "usage: anpr locate [--backend model|sim|usb[:ARGS]] [--json] (--demo | FILE...)\n"
			"       anpr demo\n");
	return 2;
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
			if (json) {
				printf("{\"file\":");
				json_str(argv[i]);
				printf(",\"error\":");
				json_str(err);
				printf("}\n");
			} else {
				fprintf(stderr, "anpr: %s\n", err);
			}
			status = 1;
			continue;
		}
		t0 = now_ms();
		rc = anpr_pipe_run(p, img.pixels, img.width, img.height, &r);
		if (rc) {
			if (json) {
				printf("{\"file\":");
				json_str(name);
				printf(",\"error\":");
				json_str(anpr_pipe_errmsg(p));
				printf("}\n");
			} else {
				fprintf(stderr, "anpr: %s: %s\n", name, anpr_pipe_errmsg(p));
			}
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
	if (!strcmp(argv[1], "demo"))
		return demo();
	return usage();
}
