`resetall
`default_nettype none
/*
 * fv_linker - handshake properties of anpr_linker at its ports (make
 * formal). Assumed: the event input keeps the stream contract. Asserted:
 * the close and frame control outputs keep it; an event is taken only when
 * offered; frame control is offered only while its event is at the head of
 * the input (it leaves with it), never together with a close.
 */
module fv_linker #(
	parameter X_W = 11,
	parameter Y_W = 12
) (
	input wire        clk,
	input wire        rst,
	input wire [50:0] s_ev,
	input wire        s_ev_valid,
	input wire [2:0]  cfg_link_tol,
	input wire        close_ready,
	input wire        store_idle,
	input wire        ctl_ready
);
	localparam C_W = 2 * (X_W - 3) + 2 * (Y_W - 2) + 16 + Y_W;
	wire           s_ev_ready, close_valid, ctl_valid, ctl_tfull, tfull, rowend_done, idle;
	wire [X_W-4:0] close_x0, close_x1;
	wire [Y_W-3:0] close_y0, close_y1;
	wire [15:0]    close_sum;
	wire [Y_W-1:0] close_ylast;
	wire [2:0]     ctl_type;
	wire [47:0]    ctl_payload;
	wire [9:0]     runs_lost;

	anpr_linker #(.X_W(X_W), .Y_W(Y_W)) dut (
		.clk(clk), .rst(rst), .s_ev(s_ev), .s_ev_valid(s_ev_valid), .s_ev_ready(s_ev_ready),
		.cfg_link_tol(cfg_link_tol),
		.close_valid(close_valid), .close_ready(close_ready), .close_x0(close_x0),
		.close_x1(close_x1), .close_y0(close_y0), .close_y1(close_y1), .close_sum(close_sum),
		.close_ylast(close_ylast), .store_idle(store_idle), .rowend_done(rowend_done),
		.ctl_valid(ctl_valid), .ctl_ready(ctl_ready), .ctl_type(ctl_type),
		.ctl_payload(ctl_payload), .ctl_tfull(ctl_tfull), .tfull(tfull), .runs_lost(runs_lost),
		.idle(idle)
	);

	fv_stream #(.W(51), .OUTPUT(0)) in (.clk(clk), .rst(rst), .valid(s_ev_valid), .ready(s_ev_ready),
					    .data(s_ev));
	fv_stream #(.W(C_W), .OUTPUT(1)) closes (.clk(clk), .rst(rst), .valid(close_valid),
		.ready(close_ready), .data({close_ylast, close_sum, close_y1, close_y0, close_x1, close_x0}));
	fv_stream #(.W(52), .OUTPUT(1)) ctl (.clk(clk), .rst(rst), .valid(ctl_valid), .ready(ctl_ready),
					     .data({ctl_tfull, ctl_type, ctl_payload}));

	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*) begin
		if (!f_past_valid)
			assume(rst);
		if (f_past_valid && !rst) begin
			if (s_ev_ready)
				assert(s_ev_valid);
			if (ctl_valid)
				assert(s_ev_valid && !close_valid && ctl_type == s_ev[50:48] && ctl_payload == s_ev[47:0]);
		end
	end
	/* verilator lint_off UNUSEDSIGNAL */
	wire unused = &{1'b0, tfull, runs_lost, idle, rowend_done};
	/* verilator lint_on UNUSEDSIGNAL */
endmodule
`resetall
