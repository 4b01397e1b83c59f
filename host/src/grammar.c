/*
 * grammar.c - plate grammar (anpr/grammar.h).
 *
 * Pattern notation. A format is one or more alternatives separated by '|';
 * an alternative is a sequence of positions, each one atom and an optional
 * quantifier:
 *   A-Z 0-9   that character
 *   @         any letter A-Z
 *   #         any digit 0-9
 *   *         any letter or digit
 *   [...]     any of the characters listed; X-Y is a range of letters or of digits
 *   $         (internal) the slot's best non-junk class: the unconstrained reading
 *   {m}       the atom m times; {m,n}: m to n times; ?: 0 or 1 time
 * e.g. "[A-HJ-PR-Y][A-HJ-PR-Z]##[A-HJ-PR-Z]{3}" is the current GB format.
 * No grouping: a choice between sequences is written as alternatives.
 * A format may also cap the total length (German plates: 8 characters at most).
 *
 * On first use each format is expanded into fixed-length patterns (one per
 * choice of repeat counts), and a pattern that is a prefix of a longer one of
 * the same format is folded into it as an extra accepted length, so that one
 * dynamic programme serves both.
 *
 * Reading. With gain(slot, class) = log p(class) - log p(junk), a reading's
 * logp is the sum of log p(junk) over all slots plus the gains of the slots
 * it uses. For one pattern, the best K distinct texts come from a dynamic
 * programme over (position, last slot considered) keeping the K best distinct
 * prefixes per cell: how a prefix was reached does not change how it can be
 * continued, so keeping only its best way is exact. Merging every pattern's
 * K best gives the overall K best distinct texts. A cheap K = 1 pass gives
 * each pattern's best score; patterns are run best bound first and the rest
 * skipped once the K-th best candidate beats their bound, which keeps a call
 * with all EU formats well under the time a frame allows.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <threads.h>

#include "anpr/anpr.h"
#include "anpr/grammar.h"

#define NSYM 36                 /* characters: classes 0-35 */
#define BEST_BIT (1ull << 36)   /* set flag: only the slot's best character */
#define ALL_CHARS ((1ull << NSYM) - 1)
#define MAX_SETS 96             /* distinct position sets over all formats */
#define MAX_PATS 400            /* fixed-length patterns over all formats */
#define MAX_ITEMS 16            /* positions of one alternative before expansion */
#define ANY_MAX 10              /* longest text under ANPR_COUNTRY_ANY */

#define C_GB 1u
#define C_EU 2u
#define C_ANY 4u

struct format {
	unsigned countries; /* C_* that use it */
	struct anpr_format_info info;
};

/* GB letter sets: I and Q are never issued; Z only in Northern Irish codes */
#define GL "[A-HJ-PR-Y]"     /* area codes and serial letters */
#define GY "[A-HJ-NPR-TV-Y]" /* prefix and suffix year letters: no I, O, Q, U, Z */
#define N3 "[1-9]#{0,2}"     /* 1-999 */
#define N4 "[1-9]#{0,3}"     /* 1-9999 */
/* Polish voivodeship, area and vehicle-series letters (no B D I O Z in the series) */
#define PV "[BCDEFGKLNOPRSTWZ]"
#define PA "[A-PR-Z]"
#define PS "[ACEFGHJ-NPR-Y]"
/* Austria: no Q anywhere */
#define AL "[A-PR-Z]"
#define AD AL "{1,2}"
/* France: SIV has no I, O, U; the old FNI series no I, O */
#define FS "[A-HJ-NP-TV-Z]"
#define FF "[A-HJ-NP-Z]{1,3}"
/* Netherlands: sidecodes 1-3 (1951-78), 4-6 (consonants, no C Q), 7 on (no Y either) */
#define NL1 "[ABD-HJ-NPR-VXZ]"
#define NL4 "[BDFGHJ-NPR-TV-Z]"
#define NL7 "[BDFGHJ-NPR-TV-XZ]"
/* Switzerland: canton code, then 1-999999 */
#define CHN "[1-9]#{0,5}"

/* Table order decides the name reported when several formats accept a text. */
static const struct format formats[] = {
	/* Great Britain and Northern Ireland */
	{C_GB | C_EU, {"gb-current", "[A-HJ-PR-Y][A-HJ-PR-Z]##[A-HJ-PR-Z]{3}", 0, "BZ07DFG"}},
	{C_GB | C_EU, {"gb-prefix", GY N3 GL "{3}", 0, "W606KCB"}},
	{C_GB | C_EU, {"gb-suffix", GL "{3}" N3 GY, 0, "HWR413T"}},
	{C_GB | C_EU,
	 {"gb-dateless", GL "{1,2}" N4 "|" GL "{3}" N3 "|" N4 GL "{1,2}|" N3 GL "{3}", 0, "DBM699"}},
	{C_GB | C_EU,
	 {"gb-ni",
	  GL "?[A-HJ-PR-Y]Z" N4 "|" GL "?I[ABGJLW]" N4 "|" GL "?[JOUX]I" N4 "|" N4 "[A-HJ-PR-Y]Z|" N4
	     "I[ABGJLW]|" N4 "[JOUX]I",
	  0, "ABZ1234"}},
	{C_GB | C_EU, {"gb-q", "Q" N3 GL "{3}", 0, "Q123ABC"}},
	/* EU and neighbours */
	{C_EU, {"sk", "@@###@@", 0, "RK115AN"}},
	{C_EU, {"cz", "[1-9][ABCEHJKLMPSTUZ][0-9A-FH-NPR-VX-Z]####", 0, "1B80338"}},
	{C_EU, {"cz-old", "@{2,3}####", 0, "BZM2227"}},
	{C_EU, {"de", "@{2,5}[1-9]#{0,3}[EH]?", 8, "MAE2821"}},
	{C_EU,
	 {"pl",
	  PV PA "#####|" PV PA "####" PS "|" PV PA "###" PS PS "|" PV PA "#" PS "###|" PV PA "#" PS PS
	     "##|" PV PA PA PS "###|" PV PA PA "##" PS PS "|" PV PA PA "#" PS "##|" PV PA PA "##" PS
	     "#|" PV PA PA "#" PS PS "#|" PV PA PA PS PS "##",
	  0, "WA56660"}},
	{C_EU,
	 {"at",
	  AD "[1-9]" AL "{2,3}|" AD "[1-9]#" AL "{1,3}|" AD "[1-9]##" AL "{1,3}|" AD "[1-9]###" AL
	     "{1,2}|" AD "[1-9]####" AL "|" AL "{3,7}[1-9]#{0,4}|" AL "{2}[1-9]#{1,4}",
	  8, "ZE248KJ"}},
	{C_EU, {"fr-siv", FS "{2}###" FS "{2}", 0, "AB123CD"}},
	{C_EU,
	 {"fr-fni", N4 FF "##|" N4 FF "2[AB]|" N4 FF "97[1-6]", 0, "123ABC45"}},
	{C_EU,
	 {"nl",
	  NL1 "{2}####|####" NL1 "{2}|##" NL1 "{2}##|" NL4 "{2}##" NL4 "{2}|" NL4 "{4}##|##" NL4
	      "{4}|##" NL7 "{3}#|#" NL7 "{3}##|" NL7 "{2}###" NL7 "|" NL7 "###" NL7 "{2}|" NL7
	      "{3}##" NL7 "|" NL7 "##" NL7 "{3}|#" NL7 "{2}###|###" NL7 "{2}#",
	  0, "GBB01B"}},
	{C_EU, {"it", "[A-HJ-NPR-TV-Z]{2}###[A-HJ-NPR-TV-Z]{2}", 0, "EX123AB"}},
	{C_EU, {"es", "####[BCDFGHJ-NPR-TV-Z]{3}", 0, "1234BCD"}},
	{C_EU, {"es-old", "@{1,2}####@{1,2}", 0, "M1234AB"}},
	{C_EU, {"hu", "@@@###|@@@@###", 0, "AEAB123"}},
	{C_EU, {"be", "[1-9]@@@###|@@@###|###@@@", 0, "1ABC123"}},
	{C_EU,
	 {"ch",
	  "A[GIR]" CHN "|B[ELS]" CHN "|FR" CHN "|G[ELR]" CHN "|JU" CHN "|LU" CHN "|N[EW]" CHN
	  "|OW" CHN "|S[GHOZ]" CHN "|T[GI]" CHN "|UR" CHN "|V[DS]" CHN "|Z[GH]" CHN,
	  0, "ZH123456"}},
	{C_EU, {"dk-no", "@@[1-9]####", 0, "AB12345"}},
	{C_EU, {"se", "[A-HJ-PR-UW-Z]{3}##[0-9A-HJ-NPR-UW-Z]", 0, "ABC12D"}},
	{C_EU, {"fi", "@{2,3}[1-9]#{0,2}", 0, "ABC123"}},
	{C_EU, {"pt", "@@##@@|##@@##|####@@|@@####", 0, "AA00AA"}},
	{C_EU, {"ro", "[A-PR-Z]{1,2}##[A-PR-Z]{3}|B###[A-PR-Z]{3}", 0, "CJ12ABC"}},
	{C_EU, {"hr", "@@#{3,4}[A-PR-VZ]{1,2}", 0, "ZG1234AB"}},
	{C_EU, {"ie", "##[12]?[CDGKLMORSTW][DEHKLMNOSWXY]?[1-9]#{0,5}", 0, "191D12345"}},
	{C_EU, {"bg", "[ABCEHKMOPTXY]{1,2}####[ABCEHKMOPTXY]{2}", 0, "CA1234AB"}},
	{C_EU, {"gr", "[ABEHIKMNOPTXYZ]{3}[1-9]###", 0, "IKA1234"}},
	{C_EU, {"lt", "@@@###", 0, "KLM123"}},
	{C_EU, {"lv", "@{1,2}[1-9]#{0,3}", 0, "AB1234"}},
	{C_EU, {"ee", "###@@@", 0, "123ABC"}},
	/* not formats of a country: the readings every call adds */
	{C_GB | C_EU, {"none", "${2,12}", 0, "C4RSUK"}},
	{C_ANY, {"any", "*{2,10}", 0, "AB12"}},
};

#define NFORMATS ((int)(sizeof(formats) / sizeof(formats[0])))
#define FMT_NONE (NFORMATS - 2)
#define FMT_ANY (NFORMATS - 1)

struct pat {
	uint8_t len;                /* positions */
	uint8_t kmin;               /* shortest accepted length */
	uint16_t accept;            /* bit k: the first k positions are a whole text */
	uint8_t set[ANPR_MAX_TEXT]; /* index into tab.sets */
	int16_t fmt;                /* index into formats[] */
	int16_t dead;               /* folded into a longer pattern */
};

enum { CG, CE, CA, NCOUNTRY }; /* per-country pattern lists, in enum anpr_country order */

static struct {
	uint64_t sets[MAX_SETS];
	int nsets;
	struct pat pats[MAX_PATS];
	int npats;
	int16_t list[NCOUNTRY][MAX_PATS]; /* live patterns of each country, table order */
	int nlist[NCOUNTRY];
	int bad; /* a format failed to parse or the tables overflowed (tests catch it) */
} tab;

static once_flag tab_once = ONCE_FLAG_INIT;

/* ---- table construction ---- */

struct item {
	uint64_t mask;
	int lo, hi;
};

static int sym_of(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'Z')
		return 10 + ch - 'A';
	return -1;
}

/* One "[...]" set starting after the '['; *s is left after the ']'. */
static uint64_t parse_set(const char **s)
{
	uint64_t m = 0;
	const char *p = *s;

	while (*p && *p != ']') {
		int a = sym_of(p[0]), b = a;

		if (a < 0)
			return 0;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			b = sym_of(p[2]);
			if (b < a || (a < 10) != (b < 10))
				return 0;
			p += 2;
		}
		for (; a <= b; a++)
			m |= 1ull << a;
		p++;
	}
	if (*p != ']')
		return 0;
	*s = p + 1;
	return m;
}

/* Parse one alternative [s, end) into items. Returns the number, or -1. */
static int parse_alt(const char *s, const char *end, struct item *it)
{
	int n = 0;

	while (s < end) {
		uint64_t m;

		if (n == MAX_ITEMS)
			return -1;
		if (*s == '[') {
			s++;
			m = parse_set(&s);
		} else {
			switch (*s) {
			case '@': m = ALL_CHARS & ~0x3ffull; break;
			case '#': m = 0x3ff; break;
			case '*': m = ALL_CHARS; break;
			case '$': m = ALL_CHARS | BEST_BIT; break;
			default: m = sym_of(*s) < 0 ? 0 : 1ull << sym_of(*s);
			}
			s++;
		}
		if (!m || s > end)
			return -1;
		it[n].mask = m;
		it[n].lo = it[n].hi = 1;
		if (s < end && *s == '?') {
			it[n].lo = 0;
			s++;
		} else if (s < end && *s == '{') {
			int lo = 0, hi;

			for (s++; s < end && *s >= '0' && *s <= '9'; s++)
				lo = lo * 10 + *s - '0';
			hi = lo;
			if (s < end && *s == ',')
				for (hi = 0, s++; s < end && *s >= '0' && *s <= '9'; s++)
					hi = hi * 10 + *s - '0';
			if (s >= end || *s != '}' || hi < lo || hi > ANPR_MAX_TEXT)
				return -1;
			s++;
			it[n].lo = lo;
			it[n].hi = hi;
		}
		n++;
	}
	return n;
}

static int intern_set(uint64_t m)
{
	int i;

	for (i = 0; i < tab.nsets; i++)
		if (tab.sets[i] == m)
			return i;
	if (tab.nsets == MAX_SETS) {
		tab.bad = 1;
		return 0;
	}
	tab.sets[tab.nsets] = m;
	return tab.nsets++;
}

static void add_pat(int fmt, const uint64_t *m, int len)
{
	struct pat *p;
	int i;

	if (tab.npats == MAX_PATS) {
		tab.bad = 1;
		return;
	}
	p = &tab.pats[tab.npats++];
	memset(p, 0, sizeof(*p));
	p->len = (uint8_t)len;
	p->kmin = (uint8_t)len;
	p->accept = (uint16_t)(1u << len);
	p->fmt = (int16_t)fmt;
	for (i = 0; i < len; i++)
		p->set[i] = (uint8_t)intern_set(m[i]);
}

/* Every choice of repeat counts of items k.. after the len positions in m. */
static void expand(int fmt, const struct item *it, int nit, int k, uint64_t *m, int len)
{
	int r, q, max = formats[fmt].info.max_len;

	if (k == nit) {
		if (len >= 1 && (!max || len <= max))
			add_pat(fmt, m, len);
		return;
	}
	for (r = it[k].lo; r <= it[k].hi && len + r <= ANPR_MAX_TEXT; r++) {
		for (q = 0; q < r; q++)
			m[len + q] = it[k].mask;
		expand(fmt, it, nit, k + 1, m, len + r);
	}
}

/* Fold p into a longer live pattern of the same format that starts with it. */
static void fold(struct pat *p)
{
	int i, j;

	for (i = 0; i < tab.npats; i++) {
		struct pat *q = &tab.pats[i];

		if (q == p || q->dead || q->fmt != p->fmt || q->len < p->len ||
		    (q->len == p->len && q < p))
			continue;
		for (j = 0; j < p->len && q->set[j] == p->set[j]; j++)
			;
		if (j < p->len)
			continue;
		q->accept |= p->accept;
		if (p->kmin < q->kmin)
			q->kmin = p->kmin;
		p->dead = 1;
		return;
	}
}

static void build_tables(void)
{
	static const unsigned cbit[NCOUNTRY] = {C_GB, C_EU, C_ANY};
	struct item it[MAX_ITEMS];
	uint64_t m[ANPR_MAX_TEXT];
	int f, i, c;

	for (f = 0; f < NFORMATS; f++) {
		const char *s = formats[f].info.pattern;

		for (;;) {
			const char *e = strchr(s, '|');
			int nit;

			if (!e)
				e = s + strlen(s);
			nit = parse_alt(s, e, it);
			if (nit <= 0)
				tab.bad = 1;
			else
				expand(f, it, nit, 0, m, 0);
			if (!*e)
				break;
			s = e + 1;
		}
	}
	for (i = 0; i < tab.npats; i++)
		fold(&tab.pats[i]);
	for (c = 0; c < NCOUNTRY; c++)
		for (i = 0; i < tab.npats; i++)
			if (!tab.pats[i].dead && (formats[tab.pats[i].fmt].countries & cbit[c]))
				tab.list[c][tab.nlist[c]++] = (int16_t)i;
}

static void tables(void)
{
	call_once(&tab_once, build_tables);
}

/* ---- countries and acceptance ---- */

static const char *const country_names[NCOUNTRY] = {"gb", "eu", "any"};

int anpr_country_parse(const char *name, enum anpr_country *out)
{
	int c;

	if (!name || !out)
		return ANPR_ERR_ARG;
	for (c = 0; c < NCOUNTRY; c++)
		if (!strcmp(name, country_names[c])) {
			*out = (enum anpr_country)c;
			return ANPR_OK;
		}
	return ANPR_ERR_ARG;
}

const char *anpr_country_name(enum anpr_country c)
{
	return (unsigned)c < NCOUNTRY ? country_names[c] : "?";
}

const struct anpr_format_info *anpr_grammar_format(enum anpr_country c, int i)
{
	static const unsigned cbit[NCOUNTRY] = {C_GB, C_EU, C_ANY};
	int f;

	if ((unsigned)c >= NCOUNTRY || i < 0)
		return NULL;
	for (f = 0; f < NFORMATS; f++)
		if (f != FMT_NONE && (formats[f].countries & cbit[c]) && i-- == 0)
			return &formats[f].info;
	return NULL;
}

/* The earliest format of country c (not "none") accepting the len symbols
 * sym[], or -1. */
static int accepting_format(int c, const uint8_t *sym, int len)
{
	int i, j;

	for (i = 0; i < tab.nlist[c]; i++) {
		const struct pat *p = &tab.pats[tab.list[c][i]];

		if (p->fmt == FMT_NONE || len > p->len || !(p->accept & (1u << len)))
			continue;
		for (j = 0; j < len && (tab.sets[p->set[j]] >> sym[j] & 1); j++)
			;
		if (j == len)
			return p->fmt;
	}
	return -1;
}

int anpr_grammar_accepts(enum anpr_country c, const char *text, const char **format)
{
	uint8_t sym[ANPR_MAX_TEXT];
	int len, f;

	if (!text || (unsigned)c >= NCOUNTRY)
		return 0;
	for (len = 0; text[len]; len++) {
		if (len == ANPR_MAX_TEXT || sym_of(text[len]) < 0)
			return 0;
		sym[len] = (uint8_t)sym_of(text[len]);
	}
	tables();
	f = accepting_format((int)c, sym, len);
	if (f < 0)
		return 0;
	if (format)
		*format = formats[f].info.name;
	return 1;
}

/* ---- reading ---- */

/* Natural log of a probability clamped to [1e-30, 1]. Written out so that
 * the library needs no libm: frexp-style split, then the atanh series on a
 * mantissa in [sqrt(1/2), sqrt(2)), accurate to a few units in the last place. */
static double ln_prob(float p)
{
	double x = p, m, s, s2;
	uint64_t b;
	int e;

	if (!(x >= 1e-30))
		x = 1e-30;
	if (x > 1)
		x = 1;
	memcpy(&b, &x, sizeof(b));
	e = (int)(b >> 52) - 1023;
	b = (b & 0xfffffffffffffull) | 0x3ff0000000000000ull;
	memcpy(&m, &b, sizeof(m));
	if (m > 1.4142135623730951) {
		m *= 0.5;
		e++;
	}
	s = (m - 1) / (m + 1);
	s2 = s * s;
	return e * 0.69314718055994530942 +
	       2 * s *
		       (1 + s2 * (1. / 3 + s2 * (1. / 5 + s2 * (1. / 7 + s2 * (1. / 9 + s2 * (1. / 11 +
		       s2 * (1. / 13 + s2 * (1. / 15 + s2 * (1. / 17 + s2 * (1. / 19))))))))));
}

struct ent {
	double s;      /* sum of the gains of the used slots */
	uint64_t code; /* text so far, base 37, digit = class + 1: distinct texts, distinct codes */
	uint32_t used;
};

struct klist {
	int n;
	struct ent e[ANPR_MAX_READINGS];
};

struct cand {
	struct ent e;
	int len, pat;
};

struct work {
	int n, k;
	double base;                                /* sum of log p(junk) */
	double gain[ANPR_MAX_SLOTS][NSYM];          /* log p(class) - log p(junk) */
	uint8_t order[ANPR_MAX_SLOTS][NSYM];        /* classes by falling gain */
	double top1[MAX_SETS][ANPR_MAX_SLOTS];      /* best gain a set allows per slot */
	struct klist row[2][ANPR_MAX_SLOTS];
	double bound[MAX_PATS];
	int16_t heap[MAX_PATS];
	struct cand g[ANPR_MAX_READINGS];           /* the best so far, best first */
	int ng;
};

static void prepare(struct work *w, const float *probs)
{
	int i, c, j;

	w->base = 0;
	for (i = 0; i < w->n; i++) {
		const float *p = probs + (size_t)i * ANPR_NCLASS;
		double lj = ln_prob(p[ANPR_CLASS_JUNK]);
		uint8_t *o = w->order[i];

		w->base += lj;
		for (c = 0; c < NSYM; c++) {
			double g = ln_prob(p[c]) - lj;

			/* insertion sort, stable: ties keep the lower class first */
			for (j = c; j > 0 && w->gain[i][o[j - 1]] < g; j--)
				o[j] = o[j - 1];
			o[j] = (uint8_t)c;
			w->gain[i][c] = g;
		}
	}
	for (j = 0; j < tab.nsets; j++) {
		uint64_t m = tab.sets[j];

		for (i = 0; i < w->n; i++) {
			const uint8_t *o = w->order[i];

			for (c = 0; !(m >> o[c] & 1); c++)
				;
			w->top1[j][i] = w->gain[i][o[c]];
		}
	}
}

/* Up to k classes of slot i that set allows, best first. */
static int top_classes(const struct work *w, int i, int set, uint8_t *cls)
{
	uint64_t m = tab.sets[set];
	const uint8_t *o = w->order[i];
	int c, n = 0;

	if (m & BEST_BIT) {
		cls[0] = o[0];
		return 1;
	}
	for (c = 0; c < NSYM && n < w->k; c++)
		if (m >> o[c] & 1)
			cls[n++] = o[c];
	return n;
}

/* The best score any text of pattern p can reach (a K = 1 run). */
static double pat_bound(const struct work *w, const struct pat *p)
{
	double a[ANPR_MAX_SLOTS + 1], b[ANPR_MAX_SLOTS + 1], *prev = a, *cur = b, *t, best = -HUGE_VAL;
	int n = w->n, jmax = p->len < n ? p->len : n, i, j;

	if (p->kmin > n)
		return -HUGE_VAL;
	/* x = i + 1 indexes "slots 0..i considered"; row 0 is the empty prefix */
	for (i = 0; i <= n; i++)
		prev[i] = 0;
	for (j = 1; j <= jmax; j++) {
		const double *g = w->top1[p->set[j - 1]];

		cur[j - 1] = -HUGE_VAL;
		for (i = j; i <= n; i++) {
			double v = prev[i - 1] + g[i - 1];

			cur[i] = v > cur[i - 1] ? v : cur[i - 1];
		}
		if ((p->accept >> j & 1) && cur[n] > best)
			best = cur[n];
		t = prev, prev = cur, cur = t;
	}
	return best;
}

/* Add (s, code, used) to the k-best distinct list l; a text already there
 * keeps the better of its two scores. */
static void kl_add(struct klist *l, int k, double s, uint64_t code, uint32_t used)
{
	int i, j;

	if (l->n == k && s <= l->e[k - 1].s)
		return;
	for (i = 0; i < l->n && l->e[i].code != code; i++)
		;
	if (i < l->n) {
		if (s <= l->e[i].s)
			return;
		for (; i + 1 < l->n; i++)
			l->e[i] = l->e[i + 1];
		l->n--;
	}
	j = l->n < k ? l->n : k - 1;
	for (; j > 0 && l->e[j - 1].s < s; j--)
		l->e[j] = l->e[j - 1];
	l->e[j].s = s;
	l->e[j].code = code;
	l->e[j].used = used;
	if (l->n < k)
		l->n++;
}

/* Candidate order: higher score, then earlier pattern (format), then text. */
static int cand_before(const struct cand *a, const struct cand *b)
{
	if (a->e.s != b->e.s)
		return a->e.s > b->e.s;
	if (a->pat != b->pat)
		return a->pat < b->pat;
	return a->e.code < b->e.code;
}

static void g_add(struct work *w, const struct ent *e, int len, int pat)
{
	struct cand c = {*e, len, pat};
	int i, j;

	if (w->ng == w->k && !cand_before(&c, &w->g[w->k - 1]))
		return;
	for (i = 0; i < w->ng && w->g[i].e.code != e->code; i++)
		;
	if (i < w->ng) {
		if (!cand_before(&c, &w->g[i]))
			return;
		for (; i + 1 < w->ng; i++)
			w->g[i] = w->g[i + 1];
		w->ng--;
	}
	j = w->ng < w->k ? w->ng : w->k - 1;
	for (; j > 0 && cand_before(&c, &w->g[j - 1]); j--)
		w->g[j] = w->g[j - 1];
	w->g[j] = c;
	if (w->ng < w->k)
		w->ng++;
}

/* The k best distinct texts of pattern pi, merged into w->g. */
static void run_pat(struct work *w, int pi)
{
	static const struct klist empty = {1, {{0, 0, 0}}};
	const struct pat *p = &tab.pats[pi];
	struct klist *prev = w->row[0], *cur = w->row[1], *t;
	int n = w->n, k = w->k, jmax = p->len < n ? p->len : n, i, j, a, b;
	uint8_t cls[ANPR_MAX_READINGS];

	for (j = 1; j <= jmax; j++) {
		int lo = j - 1, hi = n - 1 - (p->kmin > j ? p->kmin - j : 0);

		for (i = lo; i <= hi; i++) {
			struct klist *c = &cur[i];
			const struct klist *pv = j == 1 ? &empty : &prev[i - 1];
			int nc = top_classes(w, i, p->set[j - 1], cls);

			/* slot i skipped: the row's texts so far, unchanged */
			if (i > lo) {
				c->n = cur[i - 1].n;
				memcpy(c->e, cur[i - 1].e, (size_t)c->n * sizeof(c->e[0]));
			} else {
				c->n = 0;
			}
			/* slot i read: only pairs (a, b) with (a+1)(b+1) <= k can be among the k best */
			for (a = 0; a < pv->n; a++)
				for (b = 0; b < nc && (a + 1) * (b + 1) <= k; b++)
					kl_add(c, k, pv->e[a].s + w->gain[i][cls[b]],
					       pv->e[a].code * 37 + cls[b] + 1u, pv->e[a].used | 1u << i);
		}
		if ((p->accept >> j & 1) && hi == n - 1)
			for (a = 0; a < cur[n - 1].n; a++)
				g_add(w, &cur[n - 1].e[a], j, pi);
		t = prev, prev = cur, cur = t;
	}
}

/* Max-heap of pattern list positions by bound (ties: earlier pattern first). */
static int heap_above(const struct work *w, int a, int b)
{
	return w->bound[a] > w->bound[b] || (w->bound[a] == w->bound[b] && a < b);
}

static void heap_down(struct work *w, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i;
		int16_t t;

		if (l < n && heap_above(w, w->heap[l], w->heap[m]))
			m = l;
		if (l + 1 < n && heap_above(w, w->heap[l + 1], w->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = w->heap[i], w->heap[i] = w->heap[m], w->heap[m] = t;
		i = m;
	}
}

static void emit(const struct work *w, int c, struct anpr_text_cand *out)
{
	int i, j;

	for (i = 0; i < w->ng; i++) {
		const struct cand *g = &w->g[i];
		struct anpr_text_cand *o = &out[i];
		uint8_t sym[ANPR_MAX_TEXT];
		uint64_t code = g->e.code;
		int f = tab.pats[g->pat].fmt;

		for (j = g->len - 1; j >= 0; j--, code /= 37)
			sym[j] = (uint8_t)(code % 37 - 1);
		for (j = 0; j < g->len; j++)
			o->text[j] = (char)(sym[j] < 10 ? '0' + sym[j] : 'A' + sym[j] - 10);
		o->text[g->len] = '\0';
		o->logp = w->base + g->e.s;
		o->used = g->e.used;
		/* an unconstrained reading some format accepts is grammatical, whichever
		 * programme found it first */
		if (f == FMT_NONE) {
			int a = accepting_format(c, sym, g->len);

			if (a >= 0)
				f = a;
		}
		o->format = formats[f].info.name;
		o->grammatical = f != FMT_NONE;
	}
}

int anpr_grammar_read(enum anpr_country c, const float *probs, int n, struct anpr_text_cand *out,
		      int max)
{
	struct work w;
	int i, np, ci = (int)c;

	if (n < 2 || max < 1)
		return 0;
	if ((unsigned)c >= NCOUNTRY || !probs || !out)
		return ANPR_ERR_ARG;
	tables();
	w.n = n < ANPR_MAX_SLOTS ? n : ANPR_MAX_SLOTS;
	w.k = max < ANPR_MAX_READINGS ? max : ANPR_MAX_READINGS;
	w.ng = 0;
	prepare(&w, probs);

	np = tab.nlist[ci];
	for (i = 0; i < np; i++) {
		w.bound[i] = pat_bound(&w, &tab.pats[tab.list[ci][i]]);
		w.heap[i] = (int16_t)i;
	}
	for (i = np / 2 - 1; i >= 0; i--)
		heap_down(&w, np, i);
	while (np > 0) {
		int top = w.heap[0];

		if (w.bound[top] == -HUGE_VAL ||
		    (w.ng == w.k && w.bound[top] < w.g[w.k - 1].e.s))
			break;
		run_pat(&w, tab.list[ci][top]);
		w.heap[0] = w.heap[--np];
		heap_down(&w, np, 0);
	}
	emit(&w, ci, out);
	return w.ng;
}
