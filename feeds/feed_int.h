/* Internal helpers of feeds/: input preparation, strings, URLs. */
#ifndef SW_FEED_INT_H
#define SW_FEED_INT_H

#include <stddef.h>
#include <stdint.h>

/* A growable string; data NUL-terminated once anything was appended. */
struct sbuf {
	char *data;
	size_t len;
	size_t cap;
	int oom;
};

void sbuf_init(struct sbuf *b, size_t hint);
void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_adds(struct sbuf *b, const char *s);
/* Append the UTF-8 encoding of cp. */
void sbuf_add_cp(struct sbuf *b, uint32_t cp);
/* Hand over the string (caller frees) or NULL after oom; b is emptied. */
char *sbuf_steal(struct sbuf *b);
void sbuf_free(struct sbuf *b);

enum input_mode {
	INPUT_XML,  /* entities rewritten, DOCTYPE subsets refused */
	INPUT_HTML, /* charset from BOM > HTTP > meta; entities left to libxml2
		     */
	INPUT_TEXT, /* JSON and plain text: only decoding and repair */
};

/*
 * Bytes prepared for a parser: decoded to UTF-8 (BOM > HTTP charset >
 * declaration or meta > UTF-8), invalid sequences replaced by U+FFFD, C0
 * controls other than tab, CR and LF removed, and, for XML, predefined
 * entities turned into character references (libxml2 2.9 drops named
 * references once a document is found ill-formed), HTML named entities
 * replaced by their characters and stray '&' escaped.
 */
struct feed_input {
	char *data; /* NUL-terminated, owned */
	size_t len;
	int bozo;
	char reason[200]; /* first bozo reason */
	int refused;
	char refuse_reason[200];
	int has_doctype;
	char charset[48]; /* what was used, "UTF-8" when native */
};

/* 0, or -1 when memory ran out (in is then empty). */
int feed_input_prepare(struct feed_input *in, const char *buf, size_t len,
    const char *content_type, enum input_mode mode);
void feed_input_free(struct feed_input *in);

/* Length of a valid UTF-8 sequence at p (max n bytes), 0 when invalid. */
size_t feed_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * Copy n bytes as valid UTF-8 without C0 controls (tab and newline kept
 * unless collapse).  collapse folds whitespace runs to one space and trims.
 * Caller frees; NULL when memory ran out.
 */
char *feed_str_clean(const char *s, size_t n, int collapse);
/* Cut s in place to at most max bytes on a character boundary. */
void feed_str_truncate(char *s, size_t max);
/* Strip leading and trailing whitespace in place; returns s. */
char *feed_str_trim(char *s);

/*
 * Resolve ref against base (either may be NULL) and vet it: only http and
 * https survive, userinfo is removed, and results longer than max are
 * refused.  A relative ref without a base is kept as is.  Caller frees;
 * NULL when refused.
 */
char *feed_url_resolve(const char *base, const char *ref, size_t max);

/* Decode base64 (whitespace ignored); caller frees; NULL when malformed. */
char *feed_base64_decode(const char *s, size_t *len_out);

/* The feed URL a page advertises with <link rel=alternate>, or NULL. */
char *feed_html_find_alternate(
    const char *html, size_t len, const char *base_url);

#endif
