/*
 * anpr_model.h - bit-exact C model of the FPGA vision pipeline (rtl/).
 *
 * The model consumes the same pixel stream as rtl/anpr_pipeline.v (8-bit
 * pixels with start-of-frame and end-of-line marks) and produces the same
 * record byte stream, byte for byte and tlast for tlast, except the u32
 * cycle timestamp of the frame header, which depends on timing and which the
 * model fills with the number of pixels pushed so far (discarded ones too).
 *
 * It is untimed: it never stalls and has no notion of backpressure. The RTL
 * stalls its input when its row ring would otherwise overwrite pixels of a
 * crop still being read, so its output does not depend on timing either.
 *
 * The stages, in stream order (docs/architecture.md has the diagram):
 *   1. 3x3 Sobel horizontal gradient e = |Gx|/4; edge when e >= cfg.edge_thr
 *      and e >= cfg.edge_k/256 * (local mean + cfg.edge_bias)
 *   2. edge counts per ANPR_BLOCK_W x ANPR_BLOCK_H block
 *   3. per block row: runs of blocks with count >= cfg.block_thr (inside the
 *      region cfg.roi_*), gaps of up to cfg.run_gap cool blocks closed
 *   4. runs linked across block rows into components (ANPR_SLOTS slots)
 *   5. a component that stops growing is closed, filtered by size, aspect
 *      and score, and (up to cfg.max_cands per frame) its crop is read from
 *      the row ring and analysed: refined plate box, adaptive threshold,
 *      polarity, one or two text rows, character boxes.
 */
#ifndef ANPR_MODEL_H
#define ANPR_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "anpr/protocol.h" /* ANPR_CROP_MARGIN_* */

/* Fixed geometry, shared with the RTL parameters of the same names. */
#define ANPR_BLOCK_W 8 /* block width in pixels (power of two) */
#define ANPR_BLOCK_H 4 /* block height in gradient rows (power of two) */
#define ANPR_SLOTS 16  /* component table entries */
#define ANPR_CROP_MX ANPR_CROP_MARGIN_X /* crop margin left and right of a component, pixels (8) */
#define ANPR_CROP_MY ANPR_CROP_MARGIN_BELOW /* below (4; at most 5: the close comes 5 rows below the component) */
#define ANPR_CROP_MY_TOP ANPR_CROP_MARGIN_ABOVE /* above (4) */
#define ANPR_RING_SLACK 2 /* ring lines a stored crop keeps in hand */
#define ANPR_MAX_SLOTS 15 /* candidate store slots at most */

/* Build-time sizes: the RTL parameters MAX_W, RING_LINES, CROP_MAX_W,
 * CROP_MAX_H. They bound on-chip memory; see docs/architecture.md. */
struct anpr_model_params {
	unsigned max_width;  /* longest line the line buffers hold */
	unsigned ring_lines; /* rows of raw pixels kept for crops (>= 8) */
	unsigned crop_max_w; /* largest crop, pixels */
	unsigned crop_max_h;
	unsigned slot_bytes;  /* memory of one candidate store slot; larger crops are dropped */
	unsigned store_slots; /* candidate store slots: the most cfg.max_cands can be; the
			       * RTL takes a power of two up to 8 */
	unsigned ppc;         /* the RTL's pixels a clock (PPC), 1 or 2; 0 reads as 1. The
			       * records do not depend on it; at 2 the width must be a
			       * multiple of 4 */
};

/* Run-time configuration: the cfg_* registers (docs/registers.md). */
struct anpr_model_cfg {
	unsigned width, height; /* frame size, pixels */
	unsigned edge_thr;      /* gradient floor for an edge pixel, 1..255 */
	unsigned edge_k;        /* contrast: edge when |Gx|/4 >= k/256 * (mean + bias), 0..255 */
	unsigned edge_bias;     /* added to the local mean, 0..255 */
	unsigned block_thr;     /* edge pixels for a hot block, 1..32 */
	unsigned run_gap;       /* cool blocks bridged inside a run, 0..3 */
	unsigned min_run;       /* blocks in a run for it to count, 1..15 */
	unsigned link_tol;      /* run end shift, blocks, still linking rows, 0..7 */
	unsigned min_w, max_w;  /* component size accepted, pixels */
	unsigned min_h, max_h;
	unsigned min_aspect4; /* accept w*4 >= min_aspect4*h */
	unsigned max_aspect;  /* accept w <= max_aspect*h */
	unsigned min_score;   /* edge pixels in the component */
	unsigned max_cands;   /* candidate records per frame, 1..store_slots */
	/* Detection region: a block's edges count only if its first pixel
	 * (8 bx, 4 by) lies in [roi_x0, roi_x1) x [roi_y0, roi_y1); the rest of
	 * the frame yields no candidates (its pixels still reach the crops).
	 * 0..4095, x0 < x1, y0 < y1. */
	unsigned roi_x0, roi_y0, roi_x1, roi_y1;
};

/* Status: the sts_* registers; totals since reset. */
struct anpr_model_status {
	uint32_t frames;       /* frames started (SOF seen) */
	uint32_t frames_ok;    /* frames completed with all lines */
	uint32_t frames_bad;   /* frames dropped by a stream error */
	uint32_t discarded;    /* pixels received outside a frame and dropped */
	uint32_t candidates;   /* candidate records emitted */
	uint32_t dropped;      /* candidates that passed the filter but were not emitted */
	uint32_t runs_lost;    /* runs lost to a full component table */
};

typedef struct anpr_model anpr_model;

/* Fill *p with the sizes of a named build: "up5k" (the iCE40 UP5K board
 * build, frames up to 1280 wide), "large" (up to 2048 wide, more memory) or
 * "large2" (large at two pixels a clock).
 * Returns 0, or -1 for an unknown name (*p untouched). */
int anpr_model_params_preset(struct anpr_model_params *p, const char *name);

/* The "up5k" preset. */
void anpr_model_params_default(struct anpr_model_params *p);

/* Fill *cfg with the reset values of the registers of a build with sizes *p,
 * for a width x height frame. */
void anpr_model_cfg_default(const struct anpr_model_params *p, struct anpr_model_cfg *cfg,
			    unsigned width, unsigned height);

/* Check a configuration against build-time sizes. Returns 0, or -1 if a field
 * is out of range; then *field (if not NULL) names it. */
int anpr_model_cfg_check(const struct anpr_model_params *p, const struct anpr_model_cfg *cfg,
			 const char **field);

/* Create a model. Returns NULL on allocation failure or bad params. */
anpr_model *anpr_model_new(const struct anpr_model_params *p);
void anpr_model_free(anpr_model *m);

/* Load a configuration; takes effect at the next start of frame, as the
 * registers do. Returns 0, or -1 if anpr_model_cfg_check rejects it
 * (the previous configuration stays). */
int anpr_model_configure(anpr_model *m, const struct anpr_model_cfg *cfg);

/* Push one pixel. sof = tuser[0] (first pixel of a frame), eol = tlast. */
void anpr_model_push(anpr_model *m, uint8_t px, int sof, int eol);

/* Push a whole well-formed frame (width*height pixels, row-major); the same
 * as anpr_model_push for every pixel with SOF on the first and EOL on the
 * last of each line, only faster. */
void anpr_model_push_frame(anpr_model *m, const uint8_t *pixels);

/* Output bytes produced so far and not yet taken. *last (may be NULL) gets a
 * pointer to a parallel array: last[i] != 0 where byte i ends a record. */
size_t anpr_model_pending(const anpr_model *m, const uint8_t **bytes, const uint8_t **last);

/* Forget the first n pending bytes (after the caller consumed them). */
void anpr_model_consume(anpr_model *m, size_t n);

void anpr_model_get_status(const anpr_model *m, struct anpr_model_status *st);

/* Stage trace: the transactions between the RTL's stream modules, as the
 * model makes them, for testing one module at a time (tests/modsim). The
 * callbacks observe; they change nothing. */
enum anpr_model_ev_type { /* anpr_evq's event types */
	ANPR_EV_START = 0,
	ANPR_EV_RUN = 1,
	ANPR_EV_ROWEND = 2,
	ANPR_EV_FEND = 3,
	ANPR_EV_ABORT = 4,
};

/* An event from the front end to the linkers (anpr_evq -> anpr_linker), in
 * queue order. START, FEND and ABORT also go on to the store as frame
 * control (anpr_linker -> anpr_store). */
struct anpr_model_event {
	unsigned type;
	unsigned x0, x1, by, sum; /* RUN: block columns, block row, edge sum */
	unsigned y;               /* ROWEND: the last frame row received; FEND, ABORT: lines */
	unsigned lost;            /* ROWEND: runs this block row lost to full tables */
	unsigned flags;           /* ABORT: the ANPR_END_F_* error */
	unsigned overrun;         /* START: pixels were dropped between frames */
	uint32_t time;            /* START: pixels pushed so far (the RTL: its cycle counter) */
};

/* A closed component (anpr_linker -> anpr_store), before the filter. */
struct anpr_model_close {
	unsigned x0, x1, y0, y1; /* block columns and rows, inclusive */
	unsigned sum;            /* edge pixels, saturating at 0xffff */
	unsigned y_last;         /* the last frame row received */
};

struct anpr_model_trace {
	void (*event)(void *ctx, const struct anpr_model_event *ev);
	/* ring: the row ring then (row y at (y % ring_lines) * max_width) */
	void (*close)(void *ctx, const struct anpr_model_close *c, const uint8_t *ring);
	void *ctx;
};

/* Call t's callbacks from now on (t copied; NULL: stop). */
void anpr_model_set_trace(anpr_model *m, const struct anpr_model_trace *t);

#endif /* ANPR_MODEL_H */
