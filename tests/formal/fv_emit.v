`resetall
`default_nettype none
/*
 * fv_emit - handshake properties of anpr_emit at its ports (make formal).
 * Assumed: the message input keeps the stream contract (msg_valid; the
 * message words are read from the store's queue, free here). Asserted: the
 * record output keeps it (AXI4-Stream: tvalid, tdata and tlast hold until
 * taken); a message is taken only while offered; no record byte before a
 * message was offered. The slot and metadata read ports are free inputs,
 * the analysis memories tests/formal/free/ (read data free).
 */
module fv_emit #(
	parameter Y_W = 12,
	parameter SLOT_AW = 12,
	parameter SA_W = 13,
	parameter CROP_MAX_W = 32,
	parameter CROP_MAX_H = 16,
	parameter CW_AW = 5,
	parameter CH_AW = 4,
	parameter NSLOTS = 2
) (
	input wire        clk,
	input wire        rst,
	input wire [15:0] msg,
	input wire        msg_valid,
	input wire        meta_gnt,
	input wire        meta_valid,
	input wire        meta_tag,
	input wire [7:0]  meta_seq,
	input wire [15:0] meta_score,
	input wire [11:0] meta_cx,
	input wire [11:0] meta_cy,
	input wire [11:0] meta_cw,
	input wire [11:0] meta_ch,
	input wire        slot_gnt,
	input wire [7:0]  slot_rdata,
	input wire        m_axis_rec_tready
);
	wire [2:0]      msg_word;
	wire            msg_ready, free_valid, free_tag_valid, free_tag, slot_re, slot_rseq, idle;
	wire            m_axis_rec_tvalid, m_axis_rec_tlast;
	wire [7:0]      m_axis_rec_tdata;
	wire [3:0]      free_idx, meta_idx;
	wire [SA_W-1:0] slot_raddr;
	wire [31:0]     sts_candidates;

	anpr_emit #(.Y_W(Y_W), .SLOT_AW(SLOT_AW), .SA_W(SA_W), .CROP_MAX_W(CROP_MAX_W),
		    .CROP_MAX_H(CROP_MAX_H), .CW_AW(CW_AW), .CH_AW(CH_AW), .NSLOTS(NSLOTS)) dut (
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
		.idle(idle), .sts_candidates(sts_candidates)
	);

	/* msg: the word msg_word of the store's message queue (a block RAM),
	 * free here; the contract on msg_valid */
	fv_stream #(.W(1), .OUTPUT(0)) msgs (.clk(clk), .rst(rst), .valid(msg_valid), .ready(msg_ready),
					     .data(1'b0));
	fv_stream #(.W(9), .OUTPUT(1)) recs (.clk(clk), .rst(rst), .valid(m_axis_rec_tvalid),
		.ready(m_axis_rec_tready), .data({m_axis_rec_tlast, m_axis_rec_tdata}));

	reg f_past_valid = 1'b0;
	reg f_seen; /* a message was offered since reset */
	always @(posedge clk) begin
		f_past_valid <= 1'b1;
		f_seen <= (f_seen || msg_valid) && !rst;
	end
	always @(*) begin
		if (!f_past_valid)
			assume(rst);
		if (f_past_valid && !rst) begin
			if (msg_ready)
				assert(msg_valid);
			if (m_axis_rec_tvalid)
				assert(f_seen || msg_valid);
		end
	end
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, msg_word, free_valid, free_tag_valid, free_tag, free_idx, meta_idx, slot_re, slot_raddr, slot_rseq,
			idle, sts_candidates};
	/* verilator lint_on UNUSEDSIGNAL */
endmodule
`resetall
