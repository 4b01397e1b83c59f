`resetall
`default_nettype none
/*
 * fv_pixel - anpr_sobel and anpr_blocks (no handshake of their own: they
 * act on pixels the framer accepted) at their ports (make formal). Assumed:
 * the framer's contract, pix_valid only with take. Asserted: an edge
 * decision and every event (run_a, run_b, rowend) only in the cycle after
 * an accepted pixel (the pixel stage), so that the event queue's busy,
 * which holds take, stops them a cycle later. PPC: pixels a beat (1 or 2;
 * at 2 the beat's first pixel is at an even x, as the framer counts).
 */
module fv_pixel #(
	parameter PPC = 1,
	parameter X_W = 5,
	parameter Y_W = 12,
	parameter MAX_W = 32
) (
	input wire           clk,
	input wire           take,
	input wire           pix_valid,
	input wire [8*PPC-1:0] pix_data,
	input wire [X_W-1:0] pix_x,
	input wire [Y_W-1:0] pix_y,
	input wire           pix_eol,
	input wire [Y_W-1:0] frame_width,
	input wire [Y_W-1:0] frame_height,
	input wire [7:0]     cfg_edge_thr,
	input wire [7:0]     cfg_edge_k,
	input wire [7:0]     cfg_edge_bias,
	input wire [5:0]     cfg_block_thr,
	input wire [1:0]     cfg_run_gap,
	input wire [3:0]     cfg_min_run,
	input wire [11:0]    cfg_roi_x0,
	input wire [11:0]    cfg_roi_y0,
	input wire [11:0]    cfg_roi_x1,
	input wire [11:0]    cfg_roi_y1
);
	wire           e_valid, run_a, run_b, rowend;
	wire [PPC-1:0] e_bit;
	wire [X_W-4:0] run_a_x0, run_a_x1;
	wire [15:0]    run_a_sum;
	wire [Y_W-3:0] run_by;

	anpr_sobel #(.PPC(PPC), .X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W)) sobel (
		.clk(clk), .take(take), .pix_valid(pix_valid), .pix_data(pix_data), .pix_x(pix_x),
		.pix_y(pix_y), .pix_eol(pix_eol),
		.cfg_edge_thr(cfg_edge_thr), .cfg_edge_k(cfg_edge_k), .cfg_edge_bias(cfg_edge_bias),
		.e_valid(e_valid), .e_bit(e_bit)
	);
	anpr_blocks #(.PPC(PPC), .X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W)) blocks (
		.clk(clk), .take(take), .e_valid(e_valid), .e_bit(e_bit),
		.pix_x(pix_x), .pix_y(pix_y), .pix_eol(pix_eol), .frame_height(frame_height),
		.cfg_block_thr(cfg_block_thr), .cfg_run_gap(cfg_run_gap), .cfg_min_run(cfg_min_run),
		.cfg_roi_x0(cfg_roi_x0), .cfg_roi_y0(cfg_roi_y0), .cfg_roi_x1(cfg_roi_x1), .cfg_roi_y1(cfg_roi_y1),
		.run_a(run_a), .run_a_x0(run_a_x0), .run_a_x1(run_a_x1), .run_a_sum(run_a_sum),
		.run_b(run_b), .rowend(rowend), .run_by(run_by)
	);

	reg f_past_valid = 1'b0, f_valid_q = 1'b0;
	always @(posedge clk) begin
		f_past_valid <= 1'b1;
		f_valid_q <= pix_valid;
	end
	always @(*) begin
		if (pix_valid)
			assume(take);
		if (PPC == 2)
			assume(!pix_x[0]);
		if (f_past_valid && e_valid)
			assert(f_valid_q);
		if (f_past_valid && (run_a || run_b || rowend))
			assert(e_valid);
	end
	always @(posedge clk) begin
		cover(run_a);
		cover(rowend);
	end
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, run_a_x0, run_a_x1, run_a_sum, run_by, frame_width};
	/* verilator lint_on UNUSEDSIGNAL */
endmodule
`resetall
