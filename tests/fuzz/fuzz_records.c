/*
 * fuzz_records.c - libFuzzer target for the record parser (anpr_rec_parse).
 *
 *   clang -fsanitize=fuzzer,address,undefined -Ihost/include \
 *         tests/fuzz/fuzz_records.c host/src/records.c -o build/fuzz_records
 *
 * The input is read as a record stream, the way the host reads the pipeline:
 * parse at the front, skip what was used (one byte on BAD), stop when more
 * bytes are needed. Besides memory errors (the sanitizers), any broken
 * promise of records.h aborts, so the fuzzer reports it as a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/records.h"

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond))                                                                      \
			abort();                                                                  \
	} while (0)

static int inside(const struct anpr_box *b, const struct anpr_box *crop)
{
	return b->x >= crop->x && b->y >= crop->y && b->x + b->w <= crop->x + crop->w &&
	       b->y + b->h <= crop->y + crop->h;
}

/* What an OK candidate record guarantees its reader. */
static void check_cand(const struct anpr_rec_cand *c, const uint8_t *rec, size_t used)
{
	volatile unsigned sum = 0;
	size_t i, npx = (size_t)c->crop.w * c->crop.h;

	CHECK(c->crop.w > 0 && c->crop.h > 0);
	CHECK(inside(&c->box, &c->crop));
	CHECK(c->rows >= 1 && c->rows <= 2);
	CHECK(c->nchars <= ANPR_MAX_CHARS);
	for (i = 0; i < c->nchars; i++)
		CHECK(inside(&c->chars[i], &c->crop));
	CHECK(c->pixels == rec + ANPR_CAND_HDR_LEN);
	CHECK(used == ANPR_CAND_HDR_LEN + npx + ANPR_SEG_HDR_LEN + (size_t)c->nchars * ANPR_CHAR_LEN);
	/* every pixel the record claims is readable (ASan checks the reads) */
	for (i = 0; i < npx; i++)
		sum += c->pixels[i];
	(void)sum;
}

/* A record that parsed OK with `used` bytes is INCOMPLETE when cut by one
 * byte: the cut copy is exactly that long, so an over-read is caught. */
static void check_prefix(const uint8_t *rec, size_t used)
{
	uint8_t *cut = malloc(used - 1 ? used - 1 : 1);
	struct anpr_record r;
	size_t need = 0;

	CHECK(cut);
	memcpy(cut, rec, used - 1);
	CHECK(anpr_rec_parse(cut, used - 1, &r, &need, NULL) == ANPR_REC_INCOMPLETE);
	CHECK(need > used - 1 && need <= used);
	free(cut);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	while (off < size) {
		struct anpr_record rec;
		const char *why = NULL;
		size_t used = 0, left = size - off;

		switch (anpr_rec_parse(data + off, left, &rec, &used, &why)) {
		case ANPR_REC_OK:
			CHECK(used >= 1 && used <= left);
			CHECK(rec.type == data[off]);
			if (rec.type == ANPR_REC_CAND)
				check_cand(&rec.u.cand, data + off, used);
			check_prefix(data + off, used);
			off += used;
			break;
		case ANPR_REC_BAD:
			CHECK(used == 1 && why && *why);
			off += used;
			break;
		case ANPR_REC_INCOMPLETE:
			CHECK(used > left);
			return 0;
		default:
			abort();
		}
	}
	return 0;
}
