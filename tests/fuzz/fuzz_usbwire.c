/*
 * fuzz_usbwire.c - libFuzzer target for the USB wire protocol's parsers of
 * outside input (anpr/usbwire.h, docs/usb.md):
 *
 *   host side: the input as one bulk-IN transfer: the FTDI status bytes
 *   stripped (anpr_ftdi_strip), then parsed as device messages the way the
 *   usb transport does (anpr_usb_msg_parse; BAD skips *used bytes);
 *   device side: the input as the command stream into the bridge's C model
 *   (sim/bridge), in two pieces, with a timeout at the end; whatever the
 *   input, every byte the bridge sends back must parse as good messages.
 *
 * Besides memory errors (the sanitizers), a broken promise aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/usbwire.h"
#include "anpr_bridge.h"

#define CHECK(cond)                                                                               \
	do {                                                                                      \
		if (!(cond))                                                                      \
			abort();                                                                  \
	} while (0)

static void host_side(const uint8_t *data, size_t size)
{
	uint8_t *s = malloc(size + 1);
	long n = anpr_ftdi_strip(data, size, s);
	size_t off = 0;

	if (n < 0) {
		CHECK(size % ANPR_USB_PACKET < ANPR_USB_STATUS_BYTES && size % ANPR_USB_PACKET);
		free(s);
		return;
	}
	CHECK((size_t)n == size - ANPR_USB_STATUS_BYTES * ((size + ANPR_USB_PACKET - 1) / ANPR_USB_PACKET));
	while (off < (size_t)n) {
		struct anpr_usb_msg m;
		size_t used = 0;
		const char *why = NULL;
		enum anpr_usb_status st = anpr_usb_msg_parse(s + off, (size_t)n - off, &m, &used, &why);

		if (st == ANPR_USB_INCOMPLETE)
			break;
		CHECK(used >= 1 && used <= (size_t)n - off);
		if (st == ANPR_USB_BAD) {
			CHECK(why != NULL);
		} else {
			CHECK(st == ANPR_USB_OK);
			CHECK(m.type >= ANPR_USB_MSG_ACK && m.type <= ANPR_USB_MSG_REC);
			CHECK(m.len <= ANPR_USB_MSG_MAX && used == ANPR_USB_HDR_LEN + m.len + ANPR_USB_CRC_LEN);
			CHECK(m.payload == s + off + ANPR_USB_HDR_LEN);
		}
		off += used;
	}
	free(s);
}

static void device_side(const uint8_t *data, size_t size)
{
	anpr_bridge *b = anpr_bridge_new(NULL);
	const uint8_t *out;
	size_t n, off = 0;

	CHECK(b != NULL);
	anpr_bridge_write(b, data, size / 2);
	anpr_bridge_write(b, data + size / 2, size - size / 2);
	anpr_bridge_timeout(b);
	CHECK(!anpr_bridge_busy(b));
	n = anpr_bridge_pending(b, &out);
	while (off < n) {
		struct anpr_usb_msg m;
		size_t used = 0;
		const char *why = NULL;

		CHECK(anpr_usb_msg_parse(out + off, n - off, &m, &used, &why) == ANPR_USB_OK);
		off += used;
	}
	anpr_bridge_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	host_side(data, size);
	device_side(data, size);
	return 0;
}
