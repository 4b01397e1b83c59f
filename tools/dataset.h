/*
 * dataset.h - the development data's truth files, for the trainer and the
 * evaluators (tools/), never for the library.
 *
 * A set is a folder with truth.csv: file,plate_text,x,y,w,h (box empty for
 * crops and tiles). Sets are split by plate into five folds; fold 0 is held
 * out of training. The key of a plate is its text, or for gb-chars tiles
 * the middle number of the file name ("A_123_4.png": tiles of one plate
 * share it).
 */
#ifndef ANPR_DATASET_H
#define ANPR_DATASET_H

#include "anpr/classify.h"
#include "anpr/segment.h"

struct truth_row {
	char file[256];
	char text[32];
	int x, y, w, h; /* plate box, or all 0 */
	int has_box;
};

/* Load DIR/truth.csv. Returns the number of rows (and *rows, malloc'd), or
 * -1 with a message on stderr naming the file and line. */
int dataset_load(const char *dir, struct truth_row **rows);

/* 1 if the plate keyed key is in the held-out fold. */
int dataset_held_out(const char *key);

/* The plate key of a gb-chars tile file name (its middle number). */
void dataset_tile_key(const char *file, char *key, int keylen);

/* The best reading of text from hypothesis hyp of a w x h crop (stride w):
 * each character on one slot, in order, the slots between and around
 * skipped as junk, scored by net's log probabilities. Returns the score
 * (-1e30 if impossible), the slot of each character in slot_of and, when
 * minp is not NULL, the least probability of a character read. */
double dataset_align(const struct anpr_classifier *net, const uint8_t *px, unsigned w, unsigned h,
		     const struct anpr_seg_hyp *hyp, const char *text, int *slot_of, float *minp);

/* Area-average downscale of in (w x h) by f < 1 into out: each pixel the
 * rounded mean of the block of in it covers, the size (*ow x *oh, at least
 * 2 x 2) rounded. The trainer's small characters, read_eval's small rows. */
void dataset_shrink(const uint8_t *in, int w, int h, float f, uint8_t *out, int *ow, int *oh);

/* The w x h image px sampled at (x, y), pixel centres at integers,
 * bilinear, clamped to the image, rounded: the trainer's warp, read_eval's
 * resampled crops. */
uint8_t dataset_bilinear(const uint8_t *px, unsigned w, unsigned h, float x, float y);

#endif
