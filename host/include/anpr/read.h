/*
 * anpr/read.h - read registrations (VRMs) from plate crops and frames.
 *
 * For each candidate crop: segment it (anpr/segment.h, several hypotheses,
 * plus the FPGA's own character boxes when it sent any), classify every
 * character (anpr/classify.h), and read each hypothesis under the plate
 * grammar of a country (anpr/grammar.h). The hypothesis whose best reading
 * scores highest wins. A reading no format accepts is kept only when it is
 * confident; otherwise the candidate is rejected as not a plate.
 *
 * Confidences are probabilities: a character's is the calibrated classifier
 * probability of the class read; a plate's (and each candidate text's) is
 * the probability that the text is right, as the posterior of the text over
 * every text the crop's hypotheses read, from their scores (fitted on the
 * development crops: docs/reading.md section 1.5, "Confidence"). The
 * rejection of a doubtful reading uses the classifier's product over the
 * slots instead (the characters read, and the slots skipped as not
 * characters).
 */
#ifndef ANPR_READ_H
#define ANPR_READ_H

#include <stddef.h>
#include <stdint.h>

#include "anpr/classify.h"
#include "anpr/grammar.h"
#include "anpr/pipe.h"
#include "anpr/records.h"
#include "anpr/segment.h"

#define ANPR_READ_MAX_CANDS 5   /* alternative texts kept per plate */
#define ANPR_READ_MAX_PLATES 16 /* plates per frame */

struct anpr_char_read {
	char c;
	float confidence;
	char alt;             /* the runner-up character, 0 if none */
	float alt_confidence; /* its probability */
	struct anpr_box box; /* frame pixels */
};

struct anpr_text_alt {
	char text[ANPR_MAX_TEXT + 1];
	float confidence;
};

struct anpr_plate_read {
	char text[ANPR_MAX_TEXT + 1]; /* A-Z0-9, top row then bottom row */
	float confidence;
	struct anpr_box box;  /* the plate, frame pixels */
	int rows;             /* 1 or 2 */
	const char *format;   /* the grammar format matched, "none" if none */
	int ncands;           /* alternatives, best first; cands[0] is text */
	struct anpr_text_alt cands[ANPR_READ_MAX_CANDS];
	int nchars;
	struct anpr_char_read chars[ANPR_MAX_TEXT];
	double score;         /* ranking of plates and hypotheses (higher is better) */
};

struct anpr_read_opts {
	enum anpr_country country;
	const struct anpr_classifier *net; /* NULL: the compiled-in one */
};

/* A pipeline's candidate is screened before it is read: unless one of the
 * segmenter's first ANPR_READ_SCREEN_HYPS hypotheses (best first) has
 * ANPR_READ_SCREEN_CHARS boxes or more that the classifier calls
 * characters rather than junk, it is rejected unread (most of a frame's
 * candidates are no plate, and reading them was most of a frame's time). */
#define ANPR_READ_SCREEN_HYPS 5
#define ANPR_READ_SCREEN_CHARS 2

/* Read the plate in a w x h crop (stride bytes per row) whose top-left
 * corner is (ox, oy) in the frame. hint, if not NULL, is the pipeline's
 * candidate record for the crop (its character boxes become one more
 * hypothesis; its plate box becomes out->box; the crop is screened first,
 * as above). Without a hint the plate box is the whole crop.
 * Returns 1 and fills *out when a plate was read, 0 when the crop was
 * rejected as not a plate (*out untouched), ANPR_ERR_ARG for a bad crop,
 * ANPR_ERR_NOMEM. */
int anpr_read_crop(const struct anpr_read_opts *opts, const uint8_t *px, unsigned w, unsigned h, size_t stride,
		   unsigned ox, unsigned oy, const struct anpr_rec_cand *hint, struct anpr_plate_read *out);

/* The slope (pixels down per pixel right) of the rows of a reading, pr's
 * characters in order (a row ends where a box's x goes back): the median,
 * over each pair of characters in one row, of the slope between their
 * boxes' centres. Returns 1, or 0 if there are fewer than 3 such pairs
 * (*slope untouched). anpr_read_crop reads a crop whose first reading leans
 * once more turned level (docs/reading.md section 1.4). */
int anpr_read_lean(const struct anpr_plate_read *pr, double *slope);

/* Turn the w x h crop px (stride bytes per row) about its centre so that
 * rows leaning by slope come level, into out (w x h, w bytes per row): each
 * pixel bilinear at its place in the crop, the nearest edge pixel past the
 * crop's edges. Returns ANPR_OK or ANPR_ERR_ARG. */
int anpr_read_level(const uint8_t *px, unsigned w, unsigned h, size_t stride, double slope, uint8_t *out);

/* The slant of the characters of a reading, pr's boxes (frame pixels: the
 * crop's top left is frame pixel (ox, oy)) in the w x h crop px (stride
 * bytes per row): pixels right per pixel up of their upright strokes, so
 * positive for italics, -0.5 to 0.5 in steps of 0.01. The shear that
 * gathers into the fewest columns the band's edge pixels (3 x 3 Sobel,
 * nearer vertical than 45 degrees, weighted by |Gx|). Returns 1, or 0 with
 * *slant untouched when the band holds too few of them. anpr_read_crop
 * reads a crop whose first reading slants once more upright
 * (docs/reading.md section 1.5, "Slanted characters"). */
int anpr_read_slant(const uint8_t *px, unsigned w, unsigned h, size_t stride, unsigned ox, unsigned oy,
		    const struct anpr_plate_read *pr, double *slant);

/* Shear the w x h crop px (stride bytes per row) so that strokes slanting
 * by slant (as anpr_read_slant) come upright, into out: (w + 2 x pad) x h,
 * w + 2 x pad bytes per row, pad = anpr_read_upright_pad(h, slant), so that
 * nothing of the crop is lost; each pixel linear along its row at its place
 * in the crop, the nearest edge pixel past the crop's ends. Returns ANPR_OK
 * or ANPR_ERR_ARG. */
unsigned anpr_read_upright_pad(unsigned h, double slant);
int anpr_read_upright(const uint8_t *px, unsigned w, unsigned h, size_t stride, double slant, uint8_t *out);

/* Diagnostics and tests: the score by which the reader ranks text cand (from
 * anpr_grammar_read on hyp's slots, cand->used naming the slots read) of a
 * hypothesis of a w x h crop under country: its logp and log_prior (a rare
 * series, anpr/grammar.h), a bonus per character
 * and for a grammatical text; under any the costs and bonus of the
 * letter/digit structure; and the costs of the boxes' geometry
 * (docs/reading.md section 1.5). Higher is better. */
double anpr_read_score(enum anpr_country country, unsigned w, unsigned h, const struct anpr_seg_hyp *hyp,
		       const struct anpr_text_cand *cand);

/* Diagnostics: read each of the n segmentation hypotheses of a crop (as
 * anpr_read_crop does before choosing) into out[0..n); out[i].score is
 * -INFINITY when hypothesis i gave no acceptable reading (its text may
 * still be filled, its confidence then the classifier's product that
 * rejected it); the others' confidences are the posteriors over all n
 * hypotheses' texts, as anpr_read_crop reports them. Returns n or
 * ANPR_ERR_ARG. */
int anpr_read_hyps(const struct anpr_read_opts *opts, const uint8_t *px, unsigned w, unsigned h, size_t stride,
		   const struct anpr_seg_hyp *hyps, int n, struct anpr_plate_read *out);

/* Read every plate of one frame: localise on the pipe's backend, then
 * anpr_read_crop each candidate it sends. Overlapping reads are merged (the
 * better kept); plates come best first. Writes up to max plates and their
 * number to *n. Returns ANPR_OK, or the anpr_pipe_run error (then *n = 0
 * and anpr_pipe_errmsg says why). */
int anpr_read_frame(const struct anpr_read_opts *opts, anpr_pipe *p, const uint8_t *px, unsigned w, unsigned h,
		    struct anpr_plate_read *out, int max, int *n);

/* The same, calling on_plate(ctx, plate) with each plate as soon as it is
 * read, before the frame's other candidates are (alerts need not wait for
 * the whole frame). A plate may be called and later merged away. */
int anpr_read_frame_each(const struct anpr_read_opts *opts, anpr_pipe *p, const uint8_t *px, unsigned w,
			 unsigned h, struct anpr_plate_read *out, int max, int *n,
			 void (*on_plate)(void *ctx, const struct anpr_plate_read *pl), void *ctx);

/* Reads between anpr_read_scope_begin() and anpr_read_scope_end(), in one
 * thread, share their classifications by tile content: a character tile of
 * the same bytes (anpr_char_tile) is classified once, with the same network,
 * and every reading is what it would be without the scope (the network
 * reads nothing but the tile). For the reads of one frame: anpr_read_frame
 * opens one itself. Scopes nest (the outermost one counts); a scope must not
 * span a change to a network's weights. begin returns ANPR_OK, or
 * ANPR_ERR_NOMEM (the reads then classify every tile, as without it). */
int anpr_read_scope_begin(void);
void anpr_read_scope_end(void);

/* This thread's counts since it started: character tiles the reader
 * classified (tiles: anpr_char_tile of a box not read before in its crop)
 * and the network runs they took (classified: tiles less those a scope had
 * classified already). */
struct anpr_read_counts {
	unsigned long tiles, classified;
};

void anpr_read_counts(struct anpr_read_counts *c);

#endif /* ANPR_READ_H */
