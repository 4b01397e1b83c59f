`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_bridge - the board's USB bridge (docs/usb.md): the FPGA side of
 * the host's `usb` backend, in front of anpr_pipeline. The C model
 * sim/bridge/anpr_bridge.c is the reference; tests/usb/bridge_test.cpp
 * checks this RTL against it byte for byte (make bridge-test).
 *
 *   FT232H pins -> anpr_usb_ft245 -> command parser (here) -> pixels (AXI4-Stream) -> pipeline
 *                                          | replies                                  | records
 *                                          v                                          v
 *   FT232H pins <- anpr_usb_ft245 <------- anpr_usb_tx: replies, REC chunks <---------+
 *
 * Command parser: hunts for the magic 0xA5, checks the header's CRC-8 (one
 * ERR HEADER until a good header), trusts a good header's len (a refused
 * command is skipped exactly), checks the payload's CRC-16, answers ERR
 * OP / LEN / ADDR / RO / CFG / CRC as the model does, and ends a command
 * that stops arriving after TIMEOUT_CYCLES cycles without a byte (ERR
 * TIMEOUT; a cut FRAME is ended by one more pixel with a wrong tlast).
 *
 * Registers (docs/registers.md): ID, the build, the cfg_* shadows (WRITE,
 * READ), sts_* (READ, live). A FRAME checks the shadow with its width and
 * height as anpr_model_cfg_check does, commits it to the cfg_* outputs and
 * streams its pixels into the pipeline as they arrive (SOF on the first,
 * tlast at each line's end).
 *
 * Order: the bridge keeps the C model's order of messages exactly, whatever
 * the timing: a FRAME starts once every earlier record has been sent; its
 * records are held until its ACK (or ERR CRC) has gone; the next command is
 * taken once the frame's END has been sent. A SYNC's ACK follows every
 * record before it; an ERR TIMEOUT follows the cut frame's records.
 *
 * Two clocks: the FIFO port (anpr_usb_ft245) runs in the FT232H's CLKOUT
 * (ft_clk, 60 MHz on the board), everything else in the pipeline's clock
 * (clk); the bytes cross in two 8-deep asynchronous FIFOs (anpr_usb_afifo,
 * Gray-code pointers). ft_rst is the reset synchronised into ft_clk.
 */
module anpr_usb_bridge #(
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter CROP_MAX_W = 256,
	parameter CROP_MAX_H = 48,
	parameter SLOT_BYTES = 8192,
	parameter NSLOTS = 8,
	parameter TIMEOUT_CYCLES = 1987500, /* ANPR_USB_CMD_TIMEOUT_MS at the board clock, 19.875 MHz */
	parameter REVISION = 1
) (
	input  wire        clk,
	input  wire        rst,

	input  wire        ft_clk,
	input  wire        ft_rst,
	input  wire [7:0]  ft_din,
	output wire [7:0]  ft_dout,
	output wire        ft_dout_en,
	input  wire        ft_rxf_n,
	input  wire        ft_txe_n,
	output wire        ft_rd_n,
	output wire        ft_wr_n,
	output wire        ft_oe_n,

	output reg  [7:0]  m_axis_video_tdata,
	output reg         m_axis_video_tvalid,
	input  wire        m_axis_video_tready,
	output reg         m_axis_video_tuser,
	output reg         m_axis_video_tlast,

	input  wire [7:0]  s_axis_rec_tdata,
	input  wire        s_axis_rec_tvalid,
	output wire        s_axis_rec_tready,
	input  wire        s_axis_rec_tlast,

	output reg  [11:0] cfg_width,
	output reg  [11:0] cfg_height,
	output reg  [7:0]  cfg_edge_thr,
	output reg  [7:0]  cfg_edge_k,
	output reg  [7:0]  cfg_edge_bias,
	output reg  [5:0]  cfg_block_thr,
	output reg  [1:0]  cfg_run_gap,
	output reg  [3:0]  cfg_min_run,
	output reg  [2:0]  cfg_link_tol,
	output reg  [11:0] cfg_min_w,
	output reg  [11:0] cfg_max_w,
	output reg  [11:0] cfg_min_h,
	output reg  [11:0] cfg_max_h,
	output reg  [7:0]  cfg_min_aspect4,
	output reg  [7:0]  cfg_max_aspect,
	output reg  [15:0] cfg_min_score,
	output reg  [3:0]  cfg_max_cands,
	output reg  [11:0] cfg_roi_x0,
	output reg  [11:0] cfg_roi_y0,
	output reg  [11:0] cfg_roi_x1,
	output reg  [11:0] cfg_roi_y1,

	input  wire [31:0] sts_frames,
	input  wire [31:0] sts_frames_ok,
	input  wire [31:0] sts_frames_bad,
	input  wire [31:0] sts_discarded,
	input  wire [31:0] sts_candidates,
	input  wire [31:0] sts_dropped,
	input  wire [31:0] sts_runs_lost,
	input  wire        sts_idle,

	output wire        busy,    /* a command partly received, or its records still leaving */
	output wire        waiting  /* nothing to do without a host byte: idle, or a command's next byte due */
);

	function integer clog2;
		input integer v;
		integer r;
		begin
			r = 0;
			while ((1 << r) < v)
				r = r + 1;
			clog2 = r;
		end
	endfunction

	localparam integer SLOT_AW = clog2(SLOT_BYTES);
	localparam integer TMO_W = clog2(TIMEOUT_CYCLES + 1) + 1;
	localparam [7:0] MAGIC = 8'hA5;
	localparam [7:0] OP_SYNC = 8'h01, OP_WRITE = 8'h02, OP_READ = 8'h03, OP_FRAME = 8'h04;
	localparam [7:0] MSG_ACK = 8'h81, MSG_REG = 8'h82, MSG_ERR = 8'h83;
	localparam [7:0] E_HEADER = 8'd1, E_CRC = 8'd2, E_OP = 8'd3, E_LEN = 8'd4, E_ADDR = 8'd5, E_RO = 8'd6,
			 E_CFG = 8'd7, E_TIMEOUT = 8'd8;
	/* default configuration: anpr_model_cfg_default(640, 480), the defaults of anpr_protocol.vh */
	`include "anpr_protocol.vh"
	localparam [11:0] D_MAX_W = CROP_MAX_W - 16, D_MAX_H = CROP_MAX_H - 4;
	`include "anpr_cfg_defaults.vh"

	localparam [3:0] S_HUNT = 4'd0, S_HDR = 4'd1, S_SMALL = 4'd2, S_FHEAD = 4'd3, S_FCHK = 4'd4,
			 S_WAITQ = 4'd5, S_PIXELS = 4'd6, S_CRC = 4'd7, S_SKIP = 4'd8, S_SYNCW = 4'd9,
			 S_FLUSH = 4'd10, S_TPIX = 4'd11;

	/* ---- the FIFO port and the message sender ---- */
	wire [7:0] rx_data;
	wire       rx_valid;
	reg        rx_ready;
	wire [7:0] tx_data;
	wire       tx_valid, tx_ready;

	reg        rep_valid_reg;
	reg [7:0]  rep_type_reg;
	reg [2:0]  rep_len_reg;
	reg [47:0] rep_payload_reg;
	wire       rep_ready;
	reg        hold_reg;
	wire       quiet, end_seen;

	/* the FT232H's domain and the crossings */
	wire [7:0] frx_data, ftx_data;
	wire       frx_valid, frx_ready, ftx_valid, ftx_ready;

	anpr_usb_afifo #(
		.DATA_W(8),
		.ADDR_W(3)
	) rx_cross (
		.s_clk(ft_clk),
		.s_rst(ft_rst),
		.s_data(frx_data),
		.s_valid(frx_valid),
		.s_ready(frx_ready),
		.m_clk(clk),
		.m_rst(rst),
		.m_data(rx_data),
		.m_valid(rx_valid),
		.m_ready(rx_ready)
	);

	anpr_usb_afifo #(
		.DATA_W(8),
		.ADDR_W(3)
	) tx_cross (
		.s_clk(clk),
		.s_rst(rst),
		.s_data(tx_data),
		.s_valid(tx_valid),
		.s_ready(tx_ready),
		.m_clk(ft_clk),
		.m_rst(ft_rst),
		.m_data(ftx_data),
		.m_valid(ftx_valid),
		.m_ready(ftx_ready)
	);

	anpr_usb_ft245 port (
		.clk(ft_clk),
		.rst(ft_rst),
		.ft_din(ft_din),
		.ft_dout(ft_dout),
		.ft_dout_en(ft_dout_en),
		.ft_rxf_n(ft_rxf_n),
		.ft_txe_n(ft_txe_n),
		.ft_rd_n(ft_rd_n),
		.ft_wr_n(ft_wr_n),
		.ft_oe_n(ft_oe_n),
		.rx_data(frx_data),
		.rx_valid(frx_valid),
		.rx_ready(frx_ready),
		.tx_data(ftx_data),
		.tx_valid(ftx_valid),
		.tx_ready(ftx_ready)
	);

	reg [7:0] hdr_seq_reg;

	anpr_usb_tx tx (
		.clk(clk),
		.rst(rst),
		.rec_tdata(s_axis_rec_tdata),
		.rec_tvalid(s_axis_rec_tvalid),
		.rec_tready(s_axis_rec_tready),
		.rec_tlast(s_axis_rec_tlast),
		.hold(hold_reg),
		.rep_valid(rep_valid_reg),
		.rep_ready(rep_ready),
		.rep_type(rep_type_reg),
		.rep_seq(hdr_seq_reg),
		.rep_len(rep_len_reg),
		.rep_payload(rep_payload_reg),
		.quiet(quiet),
		.end_seen(end_seen),
		.out_data(tx_data),
		.out_valid(tx_valid),
		.out_ready(tx_ready)
	);

	/* ---- the parser's state ---- */
	reg [3:0]  st_reg;
	reg [2:0]  got_reg;
	reg [7:0]  hdr_op_reg;
	reg [31:0] hdr_len_reg;
	reg [7:0]  hcrc_reg;
	reg        hdr_err_reg;
	reg [47:0] pay_reg;
	reg [15:0] sum_reg;
	reg [7:0]  crc_lo_reg;
	reg [32:0] left_reg;     /* SKIP: bytes; PIXELS: pixels */
	reg [15:0] col_reg;
	reg        first_reg;    /* the next pixel is the frame's first */
	reg        want_end_reg; /* a frame went in: its END has not been taken yet */
	reg        err_tmo_reg;  /* ERR TIMEOUT due once the records are out */
	reg [TMO_W-1:0] tmo_reg;

	wire [7:0]  hcrc_next;
	wire [15:0] sum_next;

	anpr_usb_crc #(
		.WIDTH(8),
		.POLY(16'h0007)
	) hcrc (
		.crc_in(st_reg == S_HUNT ? 8'h00 : hcrc_reg), /* a header's CRC-8 starts at its magic */
		.data(rx_data),
		.crc_out(hcrc_next)
	);

	anpr_usb_crc #(
		.WIDTH(16),
		.POLY(16'h1021)
	) pcrc (
		.crc_in(sum_reg),
		.data(rx_data),
		.crc_out(sum_next)
	);

	/* the FRAME's width and height (FHEAD's payload) and their checks */
	wire [15:0] fw = pay_reg[15:0];
	wire [15:0] fh = pay_reg[31:16];
	wire [31:0] fpix = fw * fh;
	wire        flen_bad = {1'b0, fpix} + 33'd4 != {1'b0, hdr_len_reg} || fw == 16'd0 || fh == 16'd0;
	reg  [7:0]  cfg_bad_addr; /* 0: the shadow with fw x fh passes anpr_model_cfg_check */

	/* the shadows (cfg_* as written) */
	reg [11:0] sh_width, sh_height, sh_min_w, sh_max_w, sh_min_h, sh_max_h;
	reg [7:0]  sh_edge_thr, sh_edge_k, sh_edge_bias, sh_min_aspect4, sh_max_aspect;
	reg [5:0]  sh_block_thr;
	reg [1:0]  sh_run_gap;
	reg [3:0]  sh_min_run;
	reg [2:0]  sh_link_tol;
	reg [15:0] sh_min_score;
	reg [3:0]  sh_max_cands;
	reg [11:0] sh_roi_x0, sh_roi_y0, sh_roi_x1, sh_roi_y1;

	always @(*) begin
		cfg_bad_addr = 8'h00;
		if (fw < 16'd16 || fw > MAX_W)
			cfg_bad_addr = 8'h10;
		else if (fh < 16'd8 || fh > 16'd4095)
			cfg_bad_addr = 8'h14;
		else if (sh_edge_thr == 8'd0)
			cfg_bad_addr = 8'h18;
		else if (sh_block_thr == 6'd0 || sh_block_thr > 6'd32)
			cfg_bad_addr = 8'h24;
		else if (sh_min_run == 4'd0)
			cfg_bad_addr = 8'h2C;
		else if (sh_min_w > sh_max_w || {1'b0, sh_max_w} + 13'd16 > CROP_MAX_W)
			cfg_bad_addr = 8'h38;
		else if (sh_min_h > sh_max_h || sh_max_h > CROP_MAX_H)
			cfg_bad_addr = 8'h40;
		else if (sh_max_aspect == 8'd0)
			cfg_bad_addr = 8'h44; /* the model's "aspect": reported as min_aspect4's neighbour 0x44 */
		else if (sh_max_cands == 4'd0 || sh_max_cands > NSLOTS)
			cfg_bad_addr = 8'h50;
		else if (sh_roi_x0 >= sh_roi_x1)
			cfg_bad_addr = 8'h54;
		else if (sh_roi_y0 >= sh_roi_y1)
			cfg_bad_addr = 8'h58;
	end

	/* register reads: READ's and WRITE's address */
	wire [15:0] addr = pay_reg[15:0];
	/* verilator lint_off UNUSEDSIGNAL */
	wire [31:0] wval = pay_reg[47:16]; /* a field sits in the low bits; the rest is ignored */
	/* verilator lint_on UNUSEDSIGNAL */
	reg         rd_ok, wr_cfg;
	reg [31:0]  rd_val;

	always @(*) begin
		rd_ok = 1'b1;
		wr_cfg = 1'b1;
		rd_val = 32'd0;
		case (addr)
		16'h10: rd_val = {20'd0, sh_width};
		16'h14: rd_val = {20'd0, sh_height};
		16'h18: rd_val = {24'd0, sh_edge_thr};
		16'h1C: rd_val = {24'd0, sh_edge_k};
		16'h20: rd_val = {24'd0, sh_edge_bias};
		16'h24: rd_val = {26'd0, sh_block_thr};
		16'h28: rd_val = {30'd0, sh_run_gap};
		16'h2C: rd_val = {28'd0, sh_min_run};
		16'h30: rd_val = {29'd0, sh_link_tol};
		16'h34: rd_val = {20'd0, sh_min_w};
		16'h38: rd_val = {20'd0, sh_max_w};
		16'h3C: rd_val = {20'd0, sh_min_h};
		16'h40: rd_val = {20'd0, sh_max_h};
		16'h44: rd_val = {24'd0, sh_min_aspect4};
		16'h48: rd_val = {24'd0, sh_max_aspect};
		16'h4C: rd_val = {16'd0, sh_min_score};
		16'h50: rd_val = {28'd0, sh_max_cands};
		16'h54: rd_val = {20'd0, sh_roi_x0};
		16'h58: rd_val = {20'd0, sh_roi_y0};
		16'h5C: rd_val = {20'd0, sh_roi_x1};
		16'h60: rd_val = {20'd0, sh_roi_y1};
		default: begin
			wr_cfg = 1'b0;
			case (addr)
			16'h00: rd_val = {16'h414E, 8'd1, REVISION[7:0]};
			16'h04: rd_val = {RING_LINES[15:0], MAX_W[15:0]};
			16'h08: rd_val = {CROP_MAX_H[15:0], CROP_MAX_W[15:0]};
			16'h0C: rd_val = {NSLOTS[15:0], SLOT_AW[15:0]};
			16'h80: rd_val = sts_frames;
			16'h84: rd_val = sts_frames_ok;
			16'h88: rd_val = sts_frames_bad;
			16'h8C: rd_val = sts_discarded;
			16'h90: rd_val = sts_candidates;
			16'h94: rd_val = sts_dropped;
			16'h98: rd_val = sts_runs_lost;
			16'h9C: rd_val = {31'd0, sts_idle};
			default: rd_ok = 1'b0;
			endcase
		end
		endcase
	end

	/* ---- input bytes and the pixel stream ---- */
	wire consuming = st_reg == S_HUNT || st_reg == S_HDR || st_reg == S_SMALL || st_reg == S_FHEAD ||
			 st_reg == S_CRC || st_reg == S_SKIP;
	wire line_end = col_reg == fw - 16'd1;
	wire drained = quiet && !want_end_reg && sts_idle && !rep_valid_reg;
	wire take = rx_valid && rx_ready;
	wire timing = consuming && st_reg != S_HUNT || st_reg == S_PIXELS;
	wire tmo = timing && !rx_valid && tmo_reg == TIMEOUT_CYCLES - 1;

	assign busy = st_reg != S_HUNT;
	assign waiting = (st_reg == S_HUNT || timing) && !rx_valid && !rep_valid_reg && !tx_valid && (quiet || hold_reg);

	always @(*) begin
		rx_ready = consuming && !rep_valid_reg;
		m_axis_video_tdata = rx_data;
		m_axis_video_tvalid = 1'b0;
		m_axis_video_tuser = first_reg;
		m_axis_video_tlast = line_end;
		if (st_reg == S_PIXELS) begin
			m_axis_video_tvalid = rx_valid;
			rx_ready = m_axis_video_tready;
		end else if (st_reg == S_TPIX) begin
			/* the cut frame's end: a short line (tlast early) or a long one */
			m_axis_video_tdata = 8'd0;
			m_axis_video_tvalid = 1'b1;
			m_axis_video_tuser = 1'b0;
			m_axis_video_tlast = !line_end;
		end
	end

	/* post a reply (the command's seq); the parser takes no byte while one is pending */
	task post;
		input [7:0] t;
		input [2:0] len;
		input [47:0] p;
		begin
			rep_valid_reg <= 1'b1;
			rep_type_reg <= t;
			rep_len_reg <= len;
			rep_payload_reg <= p;
		end
	endtask

	task post_err;
		input [7:0] code;
		input [15:0] detail;
		begin
			post(MSG_ERR, 3'd4, {16'd0, detail, hdr_op_reg, code});
		end
	endtask

	always @(posedge clk) begin
		if (rep_ready)
			rep_valid_reg <= 1'b0;
		if (end_seen)
			want_end_reg <= 1'b0;
		if (take || !timing)
			tmo_reg <= 0;
		else if (!rx_valid)
			tmo_reg <= tmo_reg + 1'b1;

		if (tmo) begin
			/* the command stopped arriving */
			err_tmo_reg <= 1'b1;
			hold_reg <= 1'b0;
			st_reg <= st_reg == S_PIXELS ? S_TPIX : S_FLUSH;
		end else case (st_reg)
		S_HUNT:
			if (take && rx_data == MAGIC) begin
				st_reg <= S_HDR;
				got_reg <= 3'd1;
				hcrc_reg <= hcrc_next;
				hdr_op_reg <= 8'd0;
				hdr_seq_reg <= 8'd0;
			end
		S_HDR:
			if (take) begin
				got_reg <= got_reg + 3'd1;
				hcrc_reg <= hcrc_next;
				case (got_reg)
				3'd1: hdr_op_reg <= rx_data;
				3'd2: hdr_seq_reg <= rx_data;
				3'd3: hdr_len_reg[7:0] <= rx_data;
				3'd4: hdr_len_reg[15:8] <= rx_data;
				3'd5: hdr_len_reg[23:16] <= rx_data;
				3'd6: hdr_len_reg[31:24] <= rx_data;
				default: ;
				endcase
				if (got_reg == 3'd7) begin
					got_reg <= 3'd0;
					sum_reg <= 16'hFFFF;
					if (rx_data != hcrc_reg) begin
						/* hunt for the next magic; one ERR HEADER until a good header */
						if (!hdr_err_reg)
							post_err(E_HEADER, 16'd0);
						hdr_err_reg <= 1'b1;
						st_reg <= S_HUNT;
					end else begin
						hdr_err_reg <= 1'b0;
						left_reg <= {1'b0, hdr_len_reg} + 33'd2; /* a refused command: skipped */
						if (hdr_op_reg == 8'd0 || hdr_op_reg > OP_FRAME) begin
							post_err(E_OP, {8'd0, hdr_op_reg});
							st_reg <= S_SKIP;
						end else if (hdr_op_reg == OP_FRAME ? hdr_len_reg < 32'd4 :
							     hdr_len_reg != (hdr_op_reg == OP_WRITE ? 32'd6 :
									     hdr_op_reg == OP_READ ? 32'd2 : 32'd0)) begin
							post_err(E_LEN, 16'd0);
							st_reg <= S_SKIP;
						end else begin
							st_reg <= hdr_op_reg == OP_FRAME ? S_FHEAD :
								  hdr_op_reg == OP_SYNC ? S_CRC : S_SMALL;
						end
					end
				end
			end
		S_SMALL, S_FHEAD:
			if (take) begin
				case (got_reg)
				3'd0: pay_reg[7:0] <= rx_data;
				3'd1: pay_reg[15:8] <= rx_data;
				3'd2: pay_reg[23:16] <= rx_data;
				3'd3: pay_reg[31:24] <= rx_data;
				3'd4: pay_reg[39:32] <= rx_data;
				default: pay_reg[47:40] <= rx_data;
				endcase
				sum_reg <= sum_next;
				got_reg <= got_reg + 3'd1;
				if (st_reg == S_FHEAD && got_reg == 3'd3)
					st_reg <= S_FCHK;
				else if (st_reg == S_SMALL && {29'd0, got_reg} == hdr_len_reg - 32'd1) begin
					st_reg <= S_CRC;
					got_reg <= 3'd0;
				end
			end
		S_FCHK: begin
			/* the model's frame_begin: the size against len, then the configuration */
			got_reg <= 3'd0;
			left_reg <= {1'b0, hdr_len_reg} - 33'd2;
			if (flen_bad) begin
				post_err(E_LEN, 16'd0);
				st_reg <= S_SKIP;
			end else if (cfg_bad_addr != 8'h00) begin
				post_err(E_CFG, {8'd0, cfg_bad_addr});
				st_reg <= S_SKIP;
			end else begin
				left_reg <= {1'b0, fpix};
				st_reg <= S_WAITQ;
			end
		end
		S_WAITQ:
			/* every earlier record out first; then commit the shadow */
			if (drained) begin
				sh_width <= fw[11:0];
				sh_height <= fh[11:0];
				cfg_width <= fw[11:0];
				cfg_height <= fh[11:0];
				cfg_edge_thr <= sh_edge_thr;
				cfg_edge_k <= sh_edge_k;
				cfg_edge_bias <= sh_edge_bias;
				cfg_block_thr <= sh_block_thr;
				cfg_run_gap <= sh_run_gap;
				cfg_min_run <= sh_min_run;
				cfg_link_tol <= sh_link_tol;
				cfg_min_w <= sh_min_w;
				cfg_max_w <= sh_max_w;
				cfg_min_h <= sh_min_h;
				cfg_max_h <= sh_max_h;
				cfg_min_aspect4 <= sh_min_aspect4;
				cfg_max_aspect <= sh_max_aspect;
				cfg_min_score <= sh_min_score;
				cfg_max_cands <= sh_max_cands;
				cfg_roi_x0 <= sh_roi_x0;
				cfg_roi_y0 <= sh_roi_y0;
				cfg_roi_x1 <= sh_roi_x1;
				cfg_roi_y1 <= sh_roi_y1;
				hold_reg <= 1'b1;
				col_reg <= 16'd0;
				first_reg <= 1'b1;
				st_reg <= S_PIXELS;
			end
		S_PIXELS:
			if (take) begin
				sum_reg <= sum_next;
				col_reg <= line_end ? 16'd0 : col_reg + 16'd1;
				first_reg <= 1'b0;
				if (first_reg)
					want_end_reg <= 1'b1;
				left_reg <= left_reg - 33'd1;
				if (left_reg == 33'd1)
					st_reg <= S_CRC;
			end
		S_TPIX:
			if (m_axis_video_tready)
				st_reg <= S_FLUSH;
		S_CRC:
			if (take) begin
				crc_lo_reg <= rx_data;
				got_reg <= 3'd1;
				if (got_reg[0]) begin
					st_reg <= S_HUNT;
					if ({rx_data, crc_lo_reg} != sum_reg) begin
						post_err(E_CRC, 16'd0);
						if (hdr_op_reg == OP_FRAME) begin
							hold_reg <= 1'b0;
							st_reg <= S_FLUSH;
						end
					end else case (hdr_op_reg)
					OP_FRAME: begin
						post(MSG_ACK, 3'd0, 48'd0);
						hold_reg <= 1'b0;
						st_reg <= S_FLUSH;
					end
					OP_SYNC:
						st_reg <= S_SYNCW;
					OP_READ:
						if (rd_ok)
							post(MSG_REG, 3'd6, {rd_val, addr});
						else
							post_err(E_ADDR, addr);
					default: /* OP_WRITE */
						if (wr_cfg) begin
							post(MSG_ACK, 3'd0, 48'd0);
							case (addr[7:0])
							8'h10: sh_width <= wval[11:0];
							8'h14: sh_height <= wval[11:0];
							8'h18: sh_edge_thr <= wval[7:0];
							8'h1C: sh_edge_k <= wval[7:0];
							8'h20: sh_edge_bias <= wval[7:0];
							8'h24: sh_block_thr <= wval[5:0];
							8'h28: sh_run_gap <= wval[1:0];
							8'h2C: sh_min_run <= wval[3:0];
							8'h30: sh_link_tol <= wval[2:0];
							8'h34: sh_min_w <= wval[11:0];
							8'h38: sh_max_w <= wval[11:0];
							8'h3C: sh_min_h <= wval[11:0];
							8'h40: sh_max_h <= wval[11:0];
							8'h44: sh_min_aspect4 <= wval[7:0];
							8'h48: sh_max_aspect <= wval[7:0];
							8'h4C: sh_min_score <= wval[15:0];
							8'h50: sh_max_cands <= wval[3:0];
							8'h54: sh_roi_x0 <= wval[11:0];
							8'h58: sh_roi_y0 <= wval[11:0];
							8'h5C: sh_roi_x1 <= wval[11:0];
							default: sh_roi_y1 <= wval[11:0];
							endcase
						end else if (rd_ok) begin
							post_err(E_RO, addr);
						end else begin
							post_err(E_ADDR, addr);
						end
					endcase
				end
			end
		S_SKIP:
			if (take) begin
				left_reg <= left_reg - 33'd1;
				if (left_reg == 33'd1)
					st_reg <= S_HUNT;
			end
		S_SYNCW:
			if (drained) begin
				post(MSG_ACK, 3'd0, 48'd0);
				st_reg <= S_HUNT;
			end
		default: /* S_FLUSH: the frame's records out, then the ERR TIMEOUT if one is due */
			if (drained) begin
				if (err_tmo_reg)
					post_err(E_TIMEOUT, 16'd0);
				err_tmo_reg <= 1'b0;
				st_reg <= S_HUNT;
			end
		endcase

		if (rst) begin
			st_reg <= S_HUNT;
			rep_valid_reg <= 1'b0;
			hold_reg <= 1'b0;
			want_end_reg <= 1'b0;
			err_tmo_reg <= 1'b0;
			hdr_err_reg <= 1'b0;
			tmo_reg <= 0;
			got_reg <= 3'd0;
			hdr_op_reg <= 8'd0;
			hdr_seq_reg <= 8'd0;
			hdr_len_reg <= 32'd0;
			hcrc_reg <= 8'd0;
			pay_reg <= 48'd0;
			sum_reg <= 16'hFFFF;
			crc_lo_reg <= 8'd0;
			left_reg <= 33'd0;
			col_reg <= 16'd0;
			first_reg <= 1'b1;
			rep_type_reg <= 8'd0;
			rep_len_reg <= 3'd0;
			rep_payload_reg <= 48'd0;
			{sh_width, cfg_width} <= {12'd640, 12'd640};
			{sh_height, cfg_height} <= {12'd480, 12'd480};
			{sh_edge_thr, cfg_edge_thr} <= {D_EDGE_THR, D_EDGE_THR};
			{sh_edge_k, cfg_edge_k} <= {D_EDGE_K, D_EDGE_K};
			{sh_edge_bias, cfg_edge_bias} <= {D_EDGE_BIAS, D_EDGE_BIAS};
			{sh_block_thr, cfg_block_thr} <= {D_BLOCK_THR, D_BLOCK_THR};
			{sh_run_gap, cfg_run_gap} <= {D_RUN_GAP, D_RUN_GAP};
			{sh_min_run, cfg_min_run} <= {D_MIN_RUN, D_MIN_RUN};
			{sh_link_tol, cfg_link_tol} <= {D_LINK_TOL, D_LINK_TOL};
			{sh_min_w, cfg_min_w} <= {D_MIN_W, D_MIN_W};
			{sh_max_w, cfg_max_w} <= {D_MAX_W, D_MAX_W};
			{sh_min_h, cfg_min_h} <= {D_MIN_H, D_MIN_H};
			{sh_max_h, cfg_max_h} <= {D_MAX_H, D_MAX_H};
			{sh_min_aspect4, cfg_min_aspect4} <= {D_MIN_ASPECT4, D_MIN_ASPECT4};
			{sh_max_aspect, cfg_max_aspect} <= {D_MAX_ASPECT, D_MAX_ASPECT};
			{sh_min_score, cfg_min_score} <= {D_MIN_SCORE, D_MIN_SCORE};
			{sh_max_cands, cfg_max_cands} <= {D_MAX_CANDS, D_MAX_CANDS};
			{sh_roi_x0, cfg_roi_x0} <= {D_ROI_X0, D_ROI_X0};
			{sh_roi_y0, cfg_roi_y0} <= {D_ROI_Y0, D_ROI_Y0};
			{sh_roi_x1, cfg_roi_x1} <= {D_ROI_X1, D_ROI_X1};
			{sh_roi_y1, cfg_roi_y1} <= {D_ROI_Y1, D_ROI_Y1};
		end
	end

endmodule
`resetall
