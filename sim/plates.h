/*
 * plates.h - UK number plates drawn from their registration, for the demo
 * (make run) and for tests that read plates without image files.
 *
 * The characters are a stroke font drawn to the proportions of the UK
 * plate typeface (Charles Wright 2001, as BS AU 145e lays out a plate):
 * characters 79 mm tall in 50 mm cells, strokes 14 mm, 11 mm between
 * characters and 33 mm between groups. Each glyph is a centreline of
 * lines and arcs; a pixel's ink is the share of its 4 x 4 samples within
 * 7 mm of it. No font files, no libm: the same pixels on every machine.
 */
#ifndef ANPR_SIM_PLATES_H
#define ANPR_SIM_PLATES_H

#include <stddef.h>
#include <stdint.h>

#include "scenes.h"

/* The plate's size in pixels for characters char_h pixels tall. text:
 * A-Z and 0-9, ' ' between groups (a wider gap), '/' between the rows of
 * a two-row plate. Returns 0, or -1 for any other character, an empty
 * row, more than 2 rows, or char_h outside 8..200. */
int plate_size(const char *text, double char_h, unsigned *pw, unsigned *ph);

/* The registration a plate of text shows: text without its spaces and
 * row breaks ("KM65 TXV" -> "KM65TXV"), cut to size - 1 characters. */
void plate_vrm(const char *text, char *out, size_t size);

/* Draw the plate with its top left corner at (x, y) (clipped to the w x h
 * frame px, rows stride bytes apart): the background paper, the
 * characters ink. Returns 0, or -1 as plate_size. */
int plate_draw(uint8_t *px, unsigned w, unsigned h, size_t stride, int x, int y, const char *text, double char_h,
	       int paper, int ink);

/* A frame like scene_make's, its plates those of texts[0..n-1] (as
 * plate_draw takes them): characters 18 to 30 pixels tall, dark on light
 * paper (white front plates and yellow rear ones as a mono sensor sees
 * them), one plate to a cell of a grid over the frame, so they never
 * overlap. Returns 0, or -1 if a text is refused or the frame is too
 * small for n plates (a cell narrower than the plate). Deterministic. */
int scene_with_plates(uint8_t *px, unsigned w, unsigned h, const char *const *texts, unsigned n, uint32_t seed);

#endif
