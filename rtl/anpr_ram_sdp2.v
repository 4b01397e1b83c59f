`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_ram_sdp2 - two simple dual-port RAMs that share their addresses, in
 * one memory: a word holds one entry of each (low half: RAM a, high half:
 * RAM b) and each half has its own write enable. On the iCE40 both fit one
 * block RAM when 2 DATA_W <= 16 (Yosys maps the halves to its bit write
 * mask). Otherwise as anpr_ram_sdp: registered read with read enable.
 *
 * Parameters
 *   DATA_W  width of each RAM, bits
 *   ADDR_W  address width; DEPTH words (default 2**ADDR_W)
 *
 * Ports
 *   we_a, we_b, waddr, wdata   write wdata at waddr into RAM a and/or b
 *   re, raddr, rdata_a/b       read both RAMs at raddr
 */
module anpr_ram_sdp2 #(
	parameter DATA_W = 8,
	parameter ADDR_W = 8,
	parameter DEPTH = (1 << ADDR_W)
) (
	input  wire              clk,
	input  wire              we_a,
	input  wire              we_b,
	input  wire [ADDR_W-1:0] waddr,
	input  wire [DATA_W-1:0] wdata,
	input  wire              re,
	input  wire [ADDR_W-1:0] raddr,
	output wire [DATA_W-1:0] rdata_a,
	output wire [DATA_W-1:0] rdata_b
);

	(* no_rw_check *)
	reg [2*DATA_W-1:0] mem [0:DEPTH-1];
	reg [2*DATA_W-1:0] rdata;

	always @(posedge clk) begin
		if (we_a)
			mem[waddr][DATA_W-1:0] <= wdata;
		if (we_b)
			mem[waddr][2*DATA_W-1:DATA_W] <= wdata;
		if (re)
			rdata <= mem[raddr];
	end
	assign rdata_a = rdata[DATA_W-1:0];
	assign rdata_b = rdata[2*DATA_W-1:DATA_W];

endmodule
`resetall
