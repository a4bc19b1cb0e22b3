/* Where each value of a JSON text stands (line:column by path), for errors. */
#ifndef SW_JSONPOS_H
#define SW_JSONPOS_H

#include <stddef.h>

struct jsonpos_entry {
	char *path;		  /* "feeds[2].interval"; "" is the root */
	int line, column;	  /* of the value */
	int key_line, key_column; /* of its key inside an object, else 0 */
};

struct jsonpos {
	struct jsonpos_entry *v;
	size_t n, cap;
};

/*
 * Index text (already known to be valid JSON, as jansson accepted it).
 * 0, or -1 when out of memory; the index is released with jsonpos_free().
 */
int jsonpos_index(struct jsonpos *jp, const char *text, size_t len);
/* Position of the value at path, or of its key when want_key; NULL if unknown.
 */
const struct jsonpos_entry *jsonpos_find(
    const struct jsonpos *jp, const char *path);
void jsonpos_free(struct jsonpos *jp);

#endif
