// anpr_cfg_defaults.vh - the register defaults of anpr_protocol.vh
// (ANPR_CFG_DEF_*, from host/include/anpr/protocol.h) at the widths of the
// pipeline's cfg_* ports, for a module that ties or resets cfg_* to them:
// the board top (rtl/board/anpr_icebreaker.v) and the USB bridge's register
// file (rtl/usb/anpr_usb_bridge.v). Include it in the module body, after
// anpr_protocol.vh. tests/unit/test_model.c checks that each D_X is its own
// port's default.
localparam [7:0]  D_EDGE_THR = ANPR_CFG_DEF_EDGE_THR;
localparam [7:0]  D_EDGE_K = ANPR_CFG_DEF_EDGE_K;
localparam [7:0]  D_EDGE_BIAS = ANPR_CFG_DEF_EDGE_BIAS;
localparam [5:0]  D_BLOCK_THR = ANPR_CFG_DEF_BLOCK_THR;
localparam [1:0]  D_RUN_GAP = ANPR_CFG_DEF_RUN_GAP;
localparam [3:0]  D_MIN_RUN = ANPR_CFG_DEF_MIN_RUN;
localparam [2:0]  D_LINK_TOL = ANPR_CFG_DEF_LINK_TOL;
localparam [11:0] D_MIN_W = ANPR_CFG_DEF_MIN_W;
localparam [11:0] D_MIN_H = ANPR_CFG_DEF_MIN_H;
localparam [7:0]  D_MIN_ASPECT4 = ANPR_CFG_DEF_MIN_ASPECT4;
localparam [7:0]  D_MAX_ASPECT = ANPR_CFG_DEF_MAX_ASPECT;
localparam [15:0] D_MIN_SCORE = ANPR_CFG_DEF_MIN_SCORE;
localparam [3:0]  D_MAX_CANDS = ANPR_CFG_DEF_MAX_CANDS;
localparam [11:0] D_ROI_X0 = ANPR_CFG_DEF_ROI_X0;
localparam [11:0] D_ROI_Y0 = ANPR_CFG_DEF_ROI_Y0;
localparam [11:0] D_ROI_X1 = ANPR_CFG_DEF_ROI_X1;
localparam [11:0] D_ROI_Y1 = ANPR_CFG_DEF_ROI_Y1;
