/*
 * anpr_bridge.c - C model of the board's USB bridge (anpr_bridge.h,
 * docs/usb.md section 3).
 */
#include "anpr_bridge.h"

#include <stdlib.h>
#include <string.h>

#include "anpr/protocol.h"
#include "anpr/usbwire.h"

enum state { HUNT, HDR, SMALL, FRAME_HEAD, PIXELS, CRC, SKIP };

struct anpr_bridge {
	struct anpr_model_params par;
	anpr_model *m;
	struct anpr_model_cfg shadow; /* cfg_* as written; committed by FRAME */
	enum state st;
	uint8_t hdr[ANPR_USB_HDR_LEN];
	struct anpr_usb_hdr h;
	size_t got;      /* bytes of the current part (header, payload, CRC) */
	uint64_t left;   /* SKIP: bytes still to skip; PIXELS: pixels still due */
	uint8_t pay[8];  /* small payloads, the FRAME's width and height */
	uint8_t crc[2];
	uint16_t sum;    /* running CRC-16 of the payload */
	unsigned w, col; /* FRAME: width, column of the next pixel */
	int hdr_err;     /* ERR HEADER sent; quiet until a good header */
	uint8_t rec_seq;
	uint64_t rec_bytes; /* record bytes chunked so far */
	int64_t rec_fault;  /* anpr_bridge_fault_record: that byte inverted (-1: none) */
	int cand_move;      /* anpr_bridge_fault_cand_move: dy (0: none) */
	uint8_t *moved;     /* the records with that candidate moved */
	uint8_t *out;    /* device -> host bytes */
	size_t out_len, out_cap, out_off;
};

anpr_bridge *anpr_bridge_new(const char *preset)
{
	anpr_bridge *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	if (anpr_model_params_preset(&b->par, preset ? preset : "up5k") || !(b->m = anpr_model_new(&b->par))) {
		free(b);
		return NULL;
	}
	anpr_model_cfg_default(&b->par, &b->shadow, 640, 480);
	b->rec_fault = -1;
	return b;
}

void anpr_bridge_fault_record(anpr_bridge *b, long after)
{
	b->rec_fault = after < 0 ? -1 : (int64_t)b->rec_bytes + after;
}

void anpr_bridge_fault_cand_move(anpr_bridge *b, int dy)
{
	b->cand_move = dy;
}

/* The pending records with the first whole candidate's y fields moved
 * (anpr_bridge_fault_cand_move), or bytes as they are. */
static const uint8_t *move_cand(anpr_bridge *b, const uint8_t *bytes, const uint8_t *last, size_t n)
{
	size_t s = 0, e, seg, i;
	uint8_t *m;

	for (; s < n; s = e + 1) {
		for (e = s; e < n && !last[e]; e++)
			;
		if (e == n)
			return bytes;
		if (bytes[s] != ANPR_REC_CAND)
			continue;
		m = realloc(b->moved, n);
		if (!m)
			return bytes;
		b->moved = m;
		memcpy(m, bytes, n);
		seg = s + ANPR_CAND_HDR_LEN + (size_t)anpr_usb_get16(m + s + ANPR_CAND_OFF_CROP_W) *
						      anpr_usb_get16(m + s + ANPR_CAND_OFF_CROP_H);
		anpr_usb_put16(m + s + ANPR_CAND_OFF_BOX_Y,
			       (uint16_t)(anpr_usb_get16(m + s + ANPR_CAND_OFF_BOX_Y) + b->cand_move));
		anpr_usb_put16(m + s + ANPR_CAND_OFF_CROP_Y,
			       (uint16_t)(anpr_usb_get16(m + s + ANPR_CAND_OFF_CROP_Y) + b->cand_move));
		for (i = 0; seg + 1 <= e && i < m[seg + 1]; i++) {
			uint8_t *y = m + seg + ANPR_SEG_HDR_LEN + i * ANPR_CHAR_LEN + 2;

			anpr_usb_put16(y, (uint16_t)(anpr_usb_get16(y) + b->cand_move));
		}
		b->cand_move = 0;
		return m;
	}
	return bytes;
}

void anpr_bridge_free(anpr_bridge *b)
{
	if (!b)
		return;
	free(b->moved);
	anpr_model_free(b->m);
	free(b->out);
	free(b);
}

static void out_put(anpr_bridge *b, uint8_t type, uint8_t seq, const uint8_t *payload, uint32_t len)
{
	size_t need = ANPR_USB_HDR_LEN + len + ANPR_USB_CRC_LEN;

	if (b->out_off && b->out_off == b->out_len)
		b->out_off = b->out_len = 0;
	if (b->out_len + need > b->out_cap) {
		size_t cap = b->out_cap ? b->out_cap : 4096;
		uint8_t *o;

		while (cap < b->out_len + need)
			cap *= 2;
		o = realloc(b->out, cap);
		if (!o)
			abort(); /* a test model: out of memory is fatal */
		b->out = o;
		b->out_cap = cap;
	}
	b->out_len += anpr_usb_msg_put(b->out + b->out_len, ANPR_USB_MAGIC_MSG, type, seq, payload, len);
}

static void reply_err(anpr_bridge *b, uint8_t code, uint16_t detail)
{
	uint8_t p[4] = {code, b->h.op, 0, 0};

	anpr_usb_put16(p + 2, detail);
	out_put(b, ANPR_USB_MSG_ERR, b->h.seq, p, 4);
}

/* The pipeline's output so far as REC messages: a chunk ends at a record's
 * last byte or at ANPR_USB_REC_MAX bytes. */
static void drain_records(anpr_bridge *b)
{
	const uint8_t *bytes, *last;
	size_t n = anpr_model_pending(b->m, &bytes, &last), i = 0;

	if (b->cand_move)
		bytes = move_cand(b, bytes, last, n);

	while (i < n) {
		size_t k = 0;

		while (i + k < n && k < ANPR_USB_REC_MAX && !last[i + k])
			k++;
		if (i + k < n && k < ANPR_USB_REC_MAX)
			k++; /* the record's last byte */
		if (b->rec_fault >= (int64_t)(b->rec_bytes + i) && b->rec_fault < (int64_t)(b->rec_bytes + i + k)) {
			uint8_t bad[ANPR_USB_REC_MAX];

			memcpy(bad, bytes + i, k);
			bad[b->rec_fault - (int64_t)(b->rec_bytes + i)] ^= 0xFF;
			b->rec_fault = -1;
			out_put(b, ANPR_USB_MSG_REC, b->rec_seq++, bad, (uint32_t)k);
		} else {
			out_put(b, ANPR_USB_MSG_REC, b->rec_seq++, bytes + i, (uint32_t)k);
		}
		i += k;
	}
	b->rec_bytes += n;
	anpr_model_consume(b->m, n);
}

static int reg_read(anpr_bridge *b, unsigned addr, uint32_t *v)
{
	struct anpr_model_status s;
	unsigned slot_aw = 0;

	while ((1u << slot_aw) < b->par.slot_bytes)
		slot_aw++;
	anpr_model_get_status(b->m, &s);
	switch (addr) {
	case ANPR_USB_REG_ID: *v = (uint32_t)ANPR_USB_ID_MAGIC << 16 | ANPR_PROTO_VERSION << 8; return 0;
	case ANPR_USB_REG_BUILD0: *v = (uint32_t)b->par.ring_lines << 16 | b->par.max_width; return 0;
	case ANPR_USB_REG_BUILD1: *v = (uint32_t)b->par.crop_max_h << 16 | b->par.crop_max_w; return 0;
	case ANPR_USB_REG_BUILD2: *v = (uint32_t)b->par.store_slots << 16 | slot_aw; return 0;
	case 0x80: *v = s.frames; return 0;
	case 0x84: *v = s.frames_ok; return 0;
	case 0x88: *v = s.frames_bad; return 0;
	case 0x8C: *v = s.discarded; return 0;
	case 0x90: *v = s.candidates; return 0;
	case 0x94: *v = s.dropped; return 0;
	case 0x98: *v = s.runs_lost; return 0;
	case 0x9C: *v = 1; return 0; /* untimed: every record is out when a READ is answered */
	}
	if (addr >= ANPR_USB_REG_CFG0 && addr < ANPR_USB_REG_CFG0 + 4 * ANPR_USB_REG_NCFG && !(addr & 3)) {
		*v = anpr_usb_cfg_value(&b->shadow, (addr - ANPR_USB_REG_CFG0) / 4);
		return 0;
	}
	return -1;
}

/* A small command whose payload and CRC have arrived intact. */
static void execute(anpr_bridge *b)
{
	unsigned addr = b->h.len >= 2 ? anpr_usb_get16(b->pay) : 0;
	uint8_t p[6];
	uint32_t v;

	switch (b->h.op) {
	case ANPR_USB_OP_SYNC:
		drain_records(b);
		out_put(b, ANPR_USB_MSG_ACK, b->h.seq, NULL, 0);
		return;
	case ANPR_USB_OP_READ:
		if (reg_read(b, addr, &v)) {
			reply_err(b, ANPR_USB_E_ADDR, (uint16_t)addr);
			return;
		}
		anpr_usb_put16(p, (uint16_t)addr);
		anpr_usb_put32(p + 2, v);
		out_put(b, ANPR_USB_MSG_REG, b->h.seq, p, 6);
		return;
	case ANPR_USB_OP_WRITE:
		if (addr >= ANPR_USB_REG_CFG0 && addr < ANPR_USB_REG_CFG0 + 4 * ANPR_USB_REG_NCFG && !(addr & 3)) {
			unsigned i = (addr - ANPR_USB_REG_CFG0) / 4;

			*anpr_usb_cfg_field(&b->shadow, i) =
				anpr_usb_get32(b->pay + 2) & ((1u << anpr_usb_cfg_regs[i].bits) - 1);
			out_put(b, ANPR_USB_MSG_ACK, b->h.seq, NULL, 0);
		} else if (!reg_read(b, addr, &v)) {
			reply_err(b, ANPR_USB_E_RO, (uint16_t)addr);
		} else {
			reply_err(b, ANPR_USB_E_ADDR, (uint16_t)addr);
		}
		return;
	}
}

static void skip(anpr_bridge *b, uint64_t n)
{
	b->left = n;
	b->st = n ? SKIP : HUNT;
}

/* The header is good: what its op and length ask for. */
static void start(anpr_bridge *b)
{
	static const uint32_t small_len[4] = {0, 6, 2};
	uint8_t op = b->h.op;

	b->got = 0;
	b->sum = 0xFFFF;
	if (op < ANPR_USB_OP_SYNC || op > ANPR_USB_OP_FRAME) {
		reply_err(b, ANPR_USB_E_OP, op);
		skip(b, (uint64_t)b->h.len + ANPR_USB_CRC_LEN);
	} else if (op == ANPR_USB_OP_FRAME ? b->h.len < 4 : b->h.len != small_len[op - 1]) {
		reply_err(b, ANPR_USB_E_LEN, 0);
		skip(b, (uint64_t)b->h.len + ANPR_USB_CRC_LEN);
	} else {
		b->st = op == ANPR_USB_OP_FRAME ? FRAME_HEAD : b->h.len ? SMALL : CRC;
	}
}

/* The FRAME's width and height have arrived: check, commit, stream. */
static void frame_begin(anpr_bridge *b)
{
	unsigned w = anpr_usb_get16(b->pay), h = anpr_usb_get16(b->pay + 2);
	struct anpr_model_cfg cfg = b->shadow;
	const char *field = NULL;

	if ((uint64_t)w * h + 4 != b->h.len || !w || !h) {
		reply_err(b, ANPR_USB_E_LEN, 0);
		skip(b, (uint64_t)b->h.len - 4 + ANPR_USB_CRC_LEN);
		return;
	}
	cfg.width = w;
	cfg.height = h;
	if (anpr_model_cfg_check(&b->par, &cfg, &field)) {
		int i = anpr_usb_cfg_find(field);

		if (i < 0) /* "aspect" is none of them: reported as min_aspect4 */
			i = anpr_usb_cfg_find("min_aspect4");
		reply_err(b, ANPR_USB_E_CFG, (uint16_t)(ANPR_USB_REG_CFG0 + 4 * i));
		skip(b, (uint64_t)b->h.len - 4 + ANPR_USB_CRC_LEN);
		return;
	}
	b->shadow = cfg;
	drain_records(b); /* what came before this frame goes first */
	anpr_model_configure(b->m, &cfg);
	b->w = w;
	b->col = 0;
	b->left = (uint64_t)w * h;
	b->st = PIXELS;
}

static void byte_in(anpr_bridge *b, uint8_t c)
{
	switch (b->st) {
	case HUNT:
		if (c != ANPR_USB_MAGIC_CMD)
			return;
		b->hdr[0] = c;
		b->got = 1;
		b->st = HDR;
		return;
	case HDR:
		b->hdr[b->got++] = c;
		if (b->got < ANPR_USB_HDR_LEN)
			return;
		if (anpr_usb_hdr_get(b->hdr, ANPR_USB_MAGIC_CMD, &b->h)) {
			if (!b->hdr_err) {
				b->h.op = b->hdr[1];
				b->h.seq = b->hdr[2];
				reply_err(b, ANPR_USB_E_HEADER, 0);
			}
			b->hdr_err = 1;
			b->st = HUNT;
			return;
		}
		b->hdr_err = 0;
		start(b);
		return;
	case SMALL:
	case FRAME_HEAD:
		b->pay[b->got++] = c;
		b->sum = anpr_usb_crc16(b->sum, &c, 1);
		if (b->got < (b->st == SMALL ? b->h.len : 4))
			return;
		b->got = 0;
		if (b->st == SMALL)
			b->st = CRC;
		else
			frame_begin(b);
		return;
	case PIXELS:
		b->sum = anpr_usb_crc16(b->sum, &c, 1);
		anpr_model_push(b->m, c, b->left == b->h.len - 4, b->col == b->w - 1);
		b->col = b->col == b->w - 1 ? 0 : b->col + 1;
		if (!--b->left) {
			b->got = 0;
			b->st = CRC;
		}
		return;
	case CRC:
		b->crc[b->got++] = c;
		if (b->got < 2)
			return;
		b->st = HUNT;
		if (anpr_usb_get16(b->crc) != b->sum) {
			reply_err(b, ANPR_USB_E_CRC, 0);
			drain_records(b);
		} else if (b->h.op == ANPR_USB_OP_FRAME) {
			out_put(b, ANPR_USB_MSG_ACK, b->h.seq, NULL, 0);
			drain_records(b);
		} else {
			execute(b);
		}
		return;
	case SKIP:
		if (!--b->left)
			b->st = HUNT;
		return;
	}
}

void anpr_bridge_write(anpr_bridge *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		byte_in(b, p[i]);
}

int anpr_bridge_busy(const anpr_bridge *b)
{
	return b->st != HUNT;
}

void anpr_bridge_timeout(anpr_bridge *b)
{
	if (b->st == HUNT)
		return;
	if (b->st == HDR) { /* the ERR names the cut command's op and seq, as far as they came */
		b->h.op = b->got > 1 ? b->hdr[1] : 0;
		b->h.seq = b->got > 2 ? b->hdr[2] : 0;
	}
	if (b->st == PIXELS) {
		/* end the cut frame now: a tlast before the line's last column
		 * (short line), or none on it (long line); either drops it */
		anpr_model_push(b->m, 0, 0, b->col != b->w - 1);
	}
	/* the records of a frame cut in its CRC (all its pixels in) go now
	 * too, before the ERR, as those of a frame cut in its pixels do (they
	 * used to wait for the next SYNC or FRAME: after a READ's reply) */
	drain_records(b);
	reply_err(b, ANPR_USB_E_TIMEOUT, 0);
	b->st = HUNT;
}

size_t anpr_bridge_pending(const anpr_bridge *b, const uint8_t **bytes)
{
	*bytes = b->out ? b->out + b->out_off : NULL;
	return b->out_len - b->out_off;
}

void anpr_bridge_consume(anpr_bridge *b, size_t n)
{
	b->out_off += n;
}
