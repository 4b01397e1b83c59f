/*
 * anpr/usbwire.h - the USB wire protocol between the host and the board's
 * bridge (docs/usb.md): framed commands host -> device, framed replies and
 * record chunks device -> host, and the FTDI bulk-IN packet format.
 *
 * Both directions use the same 8-byte header:
 *   0 magic (ANPR_USB_MAGIC_CMD host->device, ANPR_USB_MAGIC_MSG device->host)
 *   1 op / type   2 seq   3..6 len (u32 LE, payload bytes)   7 CRC-8 of bytes 0..6
 * then len payload bytes, then the CRC-16 of the payload (u16 LE, present even
 * when len is 0).
 */
#ifndef ANPR_USBWIRE_H
#define ANPR_USBWIRE_H

#include <stddef.h>
#include <stdint.h>

#define ANPR_USB_VID 0x0403 /* FTDI */
#define ANPR_USB_PID 0x6014 /* FT232H */
#define ANPR_USB_EP_IN 0x81
#define ANPR_USB_EP_OUT 0x02
#define ANPR_USB_PACKET 512     /* high-speed bulk packet; each IN packet starts with 2 status bytes */
#define ANPR_USB_STATUS_BYTES 2

#define ANPR_USB_MAGIC_CMD 0xA5
#define ANPR_USB_MAGIC_MSG 0x5A
#define ANPR_USB_HDR_LEN 8
#define ANPR_USB_CRC_LEN 2

/* host -> device */
#define ANPR_USB_OP_SYNC 0x01  /* len 0: ACK once every record produced before it has been sent */
#define ANPR_USB_OP_WRITE 0x02 /* len 6: addr u16, value u32 -> ACK */
#define ANPR_USB_OP_READ 0x03  /* len 2: addr u16 -> REG */
#define ANPR_USB_OP_FRAME 0x04 /* len 4 + w*h: width u16, height u16, pixels -> ACK after the last pixel */

/* device -> host */
#define ANPR_USB_MSG_ACK 0x81 /* len 0 */
#define ANPR_USB_MSG_REG 0x82 /* len 6: addr u16, value u32 */
#define ANPR_USB_MSG_ERR 0x83 /* len 4: code u8, op u8, detail u16 */
#define ANPR_USB_MSG_REC 0x84 /* len 1..ANPR_USB_REC_MAX: record bytes; seq counts REC messages */
#define ANPR_USB_REC_MAX 256
#define ANPR_USB_MSG_MAX ANPR_USB_REC_MAX /* the longest device->host payload */

/* ERR codes */
#define ANPR_USB_E_HEADER 1  /* header check failed (or reserved bits set); resynchronising */
#define ANPR_USB_E_CRC 2     /* payload CRC-16 failed (a FRAME's pixels were already taken) */
#define ANPR_USB_E_OP 3      /* unknown op */
#define ANPR_USB_E_LEN 4     /* len does not fit the op (FRAME: 4 + width * height) */
#define ANPR_USB_E_ADDR 5    /* no register at that address */
#define ANPR_USB_E_RO 6      /* a write to a read-only register */
#define ANPR_USB_E_CFG 7     /* FRAME: the configuration does not fit the build (detail: register address) */
#define ANPR_USB_E_TIMEOUT 8 /* the command stopped arriving mid-way (detail: 0) */

/* the bridge's register map (docs/registers.md) */
#define ANPR_USB_REG_ID 0x00
#define ANPR_USB_REG_BUILD0 0x04 /* RING_LINES << 16 | MAX_W */
#define ANPR_USB_REG_BUILD1 0x08 /* CROP_MAX_H << 16 | CROP_MAX_W */
#define ANPR_USB_REG_BUILD2 0x0C /* NSLOTS << 16 | log2(SLOT_BYTES) */
#define ANPR_USB_REG_CFG0 0x10   /* cfg_width .. cfg_roi_y1: 21 registers, 4 apart */
#define ANPR_USB_REG_NCFG 21
#define ANPR_USB_REG_STS0 0x80 /* sts_frames .. sts_idle: 8 registers */
#define ANPR_USB_REG_NSTS 8
#define ANPR_USB_ID_MAGIC 0x414E /* "AN", bits 31..16 of the ID register */

/* A command stopped arriving for this long is abandoned (ERR TIMEOUT). */
#define ANPR_USB_CMD_TIMEOUT_MS 100

/* The cfg_* registers in address order (0x10 + 4 i): name (as
 * anpr_model_cfg_check names it, "cfg_" left off) and width in bits. */
struct anpr_usb_cfg_reg {
	const char *name;
	unsigned bits;
	size_t offset; /* of the unsigned field in struct anpr_model_cfg */
};
extern const struct anpr_usb_cfg_reg anpr_usb_cfg_regs[ANPR_USB_REG_NCFG];

/* The index in anpr_usb_cfg_regs of the register named name, or -1. */
int anpr_usb_cfg_find(const char *name);

struct anpr_model_cfg;

/* The field of cfg that register i (anpr_usb_cfg_regs[i]) sets. */
static inline unsigned *anpr_usb_cfg_field(struct anpr_model_cfg *cfg, unsigned i)
{
	return (unsigned *)((char *)cfg + anpr_usb_cfg_regs[i].offset);
}

static inline unsigned anpr_usb_cfg_value(const struct anpr_model_cfg *cfg, unsigned i)
{
	return *(const unsigned *)((const char *)cfg + anpr_usb_cfg_regs[i].offset);
}

struct anpr_usb_hdr {
	uint8_t magic, op, seq;
	uint32_t len;
};

uint8_t anpr_usb_crc8(const uint8_t *p, size_t n);
/* CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF); continue with crc = previous result */
uint16_t anpr_usb_crc16(uint16_t crc, const uint8_t *p, size_t n);

/* Write a header for (magic, op, seq, len) into h[8]. */
void anpr_usb_hdr_put(uint8_t h[ANPR_USB_HDR_LEN], uint8_t magic, uint8_t op, uint8_t seq, uint32_t len);
/* Check h[8]: magic and CRC-8. Returns 0 and fills *out, or -1. */
int anpr_usb_hdr_get(const uint8_t h[ANPR_USB_HDR_LEN], uint8_t magic, struct anpr_usb_hdr *out);

/* A whole message (header, payload, CRC) into out, which must hold
 * ANPR_USB_HDR_LEN + len + ANPR_USB_CRC_LEN bytes. Returns its length. */
size_t anpr_usb_msg_put(uint8_t *out, uint8_t magic, uint8_t op, uint8_t seq, const uint8_t *payload,
			uint32_t len);

/* One device -> host message at the start of buf. */
enum anpr_usb_status { ANPR_USB_OK = 0, ANPR_USB_INCOMPLETE = 1, ANPR_USB_BAD = -1 };
struct anpr_usb_msg {
	uint8_t type, seq;
	uint32_t len;
	const uint8_t *payload; /* into buf */
};
/* OK: *msg filled, *used = its length. INCOMPLETE: more bytes needed.
 * BAD: *why names the check, *used = bytes to skip to the next possible
 * magic byte (at least 1). */
enum anpr_usb_status anpr_usb_msg_parse(const uint8_t *buf, size_t len, struct anpr_usb_msg *msg, size_t *used,
					const char **why);

/* Strip the 2 modem-status bytes from every 512-byte packet of one bulk-IN
 * transfer of n bytes (packets at 0, 512, ...). Writes the data bytes to out
 * (at least n bytes). Returns their count, or -1 when a packet is shorter
 * than its 2 status bytes. */
long anpr_ftdi_strip(const uint8_t *in, size_t n, uint8_t *out);

static inline uint16_t anpr_usb_get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t anpr_usb_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void anpr_usb_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void anpr_usb_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

#endif /* ANPR_USBWIRE_H */
