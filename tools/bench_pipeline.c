/*
 * bench_pipeline.c - speed, timing and memory figures of the pipeline
 * (docs/PERFORMANCE.md).
 *
 *   bench_pipeline [--data DIR] [--only model|sim|memory] [--quick]
 *
 * Figures, each printed with the command that reproduces it:
 *   1. C model speed at 1280x720 (anpr_model_push_frame, one thread): a
 *      synthetic scene, and every 1280x720 PNG in DIR/us-scenes (pre-loaded;
 *      only the model is timed).
 *   2. Verilator speed of the whole pipeline (the build this program is
 *      linked with: up5k, or large and large2 as build/bench_pipeline_large
 *      and build/bench_pipeline_large2):
 *      simulated cycles per second of wall clock, streaming 1280x720 frames
 *      back to back, input always valid, output always ready.
 *   3. Cycles per frame against W*H / PPC, from the same run: SOF accepted to the
 *      next SOF accepted; SOF to the last pixel accepted (input time); last
 *      pixel to the END record's last byte (emission tail).
 *   4. Latency from a candidate's plate box bottom row (its tlast accepted)
 *      to the first and last byte of its record, from the same run.
 *   5. On-chip memory bits per build preset, from the build parameters.
 * The RTL record stream of the run in 2-4 is also compared with the C
 * model's, byte for byte (the frame header's timestamp excepted).
 * The large and large2 (two pixels a clock) builds run 2-4 only (--only
 * sim, their default); the other figures are the up5k build's.
 * Exit status 0, or 1 if the RTL and the model disagree or the run hangs.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anpr/image.h"
#include "anpr/records.h"
#include "anpr_model.h"
#include "anpr_sim.h"
#include "scenes.h"

#define W 1280
#define H 720
#define NPIX ((size_t)W * H)
#define SYN_PLATES 6
#define CYC_1080P 2073600.0 /* 1920 x 1080 pixels at one pixel per clock */
#define BOARD_HZ 19.875e6     /* the iCEBreaker build's clock (rtl/board/anpr_icebreaker.v's PLL) */

static const char *data_dir;
static int quick;
/* the Verilated build linked in: its pixels a clock, name and program */
static unsigned g_ppc = 1;
static const char *g_build = "up5k", *g_prog = "./build/bench_pipeline";

/* ---- helpers ---- */

static double now(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* min, median, max of v[0..n-1] (sorted in place) */
static void stats(double *v, size_t n, double *mn, double *med, double *mx)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*mn = v[0];
	*mx = v[n - 1];
	*med = (n % 2) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "bench_pipeline: out of memory\n");
		exit(2);
	}
	return p;
}

/* Output bytes of the RTL run, growing as they come. */
struct captured {
	uint8_t *b, *l; /* bytes and their tlast */
	uint64_t *c;    /* the cycle each byte moved */
	size_t n, cap;
};

static void capture(struct captured *r, const struct anpr_sim_out *out, uint64_t cycle)
{
	if (r->n == r->cap) {
		r->cap *= 2;
		r->b = realloc(r->b, r->cap);
		r->l = realloc(r->l, r->cap);
		r->c = realloc(r->c, r->cap * sizeof(*r->c));
		if (!r->b || !r->l || !r->c)
			exit(2);
	}
	r->b[r->n] = out->tdata;
	r->l[r->n] = (uint8_t)out->tlast;
	r->c[r->n++] = cycle;
}

static void cmdline(const char *only)
{
	printf("  reproduce: %s%s%s%s --only %s\n", g_prog, data_dir ? " --data " : "",
	       data_dir ? data_dir : "", quick ? " --quick" : "", only);
}

/* ---- frames: synthetic scenes and the 1280x720 PNGs of DIR/us-scenes ---- */

struct frame {
	char name[64];
	uint8_t *px; /* W*H */
	int real;
};

static struct frame *frames;
static size_t nframes, nsyn, nreal;

static void add_frame(const char *name, uint8_t *px, int real)
{
	frames = realloc(frames, (nframes + 1) * sizeof(*frames));
	if (!frames)
		exit(2);
	snprintf(frames[nframes].name, sizeof(frames[nframes].name), "%s", name);
	frames[nframes].px = px;
	frames[nframes].real = real;
	nframes++;
}

static int png_filter(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 4 && !strcmp(e->d_name + n - 4, ".png");
}

static void load_frames(unsigned nsynthetic, unsigned maxreal)
{
	char path[4096], err[600], name[64];
	struct dirent **list;
	int n, skipped = 0;

	for (unsigned k = 0; k < nsynthetic; k++) {
		uint8_t *px = xmalloc(NPIX);

		scene_make(px, W, H, SYN_PLATES, 1 + k);
		snprintf(name, sizeof(name), "scene_make(%d plates, seed %u)", SYN_PLATES, 1 + k);
		add_frame(name, px, 0);
		nsyn++;
	}
	if (!data_dir)
		return;
	snprintf(path, sizeof(path), "%s/us-scenes", data_dir);
	n = scandir(path, &list, png_filter, alphasort);
	if (n < 0) {
		printf("note: %s not found: no real images\n", path);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct anpr_image img;

		snprintf(path, sizeof(path), "%s/us-scenes/%s", data_dir, list[i]->d_name);
		if (nreal < maxreal && !anpr_image_load(path, &img, err, sizeof(err))) {
			if (img.width == W && img.height == H) {
				add_frame(list[i]->d_name, img.pixels, 1);
				nreal++;
			} else {
				skipped++;
				anpr_image_free(&img);
			}
		} else if (nreal < maxreal) {
			fprintf(stderr, "bench_pipeline: %s\n", err);
		}
		free(list[i]);
	}
	free(list);
	printf("real images: %zu at %ux%u from %s/us-scenes (%d of other sizes skipped)\n", nreal, W,
	       H, data_dir, skipped);
}

/* ---- 1. C model speed ---- */

/* Push frames fr[0..n-1] in turn, passes times; returns seconds per frame
 * of each frame (mean over passes) in per[] if not NULL, and the total. */
static double model_run(anpr_model *m, struct frame **fr, size_t n, unsigned passes, double *per,
			double *cpu, long *cands)
{
	double total = 0, c0 = now(CLOCK_PROCESS_CPUTIME_ID);

	if (per)
		memset(per, 0, n * sizeof(*per));
	for (unsigned p = 0; p < passes; p++) {
		for (size_t i = 0; i < n; i++) {
			const uint8_t *out;
			double t0 = now(CLOCK_MONOTONIC), dt;
			size_t len;

			anpr_model_push_frame(m, fr[i]->px);
			len = anpr_model_pending(m, &out, NULL);
			anpr_model_consume(m, len);
			dt = now(CLOCK_MONOTONIC) - t0;
			total += dt;
			if (per)
				per[i] += dt / passes;
		}
	}
	*cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	if (cands) {
		struct anpr_model_status st;

		anpr_model_get_status(m, &st);
		*cands = (long)st.candidates;
	}
	return total;
}

static void bench_model(void)
{
	struct anpr_model_params par;
	struct anpr_model_cfg cfg;
	anpr_model *m;
	struct frame *syn = NULL, **real;
	double total, cpu, cpu_all = 0, wall0;
	long cands = 0, c0 = 0;
	unsigned frames_syn = 0;

	printf("\n== 1. C model speed, %ux%u, anpr_model_push_frame, one thread (up5k preset) ==\n", W,
	       H);
	anpr_model_params_preset(&par, "up5k");
	anpr_model_cfg_default(&par, &cfg, W, H);
	for (size_t i = 0; i < nframes; i++)
		if (!frames[i].real) {
			syn = &frames[i];
			break;
		}
	/* (a) one synthetic scene, pushed again and again */
	m = anpr_model_new(&par);
	if (!m || anpr_model_configure(m, &cfg))
		exit(2);
	model_run(m, &syn, 1, 5, NULL, &cpu, &c0); /* warm-up */
	total = 0;
	wall0 = now(CLOCK_MONOTONIC);
	while (frames_syn < 50 || now(CLOCK_MONOTONIC) - wall0 < (quick ? 0.5 : 3.0)) {
		total += model_run(m, &syn, 1, 10, NULL, &cpu, &cands);
		cpu_all += cpu;
		frames_syn += 10;
	}
	printf("1a synthetic %s: %u frames in %.3f s: %.1f fps, %.3f ms/frame "
	       "(process CPU %.3f s; %.1f candidates/frame)\n",
	       syn->name, frames_syn, total, frames_syn / total, 1e3 * total / frames_syn, cpu_all,
	       (double)(cands - c0) / frames_syn);
	printf("   target >= 100 fps: %s\n", frames_syn / total >= 100 ? "PASS" : "FAIL");
	cmdline("model");
	anpr_model_free(m);

	/* (b) every real 1280x720 image */
	if (!nreal) {
		printf("1b real images: none (no --data, or no 1280x720 PNG in DIR/us-scenes)\n");
		return;
	}
	real = xmalloc(nreal * sizeof(*real));
	for (size_t i = 0, k = 0; i < nframes; i++)
		if (frames[i].real)
			real[k++] = &frames[i];
	m = anpr_model_new(&par);
	if (!m || anpr_model_configure(m, &cfg))
		exit(2);
	unsigned passes = quick ? 2 : 10;
	double *per = xmalloc(nreal * sizeof(*per)), mn, med, mx;

	model_run(m, real, nreal, 1, NULL, &cpu, &c0); /* warm-up */
	total = model_run(m, real, nreal, passes, per, &cpu, &cands);
	stats(per, nreal, &mn, &med, &mx);
	printf("1b real: %zu images x %u passes = %zu frames in %.3f s: mean %.1f fps, %.3f ms/frame "
	       "(per image: min %.3f, median %.3f, max %.3f ms; process CPU %.3f s; "
	       "%.2f candidates/frame)\n",
	       nreal, passes, nreal * passes, total, nreal * passes / total,
	       1e3 * total / (nreal * passes), 1e3 * mn, 1e3 * med, 1e3 * mx, cpu,
	       (double)(cands - c0) / (nreal * passes));
	printf("   target >= 100 fps: %s\n", nreal * passes / total >= 100 ? "PASS" : "FAIL");
	cmdline("model");
	anpr_model_free(m);
	free(per);
	free(real);
}

/* ---- 2-4. the RTL (Verilator, the build linked in) ---- */

struct fstat {
	uint64_t sof, last, end_last; /* cycles: SOF accepted, last pixel accepted, END's last byte */
	uint64_t *eol;                /* per row: cycle its tlast pixel was accepted */
	uint64_t stall_eol, stall_mid; /* input held after an EOL pixel / after any other pixel */
	uint64_t holds, stall_long;    /* hold episodes; cycles in episodes of 4 cycles or more */
	uint64_t crop_bytes;
	unsigned cands;
};

/* The C model with the Verilated build's parameters and the default
 * configuration at W x H, fed every frame: its record stream in *mb (tlast
 * flags in *ml, *mlen bytes), the reference of the RTL runs. Free the model
 * when done with them. */
static anpr_model *model_records(const uint8_t **mb, const uint8_t **ml, size_t *mlen)
{
	struct anpr_model_params par;
	struct anpr_model_cfg cfg;
	anpr_model *m;

	anpr_sim_params(&par);
	anpr_model_cfg_default(&par, &cfg, W, H);
	m = anpr_model_new(&par);
	if (!m || anpr_model_configure(m, &cfg)) {
		fprintf(stderr, "bench_pipeline: model setup failed\n");
		exit(2);
	}
	for (size_t i = 0; i < nframes; i++)
		anpr_model_push_frame(m, frames[i].px);
	*mlen = anpr_model_pending(m, mb, ml);
	return m;
}

/* A Verilated pipeline configured with the defaults at W x H (its
 * parameters' max width into *max_width when not NULL); exits on failure. */
static anpr_sim *sim_open(unsigned *max_width)
{
	struct anpr_model_params par;
	struct anpr_model_cfg cfg;
	anpr_sim *sim;

	anpr_sim_params(&par);
	anpr_model_cfg_default(&par, &cfg, W, H);
	sim = anpr_sim_new(NULL);
	if (!sim) {
		fprintf(stderr, "bench_pipeline: simulator setup failed\n");
		exit(2);
	}
	anpr_sim_configure(sim, &cfg);
	if (max_width)
		*max_width = par.max_width;
	return sim;
}

static int bench_sim(void)
{
	unsigned max_width;
	anpr_sim *sim;
	anpr_model *m;
	size_t nf = nframes + 1; /* one more frame, blank: its SOF ends the last one */
	struct fstat *fs = xmalloc(nf * sizeof(*fs));
	uint8_t *blank = xmalloc(NPIX);
	struct captured rec_out = {xmalloc(1 << 20), xmalloc(1 << 20), xmalloc((1 << 20) * sizeof(uint64_t)),
				   0, 1 << 20};
	uint64_t budget = 0;
	size_t fi = 0, pi = 0;
	int prev_eol = 0, fail = 0;
	uint64_t run = 0; /* length of the current hold */
	double t0, t1, cpu0, cpu1;

	memset(blank, 128, NPIX);
	memset(fs, 0, nf * sizeof(*fs));
	for (size_t i = 0; i < nf; i++)
		fs[i].eol = xmalloc(H * sizeof(uint64_t));
	sim = sim_open(&max_width);
	budget = anpr_sim_cycles(sim) + 4 * (uint64_t)nf * NPIX + 10000000;

	printf("\nRTL run: %zu frames of %ux%u (%zu synthetic, %zu real) back to back, then the SOF "
	       "of a blank frame; input always valid, output always ready (%s build, MAX_W %u, %u pixel%s "
	       "a clock)\n",
	       nframes, W, H, nsyn, nreal, g_build, max_width, g_ppc, g_ppc > 1 ? "s" : "");
	fflush(stdout);
	t0 = now(CLOCK_MONOTONIC);
	cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
	for (;;) {
		const uint8_t *px = fi < nframes ? frames[fi].px : blank;
		struct anpr_sim_in in;
		struct anpr_sim_out out;
		uint64_t c = anpr_sim_cycles(sim);

		if (c >= budget) {
			fprintf(stderr, "bench_pipeline: RTL hung at frame %zu pixel %zu, cycle %llu\n", fi,
				pi, (unsigned long long)c);
			fail = 1;
			break;
		}
		in.valid = 1;
		in.data = px[pi];
		if (g_ppc == 2)
			in.data |= (uint16_t)(px[pi + 1] << 8);
		in.sof = pi == 0;
		in.eol = (pi % W) == W - g_ppc;
		in.ready = 1;
		anpr_sim_step(sim, &in, &out);
		if (out.tvalid) /* ready is always 1: the byte moves */
			capture(&rec_out, &out, c);
		if (!out.taken) {
			if (pi != 0) {
				if (prev_eol)
					fs[fi].stall_eol++;
				else
					fs[fi].stall_mid++;
				run++;
			}
			continue;
		}
		if (run) {
			fs[fi].holds++;
			if (run >= 4)
				fs[fi].stall_long += run;
			run = 0;
		}
		if (pi == 0) {
			fs[fi].sof = c;
			if (fi == nframes) {
				/* The blank frame's SOF: the input is done. The last
				 * frame's records may still be leaving (emission overlaps
				 * the next frame): collect them until the pipeline idles. */
				int idle = 0, quiet = 0;
				struct anpr_model_status st;

				while (anpr_sim_cycles(sim) < budget && !(idle && quiet > 64)) {
					struct anpr_sim_in none = {0, 0, 0, 0, 1};

					c = anpr_sim_cycles(sim);
					anpr_sim_step(sim, &none, &out);
					quiet++;
					if (out.tvalid) {
						capture(&rec_out, &out, c);
						quiet = 0;
					}
					anpr_sim_status(sim, &st, &idle);
				}
				break;
			}
		}
		prev_eol = in.eol;
		if (in.eol)
			fs[fi].eol[pi / W] = c;
		if ((pi += g_ppc) == NPIX) {
			fs[fi].last = c;
			pi = 0;
			fi++;
		}
	}
	t1 = now(CLOCK_MONOTONIC);
	cpu1 = now(CLOCK_PROCESS_CPUTIME_ID);
	if (fail)
		return 1;

	uint64_t cycles = anpr_sim_cycles(sim) - fs[0].sof;
	double rate = (double)cycles / (t1 - t0);

	/* the C model on the same frames; the record streams must agree */
	const uint8_t *mb, *ml;
	size_t mlen;

	m = model_records(&mb, &ml, &mlen);

	/* parse the RTL stream: frames in order; first and last byte of each record */
	struct lat {
		double first, last;
		int real;
	} *lats;
	/* the record bytes, their tlast and the cycle each left */
	uint8_t *ob = rec_out.b, *ol = rec_out.l;
	uint64_t *oc = rec_out.c;
	size_t got = rec_out.n;
	size_t lcap = 64, nlat = 0, off = 0, rec = 0;
	long cur = -1;
	int mismatch = 0, timeskew = 0;

	lats = xmalloc(lcap * sizeof(*lats));

	while (off < got) {
		struct anpr_record r;
		size_t used;
		const char *why;
		enum anpr_rec_status st = anpr_rec_parse(ob + off, got - off, &r, &used, &why);

		if (st == ANPR_REC_INCOMPLETE)
			break; /* the blank frame's header, cut off at the end of the run */
		if (st != ANPR_REC_OK) {
			fprintf(stderr, "bench_pipeline: RTL output unparsable at byte %zu (%s)\n", off, why);
			return 1;
		}
		if (!ol[off + used - 1]) {
			fprintf(stderr, "bench_pipeline: record %zu does not end with tlast\n", rec);
			mismatch = 1;
		}
		if (r.type == ANPR_REC_FRAME) {
			cur++;
			if (cur < (long)nf && r.u.frame.time != (uint32_t)(fs[cur].sof - 4))
				timeskew++; /* the RTL counts cycles from the end of the 4 reset cycles */
			if (r.u.frame.frame != (uint16_t)(cur + 1))
				mismatch = 1;
		} else if (cur >= 0 && cur < (long)nframes && r.type == ANPR_REC_CAND) {
			unsigned yb = r.u.cand.box.y + r.u.cand.box.h - 1;
			uint64_t ce = fs[cur].eol[yb < H ? yb : H - 1];

			fs[cur].cands++;
			fs[cur].crop_bytes += (uint64_t)r.u.cand.crop.w * r.u.cand.crop.h;
			if (nlat == lcap) {
				lcap *= 2;
				lats = realloc(lats, lcap * sizeof(*lats));
				if (!lats)
					exit(2);
			}
			lats[nlat].first = (double)(oc[off] - ce);
			lats[nlat].last = (double)(oc[off + used - 1] - ce);
			lats[nlat++].real = frames[cur].real;
		} else if (cur >= 0 && cur < (long)nframes && r.type == ANPR_REC_END) {
			fs[cur].end_last = oc[off + used - 1];
		}
		/* against the model, the frame header's time field excepted */
		for (size_t j = 0; j < used && off + j < mlen; j++) {
			int timefield = r.type == ANPR_REC_FRAME && j >= ANPR_FRAME_OFF_TIME &&
					j < ANPR_FRAME_OFF_TIME + 4;

			if ((!timefield && ob[off + j] != mb[off + j]) || ol[off + j] != ml[off + j]) {
				if (!mismatch)
					fprintf(stderr, "bench_pipeline: RTL and model differ in record %zu byte %zu\n",
						rec, j);
				mismatch = 1;
				break;
			}
		}
		off += used;
		rec++;
	}
	if (off < mlen) {
		fprintf(stderr, "bench_pipeline: RTL sent %zu record bytes for the frames, the model %zu\n",
			off, mlen);
		mismatch = 1;
	}
	printf("RTL vs C model: %s (%zu bytes of records for %zu frames%s)\n",
	       mismatch ? "DIFFER" : "identical byte for byte, timestamps excepted", mlen, nframes,
	       timeskew ? "; frame timestamps do NOT match the SOF cycles seen here" :
			  "; frame timestamps = the SOF cycles seen here");

	/* ---- 2 ---- */
	printf("\n== 2. Verilator speed, whole pipeline (%s build), %ux%u frames streamed ==\n", g_build, W, H);
	printf("2  %llu cycles in %.2f s wall (process CPU %.2f s): %.3f M cycles/s; "
	       "%.3f s of wall clock per 1920x1080-equivalent frame (2,073,600 cycles)\n",
	       (unsigned long long)cycles, t1 - t0, cpu1 - cpu0, rate / 1e6, CYC_1080P / rate);
	printf("   (%.3f M cycles per second of process CPU time; wall and CPU differ when other "
	       "processes share the cores)\n",
	       (double)cycles / (cpu1 - cpu0) / 1e6);
	printf("   target >= 5 M cycles/s: %s\n", rate >= 5e6 ? "PASS" : "FAIL");
	cmdline("sim");

	/* ---- 3 ---- */
	const size_t ncyc = NPIX / g_ppc; /* W*H / PPC: a frame's cycles when never held */

	printf("\n== 3. Cycles per %ux%u frame (W*H / PPC = %zu, %u pixel%s a clock), back to back, output "
	       "always ready ==\n", W, H, ncyc, g_ppc, g_ppc > 1 ? "s" : "");
	printf("   %-40s %9s %9s %7s %7s %7s %7s %8s %8s %5s %8s %8s\n", "frame", "period",
	       "input", "holds", "stalls", "(EOL)", "(long)", "tail", "gap", "cands", "crop px",
	       "overhead");
	double ov_max = -1, ov_sum = 0, in_max = 0, per_sum = 0, st_sum = 0, gap_sum = 0;
	double tail_sum = 0, crop_sum = 0;
	for (size_t i = 0; i < nframes; i++) {
		uint64_t period = fs[i + 1].sof - fs[i].sof;
		uint64_t input = fs[i].last - fs[i].sof + 1;
		/* the END of a frame can leave after the next frame started (the
		 * emission overlaps it); a frame whose END was not seen has no tail */
		uint64_t tail = fs[i].end_last > fs[i].last ? fs[i].end_last - fs[i].last : 0;
		uint64_t gap = fs[i + 1].sof - fs[i].last - 1;
		double ov = (double)period / ncyc - 1;

		printf("   %-40s %9llu %9llu %7llu %7llu %7llu %7llu %8llu %8llu %5u %8llu %7.2f%%\n",
		       frames[i].name, (unsigned long long)period, (unsigned long long)input,
		       (unsigned long long)fs[i].holds,
		       (unsigned long long)(fs[i].stall_eol + fs[i].stall_mid),
		       (unsigned long long)fs[i].stall_eol, (unsigned long long)fs[i].stall_long,
		       (unsigned long long)tail,
		       (unsigned long long)gap, fs[i].cands, (unsigned long long)fs[i].crop_bytes,
		       100 * ov);
		st_sum += (double)(fs[i].stall_eol + fs[i].stall_mid);
		gap_sum += (double)gap;
		tail_sum += (double)tail;
		crop_sum += (double)fs[i].crop_bytes;
		if (ov > ov_max)
			ov_max = ov;
		ov_sum += ov;
		per_sum += (double)period;
		if ((double)input / ncyc - 1 > in_max)
			in_max = (double)input / ncyc - 1;
	}
	printf("   columns: period = SOF accepted to next SOF accepted; input = SOF to last pixel "
	       "accepted, inclusive (W*H/PPC when never held); holds = times the input was held "
	       "mid-frame, stalls = cycles it was (EOL: of which after a line's last pixel; long: of "
	       "which in holds of 4 cycles or more); tail = last pixel to the END "
	       "record's last byte; gap = cycles the next SOF waited; crop px = pixels of the emitted crops\n");
	printf("3  mean period %.0f cycles = W*H/PPC x %.4f: overhead mean %.2f%%, max %.2f%%; input "
	       "time alone: max %.2f%% over W*H/PPC\n",
	       per_sum / nframes, per_sum / nframes / ncyc, 100 * ov_sum / nframes, 100 * ov_max,
	       100 * in_max);
	printf("   mean cycles over W*H/PPC per frame: %.0f = %.0f input holds + %.0f waiting for the "
	       "next SOF (the emission tail is %.0f cycles, %.2f per crop pixel emitted)\n",
	       per_sum / nframes - ncyc, st_sum / nframes, gap_sum / nframes, tail_sum / nframes,
	       crop_sum > 0 ? tail_sum / crop_sum : 0);
	printf("   target overhead <= 1%%: mean %s, max %s\n", ov_sum / nframes <= 0.01 ? "PASS" : "FAIL",
	       ov_max <= 0.01 ? "PASS" : "FAIL");
	cmdline("sim");

	/* ---- 4 ---- */
	printf("\n== 4. Latency: plate box bottom row's tlast accepted -> its candidate record ==\n");
	for (int real = 1; real >= 0; real--) {
		double *f = xmalloc((nlat + 1) * sizeof(double)), *l = xmalloc((nlat + 1) * sizeof(double));
		size_t n = 0;
		double fmn, fmed, fmx, lmn, lmed, lmx;

		for (size_t k = 0; k < nlat; k++)
			if (lats[k].real == real) {
				f[n] = lats[k].first;
				l[n++] = lats[k].last;
			}
		if (!n) {
			printf("4%c %s: no candidates\n", real ? ' ' : 's', real ? "real images" : "synthetic");
			free(f);
			free(l);
			continue;
		}
		stats(f, n, &fmn, &fmed, &fmx);
		stats(l, n, &lmn, &lmed, &lmx);
		printf("4%c %s, %zu candidates: cycles min / median / max\n", real ? ' ' : 's',
		       real ? "real images" : "synthetic scenes", n);
		printf("     to first byte: %9.0f %9.0f %9.0f  = %8.1f %8.1f %8.1f us at 48 MHz, "
		       "%8.1f %8.1f %8.1f us at 100 MHz\n",
		       fmn, fmed, fmx, fmn / 48, fmed / 48, fmx / 48, fmn / 100, fmed / 100, fmx / 100);
		printf("     to last byte:  %9.0f %9.0f %9.0f  = %8.1f %8.1f %8.1f us at 48 MHz, "
		       "%8.1f %8.1f %8.1f us at 100 MHz\n",
		       lmn, lmed, lmx, lmn / 48, lmed / 48, lmx / 48, lmn / 100, lmed / 100, lmx / 100);
		free(f);
		free(l);
	}
	printf("   (no target in the issue; the records of a frame leave after its last line)\n");
	cmdline("sim");

	for (size_t i = 0; i < nf; i++)
		free(fs[i].eol);
	free(fs);
	free(blank);
	free(ob);
	free(ol);
	free(oc);
	free(lats);
	anpr_model_free(m);
	anpr_sim_free(sim);
	return mismatch;
}

/* ---- 5. memory ---- */

/* ---- 3b. a sensor that cannot be stalled, through a FIFO ----
 * The sensor sends each frame's W x H pixels one a cycle (its pixel clock =
 * the pipeline's), line after line, with htotal - W cycles of blanking after
 * each line and (vtotal - H) * htotal after each frame, whatever tready
 * says; a FIFO in front of the pipeline takes them, and the pipeline reads
 * it while tready is high. The figure is the FIFO's greatest occupancy: the
 * depth such a sensor needs. The records must still be the C model's. */
struct sensor_timing {
	const char *name;
	unsigned htotal, vtotal;
};

static int bench_fifo_one(const struct sensor_timing *t, const uint8_t *model_bytes, size_t model_len)
{
	anpr_sim *sim;
	const size_t cap = NPIX; /* a frame: the run stops if the FIFO would need more */
	uint8_t *q = xmalloc(cap), *qf = xmalloc(cap); /* pixel, flags: 1 SOF, 2 EOL */
	uint8_t *ob = xmalloc(model_len + 1);
	size_t *frame_max = xmalloc((nframes + 1) * sizeof(*frame_max));
	size_t head = 0, occ = 0, fi = 0, sofs = 0, got = 0, worst = 0, nbig = 0, off = 0, diff = 0;
	uint64_t line = 0, col = 0, budget;
	int overflow = 0, quiet = 0, idle = 0;

	memset(frame_max, 0, (nframes + 1) * sizeof(*frame_max));
	sim = sim_open(NULL);
	budget = anpr_sim_cycles(sim) + (uint64_t)(nframes + 2) * t->htotal * t->vtotal + 10000000;
	/* until the blank frame's SOF is taken (it ends the last frame), then
	 * until the last records have left and the pipeline idles */
	while (anpr_sim_cycles(sim) < budget && !(sofs > nframes && idle && quiet > 64)) {
		struct anpr_sim_in in = {0, 0, 0, 0, 1};
		struct anpr_sim_out out;
		struct anpr_model_status st;

		/* the sensor: a pixel this cycle inside a frame's active area; after
		 * the last frame, only the blank frame's SOF pixel */
		if (fi < nframes ? line < H && col < W : fi == nframes && line == 0 && col == 0) {
			if (occ == cap) {
				overflow = 1;
				break;
			}
			q[(head + occ) % cap] = fi < nframes ? frames[fi].px[line * W + col] : 128;
			qf[(head + occ) % cap] = (uint8_t)((line == 0 && col == 0) | (col == W - 1) << 1);
			occ++;
			if (occ > frame_max[fi])
				frame_max[fi] = occ;
		}
		if (fi <= nframes && ++col == t->htotal) {
			col = 0;
			if (++line == t->vtotal) {
				line = 0;
				fi++;
			}
		}
		/* the pipeline reads the FIFO */
		if (occ) {
			in.valid = 1;
			in.data = q[head];
			in.sof = qf[head] & 1;
			in.eol = qf[head] >> 1;
		}
		anpr_sim_step(sim, &in, &out);
		quiet++;
		if (out.tvalid) {
			if (got < model_len)
				ob[got] = out.tdata;
			got++;
			quiet = 0;
		}
		if (out.taken) {
			sofs += qf[head] & 1;
			head = (head + 1) % cap;
			occ--;
		}
		if (sofs > nframes) /* the input done: wait for the pipeline to idle */
			anpr_sim_status(sim, &st, &idle);
	}
	anpr_sim_free(sim);
	/* against the model's records, each FRAME record's time field excepted */
	while (off < model_len && off < got) {
		struct anpr_record r;
		size_t used;
		const char *why;

		if (anpr_rec_parse(model_bytes + off, model_len - off, &r, &used, &why) != ANPR_REC_OK)
			break;
		for (size_t j = 0; j < used && off + j < got; j++)
			diff += ob[off + j] != model_bytes[off + j] &&
				!(r.type == ANPR_REC_FRAME && j >= ANPR_FRAME_OFF_TIME && j < ANPR_FRAME_OFF_TIME + 4);
		off += used;
	}
	for (size_t i = 0; i < nframes; i++) {
		nbig += frame_max[i] > 1024;
		if (frame_max[i] > frame_max[worst])
			worst = i;
	}
	printf("3b %-22s %4u x %3u cycles, %5.2f fps at %.3f MHz: FIFO max %6zu pixels (%s), %2zu of %zu frames "
	       "over 1,024; records %s\n",
	       t->name, t->htotal, t->vtotal, BOARD_HZ / ((double)t->htotal * t->vtotal), BOARD_HZ / 1e6,
	       frame_max[worst],
	       overflow ? "OVERFLOW: over a frame" : frames[worst].name, nbig, nframes,
	       sofs <= nframes ? "NOT ALL SENT" : diff || got < model_len ? "DIFFER" : "= the C model's");
	free(q);
	free(qf);
	free(ob);
	free(frame_max);
	return overflow || sofs <= nframes || diff || got < model_len;
}

/* 3b over a few sensor timings: no blanking but a line's worth a frame, a
 * little horizontal blanking, and the CEA-861 720p raster (1650 x 750). */
static int bench_fifo(void)
{
	static const struct sensor_timing timings[] = {
		{"line blank 0", W, H + 1},
		{"line blank 16", W + 16, H + 8},
		{"line blank 64", W + 64, H + 20},
		{"CEA-861 720p raster", 1650, 750},
	};
	const uint8_t *mb, *ml;
	size_t mlen;
	anpr_model *m = model_records(&mb, &ml, &mlen);
	int rc = 0;

	printf("\n== 3b. A sensor that cannot be stalled: the FIFO it needs in front (up5k build) ==\n");
	printf("   the %zu frames of 3, each sent a pixel a cycle whatever tready says, with htotal - %u idle "
	       "cycles after each line and vtotal - %u idle lines after each frame; the pipeline reads the "
	       "FIFO while tready; output always ready\n",
	       nframes, W, H);
	for (size_t k = 0; k < sizeof(timings) / sizeof(timings[0]); k++)
		rc |= bench_fifo_one(&timings[k], mb, mlen);
	anpr_model_free(m);
	cmdline("fifo");
	return rc;
}

static unsigned clog2(unsigned v)
{
	unsigned n = 0;

	while ((1u << n) < v)
		n++;
	return n;
}

/* SB_RAM40_4K blocks for a DEPTH x WIDTH memory: the best of the iCE40
 * 4 Kbit configurations 256x16, 512x8, 1024x4, 2048x2 */
static unsigned bram4k(double depth, unsigned width)
{
	unsigned best = ~0u;

	for (unsigned d = 256, w = 16; w >= 2; d *= 2, w /= 2) {
		unsigned n = ((width + w - 1) / w) * (unsigned)((depth + d - 1) / d);

		if (n < best)
			best = n;
	}
	return best;
}

static void bench_memory(void)
{
	static const char *presets[] = {"up5k", "large"};
	static const unsigned frame_w[] = {1280, 1920}, frame_h[] = {720, 1080};
	const double up5k_spram = 4 * 256 * 1024.0, up5k_bram = 30 * 4096.0, hx8k_bram = 32 * 4096.0;
	struct anpr_model_params simp;

	anpr_sim_params(&simp);
	printf("\n== 5. On-chip memory per build preset (bits; RTL memories, see "
	       "docs/PERFORMANCE.md) ==\n");
	for (unsigned k = 0; k < 2; k++) {
		struct anpr_model_params p;
		unsigned bx_w, s_w, cw_aw, ch_aw, c_w, md_w;
		double total = 0;

		anpr_model_params_preset(&p, presets[k]);
		if (k == 0 && memcmp(&p, &simp, sizeof(p)))
			printf("   WARNING: the up5k preset differs from this simulator's parameters\n");
		bx_w = clog2(p.max_width) - 3;
		s_w = 2 + 4 * bx_w + 2 * 10 + 16;
		cw_aw = clog2(p.crop_max_w);
		ch_aw = clog2(p.crop_max_h);
		c_w = (cw_aw > ch_aw ? cw_aw : ch_aw) + 1; /* anpr_emit C_W */
		md_w = 8 + 16 + clog2(p.max_width) + 12 + (cw_aw + 1) + (ch_aw + 1); /* anpr_store MD_W */
		/* bits; BRAM blocks (each RAM of the group mapped on its own); spram:
		 * the RAMs on UP5K SPRAM (16K x 16 each, two bytes a word) */
		struct {
			const char *what, *where;
			double bits;
			unsigned blocks, spram;
		} m[] = {
			{"Sobel line buffers MAX_W x 16", "anpr_sobel lb", 2.0 * p.max_width * 8,
			 bram4k(p.max_width, 16), 0},
			{"block accumulators ceil(MAX_W/8) x 6", "anpr_blocks acc",
			 (double)((p.max_width + 7) / 8) * 6, bram4k((p.max_width + 7) / 8, 6), 0},
			{"row ring RING_LINES x MAX_W x 8", "anpr_pipeline ring",
			 (double)p.ring_lines * p.max_width * 8,
			 bram4k((double)p.ring_lines * p.max_width, 8),
			 (unsigned)(((double)p.ring_lines * p.max_width + 32767) / 32768)},
			{"candidate slots NSLOTS x SLOT_BYTES x 8", "anpr_store slots",
			 (double)p.store_slots * p.slot_bytes * 8,
			 bram4k((double)p.store_slots * p.slot_bytes, 8),
			 (unsigned)(((double)p.store_slots * p.slot_bytes + 32767) / 32768)},
			{"slot metadata NSLOTS x MD_W", "anpr_store meta", (double)p.store_slots * md_w,
			 bram4k(p.store_slots, md_w), 0},
			{"profiles CROP_MAX_H x C_W + CROP_MAX_W x 2 CC_W", "anpr_emit rowc, cols",
			 (double)p.crop_max_h * c_w + (double)p.crop_max_w * 2 * (ch_aw + 1),
			 bram4k(p.crop_max_h, c_w) + bram4k(p.crop_max_w, 2 * (ch_aw + 1)), 0},
			{"linker tables 16 x (S_W - 2 BX_W) + 16 x S_W", "anpr_linker tab0, tab1",
			 16.0 * (2 * s_w - 2 * bx_w), bram4k(16, s_w - 2 * bx_w) + bram4k(16, s_w), 0},
			{"event FIFO 16 x (3 + PL_W)", "anpr_evq q (anpr_fifo)", 16.0 * (3 + 16 + 2 * bx_w + 10),
			 bram4k(16, 3 + 16 + 2 * bx_w + 10), 0},
			{"close queue 32 x CF_W", "anpr_pipeline closeq (anpr_fifo)", 32.0 * (2 * bx_w + 20 + 16 + 12),
			 bram4k(32, 2 * bx_w + 20 + 16 + 12), 0},
			{"character boxes 16 x 2 clog2(CROP_MAX_W)", "anpr_emit chars", 16.0 * 2 * cw_aw,
			 bram4k(16, 2 * cw_aw), 0},
			{"frame messages 2 x 8 x 16", "anpr_store msgq", 2.0 * 8 * 16, bram4k(16, 16), 0},
		};
		unsigned blocks = 0, spram = 0, rest = 0;
		printf("5  preset %s (MAX_W %u, RING_LINES %u, CROP_MAX %ux%u, SLOT_BYTES %u, NSLOTS %u; "
		       "frames up to %ux%u), S_W = 2 + 4*%u + 2*10 + 16 = %u:\n",
		       presets[k], p.max_width, p.ring_lines, p.crop_max_w, p.crop_max_h, p.slot_bytes,
		       p.store_slots, frame_w[k], frame_h[k], bx_w, s_w);
		for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
			printf("     %-46s %-28s %10.0f bits %9.2f KiB %5u BRAM4K\n", m[i].what, m[i].where,
			       m[i].bits, m[i].bits / 8192, m[i].blocks);
			total += m[i].bits;
			blocks += m[i].blocks;
			spram += m[i].spram;
			rest += m[i].spram ? 0 : m[i].blocks;
		}
		printf("     %-46s %-28s %10.0f bits %9.2f KiB %5u BRAM4K\n", "total", "", total,
		       total / 8192, blocks);
		printf("     iCE40 UP5K: 4 x 256 Kbit SPRAM + 30 x 4 Kbit BRAM = %.0f bits: %s "
		       "(%.0f%% of it)\n",
		       up5k_spram + up5k_bram, total <= up5k_spram + up5k_bram ? "fits by bit count" :
										   "does NOT fit",
		       100 * total / (up5k_spram + up5k_bram));
		printf("       by block geometry: all in 4 Kbit BRAM = %u blocks; or ring and slots in "
		       "SPRAM (16K x 16) = %u SPRAM + %u BRAM (UP5K has 4 + 30)\n",
		       blocks, spram, rest);
		printf("     iCE40 HX8K: 32 x 4 Kbit BRAM = %.0f bits: %s (%.0f%% of it)\n", hx8k_bram,
		       total <= hx8k_bram ? "fits by bit count" : "does NOT fit",
		       100 * total / hx8k_bram);
	}
	cmdline("memory");
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int rc = 0;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--data") && a + 1 < argc)
			data_dir = argv[++a];
		else if (!strcmp(argv[a], "--only") && a + 1 < argc)
			only = argv[++a];
		else if (!strcmp(argv[a], "--quick"))
			quick = 1;
		else {
			fprintf(stderr, "usage: bench_pipeline [--data DIR] [--only model|sim|fifo|memory] "
					"[--quick]\n");
			return 2;
		}
	}
	if (only && strcmp(only, "model") && strcmp(only, "sim") && strcmp(only, "fifo") && strcmp(only, "memory")) {
		fprintf(stderr, "bench_pipeline: --only takes model, sim, fifo or memory\n");
		return 2;
	}
	{
		struct anpr_model_params par;

		anpr_sim_params(&par);
		if (par.ppc == 2 || par.max_width != 1280) {
			g_ppc = par.ppc == 2 ? 2 : 1;
			g_build = g_ppc == 2 ? "large2" : "large";
			g_prog = g_ppc == 2 ? "./build/bench_pipeline_large2" : "./build/bench_pipeline_large";
			if (!only)
				only = "sim";
			if (strcmp(only, "sim")) {
				fprintf(stderr, "bench_pipeline: the %s build runs --only sim; the other figures "
						"are ./build/bench_pipeline's\n", g_build);
				return 2;
			}
		}
	}
	printf("bench_pipeline:");
	for (int a = 1; a < argc; a++)
		printf(" %s", argv[a]);
	printf("\n");
	if (!only || strcmp(only, "memory"))
		load_frames(quick ? 1 : 3, quick ? 3 : 1000);
	if (!only || !strcmp(only, "model"))
		bench_model();
	if (!only || !strcmp(only, "sim"))
		rc |= bench_sim();
	if (!only || !strcmp(only, "fifo"))
		rc |= bench_fifo();
	if (!only || !strcmp(only, "memory"))
		bench_memory();
	for (size_t i = 0; i < nframes; i++)
		free(frames[i].px);
	free(frames);
	return rc;
}
