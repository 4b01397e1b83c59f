`resetall
`default_nettype none
/*
 * anpr_ram_sdp for formal checks at module ports (tests/formal/run.sh): the
 * same ports, the read data free on every cycle. Properties proven with it
 * hold whatever the memory returns, so also for the real RAM; they must not
 * depend on memory contents (handshakes do not).
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
	output wire [DATA_W-1:0] rdata
);
	(* anyseq *) wire [DATA_W-1:0] f_any;
	assign rdata = f_any;
	wire unused = &{1'b0, clk, we, waddr, wdata, re, raddr, DEPTH[0]};
endmodule
`resetall
