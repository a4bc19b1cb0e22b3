/* Text of one article for the claims engine: tokens with original offsets,
 * folded words, and sentences. */
#ifndef SW_CLAIMS_TEXT_H
#define SW_CLAIMS_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct lexicon;

enum tok_kind { TOK_WORD, TOK_NUM, TOK_PUNCT };

/* Token flags. */
#define TF_CAP 0x01	/* starts with a capital letter */
#define TF_ALLCAP 0x02	/* two or more letters, all capitals */
#define TF_POSS 0x04	/* followed by a possessive 's */
#define TF_LINE 0x08	/* first token of a line */
#define TF_SPACE 0x10	/* whitespace before it */
#define TF_ORDINAL 0x20 /* 1st, 2nd, 3rd, 4th */
#define TF_ACRONYM 0x40 /* dotted: U.S., e.g. */
#define TF_TIME 0x80	/* 10:30 */

/* Punctuation classes (token ch for TOK_PUNCT). */
#define P_ELLIPSIS 'E'
#define P_BULLET 'B'
#define P_EURO 'e'
#define P_POUND 'l'
#define P_OPENQ 'Q' /* opening double quote */
#define P_CLOSEQ 'q'

struct token {
	uint32_t off, len; /* bytes of the original text */
	uint32_t word;	   /* lexicon word id for TOK_WORD */
	uint8_t kind;
	uint8_t flags;
	char ch; /* punctuation class or ASCII character */
};

/* Sentence flags. */
#define SF_BULLET 0x01 /* a list item */
#define SF_NOTERM 0x02 /* no final punctuation: heading, caption or list */
#define SF_QUOTE 0x04  /* holds a direct quotation */

struct sentence {
	uint32_t off, len;	     /* bytes of the original text */
	uint32_t tok_begin, tok_end; /* [begin, end) into doc tokens */
	uint32_t flags;
};

/* A parsed text; reusable across articles to keep allocations down. */
struct doc {
	const char *text; /* borrowed */
	size_t len;
	struct token *toks;
	size_t ntok, tokcap;
	struct sentence *sents;
	size_t nsent, sentcap;
};

/* Start empty. */
void doc_init(struct doc *d);
/* Free the arrays; the doc is reusable after doc_init. */
void doc_free(struct doc *d);
/*
 * Tokenise text (borrowed until the next parse) and split it into
 * sentences: line breaks, bullets and headings are boundaries; abbreviations,
 * initials, decimals and quotations are not.  Invalid UTF-8 bytes are
 * skipped.  0, or -1 on allocation failure.
 */
int doc_parse(struct doc *d, struct lexicon *lx, const char *text, size_t len);

/* The LEXW_ABBR_* and LEXW_STARTER flags of a folded word (the lexicon
 * asks once per distinct word). */
uint32_t text_word_flags(const char *w);

/* True when the token's original text equals s, ignoring ASCII case. */
int text_tok_is(const struct doc *d, const struct token *t, const char *s);

#endif
