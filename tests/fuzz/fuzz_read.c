/*
 * fuzz_read.c - libFuzzer target for the crop reader (anpr_read_crop): the
 * segmenter, the character tiles, the classifier, the grammar and the
 * second reading of a leaning crop turned level, on every crop a device
 * sends.
 *
 *   make build/fuzz_read
 *
 * Input as fuzz_segment's: byte 0 picks the width (4..259), byte 1 the
 * height (4..131), byte 2 the stride's slack and byte 3 the country (its
 * value mod 3) and whether the crop comes as a pipeline's candidate ((its
 * value / 3) mod 2: a hint with no character boxes, so the crop is
 * screened first); the rest
 * are the pixels, repeated to fill the crop. Besides memory errors and
 * undefined behaviour, a broken promise of read.h aborts: 0 or 1 returned
 * (never an argument error for such a crop); a plate read has a text of
 * A-Z0-9 spelt by its characters, 1 or 2 rows, confidences in [0, 1], its
 * box the crop, and every character box inside the crop (offset by the
 * crop's place in the frame, here (7, 5)).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/read.h"
#include "fuzz_crop.h"

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond))                                                                      \
			abort();                                                                  \
	} while (0)

enum { OX = 7, OY = 5 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum anpr_country countries[] = {ANPR_COUNTRY_GB, ANPR_COUNTRY_EU, ANPR_COUNTRY_ANY};
	struct anpr_read_opts opts = {ANPR_COUNTRY_GB, NULL};
	struct anpr_plate_read pr;
	struct anpr_rec_cand hint;
	unsigned w, h;
	uint8_t *px;
	size_t stride;
	int rc, k;

	if (!(px = fuzz_crop(data, size, 1, &w, &h, &stride)))
		return 0;
	opts.country = countries[data[3] % 3];
	memset(&hint, 0, sizeof(hint));
	hint.box = hint.crop = (struct anpr_box){OX, OY, (uint16_t)w, (uint16_t)h};
	rc = anpr_read_crop(&opts, px, w, h, stride, OX, OY, data[3] / 3 % 2 ? &hint : NULL, &pr);
	CHECK(rc == 0 || rc == 1 || rc == ANPR_ERR_NOMEM);
	if (rc == 1) {
		CHECK(pr.rows == 1 || pr.rows == 2);
		CHECK(pr.nchars >= 1 && pr.nchars <= ANPR_MAX_TEXT && (size_t)pr.nchars == strlen(pr.text));
		CHECK(pr.confidence >= 0 && pr.confidence <= 1);
		CHECK(pr.box.x == OX && pr.box.y == OY && pr.box.w == w && pr.box.h == h);
		CHECK(pr.ncands >= 1 && pr.ncands <= ANPR_READ_MAX_CANDS && !strcmp(pr.cands[0].text, pr.text));
		for (k = 0; k < pr.nchars; k++) {
			const struct anpr_box *b = &pr.chars[k].box;

			CHECK((pr.text[k] >= 'A' && pr.text[k] <= 'Z') || (pr.text[k] >= '0' && pr.text[k] <= '9'));
			CHECK(pr.chars[k].c == pr.text[k]);
			CHECK(pr.chars[k].confidence >= 0 && pr.chars[k].confidence <= 1);
			CHECK(b->w >= 1 && b->h >= 1 && b->x >= OX && b->y >= OY && b->x + b->w <= OX + w &&
			      b->y + b->h <= OY + h);
		}
	}
	free(px);
	return 0;
}
