// bridge_test.cpp - the USB bridge RTL (rtl/usb/, top anpr_usb_top: bridge +
// pipeline, Verilated) against the bridge's C model (sim/bridge/anpr_bridge.c)
// on the same command byte streams (make bridge-test, docs/usb.md section 5).
//
// The FT232H side is emulated cycle by cycle on its own 60 MHz clock (the
// pipeline's at 15.94 MHz, the board's before branch tim13; other rates with --more): host bytes offered on RXF#
// and taken on RD#, device bytes taken on WR# while TXE# is low, both with
// random stalls, and the FT245 bus rules checked every cycle (RD# only with
// OE# low since the cycle before, never both sides driving the bus, WR#
// only while the FPGA drives). Every byte the RTL sends back must equal the
// model's, except the FRAME records' cycle timestamp (the RTL counts
// cycles, the model pixels: as in tests/cosim) and, in a REC message holding
// such a timestamp, the message's CRC-16, which must then be the CRC of the
// RTL's own payload. A cut command is cut for both: the model gets
// anpr_bridge_timeout, the RTL its TIMEOUT_CYCLES (short here) with no byte.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "anpr/protocol.h"
#include "anpr/records.h"
#include "anpr/usbwire.h"
#include "anpr_bridge.h"
#include "anpr_model.h"
#include "scenes.h"
}

#include "anpr_usb_rtl.h"

#ifndef BRIDGE_TIMEOUT_CYCLES
#error "BRIDGE_TIMEOUT_CYCLES: the TIMEOUT_CYCLES the top was Verilated with"
#endif

namespace {

typedef std::vector<uint8_t> bytes;

// A piece of the command stream; cut: the stream stops there until the
// bridge's command timeout.
struct segment {
	bytes b;
	bool cut;
};

struct stream {
	std::vector<segment> segs;
	uint8_t seq = 0;

	bytes &cur()
	{
		if (segs.empty() || segs.back().cut)
			segs.push_back(segment{bytes(), false});
		return segs.back().b;
	}
	void raw(const bytes &b) { cur().insert(cur().end(), b.begin(), b.end()); }
	// a command; its bytes returned so a case can damage or cut them
	bytes cmd(uint8_t op, const bytes &payload)
	{
		bytes m(ANPR_USB_HDR_LEN + payload.size() + ANPR_USB_CRC_LEN);

		anpr_usb_msg_put(m.data(), ANPR_USB_MAGIC_CMD, op, ++seq, payload.data(), (uint32_t)payload.size());
		return m;
	}
	void send(uint8_t op, const bytes &payload) { raw(cmd(op, payload)); }
	void cut() { segs.push_back(segment{bytes(), true}); }
};

bytes le16(unsigned v) { return bytes{(uint8_t)v, (uint8_t)(v >> 8)}; }
bytes cat(bytes a, const bytes &b)
{
	a.insert(a.end(), b.begin(), b.end());
	return a;
}
bytes rd(unsigned addr) { return le16(addr); }
bytes wr(unsigned addr, uint32_t v) { return cat(le16(addr), cat(le16(v & 0xFFFF), le16(v >> 16))); }

bytes frame_payload(unsigned w, unsigned h, unsigned nplates, uint32_t seed)
{
	bytes p = cat(le16(w), le16(h));
	size_t off = p.size();

	p.resize(off + (size_t)w * h);
	scene_make(p.data() + off, w, h, nplates, seed);
	return p;
}

// the host's register writes for a frame size (transport_usb.c: all of them)
void configure(stream &s, unsigned w, unsigned h)
{
	struct anpr_model_params par;
	struct anpr_model_cfg cfg;

	anpr_model_params_preset(&par, "up5k");
	anpr_model_cfg_default(&par, &cfg, w, h);
	for (unsigned i = 0; i < ANPR_USB_REG_NCFG; i++)
		s.send(ANPR_USB_OP_WRITE,
		       wr(ANPR_USB_REG_CFG0 + 4 * i, anpr_usb_cfg_value(&cfg, i)));
}

// ---- the model ----
bytes run_model(const stream &s)
{
	anpr_bridge *b = anpr_bridge_new("up5k");
	const uint8_t *p;
	size_t n;

	if (!b) {
		fprintf(stderr, "bridge-test: anpr_bridge_new failed\n");
		exit(1);
	}
	for (const segment &g : s.segs) {
		if (g.cut)
			anpr_bridge_timeout(b);
		else
			anpr_bridge_write(b, g.b.data(), g.b.size());
	}
	n = anpr_bridge_pending(b, &p);
	bytes out(p, p + n);
	anpr_bridge_free(b);
	return out;
}

// ---- the RTL behind an emulated FT232H: sim/bridge/anpr_usb_rtl.h ----
typedef anpr_usb_rtl emu;

// Runs the stream through the RTL; false on a hang (reported).
bool run_rtl(emu &e, const stream &s, size_t want, const char *name)
{
	const uint64_t budget = getenv("BRIDGE_BUDGET") ? strtoull(getenv("BRIDGE_BUDGET"), NULL, 0) : 40000000;

	for (const segment &g : s.segs) {
		if (!g.cut) {
			e.in.insert(e.in.end(), g.b.begin(), g.b.end());
			continue;
		}
		// the host stops: wait until every byte is in, then for the
		// bridge's timeout to end the cut command (busy falls)
		while (e.in_off < e.in.size() && e.cycles < budget)
			e.step();
		uint64_t t0 = e.cycles;
		while ((e.top->busy || e.cycles - t0 < BRIDGE_TIMEOUT_CYCLES) && e.cycles < budget)
			e.step();
	}
	while ((e.in_off < e.in.size() || e.out.size() < want || e.top->busy) && e.cycles < budget)
		e.step();
	for (int i = 0; i < 20000; i++) // anything more would be extra bytes
		e.step();
	if (e.cycles >= budget) {
		fprintf(stderr, "%s: RTL hung: %zu of %zu host bytes taken, %zu of %zu bytes back after %llu cycles\n",
			name, e.in_off, e.in.size(), e.out.size(), want, (unsigned long long)e.cycles);
		return false;
	}
	return true;
}

struct tally {
	size_t msgs = 0, recs = 0, rec_bytes = 0, time_bytes = 0;
	std::set<int> errs;
};

// The model's messages, walked in step with the RTL's bytes.
bool compare(const bytes &rtl, const bytes &mod, const char *name, tally &t)
{
	bytes recstream;
	std::vector<bool> mask;
	size_t i = 0;

	// the model's record bytes, and which of them are FRAME timestamps
	for (i = 0; i + ANPR_USB_HDR_LEN <= mod.size();) {
		uint32_t len = anpr_usb_get32(&mod[i + 3]);

		if (mod[i + 1] == ANPR_USB_MSG_REC)
			recstream.insert(recstream.end(), mod.begin() + i + 8, mod.begin() + i + 8 + len);
		i += ANPR_USB_HDR_LEN + len + ANPR_USB_CRC_LEN;
	}
	mask.assign(recstream.size(), false);
	for (size_t k = 0; k < recstream.size();) {
		struct anpr_record r;
		size_t used;
		const char *why;

		if (anpr_rec_parse(&recstream[k], recstream.size() - k, &r, &used, &why) != ANPR_REC_OK) {
			fprintf(stderr, "%s: the model's records do not parse at byte %zu (%s)\n", name, k, why);
			return false;
		}
		if (r.type == ANPR_REC_FRAME)
			for (int j = 0; j < 4; j++)
				mask[k + ANPR_FRAME_OFF_TIME + j] = true;
		k += used;
	}

	size_t rpos = 0;
	for (i = 0; i + ANPR_USB_HDR_LEN <= mod.size();) {
		uint8_t type = mod[i + 1];
		uint32_t len = anpr_usb_get32(&mod[i + 3]);
		size_t end = i + ANPR_USB_HDR_LEN + len + ANPR_USB_CRC_LEN;
		bool masked = false;

		t.msgs++;
		if (type == ANPR_USB_MSG_ERR)
			t.errs.insert(mod[i + 8]);
		if (type == ANPR_USB_MSG_REC) {
			t.recs++;
			t.rec_bytes += len;
		}
		for (size_t j = i; j < end; j++) {
			size_t pj = j - i - ANPR_USB_HDR_LEN;
			bool ts = type == ANPR_USB_MSG_REC && j >= i + ANPR_USB_HDR_LEN && pj < len && mask[rpos + pj];
			bool crc = j >= i + ANPR_USB_HDR_LEN + len;

			masked |= ts;
			if (j >= rtl.size()) {
				fprintf(stderr, "%s: the RTL sent %zu bytes, the model %zu (message %zu, type %02x, at %zu)\n",
					name, rtl.size(), mod.size(), t.msgs - 1, type, i);
				return false;
			}
			if (ts) {
				t.time_bytes += rtl[j] != mod[j];
				continue;
			}
			if (crc && masked)
				continue; // checked below against the RTL's own payload
			if (rtl[j] != mod[j]) {
				fprintf(stderr, "%s: byte %zu (message %zu, type %02x, its byte %zu): rtl %02x model %02x\n",
					name, j, t.msgs - 1, type, j - i, rtl[j], mod[j]);
				fprintf(stderr, "  rtl  :");
				for (size_t q = i; q < i + 24 && q < rtl.size(); q++)
					fprintf(stderr, " %02x", rtl[q]);
				fprintf(stderr, "\n  model:");
				for (size_t q = i; q < i + 24 && q < mod.size(); q++)
					fprintf(stderr, " %02x", mod[q]);
				fprintf(stderr, "\n");
				return false;
			}
		}
		if (masked) {
			uint16_t c = anpr_usb_crc16(0xFFFF, &rtl[i + ANPR_USB_HDR_LEN], len);

			if (anpr_usb_get16(&rtl[i + ANPR_USB_HDR_LEN + len]) != c) {
				fprintf(stderr, "%s: REC message %zu: the RTL's CRC-16 is not that of its payload\n", name,
					t.msgs - 1);
				return false;
			}
		}
		if (type == ANPR_USB_MSG_REC)
			rpos += len;
		i = end;
	}
	if (rtl.size() != mod.size()) {
		fprintf(stderr, "%s: the RTL sent %zu bytes, the model %zu\n", name, rtl.size(), mod.size());
		return false;
	}
	return true;
}

// One case: the stream through both, under a stall profile; the model's
// answer must hold the ERR codes the case is about (so that it tests them).
bool run_case(const char *name, const stream &s, unsigned srx, unsigned stx, double sys_mhz, uint32_t seed,
	      const std::set<int> &want_errs, bool want_recs)
{
	bytes mod = run_model(s);
	emu e(seed, srx, stx, sys_mhz);
	tally t;
	char label[160];
	size_t host_bytes = 0;

	for (const segment &g : s.segs)
		host_bytes += g.b.size();
	snprintf(label, sizeof label, "%s (clock %.2f MHz, CLKOUT 60 MHz, stalls RXF# %u %%, TXE# %u %%)", name, sys_mhz,
		 srx, stx);
	if (!run_rtl(e, s, mod.size(), label)) {
		compare(e.out, mod, label, t); // where the RTL parted from the model
		return false;
	}
	if (!e.bus_error.empty()) {
		fprintf(stderr, "%s: FT245 bus: %s\n", label, e.bus_error.c_str());
		return false;
	}
	if (!compare(e.out, mod, label, t))
		return false;
	for (int c : want_errs)
		if (!t.errs.count(c)) {
			fprintf(stderr, "%s: the model's answer has no ERR %d: the case does not test it\n", label, c);
			return false;
		}
	for (int c : t.errs)
		if (!want_errs.count(c)) {
			fprintf(stderr, "%s: an ERR %d not expected by the case\n", label, c);
			return false;
		}
	if (want_recs && !t.recs) {
		fprintf(stderr, "%s: no records: the case does not test them\n", label);
		return false;
	}
	printf("%s: %zu host bytes, %zu messages back (%zu REC, %zu record bytes, ERR", label, host_bytes, t.msgs,
	       t.recs, t.rec_bytes);
	for (int c : t.errs)
		printf(" %d", c);
	printf("), identical but %zu timestamp bytes; %llu cycles\n", t.time_bytes, (unsigned long long)e.cycles);
	return true;
}

} // namespace

int main(int argc, char **argv)
{
	bool quick = false;
	unsigned extra = 0; // --more N: each case N more times, stalls and seeds drawn at random
	int fails = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--more") && i + 1 < argc)
			extra = (unsigned)strtoul(argv[++i], NULL, 0);
	}
	uint32_t draw = 0x5eed1234;
	// run a case at the given stalls, then `extra` times at random ones
	auto each = [&](const char *name, const stream &s, unsigned srx, unsigned stx, uint32_t seed,
			const std::set<int> &errs, bool recs) {
		fails += !run_case(name, s, srx, stx, 15.94, seed, errs, recs);
		for (unsigned k = 0; k < extra; k++) {
			unsigned a = scene_rand(&draw) % 90, b = scene_rand(&draw) % 90;
			double mhz = 5 + scene_rand(&draw) % 95; // 5 .. 99 MHz: slower and faster than CLKOUT

			fails += !run_case(name, s, a, b, mhz, scene_rand(&draw), errs, recs);
		}
	};

	Verilated::commandArgs(argc, argv);

	// registers: ID, build, shadows, status, errors of addressing
	{
		stream s;

		s.send(ANPR_USB_OP_SYNC, {});
		for (unsigned a = 0; a <= 0x60; a += 4)
			s.send(ANPR_USB_OP_READ, rd(a));
		for (unsigned a = 0x80; a <= 0x9C; a += 4)
			s.send(ANPR_USB_OP_READ, rd(a));
		s.send(ANPR_USB_OP_WRITE, wr(0x18, 40));
		s.send(ANPR_USB_OP_WRITE, wr(0x24, 0xFFFFFFFF)); // masked to its 6 bits
		s.send(ANPR_USB_OP_WRITE, wr(0x4C, 0x12345678));
		s.send(ANPR_USB_OP_READ, rd(0x18));
		s.send(ANPR_USB_OP_READ, rd(0x24));
		s.send(ANPR_USB_OP_READ, rd(0x4C));
		s.send(ANPR_USB_OP_WRITE, wr(0x00, 1)); // RO
		s.send(ANPR_USB_OP_WRITE, wr(0x0C, 1)); // RO
		s.send(ANPR_USB_OP_WRITE, wr(0x84, 1)); // RO
		s.send(ANPR_USB_OP_READ, rd(0x64));     // ADDR
		s.send(ANPR_USB_OP_READ, rd(0x11));     // unaligned: ADDR
		s.send(ANPR_USB_OP_READ, rd(0xFFFC));
		s.send(ANPR_USB_OP_WRITE, wr(0xA0, 1)); // ADDR
		s.send(ANPR_USB_OP_SYNC, {});
		each("registers", s, 0, 0, 1, {ANPR_USB_E_ADDR, ANPR_USB_E_RO}, false);
		each("registers", s, 60, 60, 2, {ANPR_USB_E_ADDR, ANPR_USB_E_RO}, false);
	}

	// frames of generated scenes, with the host's register writes; frames
	// sent back to back without waiting for records
	{
		stream s;

		s.send(ANPR_USB_OP_SYNC, {});
		configure(s, 640, 480);
		s.send(ANPR_USB_OP_FRAME, frame_payload(640, 480, 3, 11));
		s.send(ANPR_USB_OP_FRAME, frame_payload(640, 480, 2, 12));
		s.send(ANPR_USB_OP_SYNC, {});
		for (unsigned a = 0x80; a <= 0x9C; a += 4)
			s.send(ANPR_USB_OP_READ, rd(a));
		s.send(ANPR_USB_OP_WRITE, wr(0x50, 2)); // max_cands 2 for the next frame
		s.send(ANPR_USB_OP_FRAME, frame_payload(640, 480, 4, 13));
		s.send(ANPR_USB_OP_READ, rd(0x90));
		s.send(ANPR_USB_OP_WRITE, wr(0x50, 8));
		s.send(ANPR_USB_OP_WRITE, wr(0x54, 200)); // detection region: x 200 .. 519, y 100 .. 399
		s.send(ANPR_USB_OP_WRITE, wr(0x58, 100));
		s.send(ANPR_USB_OP_WRITE, wr(0x5C, 520));
		s.send(ANPR_USB_OP_WRITE, wr(0x60, 400));
		s.send(ANPR_USB_OP_FRAME, frame_payload(640, 480, 4, 13));
		s.send(ANPR_USB_OP_READ, rd(0x90));
		s.send(ANPR_USB_OP_WRITE, wr(0x54, 0));
		s.send(ANPR_USB_OP_WRITE, wr(0x58, 0));
		s.send(ANPR_USB_OP_WRITE, wr(0x5C, 4095));
		s.send(ANPR_USB_OP_WRITE, wr(0x60, 4095));
		if (!quick) {
			configure(s, 1280, 720);
			s.send(ANPR_USB_OP_FRAME, frame_payload(1280, 720, 4, 14));
		}
		s.send(ANPR_USB_OP_SYNC, {});
		each("frames", s, 0, 0, 3, {}, true);
		each("frames", s, 30, 50, 4, {}, true);
	}

	// damaged command streams (the cases of tests/usb "the bridge on a damaged command stream")
	{
		stream s;
		bytes c;

		s.send(ANPR_USB_OP_SYNC, {});
		s.raw({0x00, 0x13, 0xA5}); // garbage, a lone magic: its "header" runs into the next command
		c = s.cmd(ANPR_USB_OP_WRITE, wr(0x18, 50));
		c[7] ^= 0x01; // bad header CRC: ERR HEADER
		s.raw(c);
		c = s.cmd(ANPR_USB_OP_READ, rd(0x18));
		c[7] ^= 0x80; // another: no second ERR HEADER
		s.raw(c);
		s.send(ANPR_USB_OP_READ, rd(0x18));
		c = s.cmd(ANPR_USB_OP_WRITE, wr(0x18, 60));
		c[10] ^= 0x04; // bad payload CRC: not executed
		s.raw(c);
		s.send(ANPR_USB_OP_READ, rd(0x18));
		s.send(0x07, bytes{1, 2, 3});         // unknown op, skipped by its len
		s.send(0x00, bytes{});                // op 0
		s.send(ANPR_USB_OP_READ, bytes{1, 2, 3}); // wrong length
		s.send(ANPR_USB_OP_SYNC, bytes{9});   // wrong length
		s.send(ANPR_USB_OP_FRAME, bytes{1, 2}); // FRAME shorter than its size
		s.send(ANPR_USB_OP_WRITE, wr(0x98, 0)); // read-only
		bytes f = frame_payload(64, 32, 1, 5);
		f.push_back(0); // one pixel more than 64 x 32: ERR LEN, skipped
		s.send(ANPR_USB_OP_FRAME, f);
		s.send(ANPR_USB_OP_FRAME, frame_payload(2000, 1, 0, 6)); // width over MAX_W: ERR CFG 0x10
		s.send(ANPR_USB_OP_WRITE, wr(0x50, 9));  // max_cands 9 > NSLOTS
		s.send(ANPR_USB_OP_FRAME, frame_payload(320, 240, 1, 7)); // ERR CFG 0x50
		s.send(ANPR_USB_OP_WRITE, wr(0x50, 8));
		s.send(ANPR_USB_OP_WRITE, wr(0x3C, 100)); // min_h > max_h
		s.send(ANPR_USB_OP_FRAME, frame_payload(320, 240, 1, 7)); // ERR CFG 0x40
		s.send(ANPR_USB_OP_WRITE, wr(0x3C, 8));
		s.send(ANPR_USB_OP_WRITE, wr(0x58, 300)); // roi_y0 300 >= roi_y1 300
		s.send(ANPR_USB_OP_WRITE, wr(0x60, 300));
		s.send(ANPR_USB_OP_FRAME, frame_payload(320, 240, 1, 7)); // ERR CFG 0x58
		s.send(ANPR_USB_OP_WRITE, wr(0x58, 0));
		s.send(ANPR_USB_OP_WRITE, wr(0x60, 4095));
		c = s.cmd(ANPR_USB_OP_FRAME, frame_payload(640, 480, 3, 8));
		c[c.size() / 2] ^= 0x10; // a pixel damaged: ERR CRC, then the frame's records
		s.raw(c);
		s.send(ANPR_USB_OP_FRAME, frame_payload(320, 240, 2, 9));
		s.send(ANPR_USB_OP_READ, rd(0x18));
		s.send(ANPR_USB_OP_SYNC, {});
		std::set<int> errs = {ANPR_USB_E_HEADER, ANPR_USB_E_CRC, ANPR_USB_E_OP, ANPR_USB_E_LEN, ANPR_USB_E_RO,
				      ANPR_USB_E_CFG};
		each("damaged", s, 0, 0, 5, errs, true);
		each("damaged", s, 40, 40, 6, errs, true);
	}

	// commands cut off: the bridge's timeout
	{
		stream s;
		bytes c;

		s.send(ANPR_USB_OP_SYNC, {});
		configure(s, 320, 240);
		c = s.cmd(ANPR_USB_OP_FRAME, frame_payload(320, 240, 2, 21));
		s.raw(bytes(c.begin(), c.begin() + 8 + 4 + 320 * 100 + 17)); // cut in line 100
		s.cut();
		s.send(ANPR_USB_OP_FRAME, frame_payload(320, 240, 2, 22)); // whole
		c = s.cmd(ANPR_USB_OP_FRAME, frame_payload(320, 240, 2, 23));
		s.raw(bytes(c.begin(), c.begin() + 8 + 4 + 320 * 5 + 319)); // cut at a line's last pixel
		s.cut();
		c = s.cmd(ANPR_USB_OP_FRAME, frame_payload(320, 240, 2, 24));
		s.raw(bytes(c.begin(), c.end() - 1)); // every pixel in, cut in its CRC
		s.cut();
		s.send(ANPR_USB_OP_READ, rd(0x80));
		c = s.cmd(ANPR_USB_OP_FRAME, frame_payload(320, 240, 2, 25));
		s.raw(bytes(c.begin(), c.begin() + 12)); // width and height only: no pixel
		s.cut();
		c = s.cmd(ANPR_USB_OP_READ, rd(0x80));
		s.raw(bytes(c.begin(), c.begin() + 3)); // a header cut after its op and seq
		s.cut();
		c = s.cmd(ANPR_USB_OP_WRITE, wr(0x18, 33));
		s.raw(bytes(c.begin(), c.begin() + 11)); // a payload cut
		s.cut();
		s.send(ANPR_USB_OP_FRAME, frame_payload(320, 240, 2, 26));
		for (unsigned a = 0x80; a <= 0x9C; a += 4)
			s.send(ANPR_USB_OP_READ, rd(a));
		s.send(ANPR_USB_OP_SYNC, {});
		each("timeouts", s, 0, 0, 7, {ANPR_USB_E_TIMEOUT}, true);
		each("timeouts", s, 50, 30, 8, {ANPR_USB_E_TIMEOUT}, true);
	}

	if (fails) {
		fprintf(stderr, "bridge-test: %d case(s) FAILED\n", fails);
		return 1;
	}
	printf("bridge-test: the bridge RTL answered every stream as the C model does\n");
	return 0;
}
