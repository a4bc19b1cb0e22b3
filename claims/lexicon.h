/* The shared word table of the claims engine: stems, stop words, background
 * specificity and WordNet concepts. */
#ifndef SW_CLAIMS_LEXICON_H
#define SW_CLAIMS_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "figures.h"

/* Word flags. */
#define LEXW_STOP 0x01	  /* function word: carries no claim */
#define LEXW_WORDNET 0x02 /* known to WordNet (common English) */
#define LEXW_MONTH 0x04
#define LEXW_WEEKDAY 0x08
#define LEXW_REPORT 0x10      /* said, told: attribution, not content */
#define LEXW_PROPER 0x20      /* a name to WordNet (Israel, Gaza) */
#define LEXW_NUMERIC 0x40     /* part of figures: four, million */
#define LEXW_NEG 0x80	      /* negation: not, never, n't */
#define LEXW_VERB 0x100	      /* WordNet knows it as a verb */
#define LEXW_AUX 0x200	      /* auxiliary or modal: is, has, will */
#define LEXW_VERB_ED 0x400    /* a WordNet verb in -ed: urged, arrested */
#define LEXW_ABBR_TITLE 0x800 /* Mr, Dr, No: a period after it never ends */
#define LEXW_ABBR_END 0x1000  /* Inc, Jan: ends only before a starter */
#define LEXW_STARTER 0x2000   /* The, But: a typical sentence opener */
#define LEXW_PERSON 0x4000    /* a noun that counts people (or deaths) */
#define LEXW_PEOPLE 0x8000    /* ... and a general one: people, individuals */
#define LEXW_MODIFIER 0x10000 /* only an adjective or adverb to WordNet */
#define LEXW_LEGAL 0x20000    /* a legal form after a name: inc, llp */

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
	uint8_t month;	     /* 1..12 when LEXW_MONTH (or may, march) */
	struct fig_word fig; /* its part in figures */
};

/* Longest folded word the lexicon keeps (longer ones are cut). */
#define LEXICON_WORD_MAX 64

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
/* The id of a folded word the lexicon has already seen, or 0; never adds
 * one (for lookups of arbitrary text that must not grow the table). */
uint32_t lexicon_find(const struct lexicon *lx, const char *s, size_t n);
/* lexicon_word with h = strtab_hash(s, n) already known and n at most
 * LEXICON_WORD_MAX; 0 on failure or an empty or longer word. */
uint32_t lexicon_word_h(
    struct lexicon *lx, const char *s, size_t n, uint32_t h);
/* The first members of struct lexicon: what the inline accessors read. */
struct lexicon_head {
	struct lex_word *w; /* by word id */
	uint32_t *con;	    /* concepts, from lex_word.con_off */
};

/* The record of word id; never NULL for an id lexicon_word returned. */
static inline const struct lex_word *
lexicon_get(const struct lexicon *lx, uint32_t id)
{
	return &((const struct lexicon_head *)(const void *)lx)->w[id];
}
/* The folded text of word id (borrowed). */
const char *lexicon_word_text(const struct lexicon *lx, uint32_t id);
/* The concepts of a word (core first, then hyper); borrowed. */
static inline const uint32_t *
lexicon_concepts(const struct lexicon *lx, const struct lex_word *w)
{
	return ((const struct lexicon_head *)(const void *)lx)->con +
	    w->con_off;
}
/* Intern any string (entity keys, stems); id > 0, or 0 on failure. */
uint32_t lexicon_intern(struct lexicon *lx, const char *s, size_t n);
/* The text of an interned id (borrowed). */
const char *lexicon_interned_text(const struct lexicon *lx, uint32_t id);
/* Number of distinct words + 1 (word ids are below this). */
uint32_t lexicon_word_limit(const struct lexicon *lx);
/* Number of interned strings + 1 (ids are below this). */
uint32_t lexicon_intern_limit(const struct lexicon *lx);
/* Bytes held by the lexicon (for benchmarks). */
size_t lexicon_memory(const struct lexicon *lx);

#endif
