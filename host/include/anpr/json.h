/*
 * anpr/json.h - building JSON text: a growing string, quoted strings,
 * base64. Used for the JSON lines of the anpr tool and of alerts.
 */
#ifndef ANPR_JSON_H
#define ANPR_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A growing string. Zero-initialise; after an allocation failure err is
 * set and further appends do nothing. */
struct anpr_sb {
	char *p;
	size_t len, cap;
	int err;
};

void anpr_sb_printf(struct anpr_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void anpr_sb_json_str(struct anpr_sb *b, const char *s); /* "s", escaped */
void anpr_sb_base64(struct anpr_sb *b, const uint8_t *p, size_t n);
void anpr_sb_free(struct anpr_sb *b);

/* Write s to f as a JSON string, quoted and escaped. */
void anpr_json_fput(FILE *f, const char *s);

#endif /* ANPR_JSON_H */
