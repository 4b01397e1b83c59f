`resetall
`default_nettype none
/*
 * fv_stream - the valid/ready contract of one stream port, for the formal
 * wrappers (tests/formal/fv_*.v, make formal). OUTPUT = 1: the port is the
 * module's output and the contract is asserted; 0: it is an input and the
 * contract is assumed of the environment. Once valid is high and ready low,
 * valid stays high and data stays the same on the next cycle (a reset
 * excepted). Covers: a word stalled, then taken.
 */
module fv_stream #(
	parameter W = 8,
	parameter OUTPUT = 1
) (
	input wire         clk,
	input wire         rst,
	input wire         valid,
	input wire         ready,
	input wire [W-1:0] data
);
	/* last cycle: a word offered and not taken, out of reset */
	reg         f_stall = 1'b0;
	reg [W-1:0] f_data;
	always @(posedge clk) begin
		f_stall <= valid && !ready && !rst;
		f_data <= data;
	end
	wire f_stalled = f_stall && !rst;
	always @(*)
		if (f_stalled) begin
			if (OUTPUT)
				assert(valid && data == f_data);
			else
				assume(valid && data == f_data);
		end
	always @(*)
		if (OUTPUT)
			cover(f_stalled && ready);
endmodule
`resetall
