/*
 * anpr/grammar.h - plate grammar: from per-slot class probabilities to plate texts.
 *
 * The character classifier gives, for each segmented character slot (reading
 * order: top row left to right, then the bottom row), a distribution over
 * ANPR_NCLASS classes: '0'-'9', 'A'-'Z', and "junk" (the slot is no character:
 * a hyphen, a flag band, a screw, a piece of border). The grammar turns the
 * slots into the most probable plate texts that a country's formats allow.
 *
 * A format is a sequence of positions, each allowing a set of characters
 * (grammar.c documents the notation). A reading of n slots under a format of
 * k positions picks k of the slots in order, skipping the others as junk, and
 * reads each picked slot as a character its position allows. So the position
 * settles look-alikes: a slot the classifier calls '0' 0.6 / 'O' 0.4 reads
 * 'O' where the format wants a letter.
 *
 * Every function here is thread-safe and allocates nothing; the format tables
 * are built once, on first use.
 */
#ifndef ANPR_GRAMMAR_H
#define ANPR_GRAMMAR_H

#include <stdint.h>

#define ANPR_NCLASS 37      /* '0'-'9', 'A'-'Z', then ANPR_CLASS_JUNK */
#define ANPR_CLASS_JUNK 36
#define ANPR_MAX_TEXT 12    /* longest plate text, characters */
#define ANPR_MAX_SLOTS 24   /* most slots a reading considers */
#define ANPR_MAX_READINGS 16 /* most candidates one anpr_grammar_read returns */

enum anpr_country {
	ANPR_COUNTRY_GB,  /* United Kingdom: GB and Northern Ireland formats */
	ANPR_COUNTRY_EU,  /* the GB formats and those of the EU and its neighbours */
	ANPR_COUNTRY_ANY, /* no grammar: 2-10 characters, any of the 36 */
	ANPR_COUNTRY_BR,  /* Brazil: the 1990 format and Mercosur's */
};

/* "gb", "eu", "any" or "br" (lower case, exactly) -> *out.
 * Returns ANPR_OK, or ANPR_ERR_ARG for any other name (or a NULL pointer);
 * *out is untouched on error. */
int anpr_country_parse(const char *name, enum anpr_country *out);

/* The name anpr_country_parse accepts for c; "?" for a value outside the enum. */
const char *anpr_country_name(enum anpr_country c);

struct anpr_text_cand {
	char text[ANPR_MAX_TEXT + 1]; /* upper case A-Z0-9, no spaces, NUL-terminated */
	double logp;      /* natural log of the probability of this reading: sum over the used
			   * slots of log p(class read), plus sum over the skipped slots of
			   * log p(junk) */
	uint32_t used;    /* bit i set: slot i is a character of the text */
	const char *format; /* static name of the format matched ("gb-current", "sk", ...),
			     * "any" under ANPR_COUNTRY_ANY, "none" when no format accepts it */
	int grammatical;  /* 1 if a format of the country accepts the text */
	double log_prior; /* 0; below 0 (natural log) when the reading is of a rare series of its
			   * format (grammar.c: the German E and H plates), for the caller's ranking */
};

/*
 * Read the n slots under the grammar of country c.
 *
 * probs holds n rows of ANPR_NCLASS floats, row i the distribution of slot i.
 * Values are clamped to [1e-30, 1] (a NaN counts as 1e-30), so that no reading
 * is impossible and every logp is finite. Only the first ANPR_MAX_SLOTS slots
 * are considered.
 *
 * The candidates are the max (at most ANPR_MAX_READINGS) readings of highest
 * logp, with distinct texts: a text reached by several formats or slot
 * choices appears once, with its best logp and the format of that reading
 * (the earliest in the table when formats tie). Under gb, eu and br the
 * unconstrained readings compete too (each slot either its best non-junk
 * class or skipped, 2..ANPR_MAX_TEXT characters): when no format accepts such
 * a text it comes back with format "none" and grammatical 0, so that the
 * caller can still take a confident plate no format knows (a cherished UK
 * plate, a country not covered). Under any, every candidate is 2-10
 * characters of any class, format "any", grammatical 1.
 *
 * Order in out: the grammatical candidates first, then the others, each group
 * by falling logp. So out[0] is the grammar's reading whenever there is one
 * among them, even where the classifier alone prefers a look-alike the format
 * forbids (whose ungrammatical reading then follows, with a higher logp); a
 * caller that would take a confident ungrammatical plate compares logp.
 *
 * Uses about 46 KB of stack and no other memory.
 *
 * Returns the number of candidates written: 0 when no reading is possible
 * (n < 2) or max < 1; ANPR_ERR_ARG for an unknown country or a NULL probs or
 * out (when n >= 2 and max >= 1). out[] past the return value is untouched.
 */
int anpr_grammar_read(enum anpr_country c, const float *probs, int n, struct anpr_text_cand *out,
		      int max);

/*
 * 1 if text (upper case A-Z0-9, NUL-terminated) is accepted by some format of
 * country c, and then *format (when format is not NULL) names the earliest such
 * format in the table; 0 otherwise (also for NULL text, other characters or an
 * unknown country), *format untouched. Under any, every text of 2-10 such
 * characters is accepted, as "any".
 */
int anpr_grammar_accepts(enum anpr_country c, const char *text, const char **format);

/* 1 if some country's format (gb, eu or br: every format in the table) accepts
 * text, region codes included; 0 otherwise (also for NULL text or other
 * characters). The readers use it under any, where no format applies, as a
 * sign that a reading has the structure of some country's plates. */
int anpr_grammar_known(const char *text);

/* For each of the n slots (rows of ANPR_NCLASS floats), 0 and O, and 1 and I,
 * each gain share (0 to 1) of the other's probability: p'(O) = p(O) + share
 * p(0), p'(0) = p(0) + share p(O), the same for I and 1; nothing else changes
 * (a row no longer sums to 1). In most plate fonts the pairs are drawn
 * nearly alike, so where no format settles a slot's kind (under any) the
 * classifier's lean between them should count for less than its other
 * preferences, leaving the kind to the reading's structure. */
void anpr_grammar_share_lookalikes(float *probs, int n, float share);

struct anpr_format_info {
	const char *name;    /* as in anpr_text_cand.format */
	const char *pattern; /* the positions, in the notation of grammar.c */
	int max_len;         /* longest text accepted where the notation allows longer; 0: none */
	const char *example; /* a plate it accepts */
};

/* The i-th format (0-based, table order) of country c, or NULL past the last
 * one or for an unknown country. Also NULL for every i if the built-in tables
 * are broken (a pattern that does not parse, tables too small): a defect the
 * unit tests catch, never a run-time condition. For listing and for tests. */
const struct anpr_format_info *anpr_grammar_format(enum anpr_country c, int i);

/* 1 if format f (from anpr_grammar_format) itself accepts text, whatever
 * earlier format also does; 0 otherwise or for a NULL or unknown f. */
int anpr_grammar_format_accepts(const struct anpr_format_info *f, const char *text);

#endif /* ANPR_GRAMMAR_H */
