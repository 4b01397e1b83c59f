/*
 * test_model.c - stream semantics of the C model (sim/model/anpr_model.c).
 *
 * The RTL is checked against the model byte for byte, so what the model does
 * with a good or a broken pixel stream is the contract the host relies on:
 * every frame is bracketed by a FRAME header and an END trailer, a broken
 * frame is reported in its trailer and not half-sent, and the next frame is
 * unaffected. The output is read back with the host's own parser.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "anpr/protocol.h"
#include "anpr/records.h"
#include "anpr_model.h"
#include "tests.h"

#define W 64 /* frame size of most tests: small, but holds one plate */
#define H 32
#define MAX_RECS 64

/* The synthetic plate: 2-pixel dark and light vertical bars, the strongest
 * horizontal gradient there is, in a flat mid-gray frame. */
#define PLATE_X0 12
#define PLATE_X1 52 /* exclusive */
#define PLATE_Y0 8
#define PLATE_Y1 24 /* exclusive */

struct stream {
	struct anpr_record rec[MAX_RECS];
	size_t n;
	char types[MAX_RECS + 1]; /* 'F', 'C', 'E' per record */
};

static void fill_flat(uint8_t *px, unsigned w, unsigned h)
{
	memset(px, 128, (size_t)w * h);
}

static void fill_plate(uint8_t *px, unsigned w, unsigned h)
{
	unsigned x, y;

	fill_flat(px, w, h);
	for (y = PLATE_Y0; y < PLATE_Y1; y++)
		for (x = PLATE_X0; x < PLATE_X1; x++)
			px[y * w + x] = ((x - PLATE_X0) / 2) % 2 ? 230 : 20;
}

static anpr_model *new_model(unsigned w, unsigned h)
{
	struct anpr_model_params p;
	struct anpr_model_cfg c;
	anpr_model *m;

	anpr_model_params_default(&p);
	m = anpr_model_new(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	anpr_model_cfg_default(&p, &c, w, h);
	CU_ASSERT_EQUAL_FATAL(anpr_model_configure(m, &c), 0);
	return m;
}

/* Push rows [y0, y1) of a w-wide frame pixel by pixel, SOF on pixel (0, 0),
 * EOL on the last pixel of each row. */
static void push_rows(anpr_model *m, const uint8_t *px, unsigned w, unsigned y0, unsigned y1)
{
	unsigned x, y;

	for (y = y0; y < y1; y++)
		for (x = 0; x < w; x++)
			anpr_model_push(m, px[y * w + x], x == 0 && y == 0, x == w - 1);
}

/*
 * Parse everything pending (without consuming it: candidate pixels point
 * into the model's buffer). Every record must parse, and tlast must be set
 * on exactly the last byte of each record, as the host's DMA framing needs.
 */
static void parse_pending(anpr_model *m, struct stream *s)
{
	const uint8_t *b, *last;
	size_t len = anpr_model_pending(m, &b, &last), off = 0, used, i;

	s->n = 0;
	while (off < len) {
		const char *why = NULL;
		enum anpr_rec_status st;

		CU_ASSERT_FATAL(s->n < MAX_RECS);
		st = anpr_rec_parse(b + off, len - off, &s->rec[s->n], &used, &why);
		CU_ASSERT_EQUAL_FATAL(st, ANPR_REC_OK);
		for (i = 0; i < used; i++)
			CU_ASSERT_EQUAL(!!last[off + i], i == used - 1);
		switch (s->rec[s->n].type) {
		case ANPR_REC_FRAME:
			s->types[s->n] = 'F';
			break;
		case ANPR_REC_CAND:
			s->types[s->n] = 'C';
			break;
		default:
			s->types[s->n] = 'E';
			break;
		}
		s->n++;
		off += used;
	}
	s->types[s->n] = '\0';
}

static void take(anpr_model *m, struct stream *s)
{
	const uint8_t *b;

	parse_pending(m, s);
	anpr_model_consume(m, anpr_model_pending(m, &b, NULL));
}

/* Number of 'C' in types[from, to). */
static unsigned count_cands(const struct stream *s, size_t from, size_t to)
{
	unsigned n = 0;

	for (; from < to; from++)
		n += s->types[from] == 'C';
	return n;
}

static void check_frame_hdr(const struct anpr_record *r, unsigned frame, unsigned w, unsigned h)
{
	CU_ASSERT_EQUAL_FATAL(r->type, ANPR_REC_FRAME);
	CU_ASSERT_EQUAL(r->u.frame.version, ANPR_PROTO_VERSION);
	CU_ASSERT_EQUAL(r->u.frame.frame, frame);
	CU_ASSERT_EQUAL(r->u.frame.width, w);
	CU_ASSERT_EQUAL(r->u.frame.height, h);
}

static void check_end(const struct anpr_record *r, unsigned frame, unsigned flags, unsigned lines,
		      unsigned errors)
{
	CU_ASSERT_EQUAL_FATAL(r->type, ANPR_REC_END);
	CU_ASSERT_EQUAL(r->u.end.frame, frame);
	CU_ASSERT_EQUAL(r->u.end.flags, flags);
	CU_ASSERT_EQUAL(r->u.end.lines, lines);
	CU_ASSERT_EQUAL(r->u.end.errors, errors);
}

/* Frame 1 dropped with flag after `lines` lines (one error), then frame 2
 * whole and clean. */
static void check_dropped_then_good(const struct stream *s, unsigned flag, unsigned lines)
{
	CU_ASSERT_STRING_EQUAL_FATAL(s->types, "FEFE");
	check_end(&s->rec[1], 1, flag, lines, 1);
	check_frame_hdr(&s->rec[2], 2, W, H);
	check_end(&s->rec[3], 2, 0, H, 0);
}

/* A frame with the plate: header, candidates that show the plate, trailer. */
static void test_plate_frame(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct anpr_model_status st;
	struct stream s;
	size_t i;
	int hit = 0;

	fill_plate(px, W, H);
	anpr_model_push_frame(m, px);
	parse_pending(m, &s);
	CU_ASSERT_FATAL(s.n >= 3);
	check_frame_hdr(&s.rec[0], 1, W, H);
	check_end(&s.rec[s.n - 1], 1, 0, H, 0);
	CU_ASSERT_EQUAL(count_cands(&s, 1, s.n - 1), s.n - 2);
	CU_ASSERT_EQUAL(s.rec[s.n - 1].u.end.emitted, s.n - 2);
	for (i = 1; i + 1 < s.n; i++) {
		const struct anpr_rec_cand *c = &s.rec[i].u.cand;
		unsigned r, cx, cy;

		CU_ASSERT_EQUAL(c->frame, 1);
		CU_ASSERT_EQUAL(c->index, i - 1);
		CU_ASSERT(c->crop.x + c->crop.w <= W && c->crop.y + c->crop.h <= H);
		CU_ASSERT(c->rows == 1 || c->rows == 2);
		/* the crop pixels are the frame's pixels of that region */
		for (r = 0; r < c->crop.h; r++)
			CU_ASSERT(!memcmp(c->pixels + r * c->crop.w,
					  px + (c->crop.y + r) * W + c->crop.x, c->crop.w));
		/* some candidate's box is centred on the plate */
		cx = c->box.x + c->box.w / 2;
		cy = c->box.y + c->box.h / 2;
		if (cx >= PLATE_X0 && cx < PLATE_X1 && cy >= PLATE_Y0 && cy < PLATE_Y1)
			hit = 1;
	}
	CU_ASSERT(hit);
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.frames, 1);
	CU_ASSERT_EQUAL(st.frames_ok, 1);
	CU_ASSERT_EQUAL(st.frames_bad, 0);
	CU_ASSERT_EQUAL(st.discarded, 0);
	CU_ASSERT_EQUAL(st.candidates, s.n - 2);
	anpr_model_free(m);
}

/* A bar plate (as fill_plate) at [x0, x1) x [y0, y1) of a flat w x h frame
 * (up5k defaults) through the model; every candidate's crop must hold the
 * frame's pixels and fit a slot (8192 bytes) and the ring (48 - 2 rows).
 * Returns whether one crop is exactly (cx, cy, cw, ch). */
static int bar_plate_crop(unsigned w, unsigned h, unsigned x0, unsigned x1, unsigned y0, unsigned y1,
			  unsigned cx, unsigned cy, unsigned cw, unsigned ch)
{
	uint8_t *px = malloc((size_t)w * h);
	anpr_model *m = new_model(w, h);
	struct stream s;
	int found = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(px);
	fill_flat(px, w, h);
	for (unsigned y = y0; y < y1; y++)
		for (unsigned x = x0; x < x1; x++)
			px[y * w + x] = ((x - x0) / 2) % 2 ? 230 : 20;
	anpr_model_push_frame(m, px);
	parse_pending(m, &s);
	CU_ASSERT(s.n >= 3);
	for (size_t i = 1; i + 1 < s.n; i++) {
		const struct anpr_rec_cand *c = &s.rec[i].u.cand;

		CU_ASSERT(c->crop.w * c->crop.h <= 8192 && c->crop.h <= 48 - ANPR_RING_SLACK);
		for (unsigned r = 0; r < c->crop.h; r++)
			CU_ASSERT(!memcmp(c->pixels + r * c->crop.w, px + (c->crop.y + r) * w + c->crop.x,
					  c->crop.w));
		found |= c->crop.x == cx && c->crop.y == cy && c->crop.w == cw && c->crop.h == ch;
	}
	anpr_model_free(m);
	free(px);
	return found;
}

/* A component taller than the ring holds with its margins (up5k: 37 rows)
 * is kept, its crop cut at the top to the oldest row the ring keeps with its
 * slack. Bars on rows 9..46: edges on rows 8..47, block rows 2..11, closed
 * at y_last 52: the crop starts at 52 + 3 - 48 = 7, not 4, and ends at 51. */
static void test_tall_plate_cut(void)
{
	CU_ASSERT(bar_plate_crop(128, 64, 16, 96, 9, 47, 8, 7, 96, 45));
}

/* The crop reaches ANPR_CROP_MY_TOP rows above its component and
 * ANPR_CROP_MY below, 8 columns each side. Bars on rows 33..46: edges on
 * rows 32..47, block rows 8..11, component 16..95 x 32..47: crop 8..103 x
 * (32 - ANPR_CROP_MY_TOP)..(47 + ANPR_CROP_MY). */
static void test_crop_margins(void)
{
	CU_ASSERT(bar_plate_crop(128, 80, 16, 96, 33, 47, 8, 32 - ANPR_CROP_MY_TOP, 96,
				 16 + ANPR_CROP_MY_TOP + ANPR_CROP_MY));
}

/* A crop larger than a slot keeps its middle: its component loses a block
 * at each side until the crop fits. Component 40..271 x 8..39: crop 32..279
 * x 4..43, 248 x 40 = 9920 bytes; after 3 steps the component is 64..247
 * and its crop 56..255, 200 x 40 = 8000 bytes. */
static void test_wide_crop_narrowed(void)
{
	CU_ASSERT(bar_plate_crop(320, 64, 40, 272, 9, 39, 56, 4, 200, 40));
}

/* A flat frame: header and trailer, nothing found, nothing sent. */
static void test_flat_frame(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct anpr_model_status st;
	struct stream s;

	fill_flat(px, W, H);
	anpr_model_push_frame(m, px);
	parse_pending(m, &s);
	CU_ASSERT_STRING_EQUAL(s.types, "FE");
	if (s.n == 2) {
		check_frame_hdr(&s.rec[0], 1, W, H);
		check_end(&s.rec[1], 1, 0, H, 0);
		CU_ASSERT_EQUAL(s.rec[1].u.end.found, 0);
		CU_ASSERT_EQUAL(s.rec[1].u.end.emitted, 0);
		CU_ASSERT_EQUAL(s.rec[1].u.end.dropped, 0);
	}
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.frames_ok, 1);
	CU_ASSERT_EQUAL(st.candidates, 0);
	anpr_model_free(m);
}

/* push_frame is only a fast path: the bytes, tlast marks and timestamps
 * must be those of pushing every pixel, over several frames. */
static void test_push_frame_same_as_pixels(void)
{
	static uint8_t plate[W * H], flat[W * H];
	const uint8_t *seq[] = {plate, flat, plate, plate, flat};
	anpr_model *a = new_model(W, H), *b = new_model(W, H);
	const uint8_t *ab, *al, *bb, *bl;
	size_t alen, blen, i;

	fill_plate(plate, W, H);
	fill_flat(flat, W, H);
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		anpr_model_push_frame(a, seq[i]);
		push_rows(b, seq[i], W, 0, H);
	}
	alen = anpr_model_pending(a, &ab, &al);
	blen = anpr_model_pending(b, &bb, &bl);
	CU_ASSERT(alen > 5 * (ANPR_FRAME_LEN + ANPR_END_LEN));
	CU_ASSERT_EQUAL_FATAL(alen, blen);
	CU_ASSERT(!memcmp(ab, bb, alen));
	CU_ASSERT(!memcmp(al, bl, alen));
	anpr_model_free(a);
	anpr_model_free(b);
}

/* The stage trace (tests/modsim's reference) observes only: the records are
 * those of a model without it. It gives each frame's events in queue order,
 * bracketed by START and FEND, and the plate's component as a close. */
struct trace_log {
	unsigned types[256], n;
	struct anpr_model_close closes[32];
	unsigned nclose;
};

static void log_event(void *ctx, const struct anpr_model_event *ev)
{
	struct trace_log *t = ctx;

	if (t->n < 256)
		t->types[t->n++] = ev->type;
}

static void log_close(void *ctx, const struct anpr_model_close *c, const uint8_t *ring)
{
	struct trace_log *t = ctx;

	CU_ASSERT_PTR_NOT_NULL(ring);
	if (t->nclose < 32)
		t->closes[t->nclose++] = *c;
}

static void test_stage_trace(void)
{
	static uint8_t plate[W * H], flat[W * H];
	const uint8_t *seq[] = {plate, flat, plate};
	anpr_model *a = new_model(W, H), *b = new_model(W, H);
	static struct trace_log log;
	const struct anpr_model_trace tr = {log_event, log_close, &log};
	const uint8_t *ab, *al, *bb, *bl;
	size_t alen, blen, i;
	unsigned starts = 0, fends = 0, runs = 0, plate_closes = 0;

	fill_plate(plate, W, H);
	fill_flat(flat, W, H);
	anpr_model_set_trace(a, &tr);
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		push_rows(a, seq[i], W, 0, H);
		push_rows(b, seq[i], W, 0, H);
	}
	alen = anpr_model_pending(a, &ab, &al);
	blen = anpr_model_pending(b, &bb, &bl);
	CU_ASSERT_EQUAL_FATAL(alen, blen);
	CU_ASSERT(!memcmp(ab, bb, alen));
	CU_ASSERT(!memcmp(al, bl, alen));
	CU_ASSERT_FATAL(log.n > 0 && log.n < 256);
	CU_ASSERT_EQUAL(log.types[0], ANPR_EV_START);
	CU_ASSERT_EQUAL(log.types[log.n - 1], ANPR_EV_FEND);
	for (i = 0; i < log.n; i++) {
		starts += log.types[i] == ANPR_EV_START;
		fends += log.types[i] == ANPR_EV_FEND;
		runs += log.types[i] == ANPR_EV_RUN;
		/* a frame's events lie between its START and its FEND */
		if (i > 0 && log.types[i] == ANPR_EV_START)
			CU_ASSERT_EQUAL(log.types[i - 1], ANPR_EV_FEND);
	}
	CU_ASSERT_EQUAL(starts, 3);
	CU_ASSERT_EQUAL(fends, 3);
	CU_ASSERT(runs > 0);
	for (i = 0; i < log.nclose; i++)
		plate_closes += log.closes[i].x0 * ANPR_BLOCK_W <= PLATE_X0 &&
				(log.closes[i].x1 + 1) * ANPR_BLOCK_W >= PLATE_X1 && log.closes[i].y_last < H;
	CU_ASSERT(plate_closes >= 2); /* both plate frames */
	anpr_model_free(a);
	anpr_model_free(b);
}

/* The closed components of one frame of two bar plates (x 16..95 and
 * 176..255, rows 17..38 of a flat 320 x 64 frame) under a detection region
 * [x0, x1) x [y0, y1); *cands gets the candidates emitted. */
static unsigned region_closes(unsigned x0, unsigned y0, unsigned x1, unsigned y1, struct trace_log *log,
			      unsigned *cands)
{
	enum { RW = 320, RH = 64 };
	static uint8_t px[RW * RH];
	struct anpr_model_params p;
	struct anpr_model_cfg c;
	const struct anpr_model_trace tr = {log_event, log_close, log};
	anpr_model *m;
	struct stream s;

	memset(log, 0, sizeof(*log));
	fill_flat(px, RW, RH);
	for (unsigned y = 17; y < 39; y++)
		for (unsigned x = 0; x < 80; x++)
			px[y * RW + 16 + x] = px[y * RW + 176 + x] = (x / 2) % 2 ? 230 : 20;
	anpr_model_params_default(&p);
	m = anpr_model_new(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	anpr_model_cfg_default(&p, &c, RW, RH);
	c.roi_x0 = x0, c.roi_y0 = y0, c.roi_x1 = x1, c.roi_y1 = y1;
	CU_ASSERT_EQUAL_FATAL(anpr_model_configure(m, &c), 0);
	anpr_model_set_trace(m, &tr);
	anpr_model_push_frame(m, px);
	parse_pending(m, &s);
	*cands = count_cands(&s, 0, s.n);
	anpr_model_free(m);
	return log->nclose;
}

/* The detection region (cfg_roi_*): blocks whose first pixel (8 bx, 4 by)
 * lies outside it yield no runs, so no component and no candidate there;
 * inside, everything is as without it. Both linkers close each plate. */
static void test_detection_region(void)
{
	static struct trace_log all, log;
	unsigned n, cands;

	/* the defaults take the whole frame: both plates, blocks 2..11 and 22..31 */
	n = region_closes(0, 0, 4095, 4095, &all, &cands);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(cands, 2);
	CU_ASSERT(all.closes[0].x0 == 2 && all.closes[0].x1 == 11);
	CU_ASSERT(all.closes[1].x0 == 22 && all.closes[1].x1 == 31);

	/* the left half: only the left plate, as it was; the right half */
	n = region_closes(0, 0, 160, 4095, &log, &cands);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(cands, 1);
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT(!memcmp(&log.closes[i], &all.closes[0], sizeof(log.closes[0])));
	n = region_closes(160, 0, 4095, 4095, &log, &cands);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(cands, 1);
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT(!memcmp(&log.closes[i], &all.closes[1], sizeof(log.closes[0])));

	/* block precision: x0 16 keeps block 2 (pixels 16..23), 17 drops it;
	 * x1 88 keeps block 10 (80..87) and drops 11 (88 is not below 88) */
	n = region_closes(16, 0, 88, 4095, &log, &cands);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT(log.closes[0].x0 == 2 && log.closes[0].x1 == 10);
	n = region_closes(17, 0, 89, 4095, &log, &cands);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT(log.closes[0].x0 == 3 && log.closes[0].x1 == 11);

	/* rows: a region below the plates finds nothing */
	n = region_closes(0, 48, 4095, 4095, &log, &cands);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(cands, 0);
	/* one ending at row 28 keeps block rows 4..6 (rows 16..27) of 4..9 */
	n = region_closes(0, 0, 4095, 28, &log, &cands);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT(log.closes[0].y0 == 4 && log.closes[0].y1 == 6);
}

/* consume takes bytes from the front and keeps the rest in order. */
static void test_consume_partial(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	const uint8_t *b, *last;
	uint8_t *copy;
	size_t len, n;

	fill_plate(px, W, H);
	anpr_model_push_frame(m, px);
	len = anpr_model_pending(m, &b, NULL);
	CU_ASSERT_FATAL(len > ANPR_FRAME_LEN);
	copy = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, b, len);
	anpr_model_consume(m, ANPR_FRAME_LEN);
	n = anpr_model_pending(m, &b, &last);
	CU_ASSERT_EQUAL(n, len - ANPR_FRAME_LEN);
	CU_ASSERT(!memcmp(b, copy + ANPR_FRAME_LEN, n));
	CU_ASSERT(last[n - 1] != 0);
	anpr_model_consume(m, n + 10);
	CU_ASSERT_EQUAL(anpr_model_pending(m, &b, NULL), 0);
	free(copy);
	anpr_model_free(m);
}

/*
 * tlast early: the frame ends there with SHORT_LINE and the lines received
 * so far; its candidates are not sent (the plate was already found and
 * stored: the frame is taller than the plate needs); the rest of it is
 * discarded quietly (it is expected, so no OVERRUN); the next frame is whole.
 */
static void test_short_line(void)
{
	enum { TH = 48 };
	static uint8_t px[W * TH];
	anpr_model *m = new_model(W, TH);
	struct anpr_model_status st;
	struct stream s;
	unsigned x, rest;

	fill_plate(px, W, TH);
	/* cut the last line */
	push_rows(m, px, W, 0, TH - 1);
	for (x = 0; x < 10; x++)
		anpr_model_push(m, px[(TH - 1) * W + x], 0, x == 9);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FE");
	check_end(&s.rec[1], 1, ANPR_END_F_SHORT_LINE, TH - 1, 1);
	CU_ASSERT_EQUAL(s.rec[1].u.end.emitted, 0);
	CU_ASSERT(s.rec[1].u.end.found >= 1);
	CU_ASSERT(s.rec[1].u.end.dropped >= 1);

	/* the source carries on: the rest of the line and more, up to SOF */
	rest = W - 10 + 3 * W;
	for (x = 0; x < rest; x++)
		anpr_model_push(m, 128, 0, (x + 10) % W == W - 1);
	take(m, &s);
	CU_ASSERT_EQUAL(s.n, 0);
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.discarded, rest);
	CU_ASSERT_EQUAL(st.frames_bad, 1);
	CU_ASSERT_EQUAL(st.frames_ok, 0);
	CU_ASSERT_EQUAL(st.candidates, 0);
	CU_ASSERT(st.dropped >= 1);

	anpr_model_push_frame(m, px);
	take(m, &s);
	CU_ASSERT_FATAL(s.n >= 3);
	check_frame_hdr(&s.rec[0], 2, W, TH);
	CU_ASSERT_EQUAL(count_cands(&s, 1, s.n - 1), s.n - 2);
	check_end(&s.rec[s.n - 1], 2, 0, TH, 0);
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.frames, 2);
	CU_ASSERT_EQUAL(st.frames_ok, 1);
	CU_ASSERT_EQUAL(st.frames_bad, 1);
	anpr_model_free(m);
}

/* A frame cut by a short line and followed at once by SOF: one trailer for
 * the cut frame (no SOF_EARLY, it had already ended), then a normal frame. */
static void test_short_line_then_sof(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct stream s;
	unsigned x;

	fill_flat(px, W, H);
	push_rows(m, px, W, 0, 5);
	for (x = 0; x < 3; x++)
		anpr_model_push(m, 128, 0, x == 2);
	anpr_model_push_frame(m, px);
	take(m, &s);
	check_dropped_then_good(&s, ANPR_END_F_SHORT_LINE, 5);
	anpr_model_free(m);
}

/* No tlast at the configured width: LONG_LINE, the overlong rest dropped. */
static void test_long_line(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct anpr_model_status st;
	struct stream s;
	unsigned x;

	fill_flat(px, W, H);
	push_rows(m, px, W, 0, 3);
	/* a 70-pixel line: W pixels without tlast, 6 more, tlast on the last */
	for (x = 0; x < W + 6; x++)
		anpr_model_push(m, 128, 0, x == W + 5);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FE");
	check_end(&s.rec[1], 1, ANPR_END_F_LONG_LINE, 3, 1);
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.discarded, 6);
	CU_ASSERT_EQUAL(st.frames_bad, 1);

	anpr_model_push_frame(m, px);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FE");
	check_frame_hdr(&s.rec[0], 2, W, H);
	check_end(&s.rec[1], 2, 0, H, 0);
	anpr_model_free(m);
}

/* SOF in the middle of a line: SOF_EARLY trailer for the old frame, with the
 * whole lines it got, then the new frame's header and the new frame. */
static void test_sof_mid_line(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct anpr_model_status st;
	struct stream s;
	unsigned x;

	fill_plate(px, W, H);
	push_rows(m, px, W, 0, 10);
	for (x = 0; x < 20; x++)
		anpr_model_push(m, px[10 * W + x], 0, 0);
	anpr_model_push_frame(m, px);
	take(m, &s);
	CU_ASSERT_FATAL(s.n >= 5);
	CU_ASSERT_EQUAL(s.types[0], 'F');
	check_end(&s.rec[1], 1, ANPR_END_F_SOF_EARLY, 10, 1);
	CU_ASSERT_EQUAL(s.rec[1].u.end.emitted, 0);
	check_frame_hdr(&s.rec[2], 2, W, H);
	CU_ASSERT_EQUAL(count_cands(&s, 3, s.n - 1), s.n - 4);
	check_end(&s.rec[s.n - 1], 2, 0, H, 0);
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.frames, 2);
	CU_ASSERT_EQUAL(st.frames_ok, 1);
	CU_ASSERT_EQUAL(st.frames_bad, 1);
	CU_ASSERT_EQUAL(st.discarded, 0);
	anpr_model_free(m);
}

/* A frame cut off after whole lines (a source that stopped early) and then a
 * new SOF: SOF_EARLY with the exact line count. */
static void test_frame_cut_then_sof(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct stream s;

	fill_flat(px, W, H);
	push_rows(m, px, W, 0, 20);
	anpr_model_push_frame(m, px);
	take(m, &s);
	check_dropped_then_good(&s, ANPR_END_F_SOF_EARLY, 20);
	anpr_model_free(m);
}

/* Pixels before the first SOF: nothing is sent for them, the first trailer
 * reports OVERRUN once; the flag does not stick to later frames. */
static void test_overrun_before_first_sof(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct anpr_model_status st;
	struct stream s;
	unsigned x;

	fill_flat(px, W, H);
	for (x = 0; x < 100; x++)
		anpr_model_push(m, 128, 0, x % W == W - 1);
	take(m, &s);
	CU_ASSERT_EQUAL(s.n, 0);
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.discarded, 100);
	CU_ASSERT_EQUAL(st.frames, 0);

	anpr_model_push_frame(m, px);
	anpr_model_push_frame(m, px);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FEFE");
	check_frame_hdr(&s.rec[0], 1, W, H);
	check_end(&s.rec[1], 1, ANPR_END_F_OVERRUN, H, 1);
	check_end(&s.rec[3], 2, 0, H, 0);
	anpr_model_get_status(m, &st);
	/* an overrun is not a broken frame: the frame itself was whole */
	CU_ASSERT_EQUAL(st.frames_ok, 2);
	CU_ASSERT_EQUAL(st.frames_bad, 0);
	anpr_model_free(m);
}

/* Pixels after the last line of a frame: reported on the next trailer,
 * whose frame is otherwise complete (its candidates are still sent). */
static void test_overrun_after_last_line(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct anpr_model_status st;
	struct stream s;
	unsigned x;

	fill_plate(px, W, H);
	anpr_model_push_frame(m, px);
	for (x = 0; x < 2 * W; x++)
		anpr_model_push(m, 128, 0, x % W == W - 1);
	take(m, &s);
	CU_ASSERT_FATAL(s.n >= 3);
	check_end(&s.rec[s.n - 1], 1, 0, H, 0);

	anpr_model_push_frame(m, px);
	take(m, &s);
	CU_ASSERT_FATAL(s.n >= 3);
	check_frame_hdr(&s.rec[0], 2, W, H);
	CU_ASSERT_EQUAL(count_cands(&s, 1, s.n - 1), s.n - 2);
	/* counted once per gap, not once per pixel */
	check_end(&s.rec[s.n - 1], 2, ANPR_END_F_OVERRUN, H, 1);
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.discarded, 2 * W);
	CU_ASSERT_EQUAL(st.frames_ok, 2);
	anpr_model_free(m);
}

/* Errors accumulate in one trailer: an overrun before the SOF and a short
 * line in the frame give both flags and two errors. */
static void test_overrun_and_short_line(void)
{
	static uint8_t px[W * H];
	anpr_model *m = new_model(W, H);
	struct stream s;
	unsigned x;

	fill_flat(px, W, H);
	anpr_model_push_frame(m, px);
	anpr_model_push(m, 1, 0, 0);
	push_rows(m, px, W, 0, 2);
	for (x = 0; x < 5; x++)
		anpr_model_push(m, 128, 0, x == 4);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FEFE");
	check_end(&s.rec[1], 1, 0, H, 0);
	check_end(&s.rec[3], 2, ANPR_END_F_OVERRUN | ANPR_END_F_SHORT_LINE, 2, 2);
	anpr_model_free(m);
}

/* More separate runs in a block row than the component table has slots:
 * TABLE_FULL is reported, but the frame is complete and not an error. */
static void test_table_full(void)
{
	const unsigned w = 1024, h = 16;
	uint8_t *px = malloc((size_t)w * h);
	anpr_model *m = new_model(w, h);
	struct anpr_model_status st;
	struct stream s;
	unsigned x, y;

	CU_ASSERT_PTR_NOT_NULL_FATAL(px);
	/* 21 patches of bars, 3 blocks wide, 3 cool blocks apart */
	fill_flat(px, w, h);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			if (x % 48 < 24)
				px[y * w + x] = (x / 2) % 2 ? 230 : 20;
	anpr_model_push_frame(m, px);
	take(m, &s);
	CU_ASSERT_FATAL(s.n >= 2);
	CU_ASSERT_EQUAL(s.types[0], 'F');
	check_end(&s.rec[s.n - 1], 1, ANPR_END_F_TABLE_FULL, h, 0);
	anpr_model_get_status(m, &st);
	CU_ASSERT(st.runs_lost > 0);
	CU_ASSERT_EQUAL(st.frames_ok, 1);
	CU_ASSERT_EQUAL(st.frames_bad, 0);
	free(px);
	anpr_model_free(m);
}

static void expect_reject(struct anpr_model_cfg c, const char *field)
{
	struct anpr_model_params p;
	const char *got = NULL;

	anpr_model_params_default(&p);
	CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &c, &got), -1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, field);
	/* field may be NULL when the caller only wants yes or no */
	CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &c, NULL), -1);
}

/* Each out-of-range field is refused and named. */
static void test_cfg_check(void)
{
	struct anpr_model_params p;
	struct anpr_model_cfg d, c;
	const char *got = "untouched";

	anpr_model_params_default(&p);
	anpr_model_cfg_default(&p, &d, 1280, 720);
	CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &d, &got), 0);
	CU_ASSERT_STRING_EQUAL(got, "untouched");

	c = d, c.width = 15;
	expect_reject(c, "width");
	c = d, c.width = p.max_width + 1;
	expect_reject(c, "width");
	c = d, c.height = 7;
	expect_reject(c, "height");
	c = d, c.height = 4096;
	expect_reject(c, "height");
	c = d, c.edge_thr = 0;
	expect_reject(c, "edge_thr");
	c = d, c.edge_thr = 256;
	expect_reject(c, "edge_thr");
	c = d, c.block_thr = 0;
	expect_reject(c, "block_thr");
	c = d, c.block_thr = ANPR_BLOCK_W * ANPR_BLOCK_H + 1;
	expect_reject(c, "block_thr");
	c = d, c.run_gap = 4;
	expect_reject(c, "run_gap");
	c = d, c.min_run = 0;
	expect_reject(c, "min_run");
	c = d, c.min_run = 16;
	expect_reject(c, "min_run");
	c = d, c.link_tol = 8;
	expect_reject(c, "link_tol");
	c = d, c.max_w = p.crop_max_w - 2 * ANPR_CROP_MX + 1;
	expect_reject(c, "max_w");
	c = d, c.min_w = c.max_w + 1;
	expect_reject(c, "max_w");
	c = d, c.max_h = p.crop_max_h + 1;
	expect_reject(c, "max_h");
	c = d, c.min_h = c.max_h + 1;
	expect_reject(c, "max_h");
	c = d, c.min_aspect4 = 256;
	expect_reject(c, "aspect");
	c = d, c.max_aspect = 0;
	expect_reject(c, "aspect");
	c = d, c.min_score = 65536;
	expect_reject(c, "min_score");
	c = d, c.max_cands = 0;
	expect_reject(c, "max_cands");
	/* max_cands is bounded by the build's store, not by the field width */
	c = d, c.max_cands = p.store_slots + 1;
	expect_reject(c, "max_cands");
	/* the detection region: not empty, inside the 12-bit registers */
	c = d, c.roi_x0 = c.roi_x1 = 100;
	expect_reject(c, "roi_x0");
	c = d, c.roi_x1 = 4096;
	expect_reject(c, "roi_x1");
	c = d, c.roi_y0 = 200, c.roi_y1 = 199;
	expect_reject(c, "roi_y0");
	c = d, c.roi_y1 = 4096;
	expect_reject(c, "roi_y1");

	/* the edges of the ranges are accepted */
	c = d, c.width = 16, c.height = 8, c.block_thr = 32, c.run_gap = 3, c.min_run = 15;
	c.link_tol = 7, c.max_cands = p.store_slots, c.roi_x0 = 4094, c.roi_y0 = 4094;
	CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &c, NULL), 0);
	c = d, c.width = p.max_width, c.height = 4095;
	CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &c, NULL), 0);
	/* odd widths are fine at a pixel a clock */
	c = d, c.width = 1279;
	CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &c, NULL), 0);
}

/* A build at two pixels a clock (large2) takes a frame a multiple of 4
 * wide, and is otherwise the large build. */
static void test_cfg_check_two_a_clock(void)
{
	struct anpr_model_params p, l;
	struct anpr_model_cfg c;
	const char *got = NULL;

	CU_ASSERT_FATAL(anpr_model_params_preset(&p, "large2") == 0);
	CU_ASSERT_FATAL(anpr_model_params_preset(&l, "large") == 0);
	CU_ASSERT_EQUAL(p.ppc, 2);
	CU_ASSERT_EQUAL(l.ppc, 1);
	CU_ASSERT_EQUAL(p.max_width, l.max_width);
	CU_ASSERT_EQUAL(p.ring_lines, l.ring_lines);
	CU_ASSERT_EQUAL(p.slot_bytes, l.slot_bytes);
	anpr_model_cfg_default(&p, &c, 1920, 1080);
	CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &c, NULL), 0);
	for (unsigned w = 1917; w < 1920; w++) {
		c.width = w;
		CU_ASSERT_EQUAL(anpr_model_cfg_check(&p, &c, &got), -1);
		CU_ASSERT_STRING_EQUAL(got ? got : "", "width");
		CU_ASSERT_EQUAL(anpr_model_cfg_check(&l, &c, NULL), 0);
	}
	/* a pixel rate the RTL has no build for */
	p.ppc = 3;
	CU_ASSERT_PTR_NULL(anpr_model_new(&p));
}

/* The board top (rtl/board/anpr_icebreaker.v) ties every cfg_* port to a
 * constant: they must be anpr_model_cfg_default's for the up5k preset at
 * 1280x720 (what the host's usb backend writes, what registers.md lists),
 * or the board localises with other settings than the model (session 7
 * changed min_score in both by hand). Most are now the localparams
 * D_X = ANPR_CFG_DEF_X of rtl/anpr_cfg_defaults.vh: each must name its own
 * port's default, whose value the model must use. */
static void test_board_constants(void)
{
	struct anpr_model_params p;
	struct anpr_model_cfg d;
	const char *port[] = {"width", "height", "edge_thr", "edge_k", "edge_bias", "block_thr", "run_gap",
			      "min_run", "link_tol", "min_w", "max_w", "min_h", "max_h", "min_aspect4",
			      "max_aspect", "min_score", "max_cands", "roi_x0", "roi_y0", "roi_x1", "roi_y1"};
	const unsigned *field[] = {&d.width, &d.height, &d.edge_thr, &d.edge_k, &d.edge_bias, &d.block_thr,
				   &d.run_gap, &d.min_run, &d.link_tol, &d.min_w, &d.max_w, &d.min_h,
				   &d.max_h, &d.min_aspect4, &d.max_aspect, &d.min_score, &d.max_cands,
				   &d.roi_x0, &d.roi_y0, &d.roi_x1, &d.roi_y1};
	static const struct {
		const char *name;
		unsigned value;
	} defs[] = {
#define DEF(n) {#n, n}
		DEF(ANPR_CFG_DEF_EDGE_THR), DEF(ANPR_CFG_DEF_EDGE_K), DEF(ANPR_CFG_DEF_EDGE_BIAS),
		DEF(ANPR_CFG_DEF_BLOCK_THR), DEF(ANPR_CFG_DEF_RUN_GAP), DEF(ANPR_CFG_DEF_MIN_RUN),
		DEF(ANPR_CFG_DEF_LINK_TOL), DEF(ANPR_CFG_DEF_MIN_W), DEF(ANPR_CFG_DEF_MIN_H),
		DEF(ANPR_CFG_DEF_MIN_ASPECT4), DEF(ANPR_CFG_DEF_MAX_ASPECT), DEF(ANPR_CFG_DEF_MIN_SCORE),
		DEF(ANPR_CFG_DEF_MAX_CANDS), DEF(ANPR_CFG_DEF_ROI_X0), DEF(ANPR_CFG_DEF_ROI_Y0),
		DEF(ANPR_CFG_DEF_ROI_X1), DEF(ANPR_CFG_DEF_ROI_Y1),
#undef DEF
	};
	char text[24576], key[40];
	FILE *f = fopen("rtl/board/anpr_icebreaker.v", "r");
	size_t n;

	CU_ASSERT_FATAL(anpr_model_params_preset(&p, "up5k") == 0);
	anpr_model_cfg_default(&p, &d, 1280, 720);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f); /* run from the top of the tree, as make unit does */
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	/* the board's D_X localparams come from its include anpr_cfg_defaults.vh */
	f = fopen("rtl/anpr_cfg_defaults.vh", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n += fread(text + n, 1, sizeof(text) - 1 - n, f);
	fclose(f);
	text[n] = 0;
	for (size_t i = 0; i < sizeof(port) / sizeof(port[0]); i++) {
		const char *at;
		unsigned bits, v;

		snprintf(key, sizeof(key), ".cfg_%s(", port[i]);
		at = strstr(text, key);
		CU_ASSERT_PTR_NOT_NULL(at);
		if (!at)
			continue;
		at += strlen(key);
		if (*at == 'D' && at[1] == '_') {
			/* a localparam of the board top from anpr_protocol.vh: D_X = ANPR_CFG_DEF_X */
			char name[40], def[64], want[64], *q;
			const char *lp;
			size_t k;

			CU_ASSERT_EQUAL_FATAL(sscanf(at, "%39[A-Z0-9_]", name), 1);
			snprintf(def, sizeof(def), "%s = ", name);
			lp = strstr(text, def);
			CU_ASSERT_PTR_NOT_NULL_FATAL(lp);
			CU_ASSERT_EQUAL_FATAL(sscanf(lp + strlen(def), "%63[A-Z0-9_]", def), 1);
			snprintf(want, sizeof(want), "ANPR_CFG_DEF_%s", port[i]);
			for (q = want; *q; q++)
				*q = (char)toupper((unsigned char)*q);
			CU_ASSERT_STRING_EQUAL(def, want);
			for (k = 0; k < sizeof(defs) / sizeof(defs[0]) && strcmp(defs[k].name, def); k++)
				;
			CU_ASSERT_FATAL(k < sizeof(defs) / sizeof(defs[0]));
			v = defs[k].value;
		} else {
			CU_ASSERT_EQUAL(sscanf(at, "%u'd%u)", &bits, &v), 2);
		}
		if (v != *field[i])
			fprintf(stderr, "\n  board cfg_%s %u, anpr_model_cfg_default %u\n", port[i], v, *field[i]);
		CU_ASSERT_EQUAL(v, *field[i]);
	}
}

/* A configuration loaded mid-frame waits for the next SOF; a rejected one
 * leaves the pending one in place. */
static void test_cfg_takes_effect_at_sof(void)
{
	static uint8_t px[W * H], small[48 * 24];
	struct anpr_model_params p;
	struct anpr_model_cfg c;
	anpr_model *m = new_model(W, H);
	struct stream s;

	fill_flat(px, W, H);
	fill_flat(small, 48, 24);
	anpr_model_params_default(&p);
	push_rows(m, px, W, 0, 10);
	anpr_model_cfg_default(&p, &c, 48, 24);
	CU_ASSERT_EQUAL(anpr_model_configure(m, &c), 0);
	c.width = 8; /* invalid */
	CU_ASSERT_EQUAL(anpr_model_configure(m, &c), -1);
	/* the current frame finishes at its own 64x32 */
	push_rows(m, px, W, 10, H);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FE");
	check_frame_hdr(&s.rec[0], 1, W, H);
	check_end(&s.rec[1], 1, 0, H, 0);

	anpr_model_push_frame(m, small);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FE");
	check_frame_hdr(&s.rec[0], 2, 48, 24);
	check_end(&s.rec[1], 2, 0, 24, 0);
	anpr_model_free(m);
}

/* The status registers add up over a mixed sequence of good and bad frames,
 * and agree with the trailers. */
static void test_status_counters(void)
{
	static uint8_t plate[W * H], flat[W * H];
	anpr_model *m = new_model(W, H);
	struct anpr_model_status st;
	struct stream s;
	unsigned cands = 0, dropped = 0, x;
	size_t i;

	fill_plate(plate, W, H);
	fill_flat(flat, W, H);
	anpr_model_push_frame(m, plate);        /* ok */
	push_rows(m, plate, W, 0, H - 1);       /* bad: short last line */
	anpr_model_push(m, 0, 0, 1);
	push_rows(m, flat, W, 0, 4);            /* bad: cut by SOF */
	anpr_model_push_frame(m, flat);         /* ok */
	anpr_model_push_frame(m, plate);        /* ok */
	for (x = 0; x < 7; x++)                 /* 7 discarded, overrun */
		anpr_model_push(m, 0, 0, 0);
	take(m, &s);
	CU_ASSERT_STRING_EQUAL_FATAL(s.types, "FCEFEFEFEFCE");
	for (i = 0; i < s.n; i++) {
		cands += s.types[i] == 'C';
		if (s.types[i] == 'E')
			dropped += s.rec[i].u.end.dropped;
	}
	anpr_model_get_status(m, &st);
	CU_ASSERT_EQUAL(st.frames, 5);
	CU_ASSERT_EQUAL(st.frames_ok, 3);
	CU_ASSERT_EQUAL(st.frames_bad, 2);
	CU_ASSERT_EQUAL(st.discarded, 7);
	CU_ASSERT_EQUAL(st.candidates, cands);
	CU_ASSERT_EQUAL(st.dropped, dropped);
	CU_ASSERT_EQUAL(st.runs_lost, 0);
	anpr_model_free(m);
}

int register_model_suite(void)
{
	static CU_TestInfo tests[] = {
		{"plate frame: header, candidates, trailer", test_plate_frame},
		{"flat frame: no candidates", test_flat_frame},
		{"tall component: crop cut to the ring", test_tall_plate_cut},
		{"crop margins: the protocol's, around the component", test_crop_margins},
		{"crop larger than a slot: its middle kept", test_wide_crop_narrowed},
		{"push_frame == per-pixel push", test_push_frame_same_as_pixels},
		{"stage trace observes only", test_stage_trace},
		{"consume keeps the rest", test_consume_partial},
		{"short line ends the frame, rest discarded", test_short_line},
		{"short line then SOF", test_short_line_then_sof},
		{"long line", test_long_line},
		{"SOF mid-line: SOF_EARLY", test_sof_mid_line},
		{"frame cut after whole lines then SOF", test_frame_cut_then_sof},
		{"overrun before the first SOF", test_overrun_before_first_sof},
		{"overrun after the last line", test_overrun_after_last_line},
		{"overrun and short line in one trailer", test_overrun_and_short_line},
		{"component table full", test_table_full},
		{"detection region: no candidates outside it", test_detection_region},
		{"cfg_check names the bad field", test_cfg_check},
		{"two pixels a clock: the width a multiple of 4", test_cfg_check_two_a_clock},
		{"configuration takes effect at SOF", test_cfg_takes_effect_at_sof},
		{"the board top's constants are the defaults", test_board_constants},
		{"status counters", test_status_counters},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"model", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
