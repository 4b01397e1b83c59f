// anpr_bridge_rtl.cpp - anpr_bridge.h over the bridge RTL: the Verilated
// bridge + pipeline (rtl/usb/anpr_usb_top.v, build/vl_usb) behind an FT232H
// emulated on its pins (anpr_usb_rtl.h), in place of the C model
// (anpr_bridge.c). The emulated USB device of tests/usb runs on it in
// `make usb-rtl-test`, so the host's usb backend and `anpr read --backend
// usb` talk to the RTL.
//
// Time: the RTL runs only inside these calls. write: until the FIFO pins
// have taken every byte; pending: until the bridge waits for the host (its
// `waiting` output: nothing to do without a host byte), then CLKOUT alone
// until what is on its way to the pins has left (the pipeline's clock
// stopped, so that polling never counts towards the command timeout);
// timeout: the bridge's own TIMEOUT_CYCLES without a byte (this build's:
// 4,000). Only the up5k build.
#include <cstring>
#include <new>

extern "C" {
#include "anpr_bridge.h"
}

#include "anpr_usb_rtl.h"

struct anpr_bridge {
	anpr_usb_rtl r;
	size_t out_off = 0;

	// the pipeline at 15.94 MHz, the board clock before branch tim13, as bridge_test's
	// default (the board runs at 19.875 MHz since)
	anpr_bridge() : r(1, 0, 0, 15.94) {}
};

namespace {

const uint64_t HANG = 400000000; // cycles: a bridge that never waits is broken

void hang(const char *what)
{
	fprintf(stderr, "anpr_bridge_rtl: the bridge RTL hung (%s)\n", what);
	abort();
}

// run until the bridge can do nothing more without the host
void settle(anpr_bridge *b)
{
	uint64_t c0 = b->r.cycles;

	while (!b->r.top->waiting) {
		b->r.step();
		if (b->r.cycles - c0 > HANG)
			hang("settle");
	}
	b->r.ft_only(64);
}

} // namespace

extern "C" anpr_bridge *anpr_bridge_new(const char *preset)
{
	if (preset && strcmp(preset, "up5k"))
		return NULL;
	return new (std::nothrow) anpr_bridge;
}

extern "C" void anpr_bridge_free(anpr_bridge *b)
{
	delete b;
}

extern "C" void anpr_bridge_write(anpr_bridge *b, const uint8_t *p, size_t n)
{
	uint64_t c0 = b->r.cycles;

	b->r.in.insert(b->r.in.end(), p, p + n);
	while (b->r.in_off < b->r.in.size()) {
		b->r.step();
		if (b->r.cycles - c0 > HANG)
			hang("write");
	}
	for (int i = 0; i < 8; i++) // the last bytes through the clock crossing, which `waiting` does not see
		b->r.step();
	settle(b);
}

extern "C" int anpr_bridge_busy(const anpr_bridge *b)
{
	return b->r.top->busy;
}

extern "C" void anpr_bridge_timeout(anpr_bridge *b)
{
	uint64_t c0 = b->r.cycles;

	while (b->r.top->busy) {
		b->r.step();
		if (b->r.cycles - c0 > HANG)
			hang("timeout");
	}
	settle(b);
}

extern "C" void anpr_bridge_fault_record(anpr_bridge *b, long after)
{
	(void)b;
	(void)after; // a hook of the C model only: the RTL sends its records as they are
}

extern "C" void anpr_bridge_fault_cand_move(anpr_bridge *b, int dy)
{
	(void)b;
	(void)dy; // a hook of the C model only, like anpr_bridge_fault_record
}

extern "C" size_t anpr_bridge_pending(const anpr_bridge *b, const uint8_t **bytes)
{
	settle(const_cast<anpr_bridge *>(b));
	*bytes = b->r.out.data() + b->out_off;
	return b->r.out.size() - b->out_off;
}

extern "C" void anpr_bridge_consume(anpr_bridge *b, size_t n)
{
	b->out_off += n;
	if (b->out_off == b->r.out.size()) {
		b->r.out.clear();
		b->out_off = 0;
	}
}
