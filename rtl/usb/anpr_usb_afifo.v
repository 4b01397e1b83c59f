`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_afifo - a small asynchronous FIFO between two clock domains
 * (the FT232H's 60 MHz CLKOUT and the pipeline's clock): 2**ADDR_W words
 * in flip-flops, binary pointers in their own domain, their Gray codes
 * crossing through two flip-flops each (one bit changes per step, so a
 * pointer caught mid-change is the old or the new value, never a third).
 *
 * Ports
 *   s_*  write side, in s_clk (s_rst synchronous to it); s_ready = not full
 *   m_*  read side, in m_clk (m_rst synchronous to it); first word falls
 *        through: m_data is valid while m_valid
 * Full and empty are seen late across the crossing (two cycles), never
 * early: a pointer that has not crossed yet only holds the other side back.
 * Both resets are to be asserted together (the board's reset, synchronised
 * into each domain).
 */
module anpr_usb_afifo #(
	parameter DATA_W = 8,
	parameter ADDR_W = 3
) (
	input  wire              s_clk,
	input  wire              s_rst,
	input  wire [DATA_W-1:0] s_data,
	input  wire              s_valid,
	output wire              s_ready,

	input  wire              m_clk,
	input  wire              m_rst,
	output wire [DATA_W-1:0] m_data,
	output wire              m_valid,
	input  wire              m_ready
);

	reg [DATA_W-1:0] mem [0:(1 << ADDR_W)-1];

	reg [ADDR_W:0] wbin_reg, wgray_reg, rbin_reg, rgray_reg;
	(* async_reg = "true" *) reg [ADDR_W:0] wgray_m1_reg, wgray_m2_reg; /* wgray in m_clk */
	(* async_reg = "true" *) reg [ADDR_W:0] rgray_s1_reg, rgray_s2_reg; /* rgray in s_clk */

	wire [ADDR_W:0] wbin_next = wbin_reg + 1'b1;
	wire [ADDR_W:0] rbin_next = rbin_reg + 1'b1;

	/* full: the write pointer a whole lap ahead of the read pointer (Gray:
	 * the two top bits inverted, the rest equal) */
	assign s_ready = wgray_reg != {~rgray_s2_reg[ADDR_W:ADDR_W-1], rgray_s2_reg[ADDR_W-2:0]};
	assign m_valid = rgray_reg != wgray_m2_reg;
	assign m_data = mem[rbin_reg[ADDR_W-1:0]];

	always @(posedge s_clk) begin
		if (s_valid && s_ready) begin
			mem[wbin_reg[ADDR_W-1:0]] <= s_data;
			wbin_reg <= wbin_next;
			wgray_reg <= wbin_next ^ (wbin_next >> 1);
		end
		rgray_s1_reg <= rgray_reg;
		rgray_s2_reg <= rgray_s1_reg;
		if (s_rst) begin
			wbin_reg <= 0;
			wgray_reg <= 0;
			rgray_s1_reg <= 0;
			rgray_s2_reg <= 0;
		end
	end

	always @(posedge m_clk) begin
		if (m_valid && m_ready) begin
			rbin_reg <= rbin_next;
			rgray_reg <= rbin_next ^ (rbin_next >> 1);
		end
		wgray_m1_reg <= wgray_reg;
		wgray_m2_reg <= wgray_m1_reg;
		if (m_rst) begin
			rbin_reg <= 0;
			rgray_reg <= 0;
			wgray_m1_reg <= 0;
			wgray_m2_reg <= 0;
		end
	end

endmodule
`resetall
