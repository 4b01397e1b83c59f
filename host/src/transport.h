/*
 * transport.h - the backends' operations (private to libanpr).
 */
#ifndef ANPR_TRANSPORT_H
#define ANPR_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

struct anpr_transport_ops {
	const char *name;
	/* Open with the text after "name:" (or NULL). Returns anpr_error. */
	int (*open)(void **state, const char *args, char *err, size_t errlen);
	/* Largest frame width this backend takes. */
	unsigned (*max_width)(void *state);
	/* Queue one well-formed frame (SOF on the first pixel, tlast on the
	 * last of each line), with the default registers for its size. */
	int (*send_frame)(void *state, const uint8_t *px, unsigned w, unsigned h);
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
