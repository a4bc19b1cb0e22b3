/* Internal to notify/: UTF-8 text built under a character or byte ceiling. */
#ifndef SW_NOTIFY_TEXT_H
#define SW_NOTIFY_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * How a limit is counted.  Chat services count "characters" the way
 * JavaScript does (UTF-16 code units), which is never fewer than code
 * points, so counting units keeps us under their limits whatever they mean.
 */
enum ntext_count {
	NTEXT_UTF16,
	NTEXT_BYTES,
};

/* Flags for ntext_put. */
#define NTEXT_ONELINE 0x1 /* line breaks and tabs become one space */
#define NTEXT_SLACK 0x2	  /* escape & < > for Slack mrkdwn */
#define NTEXT_ASCII 0x4	  /* replace non-ASCII with '?' (URLs in headers) */

/* A text under construction: never more than limit units. */
struct ntext {
	struct buf b;
	size_t used;
	size_t limit;
	enum ntext_count count;
};

/* Start empty with a ceiling of limit units counted as given. */
void ntext_init(struct ntext *t, size_t limit, enum ntext_count count);
/* Free the memory. */
void ntext_free(struct ntext *t);
/* Empty the text, keeping its ceiling. */
void ntext_reset(struct ntext *t);
/* The text so far, NUL-terminated; never NULL (borrowed). */
const char *ntext_str(const struct ntext *t);
/* Units left under the ceiling. */
size_t ntext_room(const struct ntext *t);
/*
 * Append the UTF-8 text s (n bytes), cleaned (control and bidi-override
 * characters dropped, invalid bytes become U+FFFD) and escaped by flags,
 * cut at a character boundary to at most max units (and the room left) with
 * a trailing "…" when cut.  Returns 0 when all of it went in, 1 when it was
 * cut, -1 when out of memory.
 */
int ntext_put(
    struct ntext *t, const char *s, size_t n, size_t max, unsigned flags);
/* ntext_put for a C string (NULL is empty). */
int ntext_puts(struct ntext *t, const char *s, size_t max, unsigned flags);
/*
 * Append literal UTF-8 (our own markup) only if all of it fits; 0, or -1
 * when it does not fit or memory ran out (t unchanged).
 */
int ntext_lit(struct ntext *t, const char *s);
/* Units s would take once cleaned and escaped by flags. */
size_t ntext_measure(
    const char *s, size_t n, unsigned flags, enum ntext_count count);
/* Units of a literal string. */
size_t ntext_units(const char *s, enum ntext_count count);

/*
 * Append url to t percent-encoding what is not safe inside markup or
 * headers (space, controls, non-ASCII, < > | " ` \ ^ { }).  Only http and
 * https URLs of at most max bytes once encoded are accepted: 0 when
 * appended, 1 when the URL was refused (t unchanged), -1 out of memory.
 */
int ntext_url(struct ntext *t, const char *url, size_t max);

/* Decode one UTF-8 sequence; returns its length (>= 1), U+FFFD on error. */
size_t ntext_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
