`resetall
`timescale 1ns / 1ps
`default_nettype none
/*
 * anpr_usb_crc - one byte into a byte-serial CRC, MSB first, no reflection,
 * no final XOR (docs/usb.md section 3.1). Combinational; the caller holds
 * the running value and its initial value.
 *   WIDTH 8,  POLY 16'h0007: the header's CRC-8 (initial 0)
 *   WIDTH 16, POLY 16'h1021: the payload's CRC-16/CCITT-FALSE (initial 0xFFFF)
 */
module anpr_usb_crc #(
	parameter WIDTH = 16,
	parameter [15:0] POLY = 16'h1021
) (
	input  wire [WIDTH-1:0] crc_in,
	input  wire [7:0]       data,
	output reg  [WIDTH-1:0] crc_out
);

	integer i;

	always @(*) begin
		crc_out = crc_in ^ ({{WIDTH-8{1'b0}}, data} << (WIDTH - 8));
		for (i = 0; i < 8; i = i + 1)
			crc_out = crc_out[WIDTH-1] ? (crc_out << 1) ^ POLY[WIDTH-1:0] : crc_out << 1;
	end

endmodule
`resetall
