/*
 * anpr_bridge.h - C model of the board's USB bridge (docs/usb.md): the
 * command parser on the FT245 FIFO from the host, the register file (cfg_*
 * shadows committed by each FRAME command, sts_* read live), the pixel
 * stream into the pipeline (the C model, sim/model) and the device -> host
 * message stream (replies and record chunks). Untimed, like the C model:
 * the reference for the bridge RTL (a later step) and the device behind the
 * emulated FT232H of tests/usb.
 */
#ifndef ANPR_BRIDGE_H
#define ANPR_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "anpr_model.h"

typedef struct anpr_bridge anpr_bridge;

/* A bridge in front of a fresh pipeline of build preset (NULL: "up5k"). */
anpr_bridge *anpr_bridge_new(const char *preset);
void anpr_bridge_free(anpr_bridge *b);

/* Bytes from the host (the FIFO's receive side), processed at once. */
void anpr_bridge_write(anpr_bridge *b, const uint8_t *p, size_t n);

/* Nonzero while a command is partly received (the timeout runs then). */
int anpr_bridge_busy(const anpr_bridge *b);

/* No byte for ANPR_USB_CMD_TIMEOUT_MS while busy: abandon the command,
 * answer ERR TIMEOUT, end a cut frame (the pipeline drops it at once). */
void anpr_bridge_timeout(anpr_bridge *b);

/* Test hook (tests/usb): invert the record byte `after` bytes past the
 * records chunked so far, inside a REC message whose CRC is then right: a
 * bridge whose pipeline sent a malformed record. after < 0: none. */
void anpr_bridge_fault_record(anpr_bridge *b, long after);

/* Test hook (tests/usb): the next candidate record chunked has its plate,
 * crop and character boxes moved dy rows down, the record otherwise well
 * formed (a bridge whose pipeline sent a crop outside the frame). 0: none. */
void anpr_bridge_fault_cand_move(anpr_bridge *b, int dy);

/* Device -> host bytes not yet taken, and taking them. */
size_t anpr_bridge_pending(const anpr_bridge *b, const uint8_t **bytes);
void anpr_bridge_consume(anpr_bridge *b, size_t n);

#endif
