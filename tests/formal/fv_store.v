`resetall
`default_nettype none
/*
 * fv_store - handshake properties of anpr_store at its ports (make formal).
 * Assumed: the close and frame control inputs keep the stream contract; the
 * configuration and frame size hold (they change only between frames);
 * frame control comes only with no close offered (the linker's order).
 * Asserted: the message output keeps the stream contract; never more
 * messages than frame controls taken, and never more than two
 * queued, the block RAM queue's depth (ready without valid is allowed on the
 * inputs, as in AXI: anpr_store raises ctl_ready whenever it could take one). Memories: tests/formal/free/ (read data free).
 */
module fv_store #(
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter RING_AW = 16,
	parameter SLOT_AW = 12,
	parameter NSLOTS = 2,
	parameter SA_W = 13,
	parameter CW_W = 9,
	parameter CH_W = 7
) (
	input wire               clk,
	input wire               rst,
	input wire               close_valid,
	input wire [X_W-4:0]     close_x0,
	input wire [X_W-4:0]     close_x1,
	input wire [Y_W-3:0]     close_y0,
	input wire [Y_W-3:0]     close_y1,
	input wire [15:0]        close_sum,
	input wire [Y_W-1:0]     close_ylast,
	input wire [Y_W-1:0]     frame_width,
	input wire [11:0]        cfg_min_w,
	input wire [11:0]        cfg_max_w,
	input wire [11:0]        cfg_min_h,
	input wire [11:0]        cfg_max_h,
	input wire [7:0]         cfg_min_aspect4,
	input wire [7:0]         cfg_max_aspect,
	input wire [15:0]        cfg_min_score,
	input wire [3:0]         cfg_max_cands,
	input wire               ring_gnt,
	input wire [7:0]         ring_rdata,
	input wire               ctl_valid,
	input wire [2:0]         ctl_type,
	input wire [47:0]        ctl_payload,
	input wire               ctl_tfull,
	input wire [Y_W-1:0]     frame_height,
	input wire [7:0]         cfg_edge_thr,
	input wire [2:0]         msg_word,
	input wire               msg_ready,
	input wire               free_valid,
	input wire [3:0]         free_idx,
	input wire               free_tag_valid,
	input wire               free_tag,
	input wire [3:0]         meta_idx,
	input wire               slot_re,
	input wire [SA_W-1:0]    slot_raddr,
	input wire               slot_rseq
);
	localparam C_W = 2 * (X_W - 3) + 2 * (Y_W - 2) + 16 + Y_W;
	wire               close_ready, ring_re, ring_rseq, idle, copy_active, ctl_ready, msg_valid, msg_pending;
	wire               meta_gnt, meta_valid, meta_tag, slot_gnt;
	wire [RING_AW-1:0] ring_raddr;
	wire [Y_W-1:0]     copy_row;
	wire [15:0]        msg;
	wire [31:0]        sts_dropped;
	wire [7:0]         meta_seq, slot_rdata;
	wire [15:0]        meta_score;
	wire [11:0]        meta_cx, meta_cy, meta_cw, meta_ch;

	anpr_store #(.X_W(X_W), .Y_W(Y_W), .MAX_W(MAX_W), .RING_LINES(RING_LINES), .RING_AW(RING_AW),
		     .SLOT_AW(SLOT_AW), .NSLOTS(NSLOTS), .SA_W(SA_W), .CW_W(CW_W), .CH_W(CH_W)) dut (
		.clk(clk), .rst(rst),
		.close_valid(close_valid), .close_ready(close_ready), .close_x0(close_x0),
		.close_x1(close_x1), .close_y0(close_y0), .close_y1(close_y1), .close_sum(close_sum),
		.close_ylast(close_ylast),
		.frame_width(frame_width), .cfg_min_w(cfg_min_w), .cfg_max_w(cfg_max_w),
		.cfg_min_h(cfg_min_h), .cfg_max_h(cfg_max_h), .cfg_min_aspect4(cfg_min_aspect4),
		.cfg_max_aspect(cfg_max_aspect), .cfg_min_score(cfg_min_score), .cfg_max_cands(cfg_max_cands),
		.ring_re(ring_re), .ring_raddr(ring_raddr), .ring_rseq(ring_rseq), .ring_gnt(ring_gnt), .ring_rdata(ring_rdata),
		.idle(idle), .copy_active(copy_active), .copy_row(copy_row),
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

	fv_stream #(.W(C_W), .OUTPUT(0)) closes (.clk(clk), .rst(rst), .valid(close_valid), .ready(close_ready),
		.data({close_ylast, close_sum, close_y1, close_y0, close_x1, close_x0}));
	fv_stream #(.W(52), .OUTPUT(0)) ctl (.clk(clk), .rst(rst), .valid(ctl_valid), .ready(ctl_ready),
					     .data({ctl_tfull, ctl_type, ctl_payload}));
	/* msg is a word of the queue's block RAM (read data free here): the
	 * contract on msg_valid; what holds the message is the queue depth */
	fv_stream #(.W(1), .OUTPUT(1)) msgs (.clk(clk), .rst(rst), .valid(msg_valid), .ready(msg_ready),
					     .data(1'b0));

	reg f_past_valid = 1'b0;
	/* the settings of the first cycle out of reset */
	reg [115:0] f_cfg;
	wire [115:0] cfg = {frame_width, frame_height, cfg_min_w, cfg_max_w, cfg_min_h, cfg_max_h,
			    cfg_min_aspect4, cfg_max_aspect, cfg_min_score, cfg_max_cands, cfg_edge_thr};
	/* frame controls taken and messages taken since reset */
	reg [3:0] f_ctl, f_msg;
	always @(posedge clk) begin
		f_past_valid <= 1'b1;
		f_cfg <= cfg;
		f_ctl <= f_ctl + (ctl_valid && ctl_ready);
		f_msg <= f_msg + (msg_valid && msg_ready);
		if (rst) begin
			f_ctl <= 4'd0;
			f_msg <= 4'd0;
		end
	end
	always @(*) begin
		if (!f_past_valid)
			assume(rst);
		if (f_past_valid)
			assume(cfg == f_cfg);
		assume(!(ctl_valid && close_valid));
		if (f_past_valid && !rst) begin
			assert(f_msg <= f_ctl);
			/* the queue holds two: no message written over before it is taken */
			assert(f_ctl - f_msg <= 4'd2);
			if (msg_valid)
				assert(f_msg < f_ctl);
		end
	end
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, ring_re, ring_raddr, ring_rseq, idle, copy_active, copy_row, msg_pending, sts_dropped,
			meta_gnt, meta_valid, meta_tag, meta_seq, meta_score, meta_cx, meta_cy, meta_cw, meta_ch,
			slot_gnt, slot_rdata, msg};
	/* verilator lint_on UNUSEDSIGNAL */
endmodule
`resetall
