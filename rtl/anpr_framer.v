`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_framer - checks the video stream against the configured frame size
 * and numbers its pixels.
 *
 * It accepts one beat of PPC pixels per clock unless held (PPC = 2: the
 * beat's first pixel in tdata[7:0], its second in [15:8]; a line is then
 * cfg_width rounded down to a multiple of 4 pixels, so that a beat never
 * holds the end of one 8-pixel block and the whole of the next, and a
 * line of the ring starts a 4-byte word). A pixel with tuser[0] starts a
 * frame; the frame is complete after cfg_height lines of exactly cfg_width
 * pixels, each ending with tlast. Any deviation drops the frame (its
 * trailer says why) and the framer discards input until the next start of
 * frame. Pixels between frames are discarded and reported once as an
 * overrun with the next frame. A start of frame in mid-frame ends the old
 * frame first (one cycle without accepting), then starts the new one, which
 * it accepts only when the back end has stored the last frame's candidates
 * (be_idle: event queue, linker and store idle), so that the configuration
 * latched at the start of frame stays in force for them. The emitter may
 * still be sending that frame's records: it has its own copy of what it
 * needs (anpr_store's messages).
 *
 * Parameters
 *   PPC         pixels a beat: 1 or 2
 *   X_W, Y_W    pixel coordinate widths
 *   RING_AW     row ring address width; RING_LINES rows of MAX_W pixels
 *
 * Ports
 *   s_axis_video_*  the camera stream
 *   hold            downstream cannot take a pixel this cycle
 *   be_idle         back end has finished everything queued
 *   cfg_width/height  frame size, sampled at each start of frame
 *   pix_*           an accepted beat of a frame: valid, its pixels, the
 *                   position of its first, eol = it completes its line
 *   row             the row register: the next pixel's row, or one less
 *                   when the pixel taken now ends a line (0 at a start
 *                   of frame); a register, for the back end's hold
 *   ring_*          the ring write port (line y at (y mod RING_LINES) * MAX_W)
 *   ev_*            one-cycle event strobes (see anpr_evq)
 *   sts_*           status counters since reset
 */
module anpr_framer #(
	parameter PPC = 1,
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter MAX_W = 1280,
	parameter RING_LINES = 48,
	parameter RING_AW = 16
) (
	input  wire               clk,
	input  wire               rst,

	input  wire [8*PPC-1:0]   s_axis_video_tdata,
	input  wire               s_axis_video_tvalid,
	output wire               s_axis_video_tready,
	input  wire               s_axis_video_tuser,
	input  wire               s_axis_video_tlast,

	input  wire               hold,
	input  wire               be_idle,
	input  wire [Y_W-1:0]     cfg_width,
	input  wire [Y_W-1:0]     cfg_height,

	output wire               frame_start,  /* SOF accepted: latch configuration */
	output wire               pix_valid,
	output wire [8*PPC-1:0]   pix_data,
	output wire [X_W-1:0]     pix_x,
	output wire [Y_W-1:0]     pix_y,
	output wire [Y_W-1:0]     row,          /* the row of the line in progress (y_reg) */
	output wire               pix_eol,
	output wire [Y_W-1:0]     frame_width,
	output wire [Y_W-1:0]     frame_height,

	output wire               ring_we,
	output wire [RING_AW-1:0] ring_waddr,

	output wire               ev_start,
	output wire               ev_start_overrun,
	output wire               ev_fend,
	output wire               ev_abort,
	output wire [7:0]         ev_abort_flags,
	output wire [Y_W-1:0]     ev_lines,

	output reg  [31:0]        sts_frames,
	output reg  [31:0]        sts_frames_ok,
	output reg  [31:0]        sts_frames_bad,
	output reg  [31:0]        sts_discarded
);

	`include "anpr_protocol.vh"

	localparam [1:0] ST_IDLE = 2'd0,    /* between frames */
			 ST_FRAME = 2'd1,   /* receiving lines */
			 ST_DISCARD = 2'd2; /* dropped after an error */
	localparam [RING_AW-1:0] RING_END = RING_LINES * MAX_W;
	localparam [X_W-1:0] PPC_X = PPC[X_W-1:0];

	reg [1:0]         state_reg;
	reg [X_W-1:0]     x_reg;
	reg [Y_W-1:0]     y_reg;
	reg [Y_W-1:0]     w_reg, h_reg;
	reg [RING_AW-1:0] base_reg;
	reg               overrun_reg;

	wire sof = s_axis_video_tuser;
	/* A start of frame in mid-frame first ends the old frame, unaccepted. */
	wire cut = s_axis_video_tvalid && sof && state_reg == ST_FRAME && !hold;
	assign s_axis_video_tready = !hold && !(sof && (state_reg == ST_FRAME || !be_idle));
	wire take = s_axis_video_tvalid && s_axis_video_tready;

	/* The pixel's frame geometry: a starting frame takes the new size. */
	wire            in_frame = take && (sof || state_reg == ST_FRAME);
	wire [X_W-1:0]  x = sof ? {X_W{1'b0}} : x_reg;
	wire [Y_W-1:0]  y = sof ? {Y_W{1'b0}} : y_reg;
	/* at 2 pixels a beat the width is taken as a multiple of 4 */
	wire [Y_W-1:0]  cfg_w = (PPC == 2) ? {cfg_width[Y_W-1:2], 2'b00} : cfg_width;
	wire [Y_W-1:0]  w = sof ? cfg_w : w_reg;
	wire [Y_W-1:0]  h = sof ? cfg_height : h_reg;
	wire [RING_AW-1:0] base = sof ? {RING_AW{1'b0}} : base_reg;
	localparam [Y_W-1:0] PPC_Y = PPC[Y_W-1:0];
	wire            last_col = ({{Y_W-X_W{1'b0}}, x} == w - PPC_Y);
	wire            short_line = in_frame && s_axis_video_tlast && !last_col;
	wire            long_line = in_frame && !s_axis_video_tlast && last_col;
	wire            line_done = in_frame && s_axis_video_tlast && last_col;
	wire            frame_done = line_done && (y == h - 1'b1);

	assign frame_start = take && sof;
	assign pix_valid = in_frame && !short_line && !long_line;
	assign pix_data = s_axis_video_tdata;
	assign pix_x = x;
	assign pix_y = y;
	assign row = y_reg;
	assign pix_eol = line_done;
	assign frame_width = w;
	assign frame_height = h;

	assign ring_we = pix_valid;
	assign ring_waddr = base + {{RING_AW-X_W{1'b0}}, x};

	assign ev_start = frame_start;
	assign ev_start_overrun = overrun_reg;
	assign ev_fend = frame_done;
	assign ev_abort = cut || short_line || long_line;
	assign ev_abort_flags = cut ? ANPR_END_F_SOF_EARLY[7:0] :
				short_line ? ANPR_END_F_SHORT_LINE[7:0] : ANPR_END_F_LONG_LINE[7:0];
	assign ev_lines = (cut || frame_done) ? (frame_done ? h : y_reg) : y;

	always @(posedge clk) begin
		if (frame_start) begin
			w_reg <= cfg_w;
			h_reg <= cfg_height;
			overrun_reg <= 1'b0;
			sts_frames <= sts_frames + 1;
		end
		if (cut) begin
			state_reg <= ST_DISCARD;
			sts_frames_bad <= sts_frames_bad + 1;
		end
		if (take && !in_frame) begin
			sts_discarded <= sts_discarded + PPC; /* pixels */
			if (state_reg == ST_IDLE)
				overrun_reg <= 1'b1;
		end
		if (in_frame) begin
			state_reg <= ST_FRAME;
			x_reg <= x + PPC_X;
			y_reg <= y;
			base_reg <= base;
			if (short_line || long_line) begin
				state_reg <= ST_DISCARD;
				sts_frames_bad <= sts_frames_bad + 1;
			end else if (line_done) begin
				x_reg <= 0;
				y_reg <= y + 1'b1;
				base_reg <= (base + MAX_W >= RING_END) ? base + MAX_W - RING_END : base + MAX_W;
				if (frame_done) begin
					state_reg <= ST_IDLE;
					sts_frames_ok <= sts_frames_ok + 1;
				end
			end
		end
		if (rst) begin
			state_reg <= ST_IDLE;
			x_reg <= 0;
			y_reg <= 0;
			w_reg <= 0;
			h_reg <= 0;
			base_reg <= 0;
			overrun_reg <= 1'b0;
			sts_frames <= 0;
			sts_frames_ok <= 0;
			sts_frames_bad <= 0;
			sts_discarded <= 0;
		end
	end

`ifdef FORMAL
	/* The input is only taken when the downstream allows it; every pixel
	 * and event comes from a transfer (or, for a cut, an offered SOF). */
	reg f_past_valid = 1'b0;
	always @(posedge clk)
		f_past_valid <= 1'b1;
	always @(*)
		if (!f_past_valid)
			assume(rst);
	always @(*)
		if (f_past_valid && !rst) begin
			if (hold)
				assert(!s_axis_video_tready);
			if (pix_valid || ev_start || ev_fend)
				assert(take);
			if (ev_abort && !take)
				assert(s_axis_video_tvalid && sof && !hold);
			if (s_axis_video_tvalid && sof && !be_idle)
				assert(!s_axis_video_tready);
			/* at two pixels a beat: beats at even x, a line's last at
			 * x mod 4 = 2 (anpr_blocks relies on it) */
			if (PPC == 2 && pix_valid)
				assert(!pix_x[0]);
			if (PPC == 2 && pix_eol)
				assert(pix_x[1:0] == 2'd2);
			assert(!(ev_fend && ev_abort));
		end
	always @(posedge clk)
		if (f_past_valid && !$past(rst))
			cover($past(ev_fend));
`endif

endmodule
`resetall
