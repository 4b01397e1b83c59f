/*
 * test_grammar.c - the plate grammar (host/src/grammar.c).
 *
 * What a caller relies on: real plates of each country are accepted and
 * foreign shapes rejected; the reading picks the look-alike the position
 * allows; a hyphen slot is skipped; a confident plate no format knows still
 * comes back (as "none"); the candidates are the best distinct readings,
 * grammatical first, and their logp is the log of the probability product.
 * The last is checked against an exhaustive search on small inputs.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "anpr/anpr.h"
#include "anpr/grammar.h"
#include "tests.h"

#define NC ANPR_NCLASS
#define JUNK ANPR_CLASS_JUNK

/* Real UK plates (a data set's labels); C4RSUK, a novelty plate, is not among
 * them: no format accepts it. */
static const char *const uk_plates[] = {
	"OU13RXF", "KX63PXF", "G8VWW",   "148OAS",  "J7VXL",   "BZ07DFG", "KD51GZT", "MA06RRV",
	"HWR413T", "BZ58SLN", "808VVU",  "WOR516K", "KU63CNF", "DBM699",  "BL53UEV", "W606KCB",
	"RO59JWM", "VX09DCZ", "AG09NXS", "YR99JEP", "N6OTE",   "R273DLG", "BK57PVX", "J100RGR",
	"KX10GKC", "L1VXL",   "BE57CAT", "L89HRH",  "T49ASE",  "FR12UBB", "PWV769",  "YOD474K",
	"KAF762L", "UU59BOY", "26GL",    "S10WOK",  "LT60BNJ", "RV10CYE", "ABZ1234",
};

/* Real EU plates whose shape no UK format has. */
static const char *const eu_only_plates[] = {
	"BA123AB", "RK115AN", "ZA834CO", "1B80338", "4B04979", "2T40211",
	"1Z75233", "BZM2227", "BSE5579", "WA56660", "BS47040",
};

/* Plates each format must accept by itself ... */
static const struct {
	const char *format, *plate;
} accept_cases[] = {
	{"gb-current", "AB51ABC"}, {"gb-current", "BZ07DFG"}, {"gb-prefix", "A1ABC"},
	{"gb-prefix", "Y999XYW"},  {"gb-suffix", "ABC1D"},    {"gb-suffix", "WOR516K"},
	{"gb-dateless", "A1"},     {"gb-dateless", "AB9999"}, {"gb-dateless", "9999AB"},
	{"gb-dateless", "ABC999"}, {"gb-dateless", "999ABC"}, {"gb-ni", "AZ1"},
	{"gb-ni", "LIG4321"},      {"gb-ni", "BXI99"},        {"gb-ni", "1IA"},
	{"gb-q", "Q1ABC"},         {"sk", "BA123AB"},         {"sk", "ZA834CO"},
	{"sk", "BT001AA"},         {"sk", "ZL999ZZ"},         {"sk", "KS123YA"},
	{"sk", "AA001AA"},         {"sk", "AB123CD"},
	{"cz", "4B04979"},         {"cz", "2T40211"},         {"cz", "1Z75233"},
	{"cz-old", "BSE5579"},     {"cz-old", "BZ1234"},      {"de", "MAE2821"},
	{"de", "RWI282"},          {"de", "MYRS9999"},        {"de", "FSLL777"},
	{"de", "OFPS309E"},        {"de", "FFBAM483"},        {"de", "BA1H"},
	{"pl", "WA56660"},         {"pl", "BS47040"},         {"pl", "DW1234A"},
	{"pl", "KR123AC"},         {"pl", "DX1A234"},         {"pl", "PO1AC23"},
	{"pl", "BLMA123"},         {"pl", "BLM12AC"},         {"pl", "BLM1A23"},
	{"pl", "BLM12A3"},         {"pl", "BLM1AC2"},         {"at", "ZE248KJ"},
	{"at-personal", "PDXN1"},  {"at", "S626VY"},          {"at-personal", "WTKT1"},
	{"at-personal", "WMARIO1"}, {"at", "BZ1234A"},        {"at", "GU12AB"},
	{"at", "W76067I"},         {"at", "ME639A"},          {"at", "KU217BI"},
	{"at", "FK1ABC"},          {"fr-siv", "AB123CD"},     {"fr-siv", "GH456JK"},
	{"fr-fni", "123ABC45"},    {"fr-fni", "4567AB75"},    {"fr-fni", "12AB2A"},
	{"fr-fni", "123AB971"},    {"nl", "PD1234"},          {"nl", "1234PD"},
	{"nl", "12PD34"},          {"nl", "BD12FG"},          {"nl", "BDFG12"},
	{"nl", "12BDFG"},          {"nl", "12TGB3"},          {"nl", "1KBB12"},
	{"nl", "KB123B"},          {"nl", "N001SB"},          {"nl", "GBB01B"},
	{"nl", "G12BBB"},          {"nl", "1BB123"},          {"nl", "123BB1"},
	{"it", "EX123AB"},         {"it", "FA456BC"},         {"es", "1234BCD"},
	{"es", "5678JKL"},         {"es-old", "M1234AB"},     {"es-old", "GC1234X"},
	{"es-old", "SE1234AB"},    {"es-old", "BA3020Z"},
	{"hu", "ABC123"},          {"hu", "AEAB123"},         {"be", "1ABC123"},
	{"be", "ABC123"},          {"be", "123ABC"},          {"ch", "ZH123456"},
	{"ch", "BE1"},             {"ch", "GE98765"},         {"dk-no", "AB12345"},
	{"se", "ABC123"},          {"se", "ABC12D"},          {"fi", "ABC123"},
	{"fi", "AB1"},             {"pt", "AA00AA"},          {"pt", "00AA00"},
	{"pt", "0000AA"},          {"pt", "AA0000"},          {"ro", "CJ12ABC"},
	{"ro", "B123ABC"},         {"ro", "IS12ABC"},         {"hr", "ZG1234AB"},
	{"hr", "ST123A"},          {"hr", "RI1234A"},
	{"ie", "191D12345"},       {"ie", "12D1"},            {"ie", "05KY123"},
	{"bg", "CA1234AB"},        {"bg", "B1234PK"},         {"gr", "IKA1234"},
	{"lt", "KLM123"},          {"lv", "AB1234"},          {"ee", "123ABC"},
};

/* ... and plates it must reject (the letters and shapes its rules forbid). */
static const struct {
	const char *format, *plate;
} reject_cases[] = {
	{"gb-current", "AI12BCD"}, {"gb-current", "ZA12BCD"}, {"gb-current", "AB12CDQ"},
	{"gb-current", "AB1CDE"},  {"gb-current", "LM01OBE"}, {"gb-current", "AB00CDE"},
	{"gb-prefix", "I123ABC"},  {"gb-prefix", "A012BCD"},
	{"gb-prefix", "A1234BC"},  {"gb-suffix", "ABC123U"},  {"gb-dateless", "AB0123"},
	{"gb-dateless", "ABC1234"}, {"gb-dateless", "ABCD1"}, {"gb-ni", "ABZ0123"},
	{"gb-ni", "ABC1234"},      {"cz", "1G80338"},         {"cz", "0B80338"},
	{"cz", "1BO0338"},         {"de", "ABCDE1234"},       {"de", "ABCD1234E"},
	{"de", "AB0123"},          {"de", "A1"},              {"pl", "WA1234B"},
	{"pl", "WA12345A"},        {"pl", "QA12345"},         {"at", "W0123A"},
	{"at", "WQ123A"},          {"fr-siv", "AI123BC"},     {"fr-siv", "AB123CU"},
	{"nl", "AB12CD"},          {"nl", "12CD34"},          {"it", "AB123CU"},
	{"es", "1234ABC"},         {"es", "1234BCQ"},         {"se", "ABC12O"},
	{"se", "AVC123"},          {"ch", "ZZ123"},           {"ch", "ZH0123"},
	{"hr", "ZG1234AQ"},        {"bg", "CA1234AD"},        {"gr", "ABC1234"},
	/* region codes: no Austrian district, Spanish province, Romanian county
	 * or Croatian area is RK, LM, N, ZA, XY (Slovak and Czech plates these
	 * shapes took before) */
	{"at", "RK776A"},          {"at", "XY123AB"},         {"at", "PP587A"},
	{"at-personal", "XYAB1"},  {"at-personal", "RK12345"}, {"es-old", "LM1633BD"},
	{"es-old", "N0626AT"},     {"hr", "RK776AI"},         {"hr", "PP587AO"},
	{"ro", "ZA83LCC"},         {"ro", "XY12ABC"},
	/* Slovakia: no district is XY, OK or WA; the series never uses Q or W
	 * (what the shape took from Italian, French or misread plates) */
	{"sk", "XY123AB"},         {"sk", "OK776AI"},         {"sk", "WA566AB"},
	{"sk", "RK123QA"},         {"sk", "BA123AW"},
};

static const struct anpr_format_info *find_format(const char *name)
{
	const struct anpr_format_info *f;
	int i;

	for (i = 0; (f = anpr_grammar_format(ANPR_COUNTRY_EU, i)); i++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static int class_of(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : 10 + ch - 'A';
}

/* e^x for x <= 0, independent of the library's logarithm: the Taylor series
 * of e^-x (all terms positive, so no cancellation), inverted. */
static double exp_le0(double x)
{
	double y = -x, term = 1, sum = 1;
	int k;

	for (k = 1; k < 2000 && term > sum * 1e-18; k++) {
		term *= y / k;
		sum += term;
	}
	return 1 / sum;
}

/* The product the reading c claims: p(character) over the used slots,
 * p(junk) over the others. -1 if used and text disagree. */
static double reading_prob(const float *probs, int n, const struct anpr_text_cand *c)
{
	double p = 1;
	int i, t = 0;

	if (n > ANPR_MAX_SLOTS)
		n = ANPR_MAX_SLOTS;
	for (i = 0; i < n; i++) {
		const float *r = probs + (size_t)i * NC;

		if (c->used >> i & 1) {
			if (!c->text[t])
				return -1;
			p *= r[class_of(c->text[t++])];
		} else {
			p *= r[JUNK];
		}
	}
	return c->text[t] || c->used >> n ? -1 : p;
}

static int logp_matches(const float *probs, int n, const struct anpr_text_cand *c)
{
	double p = reading_prob(probs, n, c), q = exp_le0(c->logp);

	return p > 0 && q > p * (1 - 1e-9) && q < p * (1 + 1e-9);
}

/* The contract on any output: grammatical ones first, falling logp within
 * each group, distinct texts, format and grammatical consistent with
 * anpr_grammar_accepts, logp the log of the reading's probability. Returns
 * the number of violations. */
static unsigned check_output(enum anpr_country c, const float *probs, int n,
			     const struct anpr_text_cand *out, int got)
{
	unsigned bad = 0;
	int i, j;

	for (i = 0; i < got; i++) {
		const struct anpr_text_cand *o = &out[i];
		const char *f = NULL;
		int len = (int)strlen(o->text), acc = anpr_grammar_accepts(c, o->text, &f);
		int maxlen = c == ANPR_COUNTRY_ANY ? 10 : ANPR_MAX_TEXT;

		if (len < 2 || len > maxlen || acc != o->grammatical || !o->format ||
		    (acc && strcmp(f, o->format)) || (!acc && strcmp(o->format, "none")) ||
		    !logp_matches(probs, n, o))
			bad++;
		if (i > 0 && (o->grammatical > out[i - 1].grammatical ||
			      (o->grammatical == out[i - 1].grammatical && o->logp > out[i - 1].logp)))
			bad++;
		for (j = 0; j < i; j++)
			if (!strcmp(out[j].text, o->text))
				bad++;
	}
	return bad;
}

/* Slot distributions for text: each character p_main, the rest spread over
 * the other classes; '-' is a junk slot (a hyphen). */
static int build(float *probs, const char *text, float p_main)
{
	int n = 0, c;

	for (; *text; text++, n++) {
		float *r = probs + (size_t)n * NC;
		int main = *text == '-' ? JUNK : class_of(*text);

		for (c = 0; c < NC; c++)
			r[c] = (1 - p_main) / (NC - 1);
		r[main] = p_main;
	}
	return n;
}

static void test_country(void)
{
	enum anpr_country c = ANPR_COUNTRY_ANY;
	static const char *const bad[] = {"uk2", "uk", "GB", "", "eu ", "anything"};
	size_t i;

	CU_ASSERT_EQUAL(anpr_country_parse("gb", &c), ANPR_OK);
	CU_ASSERT_EQUAL(c, ANPR_COUNTRY_GB);
	CU_ASSERT_EQUAL(anpr_country_parse("eu", &c), ANPR_OK);
	CU_ASSERT_EQUAL(c, ANPR_COUNTRY_EU);
	CU_ASSERT_EQUAL(anpr_country_parse("any", &c), ANPR_OK);
	CU_ASSERT_EQUAL(c, ANPR_COUNTRY_ANY);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = ANPR_COUNTRY_EU;
		CU_ASSERT_EQUAL(anpr_country_parse(bad[i], &c), ANPR_ERR_ARG);
		CU_ASSERT_EQUAL(c, ANPR_COUNTRY_EU);
	}
	CU_ASSERT_EQUAL(anpr_country_parse(NULL, &c), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_country_parse("gb", NULL), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_country_parse("br", &c), ANPR_OK);
	CU_ASSERT_EQUAL(c, ANPR_COUNTRY_BR);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(anpr_country_parse(anpr_country_name((enum anpr_country)i), &c), ANPR_OK);
		CU_ASSERT_EQUAL(c, (enum anpr_country)i);
	}
	CU_ASSERT_STRING_EQUAL(anpr_country_name((enum anpr_country)7), "?");
}

static void test_uk_plates(void)
{
	size_t i;

	for (i = 0; i < sizeof(uk_plates) / sizeof(uk_plates[0]); i++) {
		const char *f = NULL;
		int gb = anpr_grammar_accepts(ANPR_COUNTRY_GB, uk_plates[i], &f);

		if (!gb)
			fprintf(stderr, "\n  %s rejected under gb", uk_plates[i]);
		CU_ASSERT(gb);
		CU_ASSERT(gb && !strncmp(f, "gb-", 3));
		CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_EU, uk_plates[i], NULL));
	}
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_GB, "C4RSUK", NULL));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_EU, "C4RSUK", NULL));
}

static void test_eu_plates(void)
{
	size_t i;

	for (i = 0; i < sizeof(eu_only_plates) / sizeof(eu_only_plates[0]); i++) {
		const char *p = eu_only_plates[i], *f = "untouched";
		int eu = anpr_grammar_accepts(ANPR_COUNTRY_EU, p, NULL);
		int gb = anpr_grammar_accepts(ANPR_COUNTRY_GB, p, &f);

		if (!eu || gb)
			fprintf(stderr, "\n  %s: eu %d gb %d", p, eu, gb);
		CU_ASSERT(eu);
		CU_ASSERT(!gb);
		CU_ASSERT_STRING_EQUAL(f, "untouched");
	}
}

/* Every format accepts its own plates and rejects what its rules forbid. */
static void test_formats(void)
{
	const struct anpr_format_info *f;
	int i, n_gb = 0, n_eu = 0, gb_in_eu = 0;
	size_t k;

	for (i = 0; (f = anpr_grammar_format(ANPR_COUNTRY_GB, i)); i++) {
		n_gb++;
		CU_ASSERT(anpr_grammar_format_accepts(f, f->example));
		CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_GB, f->example, NULL));
	}
	for (i = 0; (f = anpr_grammar_format(ANPR_COUNTRY_EU, i)); i++) {
		n_eu++;
		gb_in_eu += !strncmp(f->name, "gb-", 3);
		if (!anpr_grammar_format_accepts(f, f->example))
			fprintf(stderr, "\n  %s rejects its example %s", f->name, f->example);
		CU_ASSERT(anpr_grammar_format_accepts(f, f->example));
		CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_EU, f->example, NULL));
	}
	/* a broken table lists nothing: this catches it */
	CU_ASSERT_EQUAL(n_gb, 6);
	CU_ASSERT_EQUAL(gb_in_eu, n_gb);
	CU_ASSERT(n_eu >= 30);
	f = anpr_grammar_format(ANPR_COUNTRY_ANY, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->name, "any");
	CU_ASSERT_PTR_NULL(anpr_grammar_format(ANPR_COUNTRY_ANY, 1));
	CU_ASSERT_PTR_NULL(anpr_grammar_format(ANPR_COUNTRY_GB, -1));
	CU_ASSERT_PTR_NULL(anpr_grammar_format((enum anpr_country)5, 0));

	for (k = 0; k < sizeof(accept_cases) / sizeof(accept_cases[0]); k++) {
		f = find_format(accept_cases[k].format);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		if (!anpr_grammar_format_accepts(f, accept_cases[k].plate))
			fprintf(stderr, "\n  %s rejects %s", f->name, accept_cases[k].plate);
		CU_ASSERT(anpr_grammar_format_accepts(f, accept_cases[k].plate));
		CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_EU, accept_cases[k].plate, NULL));
	}
	for (k = 0; k < sizeof(reject_cases) / sizeof(reject_cases[0]); k++) {
		f = find_format(reject_cases[k].format);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		if (anpr_grammar_format_accepts(f, reject_cases[k].plate))
			fprintf(stderr, "\n  %s accepts %s", f->name, reject_cases[k].plate);
		CU_ASSERT(!anpr_grammar_format_accepts(f, reject_cases[k].plate));
	}
}

static void test_accepts_edges(void)
{
	const char *f = "untouched";

	CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_ANY, "A1", &f));
	CU_ASSERT_STRING_EQUAL(f, "any");
	CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_ANY, "ABCDEFGHIJ", NULL));
	f = "untouched";
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_ANY, "ABCDEFGHIJK", &f));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_ANY, "A", &f));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_GB, "ab12cde", &f));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_GB, "AB12 CDE", &f));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_GB, "", &f));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_GB, NULL, &f));
	CU_ASSERT(!anpr_grammar_accepts((enum anpr_country)4, "AB12CDE", &f));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_EU, "ABCDEFGHIJKLM", &f));
	CU_ASSERT_STRING_EQUAL(f, "untouched");
	CU_ASSERT(!anpr_grammar_format_accepts(NULL, "AB12CDE"));
}

/* Brazil: its own country, and what "known" means under any */
static void test_br(void)
{
	const struct anpr_format_info *f;
	const char *fmt = "untouched";
	float probs[7 * NC];
	struct anpr_text_cand out[5];
	int n, got, i;

	f = anpr_grammar_format(ANPR_COUNTRY_BR, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->name, "br");
	f = anpr_grammar_format(ANPR_COUNTRY_BR, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->name, "br-mercosul");
	CU_ASSERT_PTR_NULL(anpr_grammar_format(ANPR_COUNTRY_BR, 2));
	CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_BR, "ASI4054", &fmt));
	CU_ASSERT_STRING_EQUAL(fmt, "br");
	CU_ASSERT(anpr_grammar_accepts(ANPR_COUNTRY_BR, "ABC1D23", &fmt));
	CU_ASSERT_STRING_EQUAL(fmt, "br-mercosul");
	fmt = "untouched";
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_BR, "ABC12D3", &fmt));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_BR, "AS14054", &fmt));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_BR, "ABC123", &fmt));
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_BR, "AB12CDE", &fmt));
	CU_ASSERT_STRING_EQUAL(fmt, "untouched");
	/* Brazil is not in eu */
	CU_ASSERT(!anpr_grammar_accepts(ANPR_COUNTRY_EU, "ABC1D23", NULL));

	/* the positions settle look-alikes: I/1 among the letters, 1/I after them */
	n = build(probs, "ASI4054", 0.9f);
	probs[2 * NC + class_of('1')] = 0.7f;
	probs[2 * NC + class_of('I')] = 0.2f;
	got = anpr_grammar_read(ANPR_COUNTRY_BR, probs, n, out, 5);
	CU_ASSERT_FATAL(got >= 1);
	CU_ASSERT_STRING_EQUAL(out[0].text, "ASI4054");
	CU_ASSERT_STRING_EQUAL(out[0].format, "br");
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_BR, probs, n, out, got), 0);
	n = build(probs, "ABC1D23", 0.9f);
	probs[3 * NC + class_of('I')] = 0.6f;
	probs[3 * NC + class_of('1')] = 0.3f;
	got = anpr_grammar_read(ANPR_COUNTRY_BR, probs, n, out, 5);
	CU_ASSERT_FATAL(got >= 1);
	CU_ASSERT_STRING_EQUAL(out[0].text, "ABC1D23");
	CU_ASSERT_STRING_EQUAL(out[0].format, "br-mercosul");
	/* a confident reading no Brazilian format accepts is "none", as under gb */
	n = build(probs, "AB12CDE", 0.95f);
	got = anpr_grammar_read(ANPR_COUNTRY_BR, probs, n, out, 5);
	for (i = 0; i < got && strcmp(out[i].text, "AB12CDE"); i++)
		;
	CU_ASSERT_FATAL(i < got);
	CU_ASSERT_EQUAL(out[i].grammatical, 0);
	CU_ASSERT_STRING_EQUAL(out[i].format, "none");

	/* known: some country's format, whatever the country asked for */
	CU_ASSERT(anpr_grammar_known("ASI4054"));  /* br */
	CU_ASSERT(anpr_grammar_known("ABC1D23"));  /* br-mercosul */
	CU_ASSERT(anpr_grammar_known("AB12CDE"));  /* gb-current */
	CU_ASSERT(anpr_grammar_known("1B80338"));  /* cz */
	CU_ASSERT(anpr_grammar_known("ZE248KJ"));  /* at, with its district */
	CU_ASSERT(!anpr_grammar_known("RK776A"));  /* at's shape, no such district; nor hr's */
	CU_ASSERT(!anpr_grammar_known("0KG4036")); /* a digit, then letters, then digits */
	CU_ASSERT(!anpr_grammar_known("ASY40S4"));
	CU_ASSERT(!anpr_grammar_known("A"));
	CU_ASSERT(!anpr_grammar_known("abc1234"));
	CU_ASSERT(!anpr_grammar_known(NULL));
}

/* 0/O and 1/I share their probability; nothing else moves */
static void test_share_lookalikes(void)
{
	float probs[2 * NC], before[2 * NC];
	struct anpr_text_cand out[3];
	int c, got;

	build(probs, "1O", 0.5f);
	probs[class_of('I')] = 0.3f;  /* slot 0: 1 0.5, I 0.3 */
	probs[NC + class_of('0')] = 0.2f; /* slot 1: O 0.5, 0 0.2 */
	memcpy(before, probs, sizeof(probs));
	anpr_grammar_share_lookalikes(probs, 2, 0.25f);
	CU_ASSERT_DOUBLE_EQUAL(probs[class_of('1')], 0.5 + 0.25 * 0.3, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(probs[class_of('I')], 0.3 + 0.25 * 0.5, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(probs[NC + class_of('O')], 0.5 + 0.25 * 0.2, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(probs[NC + class_of('0')], 0.2 + 0.25 * 0.5, 1e-6);
	for (c = 0; c < 2 * NC; c++)
		if (c % NC != class_of('0') && c % NC != class_of('O') && c % NC != class_of('1') &&
		    c % NC != class_of('I'))
			CU_ASSERT_EQUAL(probs[c], before[c]);
	/* share 1: the pair alike, their sum on both */
	memcpy(probs, before, sizeof(probs));
	anpr_grammar_share_lookalikes(probs, 2, 1.0f);
	CU_ASSERT_EQUAL(probs[class_of('1')], probs[class_of('I')]);
	CU_ASSERT_EQUAL(probs[NC + class_of('0')], probs[NC + class_of('O')]);
	/* the grammar still reads the classifier's lean where it is all there is */
	memcpy(probs, before, sizeof(probs));
	anpr_grammar_share_lookalikes(probs, 2, 0.25f);
	got = anpr_grammar_read(ANPR_COUNTRY_ANY, probs, 2, out, 3);
	CU_ASSERT_FATAL(got >= 1);
	CU_ASSERT_STRING_EQUAL(out[0].text, "1O");
	anpr_grammar_share_lookalikes(NULL, 2, 0.25f); /* nothing to do */
	anpr_grammar_share_lookalikes(probs, 0, 0.25f);
}

/*
 * AB10CDE where the classifier prefers 'O' over the '0' of the age digits
 * and '0' over the 'D' of the random letters: under gb the position decides
 * and the plate reads right; any keeps the classifier's choice; the
 * classifier's reading is still offered under gb, ungrammatical.
 */
static void test_lookalikes(void)
{
	float probs[7 * NC];
	struct anpr_text_cand out[5], any[5];
	int n = build(probs, "AB10CDE", 0.9f), got, i, seen = 0;

	probs[3 * NC + class_of('0')] = 0.35f;
	probs[3 * NC + class_of('O')] = 0.55f;
	probs[5 * NC + class_of('D')] = 0.4f;
	probs[5 * NC + class_of('0')] = 0.5f;

	got = anpr_grammar_read(ANPR_COUNTRY_GB, probs, n, out, 5);
	CU_ASSERT_EQUAL_FATAL(got, 5);
	CU_ASSERT_STRING_EQUAL(out[0].text, "AB10CDE");
	CU_ASSERT_STRING_EQUAL(out[0].format, "gb-current");
	CU_ASSERT_EQUAL(out[0].grammatical, 1);
	CU_ASSERT_EQUAL(out[0].used, 0x7f);
	CU_ASSERT(logp_matches(probs, n, &out[0]));
	/* the product of the chosen probabilities, spelled out */
	CU_ASSERT_DOUBLE_EQUAL(exp_le0(out[0].logp), 0.9 * 0.9 * 0.9 * 0.35 * 0.9 * 0.4 * 0.9, 1e-6);
	for (i = 0; i < got; i++)
		if (!strcmp(out[i].text, "AB1OC0E")) {
			seen = 1;
			CU_ASSERT_EQUAL(out[i].grammatical, 0);
			CU_ASSERT_STRING_EQUAL(out[i].format, "none");
			CU_ASSERT(out[i].logp > out[0].logp);
		}
	CU_ASSERT(seen);
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_GB, probs, n, out, got), 0);

	got = anpr_grammar_read(ANPR_COUNTRY_ANY, probs, n, any, 5);
	CU_ASSERT_EQUAL_FATAL(got, 5);
	CU_ASSERT_STRING_EQUAL(any[0].text, "AB1OC0E");
	CU_ASSERT_STRING_EQUAL(any[0].format, "any");
	CU_ASSERT_EQUAL(any[0].grammatical, 1);
	CU_ASSERT(logp_matches(probs, n, &any[0]));
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_ANY, probs, n, any, got), 0);

	/* eu has the GB format too */
	got = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, out, 5);
	CU_ASSERT_EQUAL_FATAL(got, 5);
	CU_ASSERT_STRING_EQUAL(out[0].text, "AB10CDE");
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_EU, probs, n, out, got), 0);
}

/* A hyphen between the groups of an EU plate, a screw before it: skipped. */
static void test_junk_slots(void)
{
	float probs[9 * NC];
	struct anpr_text_cand out[5];
	int n = build(probs, "-BA-123AB", 0.95f), got;

	/* the hyphen looks a little like a '1' */
	probs[3 * NC + class_of('1')] = 0.3f;
	probs[3 * NC + JUNK] = 0.65f;
	got = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, out, 5);
	CU_ASSERT_EQUAL_FATAL(got, 5);
	CU_ASSERT_STRING_EQUAL(out[0].text, "BA123AB");
	CU_ASSERT_STRING_EQUAL(out[0].format, "sk");
	CU_ASSERT_EQUAL(out[0].used, 0x1f6); /* slots 1, 2, 4-8 */
	CU_ASSERT(logp_matches(probs, n, &out[0]));
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_EU, probs, n, out, got), 0);

	/* a UK plate with a junk slot in the middle and one at the end */
	n = build(probs, "KX63-PXF-", 0.9f);
	got = anpr_grammar_read(ANPR_COUNTRY_GB, probs, n, out, 5);
	CU_ASSERT_EQUAL_FATAL(got, 5);
	CU_ASSERT_STRING_EQUAL(out[0].text, "KX63PXF");
	CU_ASSERT_EQUAL(out[0].used, 0xef);
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_GB, probs, n, out, got), 0);
}

/* A confident plate no format knows still comes back, as "none", and is the
 * most probable reading; the grammatical ones that need a slot skipped or
 * misread come first but are far less probable. */
static void test_unknown_plate(void)
{
	float probs[6 * NC];
	struct anpr_text_cand out[8];
	int n = build(probs, "C4RSUK", 0.97f), got, i, k;
	enum anpr_country c;

	for (c = ANPR_COUNTRY_GB; c <= ANPR_COUNTRY_EU; c++) {
		k = -1;
		got = anpr_grammar_read(c, probs, n, out, 8);
		CU_ASSERT_EQUAL_FATAL(got, 8);
		for (i = 0; i < got; i++)
			if (!strcmp(out[i].text, "C4RSUK"))
				k = i;
		CU_ASSERT_FATAL(k >= 0);
		CU_ASSERT_EQUAL(out[k].grammatical, 0);
		CU_ASSERT_STRING_EQUAL(out[k].format, "none");
		CU_ASSERT_EQUAL(out[k].used, 0x3f);
		CU_ASSERT(logp_matches(probs, n, &out[k]));
		for (i = 0; i < got; i++)
			CU_ASSERT(i == k || out[i].logp < out[k].logp - 3);
		CU_ASSERT_EQUAL(check_output(c, probs, n, out, got), 0);
	}
}

/* A region code no country of the format issues makes a text ungrammatical
 * there: a Slovak plate whose last letter is faint reads RK776A more
 * probably, a shape Austria and Croatia have, but neither has a district RK;
 * the grammar's reading is the Slovak one, and RK776A comes back as none. */
static void test_region_codes(void)
{
	float probs[7 * NC];
	struct anpr_text_cand out[8];
	int n = build(probs, "RK776A-", 0.95f), got, i, k = -1;
	float *last = probs + 6 * NC;

	last[JUNK] = 0.7f;
	last[class_of('I')] = 0.25f;
	got = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, out, 8);
	CU_ASSERT_FATAL(got >= 2);
	CU_ASSERT_STRING_EQUAL(out[0].text, "RK776AI");
	CU_ASSERT_STRING_EQUAL(out[0].format, "sk");
	for (i = 0; i < got; i++)
		if (!strcmp(out[i].text, "RK776A"))
			k = i;
	CU_ASSERT_FATAL(k >= 0);
	CU_ASSERT_EQUAL(out[k].grammatical, 0);
	CU_ASSERT_STRING_EQUAL(out[k].format, "none");
	CU_ASSERT(out[k].logp > out[0].logp);
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_EU, probs, n, out, got), 0);
	/* with a district Austria has, the same shape is Austrian */
	n = build(probs, "KU776A", 0.95f);
	got = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, out, 8);
	CU_ASSERT_FATAL(got >= 1);
	CU_ASSERT_STRING_EQUAL(out[0].text, "KU776A");
	CU_ASSERT_STRING_EQUAL(out[0].format, "at");
	/* the district doubted between X, Y (no Austrian district) and W: the
	 * k best readings still hold W123AB (at), more probable than any but
	 * the unconstrained X123AB, even when the format's own k best texts
	 * (X..., Y...) are all refused for their code */
	n = build(probs, "X123AB", 0.95f);
	probs[class_of('X')] = 0.4f;
	probs[class_of('Y')] = 0.35f;
	probs[class_of('W')] = 0.24f;
	for (i = 2; i <= 8; i++) {
		got = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, out, i);
		CU_ASSERT_FATAL(got == i);
		CU_ASSERT_STRING_EQUAL(out[0].text, "W123AB");
		CU_ASSERT_STRING_EQUAL(out[0].format, "at");
		CU_ASSERT_STRING_EQUAL(out[got - 1].text, "X123AB");
		CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_EU, probs, n, out, got), 0);
	}
}

/* The German E and H plates are a rare series: their readings carry a
 * negative log prior, the format's other plates none. */
static void test_rare_series(void)
{
	float probs[8 * NC];
	struct anpr_text_cand out[8];
	int n = build(probs, "OFPS309E", 0.95f), got, i, seen = 0;

	got = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, out, 8);
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_EU, probs, n, out, got), 0);
	for (i = 0; i < got; i++) {
		if (!strcmp(out[i].text, "OFPS309E")) {
			CU_ASSERT_STRING_EQUAL(out[i].format, "de");
			CU_ASSERT(out[i].log_prior < 0);
			seen |= 1;
		}
		if (!strcmp(out[i].text, "OFPS309")) {
			CU_ASSERT_STRING_EQUAL(out[i].format, "de");
			CU_ASSERT_EQUAL(out[i].log_prior, 0);
			seen |= 2;
		}
	}
	CU_ASSERT_EQUAL(seen, 3);
}

static void test_arguments(void)
{
	float probs[30 * NC];
	struct anpr_text_cand out[ANPR_MAX_READINGS + 2], ref[ANPR_MAX_READINGS], poison;
	int n, got, i;

	memset(&poison, 0x5a, sizeof(poison));
	for (i = 0; i < ANPR_MAX_READINGS + 2; i++)
		out[i] = poison;
	n = build(probs, "AB12CDE", 0.9f);
	CU_ASSERT_EQUAL(anpr_grammar_read(ANPR_COUNTRY_GB, probs, 1, out, 5), 0);
	CU_ASSERT_EQUAL(anpr_grammar_read(ANPR_COUNTRY_GB, probs, 0, out, 5), 0);
	CU_ASSERT_EQUAL(anpr_grammar_read(ANPR_COUNTRY_GB, probs, -3, out, 5), 0);
	CU_ASSERT_EQUAL(anpr_grammar_read(ANPR_COUNTRY_GB, probs, n, out, 0), 0);
	CU_ASSERT_EQUAL(anpr_grammar_read(ANPR_COUNTRY_GB, NULL, n, out, 5), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_grammar_read(ANPR_COUNTRY_GB, probs, n, NULL, 5), ANPR_ERR_ARG);
	CU_ASSERT_EQUAL(anpr_grammar_read((enum anpr_country)9, probs, n, out, 5), ANPR_ERR_ARG);
	CU_ASSERT(!memcmp(&out[0], &poison, sizeof(poison)));

	/* two slots are enough for a reading */
	got = anpr_grammar_read(ANPR_COUNTRY_ANY, probs, 2, out, 3);
	CU_ASSERT_EQUAL(got, 3);
	CU_ASSERT_STRING_EQUAL(out[0].text, "AB");
	CU_ASSERT(!memcmp(&out[3], &poison, sizeof(poison)));

	/* max is capped; nothing past the count is written */
	got = anpr_grammar_read(ANPR_COUNTRY_EU, probs, n, out, ANPR_MAX_READINGS + 2);
	CU_ASSERT_EQUAL(got, ANPR_MAX_READINGS);
	CU_ASSERT(!memcmp(&out[ANPR_MAX_READINGS], &poison, sizeof(poison)));
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_EU, probs, n, out, got), 0);

	/* slots past ANPR_MAX_SLOTS are not considered */
	n = build(probs, "AB12CDE-----------------ZZZZZZ", 0.9f);
	CU_ASSERT_EQUAL(n, 30);
	got = anpr_grammar_read(ANPR_COUNTRY_GB, probs, ANPR_MAX_SLOTS, ref, ANPR_MAX_READINGS);
	CU_ASSERT_EQUAL(anpr_grammar_read(ANPR_COUNTRY_GB, probs, n, out, ANPR_MAX_READINGS), got);
	for (i = 0; i < got; i++) {
		CU_ASSERT_STRING_EQUAL(out[i].text, ref[i].text);
		CU_ASSERT_EQUAL(out[i].logp, ref[i].logp);
		CU_ASSERT_EQUAL(out[i].used, ref[i].used);
	}
	CU_ASSERT_STRING_EQUAL(out[0].text, "AB12CDE");
	CU_ASSERT_EQUAL(check_output(ANPR_COUNTRY_GB, probs, n, out, got), 0);

	/* zeros, NaNs and values above 1 do not break the arithmetic */
	n = build(probs, "AB12CDE", 0.9f);
	for (i = 0; i < NC; i++)
		probs[2 * NC + i] = 0;
	probs[4 * NC + 3] = (float)NAN;
	probs[5 * NC + 3] = 7;
	got = anpr_grammar_read(ANPR_COUNTRY_GB, probs, n, out, 5);
	CU_ASSERT_EQUAL(got, 5);
	for (i = 0; i < got; i++)
		CU_ASSERT(out[i].logp < 0 && out[i].logp > -1e4);
}


static double rnd01(void)
{
	return (double)(test_rnd() >> 11) / 9007199254740992.0;
}

struct reading {
	char text[ANPR_MAX_TEXT + 1];
	double p;
};

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct reading *)a)->text, ((const struct reading *)b)->text);
}

static int by_prob(const void *a, const void *b)
{
	double x = ((const struct reading *)a)->p, y = ((const struct reading *)b)->p;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Add probability q of class cl to slot distribution r; a character class
 * joins the slot's live classes lc[*nl] once. */
static void put(float *r, int cl, double q, int *lc, int *nl)
{
	int i;

	r[cl] += (float)q;
	if (cl == JUNK)
		return;
	for (i = 0; i < *nl && lc[i] != cl; i++)
		;
	if (i == *nl)
		lc[(*nl)++] = cl;
}

/*
 * Exhaustive check on small inputs. Each slot has junk and up to four live
 * classes (often a look-alike pair); every other class is at the 1e-30
 * floor, so a reading that uses one is far less probable than any that
 * does not. All readings of the live classes are enumerated: the
 * grammatical ones, the unconstrained ones (best class or skipped; gb and eu)
 * or all of 2-10 characters (any); each text keeps its best probability. The
 * K most probable must be exactly what anpr_grammar_read returns, with the
 * same probabilities (when fewer than K exist, the call adds floor readings).
 */
static void test_exhaustive(void)
{
	static const char *const seeds[] = {"AB12CDE", "W606KCB", "BA123AB", "1B80338", "WA56660",
					    "ZE248KJ", "123ABC45", "KB123B", "DBM699", "1234BCD"};
	static const char look[] = "0O8B1I5S2Z6G";
	/* 100 trials each for gb and eu, the rest (cheap: no grammar to check) any */
	enum { TRIALS = 1800, MAXN = 6, POOL = 1 << 16 };
	struct reading *pool = malloc(POOL * sizeof(*pool));
	unsigned bad = 0, compared = 0;
	int t, overflow = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	test_rng_state = 0x2545f4914f6cdd1dull;
	for (t = 0; t < TRIALS; t++) {
		enum anpr_country c = t < 100 ? ANPR_COUNTRY_GB : ANPR_COUNTRY_EU;
		const char *seed = seeds[test_rnd() % 10];
		int n = 2 + (int)(test_rnd() % (MAXN - 1));
		int k = t % 4 ? 5 : 8, np = 0, nd, got, i, live;
		int lcls[MAXN][4], nl[MAXN], chr[MAXN], rival[MAXN];
		float probs[MAXN * NC];
		struct anpr_text_cand out[8];
		unsigned s;

		if (t >= 200)
			c = ANPR_COUNTRY_ANY;
		/* slots: a character of the seed or a hyphen, with a look-alike or
		 * random rival and up to two more; or, half the time, the previous
		 * slot's character and rival again (a character the segmenter cut
		 * in two: the same text then comes from different slots) */
		for (i = 0; i < n; i++) {
			float *r = probs + (size_t)i * NC;
			int a = test_rnd() % 6 ? class_of(seed[(i + t) % strlen(seed)]) : JUNK, b, j;
			const char *l = a < JUNK ? strchr(look, a < 10 ? '0' + a : 'A' + a - 10) : NULL;
			double left = 1, q;

			b = l ? class_of(look[(l - look) ^ 1]) : (int)(test_rnd() % 36);
			if (i > 0 && test_rnd() % 2 == 0) {
				a = chr[i - 1];
				b = rival[i - 1];
			}
			chr[i] = a;
			rival[i] = b;
			for (j = 0; j < NC; j++)
				r[j] = 1e-30f;
			nl[i] = 0;
			q = left * (0.2 + 0.7 * rnd01());
			put(r, a, q, lcls[i], &nl[i]);
			left -= q;
			q = left * (0.3 + 0.7 * rnd01());
			put(r, b, q, lcls[i], &nl[i]);
			left -= q;
			q = left * rnd01();
			put(r, JUNK, q, lcls[i], &nl[i]);
			left -= q;
			for (j = 0; j < 2; j++)
				if (test_rnd() % 2) {
					q = left * rnd01();
					put(r, (int)(test_rnd() % 36), q, lcls[i], &nl[i]);
					left -= q;
				}
		}

		/* enumerate: used set s, then every choice of live classes */
		for (s = 1; s < 1u << n; s++) {
			int idx[MAXN] = {0}, used[MAXN], m = 0, done = 0;

			for (i = 0; i < n; i++)
				if (s >> i & 1)
					used[m++] = i;
			if (m < 2 || (c == ANPR_COUNTRY_ANY && m > 10))
				continue;
			while (!done) {
				struct reading rd;
				int best = 1, j;

				rd.p = 1;
				for (i = 0, j = 0; i < n; i++) {
					const float *r = probs + (size_t)i * NC;

					if (s >> i & 1) {
						int cl = lcls[i][idx[j]], q;

						rd.text[j++] = (char)(cl < 10 ? '0' + cl : 'A' + cl - 10);
						rd.p *= r[cl];
						for (q = 0; q < 36 && c != ANPR_COUNTRY_ANY; q++)
							best &= r[q] < r[cl] || (r[q] == r[cl] && q >= cl);
					} else {
						rd.p *= r[JUNK];
					}
				}
				rd.text[j] = '\0';
				if (rd.p > 1e-20 &&
				    (c == ANPR_COUNTRY_ANY || best || anpr_grammar_accepts(c, rd.text, NULL))) {
					if (np < POOL)
						pool[np++] = rd;
					else
						overflow = 1;
				}
				/* next choice */
				for (j = 0; j < m && ++idx[j] == nl[used[j]]; j++)
					idx[j] = 0;
				done = j == m;
			}
		}
		/* each text once, at its best; then most probable first */
		qsort(pool, (size_t)np, sizeof(*pool), by_text);
		for (i = 0, nd = 0; i < np; i++) {
			if (nd && !strcmp(pool[nd - 1].text, pool[i].text)) {
				if (pool[i].p > pool[nd - 1].p)
					pool[nd - 1].p = pool[i].p;
			} else {
				pool[nd++] = pool[i];
			}
		}
		qsort(pool, (size_t)nd, sizeof(*pool), by_prob);

		got = anpr_grammar_read(c, probs, n, out, k);
		bad += check_output(c, probs, n, out, got);
		if (got != k) {
			bad++;
			continue;
		}
		/* a tie at the cut makes the set ambiguous: skip those */
		if (nd > k && pool[k].p > pool[k - 1].p * (1 - 1e-9))
			continue;
		compared++;
		for (i = 0, live = 0; i < got; i++) {
			int j;

			if (exp_le0(out[i].logp) < 1e-20)
				continue;
			live++;
			for (j = 0; j < k && j < nd && strcmp(pool[j].text, out[i].text); j++)
				;
			if (j == k || j == nd || !logp_matches(probs, n, &out[i]) ||
			    exp_le0(out[i].logp) < pool[j].p * (1 - 1e-9)) {
				if (!bad)
					fprintf(stderr, "\n  trial %d (%s, n %d): %s not in the best %d", t,
						anpr_country_name(c), n, out[i].text, k);
				bad++;
			}
		}
		if (live != (nd < k ? nd : k)) {
			if (!bad)
				fprintf(stderr, "\n  trial %d (%s, n %d): %d live readings, %d expected", t,
					anpr_country_name(c), n, live, nd < k ? nd : k);
			bad++;
		}
	}
	CU_ASSERT_EQUAL(overflow, 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(compared > TRIALS * 3 / 4);
	free(pool);
}

/* Random distributions at every size: the output contract always holds. */
static void test_random(void)
{
	enum { ITER = 3000 };
	static float probs[ANPR_MAX_SLOTS * NC + NC];
	struct anpr_text_cand out[ANPR_MAX_READINGS];
	unsigned bad = 0, none = 0;
	int it;

	test_rng_state = 0x9e3779b97f4a7c15ull;
	for (it = 0; it < ITER; it++) {
		enum anpr_country c = (enum anpr_country)(test_rnd() % 3);
		int n = 2 + (int)(test_rnd() % (ANPR_MAX_SLOTS - 1)), k = 1 + (int)(test_rnd() % ANPR_MAX_READINGS);
		int i, j, got;

		for (i = 0; i < n; i++) {
			float *r = probs + (size_t)i * NC, sum = 0;

			for (j = 0; j < NC; j++)
				sum += r[j] = (float)(rnd01() * rnd01() * rnd01());
			r[test_rnd() % NC] += sum * (float)(test_rnd() % 8);
			for (j = 0, sum = 0; j < NC; j++)
				sum += r[j];
			for (j = 0; j < NC; j++)
				r[j] /= sum;
		}
		got = anpr_grammar_read(c, probs, n, out, k);
		if (got != k) {
			if (!bad)
				fprintf(stderr, "\n  iteration %d: %d of %d candidates", it, got, k);
			bad++;
		}
		bad += check_output(c, probs, n, out, got);
		for (i = 0; i < got; i++)
			none += !out[i].grammatical;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* both kinds of candidate were exercised */
	CU_ASSERT(none > 0);
}

int register_grammar_suite(void)
{
	static CU_TestInfo tests[] = {
		{"country names", test_country},
		{"real UK plates accepted under gb and eu", test_uk_plates},
		{"EU plates accepted under eu, rejected under gb", test_eu_plates},
		{"each format: its plates and its exclusions", test_formats},
		{"acceptance edge cases", test_accepts_edges},
		{"br formats, and formats known under any", test_br},
		{"look-alikes share their probability", test_share_lookalikes},
		{"look-alikes settled by position", test_lookalikes},
		{"junk slots skipped", test_junk_slots},
		{"confident unknown plate comes back as none", test_unknown_plate},
		{"region codes a format's country does not issue", test_region_codes},
		{"a rare series carries a log prior", test_rare_series},
		{"arguments and limits", test_arguments},
		{"exhaustive search agrees on small inputs", test_exhaustive},
		{"random inputs keep the output contract", test_random},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"grammar", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};

	return CU_register_suites(suites) == CUE_SUCCESS ? 0 : -1;
}
