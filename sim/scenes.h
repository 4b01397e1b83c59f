/*
 * scenes.h - synthetic camera frames with plate-like patterns, for tests and
 * for the demo run (make run): no image files needed.
 */
#ifndef ANPR_TEST_SCENES_H
#define ANPR_TEST_SCENES_H

#include <stddef.h>
#include <stdint.h>

/* Fill px (w*h) with a scene: textured background, lighting gradient, and
 * nplates plates (light rectangles with dark character strokes, some with
 * two rows, some inverted), all from seed. Deterministic. */
void scene_make(uint8_t *px, unsigned w, unsigned h, unsigned nplates, uint32_t seed);

/* xorshift32 */
uint32_t scene_rand(uint32_t *state);

/* Write px (w*h, rows packed) to path as a binary PGM: 0, or -1 with errno
 * set when it could not be opened, written in full or closed (the caller
 * names path). */
int scene_write_pgm(const char *path, const uint8_t *px, unsigned w, unsigned h);

/* A pixel stream as a camera sends it: each pixel with its marks. */
struct scene_item {
	uint8_t px, sof, eol; /* tdata, tuser[0], tlast */
};

struct scene_stream {
	struct scene_item *v;
	size_t n, cap;
};

/* Append one pixel (aborts on allocation failure). */
void scene_put(struct scene_stream *s, uint8_t px, int sof, int eol);

/* Append a w x h frame's pixels with the marks a camera gives. drop_at:
 * stop after that many pixels (a frame cut off), -1: none; short_line,
 * long_line: the line to send half as long or 3 pixels longer, -1: none. */
void scene_frame(struct scene_stream *s, const uint8_t *px, unsigned w, unsigned h, long drop_at,
		 int short_line, int long_line);

/* The stream as beats of two pixels (a pipeline at two pixels a clock),
 * so that the model, fed the pixels, and the RTL, fed pairs (2k, 2k+1),
 * see the same stream: a SOF that would be a beat's second pixel gets a
 * pad before it (a copy of the pixel before, unmarked), an EOL that would
 * be a beat's first pixel moves to a pad after it (the line a pixel
 * longer), and an odd stream ends with a pad. The pixels the model sees
 * are those of the beats; a line damaged by one pixel may become whole
 * (W-1 pixels padded to W), a line half as long or 3 pixels longer stays
 * short or long. Appends to *out (empty, or a stream to add to). */
void scene_pair_up(const struct scene_stream *in, struct scene_stream *out);

/* Beat i of a stream sent ppc (1 or 2) pixels a beat (paired by
 * scene_pair_up when 2): tdata (the first pixel in bits 7:0), tuser[0]
 * (the first pixel's SOF), tlast (the last pixel's EOL). */
struct scene_beat {
	uint16_t data;
	int sof, eol;
};
struct scene_beat scene_beat_at(const struct scene_stream *s, size_t i, unsigned ppc);

#endif
