/*
 * test_hotlist.c - hotlists (host/src/hotlist.c, hotlive.c): loading and
 * checking list files, the exact / look-alike / indel rules, ranking,
 * matching plate reads, and live sets swapped while lookups go on.
 *
 * Lists are CSV text in memory (anpr_hotset_load_text, path "mem.csv" in
 * messages) or files in a mkdtemp directory under /tmp that the suite
 * removes when it is done. Every load judges expiry by the fixed day TODAY.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "anpr/anpr.h"
#include "anpr/hotlist.h"
#include "anpr/read.h"
#include "tests.h"

#define HDR ANPR_HOT_HEADER "\n"
#define MAXH 64 /* hits asked of a lookup */

static int32_t day(const char *ymd)
{
	return anpr_hot_date(ymd, strlen(ymd));
}

#define TODAY day("2025-06-01")

/* Not NULL: what a failed load or open must overwrite with NULL. */
static long poison[8];
#define POISON_SET ((anpr_hotset *)(void *)poison)
#define POISON_LIVE ((anpr_hotlive *)(void *)poison)

/* ---- growing byte buffers (CSV text with NULs, long rows) ---- */

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	CU_ASSERT_FATAL(n >= 0 && (size_t)n < sizeof(tmp));
	put(b, tmp, (size_t)n);
}

/* ---- messages through opts.report ---- */

struct msgs {
	char text[16384]; /* each message and a newline, as far as they fit */
	size_t n;
	int count;
	uint64_t hash;    /* of every message, in order */
	char last[1024];  /* the last message */
};

static void on_msg(void *ctx, const char *msg)
{
	struct msgs *m = ctx;
	size_t len = strlen(msg);

	m->count++;
	for (size_t i = 0; i <= len; i++)
		m->hash = (m->hash ^ (unsigned char)msg[i]) * 1099511628211ULL;
	snprintf(m->last, sizeof(m->last), "%s\n", msg);
	if (m->n + len + 2 > sizeof(m->text))
		return;
	memcpy(m->text + m->n, msg, len);
	m->text[m->n + len] = '\n';
	m->n += len + 1;
	m->text[m->n] = 0;
}

/* Whether a message begins with prefix and has words after it. */
static int said(const struct msgs *m, const char *prefix, const char *words)
{
	size_t pl = strlen(prefix);

	for (const char *line = m->text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = (size_t)(nl - line);

		if (len >= pl && !memcmp(line, prefix, pl)) {
			char copy[1024];

			snprintf(copy, sizeof(copy), "%.*s", (int)len, line);
			if (strstr(copy + pl, words))
				return 1;
		}
		line = nl + 1;
	}
	return 0;
}

/* The defaults, judged by TODAY, messages into m (cleared). */
static void opts_init(struct anpr_hot_opts *o, struct msgs *m)
{
	anpr_hot_opts_init(o);
	o->today = TODAY;
	memset(m, 0, sizeof(*m));
	o->report = on_msg;
	o->ctx = m;
}

/* ---- files under a temporary directory (the suite's) ---- */

static char tmpdir[64];

static int suite_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/anpr-hotlist-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int suite_cleanup(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[sizeof(tmpdir) + sizeof(e->d_name) + 1];

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(tmpdir);
}

/* tmpdir/name into path (at least 256 bytes) */
static char *tmp_path(const char *name, char *path)
{
	snprintf(path, 256, "%s/%s", tmpdir, name);
	return path;
}

/* Write a list file as a list should be replaced: aside, then renamed
 * into place. Returns its path (in path, at least 256 bytes). */
static char *write_list(const char *name, const char *data, size_t len, char *path)
{
	char aside[256 + 8];
	FILE *f;

	tmp_path(name, path);
	snprintf(aside, sizeof(aside), "%s.new", path);
	f = fopen(aside, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_FATAL(fwrite(data, 1, len, f) == len);
	CU_ASSERT_FATAL(fclose(f) == 0);
	CU_ASSERT_FATAL(rename(aside, path) == 0);
	return path;
}

/* ---- loading one list ---- */

/* One list named "L" from csv[0..len): from memory (path "mem.csv") or,
 * if from_file, from a file written under tmpdir (its path in path). */
static int load_one(int from_file, const char *csv, size_t len, const struct anpr_hot_opts *o, anpr_hotset **s,
		    struct anpr_hot_stats *st, char *path)
{
	if (from_file) {
		struct anpr_hot_source src = {"L", write_list("L.csv", csv, len, path)};

		return anpr_hotset_load(&src, 1, o, s, st);
	} else {
		struct anpr_hot_text t = {"L", "mem.csv", csv, len};

		snprintf(path, 256, "mem.csv");
		return anpr_hotset_load_text(&t, 1, o, s, st);
	}
}

static int load_str(const char *csv, const struct anpr_hot_opts *o, anpr_hotset **s, struct anpr_hot_stats *st)
{
	char path[256];

	return load_one(0, csv, strlen(csv), o, s, st, path);
}

/* A set of space-separated VRMs (one list "L", priority 5, no expiry). */
static anpr_hotset *set_of(const char *vrms, int fuzzy, int indel, const char *classes)
{
	struct anpr_hot_opts o;
	struct msgs m;
	struct buf b = {0};
	anpr_hotset *s = NULL;
	char v[32];
	int off = 0, used;

	opts_init(&o, &m);
	o.fuzzy = fuzzy;
	o.indel = indel;
	o.lookalike = classes;
	put(&b, HDR, strlen(HDR));
	while (sscanf(vrms + off, "%31s%n", v, &used) == 1) {
		putf(&b, "%s,stolen,5,stop,pnc,,\n", v);
		off += used;
	}
	CU_ASSERT_EQUAL(load_str(b.p, &o, &s, NULL), ANPR_OK);
	CU_ASSERT_EQUAL(m.count, 0);
	free(b.p);
	return s;
}

/* ---- lookups ---- */

static int lookup(const anpr_hotset *s, const char *text, struct anpr_hot_hit *h)
{
	return anpr_hotset_lookup(s, text, 0, TODAY, h, MAXH);
}

/* The hit of entry vrm (of list, if not NULL) among h[0..n), or NULL. */
static const struct anpr_hot_hit *hit_of(const struct anpr_hot_hit *h, int n, const char *vrm, const char *list)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(h[i].vrm, vrm) && (!list || !strcmp(h[i].list, list)))
			return &h[i];
	return NULL;
}

/* Whether text hits entry vrm by rule at distance. */
static int hits_as(const anpr_hotset *s, const char *text, const char *vrm, enum anpr_hot_rule rule, int distance)
{
	struct anpr_hot_hit h[MAXH];
	const struct anpr_hot_hit *x = hit_of(h, lookup(s, text, h), vrm, NULL);

	return x && x->rule == rule && x->distance == distance;
}

/* Whether text hits entry vrm at all. */
static int hits(const anpr_hotset *s, const char *text, const char *vrm)
{
	struct anpr_hot_hit h[MAXH];

	return hit_of(h, lookup(s, text, h), vrm, NULL) != NULL;
}

/* =================================================================== */
/* loading                                                             */
/* =================================================================== */

/* VRMs are compared normalised: case, spaces and - . _ do not matter, in
 * the list or in the read. */
static void test_load_normalised(void)
{
	static const char a[] = HDR "ab12 cde,stolen,5,stop,pnc,,\n", b[] = HDR "AB-12.CDE,wanted,3,stop,pnc,,\n";
	struct anpr_hot_text t[2] = {{"a", "a.csv", a, sizeof(a) - 1}, {"b", "b.csv", b, sizeof(b) - 1}};
	struct anpr_hot_opts o;
	struct anpr_hot_hit h[MAXH];
	struct msgs m;
	anpr_hotset *s;
	char out[ANPR_HOT_MAX_VRM + 1], why[96];
	int n;

	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_load_text(t, 2, &o, &s, NULL), ANPR_OK);
	CU_ASSERT_EQUAL(m.count, 0);
	CU_ASSERT_EQUAL(anpr_hotset_size(s), 2);
	n = lookup(s, "AB12CDE", h);
	CU_ASSERT_EQUAL(n, 2);
	for (int i = 0; i < n; i++) {
		CU_ASSERT_STRING_EQUAL(h[i].vrm, "AB12CDE");
		CU_ASSERT_EQUAL(h[i].rule, ANPR_HOT_EXACT);
	}
	CU_ASSERT_PTR_NOT_NULL(hit_of(h, n, "AB12CDE", "a"));
	CU_ASSERT_PTR_NOT_NULL(hit_of(h, n, "AB12CDE", "b"));
	/* the read is normalised too, and reported normalised */
	n = lookup(s, " ab_12-c.de ", h);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(h[0].read, "AB12CDE");
	CU_ASSERT_EQUAL(h[0].distance, 0);
	CU_ASSERT_EQUAL(anpr_hot_normalise("ab12 cde", 8, out, why), 7);
	CU_ASSERT_STRING_EQUAL(out, "AB12CDE");
	CU_ASSERT_EQUAL(anpr_hot_normalise("AB12!", 5, out, why), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "vrm"));
	anpr_hotset_free(s);
}

/* A list whose rows 3, 4, 5, 6 and 8 have VRMs that are no VRM; the rest
 * are good. */
static const char bad_vrms[] = HDR
	"AB12CDE,stolen,5,stop,pnc,,good\n"     /* 2 */
	"AB!12,stolen,5,stop,pnc,,\n"           /* 3 */
	"AB12\xc3\x89,stolen,5,stop,pnc,,\n"    /* 4: a non-ASCII letter */
	",stolen,5,stop,pnc,,\n"                /* 5 */
	"ABCDEFGHIJK,stolen,5,stop,pnc,,\n"     /* 6: 11 characters */
	"XY98ZZZ,stolen,5,stop,pnc,,\n"         /* 7 */
	" - ,stolen,5,stop,pnc,,\n"             /* 8: nothing left */
	"ABCDEFGHIJ,stolen,5,stop,pnc,,\n";     /* 9: 10 characters */

/* Each bad VRM is reported as PATH:LINE: vrm: ..., counted, and skipped;
 * the good rows are loaded, from memory and from a file alike. */
static void test_load_bad_vrm(void)
{
	static const struct {
		int line;
		const char *says;
	} bad[] = {{3, "vrm: '!'"}, {4, "vrm: byte 0xc3"}, {5, "vrm: empty"}, {6, "vrm: more than 10"}, {8, "vrm: empty"}};

	for (int from_file = 0; from_file < 2; from_file++) {
		struct anpr_hot_opts o;
		struct anpr_hot_stats st;
		struct msgs m;
		anpr_hotset *s;
		char path[256], prefix[300];

		opts_init(&o, &m);
		CU_ASSERT_EQUAL_FATAL(load_one(from_file, bad_vrms, sizeof(bad_vrms) - 1, &o, &s, &st, path), ANPR_OK);
		CU_ASSERT_EQUAL(m.count, 5);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(prefix, sizeof(prefix), "%s:%d: ", path, bad[i].line);
			CU_ASSERT(said(&m, prefix, bad[i].says));
		}
		CU_ASSERT_EQUAL(st.nlists, 1);
		CU_ASSERT_EQUAL(st.rows, 8);
		CU_ASSERT_EQUAL(st.bad, 5);
		CU_ASSERT_EQUAL(st.list[0].bad, 5);
		CU_ASSERT_EQUAL(st.entries, 3);
		CU_ASSERT_FALSE(st.list[0].refused);
		CU_ASSERT(hits_as(s, "AB12CDE", "AB12CDE", ANPR_HOT_EXACT, 0));
		CU_ASSERT(hits(s, "XY98ZZZ", "XY98ZZZ"));
		CU_ASSERT(hits(s, "ABCDEFGHIJ", "ABCDEFGHIJ"));
		CU_ASSERT_EQUAL(anpr_hotset_size(s), 3);
		CU_ASSERT_EQUAL(anpr_hotset_stats(s)->entries, 3);
		CU_ASSERT_EQUAL(anpr_hotset_stats(s)->len_count[7], 2);
		CU_ASSERT_EQUAL(anpr_hotset_stats(s)->len_count[10], 1);
		CU_ASSERT_EQUAL(anpr_hotset_stats(s)->priority_count[5], 3);
		anpr_hotset_free(s);
	}
}

/* Strict: one bad row refuses its file, and so the whole load; a good
 * list still loads strictly. */
static void test_load_strict(void)
{
	static const char good[] = HDR "XY98ZZZ,stolen,5,stop,pnc,,\n";
	struct anpr_hot_text t[2] = {{"good", "good.csv", good, sizeof(good) - 1},
				     {"bad", "bad.csv", bad_vrms, sizeof(bad_vrms) - 1}};
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct msgs m;
	anpr_hotset *s = POISON_SET;

	opts_init(&o, &m);
	o.strict = 1;
	CU_ASSERT_NOT_EQUAL(anpr_hotset_load_text(t, 2, &o, &s, &st), ANPR_OK);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(st.nlists, 2);
	CU_ASSERT_FALSE(st.list[0].refused);
	CU_ASSERT_TRUE(st.list[1].refused);
	CU_ASSERT_EQUAL(st.list[1].bad, 5);
	CU_ASSERT(said(&m, "bad.csv:3: ", "vrm"));
	CU_ASSERT(said(&m, "bad.csv: ", "refused"));

	CU_ASSERT_EQUAL_FATAL(anpr_hotset_load_text(t, 1, &o, &s, &st), ANPR_OK);
	CU_ASSERT(hits(s, "XY98ZZZ", "XY98ZZZ"));
	anpr_hotset_free(s);
}

/* A file that is no list (a wrong header, nothing at all) is refused with
 * a message naming it; a byte order mark and CRLF line ends are fine. */
static void test_load_header(void)
{
	static const char wrong[] = "vrm,category,priority\nAB12CDE,stolen,5\n";
	static const char crlf[] = "\xef\xbb\xbf" ANPR_HOT_HEADER "\r\n"
				   "AB12CDE,stolen,5,stop,pnc,2030-01-01,n\r\n"
				   "XY98ZZZ,stolen,5,stop,pnc,,\r\n";
	static const char header_only[] = ANPR_HOT_HEADER;

	for (int from_file = 0; from_file < 2; from_file++) {
		struct anpr_hot_opts o;
		struct anpr_hot_stats st;
		struct anpr_hot_hit h[MAXH];
		struct msgs m;
		anpr_hotset *s;
		char path[256], prefix[300];

		opts_init(&o, &m);
		CU_ASSERT_EQUAL(load_one(from_file, wrong, sizeof(wrong) - 1, &o, &s, &st, path), ANPR_ERR_ARG);
		CU_ASSERT_PTR_NULL(s);
		CU_ASSERT_TRUE(st.list[0].refused);
		snprintf(prefix, sizeof(prefix), "%s:1: ", path);
		CU_ASSERT(said(&m, prefix, "header"));

		opts_init(&o, &m);
		CU_ASSERT_EQUAL(load_one(from_file, "", 0, &o, &s, &st, path), ANPR_ERR_ARG);
		CU_ASSERT_PTR_NULL(s);
		CU_ASSERT_TRUE(st.list[0].refused);
		snprintf(prefix, sizeof(prefix), "%s: ", path);
		CU_ASSERT(said(&m, prefix, "empty"));

		opts_init(&o, &m); /* a byte order mark and nothing else is empty too */
		CU_ASSERT_EQUAL(load_one(from_file, "\xef\xbb\xbf", 3, &o, &s, &st, path), ANPR_ERR_ARG);
		CU_ASSERT(said(&m, prefix, "empty"));

		opts_init(&o, &m);
		CU_ASSERT_EQUAL_FATAL(load_one(from_file, crlf, sizeof(crlf) - 1, &o, &s, &st, path), ANPR_OK);
		CU_ASSERT_EQUAL(m.count, 0);
		CU_ASSERT_EQUAL(st.bad, 0);
		CU_ASSERT_EQUAL_FATAL(lookup(s, "AB12CDE", h), 1);
		CU_ASSERT_STRING_EQUAL(h[0].note, "n"); /* no CR left on the last field */
		CU_ASSERT_EQUAL(h[0].valid_until, day("2030-01-01"));
		CU_ASSERT(hits(s, "XY98ZZZ", "XY98ZZZ"));
		anpr_hotset_free(s);

		/* a list with no rows (and no final newline) is a list */
		opts_init(&o, &m);
		CU_ASSERT_EQUAL_FATAL(load_one(from_file, header_only, sizeof(header_only) - 1, &o, &s, &st, path), ANPR_OK);
		CU_ASSERT_EQUAL(anpr_hotset_size(s), 0);
		CU_ASSERT_EQUAL(lookup(s, "AB12CDE", h), 0);
		anpr_hotset_free(s);
	}
}

/* Every malformed field makes its row bad, reported with its line number
 * (the reason naming the field where there is one) and never listed; the
 * good rows around them load, quoted fields included. */
static void test_load_fields(void)
{
	static const struct {
		const char *row; /* after its VRM, BAD<n> */
		const char *says;
	} bad[] = {
		{"stolen,0,stop,pnc,,", "priority"},
		{"stolen,100,stop,pnc,,", "priority"},
		{"stolen,high,stop,pnc,,", "priority"},
		{"stolen,,stop,pnc,,", "priority"},
		{"stolen,-1,stop,pnc,,", "priority"},
		{"stolen,5,stop,pnc,2025-02-29,", "valid_until"},
		{"stolen,5,stop,pnc,2025-13-01,", "valid_until"},
		{"stolen,5,stop,pnc,tomorrow,", "valid_until"},
		{"stolen,5,stop,pnc,,\"unterminated", "quote"},
		{"stolen,5,stop,pnc,", "6 fields"},
		{"stolen,5,stop,pnc,,note,extra", "8 fields"},
		{"stolen,5,stop,pnc,,caf\xff", "UTF-8"},
		{"stolen,5,stop,pnc,,caf\xc3", "UTF-8"}, /* a sequence cut short at the end */
		{",5,stop,pnc,,", "category"},
		{"stolen,5,stop,pnc,,a\"b", "quote"},
	};
	static const char nul_row[] = "BADNUL,stolen,5,stop,pnc,,a\0b\n";
	const int nbad = (int)(sizeof(bad) / sizeof(bad[0]));
	const size_t pre = strlen("GOOD2,stolen,5,stop,pnc,,");
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct anpr_hot_hit h[MAXH];
	struct msgs m;
	struct buf b = {0};
	anpr_hotset *s;
	char prefix[256], vrm[16], note[ANPR_HOT_MAX_ROW];

	put(&b, HDR, strlen(HDR));
	for (int i = 0; i < nbad; i++)
		putf(&b, "BAD%d,%s\n", i, bad[i].row);
	put(&b, nul_row, sizeof(nul_row) - 1); /* line nbad + 2 */
	memset(note, 'x', sizeof(note));
	putf(&b, "BADLONG,stolen,5,stop,pnc,,");  /* line nbad + 3: one byte too long */
	put(&b, note, ANPR_HOT_MAX_ROW + 1 - strlen("BADLONG,stolen,5,stop,pnc,,"));
	put(&b, "\n", 1);
	putf(&b, "GOOD1,\"stolen, twice\",5,stop,pnc,,\"left, right \"\"quoted\"\"\"\n");
	put(&b, "GOOD2,stolen,5,stop,pnc,,", pre); /* exactly the longest row */
	put(&b, note, ANPR_HOT_MAX_ROW - pre);
	put(&b, "\n", 1);
	putf(&b, "GOOD3, stolen ,07,stop,pnc,2028-02-29,Zo\xc3\xab \xf0\x9f\x9a\x97\n");

	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(load_one(0, b.p, b.n, &o, &s, &st, prefix), ANPR_OK);
	for (int i = 0; i < nbad; i++) {
		snprintf(prefix, sizeof(prefix), "mem.csv:%d: ", i + 2);
		snprintf(vrm, sizeof(vrm), "BAD%d", i);
		CU_ASSERT(said(&m, prefix, bad[i].says));
		CU_ASSERT_FALSE(hits(s, vrm, vrm));
	}
	snprintf(prefix, sizeof(prefix), "mem.csv:%d: ", nbad + 2);
	CU_ASSERT(said(&m, prefix, "NUL"));
	snprintf(prefix, sizeof(prefix), "mem.csv:%d: ", nbad + 3);
	CU_ASSERT(said(&m, prefix, "bytes"));
	CU_ASSERT_FALSE(hits(s, "BADNUL", "BADNUL"));
	CU_ASSERT_FALSE(hits(s, "BADLONG", "BADLONG"));
	CU_ASSERT_EQUAL(m.count, nbad + 2);
	CU_ASSERT_EQUAL(st.bad, nbad + 2);
	CU_ASSERT_EQUAL(st.rows, nbad + 5);
	CU_ASSERT_EQUAL(st.entries, 3);

	CU_ASSERT_EQUAL_FATAL(lookup(s, "GOOD1", h), 1);
	CU_ASSERT_STRING_EQUAL(h[0].category, "stolen, twice");
	CU_ASSERT_STRING_EQUAL(h[0].note, "left, right \"quoted\"");
	CU_ASSERT_STRING_EQUAL(h[0].action, "stop");
	CU_ASSERT_STRING_EQUAL(h[0].source, "pnc");
	CU_ASSERT_EQUAL(h[0].valid_until, ANPR_HOT_NO_EXPIRY);
	CU_ASSERT_EQUAL_FATAL(lookup(s, "GOOD2", h), 1);
	CU_ASSERT_EQUAL(strlen(h[0].note), ANPR_HOT_MAX_ROW - pre);
	CU_ASSERT_EQUAL_FATAL(lookup(s, "GOOD3", h), 1);
	CU_ASSERT_STRING_EQUAL(h[0].category, "stolen"); /* trimmed */
	CU_ASSERT_EQUAL(h[0].priority, 7);
	CU_ASSERT_EQUAL(h[0].valid_until, day("2028-02-29")); /* a leap day */
	CU_ASSERT_STRING_EQUAL(h[0].note, "Zo\xc3\xab \xf0\x9f\x9a\x97");
	anpr_hotset_free(s);
	free(b.p);
}

/* Dates are real calendar days counted from 1970-01-01. */
static void test_load_dates(void)
{
	CU_ASSERT_EQUAL(day("1970-01-01"), 0);
	CU_ASSERT_EQUAL(day("2000-03-01"), 11017);
	CU_ASSERT_EQUAL(day("2028-02-29"), 21243);
	CU_ASSERT_EQUAL(day("2025-06-01"), 20240);
	CU_ASSERT_EQUAL(day("2000-02-29"), day("2000-03-01") - 1);
	CU_ASSERT_EQUAL(day("2025-02-29"), -1);
	CU_ASSERT_EQUAL(day("1900-02-29"), -1);
	CU_ASSERT_EQUAL(day("2025-04-31"), -1);
	CU_ASSERT_EQUAL(day("2025-13-01"), -1);
	CU_ASSERT_EQUAL(day("2025-1-01"), -1);
	CU_ASSERT_EQUAL(day("tomorrow"), -1);
	CU_ASSERT(anpr_hot_today() > day("2025-01-01"));
}

/* A VRM listed twice in one list is one entry: the more urgent row's
 * words, the later expiry, a message naming both lines. In two lists it
 * is two entries. */
static void test_load_duplicates(void)
{
	static const char csv[] = HDR
		"AB12CDE,stolen,5,stop,pnc,2026-01-01,first\n"      /* 2 */
		"XY98ZZZ,stolen,5,stop,pnc,,\n"                     /* 3 */
		"ab12 cde,wanted,2,arrest,anpr,2025-12-01,second\n" /* 4 */
		"CD34EFG,insurance,1,stop,mid,2025-09-01,third\n"   /* 5 */
		"CD34EFG,stolen,7,stop,pnc,2027-01-01,fourth\n";    /* 6 */
	static const char other[] = HDR "AB12CDE,stolen,9,note,local,,\n";
	struct anpr_hot_text t[2] = {{"a", "a.csv", csv, sizeof(csv) - 1}, {"b", "b.csv", other, sizeof(other) - 1}};
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct anpr_hot_hit h[MAXH];
	const struct anpr_hot_hit *x;
	struct msgs m;
	anpr_hotset *s;

	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_load_text(t, 1, &o, &s, &st), ANPR_OK);
	CU_ASSERT_EQUAL(st.duplicates, 2);
	CU_ASSERT_EQUAL(st.list[0].duplicates, 2);
	CU_ASSERT_EQUAL(st.entries, 3);
	CU_ASSERT_EQUAL(st.bad, 0);
	CU_ASSERT(said(&m, "a.csv:4: ", "line 2"));
	CU_ASSERT(said(&m, "a.csv:6: ", "line 5"));
	CU_ASSERT_EQUAL(m.count, 2);
	CU_ASSERT_EQUAL_FATAL(lookup(s, "AB12CDE", h), 1);
	CU_ASSERT_EQUAL(h[0].priority, 2);
	CU_ASSERT_STRING_EQUAL(h[0].category, "wanted");
	CU_ASSERT_STRING_EQUAL(h[0].action, "arrest");
	CU_ASSERT_STRING_EQUAL(h[0].note, "second");
	CU_ASSERT_EQUAL(h[0].valid_until, day("2026-01-01"));
	CU_ASSERT_EQUAL_FATAL(lookup(s, "CD34EFG", h), 1);
	CU_ASSERT_EQUAL(h[0].priority, 1);
	CU_ASSERT_STRING_EQUAL(h[0].category, "insurance");
	CU_ASSERT_STRING_EQUAL(h[0].note, "third");
	CU_ASSERT_EQUAL(h[0].valid_until, day("2027-01-01"));
	anpr_hotset_free(s);

	/* the same VRM in another list */
	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_load_text(t, 2, &o, &s, &st), ANPR_OK);
	CU_ASSERT_EQUAL(st.entries, 4);
	CU_ASSERT_EQUAL(st.duplicates, 2);
	CU_ASSERT_EQUAL_FATAL(lookup(s, "AB12CDE", h), 2);
	x = hit_of(h, 2, "AB12CDE", "b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->priority, 9);
	CU_ASSERT_STRING_EQUAL(x->source, "local");
	x = hit_of(h, 2, "AB12CDE", "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(x->priority, 2);
	anpr_hotset_free(s);
}

/* A row expired by the load's day is dropped and counted; one valid until
 * that day is in force through it; a lookup on a later day leaves out an
 * entry that expired in between, by any rule. */
static void test_load_expiry(void)
{
	static const char csv[] = HDR
		"OLD1,stolen,5,stop,pnc,2025-05-31,\n"
		"TODAY1,stolen,5,stop,pnc,2025-06-01,\n"
		"SOON1,stolen,5,stop,pnc,2025-06-03,\n"
		"NEVER1,stolen,5,stop,pnc,,\n";
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct anpr_hot_hit h[MAXH];
	struct msgs m;
	anpr_hotset *s;
	int32_t t = TODAY;

	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(load_str(csv, &o, &s, &st), ANPR_OK);
	CU_ASSERT_EQUAL(st.rows, 4);
	CU_ASSERT_EQUAL(st.expired, 1);
	CU_ASSERT_EQUAL(st.list[0].expired, 1);
	CU_ASSERT_EQUAL(st.entries, 3);
	CU_ASSERT_EQUAL(st.bad, 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "OLD1", 0, t - 5, h, MAXH), 0); /* gone, whatever the day */
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "TODAY1", 0, t, h, MAXH), 1);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "TODAY1", 0, t + 1, h, MAXH), 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "SOON1", 0, t + 2, h, MAXH), 1);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "S0ON1", 0, t + 2, h, MAXH), 1); /* look-alike */
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "SOON1", 0, t + 3, h, MAXH), 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "S0ON1", 0, t + 3, h, MAXH), 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "NEVER1", 0, t + 100000, h, MAXH), 1);
	anpr_hotset_free(s);

	/* judged by another day, the same list keeps OLD1 */
	opts_init(&o, &m);
	o.today = day("2025-05-31");
	CU_ASSERT_EQUAL_FATAL(load_str(csv, &o, &s, &st), ANPR_OK);
	CU_ASSERT_EQUAL(st.expired, 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "OLD1", 0, day("2025-05-31"), h, MAXH), 1);
	anpr_hotset_free(s);
}

/* Lists are told apart by name: two of one name are refused. A --hotlist
 * argument is NAME=FILE or FILE named after its base name. */
static void test_load_names(void)
{
	static const char csv[] = HDR "AB12CDE,stolen,5,stop,pnc,,\n";
	struct anpr_hot_text t[2] = {{"x", "one.csv", csv, sizeof(csv) - 1}, {"x", "two.csv", csv, sizeof(csv) - 1}};
	struct anpr_hot_source src;
	struct anpr_hot_opts o;
	struct msgs m;
	anpr_hotset *s;
	char longname[80];

	opts_init(&o, &m);
	CU_ASSERT_EQUAL(anpr_hotset_load_text(t, 2, &o, &s, NULL), ANPR_ERR_ARG);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT(said(&m, "two.csv: ", "'x'"));

	CU_ASSERT_EQUAL(anpr_hot_source_parse("stolen=/data/pnc.csv", &src), ANPR_OK);
	CU_ASSERT_STRING_EQUAL(src.name, "stolen");
	CU_ASSERT_STRING_EQUAL(src.path, "/data/pnc.csv");
	CU_ASSERT_EQUAL(anpr_hot_source_parse("dir/stolen.csv", &src), ANPR_OK);
	CU_ASSERT_STRING_EQUAL(src.name, "stolen");
	CU_ASSERT_STRING_EQUAL(src.path, "dir/stolen.csv");
	CU_ASSERT_EQUAL(anpr_hot_source_parse("x.txt", &src), ANPR_OK);
	CU_ASSERT_STRING_EQUAL(src.name, "x.txt");
	CU_ASSERT_STRING_EQUAL(src.path, "x.txt");
	CU_ASSERT_EQUAL(anpr_hot_source_parse("=list.csv", &src), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_hot_source_parse("name=", &src), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_hot_source_parse("", &src), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_hot_source_parse("dir/", &src), ANPR_ERR_ARG);
	memset(longname, 'n', sizeof(longname));
	snprintf(longname + 63, sizeof(longname) - 63, "=f"); /* a 63-byte name */
	CU_ASSERT_EQUAL(anpr_hot_source_parse(longname, &src), ANPR_OK);
	CU_ASSERT_EQUAL(strlen(src.name), 63);
	snprintf(longname + 63, sizeof(longname) - 63, "n=f"); /* 64 bytes */
	CU_ASSERT_EQUAL(anpr_hot_source_parse(longname, &src), ANPR_ERR_ARG);
}

/* A list that cannot be read refuses the load (all or nothing) with a
 * message naming the file. */
static void test_load_missing_file(void)
{
	static const char csv[] = HDR "AB12CDE,stolen,5,stop,pnc,,\n";
	struct anpr_hot_source src[2] = {{"good", NULL}, {"gone", NULL}};
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct msgs m;
	anpr_hotset *s = POISON_SET;
	char good[256], gone[256], prefix[300];

	src[0].path = write_list("good.csv", csv, sizeof(csv) - 1, good);
	src[1].path = tmp_path("no-such-list.csv", gone);
	opts_init(&o, &m);
	CU_ASSERT_EQUAL(anpr_hotset_load(src, 2, &o, &s, &st), ANPR_ERR_IO);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT_EQUAL(st.nlists, 2);
	CU_ASSERT_FALSE(st.list[0].refused);
	CU_ASSERT_TRUE(st.list[1].refused);
	snprintf(prefix, sizeof(prefix), "%s: ", gone);
	CU_ASSERT(said(&m, prefix, "No such file"));

	/* a directory is no list either */
	src[1].path = tmpdir;
	opts_init(&o, &m);
	CU_ASSERT_EQUAL(anpr_hotset_load(src, 2, &o, &s, &st), ANPR_ERR_IO);
	CU_ASSERT_PTR_NULL(s);
	snprintf(prefix, sizeof(prefix), "%s: ", tmpdir);
	CU_ASSERT(said(&m, prefix, "directory"));

	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_load(src, 1, &o, &s, &st), ANPR_OK);
	CU_ASSERT(hits(s, "AB12CDE", "AB12CDE"));
	anpr_hotset_free(s);
}

/* =================================================================== */
/* matching                                                            */
/* =================================================================== */

/* Exact hits have distance 0; look-alike substitutions count one each,
 * up to fuzzy; any other difference is no hit. */
static void test_match_lookalike(void)
{
	anpr_hotset *s;

	s = set_of("AB12CDE", 1, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(hits_as(s, "AB12CDE", "AB12CDE", ANPR_HOT_EXACT, 0));
	CU_ASSERT(hits_as(s, "A812CDE", "AB12CDE", ANPR_HOT_LOOKALIKE, 1));
	CU_ASSERT(hits_as(s, "AB12C0E", "AB12CDE", ANPR_HOT_LOOKALIKE, 1));
	CU_ASSERT(hits_as(s, "ABI2CDE", "AB12CDE", ANPR_HOT_LOOKALIKE, 1));
	CU_ASSERT_FALSE(hits(s, "A812C0E", "AB12CDE")); /* two substitutions */
	CU_ASSERT_FALSE(hits(s, "AB12CDF", "AB12CDE"));
	CU_ASSERT_FALSE(hits(s, "AB12CD", "AB12CDE")); /* no indel rule */
	anpr_hotset_free(s);

	s = set_of("AB12CDE", 2, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(hits_as(s, "A812C0E", "AB12CDE", ANPR_HOT_LOOKALIKE, 2));
	CU_ASSERT(hits_as(s, "A812CDE", "AB12CDE", ANPR_HOT_LOOKALIKE, 1));
	CU_ASSERT_FALSE(hits(s, "A8I2C0E", "AB12CDE")); /* three */
	CU_ASSERT_FALSE(hits(s, "AB12CDF", "AB12CDE"));
	CU_ASSERT_FALSE(hits(s, "A812CDF", "AB12CDE"));
	anpr_hotset_free(s);

	s = set_of("AB12CDE", 0, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(hits_as(s, "AB12CDE", "AB12CDE", ANPR_HOT_EXACT, 0));
	CU_ASSERT_FALSE(hits(s, "A812CDE", "AB12CDE"));
	CU_ASSERT_FALSE(hits(s, "AB12C0E", "AB12CDE"));
	anpr_hotset_free(s);
}

/* opts.lookalike replaces the default classes; a spec with a character in
 * two classes is refused. */
static void test_match_classes(void)
{
	static const char csv[] = HDR "AB12CDE,stolen,5,stop,pnc,,\n";
	struct anpr_hot_opts o;
	struct msgs m;
	anpr_hotset *s;

	s = set_of("AB12CDE", 1, 0, "0O,1I");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FALSE(hits(s, "A812CDE", "AB12CDE")); /* 8/B no longer alike */
	CU_ASSERT_FALSE(hits(s, "AB12C0E", "AB12CDE")); /* nor 0/D */
	CU_ASSERT(hits_as(s, "ABI2CDE", "AB12CDE", ANPR_HOT_LOOKALIKE, 1));
	CU_ASSERT(hits_as(s, "AB12CDE", "AB12CDE", ANPR_HOT_EXACT, 0));
	anpr_hotset_free(s);

	s = set_of("AB12CDE", 1, 0, "ef"); /* lower case is fine */
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(hits_as(s, "AB12CDF", "AB12CDE", ANPR_HOT_LOOKALIKE, 1));
	CU_ASSERT_FALSE(hits(s, "AB12CFE", "AB12CDE"));
	CU_ASSERT_FALSE(hits(s, "A812CDE", "AB12CDE"));
	anpr_hotset_free(s);

	opts_init(&o, &m);
	o.lookalike = "0O,O8";
	s = POISON_SET;
	CU_ASSERT_EQUAL(load_str(csv, &o, &s, NULL), ANPR_ERR_ARG);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT(said(&m, "look-alike classes", "two classes"));
	opts_init(&o, &m);
	o.lookalike = "0O,1-";
	CU_ASSERT_EQUAL(load_str(csv, &o, &s, NULL), ANPR_ERR_ARG);
	CU_ASSERT_PTR_NULL(s);
}

/* With opts.indel a read that lost or gained one character hits, at
 * distance 1 plus its look-alike substitutions (which need fuzzy). */
static void test_match_indel(void)
{
	static const char *const missing_or_extra[] = {"B12CDE", "AB2CDE", "AB12CD", "AB12CDEX", "AAB12CDE", "AB12XCDE"};
	anpr_hotset *s;

	for (int fuzzy = 0; fuzzy <= 1; fuzzy++) {
		s = set_of("AB12CDE", fuzzy, 1, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		for (size_t i = 0; i < sizeof(missing_or_extra) / sizeof(missing_or_extra[0]); i++)
			CU_ASSERT(hits_as(s, missing_or_extra[i], "AB12CDE", ANPR_HOT_INDEL, 1));
		CU_ASSERT(hits_as(s, "AB12CDE", "AB12CDE", ANPR_HOT_EXACT, 0));
		CU_ASSERT_FALSE(hits(s, "AB1CD", "AB12CDE"));      /* two missing */
		CU_ASSERT_FALSE(hits(s, "AB12CDEXY", "AB12CDE"));  /* two extra */
		CU_ASSERT_FALSE(hits(s, "B12CDF", "AB12CDE"));     /* missing and another difference */
		CU_ASSERT_EQUAL(hits(s, "B12C0E", "AB12CDE"), fuzzy >= 1);   /* missing and a look-alike */
		CU_ASSERT_EQUAL(hits(s, "A812CDEX", "AB12CDE"), fuzzy >= 1); /* extra and a look-alike */
		if (fuzzy) {
			CU_ASSERT(hits_as(s, "B12C0E", "AB12CDE", ANPR_HOT_INDEL, 2));
			CU_ASSERT(hits_as(s, "A812CDEX", "AB12CDE", ANPR_HOT_INDEL, 2));
		}
		anpr_hotset_free(s);
	}

	s = set_of("AB12CDE", 2, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (size_t i = 0; i < sizeof(missing_or_extra) / sizeof(missing_or_extra[0]); i++)
		CU_ASSERT_FALSE(hits(s, missing_or_extra[i], "AB12CDE"));
	anpr_hotset_free(s);

	/* the shortest VRMs, and the longest (a 9-character read of it) */
	s = set_of("A1 ABCDEFGHIJ", 0, 1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(hits_as(s, "A", "A1", ANPR_HOT_INDEL, 1));
	CU_ASSERT(hits_as(s, "A1X", "A1", ANPR_HOT_INDEL, 1));
	CU_ASSERT(hits_as(s, "ABCDEFGHI", "ABCDEFGHIJ", ANPR_HOT_INDEL, 1));
	CU_ASSERT(hits_as(s, "BCDEFGHIJ", "ABCDEFGHIJ", ANPR_HOT_INDEL, 1));
	anpr_hotset_free(s);
}

/* Hits come most urgent first, then closest, then by list; max bounds
 * how many are written. */
static void test_match_ranking(void)
{
	static const char a[] = HDR
		"AB12CDE,stolen,5,stop,pnc,,\n"
		"A812CDE,wanted,3,stop,pnc,,\n"
		"AB12CD,stolen,3,stop,pnc,,\n"
		"A8I2CDE,stolen,1,stop,pnc,,\n";
	static const char b[] = HDR "AB12CDE,stolen,3,stop,pnc,,\n";
	struct anpr_hot_text t[2] = {{"a", "a.csv", a, sizeof(a) - 1}, {"b", "b.csv", b, sizeof(b) - 1}};
	struct anpr_hot_opts o;
	struct anpr_hot_hit h[MAXH], two[3];
	struct msgs m;
	anpr_hotset *s;
	int n;

	opts_init(&o, &m);
	o.fuzzy = 2;
	o.indel = 1;
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_load_text(t, 2, &o, &s, NULL), ANPR_OK);
	n = lookup(s, "AB12CDE", h);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	/* (priority, distance): A8I2CDE (1, 2), b's AB12CDE (3, 0), A812CDE
	 * (3, 1), AB12CD (3, 1 by indel), a's AB12CDE (5, 0) */
	CU_ASSERT_STRING_EQUAL(h[0].vrm, "A8I2CDE");
	CU_ASSERT_EQUAL(h[0].distance, 2);
	CU_ASSERT_STRING_EQUAL(h[1].vrm, "AB12CDE");
	CU_ASSERT_STRING_EQUAL(h[1].list, "b");
	CU_ASSERT_EQUAL(h[1].distance, 0);
	CU_ASSERT_EQUAL(h[2].priority, 3);
	CU_ASSERT_EQUAL(h[2].distance, 1);
	CU_ASSERT_EQUAL(h[3].priority, 3);
	CU_ASSERT_EQUAL(h[3].distance, 1);
	CU_ASSERT_STRING_EQUAL(h[4].vrm, "AB12CDE");
	CU_ASSERT_STRING_EQUAL(h[4].list, "a");
	for (int i = 0; i < n; i++) {
		CU_ASSERT_STRING_EQUAL(h[i].read, "AB12CDE");
		CU_ASSERT_EQUAL(h[i].confidence, 1.0f);
	}

	/* max: the best two, the rest of the array untouched */
	memset(two, 0x5a, sizeof(two));
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "AB12CDE", 0, TODAY, two, 2), 2);
	CU_ASSERT_STRING_EQUAL(two[0].vrm, "A8I2CDE");
	CU_ASSERT_STRING_EQUAL(two[1].list, "b");
	CU_ASSERT_EQUAL(((unsigned char *)&two[2])[0], 0x5a);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "AB12CDE", 0, TODAY, two, 0), 0);
	/* a text that is no VRM hits nothing */
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "AB12CD!", 0, TODAY, h, MAXH), 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "", 0, TODAY, h, MAXH), 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(NULL, "AB12CDE", 0, TODAY, h, MAXH), 0);
	anpr_hotset_free(s);
}

/* exact_only: the exact rule alone, whatever the set's fuzzy and indel. */
static void test_match_exact_only(void)
{
	anpr_hotset *s = set_of("AB12CDE A812CDE", 2, 1, NULL);
	struct anpr_hot_hit h[MAXH];

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_lookup(s, "AB12CDE", 1, TODAY, h, MAXH), 1);
	CU_ASSERT_STRING_EQUAL(h[0].vrm, "AB12CDE");
	CU_ASSERT_EQUAL(h[0].rule, ANPR_HOT_EXACT);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "AB12C0E", 1, TODAY, h, MAXH), 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "AB12CD", 1, TODAY, h, MAXH), 0);
	CU_ASSERT_EQUAL(anpr_hotset_lookup(s, "AB12C0E", 0, TODAY, h, MAXH), 2); /* the set's rules */
	CU_ASSERT_STRING_EQUAL(anpr_hot_rule_name(ANPR_HOT_EXACT), "exact");
	CU_ASSERT_STRING_EQUAL(anpr_hot_rule_name(ANPR_HOT_LOOKALIKE), "lookalike");
	CU_ASSERT_STRING_EQUAL(anpr_hot_rule_name(ANPR_HOT_INDEL), "indel");
	anpr_hotset_free(s);
}

/* A plate read with text, candidates and characters, all confident. */
static void plate_read(struct anpr_plate_read *pl, const char *text, float confidence)
{
	memset(pl, 0, sizeof(*pl));
	snprintf(pl->text, sizeof(pl->text), "%s", text);
	pl->confidence = confidence;
	pl->rows = 1;
	pl->format = "none";
	pl->ncands = 1;
	snprintf(pl->cands[0].text, sizeof(pl->cands[0].text), "%s", text);
	pl->cands[0].confidence = confidence;
	pl->nchars = (int)strlen(text);
	for (int i = 0; i < pl->nchars; i++)
		pl->chars[i] = (struct anpr_char_read){.c = text[i], .confidence = 0.95f};
}

/* A read is matched by its candidate texts and by its doubtful characters'
 * runners-up; hit.read says which text hit. */
static void test_match_plate_read(void)
{
	anpr_hotset *s = set_of("AB12CDE", 1, 0, NULL);
	struct anpr_plate_read pl;
	struct anpr_hot_hit h[MAXH];

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* the best text misses; the second candidate is listed */
	plate_read(&pl, "AB12CDF", 0.6f);
	CU_ASSERT_EQUAL(anpr_hotset_match(s, &pl, TODAY, h, MAXH), 0);
	pl.ncands = 2;
	snprintf(pl.cands[1].text, sizeof(pl.cands[1].text), "AB12CDE");
	pl.cands[1].confidence = 0.3f;
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_match(s, &pl, TODAY, h, MAXH), 1);
	CU_ASSERT_STRING_EQUAL(h[0].vrm, "AB12CDE");
	CU_ASSERT_STRING_EQUAL(h[0].read, "AB12CDE");
	CU_ASSERT_EQUAL(h[0].rule, ANPR_HOT_EXACT);
	CU_ASSERT_EQUAL(h[0].confidence, 0.3f);

	/* a doubtful last character whose runner-up makes the VRM */
	plate_read(&pl, "AB12CDF", 0.6f);
	pl.chars[6] = (struct anpr_char_read){.c = 'F', .confidence = 0.4f, .alt = 'E', .alt_confidence = 0.35f};
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_match(s, &pl, TODAY, h, MAXH), 1);
	CU_ASSERT_STRING_EQUAL(h[0].read, "AB12CDE");
	CU_ASSERT_EQUAL(h[0].rule, ANPR_HOT_EXACT);
	CU_ASSERT(h[0].confidence > 0 && h[0].confidence < 0.6f);
	/* a confident character's runner-up is not tried */
	pl.chars[6].confidence = 0.9f;
	pl.chars[6].alt_confidence = 0.05f;
	CU_ASSERT_EQUAL(anpr_hotset_match(s, &pl, TODAY, h, MAXH), 0);

	/* found by a look-alike best text and an exact candidate: one hit,
	 * the closest */
	plate_read(&pl, "A812CDE", 0.6f);
	pl.ncands = 2;
	snprintf(pl.cands[1].text, sizeof(pl.cands[1].text), "AB12CDE");
	pl.cands[1].confidence = 0.2f;
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_match(s, &pl, TODAY, h, MAXH), 1);
	CU_ASSERT_EQUAL(h[0].distance, 0);
	CU_ASSERT_STRING_EQUAL(h[0].read, "AB12CDE");
	pl.ncands = 1;
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_match(s, &pl, TODAY, h, MAXH), 1);
	CU_ASSERT_EQUAL(h[0].rule, ANPR_HOT_LOOKALIKE);
	CU_ASSERT_STRING_EQUAL(h[0].read, "A812CDE");
	CU_ASSERT_EQUAL(h[0].confidence, 0.6f);
	anpr_hotset_free(s);
}

/* ---- the randomised cross-check ---- */

#define XC_ENTRIES 2000
#define XC_QUERIES 2000

static char xc_canon[256]; /* each character's class representative */

static void xc_canon_init(void)
{
	const char *p = ANPR_HOT_CLASSES;

	for (int c = 0; c < 256; c++)
		xc_canon[c] = (char)c;
	while (*p) {
		char first = *p;

		for (; *p && *p != ','; p++)
			xc_canon[(unsigned char)*p] = first;
		if (*p)
			p++;
	}
}

/* Substitutions between a and b (n characters), or -1 if some character
 * differs in class. */
static int xc_subs(const char *a, const char *b, size_t n)
{
	int d = 0;

	for (size_t i = 0; i < n; i++) {
		if (xc_canon[(unsigned char)a[i]] != xc_canon[(unsigned char)b[i]])
			return -1;
		d += a[i] != b[i];
	}
	return d;
}

/* The documented rules, the slow way: whether read r hits entry e. */
static int xc_match(const char *r, const char *e, int fuzzy, int indel, enum anpr_hot_rule *rule, int *distance)
{
	size_t lr = strlen(r), le = strlen(e), n;
	const char *lo, *sh;
	int best = -1;

	if (lr == le) {
		int d = xc_subs(r, e, lr);

		if (d < 0 || d > fuzzy)
			return 0;
		*rule = d ? ANPR_HOT_LOOKALIKE : ANPR_HOT_EXACT;
		*distance = d;
		return 1;
	}
	if (!indel || (lr + 1 != le && le + 1 != lr))
		return 0;
	lo = lr > le ? r : e;
	sh = lr > le ? e : r;
	n = strlen(sh);
	for (size_t p = 0; p <= n; p++) { /* the longer less its character p */
		char t[ANPR_HOT_MAX_VRM + 2];
		int d;

		memcpy(t, lo, p);
		memcpy(t + p, lo + p + 1, n - p);
		d = xc_subs(t, sh, n);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	if (best < 0 || best > fuzzy)
		return 0;
	*rule = ANPR_HOT_INDEL;
	*distance = 1 + best;
	return 1;
}

/* A character, half the time one of a look-alike class. */
static char xc_char(void)
{
	static const char alike[] = "0ODQ1I2Z5S8B6G", any[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	return test_rnd() & 1 ? alike[test_rnd() % (sizeof(alike) - 1)] : any[test_rnd() % (sizeof(any) - 1)];
}

/* Another member of c's class, or c. */
static char xc_alike(char c)
{
	char other[8];
	int n = 0;

	for (int k = '0'; k <= 'Z'; k++)
		if (k != c && xc_canon[k] == xc_canon[(unsigned char)c] && (k <= '9' || k >= 'A'))
			other[n++] = (char)k;
	return n ? other[test_rnd() % (unsigned)n] : c;
}

/* A query: usually an entry with look-alike substitutions, then perhaps a
 * character inserted, deleted or replaced; sometimes anything. */
static void xc_query(char *q, const char (*vrm)[ANPR_HOT_MAX_VRM + 1], int n)
{
	size_t len;

	if (test_rnd() % 10 == 0) {
		len = 1 + test_rnd() % ANPR_HOT_MAX_VRM;
		for (size_t i = 0; i < len; i++)
			q[i] = xc_char();
		q[len] = 0;
		return;
	}
	for (;;) {
		int subs = (int)(test_rnd() % 4);
		size_t p;

		strcpy(q, vrm[test_rnd() % (unsigned)n]);
		len = strlen(q);
		for (int k = 0; k < subs; k++) {
			p = test_rnd() % len;
			q[p] = xc_alike(q[p]);
		}
		switch (test_rnd() % 4) {
		case 1: /* a character more */
			p = test_rnd() % (len + 1);
			memmove(q + p + 1, q + p, len - p + 1);
			q[p] = xc_char();
			len++;
			break;
		case 2: /* a character less */
			p = test_rnd() % len;
			memmove(q + p, q + p + 1, len - p);
			len--;
			break;
		case 3: /* a character replaced */
			q[test_rnd() % len] = xc_char();
			break;
		}
		if (len >= 1 && len <= ANPR_HOT_MAX_VRM)
			return;
	}
}

/* 2000 random VRMs of 2 to 10 characters (some expired at loading, some
 * the day after), 2000 queries near them: every lookup hits exactly the
 * entries the documented rules say, by the same rule at the same
 * distance, ranked; under five settings of fuzzy and indel. */
static void test_match_crosscheck(void)
{
	static char vrm[XC_ENTRIES][ANPR_HOT_MAX_VRM + 1], query[XC_QUERIES][ANPR_HOT_MAX_VRM + 3];
	static int32_t until[XC_ENTRIES];
	static const int config[][2] = {{2, 1}, {1, 1}, {0, 1}, {1, 0}, {2, 0}}; /* fuzzy, indel */
	const int32_t t = TODAY;
	struct buf b = {0};
	long by_rule[3] = {0}, checked = 0;

	xc_canon_init();
	test_rng_state = 0x2545f4914f6cdd1dULL;
	put(&b, HDR, strlen(HDR));
	for (int i = 0; i < XC_ENTRIES; i++) {
		size_t len = 2 + test_rnd() % (ANPR_HOT_MAX_VRM - 1);
		int fresh;

		do {
			for (size_t k = 0; k < len; k++)
				vrm[i][k] = xc_char();
			vrm[i][len] = 0;
			fresh = 1;
			for (int j = 0; j < i && fresh; j++)
				fresh = strcmp(vrm[i], vrm[j]) != 0;
		} while (!fresh);
		switch (test_rnd() % 10) {
		case 0:
			until[i] = t - 1; /* expired when loaded */
			break;
		case 1:
		case 2:
			until[i] = t; /* expires after the load's day */
			break;
		default:
			until[i] = ANPR_HOT_NO_EXPIRY;
		}
		if (until[i] == ANPR_HOT_NO_EXPIRY)
			putf(&b, "%s,stolen,%d,stop,pnc,,\n", vrm[i], 1 + (int)(test_rnd() % ANPR_HOT_MAX_PRIORITY));
		else
			putf(&b, "%s,stolen,%d,stop,pnc,%s,\n", vrm[i], 1 + (int)(test_rnd() % ANPR_HOT_MAX_PRIORITY),
			     until[i] == t ? "2025-06-01" : "2025-05-31");
	}
	for (int q = 0; q < XC_QUERIES; q++)
		xc_query(query[q], vrm, XC_ENTRIES);

	for (size_t c = 0; c < sizeof(config) / sizeof(config[0]); c++) {
		const int fuzzy = config[c][0], indel = config[c][1];
		struct anpr_hot_opts o;
		struct anpr_hot_stats st;
		struct msgs m;
		anpr_hotset *s;

		opts_init(&o, &m);
		o.fuzzy = fuzzy;
		o.indel = indel;
		CU_ASSERT_EQUAL_FATAL(load_str(b.p, &o, &s, &st), ANPR_OK);
		CU_ASSERT_EQUAL(st.bad, 0);
		CU_ASSERT_EQUAL(st.duplicates, 0);
		CU_ASSERT_EQUAL(st.rows, XC_ENTRIES);
		CU_ASSERT_EQUAL(st.entries + st.expired, XC_ENTRIES);
		for (int q = 0; q < XC_QUERIES; q++) {
			const int32_t when = t + (q & 1); /* the load's day, or the next */
			struct anpr_hot_hit h[2 * MAXH];
			enum anpr_hot_rule rule[XC_ENTRIES];
			int dist[XC_ENTRIES], hit[XC_ENTRIES], nref = 0, n, ok = 1;

			for (int e = 0; e < XC_ENTRIES; e++) {
				hit[e] = until[e] >= t && until[e] >= when &&
					 xc_match(query[q], vrm[e], fuzzy, indel, &rule[e], &dist[e]);
				nref += hit[e];
			}
			/* a lookup gives the best 64 at most (test_many_hits) */
			n = anpr_hotset_lookup(s, query[q], 0, when, h, 2 * MAXH);
			ok &= n == (nref < 64 ? nref : 64);
			for (int i = 0; i < n && ok; i++) {
				int e = 0;

				while (e < XC_ENTRIES && strcmp(vrm[e], h[i].vrm))
					e++;
				ok &= e < XC_ENTRIES && hit[e] && h[i].rule == rule[e] && h[i].distance == dist[e];
				ok &= !strcmp(h[i].read, query[q]);
				if (i) /* ranked */
					ok &= h[i - 1].priority < h[i].priority ||
					      (h[i - 1].priority == h[i].priority && h[i - 1].distance <= h[i].distance);
				if (ok)
					by_rule[h[i].rule]++;
			}
			if (!ok) { /* say which query */
				char msg[160];

				snprintf(msg, sizeof(msg), "cross-check: fuzzy %d, indel %d, %s: %d hits, expected %d", fuzzy,
					 indel, query[q], n, nref);
				CU_assertImplementation(CU_FALSE, __LINE__, msg, __FILE__, "", CU_FALSE);
			}
			checked++;
		}
		anpr_hotset_free(s);
	}
	free(b.p);
	/* the queries exercised every rule, and few were left out */
	CU_ASSERT(by_rule[ANPR_HOT_EXACT] >= 500);
	CU_ASSERT(by_rule[ANPR_HOT_LOOKALIKE] >= 500);
	CU_ASSERT(by_rule[ANPR_HOT_INDEL] >= 2000);
	CU_ASSERT(checked >= 9 * (long)XC_QUERIES * (long)(sizeof(config) / sizeof(config[0])) / 10);
}

/* =================================================================== */
/* live sets                                                           */
/* =================================================================== */

static const char live_a[] = HDR "AB12CDE,stolen,5,stop,pnc,,\nOLD123,stolen,5,stop,pnc,,\n";
static const char live_a2[] = HDR "AB12CDE,stolen,5,stop,pnc,,\nNEW456,wanted,2,stop,pnc,,\n";

/* Whether the live set in force hits vrm exactly. */
static int live_hits(anpr_hotlive *l, const char *vrm)
{
	const anpr_hotset *s = anpr_hotlive_acquire(l);
	struct anpr_hot_hit h[MAXH];
	int n = anpr_hotset_lookup(s, vrm, 1, TODAY, h, MAXH);

	anpr_hotlive_release(l, s);
	return n == 1 && !strcmp(h[0].vrm, vrm);
}

/* A reload loads the rewritten file whole; one that fails (a bad header,
 * the file gone) leaves the set in force as it was. */
static void test_live_reload(void)
{
	struct anpr_hot_source src[2] = {{"a", NULL}, {"b", NULL}};
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct msgs m;
	anpr_hotlive *l = POISON_LIVE;
	char pa[256], pb[256], prefix[300];
	static const char b[] = HDR "ZZ99ZZZ,stolen,9,note,local,,\n", not_a_list[] = "vrm,category\nOLD123,stolen\n";

	src[0].path = write_list("live-a.csv", live_a, sizeof(live_a) - 1, pa);
	src[1].path = write_list("live-b.csv", b, sizeof(b) - 1, pb);
	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(anpr_hotlive_open(&l, src, 2, &o, &st), ANPR_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(st.entries, 3);
	CU_ASSERT_EQUAL(anpr_hotlive_generation(l), 1);
	CU_ASSERT(live_hits(l, "AB12CDE"));
	CU_ASSERT(live_hits(l, "OLD123"));
	CU_ASSERT(live_hits(l, "ZZ99ZZZ"));
	CU_ASSERT_FALSE(live_hits(l, "NEW456"));

	write_list("live-a.csv", live_a2, sizeof(live_a2) - 1, pa);
	CU_ASSERT_FALSE(live_hits(l, "NEW456")); /* not before the reload */
	CU_ASSERT_EQUAL(anpr_hotlive_reload(l, &st), ANPR_OK);
	CU_ASSERT_EQUAL(st.entries, 3);
	CU_ASSERT_EQUAL(anpr_hotlive_generation(l), 2);
	CU_ASSERT(live_hits(l, "NEW456"));
	CU_ASSERT_FALSE(live_hits(l, "OLD123"));
	CU_ASSERT(live_hits(l, "AB12CDE"));
	CU_ASSERT(live_hits(l, "ZZ99ZZZ"));

	/* now a bad header: refused, named, the set in force unchanged */
	write_list("live-a.csv", not_a_list, sizeof(not_a_list) - 1, pa);
	m.count = 0;
	CU_ASSERT_NOT_EQUAL(anpr_hotlive_reload(l, NULL), ANPR_OK);
	snprintf(prefix, sizeof(prefix), "%s:1: ", pa);
	CU_ASSERT(said(&m, prefix, "header"));
	CU_ASSERT_EQUAL(anpr_hotlive_generation(l), 2);
	CU_ASSERT(live_hits(l, "NEW456"));
	CU_ASSERT(live_hits(l, "ZZ99ZZZ"));
	CU_ASSERT_FALSE(live_hits(l, "OLD123"));

	/* the file gone */
	CU_ASSERT_EQUAL_FATAL(unlink(pa), 0);
	CU_ASSERT_EQUAL(anpr_hotlive_reload(l, &st), ANPR_ERR_IO);
	snprintf(prefix, sizeof(prefix), "%s: ", pa);
	CU_ASSERT(said(&m, prefix, "No such file"));
	CU_ASSERT_EQUAL(anpr_hotlive_generation(l), 2);
	CU_ASSERT(live_hits(l, "NEW456"));
	CU_ASSERT(live_hits(l, "AB12CDE"));

	/* and back */
	write_list("live-a.csv", live_a, sizeof(live_a) - 1, pa);
	CU_ASSERT_EQUAL(anpr_hotlive_reload(l, NULL), ANPR_OK);
	CU_ASSERT_EQUAL(anpr_hotlive_generation(l), 3);
	CU_ASSERT(live_hits(l, "OLD123"));
	CU_ASSERT_FALSE(live_hits(l, "NEW456"));
	anpr_hotlive_close(l);

	/* open fails as the load does, with nothing to close */
	opts_init(&o, &m);
	src[0].path = tmp_path("no-such-list.csv", pa);
	l = POISON_LIVE;
	CU_ASSERT_EQUAL(anpr_hotlive_open(&l, src, 1, &o, NULL), ANPR_ERR_IO);
	CU_ASSERT_PTR_NULL(l);
}

/* ---- readers against reloads ---- */

#define SWAP_READERS 2
#define SWAP_RELOADS 20
#define SWAP_NA 301 /* entries of list A (its marker and fillers) */
#define SWAP_NB 151

struct reader {
	anpr_hotlive *l;
	pthread_t thread;
	atomic_int *stop;
	atomic_long reads; /* sets acquired and released */
	long seen_a, seen_b, mixed;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	while (!atomic_load(r->stop)) {
		const anpr_hotset *s = anpr_hotlive_acquire(r->l);
		struct anpr_hot_hit h[4];
		int a = anpr_hotset_lookup(s, "MARKA", 1, TODAY, h, 4), b = anpr_hotset_lookup(s, "MARKB", 1, TODAY, h, 4);
		int fa = anpr_hotset_lookup(s, "FA0150", 0, TODAY, h, 4), fb = anpr_hotset_lookup(s, "FB0100", 0, TODAY, h, 4);
		long n = anpr_hotset_size(s);

		if (a == 1 && b == 0 && fa == 1 && fb == 0 && n == SWAP_NA)
			r->seen_a++;
		else if (a == 0 && b == 1 && fa == 0 && fb == 1 && n == SWAP_NB)
			r->seen_b++;
		else
			r->mixed++;
		anpr_hotlive_release(r->l, s);
		atomic_fetch_add(&r->reads, 1);
	}
	return NULL;
}

/* A list with a marker and fillers: A (MARKA, FA0000..) or B. */
static void swap_list(struct buf *b, char which, int n)
{
	b->n = 0;
	put(b, HDR, strlen(HDR));
	putf(b, "MARK%c,stolen,1,stop,pnc,,\n", which);
	for (int i = 1; i < n; i++)
		putf(b, "F%c%04d,stolen,%d,stop,pnc,,\n", which, i, 1 + i % ANPR_HOT_MAX_PRIORITY);
}

/* Wait (a bounded while: a deadlock fails, slowness does not matter) until
 * every reader has acquired at least twice more than at base. */
static int readers_moved(struct reader *r, const long *base)
{
	for (int tries = 0; tries < 60000; tries++) {
		int all = 1;

		for (int i = 0; i < SWAP_READERS; i++)
			all &= atomic_load(&r[i].reads) >= base[i] + 2;
		if (all)
			return 1;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	return 0;
}

/* Readers acquire, look up and release in a loop while the list is
 * reloaded 20 times between two versions: every set a reader holds is one
 * version whole, never a mix, never freed under it (ASan), and each reader
 * sees each version. */
static void test_live_swap(void)
{
	struct reader r[SWAP_READERS];
	struct anpr_hot_source src = {"swap", NULL};
	struct anpr_hot_opts o;
	struct msgs m;
	struct buf a = {0}, b = {0};
	anpr_hotlive *l;
	atomic_int stop = 0;
	long base[SWAP_READERS];
	char path[256];
	int started = 0, moved = 1;

	swap_list(&a, 'A', SWAP_NA);
	swap_list(&b, 'B', SWAP_NB);
	src.path = write_list("swap.csv", a.p, a.n, path);
	opts_init(&o, &m);
	o.indel = 1;
	CU_ASSERT_EQUAL_FATAL(anpr_hotlive_open(&l, &src, 1, &o, NULL), ANPR_OK);
	for (int i = 0; i < SWAP_READERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].l = l;
		r[i].stop = &stop;
		atomic_init(&r[i].reads, 0);
		base[i] = -2; /* wait for the first read */
		if (pthread_create(&r[i].thread, NULL, reader_main, &r[i]) == 0)
			started++;
	}
	CU_ASSERT_EQUAL(started, SWAP_READERS);
	if (started == SWAP_READERS) {
		moved &= readers_moved(r, base);
		for (int k = 0; k < SWAP_RELOADS && moved; k++) {
			const struct buf *next = k % 2 ? &a : &b;

			write_list("swap.csv", next->p, next->n, path);
			CU_ASSERT_EQUAL(anpr_hotlive_reload(l, NULL), ANPR_OK);
			for (int i = 0; i < SWAP_READERS; i++)
				base[i] = atomic_load(&r[i].reads);
			moved &= readers_moved(r, base); /* so each reader sees this version */
		}
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < started; i++)
		pthread_join(r[i].thread, NULL);
	CU_ASSERT_TRUE(moved);
	CU_ASSERT_EQUAL(anpr_hotlive_generation(l), 1 + SWAP_RELOADS);
	for (int i = 0; i < started; i++) {
		CU_ASSERT_EQUAL(r[i].mixed, 0);
		CU_ASSERT(r[i].seen_a >= SWAP_RELOADS / 2);
		CU_ASSERT(r[i].seen_b >= SWAP_RELOADS / 2);
	}
	CU_ASSERT(live_hits(l, "MARKA")); /* 20 reloads: A again */
	anpr_hotlive_close(l);
	free(a.p);
	free(b.p);
}

/*
 * A read with one extra character next to a look-alike of it: AB0OCDE
 * less its O is AB0CDE exactly (distance 1), less its 0 is ABOCDE (one
 * look-alike more). Both deletions must be tried (they once were not).
 */
static void test_indel_alike_neighbours(void)
{
	anpr_hotset *s = set_of("AB0CDE", 0, 1, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(hits_as(s, "ABO0CDE", "AB0CDE", ANPR_HOT_INDEL, 1));
	CU_ASSERT(hits_as(s, "AB0OCDE", "AB0CDE", ANPR_HOT_INDEL, 1));
	anpr_hotset_free(s);
	s = set_of("AB0CDE", 1, 1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(hits_as(s, "AB0OCDE", "AB0CDE", ANPR_HOT_INDEL, 1)); /* not 2 */
	anpr_hotset_free(s);
}

/*
 * More than 64 matching entries (realistic with indel and short VRMs: the
 * read A1 hits every listed A1x and xA1). Listed: A1 and the 72 VRMs A1x,
 * xA1, one of them priority 1, the rest 50: a lookup gives the best 64,
 * whichever entry is the urgent one, and it comes first.
 */
static void test_many_hits(void)
{
	static const char any[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	int lost = 0;

	for (int urgent = 0; urgent < 72; urgent++) {
		struct anpr_hot_opts o;
		struct anpr_hot_hit h[100];
		struct msgs m;
		struct buf b = {0};
		anpr_hotset *s;
		int n;

		put(&b, HDR, strlen(HDR));
		putf(&b, "A1,stolen,50,stop,pnc,,\n");
		for (int i = 0; i < 72; i++) {
			char v[4] = {'A', '1', any[i % 36], 0};

			if (i >= 36)
				v[0] = any[i % 36], v[1] = 'A', v[2] = '1';
			putf(&b, "%s,stolen,%d,stop,pnc,,\n", v, i == urgent ? 1 : 50);
		}
		opts_init(&o, &m);
		o.fuzzy = 0;
		o.indel = 1;
		CU_ASSERT_EQUAL_FATAL(load_str(b.p, &o, &s, NULL), ANPR_OK);
		CU_ASSERT_EQUAL(anpr_hotset_size(s), 73);
		n = anpr_hotset_lookup(s, "A1", 0, TODAY, h, 100);
		CU_ASSERT_EQUAL(n, 64); /* the best 64 of 73 */
		lost += n < 1 || h[0].priority != 1;
		anpr_hotset_free(s);
		free(b.p);
	}
	CU_ASSERT_EQUAL(lost, 0); /* the most urgent is always among them */
}

/*
 * Hits equal in priority and distance come in list order (the order the
 * lists were given), not by name: lists "z" then "a" both listing AB12CDE.
 */
static void test_list_order(void)
{
	static const char csv[] = HDR "AB12CDE,stolen,5,stop,pnc,,\n";
	struct anpr_hot_text t[2] = {{"z", "z.csv", csv, sizeof(csv) - 1}, {"a", "a.csv", csv, sizeof(csv) - 1}};
	struct anpr_hot_opts o;
	struct anpr_hot_hit h[MAXH];
	struct msgs m;
	anpr_hotset *s;

	opts_init(&o, &m);
	CU_ASSERT_EQUAL_FATAL(anpr_hotset_load_text(t, 2, &o, &s, NULL), ANPR_OK);
	CU_ASSERT_EQUAL_FATAL(lookup(s, "AB12CDE", h), 2);
	CU_ASSERT_STRING_EQUAL(h[0].list, "z"); /* fails: "a" */
	CU_ASSERT_STRING_EQUAL(h[1].list, "a");
	anpr_hotset_free(s);
}

/*
 * A file is parsed a block at a time: whatever the block size, and
 * wherever the blocks split its lines (a byte order mark, CRLF, rows just
 * under, at and over the 4,096-byte limit, bad rows, no final newline),
 * it loads exactly as the same text held in memory does: the same
 * messages, statistics and entries.
 */
static void test_load_blocks(void)
{
	struct buf b = {0};
	struct anpr_hot_opts o;
	struct anpr_hot_stats want, got;
	struct anpr_hot_hit h[MAXH];
	struct msgs mwant, mgot;
	anpr_hotset *s, *f;
	char path[256];

	put(&b, "\xef\xbb\xbf", 3);
	put(&b, ANPR_HOT_HEADER "\r\n", strlen(ANPR_HOT_HEADER) + 2);
	for (int i = 0; i < 60; i++) {
		/* the row's length before its line end: 29 bytes and the padding */
		int pad = (int[]){40, 4000, 4096, 4097, 4095, 9000, 100}[i % 7] - 29;

		if (i % 5 == 3)
			putf(&b, "A%dBAD!,stolen,3,stop,pnc,,\n", i); /* a bad VRM */
		putf(&b, "AB%02dC%cE,stolen,%d,stop,pnc,,\"", i, 'A' + i % 26, 1 + i % 9);
		for (int k = 0; k < pad; k++)
			put(&b, "n", 1);
		put(&b, i % 2 ? "\"\r\n" : "\"\n", i % 2 ? 3 : 2);
	}
	putf(&b, "ZZ99ZZZ,wanted,1,arrest,pnc,,last"); /* no final newline */

	write_list("L.csv", b.p, b.n, path);
	opts_init(&o, &mwant);
	{
		struct anpr_hot_text t = {"L", path, b.p, b.n};

		CU_ASSERT_EQUAL_FATAL(anpr_hotset_load_text(&t, 1, &o, &s, &want), ANPR_OK);
	}
	CU_ASSERT(want.bad >= 12 + 8); /* the bad VRMs, and the rows over the limit */
	CU_ASSERT_EQUAL(lookup(s, "ZZ99ZZZ", h), 1);
	/* blocks from the smallest (a row and its line end) up by one byte,
	 * so that some block ends at every offset of the rows near the limit;
	 * and the default */
	for (size_t block = 4098; block <= 4098 + 400; block = block == 4098 + 400 ? 0 : block + 1) {
		struct anpr_hot_source src = {"L", path};

		opts_init(&o, &mgot);
		o.read_block = block;
		CU_ASSERT_EQUAL_FATAL(anpr_hotset_load(&src, 1, &o, &f, &got), ANPR_OK);
		CU_ASSERT_STRING_EQUAL(mgot.text, mwant.text);
		CU_ASSERT_EQUAL(got.rows, want.rows);
		CU_ASSERT_EQUAL(got.bad, want.bad);
		CU_ASSERT_EQUAL(got.entries, want.entries);
		for (int i = 0; i < 60; i++) {
			char vrm[24];
			int n1, n2;

			snprintf(vrm, sizeof(vrm), "AB%02dC%cE", i, 'A' + i % 26);
			n1 = lookup(s, vrm, h);
			n2 = lookup(f, vrm, h);
			CU_ASSERT_EQUAL(n1, n2);
		}
		CU_ASSERT_EQUAL_FATAL(lookup(f, "ZZ99ZZZ", h), 1);
		CU_ASSERT_STRING_EQUAL(h[0].note, "last");
		anpr_hotset_free(f);
		if (!block)
			break;
	}
	anpr_hotset_free(s);
	free(b.p);
}

/* The defaults with the indel index, strict or not, on threads threads. */
static void threads_opts(struct anpr_hot_opts *o, struct msgs *m, int strict, int threads)
{
	opts_init(o, m);
	o->strict = strict;
	o->indel = 1;
	o->threads = threads;
}

/*
 * Several lists are parsed at once on the load's threads and merged: the
 * set, the statistics and every message (in list order) are those of a
 * load on one thread. The lists share strings and notes, repeat VRMs
 * within and across lists, have bad rows; one is refused (strict), one
 * is unreadable, one repeats an earlier list's name.
 */
static void test_load_threads(void)
{
	struct buf b[5] = {{0}};
	char paths[6][256];
	struct anpr_hot_source src[6];
	static struct anpr_hot_stats one, many, one6;
	static struct msgs m1, m2, m6;
	struct anpr_hot_opts o;
	anpr_hotset *s1, *s2;
	struct anpr_hot_hit h1[MAXH], h2[MAXH];
	unsigned x = 7;

	for (int f = 0; f < 5; f++) {
		put(&b[f], HDR, strlen(HDR));
		if (f == 2) /* more messages than a thread keeps (4 MB): the list is parsed again in turn */
			for (int i = 0; i < 70000; i++)
				putf(&b[f], "%d?,stolen,1,stop,pnc,,\n", i);
		for (int i = 0; i < 400; i++) {
			x = x * 1103515245u + 12345u;
			if (f == 3 && i == 5)
				putf(&b[f], "BAD ROW,stolen,x,stop,pnc,,\n"); /* strict refuses this list */
			if (i % 37 == 0)
				putf(&b[f], "A%u!,stolen,1,stop,pnc,,\n", x % 100); /* bad */
			putf(&b[f], "AB%02u%c%cC,%s,%u,%s,%s,%s,%s\n", x % 100, 'A' + (x >> 8) % 6, 'A' + (x >> 12) % 3,
			     (x >> 3) % 2 ? "stolen" : "wanted", 1 + (x >> 5) % 9, (x >> 7) % 2 ? "stop" : "note",
			     f % 2 ? "pnc" : "local", (x >> 9) % 4 ? "" : "2031-05-06", (x >> 11) % 3 ? "" : "seen at J14");
		}
	}
	for (int f = 0; f < 6; f++) {
		char name[16];

		snprintf(name, sizeof(name), "t%d.csv", f);
		if (f < 5)
			write_list(name, b[f].p, b[f].n, paths[f]);
		else
			tmp_path("no-such.csv", paths[f]);
		src[f].path = paths[f];
		snprintf(src[f].name, sizeof(src[f].name), "%s", f == 4 ? "l1" : (char[]){'l', (char)('0' + f), 0});
	}
	/* l0, l1, l2, l3 (refused if strict), l1 again (refused), l5 unreadable */
	for (int strict = 0; strict < 2; strict++) {
		threads_opts(&o, &m1, strict, 1);
		CU_ASSERT_EQUAL(anpr_hotset_load(src, 6, &o, &s1, &one6), ANPR_ERR_ARG); /* the first error */
		CU_ASSERT(strstr(m1.last, paths[5]) && strstr(m1.last, "No such file")); /* the last word */
		m6 = m1;
		/* without the two refused files, the rest loads */
		threads_opts(&o, &m1, strict, 1);
		CU_ASSERT_EQUAL_FATAL(anpr_hotset_load(src, 4, &o, &s1, &one), strict ? ANPR_ERR_ARG : ANPR_OK);
		for (int threads = 2; threads <= 3; threads++) {
			threads_opts(&o, &m2, strict, threads);
			CU_ASSERT_EQUAL(anpr_hotset_load(src, 6, &o, &s2, &many), ANPR_ERR_ARG);
			CU_ASSERT_STRING_EQUAL(m2.text, m6.text);
			CU_ASSERT_EQUAL(m2.count, m6.count);
			CU_ASSERT_EQUAL(m2.hash, m6.hash);
			CU_ASSERT_EQUAL_FATAL(many.nlists, one6.nlists);
			for (int l = 0; l < one6.nlists; l++) { /* each list's place, name and fate */
				CU_ASSERT_STRING_EQUAL(many.list[l].name, one6.list[l].name);
				CU_ASSERT_EQUAL(many.list[l].refused, one6.list[l].refused);
				CU_ASSERT_EQUAL(many.list[l].rows, one6.list[l].rows);
				CU_ASSERT_EQUAL(many.list[l].bad, one6.list[l].bad);
			}
			threads_opts(&o, &m2, strict, threads);
			CU_ASSERT_EQUAL_FATAL(anpr_hotset_load(src, 4, &o, &s2, &many), strict ? ANPR_ERR_ARG : ANPR_OK);
			CU_ASSERT_STRING_EQUAL(m2.text, m1.text);
			CU_ASSERT_EQUAL(m2.count, m1.count);
			CU_ASSERT_EQUAL(m2.hash, m1.hash);
			CU_ASSERT(m1.count > 70000);
			CU_ASSERT_EQUAL(many.rows, one.rows);
			CU_ASSERT_EQUAL(many.bad, one.bad);
			CU_ASSERT_EQUAL(many.duplicates, one.duplicates);
			CU_ASSERT_EQUAL(many.expired, one.expired);
			CU_ASSERT_EQUAL(many.entries, one.entries);
			CU_ASSERT_EQUAL(many.bytes, one.bytes);
			for (int l = 0; l < 4; l++)
				CU_ASSERT_EQUAL(many.list[l].entries, one.list[l].entries);
			if (strict) {
				CU_ASSERT_TRUE(many.list[3].refused);
				continue;
			}
			/* every entry, and near misses, hit the same entries in the same order */
			for (unsigned v = 0; v < 100 * 6 * 3; v++) {
				char q[16];
				int n1, n2;

				snprintf(q, sizeof(q), "AB%02u%c%cC", v % 100, 'A' + v / 100 % 6, 'A' + v / 600);
				n1 = anpr_hotset_lookup(s1, q, 0, TODAY, h1, MAXH);
				n2 = anpr_hotset_lookup(s2, q, 0, TODAY, h2, MAXH);
				CU_ASSERT_EQUAL_FATAL(n1, n2);
				for (int k = 0; k < n1; k++) {
					CU_ASSERT_STRING_EQUAL(h1[k].list, h2[k].list);
					CU_ASSERT_STRING_EQUAL(h1[k].vrm, h2[k].vrm);
					CU_ASSERT_STRING_EQUAL(h1[k].category, h2[k].category);
					CU_ASSERT_STRING_EQUAL(h1[k].action, h2[k].action);
					CU_ASSERT_STRING_EQUAL(h1[k].source, h2[k].source);
					CU_ASSERT_STRING_EQUAL(h1[k].note, h2[k].note);
					CU_ASSERT_EQUAL(h1[k].priority, h2[k].priority);
					CU_ASSERT_EQUAL(h1[k].valid_until, h2[k].valid_until);
					CU_ASSERT_EQUAL(h1[k].rule, h2[k].rule);
				}
			}
			anpr_hotset_free(s2);
		}
		anpr_hotset_free(s1);
	}
	for (int f = 0; f < 5; f++)
		free(b[f].p);
}

int register_hotlist_suite(void)
{
	static CU_TestInfo tests[] = {
		{"load: VRMs normalised in lists and reads", test_load_normalised},
		{"load: bad VRMs reported path:line, skipped", test_load_bad_vrm},
		{"load: strict refuses a list with a bad row", test_load_strict},
		{"load: header, empty file, BOM and CRLF", test_load_header},
		{"load: a file read in blocks of any size loads as in memory", test_load_blocks},
		{"load: lists parsed on several threads load as on one", test_load_threads},
		{"load: malformed fields, quoted fields", test_load_fields},
		{"load: calendar dates", test_load_dates},
		{"load: duplicates merged within a list only", test_load_duplicates},
		{"load: expiry at loading and at lookup", test_load_expiry},
		{"load: list names and --hotlist arguments", test_load_names},
		{"load: an unreadable file refuses the load", test_load_missing_file},
		{"match: exact and look-alike within fuzzy", test_match_lookalike},
		{"match: custom look-alike classes", test_match_classes},
		{"match: one character missing or extra", test_match_indel},
		{"match: ranked by priority, distance; max", test_match_ranking},
		{"match: exact_only", test_match_exact_only},
		{"match: plate reads, candidates, runners-up", test_match_plate_read},
		{"match: random cross-check against the rules", test_match_crosscheck},
		{"live: reload, failed reload keeps the set", test_live_reload},
		{"live: readers see whole sets across reloads", test_live_swap},
		{"match: an extra character beside a look-alike", test_indel_alike_neighbours},
		{"match: over 64 hits, the best 64", test_many_hits},
		{"match: ties in list order", test_list_order},
		CU_TEST_INFO_NULL,
	};
	static CU_SuiteInfo suites[] = {
		{"hotlist", suite_init, suite_cleanup, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
