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

/* Largest image accepted, per side: larger files are refused, not loaded. */
#define ANPR_IMAGE_MAX_SIDE 8192

#endif /* ANPR_IMAGE_H */
