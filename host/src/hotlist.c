/*
 * hotlist.c - loading lists of vehicles of interest and matching reads
 * against them (anpr/hotlist.h; the format and the index: docs/hotlists.md).
 *
 * Loading: each file is read whole (and checked not to have changed while
 * it was read) and parsed line by line into rows: a packed VRM, the
 * index of its interned metadata (list, category, priority, action,
 * source, expiry: few distinct tuples, so they stay in the cache) and its
 * note (the one field that is often unique, kept apart). Indexing: rows are counting-sorted by the hash of
 * their canonical VRM and laid out in that order in a linear-probing table
 * (a VRM listed twice in one list meets its twin there and is merged);
 * then, for the indel rule, slot numbers are counting-sorted into buckets
 * by each one-deletion variant of their canonical VRM.
 *
 * A VRM is packed 6 bits a character, first character lowest: '0'-'9' are
 * 1-10, 'A'-'Z' 11-36, 0 ends it. Ten characters fit 60 bits.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "anpr/anpr.h"
#include "anpr/hotlist.h"

#define FIELD_LOW 0x041041041041041ULL /* the lowest bit of each 6-bit field */
#define MAX_FIELD 256                   /* bytes of a category, action or source */
#define NFIELDS 7
#define MAX_HITS_SCAN 64                /* hits collected before ranking */
#define DOUBT 0.5f                      /* a character below this confidence is doubtful */

/* ---- packed VRMs ---- */

static int code_of(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0' + 1;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 11;
	return 0;
}

static char char_of(unsigned code)
{
	return code >= 11 ? (char)('A' + code - 11) : (char)('0' + code - 1);
}

static uint64_t pack(const char *s)
{
	uint64_t k = 0;

	for (int i = 0; s[i]; i++)
		k |= (uint64_t)code_of(s[i]) << (6 * i);
	return k;
}

static void unpack(uint64_t k, char *s)
{
	int i = 0;

	for (; k; k >>= 6)
		s[i++] = char_of((unsigned)(k & 63));
	s[i] = 0;
}

static int klen(uint64_t k)
{
	return k ? (64 - __builtin_clzll(k) + 5) / 6 : 0;
}

static unsigned field(uint64_t k, int p)
{
	return (unsigned)(k >> (6 * p) & 63);
}

/* k without its character p */
static uint64_t kdel(uint64_t k, int p)
{
	uint64_t lo = p ? k & ((1ULL << (6 * p)) - 1) : 0;

	return lo | (k >> (6 * (p + 1))) << (6 * p);
}

/* characters in which a and b differ */
static int ndiff(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ b;

	x |= x >> 1 | x >> 2 | x >> 3 | x >> 4 | x >> 5;
	return __builtin_popcountll(x & FIELD_LOW);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ x >> 31;
}

static uint32_t bucket_of(uint64_t k, uint32_t nb)
{
	return (uint32_t)(((mix(k) >> 32) * nb) >> 32);
}

/* ---- the set ---- */

struct meta {
	uint32_t category, action, source; /* offsets into the string pool */
	int32_t valid_until;
	uint16_t list;
	uint8_t priority;
};

/* An entry: its packed VRM (60 bits) with, in the top 4 bits, how far it
 * lies past its home slot (15: 15 or more), its metadata index and its
 * note; 16 bytes, four to a cache line. Entries lie in order of their
 * home, so a probe from home h stops at the first entry whose home is past
 * h. A hit reads nothing else that is not in the cache: the metadata
 * tuples are few (a list has a handful of categories, actions, sources,
 * priorities and expiry days), and the note is only pointed at. */
struct slot {
	uint64_t key;
	uint32_t meta, note;
};

#define KEY_BITS 0x0fffffffffffffffULL
#define DISP_SHIFT 60
#define DISP_MAX 15

struct anpr_hotset {
	uint16_t canon2[4096];         /* canonical codes of two packed characters */
	uint32_t n;                    /* entries */
	uint32_t home, nslots;         /* home slots (hash range); slots (home + overflow) */
	struct slot *slot;             /* linear probing by canonical VRM; key 0: empty */
	uint32_t nvb, nvar;            /* indel index: buckets, items */
	uint32_t *vdir, *var;          /* nvb + 1 bucket starts; nvar slot numbers */
	struct meta *metas;
	uint32_t nmetas;
	char *strs;                    /* the string pool: offset 0 is "" */
	size_t nstrs;
	char names[ANPR_HOT_MAX_LISTS][64];
	int fuzzy, indel;
	struct anpr_hot_stats st;
};

static uint64_t canon(const anpr_hotset *s, uint64_t k)
{
	uint64_t c = 0;

	for (int sh = 0; k; k >>= 12, sh += 12)
		c |= (uint64_t)s->canon2[k & 4095] << sh;
	return c;
}

/* canonical codes from a class spec such as "0ODQ,1I,2Z" */
static int canon_init(anpr_hotset *s, const char *spec, char *why)
{
	uint8_t c1[64], seen[64] = {0};
	const char *p = spec;

	for (int i = 0; i < 64; i++)
		c1[i] = (uint8_t)i;
	while (*p) {
		int first = 0;

		for (; *p && *p != ','; p++) {
			int c = code_of(*p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p);

			if (!c) {
				snprintf(why, 96, "look-alike classes: '%c' is not a letter or digit", *p);
				return -1;
			}
			if (seen[c]) {
				snprintf(why, 96, "look-alike classes: '%c' is in two classes", *p);
				return -1;
			}
			seen[c] = 1;
			if (!first)
				first = c;
			c1[c] = (uint8_t)first;
		}
		if (*p)
			p++;
	}
	for (int i = 0; i < 4096; i++)
		s->canon2[i] = (uint16_t)(c1[i & 63] | c1[i >> 6] << 6);
	return 0;
}

const char *anpr_hot_rule_name(enum anpr_hot_rule r)
{
	return r == ANPR_HOT_EXACT ? "exact" : r == ANPR_HOT_LOOKALIKE ? "lookalike" : "indel";
}

void anpr_hot_opts_init(struct anpr_hot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->fuzzy = 1;
	o->today = -1;
}

int anpr_hot_source_parse(const char *arg, struct anpr_hot_source *src)
{
	const char *eq = strchr(arg, '='), *base, *end;
	size_t n;

	memset(src, 0, sizeof(*src));
	if (eq) { /* NAME=FILE */
		base = arg;
		end = eq;
		src->path = eq + 1;
	} else {
		base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
		end = base + strlen(base);
		if (end - base > 4 && !strcmp(end - 4, ".csv"))
			end -= 4;
		src->path = arg;
	}
	n = (size_t)(end - base);
	if (!n || n >= sizeof(src->name) || !*src->path)
		return ANPR_ERR_ARG;
	memcpy(src->name, base, n);
	return ANPR_OK;
}

/* ---- dates ---- */

static int32_t days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int32_t anpr_hot_date(const char *s, size_t len)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	return days_from_civil(y, m, d);
}

int32_t anpr_hot_today(void)
{
	return (int32_t)(time(NULL) / 86400);
}

/* ---- VRM normalisation ---- */

/* What each byte is in a VRM: the character it stands for (upper case), 1
 * for a separator to drop, 0 for a byte no VRM has. */
static const char vrm_byte[256] = {
	['\t'] = 1, [' '] = 1, ['-'] = 1, ['.'] = 1, ['_'] = 1,
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7',
	['8'] = '8', ['9'] = '9',
	['A'] = 'A', ['B'] = 'B', ['C'] = 'C', ['D'] = 'D', ['E'] = 'E', ['F'] = 'F', ['G'] = 'G', ['H'] = 'H',
	['I'] = 'I', ['J'] = 'J', ['K'] = 'K', ['L'] = 'L', ['M'] = 'M', ['N'] = 'N', ['O'] = 'O', ['P'] = 'P',
	['Q'] = 'Q', ['R'] = 'R', ['S'] = 'S', ['T'] = 'T', ['U'] = 'U', ['V'] = 'V', ['W'] = 'W', ['X'] = 'X',
	['Y'] = 'Y', ['Z'] = 'Z',
	['a'] = 'A', ['b'] = 'B', ['c'] = 'C', ['d'] = 'D', ['e'] = 'E', ['f'] = 'F', ['g'] = 'G', ['h'] = 'H',
	['i'] = 'I', ['j'] = 'J', ['k'] = 'K', ['l'] = 'L', ['m'] = 'M', ['n'] = 'N', ['o'] = 'O', ['p'] = 'P',
	['q'] = 'Q', ['r'] = 'R', ['s'] = 'S', ['t'] = 'T', ['u'] = 'U', ['v'] = 'V', ['w'] = 'W', ['x'] = 'X',
	['y'] = 'Y', ['z'] = 'Z',
};

int anpr_hot_normalise(const char *vrm, size_t len, char *out, char *why)
{
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = vrm_byte[(unsigned char)vrm[i]];

		if (c == 1)
			continue;
		if (!c) {
			c = vrm[i];
			if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
				snprintf(why, 96, "vrm: '%c' is not a letter or digit", c);
			else
				snprintf(why, 96, "vrm: byte 0x%02x is not a letter or digit", (unsigned char)c);
			return -1;
		}
		if (n == ANPR_HOT_MAX_VRM) {
			snprintf(why, 96, "vrm: more than %d letters and digits", ANPR_HOT_MAX_VRM);
			return -1;
		}
		out[n++] = c;
	}
	out[n] = 0;
	if (!n) {
		snprintf(why, 96, "vrm: empty");
		return -1;
	}
	return n;
}

/* ---- the builder: rows, interned strings and metadata ---- */

struct row {
	uint64_t key;
	uint32_t meta, note, line;
} __attribute__((packed, aligned(4))); /* 20 bytes */

#define MAX_THREADS 8

struct builder {
	const struct anpr_hot_opts *o;
	int threads; /* 1 to MAX_THREADS */
	anpr_hotset *s;
	int32_t today;
	struct row *rows;
	size_t nrows, caprows;
	size_t capstrs;
	uint32_t *strtab; /* open addressing over string offsets (0: empty slot) */
	size_t strtab_cap, nstrtab;
	size_t capmetas;
	uint32_t *metatab; /* open addressing over metadata indices + 1 */
	size_t metatab_cap;
	const char *paths[ANPR_HOT_MAX_LISTS];
	int nomem;
};

static void say(const struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct builder *b, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!b->o->report)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->o->report(b->o->ctx, msg);
}

/* ---- bytes 8 at a time ---- */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static uint64_t load8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* The high bit of each byte of w that is below c (c <= 0x80); the lowest
 * such bit is exact (those above it may be false). */
static uint64_t bytes_below(uint64_t w, unsigned c)
{
	return (w - ONES * c) & ~w & HIGHS;
}

static uint64_t bytes_equal(uint64_t w, unsigned c)
{
	return bytes_below(w ^ (ONES * c), 1);
}

/* Index of the first byte of p[0..n) from i that is c1 or c2, or n. */
static size_t find2(const char *p, size_t i, size_t n, char c1, char c2)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 8 <= n; i += 8) {
		uint64_t w = load8(p + i), m = bytes_equal(w, (unsigned char)c1) | bytes_equal(w, (unsigned char)c2);

		if (m)
			return i + (size_t)__builtin_ctzll(m) / 8;
	}
#endif
	while (i < n && p[i] != c1 && p[i] != c2)
		i++;
	return i;
}

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		h = mix(h ^ load8(p + i));
	if (i < n) {
		w = 0;
		memcpy(&w, p + i, n - i);
		h = mix(h ^ w);
	}
	return h;
}

/* Ask for 2 MB pages in a large block not yet touched (the slots, which
 * every lookup reads): a lookup's cache miss then costs no page walk (on
 * this project's test machine a random load over 256 MB took 171 instead
 * of 207 ns). Only advice: where the kernel has no huge pages to give,
 * nothing changes. Faulting them in costs the load more kernel time than
 * small pages (0.85 s more for 545 MB there), so the indel index (fuzzy
 * lookups have time to spare) and the builder's own arrays do without. */
static void *huge(void *p, size_t bytes)
{
	const uintptr_t two_mb = (uintptr_t)2 << 20;
	uintptr_t lo = ((uintptr_t)p + two_mb - 1) & ~(two_mb - 1), hi = ((uintptr_t)p + bytes) & ~(two_mb - 1);

#ifdef MADV_HUGEPAGE
	if (p && hi > lo)
		madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)lo;
	(void)hi;
#endif
	return p;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static int rehash_strs(struct builder *b)
{
	size_t cap = b->strtab_cap ? b->strtab_cap * 2 : 1024;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < b->strtab_cap; i++) {
		uint32_t off = b->strtab[i];
		size_t j;

		if (!off)
			continue;
		j = hash_bytes(b->s->strs + off, strlen(b->s->strs + off)) & (cap - 1);
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = off;
	}
	free(b->strtab);
	b->strtab = t;
	b->strtab_cap = cap;
	return 0;
}

/* The pool offset of string p[0..n) (interned), or UINT32_MAX. */
static uint32_t intern(struct builder *b, const char *p, size_t n)
{
	anpr_hotset *s = b->s;
	size_t j;

	if (!n)
		return 0;
	if ((b->nstrtab + 1) * 2 > b->strtab_cap && rehash_strs(b))
		return UINT32_MAX;
	j = hash_bytes(p, n) & (b->strtab_cap - 1);
	for (; b->strtab[j]; j = (j + 1) & (b->strtab_cap - 1)) {
		const char *q = s->strs + b->strtab[j];

		if (!strncmp(q, p, n) && !q[n])
			return b->strtab[j];
	}
	if (s->nstrs + n + 1 > UINT32_MAX || grow((void **)&s->strs, &b->capstrs, s->nstrs + n + 1, 1))
		return UINT32_MAX;
	memcpy(s->strs + s->nstrs, p, n);
	s->strs[s->nstrs + n] = 0;
	b->strtab[j] = (uint32_t)s->nstrs;
	b->nstrtab++;
	s->nstrs += n + 1;
	return b->strtab[j];
}

static uint64_t hash_meta(const struct meta *m)
{
	return mix(((uint64_t)m->category << 32 | m->action) ^ mix(m->source) ^
		   mix((uint64_t)(uint32_t)m->valid_until << 24 | (uint64_t)m->list << 8 | m->priority));
}

static int same_meta(const struct meta *a, const struct meta *b)
{
	return a->category == b->category && a->action == b->action && a->source == b->source &&
	       a->valid_until == b->valid_until && a->list == b->list &&
	       a->priority == b->priority;
}

/* The index of metadata m (interned), or UINT32_MAX. */
static uint32_t intern_meta(struct builder *b, const struct meta *m)
{
	anpr_hotset *s = b->s;
	size_t j;

	if ((s->nmetas + 1) * 2 > b->metatab_cap) {
		size_t cap = b->metatab_cap ? b->metatab_cap * 2 : 1024;
		uint32_t *t = calloc(cap, sizeof(*t));

		if (!t)
			return UINT32_MAX;
		for (uint32_t i = 0; i < s->nmetas; i++) {
			j = hash_meta(&s->metas[i]) & (cap - 1);
			while (t[j])
				j = (j + 1) & (cap - 1);
			t[j] = i + 1;
		}
		free(b->metatab);
		b->metatab = t;
		b->metatab_cap = cap;
	}
	j = hash_meta(m) & (b->metatab_cap - 1);
	for (; b->metatab[j]; j = (j + 1) & (b->metatab_cap - 1))
		if (same_meta(&s->metas[b->metatab[j] - 1], m))
			return b->metatab[j] - 1;
	if (s->nmetas == UINT32_MAX - 1 || grow((void **)&s->metas, &b->capmetas, s->nmetas + 1, sizeof(*m)))
		return UINT32_MAX;
	s->metas[s->nmetas] = *m;
	b->metatab[j] = s->nmetas + 1;
	return s->nmetas++;
}

/* ---- CSV ---- */

/* Length of the valid UTF-8 prefix of p[0..n) without control characters
 * other than tab; n if it is all valid. */
static size_t utf8_valid(const unsigned char *p, size_t n, const char **why)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) { /* printable ASCII, 8 bytes at a time */
		uint64_t w = load8((const char *)p + i);

		if ((w & HIGHS) | bytes_below(w, 0x20) | bytes_equal(w, 0x7f))
			break;
	}
	while (i < n) {
		unsigned c = p[i], need, cp;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				*why = c ? "a control character" : "a NUL byte (binary data?)";
				return i;
			}
			i++;
			continue;
		}
		*why = "not valid UTF-8";
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return i;
		if (i + need >= n)
			return i;
		for (unsigned k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return i;
		i += need + 1;
	}
	return n;
}

/* Split line[0..n) into fields (quotes: "a ""b"", c" -> a "b", c): f[k]
 * and len[k] locate field k, in the line or, unquoted, in buf. Returns the
 * number of fields, or -1 with *why. */
static int split(const char *line, size_t n, char *buf, const char **f, size_t *len, const char **why)
{
	size_t i = 0, o = 0;
	int nf = 0;

	for (;;) {
		if (nf == NFIELDS + 1) {
			/* too many: count the rest without keeping them */
			for (; i < n; i++)
				nf += line[i] == ',';
			return nf;
		}
		if (i < n && line[i] == '"') {
			f[nf] = buf + o;
			for (i++;; i++) {
				if (i == n) {
					*why = "a quoted field without its closing quote";
					return -1;
				}
				if (line[i] == '"') {
					if (i + 1 < n && line[i + 1] == '"')
						i++;
					else
						break;
				}
				buf[o++] = line[i];
			}
			len[nf] = (size_t)(buf + o - f[nf]);
			i++;
			if (i < n && line[i] != ',') {
				*why = "text after a quoted field's closing quote";
				return -1;
			}
		} else {
			size_t end = find2(line, i, n, ',', '"');

			if (end < n && line[end] == '"') {
				*why = "a quote inside an unquoted field";
				return -1;
			}
			f[nf] = line + i;
			len[nf] = end - i;
			i = end;
		}
		nf++;
		if (i == n)
			return nf;
		i++; /* the comma */
	}
}

static void trim(const char **f, size_t *len)
{
	while (*len && (**f == ' ' || **f == '\t'))
		(*f)++, (*len)--;
	while (*len && ((*f)[*len - 1] == ' ' || (*f)[*len - 1] == '\t'))
		(*len)--;
}

static const char *const field_names[NFIELDS] = {"vrm", "category", "priority", "action", "source", "valid_until",
						 "note"};

/* Parse one data row; returns 0 (row added or expired), -1 bad (reported),
 * -2 out of memory. */
static int parse_row(struct builder *b, int list, const char *path, unsigned long lineno, const char *line,
		     size_t n)
{
	struct anpr_hot_list_stats *ls = &b->s->st.list[list];
	char buf[ANPR_HOT_MAX_ROW], vrm[ANPR_HOT_MAX_VRM + 1], why[96];
	const char *f[NFIELDS + 1];
	size_t len[NFIELDS + 1];
	const char *reason = NULL;
	struct meta m = {0};
	unsigned long pri = 0;
	uint32_t note;
	int nf, k;

	if (n > ANPR_HOT_MAX_ROW) {
		snprintf(why, sizeof(why), "a row of %zu bytes (at most %d)", n, ANPR_HOT_MAX_ROW);
		reason = why;
	} else if (utf8_valid((const unsigned char *)line, n, &reason) == n) {
		reason = NULL;
		nf = split(line, n, buf, f, len, &reason);
		if (nf >= 0 && nf != NFIELDS) {
			snprintf(why, sizeof(why), "%d fields, expected %d (%s)", nf, NFIELDS, ANPR_HOT_HEADER);
			reason = why;
		}
	}
	for (k = 0; !reason && k < NFIELDS; k++) {
		trim(&f[k], &len[k]);
		if (k != 6 && len[k] > MAX_FIELD) {
			snprintf(why, sizeof(why), "%s: longer than %d bytes", field_names[k], MAX_FIELD);
			reason = why;
		}
	}
	if (!reason && anpr_hot_normalise(f[0], len[0], vrm, why) < 0)
		reason = why;
	if (!reason && !len[1])
		reason = "category: empty";
	if (!reason) {
		for (k = 0; k < (int)len[2] && pri <= ANPR_HOT_MAX_PRIORITY; k++)
			pri = f[2][k] >= '0' && f[2][k] <= '9' ? pri * 10 + (unsigned)(f[2][k] - '0')
										      : 1000;
		if (!len[2] || pri < 1 || pri > ANPR_HOT_MAX_PRIORITY) {
			snprintf(why, sizeof(why), "priority: '%.*s' is not a whole number from 1 (most urgent) to %d",
				 (int)(len[2] > 16 ? 16 : len[2]), f[2], ANPR_HOT_MAX_PRIORITY);
			reason = why;
		}
	}
	if (!reason) {
		m.valid_until = len[5] ? anpr_hot_date(f[5], len[5]) : ANPR_HOT_NO_EXPIRY;
		if (m.valid_until < 0) {
			snprintf(why, sizeof(why), "valid_until: '%.*s' is not a date YYYY-MM-DD",
				 (int)(len[5] > 16 ? 16 : len[5]), f[5]);
			reason = why;
		}
	}
	ls->rows++;
	if (reason) {
		say(b, "%s:%lu: %s", path, lineno, reason);
		ls->bad++;
		return -1;
	}
	if (m.valid_until < b->today) {
		ls->expired++;
		return 0;
	}
	m.list = (uint16_t)list;
	m.priority = (uint8_t)pri;
	m.category = intern(b, f[1], len[1]);
	m.action = intern(b, f[3], len[3]);
	m.source = intern(b, f[4], len[4]);
	note = intern(b, f[6], len[6]);
	if (m.category == UINT32_MAX || m.action == UINT32_MAX || m.source == UINT32_MAX || note == UINT32_MAX)
		return -2;
	if (grow((void **)&b->rows, &b->caprows, b->nrows + 1, sizeof(struct row)))
		return -2;
	b->rows[b->nrows].key = pack(vrm);
	b->rows[b->nrows].meta = intern_meta(b, &m);
	b->rows[b->nrows].note = note;
	b->rows[b->nrows].line = lineno > UINT32_MAX ? UINT32_MAX : (uint32_t)lineno;
	if (b->rows[b->nrows].meta == UINT32_MAX)
		return -2;
	b->nrows++;
	return 0;
}

/* A list being parsed: its lines arrive in pieces of any size (a file is
 * read a block at a time, so the load holds no copy of it). */
struct lines {
	struct builder *b;
	const char *path;
	int list;
	unsigned long lineno;
	size_t first_row; /* the builder's rows before this list */
	int started;      /* the byte order mark, if any, is behind */
	int header;       /* the header line is behind */
	size_t skip;      /* bytes so far of a line too long to keep */
	const char *why;  /* what is wrong in its first 80 bytes, if it is the first line */
};

/* Start list t->name; returns ANPR_OK or ANPR_ERR_ARG (refused, reported). */
static int list_begin(struct builder *b, struct lines *L, const char *name, const char *path)
{
	struct anpr_hot_list_stats *ls;
	int list = b->s->st.nlists;

	memset(L, 0, sizeof(*L));
	if (list == ANPR_HOT_MAX_LISTS) {
		say(b, "%s: more than %d lists", path, ANPR_HOT_MAX_LISTS);
		return ANPR_ERR_ARG;
	}
	for (int i = 0; i < list; i++)
		if (!strcmp(b->s->names[i], name)) {
			say(b, "%s: a second list named '%s' (name lists with --hotlist NAME=FILE)", path, name);
			return ANPR_ERR_ARG;
		}
	ls = &b->s->st.list[list];
	memset(ls, 0, sizeof(*ls));
	snprintf(ls->name, sizeof(ls->name), "%s", name);
	snprintf(b->s->names[list], sizeof(b->s->names[list]), "%s", name);
	b->paths[list] = path;
	b->s->st.nlists++;
	L->b = b;
	L->path = path;
	L->list = list;
	L->first_row = b->nrows;
	return ANPR_OK;
}

/* Forget what a list added (it is read again, or refused). */
static void list_undo(struct lines *L)
{
	L->b->nrows = L->first_row;
	L->b->s->st.nlists = L->list;
}

/* One whole line (without its end); -1: refused, reported; -2: no memory. */
static int take_line(struct lines *L, const char *d, size_t n)
{
	struct builder *b = L->b;
	size_t hl = strlen(ANPR_HOT_HEADER);

	if (n && d[n - 1] == '\r')
		n--;
	L->lineno++;
	if (!L->header) {
		const char *why = "";

		L->header = 1;
		if (n == hl && !memcmp(d, ANPR_HOT_HEADER, hl))
			return 0;
		if (utf8_valid((const unsigned char *)d, n > 80 ? 80 : n, &why) < (n > 80 ? 80 : n))
			say(b, "%s:1: not a hotlist: the first line has %s (expected the header line %s)", L->path, why,
			    ANPR_HOT_HEADER);
		else
			say(b, "%s:1: the header line is '%.*s%s', expected %s", L->path, (int)(n > 80 ? 80 : n), d,
			    n > 80 ? "..." : "", ANPR_HOT_HEADER);
		return -1;
	}
	return n && parse_row(b, L->list, L->path, L->lineno, d, n) == -2 ? -2 : 0;
}

/* Feed d[0..n): the whole lines in it are parsed; the bytes of an
 * unfinished last line are left for the next call (the count parsed is
 * returned in *used), except at the end (last), where it is a line too.
 * Returns 0, -1 (refused, reported) or -2 (no memory). */
static int list_feed(struct lines *L, const char *d, size_t n, int last, size_t *used)
{
	size_t pos = 0;
	int rc = 0;

	if (!L->started) {
		if (n < 3 && !last && !memchr(d, '\n', n)) {
			*used = 0;
			return 0;
		}
		L->started = 1;
		if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3)) /* a byte order mark */
			pos = 3;
	}
	while (!rc && (pos < n || (last && L->skip))) { /* (an unfinished long line at the end) */
		const char *nl = pos < n ? memchr(d + pos, '\n', n - pos) : NULL;
		size_t end = nl ? (size_t)(nl - d) : n;

		if (!nl && !last && !L->skip && end - pos <= ANPR_HOT_MAX_ROW + 1)
			break; /* wait for the rest of the line */
		if (L->skip || end - pos > ANPR_HOT_MAX_ROW + 1) {
			/* too long to keep: count it; the row reports its length */
			if (!L->skip && !L->header) { /* judged by its start, wherever the piece ends */
				L->why = "";
				utf8_valid((const unsigned char *)d + pos, end - pos < 80 ? end - pos : 80, &L->why);
			}
			L->skip += end - pos;
			if (nl || last) {
				if (!L->header) { /* a header line this long is no header */
					L->header = 1;
					L->lineno++;
					say(L->b, "%s:1: not a hotlist: the first line has %zu bytes%s%s (expected the header line %s)",
					    L->path, L->skip, *L->why ? " and " : "", L->why, ANPR_HOT_HEADER);
					rc = -1;
				} else {
					L->lineno++;
					rc = parse_row(L->b, L->list, L->path, L->lineno, d + pos, L->skip) == -2 ? -2 : 0;
				}
				L->skip = 0;
			}
		} else {
			rc = take_line(L, d + pos, end - pos);
		}
		pos = nl ? end + 1 : end;
	}
	if (!rc && last && !L->header) {
		say(L->b, "%s: empty file (expected the header line %s)", L->path, ANPR_HOT_HEADER);
		rc = -1;
	}
	*used = pos;
	return rc;
}

/* Close list L; returns ANPR_OK or ANPR_ERR_ARG (refused: strict). */
static int list_end(struct lines *L)
{
	struct builder *b = L->b;
	struct anpr_hot_list_stats *ls = &b->s->st.list[L->list];

	if (ls->bad && b->o->strict) {
		say(b, "%s: refused (--strict): %ld bad row(s) of %ld", L->path, ls->bad, ls->rows);
		b->nrows = L->first_row;
		ls->refused = 1;
		return ANPR_ERR_ARG;
	}
	return ANPR_OK;
}

/* Parse one list held in memory; returns ANPR_OK, ANPR_ERR_ARG (refused,
 * reported) or ANPR_ERR_NOMEM. */
static int parse_list(struct builder *b, const struct anpr_hot_text *t)
{
	struct lines L;
	size_t used;
	int rc = list_begin(b, &L, t->name, t->path);

	if (rc)
		return rc;
	rc = list_feed(&L, t->data, t->len, 1, &used);
	if (rc) {
		b->s->st.list[L.list].refused = 1;
		b->nrows = L.first_row;
		return rc == -2 ? ANPR_ERR_NOMEM : ANPR_ERR_ARG;
	}
	return list_end(&L);
}

/* ---- sorting, merging, indexing ---- */

static int32_t later(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

/* Row r repeats the VRM of the entry in slot k, in the same list: merge
 * it into that entry (the more urgent row's words, the later expiry) and
 * say so. Returns 0, or -1 (no memory). */
static int merge_into(struct builder *b, struct slot *k, uint32_t kline, const struct row *r)
{
	anpr_hotset *s = b->s;
	const struct meta *mr = &s->metas[r->meta];
	struct meta m = s->metas[k->meta];
	char vrm[ANPR_HOT_MAX_VRM + 1];
	uint32_t idx;

	if (mr->priority < m.priority) {
		m.category = mr->category;
		m.action = mr->action;
		m.source = mr->source;
		m.priority = mr->priority;
		k->note = r->note;
	}
	m.valid_until = later(m.valid_until, mr->valid_until);
	idx = intern_meta(b, &m);
	if (idx == UINT32_MAX)
		return -1;
	k->meta = idx;
	s->st.list[m.list].duplicates++;
	unpack(r->key, vrm);
	say(b, "%s:%u: %s is already listed at line %u: merged (priority %u)", b->paths[m.list], r->line, vrm, kline,
	    s->metas[idx].priority);
	return 0;
}

/* Sort n values by bucket (0 .. nb - 1) without scattering writes over
 * memory: gen() is called twice with the same items, first to count them
 * into 256 partitions of consecutive buckets, then to lay them out by
 * partition in tmp as (bucket << 32 | value); each partition, small enough
 * for the cache, is then counted out by bucket into out. dir, if not
 * NULL, gets nb + 1 bucket starts. The items, and then the partitions,
 * are shared out in consecutive runs among the threads; the result is the
 * same as one thread's (within a bucket, values in item order). */
struct gen {
	const anpr_hotset *s;
	const struct row *rows;
	size_t nrows;
};

typedef void gen_fn(const struct gen *g, size_t lo, size_t hi, uint32_t nb, int pass, int shift, uint64_t *part,
		    uint64_t *tmp);

static void gen_rows(const struct gen *g, size_t lo, size_t hi, uint32_t nb, int pass, int shift, uint64_t *part,
		     uint64_t *tmp)
{
	for (size_t i = lo; i < hi; i++) {
		uint32_t b = bucket_of(canon(g->s, g->rows[i].key), nb);

		if (pass == 0)
			part[b >> shift]++;
		else
			tmp[part[b >> shift]++] = (uint64_t)b << 32 | i;
	}
}

static void gen_variants(const struct gen *g, size_t lo, size_t hi, uint32_t nb, int pass, int shift, uint64_t *part,
			 uint64_t *tmp)
{
	const anpr_hotset *s = g->s;

	for (size_t e = lo; e < hi; e++) {
		uint64_t c = s->slot[e].key ? canon(s, s->slot[e].key & KEY_BITS) : 0;
		int l = klen(c);

		for (int p = 0; l > 1 && p < l; p++) {
			uint32_t b;

			if (p && field(c, p) == field(c, p - 1))
				continue; /* the same variant as p - 1 */
			b = bucket_of(kdel(c, p), nb);
			if (pass == 0)
				part[b >> shift]++;
			else
				tmp[part[b >> shift]++] = (uint64_t)b << 32 | e;
		}
	}
}

struct sort_job {
	const struct gen *g;
	gen_fn *gen;
	size_t lo, hi;        /* items */
	uint32_t nb;
	int shift, pass;      /* pass 0 count, 1 lay out, 2 count out partitions */
	int plo, phi;         /* partitions of pass 2 */
	uint64_t part[257];   /* pass 0: counts; pass 1: write positions */
	const uint64_t *ends; /* pass 2: partition ends (all threads') */
	uint64_t *tmp;
	uint32_t *count, *dir, *out;
};

static void *sort_work(void *arg)
{
	struct sort_job *j = arg;

	if (j->pass < 2) {
		j->gen(j->g, j->lo, j->hi, j->nb, j->pass, j->shift, j->part, j->tmp);
		return NULL;
	}
	for (int i = j->plo; i < j->phi; i++) {
		uint64_t lo = i ? j->ends[i - 1] : 0, hi = j->ends[i], base = (uint64_t)i << j->shift;
		uint64_t width = base >= j->nb ? 0 : j->nb - base < (1ULL << j->shift) ? j->nb - base : 1ULL << j->shift;
		uint32_t at = (uint32_t)lo;

		memset(j->count, 0, ((size_t)1 << j->shift) * sizeof(*j->count));
		for (uint64_t k = lo; k < hi; k++)
			j->count[(j->tmp[k] >> 32) - base]++;
		for (uint64_t k = 0; k < width; k++) {
			uint32_t c = j->count[k];

			if (j->dir)
				j->dir[base + k] = at;
			j->count[k] = at;
			at += c;
		}
		for (uint64_t k = lo; k < hi; k++)
			j->out[j->count[(j->tmp[k] >> 32) - base]++] = (uint32_t)j->tmp[k];
	}
	return NULL;
}

/* Run each job of a pass, the first on this thread (all on it if a thread
 * cannot be made). */
static void sort_pass(struct sort_job *job, int threads, int pass)
{
	pthread_t th[MAX_THREADS];
	int made[MAX_THREADS] = {0};

	for (int t = 0; t < threads; t++)
		job[t].pass = pass;
	for (int t = 1; t < threads; t++)
		made[t] = !pthread_create(&th[t], NULL, sort_work, &job[t]);
	sort_work(&job[0]);
	for (int t = 1; t < threads; t++)
		if (made[t])
			pthread_join(th[t], NULL);
		else
			sort_work(&job[t]);
}

static int bucket_sort(const struct gen *g, int threads, gen_fn *gen, size_t items, uint64_t n, uint32_t nb,
		       uint32_t *dir, uint32_t *out)
{
	struct sort_job job[MAX_THREADS];
	uint64_t *tmp = malloc((n ? n : 1) * sizeof(*tmp)), ends[256], sum = 0;
	int shift = 0, ok = !!tmp;

	while (((uint64_t)nb - 1) >> shift >= 256)
		shift++;
	memset(job, 0, sizeof(job));
	for (int t = 0; t < threads; t++) {
		job[t] = (struct sort_job){g, gen, items * (size_t)t / threads, items * (size_t)(t + 1) / threads,
					   nb, shift, 0, 256 * t / threads, 256 * (t + 1) / threads,
					   {0}, ends, tmp, calloc((size_t)1 << shift, sizeof(uint32_t)), dir, out};
		ok &= job[t].count != NULL;
	}
	if (!ok) {
		free(tmp);
		for (int t = 0; t < threads; t++)
			free(job[t].count);
		return -1;
	}
	sort_pass(job, threads, 0);
	/* each partition holds the first half's items, then the second's */
	for (int i = 0; i < 256; i++) {
		for (int t = 0; t < threads; t++) {
			uint64_t c = job[t].part[i];

			job[t].part[i] = sum;
			sum += c;
		}
		ends[i] = sum;
	}
	sort_pass(job, threads, 1);
	sort_pass(job, threads, 2);
	if (dir)
		dir[nb] = (uint32_t)n;
	free(tmp);
	for (int t = 0; t < threads; t++)
		free(job[t].count);
	return 0;
}

static int build_index(struct builder *b, size_t n)
{
	anpr_hotset *s = b->s;
	struct gen g = {s, b->rows, n};
	uint32_t *order = malloc((n ? n : 1) * sizeof(*order)), pos = 0, *glines = NULL;
	uint32_t placed = 0;
	size_t cap, glcap = 0;

	if (n > UINT32_MAX / 2 || !order) {
		free(order);
		return -1;
	}
	/* entries in order of their home slot, each placed at its home or the
	 * first free slot after it: linear probing, laid out in one pass. A
	 * VRM listed twice in one list lies in its home's group: merged. */
	s->n = (uint32_t)n;
	s->home = (uint32_t)(n + n / 3 + 1); /* 3/4 full */
	cap = (size_t)s->home + 64;
	s->slot = huge(calloc(cap, sizeof(*s->slot)), cap * sizeof(*s->slot));
	if (!s->slot || bucket_sort(&g, b->threads, gen_rows, n, n, s->home, NULL, order)) {
		free(order);
		return -1;
	}
	for (size_t i = 0, group = 0, last = UINT32_MAX; i < n; i++) {
		const struct row *r = &b->rows[order[i]];
		uint32_t h = bucket_of(canon(s, r->key), s->home), list = s->metas[r->meta].list;
		size_t k;

		if (h != last) {
			pos = h > pos ? h : pos;
			group = pos;
			last = h;
		}
		for (k = group; k < pos; k++)
			if ((s->slot[k].key & KEY_BITS) == r->key && s->metas[s->slot[k].meta].list == list)
				break;
		if (k < pos) {
			if (merge_into(b, &s->slot[k], glines[k - group], r)) {
				free(order);
				free(glines);
				return -1;
			}
			continue;
		}
		if (grow((void **)&glines, &glcap, pos - group + 1, sizeof(*glines))) {
			free(order);
			return -1;
		}
		glines[pos - group] = r->line; /* for the message if it comes again */
		if (pos + 1 >= cap) { /* a cluster ran past the end: more overflow */
			struct slot *x = realloc(s->slot, (cap + 64) * sizeof(*x));

			if (!x) {
				free(order);
				free(glines);
				return -1;
			}
			memset(x + cap, 0, 64 * sizeof(*x));
			s->slot = x;
			cap += 64;
		}
		s->slot[pos].key = r->key | (uint64_t)(pos - h < DISP_MAX ? pos - h : DISP_MAX) << DISP_SHIFT;
		s->slot[pos].meta = r->meta;
		s->slot[pos].note = r->note;
		pos++;
		placed++;
	}
	free(order);
	free(glines);
	s->n = placed;
	s->nslots = pos > s->home ? pos + 1 : s->home + 1; /* a final empty slot ends every probe */
	if (!s->indel)
		return 0;

	/* the indel index: slot numbers by each distinct one-deletion variant */
	{
		uint64_t nvar = 0;

		for (uint32_t e = 0; e < s->nslots; e++) {
			uint64_t c = s->slot[e].key ? canon(s, s->slot[e].key & KEY_BITS) : 0;
			int l = klen(c);

			for (int p = 0; l > 1 && p < l; p++)
				nvar += !p || field(c, p) != field(c, p - 1);
		}
		if (nvar >= UINT32_MAX)
			return -1;
		s->nvar = (uint32_t)nvar;
		s->nvb = (uint32_t)(nvar / 4 + 1);
		s->vdir = malloc(((size_t)s->nvb + 1) * sizeof(*s->vdir));
		s->var = malloc((nvar ? nvar : 1) * sizeof(*s->var));
		if (!s->vdir || !s->var || bucket_sort(&g, b->threads, gen_variants, s->nslots, nvar, s->nvb, s->vdir, s->var))
			return -1;
	}
	return 0;
}

static int finish(struct builder *b)
{
	anpr_hotset *s = b->s;
	struct anpr_hot_stats *st = &s->st;
	void *p;

	if (build_index(b, b->nrows))
		return ANPR_ERR_NOMEM;
	/* give back what the builder over-allocated */
	if (s->nmetas && (p = realloc(s->metas, s->nmetas * sizeof(*s->metas))))
		s->metas = p;
	if ((p = realloc(s->strs, s->nstrs ? s->nstrs : 1)))
		s->strs = p;
	for (int i = 0; i < st->nlists; i++) {
		st->rows += st->list[i].rows;
		st->bad += st->list[i].bad;
		st->duplicates += st->list[i].duplicates;
		st->expired += st->list[i].expired;
	}
	for (uint32_t e = 0; e < s->nslots; e++) {
		const struct meta *m;

		if (!s->slot[e].key)
			continue;
		m = &s->metas[s->slot[e].meta];
		st->list[m->list].entries++;
		st->len_count[klen(s->slot[e].key & KEY_BITS)]++;
		st->priority_count[m->priority]++;
	}
	st->entries = s->n;
	st->variants = s->nvar;
	if ((p = realloc(s->slot, (size_t)s->nslots * sizeof(*s->slot))))
		s->slot = p;
	st->bytes = sizeof(*s) + (size_t)s->nslots * sizeof(*s->slot) + (size_t)s->nvar * sizeof(*s->var) +
		    (s->vdir ? ((size_t)s->nvb + 1) * sizeof(*s->vdir) : 0) + s->nmetas * sizeof(*s->metas) + s->nstrs;
	return ANPR_OK;
}

static void builder_free(struct builder *b)
{
	free(b->rows);
	free(b->strtab);
	free(b->metatab);
}

void anpr_hotset_free(anpr_hotset *s)
{
	if (!s)
		return;
	free(s->slot);
	free(s->vdir);
	free(s->var);
	free(s->metas);
	free(s->strs);
	free(s);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#define READ_BLOCK ((size_t)1 << 20)

/* Parse the list in file path, a block at a time, and refuse it if it
 * changes while it is read (after reading it again twice). Returns
 * ANPR_OK, ANPR_ERR_IO, ANPR_ERR_ARG (refused, reported), ANPR_ERR_NOMEM. */
static int parse_file(struct builder *b, const char *name, const char *path, char *buf, size_t block)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		struct stat before, after;
		struct lines L;
		size_t have = 0, used;
		int fd = open(path, O_RDONLY | O_CLOEXEC), rc = ANPR_OK, eof = 0;

		if (fd < 0) {
			say(b, "%s: %s", path, strerror(errno));
			return ANPR_ERR_IO;
		}
		if (fstat(fd, &before) || !S_ISREG(before.st_mode)) {
			say(b, "%s: %s", path, S_ISDIR(before.st_mode) ? "a directory" : "not a regular file");
			close(fd);
			return ANPR_ERR_IO;
		}
		if ((rc = list_begin(b, &L, name, path))) {
			close(fd);
			return rc;
		}
#ifdef POSIX_FADV_SEQUENTIAL
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
		while (!rc && !eof) {
			ssize_t r = read(fd, buf + have, block - have);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				say(b, "%s: %s", path, strerror(errno));
				list_undo(&L);
				close(fd);
				return ANPR_ERR_IO;
			}
			eof = r == 0;
			have += (size_t)r;
			rc = list_feed(&L, buf, have, eof, &used);
			memmove(buf, buf + used, have - used);
			have -= used;
		}
		if (rc) {
			close(fd);
			b->s->st.list[L.list].refused = 1;
			b->nrows = L.first_row;
			return rc == -2 ? ANPR_ERR_NOMEM : ANPR_ERR_ARG;
		}
		if (!fstat(fd, &after) && after.st_size == before.st_size && after.st_ino == before.st_ino &&
		    after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec) {
			close(fd);
			return list_end(&L);
		}
		close(fd);
		list_undo(&L);
		say(b, "%s: changed while it was read: the messages above about it are void; reading it again", path);
	}
	say(b, "%s: refused: the file changed while it was read (write lists aside and rename them into place)", path);
	return ANPR_ERR_IO;
}

/* A file refused before it became a list (unreadable, a clashing name)
 * still counts as a (refused) list in the statistics. */
static void count_refused(anpr_hotset *s, const char *name)
{
	struct anpr_hot_list_stats *ls;

	if (s->st.nlists == ANPR_HOT_MAX_LISTS)
		return;
	ls = &s->st.list[s->st.nlists++];
	memset(ls, 0, sizeof(*ls));
	snprintf(ls->name, sizeof(ls->name), "%s", name);
	ls->refused = 1;
}

/* Parse list i (a file of src, or txt[i]) into b; an unreadable file is
 * still a (refused) list in the statistics. */
static int parse_one(struct builder *b, const struct anpr_hot_source *src, const struct anpr_hot_text *txt, int i,
		     char *buf, size_t block)
{
	int r, nl = b->s->st.nlists;

	r = src ? parse_file(b, src[i].name, src[i].path, buf, block) : parse_list(b, &txt[i]);
	if (r && src && b->s->st.nlists == nl)
		count_refused(b->s, src[i].name);
	return r;
}

static int builder_init(struct builder *b, const struct anpr_hot_opts *o)
{
	memset(b, 0, sizeof(*b));
	b->o = o;
	b->today = o->today >= 0 ? o->today : anpr_hot_today();
	b->threads = o->threads <= 0 ? 2 : o->threads > MAX_THREADS ? MAX_THREADS : o->threads;
	b->s = calloc(1, sizeof(*b->s));
	if (!b->s || grow((void **)&b->s->strs, &b->capstrs, 1, 1))
		return ANPR_ERR_NOMEM;
	b->s->strs[b->s->nstrs++] = 0; /* offset 0 is the empty string */
	return ANPR_OK;
}

/*
 * Several lists are parsed at once, each into a builder of its own (a
 * part) by the load's threads; the parts are then merged in list order
 * into the one builder (their strings and metadata interned again, their
 * rows appended), and their messages said in that order. The result is
 * the same as parsing them one after the other.
 */
#define PART_MSGS_MAX ((size_t)4 << 20) /* bytes of messages a part keeps */

struct part {
	struct builder b;
	struct anpr_hot_opts o; /* the caller's, its messages kept in msgs */
	char *msgs;
	size_t nmsgs, capmsgs;
	int rc;
	int overflow; /* more messages than it keeps: the list is parsed again, in turn */
};

static void part_say(void *ctx, const char *msg)
{
	struct part *p = ctx;
	size_t n = strlen(msg);

	if (p->overflow || p->nmsgs + n + 1 > PART_MSGS_MAX ||
	    grow((void **)&p->msgs, &p->capmsgs, p->nmsgs + n + 1, 1)) {
		p->overflow = 1;
		return;
	}
	memcpy(p->msgs + p->nmsgs, msg, n);
	p->msgs[p->nmsgs + n] = '\n';
	p->nmsgs += n + 1;
}

struct parse_job {
	const struct anpr_hot_source *src;
	const struct anpr_hot_text *txt;
	struct part *parts;
	int n, next;
	size_t block;
	pthread_mutex_t mu;
};

static void *parse_work(void *arg)
{
	struct parse_job *j = arg;
	char *buf = j->src ? malloc(j->block) : NULL;

	for (;;) {
		struct part *p;
		int i;

		pthread_mutex_lock(&j->mu);
		i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->n)
			break;
		p = &j->parts[i];
		p->rc = j->src && !buf ? ANPR_ERR_NOMEM : parse_one(&p->b, j->src, j->txt, i, buf, j->block);
	}
	free(buf);
	return NULL;
}

static int by_offset(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Merge part p (a list named name) into b as its next list. */
static int merge_part(struct builder *b, struct part *p, const char *name, int file)
{
	anpr_hotset *s = b->s, *ps = p->b.s;
	int list = s->st.nlists;
	uint32_t *old = NULL, *neu = NULL, *meta = NULL, k = 0, nstr = 0;
	int rc = p->rc;

	if (ps->names[0][0]) { /* it was a list: what list_begin checks across lists */
		if (list == ANPR_HOT_MAX_LISTS) {
			say(b, "%s: more than %d lists", p->b.paths[0], ANPR_HOT_MAX_LISTS);
			return ANPR_ERR_ARG;
		}
		for (int i = 0; i < list; i++)
			if (!strcmp(s->names[i], ps->names[0])) {
				say(b, "%s: a second list named '%s' (name lists with --hotlist NAME=FILE)", p->b.paths[0],
				    name);
				if (file) /* as parse_one has it */
					count_refused(s, name);
				return ANPR_ERR_ARG;
			}
	}
	for (size_t at = 0; at < p->nmsgs;) {
		const char *nl = memchr(p->msgs + at, '\n', p->nmsgs - at);

		say(b, "%.*s", (int)(nl - (p->msgs + at)), p->msgs + at);
		at = (size_t)(nl - p->msgs) + 1;
	}
	if (!ps->st.nlists || list == ANPR_HOT_MAX_LISTS)
		return rc;
	s->st.list[list] = ps->st.list[0];
	memcpy(s->names[list], ps->names[0], sizeof(s->names[list]));
	b->paths[list] = p->b.paths[0];
	s->st.nlists++;
	if (rc || !p->b.nrows)
		return rc;
	/* its strings, in pool order (so old is sorted), interned anew */
	for (size_t at = 1; at < ps->nstrs; at += strlen(ps->strs + at) + 1)
		nstr++;
	old = malloc((nstr ? nstr : 1) * sizeof(*old));
	neu = malloc((nstr ? nstr : 1) * sizeof(*neu));
	meta = malloc((ps->nmetas ? ps->nmetas : 1) * sizeof(*meta));
	if (!old || !neu || !meta || grow((void **)&b->rows, &b->caprows, b->nrows + p->b.nrows, sizeof(struct row)))
		goto nomem;
	for (size_t at = 1; at < ps->nstrs; k++) {
		size_t len = strlen(ps->strs + at);

		old[k] = (uint32_t)at;
		if ((neu[k] = intern(b, ps->strs + at, len)) == UINT32_MAX)
			goto nomem;
		at += len + 1;
	}
#define NEW_STR(off) ((off) ? neu[(uint32_t *)bsearch(&(off), old, nstr, sizeof(*old), by_offset) - old] : 0)
	for (uint32_t i = 0; i < ps->nmetas; i++) {
		struct meta m = ps->metas[i];

		m.category = NEW_STR(m.category);
		m.action = NEW_STR(m.action);
		m.source = NEW_STR(m.source);
		m.list = (uint16_t)list;
		if ((meta[i] = intern_meta(b, &m)) == UINT32_MAX)
			goto nomem;
	}
	for (size_t i = 0; i < p->b.nrows; i++) {
		struct row r = p->b.rows[i];

		r.meta = meta[r.meta];
		r.note = NEW_STR(r.note);
		b->rows[b->nrows++] = r;
	}
#undef NEW_STR
	free(old);
	free(neu);
	free(meta);
	return ANPR_OK;
nomem:
	free(old);
	free(neu);
	free(meta);
	return ANPR_ERR_NOMEM;
}

static void part_free(struct part *p)
{
	builder_free(&p->b);
	anpr_hotset_free(p->b.s);
	free(p->msgs);
}

/* Parse the n lists into b, in parallel where there are several. */
static int parse_all(struct builder *b, const struct anpr_hot_source *src, const struct anpr_hot_text *txt, int n,
		     size_t block)
{
	struct parse_job j = {src, txt, NULL, n, 0, block, PTHREAD_MUTEX_INITIALIZER};
	pthread_t th[MAX_THREADS];
	int made[MAX_THREADS] = {0}, rc = ANPR_OK;

	if (n == 1 || b->threads == 1) { /* one after the other, into b */
		char *buf = src ? malloc(block) : NULL;

		for (int i = 0; i < n && rc != ANPR_ERR_NOMEM; i++) {
			int r = src && !buf ? ANPR_ERR_NOMEM : parse_one(b, src, txt, i, buf, block);

			if (r)
				rc = rc ? rc : r;
		}
		free(buf);
		return rc;
	}
	if (!(j.parts = calloc((size_t)n, sizeof(*j.parts))))
		return ANPR_ERR_NOMEM;
	for (int i = 0; i < n; i++) {
		struct part *p = &j.parts[i];

		p->o = *b->o;
		p->o.report = part_say;
		p->o.ctx = p;
		if (builder_init(&p->b, &p->o))
			rc = ANPR_ERR_NOMEM;
	}
	if (!rc) {
		for (int t = 1; t < b->threads && t < n; t++)
			made[t] = !pthread_create(&th[t], NULL, parse_work, &j);
		parse_work(&j);
		for (int t = 1; t < b->threads && t < n; t++)
			if (made[t])
				pthread_join(th[t], NULL);
	}
	for (int i = 0; i < n && rc != ANPR_ERR_NOMEM; i++) {
		int r, overflow = j.parts[i].overflow;

		if (overflow) { /* too many messages to keep (a list of mostly bad rows): parse it now, in turn */
			part_free(&j.parts[i]);
			memset(&j.parts[i], 0, sizeof(j.parts[i]));
		}
		if (!overflow) {
			r = merge_part(b, &j.parts[i], src ? src[i].name : txt[i].name, src != NULL);
		} else {
			char *buf = src ? malloc(block) : NULL;

			r = src && !buf ? ANPR_ERR_NOMEM : parse_one(b, src, txt, i, buf, block);
			free(buf);
		}
		if (r)
			rc = rc ? rc : r;
		part_free(&j.parts[i]);
		memset(&j.parts[i], 0, sizeof(j.parts[i]));
	}
	for (int i = 0; i < n; i++)
		part_free(&j.parts[i]);
	free(j.parts);
	return rc;
}

static int load(const struct anpr_hot_source *src, const struct anpr_hot_text *txt, int n,
		const struct anpr_hot_opts *o, anpr_hotset **out, struct anpr_hot_stats *st)
{
	struct builder b;
	double t0 = now_ms();
	char why[96];
	size_t block;
	int rc = builder_init(&b, o);

	*out = NULL;
	if (rc) {
		builder_free(&b);
		anpr_hotset_free(b.s);
		return rc;
	}
	b.s->fuzzy = o->fuzzy < 0 ? 0 : o->fuzzy;
	b.s->indel = o->indel;
	if (canon_init(b.s, o->lookalike ? o->lookalike : ANPR_HOT_CLASSES, why)) {
		say(&b, "%s", why);
		rc = ANPR_ERR_ARG;
	}
	block = o->read_block ? o->read_block : READ_BLOCK;
	block = block < ANPR_HOT_MAX_ROW + 2 ? ANPR_HOT_MAX_ROW + 2 : block; /* a whole row fits */
	if (!rc && n > 0)
		rc = parse_all(&b, src, txt, n, block);
	b.s->st.parse_ms = now_ms() - t0;
	if (!rc)
		rc = finish(&b);
	b.s->st.load_ms = now_ms() - t0;
	if (st)
		*st = b.s->st;
	builder_free(&b);
	if (rc) {
		anpr_hotset_free(b.s);
		return rc;
	}
	*out = b.s;
	return ANPR_OK;
}

int anpr_hotset_load(const struct anpr_hot_source *src, int n, const struct anpr_hot_opts *o, anpr_hotset **out,
		     struct anpr_hot_stats *st)
{
	return load(src, NULL, n, o, out, st);
}

int anpr_hotset_load_text(const struct anpr_hot_text *t, int n, const struct anpr_hot_opts *o, anpr_hotset **out,
			  struct anpr_hot_stats *st)
{
	return load(NULL, t, n, o, out, st);
}

long anpr_hotset_size(const anpr_hotset *s)
{
	return s ? (long)s->n : 0;
}

const struct anpr_hot_stats *anpr_hotset_stats(const anpr_hotset *s)
{
	return &s->st;
}

/* ---- lookup ---- */

struct found {
	uint32_t entry;
	enum anpr_hot_rule rule;
	int distance;
	int query;    /* which text found it */
	int priority; /* of the entry */
	int list;     /* the entry's list, by load order */
	float conf;   /* the reader's confidence in the text */
};

/* The best MAX_HITS_SCAN hits so far, one per entry. */
struct hitset {
	struct found f[MAX_HITS_SCAN];
	int n;
	const float *conf; /* per query text */
};

/* Does a rank after b? By priority, distance, the reader's confidence, list
 * order, entry. */
static int ranks_after(const struct found *a, const struct found *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority;
	if (a->distance != b->distance)
		return a->distance > b->distance;
	if (a->conf != b->conf)
		return a->conf < b->conf;
	if (a->list != b->list)
		return a->list > b->list;
	return a->entry > b->entry;
}

static void add_hit(const anpr_hotset *s, struct hitset *h, uint32_t e, enum anpr_hot_rule rule, int distance,
		    int query)
{
	const struct meta *m = &s->metas[s->slot[e].meta];
	struct found x = {e, rule, distance, query, m->priority, m->list, h->conf[query]};
	int worst = 0;

	for (int i = 0; i < h->n; i++)
		if (h->f[i].entry == e) {
			if (ranks_after(&h->f[i], &x))
				h->f[i] = x;
			return;
		}
	if (h->n < MAX_HITS_SCAN) {
		h->f[h->n++] = x;
		return;
	}
	for (int i = 1; i < h->n; i++) /* full: x displaces the worst, if better */
		if (ranks_after(&h->f[i], &h->f[worst]))
			worst = i;
	if (ranks_after(&h->f[worst], &x))
		h->f[worst] = x;
}

static int live(const anpr_hotset *s, uint32_t e, int32_t today)
{
	return s->metas[s->slot[e].meta].valid_until >= today;
}

/* The entries whose canonical VRM is c (home h): call each with its slot. */
#define FOR_HOME(s, c, h, i, k)                                                                     \
	for (uint32_t i = (h), _d; ((k) = (s)->slot[i].key) != 0; i++)                              \
		if ((_d = (uint32_t)((k) >> DISP_SHIFT)) < DISP_MAX && i - _d > (h))                 \
			break;                                                                      \
		else if ((_d < DISP_MAX && i - _d < (h)) || (((k) &= KEY_BITS), canon((s), (k)) != (c))) \
			continue;                                                                   \
		else

/* Every hit of the packed read r (canonical c) by the set's rules. */
static void find(const anpr_hotset *s, uint64_t r, int exact_only, int32_t today, struct hitset *h, int query)
{
	uint64_t c = canon(s, r), k, vc[ANPR_HOT_MAX_VRM], vr[ANPR_HOT_MAX_VRM];
	uint32_t vh[ANPR_HOT_MAX_VRM], home, vb = 0;
	int fuzzy = exact_only ? 0 : s->fuzzy, l = klen(c), nv = 0;

	if (!s->n)
		return;
	home = bucket_of(c, s->home);
	/* a probe reads 2.5 slots on average: fetch the next line with the first */
	__builtin_prefetch((const char *)&s->slot[home] + 64);
	if (!exact_only && s->indel) { /* start every memory access the indel rule needs */
		for (int p = 0; l > 1 && p < l; p++) {
			if (p && field(r, p) == field(r, p - 1))
				continue; /* the same read as deleting p - 1 */
			vc[nv] = kdel(c, p);
			vr[nv] = kdel(r, p);
			vh[nv] = bucket_of(vc[nv], s->home);
			__builtin_prefetch(&s->slot[vh[nv]]);
			nv++;
		}
		vb = bucket_of(c, s->nvb);
		__builtin_prefetch(&s->vdir[vb]);
	}
	if (!fuzzy) { /* exact: the same packed VRM, so the same home; no classes to compare */
		for (uint32_t i = home, d; (k = s->slot[i].key) != 0; i++) {
			if ((d = (uint32_t)(k >> DISP_SHIFT)) < DISP_MAX && i - d > home)
				break;
			if ((k & KEY_BITS) == r && live(s, i, today))
				add_hit(s, h, i, ANPR_HOT_EXACT, 0, query);
		}
	} else {
		FOR_HOME(s, c, home, i, k) {
			int d = ndiff(k, r);

			if (d <= fuzzy && live(s, i, today))
				add_hit(s, h, i, d ? ANPR_HOT_LOOKALIKE : ANPR_HOT_EXACT, d, query);
		}
	}
	if (exact_only || !s->indel)
		return;
	/* one extra character in the read: the read less each character */
	for (int v = 0; v < nv; v++) {
		FOR_HOME(s, vc[v], vh[v], i, k) {
			int d = ndiff(k, vr[v]);

			if (d <= fuzzy && live(s, i, today))
				add_hit(s, h, i, ANPR_HOT_INDEL, 1 + d, query);
		}
	}
	/* one character missing from the read: entries one deletion away */
	if (l >= ANPR_HOT_MAX_VRM)
		return;
	for (uint32_t j = s->vdir[vb]; j < s->vdir[vb + 1]; j++)
		__builtin_prefetch(&s->slot[s->var[j]]);
	for (uint32_t j = s->vdir[vb]; j < s->vdir[vb + 1]; j++) {
		uint32_t e = s->var[j];
		uint64_t ek = s->slot[e].key & KEY_BITS, ec = canon(s, ek);
		int best = 99;

		if (klen(ec) != l + 1)
			continue;
		for (int p = 0; p <= l; p++)
			if (kdel(ec, p) == c) {
				int d = ndiff(kdel(ek, p), r);

				best = d < best ? d : best;
			}
		if (best <= fuzzy && live(s, e, today))
			add_hit(s, h, e, ANPR_HOT_INDEL, 1 + best, query);
	}
}

static int rank_cmp(const void *pa, const void *pb)
{
	const struct anpr_hot_hit *a = pa, *b = pb;

	if (a->priority != b->priority)
		return a->priority - b->priority;
	if (a->distance != b->distance)
		return a->distance - b->distance;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->list_index != b->list_index)
		return a->list_index - b->list_index;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

static int emit(const anpr_hotset *s, const struct hitset *h, char (*texts)[ANPR_HOT_MAX_VRM + 3],
		const float *conf, struct anpr_hot_hit *hits, int max)
{
	struct anpr_hot_hit all[MAX_HITS_SCAN], *out = h->n <= max ? hits : all; /* (all: to keep the best max) */
	int n = 0;

	for (int i = 0; i < h->n; i++) {
		const struct found *f = &h->f[i];
		const struct meta *m = &s->metas[s->slot[f->entry].meta];
		struct anpr_hot_hit *x = &out[n++];

		x->list = s->names[m->list];
		x->list_index = m->list;
		x->category = s->strs + m->category;
		x->action = s->strs + m->action;
		x->source = s->strs + m->source;
		x->note = s->strs + s->slot[f->entry].note;
		unpack(s->slot[f->entry].key & KEY_BITS, x->vrm);
		memcpy(x->read, texts[f->query], sizeof(x->read));
		x->priority = m->priority;
		x->valid_until = m->valid_until;
		x->rule = f->rule;
		x->distance = f->distance;
		x->confidence = conf[f->query];
		x->entry = f->entry;
	}
	if (n > 1)
		qsort(out, (size_t)n, sizeof(out[0]), rank_cmp);
	if (out == all) {
		n = max > 0 ? max : 0;
		memcpy(hits, all, (size_t)n * sizeof(all[0]));
	}
	return n;
}

int anpr_hotset_lookup(const anpr_hotset *s, const char *text, int exact_only, int32_t today,
		       struct anpr_hot_hit *hits, int max)
{
	char t[1][ANPR_HOT_MAX_VRM + 3], why[96];
	float one = 1;
	struct hitset h;

	h.n = 0;
	h.conf = &one;
	if (!s || anpr_hot_normalise(text, strlen(text), t[0], why) < 0)
		return 0;
	find(s, pack(t[0]), exact_only, today, &h, 0);
	return emit(s, &h, t, &one, hits, max);
}

#define MAX_QUERIES (ANPR_READ_MAX_CANDS + 4)

int anpr_hotset_match(const anpr_hotset *s, const struct anpr_plate_read *pl, int32_t today,
		      struct anpr_hot_hit *hits, int max)
{
	char texts[MAX_QUERIES][ANPR_HOT_MAX_VRM + 3], why[96];
	float conf[MAX_QUERIES];
	int nq = 0;
	struct hitset h;

	h.n = 0;
	h.conf = conf;
	if (!s)
		return 0;
	/* the reader's candidate texts, best first */
	for (int i = 0; i < pl->ncands && nq < MAX_QUERIES; i++) {
		if (anpr_hot_normalise(pl->cands[i].text, strlen(pl->cands[i].text), texts[nq], why) < 0)
			continue;
		conf[nq] = pl->cands[i].confidence;
		find(s, pack(texts[nq]), 0, today, &h, nq);
		nq++;
	}
	if (!pl->ncands && anpr_hot_normalise(pl->text, strlen(pl->text), texts[0], why) > 0) {
		conf[0] = pl->confidence;
		find(s, pack(texts[0]), 0, today, &h, 0);
		nq = 1;
	}
	/* the best text with one doubtful character replaced by its runner-up */
	if (nq && (int)strlen(texts[0]) == pl->nchars) {
		for (int k = 0; k < pl->nchars && nq < MAX_QUERIES; k++) {
			const struct anpr_char_read *c = &pl->chars[k];

			if (c->confidence >= DOUBT || !c->alt || c->alt == texts[0][k])
				continue;
			memcpy(texts[nq], texts[0], sizeof(texts[0]));
			texts[nq][k] = c->alt;
			conf[nq] = c->confidence > 0 ? conf[0] * c->alt_confidence / c->confidence : 0;
			find(s, pack(texts[nq]), 0, today, &h, nq);
			nq++;
		}
	}
	return emit(s, &h, texts, conf, hits, max);
}
