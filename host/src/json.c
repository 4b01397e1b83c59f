/*
 * json.c - JSON text (anpr/json.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/json.h"

static int reserve(struct anpr_sb *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *q;

	if (b->err)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	while (cap < b->len + more + 1)
		cap *= 2;
	q = realloc(b->p, cap);
	if (!q) {
		b->err = 1;
		return -1;
	}
	b->p = q;
	b->cap = cap;
	return 0;
}

void anpr_sb_printf(struct anpr_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* the escaped form of byte c, or NULL if it stands for itself */
static const char *escape(unsigned char c, char *tmp)
{
	if (c == '"')
		return "\\\"";
	if (c == '\\')
		return "\\\\";
	if (c < 0x20) {
		snprintf(tmp, 8, "\\u%04x", c);
		return tmp;
	}
	return NULL;
}

void anpr_sb_json_str(struct anpr_sb *b, const char *s)
{
	char tmp[8];

	if (reserve(b, strlen(s) * 6 + 2))
		return;
	b->p[b->len++] = '"';
	for (; *s; s++) {
		const char *e = escape((unsigned char)*s, tmp);

		if (e) {
			memcpy(b->p + b->len, e, strlen(e));
			b->len += strlen(e);
		} else {
			b->p[b->len++] = *s;
		}
	}
	b->p[b->len++] = '"';
	b->p[b->len] = 0;
}

void anpr_json_fput(FILE *f, const char *s)
{
	char tmp[8];

	fputc('"', f);
	for (; *s; s++) {
		const char *e = escape((unsigned char)*s, tmp);

		if (e)
			fputs(e, f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void anpr_sb_base64(struct anpr_sb *b, const uint8_t *p, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o;

	if (reserve(b, (n + 2) / 3 * 4))
		return;
	o = b->p + b->len;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);

		*o++ = t[v >> 18 & 63];
		*o++ = t[v >> 12 & 63];
		*o++ = i + 1 < n ? t[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? t[v & 63] : '=';
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = 0;
}

void anpr_sb_free(struct anpr_sb *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
