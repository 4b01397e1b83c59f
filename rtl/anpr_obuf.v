`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_obuf - a registered byte FIFO of DEPTH entries driving an AXI4-Stream
 * output: the boundary register of anpr_emit.
 *
 * The producer writes (s_push) only when it has reserved room: `count` tells
 * it how full the buffer is. m_axis_tvalid, tdata and tlast come straight
 * from registers, so once offered a byte holds until taken.
 *
 * Ports
 *   s_push, s_data, s_last   write one byte (and whether it ends a record)
 *   count                    bytes held
 *   m_axis_*                 the output stream
 */
module anpr_obuf #(
	parameter DEPTH_W = 2
) (
	input  wire             clk,
	input  wire             rst,
	input  wire             s_push,
	input  wire [7:0]       s_data,
	input  wire             s_last,
	output wire [DEPTH_W:0] count,
	output wire [7:0]       m_axis_tdata,
	output wire             m_axis_tvalid,
	input  wire             m_axis_tready,
	output wire             m_axis_tlast
);

	reg [8:0]         mem [0:(1<<DEPTH_W)-1];
	reg [DEPTH_W-1:0] w_reg, r_reg;
	reg [DEPTH_W:0]   n_reg;

	wire pop = m_axis_tvalid && m_axis_tready;

	assign count = n_reg;
	assign m_axis_tvalid = (n_reg != 0);
	assign m_axis_tdata = mem[r_reg][7:0];
	assign m_axis_tlast = mem[r_reg][8];

	always @(posedge clk) begin
		if (s_push) begin
			mem[w_reg] <= {s_last, s_data};
			w_reg <= w_reg + 1'b1;
		end
		if (pop)
			r_reg <= r_reg + 1'b1;
		n_reg <= n_reg + {{DEPTH_W{1'b0}}, s_push} - {{DEPTH_W{1'b0}}, pop};
		if (rst) begin
			w_reg <= 0;
			r_reg <= 0;
			n_reg <= 0;
		end
	end

`ifdef FORMAL
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	/* the producer keeps its side of the contract */
	always @(*)
		if (n_reg == (1 << DEPTH_W))
			assume(!s_push);
	always @(posedge clk)
		if (f_past_valid && !$past(rst)) begin
			/* once offered, a byte holds until taken */
			if ($past(m_axis_tvalid && !m_axis_tready)) begin
				assert(m_axis_tvalid);
				assert(m_axis_tdata == $past(m_axis_tdata));
				assert(m_axis_tlast == $past(m_axis_tlast));
			end
			/* bytes leave in the order they came */
			if ($past(s_push) && $past(n_reg) == 0)
				assert(m_axis_tdata == $past(s_data) && m_axis_tlast == $past(s_last));
			assert(n_reg <= (1 << DEPTH_W));
			assert(w_reg - r_reg == n_reg[DEPTH_W-1:0]);
			cover(n_reg == (1 << DEPTH_W));
		end
`endif

endmodule
`resetall
