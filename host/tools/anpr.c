/*
 * anpr.c - the anpr command-line tool.
 *
 *   anpr locate [--backend model|sim|usb[:ARGS]] [--json] FILE...
 *   anpr locate [--backend ...] [--json] --demo
 *   anpr read [--backend model|sim|usb[:ARGS]] [--country gb|eu|any|br] [--crop] [--json]
 *             [--hotlist [NAME=]FILE]... [hotlist and alert options] (FILE... | --files-from LIST)
 *   anpr classify [--json] FILE...
 *   anpr hotlist check [--strict] [--lookalike CLASSES] [NAME=]FILE...
 *   anpr alerts --connect unix:PATH|tcp:HOST:PORT [--count N] [--retry SECONDS] [--after RUN:SEQ]
 *   anpr demo
 *
 * locate: runs each image (PNG or PGM) through the vision pipeline and
 * prints the plate candidates it emits (box, score, crop, character boxes).
 * --demo uses a generated 1280x720 scene instead of files. demo: the same
 * scene through the C model and the RTL simulation, compared; then a frame
 * of drawn UK plates (sim/plates.h) through the RTL, read and checked
 * against a small hotlist, the alerts printed.
 * read: the registrations in each image (a whole frame, localised on the
 * backend; or with --crop, an image that is already a plate). classify:
 * the character in each single-character tile. The JSON lines of read and
 * classify are a contract (docs/reading.md). With --hotlist, each plate
 * of read's JSON gains its "hits", and a hit raises an alert: a JSON line
 * on stdout and on the alert socket (docs/hotlists.md). hotlist check:
 * validate lists and print their statistics. alerts: subscribe to an
 * alert socket and print its lines.
 * Exit status: 0, or 1 if any file failed (the others are still processed),
 * 2 on bad usage.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "anpr/alert.h"
#include "anpr/anpr.h"
#include "anpr/classify.h"
#include "anpr/grammar.h"
#include "anpr/hotlist.h"
#include "anpr/image.h"
#include "anpr/json.h"
#include "anpr/pipe.h"
#include "anpr/read.h"
#include "anpr/segment.h"
#include "plates.h"
#include "scenes.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void json_str(const char *s)
{
	anpr_json_fput(stdout, s);
}

static void print_result(const char *name, unsigned w, unsigned h,
			 const struct anpr_frame_result *r, double ms, int json)
{
	if (json) {
		printf("{\"file\":");
		json_str(name);
		printf(",\"width\":%u,\"height\":%u,", w, h);
		if (r->scale > 1) /* binned to fit the build: boxes are the frame's own */
			printf("\"scale\":%u,", r->scale);
		printf("\"candidates\":[");
		for (unsigned i = 0; i < r->ncands; i++) {
			const struct anpr_rec_cand *c = &r->cands[i];

			printf("%s{\"score\":%u,\"box\":[%u,%u,%u,%u],\"crop\":[%u,%u,%u,%u],"
			       "\"rows\":%u,\"inverted\":%s,\"chars\":[",
			       i ? "," : "", c->score, c->box.x, c->box.y, c->box.w, c->box.h, c->crop.x,
			       c->crop.y, c->crop.w, c->crop.h, c->rows,
			       (c->flags & ANPR_CAND_F_INVERTED) ? "true" : "false");
			for (unsigned k = 0; k < c->nchars; k++)
				printf("%s[%u,%u,%u,%u]", k ? "," : "", c->chars[k].x, c->chars[k].y,
				       c->chars[k].w, c->chars[k].h);
			printf("]}");
		}
		printf("],\"found\":%u,\"dropped\":%u,\"ms\":%.2f}\n", r->end.found, r->end.dropped, ms);
		return;
	}
	printf("%s: %ux%u, %u candidate(s), %u component(s), %.2f ms", name, w, h, r->ncands,
	       r->end.found, ms);
	if (r->scale > 1)
		printf(" (binned %ux%u to fit the build)", r->scale, r->scale);
	printf("\n");
	for (unsigned i = 0; i < r->ncands; i++) {
		const struct anpr_rec_cand *c = &r->cands[i];

		printf("  #%u score %5u  box %4u,%-4u %3ux%-3u  %s%u row(s), %u character box(es)\n", i,
		       c->score, c->box.x, c->box.y, c->box.w, c->box.h,
		       (c->flags & ANPR_CAND_F_INVERTED) ? "inverted, " : "", c->rows, c->nchars);
	}
}

/* A file that could not be read: a JSON error line, or a message on stderr. */
static void file_error(const char *name, const char *why, int json)
{
	if (json) {
		printf("{\"file\":");
		json_str(name);
		printf(",\"error\":");
		json_str(why);
		printf("}\n");
	} else if (!strncmp(why, name, strlen(name))) { /* the loader's reasons name the file */
		fprintf(stderr, "anpr: %s\n", why);
	} else {
		fprintf(stderr, "anpr: %s: %s\n", name, why);
	}
}

static int usage(void)
{
	fprintf(stderr,
		"usage: anpr locate [--backend model|sim|usb[:ARGS]] [--region X,Y,W,H] [--set NAME=VALUE]... [--json]\n"
		"                   (--demo | FILE...)\n"
		"       anpr read [--backend model|sim|usb[:ARGS]] [--country gb|eu|any|br] [--crop] [--json]\n"
		"                 [--region X,Y,W,H] [--set NAME=VALUE]...\n"
		"                 [--hotlist [NAME=]FILE]... [--strict] [--fuzzy N] [--indel] [--lookalike CLASSES]\n"
		"                 [--hotlist-watch SECONDS] [--camera NAME] [--alert-listen unix:PATH|tcp:HOST:PORT]\n"
		"                 [--alert-holdoff SECONDS] (FILE... | --files-from LIST|-)\n"
		"       anpr classify [--json] FILE...\n"
		"       anpr hotlist check [--strict] [--lookalike CLASSES] [NAME=]FILE...\n"
		"       anpr alerts --connect unix:PATH|tcp:HOST:PORT [--count N] [--retry SECONDS] [--after RUN:SEQ]\n"
		"       anpr demo\n");
	return 2;
}

static void to_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "anpr: %s\n", msg);
}

static void print_box(const struct anpr_box *b)
{
	printf("[%u,%u,%u,%u]", b->x, b->y, b->w, b->h);
}

#define MAX_HITS 8

/* The hits of each plate; hot NULL: no hotlists (no "hits" in the JSON). */
struct plate_hits {
	int n;
	struct anpr_hot_hit hit[MAX_HITS];
};

static void print_hits(const struct plate_hits *ph)
{
	printf(",\"hits\":[");
	for (int k = 0; k < ph->n; k++) {
		const struct anpr_hot_hit *x = &ph->hit[k];

		printf("%s{\"list\":", k ? "," : "");
		json_str(x->list);
		printf(",\"vrm\":");
		json_str(x->vrm);
		printf(",\"category\":");
		json_str(x->category);
		printf(",\"priority\":%d,\"rule\":\"%s\",\"distance\":%d,\"action\":", x->priority,
		       anpr_hot_rule_name(x->rule), x->distance);
		json_str(x->action);
		printf(",\"read\":");
		json_str(x->read);
		printf("}");
	}
	printf("]");
}

static void print_plates(const char *name, unsigned w, unsigned h, unsigned scale, const struct anpr_plate_read *pl,
			 int n, const struct plate_hits *hits, double ms, int json)
{
	int i, k;

	if (!json) {
		if (!n)
			printf("%s: no plate read (%.2f ms)\n", name, ms);
		for (i = 0; i < n; i++) {
			printf("%s: %s  confidence %.3f  box %u,%u %ux%u  %d row(s)  %s", name, pl[i].text,
			       pl[i].confidence, pl[i].box.x, pl[i].box.y, pl[i].box.w, pl[i].box.h, pl[i].rows,
			       pl[i].format);
			for (k = 1; k < pl[i].ncands; k++)
				printf("%s%s %.3f", k == 1 ? "  (or " : ", ", pl[i].cands[k].text,
				       pl[i].cands[k].confidence);
			printf("%s  %.2f ms\n", pl[i].ncands > 1 ? ")" : "", ms);
			for (k = 0; hits && k < hits[i].n; k++)
				printf("  HIT %s: %s (%s, priority %d: %s) by rule %s, distance %d, read as %s\n",
				       hits[i].hit[k].list, hits[i].hit[k].vrm, hits[i].hit[k].category,
				       hits[i].hit[k].priority, hits[i].hit[k].action,
				       anpr_hot_rule_name(hits[i].hit[k].rule), hits[i].hit[k].distance,
				       hits[i].hit[k].read);
		}
		return;
	}
	printf("{\"file\":");
	json_str(name);
	printf(",\"width\":%u,\"height\":%u,", w, h);
	if (scale > 1) /* located on the frame binned to fit the build (as locate says) */
		printf("\"scale\":%u,", scale);
	printf("\"plates\":[");
	for (i = 0; i < n; i++) {
		printf("%s{\"text\":", i ? "," : "");
		json_str(pl[i].text);
		printf(",\"confidence\":%.4f,\"box\":", pl[i].confidence);
		print_box(&pl[i].box);
		printf(",\"rows\":%d,\"format\":", pl[i].rows);
		json_str(pl[i].format);
		printf(",\"candidates\":[");
		for (k = 0; k < pl[i].ncands; k++) {
			printf("%s{\"text\":", k ? "," : "");
			json_str(pl[i].cands[k].text);
			printf(",\"confidence\":%.4f}", pl[i].cands[k].confidence);
		}
		printf("],\"chars\":[");
		for (k = 0; k < pl[i].nchars; k++) {
			printf("%s{\"c\":\"%c\",\"confidence\":%.4f,\"box\":", k ? "," : "", pl[i].chars[k].c,
			       pl[i].chars[k].confidence);
			print_box(&pl[i].chars[k].box);
			printf("}");
		}
		printf("]");
		if (hits)
			print_hits(&hits[i]);
		printf("}");
	}
	printf("],\"ms\":%.2f}\n", ms);
}

/* ---- read: hotlists and alerts ---- */

/* The next file name: argv's, or LIST's lines ("-": stdin). NULL at the end. */
static const char *next_file(FILE *list, char *buf, size_t size, char **argv, int *i, int argc)
{
	if (!list)
		return *i < argc ? argv[(*i)++] : NULL;
	while (fgets(buf, (int)size, list)) {
		size_t n = strlen(buf);

		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = 0;
		if (n)
			return buf;
	}
	return NULL;
}

static int parse_num(const char *opt, const char *arg, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	if (errno || end == arg || *end || *v < lo || *v > hi) {
		fprintf(stderr, "anpr: %s %s: expected a number from %g to %g\n", opt, arg, lo, hi);
		return -1;
	}
	return 0;
}

/* --region X,Y,W,H: the detection region, pixels of the frames as given
 * (anpr_pipe_set_region). Returns 0, or -1 after a message. */
static int parse_region(const char *arg, unsigned r[4])
{
	unsigned long v[4];
	const char *s = arg;
	char *end;
	int k;

	for (k = 0; k < 4; k++) {
		if (!isdigit((unsigned char)*s))
			break;
		errno = 0;
		v[k] = strtoul(s, &end, 10);
		if (errno || v[k] > ANPR_IMAGE_MAX_SIDE || *end != (k < 3 ? ',' : '\0'))
			break;
		s = end + 1;
	}
	if (k < 4 || !v[2] || !v[3] || v[0] + v[2] > ANPR_IMAGE_MAX_SIDE || v[1] + v[3] > ANPR_IMAGE_MAX_SIDE) {
		fprintf(stderr, "anpr: --region %s: expected X,Y,W,H: pixels, W and H at least 1, inside %u x %u\n",
			arg, (unsigned)ANPR_IMAGE_MAX_SIDE, (unsigned)ANPR_IMAGE_MAX_SIDE);
		return -1;
	}
	for (k = 0; k < 4; k++)
		r[k] = (unsigned)v[k];
	return 0;
}

#define MAX_SET 32

/* --set NAME=VALUE: a register in place of its default (anpr_pipe_set_registers
 * checks the name and the value). The name is cut off in arg itself (argv is
 * the program's to change). Returns 0, or -1 after a message. */
static int parse_set(char *arg, struct anpr_pipe_reg *regs, int *n)
{
	char *eq = strchr(arg, '='), *end = NULL;
	unsigned long v = 0;

	errno = 0;
	if (eq && eq[1] == '0' && (eq[2] == 'x' || eq[2] == 'X')) { /* hex after 0x; never octal */
		if (isxdigit((unsigned char)eq[3]))
			v = strtoul(eq + 3, &end, 16);
	} else if (eq && isdigit((unsigned char)eq[1])) {
		v = strtoul(eq + 1, &end, 10);
	}
	if (!eq || eq == arg || !end || errno || *end || v > 0xffffffffUL || *n == MAX_SET) {
		fprintf(stderr, "anpr: --set %s: expected NAME=VALUE, a register of docs/registers.md and a "
				"number (at most %d)\n", arg, MAX_SET);
		return -1;
	}
	*eq = '\0';
	regs[*n].name = arg;
	regs[(*n)++].value = (unsigned)v;
	return 0;
}

/* The --set and --region options onto an open pipe. Returns 0, or 2 (bad
 * usage) after a message. */
static int configure_pipe(anpr_pipe *p, const struct anpr_pipe_reg *regs, int n, const unsigned region[4])
{
	if (n && anpr_pipe_set_registers(p, regs, n)) {
		fprintf(stderr, "anpr: --set: %s\n", anpr_pipe_errmsg(p));
		return 2;
	}
	anpr_pipe_set_region(p, region[0], region[1], region[2], region[3]); /* checked by parse_region */
	return 0;
}

static int read_cmd(int argc, char **argv)
{
	const char *backend = "model", *files_from = NULL, *listen = NULL;
	struct anpr_read_opts opts = {ANPR_COUNTRY_GB, NULL};
	static struct anpr_plate_read plates[ANPR_READ_MAX_PLATES];
	static struct plate_hits hits[ANPR_READ_MAX_PLATES];
	static struct anpr_alerter al;
	anpr_hotlive *live = NULL;
	struct anpr_hot_source src[ANPR_HOT_MAX_LISTS];
	struct anpr_hot_opts hopts;
	int json = 0, crop = 0, status = 0, a, i, rc, nsrc = 0, nset = 0;
	unsigned region[4] = {0, 0, 0, 0};
	struct anpr_pipe_reg sets[MAX_SET];
	double watch = 1, v;
	anpr_pipe *p = NULL;
	FILE *list = NULL;
	char err[512], line[4096];
	const char *file;

	anpr_hot_opts_init(&hopts);
	hopts.report = to_stderr;
	anpr_alerter_init(&al, "cam0", stdout);
	for (a = 0; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		const char *opt = argv[a], *arg = a + 1 < argc ? argv[a + 1] : NULL;

		if (!strcmp(opt, "--crop")) {
			crop = 1;
		} else if (!strcmp(opt, "--json")) {
			json = 1;
		} else if (!strcmp(opt, "--strict")) {
			hopts.strict = 1;
		} else if (!strcmp(opt, "--indel")) {
			hopts.indel = 1;
		} else if (!arg) {
			return usage();
		} else if (a++, !strcmp(opt, "--backend")) {
			backend = arg;
		} else if (!strcmp(opt, "--country")) {
			if (anpr_country_parse(arg, &opts.country)) {
				fprintf(stderr, "anpr: --country %s: expected gb, eu, any or br\n", arg);
				return 2;
			}
		} else if (!strcmp(opt, "--hotlist")) {
			if (nsrc == ANPR_HOT_MAX_LISTS || anpr_hot_source_parse(arg, &src[nsrc])) {
				fprintf(stderr, "anpr: --hotlist %s: expected [NAME=]FILE (at most %d lists, names of "
						"1 to 63 bytes)\n", arg, ANPR_HOT_MAX_LISTS);
				return 2;
			}
			nsrc++;
		} else if (!strcmp(opt, "--fuzzy")) {
			if (parse_num(opt, arg, 0, ANPR_HOT_MAX_VRM, &v) || v != (int)v)
				return 2;
			hopts.fuzzy = (int)v;
		} else if (!strcmp(opt, "--lookalike")) {
			hopts.lookalike = arg;
		} else if (!strcmp(opt, "--hotlist-watch")) {
			if (parse_num(opt, arg, 0, 3600, &watch))
				return 2;
		} else if (!strcmp(opt, "--camera")) {
			al.camera = arg;
		} else if (!strcmp(opt, "--alert-listen")) {
			listen = arg;
		} else if (!strcmp(opt, "--alert-holdoff")) {
			if (parse_num(opt, arg, 0, 86400, &al.holdoff))
				return 2;
		} else if (!strcmp(opt, "--files-from")) {
			files_from = arg;
		} else if (!strcmp(opt, "--region")) {
			if (parse_region(arg, region))
				return 2;
		} else if (!strcmp(opt, "--set")) {
			if (parse_set(argv[a], sets, &nset))
				return 2;
		} else {
			return usage();
		}
	}
	if ((a == argc) == !files_from || (listen && !nsrc))
		return usage();
	if (crop && (region[2] || nset)) {
		fprintf(stderr, "anpr: --region and --set apply to frames, not to --crop images\n");
		return 2;
	}
	if (nsrc) {
		struct anpr_hot_stats st;

		anpr_hotlive_block_sighup(); /* before any thread: the watcher takes it */
		rc = anpr_hotlive_open(&live, src, nsrc, &hopts, &st);
		if (rc) {
			fprintf(stderr, "anpr: the hotlists were not loaded (%s)\n", anpr_strerror(rc));
			return 1;
		}
		fprintf(stderr, "anpr: hotlists: %ld entries in %d list(s), %ld bad row(s), %ld duplicate(s) merged, "
				"%ld expired, %.0f ms\n",
			st.entries, st.nlists, st.bad, st.duplicates, st.expired, st.load_ms);
		if (anpr_hotlive_watch(live, (int)(watch * 1000), 1)) {
			fprintf(stderr, "anpr: no hotlist watcher\n");
			anpr_hotlive_close(live);
			return 1;
		}
	}
	if (listen) {
		rc = anpr_alert_server_open(&al.server, listen, to_stderr, NULL, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "anpr: --alert-listen %s\n", err);
			anpr_hotlive_close(live);
			return 1;
		}
		fprintf(stderr, "anpr: alerts on %s\n", listen);
	}
	if (files_from) {
		list = strcmp(files_from, "-") ? fopen(files_from, "r") : stdin;
		if (!list) {
			fprintf(stderr, "anpr: --files-from %s: %s\n", files_from, strerror(errno));
			status = 1;
			goto out;
		}
	}
	if (!crop) {
		rc = anpr_pipe_open(&p, backend, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "anpr: %s (%s)\n", err, anpr_strerror(rc));
			status = 1;
			goto out;
		}
		if ((status = configure_pipe(p, sets, nset, region)))
			goto out;
	}
	i = a;
	while ((file = next_file(list, line, sizeof(line), argv, &i, argc))) {
		struct anpr_image img;
		double t0;
		int n = 0;

		if (anpr_image_load(file, &img, err, sizeof(err))) {
			file_error(file, err, json);
			fflush(stdout);
			status = 1;
			continue;
		}
		t0 = now_ms();
		anpr_alerter_frame(&al, live ? anpr_hotlive_acquire(live) : NULL, file, img.pixels, img.width,
				   img.height);
		if (crop) {
			rc = anpr_read_crop(&opts, img.pixels, img.width, img.height, img.width, 0, 0, NULL, plates);
			if (rc >= 0) {
				n = rc;
				rc = 0;
				if (n && al.set)
					anpr_alerter_plate(&al, &plates[0]);
			} else {
				snprintf(err, sizeof(err), "%s (a --crop image is 4 to %d pixels a side)",
					 anpr_strerror(rc), ANPR_SEG_MAX_SIDE);
			}
		} else {
			rc = anpr_read_frame_each(&opts, p, img.pixels, img.width, img.height, plates,
						  ANPR_READ_MAX_PLATES, &n, al.set ? anpr_alerter_plate : NULL, &al);
			if (rc)
				snprintf(err, sizeof(err), "%s", anpr_pipe_errmsg(p));
		}
		for (int k = 0; al.set && k < n; k++)
			hits[k].n = anpr_hotset_match(al.set, &plates[k], al.today, hits[k].hit, MAX_HITS);
		if (al.set)
			anpr_hotlive_release(live, al.set);
		al.set = NULL;
		if (rc) {
			file_error(file, err, json);
			status = 1;
		} else {
			print_plates(file, img.width, img.height, crop ? 1 : anpr_pipe_scale(p), plates, n,
				     live ? hits : NULL, now_ms() - t0, json);
		}
		fflush(stdout);
		anpr_image_free(&img);
	}
	if (list && ferror(list)) {
		fprintf(stderr, "anpr: --files-from %s: read error\n", files_from);
		status = 1;
	}
out:
	if (list && list != stdin)
		fclose(list);
	anpr_pipe_close(p);
	anpr_alert_server_close(al.server, 2000);
	anpr_hotlive_close(live);
	return status;
}

/* anpr hotlist check: load the lists as read would, print statistics. */
static int hotlist_cmd(int argc, char **argv)
{
	struct anpr_hot_source src[ANPR_HOT_MAX_LISTS];
	struct anpr_hot_opts o;
	struct anpr_hot_stats st;
	anpr_hotset *s = NULL;
	int a, n = 0, rc;

	if (argc < 1 || strcmp(argv[0], "check"))
		return usage();
	anpr_hot_opts_init(&o);
	o.report = to_stderr;
	o.indel = 1; /* as big as a set gets */
	for (a = 1; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--strict"))
			o.strict = 1;
		else if (!strcmp(argv[a], "--lookalike") && a + 1 < argc)
			o.lookalike = argv[++a];
		else
			return usage();
	}
	for (; a < argc; a++) {
		if (n == ANPR_HOT_MAX_LISTS || anpr_hot_source_parse(argv[a], &src[n])) {
			fprintf(stderr, "anpr: %s: expected [NAME=]FILE (at most %d lists)\n", argv[a], ANPR_HOT_MAX_LISTS);
			return 2;
		}
		n++;
	}
	if (!n)
		return usage();
	rc = anpr_hotset_load(src, n, &o, &s, &st);
	for (int i = 0; i < st.nlists; i++) {
		const struct anpr_hot_list_stats *l = &st.list[i];

		if (l->refused)
			printf("%s (%s): refused\n", l->name, src[i].path);
		else
			printf("%s (%s): %ld row(s), %ld entr%s in force, %ld bad, %ld duplicate(s) merged, %ld expired\n",
			       l->name, src[i].path, l->rows, l->entries, l->entries == 1 ? "y" : "ies", l->bad,
			       l->duplicates, l->expired);
	}
	if (rc) {
		printf("not loaded: %s\n", anpr_strerror(rc));
		return 1;
	}
	printf("in all: %ld row(s), %ld entries, %ld bad, %ld duplicate(s) merged, %ld expired\n", st.rows, st.entries,
	       st.bad, st.duplicates, st.expired);
	printf("by priority:");
	for (int k = 1; k <= ANPR_HOT_MAX_PRIORITY; k++)
		if (st.priority_count[k])
			printf(" %d:%ld", k, st.priority_count[k]);
	printf("\nby length:");
	for (int k = 1; k <= ANPR_HOT_MAX_VRM; k++)
		if (st.len_count[k])
			printf(" %d:%ld", k, st.len_count[k]);
	printf("\nmemory: %zu bytes (%.1f per entry, indel index included), loaded in %.1f ms\n", st.bytes,
	       st.entries ? (double)st.bytes / (double)st.entries : 0.0, st.load_ms);
	anpr_hotset_free(s);
	return st.bad ? 1 : 0;
}

static void pause_s(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

	nanosleep(&ts, NULL);
}

/* anpr alerts: a subscriber; prints each alert line as it comes. */
static int alerts_cmd(int argc, char **argv)
{
	const char *addr = NULL;
	double count = 0, retry = 0;
	unsigned long got = 0, seq = 0;
	char err[512], run[ANPR_ALERT_RUN] = "";

	for (int a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--connect") && a + 1 < argc) {
			addr = argv[++a];
		} else if (!strcmp(argv[a], "--count") && a + 1 < argc) {
			if (parse_num("--count", argv[++a], 1, 1e12, &count))
				return 2;
		} else if (!strcmp(argv[a], "--retry") && a + 1 < argc) {
			if (parse_num("--retry", argv[++a], 0, 3600, &retry))
				return 2;
		} else if (!strcmp(argv[a], "--after") && a + 1 < argc) {
			const char *v = argv[++a], *colon = strchr(v, ':');
			char *end;

			if (!colon || colon - v != ANPR_ALERT_RUN - 1 || strspn(v, "0123456789abcdef") != ANPR_ALERT_RUN - 1 ||
			    !isdigit((unsigned char)colon[1]) || (seq = strtoul(colon + 1, &end, 10), *end)) {
				fprintf(stderr, "anpr: --after: '%s' is not RUN:SEQ (an alert's \"run\" and \"seq\")\n", v);
				return 2;
			}
			memcpy(run, v, ANPR_ALERT_RUN - 1);
			run[ANPR_ALERT_RUN - 1] = 0;
		} else {
			return usage();
		}
	}
	if (!addr)
		return usage();
	for (;;) {
		/* subscribe, or after a lost connection resume after the last
		 * alert printed (or the place the server last gave) */
		int fd = anpr_alert_connect(addr, run, seq, err, sizeof(err));
		FILE *f;

		if (fd < 0) {
			fprintf(stderr, "anpr: %s\n", err);
			if (retry <= 0)
				return 1;
			pause_s(retry);
			continue;
		}
		fprintf(stderr, "anpr: subscribed to %s\n", addr);
		f = fdopen(fd, "r");
		if (!f) {
			close(fd);
			return 1;
		}
		{
			char *buf = NULL;
			size_t cap = 0;
			ssize_t n;

			while ((n = getline(&buf, &cap, f)) > 0) {
				char r[ANPR_ALERT_RUN];
				unsigned long q;

				if (buf[n - 1] != '\n')
					break; /* cut off by the connection closing: it comes again */
				static const char sub[] = "{\"alert\":\"subscribed\",";

				if (!strncmp(buf, sub, sizeof(sub) - 1)) { /* where this connection starts */
					if (sscanf(buf, "{\"alert\":\"subscribed\",\"run\":\"%16[0-9a-f]\",\"after\":%lu}", r, &q) == 2)
						memcpy(run, r, sizeof(run));
					else if (sscanf(buf, "{\"alert\":\"subscribed\",\"run\":\"\",\"after\":%lu}", &q) == 1)
						strcpy(run, "-"); /* no alert yet: later, all of the run */
					else
						continue;
					seq = q;
					fprintf(stderr, "anpr: %s: alerts of run %s after #%lu\n", addr, run, seq);
					continue;
				}
				if (anpr_alert_line_seq(buf, (size_t)n, r, &q)) {
					memcpy(run, r, sizeof(run));
					seq = q;
				}
				fwrite(buf, 1, (size_t)n, stdout);
				fflush(stdout);
				if (count > 0 && ++got >= (unsigned long)count) {
					free(buf);
					fclose(f);
					return 0;
				}
			}
			free(buf);
		}
		fclose(f);
		fprintf(stderr, "anpr: %s closed the connection\n", addr);
		if (retry <= 0)
			return 1;
		pause_s(retry);
	}
}

static int classify_cmd(int argc, char **argv)
{
	int json = 0, status = 0, a, i, k, j;
	char err[512];

	for (a = 0; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--json"))
			json = 1;
		else
			return usage();
	}
	if (a == argc)
		return usage();
	for (i = a; i < argc; i++) {
		struct anpr_image img;
		uint8_t tile[ANPR_TILE_IN];
		float p[ANPR_NCLASS], sum = 0;
		int top[3] = {-1, -1, -1};

		if (anpr_image_load(argv[i], &img, err, sizeof(err))) {
			file_error(argv[i], err, json);
			status = 1;
			continue;
		}
		if (anpr_char_tile_image(img.pixels, img.width, img.height, img.width, tile)) {
			file_error(argv[i], "image too large for a character tile", json);
			anpr_image_free(&img);
			status = 1;
			continue;
		}
		anpr_image_free(&img);
		anpr_classify(&anpr_classifier_default, tile, p);
		/* a tile is a character by contract: probabilities over the 36 */
		for (k = 0; k < ANPR_CLASS_JUNK; k++)
			sum += p[k];
		for (k = 0; k < ANPR_CLASS_JUNK; k++) {
			p[k] /= sum;
			for (j = 0; j < 3; j++) {
				if (top[j] < 0 || p[k] > p[top[j]]) {
					memmove(&top[j + 1], &top[j], sizeof(int) * (size_t)(2 - j));
					top[j] = k;
					break;
				}
			}
		}
		if (json) {
			printf("{\"file\":");
			json_str(argv[i]);
			printf(",\"char\":\"%c\",\"confidence\":%.4f,\"top\":[", anpr_class_char(top[0]), p[top[0]]);
			for (j = 0; j < 3; j++)
				printf("%s[\"%c\",%.4f]", j ? "," : "", anpr_class_char(top[j]), p[top[j]]);
			printf("]}\n");
		} else {
			printf("%s: %c %.3f  (%c %.3f, %c %.3f)\n", argv[i], anpr_class_char(top[0]), p[top[0]],
			       anpr_class_char(top[1]), p[top[1]], anpr_class_char(top[2]), p[top[2]]);
		}
	}
	return status;
}

static int locate(int argc, char **argv)
{
	const char *backend = "model";
	int json = 0, demo = 0, status = 0, a;
	unsigned region[4] = {0, 0, 0, 0};
	struct anpr_pipe_reg sets[MAX_SET];
	int nset = 0;
	anpr_pipe *p;
	char err[512];
	int rc;

	for (a = 0; a < argc && argv[a][0] == '-' && argv[a][1] == '-'; a++) {
		if (!strcmp(argv[a], "--backend") && a + 1 < argc)
			backend = argv[++a];
		else if (!strcmp(argv[a], "--json"))
			json = 1;
		else if (!strcmp(argv[a], "--demo"))
			demo = 1;
		else if (!strcmp(argv[a], "--region") && a + 1 < argc) {
			if (parse_region(argv[++a], region))
				return 2;
		} else if (!strcmp(argv[a], "--set") && a + 1 < argc) {
			if (parse_set(argv[++a], sets, &nset))
				return 2;
		} else
			return usage();
	}
	if (!demo && a == argc)
		return usage();
	rc = anpr_pipe_open(&p, backend, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "anpr: %s (%s)\n", err, anpr_strerror(rc));
		return 1;
	}
	if ((status = configure_pipe(p, sets, nset, region))) {
		anpr_pipe_close(p);
		return status;
	}
	for (int i = demo ? argc - 1 : a; i < argc; i++) {
		struct anpr_image img;
		struct anpr_frame_result r;
		const char *name = demo ? "demo" : argv[i];
		double t0;

		if (demo) {
			img.width = 1280;
			img.height = 720;
			img.pixels = malloc(1280 * 720);
			if (!img.pixels)
				return 1;
			scene_make(img.pixels, 1280, 720, 5, 2026);
		} else if (anpr_image_load(argv[i], &img, err, sizeof(err))) {
			file_error(argv[i], err, json);
			status = 1;
			continue;
		}
		t0 = now_ms();
		rc = anpr_pipe_run(p, img.pixels, img.width, img.height, &r);
		if (rc) {
			file_error(name, anpr_pipe_errmsg(p), json);
			status = 1;
		} else {
			print_result(name, img.width, img.height, &r, now_ms() - t0, json);
		}
		anpr_image_free(&img);
	}
	anpr_pipe_close(p);
	return status;
}

/* The demo's gantry frame: the plates drawn, and the hotlist it checks
 * them against (an exact entry, a look-alike one, one not in the frame). */
static const char *const demo_vrms[] = {"KM65 TXV", "RK19/WMN", "LS07 GHJ", "FX51 ROS", "BD51 SMR", "YR99 JEP"};
#define DEMO_NVRM (sizeof(demo_vrms) / sizeof(demo_vrms[0]))
static const char demo_hotlist[] = "vrm,category,priority,action,source,valid_until,note\n"
				   "KM65TXV,stolen,1,stop and check,demo,,\n"
				   "FX5IROS,wanted,2,report,demo,,\"a witness's note, I for 1\"\n"
				   "AB12CDE,insurance,3,,demo,,not in the frame\n";
#define DEMO_ALERTS 2

/* An alert line (len bytes at line, in a NUL-terminated buffer) as the
 * demo prints it: the plate patch's base64 cut short. */
static void print_alert_short(const char *line, size_t len)
{
	const char *b = strstr(line, "\"base64\":\""); /* the lines are one NUL-terminated buffer */
	const char *e = b && b < line + len ? memchr(b + 10, '"', len - (size_t)(b + 10 - line)) : NULL;

	if (!e || e - b < 26) {
		printf("  %.*s", (int)len, line);
		return;
	}
	printf("  %.*s...(%ld bytes)%.*s", (int)(b + 26 - line), line, (long)(e - b - 10), (int)(line + len - e), e);
}

/* The main job on a generated gantry frame: its plates localised by the
 * RTL (p: the sim backend, open), read, checked against the demo hotlist,
 * alerts raised. Returns 0 when every plate reads as drawn and the alerts
 * are the ones expected, 1 otherwise. */
static int demo_read(anpr_pipe *p)
{
	static struct anpr_plate_read plates[ANPR_READ_MAX_PLATES];
	struct anpr_read_opts opts = {ANPR_COUNTRY_GB, NULL};
	struct anpr_hot_text list = {"demo", "(the demo's hotlist)", demo_hotlist, sizeof(demo_hotlist) - 1};
	struct anpr_hot_opts hopts;
	static struct anpr_alerter al;
	anpr_hotset *set = NULL;
	uint8_t *px = malloc(1280 * 720);
	char *alerts = NULL;
	size_t alerts_len = 0;
	FILE *mem = NULL;
	int n = 0, good = 0, rc = 1;
	double t0;

	anpr_hot_opts_init(&hopts);
	hopts.report = to_stderr;
	if (!px || scene_with_plates(px, 1280, 720, demo_vrms, DEMO_NVRM, 2026) ||
	    anpr_hotset_load_text(&list, 1, &hopts, &set, NULL) || !(mem = open_memstream(&alerts, &alerts_len))) {
		fprintf(stderr, "anpr: demo: the frame or the hotlist could not be set up\n");
		goto out;
	}
	printf("\nthe main job: a 1280x720 gantry frame with %zu UK plates (RK19 over WMN: a motorcycle's, two rows),\n"
	       "localised by the RTL (sim backend), read, checked against a hotlist of 3 (KM65TXV exact,\n"
	       "FX5IROS a look-alike of FX51ROS, AB12CDE absent)\n",
	       DEMO_NVRM);
	anpr_alerter_init(&al, "demo", mem);
	t0 = now_ms();
	anpr_alerter_frame(&al, set, "demo", px, 1280, 720);
	if (anpr_read_frame_each(&opts, p, px, 1280, 720, plates, ANPR_READ_MAX_PLATES, &n, anpr_alerter_plate, &al)) {
		fprintf(stderr, "anpr: demo: %s\n", anpr_pipe_errmsg(p));
		goto out;
	}
	print_plates("demo", 1280, 720, 1, plates, n, NULL, now_ms() - t0, 0);
	fclose(mem);
	mem = NULL;
	printf("alerts (%lu, as JSON lines on the alert socket):\n", al.alerts);
	for (const char *l = alerts; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l + 1) : strlen(l);

		print_alert_short(l, len);
		l += len;
	}
	for (size_t i = 0; i < DEMO_NVRM; i++) {
		char want[16];
		int found = 0;

		plate_vrm(demo_vrms[i], want, sizeof(want));
		for (int j = 0; j < n; j++)
			found |= !strcmp(plates[j].text, want);
		good += found;
		if (!found)
			printf("  %s was not read\n", want);
	}
	printf("%d of %zu plates read as drawn, %lu of %d alerts expected\n", good, DEMO_NVRM, al.alerts, DEMO_ALERTS);
	rc = good == (int)DEMO_NVRM && al.alerts == DEMO_ALERTS ? 0 : 1;
out:
	if (mem)
		fclose(mem);
	free(alerts);
	anpr_hotset_free(set);
	free(px);
	return rc;
}

/* The demo scene through the C model and the RTL: the records must agree. */
static int demo(void)
{
	const char *backends[2] = {"model", "sim"};
	struct anpr_frame_result r[2];
	anpr_pipe *p[2];
	uint8_t *px = malloc(1280 * 720);
	char err[512];
	int same, rc;

	if (!px)
		return 1;
	scene_make(px, 1280, 720, 5, 2026);
	for (int k = 0; k < 2; k++) {
		double t0;

		if (anpr_pipe_open(&p[k], backends[k], err, sizeof(err))) {
			fprintf(stderr, "anpr: %s\n", err);
			return 1;
		}
		t0 = now_ms();
		if (anpr_pipe_run(p[k], px, 1280, 720, &r[k])) {
			fprintf(stderr, "anpr: %s\n", anpr_pipe_errmsg(p[k]));
			return 1;
		}
		printf("backend %s: %.1f ms, %llu %s\n", backends[k], now_ms() - t0,
		       (unsigned long long)anpr_pipe_cycles(p[k]), k ? "clock cycles" : "pixels");
		print_result("demo 1280x720", 1280, 720, &r[k], now_ms() - t0, 0);
	}
	same = r[0].ncands == r[1].ncands;
	for (unsigned i = 0; same && i < r[0].ncands; i++) {
		const struct anpr_rec_cand *a = &r[0].cands[i], *b = &r[1].cands[i];

		same = a->score == b->score && !memcmp(&a->box, &b->box, sizeof(a->box)) &&
		       !memcmp(&a->crop, &b->crop, sizeof(a->crop)) && a->nchars == b->nchars &&
		       !memcmp(a->pixels, b->pixels, (size_t)a->crop.w * a->crop.h) &&
		       !memcmp(a->chars, b->chars, a->nchars * sizeof(a->chars[0]));
	}
	printf("C model and RTL records %s\n", same ? "agree" : "DIFFER");
	free(px);
	rc = demo_read(p[1]) || !same ? 1 : 0;
	anpr_pipe_close(p[0]);
	anpr_pipe_close(p[1]);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "locate"))
		return locate(argc - 2, argv + 2);
	if (!strcmp(argv[1], "read"))
		return read_cmd(argc - 2, argv + 2);
	if (!strcmp(argv[1], "classify"))
		return classify_cmd(argc - 2, argv + 2);
	if (!strcmp(argv[1], "hotlist"))
		return hotlist_cmd(argc - 2, argv + 2);
	if (!strcmp(argv[1], "alerts"))
		return alerts_cmd(argc - 2, argv + 2);
	if (!strcmp(argv[1], "demo"))
		return demo();
	return usage();
}
