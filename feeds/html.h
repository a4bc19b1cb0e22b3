/* HTML to plain text: feed summaries and the main text of article pages. */
#ifndef SW_FEED_HTML_H
#define SW_FEED_HTML_H

#include <stddef.h>

/*
 * Plain text of an HTML fragment (a feed summary or content, already
 * UTF-8): tags dropped, entities decoded, script and style skipped, block
 * elements and <br> as line breaks, one paragraph per line, whitespace
 * inside a line collapsed.  Caller frees; NULL when memory ran out or the
 * markup was refused (an attribute flood).
 */
char *html_to_text(const char *html, size_t len);

struct article {
	char *title; /* og:title, else the first h1, else <title>; or NULL */
	char *text;  /* main text, one paragraph, heading or list item a line */
};

/*
 * Extract the main text of an article page: drops script, style, nav,
 * header, footer, aside, form, comments and hidden elements, and blocks
 * whose class or id says banner, cookie, comments, related, share...;
 * picks the block with the densest paragraph text (scored by paragraph
 * length and commas, less link text), with sibling paragraphs that belong
 * to it.  content_type gives the HTTP charset (may be NULL; BOM > HTTP >
 * meta > UTF-8).  Returns a new article (text "" when nothing qualified)
 * freed with article_free(), or NULL when memory ran out or the page was
 * refused.
 */
struct article *article_extract(
    const char *html, size_t len, const char *content_type);

/* Free an article; NULL is harmless. */
void article_free(struct article *a);

#endif
