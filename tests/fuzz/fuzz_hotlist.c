/*
 * fuzz_hotlist.c - libFuzzer target for the hotlist loader and matcher
 * (anpr_hotset_load_text, anpr_hotset_lookup). `make fuzz` builds and runs
 * it; `make test` replays its seed corpus (tests/fuzz/corpus/hotlist).
 *
 * The input is a list file. It is loaded leniently and strictly, with the
 * indel index; then every entry in force must hit itself exactly, and
 * lookups of pieces of the input must not break a promise of hotlist.h.
 * The same input read as a file (a memfd), in blocks of a size drawn from
 * the input, must load exactly as it did from memory. Besides memory
 * errors (the sanitizers), a broken promise aborts.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "anpr/anpr.h"
#include "anpr/hotlist.h"

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond))                                                                      \
			abort();                                                                  \
	} while (0)

static long messages;
static uint64_t said; /* a hash of every message, in order */

static void count(void *ctx, const char *msg)
{
	(void)ctx;
	CHECK(msg && *msg);
	messages++;
	for (const char *p = msg; *p; p++)
		said = (said ^ (unsigned char)*p) * 1099511628211ULL;
	said = (said ^ '\n') * 1099511628211ULL;
}

static void check_hits(const struct anpr_hot_hit *h, int n, int max)
{
	CHECK(n >= 0 && n <= max);
	for (int i = 0; i < n; i++) {
		CHECK(h[i].priority >= 1 && h[i].priority <= ANPR_HOT_MAX_PRIORITY);
		CHECK(strlen(h[i].vrm) >= 1 && strlen(h[i].vrm) <= ANPR_HOT_MAX_VRM);
		CHECK(h[i].distance >= 0 && h[i].distance <= 2);
		CHECK((h[i].rule == ANPR_HOT_EXACT) == (h[i].distance == 0));
		if (i) /* ranked */
			CHECK(h[i - 1].priority < h[i].priority ||
			      (h[i - 1].priority == h[i].priority && h[i - 1].distance <= h[i].distance));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz.csv", 0);
	struct anpr_hot_text t = {"fuzz", path, (const char *)data, size}; /* the memfd's path: the same messages */
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	struct anpr_hot_hit hits[8];
	anpr_hotset *s;
	struct anpr_hot_stats lenient;
	long lenient_messages = 0;
	uint64_t lenient_said = 0;
	int lenient_rc = 0;

	CHECK(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (int strict = 0; strict < 2; strict++) {
		int rc;

		anpr_hot_opts_init(&o);
		o.strict = strict;
		o.indel = 1;
		o.today = 20000; /* 2024-10-04: dates before it are expired */
		o.report = count;
		messages = 0;
		said = 0;
		rc = anpr_hotset_load_text(&t, 1, &o, &s, &st);
		if (!strict) {
			lenient = st;
			lenient_messages = messages;
			lenient_said = said;
			lenient_rc = rc;
		}
		if (rc) {
			CHECK(!s && messages > 0); /* a refusal is always said */
			continue;
		}
		CHECK(st.bad == 0 || !strict);
		CHECK(messages >= st.bad + st.duplicates);
		CHECK(st.entries + st.bad + st.duplicates + st.expired == st.rows);
		CHECK(anpr_hotset_size(s) == st.entries);
		/* lookups of every comma-separated piece of the input */
		for (size_t i = 0; i < size && i < 4096;) {
			char q[32];
			size_t n = 0;

			while (i < size && data[i] != ',' && data[i] != '\n' && n < sizeof(q) - 1)
				q[n++] = (char)data[i++];
			q[n] = 0;
			i++;
			check_hits(hits, anpr_hotset_lookup(s, q, 0, 20000, hits, 8), 8);
			check_hits(hits, anpr_hotset_lookup(s, q, 1, 20000, hits, 8), 8);
			/* what hits exactly is that entry itself */
			for (int k = 0, nh = anpr_hotset_lookup(s, q, 1, 20000, hits, 8); k < nh; k++) {
				struct anpr_hot_hit again[8];
				int m = anpr_hotset_lookup(s, hits[k].vrm, 1, 20000, again, 8);

				CHECK(m >= 1 && !strcmp(again[0].vrm, hits[k].vrm) && again[0].rule == ANPR_HOT_EXACT);
			}
		}
		anpr_hotset_free(s);
	}
	{
		struct anpr_hot_source src = {"fuzz", path};
		size_t done = 0;
		int rc;

		while (done < size) {
			ssize_t w = write(fd, data + done, size - done);

			CHECK(w > 0);
			done += (size_t)w;
		}
		anpr_hot_opts_init(&o);
		o.indel = 1;
		o.today = 20000;
		o.report = count;
		o.read_block = ANPR_HOT_MAX_ROW + 2 + (size ? data[size / 2] : 0); /* blocks end all over */
		messages = 0;
		said = 0;
		rc = anpr_hotset_load(&src, 1, &o, &s, &st);
		/* the same messages, word for word (the path is the same) */
		CHECK(rc == lenient_rc && messages == lenient_messages && said == lenient_said);
		CHECK(st.rows == lenient.rows && st.bad == lenient.bad && st.entries == lenient.entries &&
		      st.duplicates == lenient.duplicates && st.expired == lenient.expired);
		anpr_hotset_free(s);
		close(fd);
	}
	return 0;
}
