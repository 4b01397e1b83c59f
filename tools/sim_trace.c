/*
 * sim_trace.c - one image through the Verilated RTL with a waveform, for lab
 * runs (built with tracing: make build/sim_trace).
 *
 *   sim_trace IN.png|IN.pgm OUT.fst
 *
 * The image goes in as one frame (input always valid, output always ready),
 * then the run continues until the pipeline is idle. Prints the cycle count
 * and the record bytes; exit 0, or 1 on error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "anpr/image.h"
#include "anpr_sim.h"

int main(int argc, char **argv)
{
	struct anpr_image img;
	struct anpr_model_params par;
	struct anpr_model_cfg cfg;
	char err[512];
	anpr_sim *sim;
	size_t i = 0, n, bytes = 0;
	int idle = 0, quiet = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: sim_trace IN.png|IN.pgm OUT.fst\n");
		return 2;
	}
	if (anpr_image_load(argv[1], &img, err, sizeof(err))) {
		fprintf(stderr, "sim_trace: %s\n", err);
		return 1;
	}
	anpr_sim_params(&par);
	if (img.width > par.max_width || img.width < 16 || img.height < 8) {
		fprintf(stderr, "sim_trace: %s: %ux%u does not fit this build (16..%u wide)\n", argv[1],
			img.width, img.height, par.max_width);
		return 1;
	}
	sim = anpr_sim_new(argv[2]);
	if (!sim) {
		fprintf(stderr, "sim_trace: cannot start the simulator with a trace to %s (FST only: name it .fst)\n", argv[2]);
		return 1;
	}
	anpr_model_cfg_default(&par, &cfg, img.width, img.height);
	anpr_sim_configure(sim, &cfg);
	n = (size_t)img.width * img.height;
	while (i < n || !(idle && quiet > 64)) {
		struct anpr_sim_in in = {i < n, i < n ? img.pixels[i] : 0, i == 0, i % img.width == img.width - 1, 1};
		struct anpr_sim_out out;
		struct anpr_model_status st;

		anpr_sim_step(sim, &in, &out);
		i += out.taken;
		bytes += out.tvalid;
		quiet = out.tvalid ? 0 : quiet + 1;
		anpr_sim_status(sim, &st, &idle);
	}
	printf("%s: %ux%u, %llu cycles, %zu record bytes; waveform in %s\n", argv[1], img.width,
	       img.height, (unsigned long long)anpr_sim_cycles(sim), bytes, argv[2]);
	anpr_sim_free(sim);
	anpr_image_free(&img);
	return 0;
}
