/*
 * anpr/pipe.h - run frames through the vision pipeline on one of its
 * backends and get its records back.
 *
 * Backends (the transport; the only seam between protocol and bytes):
 *   model        the bit-exact C model (sim/model), in process
 *   sim          the Verilated RTL (sim/verilator), in process
 *   usb[:ARGS]   the FPGA board over libusb
 * Each takes an optional ":ARGS" suffix; for model and sim it names the
 * build preset ("up5k", the default, or "large" for model).
 */
#ifndef ANPR_PIPE_H
#define ANPR_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "anpr/records.h"

typedef struct anpr_pipe anpr_pipe;

/* The tallest frame the pipeline takes: its frame height register's range. */
#define ANPR_MAX_LINES 4095

/* One frame's result: its candidate records (best first) and trailer.
 * cands[i].pixels point into memory owned by the pipe, valid until the next
 * call on it.
 *
 * scale: 1, or the factor k by which the frame was binned (k x k pixels
 * averaged) to fit the build, when it was wider than the build's line or
 * taller than 4095 lines (a 1920x1080 frame on the up5k build, 1280 wide:
 * k = 2). The pipeline then saw the binned frame; every box of the result
 * (plate, crop, characters) is mapped back to the frame as given (times
 * k), frame.width and frame.height are the frame's own, and each crop's
 * pixels are cut from the frame as given, at its full resolution. */
struct anpr_frame_result {
	struct anpr_rec_frame frame;
	struct anpr_rec_cand cands[16];
	unsigned ncands;
	struct anpr_rec_end end;
	unsigned scale;
};


/* Open a backend by name ("model", "model:large", "sim", "usb:..."). On
 * failure returns an anpr_error, leaves *out untouched, and writes a reason
 * into err (errlen bytes). */
int anpr_pipe_open(anpr_pipe **out, const char *backend, char *err, size_t errlen);

/* The detection region of the frames that follow (the registers cfg_roi_*,
 * docs/registers.md): only edges inside [x, x + w) x [y, y + h) of a frame
 * as given can make candidates, to the pipeline's 8 x 4 pixel blocks (a
 * block counts when its top-left pixel is inside; a binned frame's region is
 * binned with it, outwards). Fixed structure in a fixed camera's view
 * (gates, signs, a road's edge) then takes no candidate slot. w or h 0: the
 * whole frame, the default. Returns ANPR_OK, or ANPR_ERR_ARG (the region
 * unchanged) if it reaches beyond ANPR_IMAGE_MAX_SIDE. A frame the region
 * starts outside of (X >= its width or Y >= its height) is refused by
 * anpr_pipe_run (ANPR_ERR_ARG): a region meant for another camera. */
int anpr_pipe_set_region(anpr_pipe *p, unsigned x, unsigned y, unsigned w, unsigned h);

/* A configuration register (docs/registers.md section 1) by its name, "cfg_"
 * left off: "edge_thr", "min_score", "max_cands", ... */
struct anpr_pipe_reg {
	const char *name;
	unsigned value;
};

/* Set registers for the frames that follow, in place of their defaults
 * (e.g. min_score lower for a site of small plates). All n at once: the
 * result is checked as a whole against the build (anpr_model_cfg_check on
 * a frame of the build's width), so that min_w and max_w, say, may move
 * together. width and height are each frame's, the region is
 * anpr_pipe_set_region's: they cannot be set here. Returns ANPR_OK, or
 * ANPR_ERR_ARG with nothing changed and anpr_pipe_errmsg naming the
 * register (unknown, wider than its bits, or out of range). Calls add up: a
 * register keeps its value until set again (its default is in
 * docs/registers.md). */
int anpr_pipe_set_registers(anpr_pipe *p, const struct anpr_pipe_reg *regs, int n);

/* Run one width x height frame (row-major 8-bit pixels) and wait for its
 * records. A frame larger than the build is binned first (anpr_image_bin,
 * res->scale); one larger than ANPR_IMAGE_MAX_SIDE a side, or that binned
 * to fit would be under 16 x 8, is refused (ANPR_ERR_ARG). The pipeline is
 * configured with the register defaults for the frame size it is sent, the
 * registers of anpr_pipe_set_registers and the region of
 * anpr_pipe_set_region. A
 * candidate whose crop is not inside that frame is a protocol error.
 * Returns ANPR_OK and fills *res; ANPR_ERR_FRAME if the pipeline
 * dropped the frame (res->end says why); another anpr_error on failure, with
 * a reason readable from anpr_pipe_errmsg. */
int anpr_pipe_run(anpr_pipe *p, const uint8_t *pixels, unsigned width, unsigned height,
		  struct anpr_frame_result *res);

/* The last anpr_pipe_run's res->scale (1 before any, when it failed or did not bin);
 * for callers that do not see the result (anpr_read_frame). */
unsigned anpr_pipe_scale(const anpr_pipe *p);

/* The detail of the last failure on this pipe (never NULL). */
const char *anpr_pipe_errmsg(const anpr_pipe *p);

/* Cycles or pixels spent by the backend so far (sim: clock cycles). */
uint64_t anpr_pipe_cycles(const anpr_pipe *p);

void anpr_pipe_close(anpr_pipe *p);

#endif /* ANPR_PIPE_H */
