`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_top - the USB bridge (anpr_usb_bridge) in front of the pipeline
 * (anpr_pipeline): what the board needs behind the FT232H's FIFO pins.
 * Two clocks: clk (the pipeline's) and ft_clk (the FT232H's CLKOUT), each
 * with its own synchronous reset (docs/usb.md). The Verilator test of the
 * bridge (make bridge-test) runs this top against the C model of the
 * bridge. Not in the iCEBreaker build: the board is full (docs/usb.md
 * section 6).
 */
module anpr_usb_top #(
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter CROP_MAX_W = 256,
	parameter CROP_MAX_H = 48,
	parameter SLOT_BYTES = 8192,
	parameter NSLOTS = 8,
	parameter TIMEOUT_CYCLES = 1987500, /* 100 ms at the board clock, 19.875 MHz */
	parameter REVISION = 1
) (
	input  wire       clk,
	input  wire       rst,

	input  wire       ft_clk,
	input  wire       ft_rst,
	input  wire [7:0] ft_din,
	output wire [7:0] ft_dout,
	output wire       ft_dout_en,
	input  wire       ft_rxf_n,
	input  wire       ft_txe_n,
	output wire       ft_rd_n,
	output wire       ft_wr_n,
	output wire       ft_oe_n,

	output wire       busy,
	output wire       waiting
);

	wire [7:0]  v_tdata, r_tdata;
	wire        v_tvalid, v_tready, v_tuser, v_tlast, r_tvalid, r_tready, r_tlast;
	wire [11:0] cfg_width, cfg_height, cfg_min_w, cfg_max_w, cfg_min_h, cfg_max_h;
	wire [11:0] cfg_roi_x0, cfg_roi_y0, cfg_roi_x1, cfg_roi_y1;
	wire [7:0]  cfg_edge_thr, cfg_edge_k, cfg_edge_bias, cfg_min_aspect4, cfg_max_aspect;
	wire [5:0]  cfg_block_thr;
	wire [1:0]  cfg_run_gap;
	wire [3:0]  cfg_min_run, cfg_max_cands;
	wire [2:0]  cfg_link_tol;
	wire [15:0] cfg_min_score;
	wire [31:0] sts_frames, sts_frames_ok, sts_frames_bad, sts_discarded, sts_candidates, sts_dropped,
		    sts_runs_lost;
	wire        sts_idle;

	anpr_usb_bridge #(
		.MAX_W(MAX_W),
		.RING_LINES(RING_LINES),
		.CROP_MAX_W(CROP_MAX_W),
		.CROP_MAX_H(CROP_MAX_H),
		.SLOT_BYTES(SLOT_BYTES),
		.NSLOTS(NSLOTS),
		.TIMEOUT_CYCLES(TIMEOUT_CYCLES),
		.REVISION(REVISION)
	) bridge (
		.clk(clk), .rst(rst), .ft_clk(ft_clk), .ft_rst(ft_rst),
		.ft_din(ft_din), .ft_dout(ft_dout), .ft_dout_en(ft_dout_en), .ft_rxf_n(ft_rxf_n),
		.ft_txe_n(ft_txe_n), .ft_rd_n(ft_rd_n), .ft_wr_n(ft_wr_n), .ft_oe_n(ft_oe_n),
		.m_axis_video_tdata(v_tdata), .m_axis_video_tvalid(v_tvalid), .m_axis_video_tready(v_tready),
		.m_axis_video_tuser(v_tuser), .m_axis_video_tlast(v_tlast),
		.s_axis_rec_tdata(r_tdata), .s_axis_rec_tvalid(r_tvalid), .s_axis_rec_tready(r_tready),
		.s_axis_rec_tlast(r_tlast),
		.cfg_width(cfg_width), .cfg_height(cfg_height), .cfg_edge_thr(cfg_edge_thr), .cfg_edge_k(cfg_edge_k),
		.cfg_edge_bias(cfg_edge_bias), .cfg_block_thr(cfg_block_thr), .cfg_run_gap(cfg_run_gap),
		.cfg_min_run(cfg_min_run), .cfg_link_tol(cfg_link_tol), .cfg_min_w(cfg_min_w), .cfg_max_w(cfg_max_w),
		.cfg_min_h(cfg_min_h), .cfg_max_h(cfg_max_h), .cfg_min_aspect4(cfg_min_aspect4),
		.cfg_max_aspect(cfg_max_aspect), .cfg_min_score(cfg_min_score), .cfg_max_cands(cfg_max_cands),
		.cfg_roi_x0(cfg_roi_x0), .cfg_roi_y0(cfg_roi_y0), .cfg_roi_x1(cfg_roi_x1), .cfg_roi_y1(cfg_roi_y1),
		.sts_frames(sts_frames), .sts_frames_ok(sts_frames_ok), .sts_frames_bad(sts_frames_bad),
		.sts_discarded(sts_discarded), .sts_candidates(sts_candidates), .sts_dropped(sts_dropped),
		.sts_runs_lost(sts_runs_lost), .sts_idle(sts_idle),
		.busy(busy),
		.waiting(waiting)
	);

	anpr_pipeline #(
		.MAX_W(MAX_W),
		.RING_LINES(RING_LINES),
		.CROP_MAX_W(CROP_MAX_W),
		.CROP_MAX_H(CROP_MAX_H),
		.SLOT_BYTES(SLOT_BYTES),
		.NSLOTS(NSLOTS)
	) pipeline (
		.clk(clk), .rst(rst),
		.s_axis_video_tdata(v_tdata), .s_axis_video_tvalid(v_tvalid), .s_axis_video_tready(v_tready),
		.s_axis_video_tuser(v_tuser), .s_axis_video_tlast(v_tlast),
		.m_axis_rec_tdata(r_tdata), .m_axis_rec_tvalid(r_tvalid), .m_axis_rec_tready(r_tready),
		.m_axis_rec_tlast(r_tlast),
		.cfg_width(cfg_width), .cfg_height(cfg_height), .cfg_edge_thr(cfg_edge_thr), .cfg_edge_k(cfg_edge_k),
		.cfg_edge_bias(cfg_edge_bias), .cfg_block_thr(cfg_block_thr), .cfg_run_gap(cfg_run_gap),
		.cfg_min_run(cfg_min_run), .cfg_link_tol(cfg_link_tol), .cfg_min_w(cfg_min_w), .cfg_max_w(cfg_max_w),
		.cfg_min_h(cfg_min_h), .cfg_max_h(cfg_max_h), .cfg_min_aspect4(cfg_min_aspect4),
		.cfg_max_aspect(cfg_max_aspect), .cfg_min_score(cfg_min_score), .cfg_max_cands(cfg_max_cands),
		.cfg_roi_x0(cfg_roi_x0), .cfg_roi_y0(cfg_roi_y0), .cfg_roi_x1(cfg_roi_x1), .cfg_roi_y1(cfg_roi_y1),
		.sts_frames(sts_frames), .sts_frames_ok(sts_frames_ok), .sts_frames_bad(sts_frames_bad),
		.sts_discarded(sts_discarded), .sts_candidates(sts_candidates), .sts_dropped(sts_dropped),
		.sts_runs_lost(sts_runs_lost), .sts_idle(sts_idle)
	);

endmodule
`resetall
