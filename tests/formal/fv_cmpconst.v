`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * fv_cmpconst - comparisons with a constant side, wider than a LUT, for
 * tests/formal/run.sh: bitstreams/cmpconst.v (the board build's techmap)
 * must map every one and give the same function as Yosys's own cells
 * (a SAT proof over all inputs). Both operand orders, the four relations,
 * constants at 0, at the top of the range and past it, unequal widths.
 */
module fv_cmpconst (
	input  wire [8:0]  a,
	input  wire [12:0] b,
	input  wire [25:0] c,
	input  wire [5:0]  d,
	output wire [19:0] y
);
	assign y[0] = a >= 9'd2;
	assign y[1] = a < 9'd300;
	assign y[2] = b <= 13'd1279;
	assign y[3] = b > 13'd4097;
	assign y[4] = c > 26'd8192;
	assign y[5] = 13'd45 < b;
	assign y[6] = 9'd7 >= a;
	assign y[7] = 9'd0 > a;
	assign y[8] = 9'd0 <= a;
	assign y[9] = a <= 9'd511;
	assign y[10] = a > 9'd511;
	assign y[11] = d < 12'd70;
	assign y[12] = {1'b0, a} >= 10'd513;
	assign y[13] = b >= 13'd0;
	assign y[14] = c < 26'd1;
	assign y[15] = d > 6'd31;
	assign y[16] = 6'd40 > d;
	assign y[17] = 26'd12345678 <= c;
	assign y[18] = 13'd8191 < b;
	assign y[19] = a >= 9'd256;
endmodule
`resetall
