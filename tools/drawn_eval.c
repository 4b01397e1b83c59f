/*
 * drawn_eval.c - how the reader reads drawn UK plates (sim/plates.h), no
 * image files needed (`make eval` runs it).
 *
 *   build/drawn_eval [--crops N] [--frames M] [--seed S] [--verbose] [--dump DIR]
 *
 * crops: N registrations of the current GB format (two letters, the age
 * identifier, three letters; the letters the DVLA issues), each drawn alone
 * with its characters 14 to 44 pixels tall and read as `anpr read --crop`
 * reads (country gb). frames: M 1280x720 frames of 6 such plates
 * (scene_with_plates, characters 18 to 30 pixels tall), each read as `anpr
 * read` reads (model backend): a plate counts when a read plate's text is
 * its registration; the plates read that are none of the frame's are
 * counted too. Then M frames more of 6 such plates drawn in two rows (AB12
 * over CDE: a motorcycle's plate, a square rear plate), counted the same
 * way and also by the rows they were read in (the FPGA keeps 8 candidates
 * a frame: 6 such plates have 12 rows to find, so some plates find none).
 * Prints exact reads per character height and in all; with --verbose, each
 * miss; with --dump, each frame with a miss is written to DIR as
 * frame1-F.pgm or frame2-F.pgm (one row, two rows). Deterministic from the
 * seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/pipe.h"
#include "anpr/read.h"
#include "plates.h"
#include "scenes.h"

#define NH 7

static const int heights[NH] = {14, 16, 20, 24, 30, 36, 44};

/* A registration of the current format, "AB12 CDE" (sep ' ') or "AB12/CDE"
 * (sep '/': two rows), from the generator. */
static void vrm(uint32_t *r, char out[9], char sep)
{
	static const char first[] = "ABCDEFGHJKLMNOPRSTUVWXY"; /* no I, Q, Z */
	static const char rest[] = "ABCDEFGHJKLMNOPRSTUVWXYZ"; /* no I, Q */
	int age = (int)(scene_rand(r) % 3);

	age = age == 0 ? 2 + (int)(scene_rand(r) % 8) : age == 1 ? 10 + (int)(scene_rand(r) % 20)
								  : 51 + (int)(scene_rand(r) % 29);
	out[0] = first[scene_rand(r) % (sizeof(first) - 1)];
	out[1] = rest[scene_rand(r) % (sizeof(rest) - 1)];
	out[2] = (char)('0' + age / 10);
	out[3] = (char)('0' + age % 10);
	out[4] = sep;
	for (int k = 5; k < 8; k++)
		out[k] = rest[scene_rand(r) % (sizeof(rest) - 1)];
	out[8] = 0;
}

/* M frames of 6 registrations, each with its groups split by sep (' ': one
 * row, '/': two), read as `anpr read` reads; prints the exact reads. */
static int read_frames(const struct anpr_read_opts *o, anpr_pipe *p, uint32_t *r, uint32_t seed, int nframes,
		       char sep, uint8_t *frame, int verbose, const char *dump)
{
	static struct anpr_plate_read pl[ANPR_READ_MAX_PLATES];
	int found = 0, extra = 0, two = 0;

	for (int f = 0; f < nframes; f++) {
		char text[6][9], want[6][9];
		const char *t[6];
		int n = 0;

		for (int i = 0; i < 6; i++) {
			vrm(r, text[i], sep);
			plate_vrm(text[i], want[i], sizeof(want[i]));
			t[i] = text[i];
		}
		if (scene_with_plates(frame, 1280, 720, t, 6, seed + (uint32_t)f) ||
		    anpr_read_frame(o, p, frame, 1280, 720, pl, ANPR_READ_MAX_PLATES, &n)) {
			fprintf(stderr, "drawn_eval: frame %d: %s\n", f, anpr_pipe_errmsg(p));
			return 1;
		}
		int missed = 0;

		for (int i = 0; i < 6; i++) {
			int hit = 0;

			for (int j = 0; j < n; j++)
				if (!strcmp(pl[j].text, want[i])) {
					hit = 1;
					two += pl[j].rows == 2;
				}
			found += hit;
			missed += !hit;
			if (!hit && verbose)
				printf("  frame %d: %s not read\n", f, text[i]);
		}
		for (int j = 0; j < n; j++) {
			int ours = 0;

			for (int i = 0; i < 6; i++)
				ours |= !strcmp(pl[j].text, want[i]);
			extra += !ours;
			if (!ours && verbose)
				printf("  frame %d: read %s (%.3f), none of its plates\n", f, pl[j].text, pl[j].confidence);
		}
		if (missed && dump) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/frame%d-%d.pgm", dump, sep == '/' ? 2 : 1, f);
			if (scene_write_pgm(path, frame, 1280, 720)) {
				perror(path);
				return 1;
			}
		}
	}
	printf("drawn frames%s, gb, model backend: %d of %d plates read exactly (%.2f %%)", sep == '/' ? ", two rows" : "",
	       found, 6 * nframes, nframes ? 100.0 * found / (6 * nframes) : 0);
	if (sep == '/')
		printf(", %d of them in two rows", two);
	printf(", %d other plates read, %d frames\n", extra, nframes);
	return 0;
}

int main(int argc, char **argv)
{
	static struct anpr_plate_read pl[ANPR_READ_MAX_PLATES];
	struct anpr_read_opts o = {ANPR_COUNTRY_GB, NULL};
	int ncrops = 700, nframes = 30, verbose = 0, ok_h[NH] = {0}, n_h[NH] = {0}, ok = 0;
	const char *dump = NULL;
	uint32_t seed = 1, r;
	uint8_t *frame = malloc(1280 * 720);
	anpr_pipe *p;
	char err[256];

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--crops") && a + 1 < argc)
			ncrops = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--frames") && a + 1 < argc)
			nframes = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = (uint32_t)strtoul(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--verbose"))
			verbose = 1;
		else if (!strcmp(argv[a], "--dump") && a + 1 < argc)
			dump = argv[++a];
		else {
			fprintf(stderr, "usage: drawn_eval [--crops N] [--frames M] [--seed S] [--verbose] [--dump DIR]\n");
			return 2;
		}
	}
	if (!frame || ncrops < 0 || nframes < 0)
		return 1;
	r = seed * 2654435761u + 3;
	for (int i = 0; i < ncrops; i++) {
		char text[9], want[9];
		int k = i % NH, n;
		unsigned w, h;
		uint8_t *px;

		vrm(&r, text, ' ');
		plate_vrm(text, want, sizeof(want));
		if (plate_size(text, heights[k], &w, &h) || !(px = malloc((size_t)w * h)))
			return 1;
		plate_draw(px, w, h, w, 0, 0, text, heights[k], 215, 25);
		n = anpr_read_crop(&o, px, w, h, w, 0, 0, NULL, pl);
		n_h[k]++;
		if (n > 0 && !strcmp(pl[0].text, want)) {
			ok_h[k]++;
			ok++;
		} else if (verbose) {
			printf("  crop %s, %d px: read %s\n", want, heights[k], n > 0 ? pl[0].text : "(nothing)");
		}
		free(px);
	}
	printf("drawn crops, gb, seed %u: exact %d of %d (%.2f %%); by character height:", seed, ok, ncrops,
	       ncrops ? 100.0 * ok / ncrops : 0);
	for (int k = 0; k < NH; k++)
		printf(" %d px %d/%d%s", heights[k], ok_h[k], n_h[k], k + 1 < NH ? "," : "\n");
	if (anpr_pipe_open(&p, "model", err, sizeof(err))) {
		fprintf(stderr, "drawn_eval: %s\n", err);
		return 1;
	}
	if (read_frames(&o, p, &r, seed, nframes, ' ', frame, verbose, dump) ||
	    read_frames(&o, p, &r, seed, nframes, '/', frame, verbose, dump))
		return 1;
	anpr_pipe_close(p);
	free(frame);
	return 0;
}
