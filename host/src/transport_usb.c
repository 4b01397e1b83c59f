/*
 * transport_usb.c - the board over USB (libusb-1.0): an FTDI FT232H in
 * FT245 synchronous FIFO mode in front of the bridge, docs/usb.md.
 *
 * ARGS (after "usb:"), comma-separated, all optional:
 *   VVVV:PPPP   the first device with this vendor:product, 4 hex digits each
 *               (default 0403:6014, the FT232H)
 *   BUS:ADDR    the device at this bus number and address (decimal, as lsusb
 *               prints them)
 *   timeout=MS  how long to wait for the device's next message (default 5000)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libusb.h>

#include "anpr/anpr.h"
#include "anpr/protocol.h"
#include "anpr/usbwire.h"
#include "anpr_model.h"
#include "transport.h"

#define XFER_IN 16384       /* bulk-IN transfer: 32 packets */
#define XFER_OUT 65536      /* bulk-OUT transfer */
#define FTDI_IFACE_INDEX 1  /* wIndex of the FTDI vendor requests: interface A */
#define FTDI_OUT_REQ 0x40   /* vendor, host to device, device */

struct usb_state {
	libusb_context *ctx;
	libusb_device_handle *h;
	unsigned timeout_ms;
	struct anpr_model_params par; /* the board's build, from its registers */
	struct anpr_model_cfg written;
	int have_written;
	uint8_t seq;            /* the next command's seq */
	uint8_t expect[32];     /* seqs of commands whose ACK has not come yet, oldest first */
	unsigned nexpect;
	int rec_seq_known;
	uint8_t rec_seq;        /* the next REC message's seq */
	int need_sync;          /* after an error: SYNC before the next frame */
	uint8_t *in;            /* stripped bulk-IN bytes not yet parsed */
	size_t in_off, in_len, in_cap;
	uint8_t *rec;           /* record bytes not yet delivered */
	size_t rec_off, rec_len, rec_cap;
	uint8_t *cmd;           /* the command stream of a frame */
	size_t cmd_cap;
	uint64_t pixels;
	size_t rec_budget;      /* record bytes the device may still send for this frame */
	char where[40];         /* "bus 1 address 4" */
	char err[320];
};

static int fail(struct usb_state *s, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	s->need_sync = 1;
	return rc;
}

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* a libusb failure as an anpr_error, with a message naming what failed */
static int usb_fail(struct usb_state *s, int r, const char *what)
{
	if (r == LIBUSB_ERROR_NO_DEVICE)
		return fail(s, ANPR_ERR_IO, "%s: the device (%s) vanished (LIBUSB_ERROR_NO_DEVICE)", what, s->where);
	if (r == LIBUSB_ERROR_TIMEOUT)
		return fail(s, ANPR_ERR_TIMEOUT, "%s: no answer from the device within %u ms", what, s->timeout_ms);
	return fail(s, ANPR_ERR_IO, "%s: %s (%s)", what, libusb_strerror(r), libusb_error_name(r));
}

static int grow(uint8_t **b, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 65536;
	uint8_t *n;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*b, c);
	if (!n)
		return -1;
	*b = n;
	*cap = c;
	return 0;
}

/* ---- the bulk endpoints ---- */

static int bulk_out(struct usb_state *s, const uint8_t *p, size_t n, const char *what)
{
	while (n) {
		int chunk = n > XFER_OUT ? XFER_OUT : (int)n, done = 0;
		int r = libusb_bulk_transfer(s->h, ANPR_USB_EP_OUT, (unsigned char *)p, chunk, &done, s->timeout_ms);

		if (r)
			return usb_fail(s, r, what);
		if (done <= 0)
			return fail(s, ANPR_ERR_IO, "%s: the device took no bytes", what);
		p += done;
		n -= (size_t)done;
	}
	return ANPR_OK;
}

/* One bulk-IN transfer (waiting at most until deadline), its data bytes
 * appended to s->in. A transfer of status bytes only appends nothing. */
static int bulk_in(struct usb_state *s, uint64_t deadline, const char *what)
{
	uint8_t raw[XFER_IN];
	uint64_t t = now_ms();
	int got = 0, r;
	long n;

	if (t >= deadline)
		return usb_fail(s, LIBUSB_ERROR_TIMEOUT, what);
	if (s->in_off && s->in_off == s->in_len)
		s->in_off = s->in_len = 0;
	if (grow(&s->in, &s->in_cap, s->in_len + XFER_IN))
		return fail(s, ANPR_ERR_NOMEM, "out of memory");
	r = libusb_bulk_transfer(s->h, ANPR_USB_EP_IN, raw, XFER_IN, &got, (unsigned)(deadline - t));
	if (r == LIBUSB_ERROR_TIMEOUT && got == 0)
		return usb_fail(s, r, what);
	if (r && r != LIBUSB_ERROR_TIMEOUT)
		return usb_fail(s, r, what);
	n = anpr_ftdi_strip(raw, (size_t)got, s->in + s->in_len);
	if (n < 0)
		return fail(s, ANPR_ERR_PROTOCOL,
			    "%s: a %d-byte bulk-IN packet, shorter than the FTDI's 2 status bytes", what,
			    got % ANPR_USB_PACKET);
	s->in_len += (size_t)n;
	return ANPR_OK;
}

/* The next device -> host message (valid until the next call). */
static int next_msg(struct usb_state *s, struct anpr_usb_msg *m, uint64_t deadline, const char *what)
{
	for (;;) {
		size_t used = 0;
		const char *why = "";
		enum anpr_usb_status st = anpr_usb_msg_parse(s->in + s->in_off, s->in_len - s->in_off, m, &used, &why);
		int rc;

		if (st == ANPR_USB_OK) {
			s->in_off += used;
			return ANPR_OK;
		}
		if (st == ANPR_USB_BAD) {
			s->in_off += used;
			return fail(s, ANPR_ERR_PROTOCOL, "%s: corrupt message from the device (%s)", what, why);
		}
		if (s->in_off) { /* keep the partial message at the front */
			memmove(s->in, s->in + s->in_off, s->in_len - s->in_off);
			s->in_len -= s->in_off;
			s->in_off = 0;
		}
		rc = bulk_in(s, deadline, what);
		if (rc)
			return rc;
	}
}

static const char *err_name(unsigned code)
{
	static const char *const names[] = {"?", "bad header", "payload CRC failed", "unknown command",
					    "bad length", "no such register", "read-only register",
					    "configuration does not fit the build", "command timed out"};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unknown error";
}

static int device_err(struct usb_state *s, const struct anpr_usb_msg *m, const char *what)
{
	unsigned code = m->payload[0], op = m->payload[1], detail = anpr_usb_get16(m->payload + 2);

	if (code == ANPR_USB_E_CFG || code == ANPR_USB_E_ADDR || code == ANPR_USB_E_RO)
		return fail(s, ANPR_ERR_IO, "%s: the device answered ERR %u (%s, register 0x%02x) to command 0x%02x #%u",
			    what, code, err_name(code), detail, op, m->seq);
	return fail(s, ANPR_ERR_IO, "%s: the device answered ERR %u (%s) to command 0x%02x #%u", what, code,
		    err_name(code), op, m->seq);
}

/* A message met while a frame's commands are outstanding. */
static int frame_msg(struct usb_state *s, const struct anpr_usb_msg *m, const char *what)
{
	switch (m->type) {
	case ANPR_USB_MSG_ERR:
		return device_err(s, m, what);
	case ANPR_USB_MSG_ACK:
		if (!s->nexpect || m->seq != s->expect[0])
			return fail(s, ANPR_ERR_PROTOCOL, "%s: unexpected ACK #%u from the device", what, m->seq);
		memmove(s->expect, s->expect + 1, --s->nexpect);
		return ANPR_OK;
	case ANPR_USB_MSG_REC:
		if (s->rec_seq_known && m->seq != s->rec_seq)
			return fail(s, ANPR_ERR_PROTOCOL, "%s: record chunk #%u lost (got #%u)", what, s->rec_seq,
				    m->seq);
		s->rec_seq_known = 1;
		s->rec_seq = (uint8_t)(m->seq + 1);
		if (m->len > s->rec_budget)
			return fail(s, ANPR_ERR_PROTOCOL,
				    "%s: the device sent more record bytes than two frames of this build can have", what);
		s->rec_budget -= m->len;
		if (s->rec_off && s->rec_off == s->rec_len)
			s->rec_off = s->rec_len = 0;
		if (grow(&s->rec, &s->rec_cap, s->rec_len + m->len))
			return fail(s, ANPR_ERR_NOMEM, "out of memory");
		memcpy(s->rec + s->rec_len, m->payload, m->len);
		s->rec_len += m->len;
		return ANPR_OK;
	default:
		return fail(s, ANPR_ERR_PROTOCOL, "%s: unexpected message 0x%02x from the device", what, m->type);
	}
}

/* Every command sent so far answered (ACK), records kept for recv. */
static int drain_acks(struct usb_state *s, const char *what)
{
	uint64_t deadline = now_ms() + s->timeout_ms;

	while (s->nexpect) {
		struct anpr_usb_msg m;
		int rc = next_msg(s, &m, deadline, what);

		if (rc || (rc = frame_msg(s, &m, what)))
			return rc;
	}
	return ANPR_OK;
}

static int send_cmd(struct usb_state *s, uint8_t op, const uint8_t *payload, uint32_t len, const char *what)
{
	uint8_t buf[ANPR_USB_HDR_LEN + 8 + ANPR_USB_CRC_LEN];
	uint8_t seq = s->seq++;

	return bulk_out(s, buf, anpr_usb_msg_put(buf, ANPR_USB_MAGIC_CMD, op, seq, payload, len), what);
}

/* A SYNC lost in a command the bridge was still receiving (a FRAME cut off
 * by a failed bulk-OUT, or by a host killed mid-upload) is taken as that
 * command's bytes; the bridge's command timeout then ends it. So SYNC is
 * sent again every SYNC_RESEND_MS (past that timeout), up to SYNC_TRIES. */
#define SYNC_RESEND_MS (3 * ANPR_USB_CMD_TIMEOUT_MS)
#define SYNC_TRIES 8

/* SYNC: everything before it (stale records, replies, a half-read message)
 * is read and dropped, up to the ACK of the first SYNC that got through;
 * the ACKs of SYNCs sent after it are expected like any command's. */
static int sync_device(struct usb_state *s)
{
	uint8_t first = s->seq;
	unsigned sent = 0;
	uint64_t deadline = now_ms() + s->timeout_ms, resend = 0;
	int rc;
	uint8_t got = 0;

	for (;;) {
		struct anpr_usb_msg m;
		uint64_t until = deadline;

		if (sent < SYNC_TRIES && now_ms() >= resend) {
			if ((rc = send_cmd(s, ANPR_USB_OP_SYNC, NULL, 0, "usb: SYNC")))
				return rc;
			sent++;
			resend = now_ms() + SYNC_RESEND_MS;
		}
		if (sent < SYNC_TRIES && resend < until)
			until = resend;
		rc = next_msg(s, &m, until, "usb: SYNC");
		if (rc == ANPR_ERR_PROTOCOL || (rc == ANPR_ERR_TIMEOUT && until < deadline))
			continue; /* resynchronising: skip to the next good message; or send SYNC again */
		if (rc)
			return rc;
		if (m.type == ANPR_USB_MSG_ACK && (uint8_t)(m.seq - first) < sent) {
			got = (uint8_t)(m.seq - first);
			break;
		}
	}
	s->nexpect = 0;
	while (++got < sent) /* the later SYNCs' ACKs are still to come */
		s->expect[s->nexpect++] = (uint8_t)(first + got);
	s->rec_off = s->rec_len = 0;
	s->rec_seq_known = 0;
	s->need_sync = 0;
	return ANPR_OK;
}

static int read_reg(struct usb_state *s, unsigned addr, uint32_t *v)
{
	uint8_t p[2], seq = s->seq;
	char what[40];
	int rc;

	snprintf(what, sizeof(what), "usb: read register 0x%02x", addr);
	anpr_usb_put16(p, (uint16_t)addr);
	rc = send_cmd(s, ANPR_USB_OP_READ, p, 2, what);
	for (;;) {
		struct anpr_usb_msg m;

		if (rc || (rc = next_msg(s, &m, now_ms() + s->timeout_ms, what)))
			return rc;
		if (m.type == ANPR_USB_MSG_REG && m.seq == seq && anpr_usb_get16(m.payload) == addr) {
			*v = anpr_usb_get32(m.payload + 2);
			return ANPR_OK;
		}
		if (m.type == ANPR_USB_MSG_ERR)
			return device_err(s, &m, what);
		rc = frame_msg(s, &m, what);
	}
}

/* ---- finding and opening the device ---- */

static int parse_args(struct usb_state *s, const char *args, int *bus, int *addr, int *vid, int *pid, char *err,
		      size_t errlen)
{
	char buf[128], *save = NULL, *tok;

	*bus = *addr = -1;
	*vid = ANPR_USB_VID;
	*pid = ANPR_USB_PID;
	s->timeout_ms = 5000;
	if (!args || !*args)
		return 0;
	if (strlen(args) >= sizeof(buf))
		goto bad;
	strcpy(buf, args);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':'), *end;
		unsigned long a, b;

		if (!strncmp(tok, "timeout=", 8)) {
			a = strtoul(tok + 8, &end, 10);
			if (*end || end == tok + 8 || a < 1 || a > 600000)
				goto bad;
			s->timeout_ms = (unsigned)a;
			continue;
		}
		if (!colon || strchr(colon + 1, ':'))
			goto bad;
		if (colon - tok == 4 && strlen(colon + 1) == 4) { /* VVVV:PPPP */
			a = strtoul(tok, &end, 16);
			if (end != colon)
				goto bad;
			b = strtoul(colon + 1, &end, 16);
			if (*end)
				goto bad;
			*vid = (int)a;
			*pid = (int)b;
		} else { /* BUS:ADDR */
			a = strtoul(tok, &end, 10);
			if (end != colon || end == tok || a > 255)
				goto bad;
			b = strtoul(colon + 1, &end, 10);
			if (*end || end == colon + 1 || b > 255)
				goto bad;
			*bus = (int)a;
			*addr = (int)b;
		}
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "usb: bad ARGS '%s' (VVVV:PPPP hex, or BUS:ADDR decimal, and/or timeout=MS, comma-separated)", args);
	return -1;
}

static int find_device(struct usb_state *s, int bus, int addr, int vid, int pid, libusb_device **out)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(s->ctx, &list);

	*out = NULL;
	if (n < 0)
		return usb_fail(s, (int)n, "usb: listing USB devices");
	for (ssize_t i = 0; i < n && !*out; i++) {
		struct libusb_device_descriptor d;

		if (libusb_get_device_descriptor(list[i], &d))
			continue;
		if (bus >= 0 ? libusb_get_bus_number(list[i]) == bus && libusb_get_device_address(list[i]) == addr
			     : d.idVendor == vid && d.idProduct == pid)
			*out = libusb_ref_device(list[i]);
	}
	libusb_free_device_list(list, 1);
	if (*out)
		return ANPR_OK;
	if (bus >= 0)
		return fail(s, ANPR_ERR_IO, "usb: no USB device at bus %d address %d", bus, addr);
	return fail(s, ANPR_ERR_IO, "usb: no USB device %04x:%04x found (is the board's FT232H plugged in?)", vid,
		    pid);
}

/* FT232H set-up for the FT245 synchronous FIFO (docs/usb.md section 2). */
static int ftdi_setup(struct usb_state *s)
{
	static const struct {
		uint8_t req;
		uint16_t value, index_hi;
		const char *what;
	} steps[] = {
		{0x00, 0x0000, 0x0000, "usb: FTDI reset"},
		{0x09, 0x0002, 0x0000, "usb: FTDI set latency timer (2 ms)"},
		{0x0B, 0x0000, 0x0000, "usb: FTDI set bit mode reset"},
		{0x0B, 0x40FF, 0x0000, "usb: FTDI set bit mode 0x40 (synchronous FIFO)"},
		{0x02, 0x0000, 0x0100, "usb: FTDI set flow control RTS/CTS"},
		{0x00, 0x0001, 0x0000, "usb: FTDI purge receive buffer"},
		{0x00, 0x0002, 0x0000, "usb: FTDI purge transmit buffer"},
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int r = libusb_control_transfer(s->h, FTDI_OUT_REQ, steps[i].req, steps[i].value,
						(uint16_t)(steps[i].index_hi | FTDI_IFACE_INDEX), NULL, 0, s->timeout_ms);

		if (r < 0)
			return usb_fail(s, r, steps[i].what);
	}
	return ANPR_OK;
}

/* The most record bytes one frame can have on this build: FRAME, at most
 * store_slots CANDs of the largest crop with 16 character boxes, END; twice,
 * for a frame the device ended early. More is a device gone wrong. */
static size_t frame_budget(const struct usb_state *s)
{
	return 2 * (ANPR_FRAME_LEN + ANPR_END_LEN +
		    (size_t)s->par.store_slots * (ANPR_CAND_HDR_LEN + (size_t)s->par.crop_max_w * s->par.crop_max_h +
						  ANPR_SEG_HDR_LEN + ANPR_CHAR_LEN * ANPR_MAX_CHARS));
}

static void usb_close(void *state);

static int usb_open(void **state, const char *args, char *err, size_t errlen)
{
	struct usb_state *s = calloc(1, sizeof(*s));
	libusb_device *dev = NULL;
	int bus, addr, vid, pid, r, rc;
	uint32_t id, b0, b1, b2;

	if (!s)
		return ANPR_ERR_NOMEM;
	if (parse_args(s, args, &bus, &addr, &vid, &pid, err, errlen)) {
		free(s);
		return ANPR_ERR_ARG;
	}
	r = libusb_init(&s->ctx);
	if (r) {
		snprintf(err, errlen, "usb: libusb_init failed: %s", libusb_error_name(r));
		free(s);
		return ANPR_ERR_IO;
	}
	rc = find_device(s, bus, addr, vid, pid, &dev);
	if (rc)
		goto out;
	snprintf(s->where, sizeof(s->where), "bus %u address %u", libusb_get_bus_number(dev),
		 libusb_get_device_address(dev));
	r = libusb_open(dev, &s->h);
	libusb_unref_device(dev);
	if (r == LIBUSB_ERROR_ACCESS) {
		rc = fail(s, ANPR_ERR_IO,
			  "usb: permission denied opening the device at %s (/dev/bus/usb): run as root or install "
			  "the udev rule of docs/usb.md", s->where);
		goto out;
	}
	if (r) {
		rc = usb_fail(s, r, "usb: opening the device");
		goto out;
	}
	libusb_set_auto_detach_kernel_driver(s->h, 1); /* ftdi_sio, if bound */
	r = libusb_claim_interface(s->h, 0);
	if (r) {
		rc = usb_fail(s, r, r == LIBUSB_ERROR_BUSY ? "usb: claiming interface 0 (another program has it)"
							  : "usb: claiming interface 0");
		goto out;
	}
	if ((rc = ftdi_setup(s)) || (rc = sync_device(s)) || (rc = read_reg(s, ANPR_USB_REG_ID, &id)))
		goto out;
	if (id >> 16 != ANPR_USB_ID_MAGIC || (id >> 8 & 0xFF) != ANPR_PROTO_VERSION) {
		rc = fail(s, ANPR_ERR_PROTOCOL,
			  "usb: the device at %s is not an ANPR bridge of protocol %u (ID register 0x%08x)", s->where,
			  ANPR_PROTO_VERSION, (unsigned)id);
		goto out;
	}
	if ((rc = read_reg(s, ANPR_USB_REG_BUILD0, &b0)) || (rc = read_reg(s, ANPR_USB_REG_BUILD1, &b1)) ||
	    (rc = read_reg(s, ANPR_USB_REG_BUILD2, &b2)))
		goto out;
	s->par.max_width = b0 & 0xFFFF;
	s->par.ring_lines = b0 >> 16;
	s->par.crop_max_w = b1 & 0xFFFF;
	s->par.crop_max_h = b1 >> 16;
	s->par.store_slots = b2 >> 16;
	s->par.slot_bytes = (b2 & 0xFFFF) < 31 ? 1u << (b2 & 0xFFFF) : 0;
	if (s->par.max_width < 16 || s->par.max_width > 4096 || !s->par.store_slots || !s->par.slot_bytes) {
		rc = fail(s, ANPR_ERR_PROTOCOL, "usb: the device reports an impossible build (0x%08x 0x%08x 0x%08x)",
			  (unsigned)b0, (unsigned)b1, (unsigned)b2);
		goto out;
	}
	s->rec_budget = frame_budget(s);
	*state = s;
	return ANPR_OK;
out:
	snprintf(err, errlen, "%s", s->err);
	usb_close(s);
	return rc;
}

static const struct anpr_model_params *usb_params(void *state)
{
	return &((struct usb_state *)state)->par;
}

static int usb_send_frame(void *state, const uint8_t *px, const struct anpr_model_cfg *cfg)
{
	struct usb_state *s = state;
	unsigned w = cfg->width, h = cfg->height;
	size_t n = 0, npx = (size_t)w * h;
	int rc;

	if (s->need_sync && (rc = sync_device(s)))
		return rc;
	if ((rc = drain_acks(s, "usb: finishing the previous frame")))
		return rc;
	s->rec_off = s->rec_len = 0; /* records of an earlier frame the caller did not read */
	if (grow(&s->cmd, &s->cmd_cap, ANPR_USB_REG_NCFG * 16 + npx + 16))
		return fail(s, ANPR_ERR_NOMEM, "out of memory");
	/* the registers that changed (width and height travel with FRAME) */
	for (unsigned i = 2; i < ANPR_USB_REG_NCFG; i++) {
		unsigned v = anpr_usb_cfg_value(cfg, i);
		uint8_t p[6];

		if (s->have_written && v == anpr_usb_cfg_value(&s->written, i))
			continue;
		anpr_usb_put16(p, (uint16_t)(ANPR_USB_REG_CFG0 + 4 * i));
		anpr_usb_put32(p + 2, v);
		s->expect[s->nexpect++] = s->seq;
		n += anpr_usb_msg_put(s->cmd + n, ANPR_USB_MAGIC_CMD, ANPR_USB_OP_WRITE, s->seq++, p, 6);
	}
	/* FRAME: header, width, height, pixels, CRC over all but the header */
	s->expect[s->nexpect++] = s->seq;
	anpr_usb_hdr_put(s->cmd + n, ANPR_USB_MAGIC_CMD, ANPR_USB_OP_FRAME, s->seq++, (uint32_t)(4 + npx));
	n += ANPR_USB_HDR_LEN;
	anpr_usb_put16(s->cmd + n, (uint16_t)w);
	anpr_usb_put16(s->cmd + n + 2, (uint16_t)h);
	memcpy(s->cmd + n + 4, px, npx);
	anpr_usb_put16(s->cmd + n + 4 + npx, anpr_usb_crc16(0xFFFF, s->cmd + n, 4 + npx));
	n += 4 + npx + ANPR_USB_CRC_LEN;
	rc = bulk_out(s, s->cmd, n, "usb: sending the frame");
	if (rc)
		return rc;
	s->written = *cfg;
	s->have_written = 1;
	s->pixels += npx;
	s->rec_budget = frame_budget(s);
	return ANPR_OK;
}

static long usb_recv(void *state, uint8_t *buf, size_t cap)
{
	struct usb_state *s = state;
	size_t n;

	while (s->rec_off == s->rec_len) {
		struct anpr_usb_msg m;
		int rc = next_msg(s, &m, now_ms() + s->timeout_ms, "usb: reading records");

		if (rc || (rc = frame_msg(s, &m, "usb: reading records")))
			return rc;
	}
	n = s->rec_len - s->rec_off < cap ? s->rec_len - s->rec_off : cap;
	memcpy(buf, s->rec + s->rec_off, n);
	s->rec_off += n;
	return (long)n;
}

static uint64_t usb_cycles(void *state)
{
	return ((struct usb_state *)state)->pixels;
}

static const char *usb_errmsg(void *state)
{
	return ((struct usb_state *)state)->err;
}

/* the rest of the frame's messages, read or still to come, are skipped by
 * the SYNC before the next frame (its ACK follows every record produced
 * before it) */
static void usb_discard(void *state)
{
	struct usb_state *s = state;

	s->rec_off = s->rec_len = 0;
	s->need_sync = 1;
}

static void usb_close(void *state)
{
	struct usb_state *s = state;

	if (s->h) {
		libusb_release_interface(s->h, 0);
		libusb_close(s->h);
	}
	if (s->ctx)
		libusb_exit(s->ctx);
	free(s->in);
	free(s->rec);
	free(s->cmd);
	free(s);
}

const struct anpr_transport_ops anpr_transport_usb = {
	"usb", usb_open, usb_params, usb_send_frame, usb_recv, usb_cycles, usb_close, usb_errmsg, usb_discard,
};
