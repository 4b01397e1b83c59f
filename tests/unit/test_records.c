/*
 * test_records.c - the record parser (host/src/records.c).
 *
 * The host reads the stream in whatever pieces the transport delivers, so
 * the parser must tell "wait for more" (INCOMPLETE) from "garbage, skip a
 * byte" (BAD) on every prefix, and must never read past the bytes it was
 * given. Buffers here are heap copies of exactly the length passed, so an
 * over-read is an AddressSanitizer error rather than a silent pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "anpr/protocol.h"
#include "anpr/records.h"
#include "anpr_model.h"
#include "tests.h"

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A valid candidate record: crop at (100, 200), cw x ch, box = the crop,
 * nchars character boxes each one column wide inside it. Returns its length. */
static size_t build_cand(uint8_t *b, unsigned cw, unsigned ch, unsigned rows, unsigned nchars)
{
	size_t npx = (size_t)cw * ch, seg = ANPR_CAND_HDR_LEN + npx, i;

	memset(b, 0, ANPR_CAND_HDR_LEN);
	b[ANPR_CAND_OFF_TYPE] = ANPR_REC_CAND;
	b[ANPR_CAND_OFF_INDEX] = 3;
	put16(b + ANPR_CAND_OFF_FRAME, 0x1234);
	put16(b + ANPR_CAND_OFF_SCORE, 0xbeef);
	put16(b + ANPR_CAND_OFF_BOX_X, 100);
	put16(b + ANPR_CAND_OFF_BOX_Y, 200);
	put16(b + ANPR_CAND_OFF_BOX_W, cw);
	put16(b + ANPR_CAND_OFF_BOX_H, ch);
	put16(b + ANPR_CAND_OFF_CROP_X, 100);
	put16(b + ANPR_CAND_OFF_CROP_Y, 200);
	put16(b + ANPR_CAND_OFF_CROP_W, cw);
	put16(b + ANPR_CAND_OFF_CROP_H, ch);
	b[ANPR_CAND_OFF_THRESH] = 99;
	b[ANPR_CAND_OFF_FLAGS] = ANPR_CAND_F_INVERTED;
	for (i = 0; i < npx; i++)
		b[ANPR_CAND_HDR_LEN + i] = (uint8_t)(i * 7);
	b[seg] = (uint8_t)rows;
	b[seg + 1] = (uint8_t)nchars;
	for (i = 0; i < nchars; i++) {
		uint8_t *c = b + seg + ANPR_SEG_HDR_LEN + i * ANPR_CHAR_LEN;

		put16(c, 100 + (unsigned)i % cw);
		put16(c + 2, 200);
		put16(c + 4, 1);
		put16(c + 6, ch);
	}
	return seg + ANPR_SEG_HDR_LEN + (size_t)nchars * ANPR_CHAR_LEN;
}

/* Parse a heap copy of exactly len bytes of b. */
static enum anpr_rec_status parse_copy(const uint8_t *b, size_t len, struct anpr_record *rec,
				       size_t *used, const char **why)
{
	uint8_t *c = malloc(len ? len : 1);
	enum anpr_rec_status st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	memcpy(c, b, len);
	st = anpr_rec_parse(c, len, rec, used, why);
	free(c);
	return st;
}

/*
 * Every proper prefix of a valid n-byte record is INCOMPLETE, asks for more
 * than it has but never for more than the record (a reader that waits for
 * `used` bytes must not wait past the record's end), and leaves *rec alone.
 * Returns the number of prefixes that misbehaved.
 */
static unsigned check_prefixes(const uint8_t *b, size_t n)
{
	struct anpr_record rec, poison;
	unsigned bad = 0;
	size_t len, used;

	memset(&poison, 0x5a, sizeof(poison));
	for (len = 0; len < n; len++) {
		const char *why = NULL;
		enum anpr_rec_status st;

		rec = poison;
		used = 0;
		st = parse_copy(b, len, &rec, &used, &why);
		if (st != ANPR_REC_INCOMPLETE || used <= len || used > n ||
		    memcmp(&rec, &poison, sizeof(rec))) {
			if (!bad)
				fprintf(stderr, "\n  prefix %zu of %zu: status %d used %zu why %s\n", len,
					n, (int)st, used, why ? why : "-");
			bad++;
		}
	}
	return bad;
}

static void test_cand_prefixes(void)
{
	static uint8_t b[ANPR_CAND_HDR_LEN + 12 * 5 + ANPR_SEG_HDR_LEN + 16 * ANPR_CHAR_LEN];
	struct anpr_record rec;
	size_t n, used;
	const char *why = NULL;

	n = build_cand(b, 12, 5, 2, 16);
	CU_ASSERT_EQUAL(n, sizeof(b));
	CU_ASSERT_EQUAL(check_prefixes(b, n), 0);
	CU_ASSERT_EQUAL_FATAL(parse_copy(b, n, &rec, &used, &why), ANPR_REC_OK);
	CU_ASSERT_EQUAL(used, n);

	n = build_cand(b, 1, 1, 1, 0);
	CU_ASSERT_EQUAL(check_prefixes(b, n), 0);
	CU_ASSERT_EQUAL(parse_copy(b, n, &rec, &used, &why), ANPR_REC_OK);
	CU_ASSERT_EQUAL(used, ANPR_CAND_HDR_LEN + 1 + ANPR_SEG_HDR_LEN);
}

/* The records the model really sends, whole and cut short. */
static void test_model_stream_prefixes(void)
{
	static uint8_t px[64 * 32];
	struct anpr_model_params p;
	struct anpr_model_cfg c;
	anpr_model *m;
	const uint8_t *b;
	size_t len, off = 0, used;
	unsigned types = 0, x, y;

	/* the bar "plate" of test_model.c */
	memset(px, 128, sizeof(px));
	for (y = 8; y < 24; y++)
		for (x = 12; x < 52; x++)
			px[y * 64 + x] = ((x - 12) / 2) % 2 ? 230 : 20;
	anpr_model_params_default(&p);
	m = anpr_model_new(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	anpr_model_cfg_default(&p, &c, 64, 32);
	anpr_model_configure(m, &c);
	anpr_model_push_frame(m, px);
	len = anpr_model_pending(m, &b, NULL);
	while (off < len) {
		struct anpr_record rec;
		const char *why = NULL;

		CU_ASSERT_EQUAL_FATAL(anpr_rec_parse(b + off, len - off, &rec, &used, &why), ANPR_REC_OK);
		types |= 1u << (rec.type - ANPR_REC_FRAME);
		CU_ASSERT_EQUAL(check_prefixes(b + off, used), 0);
		off += used;
	}
	/* the frame had a candidate: all three record types were exercised */
	CU_ASSERT_EQUAL(types, 7);
	anpr_model_free(m);
}

/* Fields come out little-endian from their documented offsets. */
static void test_fields(void)
{
	uint8_t f[ANPR_FRAME_LEN] = {ANPR_REC_FRAME, ANPR_PROTO_VERSION, 0x34, 0x12, 0x80, 0x02,
				     0xd0, 0x02, 0xef, 0xcd, 0xab, 0x89};
	uint8_t e[ANPR_END_LEN] = {ANPR_REC_END, 0x15, 0x02, 0x01, 0x07, 0x01, 9, 250, 0xd0, 0x02, 3, 1};
	uint8_t c[ANPR_CAND_HDR_LEN + 6 + ANPR_SEG_HDR_LEN + 2 * ANPR_CHAR_LEN];
	struct anpr_record r;
	size_t used;
	const char *why = NULL;

	CU_ASSERT_EQUAL_FATAL(parse_copy(f, sizeof(f), &r, &used, &why), ANPR_REC_OK);
	CU_ASSERT_EQUAL(used, ANPR_FRAME_LEN);
	CU_ASSERT_EQUAL(r.type, ANPR_REC_FRAME);
	CU_ASSERT_EQUAL(r.u.frame.version, ANPR_PROTO_VERSION);
	CU_ASSERT_EQUAL(r.u.frame.frame, 0x1234);
	CU_ASSERT_EQUAL(r.u.frame.width, 640);
	CU_ASSERT_EQUAL(r.u.frame.height, 720);
	CU_ASSERT_EQUAL(r.u.frame.time, 0x89abcdefu);

	CU_ASSERT_EQUAL_FATAL(parse_copy(e, sizeof(e), &r, &used, &why), ANPR_REC_OK);
	CU_ASSERT_EQUAL(used, ANPR_END_LEN);
	CU_ASSERT_EQUAL(r.type, ANPR_REC_END);
	CU_ASSERT_EQUAL(r.u.end.flags, 0x15);
	CU_ASSERT_EQUAL(r.u.end.frame, 0x0102);
	CU_ASSERT_EQUAL(r.u.end.found, 0x0107);
	CU_ASSERT_EQUAL(r.u.end.emitted, 9);
	CU_ASSERT_EQUAL(r.u.end.dropped, 250);
	CU_ASSERT_EQUAL(r.u.end.lines, 720);
	CU_ASSERT_EQUAL(r.u.end.errors, 0x0103);

	/* a record is parsed from the front of a longer buffer */
	CU_ASSERT_EQUAL(build_cand(c, 3, 2, 2, 2), sizeof(c));
	CU_ASSERT_EQUAL_FATAL(anpr_rec_parse(c, sizeof(c), &r, &used, &why), ANPR_REC_OK);
	CU_ASSERT_EQUAL(used, sizeof(c));
	CU_ASSERT_EQUAL(r.type, ANPR_REC_CAND);
	CU_ASSERT_EQUAL(r.u.cand.index, 3);
	CU_ASSERT_EQUAL(r.u.cand.frame, 0x1234);
	CU_ASSERT_EQUAL(r.u.cand.score, 0xbeef);
	CU_ASSERT_EQUAL(r.u.cand.crop.x, 100);
	CU_ASSERT_EQUAL(r.u.cand.crop.y, 200);
	CU_ASSERT_EQUAL(r.u.cand.crop.w, 3);
	CU_ASSERT_EQUAL(r.u.cand.crop.h, 2);
	CU_ASSERT_EQUAL(r.u.cand.thresh, 99);
	CU_ASSERT_EQUAL(r.u.cand.flags, ANPR_CAND_F_INVERTED);
	CU_ASSERT_PTR_EQUAL(r.u.cand.pixels, c + ANPR_CAND_HDR_LEN);
	CU_ASSERT_EQUAL(r.u.cand.rows, 2);
	CU_ASSERT_EQUAL(r.u.cand.nchars, 2);
	CU_ASSERT_EQUAL(r.u.cand.chars[1].x, 101);
	CU_ASSERT_EQUAL(r.u.cand.chars[1].h, 2);
}

/* A BAD record: status, used == 1, a reason naming the field (it contains
 * the word key), *rec untouched. */
static void expect_bad(const uint8_t *b, size_t n, const char *key)
{
	struct anpr_record rec, poison;
	const char *why = NULL;
	size_t used = 0;

	memset(&poison, 0x5a, sizeof(poison));
	rec = poison;
	CU_ASSERT_EQUAL(parse_copy(b, n, &rec, &used, &why), ANPR_REC_BAD);
	CU_ASSERT_EQUAL(used, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, key));
	CU_ASSERT(!memcmp(&rec, &poison, sizeof(rec)));
	/* why is optional */
	used = 0;
	CU_ASSERT_EQUAL(parse_copy(b, n, &rec, &used, NULL), ANPR_REC_BAD);
	CU_ASSERT_EQUAL(used, 1);
}

static void test_bad(void)
{
	static const uint8_t types[] = {0x00, 0x50, 0xa0, 0xa4, 0xff};
	uint8_t f[ANPR_FRAME_LEN] = {ANPR_REC_FRAME, ANPR_PROTO_VERSION};
	uint8_t c[ANPR_CAND_HDR_LEN + 20 + ANPR_SEG_HDR_LEN + 3 * ANPR_CHAR_LEN], t[sizeof(c)];
	const size_t seg = ANPR_CAND_HDR_LEN + 20;
	size_t i;

	for (i = 0; i < sizeof(types); i++) {
		memset(t, 0, sizeof(t));
		t[0] = types[i];
		expect_bad(t, sizeof(t), "type");
		expect_bad(t, 1, "type");
	}
	f[ANPR_FRAME_OFF_VERSION] = ANPR_PROTO_VERSION + 1;
	expect_bad(f, sizeof(f), "version");
	f[ANPR_FRAME_OFF_VERSION] = 0;
	expect_bad(f, sizeof(f), "version");

	CU_ASSERT_EQUAL_FATAL(build_cand(c, 5, 4, 1, 3), sizeof(c));
	memcpy(t, c, sizeof(c)), t[seg] = 0;
	expect_bad(t, sizeof(t), "rows");
	memcpy(t, c, sizeof(c)), t[seg] = 3;
	expect_bad(t, sizeof(t), "rows");
	memcpy(t, c, sizeof(c)), t[seg + 1] = ANPR_MAX_CHARS + 1;
	expect_bad(t, sizeof(t), "nchars");
	memcpy(t, c, sizeof(c)), t[seg + 1] = 255;
	expect_bad(t, sizeof(t), "nchars");
	/* a zero-size crop is refused as soon as the header is in */
	memcpy(t, c, sizeof(c)), put16(t + ANPR_CAND_OFF_CROP_W, 0);
	expect_bad(t, ANPR_CAND_HDR_LEN, "crop size");
	memcpy(t, c, sizeof(c)), put16(t + ANPR_CAND_OFF_CROP_H, 0);
	expect_bad(t, ANPR_CAND_HDR_LEN, "crop size");
	memcpy(t, c, sizeof(c)), put16(t + ANPR_CAND_OFF_BOX_X, 99);
	expect_bad(t, sizeof(t), "candidate box");
	memcpy(t, c, sizeof(c)), put16(t + ANPR_CAND_OFF_BOX_W, 6);
	expect_bad(t, sizeof(t), "candidate box");
	memcpy(t, c, sizeof(c)), put16(t + ANPR_CAND_OFF_BOX_Y, 201);
	expect_bad(t, sizeof(t), "candidate box");
	/* box coordinates near 65535 must not wrap round into the crop */
	memcpy(t, c, sizeof(c)), put16(t + ANPR_CAND_OFF_BOX_W, 0xffff);
	expect_bad(t, sizeof(t), "candidate box");
	/* character boxes: left of, right of, below the crop */
	memcpy(t, c, sizeof(c)), put16(t + seg + ANPR_SEG_HDR_LEN + 2 * ANPR_CHAR_LEN, 99);
	expect_bad(t, sizeof(t), "character box");
	memcpy(t, c, sizeof(c)), put16(t + seg + ANPR_SEG_HDR_LEN + ANPR_CHAR_LEN + 4, 6);
	expect_bad(t, sizeof(t), "character box");
	memcpy(t, c, sizeof(c)), put16(t + seg + ANPR_SEG_HDR_LEN + 6, 5);
	expect_bad(t, sizeof(t), "character box");
}


/*
 * Random bytes, biased towards plausible records so the deeper checks are
 * reached: the parser never crashes or over-reads, OK never claims more
 * bytes than it had, and every status keeps its contract.
 */
static void test_random(void)
{
	enum { ITER = 200000 };
	unsigned viol = 0, ok[3] = {0, 0, 0}, incomplete = 0, nbad = 0;
	unsigned long it;

	test_rng_state = 0x9e3779b97f4a7c15ull;
	for (it = 0; it < ITER; it++) {
		size_t len = (size_t)(test_rnd() % 200), used = 0, i;
		uint8_t *b = malloc(len ? len : 1);
		struct anpr_record rec;
		const char *why = NULL;
		enum anpr_rec_status st;
		int v = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		for (i = 0; i < len; i++)
			b[i] = (uint8_t)test_rnd();
		if (len && test_rnd() % 4)
			b[0] = (uint8_t)(ANPR_REC_FRAME + test_rnd() % 3);
		if (len > 1 && b[0] == ANPR_REC_FRAME && test_rnd() % 2)
			b[1] = ANPR_PROTO_VERSION;
		if (len >= ANPR_CAND_HDR_LEN && b[0] == ANPR_REC_CAND && test_rnd() % 2) {
			/* small crop, box inside it, sane segmentation header */
			unsigned cw = 1 + (unsigned)(test_rnd() % 6), ch = 1 + (unsigned)(test_rnd() % 6);
			size_t seg = ANPR_CAND_HDR_LEN + (size_t)cw * ch;

			put16(b + ANPR_CAND_OFF_CROP_X, 10);
			put16(b + ANPR_CAND_OFF_CROP_Y, 10);
			put16(b + ANPR_CAND_OFF_CROP_W, cw);
			put16(b + ANPR_CAND_OFF_CROP_H, ch);
			put16(b + ANPR_CAND_OFF_BOX_X, 10);
			put16(b + ANPR_CAND_OFF_BOX_Y, 10);
			put16(b + ANPR_CAND_OFF_BOX_W, cw);
			put16(b + ANPR_CAND_OFF_BOX_H, ch);
			if (seg + 1 < len) {
				b[seg] = (uint8_t)(1 + test_rnd() % 2);
				b[seg + 1] = (uint8_t)(test_rnd() % 4);
			}
			for (i = seg + ANPR_SEG_HDR_LEN; i + 8 <= len; i += 8)
				if (test_rnd() % 8) {
					put16(b + i, 10);
					put16(b + i + 2, 10);
					put16(b + i + 4, cw);
					put16(b + i + 6, ch);
				}
		}
		st = anpr_rec_parse(b, len, &rec, &used, &why);
		switch (st) {
		case ANPR_REC_OK:
			v = used < 1 || used > len || rec.type != b[0];
			if (!v && rec.type == ANPR_REC_CAND) {
				const struct anpr_rec_cand *c = &rec.u.cand;

				v = c->pixels != b + ANPR_CAND_HDR_LEN ||
				    used != ANPR_CAND_HDR_LEN + (size_t)c->crop.w * c->crop.h +
						    ANPR_SEG_HDR_LEN + (size_t)c->nchars * ANPR_CHAR_LEN ||
				    c->nchars > ANPR_MAX_CHARS || c->rows < 1 || c->rows > 2;
			}
			if (!v)
				ok[rec.type - ANPR_REC_FRAME]++;
			break;
		case ANPR_REC_INCOMPLETE:
			v = used <= len;
			incomplete++;
			break;
		case ANPR_REC_BAD:
			v = used != 1 || !why;
			nbad++;
			break;
		default:
			v = 1;
		}
		if (v && !viol++)
			fprintf(stderr, "\n  iteration %lu: len %zu status %d used %zu\n", it, len,
				(int)st, used);
		free(b);
	}
	CU_ASSERT_EQUAL(viol, 0);
	/* the bias worked: every outcome was exercised */
	CU_ASSERT(ok[0] > 0 && ok[1] > 0 && ok[2] > 0);
	CU_ASSERT(incomplete > 0 && nbad > 0);
}

/*
 * A reader that gets the stream in random pieces (as from USB) and parses
 * whenever it has enough sees exactly the records of the whole buffer.
 */
static void test_chunked_reader(void)
{
	uint8_t stream[3 * (ANPR_CAND_HDR_LEN + 35 + ANPR_SEG_HDR_LEN + 4 * ANPR_CHAR_LEN) +
		       4 * ANPR_FRAME_LEN];
	uint8_t *acc = malloc(sizeof(stream));
	size_t n = 0, fed = 0, have = 0, got = 0, expect, used;
	const char *why = NULL;
	struct anpr_record rec;

	CU_ASSERT_PTR_NOT_NULL_FATAL(acc);
	/* frame header, three candidates, trailer, frame header */
	memset(stream, 0, sizeof(stream));
	stream[n] = ANPR_REC_FRAME, stream[n + 1] = ANPR_PROTO_VERSION, n += ANPR_FRAME_LEN;
	n += build_cand(stream + n, 7, 5, 1, 4);
	n += build_cand(stream + n, 5, 7, 2, 1);
	n += build_cand(stream + n, 35, 1, 1, 0);
	stream[n] = ANPR_REC_END, n += ANPR_END_LEN;
	stream[n] = ANPR_REC_FRAME, stream[n + 1] = ANPR_PROTO_VERSION, n += ANPR_FRAME_LEN;
	CU_ASSERT_FATAL(n <= sizeof(stream));
	expect = 6;

	test_rng_state = 12345;
	while (fed < n) {
		size_t k = 1 + (size_t)(test_rnd() % 17);

		k = k < n - fed ? k : n - fed;
		memcpy(acc + have, stream + fed, k);
		have += k;
		fed += k;
		for (;;) {
			enum anpr_rec_status st = anpr_rec_parse(acc, have, &rec, &used, &why);

			if (st == ANPR_REC_INCOMPLETE) {
				CU_ASSERT(used > have);
				break;
			}
			CU_ASSERT_EQUAL_FATAL(st, ANPR_REC_OK);
			got++;
			memmove(acc, acc + used, have - used);
			have -= used;
		}
	}
	CU_ASSERT_EQUAL(got, expect);
	CU_ASSERT_EQUAL(have, 0);
	free(acc);
}

int register_records_suite(void)
{
	static CU_TestInfo tests[] = {
		{"field decoding", test_fields},
		{"every prefix of a candidate is INCOMPLETE", test_cand_prefixes},
		{"every prefix of the model's records is INCOMPLETE", test_model_stream_prefixes},
		{"bad records: BAD, used 1, a reason", test_bad},
		{"random bytes (200k, fixed seed)", test_random},
		{"reader fed in random pieces", test_chunked_reader},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"records", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
