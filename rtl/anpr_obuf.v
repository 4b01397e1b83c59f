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

	/* a shift register: entry 0 is the output, a pop moves the rest down
	 * and a push fills the first empty entry (after the pop) */
	localparam N = 1 << DEPTH_W;
	reg [9*N-1:0]     sr_reg;  /* entry e in bits 9e + 8 .. 9e */
	reg [DEPTH_W:0]   n_reg;
	wire pop = m_axis_tvalid && m_axis_tready;
	wire [DEPTH_W:0] at = n_reg - {{DEPTH_W{1'b0}}, pop}; /* where a push goes */
	wire [9*N-1:0] shifted = {9'd0, sr_reg[9*N-1:9]};
	assign count = n_reg;
	assign m_axis_tvalid = (n_reg != 0);
	assign m_axis_tdata = sr_reg[7:0];
	assign m_axis_tlast = sr_reg[8];
	genvar e;
	generate
		for (e = 0; e < N; e = e + 1) begin : g_e
			always @(posedge clk)
				if (s_push && at == e)
					sr_reg[9*e+8:9*e] <= {s_last, s_data};
				else if (pop)
					sr_reg[9*e+8:9*e] <= shifted[9*e+8:9*e];
		end
	endgenerate
	always @(posedge clk) begin
		n_reg <= n_reg + {{DEPTH_W{1'b0}}, s_push} - {{DEPTH_W{1'b0}}, pop};
		if (rst)
			n_reg <= 0;
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
			cover(n_reg == (1 << DEPTH_W));
		end
`endif

endmodule
`resetall
