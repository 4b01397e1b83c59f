// modsim.cpp - the pipeline's stream modules one at a time against the C
// model's stage trace (anpr_model_set_trace), transaction for transaction.
//
//   modsim [--quick] [--data DIR] [--seed N]
//
// Three units, each Verilated alone with its neighbours replaced by this
// bench (docs/architecture.md section 6):
//   front   anpr_framer, anpr_sobel, anpr_blocks, anpr_evq (rtl/anpr_front.v):
//           pixels in (AXI4-Stream video), events out (m_ev_*); also built at
//           two pixels a clock (front2, PPC = 2), which takes the stream as
//           beats (scene_pair_up) where the frame is a multiple of 4 wide
//   linker  anpr_linker: events in (s_ev_*), closed components (close_*) and
//           frame control (ctl_*) out
//   back    anpr_store and anpr_emit (rtl/anpr_back.v; they share
//           the slot memory): closes and frame control in, the row ring's
//           read port served from the model's ring, records out (m_axis_rec_*)
// Every input a unit has gets random idle cycles (a source, once valid, holds
// its word until taken, as AXI requires) and every output random
// backpressure; the ring's grant and the framer's hold are random too. Each
// output's transactions must equal the model's, in order, and a stalled
// output must hold its word. Exit status 0 when every case matches.
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "anpr/image.h"
#include "anpr_model.h"
#include "datadir.h"
#include "scenes.h"
}

#include "Vanpr_back.h"
#include "Vanpr_front.h"
#include "Vanpr_front2.h"
#include "Vanpr_linker.h"
#include "verilated.h"

namespace {

struct anpr_model_params g_par;
unsigned g_bxw; // block column bits: $clog2(MAX_W) - 3
int g_failures;

// ---- the model's stage trace ----

// One transaction out of the linker: a close or a frame control word.
struct LinkOut {
	bool ctl;
	unsigned idx;  // into Trace::cl or Trace::ev
	unsigned tfull; // ctl: the frame lost runs
};

struct Trace {
	std::vector<anpr_model_event> ev;
	std::vector<anpr_model_close> cl;
	std::vector<unsigned> cl_snap; // the ring as it was at each close
	std::vector<std::vector<uint8_t>> snaps;
	std::vector<LinkOut> lk;
	int fend = -1;     // a FEND's control goes after its closes
	int snap_ev = -1;  // the event whose closes share the last snapshot
	unsigned tfull = 0;
	unsigned lost = 0; // runs lost, all block rows
	size_t ring_bytes = 0;

	void flush()
	{
		if (fend >= 0)
			lk.push_back({true, (unsigned)fend, tfull});
		fend = -1;
	}
};

void on_event(void *ctx, const struct anpr_model_event *e)
{
	Trace *t = static_cast<Trace *>(ctx);
	unsigned i = (unsigned)t->ev.size();

	t->flush();
	t->ev.push_back(*e);
	switch (e->type) {
	case ANPR_EV_START:
		t->tfull = 0;
		t->lk.push_back({true, i, 0});
		break;
	case ANPR_EV_ROWEND:
		t->tfull |= e->lost != 0;
		t->lost += e->lost;
		break;
	case ANPR_EV_FEND:
		t->fend = (int)i;
		break;
	case ANPR_EV_ABORT:
		t->lk.push_back({true, i, t->tfull});
		break;
	default:
		break;
	}
}

void on_close(void *ctx, const struct anpr_model_close *c, const uint8_t *ring)
{
	Trace *t = static_cast<Trace *>(ctx);

	if (t->snap_ev != (int)t->ev.size() - 1) {
		t->snaps.emplace_back(ring, ring + t->ring_bytes);
		t->snap_ev = (int)t->ev.size() - 1;
	}
	t->cl_snap.push_back((unsigned)t->snaps.size() - 1);
	t->lk.push_back({false, (unsigned)t->cl.size(), 0});
	t->cl.push_back(*c);
}

// anpr_evq's event word: {type[2:0], payload[47:0]}
uint64_t ev_word(const anpr_model_event &e)
{
	uint64_t pl = 0;

	switch (e.type) {
	case ANPR_EV_START:
		pl = (uint64_t)(e.overrun != 0) << 32 | e.time;
		break;
	case ANPR_EV_RUN:
		pl = (uint64_t)e.by << (2 * g_bxw + 16) | (uint64_t)e.sum << (2 * g_bxw) |
		     (uint64_t)e.x1 << g_bxw | e.x0;
		break;
	case ANPR_EV_ROWEND:
	case ANPR_EV_FEND:
		pl = e.y;
		break;
	default:
		pl = (uint64_t)e.flags << 12 | e.y;
		break;
	}
	return (uint64_t)e.type << 48 | pl;
}

// ---- a case: the stream, the model's answers ----

struct Case {
	std::string name;
	anpr_model_cfg cfg;
	const scene_stream *s;
	Trace tr;
	std::vector<uint8_t> out, last; // the model's record bytes
	anpr_model_status st;
	unsigned idle_pct, stall_pct;
	uint32_t seed;
};

void model_run(Case &c)
{
	anpr_model *m = anpr_model_new(&g_par);
	const uint8_t *b, *l;
	size_t n;
	anpr_model_trace t = {on_event, on_close, &c.tr};

	if (!m || anpr_model_configure(m, &c.cfg)) {
		fprintf(stderr, "%s: model setup failed\n", c.name.c_str());
		exit(2);
	}
	c.tr.ring_bytes = (size_t)g_par.ring_lines * g_par.max_width;
	anpr_model_set_trace(m, &t);
	for (size_t k = 0; k < c.s->n; k++)
		anpr_model_push(m, c.s->v[k].px, c.s->v[k].sof, c.s->v[k].eol);
	c.tr.flush();
	n = anpr_model_pending(m, &b, &l);
	c.out.assign(b, b + n);
	c.last.assign(l, l + n);
	anpr_model_get_status(m, &c.st);
	anpr_model_free(m);
}

// A source with random idle cycles that keeps an offered word until taken.
struct Source {
	size_t next = 0;
	bool offered = false;
	void offer(size_t n, unsigned idle_pct, uint32_t *r)
	{
		if (!offered && next < n && scene_rand(r) % 100 >= idle_pct)
			offered = true;
	}
	void took() { offered = false; next++; }
};

bool chance(uint32_t *r, unsigned pct) { return scene_rand(r) % 100 < pct; }

template <class T> void cycle_low(VerilatedContext &ctx, T *top)
{
	top->clk = 0;
	ctx.timeInc(5);
	top->eval();
}

template <class T> void cycle_high(VerilatedContext &ctx, T *top)
{
	top->clk = 1;
	ctx.timeInc(5);
	top->eval();
}

template <class T> void reset(VerilatedContext &ctx, T *top)
{
	top->rst = 1;
	for (int i = 0; i < 4; i++) {
		cycle_low(ctx, top);
		cycle_high(ctx, top);
	}
	top->rst = 0;
}

int fail(const Case &c, const char *unit, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int fail(const Case &c, const char *unit, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", c.name.c_str(), unit);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

// Cycles allowed: enough for every word with stalls, so that a hang fails.
uint64_t budget(const Case &c) { return 60 * (uint64_t)c.s->n + 400 * (uint64_t)c.out.size() + 2000000; }

// ---- front: pixels in, events out; T is Vanpr_front (a pixel a beat) or
// Vanpr_front2 (two) ----
template <class T> int run_front(Case &c, uint64_t *cycles, unsigned ppc)
{
	VerilatedContext ctx;
	T top(&ctx);
	const char *unit = ppc == 2 ? "front2" : "front";
	const std::vector<anpr_model_event> &ev = c.tr.ev;
	const scene_stream *s = c.s;
	uint32_t r = c.seed * 2654435761u + 1;
	Source in;
	size_t k = 0;
	uint64_t cyc = 0, lim = budget(c), prev = 0;
	bool held = false;
	unsigned quiet = 0;

	top.cfg_width = c.cfg.width;
	top.cfg_height = c.cfg.height;
	top.cfg_edge_thr = c.cfg.edge_thr;
	top.cfg_edge_k = c.cfg.edge_k;
	top.cfg_edge_bias = c.cfg.edge_bias;
	top.cfg_block_thr = c.cfg.block_thr;
	top.cfg_run_gap = c.cfg.run_gap;
	top.cfg_min_run = c.cfg.min_run;
	top.cfg_roi_x0 = c.cfg.roi_x0;
	top.cfg_roi_y0 = c.cfg.roi_y0;
	top.cfg_roi_x1 = c.cfg.roi_x1;
	top.cfg_roi_y1 = c.cfg.roi_y1;
	top.s_axis_video_tvalid = 0;
	top.m_ev_ready = 0;
	reset(ctx, &top);
	for (; cyc < lim; cyc++) {
		in.offer(s->n / ppc, c.idle_pct, &r);
		top.s_axis_video_tvalid = in.offered;
		if (in.offered) {
			const scene_beat b = scene_beat_at(s, in.next, ppc);

			top.s_axis_video_tdata = b.data;
			top.s_axis_video_tuser = b.sof;
			top.s_axis_video_tlast = b.eol;
		}
		top.m_ev_ready = !chance(&r, c.stall_pct);
		top.hold_in = chance(&r, 5);
		top.be_idle_in = !chance(&r, 30);
		cycle_low(ctx, &top);
		if (held && (!top.m_ev_valid || top.m_ev != prev))
			return fail(c, unit, "event %zu changed while stalled", k);
		held = top.m_ev_valid && !top.m_ev_ready;
		prev = top.m_ev;
		if (top.s_axis_video_tvalid && top.s_axis_video_tready)
			in.took();
		if (top.m_ev_valid && top.m_ev_ready) {
			// START's payload holds the time: cycles here, pixels in the model
			const uint64_t mask = (top.m_ev >> 48) == ANPR_EV_START ? ~0xffffffffull : ~0ull;

			if (k == ev.size())
				return fail(c, unit, "event %zu: rtl %013llx, the model has %zu", k,
					    (unsigned long long)top.m_ev, ev.size());
			if ((top.m_ev & mask) != (ev_word(ev[k]) & mask))
				return fail(c, unit, "event %zu: rtl %013llx model %013llx", k,
					    (unsigned long long)top.m_ev, (unsigned long long)ev_word(ev[k]));
			k++;
			quiet = 0;
		}
		cycle_high(ctx, &top);
		quiet = top.busy ? 0 : quiet + 1;
		if (in.next == s->n / ppc && quiet > 64)
			break;
	}
	*cycles += cyc;
	if (cyc >= lim || k != ev.size())
		return fail(c, unit, "%zu of %zu beats taken, %zu of %zu events out after %llu cycles",
			    in.next, s->n / ppc, k, ev.size(), (unsigned long long)cyc);
	if (top.sts_frames != c.st.frames || top.sts_frames_ok != c.st.frames_ok ||
	    top.sts_frames_bad != c.st.frames_bad || top.sts_discarded != c.st.discarded)
		return fail(c, unit, "status: frames %u/%u ok %u/%u bad %u/%u discarded %u/%u (rtl/model)",
			    top.sts_frames, c.st.frames, top.sts_frames_ok, c.st.frames_ok, top.sts_frames_bad,
			    c.st.frames_bad, top.sts_discarded, c.st.discarded);
	return 0;
}

// ---- linker: events in, closes and frame control out ----
struct CloseWord {
	unsigned x0, x1, y0, y1, sum, ylast;
	bool operator!=(const CloseWord &o) const { return memcmp(this, &o, sizeof(o)) != 0; }
};

int run_linker(Case &c, uint64_t *cycles)
{
	VerilatedContext ctx;
	Vanpr_linker top(&ctx);
	const Trace &tr = c.tr;
	uint32_t r = c.seed * 2246822519u + 7;
	Source in;
	size_t k = 0;
	uint64_t cyc = 0, lim = budget(c), lost = 0;
	bool close_held = false, ctl_held = false;
	CloseWord cprev = {0, 0, 0, 0, 0, 0};
	uint64_t ctlprev = 0;
	unsigned quiet = 0;

	top.cfg_link_tol = c.cfg.link_tol;
	top.s_ev_valid = 0;
	top.close_ready = 0;
	top.ctl_ready = 0;
	reset(ctx, &top);
	for (; cyc < lim; cyc++) {
		in.offer(tr.ev.size(), c.idle_pct, &r);
		top.s_ev_valid = in.offered;
		if (in.offered)
			top.s_ev = ev_word(tr.ev[in.next]);
		top.close_ready = !chance(&r, c.stall_pct);
		top.ctl_ready = !chance(&r, c.stall_pct);
		top.store_idle = !chance(&r, 30);
		cycle_low(ctx, &top);
		const CloseWord cw = {top.close_x0, top.close_x1, top.close_y0, top.close_y1, top.close_sum,
				      top.close_ylast};
		const uint64_t ctlw = (uint64_t)top.ctl_tfull << 51 | (uint64_t)top.ctl_type << 48 | top.ctl_payload;

		if (close_held && (!top.close_valid || cw != cprev))
			return fail(c, "linker", "close changed while stalled (output %zu)", k);
		if (ctl_held && (!top.ctl_valid || ctlw != ctlprev))
			return fail(c, "linker", "frame control changed while stalled (output %zu)", k);
		close_held = top.close_valid && !top.close_ready;
		ctl_held = top.ctl_valid && !top.ctl_ready;
		cprev = cw;
		ctlprev = ctlw;
		if (top.s_ev_ready && !top.s_ev_valid)
			return fail(c, "linker", "took an event that was not offered (event %zu)", in.next);
		if (top.close_valid && top.close_ready && top.ctl_valid && top.ctl_ready)
			return fail(c, "linker", "a close and frame control in one cycle (output %zu)", k);
		if ((top.close_valid && top.close_ready) || (top.ctl_valid && top.ctl_ready)) {
			const bool is_ctl = top.ctl_valid && top.ctl_ready;

			if (k == tr.lk.size())
				return fail(c, "linker", "output %zu (%s): the model has %zu", k,
					    is_ctl ? "frame control" : "close", tr.lk.size());
			const LinkOut &e = tr.lk[k];
			if (e.ctl != is_ctl)
				return fail(c, "linker", "output %zu: rtl %s, model %s", k, is_ctl ? "frame control" : "close",
					    e.ctl ? "frame control" : "close");
			if (is_ctl) {
				const uint64_t want = (uint64_t)e.tfull << 51 | ev_word(tr.ev[e.idx]);

				if (ctlw != want)
					return fail(c, "linker", "output %zu frame control: rtl %014llx model %014llx", k,
						    (unsigned long long)ctlw, (unsigned long long)want);
			} else {
				const anpr_model_close &m = tr.cl[e.idx];
				const CloseWord want = {m.x0, m.x1, m.y0, m.y1, m.sum, m.y_last};

				if (cw != want)
					return fail(c, "linker",
						    "output %zu close: rtl x %u..%u y %u..%u sum %u ylast %u, model x %u..%u "
						    "y %u..%u sum %u ylast %u",
						    k, cw.x0, cw.x1, cw.y0, cw.y1, cw.sum, cw.ylast, want.x0, want.x1, want.y0,
						    want.y1, want.sum, want.ylast);
			}
			k++;
		}
		if (top.s_ev_valid && top.s_ev_ready)
			in.took();
		cycle_high(ctx, &top);
		if (top.tfull)
			lost += top.runs_lost;
		quiet = top.idle ? quiet + 1 : 0;
		if (in.next == tr.ev.size() && quiet > 16)
			break;
	}
	*cycles += cyc;
	if (cyc >= lim || k != tr.lk.size())
		return fail(c, "linker", "%zu of %zu events taken, %zu of %zu outputs after %llu cycles", in.next,
			    tr.ev.size(), k, tr.lk.size(), (unsigned long long)cyc);
	if (lost != tr.lost)
		return fail(c, "linker", "runs lost: rtl %llu model %u", (unsigned long long)lost, tr.lost);
	return 0;
}

// ---- back: closes and frame control in, records out ----
int run_back(Case &c, uint64_t *cycles)
{
	VerilatedContext ctx;
	Vanpr_back top(&ctx);
	const Trace &tr = c.tr;
	uint32_t r = c.seed * 3266489917u + 3;
	Source in;
	size_t got = 0;
	uint64_t cyc = 0, lim = budget(c);
	bool held = false, rvalid = false;
	unsigned prev = 0, quiet = 0, snap = 0;
	uint8_t rdata = 0;

	top.frame_width = c.cfg.width;
	top.frame_height = c.cfg.height;
	top.cfg_edge_thr = c.cfg.edge_thr;
	top.cfg_min_w = c.cfg.min_w;
	top.cfg_max_w = c.cfg.max_w;
	top.cfg_min_h = c.cfg.min_h;
	top.cfg_max_h = c.cfg.max_h;
	top.cfg_min_aspect4 = c.cfg.min_aspect4;
	top.cfg_max_aspect = c.cfg.max_aspect;
	top.cfg_min_score = c.cfg.min_score;
	top.cfg_max_cands = c.cfg.max_cands;
	top.close_valid = 0;
	top.ctl_valid = 0;
	top.m_axis_rec_tready = 0;
	reset(ctx, &top);
	for (; cyc < lim; cyc++) {
		const LinkOut *e = in.next < tr.lk.size() ? &tr.lk[in.next] : nullptr;

		// the linker hands over frame control only with the store idle
		// and every close before it taken
		if (e && !(e->ctl && !top.store_idle))
			in.offer(tr.lk.size(), c.idle_pct, &r);
		top.close_valid = in.offered && !e->ctl;
		top.ctl_valid = in.offered && e->ctl;
		if (in.offered && e->ctl) {
			top.ctl_type = tr.ev[e->idx].type;
			top.ctl_payload = ev_word(tr.ev[e->idx]) & 0xffffffffffffull;
			top.ctl_tfull = e->tfull;
		} else if (in.offered) {
			const anpr_model_close &m = tr.cl[e->idx];

			top.close_x0 = m.x0;
			top.close_x1 = m.x1;
			top.close_y0 = m.y0;
			top.close_y1 = m.y1;
			top.close_sum = m.sum;
			top.close_ylast = m.y_last;
		}
		top.m_axis_rec_tready = !chance(&r, c.stall_pct);
		// the ring's read data: the byte of the read granted last cycle
		// only, anything otherwise
		top.ring_rdata = rvalid ? rdata : (uint8_t)scene_rand(&r);
		top.ring_gnt = 0;
		cycle_low(ctx, &top);
		top.ring_gnt = top.ring_re && !chance(&r, 25);
		top.eval();
		if (held && (!top.m_axis_rec_tvalid || (unsigned)(top.m_axis_rec_tdata | top.m_axis_rec_tlast << 8) != prev))
			return fail(c, "back", "record byte %zu changed while stalled", got);
		held = top.m_axis_rec_tvalid && !top.m_axis_rec_tready;
		prev = (unsigned)(top.m_axis_rec_tdata | top.m_axis_rec_tlast << 8);
		// a copy reads the ring as it was when its close was taken
		if (top.close_valid && top.close_ready)
			snap = tr.cl_snap[e->idx];
		rvalid = top.ring_gnt;
		if (rvalid) {
			if (tr.snaps.empty() || top.ring_raddr >= tr.ring_bytes)
				return fail(c, "back", "ring read at %u with no crop to copy", (unsigned)top.ring_raddr);
			rdata = tr.snaps[snap][top.ring_raddr];
		}
		if (top.m_axis_rec_tvalid && top.m_axis_rec_tready) {
			if (got == c.out.size())
				return fail(c, "back", "record byte %zu: the model has %zu", got, c.out.size());
			if (top.m_axis_rec_tdata != c.out[got] || top.m_axis_rec_tlast != c.last[got])
				return fail(c, "back", "record byte %zu: rtl %02x%s model %02x%s", got,
					    top.m_axis_rec_tdata, top.m_axis_rec_tlast ? "/last" : "", c.out[got],
					    c.last[got] ? "/last" : "");
			got++;
			quiet = 0;
		} else {
			quiet++;
		}
		if ((top.close_valid && top.close_ready) || (top.ctl_valid && top.ctl_ready))
			in.took();
		cycle_high(ctx, &top);
		if (in.next == tr.lk.size() && top.idle && quiet > 64)
			break;
	}
	*cycles += cyc;
	if (cyc >= lim || got != c.out.size())
		return fail(c, "back", "%zu of %zu inputs taken, %zu of %zu record bytes out after %llu cycles",
			    in.next, tr.lk.size(), got, c.out.size(), (unsigned long long)cyc);
	if (top.sts_candidates != c.st.candidates || top.sts_dropped != c.st.dropped)
		return fail(c, "back", "status: candidates %u/%u dropped %u/%u (rtl/model)", top.sts_candidates,
			    c.st.candidates, top.sts_dropped, c.st.dropped);
	return 0;
}

// Every unit on one stream. quiet: print failures only.
void run_case(const char *name, const anpr_model_cfg &cfg, const scene_stream *s, unsigned idle_pct,
	      unsigned stall_pct, uint32_t seed, bool quiet)
{
	Case c;
	uint64_t cf = 0, cl = 0, cb = 0, cf2 = 0;
	int rc;

	c.name = name;
	c.cfg = cfg;
	c.s = s;
	c.idle_pct = idle_pct;
	c.stall_pct = stall_pct;
	c.seed = seed;
	model_run(c);
	rc = run_front<Vanpr_front>(c, &cf, 1) | run_linker(c, &cl) | run_back(c, &cb);
	if (cfg.width % 4 == 0) {
		// the front end at two pixels a clock, on the stream as beats
		Case c2;
		scene_stream s2 = {nullptr, 0, 0};

		scene_pair_up(s, &s2);
		c2.name = c.name;
		c2.cfg = cfg;
		c2.s = &s2;
		c2.idle_pct = idle_pct;
		c2.stall_pct = stall_pct;
		c2.seed = seed;
		model_run(c2);
		rc |= run_front<Vanpr_front2>(c2, &cf2, 2);
		free(s2.v);
	}
	if (rc)
		g_failures++;
	if (rc || !quiet)
		printf("%-44s %s  %zu events, %zu closes, %zu bytes; cycles front %llu linker %llu back %llu "
		       "front2 %llu (idle %u%%, stall %u%%)\n",
		       name, rc ? "FAIL" : "ok  ", c.tr.ev.size(), c.tr.cl.size(), c.out.size(),
		       (unsigned long long)cf, (unsigned long long)cl, (unsigned long long)cb,
		       (unsigned long long)cf2, idle_pct, stall_pct);
	fflush(stdout);
}

void cfg_for(anpr_model_cfg *c, unsigned w, unsigned h)
{
	anpr_model_cfg_default(&g_par, c, w, h);
	c->min_w = 16;
	c->min_score = 20;
}

// Generated scenes, back to back, with damage, and overflowing tables.
void generated(bool quick, uint32_t seed)
{
	// 100: a multiple of 4 but not of 8, for front2 (its last beat follows a block's end)
	static const unsigned sizes[][2] = {{64, 48}, {97, 61}, {100, 40}, {160, 120}, {320, 200}, {641, 123},
					    {1280, 96}};
	const unsigned nsizes = quick ? 5 : sizeof(sizes) / sizeof(sizes[0]);
	char name[128];
	anpr_model_cfg cfg;

	for (unsigned k = 0; k < nsizes; k++) {
		const unsigned w = sizes[k][0], h = sizes[k][1];
		std::vector<uint8_t> px((size_t)w * h);
		scene_stream s = {nullptr, 0, 0};

		cfg_for(&cfg, w, h);
		for (unsigned f = 0; f < 3; f++) {
			scene_make(px.data(), w, h, 1 + (seed + f + k) % 6, seed * 31 + f * 7 + k);
			scene_frame(&s, px.data(), w, h, -1, -1, -1);
		}
		snprintf(name, sizeof(name), "scenes %ux%u x3", w, h);
		run_case(name, cfg, &s, 0, 0, seed + k, false);
		snprintf(name, sizeof(name), "scenes %ux%u x3 idle+stall", w, h);
		run_case(name, cfg, &s, 30, 50, seed + k + 100, false);
		free(s.v);
	}
	{
		// one frame's records leave while the next is stored; slow output
		// makes the store wait for free slots
		const unsigned w = 320, h = 160;
		std::vector<uint8_t> px((size_t)w * h);
		scene_stream s = {nullptr, 0, 0};

		cfg_for(&cfg, w, h);
		for (unsigned f = 0; f < 12; f++) {
			scene_make(px.data(), w, h, 4 + f % 5, seed * 7 + f);
			scene_frame(&s, px.data(), w, h, -1, -1, -1);
		}
		run_case("12 frames, stall 80%", cfg, &s, 10, 80, seed, false);
		free(s.v);
	}
	{
		// a detection region off the block grid (anpr_blocks' cfg_roi_*)
		const unsigned w = 320, h = 200;
		std::vector<uint8_t> px((size_t)w * h);
		scene_stream s = {nullptr, 0, 0};

		cfg_for(&cfg, w, h);
		cfg.roi_x0 = 45, cfg.roi_y0 = 13, cfg.roi_x1 = 270, cfg.roi_y1 = 170;
		for (unsigned f = 0; f < 3; f++) {
			scene_make(px.data(), w, h, 6, seed * 17 + f);
			scene_frame(&s, px.data(), w, h, -1, -1, -1);
		}
		run_case("region [45,270)x[13,170), idle+stall", cfg, &s, 30, 50, seed, false);
		free(s.v);
	}
	{
		// every stream error the framer recovers from
		const unsigned w = 128, h = 64;
		std::vector<uint8_t> px((size_t)w * h);
		scene_stream s = {nullptr, 0, 0};

		cfg_for(&cfg, w, h);
		for (int j = 0; j < 300; j++)
			scene_put(&s, (uint8_t)j, 0, j % 100 == 99);
		scene_make(px.data(), w, h, 3, seed);
		scene_frame(&s, px.data(), w, h, -1, -1, -1);
		scene_frame(&s, px.data(), w, h, -1, 20, -1);
		scene_frame(&s, px.data(), w, h, -1, -1, 33);
		scene_frame(&s, px.data(), w, h, 128 * 30 + 17, -1, -1);
		scene_frame(&s, px.data(), w, h, -1, -1, -1);
		for (unsigned j = 0; j < 5 * w; j++)
			scene_put(&s, (uint8_t)j, 0, j % w == w - 1);
		scene_make(px.data(), w, h, 2, seed + 50);
		scene_frame(&s, px.data(), w, h, -1, -1, -1);
		run_case("stream errors", cfg, &s, 20, 40, seed, false);
		free(s.v);
	}
	{
		// more runs than the tables hold (ANPR_END_F_TABLE_FULL)
		const unsigned w = 1280, h = 32;
		std::vector<uint8_t> px((size_t)w * h);
		scene_stream s = {nullptr, 0, 0};

		for (unsigned y = 0; y < h; y++)
			for (unsigned x = 0; x < w; x++)
				px[y * w + x] = ((x / 8) % 2 == 0 && (x / 2) % 2) ? 230 : 40;
		cfg_for(&cfg, w, h);
		cfg.min_run = 1;
		cfg.run_gap = 0;
		scene_frame(&s, px.data(), w, h, -1, -1, -1);
		scene_frame(&s, px.data(), w, h, -1, -1, -1);
		run_case("component tables overflow", cfg, &s, 10, 30, seed, false);
		free(s.v);
	}
}

// One development image as a frame (datadir_each_png); small images print
// failures only.
void real_image(void *, const char *path, const struct anpr_image *img, int n)
{
	anpr_model_cfg cfg;
	scene_stream s = {nullptr, 0, 0};

	anpr_model_cfg_default(&g_par, &cfg, img->width, img->height);
	scene_frame(&s, img->pixels, img->width, img->height, -1, -1, -1);
	run_case(path, cfg, &s, n % 3 ? 10 : 0, n % 2 ? 30 : 0, (uint32_t)n + 1, img->width * img->height <= 200000);
	free(s.v);
}

} // namespace

int main(int argc, char **argv)
{
	const char *data = nullptr;
	bool quick = false;
	uint32_t seed = 1;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--quick"))
			quick = true;
		else if (!strcmp(argv[a], "--data") && a + 1 < argc)
			data = argv[++a];
		else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = (uint32_t)strtoul(argv[++a], nullptr, 0);
		else {
			fprintf(stderr, "usage: modsim [--quick] [--data DIR] [--seed N]\n");
			return 2;
		}
	}
	g_par.max_width = MODSIM_MAX_W;
	g_par.ring_lines = MODSIM_RING_LINES;
	g_par.crop_max_w = MODSIM_CROP_MAX_W;
	g_par.crop_max_h = MODSIM_CROP_MAX_H;
	g_par.slot_bytes = MODSIM_SLOT_BYTES;
	g_par.store_slots = MODSIM_NSLOTS;
	for (g_bxw = 0; (1u << g_bxw) < g_par.max_width; g_bxw++)
		;
	g_bxw -= 3;
	generated(quick, seed);
	if (data)
		datadir_each_png(data, g_par.max_width, quick, real_image, nullptr, &g_failures);
	printf("modsim %s: %d failure(s)\n", g_failures ? "FAIL" : "PASS", g_failures);
	return g_failures ? 1 : 0;
}
