`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_emit - writes the record stream: frame header, the frame's stored
 * candidates best first, frame trailer.
 *
 * At the end of a frame each stored candidate is analysed from its slot
 * (the C model's emit_candidate, step for step) and sent:
 *   pass A  whole crop: sum, min, max; per row the pixels whose horizontal
 *           difference |p[c+1] - p[c-1]| >= the frame's edge_thr
 *   scan    text rows = best cluster of rows (row count > max/4, gaps of 2)
 *   pass A2 text rows, all columns: the same pixels per column
 *   scans   text columns = best cluster of columns (count > text height/4,
 *           gaps up to the text height); threshold = (mean + (min+max)/2)/2
 *   pass B  text box: dark pixels per row; polarity (dark majority = light
 *           characters); two rows when a nearly empty row splits the middle
 *   output  header, then the crop's pixels, while pass C counts those of
 *           the text box: foreground per column, per text row (the header
 *           needs nothing of it)
 *   scans   character boxes per text row from the column counts
 *   output  rows, character boxes
 *
 * Ports
 *   msg_*      frame messages from anpr_store, in stream order, with the
 *              frame's own counters and settings: the emitter may still be
 *              sending one frame while the next streams in
 *   meta_*, slot_*   the candidate store (a metadata read waits for meta_gnt,
 *              a slot read for slot_gnt);
 *              free_* returns sent slots
 *
 * Candidates of the frame go out best first: highest score, earliest
 * stored of equals (the C model's emit_store).
 *   m_axis_rec_*  the record byte stream
 */
module anpr_emit #(
	/* verilator lint_off UNUSEDPARAM */
	parameter Y_W = 12, /* the store's; the frame size reaches the emitter in its messages */
	/* verilator lint_on UNUSEDPARAM */
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

	output wire [2:0]      msg_word,
	input  wire [15:0]     msg,
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
	output reg  [31:0]     sts_candidates
);

	`include "anpr_protocol.vh"

	/* coordinates and counts inside a crop (at most CROP_MAX_W x
	 * CROP_MAX_H) and their sums: C_W bits */
	localparam C_W = ((CW_AW > CH_AW) ? CW_AW : CH_AW) + 1;
	/* sums of counts (at most one per pixel of a crop): SS_W bits */
	localparam SS_W = SLOT_AW + 1;

	function [11:0] x12;
		input [C_W-1:0] a;
		x12 = {{12-C_W{1'b0}}, a};
	endfunction

	localparam [1:0] MSG_START = 2'd0, MSG_FEND = 2'd1;

	/* message fields (anpr_store): word 0 of the message at the head
	 * {type, tag, tfull, 4'd0, byte}, read in E_IDLE; words 2 to 5 are the
	 * FRAME or END record's bytes 4 to 11, read as they go out */
	wire [1:0]     m_type = msg[15:14];
	wire           m_tag = msg[13];   /* FEND, ABORT: the frame's slot tag */
	wire           m_tfull = msg[12];
	wire [7:0]     m_byte = msg[7:0]; /* START: overrun; FEND: edge_thr; ABORT: flags */

	localparam [4:0] E_IDLE = 5'd0,
			 E_HDR = 5'd1,      /* frame header bytes */
			 E_TRL = 5'd2,      /* frame trailer bytes */
			 E_PICK = 5'd3,     /* choose the best candidate not yet sent */
			 E_LOAD = 5'd4,     /* load it, start pass A */
			 E_PASSA = 5'd5,
			 E_ROWS = 5'd6,     /* cluster scan of row counts */
			 E_COLS_GO = 5'd7,
			 E_COLS = 5'd8,     /* cluster scan of column counts */
			 E_DIV = 5'd9,      /* mean = sum / area */
			 E_PASSB = 5'd10,
			 E_SPLIT_GO = 5'd11,
			 E_SPLIT = 5'd12,   /* search the row between two text rows */
			 E_SEG1 = 5'd14,    /* character boxes, top (or only) row */
			 E_SEG2 = 5'd15,    /* character boxes, bottom row */
			 E_CHDR = 5'd16,    /* candidate header bytes */
			 E_CPIX = 5'd17,    /* crop pixels */
			 E_CSEG = 5'd18,    /* rows, nchars, character boxes */
			 E_PASSA2 = 5'd19,  /* column edge counts over the text rows */
			 E_LOAD2 = 5'd20;   /* start pass A */

	reg [4:0]     state_reg;
	reg [15:0]    frame_no_reg;
	reg [7:0]     flags_reg;
	reg [15:0]    errors_reg;
	reg [7:0]     emitted_reg;
	/* The message being handled stays at the head of the queue until its
	 * record is out (msg_ready); the emitter keeps its tag and edge
	 * threshold, and reads the record's bytes 4 to 11 from it. */
	reg           m_tag_reg;
	reg [7:0]     m_thr_reg;
	reg           m_rd_reg; /* msg is word 0 of the head (E_IDLE a cycle) */
	wire          m_take = (state_reg == E_IDLE) && msg_valid && m_rd_reg;
	reg [7:0]     seq_best_reg;
	reg [3:0]     pick_i_reg, best_reg;
	reg           best_any_reg;
	reg [8:0]     bi_reg; /* byte index within a fixed part */

	/* ---- output buffer: 4 bytes of registers at the module boundary ---- */
	reg       ob_push;
	reg [7:0] ob_data;
	reg       ob_last;
	wire [2:0] ob_n;
	reg       pix_pend_reg; /* a pixel read is on its way from the slot RAM */
	/* room for one more read after the byte in flight */
	wire      ob_room = (ob_n + {2'b00, pix_pend_reg}) < 3'd3;

	anpr_obuf #(.DEPTH_W(2)) obuf (
		.clk(clk), .rst(rst), .s_push(ob_push), .s_data(ob_data), .s_last(ob_last),
		.count(ob_n), .m_axis_tdata(m_axis_rec_tdata), .m_axis_tvalid(m_axis_rec_tvalid),
		.m_axis_tready(m_axis_rec_tready), .m_axis_tlast(m_axis_rec_tlast)
	);

	/* ---- the candidate being analysed ---- */
	reg [15:0]     score_reg;
	reg [11:0]     cx_reg, cy_reg;
	reg [C_W-1:0]  cw_reg, ch_reg;
	reg [SA_W-1:0] sbase_reg;
	reg [21:0]     sum_reg;
	reg [7:0]      mn_reg, mx_reg, thr_reg;
	reg [C_W-1:0]     rmax_reg, rc_reg;
	reg [C_W-1:0]     ry0_reg, ry1_reg, rx0_reg, rx1_reg, split_reg;
	reg            inv_reg;
	reg [SS_W-1:0] dark_reg;
	reg [4:0]      nch_reg;
	/* character boxes of the candidate: a block RAM of {last column,
	 * first column}, written by the segmentation scans, read in order by
	 * the output; the bottom text row's come after the top row's nch1 */
	reg              chr_we;
	reg [2*CW_AW-1:0] chr_wd;
	wire [2*CW_AW-1:0] chr_rd;
	reg [3:0]        chr_ra_reg; /* the character chr_rd holds */
	reg [4:0]        nch1_reg;   /* characters in the top (or only) row */
	wire [C_W-1:0]      chx_rd = {{C_W-CW_AW{1'b0}}, chr_rd[CW_AW-1:0]};
	wire [C_W-1:0]      chw_rd = {{C_W-CW_AW{1'b0}}, chr_rd[2*CW_AW-1:CW_AW]} - chx_rd + 1'b1;
	wire             chb_rd = {1'b0, chr_ra_reg} >= nch1_reg;
	reg [7:0]      h1_reg, h2_reg;
	/* The text box's width and height, and what is derived from them
	 * below (the band height of the character scans, the plate box), are
	 * registers a cycle behind the box (timing): the box changes only at
	 * the end of a pass or scan, and none of them is read in the cycle
	 * after that. */
	reg  [C_W-1:0]    tw, th;
	/* the crop's last column (the column counts' scan is over the crop's
	 * width, so its end is it too), a cycle behind cw_reg: read from pass A
	 * on, never in E_LOAD2 */
	reg  [C_W-1:0]    cwm1_reg;

	/* ---- profile RAMs: row counts, column counts of both text rows ---- */
	reg             rowc_we, colc_we, col2_we;
	reg [CH_AW-1:0] rowc_wa, rowc_ra;
	reg [CW_AW-1:0] colc_wa, colc_ra;
	reg [C_W-1:0]      rowc_wd, colc_wd;
	wire [C_W-1:0]     rowc_rd, colc_rd, col2_rd;

	anpr_ram_sdp #(.DATA_W(C_W), .ADDR_W(CH_AW), .DEPTH(CROP_MAX_H)) rowc (
		.clk(clk), .we(rowc_we), .waddr(rowc_wa), .wdata(rowc_wd),
		.re(1'b1), .raddr(rowc_ra), .rdata(rowc_rd));
	/* column counts are at most the crop's height: CC_W bits; both text
	 * rows' in one RAM */
	localparam CC_W = CH_AW + 1;
	wire [CC_W-1:0] colc_q, col2_q;
	anpr_ram_sdp2 #(.DATA_W(CC_W), .ADDR_W(CW_AW), .DEPTH(CROP_MAX_W)) cols (
		.clk(clk), .we_a(colc_we), .we_b(col2_we), .waddr(colc_wa), .wdata(colc_wd[CC_W-1:0]),
		.re(1'b1), .raddr(colc_ra), .rdata_a(colc_q), .rdata_b(col2_q));
	assign colc_rd = {{C_W-CC_W{1'b0}}, colc_q};
	assign col2_rd = {{C_W-CC_W{1'b0}}, col2_q};

	/* ---- raster walker: reads a rectangle of the slot, a pixel a cycle ---- */
	reg            wk_on_reg;
	reg [C_W-1:0]     wk_r_reg, wk_c_reg, wk_r1_reg, wk_c0_reg, wk_c1_reg;
	reg [SA_W-1:0] wk_a_reg, wk_rs_reg; /* address of (r, c) and of (r, c0) */
	reg            wk_seq_reg;          /* wk_a_reg follows the address granted last */
	reg            d_on_reg;            /* data stage holds a pixel */
	reg [C_W-1:0]     d_r_reg, d_c_reg;
	reg            d_end_reg;           /* ... the rectangle's last */
	wire [SA_W-1:0] cw_ext = {{SA_W-C_W{1'b0}}, cw_reg};
	/* the walker moves when the slot RAM grants its read (the store's
	 * writes go first) */
	wire           wk_want = wk_on_reg && (state_reg != E_CPIX || ob_room);
	wire           wk_go = wk_want && slot_gnt;
	wire           wk_last = (wk_r_reg == wk_r1_reg) && (wk_c_reg == wk_c1_reg);

	assign slot_re = wk_want;
	assign slot_raddr = wk_a_reg;
	assign slot_rseq = wk_seq_reg;

	/* ---- scans over a profile RAM, read one index ahead ---- */
	reg        sc_prime_reg, sc_fin_reg;
	reg [C_W-1:0] sc_i_reg, sc_n_reg, sc_thr_reg, sc_gap_reg;
	reg        sc_open_reg, sc_found_reg;
	reg [C_W-1:0] sc_start_reg, sc_last_reg, sc_lo_reg, sc_hi_reg, sc_peak_reg;
	reg [SS_W-1:0] sc_sum_reg, sc_best_reg;
	reg [C_W:0]    sc_c_reg;
	wire       sc_step = !sc_prime_reg && !sc_fin_reg;

	/* ---- divider ---- */
	reg [4:0]  dv_i_reg;
	reg [SS_W-1:0] dv_r_reg; /* the remainder, below the divisor; the dividend is sum_reg,
				  * shifted out MSB first */
	reg [6:0]  dv_q_reg; /* the mean is at most 255: only the low quotient bits are kept */
	reg [SS_W-1:0] dv_d_reg; /* the divisor, the crop's area (at most a slot), summed a row at a time in
			      * pass A (a multiplier fewer) */
	wire [SS_W:0] dv_sh = {dv_r_reg, sum_reg[21]};
	wire          dv_ge = dv_sh >= {1'b0, dv_d_reg};
	/* threshold = (mean + (min + max) / 2) / 2; the mean's last quotient bit is dv_ge */
	wire [8:0]  mid = ({1'b0, mn_reg} + {1'b0, mx_reg}) >> 1;
	wire [8:0]  thr_sum = {1'b0, dv_q_reg[6:0], dv_ge} + mid;

	/* ---- data-stage values of the passes ---- */
	wire [7:0]  v = slot_rdata;
	/* |v - h2| >= m_thr as either difference >= m_thr (timing: no
	 * compare and select before the threshold's compare) */
	wire [8:0]  adp = {1'b0, v} - {1'b0, h2_reg};
	wire [8:0]  adn = {1'b0, h2_reg} - {1'b0, v};
	wire        abit = (d_c_reg >= 2) && ((!adp[8] && adp[7:0] >= m_thr_reg) ||
					  (!adn[8] && adn[7:0] >= m_thr_reg));
	wire [C_W-1:0] rc_a0 = (d_c_reg == 0) ? {C_W{1'b0}} : rc_reg;
	wire [C_W-1:0] rc_a1 = rc_a0 + 1'b1;
	wire [C_W-1:0] rc_a = abit ? rc_a1 : rc_a0;
	/* rc_a > rmax_reg, formed without the edge bit, which selects (timing) */
	wire        rc_a_gt = abit ? (rc_a0 >= rmax_reg) : (rc_a0 > rmax_reg);
	wire        dark = v < thr_reg;
	wire [C_W-1:0] rc_b = ((d_c_reg == rx0_reg) ? {C_W{1'b0}} : rc_reg) + {{C_W-1{1'b0}}, dark};
	wire        band2 = (split_reg != 0) && (d_r_reg > split_reg);
	wire        fg = dark ^ inv_reg;
	/* pass C reads a column's count a cycle before it writes it; in the
	 * crop's raster order the same column comes back a row later (a crop
	 * is at least 8 pixels wide), after that write: nothing to forward */
	wire [C_W-1:0] col_old = band2 ? col2_rd : colc_rd;
	wire        band_first = band2 ? (d_r_reg == split_reg + 1'b1) : (d_r_reg == ry0_reg);
	wire [C_W-1:0] col_new = (band_first ? {C_W{1'b0}} : col_old) + {{C_W-1{1'b0}}, fg};
	wire        c_skip = (split_reg != 0) && (d_r_reg == split_reg);
	/* Pass C counts the text box only; it runs as the crop's pixels go out
	 * (in raster order): a text row from ry0 to the end of ry1, a text
	 * column from rx0 to rx1, told by two flags and equalities (fewer
	 * cells than four magnitude compares) */
	reg         c_row_reg, c_col_reg; /* the pixel before was in a text row / before rx1 in the box's columns */
	wire        c_row = (d_r_reg == ry0_reg) || c_row_reg;
	wire        c_col = (d_c_reg == rx0_reg) || c_col_reg;
	wire        c_in = c_row && c_col;

	/* ---- cluster scan step ---- */
	wire        sc_at_end = (sc_i_reg == sc_n_reg);
	wire [C_W-1:0] sc_v_raw = (state_reg == E_ROWS || state_reg == E_SPLIT) ? rowc_rd :
			       (state_reg == E_SEG2) ? col2_rd : colc_rd;
	/* the first and last column hold no count (pass A does not write them)
	 * (sc_ends_reg: sc_i is 0 or cwm1, a register, timing) */
	reg            sc_ends_reg;
	wire [C_W-1:0] sc_v = (state_reg == E_COLS && sc_ends_reg) ? {C_W{1'b0}} : sc_v_raw;
	wire        sc_q = !sc_at_end && sc_v >= sc_thr_reg;
	/* the gap since the last qualifying index exceeds sc_gap (a qualifying
	 * index: the gap before it, itself excluded): i - last > gap + q, as
	 * the countdown sc_c = gap + 1 - (i - last), loaded with sc_gap at a
	 * qualifying index (timing: sc_q selects between two flags of it) */
	wire        sc_c_neg = sc_c_reg[C_W];
	wire        sc_c_zero = (sc_c_reg == {C_W+1{1'b0}});
	wire        sc_close = sc_open_reg && (sc_at_end || sc_c_neg || (!sc_q && sc_c_zero));
	wire        sc_better = sc_close && sc_sum_reg > sc_best_reg;
	/* split search */
	wire [C_W-1:0] rfg = inv_reg ? tw - rowc_rd : rowc_rd;
	/* character boxes: band height, run test */
	/* a cycle behind too: a band's scan reads it after its priming cycle */
	wire [C_W-1:0] seg_bh_d = (state_reg == E_SEG2) ? ry1_reg - split_reg :
			       (split_reg != 0) ? split_reg - ry0_reg : th;
	reg  [C_W-1:0] seg_bh;
	wire        seg_fg = (sc_i_reg <= rx1_reg) && (sc_v_raw >= {4'd0, seg_bh[C_W-1:4]} + 1'b1);
	wire [C_W+1:0] peak3 = {1'b0, sc_peak_reg, 1'b0} + {2'b00, sc_peak_reg};
	wire        seg_keep = (sc_i_reg - sc_start_reg >= 2) && (peak3 >= {2'b00, seg_bh}) &&
			       (nch_reg < 5'd16);

	/* ---- plate box: text box grown by 5/16 of its height above and below ---- */
	wire [C_W+3:0] th5 = {2'b00, th, 2'b00} + {4'b0000, th};
	wire [C_W-1:0] ey = th5[C_W+3:4];
	wire [C_W-1:0] pby_d = (ry0_reg >= ey) ? ry0_reg - ey : {C_W{1'b0}};
	wire [C_W-1:0] pbye = (ry1_reg + ey < ch_reg) ? ry1_reg + ey : ch_reg - 1'b1;
	reg  [C_W-1:0] pby, pbh; /* two cycles behind the box: read in the header */

	/* ---- bytes of the fixed parts ---- */
	reg  [7:0]  fix_byte;
	wire [8:0]  sb = bi_reg - 9'd2;       /* byte within the character boxes */
	wire [3:0]  sj = sb[6:3];             /* character */
	wire [C_W-1:0] chy_d = chb_rd ? split_reg + 1'b1 : ry0_reg;
	wire [C_W-1:0] chh_d = chb_rd ? ry1_reg - split_reg : (split_reg != 0) ? split_reg - ry0_reg : th;
	/* a cycle behind (timing): a character's y, width and height go out
	 * from its third byte on, at least two cycles after its box is read
	 * (chr_ready) */
	reg  [C_W-1:0] chy, chh, chw;
	always @(posedge clk) begin
		chy <= chy_d;
		chh <= chh_d;
		chw <= chw_rd;
	end
	/* the box bytes wait a cycle when the RAM still holds the previous character */
	wire        chr_ready = (bi_reg < 9'd2) || (chr_ra_reg == sj);

	anpr_ram_sdp #(.DATA_W(2 * CW_AW), .ADDR_W(4)) chars (
		.clk(clk), .we(chr_we), .waddr(nch_reg[3:0]), .wdata(chr_wd),
		.re(1'b1), .raddr(sj), .rdata(chr_rd));
	wire [8:0]  seg_len = 9'd2 + {1'b0, nch_reg, 3'b000};

	/* The 12-bit fields of a candidate header (fields 3 to 10) and of a
	 * character box (fields 0 to 3) are a base (cx, cy or 0) plus an
	 * offset inside the crop: one adder for all of them. */
	wire [3:0]  fld = (state_reg == E_CSEG) ? {2'b00, sb[2:1]} : bi_reg[4:1];
	reg  [11:0] fld_base;
	reg  [C_W-1:0] fld_off;
	always @* begin
		fld_base = 12'd0;
		fld_off = {C_W{1'b0}};
		if (state_reg == E_CSEG) begin
			case (fld[1:0])
			2'd0: begin fld_base = cx_reg; fld_off = chx_rd; end
			2'd1: begin fld_base = cy_reg; fld_off = chy; end
			2'd2: fld_off = chw;
			default: fld_off = chh;
			endcase
		end else begin
			case (fld)
			4'd3: begin fld_base = cx_reg; fld_off = rx0_reg; end
			4'd4: begin fld_base = cy_reg; fld_off = pby; end
			4'd5: fld_off = tw;
			4'd6: fld_off = pbh;
			4'd7: fld_base = cx_reg;
			4'd8: fld_base = cy_reg;
			4'd9: fld_off = cw_reg;
			4'd10: fld_off = ch_reg;
			default: ;
			endcase
		end
	end
	wire [15:0] field = {4'd0, fld_base + x12(fld_off)};

	/* bits that shifts and fixed layouts leave out */
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, colc_wd[C_W-1:CC_W], meta_cw[11:C_W], meta_ch[11:C_W], thr_sum[0], rmax_reg[1:0], th5[3:0], sb[8:7]};
	/* verilator lint_on UNUSEDSIGNAL */

	/* the record's byte bi (4 to 11) is byte bi % 2 of the message's word
	 * bi / 2, read a cycle ahead: the word of the next byte's index */
	wire [7:0] m_rbyte = bi_reg[0] ? msg[15:8] : msg[7:0];
	wire [2:0] bi_next2 = bi_reg[3:1] + {2'd0, bi_reg[0] && ob_push}; /* (bi + push) / 2 */
	assign msg_word = (state_reg == E_HDR || state_reg == E_TRL) ? bi_next2 : 3'd0;

	always @* begin
		fix_byte = 8'd0;
		case (state_reg)
		E_HDR: case (bi_reg[3:0])
			4'd0: fix_byte = ANPR_REC_FRAME[7:0];
			4'd1: fix_byte = ANPR_PROTO_VERSION[7:0];
			4'd2: fix_byte = frame_no_reg[7:0];
			4'd3: fix_byte = frame_no_reg[15:8];
			default: fix_byte = m_rbyte;
			endcase
		E_TRL: case (bi_reg[3:0])
			4'd0: fix_byte = ANPR_REC_END[7:0];
			4'd1: fix_byte = flags_reg;
			4'd2: fix_byte = frame_no_reg[7:0];
			4'd3: fix_byte = frame_no_reg[15:8];
			4'd6: fix_byte = emitted_reg;
			4'd10: fix_byte = errors_reg[7:0];
			4'd11: fix_byte = errors_reg[15:8];
			default: fix_byte = m_rbyte;
			endcase
		E_CHDR: begin
			fix_byte = bi_reg[0] ? field[15:8] : field[7:0];
			case (bi_reg[4:0])
			5'd0: fix_byte = ANPR_REC_CAND[7:0];
			5'd1: fix_byte = emitted_reg;
			5'd2: fix_byte = frame_no_reg[7:0];
			5'd3: fix_byte = frame_no_reg[15:8];
			5'd4: fix_byte = score_reg[7:0];
			5'd5: fix_byte = score_reg[15:8];
			5'd22: fix_byte = thr_reg;
			5'd23: fix_byte = {6'd0, split_reg != 0, inv_reg};
			default: ;
			endcase
		end
		E_CSEG: begin
			fix_byte = sb[0] ? field[15:8] : field[7:0];
			if (bi_reg == 9'd0)
				fix_byte = (split_reg != 0) ? 8'd2 : 8'd1;
			else if (bi_reg == 9'd1)
				fix_byte = {3'd0, nch_reg};
		end
		default: ;
		endcase
	end

	/* ---- what goes into the output FIFO this cycle ---- */
	always @* begin
		ob_push = 1'b0;
		ob_data = fix_byte;
		ob_last = 1'b0;
		if (pix_pend_reg) begin
			ob_push = 1'b1;
			ob_data = slot_rdata;
		end else if (ob_n < 3'd3) begin
			case (state_reg)
			E_HDR: begin
				ob_push = 1'b1;
				ob_last = (bi_reg == ANPR_FRAME_LEN - 1);
			end
			E_TRL: begin
				ob_push = 1'b1;
				ob_last = (bi_reg == ANPR_END_LEN - 1);
			end
			E_CHDR: ob_push = 1'b1;
			E_CSEG: begin
				ob_push = chr_ready;
				ob_last = (bi_reg == seg_len - 1'b1);
			end
			default: ;
			endcase
		end
	end

	/* ---- profile RAM ports ---- */
	always @* begin
		rowc_we = 1'b0;
		colc_we = 1'b0;
		col2_we = 1'b0;
		rowc_wa = d_r_reg[CH_AW-1:0];
		colc_wa = d_c_reg[CW_AW-1:0];
		rowc_wd = {C_W{1'b0}};
		colc_wd = {C_W{1'b0}};
		/* scans read one index ahead; the priming cycle reads the first */
		rowc_ra = sc_prime_reg ? sc_i_reg[CH_AW-1:0] : sc_i_reg[CH_AW-1:0] + 1'b1;
		colc_ra = sc_prime_reg ? sc_i_reg[CW_AW-1:0] : sc_i_reg[CW_AW-1:0] + 1'b1;
		case (state_reg)
		E_PASSA: if (d_on_reg && d_c_reg == cwm1_reg) begin
			rowc_we = 1'b1;
			rowc_wd = rc_a;
		end
		E_PASSA2: begin
			/* column c-1 gets the edge between pixels c-2 and c, using its
			 * count read while pixel c-1 was here */
			colc_ra = d_c_reg[CW_AW-1:0];
			if (d_on_reg && d_c_reg >= 1) begin
				colc_we = 1'b1;
				colc_wa = d_c_reg[CW_AW-1:0] - 1'b1;
				colc_wd = ((d_r_reg == ry0_reg) ? {C_W{1'b0}} : colc_rd) + {{C_W-1{1'b0}}, abit};
			end
		end
		E_PASSB: if (d_on_reg && d_c_reg == rx1_reg) begin
			rowc_we = 1'b1;
			rowc_wd = rc_b;
		end
		E_CPIX: begin
			/* pass C: the text box's pixels as the crop goes out */
			colc_ra = wk_c_reg[CW_AW-1:0];
			if (d_on_reg && c_in && !c_skip) begin
				colc_we = !band2;
				col2_we = band2;
				colc_wd = col_new;
			end
		end
		default: ;
		endcase
	end

	/* a START leaves the queue with the FRAME record's last byte, an FEND or
	 * ABORT with the END record's */
	assign msg_ready = ob_push && ((state_reg == E_HDR && bi_reg == ANPR_FRAME_LEN - 1) ||
				       (state_reg == E_TRL && bi_reg == ANPR_END_LEN - 1));
	assign idle = (state_reg == E_IDLE) && (ob_n == 0);
	/* a slot is returned as its last byte is written; a dropped frame's
	 * slots as its abort message is taken */
	assign free_valid = (state_reg == E_CSEG) && ob_push && (bi_reg == seg_len - 1'b1);
	assign free_idx = best_reg;
	assign free_tag_valid = m_take && m_type != MSG_START && m_type != MSG_FEND;
	assign free_tag = m_tag;


	/* ---- walker and scan starts: one place each, on one of a few
	 * rectangles and profiles ---- */
	localparam [1:0] WK_CROP = 2'd0, /* the whole crop */
			 WK_ROWS = 2'd1, /* the text rows, all columns */
			 WK_BOX = 2'd2;  /* the text box */
	localparam [1:0] SC_ROWS = 2'd0, /* row counts: text rows */
			 SC_COLS = 2'd1, /* column counts: text columns */
			 SC_SPLIT = 2'd2, /* row counts: the row between two text rows */
			 SC_SEG = 2'd3;  /* column counts: character boxes */
	reg       wk_start, sc_start;
	reg [1:0] wk_kind, sc_kind;
	always @* begin
		wk_start = 1'b0;
		wk_kind = WK_BOX;
		sc_start = 1'b0;
		sc_kind = SC_SEG;
		case (state_reg)
		E_LOAD2: begin
			wk_start = 1'b1;
			wk_kind = WK_CROP;
		end
		E_PASSA: begin
			sc_start = d_on_reg && d_end_reg;
			sc_kind = SC_ROWS;
		end
		E_COLS_GO: begin
			wk_start = 1'b1;
			wk_kind = WK_ROWS;
		end
		E_PASSA2: begin
			sc_start = d_on_reg && d_end_reg;
			sc_kind = SC_COLS;
		end
		E_DIV: wk_start = (dv_i_reg == 5'd0);
		E_SPLIT_GO: begin
			sc_start = (th >= 16);
			sc_kind = SC_SPLIT;
		end
		E_CPIX: sc_start = d_on_reg && d_end_reg;
		E_SEG1: sc_start = sc_fin_reg && (split_reg != 0);
		E_CHDR: begin
			wk_start = ob_push && (bi_reg == ANPR_CAND_HDR_LEN - 1);
			wk_kind = WK_CROP;
		end
		default: ;
		endcase
	end

	wire [C_W-1:0] wk_r0 = (wk_kind == WK_CROP) ? {C_W{1'b0}} : ry0_reg;
	wire [C_W-1:0] wk_r1 = (wk_kind == WK_CROP) ? ch_reg - 1'b1 : ry1_reg;
	wire [C_W-1:0] wk_c0 = (wk_kind == WK_BOX) ? rx0_reg : {C_W{1'b0}};
	wire [C_W-1:0] wk_c1 = (wk_kind == WK_BOX) ? rx1_reg : cw_reg - 1'b1;
	/* the product is 2 C_W bits; a crop's offset fits its slot (SLOT_AW bits) */
	/* verilator lint_off UNUSEDSIGNAL */
	wire [2*C_W-1:0] wk_off = wk_r0 * cw_reg + {{C_W{1'b0}}, wk_c0};
	/* verilator lint_on UNUSEDSIGNAL */
	wire [SA_W-1:0]  wk_a0 = sbase_reg + {{SA_W-SLOT_AW{1'b0}}, wk_off[SLOT_AW-1:0]};

	/* scans: first index, end, threshold, gap */
	reg [C_W-1:0] sc_i0, sc_n0, sc_thr0, sc_gap0;
	always @* begin
		sc_i0 = rx0_reg;
		sc_n0 = rx1_reg + 1'b1;
		sc_thr0 = {C_W{1'b0}};
		sc_gap0 = {C_W{1'b0}};
		case (sc_kind)
		SC_ROWS: begin
			/* rmax of the last row is not in rmax_reg yet */
			sc_i0 = {C_W{1'b0}};
			sc_n0 = ch_reg;
			/* sc_thr: loaded in the priming cycle, from rmax_reg */
			sc_gap0 = {{C_W-2{1'b0}}, 2'd2};
		end
		SC_COLS: begin
			sc_i0 = {C_W{1'b0}};
			sc_n0 = cw_reg;
			sc_thr0 = {2'd0, th[C_W-1:2]} + 1'b1;
			sc_gap0 = th;
		end
		SC_SPLIT: begin
			sc_i0 = ry0_reg + {2'b00, th[C_W-1:2]};
			sc_n0 = ry1_reg - {2'b00, th[C_W-1:2]};
		end
		default: ;
		endcase
	end

	/* one step of best_cluster (C model) */
	task cluster_step;
		begin
			if (sc_better) begin
				sc_best_reg <= sc_sum_reg;
				sc_found_reg <= 1'b1;
				sc_lo_reg <= sc_start_reg;
				sc_hi_reg <= sc_last_reg;
			end
			if (sc_close)
				sc_open_reg <= 1'b0;
			if (sc_q) begin
				if (!sc_open_reg || sc_close) begin
					sc_open_reg <= 1'b1;
					sc_start_reg <= sc_i_reg;
					sc_sum_reg <= {{SS_W-C_W{1'b0}}, sc_v};
				end else begin
					sc_sum_reg <= sc_sum_reg + {{SS_W-C_W{1'b0}}, sc_v};
				end
				sc_last_reg <= sc_i_reg;
				sc_c_reg <= {1'b0, sc_gap_reg};
			end else begin
				sc_c_reg <= sc_c_reg - 1'b1;
			end
			sc_i_reg <= sc_i_reg + 1'b1;
			if (sc_at_end)
				sc_fin_reg <= 1'b1;
		end
	endtask

	/* the character a seg_band step keeps (written in the same cycle):
	 * columns sc_start .. sc_i - 1 */
	wire [CW_AW-1:0] sc_i_m1 = sc_i_reg[CW_AW-1:0] - 1'b1;
	always @* begin
		chr_we = (state_reg == E_SEG1 || state_reg == E_SEG2) && sc_step && !seg_fg &&
			 sc_open_reg && seg_keep;
		chr_wd = {sc_i_m1, sc_start_reg[CW_AW-1:0]};
	end

	/* one step of seg_band (C model) */
	task seg_step;
		begin
			if (seg_fg) begin
				if (!sc_open_reg) begin
					sc_start_reg <= sc_i_reg;
					sc_peak_reg <= sc_v_raw;
				end else if (sc_v_raw > sc_peak_reg) begin
					sc_peak_reg <= sc_v_raw;
				end
				sc_open_reg <= 1'b1;
			end else if (sc_open_reg) begin
				sc_open_reg <= 1'b0;
				if (seg_keep) begin
					nch_reg <= nch_reg + 1'b1;
				end
			end
			sc_i_reg <= sc_i_reg + 1'b1;
			if (sc_at_end)
				sc_fin_reg <= 1'b1;
		end
	endtask

	always @(posedge clk) begin

		pix_pend_reg <= (state_reg == E_CPIX) && wk_go;
		tw <= rx1_reg - rx0_reg + 1'b1;
		cwm1_reg <= cw_reg - 1'b1;
		th <= ry1_reg - ry0_reg + 1'b1;
		seg_bh <= seg_bh_d;
		pby <= pby_d;
		pbh <= pbye - pby_d + 1'b1;
		chr_ra_reg <= sj;

		/* walker address stage */
		d_on_reg <= wk_go;
		if (wk_go) begin
			d_r_reg <= wk_r_reg;
			d_c_reg <= wk_c_reg;
			d_end_reg <= wk_last;
			if (wk_last) begin
				wk_on_reg <= 1'b0;
			end else if (wk_c_reg == wk_c1_reg) begin
				wk_c_reg <= wk_c0_reg;
				wk_r_reg <= wk_r_reg + 1'b1;
				wk_rs_reg <= wk_rs_reg + cw_ext;
				wk_a_reg <= wk_rs_reg + cw_ext;
				wk_seq_reg <= 1'b0;
			end else begin
				wk_c_reg <= wk_c_reg + 1'b1;
				wk_a_reg <= wk_a_reg + 1'b1;
				wk_seq_reg <= 1'b1;
			end
		end

		if (wk_start) begin
			wk_on_reg <= 1'b1;
			wk_r_reg <= wk_r0;
			wk_r1_reg <= wk_r1;
			wk_c_reg <= wk_c0;
			wk_c0_reg <= wk_c0;
			wk_c1_reg <= wk_c1;
			wk_a_reg <= wk_a0;
			wk_rs_reg <= wk_a0;
			wk_seq_reg <= 1'b0;
		end

		/* scans: the priming cycle only reads; the row scan's threshold
		 * is loaded then, when rmax_reg holds the last row too (timing:
		 * not from pass A's last pixel) */
		if (sc_prime_reg) begin
			sc_prime_reg <= 1'b0;
			if (state_reg == E_ROWS)
				sc_thr_reg <= {2'b00, rmax_reg[C_W-1:2]} + 1'b1;
		end

		m_rd_reg <= (state_reg == E_IDLE);

		case (state_reg)
		E_IDLE: if (m_take) begin
			bi_reg <= 9'd0;
			m_tag_reg <= m_tag;
			case (m_type)
			MSG_START: begin
				frame_no_reg <= frame_no_reg + 1'b1;
				if (m_byte[0]) begin
					flags_reg <= flags_reg | ANPR_END_F_OVERRUN[7:0];
					if (errors_reg != 16'hffff)
						errors_reg <= errors_reg + 1'b1;
				end
				emitted_reg <= 8'd0;
				state_reg <= E_HDR;
			end
			MSG_FEND: begin
				m_thr_reg <= m_byte;
				if (m_tfull)
					flags_reg <= flags_reg | ANPR_END_F_TABLE_FULL[7:0];
				pick_i_reg <= 4'd0;
				best_any_reg <= 1'b0;
				meta_idx <= 4'd0;
				state_reg <= E_PICK;
			end
			default: begin /* abort: the stored candidates are not sent */
				flags_reg <= flags_reg | m_byte |
					     (m_tfull ? ANPR_END_F_TABLE_FULL[7:0] : 8'd0);
				if (errors_reg != 16'hffff)
					errors_reg <= errors_reg + 1'b1;
				state_reg <= E_TRL;
			end
			endcase
		end
		E_HDR: if (ob_push) begin
			bi_reg <= bi_reg + 1'b1;
			if (bi_reg == ANPR_FRAME_LEN - 1)
				state_reg <= E_IDLE;
		end
		E_TRL: if (ob_push) begin
			bi_reg <= bi_reg + 1'b1;
			if (bi_reg == ANPR_END_LEN - 1) begin
				flags_reg <= 8'd0;
				errors_reg <= 16'd0;
				state_reg <= E_IDLE;
			end
		end
		E_PICK: if (meta_gnt) begin
			/* best score first; of equals, the earliest stored (the
			 * metadata port is the store's while it scans its slots) */
			if (pick_i_reg < NSLOTS) begin
				if (meta_valid && meta_tag == m_tag_reg &&
				    (!best_any_reg || meta_score > score_reg ||
				     (meta_score == score_reg && meta_seq < seq_best_reg))) begin
					best_any_reg <= 1'b1;
					best_reg <= pick_i_reg;
					score_reg <= meta_score;
					seq_best_reg <= meta_seq;
				end
				pick_i_reg <= pick_i_reg + 1'b1;
				meta_idx <= pick_i_reg + 1'b1;
			end else if (!best_any_reg) begin
				bi_reg <= 9'd0;
				state_reg <= E_TRL;
			end else begin
				meta_idx <= best_reg;
				state_reg <= E_LOAD;
			end
		end
		E_LOAD: if (meta_gnt) begin
			cx_reg <= meta_cx;
			cy_reg <= meta_cy;
			cw_reg <= meta_cw[C_W-1:0];
			ch_reg <= meta_ch[C_W-1:0];
			sbase_reg <= {best_reg[SA_W-SLOT_AW-1:0], {SLOT_AW{1'b0}}};
			sum_reg <= 22'd0;
			dv_d_reg <= {SS_W{1'b0}};
			mn_reg <= 8'hff;
			mx_reg <= 8'd0;
			rmax_reg <= {C_W{1'b0}};
			state_reg <= E_LOAD2;
		end
		E_LOAD2: state_reg <= E_PASSA;
		E_PASSA: if (d_on_reg) begin
			sum_reg <= sum_reg + {14'd0, v};
			if (v < mn_reg)
				mn_reg <= v;
			if (v > mx_reg)
				mx_reg <= v;
			h2_reg <= h1_reg;
			h1_reg <= v;
			rc_reg <= rc_a;
			if (d_c_reg == cwm1_reg)
				dv_d_reg <= dv_d_reg + {{SS_W-C_W{1'b0}}, cw_reg};
			if (d_c_reg == cwm1_reg && rc_a_gt)
				rmax_reg <= rc_a;
			if (d_end_reg) begin
				ry0_reg <= {C_W{1'b0}};
				ry1_reg <= ch_reg - 1'b1;
				rx0_reg <= {C_W{1'b0}};
				rx1_reg <= cw_reg - 1'b1;
				state_reg <= E_ROWS;
			end
		end
		E_ROWS: if (sc_fin_reg) begin
			if (sc_found_reg) begin
				ry0_reg <= sc_lo_reg;
				ry1_reg <= sc_hi_reg;
			end
			state_reg <= E_COLS_GO;
		end else if (sc_step) begin
			cluster_step;
		end
		E_COLS_GO: begin
			state_reg <= E_PASSA2;
		end
		E_PASSA2: if (d_on_reg) begin
			h2_reg <= h1_reg;
			h1_reg <= v;
			if (d_end_reg) begin
				state_reg <= E_COLS;
			end
		end
		E_COLS: if (sc_fin_reg) begin
			if (sc_found_reg) begin
				rx0_reg <= sc_lo_reg;
				rx1_reg <= sc_hi_reg;
			end
			dv_i_reg <= 5'd21;
			dv_q_reg <= 7'd0;
			dv_r_reg <= {SS_W{1'b0}};
			state_reg <= E_DIV;
		end else if (sc_step) begin
			cluster_step;
		end
		E_DIV: begin
			/* restoring division, one quotient bit a cycle, MSB first */
			dv_r_reg <= dv_ge ? dv_sh[SS_W-1:0] - dv_d_reg : dv_sh[SS_W-1:0];
			dv_q_reg <= {dv_q_reg[5:0], dv_ge};
			sum_reg <= {sum_reg[20:0], 1'b0};
			dv_i_reg <= dv_i_reg - 1'b1;
			if (dv_i_reg == 5'd0) begin
				/* threshold = (mean + (min + max) / 2) / 2 */
				thr_reg <= thr_sum[8:1];
				dark_reg <= {SS_W{1'b0}};
				state_reg <= E_PASSB;
			end
		end
		E_PASSB: if (d_on_reg) begin
			rc_reg <= rc_b;
			dark_reg <= dark_reg + {{SS_W-1{1'b0}}, dark};
			if (d_end_reg)
				state_reg <= E_SPLIT_GO;
		end
		E_SPLIT_GO: begin
			inv_reg <= {dark_reg, 1'b0} > tw * th;
			split_reg <= {C_W{1'b0}};
			bi_reg <= 9'd0;
			if (th >= 16) begin
				state_reg <= E_SPLIT;
			end else begin
				state_reg <= E_CHDR;
			end
		end
		E_SPLIT: if (sc_fin_reg) begin
			split_reg <= (sc_best_reg > {{SS_W-C_W+4{1'b0}}, tw[C_W-1:4]}) ? {C_W{1'b0}} : sc_lo_reg;
			state_reg <= E_CHDR;
		end else if (sc_step) begin
			if ({{SS_W-C_W{1'b0}}, rfg} < sc_best_reg) begin
				sc_best_reg <= {{SS_W-C_W{1'b0}}, rfg};
				sc_lo_reg <= sc_i_reg;
			end
			sc_i_reg <= sc_i_reg + 1'b1;
			if (sc_at_end)
				sc_fin_reg <= 1'b1;
		end
		E_CPIX: if (d_on_reg) begin
			c_row_reg <= c_row && !(d_r_reg == ry1_reg && d_c_reg == cwm1_reg);
			c_col_reg <= c_col && d_c_reg != rx1_reg;
			if (d_end_reg) begin
				nch_reg <= 5'd0;
				state_reg <= E_SEG1;
			end
		end
		E_SEG1: if (sc_fin_reg) begin
			nch1_reg <= nch_reg;
			if (split_reg != 0) begin
				state_reg <= E_SEG2;
			end else begin
				bi_reg <= 9'd0;
				state_reg <= E_CSEG;
			end
		end else if (sc_step) begin
			seg_step;
		end
		E_SEG2: if (sc_fin_reg) begin
			bi_reg <= 9'd0;
			state_reg <= E_CSEG;
		end else if (sc_step) begin
			seg_step;
		end
		E_CHDR: if (ob_push) begin
			/* the text box flags start clear for each crop (a crop's walk
			 * clears them too: row ry1 and column rx1 end inside it) */
			c_row_reg <= 1'b0;
			c_col_reg <= 1'b0;
			bi_reg <= bi_reg + 1'b1;
			if (bi_reg == ANPR_CAND_HDR_LEN - 1) begin
				state_reg <= E_CPIX;
			end
		end
		E_CSEG: if (ob_push) begin
			bi_reg <= bi_reg + 1'b1;
			if (bi_reg == seg_len - 1'b1) begin
				emitted_reg <= emitted_reg + 1'b1;
				sts_candidates <= sts_candidates + 1;
				pick_i_reg <= 4'd0;
				best_any_reg <= 1'b0;
				meta_idx <= 4'd0;
				state_reg <= E_PICK;
			end
		end
		default: state_reg <= E_IDLE;
		endcase

		/* sc_i's next value is 0 or cwm1: a column scan starts at 0; a
		 * step moves on by one (the other scans do not read the flag) */
		if (sc_step)
			sc_ends_reg <= (sc_i_reg + 1'b1 == cwm1_reg);
		if (sc_start) begin
			sc_ends_reg <= 1'b1;
			sc_prime_reg <= 1'b1;
			sc_fin_reg <= 1'b0;
			sc_i_reg <= sc_i0;
			sc_n_reg <= sc_n0;
			sc_thr_reg <= sc_thr0;
			sc_gap_reg <= sc_gap0;
			sc_open_reg <= 1'b0;
			sc_found_reg <= 1'b0;
			/* the split search looks for a minimum */
			sc_best_reg <= (sc_kind == SC_SPLIT) ? {SS_W{1'b1}} : {SS_W{1'b0}};
		end

		if (rst) begin
			state_reg <= E_IDLE;
			frame_no_reg <= 16'd0;
			flags_reg <= 8'd0;
			errors_reg <= 16'd0;
			emitted_reg <= 8'd0;
			pix_pend_reg <= 1'b0;
			wk_on_reg <= 1'b0;
			d_on_reg <= 1'b0;
			sc_prime_reg <= 1'b0;
			sc_fin_reg <= 1'b0;
			sts_candidates <= 32'd0;
			meta_idx <= 4'd0;
			m_rd_reg <= 1'b0;
		end
	end


endmodule
`resetall
