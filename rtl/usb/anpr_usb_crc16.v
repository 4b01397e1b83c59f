`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_crc16 - one byte into the USB payload's CRC-16/CCITT-FALSE
 * (docs/usb.md section 3.1): polynomial 0x1021, MSB first, no reflection,
 * no final XOR. Combinational; the caller holds the running value
 * (initial 0xFFFF).
 */
module anpr_usb_crc16 (
	input  wire [15:0] crc_in,
	input  wire [7:0]  data,
	output reg  [15:0] crc_out
);

	integer i;

	always @(*) begin
		crc_out = crc_in ^ {data, 8'h00};
		for (i = 0; i < 8; i = i + 1)
			crc_out = crc_out[15] ? {crc_out[14:0], 1'b0} ^ 16'h1021 : {crc_out[14:0], 1'b0};
	end

endmodule
`resetall
