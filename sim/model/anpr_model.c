/*
 * anpr_model.c - bit-exact C model of the FPGA vision pipeline.
 *
 * Every computation here is integer and mirrors one RTL module; the comment
 * above each stage names it. Change both together: the co-simulation tests
 * (tests/cosim) compare them byte for byte.
 */
#include "anpr_model.h"

#include <stdlib.h>
#include <string.h>

#include "anpr/protocol.h"

_Static_assert(ANPR_BLOCK_W == 8, "process_line sums a block's edge flags as the 8 bytes of a uint64_t");
enum line_state {
	ST_IDLE,    /* between frames: waiting for SOF */
	ST_FRAME,   /* receiving lines of a frame */
	ST_DISCARD, /* frame dropped after an error: waiting for SOF */
};

struct comp {
	uint8_t valid, touched;
	uint16_t x0, x1;   /* block columns covered, inclusive */
	uint16_t lx0, lx1; /* extent of the last run linked */
	uint16_t y0, y1;   /* block rows, inclusive */
	uint16_t sum;            /* edge pixels, saturating */
};

/* One slot of the candidate store (anpr_store): a candidate that passed the
 * filter, with its crop copied out of the row ring. */
struct cand {
	uint16_t score;
	uint8_t seq;             /* arrival order in the frame: breaks ties */
	uint16_t cx, cy, cw, ch; /* crop region, frame pixels */
	uint8_t *px;             /* cw*ch pixels, in the slot memory */
};

struct anpr_model {
	struct anpr_model_params p;
	struct anpr_model_cfg cfg;     /* in force for the current frame */
	struct anpr_model_cfg cfg_new; /* loaded at the next SOF */
	struct anpr_model_status st;

	/* line assembler */
	enum line_state state;
	unsigned x, y;
	uint16_t frame_no;
	uint32_t pixels_in; /* stands in for the RTL cycle counter */
	uint8_t end_flags;  /* flags for the next trailer */
	uint16_t errors;    /* stream errors since the last trailer */

	/* row ring: row y lives at ring[(y % ring_lines) * max_width] */
	uint8_t *ring;

	/* block accumulation (anpr_blocks) */
	uint8_t *acc; /* edge count per block column */
	/* process_line's scratch: column sums a + 2b + c, and each pixel's edge
	 * flag (0 or 1), max_width + 8 each */
	uint16_t *vsum;
	uint8_t *edge;

	/* component table (anpr_linker) */
	struct comp comp[2][ANPR_SLOTS]; /* [0] merging linker, [1] stacking linker */
	uint16_t found;
	uint8_t emitted, dropped;
	unsigned row_lost; /* runs lost in the block row being linked */

	/* candidate store (anpr_store), ANPR_MAX_SLOTS slots of slot_bytes */
	struct cand cand[ANPR_MAX_SLOTS];
	unsigned ncand;
	uint8_t seq; /* arrivals stored so far in this frame */
	uint8_t *slots;

	/* crop analysis scratch (anpr_emit) */
	uint16_t *rowc, *colc, *col2;

	/* output */
	uint8_t *out, *out_last;
	size_t out_len, out_cap;

	struct anpr_model_trace trace; /* stage trace (tests), callbacks NULL when off */
};

int anpr_model_params_preset(struct anpr_model_params *p, const char *name)
{
	if (!strcmp(name, "up5k")) {
		/* iCE40 UP5K at 1280x720: ring 48 x 1280 = 60 KiB in two SPRAMs,
		 * store 8 x 8 KiB in the other two (docs/architecture.md). */
		p->max_width = 1280;
		p->ring_lines = 48;
		p->crop_max_w = 256;
		p->crop_max_h = 48;
		p->slot_bytes = 8192;
		p->store_slots = 8;
		p->ppc = 1;
	} else if (!strcmp(name, "large") || !strcmp(name, "large2")) {
		/* up to 2048 wide, for parts with more memory (1080p); large2
		 * takes two pixels a clock */
		p->max_width = 2048;
		p->ring_lines = 96;
		p->crop_max_w = 320;
		p->crop_max_h = 96;
		p->slot_bytes = 32768;
		p->store_slots = 8;
		p->ppc = name[5] ? 2 : 1;
	} else {
		return -1;
	}
	return 0;
}

void anpr_model_params_default(struct anpr_model_params *p)
{
	anpr_model_params_preset(p, "up5k");
}

void anpr_model_cfg_default(const struct anpr_model_params *p, struct anpr_model_cfg *cfg,
			    unsigned width, unsigned height)
{
	cfg->width = width;
	cfg->height = height;
	cfg->edge_thr = ANPR_CFG_DEF_EDGE_THR;
	cfg->edge_k = ANPR_CFG_DEF_EDGE_K;
	cfg->edge_bias = ANPR_CFG_DEF_EDGE_BIAS;
	cfg->block_thr = ANPR_CFG_DEF_BLOCK_THR;
	cfg->run_gap = ANPR_CFG_DEF_RUN_GAP;
	cfg->min_run = ANPR_CFG_DEF_MIN_RUN;
	cfg->link_tol = ANPR_CFG_DEF_LINK_TOL;
	cfg->min_w = ANPR_CFG_DEF_MIN_W;
	cfg->max_w = p->crop_max_w - 2 * ANPR_CROP_MX;
	cfg->min_h = ANPR_CFG_DEF_MIN_H;
	/* taller components are kept too, their crops cut to the rows still in
	 * the ring (close_comp): up to 36 rows (up5k) they are whole */
	cfg->max_h = p->crop_max_h - ANPR_BLOCK_H;
	cfg->min_aspect4 = ANPR_CFG_DEF_MIN_ASPECT4;
	cfg->max_aspect = ANPR_CFG_DEF_MAX_ASPECT;
	cfg->min_score = ANPR_CFG_DEF_MIN_SCORE;
	cfg->max_cands = ANPR_CFG_DEF_MAX_CANDS;
	cfg->roi_x0 = ANPR_CFG_DEF_ROI_X0;
	cfg->roi_y0 = ANPR_CFG_DEF_ROI_Y0;
	cfg->roi_x1 = ANPR_CFG_DEF_ROI_X1;
	cfg->roi_y1 = ANPR_CFG_DEF_ROI_Y1;
}

int anpr_model_cfg_check(const struct anpr_model_params *p, const struct anpr_model_cfg *c,
			 const char **field)
{
	const char *bad = NULL;

	if (c->width < 16 || c->width > p->max_width || (p->ppc == 2 && c->width % 4))
		bad = "width";
	else if (c->height < 8 || c->height > 4095)
		bad = "height";
	else if (c->edge_thr < 1 || c->edge_thr > 255)
		bad = "edge_thr";
	else if (c->edge_k > 255)
		bad = "edge_k";
	else if (c->edge_bias > 255)
		bad = "edge_bias";
	else if (c->block_thr < 1 || c->block_thr > ANPR_BLOCK_W * ANPR_BLOCK_H)
		bad = "block_thr";
	else if (c->run_gap > 3)
		bad = "run_gap";
	else if (c->min_run < 1 || c->min_run > 15)
		bad = "min_run";
	else if (c->link_tol > 7)
		bad = "link_tol";
	else if (c->min_w > c->max_w || c->max_w + 2 * ANPR_CROP_MX > p->crop_max_w)
		bad = "max_w";
	else if (c->min_h > c->max_h || c->max_h > p->crop_max_h)
		bad = "max_h";
	else if (c->min_aspect4 > 255 || c->max_aspect < 1 || c->max_aspect > 255)
		bad = "aspect";
	else if (c->min_score > 65535)
		bad = "min_score";
	else if (c->max_cands < 1 || c->max_cands > p->store_slots)
		bad = "max_cands";
	else if (c->roi_x0 >= c->roi_x1 || c->roi_x1 > 4095)
		bad = c->roi_x1 > 4095 ? "roi_x1" : "roi_x0";
	else if (c->roi_y0 >= c->roi_y1 || c->roi_y1 > 4095)
		bad = c->roi_y1 > 4095 ? "roi_y1" : "roi_y0";
	if (bad && field)
		*field = bad;
	return bad ? -1 : 0;
}

anpr_model *anpr_model_new(const struct anpr_model_params *p)
{
	anpr_model *m;

	/* a crop cut to the ring (close_comp) has up to ring_lines - ANPR_RING_SLACK rows */
	if (p->ring_lines < 8 || p->max_width < 16 || p->crop_max_h > p->ring_lines ||
	    p->slot_bytes < 32 * p->crop_max_h ||
	    p->crop_max_h + ANPR_RING_SLACK < p->ring_lines ||
	    p->store_slots < 1 || p->store_slots > ANPR_MAX_SLOTS || p->ppc > 2)
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->p = *p;
	m->ring = calloc((size_t)p->ring_lines, p->max_width);
	m->acc = calloc(p->max_width / ANPR_BLOCK_W + 1, 1);
	m->vsum = calloc((size_t)p->max_width + 8, sizeof(uint16_t));
	m->edge = calloc((size_t)p->max_width + ANPR_BLOCK_W, 1);
	m->slots = malloc((size_t)p->store_slots * p->slot_bytes);
	m->rowc = calloc(p->crop_max_h, sizeof(uint16_t));
	m->colc = calloc(p->crop_max_w, sizeof(uint16_t));
	m->col2 = calloc(p->crop_max_w, sizeof(uint16_t));
	if (!m->ring || !m->acc || !m->vsum || !m->edge || !m->slots || !m->rowc || !m->colc || !m->col2) {
		anpr_model_free(m);
		return NULL;
	}
	anpr_model_cfg_default(p, &m->cfg, 640, 480);
	m->cfg_new = m->cfg;
	return m;
}

void anpr_model_free(anpr_model *m)
{
	if (!m)
		return;
	free(m->ring);
	free(m->acc);
	free(m->vsum);
	free(m->edge);
	free(m->slots);
	free(m->rowc);
	free(m->colc);
	free(m->col2);
	free(m->out);
	free(m->out_last);
	free(m);
}

void anpr_model_set_trace(anpr_model *m, const struct anpr_model_trace *t)
{
	if (t)
		m->trace = *t;
	else
		memset(&m->trace, 0, sizeof(m->trace));
}

static void trace_event(anpr_model *m, const struct anpr_model_event *ev)
{
	if (m->trace.event)
		m->trace.event(m->trace.ctx, ev);
}

int anpr_model_configure(anpr_model *m, const struct anpr_model_cfg *cfg)
{
	if (anpr_model_cfg_check(&m->p, cfg, NULL))
		return -1;
	m->cfg_new = *cfg;
	return 0;
}

static unsigned absdiff(unsigned a, unsigned b)
{
	return a > b ? a - b : b - a;
}

/* ---- output (anpr_emit) ---------------------------------------- */

static void out_reserve(anpr_model *m, size_t n)
{
	size_t cap = m->out_cap ? m->out_cap : 4096;

	if (m->out_len + n <= m->out_cap)
		return;
	while (cap < m->out_len + n)
		cap *= 2;
	m->out = realloc(m->out, cap);
	m->out_last = realloc(m->out_last, cap);
	if (!m->out || !m->out_last)
		abort(); /* the model is a test and simulation tool */
	m->out_cap = cap;
}

static void out_u8(anpr_model *m, unsigned v)
{
	out_reserve(m, 1);
	m->out[m->out_len] = (uint8_t)v;
	m->out_last[m->out_len] = 0;
	m->out_len++;
}

static void out_u16(anpr_model *m, unsigned v)
{
	out_u8(m, v & 0xff);
	out_u8(m, (v >> 8) & 0xff);
}

static void out_u32(anpr_model *m, uint32_t v)
{
	out_u16(m, v & 0xffff);
	out_u16(m, v >> 16);
}

static void out_end_record(anpr_model *m)
{
	m->out_last[m->out_len - 1] = 1;
}

size_t anpr_model_pending(const anpr_model *m, const uint8_t **bytes, const uint8_t **last)
{
	*bytes = m->out;
	if (last)
		*last = m->out_last;
	return m->out_len;
}

void anpr_model_consume(anpr_model *m, size_t n)
{
	if (n >= m->out_len) {
		m->out_len = 0;
		return;
	}
	memmove(m->out, m->out + n, m->out_len - n);
	memmove(m->out_last, m->out_last + n, m->out_len - n);
	m->out_len -= n;
}

void anpr_model_get_status(const anpr_model *m, struct anpr_model_status *st)
{
	*st = m->st;
}

/* ---- crop analysis (anpr_emit) ---------------------------------------- */

/* The best cluster of entries v[i] >= thr in [0, n): qualifying entries
 * separated by at most maxgap others belong together; the cluster with the
 * largest sum of v wins (the first of equals). Leaves *lo, *hi alone if no
 * entry qualifies. One left-to-right scan, as anpr_emit does it. */
static void best_cluster(const uint16_t *v, unsigned n, unsigned thr, unsigned maxgap, unsigned *lo,
			 unsigned *hi)
{
	unsigned i, start = 0, last = 0, best = 0;
	uint32_t sum = 0;
	int open = 0;

	for (i = 0; i <= n; i++) {
		int q = i < n && v[i] >= thr;

		if (open && (i == n || (q && i - last > maxgap + 1) || (!q && i - last > maxgap))) {
			if (sum > best) {
				best = sum;
				*lo = start;
				*hi = last;
			}
			open = 0;
		}
		if (!q)
			continue;
		if (!open) {
			open = 1;
			start = i;
			sum = 0;
		}
		last = i;
		sum += v[i];
	}
}

struct seg {
	unsigned rows, nchars;
	uint16_t box[ANPR_MAX_CHARS][4]; /* crop coordinates */
};

/* Character boxes of one text band from its column projection: runs of
 * columns with at least cthr foreground pixels, each at least 2 wide and
 * with a column reaching a third of the band height (3 * peak >= bh). */
static void seg_band(struct seg *s, const uint16_t *col, unsigned x0, unsigned x1, unsigned y0,
		     unsigned y1)
{
	unsigned bh = y1 - y0 + 1;
	unsigned cthr = (bh >> 4) + 1;

	unsigned x, start = 0, peak = 0;
	int in = 0;

	for (x = x0; x <= x1 + 1; x++) {
		int fg = x <= x1 && col[x] >= cthr;

		if (fg) {
			if (!in) {
				start = x;
				peak = 0;
			}
			in = 1;
			if (col[x] > peak)
				peak = col[x];
		} else if (in) {
			in = 0;
			if (x - start >= 2 && 3 * peak >= bh && s->nchars < ANPR_MAX_CHARS) {
				uint16_t *b = s->box[s->nchars++];

				b[0] = (uint16_t)start;
				b[1] = (uint16_t)y0;
				b[2] = (uint16_t)(x - start);
				b[3] = (uint16_t)bh;
			}
		}
	}
}

/* Analyse a stored candidate's crop and emit its record as number index. */
static void emit_candidate(anpr_model *m, const struct cand *k, unsigned index)
{
	const uint8_t *p = k->px;
	const unsigned cx = k->cx, cy = k->cy, cw = k->cw, ch = k->ch;
	unsigned r, c, mn = 255, mx = 0, thr, flags = 0;
	uint32_t sum = 0, dark = 0, area;
	unsigned ry0 = 0, ry1 = ch - 1, rx0 = 0, rx1 = cw - 1, rmax = 0;
	unsigned tw, th, bx, by, bw, bh, ey;
	unsigned split = 0;
	struct seg seg = {0};

	/* Pass A: intensity statistics and the horizontal edge profile of the
	 * rows. */
	memset(m->rowc, 0, ch * sizeof(uint16_t));
	for (r = 0; r < ch; r++) {
		const uint8_t *row = p + r * cw;

		for (c = 0; c < cw; c++) {
			unsigned v = row[c];

			sum += v;
			mn = v < mn ? v : mn;
			mx = v > mx ? v : mx;
			if (c >= 1 && c + 1 < cw && absdiff(row[c + 1], row[c - 1]) >= m->cfg.edge_thr)
				m->rowc[r]++;
		}
	}
	for (r = 0; r < ch; r++)
		rmax = m->rowc[r] > rmax ? m->rowc[r] : rmax;
	/* Text rows: edge count at least a quarter of the busiest row, gaps
	 * of two rows bridged (the space between the rows of a two-row plate). */
	best_cluster(m->rowc, ch, (rmax >> 2) + 1, 2, &ry0, &ry1);
	/* Pass A2: the same edges per column, counted over the text rows only,
	 * so that edges above and below the text (bumper, lamps, the plate
	 * recess) do not widen the text box. */
	memset(m->colc, 0, cw * sizeof(uint16_t));
	for (r = ry0; r <= ry1; r++) {
		const uint8_t *row = p + r * cw;

		for (c = 1; c + 1 < cw; c++)
			if (absdiff(row[c + 1], row[c - 1]) >= m->cfg.edge_thr)
				m->colc[c]++;
	}
	/* Text columns: edges in more than a quarter of the text rows; gaps
	 * narrower than the text height bridged (spaces between characters). */
	best_cluster(m->colc, cw, ((ry1 - ry0 + 1) >> 2) + 1, ry1 - ry0 + 1, &rx0, &rx1);
	tw = rx1 - rx0 + 1;
	th = ry1 - ry0 + 1;
	area = cw * ch;
	thr = ((sum / area) + ((mn + mx) >> 1)) >> 1;

	/* Pass B: foreground (dark) count per text row, and polarity. */
	memset(m->rowc, 0, ch * sizeof(uint16_t));
	for (r = ry0; r <= ry1; r++)
		for (c = rx0; c <= rx1; c++)
			if (p[r * cw + c] < thr) {
				m->rowc[r]++;
				dark++;
			}
	if (2 * dark > tw * th) {
		flags |= ANPR_CAND_F_INVERTED;
		for (r = ry0; r <= ry1; r++)
			m->rowc[r] = (uint16_t)(tw - m->rowc[r]);
	}
	/* Two rows when a nearly empty row splits the middle half of the text. */
	if (th >= 16) {
		unsigned best = 0xffff;

		for (r = ry0 + (th >> 2); r <= ry1 - (th >> 2); r++)
			if (m->rowc[r] < best) {
				best = m->rowc[r];
				split = r;
			}
		if (best > (tw >> 4))
			split = 0;
	}
	if (split)
		flags |= ANPR_CAND_F_TWO_ROW;

	/* Pass C: column projections per band (and the pixels go out). */
	memset(m->colc, 0, cw * sizeof(uint16_t));
	memset(m->col2, 0, cw * sizeof(uint16_t));
	for (r = ry0; r <= ry1; r++) {
		uint16_t *col = (split && r > split) ? m->col2 : m->colc;

		if (r == split && split)
			continue;
		for (c = rx0; c <= rx1; c++) {
			int fg = p[r * cw + c] < thr;

			if (flags & ANPR_CAND_F_INVERTED)
				fg = !fg;
			col[c] += (uint16_t)fg;
		}
	}
	if (split) {
		seg.rows = 2;
		seg_band(&seg, m->colc, rx0, rx1, ry0, split - 1);
		seg_band(&seg, m->col2, rx0, rx1, split + 1, ry1);
	} else {
		seg.rows = 1;
		seg_band(&seg, m->colc, rx0, rx1, ry0, ry1);
	}

	/* The plate is the text box grown by 5/16 of its height above and
	 * below (plates have a border round the text), kept inside the crop.
	 * Measured on the development scenes: text spans the plate's width. */
	ey = (th * 5) >> 4;
	bx = rx0;
	bw = tw;
	by = ry0 >= ey ? ry0 - ey : 0;
	bh = (ry1 + ey < ch ? ry1 + ey : ch - 1) - by + 1;

	out_u8(m, ANPR_REC_CAND);
	out_u8(m, index);
	out_u16(m, m->frame_no);
	out_u16(m, k->score);
	out_u16(m, cx + bx);
	out_u16(m, cy + by);
	out_u16(m, bw);
	out_u16(m, bh);
	out_u16(m, cx);
	out_u16(m, cy);
	out_u16(m, cw);
	out_u16(m, ch);
	out_u8(m, thr);
	out_u8(m, flags);
	out_reserve(m, area);
	memcpy(m->out + m->out_len, p, area);
	memset(m->out_last + m->out_len, 0, area);
	m->out_len += area;
	out_u8(m, seg.rows);
	out_u8(m, seg.nchars);
	for (r = 0; r < seg.nchars; r++) {
		out_u16(m, cx + seg.box[r][0]);
		out_u16(m, cy + seg.box[r][1]);
		out_u16(m, seg.box[r][2]);
		out_u16(m, seg.box[r][3]);
	}
	out_end_record(m);
}

/* A candidate that passed the filter but will not be sent. The trailer's
 * byte saturates; the status counter does not. */
static void drop(anpr_model *m)
{
	if (m->dropped < 0xff)
		m->dropped++;
	m->st.dropped++;
}

/* ---- candidate store (anpr_store) ------------------------------------- */

/* Keep the candidate if the store has room or it beats the weakest stored
 * one. No rule depends on where a candidate is stored, only on scores and
 * arrival order (seq), so the RTL may put it in any free slot:
 *   - if it overlaps stored candidates by half the smaller crop, it is
 *     compared with the strongest of them (highest score, earliest of
 *     equals): it replaces it if better, else it is dropped;
 *   - else it is added while fewer than max_cands are stored;
 *   - else it replaces the weakest (lowest score, latest of equals) if
 *     better.
 * The crop fits a slot (close_comp). */
static void store_candidate(anpr_model *m, unsigned score, unsigned cx, unsigned cy, unsigned cw,
			    unsigned ch)
{
	const size_t slot_bytes = m->p.slot_bytes;
	int i, dup = -1, weak = -1, victim;
	unsigned r;
	struct cand *k;

	for (i = 0; i < (int)m->ncand; i++) {
		const struct cand *o = &m->cand[i];
		unsigned ix0 = cx > o->cx ? cx : o->cx, iy0 = cy > o->cy ? cy : o->cy;
		unsigned ix1 = cx + cw < o->cx + o->cw ? cx + cw : o->cx + o->cw;
		unsigned iy1 = cy + ch < o->cy + o->ch ? cy + ch : o->cy + o->ch;
		unsigned a = cw * ch, b = (unsigned)o->cw * o->ch;

		if (ix1 > ix0 && iy1 > iy0 && 2 * (ix1 - ix0) * (iy1 - iy0) >= (a < b ? a : b) &&
		    (dup < 0 || o->score > m->cand[dup].score ||
		     (o->score == m->cand[dup].score && o->seq < m->cand[dup].seq)))
			dup = i;
		if (weak < 0 || o->score < m->cand[weak].score ||
		    (o->score == m->cand[weak].score && o->seq > m->cand[weak].seq))
			weak = i;
	}
	if (dup >= 0) {
		drop(m);
		if (score <= m->cand[dup].score)
			return;
		victim = dup;
	} else if (m->ncand < m->cfg.max_cands) {
		victim = (int)m->ncand++;
	} else {
		drop(m);
		if (score <= m->cand[weak].score)
			return;
		victim = weak;
	}
	k = &m->cand[victim];
	k->score = (uint16_t)score;
	k->seq = m->seq++;
	k->cx = (uint16_t)cx;
	k->cy = (uint16_t)cy;
	k->cw = (uint16_t)cw;
	k->ch = (uint16_t)ch;
	k->px = m->slots + victim * slot_bytes;
	for (r = 0; r < ch; r++)
		memcpy(k->px + r * cw,
		       m->ring + (size_t)((cy + r) % m->p.ring_lines) * m->p.max_width + cx, cw);
}

/* Emit the stored candidates best first (of equals, the earliest stored). */
static void emit_store(anpr_model *m)
{
	uint8_t done[ANPR_MAX_SLOTS] = {0};
	unsigned n, i;

	for (n = 0; n < m->ncand; n++) {
		int best = -1;

		for (i = 0; i < m->ncand; i++)
			if (!done[i] && (best < 0 || m->cand[i].score > m->cand[best].score ||
					 (m->cand[i].score == m->cand[best].score &&
					  m->cand[i].seq < m->cand[best].seq)))
				best = (int)i;
		done[best] = 1;
		emit_candidate(m, &m->cand[best], n);
		m->emitted++;
	}
	m->st.candidates += m->ncand;
}

/* ---- component close and filter (anpr_linker -> anpr_store) ------------- */

/* y_last: the last frame row in the ring. */
static void close_comp(anpr_model *m, struct comp *k, unsigned y_last)
{
	const struct anpr_model_cfg *c = &m->cfg;
	unsigned x = k->x0 * ANPR_BLOCK_W, y = k->y0 * ANPR_BLOCK_H;
	unsigned w = (k->x1 - k->x0 + 1u) * ANPR_BLOCK_W, h = (k->y1 - k->y0 + 1u) * ANPR_BLOCK_H;
	unsigned cx, cy, cx1, cy1;

	if (m->trace.close) {
		struct anpr_model_close tc = {k->x0, k->x1, k->y0, k->y1, k->sum, y_last};

		m->trace.close(m->trace.ctx, &tc, m->ring);
	}
	k->valid = 0;
	if (m->found < 0xffff)
		m->found++;
	if (w < c->min_w || w > c->max_w || h < c->min_h || h > c->max_h ||
	    4 * w < c->min_aspect4 * h || w > c->max_aspect * h || k->sum < c->min_score)
		return;
	/* The margins are the protocol's (ANPR_CROP_MARGIN_*). Below, the close
	 * comes one block row after the component, so the crop cannot reach
	 * further down; a larger margin above was tried (docs/PERFORMANCE.md
	 * section R): taller crops cost input holds and reads. */
	cy = y >= ANPR_CROP_MY_TOP ? y - ANPR_CROP_MY_TOP : 0;
	cy1 = y + h - 1 + ANPR_CROP_MY;
	cy1 = cy1 < y_last ? cy1 : y_last;
	/* Rows must stay in the ring with two lines to spare while the RTL
	 * copies them (ANPR_RING_SLACK): a crop reaching higher is cut to start
	 * at the oldest such row (a component taller than 37 rows loses its
	 * top). Its bottom, near y_last, is always in the ring. */
	if (cy + m->p.ring_lines < y_last + ANPR_RING_SLACK + 1)
		cy = y_last + ANPR_RING_SLACK + 1 - m->p.ring_lines;
	/* A component merged with its surroundings can give a crop larger than
	 * a slot: its middle is kept, one block off each side of the component
	 * a step (the RTL's S_FIT, a step a cycle). A step is taken only while
	 * the crop is wider than 32 (slot_bytes >= 32 crop_max_h, checked in
	 * anpr_model_new), so the component is 3 blocks wide or more: it keeps
	 * one at least. */
	for (;;) {
		cx = x >= ANPR_CROP_MX ? x - ANPR_CROP_MX : 0;
		cx1 = x + w - 1 + ANPR_CROP_MX;
		cx1 = cx1 < c->width ? cx1 : c->width - 1;
		if ((cx1 - cx + 1) * (cy1 - cy + 1) <= m->p.slot_bytes)
			break;
		x += ANPR_BLOCK_W;
		w -= 2 * ANPR_BLOCK_W;
	}
	store_candidate(m, k->sum, cx, cy, cx1 - cx + 1, cy1 - cy + 1);
}

/* ---- run linking (anpr_linker) ---------------------------------------- */

/* A run continues the first component (slot order) not yet continued in
 * this block row whose last run has nearly the same extent: both ends within
 * cfg.link_tol blocks. Otherwise it starts a component in the lowest free
 * slot. Plates are stacks of runs of one width; clutter beside or around a
 * plate changes the width and so ends the plate's component instead of
 * swallowing it. */
/* A run joins every component whose block columns overlap it; they all merge
 * into the lowest such slot (anpr_linker, table 0). Otherwise it starts a
 * component in the lowest free slot. */
static void link_merge(anpr_model *m, struct comp *tab, unsigned x0, unsigned x1, unsigned by, unsigned sum)
{
	int s, match = -1, freeslot = -1;

	for (s = 0; s < ANPR_SLOTS; s++) {
		struct comp *k = &tab[s];

		if (!k->valid) {
			if (freeslot < 0)
				freeslot = s;
			continue;
		}
		if (k->x0 > x1 || k->x1 < x0)
			continue;
		if (match < 0) {
			match = s;
			k->x0 = x0 < k->x0 ? x0 : k->x0;
			k->x1 = x1 > k->x1 ? x1 : k->x1;
			k->y1 = by;
			sum += k->sum;
		} else {
			struct comp *t = &tab[match];

			t->x0 = k->x0 < t->x0 ? k->x0 : t->x0;
			t->x1 = k->x1 > t->x1 ? k->x1 : t->x1;
			t->y0 = k->y0 < t->y0 ? k->y0 : t->y0;
			sum += k->sum;
			k->valid = 0;
		}
		tab[match].sum = sum > 0xffff ? 0xffff : (uint16_t)sum;
		tab[match].touched = 1;
	}
	if (match >= 0)
		return;
	if (freeslot < 0) {
		m->row_lost++;
		return;
	}
	tab[freeslot] = (struct comp){1, 1, (uint16_t)x0, (uint16_t)x1, (uint16_t)x0, (uint16_t)x1,
					  (uint16_t)by, (uint16_t)by, (uint16_t)sum};
}

/* A run continues the first component (slot order) not yet continued in
 * this block row whose last run has nearly the same extent: both ends within
 * cfg.link_tol blocks. Otherwise it starts a component in the lowest free
 * slot. Plates are stacks of runs of one width; clutter beside or around a
 * plate changes the width and so ends the plate's component instead of
 * swallowing it. */

static void link_stack(anpr_model *m, struct comp *tab, unsigned x0, unsigned x1, unsigned by, unsigned sum)
{
	const unsigned tol = m->cfg.link_tol;
	int s, freeslot = -1;

	for (s = 0; s < ANPR_SLOTS; s++) {
		struct comp *k = &tab[s];

		if (!k->valid) {
			if (freeslot < 0)
				freeslot = s;
			continue;
		}
		if (k->touched || absdiff(k->lx0, x0) > tol || absdiff(k->lx1, x1) > tol)
			continue;
		k->x0 = x0 < k->x0 ? (uint16_t)x0 : k->x0;
		k->x1 = x1 > k->x1 ? (uint16_t)x1 : k->x1;
		k->lx0 = (uint16_t)x0;
		k->lx1 = (uint16_t)x1;
		k->y1 = (uint16_t)by;
		sum += k->sum;
		k->sum = sum > 0xffff ? 0xffff : (uint16_t)sum;
		k->touched = 1;
		return;
	}
	if (freeslot < 0) {
		m->row_lost++;
		return;
	}
	tab[freeslot] = (struct comp){1, 1, (uint16_t)x0, (uint16_t)x1, (uint16_t)x0, (uint16_t)x1,
					  (uint16_t)by, (uint16_t)by, (uint16_t)sum};
}

static void link_run(anpr_model *m, unsigned x0, unsigned x1, unsigned by, unsigned sum)
{
	const struct anpr_model_event ev = {.type = ANPR_EV_RUN, .x0 = x0, .x1 = x1, .by = by, .sum = sum};

	trace_event(m, &ev);
	link_merge(m, m->comp[0], x0, x1, by, sum);
	link_stack(m, m->comp[1], x0, x1, by, sum);
}

/* ---- block rows (anpr_blocks) ---------------------------- */

static void block_row(anpr_model *m, unsigned by, unsigned y_last)
{
	unsigned nbx = (m->cfg.width + ANPR_BLOCK_W - 1) / ANPR_BLOCK_W;
	unsigned bx, x0 = 0, last = 0, sum = 0;
	int open = 0, s;
	/* the detection region: blocks bx_lo .. bx_hi - 1 of block rows inside it */
	int row_in = by * ANPR_BLOCK_H >= m->cfg.roi_y0 && by * ANPR_BLOCK_H < m->cfg.roi_y1;
	unsigned bx_lo = (m->cfg.roi_x0 + ANPR_BLOCK_W - 1) / ANPR_BLOCK_W;
	unsigned bx_hi = row_in ? (m->cfg.roi_x1 + ANPR_BLOCK_W - 1) / ANPR_BLOCK_W : 0;

	for (bx = 0; bx < nbx; bx++) {
		unsigned v = m->acc[bx];

		m->acc[bx] = 0;
		if (v < m->cfg.block_thr || bx < bx_lo || bx >= bx_hi)
			continue;
		if (open && bx - last <= m->cfg.run_gap + 1) {
			last = bx;
			sum += v;
			continue;
		}
		if (open && last - x0 + 1 >= m->cfg.min_run)
			link_run(m, x0, last, by, sum);
		open = 1;
		x0 = last = bx;
		sum = v;
	}
	if (open && last - x0 + 1 >= m->cfg.min_run)
		link_run(m, x0, last, by, sum);
	{
		const struct anpr_model_event ev = {.type = ANPR_EV_ROWEND, .y = y_last, .lost = m->row_lost};

		trace_event(m, &ev);
	}
	/* Runs lost to a full table surface only here, at the end of a block
	 * row that completed: the RTL links runs while the row streams in, and a
	 * row cut off by a stream error must leave no trace. */
	if (m->row_lost) {
		m->end_flags |= ANPR_END_F_TABLE_FULL;
		m->st.runs_lost += m->row_lost;
		m->row_lost = 0;
	}
	for (s = 0; s < 2 * ANPR_SLOTS; s++) {
		struct comp *k = &m->comp[0][0] + s;

		if (k->valid && !k->touched)
			close_comp(m, k, y_last);
		k->touched = 0;
	}
}

/* ---- lines (anpr_sobel, anpr_blocks) --------------------------------- */

/* Row y (complete) is in the ring: compute the gradient of row y - 1.
 * Pixel x (1 .. W-2) is an edge when e = |l - r| / 4, with l and r the
 * column sums a + 2b + c at x - 1 and x + 1, passes the floor and the
 * contrast test; each block column counts its edges. Written as three
 * passes over the row (sums, flags, counts) that the compiler vectorises:
 * the C model's time is mostly this loop. */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("vect-cost-model=dynamic"))) /* -O2's "very cheap" model leaves these loops scalar */
#endif
static void process_line(anpr_model *m, unsigned y)
{
	const unsigned W = m->cfg.width, L = m->p.ring_lines, MW = m->p.max_width;
	const uint32_t thr = m->cfg.edge_thr, k = m->cfg.edge_k, bias8 = 8 * m->cfg.edge_bias;
	const uint8_t *restrict a, *restrict b, *restrict c;
	uint16_t *restrict v = m->vsum;
	uint8_t *restrict f = m->edge;
	unsigned g = y - 1, x;

	if (y < 2)
		return;
	a = m->ring + (size_t)((y - 2) % L) * MW;
	b = m->ring + (size_t)((y - 1) % L) * MW;
	c = m->ring + (size_t)(y % L) * MW;
	for (x = 0; x < W; x++)
		v[x] = (uint16_t)(a[x] + 2 * b[x] + c[x]);
	f[0] = 0;
	if (!k) {
		/* edge_k 0 (the default): the threshold alone, and (e >> 2) >= thr
		 * is e >= 4 thr; a loop the compiler vectorises */
		const int t4 = 4 * (int)thr;

		for (x = 1; x + 1 < W; x++) {
			int d = (int)v[x + 1] - (int)v[x - 1];

			f[x] = (uint8_t)((d < 0 ? -d : d) >= t4);
		}
	} else {
		for (x = 1; x + 1 < W; x++) {
			uint32_t l = v[x - 1], r = v[x + 1];
			uint32_t e = (l > r ? l - r : r - l) >> 2;

			f[x] = (uint8_t)((e >= thr) & (e * 2048 >= k * (l + r + bias8)));
		}
	}
	for (x = W - 1; x < (W + ANPR_BLOCK_W - 1) / ANPR_BLOCK_W * ANPR_BLOCK_W; x++)
		f[x] = 0; /* the last pixel, and the last block's tail */
	/* each block's 8 flags (0 or 1) summed by one multiply: the top byte of
	 * q * 0x0101010101010101 is the sum of q's bytes, which no lower byte's
	 * partial sum (8 at most) carries into */
	for (x = 0; x < W; x += ANPR_BLOCK_W) {
		uint64_t q;

		memcpy(&q, f + x, sizeof(q));
		m->acc[x / ANPR_BLOCK_W] = (uint8_t)(m->acc[x / ANPR_BLOCK_W] + ((q * 0x0101010101010101ull) >> 56));
	}
	if (g % ANPR_BLOCK_H == ANPR_BLOCK_H - 1 || g == m->cfg.height - 2)
		block_row(m, g / ANPR_BLOCK_H, y);
}

/* ---- frame control (anpr_framer) --------------------------------------- */

static void emit_trailer(anpr_model *m)
{
	out_u8(m, ANPR_REC_END);
	out_u8(m, m->end_flags);
	out_u16(m, m->frame_no);
	out_u16(m, m->found);
	out_u8(m, m->emitted);
	out_u8(m, m->dropped);
	out_u16(m, m->y);
	out_u16(m, m->errors);
	out_end_record(m);
	m->end_flags = 0;
	m->errors = 0;
}

/* End the current frame: complete (close every component) or dropped. */
static void end_frame(anpr_model *m, unsigned err_flag)
{
	int s;
	const struct anpr_model_event ev = {.type = err_flag ? ANPR_EV_ABORT : ANPR_EV_FEND, .y = m->y,
					    .flags = err_flag};

	trace_event(m, &ev);
	if (!err_flag) {
		for (s = 0; s < 2 * ANPR_SLOTS; s++)
			if ((&m->comp[0][0] + s)->valid)
				close_comp(m, &m->comp[0][0] + s, m->cfg.height - 1);
		emit_store(m);
		m->st.frames_ok++;
		m->state = ST_IDLE;
	} else {
		/* a dropped frame's candidates are not sent */
		for (s = 0; s < (int)m->ncand; s++)
			drop(m);
		m->end_flags |= (uint8_t)err_flag;
		if (m->errors < 0xffff)
			m->errors++;
		m->st.frames_bad++;
		m->state = ST_DISCARD;
	}
	emit_trailer(m);
}

static void start_frame(anpr_model *m)
{
	/* the RTL's START says whether pixels were dropped since the last
	 * frame ended (the flag of a frame still open is that frame's) */
	const struct anpr_model_event ev = {
		.type = ANPR_EV_START,
		.overrun = m->state != ST_FRAME && (m->end_flags & ANPR_END_F_OVERRUN),
		.time = m->pixels_in,
	};

	if (m->state == ST_FRAME)
		end_frame(m, ANPR_END_F_SOF_EARLY);
	trace_event(m, &ev);
	m->cfg = m->cfg_new;
	m->frame_no++;
	m->st.frames++;
	m->state = ST_FRAME;
	m->x = m->y = 0;
	m->found = 0;
	m->emitted = m->dropped = 0;
	m->ncand = 0;
	m->seq = 0;
	m->row_lost = 0;
	memset(m->comp, 0, sizeof(m->comp));
	memset(m->acc, 0, m->p.max_width / ANPR_BLOCK_W + 1);
	out_u8(m, ANPR_REC_FRAME);
	out_u8(m, ANPR_PROTO_VERSION);
	out_u16(m, m->frame_no);
	out_u16(m, m->cfg.width);
	out_u16(m, m->cfg.height);
	out_u32(m, m->pixels_in);
	out_end_record(m);
}

static void line_done(anpr_model *m)
{
	process_line(m, m->y);
	m->y++;
	m->x = 0;
	if (m->y == m->cfg.height)
		end_frame(m, 0);
}

void anpr_model_push(anpr_model *m, uint8_t px, int sof, int eol)
{
	m->pixels_in++;
	if (sof)
		start_frame(m);
	if (m->state != ST_FRAME) {
		/* The rest of a dropped frame is expected; anything else between
		 * frames is an overrun, counted once per gap. */
		m->st.discarded++;
		if (m->state == ST_IDLE && !(m->end_flags & ANPR_END_F_OVERRUN)) {
			m->end_flags |= ANPR_END_F_OVERRUN;
			if (m->errors < 0xffff)
				m->errors++;
		}
		return;
	}
	m->ring[(size_t)(m->y % m->p.ring_lines) * m->p.max_width + m->x] = px;
	m->x++;
	if (eol && m->x < m->cfg.width)
		end_frame(m, ANPR_END_F_SHORT_LINE);
	else if (!eol && m->x == m->cfg.width)
		end_frame(m, ANPR_END_F_LONG_LINE);
	else if (eol)
		line_done(m);
}

void anpr_model_push_frame(anpr_model *m, const uint8_t *pixels)
{
	unsigned W, H, y;

	anpr_model_push(m, pixels[0], 1, 0);
	W = m->cfg.width;
	H = m->cfg.height;
	m->pixels_in += W * H - 1;
	/* pixel 0 of row 0 went in above; copy the rest of each row whole */
	for (y = 0; y < H; y++) {
		uint8_t *dst = m->ring + (size_t)(y % m->p.ring_lines) * m->p.max_width;

		memcpy(dst, pixels + (size_t)y * W, W);
		m->x = W;
		line_done(m);
	}
}
