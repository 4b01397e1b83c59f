`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_blocks - edge counts per 8x4 block and the runs of hot blocks.
 *
 * Gradient rows are grouped four at a time into block rows (row 0 has no
 * gradient, so block row 0 has three). A RAM holds, per block column, the
 * edge count so far in the current block row; each gradient row adds its
 * count when it leaves the block (column 8k+7, or W-2 at the end of the
 * line). On the last gradient row of a block row (g mod 4 = 3, or g = H-2)
 * the block's final count goes to the run detector instead:
 *
 *   a block is hot when count >= cfg_block_thr and its first pixel
 *   (8 bx, 4 by) lies in the detection region [cfg_roi_x0, cfg_roi_x1) x
 *   [cfg_roi_y0, cfg_roi_y1); hot blocks at most
 *   cfg_run_gap cool blocks apart form a run; a run of at least
 *   cfg_min_run blocks (first to last hot block) is sent as an event.
 *
 * A block finishing mid-line can end the previous run (run_a); the end of
 * the line ends the open run (run_b) and the block row (rowend). Blocks
 * after column W-2 hold no gradient and so cannot change a run: they are
 * not visited.
 *
 * At PPC = 2 a beat's two decisions (columns x-1 and x, x even) count
 * together; where x-1 ends a block (x = 8k) the second starts the next
 * one. The framer keeps the line a multiple of 4 pixels, so a line's last
 * beat (x = W-2, not 8k) never also ends the block before: a block ends
 * at most once a beat, as at one pixel a clock.
 *
 * Ports
 *   e_*      edge decisions from anpr_sobel, a cycle after their beat
 *   pix_*    the accepted pixel (take): position, eol = it completes its
 *            line; the runs and row ends of a pixel come a cycle after it
 *   run_*    run events: blocks x0..x1 of block row by, edge sum; run_a
 *            carries its run (run_a_x0, run_a_x1, run_a_sum), run_b's is in
 *            those same registers from the next cycle on (the front end is
 *            held until anpr_evq has queued it)
 */
module anpr_blocks #(
	parameter PPC = 1,
	parameter X_W = 11,
	parameter Y_W = 12,
	parameter MAX_W = 1280
) (
	input  wire             clk,
	input  wire             take,
	input  wire             e_valid,
	input  wire [PPC-1:0]   e_bit,
	input  wire [X_W-1:0]   pix_x,
	input  wire [Y_W-1:0]   pix_y,
	input  wire             pix_eol,
	input  wire [Y_W-1:0]   frame_height,
	input  wire [5:0]       cfg_block_thr,
	input  wire [1:0]       cfg_run_gap,
	input  wire [3:0]       cfg_min_run,
	input  wire [11:0]      cfg_roi_x0,
	input  wire [11:0]      cfg_roi_y0,
	input  wire [11:0]      cfg_roi_x1,
	input  wire [11:0]      cfg_roi_y1,

	output wire             run_a,
	output wire [X_W-4:0]   run_a_x0,
	output wire [X_W-4:0]   run_a_x1,
	output wire [15:0]      run_a_sum,
	output wire             run_b,
	output wire             rowend,
	output wire [Y_W-3:0]   run_by
);

	localparam BX_W = X_W - 3;
	localparam NBX = (MAX_W + 7) / 8;

	wire [5:0] acc_rd;
	reg  [5:0] rowsum_reg;

	/* The pixel stage (timing): e_valid and e_bit come from anpr_sobel a
	 * cycle after their pixel was accepted; what the blocks need of the
	 * pixel's gradient position (e_col, e_row = x - 1, y - 1: its block,
	 * the flags below) and its line end are registered here when it is
	 * taken. The last gradient column (W - 2) is the pixel that ends its
	 * line. */
	reg [X_W-4:0] bx_reg; /* the block column, e_col / 8 */
	reg [Y_W-3:0] by_reg; /* the block row, e_row / 4 */
	reg           eol_reg, first_col, first_row, last_row, col7_reg;
	reg           roi_reg;  /* the block's first pixel is in the detection region */
	wire [BX_W-1:0]  bx_take = pix_x[X_W-1:3] - {{BX_W-1{1'b0}}, pix_x[2:0] == 3'd0};
	wire [Y_W-3:0]   by_take = pix_y[Y_W-1:2] - {{Y_W-3{1'b0}}, pix_y[1:0] == 2'd0};
	wire [12:0]      roi_bx = {{13-X_W{1'b0}}, bx_take, 3'd0};
	wire [12:0]      roi_by = {{13-Y_W{1'b0}}, by_take, 2'd0};
	always @(posedge clk)
		if (take) begin
			bx_reg <= bx_take;
			by_reg <= by_take;
			roi_reg <= roi_bx >= {1'b0, cfg_roi_x0} && roi_bx < {1'b0, cfg_roi_x1} &&
				   roi_by >= {1'b0, cfg_roi_y0} && roi_by < {1'b0, cfg_roi_y1};
			eol_reg <= pix_eol;
			/* e_col == 1; e_row mod 4 == 0 or e_row == 1; e_row mod 4 == 3
			 * or the frame's last gradient row; e_col mod 8 == 7 */
			first_col <= (pix_x == 2);
			first_row <= (pix_y[1:0] == 2'd1) || (pix_y == 2);
			last_row <= (pix_y[1:0] == 2'd0) || (pix_y == frame_height - 1'b1);
			col7_reg <= (pix_x[2:0] == 3'd0);
		end
	wire block_end = e_valid && (col7_reg || eol_reg);
	wire [5:0] count0 = (first_row ? 6'd0 : acc_rd) + (first_col ? 6'd0 : rowsum_reg);
	wire [5:0] count;        /* the count of the block that ends */
	wire [5:0] rowsum_next;  /* this gradient row's count so far in the block that goes on */
	wire       hot_count;    /* count >= cfg_block_thr */
	generate
		if (PPC == 1) begin : g_one
			/* The edge bit is the pixel path's last signal (timing): the
			 * sums and tests are formed without it and it selects between
			 * them. */
			wire [5:0] row_total = (first_col ? 6'd0 : rowsum_reg) + {5'd0, e_bit};
			assign count = count0 + {5'd0, e_bit};
			assign rowsum_next = block_end ? 6'd0 : row_total;
			/* count >= thr as count0 >= thr, or count0 + 1 >= thr with an edge */
			assign hot_count = e_bit ? ({1'b0, count0} + 7'd1 >= {1'b0, cfg_block_thr}) :
					   (count0 >= cfg_block_thr);
		end else begin : g_two
			/* e_bit[0] is column x-1, which may end a block (x = 8k);
			 * e_bit[1] column x, in the same block but at x = 8k */
			wire [5:0] two = {5'd0, e_bit[0]} + {5'd0, e_bit[1]};
			assign count = count0 + (eol_reg ? two : {5'd0, e_bit[0]});
			assign rowsum_next = eol_reg ? 6'd0 : col7_reg ? {5'd0, e_bit[1]} :
					     (first_col ? 6'd0 : rowsum_reg) + two;
			assign hot_count = count >= cfg_block_thr;
		end
	endgenerate
	wire [BX_W-1:0] bx = bx_reg;

	/* The block of the pixel taken (x - 1's), read as it is taken, for
	 * its decision a cycle later: at x = 8k + 1 .. 8k + 7 that is block
	 * x / 8; at x = 8k it is block k - 1, read by the pixel before (x - 1),
	 * which the register still holds. A block's count is written by its
	 * last column's decision, a cycle before the next block's first read. */
	anpr_ram_sdp #(.DATA_W(6), .ADDR_W(BX_W), .DEPTH(NBX)) acc (
		.clk(clk), .we(block_end && !last_row), .waddr(bx), .wdata(count),
		.re(take && pix_x[2:0] != 3'd0), .raddr(pix_x[X_W-1:3]), .rdata(acc_rd)
	);

	always @(posedge clk)
		if (e_valid)
			rowsum_reg <= rowsum_next;

	/* ---- runs along the last gradient row of a block row ---- */
	reg              open_reg;
	reg [BX_W-1:0]   x0_reg, last_reg;
	reg [15:0]       sum_reg;

	wire final_blk = block_end && last_row;
	wire hot = final_blk && roi_reg && hot_count;
	wire open_now = open_reg && !first_col;     /* a new line starts closed */
	wire near = open_now && ({1'b0, bx} - {1'b0, last_reg} <= {{BX_W-1{1'b0}}, cfg_run_gap} + {{BX_W{1'b0}}, 1'b1});
	wire extend = hot && near;
	wire restart = hot && !near;
	wire long_enough = ({1'b0, last_reg} - {1'b0, x0_reg} + 1'b1) >= {{BX_W-3{1'b0}}, cfg_min_run};
	/* long_n's cases: a restarted run is one block, an extended one ends at bx */
	wire long_one = (cfg_min_run <= 4'd1);
	wire long_ext = ({1'b0, bx} - {1'b0, x0_reg} + 1'b1) >= {{BX_W-3{1'b0}}, cfg_min_run};

	assign run_a = restart && open_now && long_enough;
	assign run_a_x0 = x0_reg;
	assign run_a_x1 = last_reg;
	assign run_a_sum = sum_reg;

	/* state after this block */
	wire            open_n = restart ? 1'b1 : open_now;
	wire [BX_W-1:0] x0_n = restart ? bx : x0_reg;
	wire [BX_W-1:0] last_n = hot ? bx : last_reg;
	wire [15:0]     sum_n = restart ? {10'd0, count} : extend ? sum_reg + {10'd0, count} : sum_reg;
	wire            long_n = restart ? long_one : hot ? long_ext : long_enough;
	wire            row_done = e_valid && last_row && eol_reg;

	assign rowend = row_done;
	assign run_b = row_done && open_n && long_n;
	assign run_by = by_reg;

	always @(posedge clk)
		if (e_valid && last_row) begin
			open_reg <= row_done ? 1'b0 : open_n;
			x0_reg <= x0_n;
			last_reg <= last_n;
			sum_reg <= sum_n;
		end

endmodule
`resetall
