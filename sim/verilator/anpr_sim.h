/*
 * anpr_sim.h - C interface to the Verilated RTL pipeline (rtl/anpr_pipeline.v).
 *
 * One call is one clock cycle: the caller drives the input stream and the
 * output's tready, and learns what moved. This keeps the test drivers (random
 * idle cycles, random backpressure, malformed streams) in C, shared with the
 * C model. Built once per build preset (see the Makefile): the RTL sizes are
 * fixed at Verilation time and reported by anpr_sim_params.
 */
#ifndef ANPR_SIM_H
#define ANPR_SIM_H

#include <stdint.h>

#include "anpr_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct anpr_sim anpr_sim;

/* Inputs of one cycle. */
struct anpr_sim_in {
	int valid;    /* s_axis_video_tvalid */
	uint16_t data; /* tdata: a pixel; of a build at two pixels a clock
			* (anpr_sim_params: ppc 2), a beat: its first pixel in
			* bits 7:0, the second in 15:8 (sof: the first is a
			* frame's first, eol: the second ends its line) */
	int sof;      /* tuser[0] */
	int eol;      /* tlast */
	int ready;    /* m_axis_rec_tready */
};

/* The outputs during that cycle; a byte moved when tvalid && in->ready. */
struct anpr_sim_out {
	int taken;     /* the input pixel was accepted (tvalid && tready) */
	int tvalid;    /* m_axis_rec_tvalid */
	uint8_t tdata; /* m_axis_rec_tdata */
	int tlast;     /* m_axis_rec_tlast */
};

/* Create a simulator, reset it for 4 cycles. trace: NULL, or a path ending
 * in .fst to write a waveform (only the tracing build, make build/sim_trace;
 * GTKWave reads FST). Returns NULL on allocation failure, or if tracing was
 * asked of a build without it or for another format. */
anpr_sim *anpr_sim_new(const char *trace);
void anpr_sim_free(anpr_sim *s);

/* The build-time sizes of this simulator, as model parameters (ppc: its
 * pixels a clock). */
void anpr_sim_params(struct anpr_model_params *p);

/* Drive the cfg_* register inputs (sampled by the RTL at start of frame). */
void anpr_sim_configure(anpr_sim *s, const struct anpr_model_cfg *cfg);

/* One clock cycle. */
void anpr_sim_step(anpr_sim *s, const struct anpr_sim_in *in, struct anpr_sim_out *out);

/* Status registers and cycle count. */
void anpr_sim_status(anpr_sim *s, struct anpr_model_status *st, int *idle);
uint64_t anpr_sim_cycles(const anpr_sim *s);

#ifdef __cplusplus
}
#endif

#endif /* ANPR_SIM_H */
