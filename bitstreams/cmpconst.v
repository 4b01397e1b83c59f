/*
 * cmpconst.v - a Yosys techmap (not RTL): an unsigned comparison of a signal
 * with a constant ($lt, $le, $gt, $ge, either operand the constant) as a
 * chain of ANDs and ORs, one per bit, that abc9 packs into LUTs.
 *
 * synth_ice40 maps a comparison wider than a LUT through alumacc onto a
 * carry chain: one SB_CARRY a bit plus a cell to bring the result out,
 * where the constant makes most of that logic trivial. The board build
 * ties cfg_* to constants, so many of its comparisons have one constant
 * side (the filter's limits, the tolerances, counters against the
 * parameters). Used before synth_ice40 in board_icebreaker.ys and
 * synth_up5k.ys (docs/PERFORMANCE.md section 8.2).
 *
 * V < C from the least significant bit up: r_0 = 0 (equal: not less),
 * r_{i+1} = C[i] ? !V[i] || r_i : !V[i] && r_i. V <= C starts from 1;
 * V > C and V >= C are the negations of V <= C and V < C.
 */
(* techmap_celltype = "$lt $le $gt $ge" *)
module _90_cmpconst (A, B, Y);
	parameter A_SIGNED = 0;
	parameter B_SIGNED = 0;
	parameter A_WIDTH = 1;
	parameter B_WIDTH = 1;
	parameter Y_WIDTH = 1;
	parameter _TECHMAP_CELLTYPE_ = "";
	parameter _TECHMAP_CONSTMSK_A_ = 0;
	parameter _TECHMAP_CONSTVAL_A_ = 0;
	parameter _TECHMAP_CONSTMSK_B_ = 0;
	parameter _TECHMAP_CONSTVAL_B_ = 0;

	input  [A_WIDTH-1:0] A;
	input  [B_WIDTH-1:0] B;
	output [Y_WIDTH-1:0] Y;

	localparam A_CONST = &_TECHMAP_CONSTMSK_A_;
	localparam B_CONST = &_TECHMAP_CONSTMSK_B_;
	localparam W = (A_WIDTH > B_WIDTH) ? A_WIDTH : B_WIDTH;
	/* only unsigned, one side constant, wider than a LUT (cmp2lut takes those) */
	wire _TECHMAP_FAIL_ = A_SIGNED || B_SIGNED || (A_CONST == B_CONST) || (W <= 4);

	/* as V op C: with the constant on the left, the relation turns round */
	localparam OP_LT = B_CONST ? (_TECHMAP_CELLTYPE_ == "$lt") : (_TECHMAP_CELLTYPE_ == "$gt");
	localparam OP_LE = B_CONST ? (_TECHMAP_CELLTYPE_ == "$le") : (_TECHMAP_CELLTYPE_ == "$ge");
	localparam OP_GT = B_CONST ? (_TECHMAP_CELLTYPE_ == "$gt") : (_TECHMAP_CELLTYPE_ == "$lt");
	/* V < C (start 0) or V <= C (start 1), negated for > and >= */
	localparam START = OP_LE || OP_GT;
	localparam NEG = !(OP_LT || OP_LE);

	wire [W-1:0] C = B_CONST ? _TECHMAP_CONSTVAL_B_ : _TECHMAP_CONSTVAL_A_;
	wire [W-1:0] V = B_CONST ? A : B;
	wire [W:0]   r;
	assign r[0] = START;
	genvar i;
	generate
		for (i = 0; i < W; i = i + 1) begin : g_bit
			assign r[i+1] = C[i] ? (!V[i] || r[i]) : (!V[i] && r[i]);
		end
	endgenerate
	assign Y = {{Y_WIDTH-1{1'b0}}, NEG ? !r[W] : r[W]};
endmodule
