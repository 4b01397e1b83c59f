/*
 * transport_model.c - the C model as a pipeline backend.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "anpr/anpr.h"
#include "anpr_model.h"
#include "transport.h"

struct model_state {
	struct anpr_model_params par;
	anpr_model *m;
	uint64_t pixels;
};

static int model_open(void **state, const char *args, char *err, size_t errlen)
{
	struct model_state *s = calloc(1, sizeof(*s));

	if (!s)
		return ANPR_ERR_NOMEM;
	if (anpr_model_params_preset(&s->par, args ? args : "up5k")) {
		snprintf(err, errlen, "model: unknown build preset '%s' (up5k, large)", args);
		free(s);
		return ANPR_ERR_ARG;
	}
	s->m = anpr_model_new(&s->par);
	if (!s->m) {
		free(s);
		return ANPR_ERR_NOMEM;
	}
	*state = s;
	return ANPR_OK;
}

static const struct anpr_model_params *model_params(void *state)
{
	return &((struct model_state *)state)->par;
}

static int model_send_frame(void *state, const uint8_t *px, const struct anpr_model_cfg *cfg)
{
	struct model_state *s = state;

	if (anpr_model_configure(s->m, cfg))
		return ANPR_ERR_ARG;
	anpr_model_push_frame(s->m, px);
	s->pixels += (uint64_t)cfg->width * cfg->height;
	return ANPR_OK;
}

static long model_recv(void *state, uint8_t *buf, size_t cap)
{
	struct model_state *s = state;
	const uint8_t *b;
	size_t n = anpr_model_pending(s->m, &b, NULL);

	if (n > cap)
		n = cap;
	memcpy(buf, b, n);
	anpr_model_consume(s->m, n);
	return (long)n;
}

/* the model runs a frame whole in send_frame: its records are all pending */
static void model_discard(void *state)
{
	struct model_state *s = state;
	const uint8_t *b;

	anpr_model_consume(s->m, anpr_model_pending(s->m, &b, NULL));
}

static uint64_t model_cycles(void *state)
{
	return ((struct model_state *)state)->pixels;
}

static void model_close(void *state)
{
	struct model_state *s = state;

	anpr_model_free(s->m);
	free(s);
}

const struct anpr_transport_ops anpr_transport_model = {
	"model", model_open, model_params, model_send_frame, model_recv, model_cycles, model_close, NULL,
	model_discard,
};
