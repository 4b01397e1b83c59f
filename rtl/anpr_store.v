`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_store - filters closed components and keeps the best candidates of
 * the frame, with their crops, until the frame ends.
 *
 * For each closed component (block box x0..x1, y0..y1, edge sum):
 *   1. count it (found); its pixel box is (8 x0, 4 y0, 8 (x1-x0+1), 4 (y1-y0+1));
 *      keep it only if its size, aspect and sum pass the cfg_* limits;
 *   2. its crop is the box grown by 8 pixels left and right and 4 above and
 *      below, clipped to the frame and to the last line received, and cut
 *      at the top to the rows still in the ring with ANPR_RING_SLACK lines
 *      to spare (a tall component loses its top); a crop larger than a slot
 *      keeps its middle: the component loses a block at each side a cycle
 *      until the crop fits (S_FIT);
 *   3. if it overlaps stored candidates of the frame by half the smaller
 *      crop, it is compared with the strongest of them (highest score,
 *      earliest stored of equals) and replaces it if better, else it is
 *      dropped; else, below cfg_max_cands, it takes a free slot (waiting
 *      for the emitter to free one); else it replaces the weakest (lowest
 *      score, latest stored of equals) if better;
 *   4. its crop is copied from the row ring into the slot, up to one pixel
 *      a cycle (a read waits for ring_gnt), from the crop top's ring
 *      address (S_RING). While copying, copy_row tells the framer which
 *      ring row must not be overwritten yet.
 * Every choice here is the C model's (store_candidate, close_comp).
 *
 * Ports
 *   close_*    components from anpr_linker
 *   ring_*     read port of the row ring (anpr_ram_sp8: a read waits
 *              for ring_gnt, the copy with it)
 *   meta_*     read port of slot metadata for anpr_emit, shared with the
 *              slot scan: meta_seq .. meta_ch are those of slot meta_idx
 *              while meta_gnt (a block RAM, read a cycle after meta_idx
 *              is set, when the scan does not have the port)
 *   slot_*     read port of the slot memory for anpr_emit (anpr_ram_sp8:
 *              the store's writes go first, a read waits for slot_gnt)
 *   ctl_*      frame control from anpr_linker, in order with the closes
 *   msg_*      frame messages to anpr_emit (a queue of two in a block RAM:
 *              the emitter may still be sending one frame while the store
 *              fills with the next); msg is word msg_word of the message at
 *              the head, read a cycle after msg_word is set
 *   free_*     anpr_emit has sent a slot, or drops a frame's slots
 *
 * Slots carry the frame's parity (tag), so that one frame can be emitted
 * while the next is stored. No output depends on which slot a candidate
 * occupies: ties go by arrival order (seq), as in the C model.
 */
module anpr_store #(
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter RING_AW = 16,
	parameter SLOT_AW = 13,
	parameter NSLOTS = 8,
	parameter SA_W = 16,
	parameter CW_W = 9,
	parameter CH_W = 7
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

	input  wire [Y_W-1:0]     frame_width,
	input  wire [11:0]        cfg_min_w,
	input  wire [11:0]        cfg_max_w,
	input  wire [11:0]        cfg_min_h,
	input  wire [11:0]        cfg_max_h,
	input  wire [7:0]         cfg_min_aspect4,
	input  wire [7:0]         cfg_max_aspect,
	input  wire [15:0]        cfg_min_score,
	input  wire [3:0]         cfg_max_cands,

	output wire               ring_re,
	output wire [RING_AW-1:0] ring_raddr,
	output wire               ring_rseq,
	input  wire               ring_gnt,
	input  wire [7:0]         ring_rdata,

	output wire               idle,
	output wire               copy_active,
	output wire [Y_W-1:0]     copy_row,

	input  wire               ctl_valid,
	output wire               ctl_ready,
	input  wire [2:0]         ctl_type,
	input  wire [47:0]        ctl_payload,
	input  wire               ctl_tfull,
	input  wire [Y_W-1:0]     frame_height,
	input  wire [7:0]         cfg_edge_thr,
	input  wire [2:0]         msg_word,
	output wire [15:0]        msg,
	output wire               msg_valid,
	input  wire               msg_ready,
	output wire               msg_pending,  /* a message is queued */

	input  wire               free_valid,
	input  wire [3:0]         free_idx,
	input  wire               free_tag_valid,
	input  wire               free_tag,
	output reg  [31:0]        sts_dropped,

	input  wire [3:0]         meta_idx,
	output wire               meta_gnt,
	output wire               meta_valid,
	output wire               meta_tag,
	output wire [7:0]         meta_seq,
	output wire [15:0]        meta_score,
	output wire [11:0]        meta_cx,
	output wire [11:0]        meta_cy,
	output wire [11:0]        meta_cw,
	output wire [11:0]        meta_ch,

	input  wire               slot_re,
	input  wire [SA_W-1:0]    slot_raddr,
	input  wire               slot_rseq,
	output wire               slot_gnt,
	output wire [7:0]         slot_rdata
);

	`include "anpr_protocol.vh"

	localparam SLACK = 2; /* ANPR_RING_SLACK */
	/* crop margins (protocol.h): left and right, above, below */
	localparam [12:0] MX = ANPR_CROP_MARGIN_X, MY_TOP = ANPR_CROP_MARGIN_ABOVE, MY = ANPR_CROP_MARGIN_BELOW;
	/* the oldest row a crop may start at is y_last - CUT_BACK */
	localparam [12:0] CUT_BACK = RING_LINES - SLACK - 1;
	localparam NI_W = $clog2(NSLOTS);
	localparam [RING_AW-1:0] RING_END = RING_LINES * MAX_W;
	localparam [2:0] S_IDLE = 3'd0, S_EVAL = 3'd1, S_SCAN = 3'd2, S_DECIDE = 3'd3,
			 S_COPY = 3'd4, S_FLUSH = 3'd5, S_FIT = 3'd6, S_RING = 3'd7;
	localparam [2:0] EV_START = 3'd0, EV_FEND = 3'd3;
	localparam [1:0] MSG_START = 2'd0, MSG_FEND = 2'd1, MSG_ABORT = 2'd2;

	reg [2:0] state_reg;

	/* the component being stored */
	reg [X_W-4:0]     x0_reg, x1_reg;
	/* y0, y1, sum and y_last are read at the head of the close queue: a
	 * close leaves it (close_ready) when it is dropped or its copy starts */

	wire       msg_room; /* the message FIFO can take one more */

	/* the current frame */
	reg        tag_reg;
	reg [3:0]  ncand;
	reg [15:0] found;
	reg [7:0]  dropped;
	reg [7:0]  seq_reg;

	/* slot metadata */
	reg [NSLOTS-1:0] m_valid;
	reg [NSLOTS-1:0] m_tag;
	/* the rest in a block RAM: {seq, score, cx, cy, cw, ch}; a crop is at
	 * most CROP_MAX_W x CROP_MAX_H (CW_W, CH_W bits) */
	localparam MD_W = 8 + 16 + X_W + 12 + CW_W + CH_W;
	reg             md_we;
	wire [MD_W-1:0] md_q;

	/* one read port on the metadata RAM, shared: the slot scan (S_SCAN)
	 * has it, the emitter otherwise; the word read arrives a cycle later */
	reg  [3:0]      i_reg;
	wire            scanning = (state_reg == S_SCAN);
	reg             ph_reg;   /* the scan's phase: 0 the x axis, 1 the y axis */
	wire [3:0]      si;       /* the slot the scan decides on */
	wire            ymore;    /* ... needs phase 1: it reads slot si again */
	wire [3:0]      mi_s = ymore ? si : i_reg;
	wire [NI_W-1:0] mi = scanning ? mi_s[NI_W-1:0] : meta_idx[NI_W-1:0];
	reg  [NI_W-1:0] mi_reg;   /* the slot md_q holds */
	reg             mi_e_reg; /* ... read for the emitter */
	assign meta_gnt = mi_e_reg && mi_reg == meta_idx[NI_W-1:0];
	assign meta_valid = m_valid[meta_idx[NI_W-1:0]];
	assign meta_tag = m_tag[meta_idx[NI_W-1:0]];
	wire [CW_W-1:0] md_cw;
	wire [CH_W-1:0] md_ch;
	wire [X_W-1:0]  md_cx;
	assign {meta_seq, meta_score, md_cx, meta_cy, md_cw, md_ch} = md_q;
	assign meta_cx = {{12-X_W{1'b0}}, md_cx};
	assign meta_cw = {{12-CW_W{1'b0}}, md_cw};
	assign meta_ch = {{12-CH_W{1'b0}}, md_ch};

	anpr_ram_sdp #(.DATA_W(MD_W), .ADDR_W(NI_W)) meta (
		.clk(clk), .we(md_we), .waddr(victim_reg[NI_W-1:0]),
		.wdata({seq_reg, close_sum, ccx[X_W-1:0], ccy, ccw[CW_W-1:0], cch}),
		.re(1'b1), .raddr(mi), .rdata(md_q));

	/* slot indices are 4 bits wide outside, NI_W inside; the ring offset is below RING_END */
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, meta_idx[3], victim_reg[3], free_idx[3], area_n[25:SLOT_AW+1], mi_s[3], cchw[SW-1:CH_W], ilen[12:SW],
			ctl_payload[47:33]};
	/* verilator lint_on UNUSEDSIGNAL */

	/* ---- S_EVAL: geometry and filter, from the latched component; the
	 * filter from the close queue's head, registered while the store is
	 * idle (pass_reg: timing), so S_EVAL reads it ---- */
	wire [12:0] x = {{13-X_W{1'b0}}, x0_reg, 3'b000};
	wire [12:0] w = {{13-X_W{1'b0}}, close_x1 - close_x0 + 1'b1, 3'b000};
	wire [12:0] y = {{13-Y_W{1'b0}}, close_y0, 2'b00};
	wire [12:0] h = {{13-Y_W{1'b0}}, close_y1 - close_y0 + 1'b1, 2'b00};
	wire [20:0] amin = cfg_min_aspect4 * h;
	wire [20:0] amax = cfg_max_aspect * h;
	reg  pass_reg;
	wire pass = w >= {1'b0, cfg_min_w} && w <= {1'b0, cfg_max_w} && h >= {1'b0, cfg_min_h} &&
		    h <= {1'b0, cfg_max_h} && {6'd0, w, 2'b00} >= amin && {8'd0, w} <= amax &&
		    close_sum >= cfg_min_score;
	wire [12:0] cx = (x >= MX) ? x - MX : 13'd0;
	wire [12:0] cy0 = (y >= MY_TOP) ? y - MY_TOP : 13'd0;
	/* cy0 + RING_LINES < y_last + SLACK + 1, as cy0 < y_last - CUT_BACK (negative: no cut) */
	wire [13:0] keep = {2'b00, close_ylast} - {1'b0, CUT_BACK};
	wire ring_gone = !keep[13] && cy0 < keep[12:0];
	wire [12:0] cy = ring_gone ? keep[12:0] : cy0;
	/* x + w = (x1 + 1) * 8 and y + h = (y1 + 1) * 4: a constant added */
	wire [12:0] cx1a = {{13-X_W{1'b0}}, x1_reg, 3'b000} + MX + 13'd7;
	wire [12:0] cx1 = (cx1a < {1'b0, frame_width}) ? cx1a : {1'b0, frame_width} - 1'b1;
	wire [12:0] cy1a = {{13-Y_W{1'b0}}, close_y1, 2'b00} + MY + 13'd3;
	wire [12:0] cy1 = (cy1a < {1'b0, close_ylast}) ? cy1a : {1'b0, close_ylast};
	wire [12:0] cwn = cx1 - cx + 1'b1;
	wire [12:0] chn = cy1 - cy + 1'b1;
	wire [25:0] area_n = cwn * chn;
	wire too_big = area_n > (1 << SLOT_AW);

	/* registered candidate; the scan works on one axis a cycle and swaps
	 * ccx with ccy, ccw with cch into and out of phase 1 (they
	 * are back in place when it ends) */
	localparam SW = (CW_W > CH_W) ? CW_W : CH_W;
	reg [11:0]     ccx, ccy;
	reg [SW-1:0]   ccw, cchw;  /* a crop is at most CROP_MAX_W x CROP_MAX_H */
	wire [CH_W-1:0] cch = cchw[CH_W-1:0];
	reg [SLOT_AW:0] carea;   /* ... and at most a slot */

	/* ---- S_SCAN: over all slots, the current frame's: the strongest
	 * overlapping candidate and the weakest. One set of registers holds
	 * both: the weakest until an overlapping candidate is found (which
	 * decides alone: the weakest is then not needed), then the strongest
	 * overlapping one. ---- */
	reg         dup_reg, weak_any_reg;
	reg  [3:0]  pick_idx_reg;
	reg  [15:0] pick_score_reg;
	reg  [7:0]  pick_seq_reg;
	/* the scan decides on slot i_reg - 1: in one cycle (phase 0), or two
	 * when the slot is the frame's and meets the candidate along x */
	assign si = i_reg - 1'b1;
	wire        mine = (i_reg != 0) && m_valid[si[NI_W-1:0]] && m_tag[si[NI_W-1:0]] == tag_reg;
	wire [15:0] i_score = meta_score;
	wire [7:0]  i_seq = meta_seq;
	/* the lowest free slot */
	reg         free_any;
	reg  [3:0]  free_slot;
	integer     fi;
	always @* begin
		free_any = 1'b0;
		free_slot = 4'd0;
		for (fi = NSLOTS - 1; fi >= 0; fi = fi - 1)
			if (!m_valid[fi]) begin
				free_any = 1'b1;
				free_slot = fi[3:0];
			end
	end
	/* The intersection with slot si, one axis a cycle: the x axis in
	 * phase 0 (its width kept in iw_reg), the y axis in phase 1 (only when
	 * they meet along x: ymore). Along an
	 * axis the candidate is a0 .. a0 + aw, the slot's b0 .. b0 + bw. */
	wire [11:0]   a0 = ccx;
	wire [SW-1:0] aw = ccw;
	wire [11:0]   b0 = ph_reg ? meta_cy : meta_cx;
	wire [SW-1:0] bw = ph_reg ? {{SW-CH_W{1'b0}}, md_ch} : {{SW-CW_W{1'b0}}, md_cw};
	wire [12:0]   a1 = {1'b0, a0} + {{13-SW{1'b0}}, aw};
	wire [12:0]   b1 = {1'b0, b0} + {{13-SW{1'b0}}, bw};
	wire [11:0]   i0 = (a0 > b0) ? a0 : b0;
	wire [12:0]   i1 = (a1 < b1) ? a1 : b1;
	wire          ipos = i1 > {1'b0, i0};
	/* when the axes meet, the intersection is at most aw long */
	wire [12:0]   ilen = i1 - {1'b0, i0};
	reg  [SW-1:0] iw_reg;
	assign ymore = !ph_reg && mine && ipos;
	wire [2*CW_W-1:0] oarea = md_cw * {{CW_W-CH_W{1'b0}}, md_ch};
	wire [2*SW:0] inter2 = {iw_reg, 1'b0} * ilen[SW-1:0];
	/* twice the intersection at least the smaller crop: at least one of them */
	wire overlap = ipos && ({{2*SW-SLOT_AW{1'b0}}, carea} <= inter2 ||
					     {{2*SW+1-2*CW_W{1'b0}}, oarea} <= inter2);

	/* ---- S_COPY ---- */
	reg [3:0]         victim_reg;
	reg [CH_W-1:0]    r_reg;
	reg [CW_W-1:0]    c_reg;
	reg [RING_AW-1:0] rb_reg;
	reg [SA_W-1:0]    sa_reg;
	/* a byte for the slot (its data, ring_rdata, a cycle later: the slot
	 * RAM registers the rest), the crop's last */
	wire              copy_first = c_reg == 0 && r_reg == 0;
	wire              sw_we = (state_reg == S_COPY) && ring_gnt;
	wire [SA_W-1:0]   sw_a = copy_first ? {victim_reg[SA_W-SLOT_AW-1:0], {SLOT_AW{1'b0}}} : sa_reg;
	wire              sw_last = (c_reg + 1'b1 == ccw) && (r_reg + 1'b1 == cch);
	/* S_RING: the crop top's ring address, (ccy mod RING_LINES) * MAX_W
	 * (a frame's line y is at (y mod RING_LINES) * MAX_W): 8 steps of
	 * restoring division, then 8 of shift and add */
	reg [3:0]          rk_reg;
	reg [11:0]         rr_reg;  /* ccy, then its remainder, shifted out MSB first */
	reg [19:0]         rd_reg;  /* RING_LINES << (7 - step) */
	reg [RING_AW-1:0]  ra_reg;  /* the product so far */
	wire               rd_fits = {8'd0, rr_reg} >= rd_reg;

	assign ring_re = (state_reg == S_COPY);
	assign ring_raddr = rb_reg + {{RING_AW-12{1'b0}}, ccx} + {{RING_AW-CW_W{1'b0}}, c_reg};
	assign ring_rseq = c_reg != 0; /* the byte after the one granted last */
	assign copy_active = (state_reg == S_COPY);
	assign copy_row = ccy[Y_W-1:0] + {{Y_W-CH_W{1'b0}}, r_reg};
	/* A frame takes the tag of the frame before last: it starts only when
	 * every slot of that frame has been sent or dropped. */
	wire old_busy = |(m_valid & (m_tag ^ {NSLOTS{tag_reg}}));
	wire close_start = (state_reg == S_IDLE) && close_valid && !ctl_valid;
	/* the close leaves the queue when it is dropped (the filter, or a
	 * weaker duplicate or rank) or when its copy starts (md_we) */
	wire close_drop = (state_reg == S_EVAL && !pass_reg) ||
			  (state_reg == S_DECIDE && (dup_reg || ncand >= cfg_max_cands) &&
			   close_sum <= pick_score_reg);
	assign close_ready = close_drop || md_we;
	assign ctl_ready = mq_we && mw_reg == 3'd5;
	wire ctl_take = ctl_valid && ctl_ready;
	assign idle = (state_reg == S_IDLE);

	/* frame messages to the emitter, in a block RAM: two messages of
	 * eight 16-bit words, written a word a cycle (mw_reg) while the frame
	 * control waits at the head of its queue, which it leaves (ctl_take)
	 * with the last word. Words 2 to 5 are the record's bytes 4 to 11 in
	 * order (anpr_emit reads word bi / 2 for byte bi), words 0 and 1 what
	 * the emitter keeps in registers:
	 *   words 0, 1  {type, tag, tfull, 4'd0, byte}: byte = START: overrun,
	 *               FEND: edge_thr, ABORT: flags
	 *   START       width, height, time[15:0], time[31:16]
	 *   FEND        found, {dropped, 8'd0}, lines, 0
	 *   ABORT       found, {dropped + stored, 8'd0}, lines, 0 */
	reg  [1:0]  mtype;
	reg  [7:0]  mbyte;
	reg  [15:0] mword;
	reg  [2:0]  mw_reg;   /* the word being written */
	reg         mq_wp_reg, mq_rp_reg;
	reg  [1:0]  mq_n_reg; /* messages queued */
	wire [7:0] drop_abort = ({1'b0, dropped} + {5'd0, ncand} > 9'd255) ? 8'hff : dropped + {4'd0, ncand};
	wire [7:0] mdrop = (ctl_type == EV_FEND) ? dropped : drop_abort;
	always @* begin
		case (ctl_type)
		EV_START: begin
			mtype = MSG_START;
			mbyte = {7'd0, ctl_payload[32]};
		end
		EV_FEND: begin
			mtype = MSG_FEND;
			mbyte = cfg_edge_thr;
		end
		default: begin
			mtype = MSG_ABORT;
			mbyte = ctl_payload[Y_W+7:Y_W];
		end
		endcase
		mword = 16'd0;
		if (ctl_type == EV_START)
			case (mw_reg[1:0])
			2'd2: mword = {{16-Y_W{1'b0}}, frame_width};
			2'd3: mword = {{16-Y_W{1'b0}}, frame_height};
			2'd0: mword = ctl_payload[15:0];
			default: mword = ctl_payload[31:16];
			endcase
		else
			case (mw_reg[1:0])
			2'd2: mword = found;
			2'd3: mword = {mdrop, 8'd0};
			2'd0: mword = {{16-Y_W{1'b0}}, ctl_payload[Y_W-1:0]};
			default: ;
			endcase
		if (mw_reg[2:1] == 2'd0)
			mword = {mtype, tag_reg, ctl_tfull, 4'd0, mbyte};
	end
	wire mq_we = (state_reg == S_IDLE) && ctl_valid && msg_room && !(ctl_type == EV_START && old_busy);
	wire mq_pop = (mq_n_reg != 2'd0) && msg_ready;
	assign msg_room = (mq_n_reg != 2'd2);
	assign msg_pending = (mq_n_reg != 2'd0);
	assign msg_valid = msg_pending;
	always @(posedge clk) begin
		if (mq_we)
			mw_reg <= mw_reg + 1'b1;
		if (ctl_take) begin
			mw_reg <= 3'd0;
			mq_wp_reg <= !mq_wp_reg;
		end
		if (mq_pop)
			mq_rp_reg <= !mq_rp_reg;
		mq_n_reg <= mq_n_reg + {1'b0, ctl_take} - {1'b0, mq_pop};
		if (rst) begin
			mw_reg <= 3'd0;
			mq_wp_reg <= 1'b0;
			mq_rp_reg <= 1'b0;
			mq_n_reg <= 2'd0;
		end
	end
	anpr_ram_sdp #(.DATA_W(16), .ADDR_W(4)) msgq (
		.clk(clk), .we(mq_we), .waddr({mq_wp_reg, mw_reg}), .wdata(mword),
		.re(1'b1), .raddr({mq_rp_reg, msg_word}), .rdata(msg));

	anpr_ram_sp8 #(.ADDR_W(SA_W), .DEPTH(NSLOTS << SLOT_AW), .WDATA_LATE(1)) slots (
		.clk(clk), .rst(rst), .we(sw_we), .waddr(sw_a), .wdata(ring_rdata), .wlast(sw_last),
		.re(slot_re), .raddr(slot_raddr), .rseq(slot_rseq), .gnt(slot_gnt), .rdata(slot_rdata)
	);

	task drop_one;
		begin
			if (dropped != 8'hff)
				dropped <= dropped + 1'b1;
			sts_dropped <= sts_dropped + 1;
		end
	endtask

	/* the metadata goes in with the copy's first byte */
	always @*
		md_we = (state_reg == S_COPY) && ring_gnt && c_reg == 0 && r_reg == 0;

	always @(posedge clk) begin
		mi_reg <= mi;
		pass_reg <= pass;
		mi_e_reg <= !scanning;
		case (state_reg)
		S_IDLE: if (ctl_take) begin
			/* frame control, after every close of the frame */
			if (ctl_type == EV_START) begin
				tag_reg <= !tag_reg;
				ncand <= 4'd0;
				found <= 16'd0;
				dropped <= 8'd0;
				seq_reg <= 8'd0;
			end else if (ctl_type != EV_FEND) begin
				sts_dropped <= sts_dropped + {28'd0, ncand};
			end
		end else if (close_start) begin
			x0_reg <= close_x0;
			x1_reg <= close_x1;
			state_reg <= S_EVAL;
		end
		S_EVAL: begin
			if (found != 16'hffff)
				found <= found + 1'b1;
			state_reg <= pass_reg ? S_FIT : S_IDLE;
		end
		S_FIT: begin
			/* a crop larger than a slot keeps its middle: one block off
			 * each side of the component a cycle (the filter has passed) */
			if (too_big) begin
				x0_reg <= x0_reg + 1'b1;
				x1_reg <= x1_reg - 1'b1;
			end else begin
				ccx <= cx[11:0];
				ccy <= cy[11:0];
				ccw <= {{SW-CW_W{1'b0}}, cwn[CW_W-1:0]};
				cchw <= {{SW-CH_W{1'b0}}, chn[CH_W-1:0]};
				carea <= area_n[SLOT_AW:0];
				rk_reg <= 4'd0;
				rr_reg <= cy[11:0];
				rd_reg <= RING_LINES << 7;
				ra_reg <= {RING_AW{1'b0}};
				state_reg <= S_RING;
			end
		end
		S_RING: begin
			rk_reg <= rk_reg + 1'b1;
			if (!rk_reg[3]) begin
				if (rd_fits)
					rr_reg <= rr_reg - rd_reg[11:0];
				rd_reg <= rd_reg >> 1;
			end else begin
				ra_reg <= {ra_reg[RING_AW-2:0], 1'b0} + (rr_reg[7] ? MAX_W[RING_AW-1:0] : {RING_AW{1'b0}});
				rr_reg <= {rr_reg[10:0], 1'b0};
			end
			if (rk_reg == 4'd15) begin
				i_reg <= 4'd0;
				ph_reg <= 1'b0;
				dup_reg <= 1'b0;
				weak_any_reg <= 1'b0;
				state_reg <= S_SCAN;
			end
		end
		S_SCAN: begin
			ph_reg <= ymore;
			if (ph_reg || ymore) begin
				ccx <= ccy;
				ccy <= ccx;
				ccw <= cchw;
				cchw <= ccw;
			end
			iw_reg <= ilen[SW-1:0];
			/* the best so far are kept in registers: the metadata has
			 * only two read ports (this scan and the emitter) */
			if ((ph_reg && mine && overlap && (!dup_reg || i_score > pick_score_reg ||
			     (i_score == pick_score_reg && i_seq < pick_seq_reg))) ||
			    (!ph_reg && mine && !dup_reg && (!weak_any_reg || i_score < pick_score_reg ||
			     (i_score == pick_score_reg && i_seq > pick_seq_reg)))) begin
				pick_idx_reg <= si;
				pick_score_reg <= i_score;
				pick_seq_reg <= i_seq;
			end
			if (ph_reg && mine && overlap)
				dup_reg <= 1'b1;
			if (!ph_reg && mine)
				weak_any_reg <= 1'b1;
			if (!ymore)
				i_reg <= i_reg + 1'b1;
			if (!ymore && i_reg == NSLOTS)
				state_reg <= S_DECIDE;
		end
		S_DECIDE: begin
			state_reg <= S_COPY;
			if (dup_reg) begin
				drop_one;
				victim_reg <= pick_idx_reg;
				if (close_sum <= pick_score_reg)
					state_reg <= S_IDLE;
			end else if (ncand < cfg_max_cands) begin
				/* a free slot: the emitter frees the last frame's as it sends them */
				victim_reg <= free_slot;
				if (free_any)
					ncand <= ncand + 1'b1;
				else
					state_reg <= S_DECIDE;
			end else begin
				drop_one;
				victim_reg <= pick_idx_reg;
				if (close_sum <= pick_score_reg)
					state_reg <= S_IDLE;
			end
			r_reg <= {CH_W{1'b0}};
			c_reg <= {CW_W{1'b0}};
			rb_reg <= ra_reg;
		end
		S_COPY: if (ring_gnt) begin
			if (copy_first) begin
				m_valid[victim_reg[NI_W-1:0]] <= 1'b1;
				m_tag[victim_reg[NI_W-1:0]] <= tag_reg;
				seq_reg <= seq_reg + 1'b1;
			end
			sa_reg <= sw_a + 1'b1;
			if (c_reg + 1'b1 == ccw) begin
				c_reg <= {CW_W{1'b0}};
				r_reg <= r_reg + 1'b1;
				rb_reg <= (rb_reg + MAX_W >= RING_END) ? rb_reg + MAX_W - RING_END : rb_reg + MAX_W;
				if (r_reg + 1'b1 == cch)
					state_reg <= S_FLUSH;
			end else begin
				c_reg <= c_reg + 1'b1;
			end
		end
		S_FLUSH: state_reg <= S_IDLE;
		default: state_reg <= S_IDLE;
		endcase
		if (free_valid)
			m_valid[free_idx[NI_W-1:0]] <= 1'b0;
		if (free_tag_valid)
			m_valid <= m_valid & (m_tag ^ {NSLOTS{free_tag}}); /* keep the other frame's */
		if (rst) begin
			m_valid <= {NSLOTS{1'b0}};
			tag_reg <= 1'b0;
			state_reg <= S_IDLE;
			ncand <= 4'd0;
			found <= 16'd0;
			dropped <= 8'd0;
			sts_dropped <= 32'd0;
		end
	end

endmodule
`resetall
