`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_ram_sdp - simple dual-port RAM: one write port, one synchronous read
 * port with read enable. Infers iCE40 block RAM; the read is registered, as
 * iCE40 RAM requires. (The large memories need SPRAM on the UP5K: a board
 * wrapper, later work, docs/architecture.md.)
 *
 * Parameters
 *   DATA_W  word width, bits
 *   ADDR_W  address width; DEPTH words (default 2**ADDR_W)
 *
 * Ports
 *   we/waddr/wdata  write port: mem[waddr] <= wdata when we
 *   re/raddr/rdata  read port: rdata <= mem[raddr] when re; holds otherwise
 *
 * Reading and writing one address in the same cycle returns the old word on
 * some targets and the new on others: no user relies on either, hence
 * no_rw_check (Yosys would otherwise add bypass logic).
 */
module anpr_ram_sdp #(
	parameter DATA_W = 8,
	parameter ADDR_W = 10,
	parameter DEPTH = (1 << ADDR_W)
) (
	input  wire              clk,
	input  wire              we,
	input  wire [ADDR_W-1:0] waddr,
	input  wire [DATA_W-1:0] wdata,
	input  wire              re,
	input  wire [ADDR_W-1:0] raddr,
	output reg  [DATA_W-1:0] rdata
);

	(* no_rw_check *)
	reg [DATA_W-1:0] mem [0:DEPTH-1];

	always @(posedge clk) begin
		if (we)
			mem[waddr] <= wdata;
		if (re)
			rdata <= mem[raddr];
	end

endmodule
`resetall
