`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_back - the pipeline's back end: closed components in, records out.
 *
 *   close_*, ctl_* -> anpr_store -> slots -> anpr_emit -> records out
 *
 * The store filters each closed component, ranks it among the frame's
 * candidates and copies its crop from the row ring (ring_*) into a slot;
 * the emitter analyses each slot (characters, rows) and sends the frame's
 * records. They share the slot memory and its metadata through the meta_*,
 * slot_* and free_* ports, and the frame messages through msg_*, so they are
 * one unit: anpr_pipeline instantiates it behind the linker, and
 * tests/modsim tests it alone against the C model (the test bench is the
 * linker and the row ring). copy_row is the ring row the crop copy reads,
 * for the pipeline's input hold; idle: nothing stored, copied or emitting.
 */
module anpr_back #(
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter CROP_MAX_W = 256,
	parameter CROP_MAX_H = 48,
	parameter SLOT_BYTES = 8192,
	parameter NSLOTS = 8,
	parameter X_W = $clog2(MAX_W),
	parameter Y_W = 12,
	parameter RING_AW = $clog2(RING_LINES * MAX_W)
) (
	input  wire               clk,
	input  wire               rst,

	input  wire               close_valid,
	output wire               close_ready,
	input  wire [X_W-4:0]     close_x0,
	input  wire [X_W-4:0]     close_x1,
	input  wire [Y_W-3:0]     close_y0,
	input  wire [Y_W-3:0]     close_y1,
	input  wire [15:0]        close_sum,
	input  wire [Y_W-1:0]     close_ylast,

	input  wire               ctl_valid,
	output wire               ctl_ready,
	input  wire [2:0]         ctl_type,
	input  wire [47:0]        ctl_payload,
	input  wire               ctl_tfull,

	output wire               ring_re,
	output wire [RING_AW-1:0] ring_raddr,
	output wire               ring_rseq,   /* this read is of the byte after the last one granted */
	input  wire               ring_gnt,
	input  wire [7:0]         ring_rdata,

	output wire [7:0]         m_axis_rec_tdata,
	output wire               m_axis_rec_tvalid,
	input  wire               m_axis_rec_tready,
	output wire               m_axis_rec_tlast,

	input  wire [11:0]        frame_width,
	input  wire [11:0]        frame_height,
	input  wire [7:0]         cfg_edge_thr,
	input  wire [11:0]        cfg_min_w,
	input  wire [11:0]        cfg_max_w,
	input  wire [11:0]        cfg_min_h,
	input  wire [11:0]        cfg_max_h,
	input  wire [7:0]         cfg_min_aspect4,
	input  wire [7:0]         cfg_max_aspect,
	input  wire [15:0]        cfg_min_score,
	input  wire [3:0]         cfg_max_cands,

	output wire               store_idle,
	output wire               copy_active,
	output wire [Y_W-1:0]     copy_row,
	output wire               idle,
	output wire [31:0]        sts_candidates,
	output wire [31:0]        sts_dropped
);

	localparam SLOT_AW = $clog2(SLOT_BYTES);
	localparam SA_W = $clog2(NSLOTS) + SLOT_AW;
	localparam CW_AW = $clog2(CROP_MAX_W);
	localparam CH_AW = $clog2(CROP_MAX_H);

	wire            slot_re, slot_rseq, slot_gnt;
	wire [3:0]      meta_idx, free_idx;
	wire [15:0]     meta_score;
	wire [7:0]      slot_rdata, meta_seq;
	wire            meta_gnt, meta_valid, meta_tag, free_valid, free_tag_valid, free_tag;
	wire [15:0]     msg;
	wire [2:0]      msg_word;
	wire            msg_valid, msg_ready, msg_pending;
	wire [11:0]     meta_cx, meta_cy, meta_cw, meta_ch;
	wire [SA_W-1:0] slot_raddr;
	wire            emit_idle;

	anpr_store #(.X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W), .RING_LINES(RING_LINES),
		     .RING_AW(RING_AW), .SLOT_AW(SLOT_AW), .NSLOTS(NSLOTS), .SA_W(SA_W),
		     .CW_W(CW_AW + 1), .CH_W(CH_AW + 1)) store (
		.clk(clk), .rst(rst),
		.close_valid(close_valid), .close_ready(close_ready), .close_x0(close_x0),
		.close_x1(close_x1), .close_y0(close_y0), .close_y1(close_y1), .close_sum(close_sum),
		.close_ylast(close_ylast),
		.frame_width(frame_width), .cfg_min_w(cfg_min_w), .cfg_max_w(cfg_max_w),
		.cfg_min_h(cfg_min_h), .cfg_max_h(cfg_max_h), .cfg_min_aspect4(cfg_min_aspect4),
		.cfg_max_aspect(cfg_max_aspect), .cfg_min_score(cfg_min_score), .cfg_max_cands(cfg_max_cands),
		.ring_re(ring_re), .ring_raddr(ring_raddr), .ring_rseq(ring_rseq), .ring_gnt(ring_gnt), .ring_rdata(ring_rdata),
		.idle(store_idle), .copy_active(copy_active), .copy_row(copy_row),
		.ctl_valid(ctl_valid), .ctl_ready(ctl_ready), .ctl_type(ctl_type),
		.ctl_payload(ctl_payload), .ctl_tfull(ctl_tfull), .frame_height(frame_height),
		.cfg_edge_thr(cfg_edge_thr), .msg_word(msg_word), .msg(msg), .msg_valid(msg_valid), .msg_ready(msg_ready),
		.msg_pending(msg_pending),
		.free_valid(free_valid), .free_idx(free_idx), .free_tag_valid(free_tag_valid),
		.free_tag(free_tag), .sts_dropped(sts_dropped),
		.meta_idx(meta_idx), .meta_gnt(meta_gnt), .meta_valid(meta_valid), .meta_tag(meta_tag),
		.meta_seq(meta_seq), .meta_score(meta_score), .meta_cx(meta_cx), .meta_cy(meta_cy),
		.meta_cw(meta_cw), .meta_ch(meta_ch),
		.slot_re(slot_re), .slot_raddr(slot_raddr), .slot_rseq(slot_rseq), .slot_gnt(slot_gnt), .slot_rdata(slot_rdata)
	);

	anpr_emit #(.Y_W(Y_W), .SLOT_AW(SLOT_AW), .SA_W(SA_W), .CROP_MAX_W(CROP_MAX_W),
		    .CROP_MAX_H(CROP_MAX_H), .CW_AW(CW_AW), .CH_AW(CH_AW), .NSLOTS(NSLOTS)) emit (
		.clk(clk), .rst(rst),
		.msg_word(msg_word), .msg(msg), .msg_valid(msg_valid), .msg_ready(msg_ready),
		.free_valid(free_valid), .free_idx(free_idx), .free_tag_valid(free_tag_valid),
		.free_tag(free_tag),
		.meta_idx(meta_idx), .meta_gnt(meta_gnt), .meta_valid(meta_valid), .meta_tag(meta_tag),
		.meta_seq(meta_seq), .meta_score(meta_score), .meta_cx(meta_cx), .meta_cy(meta_cy),
		.meta_cw(meta_cw), .meta_ch(meta_ch),
		.slot_re(slot_re), .slot_raddr(slot_raddr), .slot_rseq(slot_rseq), .slot_gnt(slot_gnt), .slot_rdata(slot_rdata),
		.m_axis_rec_tdata(m_axis_rec_tdata), .m_axis_rec_tvalid(m_axis_rec_tvalid),
		.m_axis_rec_tready(m_axis_rec_tready), .m_axis_rec_tlast(m_axis_rec_tlast),
		.idle(emit_idle), .sts_candidates(sts_candidates)
	);

	assign idle = store_idle && emit_idle && !msg_pending;

endmodule
`resetall
