`resetall
`default_nettype none
/*
 * fv_evq - handshake properties of anpr_evq at its ports (make formal).
 * Environment (assumed): events arrive only in the cycle after the queue
 * was not busy (busy holds the front end; the pixel stage raises a
 * pixel's events a cycle after it was taken), and not in the cycle after
 * an event that pends. Asserted: the event output keeps the stream
 * contract, and it never offers more events than were raised.
 */
module fv_evq #(
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter Q_AW = 2
) (
	input wire           clk,
	input wire           rst,
	input wire           ev_start,
	input wire           ev_start_overrun,
	input wire [31:0]    ev_time,
	input wire           run_a,
	input wire [X_W-4:0] run_a_x0,
	input wire [X_W-4:0] run_a_x1,
	input wire [15:0]    run_a_sum,
	input wire           run_b,
	input wire [Y_W-3:0] run_by,
	input wire           rowend,
	input wire [Y_W-1:0] rowend_y,
	input wire           ev_fend,
	input wire           ev_abort,
	input wire [7:0]     ev_abort_flags,
	input wire [Y_W-1:0] ev_lines,
	input wire           m_ev_ready
);
	wire        busy, q_empty, m_ev_valid;
	wire [50:0] m_ev;

	anpr_evq #(.X_W(X_W), .Y_W(Y_W), .Q_AW(Q_AW)) dut (
		.clk(clk), .rst(rst), .busy(busy), .q_empty(q_empty),
		.ev_start(ev_start), .ev_start_overrun(ev_start_overrun), .ev_time(ev_time),
		.run_a(run_a), .run_a_x0(run_a_x0), .run_a_x1(run_a_x1), .run_a_sum(run_a_sum),
		.run_b(run_b), .run_by(run_by), .rowend(rowend), .rowend_y(rowend_y),
		.ev_fend(ev_fend), .ev_abort(ev_abort), .ev_abort_flags(ev_abort_flags), .ev_lines(ev_lines),
		.m_ev(m_ev), .m_ev_valid(m_ev_valid), .m_ev_ready(m_ev_ready)
	);

	fv_stream #(.W(51), .OUTPUT(1)) out (.clk(clk), .rst(rst), .valid(m_ev_valid), .ready(m_ev_ready),
					     .data(m_ev));

	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	wire [5:0] in = {ev_abort, ev_fend, rowend, run_b, run_a, ev_start};
	/* events raised and events taken since reset */
	reg [5:0] f_in, f_out;
	reg       f_busy_q, f_pend_q;
	always @(posedge clk) begin
		f_busy_q <= busy;
		f_pend_q <= |in[5:2];
		f_in <= f_in + in[0] + in[1] + in[2] + in[3] + in[4] + in[5];
		f_out <= f_out + (m_ev_valid && m_ev_ready);
		if (rst) begin
			f_in <= 6'd0;
			f_out <= 6'd0;
		end
	end
	always @(*) begin
		if (!f_past_valid)
			assume(rst);
		/* an event comes a cycle after its pixel was taken (not busy then),
		 * and none in the cycle after one that pends (anpr_front) */
		if (f_past_valid && (f_busy_q || f_pend_q))
			assume(in == 6'd0);
		/* START's pixel is in row 0, which has no runs */
		assume(!(in[0] && in[1]));
		assume(f_in < 6'd60); /* the counters do not wrap within the depth */
		if (f_past_valid && !rst) begin
			assert(f_out <= f_in);
			if (m_ev_valid)
				assert(f_out < f_in);
			if (q_empty && !busy)
				assert(f_out == f_in);
		end
	end
endmodule
`resetall
