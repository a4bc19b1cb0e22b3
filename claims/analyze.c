/* Analysis of one article against a story: relevance, new claims by missing
 * information units, and changed figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "claims_int.h"
#include "log.h"
#include "util.h"

/* Sizes and caps that keep one article's cost flat. */
#define SET_SLOTS 4096u
#define NEAREST 3      /* known sentences a new one is compared with */
#define DF_SCAN_MAX 48 /* longer posting lists rank nothing */
#define FIG_SCAN_MAX 8 /* newest known figures compared per noun */
#define RANK_WORDS 8   /* rarest words used to find neighbours */
#define ACC_SHIFT (32 - __builtin_ctz(ACC_SLOTS))
_Static_assert(RANK_WORDS *DF_SCAN_MAX * 2 <= ACC_SLOTS,
    "the neighbour map holds every candidate at half load");

/* Decision weights. */
/* known sentences that name a protagonist (one in ten of a smaller
 * baseline's) */
#define PROTAGONIST_DF 5.0
#define UNC_SHARE 0.3
#define UNC_WEIGHT 0.3	    /* units per unit of uncovered specificity */
#define MODIFIER_WEIGHT 0.5 /* adjectives and adverbs weigh half */
#define NEAR_PIVOT 1.5	    /* anchor score of an ordinary neighbour */
#define NEAR_SLOPE 0.6	    /* uncovered mass forgiven per anchor point */
/* A stem the knowledge uses elsewhere covers 0.25, plus 0.15 per known
 * sentence using it, up to 0.7: the story's own vocabulary is no news. */
#define GLOBAL_COVER_BASE 0.25
#define GLOBAL_COVER_STEP 0.15
#define GLOBAL_COVER_MAX 0.7
#define GLOBAL_COVER_SENSE 0.3 /* a synonym somewhere in the knowledge */

/* --- a set keyed by 32-bit values, cleared in O(1) by a generation --- */

/*
 * One sentence's neighbours put a few hundred keys in the set: it starts at
 * SET_SLOTS (small enough to stay in L1 with key and generation side by
 * side) and doubles, rehashing the live keys, when it is half full.
 */
static int
set_prepare(struct knowledge *k)
{
	if (k->set == NULL) {
		k->set = calloc(SET_SLOTS, sizeof(*k->set));
		if (k->set == NULL)
			return -1;
		k->set_mask = SET_SLOTS - 1;
		k->set_shift = 32 - __builtin_ctz(SET_SLOTS);
	}
	if (++k->gen == 0) {
		memset(k->set, 0, (k->set_mask + 1) * sizeof(*k->set));
		k->gen = 1;
	}
	k->set_n = 0;
	return 0;
}

/* Fibonacci hashing: the top bits of a multiplication spread stem ids,
 * concepts and sentence ids alike, in two instructions (this is on the path
 * of every word of every sentence). */
static inline uint32_t
fib_slot(uint32_t x, unsigned shift)
{
	return (x * 0x9e3779b1u) >> shift;
}

/* Rare (a sentence with hundreds of rare words): kept out of set_add. */
static __attribute__((noinline, cold)) void
set_grow(struct knowledge *k)
{
	struct set_slot *ns, *os = k->set;
	uint32_t omask = k->set_mask, mask = omask * 2 + 1, i, j;
	unsigned shift = k->set_shift - 1;

	ns = calloc((size_t)mask + 1, sizeof(*ns));
	if (ns == NULL)
		return; /* keep the full set: further keys are dropped */
	for (i = 0; i <= omask; i++) {
		if (os[i].gen != k->gen)
			continue;
		for (j = fib_slot(os[i].key, shift); ns[j].gen == k->gen;
		     j = (j + 1) & mask)
			;
		ns[j] = os[i];
	}
	free(os);
	k->set = ns;
	k->set_mask = mask;
	k->set_shift = shift;
}

static inline void
set_add(struct knowledge *k, uint32_t key)
{
	struct set_slot *sl;
	uint32_t i, mask;

	if (k->set_n * 2 >= k->set_mask + 1) {
		set_grow(k);
		if (k->set_n * 2 >= k->set_mask + 1)
			return;
	}
	mask = k->set_mask;
	for (i = fib_slot(key, k->set_shift);; i = (i + 1) & mask) {
		sl = &k->set[i];
		if (sl->gen != k->gen)
			break;
		if (sl->key == key)
			return;
	}
	sl->gen = k->gen;
	sl->key = key;
	k->set_n++;
}

static inline int
set_has(const struct knowledge *k, uint32_t key)
{
	const struct set_slot *sl;
	uint32_t i, mask = k->set_mask;

	for (i = fib_slot(key, k->set_shift);; i = (i + 1) & mask) {
		sl = &k->set[i];
		if (sl->gen != k->gen)
			return 0;
		if (sl->key == key)
			return 1;
	}
}

/* How well the words in the set cover word wid: 1 same stem, 0.9 synonym, 0.7
 * one step apart. */
static double
set_cover(const struct knowledge *k, uint32_t wid)
{
	const struct lex_word *w = lexicon_get(k->lx, wid);
	const uint32_t *con = lexicon_concepts(k->lx, w);
	uint32_t j;

	if (set_has(k, TAG_STEM | w->stem))
		return 1.0;
	for (j = 0; j < w->ncore && j < CORE_MAX; j++)
		if (set_has(k, con[j]))
			return 0.9;
	for (j = 0; j < w->ncore && j < CORE_MAX; j++)
		if (set_has(k, TAG_HYPER | con[j]))
			return 0.7;
	for (j = 0; j < w->nhyper && j < HYPER_MAX; j++)
		if (set_has(k, con[w->ncore + j]))
			return 0.7;
	return 0.0;
}

/*
 * Coverage of a word by the whole knowledge, cached per word until the
 * knowledge changes: the more known sentences use a stem, the more it is the
 * story's own vocabulary rather than news.
 */
static double
global_cover(struct knowledge *k, uint32_t wid)
{
	const struct lex_word *w;
	const uint32_t *con;
	const struct vec32 *list;
	uint32_t j;
	double c = 0;

	if (wid < k->word_cap && k->wcov_gen[wid] == k->info_gen)
		return k->wcov[wid] / 100.0;
	w = lexicon_get(k->lx, wid);
	con = lexicon_concepts(k->lx, w);
	list = knowledge_stem_list(k, w->stem);
	if (list != NULL) {
		c = GLOBAL_COVER_BASE + GLOBAL_COVER_STEP * list->n;
		if (c > GLOBAL_COVER_MAX)
			c = GLOBAL_COVER_MAX;
	}
	for (j = 0; c == 0 && j < w->ncore; j++)
		if (u32map_get(&k->con_df, con[j] + 1))
			c = GLOBAL_COVER_SENSE;
	if (wid < k->word_cap) {
		k->wcov[wid] = (uint8_t)(c * 100 + 0.5);
		k->wcov_gen[wid] = k->info_gen;
	}
	return c;
}

/* --- result building --- */

static int
result_add_claim(struct claims_result *r, const struct doc *d,
    const struct sentence *s, double novelty, const struct ksent *near,
    uint64_t near_id, const char *why)
{
	struct claims_claim *nc, *c;

	nc = realloc(r->claims, (r->nclaims + 1) * sizeof(*nc));
	if (nc == NULL)
		return -1;
	r->claims = nc;
	c = &r->claims[r->nclaims];
	memset(c, 0, sizeof(*c));
	c->text = claims_text_dup(d->text + s->off, s->len);
	c->off = s->off;
	c->len = s->len;
	c->novelty = novelty;
	c->nearest = near ? strdup(near->text) : NULL;
	c->nearest_id = near_id;
	c->why = claims_text_dup(why, strlen(why));
	if (c->text == NULL || (near && c->nearest == NULL) || c->why == NULL) {
		free(c->text);
		free(c->nearest);
		free(c->why);
		return -1;
	}
	r->nclaims++;
	return 0;
}

static char *
figure_subject(const struct knowledge *k, const struct figure *f)
{
	char buf[256];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < f->nhead && n + 1 < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    n ? " " : "", lexicon_word_text(k->lx, f->head[i]));
	for (i = 0; i < f->nctx && i < 4 && n + 1 < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    i == 0 ? (n ? " (" : "(") : ", ",
		    lexicon_word_text(k->lx, f->ctx[i]));
	if (f->nctx && n + 2 < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ")");
	return strdup(buf);
}

static int
result_add_change(struct claims_result *r, const struct knowledge *k,
    const struct kfig *old, const struct doc *d, const struct sentence *s,
    const struct figure *nf)
{
	struct claims_change *nc, *c;
	size_t i;

	for (i = 0; i < r->nchanges; i++)
		if (r->changes[i].new.value == nf->value &&
		    strcmp(r->changes[i].old.sentence,
			k->sents[old->sent].text) == 0)
			return 0;
	nc = realloc(r->changes, (r->nchanges + 1) * sizeof(*nc));
	if (nc == NULL)
		return -1;
	r->changes = nc;
	c = &r->changes[r->nchanges];
	memset(c, 0, sizeof(*c));
	c->subject = figure_subject(k, &old->f);
	c->old.text = strdup(old->text);
	c->old.value = old->f.value;
	c->old.sentence = strdup(k->sents[old->sent].text);
	c->new.text = knowledge_tok_text(d, nf->tok_begin, nf->tok_end);
	c->new.value = nf->value;
	c->new.sentence = claims_text_dup(d->text + s->off, s->len);
	if (c->subject == NULL || c->old.text == NULL ||
	    c->old.sentence == NULL || c->new.text == NULL ||
	    c->new.sentence == NULL) {
		free(c->subject);
		free(c->old.text);
		free(c->old.sentence);
		free(c->new.text);
		free(c->new.sentence);
		return -1;
	}
	r->nchanges++;
	return 0;
}

void
claims_result_free(struct claims_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nclaims; i++) {
		free(r->claims[i].text);
		free(r->claims[i].nearest);
		free(r->claims[i].why);
	}
	free(r->claims);
	for (i = 0; i < r->nchanges; i++) {
		free(r->changes[i].subject);
		free(r->changes[i].old.text);
		free(r->changes[i].old.sentence);
		free(r->changes[i].new.text);
		free(r->changes[i].new.sentence);
	}
	free(r->changes);
	free(r->corroborated);
	free(r->matched_terms);
	free(r);
}

/* --- page furniture --- */

static const char *const furniture[] = { "read more", "subscribe", "sign up",
	"newsletter", "click here", "share this", "share on", "follow us",
	"all rights reserved", "copyright", "\xc2\xa9",
	"photo:", "image:", "getty images", "advertisement",
	"related:", "most read", "cookies", "log in", "download the app",
	"listen to", "watch:", "recommended", "you may also like", "sponsored",
	"contact us", "privacy policy", "reuters/", "ap photo", "afp via",
	"file photo" };

/*
 * Does the lowered text hold a furniture phrase?  One pass over it: only
 * positions whose two bytes start some phrase (a bitmap of byte pairs made
 * once per knowledge) are compared, instead of a strstr per phrase.
 */
static int
furniture_in(struct knowledge *k, const char *low)
{
	size_t n = strlen(low), i, f;
	unsigned pair;

	if (!k->furn_ready) {
		for (f = 0; f < SW_ARRAY_SIZE(furniture); f++) {
			pair = (unsigned char)furniture[f][0] << 8 |
			    (unsigned char)furniture[f][1];
			k->furn_pair[pair >> 3] |= (uint8_t)(1u << (pair & 7));
			k->furn_len[f] = (uint8_t)strlen(furniture[f]);
		}
		k->furn_ready = 1;
	}
	for (i = 0; i + 1 < n; i++) {
		pair = (unsigned char)low[i] << 8 | (unsigned char)low[i + 1];
		if (!(k->furn_pair[pair >> 3] & (1u << (pair & 7))))
			continue;
		for (f = 0; f < SW_ARRAY_SIZE(furniture); f++)
			if (furniture[f][0] == low[i] &&
			    furniture[f][1] == low[i + 1] &&
			    i + k->furn_len[f] <= n &&
			    memcmp(low + i, furniture[f], k->furn_len[f]) == 0)
				return 1;
	}
	return 0;
}

static int
is_furniture(struct knowledge *k, const struct doc *d, const struct sentence *s,
    const struct units *u)
{
	uint32_t i, words = 0, caps = 0;
	const struct token *t;
	char low[512];

	for (i = s->tok_begin; i < s->tok_end; i++) {
		t = &d->toks[i];
		if (t->kind != TOK_WORD)
			continue;
		words++;
		if (t->flags & (TF_CAP | TF_ALLCAP))
			caps++;
	}
	/* a short sentence is a claim only when it names or counts
	 * something ("The interruption lasted about 40 seconds.") */
	if (u->nwords < (uint32_t)k->params.min_words &&
	    (u->nwords < 2 || (s->flags & SF_NOTERM) ||
		(u->nfigs == 0 && u->nents == 0)))
		return 1;
	if (words < 20 && s->len < sizeof(low)) {
		for (i = 0; i < s->len; i++) {
			char ch = d->text[s->off + i];
			low[i] =
			    (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
		}
		low[s->len] = '\0';
		if (furniture_in(k, low))
			return 1;
	}
	/* bylines and headings: no final punctuation, title case, short */
	if ((s->flags & SF_NOTERM) && !(s->flags & SF_BULLET) &&
	    (words <= 8 || caps * 2 > words))
		return 1;
	if ((s->flags & SF_NOTERM) && words <= 6)
		return 1;
	if (words <= 8 && s->len > 3 &&
	    strncmp(d->text + s->off, "By ", 3) == 0)
		return 1;
	return 0;
}

/* --- figures --- */

#define FS_HEAD_STEM 0x80000000u
#define FS_HEAD_CON 0x40000000u
#define FS_CTX_STEM 0x20000000u
#define FS_CTX_CON 0x10000000u

/* Put a new figure's subject (head and context words with their concepts) in
 * the set. */
static void
subject_prepare(struct knowledge *k, const struct figure *nf, int weak)
{
	const struct lex_word *w;
	const uint32_t *con;
	uint32_t i, j;

	for (i = 0; i < nf->nhead; i++) {
		w = lexicon_get(k->lx, nf->head[i]);
		con = lexicon_concepts(k->lx, w);
		set_add(k, FS_HEAD_STEM | w->stem);
		for (j = 0; j < w->ncore && j < CORE_MAX; j++)
			set_add(k, FS_HEAD_CON | con[j]);
		for (j = 0; j < w->nhyper && j < HYPER_MAX; j++)
			set_add(k, FS_HEAD_CON | con[w->ncore + j]);
	}
	/* context compares by stem, and by sense for weak subjects */
	for (i = 0; i < nf->nctx; i++) {
		w = lexicon_get(k->lx, nf->ctx[i]);
		set_add(k, FS_CTX_STEM | w->stem);
		if (!weak)
			continue;
		con = lexicon_concepts(k->lx, w);
		for (j = 0; j < w->ncore && j < CORE_MAX; j++)
			set_add(k, FS_CTX_CON | con[j]);
		for (j = 0; j < w->nhyper && j < HYPER_MAX; j++)
			set_add(k, FS_CTX_CON | con[w->ncore + j]);
	}
}

/*
 * Context words of a known figure that the new one's context shares by stem
 * or by sense, either way one step apart ("killed" and "martyred").
 */
static int
weak_ctx_shared(const struct knowledge *k, const struct kfig *kf)
{
	const struct lex_word *w;
	const uint32_t *con;
	uint32_t j, n;
	int i, shared = 0;

	for (i = 0; i < kf->f.nctx; i++) {
		int hit;
		w = lexicon_get(k->lx, kf->f.ctx[i]);
		hit = set_has(k, FS_CTX_STEM | w->stem);
		con = lexicon_concepts(k->lx, w);
		n = w->ncore < CORE_MAX ? w->ncore : CORE_MAX;
		for (j = 0; !hit && j < n; j++)
			hit = set_has(k, FS_CTX_CON | con[j]);
		n = w->nhyper < HYPER_MAX ? w->nhyper : HYPER_MAX;
		for (j = 0; !hit && j < n; j++)
			hit = set_has(k, FS_CTX_CON | con[w->ncore + j]);
		shared += hit;
	}
	return shared;
}

static int
subject_has(const struct knowledge *k, uint32_t wid, int head)
{
	const struct lex_word *w = lexicon_get(k->lx, wid);
	const uint32_t *con = lexicon_concepts(k->lx, w);
	uint32_t j;

	if (set_has(k, (head ? FS_HEAD_STEM : FS_CTX_STEM) | w->stem))
		return 1;
	/* the first senses are the frequent ones */
	for (j = 0; j < w->ncore && j < 8; j++)
		if (set_has(k, (head ? FS_HEAD_CON : FS_CTX_CON) | con[j]))
			return 1;
	return 0;
}

/*
 * How well a known figure's subject matches the new one in the set: 2 when
 * their nouns are the same concept, 1 when the new noun is among the known
 * figure's surrounding words, plus half a point per shared context word.
 */
static double
subject_score(const struct knowledge *k, const struct kfig *kf, int *head_hit,
    int need_ctx)
{
	const struct figure *of = &kf->f;
	int i, hh = 0, ctx = 0;

	for (i = 0; i < of->nhead && !hh; i++)
		if (subject_has(k, of->head[i], 1))
			hh = 2;
	for (i = 0; i < of->nctx && !hh; i++)
		if (set_has(k, FS_HEAD_STEM | kf->ctx_stem[i]))
			hh = 1;
	*head_hit = hh;
	if (!hh && !need_ctx)
		return 0;
	/* context words compare by stem: cheap, and enough to tell subjects
	 * apart */
	for (i = 0; i < of->nctx; i++)
		ctx += set_has(k, FS_CTX_STEM | kf->ctx_stem[i]);
	return hh + 0.5 * (ctx > 4 ? 4 : ctx);
}

static int
kinds_compatible(enum fig_kind a, enum fig_kind b)
{
	return a == b;
}

/*
 * Does one of the figure's head nouns count people (or their deaths)?  2 for
 * a general word (people, individuals), 1 for a particular kind of person
 * (Palestinians, guards), 0 otherwise.
 */
static int
figure_counts_people(const struct knowledge *k, const struct figure *f)
{
	int i, best = 0;

	for (i = 0; i < f->nhead; i++) {
		uint32_t fl = lexicon_get(k->lx, f->head[i])->flags;
		if (fl & LEXW_PEOPLE)
			return 2;
		if (fl & LEXW_PERSON)
			best = 1;
	}
	return best;
}

/*
 * Can a figure with another value be a new value of the same count?  A
 * count changes by a factor, not by orders of magnitude: 60,000 killed
 * becoming 67,000 is an update, 60,000 and 5 million are two things.
 */
static int
figure_change_plausible(const struct figure *nf, const struct figure *of)
{
	double a = fabs(nf->value), b = fabs(of->value);

	if (nf->kind == FIG_ORDINAL || nf->kind == FIG_PERCENT)
		return 1;
	return a > 0 && b > 0 && a <= 10 * b && b <= 10 * a;
}

enum fig_verdict { FIGV_KNOWN, FIGV_NEW, FIGV_CHANGED, FIGV_IGNORE };

static int
date_known(const struct knowledge *k, const struct figure *f, int which)
{
	uint32_t key = knowledge_date_key(f, which);

	return key != 0 && u32map_get(&k->dates, key) != NULL;
}

/*
 * A date is known when the knowledge has it at the precision both give: "15
 * August 2025" is the story's "August 15"; "August 2025" is known when the
 * story has that month and that year.
 */
static enum fig_verdict
date_judge(const struct knowledge *k, const struct figure *f)
{
	int known;

	if (f->month && f->day)
		known = date_known(k, f, DATE_MONTH_DAY);
	else if (f->month && f->year)
		known = date_known(k, f, DATE_YEAR_MONTH) ||
		    (date_known(k, f, DATE_MONTH) &&
			date_known(k, f, DATE_YEAR));
	else if (f->month)
		known = date_known(k, f, DATE_MONTH);
	else if (f->year)
		known = date_known(k, f, DATE_YEAR);
	else
		return FIGV_IGNORE;
	return known ? FIGV_KNOWN : FIGV_NEW;
}

static enum fig_verdict
figure_judge(struct knowledge *k, const struct figure *nf,
    const struct kfig **changed_from)
{
	const struct lex_word *w;
	const struct kfig *best = NULL;
	struct vec32 *list;
	double sc, best_sc = 0;
	uint32_t i, j, nkeys;
	int hh, same_value, weak, people;

	*changed_from = NULL;
	if (nf->kind == FIG_DATE)
		return date_judge(k, nf);
	if (nf->kind == FIG_TIME || nf->kind == FIG_VAGUE)
		return FIGV_IGNORE;
	if (nf->kind == FIG_ELAPSED)
		return FIGV_NEW;
	if (set_prepare(k) == -1)
		return FIGV_IGNORE;
	/*
	 * A weak subject ("people", "individuals", or words before the
	 * figure) names the count loosely: it may still be a known count of
	 * people when enough of the words around them agree.
	 */
	people = figure_counts_people(k, nf);
	weak = people || nf->head_before;
	subject_prepare(k, nf, weak);
	if (++k->fig_gen == 0)
		k->fig_gen = 1;
	/* known figures are indexed by their nouns and context words */
	nkeys = nf->nhead + (nf->nctx < 6 ? nf->nctx : 6);
	for (i = 0; i < nkeys; i++) {
		uint32_t wid =
		    i < nf->nhead ? nf->head[i] : nf->ctx[i - nf->nhead];
		w = lexicon_get(k->lx, wid);
		list = knowledge_list(k, &k->fig_post, w->stem, 0);
		if (list == NULL)
			continue;
		/* the newest figures hold the current values */
		j = list->n > FIG_SCAN_MAX ? list->n - FIG_SCAN_MAX : 0;
		for (; j < list->n; j++) {
			/* the hot fields first: most candidates stop there,
			 * and the full record stays out of the cache */
			struct kfig_hot *hot = &k->fighot[list->v[j]];
			struct kfig *kf;
			if (hot->mark == k->fig_gen)
				continue;
			hot->mark = k->fig_gen;
			if (!kinds_compatible(
				(enum fig_kind)hot->kind, nf->kind))
				continue;
			same_value = figures_values_match(nf->value,
			    nf->precision, hot->value, hot->precision);
			/* found through a context word: only a repeat of the
			 * same value, or a weak subject, is of interest */
			if (!same_value && i >= nf->nhead && !weak)
				continue;
			kf = &k->figs[list->v[j]];
			sc = subject_score(k, kf, &hh, same_value || weak);
			if (same_value) {
				/* a repeat of a known value: known, whatever
				 * else the loop would find */
				if (sc >= 0.5 || nf->nhead == 0)
					return FIGV_KNOWN;
				continue;
			}
			/* "people" may be any kind of people; "guards" are
			 * not "migrants" */
			if (hh == 0 && weak &&
			    (nf->head_before || kf->f.head_before ||
				(people &&
				    people + figure_counts_people(k, &kf->f) >=
					3)) &&
			    weak_ctx_shared(k, kf) >= 2) {
				hh = 1;
				sc = 2.0;
			}
			/* ordinals number a series: the noun is enough */
			if (hh == 0 ||
			    sc < (nf->kind == FIG_ORDINAL ? 1.0 : 2.0) ||
			    !figure_change_plausible(nf, &kf->f))
				continue;
			/* the newest value is what the story knows now */
			if (best == NULL || kf->seq > best->seq ||
			    (kf->seq == best->seq && sc > best_sc)) {
				best = kf;
				best_sc = sc;
			}
		}
	}
	if (best != NULL && figure_is_count(nf) && nf->kind != FIG_DURATION) {
		*changed_from = best;
		return FIGV_CHANGED;
	}
	return FIGV_NEW;
}

/* --- relevance --- */

static int
word_counts(const struct lex_word *w)
{
	return !(w->flags &
		   (LEXW_STOP | LEXW_REPORT | LEXW_MONTH | LEXW_WEEKDAY)) &&
	    w->spec > 0.0f;
}

struct rel_acc {
	double all, match, names, topic;
	int nnames, ntopic;
	char terms[512];
	size_t tl;
};

#define SI_STORY 0x01 /* in the baseline */
#define SI_TERM 0x02  /* a configured term */
#define SI_MARK 0x04  /* core and distinctive, or a term: counts */
#define SI_NAME 0x08  /* counts on the names side */

/*
 * What a stem means for relevance, cached until the knowledge changes.
 * A story is named actors doing something on a topic: an article is about
 * it when it shares both the story's names (words general English does not
 * know: companies, products, people) and its topic words (rare English
 * words: intercepted, surveillance).  Only core terms count: with several
 * baseline documents, those that at least two of them use.
 */
/* How distinctive a word is for relevance: its own specificity, or the
 * baseline's form of its stem when that is commoner. */
static double
story_spec(const struct knowledge *k, const struct lex_word *w)
{
	const uint32_t *sp = u32map_get(&k->story_spec, w->stem);
	double b = sp ? (*sp - 1) / 1000.0 : 1.0;

	return b < w->spec ? b : w->spec;
}

static uint8_t
stem_info(struct knowledge *k, const struct lex_word *w)
{
	uint32_t st = w->stem, *mask, *ldf;
	uint8_t info = 0;
	int core;

	if (k->stem_info_gen[st] == k->info_gen)
		return k->stem_info[st];
	mask = u32map_get(&k->story, st);
	if (mask != NULL)
		info |= SI_STORY;
	if (u32map_get(&k->terms, st) != NULL)
		info |= SI_TERM | SI_MARK | SI_NAME;
	/*
	 * The story grows: a stem that two alerted articles taught it, or
	 * one of them and the baseline, is its own too (after the cutoff,
	 * "Brad Smith" marks an article as about the story).
	 */
	ldf = u32map_get(&k->learned_df, st);
	core = (mask != NULL &&
		   (k->nbaseline < 2 || __builtin_popcount(*mask) >= 2 ||
		       ldf != NULL)) ||
	    (ldf != NULL && *ldf >= 2);
	if (ldf != NULL && mask == NULL)
		info |= SI_STORY;
	if (core && story_spec(k, w) >= DISTINCT_SPEC) {
		info |= SI_MARK;
		/* Azure: an English word the story only uses as a name */
		if (!(w->flags & LEXW_WORDNET) ||
		    (!(w->flags & LEXW_PROPER) && u32map_get(&k->entw_df, st) &&
			!u32map_get(&k->lower_df, st)))
			info |= SI_NAME;
	}
	k->stem_info[st] = info;
	k->stem_info_gen[st] = k->info_gen;
	return info;
}

static void
rel_word(struct knowledge *k, struct rel_acc *ra, uint32_t wid, double mult)
{
	const struct lex_word *w = lexicon_get(k->lx, wid);
	uint8_t info;
	const char *tx;
	size_t n;

	if (!word_counts(w) || w->stem >= k->stem_cap ||
	    k->stem_seen[w->stem] == k->rel_gen)
		return;
	k->stem_seen[w->stem] = k->rel_gen;
	ra->all += w->spec * mult;
	info = stem_info(k, w);
	if (!(info & (SI_STORY | SI_TERM)))
		return;
	ra->match += w->spec * mult;
	if (!(info & SI_MARK))
		return;
	if (info & SI_NAME) {
		/* the story's protagonists (Microsoft, Azure, Unit 8200) are
		 * in many of its sentences; a name it cites once or twice
		 * (+972 Magazine) is also in other stories */
		const struct vec32 *l = knowledge_stem_list(k, w->stem);
		double pdf = k->nbase_sents / 10.0, prom;
		if (pdf > PROTAGONIST_DF)
			pdf = PROTAGONIST_DF;
		if (pdf < 1.0)
			pdf = 1.0;
		prom = l ? l->n / pdf : 0.0;
		ra->names += (info & SI_TERM)
		    ? 1.5
		    : story_spec(k, w) * (prom > 1.0 ? 1.0 : prom);
		ra->nnames++;
	} else {
		ra->topic += story_spec(k, w);
		ra->ntopic++;
	}
	tx = lexicon_word_text(k->lx, wid);
	n = strlen(tx);
	if (ra->tl + n + 2 < sizeof(ra->terms)) {
		if (ra->tl)
			ra->terms[ra->tl++] = ',';
		memcpy(ra->terms + ra->tl, tx, n);
		ra->tl += n;
		ra->terms[ra->tl] = '\0';
	}
}

/* --- sentences --- */

static void
nearest_sentences(struct knowledge *k, const struct units *u, uint32_t *top,
    double *topsc, int *ntop)
{
	const struct lex_word *w;
	struct vec32 *list, *lists[RANK_WORDS];
	float specs[RANK_WORDS];
	uint32_t i, j, sid, post, a;
	size_t t;
	double sc;
	int m, q, nr;

	*ntop = 0;
	if (++k->acc_gen == 0) {
		memset(k->acc, 0, sizeof(k->acc));
		k->acc_gen = 1;
	}
	k->ntouched = 0;
	/* rank by the rarest words only: they find the sentences that matter */
	nr = 0;
	for (i = 0; i < u->nwords; i++) {
		w = lexicon_get(k->lx, u->words[i]);
		list = knowledge_stem_list(k, w->stem);
		if (list == NULL)
			continue;
		for (q = nr; q > 0 && lists[q - 1]->n > list->n; q--)
			if (q < RANK_WORDS) {
				lists[q] = lists[q - 1];
				specs[q] = specs[q - 1];
			}
		if (q < RANK_WORDS) {
			lists[q] = list;
			specs[q] = w->spec;
			if (nr < RANK_WORDS)
				nr++;
		}
	}
	for (i = 0; i < (uint32_t)nr; i++) {
		list = lists[i];
		/* common words rank nothing; the oldest postings (baseline)
		 * still count */
		m = list->n > DF_SCAN_MAX ? 16 : (int)list->n;
		for (j = 0; j < (uint32_t)m; j++) {
			struct acc_slot *as;
			post = list->v[j];
			/* a small map, not an array over every known
			 * sentence: it stays in L1 however much is known */
			for (a = fib_slot(POSTING_SID(post), ACC_SHIFT);;
			     a = (a + 1) & (ACC_SLOTS - 1)) {
				as = &k->acc[a];
				if (as->gen != k->acc_gen) {
					as->gen = k->acc_gen;
					as->post = post;
					as->acc = 0.0f;
					k->touched[k->ntouched++] = (uint16_t)a;
					break;
				}
				if (as->post == post)
					break;
			}
			as->acc += specs[i];
		}
	}
	for (t = 0; t < k->ntouched; t++) {
		const struct acc_slot *as = &k->acc[k->touched[t]];
		sid = POSTING_SID(as->post);
		sc = as->acc / (1.0 + 0.02 * POSTING_NW(as->post));
		if (*ntop == NEAREST && sc <= topsc[NEAREST - 1])
			continue;
		for (q = *ntop; q > 0 && topsc[q - 1] < sc; q--)
			if (q < NEAREST) {
				top[q] = top[q - 1];
				topsc[q] = topsc[q - 1];
			}
		if (q < NEAREST) {
			top[q] = sid;
			topsc[q] = sc;
			if (*ntop < NEAREST)
				(*ntop)++;
		}
	}
}

/* Append "; kind:text" to why (it is on the path of every new claim: no
 * printf). */
static void
why_add(char *why, size_t sz, const char *kind, const char *s, size_t n)
{
	size_t l = strlen(why), kl = strlen(kind);
	const char *nul = memchr(s, '\0', n);

	if (l + kl + n + 4 >= sz)
		return;
	if (nul != NULL)
		n = (size_t)(nul - s);
	if (l) {
		memcpy(why + l, "; ", 2);
		l += 2;
	}
	memcpy(why + l, kind, kl);
	why[l + kl] = ':';
	memcpy(why + l + kl + 1, s, n);
	why[l + kl + 1 + n] = '\0';
}

/* Is entity e an acronym spelled out by capitalised words in the same sentence?
 */
static int
acronym_explained(
    const struct doc *d, const struct sentence *s, const struct unit_ent *e)
{
	const struct token *t = &d->toks[e->tok_begin];
	const char *a = d->text + t->off;
	uint32_t i, j, n = t->len;

	if (e->nwords != 1 || !(t->flags & TF_ALLCAP) || n < 2 || n > 6)
		return 0;
	/* a run of capitalised words in the sentence spelling it */
	for (i = s->tok_begin; i + n <= s->tok_end; i++) {
		uint32_t got = 0;
		for (j = i; j < s->tok_end && got < n; j++) {
			const struct token *w = &d->toks[j];
			if (w->kind != TOK_WORD)
				break;
			if (!(w->flags & TF_CAP)) {
				/* "of", "for", "and" may sit inside */
				if (w->len <= 3)
					continue;
				break;
			}
			if ((d->text[w->off] | 0x20) != (a[got] | 0x20))
				break;
			got++;
		}
		if (got == n)
			return 1;
	}
	return 0;
}

/*
 * Is a bare number the number of a name the story knows ("the army's 8200
 * spy unit" is Unit 8200)?  Name numbers are known words; counts are not.
 */
static int
known_name_number(
    const struct knowledge *k, const struct doc *d, const struct figure *f)
{
	const struct token *t = &d->toks[f->tok_begin];
	uint32_t w;

	if (f->kind != FIG_COUNT || f->tok_end != f->tok_begin + 1 ||
	    t->kind != TOK_NUM || t->len < 3)
		return 0;
	w = lexicon_find(k->lx, d->text + t->off, t->len);
	return w != 0 &&
	    knowledge_stem_list(k, lexicon_get(k->lx, w)->stem) != NULL;
}

/* Monday to Sunday, not "today" or "yesterday", which date nothing. */
static int
weekday_name(const char *w)
{
	size_t n = strlen(w);

	return n > 5 && strcmp(w + n - 3, "day") == 0 &&
	    strcmp(w, "today") != 0 && strcmp(w, "yesterday") != 0;
}

/* Is entity e an acronym of a name the knowledge holds (IDF, IMOD)? */
static int
acronym_known(
    const struct knowledge *k, const struct doc *d, const struct unit_ent *e)
{
	const struct token *t = &d->toks[e->tok_begin];
	char low[8];
	size_t i, n = 0;

	if (e->nwords != 1 || e->tok_end != e->tok_begin + 1 ||
	    !(t->flags & TF_ALLCAP) || t->len > sizeof(low))
		return 0;
	for (i = 0; i < t->len; i++) {
		char c = d->text[t->off + i];
		if (c == '.')
			continue;
		if (c < 'A' || c > 'Z')
			return 0;
		low[n++] = (char)(c + 32);
	}
	return n >= 2 &&
	    u32map_get(&k->initials, knowledge_initials_key(low, n)) != NULL;
}

/* "the Redmond, Washington-based company": where someone is, not news */
static int
place_descriptor(
    const struct doc *d, const struct sentence *s, const struct unit_ent *e)
{
	uint32_t j = e->tok_end;

	return j + 1 < s->tok_end && d->toks[j].kind == TOK_PUNCT &&
	    d->toks[j].ch == '-' && d->toks[j + 1].off == d->toks[j].off + 1 &&
	    text_tok_is(d, &d->toks[j + 1], "based");
}

/*
 * Is entity e part of the sentence's dateline ("LONDON:", "WASHINGTON,
 * September 25, 2025 (WAFA) -")?  A place and an agency that say where the
 * story was filed, not what happened.
 */
static int
in_dateline(
    const struct doc *d, const struct sentence *s, const struct unit_ent *e)
{
	const struct token *t0 = &d->toks[s->tok_begin];
	uint32_t i, end = s->tok_begin + 1;

	if (t0->kind != TOK_WORD || !(t0->flags & TF_ALLCAP) || t0->len < 3 ||
	    end >= s->tok_end || d->toks[end].kind != TOK_PUNCT ||
	    (d->toks[end].ch != ',' && d->toks[end].ch != ':'))
		return 0;
	/* it runs to its dash or colon */
	for (i = end; i < s->tok_end && i < s->tok_begin + 14; i++)
		if (d->toks[i].kind == TOK_PUNCT &&
		    (d->toks[i].ch == '-' || (i > end && d->toks[i].ch == ':')))
			break;
	if (d->toks[end].ch == ':')
		i = end;
	if (e->tok_begin >= i)
		return 0;
	for (i = e->tok_begin; i < e->tok_end; i++)
		if (d->toks[i].kind == TOK_WORD &&
		    !(d->toks[i].flags & TF_ALLCAP))
			return 0;
	return 1;
}

/*
 * The actor of a sentence: the words before its first verb (an auxiliary,
 * a reporting verb, or a WordNet verb in -ed), after any leading clause.
 * Returns the head word (the last content word of that phrase), or 0.
 */
static uint32_t
sentence_actor(
    const struct knowledge *k, const struct doc *d, const struct sentence *s)
{
	uint32_t i, start = s->tok_begin, head = 0;
	const struct lex_word *w;

	for (i = s->tok_begin; i < s->tok_end && i < s->tok_begin + 16; i++) {
		const struct token *t = &d->toks[i];
		if (t->kind == TOK_PUNCT) {
			if (t->ch == ',') {
				start = i + 1;
				head = 0;
			}
			continue;
		}
		/* "the tech giant", "its staff": a definite phrase points
		 * back at someone already known */
		if (i == start && t->kind == TOK_WORD &&
		    (text_tok_is(d, t, "the") || text_tok_is(d, t, "its") ||
			text_tok_is(d, t, "this") ||
			text_tok_is(d, t, "that") ||
			text_tok_is(d, t, "their") ||
			text_tok_is(d, t, "his") || text_tok_is(d, t, "her")))
			return 0;
		if (t->kind != TOK_WORD || t->word == 0)
			continue;
		w = lexicon_get(k->lx, t->word);
		if (w->flags & (LEXW_AUX | LEXW_REPORT | LEXW_VERB_ED))
			return i > start ? head : 0;
		/* "Microsoft Corp. said": the actor is Microsoft */
		if (!(w->flags & (LEXW_STOP | LEXW_MONTH | LEXW_WEEKDAY)) &&
		    w->spec > 0.0f && !(w->flags & LEXW_LEGAL))
			head = t->word;
	}
	return 0;
}

/*
 * Does the sentence just analysed (its stems marked in stem_unit) say most
 * of what the known sentence ks says?  Then it repeats it: a rewording of a
 * learned claim corroborates it, a sentence that merely lies closest to one
 * does not.
 */
static int
repeats_known(const struct knowledge *k, const struct ksent *ks)
{
	const uint32_t *key = k->keys.v + ks->keys;
	uint32_t j, stems = 0, shared = 0, st;

	for (j = 0; j < ks->nkeys; j++) {
		if (!(key[j] & TAG_STEM))
			continue;
		st = key[j] & ~TAG_STEM;
		stems++;
		shared += st < k->stem_cap && k->stem_unit[st] == k->unit_gen;
	}
	return stems > 0 && shared * 2 >= stems;
}

static int
corroborated_add(struct claims_result *r, uint64_t id)
{
	uint64_t *nc;
	size_t i;

	for (i = 0; i < r->ncorroborated; i++)
		if (r->corroborated[i] == id)
			return 0;
	nc = realloc(r->corroborated, (r->ncorroborated + 1) * sizeof(*nc));
	if (nc == NULL)
		return -1;
	r->corroborated = nc;
	r->corroborated[r->ncorroborated++] = id;
	return 0;
}

static int
analyze_sentence(struct knowledge *k, const struct doc *d,
    const struct sentence *s, struct units *u, struct claims_result *r)
{
	const struct lex_word *w;
	const struct kfig *from[UNIT_MAX_FIGS];
	enum fig_verdict verdict[UNIT_MAX_FIGS];
	uint32_t top[NEAREST], i, j;
	double topsc[NEAREST], c, wt, total = 0, unc = 0, units = 0, ratio, nov,
				      adj;
	char why[512];
	uint32_t actor;
	char uncw[256];
	int dbg = log_enabled(LOGL_DEBUG);
	int ntop, novel, unknown;
	uint64_t near_id = 0;

	units_extract(k, d, s, u);
	if (is_furniture(k, d, s, u))
		return 0;
	why[0] = '\0';
	uncw[0] = '\0';
	/* figures first: judging them uses the scratch set */
	for (i = 0; i < u->nfigs; i++)
		verdict[i] = known_name_number(k, d, &u->figs[i])
		    ? FIGV_IGNORE
		    : figure_judge(k, &u->figs[i], &from[i]);
	nearest_sentences(k, u, top, topsc, &ntop);
	if (set_prepare(k) == -1)
		return -1;
	for (i = 0; i < (uint32_t)ntop; i++) {
		const struct ksent *ks = &k->sents[top[i]];
		const uint32_t *key = k->keys.v + ks->keys;
		for (j = 0; j < ks->nkeys; j++)
			set_add(k, key[j]);
	}
	for (i = 0; i < u->nwords; i++) {
		w = lexicon_get(k->lx, u->words[i]);
		c = set_cover(k, u->words[i]);
		if (c < 0.4) {
			double g = global_cover(k, u->words[i]);
			if (g > c)
				c = g;
		}
		/* "mere", "thorough", "deeply": how a thing is put, which
		 * a rewording changes freely */
		wt = w->spec;
		if (w->flags & LEXW_MODIFIER)
			wt *= MODIFIER_WEIGHT;
		total += wt;
		unc += wt * (1.0 - c);
		if (dbg && w->spec * (1.0 - c) >= 0.2) {
			const char *tx = lexicon_word_text(k->lx, u->words[i]);
			size_t l = strlen(uncw);
			snprintf(uncw + l, sizeof(uncw) - l, "%s%s=%.2f",
			    l ? " " : "", tx, w->spec * (1.0 - c));
		}
	}
	/* who did it: an actor the neighbours never mention is half a unit */
	actor = sentence_actor(k, d, s);
	if (actor != 0 && lexicon_get(k->lx, actor)->spec >= 0.5 &&
	    set_cover(k, actor) < 0.5 &&
	    !(lexicon_get(k->lx, actor)->flags & LEXW_STOP)) {
		const char *tx = lexicon_word_text(k->lx, actor);
		units += 0.5;
		why_add(why, sizeof(why), "actor", tx, strlen(tx));
	}
	for (i = 0; i < u->nents; i++) {
		const struct unit_ent *e = &u->ents[i];
		double maxspec = 0;
		if (u32map_get(&k->ent_df, e->key) || acronym_known(k, d, e) ||
		    in_dateline(d, s, e) || place_descriptor(d, s, e))
			continue;
		unknown = 0;
		for (j = 0; j < e->nwords; j++) {
			w = lexicon_get(k->lx, e->words[j]);
			if (knowledge_stem_list(k, w->stem) != NULL ||
			    u32map_get(&k->entw_df, w->stem) ||
			    global_cover(k, e->words[j]) > 0)
				continue;
			unknown = 1;
			if (w->spec > maxspec)
				maxspec = w->spec;
		}
		if (unknown && maxspec >= 0.5) {
			/* IDF next to "Israel Defense Forces" is no news; an
			 * unexplained acronym is half a unit */
			units += acronym_explained(d, s, e)
			    ? 0.0
			    : (e->nwords == 1 &&
					  (d->toks[e->tok_begin].flags &
					      TF_ALLCAP)
				      ? 0.5
				      : 1.0);
			if (acronym_explained(d, s, e))
				continue;
			why_add(why, sizeof(why), "entity",
			    d->text + d->toks[e->tok_begin].off,
			    d->toks[e->tok_end - 1].off +
				d->toks[e->tok_end - 1].len -
				d->toks[e->tok_begin].off);
		}
	}
	/*
	 * "Its findings have not been made public" against "pledged to
	 * publish the findings": the same words, denied (or the other way
	 * round), is a new state of things.
	 */
	if (ntop > 0 && topsc[0] >= NEAR_PIVOT &&
	    !u->negated != !k->sents[top[0]].negated) {
		units += 0.5;
		why_add(why, sizeof(why), "negation",
		    u->negated ? "denies" : "affirms",
		    strlen(u->negated ? "denies" : "affirms"));
	}
	/* "on Wednesday": a day the story never mentioned dates a new event
	 * (a quarter of a unit: it does not say what happened) */
	for (i = s->tok_begin; i < s->tok_end; i++) {
		const struct token *t = &d->toks[i];
		if (t->kind != TOK_WORD || t->word == 0 ||
		    !(lexicon_get(k->lx, t->word)->flags & LEXW_WEEKDAY) ||
		    !weekday_name(lexicon_word_text(k->lx, t->word)))
			continue;
		if (!u32map_get(&k->dates,
			knowledge_weekday_key(lexicon_get(k->lx, t->word)))) {
			units += 0.25;
			why_add(
			    why, sizeof(why), "day", d->text + t->off, t->len);
		}
		break;
	}
	for (i = 0; i < u->nfigs; i++) {
		const struct figure *f = &u->figs[i];
		if (verdict[i] == FIGV_NEW) {
			/* a new year is a fact; a bare month or day is vague,
			 * and so is an ordinal outside a known series ("a
			 * first step") */
			if (f->kind == FIG_DATE)
				units += f->year ? 0.75 : 0.5;
			else if (f->kind == FIG_ELAPSED)
				units += 0.5;
			else if (f->kind == FIG_ORDINAL)
				units += 0.5;
			else
				units += 1.0;
			why_add(why, sizeof(why),
			    f->kind == FIG_DATE		 ? "date"
				: f->kind == FIG_ELAPSED ? "elapsed"
							 : "figure",
			    d->text + d->toks[f->tok_begin].off,
			    d->toks[f->tok_end - 1].off +
				d->toks[f->tok_end - 1].len -
				d->toks[f->tok_begin].off);
		} else if (verdict[i] == FIGV_CHANGED) {
			if (result_add_change(r, k, from[i], d, s, f) == -1)
				return -1;
		}
	}
	ratio = total > 0 ? unc / total : 0;
	/*
	 * New when it carries a unit the knowledge lacks (a name, a figure; a
	 * date counts half), or enough rare content that no known sentence
	 * covers: about three uncovered content words.
	 */
	/*
	 * Paraphrase adds up in a long sentence: uncovered words count in
	 * proportion to the share of the sentence they are, up to UNC_SHARE.
	 * And a sentence that shares the rare words of a known one (its anchor
	 * score above NEAR_PIVOT) is most likely a rewording of it: what it
	 * leaves uncovered counts for less.  One anchored on nothing known is
	 * more likely news.
	 */
	adj = unc - NEAR_SLOPE * ((ntop ? topsc[0] : 0.0) - NEAR_PIVOT);
	if (adj < 0)
		adj = 0;
	novel = units +
		    UNC_WEIGHT * adj *
			(ratio < UNC_SHARE ? ratio / UNC_SHARE : 1.0) >=
		k->params.unit_min ||
	    (ratio >= k->params.novelty_min && unc >= 1.0);
	nov = ratio;
	if (units > 0 && nov < 0.5 + 0.1 * units)
		nov = 0.5 + 0.1 * units;
	if (nov > 1.0)
		nov = 1.0;
	if (ntop > 0 && k->sents[top[0]].learned)
		near_id = k->learned[k->sents[top[0]].learned - 1].id;
	log_debug("claims %s: %s uncovered %.2f of %.2f, units %.1f (%s) "
		  "[%s] near %.2f: %.*s",
	    k->id, novel ? "new" : "known", unc, total, units, why, uncw,
	    ntop ? topsc[0] : 0.0, (int)(s->len > 160 ? 160 : s->len),
	    d->text + s->off);
	if (!novel) {
		if (near_id && repeats_known(k, &k->sents[top[0]]) &&
		    corroborated_add(r, near_id) == -1)
			return -1;
		return 0;
	}
	return result_add_claim(
	    r, d, s, nov, ntop ? &k->sents[top[0]] : NULL, near_id, why);
}

struct claims_result *
claims_analyze(
    struct knowledge *k, const char *title, const char *body, size_t len)
{
	struct claims_result *r;
	struct units *u = NULL;
	struct rel_acc ra;
	uint32_t tw[64], i;
	size_t ntw = 0, si;
	double focus, names, topic;

	r = calloc(1, sizeof(*r));
	u = malloc(sizeof(*u));
	if (r == NULL || u == NULL)
		goto fail;
	memset(&ra, 0, sizeof(ra));
	if (title != NULL && *title != '\0') {
		if (doc_parse(&k->doc, k->lx, title, strlen(title)) == -1)
			goto fail;
		for (i = 0; i < k->doc.ntok && ntw < SW_ARRAY_SIZE(tw); i++)
			if (k->doc.toks[i].kind == TOK_WORD &&
			    k->doc.toks[i].word != 0)
				tw[ntw++] = k->doc.toks[i].word;
	}
	if (doc_parse(&k->doc, k->lx, body, len) == -1)
		goto fail;
	if (knowledge_stem_arrays(k, lexicon_intern_limit(k->lx)) == -1 ||
	    knowledge_word_arrays(k, lexicon_word_limit(k->lx)) == -1)
		goto fail;
	if (++k->rel_gen == 0) {
		memset(k->stem_seen, 0, k->stem_cap * sizeof(*k->stem_seen));
		k->rel_gen = 1;
	}
	for (i = 0; i < ntw; i++)
		rel_word(k, &ra, tw[i], 2.0);
	for (i = 0; i < k->doc.ntok; i++) {
		const struct token *t = &k->doc.toks[i];
		if (t->kind == TOK_WORD && t->word)
			rel_word(k, &ra, t->word, 1.0);
		else if (t->kind == TOK_NUM && i > 0 &&
		    name_number(k, &k->doc, i)) {
			uint32_t nw =
			    lexicon_word(k->lx, k->doc.text + t->off, t->len);
			if (nw != 0)
				rel_word(k, &ra, nw, 1.0);
		}
	}
	focus = ra.all > 0 ? ra.match / ra.all : 0;
	names = ra.names / 2.0;
	topic = ra.topic / 1.5;
	/* one stray topic word ("Israeli customers") does not make a match */
	if (ra.ntopic < 2)
		topic *= 0.5;
	r->relevance =
	    (names > 1.0 ? 1.0 : names) * (topic > 1.0 ? 1.0 : topic);
	r->relevant = r->relevance >= k->params.relevance_min;
	r->matched_terms = strdup(ra.terms);
	if (r->matched_terms == NULL)
		goto fail;
	log_debug("claims %s: relevance %.2f (names %.2f in %d, topic %.2f in "
		  "%d, focus %.2f): %s",
	    k->id, r->relevance, ra.names, ra.nnames, ra.topic, ra.ntopic,
	    focus, ra.terms);
	if (!r->relevant)
		goto out;
	for (si = 0; si < k->doc.nsent; si++)
		if (analyze_sentence(k, &k->doc, &k->doc.sents[si], u, r) == -1)
			goto fail;
out:
	free(u);
	return r;
fail:
	free(u);
	claims_result_free(r);
	return NULL;
}
