/* Internals shared by the claims engine's files: the knowledge layout and
 * sentence units. */
#ifndef SW_CLAIMS_INT_H
#define SW_CLAIMS_INT_H

#include "claims.h"
#include "figures.h"
#include "lexicon.h"
#include "strtab.h"
#include "text.h"

#define UNIT_MAX_WORDS 64
#define UNIT_MAX_ENTS 16
#define UNIT_MAX_FIGS 16

/* An entity in a sentence: interned key and its token words. */
struct unit_ent {
	uint32_t key; /* hash of the stems; never 0 */
	uint32_t words[6];
	uint8_t nwords;
	uint32_t tok_begin, tok_end;
};

/* What one sentence asserts, in comparable units. */
struct units {
	uint32_t words[UNIT_MAX_WORDS]; /* distinct content word ids */
	uint16_t nwords;
	struct unit_ent ents[UNIT_MAX_ENTS];
	uint16_t nents;
	struct figure figs[UNIT_MAX_FIGS];
	uint16_t nfigs;
	int quote, attributed, negated;
};

/* Cover keys: what a known sentence's words offer to coverage. */
#define TAG_STEM 0x80000000u  /* | stem id */
#define TAG_HYPER 0x40000000u /* | a hypernym concept */
#define CORE_MAX 8	      /* senses of a word compared */
#define HYPER_MAX 4	      /* hypernyms of a word compared */

/* A known sentence. */
struct ksent {
	char *text;
	uint32_t keys;	  /* offset of its cover keys in knowledge.keys */
	uint32_t learned; /* index + 1 into the learned items; 0: baseline */
	uint16_t nkeys;
	uint8_t borrowed; /* text belongs to the learned item */
	uint8_t negated;  /* it says "not", "no", "never" */
};

/* The figures of a known figure that most comparisons stop at. */
struct kfig_hot {
	double value, precision;
	uint32_t mark; /* generation of the last look at it */
	uint8_t kind;
};

/* A word at least this rare marks the story: a baseline word, or one word
 * of a configured term of several words. */
#define DISTINCT_SPEC 0.7f

/* Candidate neighbours of one sentence: at most RANK_WORDS posting lists of
 * at most DF_SCAN_MAX sentences (8 x 48), in a map twice as large. */
#define ACC_SLOTS 1024u

struct acc_slot {
	uint32_t post, gen; /* a posting (below) */
	float acc;
};

/*
 * A stem's posting: the sentence id and, in the low byte, its count of
 * content words (capped at 255), which ranking needs for every candidate:
 * kept here, it costs no lookup in a per-sentence array.  Sentences past
 * POSTING_SID_MAX (16.7 million, far beyond the memory of this machine)
 * get no postings.
 */
#define POSTING(sid, nw) ((uint32_t)(sid) << 8 | (uint32_t)(nw))
#define POSTING_SID(p) ((p) >> 8)
#define POSTING_NW(p) ((p)&0xffu)
#define POSTING_SID_MAX 0xffffffu

/* One slot of the scratch set. */
struct set_slot {
	uint32_t key, gen;
};

/* A known figure. */
struct kfig {
	struct figure f;
	char *text; /* as written */
	uint32_t sent;
	uint32_t seq; /* later figures supersede earlier ones */
	uint32_t
	    ctx_stem[FIG_MAX_CTX]; /* stems of f.ctx, for quick comparison */
};

struct vec32 {
	uint32_t *v;
	uint32_t n, cap;
};

struct knowledge {
	struct lexicon *lx;
	char *id;
	struct claims_params params;
	struct ksent *sents;
	size_t nsents, sentcap;
	struct vec32 keys; /* every sentence's sorted cover keys */
	struct kfig *figs;
	struct kfig_hot *fighot; /* parallel to figs */
	size_t nfigs, figcap;
	struct vec32 *lists; /* posting lists, referenced from the maps */
	size_t nlists, listcap;
	struct u32map con_df;	/* core concept -> count */
	struct u32map hyp_df;	/* hypernym concept -> count */
	struct u32map ent_df;	/* entity key -> count */
	struct u32map initials; /* initials of known names -> count */
	struct u32map entw_df;	/* stem of an entity word -> count */
	struct u32map lower_df; /* stem seen in lower case -> count */
	struct u32map
	    fig_post;	     /* stem of a figure's subject or context -> list */
	struct u32map dates; /* year*100+month (and 100*month) -> count */
	struct u32map
	    story; /* baseline stem -> bitmask of baseline documents */
	struct u32map story_spec;   /* baseline stem -> 1 + 1000 x its lowest
				       specificity in the baseline */
	struct u32map learned_df;   /* stem -> learned articles using it */
	struct u32map learned_from; /* stem -> hash of the last such url */
	uint32_t nbaseline;	    /* baseline documents added */
	uint32_t nbase_sents;	    /* baseline sentences indexed */
	struct u32map terms;	    /* configured term stem -> 1 */
	double story_mass;
	struct claims_learned *learned;
	size_t nlearned, learnedcap;
	uint64_t next_id;
	/* scratch for analysis */
	struct acc_slot acc[ACC_SLOTS]; /* neighbour scores, by sentence */
	uint16_t touched[ACC_SLOTS];
	uint32_t ntouched, acc_gen;
	struct doc doc;
	struct figure *figbuf;
	size_t nfigbuf, figbufcap;
	struct set_slot *set; /* generation-tagged set for coverage */
	uint32_t set_mask, set_n, gen;
	unsigned set_shift; /* 32 - log2(slots), for fib_slot */
	uint32_t fig_gen;
	/* per stem id, dense: seen in this article, and relevance info */
	uint32_t *stem_seen, *stem_info_gen;
	uint32_t *stem_list; /* posting list index + 1: sentences with it */
	uint8_t *stem_info;
	uint32_t stem_cap, rel_gen;
	uint32_t info_gen; /* bumped whenever the knowledge changes */
	/* per stem, dense: seen in this sentence's units */
	uint32_t *stem_unit, unit_gen;
	/* per word id, dense: global_cover cached while wcov_gen == info_gen */
	uint32_t *wcov_gen;
	uint8_t *wcov;
	uint32_t word_cap;
	/* the byte pairs that open furniture phrases, a bitmap; their lengths
	 */
	uint8_t furn_pair[8192];
	uint8_t furn_len[64];
	int furn_ready;
};

/* Make room for stem ids below limit in the per-stem arrays; 0/-1. */
int knowledge_stem_arrays(struct knowledge *k, uint32_t limit);
/* Make room for word ids below limit in the per-word arrays; 0/-1. */
int knowledge_word_arrays(struct knowledge *k, uint32_t limit);
/* Mark the knowledge changed: cached facts about stems and words are stale.
 */
void knowledge_changed(struct knowledge *k);

/* The postings of the sentences holding a stem (its length is the stem's
 * df), or NULL. */
static inline struct vec32 *
knowledge_stem_list(const struct knowledge *k, uint32_t stem)
{
	if (stem >= k->stem_cap || k->stem_list[stem] == 0)
		return NULL;
	return &k->lists[k->stem_list[stem] - 1];
}

/* True when number token i is part of a name (Unit 8200, +972). */
int name_number(struct knowledge *k, const struct doc *d, uint32_t i);
/* Fill u from the sentence s of d. */
void units_extract(struct knowledge *k, const struct doc *d,
    const struct sentence *s, struct units *u);
/* Add one sentence's units to the knowledge (learned: item index + 1, or 0).
 * 0/-1. */
int knowledge_index_sentence(struct knowledge *k, const struct doc *d,
    const struct sentence *s, const struct units *u, uint32_t learned);
/* Parse and index a whole text. 0/-1. */
int knowledge_index_text(
    struct knowledge *k, const char *text, size_t len, uint32_t learned);
/* Return the posting list for a key in map m (created on demand); NULL on
 * failure. */
struct vec32 *knowledge_list(
    struct knowledge *k, struct u32map *m, uint32_t key, int create);
/* The key of a weekday word in the dates map ("on Friday"); never 0. */
uint32_t knowledge_weekday_key(const struct lex_word *w);
/* The key of an acronym's lowercase letters in the initials map; never 0. */
uint32_t knowledge_initials_key(const char *letters, size_t n);
/* The parts of a date the dates map is keyed by. */
enum date_key {
	DATE_YEAR_MONTH,
	DATE_MONTH,
	DATE_YEAR,
	DATE_MONTH_DAY,
	DATE_NKEYS
};
/* Key of a date's parts (enum date_key) in the dates map; 0 when the date
 * lacks them. */
uint32_t knowledge_date_key(const struct figure *f, int which);
/* Copy n bytes of text as valid UTF-8 (bad bytes become U+FFFD, NULs go).
 * Caller frees; NULL on failure. */
char *claims_text_dup(const char *s, size_t n);
/* The figure's text as written. Caller frees. */
char *knowledge_tok_text(const struct doc *d, uint32_t tb, uint32_t te);

#endif
