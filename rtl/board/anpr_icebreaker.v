`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_icebreaker - board top for the 1BitSquared iCEBreaker (v1.0):
 * Lattice iCE40UP5K-SG48, 12 MHz oscillator on pin 35. Pins, the PLL, the
 * power-on reset and the pipeline; no other logic.
 *
 * Clock: the 12 MHz oscillator through the PLL (SB_PLL40_PAD) to 19.875 MHz
 * (icepll's nearest to 20 MHz; 15.94 MHz before branch tim13), under the
 * design's Fmax: nextpnr's 21.15 to 22.82 MHz over seeds 1-9 (session 21)
 * (docs/PERFORMANCE.md section 8.3). One pixel per clock at most:
 * 1280x720 at 21.5 fps (924,000 cycles a frame with the input holds),
 * 640x480 at 64 fps. 25 fps at 1280x720 needs 23.04 Mpixel/s, about 23.1 MHz
 * with the holds, and 30 MHz the design's goal: section 8.4's paths are
 * left. The same clock leaves on
 * clk_out (a DDR output register, so the pin carries the clock itself) for
 * the devices on both streams, which are synchronous to it.
 *
 * Reset: held until the PLL has locked and 2**16 cycles have passed, and
 * while the user button (BTN_N) is pressed.
 *
 * Pixel input (PMOD1A data, PMOD1B control): the pipeline's AXI4-Stream
 * video sink on pins, as is: vid_d = tdata, vid_valid = tvalid, vid_sof =
 * tuser[0], vid_eol = tlast, vid_ready = tready (an output). Whatever
 * drives it must honour vid_ready: a camera that cannot be stalled needs a
 * FIFO in front (docs/architecture.md section 5). There is no camera
 * interface on this board; a camera bridge or a pattern source drives it.
 *
 * Record output (PMOD2, PMOD1B control): the AXI4-Stream of record bytes,
 * rec_d = tdata, rec_valid = tvalid, rec_last = tlast, rec_ready = tready
 * (an input), e.g. to the parallel FIFO port of a USB bridge (FT245-style
 * with a little glue outside this board). The USB bridge, the register file
 * that will drive cfg_* and read sts_*, and the host `usb` backend are a
 * later issue: until then cfg_* are tied to the C model's defaults at
 * 1280x720 (anpr_model_cfg_default) and sts_* are not read (sts_idle
 * lights the green LED while the pipeline is busy).
 *
 * Pins: bitstreams/icebreaker.pcf. PMOD2 is shared with the snap-off
 * LED/button section: snap it off (or leave its buttons alone) to use it.
 */
module anpr_icebreaker (
	input  wire       clk_12m,      /* 35 */
	input  wire       btn_n,        /* 10, user button, low when pressed */
	output wire       ledg_n,       /* 37, green LED, lit when low */

	input  wire [7:0] vid_d,        /* PMOD1A */
	input  wire       vid_valid,    /* PMOD1B */
	input  wire       vid_sof,
	input  wire       vid_eol,
	output wire       vid_ready,

	output wire [7:0] rec_d,        /* PMOD2 */
	output wire       rec_valid,    /* PMOD1B */
	output wire       rec_last,
	input  wire       rec_ready,

	output wire       clk_out       /* PMOD1B, the pipeline clock */
);

	wire clk, pll_lock;

	/* 12 MHz x 53 / 32 = 19.875 MHz (icepll -i 12 -o 20: DIVF 52, DIVQ 5;
	 * since tim13, was 15.94 MHz: DIVF 84, DIVQ 6; 30 MHz, once timing
	 * allows: DIVF 79, DIVQ 5) */
	SB_PLL40_PAD #(
		.FEEDBACK_PATH("SIMPLE"),
		.DIVR(4'b0000),
		.DIVF(7'b0110100),
		.DIVQ(3'b101),
		.FILTER_RANGE(3'b001)
	) pll (
		.PACKAGEPIN(clk_12m), .PLLOUTGLOBAL(clk), .LOCK(pll_lock),
		.RESETB(1'b1), .BYPASS(1'b0)
	);

	/* the clock to the stream devices: a DDR output, 1 then 0 */
	SB_IO #(.PIN_TYPE(6'b010000)) clk_pin (
		.PACKAGE_PIN(clk_out), .OUTPUT_CLK(clk), .CLOCK_ENABLE(1'b1),
		.D_OUT_0(1'b1), .D_OUT_1(1'b0)
	);

	/* power-on reset: the button synchronised, then a counter */
	reg [1:0]  btn_sync_reg = 2'b00;
	reg [16:0] por_reg = 17'd0;
	wire       rst = !por_reg[16];

	always @(posedge clk) begin
		btn_sync_reg <= {btn_sync_reg[0], btn_n};
		if (!pll_lock || !btn_sync_reg[1])
			por_reg <= 17'd0;
		else if (rst)
			por_reg <= por_reg + 1'b1;
	end

	wire sts_idle;

	`include "anpr_protocol.vh"
	`include "anpr_cfg_defaults.vh"

	anpr_pipeline #(
		.MAX_W(1280), .RING_LINES(48), .CROP_MAX_W(256), .CROP_MAX_H(48),
		.SLOT_BYTES(8192), .NSLOTS(8)
	) pipeline (
		.clk(clk), .rst(rst),
		.s_axis_video_tdata(vid_d), .s_axis_video_tvalid(vid_valid),
		.s_axis_video_tready(vid_ready), .s_axis_video_tuser(vid_sof),
		.s_axis_video_tlast(vid_eol),
		.m_axis_rec_tdata(rec_d), .m_axis_rec_tvalid(rec_valid),
		.m_axis_rec_tready(rec_ready), .m_axis_rec_tlast(rec_last),
		/* anpr_model_cfg_default, up5k preset, 1280x720 (the defaults of anpr_protocol.vh) */
		.cfg_width(12'd1280), .cfg_height(12'd720), .cfg_edge_thr(D_EDGE_THR), .cfg_edge_k(D_EDGE_K),
		.cfg_edge_bias(D_EDGE_BIAS), .cfg_block_thr(D_BLOCK_THR), .cfg_run_gap(D_RUN_GAP),
		.cfg_min_run(D_MIN_RUN), .cfg_link_tol(D_LINK_TOL), .cfg_min_w(D_MIN_W), .cfg_max_w(12'd240),
		.cfg_min_h(D_MIN_H), .cfg_max_h(12'd44), .cfg_min_aspect4(D_MIN_ASPECT4),
		.cfg_max_aspect(D_MAX_ASPECT), .cfg_min_score(D_MIN_SCORE), .cfg_max_cands(D_MAX_CANDS),
		.cfg_roi_x0(D_ROI_X0), .cfg_roi_y0(D_ROI_Y0), .cfg_roi_x1(D_ROI_X1), .cfg_roi_y1(D_ROI_Y1),
		.sts_frames(), .sts_frames_ok(), .sts_frames_bad(), .sts_discarded(),
		.sts_candidates(), .sts_dropped(), .sts_runs_lost(), .sts_idle(sts_idle)
	);

	assign ledg_n = sts_idle;

endmodule
`resetall
