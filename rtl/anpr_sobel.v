`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_sobel - 3x3 Sobel horizontal gradient and the edge decision.
 *
 * Two line buffers hold rows y-1 and y-2. Their read port runs one pixel
 * ahead (the address of the next pixel is read when a pixel is accepted), so
 * when pixel (x, y) arrives, column x of both rows is already in the
 * buffers' output registers and the gradient of pixel (x-1, y-1) is decided
 * in the same cycle, and registered (e_*, the pixel stage):
 *
 *   l = a[x-2] + 2 b[x-2] + c[x-2],  r = a[x] + 2 b[x] + c[x]
 *   e = |l - r| / 4
 *   edge = e >= cfg_edge_thr  and  e * 2048 >= cfg_edge_k * (l + r + 8 cfg_edge_bias)
 *
 * with a = row y-2, b = row y-1, c = row y. The second test compares the
 * gradient with the local brightness (l + r is 8 times the mean of the six
 * pixels), so that dim plates still give edges; cfg_edge_k = 0 disables it.
 * Rows 0 and H-1 and columns 0 and W-1 have no gradient.
 *
 * At PPC = 2 a beat brings pixels x and x+1 (x even) and decides columns
 * x-1 and x of row y-1 (e_bit[0] and e_bit[1]): the column sums of x-2
 * and x-1 are the previous beat's, the line buffers hold pixel pairs.
 * Every beat from x = 2 on decides two columns (1 .. W-2).
 *
 * Ports
 *   pix_*    accepted beats from anpr_framer (pix_x: the first pixel's)
 *   take     any pixel accepted (also discarded ones: the read-ahead
 *            address returns to column 0 after anything but a mid-line pixel)
 *   e_*      the decisions for pixels (x-1 .. x+PPC-2, y-1) of the beat
 *            (x, y) accepted in the cycle before, valid with e_valid: a
 *            register stage (timing), anpr_blocks keeps the position
 */
module anpr_sobel #(
	parameter PPC = 1,
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter MAX_W = 1280
) (
	input  wire             clk,
	input  wire             take,
	input  wire             pix_valid,
	input  wire [8*PPC-1:0] pix_data,
	input  wire [X_W-1:0]   pix_x,
	input  wire [Y_W-1:0]   pix_y,
	input  wire             pix_eol,
	input  wire [7:0]       cfg_edge_thr,
	input  wire [7:0]       cfg_edge_k,
	input  wire [7:0]       cfg_edge_bias,
	output wire             e_valid,
	output wire [PPC-1:0]   e_bit
);

	localparam [X_W-1:0] PPC_X = PPC[X_W-1:0];
	localparam LB_AW = X_W - PPC + 1; /* a word a beat */

	wire [8*PPC-1:0] row1, row2; /* rows y-1 and y-2 at the beat's columns */
	wire [X_W-1:0] ahead = (pix_valid && !pix_eol) ? pix_x + PPC_X : {X_W{1'b0}};

	/* both line buffers in one RAM (same addresses): row y goes in as
	 * row y-1, row y-1 as row y-2 */
	anpr_ram_sdp #(.DATA_W(16 * PPC), .ADDR_W(LB_AW), .DEPTH(MAX_W / PPC)) lb (
		.clk(clk), .we(pix_valid), .waddr(pix_x[X_W-1:PPC-1]), .wdata({row1, pix_data}),
		.re(take), .raddr(ahead[X_W-1:PPC-1]), .rdata({row2, row1})
	);

	/* e = |Gx| / 4 of the column sums l and r either side of a pixel, and
	 * the edge decision (|Gx| mod 4 unused) */
	/* verilator lint_off UNUSEDSIGNAL */
	function automatic edge_of(input [9:0] l, input [9:0] r, input [7:0] thr, input [7:0] k,
				   input [7:0] bias);
		reg [9:0]  gdiff;
		reg [11:0] bright;
		reg [19:0] lhs, rhs;
		begin
			gdiff = (l > r) ? l - r : r - l;
			bright = {2'b00, l} + {2'b00, r} + {1'b0, bias, 3'b000};
			lhs = {1'b0, gdiff[9:2], 11'b0};
			rhs = k * bright;
			edge_of = (gdiff[9:2] >= thr) && (lhs >= rhs);
		end
	endfunction
	/* verilator lint_on UNUSEDSIGNAL */

	/* the decisions a cycle after their beat (timing: the pixel stage) */
	reg e_valid_reg;
	reg [PPC-1:0] e_bit_reg;
	always @(posedge clk)
		e_valid_reg <= pix_valid && pix_x >= 2 && pix_y >= 2;
	assign e_valid = e_valid_reg;
	assign e_bit = e_bit_reg;

	generate
		if (PPC == 1) begin : g_one
			/* column sums a + 2b + c of the two previous columns */
			reg [9:0] col1_reg, col2_reg;
			wire [9:0] col0 = {2'b00, row2} + {1'b0, row1, 1'b0} + {2'b00, pix_data};

			always @(posedge clk) begin
				if (pix_valid) begin
					col1_reg <= col0;
					col2_reg <= col1_reg;
				end
				e_bit_reg <= edge_of(col2_reg, col0, cfg_edge_thr, cfg_edge_k, cfg_edge_bias);
			end
		end else begin : g_two
			/* verilator lint_off UNUSEDSIGNAL */
			wire unused = ahead[0]; /* the pair's address is x / 2 */
			/* verilator lint_on UNUSEDSIGNAL */
			/* column sums of x and x+1, and of the previous beat's x-2, x-1 */
			reg [9:0] cm2_reg, cm1_reg;
			wire [9:0] c0 = {2'b00, row2[7:0]} + {1'b0, row1[7:0], 1'b0} + {2'b00, pix_data[7:0]};
			wire [9:0] c1 = {2'b00, row2[15:8]} + {1'b0, row1[15:8], 1'b0} + {2'b00, pix_data[15:8]};

			always @(posedge clk) begin
				if (pix_valid) begin
					cm2_reg <= c0;
					cm1_reg <= c1;
				end
				e_bit_reg <= {edge_of(cm1_reg, c1, cfg_edge_thr, cfg_edge_k, cfg_edge_bias),
					      edge_of(cm2_reg, c0, cfg_edge_thr, cfg_edge_k, cfg_edge_bias)};
			end
		end
	endgenerate

endmodule
`resetall
