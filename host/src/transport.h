/*
 * transport.h - the backends' operations (private to libanpr).
 */
#ifndef ANPR_TRANSPORT_H
#define ANPR_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

struct anpr_model_params;
struct anpr_model_cfg;

struct anpr_transport_ops {
	const char *name;
	/* Open with the text after "name:" (or NULL). Returns anpr_error. */
	int (*open)(void **state, const char *args, char *err, size_t errlen);
	/* The build's sizes (the frame width it takes, its crop sizes), for
	 * the registers' defaults and ranges (anpr_model_cfg_default). */
	const struct anpr_model_params *(*params)(void *state);
	/* Queue one well-formed cfg->width x cfg->height frame (SOF on the
	 * first pixel, tlast on the last of each line) with the registers
	 * cfg, which anpr_model_cfg_check has passed for params(). */
	int (*send_frame)(void *state, const uint8_t *px, const struct anpr_model_cfg *cfg);
	/* Up to cap record bytes produced so far; runs the backend as needed.
	 * Returns the count (0: nothing more will come for what was sent) or a
	 * negative anpr_error. */
	long (*recv)(void *state, uint8_t *buf, size_t cap);
	uint64_t (*cycles)(void *state);
	void (*close)(void *state);
	/* What the last failing call failed on (NULL: the backend has no
	 * detail beyond the anpr_error). */
	const char *(*errmsg)(void *state);
	/* The caller stopped reading the frame sent last (a malformed record,
	 * an error): whatever is left of its records must not reach the next
	 * frame's recv. The frame's pixels are still valid during the call. */
	void (*discard)(void *state);
};

extern const struct anpr_transport_ops anpr_transport_model;
extern const struct anpr_transport_ops anpr_transport_sim; /* NULL ops when not built */
extern const struct anpr_transport_ops anpr_transport_usb; /* the board: transport_usb.c, docs/usb.md */

#endif
