/*
 * scenes.h - synthetic camera frames with plate-like patterns, for tests and
 * for the demo run (make run): no image files needed.
 */
#ifndef ANPR_TEST_SCENES_H
#define ANPR_TEST_SCENES_H

#include <stdint.h>

/* Fill px (w*h) with a scene: textured background, lighting gradient, and
 * nplates plates (light rectangles with dark character strokes, some with
 * two rows, some inverted), all from seed. Deterministic. */
void scene_make(uint8_t *px, unsigned w, unsigned h, unsigned nplates, uint32_t seed);

/* xorshift32 */
uint32_t scene_rand(uint32_t *state);

#endif
