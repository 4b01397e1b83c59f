`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_emit (stub) - for the timing estimate only (bitstreams/timing/run.sh):
 * stands in for rtl/anpr_emit.v so that the rest of the board design places
 * on the UP5K. It reads the store's metadata and slots and folds what it
 * reads into the record stream, so the store's read paths stay in the
 * netlist. Not a design file.
 */
module anpr_emit #(
	parameter Y_W = 12,
	parameter SLOT_AW = 13,
	parameter SA_W = 16,
	parameter CROP_MAX_W = 256,
	parameter CROP_MAX_H = 48,
	parameter CW_AW = 8,
	parameter CH_AW = 6,
	parameter NSLOTS = 8
) (
	input  wire            clk,
	input  wire            rst,
	input  wire [65:0]     msg,
	input  wire            msg_valid,
	output wire            msg_ready,
	output wire            free_valid,
	output wire [3:0]      free_idx,
	output wire            free_tag_valid,
	output wire            free_tag,
	output reg  [3:0]      meta_idx,
	input  wire            meta_gnt,
	input  wire            meta_valid,
	input  wire            meta_tag,
	input  wire [7:0]      meta_seq,
	input  wire [15:0]     meta_score,
	input  wire [11:0]     meta_cx,
	input  wire [11:0]     meta_cy,
	input  wire [11:0]     meta_cw,
	input  wire [11:0]     meta_ch,
	output wire            slot_re,
	output wire [SA_W-1:0] slot_raddr,
	output wire            slot_rseq,
	input  wire            slot_gnt,
	input  wire [7:0]      slot_rdata,
	output wire [7:0]      m_axis_rec_tdata,
	output wire            m_axis_rec_tvalid,
	input  wire            m_axis_rec_tready,
	output wire            m_axis_rec_tlast,
	output wire            idle,
	output wire [31:0]     sts_candidates
);
	reg [SA_W-1:0] a_reg;
	reg [7:0]      d_reg;
	reg            v_reg;
	always @(posedge clk) begin
		if (slot_gnt)
			a_reg <= a_reg + 1'b1;
		if (meta_gnt)
			meta_idx <= meta_idx + 1'b1;
		d_reg <= slot_rdata ^ meta_seq ^ meta_score[7:0] ^ meta_score[15:8] ^ meta_cx[7:0] ^
			 meta_cy[7:0] ^ meta_cw[7:0] ^ meta_ch[7:0] ^ msg[7:0] ^ msg[63:56] ^
			 {meta_valid, meta_tag, msg[65:64], meta_cx[11:8] ^ meta_cy[11:8] ^ meta_cw[11:8] ^ meta_ch[11:8]};
		v_reg <= msg_valid;
		if (rst) begin
			a_reg <= 0;
			meta_idx <= 0;
		end
	end
	assign msg_ready = m_axis_rec_tready;
	assign free_valid = v_reg;
	assign free_idx = d_reg[3:0];
	assign free_tag_valid = d_reg[4] && v_reg;
	assign free_tag = d_reg[5];
	assign slot_re = 1'b1;
	assign slot_raddr = a_reg;
	assign slot_rseq = 1'b1; /* a_reg counts the grants */
	assign m_axis_rec_tdata = d_reg;
	assign m_axis_rec_tvalid = v_reg;
	assign m_axis_rec_tlast = d_reg[7];
	assign idle = 1'b1;
	assign sts_candidates = 32'd0;
endmodule
`resetall
