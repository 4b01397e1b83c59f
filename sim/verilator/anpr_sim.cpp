// anpr_sim.cpp - the Verilated pipeline behind the C interface of anpr_sim.h.
#include "anpr_sim.h"

#include <cstring>
#include <new>

#include "Vanpr_pipeline.h"
#include "verilated.h"
#if VM_TRACE
/* the tracing build (make build/sim_trace) is Verilated with --trace-fst */
#include "verilated_fst_c.h"
#endif

#ifndef ANPR_SIM_PPC
#define ANPR_SIM_PPC 1 /* the Makefile passes the preset's PPC where it has one */
#endif

struct anpr_sim {
	VerilatedContext ctx;
	Vanpr_pipeline *top;
	uint64_t cycles;
#if VM_TRACE
	VerilatedFstC *fst;
#endif
};

/* The falling half of a cycle: clk low, the combinational outputs settled
 * for the inputs as they are now (nothing in the design acts on the
 * falling edge). */
static void fall(anpr_sim *s)
{
	s->top->clk = 0;
	s->ctx.timeInc(5);
	s->top->eval();
#if VM_TRACE
	if (s->fst)
		s->fst->dump(s->cycles * 10);
#endif
}

/* The rising edge that ends the cycle. */
static void rise(anpr_sim *s)
{
	s->top->clk = 1;
	s->ctx.timeInc(5);
	s->top->eval();
#if VM_TRACE
	if (s->fst)
		s->fst->dump(s->cycles * 10 + 5);
#endif
	s->cycles++;
}

static void tick(anpr_sim *s)
{
	fall(s);
	rise(s);
}

extern "C" anpr_sim *anpr_sim_new(const char *trace)
{
	anpr_sim *s = new (std::nothrow) anpr_sim;

	if (!s)
		return nullptr;
	s->cycles = 0;
#if VM_TRACE
	s->fst = nullptr;
	if (trace) {
		size_t n = strlen(trace);

		if (n < 5 || strcmp(trace + n - 4, ".fst")) {
			delete s; /* this build writes FST only */
			return nullptr;
		}
		s->ctx.traceEverOn(true);
	}
#else
	if (trace) {
		delete s;
		return nullptr;
	}
#endif
	s->top = new (std::nothrow) Vanpr_pipeline(&s->ctx);
	if (!s->top) {
		delete s;
		return nullptr;
	}
#if VM_TRACE
	if (trace) {
		s->fst = new VerilatedFstC;
		s->top->trace(s->fst, 99);
		s->fst->open(trace);
	}
#endif
	s->top->rst = 1;
	s->top->s_axis_video_tvalid = 0;
	s->top->m_axis_rec_tready = 0;
	for (int i = 0; i < 4; i++)
		tick(s);
	s->top->rst = 0;
	return s;
}

extern "C" void anpr_sim_free(anpr_sim *s)
{
	if (!s)
		return;
	s->top->final();
#if VM_TRACE
	if (s->fst) {
		s->fst->close();
		delete s->fst;
	}
#endif
	delete s->top;
	delete s;
}

extern "C" void anpr_sim_params(struct anpr_model_params *p)
{
	p->max_width = ANPR_SIM_MAX_W;
	p->ring_lines = ANPR_SIM_RING_LINES;
	p->crop_max_w = ANPR_SIM_CROP_MAX_W;
	p->crop_max_h = ANPR_SIM_CROP_MAX_H;
	p->slot_bytes = ANPR_SIM_SLOT_BYTES;
	p->store_slots = ANPR_SIM_NSLOTS;
	p->ppc = ANPR_SIM_PPC;
}

extern "C" void anpr_sim_configure(anpr_sim *s, const struct anpr_model_cfg *c)
{
	Vanpr_pipeline *t = s->top;

	t->cfg_width = c->width;
	t->cfg_height = c->height;
	t->cfg_edge_thr = c->edge_thr;
	t->cfg_edge_k = c->edge_k;
	t->cfg_edge_bias = c->edge_bias;
	t->cfg_block_thr = c->block_thr;
	t->cfg_run_gap = c->run_gap;
	t->cfg_min_run = c->min_run;
	t->cfg_link_tol = c->link_tol;
	t->cfg_min_w = c->min_w;
	t->cfg_max_w = c->max_w;
	t->cfg_min_h = c->min_h;
	t->cfg_max_h = c->max_h;
	t->cfg_min_aspect4 = c->min_aspect4;
	t->cfg_max_aspect = c->max_aspect;
	t->cfg_min_score = c->min_score;
	t->cfg_max_cands = c->max_cands;
	t->cfg_roi_x0 = c->roi_x0;
	t->cfg_roi_y0 = c->roi_y0;
	t->cfg_roi_x1 = c->roi_x1;
	t->cfg_roi_y1 = c->roi_y1;
}

extern "C" void anpr_sim_step(anpr_sim *s, const struct anpr_sim_in *in, struct anpr_sim_out *out)
{
	Vanpr_pipeline *t = s->top;

	t->s_axis_video_tvalid = in->valid;
	t->s_axis_video_tdata = in->data;
	t->s_axis_video_tuser = in->sof;
	t->s_axis_video_tlast = in->eol;
	t->m_axis_rec_tready = in->ready;
	fall(s); /* settles the combinational outputs for these inputs: two evaluations a cycle */
	out->taken = in->valid && t->s_axis_video_tready;
	out->tvalid = t->m_axis_rec_tvalid;
	out->tdata = t->m_axis_rec_tdata;
	out->tlast = t->m_axis_rec_tlast;
	rise(s);
}

extern "C" void anpr_sim_status(anpr_sim *s, struct anpr_model_status *st, int *idle)
{
	Vanpr_pipeline *t = s->top;

	st->frames = t->sts_frames;
	st->frames_ok = t->sts_frames_ok;
	st->frames_bad = t->sts_frames_bad;
	st->discarded = t->sts_discarded;
	st->candidates = t->sts_candidates;
	st->dropped = t->sts_dropped;
	st->runs_lost = t->sts_runs_lost;
	if (idle)
		*idle = t->sts_idle;
}

extern "C" uint64_t anpr_sim_cycles(const anpr_sim *s)
{
	return s->cycles;
}
