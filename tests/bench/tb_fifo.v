`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * tb_fifo - anpr_fifo against a reference queue: random idle cycles on the
 * input, random backpressure on the output, every word checked in order,
 * and the output held stable while stalled. Prints PASS or FAIL.
 */
module tb_fifo;
	localparam N = 20000;
	reg clk = 1'b0, rst = 1'b1;
	reg [15:0] s_data;
	reg s_valid = 1'b0, m_ready = 1'b0;
	wire s_ready, m_valid;
	wire [15:0] m_data;
	wire [5:0] count;
	reg [15:0] ref_q [0:N-1];
	integer sent = 0, got = 0, errors = 0, seed = 1, cycles = 0;
	reg held = 1'b0;
	reg [15:0] held_data;

	anpr_fifo #(.DATA_W(16), .ADDR_W(4)) dut (
		.clk(clk), .rst(rst), .s_data(s_data), .s_valid(s_valid), .s_ready(s_ready),
		.m_data(m_data), .m_valid(m_valid), .m_ready(m_ready), .count(count));

	always #5 clk = !clk;

	always @(posedge clk) begin
		cycles <= cycles + 1;
		if (!rst) begin
			/* the output: checked against the queue, stable while stalled */
			if (held && (!m_valid || m_data !== held_data)) begin
				errors = errors + 1;
				$display("tb_fifo: output changed while stalled at word %0d", got);
			end
			held <= m_valid && !m_ready;
			held_data <= m_data;
			if (m_valid && m_ready) begin
				if (got >= sent || m_data !== ref_q[got]) begin
					errors = errors + 1;
					$display("tb_fifo: word %0d is %h, expected %h", got, m_data, ref_q[got]);
				end
				got = got + 1;
			end
			if (s_valid && s_ready) begin
				ref_q[sent] = s_data;
				sent = sent + 1;
			end
			/* next cycle's stimulus; a source holds valid and data until taken */
			if (!s_valid || s_ready) begin
				s_valid <= (sent + (s_valid && s_ready) < N) && ($random(seed) % 100 >= 40);
				s_data <= $random(seed);
			end
			m_ready <= ($random(seed) % 100) >= 60;
		end
	end

	initial begin
		repeat (3) @(posedge clk);
		rst <= 1'b0;
		wait (got == N || cycles > 40 * N);
		if (got != N)
			$display("tb_fifo: only %0d of %0d words out", got, N);
		if (errors == 0 && got == N)
			$display("tb_fifo: PASS (%0d words, random idle 40%%, backpressure 60%%)", N);
		else
			$display("tb_fifo: FAIL");
		$finish;
	end
endmodule
`resetall
