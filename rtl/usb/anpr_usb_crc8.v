`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_crc8 - one byte into the USB frame header's CRC-8 (docs/usb.md
 * section 3.1): polynomial 0x07, MSB first, no reflection, no final XOR.
 * Combinational; the caller holds the running value (initial 0).
 */
module anpr_usb_crc8 (
	input  wire [7:0] crc_in,
	input  wire [7:0] data,
	output reg  [7:0] crc_out
);

	integer i;

	always @(*) begin
		crc_out = crc_in ^ data;
		for (i = 0; i < 8; i = i + 1)
			crc_out = crc_out[7] ? {crc_out[6:0], 1'b0} ^ 8'h07 : {crc_out[6:0], 1'b0};
	end

endmodule
`resetall
