/*
 * anpr/protocol.h - the wire format between the FPGA pipeline and the host.
 *
 * This is the one definition of the record stream. The C model (sim/model),
 * the host reader (host/src) and the RTL (rtl/anpr_protocol.vh, generated from
 * this file by tools/gen_protocol_vh.c) all take their constants from here;
 * `make test` regenerates the Verilog include and fails if it has drifted.
 *
 * The stream is a byte stream (AXI4-Stream, 8-bit tdata). Every record ends
 * with tlast on its final byte. Multi-byte fields are little-endian.
 * docs/protocol.md has the field tables and timing diagrams.
 *
 * Only `#define NAME value` lines with integer values are allowed between the
 * GENERATE markers: the generator turns each into a Verilog localparam.
 */
#ifndef ANPR_PROTOCOL_H
#define ANPR_PROTOCOL_H

/* GENERATE BEGIN */
#define ANPR_PROTO_VERSION 1

/* Record types: first byte of every record. */
#define ANPR_REC_FRAME 0xA1 /* frame header */
#define ANPR_REC_CAND 0xA2  /* plate candidate: box, crop pixels, characters */
#define ANPR_REC_END 0xA3   /* frame trailer with statistics */

/* Frame header record, ANPR_FRAME_LEN bytes. */
#define ANPR_FRAME_OFF_TYPE 0
#define ANPR_FRAME_OFF_VERSION 1
#define ANPR_FRAME_OFF_FRAME 2 /* u16 frame number, counts every SOF */
#define ANPR_FRAME_OFF_WIDTH 4 /* u16 configured width */
#define ANPR_FRAME_OFF_HEIGHT 6
#define ANPR_FRAME_OFF_TIME 8 /* u32 cycle counter at start of frame */
#define ANPR_FRAME_LEN 12

/* Candidate record: fixed part, then crop_w*crop_h pixels (row-major),
 * then the segmentation part. */
#define ANPR_CAND_OFF_TYPE 0
#define ANPR_CAND_OFF_INDEX 1 /* u8 candidate number within the frame */
#define ANPR_CAND_OFF_FRAME 2 /* u16 frame number */
#define ANPR_CAND_OFF_SCORE 4 /* u16 edge score, higher = more plate-like */
#define ANPR_CAND_OFF_BOX_X 6 /* u16 x4 plate box in frame pixels */
#define ANPR_CAND_OFF_BOX_Y 8
#define ANPR_CAND_OFF_BOX_W 10
#define ANPR_CAND_OFF_BOX_H 12
#define ANPR_CAND_OFF_CROP_X 14 /* u16 x4 crop region in frame pixels */
#define ANPR_CAND_OFF_CROP_Y 16
#define ANPR_CAND_OFF_CROP_W 18
#define ANPR_CAND_OFF_CROP_H 20
#define ANPR_CAND_OFF_THRESH 22 /* u8 binarisation threshold used */
#define ANPR_CAND_OFF_FLAGS 23  /* u8 ANPR_CAND_F_* */
#define ANPR_CAND_HDR_LEN 24
/* Segmentation part, after the pixels: u8 rows, u8 nchars, then nchars
 * character boxes of ANPR_CHAR_LEN bytes (u16 x, y, w, h in frame pixels),
 * top row first, left to right. */
#define ANPR_SEG_HDR_LEN 2
#define ANPR_CHAR_LEN 8
#define ANPR_MAX_CHARS 16

#define ANPR_CAND_F_INVERTED 1 /* light characters on a dark plate */
#define ANPR_CAND_F_TWO_ROW 2  /* characters found on two rows */
/* The crop region: the component's block box grown by these margins, in
 * pixels, clipped to the frame and cut to the rows the FPGA still holds. */
#define ANPR_CROP_MARGIN_X 8      /* left and right */
#define ANPR_CROP_MARGIN_ABOVE 4  /* above (12 was tried: docs/PERFORMANCE.md section R) */
#define ANPR_CROP_MARGIN_BELOW 4  /* below */

/* Frame trailer record, ANPR_END_LEN bytes. */
#define ANPR_END_OFF_TYPE 0
#define ANPR_END_OFF_FLAGS 1   /* u8 ANPR_END_F_* */
#define ANPR_END_OFF_FRAME 2   /* u16 frame number */
#define ANPR_END_OFF_FOUND 4   /* u16 components closed in this frame */
#define ANPR_END_OFF_EMITTED 6 /* u8 candidate records sent */
#define ANPR_END_OFF_DROPPED 7 /* u8 candidates that passed the filter but were not sent */
#define ANPR_END_OFF_LINES 8   /* u16 lines received */
#define ANPR_END_OFF_ERRORS 10 /* u16 stream errors in this frame */
#define ANPR_END_LEN 12

#define ANPR_END_F_SOF_EARLY 1  /* a new start of frame cut this frame off */
#define ANPR_END_F_SHORT_LINE 2 /* tlast before the configured width */
#define ANPR_END_F_LONG_LINE 4  /* no tlast at the configured width */
#define ANPR_END_F_TABLE_FULL 8 /* component table overflowed; runs lost */
#define ANPR_END_F_OVERRUN 16   /* pixels arrived outside a frame (before this SOF) and were discarded */

/* Register defaults (docs/registers.md), those that depend neither on the
 * build nor on the frame size: anpr_model_cfg_default, the board top's tied
 * configuration and the USB bridge's register file all take them from here. */
#define ANPR_CFG_DEF_EDGE_THR 32
#define ANPR_CFG_DEF_EDGE_K 0
#define ANPR_CFG_DEF_EDGE_BIAS 0
#define ANPR_CFG_DEF_BLOCK_THR 8
#define ANPR_CFG_DEF_RUN_GAP 2
#define ANPR_CFG_DEF_MIN_RUN 3
#define ANPR_CFG_DEF_LINK_TOL 3
#define ANPR_CFG_DEF_MIN_W 32
#define ANPR_CFG_DEF_MIN_H 8
#define ANPR_CFG_DEF_MIN_ASPECT4 5
#define ANPR_CFG_DEF_MAX_ASPECT 12
#define ANPR_CFG_DEF_MIN_SCORE 150 /* 60 until session 7: docs/registers.md note 4 */
#define ANPR_CFG_DEF_MAX_CANDS 8
/* The detection region (cfg_roi_*): edges count only in blocks that start
 * inside [x0, x1) x [y0, y1); the defaults take the whole of any frame. */
#define ANPR_CFG_DEF_ROI_X0 0
#define ANPR_CFG_DEF_ROI_Y0 0
#define ANPR_CFG_DEF_ROI_X1 4095
#define ANPR_CFG_DEF_ROI_Y1 4095
/* GENERATE END */

#endif /* ANPR_PROTOCOL_H */
