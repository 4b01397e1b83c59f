/*
 * transport_sim.c - the Verilated RTL as a pipeline backend: pixels go in
 * one per cycle as the RTL takes them, the output is always ready.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "anpr/anpr.h"
#include "anpr_sim.h"
#include "transport.h"

struct sim_state {
	anpr_sim *sim;
	struct anpr_model_params par;
	const uint8_t *px; /* the frame being sent (the caller's, valid until recv returns 0) */
	size_t n, i;
	unsigned w;
	unsigned quiet;
};

static int sim_open(void **state, const char *args, char *err, size_t errlen)
{
	struct sim_state *s;

	if (args && strcmp(args, "up5k")) {
		snprintf(err, errlen, "sim: this build has the up5k RTL only (asked for '%s')", args);
		return ANPR_ERR_UNSUPPORTED;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return ANPR_ERR_NOMEM;
	s->sim = anpr_sim_new(NULL);
	if (!s->sim) {
		free(s);
		return ANPR_ERR_NOMEM;
	}
	anpr_sim_params(&s->par);
	*state = s;
	return ANPR_OK;
}

static const struct anpr_model_params *sim_params(void *state)
{
	return &((struct sim_state *)state)->par;
}

static int sim_send_frame(void *state, const uint8_t *px, const struct anpr_model_cfg *cfg)
{
	struct sim_state *s = state;

	anpr_sim_configure(s->sim, cfg);
	s->px = px;
	s->n = (size_t)cfg->width * cfg->height;
	s->i = 0;
	s->w = cfg->width;
	s->quiet = 0;
	return ANPR_OK;
}

static long sim_recv(void *state, uint8_t *buf, size_t cap)
{
	struct sim_state *s = state;
	size_t got = 0;

	while (got < cap) {
		struct anpr_sim_in in = {0, 0, 0, 0, 1};
		struct anpr_sim_out out;
		int idle;
		struct anpr_model_status st;

		if (s->i < s->n) {
			in.valid = 1;
			in.data = s->px[s->i];
			in.sof = s->i == 0;
			in.eol = s->i % s->w == s->w - 1;
		}
		anpr_sim_step(s->sim, &in, &out);
		if (out.taken)
			s->i++;
		if (out.tvalid) {
			buf[got++] = out.tdata;
			s->quiet = 0;
			continue;
		}
		anpr_sim_status(s->sim, &st, &idle);
		if (s->i == s->n && idle && ++s->quiet > 8)
			break;
	}
	return (long)got;
}

/* the rest of the frame through the RTL, its records dropped: the next
 * frame starts on an idle pipeline */
static void sim_discard(void *state)
{
	uint8_t scratch[4096];

	while (sim_recv(state, scratch, sizeof(scratch)) > 0)
		;
}

static uint64_t sim_cycles(void *state)
{
	return anpr_sim_cycles(((struct sim_state *)state)->sim);
}

static void sim_close(void *state)
{
	struct sim_state *s = state;

	anpr_sim_free(s->sim);
	free(s);
}

const struct anpr_transport_ops anpr_transport_sim = {
	"sim", sim_open, sim_params, sim_send_frame, sim_recv, sim_cycles, sim_close, NULL, sim_discard,
};
