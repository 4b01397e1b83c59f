`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_tx - the device -> host message stream (docs/usb.md section 3.3):
 * replies (ACK, REG, ERR) from the command parser and REC messages cut from
 * the pipeline's record stream, each framed as magic 0x5A, type, seq, len,
 * CRC-8 of the header, payload, CRC-16 of the payload.
 *
 * Record chunker: the record bytes go into a 256-byte FIFO (anpr_fifo: one
 * block RAM); a chunk closes at a record's last byte (tlast) or at its
 * 256th byte, so its length is known before its header leaves. One closed
 * chunk waits at a time; the bytes of the next may follow it into the FIFO.
 * REC messages count their own seq (+1 per message).
 *
 * A pending reply goes before a closed chunk. No REC message starts while
 * `hold` is 1 (the parser holds a frame's records until its ACK).
 *
 * quiet: nothing held (no record byte in the FIFO, no message under way).
 * end_seen: a pulse as the last byte of an END record is taken.
 */
module anpr_usb_tx (
	input  wire        clk,
	input  wire        rst,

	input  wire [7:0]  rec_tdata,
	input  wire        rec_tvalid,
	output wire        rec_tready,
	input  wire        rec_tlast,
	input  wire        hold,

	input  wire        rep_valid,
	output wire        rep_ready,
	input  wire [7:0]  rep_type,
	input  wire [7:0]  rep_seq,
	input  wire [2:0]  rep_len,
	input  wire [47:0] rep_payload,

	output wire        quiet,
	output wire        end_seen,

	output reg  [7:0]  out_data,
	output reg         out_valid,
	input  wire        out_ready
);

	localparam [1:0] S_IDLE = 2'd0, S_HDR = 2'd1, S_PAY = 2'd2, S_CRC = 2'd3;
	localparam [7:0] REC_END = 8'hA3, MSG_REC = 8'h84, MAGIC = 8'h5A;

	reg [1:0]  state_reg;
	reg [2:0]  idx_reg;      /* header byte, CRC byte */
	reg [8:0]  left_reg;     /* payload bytes still to send */
	reg [8:0]  len_reg;
	reg [7:0]  type_reg, seq_reg, rec_seq_reg;
	reg [47:0] pay_reg;
	reg        is_rec_reg;
	reg [7:0]  crc8_reg;
	reg [15:0] crc16_reg;

	reg [8:0]  open_reg;     /* bytes of the open chunk in the FIFO */
	reg        closed_reg;   /* a closed chunk waits */
	reg [8:0]  closed_len_reg;
	reg        rec_first_reg; /* the next record byte starts a record */
	reg [7:0]  rec_type_reg;

	wire [7:0]  f_data;
	wire        f_valid, f_ready, fs_ready;
	wire [9:0]  f_count;
	wire        closes = rec_tlast || open_reg == 9'd255;
	wire        push = rec_tvalid && rec_tready;
	wire        start_rep = state_reg == S_IDLE && rep_valid;
	wire        start_rec = state_reg == S_IDLE && !rep_valid && closed_reg && !hold;
	wire        fire = out_valid && out_ready;
	wire [7:0]  crc8_next;
	wire [15:0] crc16_next;

	assign rec_tready = fs_ready && !(closed_reg && closes);
	assign rep_ready = start_rep;
	assign quiet = state_reg == S_IDLE && !closed_reg && f_count == 10'd0;
	assign end_seen = push && rec_tlast && (rec_first_reg ? rec_tdata : rec_type_reg) == REC_END;
	assign f_ready = state_reg == S_PAY && is_rec_reg && out_ready;

	anpr_fifo #(
		.DATA_W(8),
		.ADDR_W(8)
	) chunk_fifo (
		.clk(clk),
		.rst(rst),
		.s_data(rec_tdata),
		.s_valid(push),
		.s_ready(fs_ready),
		.m_data(f_data),
		.m_valid(f_valid),
		.m_ready(f_ready),
		.count(f_count)
	);

	anpr_usb_crc #(
		.WIDTH(8),
		.POLY(16'h0007)
	) hcrc (
		.crc_in(crc8_reg),
		.data(out_data),
		.crc_out(crc8_next)
	);

	anpr_usb_crc #(
		.WIDTH(16),
		.POLY(16'h1021)
	) pcrc (
		.crc_in(crc16_reg),
		.data(out_data),
		.crc_out(crc16_next)
	);

	/* the byte on offer */
	always @(*) begin
		out_valid = 1'b1;
		out_data = 8'h00;
		case (state_reg)
		S_HDR:
			case (idx_reg)
			3'd0: out_data = MAGIC;
			3'd1: out_data = type_reg;
			3'd2: out_data = seq_reg;
			3'd3: out_data = len_reg[7:0];
			3'd4: out_data = {7'd0, len_reg[8]};
			3'd7: out_data = crc8_reg;
			default: out_data = 8'h00;
			endcase
		S_PAY: begin
			out_data = is_rec_reg ? f_data : pay_reg[7:0];
			out_valid = is_rec_reg ? f_valid : 1'b1;
		end
		S_CRC:
			out_data = idx_reg[0] ? crc16_reg[15:8] : crc16_reg[7:0];
		default:
			out_valid = 1'b0;
		endcase
	end

	always @(posedge clk) begin
		/* the chunker */
		if (push) begin
			rec_first_reg <= rec_tlast;
			if (rec_first_reg)
				rec_type_reg <= rec_tdata;
			if (closes) begin
				closed_reg <= 1'b1;
				closed_len_reg <= open_reg + 9'd1;
				open_reg <= 9'd0;
			end else begin
				open_reg <= open_reg + 9'd1;
			end
		end

		/* the messages */
		if (start_rep) begin
			state_reg <= S_HDR;
			idx_reg <= 3'd0;
			type_reg <= rep_type;
			seq_reg <= rep_seq;
			len_reg <= {6'd0, rep_len};
			pay_reg <= rep_payload;
			is_rec_reg <= 1'b0;
			crc8_reg <= 8'h00;
			crc16_reg <= 16'hFFFF;
		end else if (start_rec) begin
			state_reg <= S_HDR;
			idx_reg <= 3'd0;
			type_reg <= MSG_REC;
			seq_reg <= rec_seq_reg;
			rec_seq_reg <= rec_seq_reg + 8'd1;
			len_reg <= closed_len_reg;
			closed_reg <= 1'b0;
			is_rec_reg <= 1'b1;
			crc8_reg <= 8'h00;
			crc16_reg <= 16'hFFFF;
		end else if (fire) begin
			case (state_reg)
			S_HDR: begin
				crc8_reg <= crc8_next;
				idx_reg <= idx_reg + 3'd1;
				if (idx_reg == 3'd7) begin
					left_reg <= len_reg;
					idx_reg <= 3'd0;
					state_reg <= len_reg == 9'd0 ? S_CRC : S_PAY;
				end
			end
			S_PAY: begin
				crc16_reg <= crc16_next;
				pay_reg <= {8'h00, pay_reg[47:8]};
				left_reg <= left_reg - 9'd1;
				if (left_reg == 9'd1)
					state_reg <= S_CRC;
			end
			default: begin /* S_CRC */
				idx_reg <= idx_reg + 3'd1;
				if (idx_reg[0])
					state_reg <= S_IDLE;
			end
			endcase
		end

		if (rst) begin
			state_reg <= S_IDLE;
			idx_reg <= 3'd0;
			left_reg <= 9'd0;
			len_reg <= 9'd0;
			type_reg <= 8'd0;
			seq_reg <= 8'd0;
			rec_seq_reg <= 8'd0;
			pay_reg <= 48'd0;
			is_rec_reg <= 1'b0;
			crc8_reg <= 8'd0;
			crc16_reg <= 16'hFFFF;
			open_reg <= 9'd0;
			closed_reg <= 1'b0;
			closed_len_reg <= 9'd0;
			rec_first_reg <= 1'b1;
			rec_type_reg <= 8'd0;
		end
	end

endmodule
`resetall
