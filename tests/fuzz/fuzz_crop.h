/*
 * fuzz_crop.h - the crop the segmenter's and the reader's fuzz targets make
 * of their input (fuzz_segment.c, fuzz_read.c).
 */
#ifndef FUZZ_CROP_H
#define FUZZ_CROP_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Bytes 0-2 of data pick the width (4..259), the height (4..131) and the
 * stride's slack (0..7); the next skip bytes are the caller's; the rest are
 * the pixels, repeated to fill the crop (a short input is a textured crop).
 * Returns the malloc'd crop (*w, *h, *stride set), or NULL if data is
 * shorter than 3 + skip + 1 bytes or memory is short. */
static inline uint8_t *fuzz_crop(const uint8_t *data, size_t size, size_t skip, unsigned *w, unsigned *h,
				 size_t *stride)
{
	const uint8_t *pix = data + 3 + skip;
	size_t n = size - 3 - skip, i = 0, x, y;
	uint8_t *px;

	if (size < 4 + skip)
		return NULL;
	*w = 4 + data[0];
	*h = 4 + data[1] % 128;
	*stride = *w + data[2] % 8;
	if (!(px = malloc(*stride * *h)))
		return NULL;
	for (y = 0; y < *h; y++)
		for (x = 0; x < *stride; x++, i = i + 1 < n ? i + 1 : 0)
			px[y * *stride + x] = pix[i];
	return px;
}

#endif /* FUZZ_CROP_H */
