`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_evq - puts the front end's events in order into one queue.
 *
 * One accepted pixel can raise several events (the last pixel of a frame:
 * a run ended by its block, the run open at the end of the line, the end of
 * the block row, the end of the frame). They are written into the FIFO one
 * per cycle in the order the C model produces their effects: the first
 * (START or a run ended by its block, run_a) in the cycle it is raised, the
 * others marked pending until their turn, their payloads held still at the
 * ports by the front end. `busy` holds the front end while any is pending
 * or the FIFO has room for one word only (an event may follow a pixel
 * taken in the cycle before: so the first always has room).
 *
 * Event word: {type[2:0], payload[47:0]}
 *   EV_START   {.., overrun[32], time[31:0]}
 *   EV_RUN     {.., by, sum[15:0], x1, x0}        (x0 in the low bits)
 *   EV_ROWEND  {.., y_last}
 *   EV_FEND    {.., lines}
 *   EV_ABORT   {.., flags[7:0], lines}
 */
module anpr_evq #(
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter Q_AW = 4
) (
	input  wire             clk,
	input  wire             rst,
	output wire             busy,
	output wire             q_empty,

	input  wire             ev_start,
	input  wire             ev_start_overrun,
	input  wire [31:0]      ev_time,
	input  wire             run_a,
	input  wire [X_W-4:0]   run_a_x0,
	input  wire [X_W-4:0]   run_a_x1,
	input  wire [15:0]      run_a_sum,
	input  wire             run_b,
	input  wire [Y_W-3:0]   run_by,
	input  wire             rowend,
	input  wire [Y_W-1:0]   rowend_y,
	input  wire             ev_fend,
	input  wire             ev_abort,
	input  wire [7:0]       ev_abort_flags,
	input  wire [Y_W-1:0]   ev_lines,

	output wire [50:0]      m_ev,
	output wire             m_ev_valid,
	input  wire             m_ev_ready
);

	localparam [2:0] EV_START = 3'd0, EV_RUN = 3'd1, EV_ROWEND = 3'd2, EV_FEND = 3'd3,
			 EV_ABORT = 3'd4;

	reg [5:0]  pend_reg; /* start, run_a, run_b, rowend, fend, abort */
	/* No payload registers: while any event pends the front end is held
	 * (busy), so the pending events all come from one accepted pixel (or
	 * one cut) and their payloads hold still at the ports until each goes
	 * into the FIFO (anpr_front: the run detector's registers, the row
	 * register, the pixel stage's frame-end registers). START's pixel is
	 * in row 0, which has no edges (no run, no row end); an ABORT's pixel
	 * is not valid (no run, no row end) and never ends the frame
	 * (anpr_framer asserts !(ev_fend && ev_abort)). START and run_a never
	 * pend (they go first, in the cycle they are raised). */
	wire [5:0] in = {ev_abort, ev_fend, rowend, run_b, run_a, ev_start};
	wire [47:0] pl_start = {15'd0, ev_start_overrun, ev_time};
	/* run_a's run, and run_b's: the one the run detector holds after that
	 * pixel (the same registers) */
	wire [47:0] pl_run = {{48-16-2*(X_W-3)-(Y_W-2){1'b0}}, run_by, run_a_sum, run_a_x1, run_a_x0};
	wire [47:0] pl_rowend = {{48-Y_W{1'b0}}, rowend_y};
	/* FEND's and ABORT's (the front end gives FEND zero flags) */
	wire [47:0] pl_end = {{48-8-Y_W{1'b0}}, ev_abort_flags, ev_lines};

	/* START or run_a goes in the cycle it is raised (nothing pends then:
	 * the front end was not held), else the lowest pending index */
	wire       byp = in[0] || in[1];
	/* the lowest pending index (none pends with START or run_a) */
	wire [5:0] first = pend_reg & (~pend_reg + 1'b1);
	reg  [2:0] first_i;
	integer i;
	always @* begin
		first_i = 3'd0;
		for (i = 5; i >= 0; i = i - 1)
			if (first[i])
				first_i = i[2:0];
	end

	wire q_ready;
	wire [Q_AW+1:0] q_count;

	/* The queue keeps the payload bits an event can use (a run's: PL_W);
	 * the rest of the 48 are zero. */
	localparam PL_W = 16 + 2 * (X_W - 3) + (Y_W - 2);
	/* run_a, the run detector's last result, selects last (timing): it
	 * never comes with START or a pending event */
	wire [47:0]     held_pl = ev_start ? pl_start : (first_i == 3'd2) ? pl_run :
				  (first_i == 3'd3) ? pl_rowend : pl_end;
	wire [47:0]     first_pl = run_a ? pl_run : held_pl;
	wire [2:0]      held_type = ev_start ? EV_START : (first_i == 3'd2) ? EV_RUN :
				    (first_i == 3'd3) ? EV_ROWEND : (first_i == 3'd4) ? EV_FEND : EV_ABORT;
	wire [PL_W-1:0] q_pl;

	anpr_fifo #(.DATA_W(3 + PL_W), .ADDR_W(Q_AW)) q (
		.clk(clk), .rst(rst),
		.s_data({run_a ? EV_RUN : held_type, first_pl[PL_W-1:0]}), .s_valid(byp || |pend_reg), .s_ready(q_ready),
		.m_data({m_ev[50:48], q_pl}), .m_valid(m_ev_valid), .m_ready(m_ev_ready),
		.count(q_count)
	);
	assign m_ev[47:0] = {{48-PL_W{1'b0}}, q_pl};

	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, first_pl[47:PL_W]}; /* zero for every event */
	/* verilator lint_on UNUSEDSIGNAL */

	initial
		if (PL_W < 33 || PL_W < 8 + Y_W || PL_W > 48) begin
			$display("anpr_evq: a START or ABORT payload does not fit PL_W bits (instance %m)");
			$finish;
		end

	/* An event is raised a cycle after the pixel that the front end took
	 * while busy was low (the pixel stage, anpr_front): busy is high unless
	 * the FIFO had room for three words in the cycle before (a register:
	 * timing), so that it has room then. */
	reg room_reg;
	assign busy = |pend_reg || !room_reg;
	assign q_empty = (q_count == 0);

	always @(posedge clk) begin
		pend_reg <= (pend_reg & ~(q_ready ? first : 6'd0)) | {in[5:2], 2'b00};
		room_reg <= (q_count <= (1 << Q_AW) - 3);
		if (rst) begin
			pend_reg <= 6'd0;
			room_reg <= 1'b0;
		end
	end

endmodule
`resetall
