/*
 * read.c - from crops and frames to registrations (anpr/read.h).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/read.h"
#include "anpr/segment.h"

/* Ranking of one reading: its log probability, plus a bonus per character
 * (otherwise reading fewer characters is always more probable) and one for
 * a format the country uses. */
#ifndef LEN_BONUS
#define LEN_BONUS 1.25
#endif
#ifndef GRAMMAR_BONUS
#define GRAMMAR_BONUS 3.0
#endif
#ifndef KIND_CHANGE
#define KIND_CHANGE 1.0
#endif
#ifndef LONG_RUN
#define LONG_RUN 2.0
#endif
/* under any, a reading some country's format accepts (cand_score) */
#ifndef KNOWN_BONUS
#define KNOWN_BONUS 1.5
#endif
/* under any, the share of a look-alike's probability each of 0/O and 1/I
 * gets from the other (read_hyp) */
#ifndef LOOK_SHARE
#define LOOK_SHARE 0.25f
#endif
/* Geometry of the boxes a reading uses (geom_cost). */
#ifndef EDGE_COST
#define EDGE_COST 0.7
#endif
#ifndef NARROW_PCT
#define NARROW_PCT 70
#endif
#ifndef NARROW_COST
#define NARROW_COST 0.7
#endif
/* under any, a box skipped that is in line with its row and not narrow */
#ifndef SKIP_INLINE
#define SKIP_INLINE 1.0
#endif
/* under gb, a clear space between the characters read (at least GAP_REL of
 * the row's height and GAP_RATIO times the row's median gap) with letters on
 * both sides or digits on both sides */
#ifndef GAP_COST
#define GAP_COST 1.5
#endif
#ifndef GAP_REL
#define GAP_REL 0.2
#endif
#ifndef GAP_RATIO
#define GAP_RATIO 2.0
#endif
#define ROW_H_LO 0.75
#define ROW_H_HI 1.25
#define ROW_BASE 0.25
/* A plate's reported confidence is the posterior of its text over every
 * text read in the crop (each at its best score over the hypotheses):
 * exp(score / READ_TEMP) normalised. The scores are log-probabilities with
 * the grammar's and the reader's priors and costs added; READ_TEMP is the
 * temperature that makes them probabilities of being right, fitted on the
 * development crops of the classifier's training folds (docs/reading.md
 * section 1.5, "Confidence"). The least confidences below are on the
 * classifier's product instead (confidence()). */
#define READ_TEMP 0.35
/* The texts the crop's hypotheses did not give also take a share: one more
 * text of score READ_OUT_ANY under any, READ_OUT under every other country
 * (gb, eu, br). A crop read poorly can have a short list whose best stands
 * far above the rest: a false candidate's two characters (A1, a cherished
 * mark under gb), a plate the classifier never saw (a US one under any).
 * Its own score is then low, and this level tells so. READ_OUT_ANY was
 * fitted (log loss) on br-crops, the training folds and all alike. READ_OUT
 * is the highest level that leaves the UK crops' log loss as it was (0.125,
 * 0.128 at 6, 0.161 at 7): right plates score from 6.5 (their 5th
 * percentile 6.5 to 9.1 by set), the reads of a scene's false candidates
 * mostly 1 to 5 (p95 5.5 to 7.6) (docs/reading.md section 1.5,
 * "Confidence"). */
#define READ_OUT_ANY 9.0
#define READ_OUT 6.0
#define MAX_TEXTS 128 /* distinct texts of a crop: every candidate of every hypothesis fits */
_Static_assert((ANPR_SEG_MAX_HYP + 1) * ANPR_READ_MAX_CANDS * 2 <= MAX_TEXTS,
	       "anpr_read_crop's texts (its hypotheses and the FPGA's, each read_hyp's cands[]) fit text_seen's list");

/* Least confidence of a reading some format accepts, and of one none does. */
#define MIN_CONF_GRAMMAR 0.02
#define MIN_CONF_NONE 0.5

/* Least probability that a slot is not a character. The classifier has seen
 * few of the things segmentation picks up around a plate (bands, bolts,
 * borders), so its "junk" is not trusted below this. */
#define JUNK_FLOOR 0.05f

#define CACHE_MAX 96

struct cache_entry {
	struct anpr_box box;
	int inverted;
	float p[ANPR_NCLASS];
};

/* Class probabilities by the tile's content, for the reads of a scope
 * (anpr_read_scope_begin, anpr_read_frame): the network reads nothing but
 * the tile, so two boxes (of one crop, or of two crops cut from the same
 * frame: a candidate's crop and its widened read) whose tiles are the same
 * bytes get the same probabilities from one run. Entries are looked up by a
 * hash of the tile in an open-addressed table and matched on every byte of
 * it and on the network; a full table classifies without keeping. */
#define TILE_SLOTS 2048 /* a power of 2, twice TILE_MAX */
#define TILE_MAX 1024   /* the most a real frame classified: 490 tiles */

struct tile_entry {
	const struct anpr_classifier *net;
	uint64_t hash;
	uint8_t tile[ANPR_TILE_IN];
	float p[ANPR_NCLASS];
};

struct tile_cache {
	int n;
	int16_t slot[TILE_SLOTS]; /* entry index, -1 if free */
	struct tile_entry e[TILE_MAX];
};

static _Thread_local struct tile_cache *tcache;
static _Thread_local int tscope;
static _Thread_local struct anpr_read_counts tcounts;

int anpr_read_scope_begin(void)
{
	if (tscope++)
		return ANPR_OK;
	tcache = malloc(sizeof(*tcache));
	if (!tcache)
		return ANPR_ERR_NOMEM; /* reads classify every tile, as outside a scope */
	tcache->n = 0;
	memset(tcache->slot, 0xff, sizeof(tcache->slot));
	return ANPR_OK;
}

void anpr_read_scope_end(void)
{
	if (tscope <= 0 || --tscope)
		return;
	free(tcache);
	tcache = NULL;
}

void anpr_read_counts(struct anpr_read_counts *c)
{
	*c = tcounts;
}

static uint64_t tile_hash(const uint8_t *t)
{
	uint64_t h = 0x9e3779b97f4a7c15u, v;
	int i;

	for (i = 0; i + 8 <= ANPR_TILE_IN; i += 8) {
		memcpy(&v, t + i, 8);
		h = (h ^ v) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	return h;
}

/* The network's probabilities for tile into p (ANPR_NCLASS floats, junk
 * first: anpr_classify_junk_first), from the scope's cache when a tile of
 * the same bytes was classified there. */
static void classify_tile(const struct anpr_classifier *net, const uint8_t *tile, float *p)
{
	struct tile_cache *c = tcache;
	uint64_t h;
	unsigned i;

	tcounts.tiles++;
	if (!c) {
		tcounts.classified++;
		anpr_classify_junk_first(net, tile, p);
		return;
	}
	h = tile_hash(tile);
	for (i = (unsigned)h & (TILE_SLOTS - 1); c->slot[i] >= 0; i = (i + 1) & (TILE_SLOTS - 1)) {
		const struct tile_entry *e = &c->e[c->slot[i]];

		if (e->hash == h && e->net == net && !memcmp(e->tile, tile, ANPR_TILE_IN)) {
			memcpy(p, e->p, sizeof(e->p));
			return;
		}
	}
	tcounts.classified++;
	anpr_classify_junk_first(net, tile, p);
	if (c->n == TILE_MAX)
		return;
	c->slot[i] = (int16_t)c->n;
	c->e[c->n].net = net;
	c->e[c->n].hash = h;
	memcpy(c->e[c->n].tile, tile, ANPR_TILE_IN);
	memcpy(c->e[c->n++].p, p, sizeof(c->e[0].p));
}

struct reader {
	const struct anpr_read_opts *opts;
	const struct anpr_classifier *net;
	const uint8_t *px;
	unsigned w, h;
	size_t stride;
	struct cache_entry cache[CACHE_MAX];
	int ncache;
	/* every text read in the crop, with its best score (crop_posterior) */
	char text[MAX_TEXTS][ANPR_MAX_TEXT + 1];
	double tscore[MAX_TEXTS];
	int ntext;
};

/* Note text read in the crop at score s (its best score is kept). When the
 * list is full (only anpr_read_hyps with many hypotheses can fill it), the
 * lowest-scoring text gives up its place to a higher one: it is the one
 * that weighs least in every posterior. */
static void text_seen(struct reader *r, const char *t, double s)
{
	int i, low = 0;

	for (i = 0; i < r->ntext; i++)
		if (!strcmp(r->text[i], t)) {
			r->tscore[i] = s > r->tscore[i] ? s : r->tscore[i];
			return;
		}
	if (r->ntext < MAX_TEXTS) {
		low = r->ntext++;
	} else {
		for (i = 1; i < MAX_TEXTS; i++)
			low = r->tscore[i] < r->tscore[low] ? i : low;
		if (r->tscore[low] >= s)
			return;
	}
	strcpy(r->text[low], t);
	r->tscore[low] = s;
}

/* A reading's reported confidences: its text's and its candidates'
 * posteriors among the crop's texts and the ones not read (READ_TEMP,
 * READ_OUT_ANY, READ_OUT); its characters keep the classifier's
 * probabilities. */
static void crop_posterior(const struct reader *r, struct anpr_plate_read *pr)
{
	double out = r->opts->country == ANPR_COUNTRY_ANY ? READ_OUT_ANY : READ_OUT, top = out, z;
	int i, k;

	for (i = 0; i < r->ntext; i++)
		top = r->tscore[i] > top ? r->tscore[i] : top;
	z = exp((out - top) / READ_TEMP);
	for (i = 0; i < r->ntext; i++)
		z += exp((r->tscore[i] - top) / READ_TEMP);
	pr->confidence = 0;
	for (k = 0; k < pr->ncands; k++) {
		pr->cands[k].confidence = 0;
		for (i = 0; i < r->ntext; i++)
			if (!strcmp(r->text[i], pr->cands[k].text))
				pr->cands[k].confidence = (float)(exp((r->tscore[i] - top) / READ_TEMP) / z);
		if (!strcmp(pr->cands[k].text, pr->text))
			pr->confidence = pr->cands[k].confidence;
	}
}

/* Class probabilities of a box; hypotheses share boxes, so they are cached
 * by box for the crop (and by tile content for a scope: classify_tile). */
static const float *classify_box(struct reader *r, const struct anpr_box *b, int inverted, float *tmp)
{
	uint8_t tile[ANPR_TILE_IN];
	int i;

	for (i = 0; i < r->ncache; i++)
		if (r->cache[i].inverted == inverted && !memcmp(&r->cache[i].box, b, sizeof(*b)))
			return r->cache[i].p;
	if (anpr_char_tile(r->px, r->w, r->h, r->stride, b, inverted, tile)) {
		for (i = 0; i < ANPR_NCLASS; i++) /* an empty box is not a character */
			tmp[i] = i == ANPR_CLASS_JUNK;
		return tmp;
	}
	if (r->ncache == CACHE_MAX) {
		classify_tile(r->net, tile, tmp);
		return tmp;
	}
	r->cache[r->ncache].box = *b;
	r->cache[r->ncache].inverted = inverted;
	classify_tile(r->net, tile, r->cache[r->ncache].p);
	return r->cache[r->ncache++].p;
}

/* Changes between letters and digits along a text. */
static int kind_changes(const char *t)
{
	int n = 0;

	for (; t[0] && t[1]; t++)
		n += (t[0] >= 'A') != (t[1] >= 'A');
	return n;
}

/* Digits past the 4th of each run of digits. */
static int long_digits(const char *t)
{
	int n = 0, run = 0;

	for (; *t; t++) {
		run = *t < 'A' ? run + 1 : 0;
		n += run > 4;
	}
	return n;
}

static double cand_score(const struct anpr_text_cand *c)
{
	double s = c->logp + c->log_prior + LEN_BONUS * (double)strlen(c->text) +
		   (c->grammatical ? GRAMMAR_BONUS : 0);

	/* under --country any no format describes a reading; but plates group
	 * their letters and their digits, so each change from one to the other
	 * costs a little (a slot between 1 and I is read as its neighbours'
	 * kind), and so does each digit past the 4th of a run (few formats have
	 * runs of 5 or more: in grammar.c's table, pl, ch, dk-no and ie). Not for
	 * "none" under gb or eu: a cherished plate (C4RSUK) mixes them freely.
	 * And a reading some country's format accepts (the gb, eu and br
	 * formats of grammar.c) gains KNOWN_BONUS: "any" country is more
	 * likely one of those than not (ASI4054 against ASY4054 or AS1405). */
	if (c->format && !strcmp(c->format, "any")) {
		s -= KIND_CHANGE * kind_changes(c->text) + LONG_RUN * long_digits(c->text);
		if (anpr_grammar_known(c->text))
			s += KNOWN_BONUS;
	}
	return s;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* What the boxes a reading uses cost for looking like junk rather than a
 * plate's characters: EDGE_COST for each box touching the crop's left or
 * right edge, and for each touching its top or bottom edge that is also out
 * of line with the row (height under ROW_H_LO or over ROW_H_HI of the median
 * of the row's boxes read, or its bottom further than ROW_BASE of that
 * height from their median bottom). A character cut by the crop's top or
 * bottom is common in a tight crop; a band or a border reaching the edge
 * seldom has a character's height. NARROW_COST for each box read as other
 * than 1, I or J narrower than NARROW_PCT of the row's median width. And
 * under any, where no format says how many characters a plate has,
 * SKIP_INLINE for each box the reading skips that is in line with the row
 * and not narrow: most likely a character the classifier doubted (a last
 * digit by the frame), not a band or a bolt. */
static double geom_cost(enum anpr_country country, unsigned w, unsigned h, const struct anpr_seg_hyp *hyp,
			const struct anpr_text_cand *cand)
{
	uint32_t used = cand->used;
	double cost = 0;
	int row, k = 0;

	for (row = 0; row < 2; row++) {
		int a = row ? hyp->row2 : 0, b = row ? hyp->nchars : hyp->row2;
		int hs[ANPR_SEG_MAX_CHARS], bs[ANPR_SEG_MAX_CHARS], ws[ANPR_SEG_MAX_CHARS], m = 0, s, mh, mb, mw;
		int gs[ANPR_SEG_MAX_CHARS], gap[ANPR_SEG_MAX_CHARS], k0 = k, prev = -1, jm = -1;

		for (s = a; s < b; s++)
			if (used >> s & 1) {
				hs[m] = hyp->chars[s].h;
				ws[m] = hyp->chars[s].w;
				bs[m++] = hyp->chars[s].y + hyp->chars[s].h;
			}
		if (!m)
			continue;
		qsort(hs, (size_t)m, sizeof(int), cmp_int);
		qsort(bs, (size_t)m, sizeof(int), cmp_int);
		qsort(ws, (size_t)m, sizeof(int), cmp_int);
		mh = hs[m / 2];
		mb = bs[m / 2];
		mw = ws[m / 2];
		for (s = a; s < b; s++) {
			const struct anpr_box *c = &hyp->chars[s];
			int inrow = c->h >= ROW_H_LO * mh && c->h <= ROW_H_HI * mh &&
				    abs(c->y + c->h - mb) <= ROW_BASE * mh;

			if (!(used >> s & 1)) {
				if (country == ANPR_COUNTRY_ANY && inrow && c->w * 100 >= NARROW_PCT * mw)
					cost += SKIP_INLINE;
				continue;
			}
			if (c->w * 100 < NARROW_PCT * mw && !strchr("1IJ", cand->text[k]))
				cost += NARROW_COST;
			k++;
			if (c->x == 0 || c->x + c->w >= w)
				cost += EDGE_COST;
			if ((c->y == 0 || c->y + c->h >= h) && !inrow)
				cost += EDGE_COST;
		}
		/* UK plates space their groups (AB12 CDE, A123 BCD, ABC 123D, 148 OAS),
		 * and every group boundary is a change between letters and digits */
		if (country != ANPR_COUNTRY_GB || m < 4)
			continue;
		for (s = a, m = 0; s < b; s++)
			if (used >> s & 1) {
				if (prev >= 0) {
					gap[m] = gs[m] = hyp->chars[s].x - (hyp->chars[prev].x + hyp->chars[prev].w);
					if (jm < 0 || gap[m] > gap[jm])
						jm = m;
					m++;
				}
				prev = s;
			}
		qsort(gs, (size_t)m, sizeof(int), cmp_int);
		if (gap[jm] >= GAP_REL * mh && gap[jm] >= GAP_RATIO * (gs[m / 2] > 1 ? gs[m / 2] : 1) &&
		    (cand->text[k0 + jm] >= 'A') == (cand->text[k0 + jm + 1] >= 'A'))
			cost += GAP_COST;
	}
	/* and a UK plate of two rows breaks between its groups (AB12 over CDE,
	 * 148 over OAS): letters or digits on both sides of the break cost as a
	 * space inside a group does */
	if (country == ANPR_COUNTRY_GB && hyp->rows == 2) {
		int top = __builtin_popcount(used & ((1u << hyp->row2) - 1)), n = (int)strlen(cand->text);

		if (top > 0 && top < n && (cand->text[top - 1] >= 'A') == (cand->text[top] >= 'A'))
			cost += GAP_COST;
	}
	return cost;
}

double anpr_read_score(enum anpr_country country, unsigned w, unsigned h, const struct anpr_seg_hyp *hyp,
		       const struct anpr_text_cand *cand)
{
	return cand_score(cand) - geom_cost(country, w, h, hyp, cand);
}

/* The probability that a reading is right: its characters as the classifier
 * gave them (under any, after the look-alikes' sharing: read_hyp's sure),
 * and each slot it skips not a character (at least JUNK_FLOOR, as in the
 * reading itself). */
static float confidence(const float (*raw)[ANPR_NCLASS], const float (*floored)[ANPR_NCLASS], int n,
			const struct anpr_text_cand *c)
{
	double p = 1;
	int slot, k = 0;

	for (slot = 0; slot < n; slot++) {
		if (c->used >> slot & 1)
			p *= raw[slot][anpr_char_class(c->text[k++])];
		else
			p *= floored[slot][ANPR_CLASS_JUNK];
	}
	return (float)p;
}

/* Read one segmentation hypothesis; returns its score, -INFINITY if unread. */
static double read_hyp(struct reader *r, const struct anpr_seg_hyp *hyp, unsigned ox, unsigned oy,
		       struct anpr_plate_read *out)
{
	float probs[ANPR_SEG_MAX_CHARS][ANPR_NCLASS], raw[ANPR_SEG_MAX_CHARS][ANPR_NCLASS];
	float shared[ANPR_SEG_MAX_CHARS][ANPR_NCLASS];
	const float(*sure)[ANPR_NCLASS] = raw;
	struct anpr_text_cand cands[ANPR_READ_MAX_CANDS * 2];
	int order[ANPR_READ_MAX_CANDS * 2], n, i, j, k, slot;
	double best, sc[ANPR_READ_MAX_CANDS * 2];

	memset(out, 0, sizeof(*out));
	for (i = 0; i < hyp->nchars; i++) {
		float tmp[ANPR_NCLASS];
		const float *p = classify_box(r, &hyp->chars[i], hyp->inverted, tmp);

		memcpy(probs[i], p, sizeof(probs[i]));
		memcpy(raw[i], p, sizeof(raw[i]));
		if (probs[i][ANPR_CLASS_JUNK] < JUNK_FLOOR) {
			float scale = (1 - JUNK_FLOOR) / (1 - probs[i][ANPR_CLASS_JUNK]);

			for (j = 0; j < ANPR_CLASS_JUNK; j++)
				probs[i][j] *= scale;
			probs[i][ANPR_CLASS_JUNK] = JUNK_FLOOR;
		}
	}
	/* under any, no format says whether a slot between 0 and O (1 and I)
	 * is a letter or a digit: the reading's structure should (cand_score).
	 * The least confidence a reading needs is then taken on the shared
	 * probabilities too (sure): a 1 the structure reads as I (IKO8673) is
	 * not rejected for the classifier's doubt about I alone, which let a
	 * shorter reading that drops it win (KO8673). */
	if (r->opts->country == ANPR_COUNTRY_ANY) {
		anpr_grammar_share_lookalikes(&probs[0][0], hyp->nchars, LOOK_SHARE);
		memcpy(shared, raw, (size_t)hyp->nchars * sizeof(shared[0]));
		anpr_grammar_share_lookalikes(&shared[0][0], hyp->nchars, LOOK_SHARE);
		sure = (const float(*)[ANPR_NCLASS])shared;
	}
	n = anpr_grammar_read(r->opts->country, &probs[0][0], hyp->nchars, cands,
			      (int)(sizeof(cands) / sizeof(cands[0])));
	if (n <= 0)
		return -INFINITY;
	for (i = 0; i < n; i++) {
		sc[i] = anpr_read_score(r->opts->country, r->w, r->h, hyp, &cands[i]);
		text_seen(r, cands[i].text, sc[i]);
	}
	for (i = 0; i < n; i++) { /* by score, best first */
		for (j = i; j > 0 && sc[order[j - 1]] < sc[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	/* the best-scoring text that is confident enough for its kind comes
	 * first: a doubtful ungrammatical reading does not hide a sound one */
	for (i = 0; i < n; i++) {
		float conf = confidence(sure, probs, hyp->nchars, &cands[order[i]]);

		if (conf >= (cands[order[i]].grammatical ? MIN_CONF_GRAMMAR : MIN_CONF_NONE))
			break;
	}
	if (i == n)
		i = 0; /* none: rejected below */
	for (k = order[i]; i > 0; i--)
		order[i] = order[i - 1];
	order[0] = k;
	best = sc[order[0]];
	strcpy(out->text, cands[order[0]].text);
	out->confidence = confidence(sure, probs, hyp->nchars, &cands[order[0]]);
	out->format = cands[order[0]].format;
	out->rows = hyp->rows;
	out->score = best;
	for (i = 0; i < n && out->ncands < ANPR_READ_MAX_CANDS; i++) {
		struct anpr_text_alt *a = &out->cands[out->ncands++];

		strcpy(a->text, cands[order[i]].text);
		a->confidence = confidence(sure, probs, hyp->nchars, &cands[order[i]]);
	}
	/* each character: its slot's box and the probability of its class */
	for (slot = 0, k = 0; slot < hyp->nchars && k < ANPR_MAX_TEXT && out->text[k]; slot++) {
		struct anpr_char_read *c;

		if (!(cands[order[0]].used >> slot & 1))
			continue;
		c = &out->chars[k];
		c->c = out->text[k];
		c->confidence = raw[slot][anpr_char_class(c->c)];
		for (j = 0; j < ANPR_CLASS_JUNK; j++) /* the runner-up, for fuzzy hotlist matching */
			if (j != anpr_char_class(c->c) && (!c->alt || raw[slot][j] > c->alt_confidence)) {
				c->alt = anpr_class_char(j);
				c->alt_confidence = raw[slot][j];
			}
		c->box = hyp->chars[slot];
		c->box.x = (uint16_t)(c->box.x + ox);
		c->box.y = (uint16_t)(c->box.y + oy);
		k++;
	}
	out->nchars = k;
	if (out->rows == 2) { /* one row after all if every character read is on one */
		int top = 0, bottom = 0;

		for (slot = 0; slot < hyp->nchars; slot++)
			if (cands[order[0]].used >> slot & 1) {
				if (slot < hyp->row2)
					top++;
				else
					bottom++;
			}
		if (!top || !bottom)
			out->rows = 1;
	}
	if (cands[order[0]].grammatical ? out->confidence < MIN_CONF_GRAMMAR : out->confidence < MIN_CONF_NONE)
		return -INFINITY;
	return best;
}

/* Whether any of the first n hypotheses has ANPR_READ_SCREEN_CHARS boxes or
 * more that the classifier calls a character rather than junk (their
 * probabilities stay in the crop's cache for the reading that follows). */
static int looks_like_text(struct reader *r, const struct anpr_seg_hyp *hyps, int n)
{
	int i, k, c, best, chars;

	for (i = 0; i < n; i++) {
		for (k = 0, chars = 0; k < hyps[i].nchars && chars < ANPR_READ_SCREEN_CHARS; k++) {
			float tmp[ANPR_NCLASS];
			const float *p = classify_box(r, &hyps[i].chars[k], hyps[i].inverted, tmp);

			for (c = 1, best = 0; c < ANPR_NCLASS; c++)
				best = p[c] > p[best] ? c : best;
			chars += best != ANPR_CLASS_JUNK;
		}
		if (chars >= ANPR_READ_SCREEN_CHARS)
			return 1;
	}
	return 0;
}

/* Read each of the n hypotheses of a crop; the best into *best (its score
 * returned, -INFINITY if none was read), each into all[i] when all is not
 * NULL (score in all[i].score). Their confidences are posteriors over the
 * texts seen in the crop since r->ntext was last set to 0. With screen > 0
 * the crop is first screened: unless one of its first screen hypotheses
 * looks like text (looks_like_text), none is read. */
static double read_each(struct reader *r, const struct anpr_read_opts *opts, const uint8_t *px, unsigned w,
			unsigned h, size_t stride, unsigned ox, unsigned oy, const struct anpr_seg_hyp *hyps, int n,
			int screen, struct anpr_plate_read *best, struct anpr_plate_read *all)
{
	struct anpr_plate_read cur;
	double best_score = -INFINITY;
	int i;

	r->opts = opts;
	r->net = opts->net ? opts->net : &anpr_classifier_default;
	r->px = px;
	r->w = w;
	r->h = h;
	r->stride = stride;
	r->ncache = 0;
	if (screen > 0 && !looks_like_text(r, hyps, screen < n ? screen : n))
		return -INFINITY;
	for (i = 0; i < n; i++) {
		double s = read_hyp(r, &hyps[i], ox, oy, &cur);

		cur.score = s;
		if (all)
			all[i] = cur;
		if (s > best_score) {
			best_score = s;
			*best = cur;
		}
	}
	if (best_score > -INFINITY)
		crop_posterior(r, best);
	for (i = 0; all && i < n; i++)
		if (all[i].score > -INFINITY)
			crop_posterior(r, &all[i]);
	return best_score;
}

int anpr_read_hyps(const struct anpr_read_opts *opts, const uint8_t *px, unsigned w, unsigned h, size_t stride,
		   const struct anpr_seg_hyp *hyps, int n, struct anpr_plate_read *out)
{
	static _Thread_local struct reader r;
	struct anpr_plate_read best;

	if (!opts || !px || !hyps || !out || n < 0)
		return ANPR_ERR_ARG;
	r.ntext = 0;
	read_each(&r, opts, px, w, h, stride, 0, 0, hyps, n, 0, &best, out);
	return n;
}

/* A crop whose reading's rows lean is read once more turned level
 * (anpr_read_level), and the better reading kept: a character cut square
 * from a leaning row is itself turned, and cut with pieces of its
 * neighbours. Read so: a reading of LEVEL_CHARS characters or more whose
 * rows lean by a slope of LEVEL_MIN to LEVEL_MAX (2 to 20 degrees); kept if
 * it scores LEVEL_MARGIN more than the reading of the crop as it is (a
 * second resampling blurs: a doubtful gain is not taken). */
#ifndef LEVEL_MIN
#define LEVEL_MIN 0.035
#endif
#ifndef LEVEL_MAX
#define LEVEL_MAX 0.36
#endif
#ifndef LEVEL_CHARS
#define LEVEL_CHARS 4
#endif
#ifndef LEVEL_MARGIN
#define LEVEL_MARGIN 0.5
#endif
#ifndef LEVEL_DROP
#define LEVEL_DROP 3
#endif

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int anpr_read_lean(const struct anpr_plate_read *pr, double *slope)
{
	double sl[ANPR_MAX_TEXT * (ANPR_MAX_TEXT - 1) / 2];
	int i, j, k, start = 0, n = 0;

	if (!pr || !slope || pr->nchars < 0 || pr->nchars > ANPR_MAX_TEXT)
		return 0;
	for (i = 1; i <= pr->nchars; i++) {
		if (i < pr->nchars && pr->chars[i].box.x > pr->chars[i - 1].box.x)
			continue;
		/* a row is chars[start, i) */
		for (j = start; j < i; j++)
			for (k = j + 1; k < i; k++) {
				const struct anpr_box *a = &pr->chars[j].box, *b = &pr->chars[k].box;
				double dx = (b->x + b->w / 2.0) - (a->x + a->w / 2.0);

				if (dx > 0)
					sl[n++] = ((b->y + b->h / 2.0) - (a->y + a->h / 2.0)) / dx;
			}
		start = i;
	}
	if (n < 3)
		return 0;
	qsort(sl, (size_t)n, sizeof(sl[0]), cmp_double);
	*slope = n % 2 ? sl[n / 2] : (sl[n / 2 - 1] + sl[n / 2]) / 2;
	return 1;
}

/* The cosine and sine of the angle of a slope. */
static void angle_of(double slope, double *c, double *s)
{
	*c = 1 / sqrt(1 + slope * slope);
	*s = slope * *c;
}

/* Where the level crop's point (x, y) lies in the w x h crop whose rows
 * lean by the slope whose angle has cosine c and sine s: turned about the
 * crop's centre. */
static void unlevel(double c, double s, unsigned w, unsigned h, double x, double y, double *sx, double *sy)
{
	double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;

	*sx = cx + c * (x - cx) - s * (y - cy);
	*sy = cy + s * (x - cx) + c * (y - cy);
}

/* The w x h crop's grey at (fx, fy), bilinear in 1/256ths, the point moved
 * inside the crop first: how a crop turned level or sheared upright is
 * sampled. */
static uint8_t sample(const uint8_t *px, unsigned w, unsigned h, size_t stride, double fx, double fy)
{
	const uint8_t *r0, *r1;
	int x0, y0, x1, ax, ay;

	fx = fx < 0 ? 0 : fx > w - 1 ? w - 1 : fx;
	fy = fy < 0 ? 0 : fy > h - 1 ? h - 1 : fy;
	x0 = (int)fx;
	y0 = (int)fy;
	x1 = x0 + 1 < (int)w ? x0 + 1 : x0;
	r0 = px + (size_t)y0 * stride;
	r1 = y0 + 1 < (int)h ? r0 + stride : r0;
	ax = (int)((fx - x0) * 256 + 0.5);
	ay = (int)((fy - y0) * 256 + 0.5);
	return (uint8_t)(((r0[x0] * (256 - ax) + r0[x1] * ax) * (256 - ay) + (r1[x0] * (256 - ax) + r1[x1] * ax) * ay +
			  32768) >>
			 16);
}

int anpr_read_level(const uint8_t *px, unsigned w, unsigned h, size_t stride, double slope, uint8_t *out)
{
	double c, s;
	unsigned x, y;

	if (!px || !out || w == 0 || h == 0 || stride < w || !isfinite(slope))
		return ANPR_ERR_ARG;
	angle_of(slope, &c, &s);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			double fx, fy;

			unlevel(c, s, w, h, x, y, &fx, &fy);
			out[(size_t)y * w + x] = sample(px, w, h, stride, fx, fy);
		}
	return ANPR_OK;
}

/* Put box b of a remade crop's reading back in the w x h crop (frame
 * pixels: its top left at (ox, oy)): its size kept (within the crop's), its
 * centre at (cx, cy) of the crop, moved inside the crop if it sticks out. */
static void put_back(struct anpr_box *b, double cx, double cy, unsigned w, unsigned h, unsigned ox, unsigned oy)
{
	int x, y;

	b->w = b->w > w ? (uint16_t)w : b->w;
	b->h = b->h > h ? (uint16_t)h : b->h;
	x = (int)lround(cx - b->w / 2.0);
	y = (int)lround(cy - b->h / 2.0);
	x = x < 0 ? 0 : x + b->w > (int)w ? (int)w - b->w : x;
	y = y < 0 ? 0 : y + b->h > (int)h ? (int)h - b->h : y;
	b->x = (uint16_t)(x + (int)ox);
	b->y = (uint16_t)(y + (int)oy);
}

/* Read img, the crop remade (turned level, sheared upright: w x h, w bytes
 * a row; freed here), as any crop: its reading into *out, its score
 * returned (-INFINITY if it reads nothing). Its texts join the crop's
 * others in the posterior (crop_posterior): the reading kept is as sure as
 * the other lets it be. */
static double read_remade(struct reader *r, const struct anpr_read_opts *opts, uint8_t *img, unsigned w, unsigned h,
			  struct anpr_plate_read *out)
{
	struct anpr_seg_hyp hyps[ANPR_SEG_MAX_HYP];
	int n = anpr_segment(img, w, h, w, hyps, ANPR_SEG_MAX_HYP);
	double score = n > 0 ? read_each(r, opts, img, w, h, w, 0, 0, hyps, n, 0, out, NULL) : -INFINITY;

	free(img);
	return score;
}

/* Characters that slant (an italic face, a plate seen askew) are cut
 * square by the segmenter and classified as they lean, which the network
 * reads worse the more they do (docs/reading.md, "Slanted characters"). A
 * reading of SLANT_CHARS characters or more whose strokes slant by SLANT_MIN
 * to SLANT_MAX is read once more sheared upright (anpr_read_upright), and
 * that reading kept if it scores SLANT_MARGIN more, as a level one is. */
#ifndef SLANT_MIN
#define SLANT_MIN 0.10
#endif
#ifndef SLANT_MAX
#define SLANT_MAX 0.45
#endif
#ifndef SLANT_CHARS
#define SLANT_CHARS 4
#endif
#ifndef SLANT_MARGIN
#define SLANT_MARGIN 0.0
#endif
#define SLANT_STEP 0.01   /* the shears anpr_read_slant tries: -0.5 to 0.5 */
#define SLANT_STEPS 50
#define SLANT_COARSE 4    /* steps between the shears tried first */
#define SLANT_MIN_EDGES 24 /* edge pixels at least */
#define SLANT_MAX_POINTS 8192
#define SLANT_MAX_COLS 8192

/* An edge pixel anpr_read_slant weighs: where, and its |Gx|. */
struct edge_pt {
	int16_t x, y;
	int32_t g;
};

/* Into pt (up to SLANT_MAX_POINTS), the pixels of the band pr's boxes span
 * (frame pixels; the crop's top left at (ox, oy)) in the w x h crop px
 * whose 3 x 3 Sobel edge is nearer vertical than 45 degrees and at least an
 * eighth of the strongest the band's contrast gives; returns how many. */
static int slant_edges(const uint8_t *px, unsigned w, unsigned h, size_t stride, unsigned ox, unsigned oy,
		       const struct anpr_plate_read *pr, struct edge_pt *pt)
{
	int x0 = INT_MAX, y0 = INT_MAX, x1 = INT_MIN, y1 = INT_MIN, lo = 255, hi = 0, x, y, i, thr, n = 0;

	for (i = 0; i < pr->nchars; i++) {
		const struct anpr_box *b = &pr->chars[i].box;
		int bx = (int)b->x - (int)ox, by = (int)b->y - (int)oy;

		x0 = bx < x0 ? bx : x0;
		y0 = by < y0 ? by : y0;
		x1 = bx + b->w > x1 ? bx + b->w : x1;
		y1 = by + b->h > y1 ? by + b->h : y1;
	}
	x0 = x0 < 1 ? 1 : x0;
	y0 = y0 < 1 ? 1 : y0;
	x1 = x1 > (int)w - 1 ? (int)w - 1 : x1;
	y1 = y1 > (int)h - 1 ? (int)h - 1 : y1;
	if (x1 - x0 < 2 || y1 - y0 < 4)
		return 0;
	for (y = y0; y < y1; y++)
		for (x = x0; x < x1; x++) {
			int v = px[(size_t)y * stride + (size_t)x];

			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	if ((thr = (hi - lo) / 2) < 8) /* a step of hi - lo gives 4 x (hi - lo) */
		return 0;
	for (y = y0; y < y1; y++) {
		const uint8_t *r0 = px + (size_t)(y - 1) * stride, *r1 = r0 + stride, *r2 = r1 + stride;

		for (x = x0; x < x1 && n < SLANT_MAX_POINTS; x++) {
			int gx = (r0[x + 1] - r0[x - 1]) + 2 * (r1[x + 1] - r1[x - 1]) + (r2[x + 1] - r2[x - 1]);
			int gy = (r2[x - 1] - r0[x - 1]) + 2 * (r2[x] - r0[x]) + (r2[x + 1] - r0[x + 1]);
			int ax = gx < 0 ? -gx : gx, ay = gy < 0 ? -gy : gy;

			if (ax >= thr && ay <= ax) {
				pt[n].x = (int16_t)x;
				pt[n].y = (int16_t)y;
				pt[n].g = ax;
				n++;
			}
		}
	}
	return n;
}

/* How tightly shearing by sl (about row yc of h) gathers the n edge pixels
 * pt into columns: the sum of squares of the columns' edge weights. */
static double slant_spread(const struct edge_pt *pt, int n, double sl, double yc, unsigned h)
{
	static _Thread_local int64_t col[SLANT_MAX_COLS];
	static _Thread_local int off[SLANT_MAX_COLS];
	int pad = (int)(fabs(sl) * h / 2) + 2, ncol = 0, i, c, y;
	double v = 0;

	for (y = 0; y < (int)h; y++)
		off[y] = pad + (int)floor(0.5 - sl * (yc - y));
	for (i = 0; i < n; i++) {
		c = pt[i].x + off[pt[i].y];
		ncol = c + 1 > ncol ? c + 1 : ncol;
	}
	memset(col, 0, sizeof(col[0]) * (size_t)ncol);
	for (i = 0; i < n; i++)
		col[pt[i].x + off[pt[i].y]] += pt[i].g;
	for (c = 0; c < ncol; c++)
		v += (double)col[c] * (double)col[c];
	return v;
}

int anpr_read_slant(const uint8_t *px, unsigned w, unsigned h, size_t stride, unsigned ox, unsigned oy,
		    const struct anpr_plate_read *pr, double *slant)
{
	static _Thread_local struct edge_pt pt[SLANT_MAX_POINTS];
	double best = -1, yc = (h - 1) / 2.0;
	int k, k0, n, kbest = 0;

	if (!px || !pr || !slant || pr->nchars < 1 || pr->nchars > ANPR_MAX_TEXT || stride < w || w < 3 || h < 3 ||
	    w + h > SLANT_MAX_COLS - 8)
		return 0;
	if ((n = slant_edges(px, w, h, stride, ox, oy, pr, pt)) < SLANT_MIN_EDGES)
		return 0;
	/* the shear that gathers the vertical edges into the fewest columns:
	 * every SLANT_COARSE-th step, then each step either side of the best */
	for (k = -SLANT_STEPS; k <= SLANT_STEPS; k += SLANT_COARSE) {
		double v = slant_spread(pt, n, k * SLANT_STEP, yc, h);

		if (v > best) {
			best = v;
			kbest = k;
		}
	}
	for (k0 = kbest, k = k0 - SLANT_COARSE + 1; k < k0 + SLANT_COARSE; k++) {
		double v;

		if (k != k0 && k >= -SLANT_STEPS && k <= SLANT_STEPS &&
		    (v = slant_spread(pt, n, k * SLANT_STEP, yc, h)) > best) {
			best = v;
			kbest = k;
		}
	}
	*slant = kbest * SLANT_STEP;
	return 1;
}

unsigned anpr_read_upright_pad(unsigned h, double slant)
{
	return isfinite(slant) ? (unsigned)ceil(fabs(slant) * h / 2) : 0;
}

int anpr_read_upright(const uint8_t *px, unsigned w, unsigned h, size_t stride, double slant, uint8_t *out)
{
	unsigned pad = anpr_read_upright_pad(h, slant), W = w + 2 * pad, x, y;
	double yc = (h - 1) / 2.0;

	if (!px || !out || w == 0 || h == 0 || stride < w || !isfinite(slant) || fabs(slant) > 1)
		return ANPR_ERR_ARG;
	for (y = 0; y < h; y++) {
		double off = slant * (yc - y) - pad;

		for (x = 0; x < W; x++)
			out[(size_t)y * W + x] = sample(px, w, h, stride, x + off, y);
	}
	return ANPR_OK;
}

/* Read the crop again sheared upright if *best's characters slant
 * (SLANT_*); keep the better reading in *best, its boxes put back in the
 * crop (each box's centre sheared back, its size kept, inside the crop),
 * its confidence the posterior over the texts of the readings. */
static void read_upright(struct reader *r, const struct anpr_read_opts *opts, const uint8_t *px, unsigned w,
			 unsigned h, size_t stride, unsigned ox, unsigned oy, struct anpr_plate_read *best,
			 double *best_score)
{
	struct anpr_plate_read up;
	double slant, score, yc = (h - 1) / 2.0;
	unsigned pad, W;
	uint8_t *sheared;
	int i;

	if (best->nchars < SLANT_CHARS || !anpr_read_slant(px, w, h, stride, ox, oy, best, &slant) ||
	    fabs(slant) < SLANT_MIN || fabs(slant) > SLANT_MAX)
		return;
	pad = anpr_read_upright_pad(h, slant);
	W = w + 2 * pad;
	if (W > 4096 || !(sheared = malloc((size_t)W * h)))
		return;
	anpr_read_upright(px, w, h, stride, slant, sheared);
	if ((score = read_remade(r, opts, sheared, W, h, &up)) <= *best_score + SLANT_MARGIN) {
		crop_posterior(r, best);
		return;
	}
	for (i = 0; i < up.nchars; i++) {
		struct anpr_box *b = &up.chars[i].box;
		double cy = b->y + b->h / 2.0;

		put_back(b, b->x + b->w / 2.0 - pad + slant * (yc - cy), cy, w, h, ox, oy);
	}
	*best = up;
	*best_score = score;
}

/* Read the crop again turned level if *best leans (LEVEL_*); keep the
 * better reading in *best, its boxes put back in the crop (each box's
 * centre turned back, its size kept, inside the crop), its confidence the
 * posterior over the texts of both readings. */
static int read_level(struct reader *r, const struct anpr_read_opts *opts, const uint8_t *px, unsigned w,
		      unsigned h, size_t stride, unsigned ox, unsigned oy, struct anpr_plate_read *best,
		      double *best_score)
{
	struct anpr_plate_read lv;
	double slope, c, s, score;
	uint8_t *turned;
	int i, x0 = INT_MAX, x1 = 0; /* the characters' extent across */

	for (i = 0; i < best->nchars; i++) {
		const struct anpr_box *b = &best->chars[i].box;

		x0 = b->x < x0 ? b->x : x0;
		x1 = b->x + b->w > x1 ? b->x + b->w : x1;
	}
	if (best->nchars < LEVEL_CHARS || !anpr_read_lean(best, &slope) || fabs(slope) < LEVEL_MIN ||
	    fabs(slope) > LEVEL_MAX || fabs(slope) * (x1 - x0) < LEVEL_DROP)
		return 0;
	if (!(turned = malloc((size_t)w * h)))
		return 0;
	anpr_read_level(px, w, h, stride, slope, turned);
	if ((score = read_remade(r, opts, turned, w, h, &lv)) <= *best_score + LEVEL_MARGIN) {
		crop_posterior(r, best);
		return 0;
	}
	angle_of(slope, &c, &s);
	for (i = 0; i < lv.nchars; i++) {
		struct anpr_box *b = &lv.chars[i].box;
		double fx, fy;

		unlevel(c, s, w, h, b->x + b->w / 2.0, b->y + b->h / 2.0, &fx, &fy);
		put_back(b, fx, fy, w, h, ox, oy);
	}
	*best = lv;
	*best_score = score;
	return 1;
}

int anpr_read_crop(const struct anpr_read_opts *opts, const uint8_t *px, unsigned w, unsigned h, size_t stride,
		   unsigned ox, unsigned oy, const struct anpr_rec_cand *hint, struct anpr_plate_read *out)
{
	static _Thread_local struct reader r; /* large: off the stack, one per thread */
	struct anpr_seg_hyp hyps[ANPR_SEG_MAX_HYP + 1];
	struct anpr_plate_read best;
	double best_score;
	int n, i;

	if (!opts || !px || !out)
		return ANPR_ERR_ARG;
	n = anpr_segment(px, w, h, stride, hyps, ANPR_SEG_MAX_HYP);
	if (n < 0)
		return n;
	if (hint && hint->nchars >= 2) { /* the FPGA's segmentation, in crop pixels */
		struct anpr_seg_hyp *f = &hyps[n++];

		memset(f, 0, sizeof(*f));
		f->inverted = !!(hint->flags & ANPR_CAND_F_INVERTED);
		f->rows = hint->flags & ANPR_CAND_F_TWO_ROW ? 2 : 1;
		f->nchars = hint->nchars < ANPR_SEG_MAX_CHARS ? hint->nchars : ANPR_SEG_MAX_CHARS;
		f->row2 = f->nchars;
		for (i = 0; i < f->nchars; i++) {
			f->chars[i] = hint->chars[i];
			f->chars[i].x = (uint16_t)(f->chars[i].x - hint->crop.x);
			f->chars[i].y = (uint16_t)(f->chars[i].y - hint->crop.y);
			if (f->rows == 2 && i > 0 && f->row2 == f->nchars && f->chars[i].y > f->chars[0].y + f->chars[0].h / 2)
				f->row2 = i;
		}
	}
	r.ntext = 0;
	/* a pipeline's candidate may be no plate at all: screened (read.h) */
	best_score =
		read_each(&r, opts, px, w, h, stride, ox, oy, hyps, n, hint ? ANPR_READ_SCREEN_HYPS : 0, &best, NULL);
	if (best_score == -INFINITY)
		return 0;
	if (!read_level(&r, opts, px, w, h, stride, ox, oy, &best, &best_score))
		read_upright(&r, opts, px, w, h, stride, ox, oy, &best, &best_score);
	if (hint) {
		best.box = hint->box;
	} else {
		best.box.x = (uint16_t)ox;
		best.box.y = (uint16_t)oy;
		best.box.w = (uint16_t)w;
		best.box.h = (uint16_t)h;
	}
	*out = best;
	return 1;
}
