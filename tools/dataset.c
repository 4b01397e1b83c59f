/*
 * dataset.c - truth.csv files and folds (dataset.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"

int dataset_load(const char *dir, struct truth_row **rows)
{
	char path[4096], line[1024];
	struct truth_row *r = NULL;
	int n = 0, cap = 0, lineno = 1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/truth.csv", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return -1;
	}
	if (!fgets(line, sizeof(line), f) || strncmp(line, "file,plate_text", 15)) {
		fprintf(stderr, "%s:1: expected the header file,plate_text,x,y,w,h\n", path);
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fields[6] = {0}, *p = line;
		int k;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		for (k = 0; k < 6 && p; k++) {
			fields[k] = p;
			p = strchr(p, ',');
			if (p)
				*p++ = 0;
		}
		if (k < 2 || !*fields[0] || !*fields[1] || strlen(fields[0]) >= sizeof(r->file) ||
		    strlen(fields[1]) >= sizeof(r->text)) {
			fprintf(stderr, "%s:%d: expected file,plate_text,...\n", path, lineno);
			continue;
		}
		if (n == cap) {
			struct truth_row *t;

			cap = cap ? 2 * cap : 256;
			t = realloc(r, (size_t)cap * sizeof(*r));
			if (!t) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(r);
				fclose(f);
				return -1;
			}
			r = t;
		}
		memset(&r[n], 0, sizeof(r[n]));
		strcpy(r[n].file, fields[0]);
		strcpy(r[n].text, fields[1]);
		if (k == 6 && *fields[2] && *fields[3] && *fields[4] && *fields[5]) {
			r[n].x = atoi(fields[2]);
			r[n].y = atoi(fields[3]);
			r[n].w = atoi(fields[4]);
			r[n].h = atoi(fields[5]);
			r[n].has_box = 1;
		}
		n++;
	}
	fclose(f);
	*rows = r;
	return n;
}

int dataset_held_out(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h % 5 == 0;
}

void dataset_tile_key(const char *file, char *key, int keylen)
{
	const char *a = strchr(file, '_'), *b = a ? strchr(a + 1, '_') : NULL;

	key[0] = 0;
	if (a && b && b - a - 1 < keylen) {
		memcpy(key, a + 1, (size_t)(b - a - 1));
		key[b - a - 1] = 0;
	}
}
