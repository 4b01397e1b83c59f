`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_fifo - synchronous first-word-fall-through FIFO on a block RAM.
 *
 * The RAM's registered read port is the output register: a word is fetched
 * into it whenever it is empty or being taken, so m_valid rises one cycle
 * after the first write. Holds DEPTH words in the RAM plus one in the output
 * register.
 *
 * Parameters
 *   DATA_W  word width, bits
 *   ADDR_W  log2 of the RAM depth
 *
 * Ports
 *   s_*     write side (valid/ready handshake); s_ready = not full
 *   m_*     read side; m_data is stable while m_valid && !m_ready
 *   count   words held, including the output register
 */
module anpr_fifo #(
	parameter DATA_W = 32,
	parameter ADDR_W = 4
) (
	input  wire              clk,
	input  wire              rst,
	input  wire [DATA_W-1:0] s_data,
	input  wire              s_valid,
	output wire              s_ready,
	output wire [DATA_W-1:0] m_data,
	output wire              m_valid,
	input  wire              m_ready,
	output wire [ADDR_W+1:0] count
);

	reg [ADDR_W:0] wptr_reg, rptr_reg;
	reg            out_valid_reg;

	wire [ADDR_W:0] used = wptr_reg - rptr_reg;
	wire            ram_empty = (used == 0);
	wire            full = used[ADDR_W];
	wire            push = s_valid && !full;
	wire            fetch = !ram_empty && (!out_valid_reg || m_ready);

	assign s_ready = !full;
	assign m_valid = out_valid_reg;
	assign count = {1'b0, used} + {{ADDR_W+1{1'b0}}, out_valid_reg};

	anpr_ram_sdp #(
		.DATA_W(DATA_W),
		.ADDR_W(ADDR_W)
	) ram (
		.clk(clk),
		.we(push),
		.waddr(wptr_reg[ADDR_W-1:0]),
		.wdata(s_data),
		.re(fetch),
		.raddr(rptr_reg[ADDR_W-1:0]),
		.rdata(m_data)
	);

	always @(posedge clk) begin
		if (push)
			wptr_reg <= wptr_reg + 1'b1;
		if (fetch)
			rptr_reg <= rptr_reg + 1'b1;
		if (fetch)
			out_valid_reg <= 1'b1;
		else if (m_ready)
			out_valid_reg <= 1'b0;
		if (rst) begin
			wptr_reg <= 0;
			rptr_reg <= 0;
			out_valid_reg <= 1'b0;
		end
	end

`ifdef FORMAL
	/* Handshake properties: assume a reset first; the output, once valid,
	 * holds its word until taken; the count stays within capacity. */
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	always @(posedge clk)
		if (f_past_valid && !$past(rst)) begin
			if ($past(m_valid && !m_ready)) begin
				assert(m_valid);
				assert(m_data == $past(m_data));
			end
			assert(count <= (1 << ADDR_W) + 1);
			if ($past(!s_ready))
				assert($past(count) == (1 << ADDR_W) + 1 || $past(count) == (1 << ADDR_W));
			cover(count == (1 << ADDR_W) + 1);
		end
`endif

endmodule
`resetall
