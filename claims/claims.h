/*
 * The claims engine: a story's knowledge (baseline plus learned claims), and
 * the analysis of one article against it: relevance, new claims, changed
 * figures, with the evidence for each.  Pure: text in, structs out.
 */
#ifndef SW_CLAIMS_H
#define SW_CLAIMS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct lexicon;
struct knowledge;

/*
 * Thresholds a story may override; claims_params_default() fills them.
 * relevance is (story names found, saturating at two) x (story topic words
 * found, saturating at 1.5 worth of specificity), each 0..1.  A sentence is
 * new when its information units (a name or count the knowledge lacks: 1; a
 * new year, an ordinal or a new actor: 0.5 or 0.75) plus 0.4 per unit of
 * uncovered specificity (scaled down while that is under 30% of the
 * sentence, so reworded restatements stay known) reach unit_min, or when
 * novelty_min of its content is uncovered.
 */
struct claims_params {
	double relevance_min; /* 0.4 */
	double novelty_min;   /* 0.45: share of content the knowledge lacks */
	double unit_min;      /* 1.0 */
	int min_words;	      /* 4: content words a claim needs */
};

/* The defaults (also used when a story sets none). */
void claims_params_default(struct claims_params *p);

/* A new claim: one sentence of the article. */
struct claims_claim {
	char *text;	     /* as written in the article */
	size_t off, len;     /* bytes of the body passed to claims_analyze */
	double novelty;	     /* 0..1: how much of it the knowledge lacks */
	char *nearest;	     /* the closest known sentence, or NULL */
	uint64_t nearest_id; /* learned item id of nearest, 0 for baseline */
	char *why;	     /* the new units, e.g. "entity:Brad Smith" */
};

/* One side of a changed figure. */
struct claims_figref {
	char *text; /* the figure as written ("more than 67,000") */
	double value;
	char *sentence; /* the sentence holding it */
};

/* A figure giving a new value for something the story already counted. */
struct claims_change {
	char *subject; /* what it counts, from the known figure's noun phrase */
	struct claims_figref old, new;
};

/* The analysis of one article; free with claims_result_free. */
struct claims_result {
	int relevant;
	double relevance;
	char *matched_terms; /* story terms found, comma separated */
	struct claims_claim *claims;
	size_t nclaims;
	struct claims_change *changes;
	size_t nchanges;
	uint64_t *corroborated; /* learned item ids this article repeats */
	size_t ncorroborated;
};

/* Kinds of learned knowledge. */
enum learned_kind { LEARNED_CLAIM, LEARNED_FIGURE, LEARNED_NKINDS };
/* The name of a learned kind ("claim", "figure"); never NULL. */
const char *learned_kind_name(enum learned_kind k);
/* Parse a learned kind name; 0 or -1. */
int learned_kind_parse(const char *s, enum learned_kind *out);

/*
 * A learned item as the store keeps it.  All strings may be NULL except
 * text.  Records handed out by the knowledge are borrowed.
 */
struct claims_learned {
	uint64_t id; /* > 0, unique within the story */
	enum learned_kind kind;
	char *text; /* the sentence */
	char *url;  /* the article it came from */
	char *title;
	int64_t time; /* seconds since the epoch */
	uint32_t corroborations;
	char **sources; /* urls of articles that repeated it */
	size_t nsources;
};

/*
 * Load the shared word data (WordNet dict folder; NULL for the system
 * default).  One per process, shared by every story; caller frees with
 * claims_lexicon_free.  NULL on allocation failure; missing WordNet data is
 * not a failure (synonyms are then unavailable).
 */
struct lexicon *claims_lexicon_new(const char *wordnet_dir);
/* Free the lexicon after every knowledge using it; NULL is harmless. */
void claims_lexicon_free(struct lexicon *lx);

/*
 * An empty story knowledge using lx (borrowed; it must outlive the
 * knowledge).  params may be NULL for the defaults.  NULL on failure.
 */
struct knowledge *knowledge_new(struct lexicon *lx, const char *story_id,
    const struct claims_params *params);
/* Free a knowledge; NULL is harmless. */
void knowledge_free(struct knowledge *k);
/* The story id given to knowledge_new (borrowed). */
const char *knowledge_story_id(const struct knowledge *k);

/*
 * Add one baseline document (plain text; source names it in explanations).
 * Baseline is never altered afterwards.  0, or -1 on allocation failure.
 */
int knowledge_add_baseline(
    struct knowledge *k, const char *text, size_t len, const char *source);
/* Add a configured term (a name that marks an article as about the story).
 * 0/-1. */
int knowledge_add_term(struct knowledge *k, const char *term);
/*
 * Re-load an item learned earlier (copied), in ascending id order as the
 * store lists them.  Its id is kept; ids given by later knowledge_learn
 * calls are above every loaded id.  0, or -1 on allocation failure, a zero,
 * duplicate or out-of-order id, or a NULL text.
 */
int knowledge_add_learned(
    struct knowledge *k, const struct claims_learned *item);
/*
 * Learn from an alerted article: its new claims and changed figures become
 * learned items, and the learned items it corroborated gain a count and the
 * url as a source.  url/title may be NULL.  Returns the number of items
 * added, or -1 on allocation failure.
 */
int knowledge_learn(struct knowledge *k, const struct claims_result *r,
    const char *url, const char *title, int64_t when);
/* Number of learned items. */
size_t knowledge_learned_count(const struct knowledge *k);
/* Learned item i (0-based, in the order learned), borrowed; NULL past the end.
 */
const struct claims_learned *knowledge_learned_get(
    const struct knowledge *k, size_t i);
/* Learned item by id, borrowed; NULL when unknown. */
const struct claims_learned *knowledge_learned_find(
    const struct knowledge *k, uint64_t id);
/* Sentences known (baseline and learned). */
size_t knowledge_sentence_count(const struct knowledge *k);

/*
 * Analyse an article (title may be NULL; body is UTF-8, invalid bytes are
 * skipped) against the story.  Caller frees with claims_result_free; NULL on
 * allocation failure.  Not thread-safe: one knowledge, one caller at a time.
 */
struct claims_result *claims_analyze(
    struct knowledge *k, const char *title, const char *body, size_t len);
/* Free a result; NULL is harmless. */
void claims_result_free(struct claims_result *r);

/* Flags for claims_result_to_json. */
#define CLAIMS_JSON_EXPLAIN 0x01 /* add "why", "terms" and "corroborates" */

/*
 * The result as {"relevant", "relevance", "new_claims": [{"text",
 * "novelty", "nearest"}], "changed_figures": [{"subject", "old": {"text",
 * "value", "sentence"}, "new": {...}}]}; the webhook payload and
 * `storywatchctl analyze --json` share it.  New reference; NULL on failure.
 */
json_t *claims_result_to_json(const struct claims_result *r, int flags);
/* One claim object as in claims_result_to_json; new reference or NULL. */
json_t *claims_claim_to_json(const struct claims_claim *c, int flags);
/* One changed-figure object as in claims_result_to_json; new reference or NULL.
 */
json_t *claims_change_to_json(const struct claims_change *c);

#endif
