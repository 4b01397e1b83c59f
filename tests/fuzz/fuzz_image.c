/*
 * fuzz_image.c - libFuzzer target for the image loader (anpr_image_load).
 *
 *   clang -fsanitize=fuzzer,address,undefined -Ihost/include $(pkg-config --cflags libpng) \
 *         tests/fuzz/fuzz_image.c host/src/image.c $(pkg-config --libs libpng) \
 *         -o build/fuzz_image
 *
 * The loader takes a path, so each input is written to one temporary file
 * (mkstemp under /tmp, removed at exit) and loaded from there. Besides memory
 * errors, a broken promise of image.h aborts: on success a 1..8192-sided
 * image whose every pixel is readable; on failure -1, the path in the
 * message and the caller's struct untouched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anpr/image.h"

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond))                                                                      \
			abort();                                                                  \
	} while (0)

static char path[] = "/tmp/anpr_fuzz_image_XXXXXX";
static int fd = -1;

static void remove_tmp(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sentinel[1];
	struct anpr_image img = {4242, 2424, sentinel};
	char err[512] = "";
	size_t done = 0;

	if (fd < 0) {
		fd = mkstemp(path);
		CHECK(fd >= 0);
		atexit(remove_tmp);
	}
	CHECK(ftruncate(fd, 0) == 0);
	while (done < size) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);

		CHECK(n > 0);
		done += (size_t)n;
	}
	if (anpr_image_load(path, &img, err, sizeof(err)) == 0) {
		volatile unsigned sum = 0;
		size_t i;

		CHECK(img.width >= 1 && img.width <= ANPR_IMAGE_MAX_SIDE);
		CHECK(img.height >= 1 && img.height <= ANPR_IMAGE_MAX_SIDE);
		CHECK(img.pixels && img.pixels != sentinel);
		for (i = 0; i < (size_t)img.width * img.height; i++)
			sum += img.pixels[i];
		(void)sum;
		anpr_image_free(&img);
	} else {
		CHECK(img.width == 4242 && img.height == 2424 && img.pixels == sentinel);
		CHECK(strstr(err, path) == err);
	}
	return 0;
}
