/*
 * anpr/records.h - parse the pipeline's record stream (anpr/protocol.h).
 */
#ifndef ANPR_RECORDS_H
#define ANPR_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "anpr/protocol.h"

struct anpr_box {
	uint16_t x, y, w, h; /* frame pixels */
};

struct anpr_rec_frame {
	uint8_t version;
	uint16_t frame;
	uint16_t width, height;
	uint32_t time; /* pipeline cycle counter at start of frame */
};

struct anpr_rec_cand {
	uint8_t index;
	uint16_t frame;
	uint16_t score;
	struct anpr_box box;  /* plate */
	struct anpr_box crop; /* region of the pixels */
	uint8_t thresh, flags;
	const uint8_t *pixels; /* crop.w * crop.h bytes, points into the parsed buffer */
	uint8_t rows, nchars;
	struct anpr_box chars[ANPR_MAX_CHARS];
};

struct anpr_rec_end {
	uint8_t flags;
	uint16_t frame;
	uint16_t found;
	uint8_t emitted, dropped;
	uint16_t lines;
	uint16_t errors;
};

struct anpr_record {
	uint8_t type; /* ANPR_REC_* */
	union {
		struct anpr_rec_frame frame;
		struct anpr_rec_cand cand;
		struct anpr_rec_end end;
	} u;
};

/* Pixels boxes a and b have in common (0 when they do not meet). */
unsigned long anpr_box_overlap(const struct anpr_box *a, const struct anpr_box *b);

/* Scale a box by k (a box of a frame binned k x k, back in the frame's own
 * pixels; the caller keeps the frame within 16-bit sizes). */
void anpr_box_scale(struct anpr_box *b, unsigned k);

enum anpr_rec_status {
	ANPR_REC_OK = 0,         /* one record parsed */
	ANPR_REC_INCOMPLETE = 1, /* more bytes needed */
	ANPR_REC_BAD = -1,       /* not a valid record at this position */
};

/* Parse the record at the start of buf (len bytes).
 * On ANPR_REC_OK, *rec holds it and *used its length in bytes; rec->u.cand.pixels
 * points into buf. On ANPR_REC_INCOMPLETE, *used is the number of bytes needed
 * so far (at least len + 1). On ANPR_REC_BAD, *used is 1 (skip a byte to
 * resynchronise) and *why names the field that is wrong. *rec is only
 * written on ANPR_REC_OK. */
enum anpr_rec_status anpr_rec_parse(const uint8_t *buf, size_t len, struct anpr_record *rec,
				    size_t *used, const char **why);

#endif /* ANPR_RECORDS_H */
