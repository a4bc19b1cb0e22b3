/* OPML subscription lists (config feeds_opml): file to list of feeds. */
#ifndef SW_OPML_H
#define SW_OPML_H

#include <stddef.h>

struct opml_outline {
	char *title;	/* title, else text attribute; may be NULL */
	char *xml_url;	/* absolute http(s) feed URL, never NULL */
	char *html_url; /* site URL or NULL */
};

struct opml_list {
	struct opml_outline *items; /* document order, duplicates dropped */
	size_t n;
	char **errors; /* "FILE:LINE: message", every one found */
	size_t nerrors;
};

/*
 * Parse OPML bytes; name labels errors (a path).  Outlines with an xmlUrl
 * at any depth become items; an xmlUrl that is not an absolute http(s)
 * URL is an error.  Returns 0 when there were no errors, else -1 with
 * out->errors filled (out->items keeps the valid outlines).  Free out with
 * opml_list_free() either way.
 */
int opml_parse_buf(
    const char *buf, size_t len, const char *name, struct opml_list *out);

/* opml_parse_buf on a file's contents (at most 16 MiB); same contract. */
int opml_parse_file(const char *path, struct opml_list *out);

/* Free what out holds and leave it empty; NULL is harmless. */
void opml_list_free(struct opml_list *out);

#endif
