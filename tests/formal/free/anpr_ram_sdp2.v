`resetall
`default_nettype none
/*
 * anpr_ram_sdp2 for formal checks at module ports (tests/formal/run.sh):
 * the same ports, both read data free on every cycle (as free/anpr_ram_sdp.v).
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
	(* anyseq *) wire [DATA_W-1:0] f_any_a;
	(* anyseq *) wire [DATA_W-1:0] f_any_b;
	assign rdata_a = f_any_a;
	assign rdata_b = f_any_b;
	wire unused = &{1'b0, clk, we_a, we_b, waddr, wdata, re, raddr, DEPTH[0]};
endmodule
`resetall
