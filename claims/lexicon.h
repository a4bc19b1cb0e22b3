/* The shared word table of the claims engine: stems, stop words, background
 * specificity and WordNet concepts. */
#ifndef SW_CLAIMS_LEXICON_H
#define SW_CLAIMS_LEXICON_H

#include <stddef.h>
#include <stdint.h>

/* Word flags. */
#define LEXW_STOP 0x01	  /* function word: carries no claim */
#define LEXW_WORDNET 0x02 /* known to WordNet (common English) */
#define LEXW_MONTH 0x04
#define LEXW_WEEKDAY 0x08
#define LEXW_REPORT 0x10   /* said, told: attribution, not content */
#define LEXW_PROPER 0x20   /* a name to WordNet (Israel, Gaza) */
#define LEXW_NUMERIC 0x40  /* part of figures: four, million */
#define LEXW_NEG 0x80	   /* negation: not, never, n't */
#define LEXW_VERB 0x100	   /* WordNet knows it as a verb */
#define LEXW_AUX 0x200	   /* auxiliary or modal: is, has, will */
#define LEXW_VERB_ED 0x400 /* a WordNet verb in -ed: urged, arrested */

/*
 * One distinct folded surface form.  Concepts are WordNet synsets encoded as
 * (pos << 24 | offset); "core" holds the word's own senses and the synsets
 * reached by derivation, pertainym and similarity, "hyper" the direct
 * hypernyms of those senses.
 */
struct lex_word {
	uint32_t stem;	/* interned stem id */
	float spec;	/* background specificity, 0 (common) .. 1 (rare) */
	uint32_t flags; /* LEXW_* */
	uint32_t con_off;
	uint16_t ncore;
	uint16_t nhyper;
	uint32_t month; /* 1..12 when LEXW_MONTH */
};

struct lexicon;

/*
 * Load the lexicon; dir is the WordNet dict folder (NULL: /usr/share/wordnet).
 * Without WordNet data the lexicon still works with stems only.  Caller frees
 * with lexicon_free; NULL on allocation failure.
 */
struct lexicon *lexicon_new(const char *dir);
/* Release everything; NULL is harmless. */
void lexicon_free(struct lexicon *lx);
/* True when WordNet data was found and mapped. */
int lexicon_has_wordnet(const struct lexicon *lx);

/*
 * The id of a folded word (lower case, NFKC, no marks), created and analysed
 * on first sight; 0 on allocation failure or empty input.  Ids stay valid for
 * the lexicon's life.
 */
uint32_t lexicon_word(struct lexicon *lx, const char *s, size_t n);
/* The record of word id; never NULL for an id lexicon_word returned. */
const struct lex_word *lexicon_get(const struct lexicon *lx, uint32_t id);
/* The folded text of word id (borrowed). */
const char *lexicon_word_text(const struct lexicon *lx, uint32_t id);
/* The concepts of a word (core first, then hyper); borrowed. */
const uint32_t *lexicon_concepts(
    const struct lexicon *lx, const struct lex_word *w);
/* Intern any string (entity keys, stems); id > 0, or 0 on failure. */
uint32_t lexicon_intern(struct lexicon *lx, const char *s, size_t n);
/* The text of an interned id (borrowed). */
const char *lexicon_interned_text(const struct lexicon *lx, uint32_t id);
/* Number of interned strings + 1 (ids are below this). */
uint32_t lexicon_intern_limit(const struct lexicon *lx);
/* Bytes held by the lexicon (for benchmarks). */
size_t lexicon_memory(const struct lexicon *lx);

#endif
