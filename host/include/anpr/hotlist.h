/*
 * anpr/hotlist.h - lists of vehicles of interest, and matching reads
 * against them: exact, OCR look-alike and one missing or extra character.
 *
 * A list is a CSV file (docs/hotlists.md) with the header line
 *
 *     vrm,category,priority,action,source,valid_until,note
 *
 * Several lists are loaded into one immutable set (anpr_hotset): the rows
 * are parsed and checked (every bad row is reported as path:line: reason),
 * duplicate VRMs within a list merged (reported), expired rows dropped, and
 * the survivors indexed:
 *
 *   - every entry's VRM is packed into 64 bits (6 bits a character) and
 *     entries are grouped into hash buckets by their canonical VRM, each
 *     character replaced by the first of its look-alike class (0 O D Q -> 0,
 *     1 I -> 1, ...): an exact or look-alike lookup is one bucket, O(1);
 *   - for the indel rule, each entry is also filed under every VRM one
 *     deletion away from its canonical VRM, so a read that lost a character
 *     is one more bucket, and a read with one extra character is a few
 *     lookups of the read with each character deleted.
 *
 * A set never changes once built; anpr_hotlive (below) swaps whole sets in
 * while lookups go on, so no read is checked against a half-loaded list.
 */
#ifndef ANPR_HOTLIST_H
#define ANPR_HOTLIST_H

#include <stddef.h>
#include <stdint.h>

#include "anpr/read.h"

#define ANPR_HOT_MAX_VRM 10      /* characters of a listed VRM */
#define ANPR_HOT_MAX_LISTS 64    /* lists in one set */
#define ANPR_HOT_MAX_ROW 4096    /* bytes of one CSV row */
#define ANPR_HOT_MAX_PRIORITY 99 /* priorities run 1 (most urgent) to this */
#define ANPR_HOT_HEADER "vrm,category,priority,action,source,valid_until,note"
#define ANPR_HOT_CLASSES "0ODQ,1I,2Z,5S,8B,6G" /* the default look-alike classes */
#define ANPR_HOT_NO_EXPIRY INT32_MAX

enum anpr_hot_rule {
	ANPR_HOT_EXACT,     /* the read equals the entry */
	ANPR_HOT_LOOKALIKE, /* differs only by look-alike substitutions (at most fuzzy) */
	ANPR_HOT_INDEL,     /* one character missing or extra (and look-alikes) */
};

struct anpr_hot_opts {
	int strict;            /* one bad row refuses its whole file */
	int fuzzy;             /* most look-alike substitutions a hit may have (0: none) */
	int indel;             /* match one missing or extra character (builds its index) */
	const char *lookalike; /* classes, "0ODQ,1I,2Z,5S,8B,6G"; NULL: that default */
	int32_t today;         /* days since 1970-01-01 that loading judges expiry by; <0: the clock */
	size_t read_block;     /* bytes a file is read in at a time; 0: 1 MB (tests try small ones) */
	int threads;           /* threads a load may use (lists parsed at once, index sorted); 0: 2 */
	/* Each message (a bad row "path:line: reason", a duplicate, a refused
	 * file) as one line without its newline; NULL: messages are dropped. */
	void (*report)(void *ctx, const char *msg);
	void *ctx;
};

/* The defaults: not strict, fuzzy 1, no indel, the default classes, today. */
void anpr_hot_opts_init(struct anpr_hot_opts *o);

/* One list: its name and file. */
struct anpr_hot_source {
	char name[64];
	const char *path;
};

/* A --hotlist argument: "NAME=FILE", or "FILE" named by its base name
 * without a ".csv" ending. Returns ANPR_OK or ANPR_ERR_ARG (empty name or
 * path, or a name over 63 bytes). src->path points into arg. */
int anpr_hot_source_parse(const char *arg, struct anpr_hot_source *src);

/* Statistics of a load (per list, and in all). */
struct anpr_hot_list_stats {
	char name[64];
	long rows;       /* data rows read */
	long entries;    /* entries in force */
	long bad;        /* malformed rows (reported) */
	long duplicates; /* rows merged into an earlier row of the same VRM */
	long expired;    /* valid rows dropped as expired */
	int refused;     /* the file was not loaded at all */
};

struct anpr_hot_stats {
	int nlists;
	struct anpr_hot_list_stats list[ANPR_HOT_MAX_LISTS];
	long rows, entries, bad, duplicates, expired;
	long len_count[ANPR_HOT_MAX_VRM + 1]; /* entries by VRM length */
	long priority_count[ANPR_HOT_MAX_PRIORITY + 1];
	long variants;  /* indel index items */
	size_t bytes;   /* memory held by the set */
	double load_ms;  /* reading, parsing and indexing */
	double parse_ms; /* of which reading and parsing */
};

typedef struct anpr_hotset anpr_hotset;

/* Load the lists into a new set. All or nothing: if any file is refused
 * (unreadable, empty, a bad header, changed while read, or, when strict,
 * one bad row) no set is made. Returns ANPR_OK (*out set, st filled; bad
 * rows of a non-strict load were reported), ANPR_ERR_IO or ANPR_ERR_ARG (a
 * file refused: reported; *out NULL), ANPR_ERR_NOMEM. st may be NULL. */
int anpr_hotset_load(const struct anpr_hot_source *src, int n, const struct anpr_hot_opts *o, anpr_hotset **out,
		     struct anpr_hot_stats *st);

/* The same from CSV text in memory (one list per buffer); path is the
 * name used in messages. */
struct anpr_hot_text {
	const char *name, *path;
	const char *data;
	size_t len;
};
int anpr_hotset_load_text(const struct anpr_hot_text *t, int n, const struct anpr_hot_opts *o, anpr_hotset **out,
			  struct anpr_hot_stats *st);

void anpr_hotset_free(anpr_hotset *s);

/* Normalise a VRM: letters upper-cased, spaces, tabs, '-', '.' and '_'
 * dropped. Returns its length (1 to ANPR_HOT_MAX_VRM; out NUL-terminated),
 * or -1 with a reason in why (at least 96 bytes). */
int anpr_hot_normalise(const char *vrm, size_t len, char *out, char *why);

/* A hit: a list entry a read matched. The strings belong to the set. */
struct anpr_hot_hit {
	const char *list, *category, *action, *source, *note;
	char vrm[ANPR_HOT_MAX_VRM + 1];   /* the entry, normalised */
	char read[ANPR_HOT_MAX_VRM + 3];  /* the text that matched it */
	int priority;
	int32_t valid_until;              /* days since 1970-01-01, or ANPR_HOT_NO_EXPIRY */
	enum anpr_hot_rule rule;
	int distance;                     /* look-alike substitutions + 1 for an indel */
	float confidence;                 /* the reader's confidence in read (1 for a plain lookup) */
	uint32_t entry;                   /* index of the entry in its set */
	int list_index;                   /* its list's place in the load order */
};

const char *anpr_hot_rule_name(enum anpr_hot_rule r); /* "exact", "lookalike", "indel" */

/* Hits of one text against s by the set's rules (its opts' fuzzy and
 * indel; exact_only: the exact rule alone), entries expired by day today
 * excluded, ranked by priority, then distance, then list order; at most
 * max, and at most the best 64 (a text of 1 to ANPR_HOT_MAX_VRM letters
 * and digits). Returns the number of hits (0 for a text that is no VRM). */
int anpr_hotset_lookup(const anpr_hotset *s, const char *text, int exact_only, int32_t today,
		       struct anpr_hot_hit *hits, int max);

/* Hits of a plate read: each of its candidate texts (best first), and the
 * best text with each doubtful character (confidence under 0.5) replaced
 * by its runner-up; an entry found by several keeps its closest match.
 * Ranked by priority, distance, then the reader's confidence. */
int anpr_hotset_match(const anpr_hotset *s, const struct anpr_plate_read *pl, int32_t today,
		      struct anpr_hot_hit *hits, int max);

/* Entries in force, and the set's statistics. */
long anpr_hotset_size(const anpr_hotset *s);
const struct anpr_hot_stats *anpr_hotset_stats(const anpr_hotset *s);

/* Days since 1970-01-01 of a "YYYY-MM-DD" date (a real calendar day), or
 * -1; and of the clock's UTC day. */
int32_t anpr_hot_date(const char *s, size_t len);
int32_t anpr_hot_today(void);

/*
 * Live lists: a set that is replaced whole while other threads look up.
 * acquire/release bracket each use of the set (they take a mutex only to
 * count users: a lookup never waits for a load); a reload builds the new
 * set aside, swaps it in, waits until the old one is no longer used, and
 * frees it. A reload that fails leaves the old set in force.
 */
typedef struct anpr_hotlive anpr_hotlive;

/* Load the lists (as anpr_hotset_load; the sources and opts are copied).
 * Returns ANPR_OK or the load's error (then *out is NULL). */
int anpr_hotlive_open(anpr_hotlive **out, const struct anpr_hot_source *src, int n, const struct anpr_hot_opts *o,
		      struct anpr_hot_stats *st);
const anpr_hotset *anpr_hotlive_acquire(anpr_hotlive *l);
void anpr_hotlive_release(anpr_hotlive *l, const anpr_hotset *s);

/* Reload every list now (any thread but a user of the set). Unless the
 * opts set threads, it loads on one thread where the machine has two
 * cores (two threads on more), leaving a core to the readers. Returns the
 * load's status; st, if not NULL, gets the new set's statistics. */
int anpr_hotlive_reload(anpr_hotlive *l, struct anpr_hot_stats *st);

/* Reload in a background thread whenever a list file changes (polled every
 * interval_ms; a change must hold still for one poll, so a file being
 * written is not loaded half way) or, if sighup, when the process gets
 * SIGHUP (the caller must block SIGHUP in every thread first: see
 * anpr_hotlive_block_sighup). Each reload is reported through the opts'
 * report callback. interval_ms 0: signal only. */
int anpr_hotlive_watch(anpr_hotlive *l, int interval_ms, int sighup);
int anpr_hotlive_block_sighup(void);

/* Put the calling thread in the idle scheduling class (SCHED_IDLE; where
 * refused, nice 19), so that it runs only on time other threads leave. A
 * reload's load runs so, on a thread of its own that takes no lock the
 * readers take. */
void anpr_hotlive_background(void);

/* How many sets have been in force (1 after open). */
unsigned long anpr_hotlive_generation(anpr_hotlive *l);

void anpr_hotlive_close(anpr_hotlive *l);

#endif /* ANPR_HOTLIST_H */
