/*
 * anpr/image.h - 8-bit grayscale images from PNG and PGM files.
 */
#ifndef ANPR_IMAGE_H
#define ANPR_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct anpr_image {
	unsigned width, height; /* pixels */
	uint8_t *pixels;        /* width*height bytes, row-major, owned */
};

/* Load a PNG (gray or colour, converted to luma) or a binary/ASCII PGM
 * (P5/P2, maxval <= 255) from path into *img.
 * Returns 0 on success. On failure returns -1, leaves *img untouched and
 * writes a reason (naming the file) into err (errlen bytes, may be 0). */
int anpr_image_load(const char *path, struct anpr_image *img, char *err, size_t errlen);

/* Free the pixels of an image loaded by anpr_image_load. */
void anpr_image_free(struct anpr_image *img);

/* Encode w x h gray pixels (stride bytes per row) as a PNG in memory:
 * *out (malloc'd, the caller frees) and *len. Returns 0, or -1. */
int anpr_image_png(const uint8_t *px, unsigned w, unsigned h, size_t stride, void **out, size_t *len);

/* The least k >= 1 such that a width x height image binned k x k is at
 * most max_width x max_height (ceil(width / k), ceil(height / k)). */
unsigned anpr_image_bin_factor(unsigned width, unsigned height, unsigned max_width, unsigned max_height);

/* Bin a width x height image k x k into dst (width / k x height / k pixels,
 * each the rounded mean of its k x k block; the last width % k columns and
 * height % k rows are left out), as a sensor's binning mode would. */
void anpr_image_bin(const uint8_t *src, unsigned width, unsigned height, unsigned k, uint8_t *dst);

/* An image larger than max_width x max_height binned in place as
 * anpr_pipe_run bins a frame (anpr_image_bin_factor; not when that leaves it
 * under 16 x 8). Returns the factor k (1: left as it is), or 0 when out of
 * memory (the image untouched). For the tools and co-simulations that drive
 * the model as the host would. */
unsigned anpr_image_bin_to_fit(struct anpr_image *img, unsigned max_width, unsigned max_height);

/* Largest image accepted, per side: larger files are refused, not loaded. */
#define ANPR_IMAGE_MAX_SIDE 8192

#endif /* ANPR_IMAGE_H */
