/*
 * anpr/segment.h - find the characters of a plate in a grayscale crop.
 *
 * The FPGA's emitter segments each crop it sends (its char boxes in the CAND
 * record), but with the few bits of arithmetic and one threshold a stream
 * allows. The host has time for more: it binarises the crop at several
 * locally adaptive thresholds, labels connected components, and keeps the
 * groups of components that line up like characters (one text row, or two
 * for motorcycle, square rear and many EU plates). Each group is one
 * hypothesis; the reader classifies them all and keeps the reading the
 * classifier and the grammar like best.
 */
#ifndef ANPR_SEGMENT_H
#define ANPR_SEGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "anpr/records.h"

#define ANPR_SEG_MAX_CHARS 16 /* characters in one hypothesis */
/* Hypotheses from one call: the best ANPR_SEG_ROW_HYP by score (all that
 * anpr_segment_rows returns) and, from anpr_segment, up to 2 more: rows
 * extended or projected that those left out. */
#define ANPR_SEG_ROW_HYP 8
#define ANPR_SEG_MAX_HYP 10
#define ANPR_SEG_MAX_SIDE 2048 /* larger crops are refused */

struct anpr_seg_hyp {
	int inverted;        /* 1: light characters on a dark plate */
	int rows;            /* 1 or 2 */
	int nchars;          /* characters, reading order: top row, then bottom */
	int row2;            /* index of the first bottom-row character (nchars if one row) */
	struct anpr_box chars[ANPR_SEG_MAX_CHARS]; /* crop pixels */
	struct anpr_box text; /* union of the character boxes */
	int score;           /* how much it looks like a row of characters (higher is better) */
};

/* Segment the w x h crop (row-major, stride bytes per row) into up to max
 * hypotheses, trying dark-on-light and light-on-dark: the best
 * ANPR_SEG_ROW_HYP (or max) by score, best first, distinct; then, while max
 * allows, the best of the rows extended by other binarisations' boxes or
 * projected a pitch beyond an end that those left out (best first).
 * Returns the number written (0 when nothing looks like characters), or
 * ANPR_ERR_ARG for a crop smaller than 4x4 or larger than ANPR_SEG_MAX_SIDE,
 * ANPR_ERR_NOMEM when working memory cannot be had. */
int anpr_segment(const uint8_t *px, unsigned w, unsigned h, size_t stride, struct anpr_seg_hyp *out,
		 int max);

/* anpr_segment without the hypotheses that add boxes no binarisation's row
 * has (a row extended by boxes pooled from other rows, a box projected a
 * pitch beyond a row's end): only the rows found, at most ANPR_SEG_ROW_HYP
 * of them whatever max is. The trainer labels its samples from these
 * (docs/reading.md section 3). The same errors. */
int anpr_segment_rows(const uint8_t *px, unsigned w, unsigned h, size_t stride, struct anpr_seg_hyp *out,
		      int max);

#endif /* ANPR_SEGMENT_H */
