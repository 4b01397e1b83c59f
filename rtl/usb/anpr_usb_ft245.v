`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_ft245 - the FT232H's FT245 synchronous FIFO port (docs/usb.md
 * section 2) as two byte streams.
 *
 * Pins (all outputs registered): the 8-bit bidirectional bus as ft_din (chip
 * -> FPGA), ft_dout and ft_dout_en (FPGA -> chip, the board top's tristate),
 * RXF#, TXE# in; RD#, WR#, OE# out. A byte moves from the chip on a rising
 * edge with RXF# and RD# low (OE# low since the cycle before RD# fell), to
 * the chip on a rising edge with TXE# and WR# low.
 *
 * The bus is turned round through one cycle with neither side driving: RX
 * (OE# low, the chip drives) while the chip has bytes and the receive
 * buffer room, TX (the FPGA drives) while there are bytes to send and
 * none to take. Received bytes go through a 4-byte buffer, so RD# (a
 * registered output) never takes a byte there is no room for.
 *
 * Clock: the chip's CLKOUT (60 MHz); anpr_usb_bridge crosses the two
 * streams into the pipeline's clock (anpr_usb_afifo).
 */
module anpr_usb_ft245 (
	input  wire       clk,
	input  wire       rst,

	input  wire [7:0] ft_din,
	output reg  [7:0] ft_dout,
	output reg        ft_dout_en,
	input  wire       ft_rxf_n,
	input  wire       ft_txe_n,
	output reg        ft_rd_n,
	output reg        ft_wr_n,
	output reg        ft_oe_n,

	output wire [7:0] rx_data,
	output wire       rx_valid,
	input  wire       rx_ready,

	input  wire [7:0] tx_data,
	input  wire       tx_valid,
	output wire       tx_ready
);

	localparam [1:0] S_RX = 2'd0, S_TURN_TX = 2'd1, S_TX = 2'd2, S_TURN_RX = 2'd3;

	reg [1:0] state_reg;
	reg [7:0] buf_mem [0:3];
	reg [1:0] wptr_reg, rptr_reg;
	reg [2:0] cnt_reg;

	wire       take = !ft_rxf_n && !ft_rd_n;     /* a byte from the chip this edge */
	wire       pop = rx_valid && rx_ready;
	wire [2:0] cnt_next = cnt_reg + {2'b0, take} - {2'b0, pop};
	wire       sent = !ft_txe_n && !ft_wr_n;     /* a byte to the chip this edge */

	assign rx_data = buf_mem[rptr_reg];
	assign rx_valid = cnt_reg != 3'd0;
	assign tx_ready = state_reg == S_TX && (ft_wr_n || sent);

	always @(posedge clk) begin
		if (take) begin
			buf_mem[wptr_reg] <= ft_din;
			wptr_reg <= wptr_reg + 2'd1;
		end
		if (pop)
			rptr_reg <= rptr_reg + 2'd1;
		cnt_reg <= cnt_next;

		case (state_reg)
		S_RX: begin
			/* stay while the chip has bytes and there is room for them */
			if (tx_valid && (ft_rxf_n || cnt_next > 3'd2)) begin
				state_reg <= S_TURN_TX;
				ft_oe_n <= 1'b1;
				ft_rd_n <= 1'b1;
			end else begin
				ft_rd_n <= !(cnt_next <= 3'd3);
			end
		end
		S_TURN_TX: begin
			state_reg <= S_TX;
			ft_dout_en <= 1'b1;
		end
		S_TX: begin
			if (tx_valid && tx_ready) begin
				ft_dout <= tx_data;
				ft_wr_n <= 1'b0;
			end else if (sent || ft_wr_n) begin
				ft_wr_n <= 1'b1;
				if (!ft_rxf_n) begin
					state_reg <= S_TURN_RX;
					ft_dout_en <= 1'b0;
				end
			end
		end
		default: begin /* S_TURN_RX: OE# low a cycle before RD# */
			state_reg <= S_RX;
			ft_oe_n <= 1'b0;
		end
		endcase

		if (rst) begin
			state_reg <= S_RX;
			wptr_reg <= 2'd0;
			rptr_reg <= 2'd0;
			cnt_reg <= 3'd0;
			ft_dout <= 8'd0;
			ft_dout_en <= 1'b0;
			ft_rd_n <= 1'b1;
			ft_wr_n <= 1'b1;
			ft_oe_n <= 1'b0;
		end
	end

endmodule
`resetall
