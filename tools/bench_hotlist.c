/*
 * bench_hotlist.c - hotlist figures (make bench; docs/PERFORMANCE.md 7).
 *
 *   build/bench_hotlist [--entries N] [--dir DIR] [--queries Q]
 *
 * Writes N (default 10,000,000) generated entries as four CSV lists in DIR
 * (default: a fresh directory under /tmp, removed afterwards): UK current,
 * prefix, suffix, dateless and Northern Ireland VRMs with realistic
 * metadata (some notes, expiry dates, a few expired and duplicate rows).
 * Then, on one core:
 *
 *   1. load: files read, parsed, merged and indexed (indel index included),
 *      in seconds; memory of the set per entry in force (its arrays, all
 *      counted) and the process's peak resident size;
 *   2. exact lookup: ns per lookup, mean and 99th percentile, Q lookups of
 *      half listed, half unlisted VRMs at random;
 *   3. fuzzy lookup (look-alikes up to 1, indel on): Q lookups of listed
 *      VRMs with one look-alike substitution, one deletion, one insertion,
 *      and of unlisted VRMs: mean, 99th percentile, and the share of
 *      unlisted VRMs that hit anything (false hits);
 *   4. plate reads checked per second (5 candidate texts and a doubtful
 *      character each);
 *   5. the longest a lookup waited while the whole set was reloaded;
 *   6. frame to alert: the generated 1280x720 scene (its plates' texts are
 *      added to the lists) read on the model backend, from the frame
 *      handed to the backend to the first alert line sent to a subscriber
 *      of the alert socket (localisation, reading, matching, the alert
 *      with its PNG patch), and from the frame's records (the FPGA's last
 *      pixel) to that alert.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "anpr/alert.h"
#include "anpr/anpr.h"
#include "anpr/hotlist.h"
#include "anpr/pipe.h"
#include "anpr/read.h"
#include "scenes.h"

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 32) * n >> 32);
}

static char letter(void)
{
	static const char L[] = "ABCDEFGHJKLMNOPRSTUVWXY"; /* UK: no I, Q, Z in most places */

	return L[rnd(sizeof(L) - 1)];
}

static char digit(void)
{
	return (char)('0' + rnd(10));
}

/* A random UK VRM in one of the formats, by their rough shares on the road. */
static void vrm(char *s)
{
	uint32_t k = rnd(100);
	int n = 0;

	if (k < 85) { /* AB12CDE */
		s[n++] = letter(), s[n++] = letter(), s[n++] = digit(), s[n++] = digit();
		s[n++] = letter(), s[n++] = letter(), s[n++] = letter();
	} else if (k < 90) { /* A123BCD */
		s[n++] = letter(), s[n++] = digit(), s[n++] = digit(), s[n++] = digit();
		s[n++] = letter(), s[n++] = letter(), s[n++] = letter();
	} else if (k < 95) { /* ABC123D */
		s[n++] = letter(), s[n++] = letter(), s[n++] = letter(), s[n++] = digit();
		s[n++] = digit(), s[n++] = digit(), s[n++] = letter();
	} else if (k < 98) { /* ABC123 */
		s[n++] = letter(), s[n++] = letter(), s[n++] = letter(), s[n++] = digit();
		s[n++] = digit(), s[n++] = digit();
	} else { /* ABZ1234 */
		s[n++] = letter(), s[n++] = letter(), s[n++] = 'Z', s[n++] = digit();
		s[n++] = digit(), s[n++] = digit(), s[n++] = digit();
	}
	s[n] = 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct timing {
	double mean, p50, p99, max;
};

static struct timing summarise(double *t, long n, double total)
{
	struct timing r;

	qsort(t, (size_t)n, sizeof(double), cmp_double);
	r.mean = total / (double)n;
	r.p50 = t[n / 2];
	r.p99 = t[n * 99 / 100];
	r.max = t[n - 1];
	return r;
}

static void mutate(const char *in, char *out, int how)
{
	static const char *pairs[] = {"0O", "O0", "1I", "I1", "5S", "S5", "8B", "B8", "2Z", "Z2", "6G", "G6", "D0", "Q0"};
	int l = (int)strlen(in), p = (int)rnd((uint32_t)l), n = 0;

	strcpy(out, in);
	if (how == 0) { /* a look-alike substitution where one exists */
		for (int tries = 0; tries < l; tries++, p = (p + 1) % l)
			for (unsigned k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
				if (in[p] == pairs[k][0]) {
					out[p] = pairs[k][1];
					return;
				}
	} else if (how == 1) { /* a character lost */
		memmove(out + p, out + p + 1, (size_t)(l - p));
	} else { /* a character too many */
		for (int i = 0; i <= l; i++) {
			if (i == p)
				out[n++] = rnd(2) ? letter() : digit();
			if (i < l)
				out[n++] = in[i];
		}
		out[n] = 0;
	}
}

static void quiet(void *ctx, const char *msg)
{
	long *n = ctx;

	(*n)++;
	if (*n <= 3)
		fprintf(stderr, "  (list message) %s\n", msg);
}

struct reloader {
	anpr_hotlive *live;
	int done;
	double ms;
};

static void *reload_main(void *arg)
{
	struct reloader *r = arg;
	double t0;

	t0 = now_ns(); /* (the reload loads on an idle-class thread of its own, as the watcher's do) */
	anpr_hotlive_reload(r->live, NULL);
	r->ms = (now_ns() - t0) / 1e6;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int main(int argc, char **argv)
{
	static const char *names[4] = {"stolen", "uninsured", "wanted", "serious"};
	static const int share[4] = {40, 40, 10, 10};
	static const char *actions[5] = {"stop and check", "do not stop: report", "stop: arrest",
					 "intelligence only", "seize"};
	long n = 10000000, nq = 1000000, msgs = 0;
	char dir[256] = "", path[4][300], (*listed)[12];
	struct anpr_hot_source src[4];
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct anpr_hot_hit hits[8];
	anpr_hotlive *live;
	const anpr_hotset *s;
	int32_t today = anpr_hot_today();
	int own_dir = 0;
	double *t, total, t0;
	struct rusage ru;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--entries") && a + 1 < argc)
			n = atol(argv[++a]);
		else if (!strcmp(argv[a], "--queries") && a + 1 < argc)
			nq = atol(argv[++a]);
		else if (!strcmp(argv[a], "--dir") && a + 1 < argc)
			snprintf(dir, sizeof(dir), "%s", argv[++a]);
		else {
			fprintf(stderr, "usage: bench_hotlist [--entries N] [--queries Q] [--dir DIR]\n");
			return 2;
		}
	}
	if (n < 100 || nq < 100) {
		fprintf(stderr, "bench_hotlist: at least 100 entries and queries\n");
		return 2;
	}
	if (!*dir) {
		snprintf(dir, sizeof(dir), "/tmp/bench_hotlist.XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 1;
		}
		own_dir = 1;
	}
	listed = malloc((size_t)n * sizeof(*listed));
	t = malloc((size_t)nq * sizeof(*t));
	if (!listed || !t)
		return 1;

	/* the scene, and what it reads as (those texts are listed too) */
	static uint8_t scene[1280 * 720];
	struct anpr_plate_read plates[ANPR_READ_MAX_PLATES];
	struct anpr_read_opts ropts = {ANPR_COUNTRY_GB, NULL};
	anpr_pipe *pipe;
	char perr[256];
	int nplates = 0;

	scene_make(scene, 1280, 720, 5, 2026);
	if (anpr_pipe_open(&pipe, "model", perr, sizeof(perr)) ||
	    anpr_read_frame(&ropts, pipe, scene, 1280, 720, plates, ANPR_READ_MAX_PLATES, &nplates)) {
		fprintf(stderr, "bench_hotlist: the model backend: %s\n", perr);
		return 1;
	}

	/* the lists */
	t0 = now_ns();
	for (int f = 0, row = 0; f < 4; f++) {
		long rows = n * share[f] / 100;
		FILE *fp;

		snprintf(path[f], sizeof(path[f]), "%s/%s.csv", dir, names[f]);
		fp = fopen(path[f], "w");
		if (!fp) {
			perror(path[f]);
			return 1;
		}
		fprintf(fp, "%s\n", ANPR_HOT_HEADER);
		for (long i = 0; i < rows; i++, row++) {
			char date[16] = "";
			uint32_t k = rnd(1000);

			vrm(listed[row]);
			if (k < 300) { /* an expiry within two years; 1 in 300 already past */
				time_t when = (time_t)(today + (k == 0 ? -30 : (int)rnd(730) + 1)) * 86400;
				struct tm tm;

				gmtime_r(&when, &tm);
				strftime(date, sizeof(date), "%Y-%m-%d", &tm);
			}
			fprintf(fp, "%c%c%c%c %s,%s,%u,%s,%s,%s,", listed[row][0], listed[row][1], listed[row][2],
				listed[row][3], listed[row] + 4, names[f], 1 + rnd(5), actions[rnd(5)],
				rnd(3) ? "PNC" : "local force", date);
			if (k >= 950) /* one row in 20 has a note */
				fprintf(fp, "\"case %08u, seen %s\"", rnd(100000000), listed[row]);
			fputc('\n', fp);
		}
		if (f == 0) /* the scene's plates are stolen */
			for (int k = 0; k < nplates; k++)
				fprintf(fp, "%s,stolen,1,stop,PNC,,\n", plates[k].text);
		fclose(fp);
		src[f].path = path[f];
		snprintf(src[f].name, sizeof(src[f].name), "%s", names[f]);
	}
	printf("bench_hotlist: %ld generated rows in 4 lists (%s), written in %.1f s\n", n, dir,
	       (now_ns() - t0) / 1e9);

	/* the machine's memory latency: a chase of dependent loads over 256 MB,
	 * with 4 KB pages and with 2 MB pages (the set asks for those) */
	for (int big = 0; big < 2; big++) {
		size_t m = (size_t)64 << 20;
		uint32_t *ring = NULL, p = 0;

		if (posix_memalign((void **)&ring, (size_t)2 << 20, m * sizeof(*ring)))
			break;
#ifdef MADV_HUGEPAGE
		madvise(ring, m * sizeof(*ring), big ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#endif
		for (size_t i = 0; i < m; i++)
			ring[i] = (uint32_t)i;
		for (size_t i = m - 1; i > 0; i--) { /* Sattolo: one cycle through all */
			size_t j = rnd((uint32_t)i);
			uint32_t x = ring[i];

			ring[i] = ring[j];
			ring[j] = x;
		}
		t0 = now_ns();
		for (int i = 0; i < 2000000; i++)
			p = ring[p];
		printf("0%c. memory: %.0f ns per dependent random load over 256 MB with %s pages (the floor of a lookup; %u)\n",
		       'a' + big, (now_ns() - t0) / 2e6, big ? "2 MB" : "4 KB", p & 1);
		free(ring);
	}

	/* 1. load */
	anpr_hot_opts_init(&o);
	o.indel = 1;
	o.report = quiet;
	o.ctx = &msgs;
	if (anpr_hotlive_open(&live, src, 4, &o, &st)) {
		fprintf(stderr, "bench_hotlist: the lists did not load\n");
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("1. load: %.2f s (%.2f s reading and parsing) for %ld rows -> %ld entries (%ld duplicates merged, %ld expired dropped); "
	       "%.1f bytes/entry (%.0f MB, indel index %ld items); peak RSS %.0f MB\n",
	       st.load_ms / 1e3, st.parse_ms / 1e3, st.rows, st.entries, st.duplicates, st.expired, (double)st.bytes / (double)st.entries,
	       (double)st.bytes / 1e6, st.variants, (double)ru.ru_maxrss / 1e3);
	{
		FILE *f = fopen("/proc/self/smaps_rollup", "r");
		char line[256];

		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "AnonHugePages:", 14))
				printf("   in 2 MB pages: %s", line + 14 + strspn(line + 14, " "));
		if (f)
			fclose(f);
	}

	s = anpr_hotlive_acquire(live);
	/* 2. exact: unlisted VRMs (what most passing vehicles are), listed ones,
	 * and traffic: 1 vehicle in 100 listed */
	for (int listed_half = 0; listed_half < 3; listed_half++) {
		char (*q)[12] = malloc((size_t)nq * sizeof(*q));
		struct timing r;

		for (long i = 0; i < nq; i++) {
			if (listed_half == 1 || (listed_half == 2 && rnd(100) == 0))
				strcpy(q[i], listed[rnd((uint32_t)n)]);
			else
				vrm(q[i]);
		}
		t0 = now_ns(); /* the mean: one timed batch */
		for (long i = 0; i < nq; i++)
			anpr_hotset_lookup(s, q[i], 1, today, hits, 8);
		total = now_ns() - t0;
		for (long i = 0; i < nq; i++) { /* percentiles: each timed (the clock costs ~20 ns) */
			double a = now_ns();

			anpr_hotset_lookup(s, q[i], 1, today, hits, 8);
			t[i] = now_ns() - a;
		}
		r = summarise(t, nq, total);
		printf("2%c. exact lookup, %s VRMs: mean %.0f ns, p50 %.0f ns, p99 %.0f ns (%ld lookups)\n",
		       'a' + listed_half, (const char *[]){"random (unlisted)", "listed", "traffic (1 in 100 listed)"}[listed_half],
		       r.mean, r.p50, r.p99, nq);
		free(q);
	}
	/* 3. fuzzy */
	{
		long unlisted = 0, false_hits = 0, found = 0, fuzzy_queries = 0;

		total = 0;
		for (long i = 0; i < nq; i++) {
			char q[16];
			const char *from = listed[rnd((uint32_t)n)];
			int how = (int)(i % 4), nh;
			double a;

			if (how == 3)
				vrm(q);
			else
				mutate(from, q, how);
			a = now_ns();
			nh = anpr_hotset_lookup(s, q, 0, today, hits, 8);
			t[i] = now_ns() - a;
			total += t[i];
			if (how == 3) {
				unlisted++;
				false_hits += nh > 0;
			} else {
				fuzzy_queries++;
				for (int k = 0; k < nh; k++)
					if (!strcmp(hits[k].vrm, from)) {
						found++;
						break;
					}
			}
		}
		struct timing r = summarise(t, nq, total);

		printf("3. fuzzy lookup (look-alike 1, indel): mean %.0f ns, p50 %.0f ns, p99 %.0f ns, max %.0f ns; "
		       "%.2f%% of mutated listed VRMs found; %.2f%% of random VRMs hit something\n",
		       r.mean, r.p50, r.p99, r.max, 100.0 * (double)found / (double)fuzzy_queries,
		       100.0 * (double)false_hits / (double)unlisted);
	}
	/* 4. plate reads */
	{
		struct anpr_plate_read pl;
		long reads = nq / 4;

		t0 = now_ns();
		for (long i = 0; i < reads; i++) {
			memset(&pl, 0, sizeof(pl));
			if (i & 1)
				vrm(pl.text);
			else
				strcpy(pl.text, listed[rnd((uint32_t)n)]);
			pl.ncands = 5;
			pl.nchars = (int)strlen(pl.text);
			for (int c = 0; c < 5; c++) {
				strcpy(pl.cands[c].text, pl.text);
				if (c)
					pl.cands[c].text[rnd((uint32_t)pl.nchars)] = digit();
				pl.cands[c].confidence = 0.9f / (float)(c + 1);
			}
			for (int c = 0; c < pl.nchars; c++) {
				pl.chars[c].c = pl.text[c];
				pl.chars[c].confidence = c == 2 ? 0.4f : 0.95f;
				pl.chars[c].alt = letter();
				pl.chars[c].alt_confidence = 0.3f;
			}
			anpr_hotset_match(s, &pl, today, hits, 8);
		}
		printf("4. plate reads checked: %.0f per second on one core (5 candidates + 1 doubtful character each)\n",
		       (double)reads / ((now_ns() - t0) / 1e9));
	}
	anpr_hotlive_release(live, s);

	/* 5. lookups during a reload */
	{
		struct reloader r = {live, 0, 0};
		pthread_t th;
		long i = 0, over_ms = 0;
		double worst = 0;

		pthread_create(&th, NULL, reload_main, &r);
		while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE)) {
			double a = now_ns(), d;
			const anpr_hotset *x = anpr_hotlive_acquire(live);

			anpr_hotset_lookup(x, listed[rnd((uint32_t)n)], 0, today, hits, 8);
			anpr_hotlive_release(live, x);
			d = now_ns() - a;
			worst = d > worst ? d : worst;
			over_ms += d > 1e6;
			i++;
		}
		pthread_join(th, NULL);
		printf("5. reload of all lists: %.2f s aside; %ld lookups meanwhile (acquire + fuzzy lookup + "
		       "release), the longest %.1f us, %ld over 1 ms\n",
		       r.ms / 1e3, i, worst / 1e3, over_ms);
	}
	/* 6. frame to alert */
	{
		enum { RUNS = 40 };
		double total_ms[RUNS], after_ms[RUNS], sum1 = 0, sum2 = 0;
		struct anpr_alerter al;
		anpr_alert_server *srv;
		char sock[300], err[256];
		int fd, runs = 0;

		snprintf(sock, sizeof(sock), "unix:%s/alerts.sock", dir);
		if (anpr_alert_server_open(&srv, sock, NULL, NULL, err, sizeof(err)) ||
		    (fd = anpr_alert_connect(sock, NULL, 0, err, sizeof(err))) < 0) {
			fprintf(stderr, "bench_hotlist: %s\n", err);
			return 1;
		}
		anpr_alerter_init(&al, "bench", NULL);
		al.server = srv;
		al.holdoff = 0;
		for (int r = 0; r < RUNS; r++) {
			int n = 0;
			double a, loc, c;
			char buf[65536];

			/* the model's localisation alone, to take out of the second figure */
			a = now_ns();
			anpr_pipe_run(pipe, scene, 1280, 720, &(struct anpr_frame_result){0});
			loc = now_ns() - a;
			anpr_alerter_frame(&al, anpr_hotlive_acquire(live), NULL, scene, 1280, 720);
			c = now_ns();
			anpr_read_frame_each(&ropts, pipe, scene, 1280, 720, plates, ANPR_READ_MAX_PLATES, &n,
					     anpr_alerter_plate, &al);
			anpr_hotlive_release(live, al.set);
			if (al.first_sent > 0) {
				total_ms[runs] = (al.first_sent * 1e9 - c) / 1e6;
				after_ms[runs] = total_ms[runs] - loc / 1e6;
				sum1 += total_ms[runs];
				sum2 += after_ms[runs];
				runs++;
			}
			while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0) /* the subscriber drains */
				;
		}
		if (runs) {
			qsort(total_ms, (size_t)runs, sizeof(double), cmp_double);
			qsort(after_ms, (size_t)runs, sizeof(double), cmp_double);
			printf("6. frame to alert (model backend, 1280x720, %d runs, %lu alerts): frame -> first alert "
			       "sent: mean %.2f ms, max %.2f ms; less the localisation (records -> alert): mean %.2f ms, "
			       "max %.2f ms\n",
			       runs, al.alerts, sum1 / runs, total_ms[runs - 1], sum2 / runs, after_ms[runs - 1]);
		} else {
			printf("6. frame to alert: no alert was raised (the scene read nothing listed)\n");
		}
		close(fd);
		anpr_alert_server_close(srv, 1000);
	}
	anpr_pipe_close(pipe);
	anpr_hotlive_close(live);
	if (own_dir) {
		for (int f = 0; f < 4; f++)
			unlink(path[f]);
		rmdir(dir);
	}
	free(listed);
	free(t);
	return 0;
}
