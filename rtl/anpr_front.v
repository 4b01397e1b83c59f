`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_front - the pipeline's front end: camera pixels in, events out.
 *
 *   video in -> anpr_framer -> anpr_sobel -> | -> anpr_blocks -> anpr_evq -> m_ev
 *
 * (|: the pixel stage, a register stage after the edge decision; the
 * framer's events pass through it too)
 *
 * The framer checks the frame's shape and gives each accepted pixel its
 * position and its row-ring address; the Sobel decides vertical edges; the
 * blocks count them and find runs of dense blocks; the event queue orders
 * the runs and the frame's start, row ends, end or abort for the linker.
 * The edge and run settings are latched at each start of frame (the SOF
 * pixel is in row 0, which has no gradient); frame_edge_thr is the frame's
 * edge threshold, which the records carry.
 *
 * The back end holds the input through hold_in (its memories' hazards) and
 * says through be_idle_in that it has finished the frame's events; the
 * front end adds its own: the event queue's busy cycles and, after a
 * block row's last pixel, a cycle for the pixel stage. anpr_pipeline
 * instantiates it; tests/modsim tests it alone against the C model.
 */
module anpr_front #(
	parameter PPC = 1,       /* pixels a beat of the video input: 1 or 2 */
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter X_W = $clog2(MAX_W),
	parameter Y_W = 12,
	parameter RING_AW = $clog2(RING_LINES * MAX_W)
) (
	input  wire               clk,
	input  wire               rst,

	input  wire [8*PPC-1:0]   s_axis_video_tdata,
	input  wire               s_axis_video_tvalid,
	output wire               s_axis_video_tready,
	input  wire               s_axis_video_tuser,
	input  wire               s_axis_video_tlast,

	input  wire               hold_in,     /* the back end holds the input */
	input  wire               be_idle_in,  /* the back end has no event of this frame left */

	output wire [50:0]        m_ev,
	output wire               m_ev_valid,
	input  wire               m_ev_ready,

	input  wire [11:0]        cfg_width,
	input  wire [11:0]        cfg_height,
	input  wire [7:0]         cfg_edge_thr,
	input  wire [7:0]         cfg_edge_k,
	input  wire [7:0]         cfg_edge_bias,
	input  wire [5:0]         cfg_block_thr,
	input  wire [1:0]         cfg_run_gap,
	input  wire [3:0]         cfg_min_run,
	input  wire [11:0]        cfg_roi_x0,
	input  wire [11:0]        cfg_roi_y0,
	input  wire [11:0]        cfg_roi_x1,
	input  wire [11:0]        cfg_roi_y1,

	/* the accepted pixel, for the row ring and the back end's hazards */
	output wire               frame_start,
	output wire [8*PPC-1:0]   pix_data,
	output wire [Y_W-1:0]     pix_row,     /* the framer's row register (anpr_framer's row) */
	output wire               pix_eol,
	output wire               ring_we,
	output wire [RING_AW-1:0] ring_waddr,
	output wire [Y_W-1:0]     frame_width,
	output wire [Y_W-1:0]     frame_height,
	output wire [7:0]         frame_edge_thr,
	output wire               rowend,      /* a block row's runs are all out */
	output wire               busy,        /* events pending in the queue */

	output wire [31:0]        sts_frames,
	output wire [31:0]        sts_frames_ok,
	output wire [31:0]        sts_frames_bad,
	output wire [31:0]        sts_discarded
);

	reg [7:0]  edge_thr_q, edge_k_q, edge_bias_q;
	reg [5:0]  block_thr_q;
	reg [1:0]  run_gap_q;
	reg [3:0]  min_run_q;
	reg [11:0] roi_x0_q, roi_y0_q, roi_x1_q, roi_y1_q;
	reg [31:0] cycles_reg; /* the event time: cycles since reset, a cycle behind */

	/* The pixel stage (timing): the edge decision (anpr_sobel) and with it
	 * the runs and row ends (anpr_blocks) of a pixel come a cycle after it
	 * was taken; the framer's events go through these registers so that
	 * the events keep their order. FEND's and ABORT's payload registers
	 * load only with their event: they hold still while it pends in the
	 * event queue (the framer then discards or waits for be_idle). */
	reg            st_start_reg, st_overrun_reg, st_fend_reg, st_abort_reg;
	reg [7:0]      st_flags_reg;
	reg [Y_W-1:0]  st_lines_reg;
	/* The pixel after a line's last one of a block row waits a cycle: that
	 * line end raises a row end (and maybe a run) in the stage, which the
	 * queue holds pending from the cycle after; none may follow it before
	 * (busy). After a frame's end or an abort the framer takes no valid
	 * pixel, and be_idle waits for the stage. A pixel the framer discards
	 * after a frame's end still reloads anpr_blocks' block row (by_reg),
	 * which a run waiting in the queue may carry: it is row H, in the last
	 * row's block row unless H mod 4 = 1, and then the last line's end
	 * held the input (pend_soon_reg) until that run was queued. */
	reg            pend_soon_reg;

	wire               pix_valid;
	wire [X_W-1:0]     pix_x;
	wire [Y_W-1:0]     pix_y;
	wire               ev_start, ev_start_overrun, ev_fend, ev_abort;
	wire [7:0]         ev_abort_flags;
	wire [Y_W-1:0]     ev_lines;
	wire               evq_busy, evq_empty;
	wire               take = s_axis_video_tvalid && s_axis_video_tready;

	anpr_framer #(.PPC(PPC), .X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W), .RING_LINES(RING_LINES),
		      .RING_AW(RING_AW)) framer (
		.clk(clk), .rst(rst),
		.s_axis_video_tdata(s_axis_video_tdata), .s_axis_video_tvalid(s_axis_video_tvalid),
		.s_axis_video_tready(s_axis_video_tready), .s_axis_video_tuser(s_axis_video_tuser),
		.s_axis_video_tlast(s_axis_video_tlast),
		.hold(evq_busy || pend_soon_reg || hold_in),
		.be_idle(!evq_busy && evq_empty && be_idle_in && !st_fend_reg && !st_abort_reg),
		.cfg_width(cfg_width), .cfg_height(cfg_height),
		.frame_start(frame_start), .pix_valid(pix_valid), .pix_data(pix_data), .pix_x(pix_x),
		.pix_y(pix_y), .row(pix_row), .pix_eol(pix_eol), .frame_width(frame_width), .frame_height(frame_height),
		.ring_we(ring_we), .ring_waddr(ring_waddr),
		.ev_start(ev_start), .ev_start_overrun(ev_start_overrun), .ev_fend(ev_fend),
		.ev_abort(ev_abort), .ev_abort_flags(ev_abort_flags), .ev_lines(ev_lines),
		.sts_frames(sts_frames), .sts_frames_ok(sts_frames_ok), .sts_frames_bad(sts_frames_bad),
		.sts_discarded(sts_discarded)
	);

	wire           e_valid;
	wire [PPC-1:0] e_bit;

	anpr_sobel #(.PPC(PPC), .X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W)) sobel (
		.clk(clk), .take(take), .pix_valid(pix_valid), .pix_data(pix_data), .pix_x(pix_x),
		.pix_y(pix_y), .pix_eol(pix_eol),
		.cfg_edge_thr(edge_thr_q), .cfg_edge_k(edge_k_q), .cfg_edge_bias(edge_bias_q),
		.e_valid(e_valid), .e_bit(e_bit)
	);

	wire           run_a, run_b;
	wire [X_W-4:0] run_a_x0, run_a_x1;
	wire [15:0]    run_a_sum;
	wire [Y_W-3:0] run_by;

	anpr_blocks #(.PPC(PPC), .X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W)) blocks (
		.clk(clk), .take(take), .e_valid(e_valid), .e_bit(e_bit),
		.pix_x(pix_x), .pix_y(pix_y), .pix_eol(pix_eol), .frame_height(frame_height),
		.cfg_block_thr(block_thr_q), .cfg_run_gap(run_gap_q), .cfg_min_run(min_run_q),
		.cfg_roi_x0(roi_x0_q), .cfg_roi_y0(roi_y0_q), .cfg_roi_x1(roi_x1_q), .cfg_roi_y1(roi_y1_q),
		.run_a(run_a), .run_a_x0(run_a_x0), .run_a_x1(run_a_x1), .run_a_sum(run_a_sum),
		.run_b(run_b), .rowend(rowend), .run_by(run_by)
	);

	anpr_evq #(.X_W(X_W), .Y_W(Y_W)) evq (
		.clk(clk), .rst(rst), .busy(evq_busy), .q_empty(evq_empty),
		.ev_start(st_start_reg), .ev_start_overrun(st_overrun_reg), .ev_time(cycles_reg),
		.run_a(run_a), .run_a_x0(run_a_x0), .run_a_x1(run_a_x1), .run_a_sum(run_a_sum),
		.run_b(run_b), .run_by(run_by), .rowend(rowend), .rowend_y(pix_row - 1'b1),
		.ev_fend(st_fend_reg), .ev_abort(st_abort_reg), .ev_abort_flags(st_flags_reg),
		.ev_lines(st_lines_reg),
		.m_ev(m_ev), .m_ev_valid(m_ev_valid), .m_ev_ready(m_ev_ready)
	);
	assign busy = evq_busy || !evq_empty || e_valid || st_start_reg || st_fend_reg || st_abort_reg;
	assign frame_edge_thr = edge_thr_q;

	always @(posedge clk) begin
		cycles_reg <= cycles_reg + 1;
		st_start_reg <= ev_start;
		st_overrun_reg <= ev_start_overrun;
		st_fend_reg <= ev_fend;
		st_abort_reg <= ev_abort;
		if (ev_fend || ev_abort) begin
			st_flags_reg <= ev_abort ? ev_abort_flags : 8'd0;
			st_lines_reg <= ev_lines;
		end
		pend_soon_reg <= pix_eol && pix_y[1:0] == 2'd0;
		if (frame_start) begin
			edge_thr_q <= cfg_edge_thr;
			edge_k_q <= cfg_edge_k;
			edge_bias_q <= cfg_edge_bias;
			block_thr_q <= cfg_block_thr;
			run_gap_q <= cfg_run_gap;
			min_run_q <= cfg_min_run;
			roi_x0_q <= cfg_roi_x0;
			roi_y0_q <= cfg_roi_y0;
			roi_x1_q <= cfg_roi_x1;
			roi_y1_q <= cfg_roi_y1;
		end
		if (rst) begin
			cycles_reg <= 32'hffffffff; /* a cycle behind: read by the pixel stage */
			st_start_reg <= 1'b0;
			st_fend_reg <= 1'b0;
			st_abort_reg <= 1'b0;
			pend_soon_reg <= 1'b0;
		end
	end

endmodule
`resetall
