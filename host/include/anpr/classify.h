/*
 * anpr/classify.h - the character classifier.
 *
 * A character is cut from the grayscale crop by its box, normalised into a
 * tile (ink = 255, paper = 0, whatever the plate's polarity and contrast; the
 * ink's bounding box scaled to fit ANPR_TILE_W x ANPR_TILE_H with its aspect
 * kept, centred, the margins showing what surrounds it), and classified into
 * the 36 characters plus "junk" (not a character: a hyphen, a band, a screw,
 * a piece of border) by a small convolutional network. The network is
 * trained by tools/train.c (`make train`) and its weights, quantised to 8
 * bits with a scale per output channel, are compiled in
 * (host/src/classifier_weights.c).
 */
#ifndef ANPR_CLASSIFY_H
#define ANPR_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "anpr/records.h"

#define ANPR_NCLASS 37     /* '0'-'9', 'A'-'Z', then ANPR_CLASS_JUNK */
#define ANPR_CLASS_JUNK 36
#define ANPR_TILE_W 20     /* tile, pixels */
#define ANPR_TILE_H 32
#define ANPR_TILE_IN (ANPR_TILE_W * ANPR_TILE_H) /* both sides multiples of 4: two 2x2 poolings */

/* The character of class k ('0'-'9', 'A'-'Z'; '?' for junk). */
char anpr_class_char(int k);

/* The class of character c (either case), or -1. */
int anpr_char_class(char c);

/* A small convolutional network, integer arithmetic up to the logits:
 *
 *   tile (ANPR_TILE_H x ANPR_TILE_W, 0..255, halved to 0..127)
 *   conv 3x3 (same), c1 channels, ReLU, max-pool 2x2
 *   conv 3x3 (same), c2 channels, ReLU, max-pool 2x2
 *   dense, nhid units, ReLU
 *   dense, ANPR_NCLASS logits (then softmax at temperature, in float)
 *
 * Weights are int8 (one float scale per output channel folded into the
 * requantisation); activations are 7-bit (0..127), so that a pair of
 * products fits in 16 bits. A hidden layer's output is
 * clamp(((acc + bias) * mul + 2^(shift-1)) >> shift, 0, 127) with acc the
 * 32-bit sum of weight x input; the output layer's logit is
 * (acc + bias) * scale. c1, c2 and nhid are multiples of 8. The weight
 * layouts (the order the kernels read them) are described in classify.c. */
struct anpr_qlayer {
	const int8_t *w;
	const int32_t *bias; /* per output, in units of the accumulator */
	const int32_t *mul;  /* per output (> 0) */
	int shift;
};

struct anpr_classifier {
	int c1, c2, nhid;
	struct anpr_qlayer conv1, conv2, dense;
	const int8_t *wout;     /* the output layer's weights */
	const int32_t *bout;    /* its biases (accumulator units) */
	const float *sout;      /* its scales */
	float temperature;      /* logits are divided by it (calibration) */
	const char *provenance; /* what it was trained on, by which command */
	/* An ensemble: the next member, or NULL. The logits of the members
	 * (this network, then each next in turn) are averaged, then divided by
	 * this (the first) network's temperature; the members' own
	 * temperatures and provenances are not used. */
	const struct anpr_classifier *next;
};

/* The compiled-in network. */
extern const struct anpr_classifier anpr_classifier_default;

/* Normalise the character in box (crop pixels, clipped to the image) of the
 * w x h image (stride bytes per row) into tile (ANPR_TILE_IN bytes, ink 255).
 * inverted: 1 for light characters on a dark plate. The ink's bounding box
 * inside the box is found again, so a loose box (the FPGA's) works too; the
 * tile's margins beside (or above and below) it show the image around it.
 * Returns ANPR_OK, or ANPR_ERR_ARG for an empty box or image. */
int anpr_char_tile(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
		   int inverted, uint8_t *tile);

/* The same in portable C only (the x86 build finds the box's range and
 * samples the rows with SSE2, and mixes and scales the rows with AVX2 where
 * the CPU has it): the same tile, bit for bit (the tests compare them). */
int anpr_char_tile_portable(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
			    int inverted, uint8_t *tile);

/* Normalise a whole image holding one character (a tile such as the
 * gb-chars set's): polarity from its border, then as anpr_char_tile. */
int anpr_char_tile_image(const uint8_t *px, unsigned w, unsigned h, size_t stride, uint8_t *tile);

/* 1 if the w x h image (one character) is light on dark, judged by its
 * border against its mean (the border is paper). */
int anpr_tile_inverted(const uint8_t *px, unsigned w, unsigned h, size_t stride);

/* Class probabilities (ANPR_NCLASS floats, summing to 1) of a tile (of an
 * ensemble: the softmax of its members' mean logits). Uses
 * the CPU's vector instructions when it has them (x86: AVX-512 VNNI, AVX2). */
void anpr_classify(const struct anpr_classifier *net, const uint8_t *tile, float *probs);

/* Junk first: anpr_classify, except that where the first member of an
 * ensemble puts the junk class ANPR_JUNK_MARGIN logits or more above every
 * character's, the other members are not run and the probabilities are the
 * first member's alone (at the ensemble's temperature). Most tiles of a
 * frame are boxes of false candidates or of a plate's frame and bolts, which
 * every member calls junk; the reader classifies with this (docs/reading.md
 * section 1.3). The same as anpr_classify for a single network. */
#define ANPR_JUNK_MARGIN 4.0f
void anpr_classify_junk_first(const struct anpr_classifier *net, const uint8_t *tile, float *probs);

/* The same in portable C only: the same probabilities, bit for bit (the
 * tests compare them), several times slower. */
void anpr_classify_portable(const struct anpr_classifier *net, const uint8_t *tile, float *probs);

/* The kernels anpr_classify uses on this CPU: "vnni" (x86 AVX-512 VNNI on
 * 256-bit vectors), "avx2" or "portable". */
const char *anpr_classify_kernels(void);

/* The names of the kernel sets this CPU can run, fastest first, the last
 * "portable"; returns how many were written (at most max). */
int anpr_classify_kernel_list(const char **names, int max);

/* anpr_classify with the named kernel set: ANPR_ERR_UNSUPPORTED if this CPU
 * (or build) cannot run it. Every set gives the same bits. */
int anpr_classify_with(const char *kernels, const struct anpr_classifier *net, const uint8_t *tile, float *probs);

#endif /* ANPR_CLASSIFY_H */
