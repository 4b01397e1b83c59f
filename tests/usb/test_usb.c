/*
 * test_usb.c - the usb backend (host/src/transport_usb.c, real libusb code)
 * against an emulated FT232H with the bridge's C model behind it
 * (ft232h_emu.c), under umockdev-wrapper:
 *
 *   umockdev-wrapper build/test_usb BUILD_DIR
 *
 * Records over usb are byte-identical to the model backend's; `anpr read
 * --backend usb` gives the model's JSON; a device that vanishes, a corrupted
 * or short packet, a record stream that stops and no device at all are each
 * a clear error, and the backend recovers where the device is still there.
 * The bridge's own handling of a damaged command stream (bad header, CRC,
 * length, a command cut off) is tested on the bridge model directly.
 *
 * Built with -DUSB_RTL (build/test_usb_rtl, make usb-rtl-test), the device
 * is the bridge RTL instead (sim/bridge/anpr_bridge_rtl.cpp: the Verilated
 * bridge + pipeline on its FT245 pins): the same tests but the malformed
 * record (a test hook of the bridge's C model), and record bytes compared
 * with the model's but for the FRAME records' timestamps (RTL: cycles;
 * model: pixels).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <umockdev.h>

#include "anpr/anpr.h"
#include "anpr/pipe.h"
#include "anpr/protocol.h"
#include "anpr/records.h"
#include "anpr/usbwire.h"
#include "anpr_bridge.h"
#include "ft232h_emu.h"
#include "scenes.h"
#include "transport.h"

static int failures, checks;

#define CHECK(cond, ...)                                                                          \
	do {                                                                                      \
		checks++;                                                                         \
		if (!(cond)) {                                                                    \
			failures++;                                                               \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
			fprintf(stderr, __VA_ARGS__);                                             \
			fputc('\n', stderr);                                                      \
		}                                                                                 \
	} while (0)

#define W 1280
#define H 720

/* Record streams equal: every byte, or with USB_RTL every byte but the FRAME
 * records' timestamps. */
static int same_records(const uint8_t *a, const uint8_t *b, size_t n)
{
#ifdef USB_RTL
	size_t k = 0;

	while (k < n) {
		struct anpr_record r;
		size_t used;
		const char *why;

		if (anpr_rec_parse(b + k, n - k, &r, &used, &why) != ANPR_REC_OK)
			return 0;
		for (size_t j = 0; j < used; j++)
			if (a[k + j] != b[k + j] &&
			    !(r.type == ANPR_REC_FRAME && j >= ANPR_FRAME_OFF_TIME && j < ANPR_FRAME_OFF_TIME + 4))
				return 0;
		k += used;
	}
	return 1;
#else
	return !memcmp(a, b, n);
#endif
}

/* One frame through a transport: its record bytes, FRAME to END. Returns the
 * count, or a negative anpr_error. */
static long frame_records_roi(const struct anpr_transport_ops *ops, void *st, const uint8_t *px, unsigned w,
			      unsigned h, const unsigned *roi, uint8_t *out, size_t cap)
{
	size_t len = 0, off = 0;
	struct anpr_model_cfg cfg;
	int rc;

	/* the registers the pipe writes: the defaults, and a detection region */
	anpr_model_cfg_default(ops->params(st), &cfg, w, h);
	if (roi)
		cfg.roi_x0 = roi[0], cfg.roi_y0 = roi[1], cfg.roi_x1 = roi[2], cfg.roi_y1 = roi[3];
	rc = ops->send_frame(st, px, &cfg);

	if (rc)
		return rc;
	for (;;) {
		struct anpr_record rec;
		size_t used;
		const char *why;
		enum anpr_rec_status s = off < len ? anpr_rec_parse(out + off, len - off, &rec, &used, &why)
						   : ANPR_REC_INCOMPLETE;
		long n;

		if (s == ANPR_REC_OK) {
			off += used;
			if (rec.type == ANPR_REC_END)
				return (long)off;
			continue;
		}
		if (s == ANPR_REC_BAD)
			return ANPR_ERR_PROTOCOL;
		n = ops->recv(st, out + len, cap - len);
		if (n <= 0)
			return n ? n : ANPR_ERR_TIMEOUT;
		len += (size_t)n;
	}
}

static uint8_t *scene(unsigned w, unsigned h, uint32_t seed)
{
	uint8_t *px = malloc((size_t)w * h);

	scene_make(px, w, h, 5, seed);
	return px;
}

static long frame_records(const struct anpr_transport_ops *ops, void *st, const uint8_t *px, unsigned w,
			  unsigned h, uint8_t *out, size_t cap)
{
	return frame_records_roi(ops, st, px, w, h, NULL, out, cap);
}

/* frames 1..n of seeds through usb and model: the same bytes; frame 5 with
 * a detection region (its registers written over the wire), frame 6 back to
 * the whole frame */
static void test_records(void)
{
	static const unsigned left[4] = {0, 0, 640, 4095};
	static const struct {
		unsigned w, h;
		uint32_t seed;
		const unsigned *roi;
	} frames[] = {{W, H, 2026, NULL}, {W, H, 7, NULL}, {640, 480, 11, NULL}, {W, H, 99, NULL},
		      {W, H, 2026, left},  {W, H, 2026, NULL}};
	ft232h_emu *e = ft232h_emu_new(1);
	void *u = NULL, *m = NULL;
	char err[320] = "";
	int rc = anpr_transport_usb.open(&u, NULL, err, sizeof(err));
	long whole = 0;
	size_t cap = 1 << 20;
	uint8_t *a = malloc(cap), *b = malloc(cap);

	CHECK(rc == ANPR_OK, "open usb: %s", err);
	CHECK(anpr_transport_model.open(&m, NULL, err, sizeof(err)) == ANPR_OK, "open model: %s", err);
	if (rc == ANPR_OK) {
		CHECK(anpr_transport_usb.params(u)->max_width == 1280, "max width %u from the board's build registers",
		      anpr_transport_usb.params(u)->max_width);
		CHECK(ft232h_emu_saw_request(e, 0x0B, 0x40FF), "SET_BITMODE 0x40 (synchronous FIFO) sent");
		CHECK(ft232h_emu_saw_request(e, 0x09, 2), "latency timer set to 2 ms");
		CHECK(ft232h_emu_saw_request(e, 0x00, 1) && ft232h_emu_saw_request(e, 0x00, 2), "both purges");
		for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
			uint8_t *px = scene(frames[i].w, frames[i].h, frames[i].seed);
			long o0, i0, o1, i1, nu, nm;

			ft232h_emu_wire(e, &o0, &i0);
			nu = frame_records_roi(&anpr_transport_usb, u, px, frames[i].w, frames[i].h, frames[i].roi, a,
					       cap);
			ft232h_emu_wire(e, &o1, &i1);
			nm = frame_records_roi(&anpr_transport_model, m, px, frames[i].w, frames[i].h, frames[i].roi,
					       b, cap);
			printf("frame %zu, %ux%u: %u pixels, %ld bytes out; %ld record bytes, %ld bytes in (packets "
			       "with status bytes)\n", i + 1, frames[i].w, frames[i].h, frames[i].w * frames[i].h,
			       o1 - o0, nu, i1 - i0);

			CHECK(nu > 0, "frame %zu over usb: %ld: %s", i + 1, nu, anpr_transport_usb.errmsg(u));
			CHECK(nu == nm && nm > 12 * 2 && same_records(a, b, (size_t)nm),
			      "frame %zu (%ux%u): usb %ld record bytes, model %ld, %s", i + 1, frames[i].w,
			      frames[i].h, nu, nm, nu == nm ? "contents differ" : "lengths differ");
			if (i == 0)
				whole = nu;
			if (frames[i].roi) /* the same scene as frame 1: fewer candidates */
				CHECK(nu > 0 && nu < whole, "frame %zu with a region: %ld record bytes, %ld without",
				      i + 1, nu, whole);
			free(px);
		}
		anpr_transport_usb.close(u);
	}
	if (m)
		anpr_transport_model.close(m);
	free(a);
	free(b);
	ft232h_emu_free(e);
}

/* A session that ends without reading its records (a host killed
 * mid-frame) leaves them queued in the bridge; the next session's SYNC at
 * open drops them, and its frame reads as the model's second frame does. */
static void test_stale(void)
{
	ft232h_emu *e = ft232h_emu_new(1);
	uint8_t *px = scene(W, H, 2026), *px2 = scene(W, H, 7);
	size_t cap = 1 << 20;
	uint8_t *a = malloc(cap), *b = malloc(cap);
	void *u = NULL, *m = NULL;
	char err[320] = "";
	long nu = -1, nm;
	int rc = anpr_transport_usb.open(&u, NULL, err, sizeof(err));

	CHECK(rc == ANPR_OK, "open usb: %s", err);
	if (rc == ANPR_OK) {
		struct anpr_model_cfg cfg;

		anpr_model_cfg_default(anpr_transport_usb.params(u), &cfg, W, H);
		CHECK(anpr_transport_usb.send_frame(u, px, &cfg) == ANPR_OK, "send: %s", anpr_transport_usb.errmsg(u));
		anpr_transport_usb.close(u);
	}
	rc = anpr_transport_usb.open(&u, NULL, err, sizeof(err));
	CHECK(rc == ANPR_OK, "open usb again: %s", err);
	if (rc == ANPR_OK) {
		nu = frame_records(&anpr_transport_usb, u, px2, W, H, a, cap);
		CHECK(nu > 0, "the next session's frame: %ld: %s", nu, anpr_transport_usb.errmsg(u));
		anpr_transport_usb.close(u);
	}
	anpr_transport_model.open(&m, NULL, err, sizeof(err));
	frame_records(&anpr_transport_model, m, px, W, H, b, cap);
	nm = frame_records(&anpr_transport_model, m, px2, W, H, b, cap);
	CHECK(nu == nm && nm > 24 && same_records(a, b, (size_t)nm),
	      "a new session after unread records: usb %ld record bytes, model %ld", nu, nm);
	anpr_transport_model.close(m);
	free(a);
	free(b);
	free(px);
	free(px2);
	ft232h_emu_free(e);
}

/* The host descheduled between two bulk-OUT URBs of a frame for longer
 * than the bridge's command timeout (a loaded machine): the emulator times a
 * command out only once the host waits for replies, so the frame reads as
 * the model's (before, such a pause cut it: ERR TIMEOUT, a flaky test). */
static void test_pause(void)
{
	ft232h_emu *e = ft232h_emu_new(1);
	uint8_t *px = scene(W, H, 2026);
	size_t cap = 1 << 20;
	uint8_t *a = malloc(cap), *b = malloc(cap);
	void *u = NULL, *m = NULL;
	char err[320] = "";
	long nu = -1, nm, out, in;
	int rc = anpr_transport_usb.open(&u, NULL, err, sizeof(err));

	CHECK(rc == ANPR_OK, "open usb: %s", err);
	if (rc == ANPR_OK) {
		struct ft232h_faults f = {-1, -1, -1, -1, -1, -1, -1};

		ft232h_emu_wire(e, &out, &in);
		f.pause_out_at = out + 300000;
		ft232h_emu_faults(e, &f);
		nu = frame_records(&anpr_transport_usb, u, px, W, H, a, cap);
		CHECK(nu > 0, "a pause mid-upload: %ld: %s", nu, anpr_transport_usb.errmsg(u));
		anpr_transport_usb.close(u);
	}
	anpr_transport_model.open(&m, NULL, err, sizeof(err));
	nm = frame_records(&anpr_transport_model, m, px, W, H, b, cap);
	CHECK(nu == nm && same_records(a, b, (size_t)nm), "a pause mid-upload: usb %ld record bytes, model %ld", nu, nm);
	anpr_transport_model.close(m);
	free(a);
	free(b);
	free(px);
	ft232h_emu_free(e);
}

/* `anpr read --backend usb --json` = `--backend model` but for "ms" */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t n = 0, cap = 1 << 16;
	char *out = calloc(1, cap), *ms;
	int st;

	if (!p)
		return out;
	n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	st = pclose(p);
	CHECK(st == 0, "'%s' exited with status %d", cmd, st);
	while ((ms = strstr(out, "\"ms\":"))) { /* "ms":1.23 -> "ms"=   (kept apart from the rest) */
		char *end = ms + 5;

		while ((*end >= '0' && *end <= '9') || *end == '.')
			end++;
		memmove(ms + 4, end, strlen(end) + 1);
		ms[3] = '=';
	}
	return out;
}

static void test_tool(const char *build)
{
	ft232h_emu *e = ft232h_emu_new(1);
	char path[] = "/tmp/anpr_usb_XXXXXX", file[64], cmd[512];
	uint8_t *px = scene(W, H, 2026);
	char *a, *b;

	if (!mkdtemp(path)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(file, sizeof(file), "%s/scene.pgm", path);
	CHECK(!scene_write_pgm(file, px, W, H), "%s: cannot write", file);
	snprintf(cmd, sizeof(cmd), "%s/anpr read --backend usb --json %s %s", build, file, file);
	a = run(cmd);
	snprintf(cmd, sizeof(cmd), "%s/anpr read --backend model --json %s %s", build, file, file);
	b = run(cmd);
	CHECK(strstr(b, "\"text\":") != NULL, "the model reads plates in the scene: %s", b);
	CHECK(!strcmp(a, b), "JSON differs:\nusb:   %s\nmodel: %s", a, b);
	printf("anpr read --backend usb: %.120s...\n", a);
	free(a);
	free(b);
	/* the device vanishes during the first file: an error line for it, the
	 * second fails as clearly, exit status 1 */
	{
		struct ft232h_faults f = {ft232h_emu_sent(e) + 3000, -1, -1, -1, -1, -1, -1};
		FILE *p;
		char out[4096] = "";
		size_t n;
		int st;

		ft232h_emu_faults(e, &f);
		snprintf(cmd, sizeof(cmd), "%s/anpr read --backend usb:timeout=10000 --json %s %s", build, file, file);
		p = popen(cmd, "r");
		n = p ? fread(out, 1, sizeof(out) - 1, p) : 0;
		out[n] = 0;
		st = p ? pclose(p) : -1;
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "anpr read with the device vanishing: status %d", st);
		CHECK(strstr(out, "\"error\":\"usb: reading records: the device (bus 1 address 1) vanished") != NULL,
		      "anpr read with the device vanishing: %s", out);
		printf("anpr read --backend usb, device vanishing: %s", out);
	}
	unlink(file);
	rmdir(path);
	free(px);
	ft232h_emu_free(e);
}

/* A pipe on a fresh emulator; fault f armed `at` data bytes after open. */
static anpr_pipe *open_faulty(ft232h_emu *e, const char *backend, long at, int which)
{
	struct ft232h_faults f = {-1, -1, -1, -1, -1, -1, -1};
	char err[320];
	anpr_pipe *p = NULL;
	int rc = anpr_pipe_open(&p, backend, err, sizeof(err));

	CHECK(rc == ANPR_OK, "open %s: %s", backend, err);
	if (rc)
		return NULL;
	if (which == 7) { /* a malformed record in a well-framed chunk */
		ft232h_emu_fault_record(e, at);
		return p;
	}
	long *fld[7] = {&f.vanish_at, &f.corrupt_at, &f.stall_at, &f.short_at, &f.corrupt_out_at, &f.cut_out_at,
			&f.pause_out_at};
	long out, in;

	ft232h_emu_wire(e, &out, &in);
	*fld[which] = (which >= 4 ? out : ft232h_emu_sent(e)) + at;
	ft232h_emu_faults(e, &f);
	return p;
}

static void check_fault(const char *name, int which, long at, const char *backend, int want_rc, const char *want,
			int recovers)
{
	ft232h_emu *e = ft232h_emu_new(1);
	uint8_t *px = scene(W, H, 2026), *px2 = scene(W, H, 5);
	struct anpr_frame_result r, rm;
	anpr_pipe *p = open_faulty(e, backend, at, which), *m = NULL;
	char err[320];
	int rc;

	if (!p)
		goto out;
	rc = anpr_pipe_run(p, px, W, H, &r);
	CHECK(rc == want_rc, "%s: rc %d (%s), want %d", name, rc, anpr_pipe_errmsg(p), want_rc);
	CHECK(strstr(anpr_pipe_errmsg(p), want) != NULL, "%s: message '%s' lacks '%s'", name, anpr_pipe_errmsg(p),
	      want);
	printf("%s: %s\n", name, anpr_pipe_errmsg(p));
	if (recovers) {
		/* the next frame resynchronises (SYNC) and reads as the model does */
		struct ft232h_faults none = {-1, -1, -1, -1, -1, -1, -1};

		ft232h_emu_faults(e, &none);
		anpr_pipe_open(&m, "model", err, sizeof(err));
		anpr_pipe_run(m, px, W, H, &rm);
		rc = anpr_pipe_run(p, px2, W, H, &r);
		CHECK(rc == ANPR_OK, "%s: next frame: %s", name, anpr_pipe_errmsg(p));
		rc = anpr_pipe_run(m, px2, W, H, &rm);
		CHECK(rc == ANPR_OK && r.ncands == rm.ncands && r.frame.frame == rm.frame.frame &&
			      r.end.flags == rm.end.flags &&
			      r.end.found == rm.end.found && r.end.emitted == rm.end.emitted && r.end.dropped == rm.end.dropped,
		      "%s: next frame: usb frame %u with %u candidates, model frame %u with %u", name, r.frame.frame,
		      r.ncands, rm.frame.frame, rm.ncands);
		for (unsigned i = 0; rc == ANPR_OK && i < r.ncands && i < rm.ncands; i++)
			CHECK(r.cands[i].crop.w == rm.cands[i].crop.w && r.cands[i].crop.h == rm.cands[i].crop.h &&
				      !memcmp(r.cands[i].pixels, rm.cands[i].pixels,
					      (size_t)r.cands[i].crop.w * r.cands[i].crop.h),
			      "%s: candidate %u differs", name, i);
		anpr_pipe_close(m);
	} else {
		/* it stays an error, and a clear one */
		rc = anpr_pipe_run(p, px2, W, H, &r);
		CHECK(rc != ANPR_OK && strstr(anpr_pipe_errmsg(p), want), "%s: after: rc %d, '%s'", name, rc,
		      anpr_pipe_errmsg(p));
	}
	anpr_pipe_close(p);
out:
	free(px);
	free(px2);
	ft232h_emu_free(e);
}

/* A frame larger than the build (2560x1440 on the up5k's 1280) is binned
 * 2x2 and its crops cut from the frame as given: a device whose candidate
 * crop lies outside the frame it was sent must be a protocol error, not a
 * read past the end of the caller's frame; the pipe goes on after it. */
static void test_crop_outside(void)
{
	ft232h_emu *e = ft232h_emu_new(1);
	uint8_t *px = scene(W, H, 2026), *big = malloc((size_t)W * H * 4);
	struct anpr_frame_result r;
	anpr_pipe *p = NULL;
	char err[320];
	int rc = anpr_pipe_open(&p, "usb:timeout=10000", err, sizeof(err));

	CHECK(rc == ANPR_OK && big, "open usb: %s", err);
	if (rc || !big)
		goto out;
	for (unsigned y = 0; y < 2 * H; y++)
		for (unsigned x = 0; x < 2 * W; x++)
			big[(size_t)y * 2 * W + x] = px[(size_t)(y / 2) * W + x / 2];
	rc = anpr_pipe_run(p, big, 2 * W, 2 * H, &r);
	CHECK(rc == ANPR_OK && r.scale == 2 && r.ncands > 0 && r.frame.width == 2 * W,
	      "2560x1440 over usb: rc %d, scale %u, %u candidates: %s", rc, r.scale, r.ncands, anpr_pipe_errmsg(p));
#ifndef USB_RTL /* the model's test hook: the RTL sends its records as they are */
	ft232h_emu_fault_cand_move(e, (int)H); /* the first candidate a frame's height lower */
	rc = anpr_pipe_run(p, big, 2 * W, 2 * H, &r);
	CHECK(rc == ANPR_ERR_PROTOCOL && strstr(anpr_pipe_errmsg(p), "candidate crop outside the 1280x720 frame"),
	      "a crop outside the frame: rc %d '%s'", rc, anpr_pipe_errmsg(p));
	printf("a crop outside the binned frame: %s\n", anpr_pipe_errmsg(p));
#endif
	rc = anpr_pipe_run(p, big, 2 * W, 2 * H, &r);
	CHECK(rc == ANPR_OK && r.scale == 2 && r.ncands > 0, "the next frame after it: rc %d: %s", rc,
	      anpr_pipe_errmsg(p));
	anpr_pipe_close(p);
out:
	free(big);
	free(px);
	ft232h_emu_free(e);
}

/* The records' frame size and the boxes mapped back from a binned frame
 * are 16-bit: a frame wider than that must be refused, not binned and
 * reported as 464 wide (66000 mod 65536) with its boxes wrapped. */
static void test_too_large(void)
{
	uint8_t *px = calloc((size_t)66000 * 416, 1);
	struct anpr_frame_result r;
	anpr_pipe *p = NULL;
	char err[320];
	int rc = anpr_pipe_open(&p, "model", err, sizeof(err));

	CHECK(rc == ANPR_OK && px, "open model: %s", err);
	if (rc == ANPR_OK && px) {
		rc = anpr_pipe_run(p, px, 66000, 416, &r);
		CHECK(rc == ANPR_ERR_ARG && strstr(anpr_pipe_errmsg(p), "frame 66000x416 is larger than 8192 a side"),
		      "a 66000x416 frame: rc %d, '%s', frame width %u", rc, anpr_pipe_errmsg(p),
		      rc == ANPR_OK ? r.frame.width : 0);
	}
	anpr_pipe_close(p);
	free(px);
}

static void test_faults(const char *build)
{
	ft232h_emu *e;
	anpr_pipe *p = NULL;
	char err[320], cmd[512];
	int rc;

	check_fault("device vanishes mid-frame", 0, 3000, "usb:timeout=10000", ANPR_ERR_IO, "LIBUSB_ERROR_NO_DEVICE", 0);
	check_fault("corrupted packet", 1, 3000, "usb:timeout=10000", ANPR_ERR_PROTOCOL, "payload CRC", 1);
	check_fault("record stream stops", 2, 3000, "usb:timeout=1000", ANPR_ERR_TIMEOUT, "within 1000 ms", 1);
	check_fault("short packet", 3, 3000, "usb:timeout=10000", ANPR_ERR_PROTOCOL, "shorter than the FTDI", 1);
	check_fault("pixel corrupted on the way out", 4, 5000, "usb:timeout=10000", ANPR_ERR_IO,
		    "the device answered ERR 2 (payload CRC failed) to command 0x04", 1);
	/* the bulk-OUT stream fails part-way through a FRAME's pixels: the bridge
	 * takes the SYNC that follows as pixels until its command timeout, so
	 * the host must send it again after the timeout */
	check_fault("frame upload cut off", 5, 100000, "usb:timeout=3000", ANPR_ERR_IO, "sending the frame", 1);
	/* the frame's first record malformed inside a good chunk: the pipe stops
	 * reading the frame, and the rest of its records must not be read as
	 * the next frame's (the transport's discard: SYNC first) */
#ifndef USB_RTL /* the model's test hook: the RTL sends its records as they are */
	check_fault("malformed record", 7, 0, "usb:timeout=10000", ANPR_ERR_PROTOCOL, "bad record at byte 0", 1);
#endif

	/* no device at all */
	e = ft232h_emu_new(0);
	rc = anpr_pipe_open(&p, "usb", err, sizeof(err));
	CHECK(rc == ANPR_ERR_IO && strstr(err, "no USB device 0403:6014"), "no device: rc %d '%s'", rc, err);
	printf("no device: %s\n", err);
	snprintf(cmd, sizeof(cmd), "%s/anpr read --backend usb --json /dev/null 2>&1", build);
	{
		FILE *f = popen(cmd, "r");
		char line[400] = "";

		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = 0;
			rc = pclose(f);
			CHECK(WEXITSTATUS(rc) == 1 && strstr(line, "no USB device"), "anpr without a device: %d '%s'",
			      rc, line);
		}
	}
	ft232h_emu_free(e);

	/* a device at a bus and address where there is none; bad ARGS */
	e = ft232h_emu_new(1);
	rc = anpr_pipe_open(&p, "usb:3:9", err, sizeof(err));
	CHECK(rc == ANPR_ERR_IO && strstr(err, "bus 3 address 9"), "usb:3:9: rc %d '%s'", rc, err);
	rc = anpr_pipe_open(&p, "usb:1:1,timeout=2000", err, sizeof(err));
	CHECK(rc == ANPR_OK, "usb:1:1: %s", err);
	if (rc == ANPR_OK)
		anpr_pipe_close(p);
	rc = anpr_pipe_open(&p, "usb:0403:6014", err, sizeof(err));
	CHECK(rc == ANPR_OK, "usb:0403:6014: %s", err);
	if (rc == ANPR_OK)
		anpr_pipe_close(p);
	rc = anpr_pipe_open(&p, "usb:12", err, sizeof(err));
	CHECK(rc == ANPR_ERR_ARG, "usb:12: rc %d '%s'", rc, err);
	ft232h_emu_free(e);
}

/* Permission denied: the tool as user nobody, the device node root's only
 * (the rest of the testbed readable, as /sys is). Needs root. */
static void test_permission(const char *build)
{
	ft232h_emu *e;
	char cmd[1024], out[1024] = "";
	FILE *p;
	size_t n;
	int st;

	if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK)) {
		printf("permission denied: skipped (needs root and setpriv to run the tool as another user)\n");
		return;
	}
	e = ft232h_emu_new(1);
	snprintf(cmd, sizeof(cmd),
		 "chmod -R a+rwX '%s' && chmod 0600 '%s/dev/bus/usb/001/001' && "
		 "setpriv --reuid=65534 --regid=65534 --clear-groups %s/anpr read --backend usb /dev/null 2>&1",
		 ft232h_emu_root(e), ft232h_emu_root(e), build);
	p = popen(cmd, "r");
	n = p ? fread(out, 1, sizeof(out) - 1, p) : 0;
	out[n] = 0;
	st = p ? pclose(p) : -1;
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(out, "permission denied opening the device at bus 1 address 1"),
	      "permission denied: status %d, '%s'", st, out);
	printf("permission denied: %s", out);
	ft232h_emu_free(e);
}

/* ---- the bridge model on a damaged command stream ---- */

static size_t cmd(uint8_t *out, uint8_t op, uint8_t seq, const uint8_t *payload, uint32_t len)
{
	return anpr_usb_msg_put(out, ANPR_USB_MAGIC_CMD, op, seq, payload, len);
}

/* the device's messages, in order, types and seqs into t[] s[] */
static unsigned replies(anpr_bridge *b, uint8_t *t, uint8_t *s, uint8_t *code, unsigned max, uint8_t *rec,
			size_t *reclen)
{
	const uint8_t *p;
	size_t n = anpr_bridge_pending(b, &p), off = 0;
	unsigned k = 0;

	*reclen = 0;
	while (off < n) {
		struct anpr_usb_msg m;
		size_t used;
		const char *why;

		if (anpr_usb_msg_parse(p + off, n - off, &m, &used, &why) != ANPR_USB_OK) {
			CHECK(0, "the bridge sent a bad message (%s)", why);
			break;
		}
		if (m.type == ANPR_USB_MSG_REC) {
			memcpy(rec + *reclen, m.payload, m.len);
			*reclen += m.len;
		} else if (k < max) {
			t[k] = m.type;
			s[k] = m.seq;
			code[k++] = m.type == ANPR_USB_MSG_ERR ? m.payload[0] : 0;
		}
		off += used;
	}
	anpr_bridge_consume(b, n);
	return k;
}

/* the checks and the worked example of docs/usb.md section 3 */
static void test_wire(void)
{
	static const uint8_t write1[] = {0xA5, 0x02, 0x01, 0x06, 0x00, 0x00, 0x00, 0xC5,
					 0x18, 0x00, 0x28, 0x00, 0x00, 0x00, 0x5B, 0xAB};
	const uint8_t p[6] = {0x18, 0, 40, 0, 0, 0};
	uint8_t buf[32], raw[1100], out[1100];
	long n;

	CHECK(anpr_usb_crc8((const uint8_t *)"123456789", 9) == 0xF4, "CRC-8 check value");
	CHECK(anpr_usb_crc16(0xFFFF, (const uint8_t *)"123456789", 9) == 0x29B1, "CRC-16/CCITT-FALSE check value");
	CHECK(anpr_usb_msg_put(buf, ANPR_USB_MAGIC_CMD, ANPR_USB_OP_WRITE, 1, p, 6) == sizeof(write1) &&
		      !memcmp(buf, write1, sizeof(write1)),
	      "the WRITE example of usb.md");
	/* two full packets and a short one: 3 x 2 status bytes stripped */
	for (int i = 0; i < 1100; i++)
		raw[i] = (uint8_t)i;
	n = anpr_ftdi_strip(raw, 1100, out);
	CHECK(n == 1094 && out[0] == 2 && out[509] == 511 % 256 && out[510] == 514 % 256 && out[1093] == 1099 % 256,
	      "FTDI strip: %ld bytes", n);
	CHECK(anpr_ftdi_strip(raw, 1025, out) == -1, "a 1-byte last packet");
}

static void test_bridge(void)
{
	anpr_bridge *b = anpr_bridge_new(NULL);
	uint8_t buf[64], t[8], s[8], code[8], *rec = malloc(1 << 20), *frame;
	size_t n, reclen;
	unsigned k;
	uint8_t p[6] = {0x18, 0, 40, 0, 0, 0}; /* cfg_edge_thr = 40 */
	const unsigned fw = 64, fh = 16;

	/* a header with a flipped bit: ERR HEADER once, then the next command works */
	n = cmd(buf, ANPR_USB_OP_WRITE, 1, p, 6);
	buf[4] ^= 0x10;
	anpr_bridge_write(b, buf, n);
	anpr_bridge_write(b, buf, n); /* still bad: no second ERR */
	n = cmd(buf, ANPR_USB_OP_WRITE, 2, p, 6);
	anpr_bridge_write(b, buf, n);
	k = replies(b, t, s, code, 8, rec, &reclen);
	CHECK(k == 2 && t[0] == ANPR_USB_MSG_ERR && code[0] == ANPR_USB_E_HEADER && t[1] == ANPR_USB_MSG_ACK && s[1] == 2,
	      "bad header then good: %u replies", k);

	/* payload CRC, unknown op, wrong length, read-only register */
	n = cmd(buf, ANPR_USB_OP_WRITE, 3, p, 6);
	buf[n - 1] ^= 1;
	anpr_bridge_write(b, buf, n);
	n = cmd(buf, 0x7E, 4, p, 6);
	anpr_bridge_write(b, buf, n);
	n = cmd(buf, ANPR_USB_OP_READ, 5, p, 6);
	anpr_bridge_write(b, buf, n);
	p[0] = 0x80;
	n = cmd(buf, ANPR_USB_OP_WRITE, 6, p, 6);
	anpr_bridge_write(b, buf, n);
	p[0] = 0x18;
	n = cmd(buf, ANPR_USB_OP_READ, 7, p, 2);
	anpr_bridge_write(b, buf, n);
	k = replies(b, t, s, code, 8, rec, &reclen);
	CHECK(k == 5 && code[0] == ANPR_USB_E_CRC && code[1] == ANPR_USB_E_OP && code[2] == ANPR_USB_E_LEN &&
		      code[3] == ANPR_USB_E_RO && t[4] == ANPR_USB_MSG_REG && s[4] == 7,
	      "CRC, op, length, read-only, read: %u replies", k);

	/* a FRAME cut off after 100 pixels: nothing until the timeout, then ERR
	 * TIMEOUT and the pipeline's END for the dropped frame; the next frame is whole */
	frame = malloc(8 + 4 + fw * fh + 2);
	memset(frame, 0, 8 + 4 + fw * fh + 2);
	{
		uint8_t *pl = malloc(4 + fw * fh);

		anpr_usb_put16(pl, (uint16_t)fw);
		anpr_usb_put16(pl + 2, (uint16_t)fh);
		memset(pl + 4, 128, fw * fh);
		n = cmd(frame, ANPR_USB_OP_FRAME, 8, pl, 4 + fw * fh);
		free(pl);
	}
	anpr_bridge_write(b, frame, 8 + 4 + 100);
	CHECK(anpr_bridge_busy(b), "a cut FRAME leaves the bridge waiting");
	k = replies(b, t, s, code, 8, rec, &reclen);
	CHECK(k == 0 && reclen == 0, "nothing before the timeout");
	anpr_bridge_timeout(b);
	k = replies(b, t, s, code, 8, rec, &reclen);
	CHECK(k == 1 && code[0] == ANPR_USB_E_TIMEOUT && s[0] == 8, "timeout: %u replies", k);
	CHECK(reclen == 24 && rec[0] == ANPR_REC_FRAME && rec[12] == ANPR_REC_END &&
		      (rec[13] & (ANPR_END_F_SHORT_LINE | ANPR_END_F_LONG_LINE)),
	      "the cut frame ends at once, dropped: %zu record bytes, END flags 0x%02x", reclen,
	      reclen >= 14 ? rec[13] : 0);
	anpr_bridge_write(b, frame, n);
	k = replies(b, t, s, code, 8, rec, &reclen);
	CHECK(k == 1 && t[0] == ANPR_USB_MSG_ACK && reclen == 24 && rec[12] == ANPR_REC_END && rec[13] == 0 &&
		      anpr_usb_get16(rec + 20) == fh,
	      "the next frame: %u replies, %zu record bytes", k, reclen);
	/* FRAME whose size does not match its length: ERR LEN, nothing pushed */
	anpr_usb_put16(frame + 8, (uint16_t)(fw + 1));
	n = cmd(frame, ANPR_USB_OP_FRAME, 9, frame + 8, 4 + fw * fh);
	anpr_bridge_write(b, frame, n);
	k = replies(b, t, s, code, 8, rec, &reclen);
	CHECK(k == 1 && code[0] == ANPR_USB_E_LEN && reclen == 0, "FRAME size/len mismatch: %u replies", k);
	/* a header cut off after its op and seq: ERR TIMEOUT names them, as
	 * received (not those of the command before) */
	{
		const uint8_t part[3] = {ANPR_USB_MAGIC_CMD, ANPR_USB_OP_READ, 10};
		const uint8_t *o;
		struct anpr_usb_msg m;
		size_t used, len;
		const char *why;

		anpr_bridge_write(b, part, sizeof(part));
		anpr_bridge_timeout(b);
		len = anpr_bridge_pending(b, &o);
		CHECK(anpr_usb_msg_parse(o, len, &m, &used, &why) == ANPR_USB_OK && m.type == ANPR_USB_MSG_ERR &&
			      m.payload[0] == ANPR_USB_E_TIMEOUT && m.payload[1] == ANPR_USB_OP_READ && m.seq == 10,
		      "a cut header: ERR TIMEOUT of op 0x%02x #%u", len >= 10 ? o[9] : 0, len >= 3 ? o[2] : 0);
		anpr_bridge_consume(b, len);
	}
	free(frame);
	free(rec);
	anpr_bridge_free(b);
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";

	const char *pre = getenv("LD_PRELOAD");

	if (!pre || !strstr(pre, "libumockdev-preload")) {
		fprintf(stderr, "test_usb: run under umockdev-wrapper (LD_PRELOAD=libumockdev-preload.so.0)\n");
		return 1;
	}
	test_wire();
	test_bridge();
	test_records();
	test_stale();
	test_pause();
	test_tool(build);
	test_faults(build);
	test_crop_outside();
	test_too_large();
	test_permission(build);
	printf("test_usb: %d checks, %d failed\n", checks, failures);
	return failures != 0;
}
