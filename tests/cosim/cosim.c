/*
 * cosim.c - the RTL pipeline (Verilated) against the C model, byte for byte.
 *
 *   cosim [--quick] [--verbose] [--data DIR] [--seed N]
 *
 * Every case builds one input stream, runs it through the C model and
 * through the RTL with random idle cycles on the input and random
 * backpressure on the output, and compares the record streams (bytes and
 * tlast; the frame header's cycle timestamp excepted) and the status
 * counters. It also checks the AXI rules on the output (tvalid and the
 * payload hold until taken) and that the RTL never hangs (a cycle budget).
 * With --data, every PNG in DIR's folders runs as a frame too (one line per
 * folder; --verbose: per image). A build at two pixels a clock (large2)
 * takes each stream as beats of two pixels (scene_pair_up), and its frames a
 * multiple of 4 wide.
 * Exit status 0 when every case matches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/image.h"
#include "anpr/records.h"
#include "anpr_model.h"
#include "anpr_sim.h"
#include "datadir.h"
#include "scenes.h"

static int failures;
static int quiet_ok;      /* run_case prints only failures */
static size_t last_bytes; /* the model's record bytes in the last run_case */
static int verbose_images; /* --verbose: a line per image */
static unsigned g_ppc = 1; /* the build's pixels a clock */

/* The input of one cycle: beat i of s (a pixel, or a pair at 2 a clock). */
static void beat(const struct scene_stream *s, size_t i, struct anpr_sim_in *in)
{
	struct scene_beat b = scene_beat_at(s, i, g_ppc);

	in->valid = 1;
	in->data = b.data;
	in->sof = b.sof;
	in->eol = b.eol;
}

/* Run one stream through both; 0 when they agree. */
static int run_case(const char *name, const struct anpr_model_cfg *cfg, const struct scene_stream *s0,
		    unsigned idle_pct, unsigned stall_pct, uint32_t seed)
{
	struct scene_stream paired = {0};
	const struct scene_stream *s = s0;
	struct anpr_model_params par;
	anpr_model *m;
	anpr_sim *sim;
	const uint8_t *mb, *ml;
	size_t mlen, i = 0, got = 0, cap = 1 << 16, beats;
	uint8_t *ob = malloc(cap), *ol = malloc(cap);
	uint64_t budget, cyc = 0;
	uint32_t r = seed;
	int ok = 1, idle = 0, quiet = 0, held = 0;
	struct anpr_sim_out prev = {0, 0, 0, 0};
	struct anpr_model_status ms, ss;

	if (g_ppc == 2) {
		scene_pair_up(s0, &paired);
		s = &paired;
	}
	beats = s->n / g_ppc;
	anpr_sim_params(&par);
	m = anpr_model_new(&par);
	sim = anpr_sim_new(NULL);
	if (!m || !sim || !ob || !ol || anpr_model_configure(m, cfg)) {
		fprintf(stderr, "%s: setup failed\n", name);
		exit(2);
	}
	anpr_sim_configure(sim, cfg);
	for (size_t k = 0; k < s->n; k++)
		anpr_model_push(m, s->v[k].px, s->v[k].sof, s->v[k].eol);
	mlen = anpr_model_pending(m, &mb, &ml);
	last_bytes = mlen;

	/* Every pixel and output byte can cost a few cycles, plus emission. */
	budget = 40 * (uint64_t)s->n + 200 * (uint64_t)mlen + 1000000;
	while (cyc < budget) {
		struct anpr_sim_in in = {0, 0, 0, 0, 0};
		struct anpr_sim_out out;

		if (i < beats && (scene_rand(&r) % 100) >= idle_pct)
			beat(s, i, &in);
		in.ready = (scene_rand(&r) % 100) >= stall_pct;
		anpr_sim_step(sim, &in, &out);
		cyc++;
		/* AXI: a byte offered and not taken is offered again, unchanged */
		if (held && (!out.tvalid || out.tdata != prev.tdata || out.tlast != prev.tlast)) {
			fprintf(stderr, "%s: output changed while stalled at byte %zu\n", name, got);
			ok = 0;
			break;
		}
		held = out.tvalid && !in.ready;
		prev = out;
		if (out.taken)
			i++;
		if (out.tvalid && in.ready) {
			if (got == cap) {
				cap *= 2;
				ob = realloc(ob, cap);
				ol = realloc(ol, cap);
			}
			ob[got] = out.tdata;
			ol[got++] = (uint8_t)out.tlast;
			quiet = 0;
		} else {
			quiet++;
		}
		anpr_sim_status(sim, &ss, &idle);
		if (i == beats && idle && quiet > 64)
			break;
	}
	if (ok && cyc >= budget) {
		fprintf(stderr, "%s: RTL hung: %zu of %zu beats taken, %zu of %zu bytes out after %llu cycles\n",
			name, i, beats, got, mlen, (unsigned long long)cyc);
		ok = 0;
	}
	if (ok) {
		size_t k = 0, rec = 0;

		while (k < mlen && k < got) {
			struct anpr_record rr;
			size_t used;
			const char *why;

			if (anpr_rec_parse(mb + k, mlen - k, &rr, &used, &why) != ANPR_REC_OK) {
				fprintf(stderr, "%s: model output unparsable at %zu\n", name, k);
				ok = 0;
				break;
			}
			for (size_t j = 0; j < used && ok; j++) {
				int timefield = rr.type == ANPR_REC_FRAME && j >= ANPR_FRAME_OFF_TIME &&
						j < ANPR_FRAME_OFF_TIME + 4;

				if (k + j >= got) {
					break;
				} else if ((!timefield && ob[k + j] != mb[k + j]) || ol[k + j] != ml[k + j]) {
					fprintf(stderr,
						"%s: record %zu (type %02x) byte %zu: rtl %02x%s model %02x%s\n",
						name, rec, mb[k], j, ob[k + j], ol[k + j] ? "/last" : "",
						mb[k + j], ml[k + j] ? "/last" : "");
					if (getenv("COSIM_DUMP")) {
						fprintf(stderr, "  rtl  :");
						for (size_t q = 0; q < 24 && k + q < got; q++)
							fprintf(stderr, " %02x", ob[k + q]);
						fprintf(stderr, "\n  model:");
						for (size_t q = 0; q < 24; q++)
							fprintf(stderr, " %02x", mb[k + q]);
						fprintf(stderr, "\n");
					}
					ok = 0;
				}
			}
			k += used;
			rec++;
		}
		if (ok && got != mlen) {
			size_t kk = 0, rr = 0;

			/* where the RTL stopped, in the model's record stream */
			while (kk < mlen) {
				struct anpr_record q;
				size_t u;
				const char *w;

				if (anpr_rec_parse(mb + kk, mlen - kk, &q, &u, &w) != ANPR_REC_OK || kk + u > got)
					break;
				kk += u;
				rr++;
			}
			fprintf(stderr, "%s: rtl sent %zu bytes, model %zu: stopped after %zu whole records, next type %02x\n",
				name, got, mlen, rr, kk < mlen ? mb[kk] : 0);
			ok = 0;
		}
	}
	anpr_model_get_status(m, &ms);
	anpr_sim_status(sim, &ss, NULL);
	if (ok && (ms.frames != ss.frames || ms.frames_ok != ss.frames_ok ||
		   ms.frames_bad != ss.frames_bad || ms.discarded != ss.discarded ||
		   ms.candidates != ss.candidates || ms.dropped != ss.dropped ||
		   ms.runs_lost != ss.runs_lost)) {
		fprintf(stderr,
			"%s: status differs: frames %u/%u ok %u/%u bad %u/%u discarded %u/%u cands %u/%u "
			"dropped %u/%u lost %u/%u (rtl/model)\n",
			name, ss.frames, ms.frames, ss.frames_ok, ms.frames_ok, ss.frames_bad, ms.frames_bad,
			ss.discarded, ms.discarded, ss.candidates, ms.candidates, ss.dropped, ms.dropped,
			ss.runs_lost, ms.runs_lost);
		ok = 0;
	}
	if (!ok || !quiet_ok)
		printf("%-44s %s  %zu px, %zu bytes, %u cands, %llu cycles (idle %u%%, stall %u%%)\n", name,
		       ok ? "ok  " : "FAIL", s->n, mlen, ms.candidates, (unsigned long long)cyc, idle_pct,
		       stall_pct);
	fflush(stdout);
	if (!ok)
		failures++;
	anpr_sim_free(sim);
	anpr_model_free(m);
	free(ob);
	free(ol);
	free(paired.v);
	return ok ? 0 : -1;
}

static int run_case_quiet(const char *name, const struct anpr_model_cfg *cfg, const struct scene_stream *s,
			  unsigned idle_pct, unsigned stall_pct, uint32_t seed)
{
	int rc;

	quiet_ok = 1;
	rc = run_case(name, cfg, s, idle_pct, stall_pct, seed);
	quiet_ok = 0;
	return rc;
}

static void cfg_for(struct anpr_model_cfg *c, unsigned w, unsigned h)
{
	struct anpr_model_params par;

	anpr_sim_params(&par);
	anpr_model_cfg_default(&par, c, w, h);
}

/* Synthetic scenes: sizes, plates, and stream damage. */
static void synthetic(int quick, uint32_t seed)
{
	static const unsigned sizes[][2] = {{64, 48}, {97, 61}, {73, 40}, {160, 120}, {320, 200},
					    {641, 123}, {1280, 96}};
	unsigned nsizes = quick ? 5 : sizeof(sizes) / sizeof(sizes[0]);
	char name[128];

	for (unsigned k = 0; k < nsizes; k++) {
		/* at two a clock, a multiple of 4 (rounded up: 97, 73 and 641 give widths of 4 mod 8,
		 * whose last beat follows a block's end) */
		unsigned w = g_ppc == 2 ? (sizes[k][0] + 3) & ~3u : sizes[k][0], h = sizes[k][1];
		uint8_t *px = malloc((size_t)w * h);
		struct scene_stream s = {0};
		struct anpr_model_cfg cfg;

		cfg_for(&cfg, w, h);
		cfg.min_w = 16;
		cfg.min_score = 20;
		for (unsigned f = 0; f < 3; f++) {
			scene_make(px, w, h, 1 + (seed + f + k) % 6, seed * 31 + f * 7 + k);
			scene_frame(&s, px, w, h, -1, -1, -1);
		}
		snprintf(name, sizeof(name), "scenes %ux%u x3", w, h);
		run_case(name, &cfg, &s, 0, 0, seed + k);
		snprintf(name, sizeof(name), "scenes %ux%u x3 idle+stall", w, h);
		run_case(name, &cfg, &s, 30, 50, seed + k + 100);
		free(s.v);
		free(px);
	}
}

/* The detection region (cfg_roi_*): regions on and off the block grid,
 * one cutting through plates, one row band, one a single block. Each must
 * find less than the whole frame (fewer record bytes), or it tested nothing
 * of the region. */
static void region(uint32_t seed)
{
	const unsigned w = 480, h = 240;
	static const unsigned roi[][4] = {
		{37, 22, 291, 150}, {0, 0, 240, 4095}, {240, 0, 4095, 4095}, {0, 100, 4095, 140}, {64, 64, 72, 68},
	};
	uint8_t *px = malloc((size_t)w * h);
	struct anpr_model_cfg cfg;
	struct scene_stream s = {0};
	char name[96];
	size_t whole;

	for (unsigned f = 0; f < 3; f++) {
		scene_make(px, w, h, 8, seed * 13 + f);
		scene_frame(&s, px, w, h, -1, -1, -1);
	}
	cfg_for(&cfg, w, h);
	cfg.min_w = 16;
	cfg.min_score = 20;
	run_case("region: whole frame (defaults), 3 frames", &cfg, &s, 0, 0, seed);
	whole = last_bytes;
	for (unsigned k = 0; k < sizeof(roi) / sizeof(roi[0]); k++) {
		cfg.roi_x0 = roi[k][0], cfg.roi_y0 = roi[k][1], cfg.roi_x1 = roi[k][2], cfg.roi_y1 = roi[k][3];
		snprintf(name, sizeof(name), "region [%u,%u)x[%u,%u), 3 frames", roi[k][0], roi[k][2], roi[k][1],
			 roi[k][3]);
		run_case(name, &cfg, &s, k % 2 ? 20 : 0, k % 2 ? 0 : 40, seed + k);
		if (last_bytes >= whole) { /* a region that finds as much tests nothing of it */
			printf("%-44s FAIL  %zu record bytes, the whole frame's %zu\n", name, last_bytes, whole);
			failures++;
		}
	}
	free(s.v);
	free(px);
}

/* Many frames back to back with many plates: one frame's records leave
 * while the next streams in, slots are reused across frame tags, and the
 * store waits for the emitter (slow output makes that common). */
static void back_to_back(uint32_t seed)
{
	const unsigned w = 320, h = 160;
	uint8_t *px = malloc((size_t)w * h);
	struct anpr_model_cfg cfg;
	struct scene_stream s = {0};

	cfg_for(&cfg, w, h);
	cfg.min_w = 16;
	cfg.min_score = 20;
	for (unsigned f = 0; f < 12; f++) {
		scene_make(px, w, h, 4 + f % 5, seed * 7 + f);
		scene_frame(&s, px, w, h, -1, -1, -1);
	}
	run_case("12 frames back to back", &cfg, &s, 0, 0, seed);
	run_case("12 frames back to back, output stalls 80%", &cfg, &s, 5, 80, seed + 1);
	free(s.v);
	free(px);
}

/* A rectangle of vertical stripes (two dark, two light columns): edges in
 * every block it covers, a component of the rectangle's extent (grown by a
 * block row above and below, where the Sobel sees its rows). */
static void stripes(uint8_t *px, unsigned w, unsigned x0, unsigned y0, unsigned rw, unsigned rh)
{
	for (unsigned y = y0; y < y0 + rh; y++)
		for (unsigned x = x0; x < x0 + rw; x++)
			px[(size_t)y * w + x] = (x / 2) % 2 ? 230 : 20;
}

/* Closes queued behind one that waits for a slot, their crop tops above
 * its own (docs/architecture.md section 5): frame A fills the 8 slots, and
 * while they are sent, frame B closes a short component (top row 20), then
 * a taller one (top 12), then one taller still (top cut to the ring, 10).
 * The short one waits for a slot; when it leaves the queue the input
 * must stay held for the rows the two behind it need (crop_top_min takes
 * the bound of the closes queued behind another, not the new head's top).
 * A hold released too early overwrites their top rows in the ring: the
 * crops would differ from the model's. */
static void queued_behind(uint32_t seed)
{
	const unsigned w = 640, h = 96;
	uint8_t *a = malloc((size_t)w * h), *b = malloc((size_t)w * h);
	struct anpr_model_cfg cfg;
	struct scene_stream s = {0};

	memset(a, 128, (size_t)w * h);
	memset(b, 128, (size_t)w * h);
	for (unsigned k = 0; k < 8; k++)
		stripes(a, w, 16 + 152 * (k % 4), 12 + 40 * (k / 4), 64, 12);
	stripes(b, w, 16, 28, 64, 8);   /* rows 24..39: top 20, closes first */
	stripes(b, w, 128, 20, 64, 24); /* rows 16..47: top 12 */
	stripes(b, w, 240, 12, 64, 36); /* rows 8..51: top 4, cut to 10 */
	cfg_for(&cfg, w, h);
	for (unsigned f = 0; f < 6; f++)
		scene_frame(&s, f % 2 ? b : a, w, h, -1, -1, -1);
	run_case("closes queued behind a slot wait", &cfg, &s, 0, 0, seed);
	run_case("closes queued behind a slot wait, output stalls 90%", &cfg, &s, 0, 90, seed + 1);
	free(s.v);
	free(a);
	free(b);
}

/* Every defined recovery, in one stream per damage, on a 128x64 frame. */
static void damaged(uint32_t seed)
{
	const unsigned w = 128, h = 64;
	uint8_t px[128 * 64];
	struct anpr_model_cfg cfg;
	struct scene_stream s;
	const struct {
		const char *name;
		long drop_at;
		int short_line, long_line;
		int junk_before, extra_lines;
	} cases[] = {
		{"short line", -1, 20, -1, 0, 0},
		{"short line on the first line", -1, 0, -1, 0, 0},
		{"long line", -1, -1, 33, 0, 0},
		{"long line on the last line", -1, -1, 63, 0, 0},
		{"frame cut off (SOF mid-frame)", 128 * 30 + 17, -1, -1, 0, 0},
		{"frame cut off at a line end", 128 * 40, -1, -1, 0, 0},
		{"pixels before the first SOF", -1, -1, -1, 500, 0},
		{"frame larger than configured", -1, -1, -1, 0, 5},
	};

	cfg_for(&cfg, w, h);
	cfg.min_w = 16;
	cfg.min_score = 20;
	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		memset(&s, 0, sizeof(s));
		scene_make(px, w, h, 3, seed + k);
		for (int j = 0; j < cases[k].junk_before; j++)
			scene_put(&s, (uint8_t)j, 0, j % 100 == 99);
		scene_frame(&s, px, w, h, -1, -1, -1);
		scene_frame(&s, px, w, h, cases[k].drop_at, cases[k].short_line, cases[k].long_line);
		for (int j = 0; j < cases[k].extra_lines * (int)w; j++)
			scene_put(&s, (uint8_t)j, 0, j % w == w - 1);
		scene_make(px, w, h, 2, seed + k + 50);
		scene_frame(&s, px, w, h, -1, -1, -1);
		run_case(cases[k].name, &cfg, &s, 20, 40, seed + k);
		free(s.v);
	}
}

/* More runs than the component tables hold: alternating textured and flat
 * blocks with runs of one block (ANPR_END_F_TABLE_FULL, sts runs_lost). */
static void overflow(void)
{
	const unsigned w = 1280, h = 32;
	uint8_t *px = malloc((size_t)w * h);
	struct anpr_model_cfg cfg;
	struct scene_stream s = {0};

	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++)
			px[y * w + x] = ((x / 8) % 2 == 0 && (x / 2) % 2) ? 230 : 40;
	cfg_for(&cfg, w, h);
	cfg.min_run = 1;
	cfg.run_gap = 0;
	scene_frame(&s, px, w, h, -1, -1, -1);
	scene_frame(&s, px, w, h, -1, -1, -1);
	{
		/* the case must overflow, or it tests nothing */
		struct anpr_model_params par;
		struct anpr_model_status st;
		anpr_model *m;

		anpr_sim_params(&par);
		m = anpr_model_new(&par);
		anpr_model_configure(m, &cfg);
		for (size_t k = 0; k < s.n; k++)
			anpr_model_push(m, s.v[k].px, s.v[k].sof, s.v[k].eol);
		anpr_model_get_status(m, &st);
		if (st.runs_lost == 0) {
			fprintf(stderr, "component tables overflow: the stream lost no runs\n");
			failures++;
		}
		anpr_model_free(m);
	}
	run_case("component tables overflow", &cfg, &s, 0, 0, 7);
	free(s.v);
	free(px);
}

/* Register values the model rejects must not lock the RTL up: it returns to
 * idle and sends an END record for every frame (their content is
 * unspecified). */
static void out_of_range(void)
{
	struct anpr_model_params par;
	struct {
		const char *name;
		unsigned frame_w, cfg_w, max_cands;
	} cases[] = {
		/* enough plates that more than NSLOTS candidates are kept at once */
		{"cfg_max_cands 15 > NSLOTS", 1280, 1280, 15},
		{"cfg_max_cands 0", 320, 320, 0},
		{"cfg_width above MAX_W", 1400, 1400, 8},
		/* at two pixels a clock the framer takes 320: every line is long */
		{"cfg_width 322, not a multiple of 4", 322, 322, 8},
	};

	anpr_sim_params(&par);
	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		unsigned w = cases[k].frame_w, h = 200, ends = 0;
		uint8_t *px = malloc((size_t)w * h);
		struct anpr_model_cfg cfg;
		struct scene_stream s = {0};
		anpr_sim *sim = anpr_sim_new(NULL);
		size_t i = 0;
		uint64_t cyc = 0;
		int idle = 0, quiet = 0;

		anpr_model_cfg_default(&par, &cfg, cases[k].cfg_w, h);
		cfg.max_cands = cases[k].max_cands;
		cfg.min_w = 16;
		cfg.min_score = 20;
		anpr_sim_configure(sim, &cfg);
		for (unsigned f = 0; f < 4; f++) {
			scene_make(px, w, h, 20, 100 + f);
			scene_frame(&s, px, w, h, -1, -1, -1);
		}
		scene_frame(&s, px, w, h, 1, -1, -1); /* a last SOF ends the 4th frame */
		if (g_ppc == 2) {
			struct scene_stream paired = {0};

			scene_pair_up(&s, &paired);
			free(s.v);
			s = paired;
		}
		while (cyc++ < 50 * (uint64_t)s.n + 2000000 && !(i == s.n / g_ppc && idle && quiet > 64)) {
			struct anpr_sim_in in = {0, 0, 0, 0, 1};
			struct anpr_sim_out out;
			struct anpr_model_status st;

			if (i < s.n / g_ppc)
				beat(&s, i, &in);
			anpr_sim_step(sim, &in, &out);
			i += out.taken;
			quiet = out.tvalid ? 0 : quiet + 1;
			anpr_sim_status(sim, &st, &idle);
			ends = st.frames_ok + st.frames_bad;
		}
		if (i != s.n / g_ppc || !idle || ends < 4) {
			printf("%-44s FAIL  locked up: %zu of %zu beats taken, idle %d, %u frames ended\n",
			       cases[k].name, i, s.n / g_ppc, idle, ends);
			failures++;
		} else {
			printf("%-44s ok    no lock-up: %u frames ended, %llu cycles\n", cases[k].name, ends,
			       (unsigned long long)cyc);
		}
		anpr_sim_free(sim);
		free(s.v);
		free(px);
	}
}

/* One development image as a frame (datadir_each_png); small images in
 * bulk print failures only, and a line per folder. */
static void real_image(void *ctx, const char *path, const struct anpr_image *img, int n)
{
	struct anpr_model_cfg cfg;
	struct scene_stream s = {0};

	(void)ctx;
	if (g_ppc == 2 && img->width % 4) {
		/* a frame a multiple of 4 wide: the image less its last columns */
		unsigned w4 = img->width & ~3u;

		if (w4 < 16)
			return;
		cfg_for(&cfg, w4, img->height);
		for (unsigned y = 0; y < img->height; y++)
			for (unsigned x = 0; x < w4; x++)
				scene_put(&s, img->pixels[(size_t)y * img->width + x], !x && !y, x == w4 - 1);
	} else {
		cfg_for(&cfg, img->width, img->height);
		scene_frame(&s, img->pixels, img->width, img->height, -1, -1, -1);
	}
	if (img->width * img->height > 200000 || verbose_images)
		run_case(path, &cfg, &s, n % 3 ? 10 : 0, n % 2 ? 30 : 0, (uint32_t)n + 1);
	else
		run_case_quiet(path, &cfg, &s, n % 3 ? 10 : 0, n % 2 ? 30 : 0, (uint32_t)n + 1);
	free(s.v);
}

int main(int argc, char **argv)
{
	const char *data = NULL;
	int quick = 0;
	uint32_t seed = 1;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick"))
			quick = 1;
		else if (!strcmp(argv[a], "--verbose"))
			verbose_images = 1;
		else if (!strcmp(argv[a], "--data") && a + 1 < argc)
			data = argv[++a];
		else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = (uint32_t)strtoul(argv[++a], NULL, 0);
		else {
			fprintf(stderr, "usage: cosim [--quick] [--verbose] [--data DIR] [--seed N]\n");
			return 2;
		}
	}
	{
		struct anpr_model_params par;

		anpr_sim_params(&par);
		g_ppc = par.ppc == 2 ? 2 : 1;
		if (g_ppc == 2)
			printf("a build at two pixels a clock: streams as beats of two pixels\n");
	}
	synthetic(quick, seed);
	damaged(seed);
	back_to_back(seed);
	region(seed);
	queued_behind(seed);
	overflow();
	out_of_range();
	if (data)
	{
		struct anpr_model_params par;

		/* every PNG of DIR's folders that fits this build (scenes, crops and
		 * character tiles alike); quick: a sample of each folder */
		anpr_sim_params(&par);
		datadir_each_png(data, par.max_width, quick, real_image, NULL, &failures);
	}
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
