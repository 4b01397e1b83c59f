/*
 * ft232h_emu.h - an emulated FT232H (0403:6014) in FT245 synchronous FIFO
 * mode with the board's bridge behind it (sim/bridge, the C model), served
 * to libusb through umockdev: a device in a UMockdevTestbed whose usbdevfs
 * ioctls (SUBMITURB, REAPURBNDELAY, DISCARDURB, ...) are answered here.
 * Run under umockdev-wrapper (LD_PRELOAD=libumockdev-preload.so.0).
 */
#ifndef FT232H_EMU_H
#define FT232H_EMU_H

#include <stdint.h>

typedef struct ft232h_emu ft232h_emu;

/* A testbed; with_device: the FT232H at bus 1 address 1, a fresh bridge. */
ft232h_emu *ft232h_emu_new(int with_device);
void ft232h_emu_free(ft232h_emu *e);

/* The testbed's root folder (its /sys and /dev). */
const char *ft232h_emu_root(ft232h_emu *e);

/* Faults, counted in device -> host data bytes (status bytes not counted)
 * from the emulator's start; -1 switches one off. */
struct ft232h_faults {
	long vanish_at;  /* the device is unplugged when this byte is due: URBs in flight end -ESHUTDOWN, then ENODEV */
	long corrupt_at; /* this byte is inverted on the wire */
	long stall_at;   /* nothing from this byte on (the record stream stops) */
	long short_at;   /* the packet that would carry this byte is cut to 1 byte (no room for the 2 status bytes) */
	long corrupt_out_at; /* host -> device: this byte of the bulk-OUT stream is inverted */
	long cut_out_at; /* host -> device: the bulk-OUT URB holding this byte takes the bytes before it, then fails (-EPROTO) */
	long pause_out_at; /* host -> device: after the bulk-OUT URB holding this byte, the host is back 1.5 command
			    * timeouts later (a host descheduled mid-upload) */
};
void ft232h_emu_faults(ft232h_emu *e, const struct ft232h_faults *f);
/* The bridge sends a malformed record in a well-framed chunk: the record
 * byte `after` bytes past those chunked so far is inverted
 * (anpr_bridge_fault_record). */
void ft232h_emu_fault_record(ft232h_emu *e, long after);
/* The bridge's next candidate record comes with its boxes dy rows lower,
 * otherwise well formed (anpr_bridge_fault_cand_move). */
void ft232h_emu_fault_cand_move(ft232h_emu *e, int dy);
/* data bytes sent to the host so far */
long ft232h_emu_sent(ft232h_emu *e);
/* bytes on the bulk endpoints so far: host -> device, and device -> host
 * with the status bytes (the whole IN packets) */
void ft232h_emu_wire(ft232h_emu *e, long *out_bytes, long *in_bytes);
/* FTDI vendor requests seen: count, and whether (request, value) was among them */
int ft232h_emu_saw_request(ft232h_emu *e, uint8_t req, uint16_t value);

#endif
