/*
 * datadir.h - the development images (../shared/data) as test frames, for
 * the co-simulations (tests/cosim, tests/modsim).
 */
#ifndef ANPR_SIM_DATADIR_H
#define ANPR_SIM_DATADIR_H

#include "anpr/image.h"

/* Called for each image: its path, its pixels, and n, the images run so far
 * (0, 1, ...: a seed for the caller's random stalls). */
typedef void (*datadir_fn)(void *ctx, const char *path, const struct anpr_image *img, int n);

/* Every PNG of every folder of dir, in name order, one frame each, when it
 * fits a build max_width wide (16..max_width wide, 8 high or more; a larger
 * one binned to fit first, as the host does: anpr_image_bin_to_fit); quick:
 * 4 of each folder. After each folder a line: its name, "ok" or "FAIL"
 * (whether *failures grew), the images run and skipped. An image that does
 * not load counts in *failures. dir missing: a line says so. */
void datadir_each_png(const char *dir, unsigned max_width, int quick, datadir_fn fn, void *ctx, int *failures);

#endif
