/*
 * gen_protocol_vh.c - generate rtl/anpr_protocol.vh from anpr/protocol.h.
 *
 *   gen_protocol_vh host/include/anpr/protocol.h > rtl/anpr_protocol.vh
 *
 * protocol.h is the one definition of the wire format; the RTL must not keep
 * a hand-written copy that can drift. Between the GENERATE markers every
 * `#define NAME value` (decimal or 0x hex integer) becomes a Verilog
 * localparam; comments and blank lines are carried over so the include reads
 * like the header. Anything else there is refused with file:line: reason, so
 * a construct the RTL cannot mirror is caught when it is written, not when a
 * constant silently goes missing.
 *
 * The output is assembled in memory and written only when the whole input
 * was accepted: a failed run prints nothing on stdout.
 *
 * The include has no `ifndef guard. Verilog-2005 allows localparams only
 * inside a module, so each module that needs the constants includes the file
 * in its body; a guard would give them to the first such module of a
 * compilation and hide them from the rest (Verilator and Icarus then fail,
 * Yosys silently declares 1-bit wires). Including it twice in one module is
 * still caught: the localparams are declared twice. The lint pragmas keep
 * -Wall quiet about the constants a module does not use, and only about
 * those: lint_on restores the warning for the includer's own code.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARK_BEGIN "/* GENERATE BEGIN */"
#define MARK_END "/* GENERATE END */"
#define MAX_LINE 1024 /* protocol.h is hand-written; longer lines are refused */
#define MAX_NAME 64

enum item_kind {
	IT_BLANK,
	IT_COMMENT, /* one line of comment text */
	IT_PARAM,
};

struct item {
	enum item_kind kind;
	unsigned line;        /* in protocol.h, for duplicate reports */
	char name[MAX_NAME];  /* IT_PARAM */
	char value[32];       /* IT_PARAM: Verilog spelling of the value */
	char text[MAX_LINE];  /* IT_COMMENT text, IT_PARAM trailing comment ("" if none) */
};

static const char *in_path;
static struct item *items;
static size_t nitems, items_cap;

_Noreturn static void die(unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", in_path, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static struct item *new_item(enum item_kind kind, unsigned line)
{
	struct item *it;

	if (nitems == items_cap) {
		size_t cap = items_cap ? 2 * items_cap : 64;
		struct item *n = realloc(items, cap * sizeof(*n));

		if (!n) {
			fprintf(stderr, "gen_protocol_vh: out of memory\n");
			exit(1);
		}
		items = n;
		items_cap = cap;
	}
	it = &items[nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->line = line;
	return it;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Copy comment text [s, e) trimmed of surrounding blanks into dst. */
static void copy_trimmed(char *dst, const char *s, const char *e)
{
	s = skip_space(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	memcpy(dst, s, (size_t)(e - s));
	dst[e - s] = '\0';
}

/* One line of comment text [s, e); cont: a continuation line of a block
 * comment, whose leading " * " is layout, not text. */
static void add_comment_text(unsigned line, const char *s, const char *e, int cont)
{
	struct item *it = new_item(IT_COMMENT, line);

	s = skip_space(s);
	if (cont && s < e && *s == '*')
		s++;
	copy_trimmed(it->text, s, e);
}

/*
 * Parse the integer value at *sp into v (a Verilog literal). Decimal values
 * become plain decimal, hex values keep their spelling as an unsized 'h
 * literal; both are 32-bit in Verilog, so anything that does not fit is
 * refused rather than truncated.
 */
static void parse_value(unsigned line, const char **sp, char *v, size_t vlen)
{
	const char *s = *sp, *d;
	uint64_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		d = s + 2;
		while (isxdigit((unsigned char)*d)) {
			n = n * 16 + (uint64_t)(isdigit((unsigned char)*d) ? *d - '0'
									 : toupper((unsigned char)*d) - 'A' + 10);
			if (n > 0xffffffffu)
				die(line, "value does not fit in 32 bits");
			d++;
		}
		if (d == s + 2)
			die(line, "0x without hex digits");
		snprintf(v, vlen, "'h%.*s", (int)(d - (s + 2)), s + 2);
	} else if (isdigit((unsigned char)*s)) {
		d = s;
		while (isdigit((unsigned char)*d)) {
			n = n * 10 + (uint64_t)(*d - '0');
			/* an unsized decimal is a signed 32-bit integer in Verilog */
			if (n > 0x7fffffffu)
				die(line, "value does not fit in a Verilog integer");
			d++;
		}
		/* a leading 0 is octal in C: refuse it rather than guess */
		if (s[0] == '0' && d - s > 1)
			die(line, "octal value (leading 0): write it in decimal or 0x hex");
		snprintf(v, vlen, "%llu", (unsigned long long)n);
	} else {
		die(line, "value is not a decimal or 0x hex integer");
	}
	if (isalnum((unsigned char)*d) || *d == '_' || *d == '.')
		die(line, "value is not a plain decimal or 0x hex integer (suffix or expression?)");
	*sp = d;
}

/* `#define NAME value [comment]`; s points after "#define". */
static void parse_define(unsigned line, const char *s)
{
	struct item *it;
	const char *name, *e;
	size_t i;

	if (*s != ' ' && *s != '\t')
		die(line, "expected a blank after #define");
	name = skip_space(s);
	if (!isalpha((unsigned char)*name) && *name != '_')
		die(line, "#define without a macro name");
	for (e = name; isalnum((unsigned char)*e) || *e == '_'; e++)
		;
	if (*e == '(')
		die(line, "function-like macro %.*s: only integer constants are allowed",
		    (int)(e - name), name);
	if ((size_t)(e - name) >= MAX_NAME)
		die(line, "macro name too long");
	it = new_item(IT_PARAM, line);
	memcpy(it->name, name, (size_t)(e - name));
	it->name[e - name] = '\0';
	for (i = 0; i + 1 < nitems; i++)
		if (items[i].kind == IT_PARAM && !strcmp(items[i].name, it->name))
			die(line, "%s defined again (first at line %u)", it->name, items[i].line);
	if (*e != ' ' && *e != '\t')
		die(line, "%s has no value", it->name);
	s = skip_space(e);
	if (!*s || !strncmp(s, "/*", 2) || !strncmp(s, "//", 2))
		die(line, "%s has no value", it->name);
	parse_value(line, &s, it->value, sizeof(it->value));
	s = skip_space(s);
	if (!strncmp(s, "/*", 2)) {
		const char *c = strstr(s + 2, "*/");

		/* a comment running on to the next line would hide what follows */
		if (!c)
			die(line, "trailing comment of %s must end on its line", it->name);
		copy_trimmed(it->text, s + 2, c);
		if (*skip_space(c + 2))
			die(line, "unexpected text after the comment of %s", it->name);
	} else if (!strncmp(s, "//", 2)) {
		copy_trimmed(it->text, s + 2, s + strlen(s));
	} else if (*s) {
		die(line, "unexpected text after the value of %s", it->name);
	}
}

static void emit(FILE *out)
{
	size_t i, w = 0;

	/* align the '=' of all localparams, as protocol.h is easiest read so */
	for (i = 0; i < nitems; i++)
		if (items[i].kind == IT_PARAM && strlen(items[i].name) > w)
			w = strlen(items[i].name);
	fputs("// anpr_protocol.vh - the record stream wire format, as Verilog localparams.\n"
	      "//\n"
	      "// GENERATED from host/include/anpr/protocol.h by tools/gen_protocol_vh.c.\n"
	      "// DO NOT EDIT: change protocol.h and regenerate; the build checks that\n"
	      "// this file matches protocol.h.\n"
	      "\n"
	      "// Each module uses only some of the constants.\n"
	      "/* verilator lint_off UNUSEDPARAM */\n",
	      out);
	for (i = 0; i < nitems; i++) {
		const struct item *it = &items[i];

		switch (it->kind) {
		case IT_BLANK:
			fputc('\n', out);
			break;
		case IT_COMMENT:
			fprintf(out, "//%s%s\n", it->text[0] ? " " : "", it->text);
			break;
		case IT_PARAM:
			fprintf(out, "localparam %-*s = %s;", (int)w, it->name, it->value);
			if (it->text[0])
				fprintf(out, " // %s", it->text);
			fputc('\n', out);
			break;
		}
	}
	fputs("/* verilator lint_on UNUSEDPARAM */\n\n", out);
}

int main(int argc, char **argv)
{
	char buf[MAX_LINE + 2];
	FILE *f;
	unsigned line = 0, begin_line = 0;
	int state = 0; /* 0 before BEGIN, 1 inside, 2 after END */
	int in_comment = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_protocol_vh path/to/protocol.h > anpr_protocol.vh\n");
		return 2;
	}
	in_path = argv[1];
	f = fopen(in_path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\n", in_path, strerror(errno));
		return 1;
	}
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(buf);
		const char *s;

		line++;
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		else if (!feof(f))
			die(line, "line longer than %d characters", MAX_LINE);
		if (n && buf[n - 1] == '\r')
			buf[--n] = '\0';
		s = skip_space(buf);

		if (state != 1) {
			if (!strcmp(s, MARK_BEGIN)) {
				if (state == 2)
					die(line, "second " MARK_BEGIN " marker");
				state = 1;
				begin_line = line;
			} else if (!strcmp(s, MARK_END)) {
				die(line, MARK_END " without " MARK_BEGIN);
			}
			continue;
		}
		if (in_comment) {
			const char *c = strstr(s, "*/");

			/* the marker would end the comment in C; refuse the muddle */
			if (!strcmp(s, MARK_END))
				die(line, "comment not closed before " MARK_END);
			if (!c) {
				add_comment_text(line, s, s + strlen(s), 1);
				continue;
			}
			if (c > s) /* a bare closing line carries no text */
				add_comment_text(line, s, c, 1);
			in_comment = 0;
			if (*skip_space(c + 2))
				die(line, "unexpected text after the end of a comment");
			continue;
		}
		if (!strcmp(s, MARK_END)) {
			state = 2;
			continue;
		}
		if (!strcmp(s, MARK_BEGIN))
			die(line, "second " MARK_BEGIN " marker (first at line %u)", begin_line);
		if (!*s) {
			new_item(IT_BLANK, line);
		} else if (!strncmp(s, "//", 2)) {
			add_comment_text(line, s + 2, s + strlen(s), 0);
		} else if (!strncmp(s, "/*", 2)) {
			const char *c = strstr(s + 2, "*/");

			if (c) {
				add_comment_text(line, s + 2, c, 0);
				if (*skip_space(c + 2))
					die(line, "unexpected text after the end of a comment");
			} else {
				if (*skip_space(s + 2))
					add_comment_text(line, s + 2, s + strlen(s), 0);
				in_comment = 1;
			}
		} else if (!strncmp(s, "#define", 7)) {
			parse_define(line, s + 7);
		} else {
			die(line, "only #define NAME value, comments and blank lines may stand "
				  "between the GENERATE markers");
		}
	}
	if (ferror(f))
		die(line, "read error");
	fclose(f);
	if (state == 0)
		die(line, "no " MARK_BEGIN " marker");
	if (state == 1)
		die(line, "no " MARK_END " marker after line %u", begin_line);
	emit(stdout);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "gen_protocol_vh: writing the output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
