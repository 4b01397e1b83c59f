`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_ram_sp8 - a byte RAM with one write port and one read port on a
 * single-port RAM of 16-bit words (anpr_spram: the UP5K's SPRAM), two bytes
 * a word, one access a cycle.
 *
 * With IN_B = 2 a write is a pair of bytes (at an even address) and the
 * words are 32 bits (two anpr_spram side by side at the same address):
 * the row ring of a pipeline at two pixels a clock, which writes a pair in
 * every cycle a beat is taken, so that pairs go two to a word and every
 * other cycle is left to the reader. Below, "byte" is then a pair for the
 * writer, and the kept bytes of the word read are its bytes 1 to 3.
 *
 * Writes are never refused. A byte is registered, then an even byte waits
 * for its odd neighbour so that the pair takes one access; an even byte
 * with wlast (the end of a burst: a line, a crop) is written alone with a
 * byte mask, as is an odd byte that starts a burst. Writers write ascending
 * within a burst: the odd byte after a held even byte is its neighbour (an
 * even byte that follows a held one replaces it: only after a writer's
 * burst was cut short). A byte reaches the RAM 1 or 2 cycles after we; its
 * users never read it that early (the row ring reads complete rows only, a
 * slot is read after its copy has ended).
 *
 * Reads wait for writes: re asks, gnt says the read is taken this cycle,
 * and rdata holds the byte the cycle after a granted read (only then).
 * The odd byte of the last word read is kept: a reader sets rseq when it
 * reads the byte after the one it was granted last, and an odd byte read
 * so is the kept one (the word was read for its even byte) and needs no
 * access. A sequential reader thus needs one access per two bytes: it is
 * granted on every cycle but those where the RAM is written and the byte
 * is not the kept one. Readers do not read a word between writes to it.
 *
 * Parameters
 *   ADDR_W      byte address width
 *   DEPTH       bytes (even)
 *   WDATA_LATE  1: wdata comes a cycle after we, waddr and wlast (a
 *               writer copying from a RAM; the byte goes into the RAM
 *               from there, not from a register of its own); IN_B = 1 only
 *   IN_B        bytes a write: 1, or 2 (32-bit words)
 *
 * Ports
 *   we, waddr, wdata, wlast   write one byte; wlast: do not wait for its pair
 *   re, raddr, gnt, rdata     read one byte
 *   rseq                      raddr is the byte after the one granted last
 */
module anpr_ram_sp8 #(
	parameter ADDR_W = 16,
	parameter DEPTH = (1 << ADDR_W),
	parameter WDATA_LATE = 0,
	parameter IN_B = 1
) (
	input  wire              clk,
	input  wire              rst,

	input  wire              we,
	input  wire [ADDR_W-1:0] waddr,
	input  wire [8*IN_B-1:0] wdata,
	input  wire              wlast,

	input  wire              re,
	input  wire [ADDR_W-1:0] raddr,
	input  wire              rseq,
	output wire              gnt,
	output wire [7:0]        rdata
);

	localparam LB = IN_B;          /* log2 of the bytes a word (2 or 4) */
	localparam WA_W = ADDR_W - LB; /* word address width */

	initial
		if ((IN_B != 1 && IN_B != 2) || (IN_B == 2 && WDATA_LATE != 0) || DEPTH % (2 * IN_B) != 0) begin
			$display("anpr_ram_sp8: IN_B 1 or 2, WDATA_LATE with IN_B 1 only, DEPTH a multiple of the word (instance %m)");
			$finish;
		end

	/* the byte written last cycle (its data: wdata now with WDATA_LATE) */
	reg              in_v_reg, in_last_reg;
	reg [ADDR_W-1:0] in_a_reg;
	reg [8*IN_B-1:0] in_d_reg;
	/* the even byte written last: the in stage's while it holds an even
	 * byte (with WDATA_LATE: from the cycle after), then waiting for its
	 * odd neighbour (h_v_reg) */
	reg              h_v_reg;
	reg [8*IN_B-1:0] h_d_reg;
	/* the bytes after the first of the word read last */
	reg              fetch_reg;
	reg [LB-1:0]     sel_reg;
	reg [16*IN_B-9:0] c_d_reg;

	wire [8*IN_B-1:0] in_d = WDATA_LATE ? wdata : in_d_reg;
	wire            in_odd = in_v_reg && in_a_reg[LB-1];
	wire            in_even = in_v_reg && !in_a_reg[LB-1];
	/* an odd byte with the held even one or alone, an even byte alone at a burst's end */
	wire            wr = in_odd || (in_even && in_last_reg);

	wire            hit = (raddr[LB-1:0] != {LB{1'b0}}) && rseq;
	wire            fetch = re && !hit && !wr;
	assign gnt = re && (hit || !wr);

	wire [16*IN_B-1:0] q;
	wire               cs = wr || fetch;

	generate
		if (IN_B == 1) begin : g_b1
			assign rdata = !fetch_reg ? c_d_reg : sel_reg ? q[15:8] : q[7:0];

			anpr_spram #(.ADDR_W(WA_W), .DEPTH(DEPTH / 2)) ram (
				.clk(clk), .cs(cs), .we(wr), .addr(wr ? in_a_reg[ADDR_W-1:1] : raddr[ADDR_W-1:1]),
				.wdata({in_d, (WDATA_LATE && !in_odd) ? in_d : h_d_reg}),
				.wmask({in_odd, in_even || h_v_reg}), .rdata(q)
			);
		end else begin : g_b2
			wire [31:0]     word = fetch_reg ? q : {c_d_reg, 8'd0};
			wire [WA_W-1:0] addr = wr ? in_a_reg[ADDR_W-1:2] : raddr[ADDR_W-1:2];
			wire            lo_we = in_even || h_v_reg;

			assign rdata = word[8 * sel_reg +: 8];
			/* verilator lint_off UNUSEDSIGNAL */
			wire unused = &{1'b0, in_a_reg[0]}; /* pairs are at even addresses */
			/* verilator lint_on UNUSEDSIGNAL */

			anpr_spram #(.ADDR_W(WA_W), .DEPTH(DEPTH / 4)) ram_lo (
				.clk(clk), .cs(cs), .we(wr), .addr(addr),
				.wdata(h_d_reg), .wmask({lo_we, lo_we}), .rdata(q[15:0])
			);
			anpr_spram #(.ADDR_W(WA_W), .DEPTH(DEPTH / 4)) ram_hi (
				.clk(clk), .cs(cs), .we(wr), .addr(addr),
				.wdata(in_d), .wmask({in_odd, in_odd}), .rdata(q[31:16])
			);
		end
	endgenerate

	always @(posedge clk) begin
		in_v_reg <= we;
		in_a_reg <= waddr;
		in_d_reg <= wdata;
		in_last_reg <= wlast;
		if (WDATA_LATE ? in_even : we && !waddr[LB-1])
			h_d_reg <= wdata;
		if (in_v_reg)
			h_v_reg <= in_even && !in_last_reg;
		fetch_reg <= fetch;
		if (fetch_reg)
			c_d_reg <= q[16*IN_B-1:8];
		if (gnt)
			sel_reg <= raddr[LB-1:0];
		if (rst) begin
			in_v_reg <= 1'b0;
			h_v_reg <= 1'b0;
			fetch_reg <= 1'b0;
		end
	end

endmodule
`resetall
