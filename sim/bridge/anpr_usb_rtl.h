// anpr_usb_rtl.h - the USB bridge RTL with the pipeline (rtl/usb/anpr_usb_top.v,
// Verilated into build/vl_usb) behind an FT232H emulated on its FT245 pins:
// the bridge's test (tests/bridge) and the Verilated bridge behind the
// emulated USB device (sim/bridge/anpr_bridge_rtl.cpp, tests/usb).
//
// Two clocks: the FT232H's CLKOUT (60 MHz) and the pipeline's (sys_mhz),
// rising edges in picoseconds; the chip's side acts on CLKOUT's edges:
// host bytes (in) offered on RXF# and taken on a rising edge with RD# low,
// device bytes (out) taken with WR# and TXE# low, each side stalled in a
// given percentage of cycles, and the FT245 bus rules checked every cycle
// (bus_error: the first broken).
#ifndef ANPR_USB_RTL_H
#define ANPR_USB_RTL_H

#include <cstdint>
#include <string>
#include <vector>

extern "C" {
#include "scenes.h"
}

#include "Vanpr_usb_top.h"
#include "verilated.h"

struct anpr_usb_rtl {
	VerilatedContext ctx;
	Vanpr_usb_top *top;
	std::vector<uint8_t> in, out;
	size_t in_off = 0;
	uint32_t rng;
	unsigned stall_rx, stall_tx; // percent of CLKOUT cycles RXF# / TXE# held high
	uint64_t cycles = 0;         // pipeline clock cycles
	uint64_t tf = 0, ts = 0;     // the next rising edges
	uint64_t pf = 16667, ps;     // periods, ps
	int prev_oe_n = 1;
	std::string bus_error;

	anpr_usb_rtl(uint32_t seed, unsigned srx, unsigned stx, double sys_mhz)
		: rng(seed | 1), stall_rx(srx), stall_tx(stx), ps((uint64_t)(1e6 / sys_mhz))
	{
		top = new Vanpr_usb_top(&ctx);
		top->rst = 1;
		top->ft_rst = 1;
		top->ft_rxf_n = 1;
		top->ft_txe_n = 1;
		tf = pf / 3; // the clocks out of phase
		ts = ps;
		for (int i = 0; i < 8; i++)
			step();
		top->rst = 0;
		top->ft_rst = 0;
	}
	~anpr_usb_rtl()
	{
		top->final();
		delete top;
	}
	anpr_usb_rtl(const anpr_usb_rtl &) = delete;
	anpr_usb_rtl &operator=(const anpr_usb_rtl &) = delete;

	unsigned pct() { return scene_rand(&rng) % 100; }
	void pulse(bool f, bool sys)
	{
		top->ft_clk = f;
		top->clk = sys;
		top->eval();
		top->ft_clk = 0;
		top->clk = 0;
		top->eval();
	}
	// one CLKOUT rising edge, the chip's side around it (sys: the pipeline's clock rises with it)
	void ft_edge(bool sys)
	{
		bool rx = !top->ft_rst && in_off < in.size() && pct() >= stall_rx;
		bool tx = !top->ft_rst && pct() >= stall_tx;

		top->ft_rxf_n = !rx;
		top->ft_txe_n = !tx;
		top->ft_din = in_off < in.size() ? in[in_off] : 0;
		top->eval();
		if (!top->ft_rst && bus_error.empty()) {
			if (!top->ft_rd_n && (top->ft_oe_n || prev_oe_n))
				bus_error = "RD# low without OE# low since the cycle before";
			else if (!top->ft_oe_n && top->ft_dout_en)
				bus_error = "both sides drive the bus (OE# low, FPGA driving)";
			else if (top->ft_dout_en && !prev_oe_n)
				bus_error = "the FPGA drives the bus in the cycle after OE# was low";
			else if (!top->ft_wr_n && !top->ft_dout_en)
				bus_error = "WR# low while the FPGA does not drive the bus";
			if (!bus_error.empty())
				bus_error += " at cycle " + std::to_string(cycles);
		}
		bool took_rx = rx && !top->ft_rd_n;
		bool took_tx = tx && !top->ft_wr_n;
		uint8_t d = top->ft_dout;

		prev_oe_n = top->ft_oe_n;
		pulse(true, sys);
		if (took_rx)
			in_off++;
		if (took_tx)
			out.push_back(d);
	}
	// up to and including the pipeline clock's next rising edge
	void step()
	{
		while (tf < ts) {
			ft_edge(false);
			tf += pf;
		}
		if (tf == ts) {
			ft_edge(true);
			tf += pf;
		} else {
			pulse(false, true);
		}
		ts += ps;
		cycles++;
	}
	// CLKOUT edges alone (the pipeline's clock stopped): what is in flight to the pins leaves
	void ft_only(unsigned n)
	{
		while (n--) {
			ft_edge(false);
			tf += pf;
			if (tf > ts)
				ts = tf; // the pipeline's clock resumes after these
		}
	}
};

#endif
