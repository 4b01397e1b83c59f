/*
 * overlay.c - draw the pipeline's candidates on an image (development aid).
 *
 *   overlay IN.png OUT.png [x,y,w,h [zx,zy,zw,zh]]
 *
 * Crop regions are drawn in mid gray, plate boxes in white with a black
 * inner line, character boxes in black, the optional truth box dashed.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/image.h"
#include "anpr/records.h"
#include "anpr_model.h"

static void rect(struct anpr_image *im, int x, int y, int w, int h, int v, int dash)
{
	for (int i = 0; i < w; i++)
		for (int j = 0; j < h; j++) {
			if (i && j && i != w - 1 && j != h - 1)
				continue;
			if (dash && ((i + j) / 3) % 2)
				continue;
			int px = x + i, py = y + j;
			if (px >= 0 && py >= 0 && px < (int)im->width && py < (int)im->height)
				im->pixels[py * im->width + px] = (uint8_t)v;
		}
}

int main(int argc, char **argv)
{
	struct anpr_image img, draw;
	char err[512];
	struct anpr_model_params par;
	struct anpr_model_cfg cfg;
	anpr_model *m;
	const uint8_t *out;
	size_t len, off = 0, used;
	png_image pi;

	if (argc < 3 || anpr_image_load(argv[1], &img, err, sizeof(err))) {
		fprintf(stderr, "usage: overlay IN OUT [x,y,w,h]\n");
		return 2;
	}
	draw = img;
	draw.pixels = malloc(img.width * img.height);
	memcpy(draw.pixels, img.pixels, img.width * img.height);
	anpr_model_params_default(&par);
	m = anpr_model_new(&par);
	anpr_model_cfg_default(&par, &cfg, img.width, img.height);
	anpr_model_configure(m, &cfg);
	anpr_model_push_frame(m, img.pixels);
	len = anpr_model_pending(m, &out, NULL);
	while (off < len) {
		struct anpr_record r;
		const char *why;
		if (anpr_rec_parse(out + off, len - off, &r, &used, &why) != ANPR_REC_OK)
			return 1;
		off += used;
		if (r.type != ANPR_REC_CAND)
			continue;
		struct anpr_rec_cand *c = &r.u.cand;
		printf("cand %u score %u box %u,%u,%u,%u crop %u,%u,%u,%u thr %u flags %u rows %u chars %u\n",
		       c->index, c->score, c->box.x, c->box.y, c->box.w, c->box.h, c->crop.x, c->crop.y,
		       c->crop.w, c->crop.h, c->thresh, c->flags, c->rows, c->nchars);
		rect(&draw, c->crop.x, c->crop.y, c->crop.w, c->crop.h, 128, 0);
		for (int i = 0; i < c->nchars; i++)
			rect(&draw, c->chars[i].x, c->chars[i].y, c->chars[i].w, c->chars[i].h, 0, 0);
		rect(&draw, c->box.x, c->box.y, c->box.w, c->box.h, 255, 0);
	}
	if (argc > 3) {
		int x, y, w, h;
		if (sscanf(argv[3], "%d,%d,%d,%d", &x, &y, &w, &h) == 4)
			rect(&draw, x, y, w, h, 255, 1);
	}
	if (argc > 4) { /* zoom: x,y,w,h region scaled 3x */
		int x, y, w, h, k = 3;
		if (sscanf(argv[4], "%d,%d,%d,%d", &x, &y, &w, &h) == 4) {
			uint8_t *z = malloc((size_t)w * h * k * k);
			for (int j = 0; j < h * k; j++)
				for (int i = 0; i < w * k; i++) {
					int sx = x + i / k, sy = y + j / k;
					z[j * w * k + i] = (sx >= 0 && sy >= 0 && sx < (int)draw.width && sy < (int)draw.height) ? draw.pixels[sy * draw.width + sx] : 0;
				}
			draw.pixels = z;
			draw.width = w * k;
			draw.height = h * k;
		}
	}
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	pi.width = draw.width;
	pi.height = draw.height;
	pi.format = PNG_FORMAT_GRAY;
	png_image_write_to_file(&pi, argv[2], 0, draw.pixels, 0, NULL);
	anpr_model_free(m);
	return 0;
}
