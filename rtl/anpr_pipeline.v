`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_pipeline - the FPGA vision pipeline: camera pixels in, plate
 * candidate records out. Technology-independent: the row ring and the
 * candidate slots are single-port RAMs of 16-bit words (anpr_ram_sp8 on
 * anpr_spram, the UP5K's SPRAM when built with ANPR_ICE40), the rest
 * simple dual-port RAMs (anpr_ram_sdp, block RAM); docs/architecture.md has
 * the block diagram and the memory map.
 *
 *   video in -> anpr_front (anpr_framer -> anpr_sobel -> anpr_blocks -> anpr_evq)
 *            -> anpr_linker -> close queue -> anpr_back (anpr_store -> anpr_emit)
 *            -> records out
 *
 * The pixel path takes one beat of PPC pixels per clock (PPC = 2: the
 * row ring takes four pixels a word). It holds its input (tready low)
 * only when its bounded memories require it: for a cycle after a pixel that
 * raised events; when the row ring would overwrite rows of a crop still
 * being copied; three lines after a block row whose closes the back end
 * has not finished; at a start of frame until the previous frame's last
 * closes are stored; and when the store waits for the emitter to free a
 * slot (output backpressure reaches the input only that way). The record stream is the C model's (sim/model), byte for
 * byte, except the frame header's cycle timestamp.
 *
 * Parameters (the build's sizes; the C model's struct anpr_model_params)
 *   PPC         pixels a beat of the video input, 1 or 2 (tdata 8 or 16 bits)
 *   MAX_W       longest line, pixels
 *   RING_LINES  rows of raw pixels kept for crops
 *   CROP_MAX_W, CROP_MAX_H  largest crop
 *   SLOT_BYTES  bytes of one candidate slot (power of two)
 *   NSLOTS      candidate slots (power of two), the most cfg_max_cands can be
 *
 * Registers (cfg_* sampled at each start of frame; docs/registers.md)
 *   cfg_width, cfg_height   frame size
 *   cfg_edge_thr/k/bias     edge decision (anpr_sobel)
 *   cfg_block_thr, cfg_run_gap, cfg_min_run   runs (anpr_blocks)
 *   cfg_roi_x0/y0/x1/y1     detection region: blocks counted (anpr_blocks)
 *   cfg_link_tol            stacking linker tolerance (anpr_linker)
 *   cfg_min_w .. cfg_max_cands   candidate filter and store (anpr_store)
 *   sts_*                   counters since reset
 */
module anpr_pipeline #(
	parameter PPC = 1,
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter CROP_MAX_W = 256,
	parameter CROP_MAX_H = 48,
	parameter SLOT_BYTES = 8192,
	parameter NSLOTS = 8
) (
	input  wire        clk,
	input  wire        rst,

	input  wire [8*PPC-1:0] s_axis_video_tdata,
	input  wire        s_axis_video_tvalid,
	output wire        s_axis_video_tready,
	input  wire        s_axis_video_tuser,
	input  wire        s_axis_video_tlast,

	output wire [7:0]  m_axis_rec_tdata,
	output wire        m_axis_rec_tvalid,
	input  wire        m_axis_rec_tready,
	output wire        m_axis_rec_tlast,

	input  wire [11:0] cfg_width,
	input  wire [11:0] cfg_height,
	input  wire [7:0]  cfg_edge_thr,
	input  wire [7:0]  cfg_edge_k,
	input  wire [7:0]  cfg_edge_bias,
	input  wire [5:0]  cfg_block_thr,
	input  wire [1:0]  cfg_run_gap,
	input  wire [3:0]  cfg_min_run,
	input  wire [2:0]  cfg_link_tol,
	input  wire [11:0] cfg_min_w,
	input  wire [11:0] cfg_max_w,
	input  wire [11:0] cfg_min_h,
	input  wire [11:0] cfg_max_h,
	input  wire [7:0]  cfg_min_aspect4,
	input  wire [7:0]  cfg_max_aspect,
	input  wire [15:0] cfg_min_score,
	input  wire [3:0]  cfg_max_cands,
	input  wire [11:0] cfg_roi_x0,
	input  wire [11:0] cfg_roi_y0,
	input  wire [11:0] cfg_roi_x1,
	input  wire [11:0] cfg_roi_y1,

	output wire [31:0] sts_frames,
	output wire [31:0] sts_frames_ok,
	output wire [31:0] sts_frames_bad,
	output wire [31:0] sts_discarded,
	output wire [31:0] sts_candidates,
	output wire [31:0] sts_dropped,
	output reg  [31:0] sts_runs_lost,
	output wire        sts_idle
);

	`include "anpr_protocol.vh"

	localparam X_W = $clog2(MAX_W);
	localparam Y_W = 12;
	localparam RING_AW = $clog2(RING_LINES * MAX_W);
	localparam SLOT_AW = $clog2(SLOT_BYTES);

	/* Impossible sizes stop the simulation at time 0 (verilog-axis style,
	 * which Icarus, Verilator and Yosys all accept). */
	initial begin
		if ((1 << SLOT_AW) != SLOT_BYTES || (1 << $clog2(NSLOTS)) != NSLOTS || NSLOTS > 8 ||
		    SLOT_AW < 12) begin
			$display("SLOT_BYTES (>= 4096) and NSLOTS (<= 8) must be powers of two (instance %m)");
			$finish;
		end
		if (CROP_MAX_H > RING_LINES || CROP_MAX_H + 2 < RING_LINES || 32 * CROP_MAX_H > SLOT_BYTES) begin
			$display("CROP_MAX_H must be RING_LINES - 2 .. RING_LINES and at most SLOT_BYTES / 32 (instance %m)");
			$finish;
		end
		if (RING_LINES < 16 || RING_LINES > 128) begin
			$display("RING_LINES out of range 16..128 (anpr_store's ring row arithmetic) (instance %m)");
			$finish;
		end
		if (MAX_W < 16 || MAX_W > 2048 || MAX_W % (2 * PPC) != 0) begin
			$display("MAX_W must be in 16..2048 and a multiple of 2 PPC: the ring packs 2 PPC pixels a word (instance %m)");
			$finish;
		end
		if (PPC != 1 && PPC != 2) begin
			$display("PPC must be 1 or 2 (instance %m)");
			$finish;
		end
	end

	/* ---- configuration in force for the current frame (the front end
	 * latches its own edge and run settings) ---- */
	reg [2:0]  link_tol_q;
	reg [11:0] min_w_q, max_w_q, min_h_q, max_h_q;
	reg [7:0]  min_aspect4_q, max_aspect_q;
	reg [15:0] min_score_q;
	reg [3:0]  max_cands_q;

	reg [Y_W-1:0] rowend_y_reg;
	reg           rowend_open_reg; /* a block row's closes are not all queued yet */

	/* ---- front end: framer, edges, runs, event queue ---- */
	wire               frame_start, pix_eol, ring_we, rowend, front_busy;
	wire [8*PPC-1:0]   pix_data;
	wire [7:0]         edge_thr_q;
	wire [Y_W-1:0]     pix_row, frame_width, frame_height;
	wire [RING_AW-1:0] ring_waddr;
	wire               hold_back, be_idle_back;
	wire               ev_valid, ev_ready;
	wire [50:0]        ev;

	anpr_front #(.PPC(PPC), .MAX_W(MAX_W), .RING_LINES(RING_LINES), .X_W(X_W), .Y_W(Y_W),
		     .RING_AW(RING_AW)) front (
		.clk(clk), .rst(rst),
		.s_axis_video_tdata(s_axis_video_tdata), .s_axis_video_tvalid(s_axis_video_tvalid),
		.s_axis_video_tready(s_axis_video_tready), .s_axis_video_tuser(s_axis_video_tuser),
		.s_axis_video_tlast(s_axis_video_tlast),
		.hold_in(hold_back), .be_idle_in(be_idle_back),
		.m_ev(ev), .m_ev_valid(ev_valid), .m_ev_ready(ev_ready),
		.cfg_width(cfg_width), .cfg_height(cfg_height), .cfg_edge_thr(cfg_edge_thr),
		.cfg_edge_k(cfg_edge_k), .cfg_edge_bias(cfg_edge_bias), .cfg_block_thr(cfg_block_thr),
		.cfg_run_gap(cfg_run_gap), .cfg_min_run(cfg_min_run),
		.cfg_roi_x0(cfg_roi_x0), .cfg_roi_y0(cfg_roi_y0), .cfg_roi_x1(cfg_roi_x1), .cfg_roi_y1(cfg_roi_y1),
		.frame_start(frame_start), .pix_data(pix_data), .pix_row(pix_row), .pix_eol(pix_eol),
		.ring_we(ring_we), .ring_waddr(ring_waddr), .frame_width(frame_width),
		.frame_height(frame_height), .frame_edge_thr(edge_thr_q), .rowend(rowend),
		.busy(front_busy),
		.sts_frames(sts_frames), .sts_frames_ok(sts_frames_ok), .sts_frames_bad(sts_frames_bad),
		.sts_discarded(sts_discarded)
	);

	/* ---- linker ---- */
	wire               close_valid, close_ready, ctl_valid, ctl_ready, tfull, linker_idle;
	wire [X_W-4:0]     close_x0, close_x1;
	wire [Y_W-3:0]     close_y0, close_y1;
	wire [15:0]        close_sum;
	wire [Y_W-1:0]     close_ylast;
	wire [2:0]         ctl_type;
	wire [47:0]        ctl_payload;
	wire               ctl_tfull;
	wire [9:0]         runs_lost;
	wire               store_idle;

	wire               lk_close_valid, lk_close_ready, rowend_done;
	wire [X_W-4:0]     lk_x0, lk_x1;
	wire [Y_W-3:0]     lk_y0, lk_y1;
	wire [15:0]        lk_sum;
	wire [Y_W-1:0]     lk_ylast;

	anpr_linker #(.X_W(X_W), .Y_W(Y_W)) linker (
		.clk(clk), .rst(rst), .s_ev(ev), .s_ev_valid(ev_valid), .s_ev_ready(ev_ready),
		.cfg_link_tol(link_tol_q),
		.close_valid(lk_close_valid), .close_ready(lk_close_ready), .close_x0(lk_x0),
		.close_x1(lk_x1), .close_y0(lk_y0), .close_y1(lk_y1), .close_sum(lk_sum),
		.close_ylast(lk_ylast), .store_idle(store_idle && cf_empty),
		.rowend_done(rowend_done),
		.ctl_valid(ctl_valid), .ctl_ready(ctl_ready), .ctl_type(ctl_type),
		.ctl_payload(ctl_payload), .ctl_tfull(ctl_tfull), .tfull(tfull), .runs_lost(runs_lost),
		.idle(linker_idle)
	);

	/* ---- closed components queue for the store, so that the linker is
	 * never held by a crop copy; the earliest crop row they may need is
	 * tracked (crop_top_min) to hold the input only when that row is due
	 * to be overwritten ---- */
	localparam CF_W = 2 * (X_W - 3) + 2 * (Y_W - 2) + 16 + Y_W;
	wire [CF_W-1:0] cf_out;
	wire [6:0]      cf_count;
	wire            cf_empty = (cf_count == 0);

	anpr_fifo #(.DATA_W(CF_W), .ADDR_W(5)) closeq (
		.clk(clk), .rst(rst),
		.s_data({lk_ylast, lk_sum, lk_y1, lk_y0, lk_x1, lk_x0}),
		.s_valid(lk_close_valid), .s_ready(lk_close_ready),
		.m_data(cf_out), .m_valid(close_valid), .m_ready(close_ready), .count(cf_count)
	);
	assign {close_ylast, close_sum, close_y1, close_y0, close_x1, close_x0} = cf_out;

	/* ---- row ring: two pixels a word of single-port RAM (SPRAM on the
	 * UP5K), four at two pixels a clock; the store's reads wait for the
	 * framer's writes ---- */
	wire               ring_re, ring_gnt;
	wire [RING_AW-1:0] ring_raddr;
	wire               ring_rseq;
	wire [7:0]         ring_rdata;

	anpr_ram_sp8 #(.ADDR_W(RING_AW), .DEPTH(RING_LINES * MAX_W), .IN_B(PPC)) ring (
		.clk(clk), .rst(rst), .we(ring_we), .waddr(ring_waddr), .wdata(pix_data), .wlast(pix_eol),
		.re(ring_re), .raddr(ring_raddr), .rseq(ring_rseq), .gnt(ring_gnt), .rdata(ring_rdata)
	);

	/* ---- back end: store and emitter ---- */
	wire            copy_active, back_idle;
	wire [Y_W-1:0]  copy_row;

	anpr_back #(.MAX_W(MAX_W), .RING_LINES(RING_LINES), .CROP_MAX_W(CROP_MAX_W),
		    .CROP_MAX_H(CROP_MAX_H), .SLOT_BYTES(SLOT_BYTES), .NSLOTS(NSLOTS), .X_W(X_W),
		    .Y_W(Y_W), .RING_AW(RING_AW)) back (
		.clk(clk), .rst(rst),
		.close_valid(close_valid), .close_ready(close_ready), .close_x0(close_x0),
		.close_x1(close_x1), .close_y0(close_y0), .close_y1(close_y1), .close_sum(close_sum),
		.close_ylast(close_ylast),
		.ctl_valid(ctl_valid), .ctl_ready(ctl_ready), .ctl_type(ctl_type),
		.ctl_payload(ctl_payload), .ctl_tfull(ctl_tfull),
		.ring_re(ring_re), .ring_raddr(ring_raddr), .ring_rseq(ring_rseq), .ring_gnt(ring_gnt),
		.ring_rdata(ring_rdata),
		.m_axis_rec_tdata(m_axis_rec_tdata), .m_axis_rec_tvalid(m_axis_rec_tvalid),
		.m_axis_rec_tready(m_axis_rec_tready), .m_axis_rec_tlast(m_axis_rec_tlast),
		.frame_width(frame_width), .frame_height(frame_height), .cfg_edge_thr(edge_thr_q),
		.cfg_min_w(min_w_q), .cfg_max_w(max_w_q), .cfg_min_h(min_h_q), .cfg_max_h(max_h_q),
		.cfg_min_aspect4(min_aspect4_q), .cfg_max_aspect(max_aspect_q),
		.cfg_min_score(min_score_q), .cfg_max_cands(max_cands_q),
		.store_idle(store_idle), .copy_active(copy_active), .copy_row(copy_row),
		.idle(back_idle), .sts_candidates(sts_candidates), .sts_dropped(sts_dropped)
	);

	/* ---- holding the input ---- */
	/* Until a block row's closes are all queued, a crop may need rows from
	 * RING_SLACK + 1 lines back (anpr_store's ring check): hold 3 lines on.
	 * Queued or stored-but-uncopied crops need rows from crop_top_min on;
	 * the crop being copied needs its current row. */
	/* the crop top as anpr_store computes it: 4 y0 - ANPR_CROP_MARGIN_ABOVE, or cut to the
	 * oldest row the ring keeps with its slack (y_last + 3 - RING_LINES) */
	localparam [12:0] CUT_BACK = RING_LINES - 3;
	localparam [12:0] MY_TOP = ANPR_CROP_MARGIN_ABOVE;
	wire [12:0] lk_top0 = ({1'b0, lk_y0, 2'b00} >= MY_TOP) ? {1'b0, lk_y0, 2'b00} - MY_TOP : 13'd0;
	wire [13:0] lk_keep = {2'b00, lk_ylast} - {1'b0, CUT_BACK}; /* negative: nothing cut */
	wire [12:0] lk_top = (!lk_keep[13] && lk_top0 < lk_keep[12:0]) ? lk_keep[12:0] : lk_top0;
	wire        crops_pending = !cf_empty || (!store_idle && !copy_active);
	/* A close that will never be copied needs no rows: taller than max_h
	 * (anpr_store's filter). */
	wire [12:0] lk_h = {1'b0, lk_y1 - lk_y0 + 1'b1, 2'b00};
	wire        lk_needs_rows = lk_h <= {1'b0, max_h_q};
	reg  [12:0] crop_top_min_reg;
	reg         crop_top_valid_reg; /* crop_top_min holds a close that needs rows */
	/* The earliest crop top among the closes queued behind another since
	 * the queue was last empty. When a close leaves the queue (dropped, or
	 * its copy starts: copy_hazard guards it from then on), every close
	 * still queued entered behind it, so crop_top_min takes this bound. */
	reg  [12:0] behind_min_reg;
	reg         behind_valid_reg;
	/* The hold is computed a cycle ahead from registers (timing: the
	 * hazards' state and compares do not reach the input's tready in the
	 * same cycle). It holds no later than the hazards would, at most a
	 * cycle earlier or later to release: a close queued now may need rows
	 * from its top on, a copy's row only grows, a copy starts only after
	 * its close was pending (crop_top_min at or above its top), a row end
	 * raised now cannot hold the next pixel (it is at most a row on). The
	 * row is the framer's register; after a line's last pixel the next is
	 * a row on, which the registered compares have not seen: that pixel
	 * waits a cycle if any hazard is armed. */
	reg         hold_reg, eol_reg, arm_reg;
	wire [12:0] row = {1'b0, pix_row};
	wire rowend_hazard = rowend_open_reg && (row >= {1'b0, rowend_y_reg} + 13'd2);
	wire crop_armed = crops_pending && crop_top_valid_reg;
	wire crop_hazard = crop_armed && (crop_top_min_reg + RING_LINES <= row);
	wire copy_hazard = copy_active && ({1'b0, copy_row} + RING_LINES <= row);
	wire crop_queued = lk_close_valid && lk_close_ready && lk_needs_rows;
	wire        cf_pop = close_valid && close_ready;
	wire        push_behind = crop_queued && !cf_empty;
	wire [12:0] behind_next = (behind_valid_reg && behind_min_reg < lk_top) ? behind_min_reg : lk_top;
	assign hold_back = hold_reg || (eol_reg && arm_reg);
	assign be_idle_back = linker_idle && cf_empty && store_idle;
	assign sts_idle = !front_busy && be_idle_back && back_idle;

	always @(posedge clk) begin
		if (rowend) begin
			rowend_y_reg <= pix_row; /* a cycle after its line's last pixel: one row on */
			rowend_open_reg <= 1'b1;
		end else if (rowend_done) begin
			rowend_open_reg <= 1'b0;
		end
		/* the earliest crop top among queued and uncopied closes */
		if (cf_pop) begin
			crop_top_min_reg <= push_behind ? behind_next : behind_min_reg;
			crop_top_valid_reg <= behind_valid_reg || push_behind;
		end else if (crop_queued) begin
			crop_top_min_reg <= (crops_pending && crop_top_valid_reg && crop_top_min_reg < lk_top) ?
					    crop_top_min_reg : lk_top;
			crop_top_valid_reg <= 1'b1;
		end else if (!crops_pending) begin
			crop_top_valid_reg <= 1'b0;
		end
		if (push_behind) begin
			behind_min_reg <= behind_next;
			behind_valid_reg <= 1'b1;
		end else if (cf_empty) begin
			behind_valid_reg <= 1'b0;
		end
		hold_reg <= rowend_hazard || crop_hazard || copy_hazard || crop_queued;
		eol_reg <= pix_eol;
		arm_reg <= rowend_open_reg || crop_armed || copy_active;
		if (tfull)
			sts_runs_lost <= sts_runs_lost + {22'd0, runs_lost};
		if (frame_start) begin
			link_tol_q <= cfg_link_tol;
			min_w_q <= cfg_min_w;
			max_w_q <= cfg_max_w;
			min_h_q <= cfg_min_h;
			max_h_q <= cfg_max_h;
			min_aspect4_q <= cfg_min_aspect4;
			max_aspect_q <= cfg_max_aspect;
			min_score_q <= cfg_min_score;
			/* 1..NSLOTS: a register value out of range must not lock the store */
			max_cands_q <= (cfg_max_cands == 4'd0) ? 4'd1 :
				       (cfg_max_cands > NSLOTS) ? NSLOTS[3:0] : cfg_max_cands;
		end
		if (rst) begin
			rowend_y_reg <= {Y_W{1'b0}};
			rowend_open_reg <= 1'b0;
			crop_top_min_reg <= 13'd0;
			crop_top_valid_reg <= 1'b0;
			behind_min_reg <= 13'd0;
			behind_valid_reg <= 1'b0;
			hold_reg <= 1'b0;
			eol_reg <= 1'b0;
			arm_reg <= 1'b0;
			sts_runs_lost <= 32'd0;
		end
	end

endmodule
`resetall
