/* Internal: the document builder shared by the XML and JSON parsers. */
#ifndef SW_FEED_PARSE_INT_H
#define SW_FEED_PARSE_INT_H

#include <stddef.h>

#include "feed.h"

/* Record the first bozo reason (later ones are ignored). */
void feed_doc_set_bozo(struct feed_doc *doc, const char *reason);
/* Set the error kind and its readable message. */
void feed_doc_set_error(
    struct feed_doc *doc, enum feed_error e, const char *msg);
/* Append a zeroed entry (dates FEED_NO_DATE); NULL when memory ran out. */
struct feed_entry *feed_doc_add_entry(struct feed_doc *doc, size_t *cap);
/* Take ownership of cat and append it; 0, or -1 on no memory. */
int feed_entry_add_category(struct feed_entry *e, char *cat);
/* Fill doc from a JSON Feed 1.0/1.1 body. */
void feed_parse_json(struct feed_doc *doc, const char *buf, size_t len,
    const struct feed_parse_opts *o);

#endif
