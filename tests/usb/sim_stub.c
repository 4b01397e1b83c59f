/*
 * sim_stub.c - pipe.c lists the sim backend; test_usb is built without the
 * Verilated RTL, so the sim backend here only says so.
 */
#include <stdio.h>

#include "anpr/anpr.h"
#include "transport.h"

static int stub_open(void **state, const char *args, char *err, size_t errlen)
{
	(void)state;
	(void)args;
	snprintf(err, errlen, "sim: not in this test build");
	return ANPR_ERR_UNSUPPORTED;
}

const struct anpr_transport_ops anpr_transport_sim = {"sim", stub_open, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
