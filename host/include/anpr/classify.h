/*
 * anpr/classify.h - the character classifier.
 *
 * A character is cut from the grayscale crop by its box, normalised into a
 * tile (ink = 255, paper = 0, whatever the plate's polarity and contrast; the
 * ink's bounding box scaled to fit ANPR_TILE_W x ANPR_TILE_H with its aspect
 * kept, centred), and classified by a small multilayer perceptron into the
 * 36 characters plus "junk" (not a character: a hyphen, a band, a screw, a
 * piece of border). The network is trained by tools/train.c (`make train`)
 * and its weights, quantised to 8 bits per weight with a scale per row, are
 * compiled in (host/src/classifier_weights.c).
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
#define ANPR_TILE_IN (ANPR_TILE_W * ANPR_TILE_H) /* a multiple of 16: the dot products vectorise */

/* The character of class k ('0'-'9', 'A'-'Z'; '?' for junk). */
char anpr_class_char(int k);

/* The class of character c (either case), or -1. */
int anpr_char_class(char c);

/* A network: in -> hidden (ReLU) -> ANPR_NCLASS (softmax at temperature).
 * Weights are q * scale[row], row-major, one row per output unit; the
 * input is the tile / 255. The first layer is integer arithmetic (8-bit
 * weights times 8-bit pixels into 32 bits), exact on every machine. */
struct anpr_classifier {
	int nin, nhid;
	const int8_t *w1;     /* nhid x nin */
	const float *s1, *b1; /* nhid */
	const int8_t *w2;     /* ANPR_NCLASS x nhid */
	const float *s2, *b2; /* ANPR_NCLASS */
	float temperature;    /* logits are divided by it (calibration) */
	const char *provenance; /* what it was trained on, by which command */
};

/* The compiled-in network. */
extern const struct anpr_classifier anpr_classifier_default;

/* Normalise the character in box (crop pixels, clipped to the image) of the
 * w x h image (stride bytes per row) into tile (ANPR_TILE_IN bytes, ink 255).
 * inverted: 1 for light characters on a dark plate. The ink's bounding box
 * inside the box is found again, so a loose box (the FPGA's) works too.
 * Returns ANPR_OK, or ANPR_ERR_ARG for an empty box or image. */
int anpr_char_tile(const uint8_t *px, unsigned w, unsigned h, size_t stride, const struct anpr_box *box,
		   int inverted, uint8_t *tile);

/* Normalise a whole image holding one character (a tile such as the
 * gb-chars set's): polarity from its border, then as anpr_char_tile. */
int anpr_char_tile_image(const uint8_t *px, unsigned w, unsigned h, size_t stride, uint8_t *tile);

/* 1 if the w x h image (one character) is light on dark, judged by its
 * border against its mean (the border is paper). */
int anpr_tile_inverted(const uint8_t *px, unsigned w, unsigned h, size_t stride);

/* Class probabilities (ANPR_NCLASS floats, summing to 1) of a tile. */
void anpr_classify(const struct anpr_classifier *net, const uint8_t *tile, float *probs);

#endif /* ANPR_CLASSIFY_H */
