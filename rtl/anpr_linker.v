`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_linker - links runs across block rows into components, in two
 * tables of 16 slots at once, and closes the components that stop growing.
 *
 * Table 0 (merging): a run joins every component whose block columns overlap
 * it; all of them merge into the lowest such slot. Table 1 (stacking): a
 * run continues the first component not yet continued in this block row
 * whose last run had nearly the same extent (both ends within
 * cfg_link_tol blocks). A run no component takes starts one in the lowest
 * free slot; with none free it is lost and the frame's trailer says so.
 *
 * At the end of a block row every component that took no run is closed and
 * sent to anpr_store, table 0 slots first, then table 1, in slot order; at
 * the end of the frame all remaining components are. This order and every
 * rule above are those of the C model (link_merge, link_stack, block_row).
 *
 * The tables live in block RAM: a run scans both tables in parallel, one
 * slot per cycle (18 cycles a run); a close scan takes 2 cycles a slot.
 *
 * Ports
 *   s_ev_*     events from anpr_evq
 *   close_*    closed components to anpr_store
 *   ctl_*      frame control to anpr_store (start, end, abort), after the
 *              frame's last close, so that records keep their order;
 *              ctl_tfull: this frame lost runs (ANPR_END_F_TABLE_FULL)
 *   tfull      a block row lost runs (for the status counter)
 *   rowend_done  the closes of a block row have all been sent (one pulse)
 *   runs_lost  runs lost in that block row (both tables; at most 2 x 128, so
 *              10 bits never wrap)
 */
module anpr_linker #(
	parameter X_W = 11,
	parameter Y_W = 12
) (
	input  wire               clk,
	input  wire               rst,
	input  wire [50:0]        s_ev,
	input  wire               s_ev_valid,
	output wire               s_ev_ready,
	input  wire [2:0]         cfg_link_tol,

	output reg                close_valid,
	input  wire               close_ready,
	output reg  [X_W-4:0]     close_x0,
	output reg  [X_W-4:0]     close_x1,
	output reg  [Y_W-3:0]     close_y0,
	output reg  [Y_W-3:0]     close_y1,
	output reg  [15:0]        close_sum,
	output reg  [Y_W-1:0]     close_ylast,
	input  wire               store_idle,

	output reg                ctl_valid,
	input  wire               ctl_ready,
	output wire [2:0]         ctl_type,
	output wire [47:0]        ctl_payload,
	output reg                ctl_tfull,

	output reg                tfull,
	output reg                rowend_done,  /* a block row's closes have all been handed over */
	output reg  [9:0]         runs_lost,
	output wire               idle
);

	localparam BX_W = X_W - 3;
	localparam BY_W = Y_W - 2;
	localparam [2:0] EV_START = 3'd0, EV_RUN = 3'd1, EV_ROWEND = 3'd2, EV_FEND = 3'd3;
	/* slot word: {sum, y1, y0, lx1, lx0, x1, x0, touched, valid} */
	localparam S_W = 2 + 4 * BX_W + 2 * BY_W + 16;

	localparam [2:0] L_IDLE = 3'd0,
			 L_CLEAR = 3'd1,   /* START: empty both tables */
			 L_RUN = 3'd2,     /* scan both tables for a run */
			 L_RUN_END = 3'd3, /* write the run's slot(s) */
			 L_CREAD = 3'd4,   /* close scan: read a slot */
			 L_CDATA = 3'd5,   /* close scan: decide, close, write */
			 L_CTL = 3'd6,     /* hand a frame event to anpr_store */
			 L_RDONE = 3'd7;   /* a block row's closes all handed over */

	reg [2:0]  state_reg;
	reg [4:0]  idx_reg;
	reg        close_all_reg;
	reg        frame_tfull_reg; /* a block row of this frame lost runs */
	/* The event being handled stays at the head of the event queue until
	 * it is done (s_ev_ready): it is read there, not copied. */
	wire [50:0] ev = s_ev;
	/* ... and so is a frame event handed to anpr_store: it leaves the
	 * queue when the store takes it */
	assign ctl_type = ev[50:48];
	assign ctl_payload = ev[47:0];

	/* the run being linked */
	wire [BX_W-1:0] rx0 = ev[BX_W-1:0];
	wire [BX_W-1:0] rx1 = ev[2*BX_W-1:BX_W];
	wire [15:0]     rsum = ev[2*BX_W+15:2*BX_W];
	wire [BY_W-1:0] rby = ev[2*BX_W+16+BY_W-1:2*BX_W+16];

	/* table RAMs */
	reg            we0, we1;
	reg  [3:0]     wa0, wa1;
	reg  [S_W-1:0] wd0, wd1;
	wire [S_W-1:0] rd0, rd1;
	wire [3:0]     ra = (state_reg == L_RUN) ? idx_reg[3:0] + 1'b1 : idx_reg[3:0];
	wire           re = 1'b1;

	/* table 0 keeps no lx0..lx1 (merging does not use them): its RAM word
	 * is S_W - 2 BX_W bits, read back with zeros in their place */
	localparam LX_LO = 2 + 2 * BX_W, LX_HI = 2 + 4 * BX_W;
	wire [S_W-2*BX_W-1:0] rd0_q;
	anpr_ram_sdp #(.DATA_W(S_W - 2 * BX_W), .ADDR_W(4)) tab0 (
		.clk(clk), .we(we0), .waddr(wa0), .wdata({wd0[S_W-1:LX_HI], wd0[LX_LO-1:0]}), .re(re), .raddr(ra),
		.rdata(rd0_q));
	assign rd0 = {rd0_q[S_W-2*BX_W-1:LX_LO], {2*BX_W{1'b0}}, rd0_q[LX_LO-1:0]};
	anpr_ram_sdp #(.DATA_W(S_W), .ADDR_W(4)) tab1 (
		.clk(clk), .we(we1), .waddr(wa1), .wdata(wd1), .re(re), .raddr(ra), .rdata(rd1));

	function [S_W-1:0] pack;
		input v, t;
		input [BX_W-1:0] x0, x1, lx0, lx1;
		input [BY_W-1:0] y0, y1;
		input [15:0] sum;
		pack = {sum, y1, y0, lx1, lx0, x1, x0, t, v};
	endfunction

	/* fields of the slot word being read */
	`define F_V(w)   w[0]
	`define F_T(w)   w[1]
	`define F_X0(w)  w[2+BX_W-1:2]
	`define F_X1(w)  w[2+2*BX_W-1:2+BX_W]
	`define F_LX0(w) w[2+3*BX_W-1:2+2*BX_W]
	`define F_LX1(w) w[2+4*BX_W-1:2+3*BX_W]
	`define F_Y0(w)  w[2+4*BX_W+BY_W-1:2+4*BX_W]
	`define F_Y1(w)  w[2+4*BX_W+2*BY_W-1:2+4*BX_W+BY_W]
	`define F_SUM(w) w[S_W-1:S_W-16]

	/* merging table scan state */
	reg            m_found_reg, f0_found_reg;
	reg [3:0]      m_slot_reg, f0_slot_reg;
	reg [BX_W-1:0] m_x0_reg, m_x1_reg;
	reg [BY_W-1:0] m_y0_reg;
	reg [20:0]     m_sum_reg;
	/* stacking table scan state */
	reg            s_done_reg, f1_found_reg;
	reg [3:0]      f1_slot_reg;

	function [BX_W-1:0] bmin;
		input [BX_W-1:0] a, b;
		bmin = (a < b) ? a : b;
	endfunction
	function [BX_W-1:0] bmax;
		input [BX_W-1:0] a, b;
		bmax = (a > b) ? a : b;
	endfunction
	function [15:0] sat16;
		input [20:0] v;
		sat16 = (v > 21'hffff) ? 16'hffff : v[15:0];
	endfunction

	wire [3:0] s = idx_reg[3:0];
	wire ov0 = `F_V(rd0) && !(`F_X0(rd0) > rx1 || `F_X1(rd0) < rx0);
	wire [BX_W-1:0] d_lx0 = (`F_LX0(rd1) > rx0) ? `F_LX0(rd1) - rx0 : rx0 - `F_LX0(rd1);
	wire [BX_W-1:0] d_lx1 = (`F_LX1(rd1) > rx1) ? `F_LX1(rd1) - rx1 : rx1 - `F_LX1(rd1);
	wire [BX_W-1:0] tol = {{BX_W-3{1'b0}}, cfg_link_tol};
	wire st1 = `F_V(rd1) && !`F_T(rd1) && d_lx0 <= tol && d_lx1 <= tol;

	/* close scan: the slot read */
	wire [S_W-1:0] cw = idx_reg[4] ? rd1 : rd0;
	wire do_close = `F_V(cw) && (close_all_reg || !`F_T(cw));

	/* an event is done with its last state: a run's slot written, a block
	 * row's closes handed over, frame control handed over */
	assign s_ev_ready = (state_reg == L_RUN_END) || (state_reg == L_RDONE && !close_valid) ||
			    (state_reg == L_CTL && ctl_valid && ctl_ready);
	assign idle = (state_reg == L_IDLE) && !close_valid && !ctl_valid;

	/* Write data: a freed slot only clears its valid bit (the fields of a
	 * slot that is not valid are never read), so each table's fields come
	 * from one of three places: a run's slot, the run merged or stacked,
	 * or the word read back. */
	wire [S_W-1:0] w_run = pack(1'b1, 1'b1, rx0, rx1, rx0, rx1, rby, rby, rsum);
	/* the run itself (w_run) until a slot is merged */
	wire [S_W-1:0] w_merge = pack(1'b1, 1'b1, m_x0_reg, m_x1_reg, m_x0_reg, m_x1_reg, m_y0_reg, rby,
				      sat16(m_sum_reg));
	wire [S_W-1:0] w_stack = pack(1'b1, 1'b1, bmin(`F_X0(rd1), rx0), bmax(`F_X1(rd1), rx1), rx0, rx1,
				      `F_Y0(rd1), rby, sat16({5'd0, `F_SUM(rd1)} + {5'd0, rsum}));
	wire [S_W-1:0] d0 = (state_reg != L_RUN_END) ? rd0 : w_merge;
	wire [S_W-1:0] d1 = (state_reg == L_RUN) ? w_stack : (state_reg == L_RUN_END) ? w_run : rd1;
	reg            v0, v1, t01;
	/* valid and touched are set apart; a close does not send lx0..lx1 */
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, d0[1:0], d1[1:0], cw[2+4*BX_W-1:2+2*BX_W], wd0[LX_HI-1:LX_LO]};
	/* verilator lint_on UNUSEDSIGNAL */

	always @* begin
		we0 = 1'b0;
		we1 = 1'b0;
		wa0 = s;
		wa1 = s;
		v0 = 1'b0;
		v1 = 1'b0;
		t01 = 1'b1;
		case (state_reg)
		L_CLEAR: begin
			we0 = 1'b1;
			we1 = 1'b1;
		end
		L_RUN: if (idx_reg != 5'd31) begin /* 31: priming read, no data yet */
			/* merged slots die now; the merge target is written at the end */
			we0 = ov0 && m_found_reg;
			we1 = st1 && !s_done_reg;
			v1 = 1'b1;
		end
		L_RUN_END: begin
			we0 = m_found_reg || f0_found_reg;
			wa0 = m_found_reg ? m_slot_reg : f0_slot_reg;
			v0 = 1'b1;
			we1 = !s_done_reg && f1_found_reg;
			wa1 = f1_slot_reg;
			v1 = 1'b1;
		end
		L_CDATA: if (!close_valid || close_ready) begin
			/* closed: slot freed; kept: touched cleared for the next row */
			we0 = `F_V(cw) && !idx_reg[4];
			we1 = `F_V(cw) && idx_reg[4];
			v0 = !do_close;
			v1 = !do_close;
			t01 = 1'b0;
		end
		default: ;
		endcase
		wd0 = {d0[S_W-1:2], t01, v0};
		wd1 = {d1[S_W-1:2], t01, v1};
	end

	always @(posedge clk) begin
		tfull <= 1'b0;
		rowend_done <= 1'b0;
		if (close_valid && close_ready)
			close_valid <= 1'b0;
		if (ctl_valid && ctl_ready)
			ctl_valid <= 1'b0;
		case (state_reg)
		L_IDLE: if (s_ev_valid) begin
			idx_reg <= 5'd0;
			close_all_reg <= 1'b0;
			case (s_ev[50:48])
			EV_START: state_reg <= L_CLEAR;
			EV_RUN: begin
				state_reg <= L_RUN;
				m_found_reg <= 1'b0;
				f0_found_reg <= 1'b0;
				s_done_reg <= 1'b0;
				f1_found_reg <= 1'b0;
				idx_reg <= 5'd31; /* first cycle only reads slot 0 */
				/* the merge starts from the run (w_run): each overlapping
				 * slot of table 0 widens it (a slot's y0 is at most the
				 * run's row) */
				m_x0_reg <= rx0;
				m_x1_reg <= rx1;
				m_y0_reg <= rby;
				m_sum_reg <= {5'd0, rsum};
			end
			EV_ROWEND: begin
				state_reg <= L_CREAD;
				if (runs_lost != 0) begin
					tfull <= 1'b1;
					frame_tfull_reg <= 1'b1;
				end
			end
			EV_FEND: begin
				state_reg <= L_CREAD;
				close_all_reg <= 1'b1;
			end
			default: state_reg <= L_CTL; /* abort */
			endcase
		end
		L_CLEAR: begin
			idx_reg <= idx_reg + 1'b1;
			runs_lost <= 10'd0;
			frame_tfull_reg <= 1'b0;
			if (idx_reg == 5'd15)
				state_reg <= L_CTL;
		end
		L_RUN: begin
			if (idx_reg != 5'd31) begin
				/* slot s of table 0, merging */
				if (!`F_V(rd0) && !f0_found_reg) begin
					f0_found_reg <= 1'b1;
					f0_slot_reg <= s;
				end
				if (ov0 && !m_found_reg) begin
					m_found_reg <= 1'b1;
					m_slot_reg <= s;
				end
				if (ov0) begin
					m_x0_reg <= bmin(`F_X0(rd0), m_x0_reg);
					m_x1_reg <= bmax(`F_X1(rd0), m_x1_reg);
					m_y0_reg <= (`F_Y0(rd0) < m_y0_reg) ? `F_Y0(rd0) : m_y0_reg;
					m_sum_reg <= m_sum_reg + {5'd0, `F_SUM(rd0)};
				end
				/* slot s of table 1, stacking */
				if (!`F_V(rd1) && !f1_found_reg && !s_done_reg) begin
					f1_found_reg <= 1'b1;
					f1_slot_reg <= s;
				end
				if (st1)
					s_done_reg <= 1'b1;
			end
			idx_reg <= idx_reg + 1'b1;
			if (idx_reg == 5'd15)
				state_reg <= L_RUN_END;
		end
		L_RUN_END: begin
			runs_lost <= runs_lost + {9'd0, !m_found_reg && !f0_found_reg} +
				     {9'd0, !s_done_reg && !f1_found_reg};
			state_reg <= L_IDLE;
		end
		L_CREAD: state_reg <= L_CDATA;
		L_CDATA: if (!close_valid || close_ready) begin
			if (do_close) begin
				close_valid <= 1'b1;
				close_x0 <= `F_X0(cw);
				close_x1 <= `F_X1(cw);
				close_y0 <= `F_Y0(cw);
				close_y1 <= `F_Y1(cw);
				close_sum <= `F_SUM(cw);
				close_ylast <= close_all_reg ? ev[Y_W-1:0] - 1'b1 : ev[Y_W-1:0];
			end
			idx_reg <= idx_reg + 1'b1;
			if (idx_reg == 5'd31) begin
				state_reg <= close_all_reg ? L_CTL : L_RDONE;
				if (!close_all_reg)
					runs_lost <= 10'd0;
			end else begin
				state_reg <= L_CREAD;
			end
		end
		L_RDONE: if (!close_valid) begin
			rowend_done <= 1'b1;
			state_reg <= L_IDLE;
		end
		L_CTL: if (ctl_valid) begin
			if (ctl_ready)
				state_reg <= L_IDLE;
		end else if (!close_valid && store_idle) begin
			ctl_valid <= 1'b1;
			ctl_tfull <= frame_tfull_reg;
		end
		default: state_reg <= L_IDLE;
		endcase
		if (rst) begin
			state_reg <= L_IDLE;
			close_valid <= 1'b0;
			ctl_valid <= 1'b0;
			runs_lost <= 10'd0;
			tfull <= 1'b0;
			rowend_done <= 1'b0;
			frame_tfull_reg <= 1'b0;
		end
	end

	`undef F_V
	`undef F_T
	`undef F_X0
	`undef F_X1
	`undef F_LX0
	`undef F_LX1
	`undef F_Y0
	`undef F_Y1
	`undef F_SUM

endmodule
`resetall
