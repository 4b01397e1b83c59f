/*
 * usbwire.c - the USB wire protocol's framing, checks and FTDI packets
 * (anpr/usbwire.h, docs/usb.md). Shared by the host transport and the C
 * model of the board's bridge.
 */
#include "anpr/usbwire.h"

#include <stddef.h>
#include <string.h>

#include "anpr_model.h"

#define CFG(name, bits) {#name, bits, offsetof(struct anpr_model_cfg, name)}
const struct anpr_usb_cfg_reg anpr_usb_cfg_regs[ANPR_USB_REG_NCFG] = {
	CFG(width, 12),   CFG(height, 12),     CFG(edge_thr, 8),   CFG(edge_k, 8),    CFG(edge_bias, 8),
	CFG(block_thr, 6), CFG(run_gap, 2),    CFG(min_run, 4),    CFG(link_tol, 3),  CFG(min_w, 12),
	CFG(max_w, 12),   CFG(min_h, 12),      CFG(max_h, 12),     CFG(min_aspect4, 8), CFG(max_aspect, 8),
	CFG(min_score, 16), CFG(max_cands, 4),   CFG(roi_x0, 12),    CFG(roi_y0, 12),   CFG(roi_x1, 12),
	CFG(roi_y1, 12),
};

int anpr_usb_cfg_find(const char *name)
{
	for (int i = 0; i < ANPR_USB_REG_NCFG; i++)
		if (!strcmp(anpr_usb_cfg_regs[i].name, name))
			return i;
	return -1;
}

uint8_t anpr_usb_crc8(const uint8_t *p, size_t n)
{
	uint8_t c = 0;

	while (n--) {
		c ^= *p++;
		for (int b = 0; b < 8; b++)
			c = (uint8_t)(c & 0x80 ? c << 1 ^ 0x07 : c << 1);
	}
	return c;
}

uint16_t anpr_usb_crc16(uint16_t crc, const uint8_t *p, size_t n)
{
	while (n--) {
		crc ^= (uint16_t)(*p++ << 8);
		for (int b = 0; b < 8; b++)
			crc = (uint16_t)(crc & 0x8000 ? crc << 1 ^ 0x1021 : crc << 1);
	}
	return crc;
}

void anpr_usb_hdr_put(uint8_t h[ANPR_USB_HDR_LEN], uint8_t magic, uint8_t op, uint8_t seq, uint32_t len)
{
	h[0] = magic;
	h[1] = op;
	h[2] = seq;
	anpr_usb_put32(h + 3, len);
	h[7] = anpr_usb_crc8(h, 7);
}

int anpr_usb_hdr_get(const uint8_t h[ANPR_USB_HDR_LEN], uint8_t magic, struct anpr_usb_hdr *out)
{
	if (h[0] != magic || anpr_usb_crc8(h, 7) != h[7])
		return -1;
	out->magic = h[0];
	out->op = h[1];
	out->seq = h[2];
	out->len = anpr_usb_get32(h + 3);
	return 0;
}

size_t anpr_usb_msg_put(uint8_t *out, uint8_t magic, uint8_t op, uint8_t seq, const uint8_t *payload,
			uint32_t len)
{
	anpr_usb_hdr_put(out, magic, op, seq, len);
	if (len)
		memcpy(out + ANPR_USB_HDR_LEN, payload, len);
	anpr_usb_put16(out + ANPR_USB_HDR_LEN + len, anpr_usb_crc16(0xFFFF, payload, len));
	return ANPR_USB_HDR_LEN + len + ANPR_USB_CRC_LEN;
}

/* bytes to skip after a bad message at buf: up to the next magic byte */
static size_t skip_to_magic(const uint8_t *buf, size_t len)
{
	const uint8_t *m = len > 1 ? memchr(buf + 1, ANPR_USB_MAGIC_MSG, len - 1) : NULL;

	return m ? (size_t)(m - buf) : len ? len : 1;
}

enum anpr_usb_status anpr_usb_msg_parse(const uint8_t *buf, size_t len, struct anpr_usb_msg *msg, size_t *used,
					const char **why)
{
	static const uint32_t fixed[4] = {0, 6, 4, 0}; /* ACK, REG, ERR payloads; REC varies */
	struct anpr_usb_hdr h;
	size_t total;

	if (len && buf[0] != ANPR_USB_MAGIC_MSG) {
		*why = "magic";
		*used = skip_to_magic(buf, len);
		return ANPR_USB_BAD;
	}
	if (len < ANPR_USB_HDR_LEN)
		return ANPR_USB_INCOMPLETE;
	if (anpr_usb_hdr_get(buf, ANPR_USB_MAGIC_MSG, &h)) {
		*why = "header check";
		*used = skip_to_magic(buf, len);
		return ANPR_USB_BAD;
	}
	if (h.op < ANPR_USB_MSG_ACK || h.op > ANPR_USB_MSG_REC) {
		*why = "type";
		*used = skip_to_magic(buf, len);
		return ANPR_USB_BAD;
	}
	if (h.op == ANPR_USB_MSG_REC ? h.len < 1 || h.len > ANPR_USB_REC_MAX : h.len != fixed[h.op - ANPR_USB_MSG_ACK]) {
		*why = "length";
		*used = skip_to_magic(buf, len);
		return ANPR_USB_BAD;
	}
	total = ANPR_USB_HDR_LEN + h.len + ANPR_USB_CRC_LEN;
	if (len < total)
		return ANPR_USB_INCOMPLETE;
	if (anpr_usb_crc16(0xFFFF, buf + ANPR_USB_HDR_LEN, h.len) != anpr_usb_get16(buf + ANPR_USB_HDR_LEN + h.len)) {
		*why = "payload CRC";
		*used = skip_to_magic(buf, len);
		return ANPR_USB_BAD;
	}
	msg->type = h.op;
	msg->seq = h.seq;
	msg->len = h.len;
	msg->payload = buf + ANPR_USB_HDR_LEN;
	*used = total;
	return ANPR_USB_OK;
}

long anpr_ftdi_strip(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t got = 0;

	for (size_t off = 0; off < n; off += ANPR_USB_PACKET) {
		size_t pk = n - off < ANPR_USB_PACKET ? n - off : ANPR_USB_PACKET;

		if (pk < ANPR_USB_STATUS_BYTES)
			return -1;
		memcpy(out + got, in + off + ANPR_USB_STATUS_BYTES, pk - ANPR_USB_STATUS_BYTES);
		got += pk - ANPR_USB_STATUS_BYTES;
	}
	return (long)got;
}
