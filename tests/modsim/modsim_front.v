`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * modsim_front - the front end alone for tests/modsim: anpr_framer,
 * anpr_sobel, anpr_blocks and anpr_evq, wired as in anpr_pipeline (the same
 * configuration latching at the start of a frame). The back end is the
 * test bench: it takes events from m_ev_* and drives hold and be_idle,
 * which the pipeline derives from the back end's state.
 */
module modsim_front #(
	parameter MAX_W = 1280,
	parameter RING_LINES = 48
) (
	input  wire        clk,
	input  wire        rst,

	input  wire [7:0]  s_axis_video_tdata,
	input  wire        s_axis_video_tvalid,
	output wire        s_axis_video_tready,
	input  wire        s_axis_video_tuser,
	input  wire        s_axis_video_tlast,

	/* the test bench's holds: added to the event queue's own */
	input  wire        hold_tb,
	input  wire        be_idle_tb,

	output wire [50:0] m_ev,
	output wire        m_ev_valid,
	input  wire        m_ev_ready,

	input  wire [11:0] cfg_width,
	input  wire [11:0] cfg_height,
	input  wire [7:0]  cfg_edge_thr,
	input  wire [7:0]  cfg_edge_k,
	input  wire [7:0]  cfg_edge_bias,
	input  wire [5:0]  cfg_block_thr,
	input  wire [1:0]  cfg_run_gap,
	input  wire [3:0]  cfg_min_run,

	output wire [31:0] sts_frames,
	output wire [31:0] sts_frames_ok,
	output wire [31:0] sts_frames_bad,
	output wire [31:0] sts_discarded,
	output wire        ring_we,
	output wire        busy
);

	localparam X_W = $clog2(MAX_W);
	localparam Y_W = 12;
	localparam RING_AW = $clog2(RING_LINES * MAX_W);

	reg [7:0] edge_thr_q, edge_k_q, edge_bias_q;
	reg [5:0] block_thr_q;
	reg [1:0] run_gap_q;
	reg [3:0] min_run_q;

	wire               frame_start, pix_valid, pix_eol;
	wire [7:0]         pix_data;
	wire [X_W-1:0]     pix_x;
	wire [Y_W-1:0]     pix_y, frame_width, frame_height;
	wire [RING_AW-1:0] ring_waddr;
	wire               ev_start, ev_start_overrun, ev_fend, ev_abort;
	wire [7:0]         ev_abort_flags;
	wire [Y_W-1:0]     ev_lines;
	wire               evq_busy, evq_empty;
	wire               take = s_axis_video_tvalid && s_axis_video_tready;

	anpr_framer #(.X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W), .RING_LINES(RING_LINES),
		      .RING_AW(RING_AW)) framer (
		.clk(clk), .rst(rst),
		.s_axis_video_tdata(s_axis_video_tdata), .s_axis_video_tvalid(s_axis_video_tvalid),
		.s_axis_video_tready(s_axis_video_tready), .s_axis_video_tuser(s_axis_video_tuser),
		.s_axis_video_tlast(s_axis_video_tlast),
		.hold(evq_busy || hold_tb), .be_idle(!evq_busy && evq_empty && be_idle_tb),
		.cfg_width(cfg_width), .cfg_height(cfg_height),
		.frame_start(frame_start), .pix_valid(pix_valid), .pix_data(pix_data), .pix_x(pix_x),
		.pix_y(pix_y), .pix_eol(pix_eol), .frame_width(frame_width), .frame_height(frame_height),
		.ring_we(ring_we), .ring_waddr(ring_waddr),
		.ev_start(ev_start), .ev_start_overrun(ev_start_overrun), .ev_fend(ev_fend),
		.ev_abort(ev_abort), .ev_abort_flags(ev_abort_flags), .ev_lines(ev_lines),
		.sts_frames(sts_frames), .sts_frames_ok(sts_frames_ok), .sts_frames_bad(sts_frames_bad),
		.sts_discarded(sts_discarded)
	);

	wire           e_valid, e_bit;
	wire [X_W-1:0] e_col;
	wire [Y_W-1:0] e_row;

	anpr_sobel #(.X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W)) sobel (
		.clk(clk), .take(take), .pix_valid(pix_valid), .pix_data(pix_data), .pix_x(pix_x),
		.pix_y(pix_y), .pix_eol(pix_eol),
		.cfg_edge_thr(edge_thr_q), .cfg_edge_k(edge_k_q), .cfg_edge_bias(edge_bias_q),
		.e_valid(e_valid), .e_bit(e_bit), .e_col(e_col), .e_row(e_row)
	);

	wire           run_a, run_b, rowend;
	wire [X_W-4:0] run_a_x0, run_a_x1;
	wire [15:0]    run_a_sum;
	wire [Y_W-3:0] run_by;

	anpr_blocks #(.X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W)) blocks (
		.clk(clk), .take(take), .e_valid(e_valid), .e_bit(e_bit), .e_col(e_col), .e_row(e_row),
		.pix_x(pix_x), .pix_valid(pix_valid), .pix_eol(pix_eol),
		.frame_width(frame_width), .frame_height(frame_height),
		.cfg_block_thr(block_thr_q), .cfg_run_gap(run_gap_q), .cfg_min_run(min_run_q),
		.run_a(run_a), .run_a_x0(run_a_x0), .run_a_x1(run_a_x1), .run_a_sum(run_a_sum),
		.run_b(run_b), .rowend(rowend), .run_by(run_by)
	);

	/* the event time: cycles since reset, as in the pipeline */
	reg [31:0] cycles_reg;

	anpr_evq #(.X_W(X_W), .Y_W(Y_W)) evq (
		.clk(clk), .rst(rst), .busy(evq_busy), .q_empty(evq_empty),
		.ev_start(ev_start), .ev_start_overrun(ev_start_overrun), .ev_time(cycles_reg),
		.run_a(run_a), .run_a_x0(run_a_x0), .run_a_x1(run_a_x1), .run_a_sum(run_a_sum),
		.run_b(run_b), .run_by(run_by), .rowend(rowend), .rowend_y(pix_y),
		.ev_fend(ev_fend), .ev_abort(ev_abort), .ev_abort_flags(ev_abort_flags), .ev_lines(ev_lines),
		.m_ev(m_ev), .m_ev_valid(m_ev_valid), .m_ev_ready(m_ev_ready)
	);
	assign busy = evq_busy || !evq_empty;

	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, ring_waddr};
	/* verilator lint_on UNUSEDSIGNAL */

	always @(posedge clk) begin
		cycles_reg <= cycles_reg + 1;
		if (frame_start) begin
			edge_thr_q <= cfg_edge_thr;
			edge_k_q <= cfg_edge_k;
			edge_bias_q <= cfg_edge_bias;
			block_thr_q <= cfg_block_thr;
			run_gap_q <= cfg_run_gap;
			min_run_q <= cfg_min_run;
		end
		if (rst)
			cycles_reg <= 32'd0;
	end

endmodule
`resetall
