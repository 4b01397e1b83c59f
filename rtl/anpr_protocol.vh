// anpr_protocol.vh - the record stream wire format, as Verilog localparams.
//
// GENERATED from host/include/anpr/protocol.h by tools/gen_protocol_vh.c.
// DO NOT EDIT: change protocol.h and regenerate; the build checks that
// this file matches protocol.h.

// Each module uses only some of the constants.
/* verilator lint_off UNUSEDPARAM */
localparam ANPR_PROTO_VERSION       = 1;

// Record types: first byte of every record.
localparam ANPR_REC_FRAME           = 'hA1; // frame header
localparam ANPR_REC_CAND            = 'hA2; // plate candidate: box, crop pixels, characters
localparam ANPR_REC_END             = 'hA3; // frame trailer with statistics

// Frame header record, ANPR_FRAME_LEN bytes.
localparam ANPR_FRAME_OFF_TYPE      = 0;
localparam ANPR_FRAME_OFF_VERSION   = 1;
localparam ANPR_FRAME_OFF_FRAME     = 2; // u16 frame number, counts every SOF
localparam ANPR_FRAME_OFF_WIDTH     = 4; // u16 configured width
localparam ANPR_FRAME_OFF_HEIGHT    = 6;
localparam ANPR_FRAME_OFF_TIME      = 8; // u32 cycle counter at start of frame
localparam ANPR_FRAME_LEN           = 12;

// Candidate record: fixed part, then crop_w*crop_h pixels (row-major),
// then the segmentation part.
localparam ANPR_CAND_OFF_TYPE       = 0;
localparam ANPR_CAND_OFF_INDEX      = 1; // u8 candidate number within the frame
localparam ANPR_CAND_OFF_FRAME      = 2; // u16 frame number
localparam ANPR_CAND_OFF_SCORE      = 4; // u16 edge score, higher = more plate-like
localparam ANPR_CAND_OFF_BOX_X      = 6; // u16 x4 plate box in frame pixels
localparam ANPR_CAND_OFF_BOX_Y      = 8;
localparam ANPR_CAND_OFF_BOX_W      = 10;
localparam ANPR_CAND_OFF_BOX_H      = 12;
localparam ANPR_CAND_OFF_CROP_X     = 14; // u16 x4 crop region in frame pixels
localparam ANPR_CAND_OFF_CROP_Y     = 16;
localparam ANPR_CAND_OFF_CROP_W     = 18;
localparam ANPR_CAND_OFF_CROP_H     = 20;
localparam ANPR_CAND_OFF_THRESH     = 22; // u8 binarisation threshold used
localparam ANPR_CAND_OFF_FLAGS      = 23; // u8 ANPR_CAND_F_*
localparam ANPR_CAND_HDR_LEN        = 24;
// Segmentation part, after the pixels: u8 rows, u8 nchars, then nchars
// character boxes of ANPR_CHAR_LEN bytes (u16 x, y, w, h in frame pixels),
// top row first, left to right.
localparam ANPR_SEG_HDR_LEN         = 2;
localparam ANPR_CHAR_LEN            = 8;
localparam ANPR_MAX_CHARS           = 16;

localparam ANPR_CAND_F_INVERTED     = 1; // light characters on a dark plate
localparam ANPR_CAND_F_TWO_ROW      = 2; // characters found on two rows
// The crop region: the component's block box grown by these margins, in
// pixels, clipped to the frame and cut to the rows the FPGA still holds.
localparam ANPR_CROP_MARGIN_X       = 8; // left and right
localparam ANPR_CROP_MARGIN_ABOVE   = 4; // above (12 was tried: docs/PERFORMANCE.md section R)
localparam ANPR_CROP_MARGIN_BELOW   = 4; // below

// Frame trailer record, ANPR_END_LEN bytes.
localparam ANPR_END_OFF_TYPE        = 0;
localparam ANPR_END_OFF_FLAGS       = 1; // u8 ANPR_END_F_*
localparam ANPR_END_OFF_FRAME       = 2; // u16 frame number
localparam ANPR_END_OFF_FOUND       = 4; // u16 components closed in this frame
localparam ANPR_END_OFF_EMITTED     = 6; // u8 candidate records sent
localparam ANPR_END_OFF_DROPPED     = 7; // u8 candidates that passed the filter but were not sent
localparam ANPR_END_OFF_LINES       = 8; // u16 lines received
localparam ANPR_END_OFF_ERRORS      = 10; // u16 stream errors in this frame
localparam ANPR_END_LEN             = 12;

localparam ANPR_END_F_SOF_EARLY     = 1; // a new start of frame cut this frame off
localparam ANPR_END_F_SHORT_LINE    = 2; // tlast before the configured width
localparam ANPR_END_F_LONG_LINE     = 4; // no tlast at the configured width
localparam ANPR_END_F_TABLE_FULL    = 8; // component table overflowed; runs lost
localparam ANPR_END_F_OVERRUN       = 16; // pixels arrived outside a frame (before this SOF) and were discarded

// Register defaults (docs/registers.md), those that depend neither on the
// build nor on the frame size: anpr_model_cfg_default, the board top's tied
// configuration and the USB bridge's register file all take them from here.
localparam ANPR_CFG_DEF_EDGE_THR    = 32;
localparam ANPR_CFG_DEF_EDGE_K      = 0;
localparam ANPR_CFG_DEF_EDGE_BIAS   = 0;
localparam ANPR_CFG_DEF_BLOCK_THR   = 8;
localparam ANPR_CFG_DEF_RUN_GAP     = 2;
localparam ANPR_CFG_DEF_MIN_RUN     = 3;
localparam ANPR_CFG_DEF_LINK_TOL    = 3;
localparam ANPR_CFG_DEF_MIN_W       = 32;
localparam ANPR_CFG_DEF_MIN_H       = 8;
localparam ANPR_CFG_DEF_MIN_ASPECT4 = 5;
localparam ANPR_CFG_DEF_MAX_ASPECT  = 12;
localparam ANPR_CFG_DEF_MIN_SCORE   = 150; // 60 until session 7: docs/registers.md note 4
localparam ANPR_CFG_DEF_MAX_CANDS   = 8;
// The detection region (cfg_roi_*): edges count only in blocks that start
// inside [x0, x1) x [y0, y1); the defaults take the whole of any frame.
localparam ANPR_CFG_DEF_ROI_X0      = 0;
localparam ANPR_CFG_DEF_ROI_Y0      = 0;
localparam ANPR_CFG_DEF_ROI_X1      = 4095;
localparam ANPR_CFG_DEF_ROI_Y1      = 4095;
/* verilator lint_on UNUSEDPARAM */

