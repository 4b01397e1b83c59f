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
 * An alternative that begins with '!' is a rare series of its format (the
 * German E and H plates): its readings carry a log prior of RARE_LOGP
 * (anpr_text_cand.log_prior), which the reader adds to their score.
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
 * K best gives the overall K best distinct texts.
 *
 * Most of that work can be skipped without changing the result. A K = 1
 * programme run backwards bounds what the rest of a pattern can still add
 * from each (position, slot); patterns run best bound first, and once the
 * list holds K readings a pattern whose bound cannot reach the K-th is not
 * run, nor, inside a run, a prefix whose best completion cannot: neither
 * could place a reading. That keeps a call with every EU format at tens of
 * microseconds (10 slots: about 30 us for K = 5, 60 us for K = 16).
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
#define SETW 2                  /* 64-bit words of a bitmap over the sets */
#define MAX_SETS (64 * SETW)    /* distinct position sets over all formats */
#define MAX_PATS 400            /* fixed-length patterns over all formats */
#define MAX_ITEMS 16            /* positions of one alternative before expansion */

#define LN2 0.69314718055994530942

/* Log prior of a reading of a rare series ('!'), relative to its format's
 * ordinary plates. */
#ifndef RARE_LOGP
#define RARE_LOGP (-1.5)
#endif

#define C_GB 1u
#define C_EU 2u
#define C_ANY 4u
#define C_BR 8u

struct format {
	unsigned countries; /* C_* that use it */
	struct anpr_format_info info;
	/* NULL, or the issuing region's codes (space-separated) that the text's
	 * leading letters must be: all of them (CODE_WHOLE), or begin with one
	 * (CODE_START: personalised plates, more letters after the code) */
	const char *codes;
	int code_mode;
};

#define CODE_WHOLE 0
#define CODE_START 1

/*
 * The formats. Letter exclusions are those the issuing rules state; where a
 * rule could not be confirmed the set is left wide (a format too narrow loses
 * real plates, one a little too wide only loses some look-alike help).
 *
 * GB (DVLA): I and Q are never issued; Z only in Northern Irish codes, and
 * as the second memory-tag letter of current plates (BZ07DFG). The current
 * age identifier is two digits, never 01 (the scheme began at 51, in
 * September 2001) nor 00 (September 2050): so far 02-29 and 51-79 are issued,
 * but 30-49 / 80-99 come from 2030 on and show plates (YR99JEP) are on the
 * road already. Prefix/suffix year letters skip I, O, Q, U, Z. Dateless
 * marks: 1-2 letters with 1-9999, or 3 letters with 1-999, either way round,
 * never a leading 0. Northern Ireland: a code with I or Z (AZ..YZ, IA, IB,
 * IG, IJ, IL, IW, JI, OI, UI, XI) and 1-9999, the code optionally after a
 * serial letter (ABZ 1234) or, reversed, after the number (1 IA).
 */
#define GL "[A-HJ-PR-Y]"     /* GB area codes and serial letters */
#define GY "[A-HJ-NPR-TV-Y]" /* prefix and suffix year letters */
#define N3 "[1-9]#{0,2}"     /* 1-999 */
#define N4 "[1-9]#{0,3}"     /* 1-9999 */
/* Poland: voivodeship letter, area letters (no Q), then the vehicle series in
 * the regulation's layouts, whose letters are never B D I O Z (they read as
 * digits). Area of 2 letters: 5 characters; of 3 letters: 4. */
#define PV "[BCDEFGKLNOPRSTWZ]"
#define PA "[A-PR-Z]"
#define PS "[ACEFGHJ-NPR-Y]"
/* Austria (KDV 1967): district of 1-2 letters; then digits and 1-3 letters
 * (serials of 3-6 characters), or a personalised letters-then-digits serial;
 * no Q anywhere, no leading 0 in the digits. */
#define AL "[A-PR-Z]"
#define AD AL "{1,2}"
/* France: SIV (2009) has no I, O, U; the old FNI number, 1-3 letters (no I,
 * O) and the departement (01-95, 2A, 2B, 971-976). */
#define FS "[A-HJ-NP-TV-Z]"
#define FF "[A-HJ-NP-Z]{1,3}"
/* Netherlands (RDW sidecodes 1-14): sidecodes 1-3 (1951-78) never used C I O
 * Q W Y; from 4 only consonants, never C or Q; from 7 no Y either. */
#define NL1 "[ABD-HJ-NPR-VXZ]"
#define NL4 "[BDFGHJ-NPR-TV-Z]"
#define NL7 "[BDFGHJ-NPR-TV-XZ]"
/* Austria's district codes (Bezirkskennzeichen, with the federal and state
 * authorities' W N O S K T V B ST, BB BP FV JW PT ZW), current and
 * withdrawn ones still on the road. */
#define AT_CODES                                                                                  \
	"W N O S K T V B ST BB BD BP FV JW PT ZW "                                                \
	"AM BL BN GD GF HL HO KO KR KS LF MD ME MI NK P PL SB SW TU WB WN WT WY ZT WU "            \
	"BR EF FR GM GR KI L LL PE RI RO SD SE SR UU VB WE WL "                                   \
	"SL HA JO TA ZE "                                                                         \
	"G GU BM DL HF LB LE LI LN MT MU SO VO WZ BA GB FB FF HB JU KF MZ RA "                      \
	"KL FE HE SP SV VI VL VK WO "                                                             \
	"I IL IM KB KU LA LZ RE SZ "                                                              \
	"BZ DO FK "                                                                               \
	"E EU GS JE MA ND OP OW RU"
/* Spain before 2000: the province codes (GC, TF, IB/PM, ML, CE included). */
#define ES_CODES                                                                                  \
	"A AB AL AV B BA BI BU C CA CC CE CO CR CS CU GC GE GI GR GU H HU IB J L LE LO LU M MA "  \
	"ML MU NA O OR OU P PM PO S SA SE SG SO SS T TE TF TO V VA VI Z ZA"
/* Romania: the county codes, B for Bucharest. */
#define RO_CODES                                                                                  \
	"AB AG AR B BC BH BN BR BT BV BZ CJ CL CS CT CV DB DJ GJ GL GR HD HR IF IL IS MH MM MS "   \
	"NT OT PH SB SJ SM SV TL TM TR VL VN VS"
/* Croatia: the registration areas (C for Č, S for Š, Z for Ž). */
#define HR_CODES                                                                                  \
	"BJ BM CK DA DE DJ DU GS IM KA KC KR KT KZ MA NA NG OG OS PU PZ RI SB SK SL ST SI VK VT VU " \
	"VZ ZD ZG ZU"
/* Slovakia (1997-2022): the district codes (okres; Bratislava and Kosice
 * each one code for all their districts, the regional seats two or more:
 * Bratislava BA BL BT BD BE BI, Banska Bystrica BB BC BK, Kosice KE KC KI,
 * Nitra NR NI NT, Presov PO PV PS, Trnava TT TA TB, Trencin TN TC TE, Zilina
 * ZA ZI ZL; DN, Dubnica nad Vahom, which one source lists); and from 2023
 * the national series, which has no district and runs in order from AA:
 * every A- pair (no district begins with A). The series letters never use
 * Q or W. */
#define SK_CODES                                                                                  \
	"BA BL BT BD BE BI BB BC BK KE KC KI NR NI NT PO PV PS TT TA TB TN TC TE ZA ZI ZL "       \
	"BJ BN BR BS BY CA DK DN DS DT GA GL HC HE IL KA KK KM KN KS LC LE LM LV MA MI ML MT MY " \
	"NM NO NZ PB PD PE PK PN PP PT PU RA RK RS RV SA SB SC SE SI SK SL SN SO SP SV TO TR TS " \
	"TV VK VT ZC ZH ZM ZV "                                                                   \
	"AA AB AC AD AE AF AG AH AI AJ AK AL AM AN AO AP AR AS AT AU AV AX AY AZ"
#define SKS "[A-PR-VX-Z]"
/* Switzerland: the 26 canton codes, then 1-999999 */
#define CHN "[1-9]#{0,5}"

/* Table order decides the name reported when several formats accept a text:
 * GB first, then the countries the brief names, then the rest. */
static const struct format formats[] = {
	{C_GB | C_EU, {"gb-current", GL "[A-HJ-PR-Z]0[2-9][A-HJ-PR-Z]{3}|" GL "[A-HJ-PR-Z][1-9]#[A-HJ-PR-Z]{3}", 0, "BZ07DFG"},
	 NULL, CODE_WHOLE},
	{C_GB | C_EU, {"gb-prefix", GY N3 GL "{3}", 0, "W606KCB"}, NULL, CODE_WHOLE},
	{C_GB | C_EU, {"gb-suffix", GL "{3}" N3 GY, 0, "HWR413T"}, NULL, CODE_WHOLE},
	{C_GB | C_EU,
	 {"gb-dateless", GL "{1,2}" N4 "|" GL "{3}" N3 "|" N4 GL "{1,2}|" N3 GL "{3}", 0, "DBM699"}, NULL, CODE_WHOLE},
	{C_GB | C_EU,
	 {"gb-ni",
	  GL "?[A-HJ-PR-Y]Z" N4 "|" GL "?I[ABGJLW]" N4 "|" GL "?[JOUX]I" N4 "|" N4 "[A-HJ-PR-Y]Z|" N4
	     "I[ABGJLW]|" N4 "[JOUX]I",
	  0, "ABZ1234"}, NULL, CODE_WHOLE},
	/* vehicles of unknown age */
	{C_GB | C_EU, {"gb-q", "Q" N3 GL "{3}", 0, "Q123ABC"}, NULL, CODE_WHOLE},
	/* Slovakia: district (or the 2023 national series), 3 digits, 2 letters */
	{C_EU, {"sk", "@@###" SKS SKS, 0, "RK115AN"}, SK_CODES, CODE_WHOLE},
	/* Czechia: region number, region letter (14 regions), then a series
	 * character (never G, O, Q, W) and 4 digits; before 2001, a district of
	 * 2-3 letters and 4 digits */
	{C_EU, {"cz", "[1-9][ABCEHJKLMPSTUZ][0-9A-FH-NPR-VX-Z]####", 0, "1B80338"}, NULL, CODE_WHOLE},
	{C_EU, {"cz-old", "@{2,3}####", 0, "BZM2227"}, NULL, CODE_WHOLE},
	/* Germany (FZV): district of 1-3 letters, 1-2 letters, 1-9999, E
	 * (electric) or H (historic) after; 8 characters in all at most. E and
	 * H plates are a few percent of the German ones: a rare series */
	{C_EU, {"de", "@{2,5}[1-9]#{0,3}|!@{2,5}[1-9]#{0,3}[EH]", 8, "MAE2821"}, NULL, CODE_WHOLE},
	{C_EU,
	 {"pl",
	  PV PA "#####|" PV PA "####" PS "|" PV PA "###" PS PS "|" PV PA "#" PS "###|" PV PA "#" PS PS
	     "##|" PV PA PA PS "###|" PV PA PA "##" PS PS "|" PV PA PA "#" PS "##|" PV PA PA "##" PS
	     "#|" PV PA PA "#" PS PS "#|" PV PA PA PS PS "##",
	  0, "WA56660"}, NULL, CODE_WHOLE},
	{C_EU,
	 {"at",
	  AD "[1-9]" AL "{2,3}|" AD "[1-9]#" AL "{1,3}|" AD "[1-9]##" AL "{1,3}|" AD "[1-9]###" AL
	     "{1,2}|" AD "[1-9]####" AL,
	  8, "ZE248KJ"},
	 AT_CODES, CODE_WHOLE},
	/* Austrian personalised plates: the district, then letters and digits */
	{C_EU, {"at-personal", AL "{3,7}[1-9]#{0,4}|" AL "{2}[1-9]#{1,4}", 8, "WMARIO1"}, AT_CODES, CODE_START},
	{C_EU, {"fr-siv", FS "{2}###" FS "{2}", 0, "AB123CD"}, NULL, CODE_WHOLE},
	{C_EU, {"fr-fni", N4 FF "##|" N4 FF "2[AB]|" N4 FF "97[1-6]", 0, "123ABC45"}, NULL, CODE_WHOLE},
	{C_EU,
	 {"nl",
	  NL1 "{2}####|####" NL1 "{2}|##" NL1 "{2}##|" NL4 "{2}##" NL4 "{2}|" NL4 "{4}##|##" NL4
	      "{4}|##" NL7 "{3}#|#" NL7 "{3}##|" NL7 "{2}###" NL7 "|" NL7 "###" NL7 "{2}|" NL7
	      "{3}##" NL7 "|" NL7 "##" NL7 "{3}|#" NL7 "{2}###|###" NL7 "{2}#",
	  0, "GBB01B"}, NULL, CODE_WHOLE},
	/* Italy (1994): no I, O, Q, U */
	{C_EU, {"it", "[A-HJ-NPR-TV-Z]{2}###[A-HJ-NPR-TV-Z]{2}", 0, "EX123AB"}, NULL, CODE_WHOLE},
	/* Spain: since 2000, 4 digits and 3 consonants (no vowels, Q or N-tilde);
	 * 1971-2000, province, 4 digits, 1-2 letters */
	{C_EU, {"es", "####[BCDFGHJ-NPR-TV-Z]{3}", 0, "1234BCD"}, NULL, CODE_WHOLE},
	{C_EU, {"es-old", "@{1,2}####@{1,2}", 0, "M1234AB"}, ES_CODES, CODE_WHOLE},
	/* Hungary: 3 letters 3 digits; since 2022, 4 letters 3 digits */
	{C_EU, {"hu", "@@@###|@@@@###", 0, "AEAB123"}, NULL, CODE_WHOLE},
	/* Belgium: 1-ABC-123 (2010), 123-ABC (2008), ABC-123 (1973) */
	{C_EU, {"be", "[1-9]@@@###|@@@###|###@@@", 0, "1ABC123"}, NULL, CODE_WHOLE},
	{C_EU,
	 {"ch",
	  "A[GIR]" CHN "|B[ELS]" CHN "|FR" CHN "|G[ELR]" CHN "|JU" CHN "|LU" CHN "|N[EW]" CHN
	  "|OW" CHN "|S[GHOZ]" CHN "|T[GI]" CHN "|UR" CHN "|V[DS]" CHN "|Z[GH]" CHN,
	  0, "ZH123456"}, NULL, CODE_WHOLE},
	/* Denmark and Norway: 2 letters, 10000-99999 */
	{C_EU, {"dk-no", "@@[1-9]####", 0, "AB12345"}, NULL, CODE_WHOLE},
	/* Sweden: no I, Q, V; since 2019 the last may be a letter (not O) */
	{C_EU, {"se", "[A-HJ-PR-UW-Z]{3}##[0-9A-HJ-NPR-UW-Z]", 0, "ABC12D"}, NULL, CODE_WHOLE},
	{C_EU, {"fi", "@{2,3}[1-9]#{0,2}", 0, "ABC123"}, NULL, CODE_WHOLE},
	/* Portugal: AA-00-AA (2020), 00-AA-00 (2005), 00-00-AA (1992), AA-00-00 */
	{C_EU, {"pt", "@@##@@|##@@##|####@@|@@####", 0, "AA00AA"}, NULL, CODE_WHOLE},
	/* Romania: county, 2 digits (Bucharest: 2-3), 3 letters; no Q */
	{C_EU, {"ro", "[A-PR-Z]{1,2}##[A-PR-Z]{3}|B###[A-PR-Z]{3}", 0, "CJ12ABC"}, RO_CODES, CODE_WHOLE},
	/* Croatia: city, 3-4 digits, 1-2 letters (no Q W X Y) */
	{C_EU, {"hr", "@@#{3,4}[A-PR-VZ]{1,2}", 0, "ZG1234AB"}, HR_CODES, CODE_WHOLE},
	/* Ireland: year (2 digits, 3 from 2013), county code, 1-6 digits */
	{C_EU, {"ie", "##[12]?[CDGKLMORSTW][DEHKLMNOSWXY]?[1-9]#{0,5}", 0, "191D12345"}, NULL, CODE_WHOLE},
	/* Bulgaria and Greece: only the letters Cyrillic/Greek share with Latin */
	{C_EU, {"bg", "[ABCEHKMOPTXY]{1,2}####[ABCEHKMOPTXY]{2}", 0, "CA1234AB"}, NULL, CODE_WHOLE},
	{C_EU, {"gr", "[ABEHIKMNOPTXYZ]{3}[1-9]###", 0, "IKA1234"}, NULL, CODE_WHOLE},
	{C_EU, {"lt", "@@@###", 0, "KLM123"}, NULL, CODE_WHOLE},
	{C_EU, {"lv", "@{1,2}[1-9]#{0,3}", 0, "AB1234"}, NULL, CODE_WHOLE},
	{C_EU, {"ee", "###@@@", 0, "123ABC"}, NULL, CODE_WHOLE},
	/* Brazil: 3 letters and 4 digits (1990-2018, also Uruguay's layout);
	 * Mercosur (2018), 3 letters, a digit, a letter, 2 digits: the old
	 * number with its second digit turned into a letter (0-9: A-J) */
	{C_BR, {"br", "@@@####", 0, "ABC1234"}, NULL, CODE_WHOLE},
	{C_BR, {"br-mercosul", "@@@#@##", 0, "ABC1D23"}, NULL, CODE_WHOLE},
	/* not formats of a country: the readings every call adds */
	{C_GB | C_EU | C_BR, {"none", "${2,12}", 0, "C4RSUK"}, NULL, CODE_WHOLE},
	{C_ANY, {"any", "*{2,10}", 0, "AB12"}, NULL, CODE_WHOLE},
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
	uint8_t rare;               /* from a rare series ('!') */
	uint8_t cend;               /* first position that allows no letter (len if none) */
};

#define NCOUNTRY 4 /* per-country tables, in enum anpr_country order */

static struct {
	uint64_t sets[MAX_SETS];
	int nsets;
	struct pat pats[MAX_PATS];
	int npats;
	int16_t list[NCOUNTRY][MAX_PATS]; /* live patterns of each country, table order */
	int nlist[NCOUNTRY];
	uint64_t used_sets[NCOUNTRY][SETW]; /* the sets each country's patterns use */
	uint64_t sets_of[NSYM][SETW];       /* the sets that allow each character */
	double ln_c[256], inv_c[256];       /* ln and 1/ of 1 + (i + 0.5) / 256 */
	int bad; /* a format failed to parse or the tables overflowed: see anpr_grammar_format */
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
	for (i = 0; i < len && (m[i] & ALL_CHARS & ~0x3ffull); i++)
		;
	p->cend = (uint8_t)i;
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

		if (q == p || q->dead || q->fmt != p->fmt || q->rare != p->rare || q->len < p->len ||
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

/* Natural log of x > 0 (normal), accurate to a few units in the last place:
 * split off the binary exponent, then the atanh series on a mantissa in
 * [sqrt(1/2), sqrt(2)). Only builds the tables ln_prob uses. */
static double ln_slow(double x)
{
	double m, s, s2;
	uint64_t b;
	int e;

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
	return e * LN2 +
	       2 * s *
		       (1 + s2 * (1. / 3 + s2 * (1. / 5 + s2 * (1. / 7 + s2 * (1. / 9 + s2 * (1. / 11 +
		       s2 * (1. / 13 + s2 * (1. / 15 + s2 * (1. / 17 + s2 * (1. / 19))))))))));
}

static void build_tables(void)
{
	static const unsigned cbit[NCOUNTRY] = {C_GB, C_EU, C_ANY, C_BR};
	struct item it[MAX_ITEMS];
	uint64_t m[ANPR_MAX_TEXT];
	int f, i, c;

	for (f = 0; f < NFORMATS; f++) {
		const char *s = formats[f].info.pattern;
		int before = tab.npats;

		for (;;) {
			const char *e = strchr(s, '|');
			int nit, rare = *s == '!', a0 = tab.npats;

			if (!e)
				e = s + strlen(s);
			nit = parse_alt(s + rare, e, it);
			if (nit <= 0)
				tab.bad = 1;
			else
				expand(f, it, nit, 0, m, 0);
			for (; a0 < tab.npats; a0++)
				tab.pats[a0].rare = (uint8_t)rare;
			if (!*e)
				break;
			s = e + 1;
		}
		if (tab.npats == before)
			tab.bad = 1;
	}
	for (i = 0; i < tab.npats; i++)
		fold(&tab.pats[i]);
	for (c = 0; c < NCOUNTRY; c++)
		for (i = 0; i < tab.npats; i++) {
			const struct pat *p = &tab.pats[i];

			if (p->dead || !(formats[p->fmt].countries & cbit[c]))
				continue;
			tab.list[c][tab.nlist[c]++] = (int16_t)i;
			for (f = 0; f < p->len; f++)
				tab.used_sets[c][p->set[f] / 64] |= 1ull << p->set[f] % 64;
		}
	for (c = 0; c < NSYM; c++)
		for (i = 0; i < tab.nsets; i++)
			if (tab.sets[i] >> c & 1)
				tab.sets_of[c][i / 64] |= 1ull << i % 64;
	for (i = 0; i < 256; i++) {
		double x = 1 + (i + 0.5) / 256;

		tab.ln_c[i] = ln_slow(x);
		tab.inv_c[i] = 1 / x;
	}
}

static void tables(void)
{
	call_once(&tab_once, build_tables);
}

/* ---- countries and acceptance ---- */

static const char *const country_names[NCOUNTRY] = {"gb", "eu", "any", "br"};

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
	static const unsigned cbit[NCOUNTRY] = {C_GB, C_EU, C_ANY, C_BR};
	int f;

	if ((unsigned)c >= NCOUNTRY || i < 0)
		return NULL;
	tables();
	if (tab.bad)
		return NULL;
	for (f = 0; f < NFORMATS; f++)
		if (f != FMT_NONE && (formats[f].countries & cbit[c]) && i-- == 0)
			return &formats[f].info;
	return NULL;
}

/* Whether the len symbols sym[] begin with a region code format f allows
 * (always, for a format without codes). open: sym[] may be only the start of
 * the text, so letters that begin a code are enough while no digit follows. */
static int codes_fit(int f, const uint8_t *sym, int len, int open)
{
	const char *c = formats[f].codes;
	int lead;

	if (!c)
		return 1;
	for (lead = 0; lead < len && sym[lead] >= 10; lead++)
		;
	while (*c) {
		int k = 0;

		while (c[k] && c[k] != ' ' && k < lead && sym[k] == c[k] - 'A' + 10)
			k++;
		if ((!c[k] || c[k] == ' ') && (k == lead || (k < lead && formats[f].code_mode == CODE_START)))
			return 1;
		if (open && k == len && lead == len)
			return 1;
		while (*c && *c != ' ')
			c++;
		while (*c == ' ')
			c++;
	}
	return 0;
}

/* Whether live pattern p accepts the len symbols sym[]. */
static int pat_accepts(const struct pat *p, const uint8_t *sym, int len)
{
	int j;

	if (len > p->len || !(p->accept >> len & 1))
		return 0;
	for (j = 0; j < len && (tab.sets[p->set[j]] >> sym[j] & 1); j++)
		;
	return j == len && codes_fit(p->fmt, sym, len, 0);
}

/* The earliest pattern of country c (not "none") accepting the len symbols
 * sym[], or -1. */
static int accepting_pat(int c, const uint8_t *sym, int len)
{
	int i;

	for (i = 0; i < tab.nlist[c]; i++) {
		const struct pat *p = &tab.pats[tab.list[c][i]];

		if (p->fmt != FMT_NONE && pat_accepts(p, sym, len))
			return tab.list[c][i];
	}
	return -1;
}

/* text as symbols; returns its length, or -1 if it is not 0-12 of A-Z0-9. */
static int text_syms(const char *text, uint8_t *sym)
{
	int len;

	for (len = 0; text[len]; len++) {
		if (len == ANPR_MAX_TEXT || sym_of(text[len]) < 0)
			return -1;
		sym[len] = (uint8_t)sym_of(text[len]);
	}
	return len;
}

int anpr_grammar_format_accepts(const struct anpr_format_info *f, const char *text)
{
	uint8_t sym[ANPR_MAX_TEXT];
	int fi, i, len;

	if (!f || !text || (len = text_syms(text, sym)) < 0)
		return 0;
	for (fi = 0; fi < NFORMATS && &formats[fi].info != f; fi++)
		;
	if (fi == NFORMATS)
		return 0;
	tables();
	for (i = 0; i < tab.npats; i++)
		if (!tab.pats[i].dead && tab.pats[i].fmt == fi && pat_accepts(&tab.pats[i], sym, len))
			return 1;
	return 0;
}

int anpr_grammar_accepts(enum anpr_country c, const char *text, const char **format)
{
	uint8_t sym[ANPR_MAX_TEXT];
	int len, f;

	if (!text || (unsigned)c >= NCOUNTRY || (len = text_syms(text, sym)) < 0)
		return 0;
	tables();
	f = accepting_pat((int)c, sym, len);
	if (f < 0)
		return 0;
	if (format)
		*format = formats[tab.pats[f].fmt].info.name;
	return 1;
}

int anpr_grammar_known(const char *text)
{
	uint8_t sym[ANPR_MAX_TEXT];
	int i, len;

	if (!text || (len = text_syms(text, sym)) < 0)
		return 0;
	tables();
	for (i = 0; i < tab.npats; i++) {
		const struct pat *p = &tab.pats[i];

		if (!p->dead && p->fmt != FMT_NONE && p->fmt != FMT_ANY && pat_accepts(p, sym, len))
			return 1;
	}
	return 0;
}

void anpr_grammar_share_lookalikes(float *probs, int n, float share)
{
	static const int pairs[][2] = {{0, 10 + 'O' - 'A'}, {1, 10 + 'I' - 'A'}};
	int i, q;

	for (i = 0; probs && i < n; i++, probs += ANPR_NCLASS)
		for (q = 0; q < 2; q++) {
			float a = probs[pairs[q][0]], b = probs[pairs[q][1]];

			probs[pairs[q][0]] = a + share * b;
			probs[pairs[q][1]] = b + share * a;
		}
}

/* ---- reading ---- */

/* Natural log of a probability clamped to [1e-30, 1] (NaN: 1e-30), to about
 * 1e-16: a table for the top 8 bits of the mantissa, a short log1p series for
 * the rest. Written out so that the library needs no libm. */
static double ln_prob(float p)
{
	uint32_t b;
	unsigned i;
	double m, r;

	if (!(p >= 1e-30f))
		p = 1e-30f;
	if (p > 1)
		p = 1;
	memcpy(&b, &p, sizeof(b));
	i = b >> 15 & 255;
	m = 1 + (b & 0x7fffff) * (1.0 / 8388608);
	r = m * tab.inv_c[i] - 1; /* |r| <= 1/512 */
	return ((int)(b >> 23) - 127) * LN2 + tab.ln_c[i] +
	       r * (1 - r * (1. / 2 - r * (1. / 3 - r * (1. / 4 - r * (1. / 5)))));
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
	float top1[MAX_SETS][ANPR_MAX_SLOTS];       /* best gain a set allows per slot (bounds only) */
	struct klist row[2][ANPR_MAX_SLOTS];
	double rest[ANPR_MAX_TEXT + 1][ANPR_MAX_SLOTS + 1]; /* pat_rest of the pattern at hand */
	double bound[MAX_PATS];
	int16_t heap[MAX_PATS];
	struct cand g[ANPR_MAX_READINGS];           /* the best so far, best first */
	int ng;
};

/* Lowest set bit of a nonzero word. */
static int low_bit(uint64_t x)
{
#if defined(__GNUC__)
	return __builtin_ctzll(x);
#else
	int b = 0;

	while (!(x & 1))
		x >>= 1, b++;
	return b;
#endif
}

/* Gains, classes by falling gain, and for each set country c uses the best
 * gain it allows at each slot. */
static void prepare(struct work *w, const float *probs, int c)
{
	int i, j, s;

	w->base = 0;
	for (i = 0; i < w->n; i++) {
		const float *p = probs + (size_t)i * ANPR_NCLASS;
		double lj = ln_prob(p[ANPR_CLASS_JUNK]), g[NSYM], v;
		uint64_t todo[SETW];
		uint8_t *o = w->order[i];

		w->base += lj;
		for (s = 0; s < NSYM; s++) {
			v = ln_prob(p[s]) - lj;
			/* insertion sort, stable: ties keep the lower class first */
			for (j = s; j > 0 && g[j - 1] < v; j--) {
				g[j] = g[j - 1];
				o[j] = o[j - 1];
			}
			g[j] = v;
			o[j] = (uint8_t)s;
			w->gain[i][s] = v;
		}
		/* walk down the classes; a set's best is the first class it allows */
		memcpy(todo, tab.used_sets[c], sizeof(todo));
		for (j = 0; j < NSYM; j++) {
			uint64_t left = 0;

			for (s = 0; s < SETW; s++) {
				uint64_t x = todo[s] & tab.sets_of[o[j]][s];

				todo[s] &= ~x;
				left |= todo[s];
				for (; x; x &= x - 1)
					w->top1[s * 64 + low_bit(x)][i] = (float)g[j];
			}
			if (!left)
				break;
		}
	}
}

/* Up to lim classes of slot i that set allows, best first. */
static int top_classes(const struct work *w, int i, int set, uint8_t *cls, int lim)
{
	uint64_t m = tab.sets[set];
	const uint8_t *o = w->order[i];
	int c, n = 0;

	if (m & BEST_BIT) {
		cls[0] = o[0];
		return 1;
	}
	for (c = 0; c < NSYM && n < lim; c++)
		if (m >> o[c] & 1)
			cls[n++] = o[c];
	return n;
}

#define NEG (-1e30) /* "cannot be done": finite, so sums need no tests */

/* rest[j][x]: at least the most that positions j.. of pattern p can still
 * add to a reading using only slots x.. (the text may stop at any length the
 * pattern accepts); below NEG / 2 when it cannot be finished. Only the x from
 * which the shortest accepted length is still reachable are filled; those are
 * the only ones run_pat asks for. Built from the float table, so 1e-3 is
 * added: more than the rounding of 12 gains within +-100 can lose. Returns
 * rest[0][0], the pattern's bound. */
static double pat_rest(const struct work *w, const struct pat *p,
		       double rest[ANPR_MAX_TEXT + 1][ANPR_MAX_SLOTS + 1])
{
	int n = w->n, j, x;

	if (p->kmin > n)
		return NEG;
	for (j = p->len; j >= 0; j--) {
		int lo = j, hi = n - (p->kmin > j ? p->kmin - j : 0);
		double *r = rest[j];

		if (lo > hi)
			continue;
		/* x = n: no slot left, the text ends here; a row short of kmin
		 * may not skip its last possible slot */
		if (hi == n)
			r[n] = p->accept >> j & 1 ? 1e-3 : NEG;
		else
			r[hi + 1] = NEG;
		for (x = hi < n ? hi : n - 1; x >= lo; x--) {
			double v = NEG; /* slot x read as position j */

			if (j < p->len)
				v = w->top1[p->set[j]][x] + rest[j + 1][x + 1];
			r[x] = v > r[x + 1] ? v : r[x + 1];
		}
	}
	return rest[0][0];
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

/* Least score a reading must reach to enter the list: -HUGE_VAL while it
 * has room; a little below its last otherwise (ties decide by pattern). */
static double g_floor(const struct work *w)
{
	return w->ng < w->k ? -HUGE_VAL : w->g[w->k - 1].e.s - 1e-3;
}

/* codes_fit for a text held as a base-37 code of len symbols. */
static int code_syms_ok(int f, uint64_t code, int len, int open)
{
	uint8_t sym[ANPR_MAX_TEXT];
	int j;

	for (j = len - 1; j >= 0; j--, code /= 37)
		sym[j] = (uint8_t)(code % 37 - 1);
	return codes_fit(f, sym, len, open);
}

/* The k best distinct texts of pattern pi, merged into w->g. A prefix whose
 * best completion cannot reach the list is dropped: it could only lead to
 * readings the list would refuse. */
static void run_pat(struct work *w, int pi)
{
	static const struct klist empty = {1, {{0, 0, 0}}};
	const struct pat *p = &tab.pats[pi];
	struct klist *prev = w->row[0], *cur = w->row[1], *t;
	int n = w->n, k = w->k, jmax = p->len < n ? p->len : n, i, j, a, b;
	double(*rest)[ANPR_MAX_SLOTS + 1] = w->rest;
	uint8_t cls[NSYM];
	/* a format with region codes: prefixes that cannot begin one are dropped
	 * as they are made, so each list keeps the k best that still can (and a
	 * slot's classes past its k best may be needed). The code is the leading
	 * letters, settled by the first position that allows no letter: past it
	 * no prefix is dropped, and the usual k best suffice */
	int codes = formats[p->fmt].codes != NULL;

	pat_rest(w, p, rest);
	for (j = 1; j <= jmax; j++) {
		int lo = j - 1, hi = n - 1 - (p->kmin > j ? p->kmin - j : 0), coded = codes && j - 1 <= p->cend;

		for (i = lo; i <= hi; i++) {
			struct klist *c = &cur[i];
			const struct klist *pv = j == 1 ? &empty : &prev[i - 1];
			const double *g = w->gain[i];
			double need = g_floor(w); /* least score a prefix here must have */
			int nc = top_classes(w, i, p->set[j - 1], cls, coded ? NSYM : k);

			if (rest[j][i + 1] < NEG / 2)
				need = HUGE_VAL; /* cannot be finished */
			else if (need > -HUGE_VAL)
				need -= rest[j][i + 1];

			/* slot i skipped: the row's texts so far that can still make it */
			c->n = 0;
			if (i > lo)
				while (c->n < cur[i - 1].n && cur[i - 1].e[c->n].s >= need) {
					c->e[c->n] = cur[i - 1].e[c->n];
					c->n++;
				}
			/* slot i read: only pairs (a, b) with (a+1)(b+1) <= k can be among
			 * the k best; both lists fall, so the first too low ends a loop */
			for (a = 0; a < pv->n; a++) {
				const struct ent *e = &pv->e[a];

				if (e->s + g[cls[0]] < need ||
				    (c->n == k && e->s + g[cls[0]] <= c->e[k - 1].s))
					break;
				for (b = 0; b < nc && (coded || (a + 1) * (b + 1) <= k); b++) {
					double v = e->s + g[cls[b]];

					if (v < need || (c->n == k && v <= c->e[k - 1].s))
						break;
					if (coded && !code_syms_ok(p->fmt, e->code * 37 + cls[b] + 1u, j, 1))
						continue;
					kl_add(c, k, v, e->code * 37 + cls[b] + 1u, e->used | 1u << i);
				}
			}
		}
		if ((p->accept >> j & 1) && hi == n - 1)
			for (a = 0; a < cur[n - 1].n; a++)
				if (!codes || code_syms_ok(p->fmt, cur[n - 1].e[a].code, j, 0))
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

/* Write the candidates of w->g to out: grammatical ones first, then the
 * others, each group in w->g's order (falling logp). */
static void emit(const struct work *w, int c, struct anpr_text_cand *out)
{
	int fmt[ANPR_MAX_READINGS], rare[ANPR_MAX_READINGS], i, j, pass, no = 0;
	uint8_t sym[ANPR_MAX_READINGS][ANPR_MAX_TEXT];

	for (i = 0; i < w->ng; i++) {
		const struct cand *g = &w->g[i];
		uint64_t code = g->e.code;

		for (j = g->len - 1; j >= 0; j--, code /= 37)
			sym[i][j] = (uint8_t)(code % 37 - 1);
		fmt[i] = tab.pats[g->pat].fmt;
		rare[i] = tab.pats[g->pat].rare;
		/* an unconstrained reading some format accepts is grammatical: the
		 * format's own programme finds it at the same logp, so this only
		 * matters when exact ties cut that reading from the format's list */
		if (fmt[i] == FMT_NONE) {
			int a = accepting_pat(c, sym[i], g->len);

			if (a >= 0) {
				fmt[i] = tab.pats[a].fmt;
				rare[i] = tab.pats[a].rare;
			}
		}
	}
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < w->ng; i++) {
			const struct cand *g = &w->g[i];
			struct anpr_text_cand *o = &out[no];

			if ((fmt[i] == FMT_NONE) != pass)
				continue;
			for (j = 0; j < g->len; j++)
				o->text[j] = (char)(sym[i][j] < 10 ? '0' + sym[i][j] : 'A' + sym[i][j] - 10);
			o->text[g->len] = '\0';
			o->logp = w->base + g->e.s;
			o->log_prior = rare[i] ? RARE_LOGP : 0;
			o->used = g->e.used;
			o->format = formats[fmt[i]].info.name;
			o->grammatical = fmt[i] != FMT_NONE;
			no++;
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
	prepare(&w, probs, ci);

	np = tab.nlist[ci];
	for (i = 0; i < np; i++) {
		w.bound[i] = pat_rest(&w, &tab.pats[tab.list[ci][i]], w.rest);
		w.heap[i] = (int16_t)i;
	}
	for (i = np / 2 - 1; i >= 0; i--)
		heap_down(&w, np, i);
	while (np > 0) {
		int top = w.heap[0];

		if (w.bound[top] < NEG / 2 || w.bound[top] < g_floor(&w))
			break;
		run_pat(&w, tab.list[ci][top]);
		w.heap[0] = w.heap[--np];
		heap_down(&w, np, 0);
	}
	emit(&w, ci, out);
	return w.ng;
}
