`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * tb_obuf - anpr_obuf against a reference queue, as anpr_emit drives it: the
 * producer pushes only when count leaves room, with random idle cycles;
 * random backpressure on the output. Prints PASS or FAIL.
 */
module tb_obuf;
	localparam N = 20000;
	reg clk = 1'b0, rst = 1'b1;
	reg s_push = 1'b0, s_last = 1'b0, m_ready = 1'b0;
	reg [7:0] s_data = 8'd0;
	wire [2:0] count;
	wire [7:0] m_data;
	wire m_valid, m_last;
	reg [8:0] ref_q [0:N-1];
	integer sent = 0, got = 0, errors = 0, seed = 7, cycles = 0;
	reg held = 1'b0;
	reg [8:0] held_v;

	anpr_obuf #(.DEPTH_W(2)) dut (
		.clk(clk), .rst(rst), .s_push(s_push), .s_data(s_data), .s_last(s_last), .count(count),
		.m_axis_tdata(m_data), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready),
		.m_axis_tlast(m_last));

	always #5 clk = !clk;

	/* a push is decided from count, like anpr_emit's ob_room */
	always @(*) begin
		s_push = !rst && sent < N && count < 3'd4 && (($random(seed) % 100) >= 30);
	end

	always @(posedge clk) begin
		cycles <= cycles + 1;
		if (!rst) begin
			if (held && (!m_valid || {m_last, m_data} !== held_v)) begin
				errors = errors + 1;
				$display("tb_obuf: output changed while stalled at byte %0d", got);
			end
			held <= m_valid && !m_ready;
			held_v <= {m_last, m_data};
			if (m_valid && m_ready) begin
				if (got >= sent || {m_last, m_data} !== ref_q[got]) begin
					errors = errors + 1;
					$display("tb_obuf: byte %0d is %h, expected %h", got, {m_last, m_data}, ref_q[got]);
				end
				got = got + 1;
			end
			if (s_push) begin
				ref_q[sent] = {s_last, s_data};
				sent = sent + 1;
			end
			s_data <= $random(seed);
			s_last <= ($random(seed) % 10) == 0;
			m_ready <= ($random(seed) % 100) >= 50;
		end
	end

	initial begin
		repeat (3) @(posedge clk);
		rst <= 1'b0;
		wait (got == N || cycles > 40 * N);
		if (got != N)
			$display("tb_obuf: only %0d of %0d bytes out", got, N);
		if (errors == 0 && got == N)
			$display("tb_obuf: PASS (%0d bytes, random idle 30%%, backpressure 50%%)", N);
		else
			$display("tb_obuf: FAIL");
		$finish;
	end
endmodule
`resetall
