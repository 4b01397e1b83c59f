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
 * Ports
 *   pix_*    accepted pixels from anpr_framer
 *   take     any pixel accepted (also discarded ones: the read-ahead
 *            address returns to column 0 after anything but a mid-line pixel)
 *   e_*      the decision for pixel (x-1, y-1) of the pixel (x, y)
 *            accepted in the cycle before, valid with e_valid: a register
 *            stage (timing), anpr_blocks keeps the pixel's position
 */
module anpr_sobel #(
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter MAX_W = 1280
) (
	input  wire           clk,
	input  wire           take,
	input  wire           pix_valid,
	input  wire [7:0]     pix_data,
	input  wire [X_W-1:0] pix_x,
	input  wire [Y_W-1:0] pix_y,
	input  wire           pix_eol,
	input  wire [7:0]     cfg_edge_thr,
	input  wire [7:0]     cfg_edge_k,
	input  wire [7:0]     cfg_edge_bias,
	output wire           e_valid,
	output wire           e_bit
);

	wire [7:0] row1, row2; /* rows y-1 and y-2 at column pix_x */
	wire [X_W-1:0] ahead = (pix_valid && !pix_eol) ? pix_x + 1'b1 : {X_W{1'b0}};

	/* both line buffers in one RAM of 16-bit words (same addresses):
	 * row y goes in as row y-1, row y-1 as row y-2 */
	anpr_ram_sdp #(.DATA_W(16), .ADDR_W(X_W), .DEPTH(MAX_W)) lb (
		.clk(clk), .we(pix_valid), .waddr(pix_x), .wdata({row1, pix_data}),
		.re(take), .raddr(ahead), .rdata({row2, row1})
	);

	/* column sums a + 2b + c of the two previous columns */
	reg [9:0] col1_reg, col2_reg;
	wire [9:0] col0 = {2'b00, row2} + {1'b0, row1, 1'b0} + {2'b00, pix_data};

	always @(posedge clk)
		if (pix_valid) begin
			col1_reg <= col0;
			col2_reg <= col1_reg;
		end

	wire [9:0]  gdiff = (col2_reg > col0) ? col2_reg - col0 : col0 - col2_reg;
	wire [7:0]  e = gdiff[9:2];

	/* e = |Gx| / 4 */
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, gdiff[1:0]};
	/* verilator lint_on UNUSEDSIGNAL */
	wire [11:0] bright = {2'b00, col2_reg} + {2'b00, col0} + {1'b0, cfg_edge_bias, 3'b000};
	wire [19:0] lhs = {1'b0, e, 11'b0};
	wire [19:0] rhs = cfg_edge_k * bright;

	/* the decision a cycle after its pixel (timing: the pixel stage) */
	reg e_valid_reg, e_bit_reg;
	always @(posedge clk) begin
		e_valid_reg <= pix_valid && pix_x >= 2 && pix_y >= 2;
		e_bit_reg <= (e >= cfg_edge_thr) && (lhs >= rhs);
	end
	assign e_valid = e_valid_reg;
	assign e_bit = e_bit_reg;

endmodule
`resetall
