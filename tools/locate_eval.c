/*
 * locate_eval.c - localisation recall of the pipeline (C model) on scenes
 * with ground-truth plate boxes.
 *
 *   locate_eval [--preset up5k|large] [--verbose] [--list] [--set name=value ...] DIR...
 *
 * Each DIR holds PNG images and truth.csv (file,plate_text,x,y,w,h). A plate
 * counts as found when one emitted candidate box has IoU >= 0.5 with its
 * truth box. Prints one line per DIR and a total; exit 0. --verbose lists the
 * misses (twice: every candidate, three times: box errors); --list prints one
 * line per plate, "hit" or "miss", file and best IoU, to compare two runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anpr/image.h"
#include "anpr/pipe.h" /* ANPR_MAX_LINES */
#include "anpr/records.h"
#include "anpr/usbwire.h" /* anpr_usb_cfg_regs: the registers by name */
#include "anpr_model.h"

static double iou(const struct anpr_box *a, int bx, int by, int bw, int bh)
{
	struct anpr_box b = {(uint16_t)bx, (uint16_t)by, (uint16_t)bw, (uint16_t)bh};
	double inter = (double)anpr_box_overlap(a, &b);

	return inter ? inter / ((double)a->w * a->h + (double)bw * bh - inter) : 0;
}

struct setting {
	unsigned reg; /* index into anpr_usb_cfg_regs */
	unsigned value;
};

static void apply(struct anpr_model_cfg *c, const struct setting *s, int n)
{
	for (int i = 0; i < n; i++)
		*anpr_usb_cfg_field(c, s[i].reg) = s[i].value;
}

int main(int argc, char **argv)
{
	struct setting set[32];
	int nset = 0, verbose = 0, list = 0, total = 0, hit = 0, a;
	long cands = 0, frames = 0;
	double secs = 0;
	struct anpr_model_params par;

	anpr_model_params_default(&par);
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--preset") && a + 1 < argc) {
			if (anpr_model_params_preset(&par, argv[++a])) {
				fprintf(stderr, "locate_eval: unknown preset %s\n", argv[a]);
				return 2;
			}
		} else if (!strcmp(argv[a], "--verbose")) {
			verbose++;
		} else if (!strcmp(argv[a], "--list")) {
			list = 1;
		} else if (!strcmp(argv[a], "--set") && a + 1 < argc) {
			char *eq = strchr(argv[++a], '=');
			int r;

			if (!eq || nset == 32) {
				fprintf(stderr, "locate_eval: --set needs name=value\n");
				return 2;
			}
			*eq = 0;
			r = anpr_usb_cfg_find(argv[a]);
			if (r < 2) { /* width and height are each frame's */
				fprintf(stderr, "locate_eval: --set %s: no such register (docs/registers.md)\n", argv[a]);
				return 2;
			}
			set[nset].reg = (unsigned)r;
			set[nset++].value = (unsigned)strtoul(eq + 1, NULL, 0);
		} else {
			break;
		}
	}
	for (; a < argc; a++) {
		char path[4096], line[1024];
		FILE *f;
		int stotal = 0, shit = 0;

		snprintf(path, sizeof(path), "%s/truth.csv", argv[a]);
		f = fopen(path, "r");
		if (!f) {
			fprintf(stderr, "locate_eval: %s: cannot open\n", path);
			return 1;
		}
		fgets(line, sizeof(line), f);
		while (fgets(line, sizeof(line), f)) {
			char file[512], text[64];
			int tx, ty, tw, th, found = 0;
			double best = 0;
			struct anpr_box bb = {0, 0, 0, 0};
			struct anpr_image img;
			char err[600];
			anpr_model *m;
			struct anpr_model_cfg cfg;
			const uint8_t *out;
			size_t len, off = 0;
			struct timespec t0, t1;
			unsigned k;

			if (sscanf(line, "%511[^,],%63[^,],%d,%d,%d,%d", file, text, &tx, &ty, &tw, &th) != 6)
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[a], file);
			if (anpr_image_load(path, &img, err, sizeof(err))) {
				fprintf(stderr, "locate_eval: %s\n", err);
				continue;
			}
			/* a frame larger than the build is binned, as the host does
			 * (anpr_pipe_run), and the boxes scaled back */
			k = anpr_image_bin_to_fit(&img, par.max_width, ANPR_MAX_LINES);
			if (!k) {
				fprintf(stderr, "locate_eval: out of memory\n");
				return 1;
			}
			if (k > 1)
				fprintf(stderr, "locate_eval: %s: binned %ux%u, as the host does for a frame larger than the build\n",
					path, k, k);
			m = anpr_model_new(&par);
			anpr_model_cfg_default(&par, &cfg, img.width, img.height);
			apply(&cfg, set, nset);
			if (!m || anpr_model_configure(m, &cfg)) {
				/* a frame the build cannot take: a miss */
				fprintf(stderr, "locate_eval: %s: %ux%u does not fit this build\n", path,
					img.width, img.height);
				anpr_model_free(m);
				anpr_image_free(&img);
				if (list)
					printf("miss %s/%s 0.00\n", argv[a], file);
				stotal++;
				continue;
			}
			clock_gettime(CLOCK_MONOTONIC, &t0);
			anpr_model_push_frame(m, img.pixels);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			secs += (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
			frames++;
			len = anpr_model_pending(m, &out, NULL);
			while (off < len) {
				struct anpr_record rec;
				size_t used;
				const char *why;

				if (anpr_rec_parse(out + off, len - off, &rec, &used, &why) != ANPR_REC_OK) {
					fprintf(stderr, "locate_eval: %s: bad record at %zu\n", path, off);
					return 1;
				}
				off += used;
				if (rec.type != ANPR_REC_CAND)
					continue;
				cands++;
				anpr_box_scale(&rec.u.cand.box, k);
				anpr_box_scale(&rec.u.cand.crop, k);
				double v = iou(&rec.u.cand.box, tx, ty, tw, th);
				if (v > best) {
					best = v;
					bb = rec.u.cand.box;
				}
				if (verbose > 1)
					printf("    cand %d score %d box %d,%d,%d,%d crop %d,%d,%d,%d iou %.2f\n",
					       rec.u.cand.index, rec.u.cand.score, rec.u.cand.box.x,
					       rec.u.cand.box.y, rec.u.cand.box.w, rec.u.cand.box.h,
					       rec.u.cand.crop.x, rec.u.cand.crop.y, rec.u.cand.crop.w,
					       rec.u.cand.crop.h, v);
			}
			found = best >= 0.5;
			if (verbose > 2 && best > 0)
				printf("err %s %.3f %.3f %.3f %.3f iou %.2f\n", file, (double)(bb.x - tx) / tw,
				       (double)(bb.x + bb.w - tx - tw) / tw, (double)(bb.y - ty) / th,
				       (double)(bb.y + bb.h - ty - th) / th, best);
			stotal++;
			shit += found;
			if (list)
				printf("%s %s/%s %.2f\n", found ? "hit " : "miss", argv[a], file, best);
			if (verbose && !found)
				printf("  miss %s truth %d,%d,%d,%d best iou %.2f\n", file, tx, ty, tw, th, best);
			anpr_model_free(m);
			anpr_image_free(&img);
		}
		fclose(f);
		printf("%-40s recall %3d/%3d = %5.1f%%\n", argv[a], shit, stotal,
		       stotal ? 100.0 * shit / stotal : 0);
		total += stotal;
		hit += shit;
	}
	printf("total recall %d/%d = %.1f%%, %.2f candidates/frame, model %.2f ms/frame\n", hit, total,
	       total ? 100.0 * hit / total : 0, frames ? (double)cands / frames : 0,
	       frames ? 1e3 * secs / frames : 0);
	return 0;
}
