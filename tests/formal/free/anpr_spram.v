`resetall
`default_nettype none
/*
 * anpr_spram for formal checks at module ports (tests/formal/run.sh): the
 * same ports, the read data free on every cycle (as free/anpr_ram_sdp.v).
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
	(* anyseq *) wire [15:0] f_any;
	assign rdata = f_any;
	wire unused = &{1'b0, clk, cs, we, addr, wdata, wmask, DEPTH[0]};
endmodule
`resetall
