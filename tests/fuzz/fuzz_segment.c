/*
 * fuzz_segment.c - libFuzzer target for the segmenter (anpr_segment), the
 * reader's first step on every crop a device sends.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Ihost/include \
 *         tests/fuzz/fuzz_segment.c host/src/segment.c -o build/fuzz_segment
 *
 * Input: byte 0 picks the width (4..259), byte 1 the height (4..131), byte 2
 * the stride's slack; the rest are the pixels, repeated to fill the crop (a
 * short input is a textured crop). Besides memory errors and undefined
 * behaviour, a broken promise of segment.h aborts: 0..max hypotheses, each
 * of 1 or 2 rows, 1..ANPR_SEG_MAX_CHARS non-empty character boxes inside the
 * crop, row2 within them, text their union.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/segment.h"
#include "fuzz_crop.h"

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond))                                                                      \
			abort();                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct anpr_seg_hyp hyps[ANPR_SEG_MAX_HYP];
	unsigned w, h;
	uint8_t *px;
	size_t stride;
	int n;

	if (!(px = fuzz_crop(data, size, 0, &w, &h, &stride)))
		return 0;
	n = anpr_segment(px, w, h, stride, hyps, ANPR_SEG_MAX_HYP);
	CHECK(n >= 0 || n == ANPR_ERR_NOMEM); /* a 4..259 x 4..131 crop is never refused */
	CHECK(n <= ANPR_SEG_MAX_HYP);
	for (int k = 0; k < n; k++) {
		const struct anpr_seg_hyp *s = &hyps[k];
		unsigned tx0 = w, ty0 = h, tx1 = 0, ty1 = 0;

		CHECK(s->rows == 1 || s->rows == 2);
		CHECK(s->nchars >= 1 && s->nchars <= ANPR_SEG_MAX_CHARS);
		CHECK(s->row2 >= 0 && s->row2 <= s->nchars);
		for (int c = 0; c < s->nchars; c++) {
			const struct anpr_box *b = &s->chars[c];

			CHECK(b->w >= 1 && b->h >= 1 && b->x + b->w <= w && b->y + b->h <= h);
			tx0 = b->x < tx0 ? b->x : tx0;
			ty0 = b->y < ty0 ? b->y : ty0;
			tx1 = b->x + b->w > tx1 ? b->x + b->w : tx1;
			ty1 = b->y + b->h > ty1 ? b->y + b->h : ty1;
		}
		CHECK(s->text.x == tx0 && s->text.y == ty0 && s->text.w == tx1 - tx0 && s->text.h == ty1 - ty0);
	}
	free(px);
	return 0;
}
