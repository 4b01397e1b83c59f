`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_ram_sp8 - a byte RAM with one write port and one read port on a
 * single-port RAM of 16-bit words (anpr_spram: the UP5K's SPRAM), two bytes
 * a word, one access a cycle.
 *
 * Writes are never refused. A byte is registered, then an even byte waits
 * for its odd neighbour so that the pair takes one access; a byte with
 * wlast (the end of a burst: a line, a crop) or followed by anything but
 * its neighbour is written alone with a byte mask. A byte reaches the RAM
 * 1 to 3 cycles after we; its users never read it that early (the row ring
 * reads complete rows only, a slot is read after its copy has ended).
 *
 * Reads wait for writes: re asks, gnt says the read is taken this cycle,
 * and rdata holds the byte the cycle after a granted read (only then).
 * The odd byte of the last word read is kept, so a sequential (ascending)
 * reader needs one access per two bytes: it is granted on every cycle but
 * those where the RAM is written and the byte is not the kept one. A write
 * to the kept byte's word drops it.
 *
 * Parameters
 *   ADDR_W  byte address width
 *   DEPTH   bytes (even)
 *
 * Ports
 *   we, waddr, wdata, wlast   write one byte; wlast: do not wait for its pair
 *   re, raddr, gnt, rdata     read one byte
 */
module anpr_ram_sp8 #(
	parameter ADDR_W = 16,
	parameter DEPTH = (1 << ADDR_W)
) (
	input  wire              clk,
	input  wire              rst,

	input  wire              we,
	input  wire [ADDR_W-1:0] waddr,
	input  wire [7:0]        wdata,
	input  wire              wlast,

	input  wire              re,
	input  wire [ADDR_W-1:0] raddr,
	output wire              gnt,
	output wire [7:0]        rdata
);

	localparam WA_W = ADDR_W - 1;

	/* the byte written last cycle */
	reg            in_v_reg, in_last_reg;
	reg [ADDR_W-1:0] in_a_reg;
	reg [7:0]      in_d_reg;
	/* an even byte waiting for its odd neighbour */
	reg            h_v_reg, h_last_reg;
	reg [WA_W-1:0] h_a_reg;
	reg [7:0]      h_d_reg;
	/* the odd byte of the word read last */
	reg            c_v_reg, fetch_reg, sel_reg;
	reg [WA_W-1:0] c_a_reg;
	reg [7:0]      c_d_reg;

	wire [WA_W-1:0] in_wa = in_a_reg[ADDR_W-1:1];
	wire            in_odd = in_v_reg && in_a_reg[0];
	wire            in_even = in_v_reg && !in_a_reg[0];
	wire            pair = in_odd && h_v_reg && h_a_reg == in_wa;
	/* the held byte goes alone: it ends a burst, or an even byte takes its place */
	wire            h_alone = !in_odd && h_v_reg && (h_last_reg || in_even);
	wire            wr = in_odd || h_alone;
	wire [WA_W-1:0] wr_a = in_odd ? in_wa : h_a_reg;

	wire [WA_W-1:0] rd_a = raddr[ADDR_W-1:1];
	wire            hit = c_v_reg && raddr[0] && c_a_reg == rd_a;
	wire            fetch = re && !hit && !wr;
	assign gnt = re && (hit || !wr);

	wire [15:0] q;
	assign rdata = !fetch_reg ? c_d_reg : sel_reg ? q[15:8] : q[7:0];

	anpr_spram #(.ADDR_W(WA_W), .DEPTH(DEPTH / 2)) ram (
		.clk(clk), .cs(wr || fetch), .we(wr), .addr(wr ? wr_a : rd_a),
		.wdata({in_d_reg, h_d_reg}), .wmask({in_odd, pair || h_alone}), .rdata(q)
	);

	always @(posedge clk) begin
		in_v_reg <= we;
		in_a_reg <= waddr;
		in_d_reg <= wdata;
		in_last_reg <= wlast;
		if (h_alone)
			h_v_reg <= 1'b0;
		if (pair)
			h_v_reg <= 1'b0;
		if (in_even) begin
			h_v_reg <= 1'b1;
			h_a_reg <= in_wa;
			h_d_reg <= in_d_reg;
			h_last_reg <= in_last_reg;
		end
		fetch_reg <= fetch;
		if (fetch_reg)
			c_d_reg <= q[15:8];
		if (fetch) begin
			c_v_reg <= 1'b1;
			c_a_reg <= rd_a;
		end
		if (wr && wr_a == c_a_reg)
			c_v_reg <= 1'b0;
		if (gnt)
			sel_reg <= raddr[0];
		if (rst) begin
			in_v_reg <= 1'b0;
			h_v_reg <= 1'b0;
			c_v_reg <= 1'b0;
			fetch_reg <= 1'b0;
		end
	end

endmodule
`resetall
