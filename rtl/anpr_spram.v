`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_spram - single-port RAM of 16-bit words with a byte write mask: the
 * shape of the iCE40 UP5K's SPRAM (SB_SPRAM256KA, 16K x 16 each), behind a
 * technology-free interface.
 *
 * One access per cycle: a write when cs && we (the bytes wmask selects), a
 * read when cs && !we, whose word is in rdata the next cycle. rdata is only
 * defined the cycle after a read (the SPRAM's output is undefined after a
 * write); users capture it then.
 *
 * Implementation, chosen at compile time:
 *   default         a behavioural array (Verilator, Icarus, generic Yosys)
 *   `ANPR_ICE40     ceil(DEPTH / 16384) SB_SPRAM256KA, selected by the top
 *                   address bits (bitstreams/synth_up5k.ys defines it)
 *
 * Parameters
 *   ADDR_W  word address width
 *   DEPTH   words (at most 2**ADDR_W; 4 x 16384 on the UP5K)
 *
 * Ports
 *   cs, we, addr, wdata, wmask   the access; wmask[0] = bits 7:0, [1] = 15:8
 *   rdata                        the word read in the previous cycle
 */
module anpr_spram #(
	parameter ADDR_W = 15,
	parameter DEPTH = (1 << ADDR_W)
) (
	input  wire              clk,
	input  wire              cs,
	input  wire              we,
	input  wire [ADDR_W-1:0] addr,
	input  wire [15:0]       wdata,
	input  wire [1:0]        wmask,
	output wire [15:0]       rdata
);

`ifdef ANPR_ICE40
	localparam NB = (DEPTH + 16383) / 16384;
	localparam BS_W = (ADDR_W > 14) ? ADDR_W - 14 : 1;

	wire [15:0]     q [0:NB-1];
	wire [BS_W-1:0] bank;
	wire [13:0]     baddr;
	reg  [BS_W-1:0] bank_q; /* the bank of the last access: which output to use */

	generate
		if (ADDR_W > 14) begin : g_banks
			assign bank = addr[ADDR_W-1:14];
			assign baddr = addr[13:0];
		end else begin : g_one
			assign bank = 1'b0;
			assign baddr = {{14-ADDR_W{1'b0}}, addr};
		end
	endgenerate

	genvar b;
	generate
		for (b = 0; b < NB; b = b + 1) begin : g_sp
			SB_SPRAM256KA sp (
				.ADDRESS(baddr), .DATAIN(wdata),
				.MASKWREN({wmask[1], wmask[1], wmask[0], wmask[0]}),
				.WREN(we), .CHIPSELECT(cs && bank == b), .CLOCK(clk),
				.STANDBY(1'b0), .SLEEP(1'b0), .POWEROFF(1'b1),
				.DATAOUT(q[b])
			);
		end
	endgenerate

	always @(posedge clk)
		if (cs)
			bank_q <= bank;
	assign rdata = q[bank_q];
`else
	reg [15:0] mem [0:DEPTH-1];
	reg [15:0] q_reg;

	always @(posedge clk)
		if (cs) begin
			if (we) begin
				if (wmask[0])
					mem[addr][7:0] <= wdata[7:0];
				if (wmask[1])
					mem[addr][15:8] <= wdata[15:8];
			end else begin
				q_reg <= mem[addr];
			end
		end
	assign rdata = q_reg;
`endif

endmodule
`resetall
