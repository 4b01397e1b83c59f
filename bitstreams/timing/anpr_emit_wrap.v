`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_emit_wrap - for the timing estimate only (bitstreams/timing/run.sh):
 * rtl/anpr_emit.v alone on the UP5K, its 153 input bits loaded from a shift
 * register on one pin and its outputs registered and folded onto another,
 * so that nothing is optimised away. Inputs come from flip-flops here; in
 * the design the slot byte and the metadata come from RAM outputs. Not a
 * design file.
 */
module anpr_emit_wrap (
	input  wire clk,
	input  wire sin,
	output reg  sout
);
	localparam N = 153;
	reg [N-1:0] sh;
	always @(posedge clk)
		sh <= {sh[N-2:0], sin};

	wire [3:0]  meta_idx, free_idx;
	wire [15:0] slot_raddr;
	wire [7:0]  tdata;
	wire [31:0] sts;
	wire        msg_ready, free_valid, free_tag_valid, free_tag, slot_re, slot_rseq, tvalid, tlast, idle;

	anpr_emit #(.Y_W(12), .SLOT_AW(13), .SA_W(16), .CROP_MAX_W(256), .CROP_MAX_H(48),
		    .CW_AW(8), .CH_AW(6), .NSLOTS(8)) emit (
		.clk(clk), .rst(sh[0]),
		.msg(sh[66:1]), .msg_valid(sh[67]), .msg_ready(msg_ready),
		.free_valid(free_valid), .free_idx(free_idx), .free_tag_valid(free_tag_valid),
		.free_tag(free_tag), .meta_idx(meta_idx), .meta_gnt(sh[68]), .meta_valid(sh[69]),
		.meta_tag(sh[70]), .meta_seq(sh[78:71]), .meta_score(sh[94:79]), .meta_cx(sh[106:95]),
		.meta_cy(sh[118:107]), .meta_cw(sh[130:119]), .meta_ch(sh[142:131]),
		.slot_re(slot_re), .slot_raddr(slot_raddr), .slot_rseq(slot_rseq), .slot_gnt(sh[143]), .slot_rdata(sh[151:144]),
		.m_axis_rec_tdata(tdata), .m_axis_rec_tvalid(tvalid), .m_axis_rec_tready(sh[152]),
		.m_axis_rec_tlast(tlast), .idle(idle), .sts_candidates(sts)
	);

	always @(posedge clk)
		sout <= ^{msg_ready, free_valid, free_idx, free_tag_valid, free_tag, meta_idx, slot_re, slot_rseq,
			  slot_raddr, tdata, tvalid, tlast, idle, sts};
endmodule
`resetall
