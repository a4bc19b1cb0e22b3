/*
 * Where each value of a JSON text stands, by path.  jansson has no positions
 * for values, and a config error must say FILE:LINE:COLUMN, so a second,
 * trivial pass over text jansson already accepted records them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"
#include "util.h"

#define JSONPOS_MAX_DEPTH 64
#define JSONPOS_MAX_PATH 1024

struct scan {
	const char *p, *end;
	int line, col;
};

static void
adv(struct scan *s)
{
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else if (((unsigned char)*s->p & 0xc0) != 0x80) {
		s->col++;
	}
	s->p++;
}

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end &&
	    (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		adv(s);
}

/* Copies a JSON string's raw contents (escapes kept) into out. */
static void
scan_string(struct scan *s, char *out, size_t outlen)
{
	size_t n = 0;

	adv(s); /* opening quote */
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\' && s->p + 1 < s->end) {
			if (n + 1 < outlen)
				out[n++] = *s->p;
			adv(s);
		}
		if (n + 1 < outlen)
			out[n++] = *s->p;
		adv(s);
	}
	if (s->p < s->end)
		adv(s);
	if (outlen > 0)
		out[n] = '\0';
}

static int
record(struct jsonpos *jp, const char *path, int line, int col, int kline,
    int kcol)
{
	struct jsonpos_entry *e;

	if (jp->n == jp->cap) {
		size_t ncap = jp->cap ? jp->cap * 2 : 64;
		struct jsonpos_entry *nv = realloc(jp->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		jp->v = nv;
		jp->cap = ncap;
	}
	e = &jp->v[jp->n];
	if ((e->path = strdup(path)) == NULL)
		return -1;
	e->line = line;
	e->column = col;
	e->key_line = kline;
	e->key_column = kcol;
	jp->n++;
	return 0;
}

static int scan_value(
    struct jsonpos *, struct scan *, char *, size_t, int, int, int);

static int
scan_container(
    struct jsonpos *jp, struct scan *s, char *path, size_t plen, int depth)
{
	char close = *s->p == '{' ? '}' : ']';
	int is_obj = close == '}';
	long index = 0;

	if (depth >= JSONPOS_MAX_DEPTH)
		return 0;
	adv(s);
	for (;;) {
		char key[256];
		int kline = 0, kcol = 0;
		size_t n;

		skip_ws(s);
		if (s->p >= s->end)
			return 0;
		if (*s->p == close) {
			adv(s);
			return 0;
		}
		if (*s->p == ',') {
			adv(s);
			continue;
		}
		if (is_obj) {
			kline = s->line;
			kcol = s->col;
			scan_string(s, key, sizeof(key));
			skip_ws(s);
			if (s->p < s->end && *s->p == ':')
				adv(s);
			n = (size_t)snprintf(path + plen,
			    JSONPOS_MAX_PATH - plen, "%s%s", plen ? "." : "",
			    key);
		} else {
			n = (size_t)snprintf(path + plen,
			    JSONPOS_MAX_PATH - plen, "[%ld]", index++);
		}
		if (n >= JSONPOS_MAX_PATH - plen)
			n = JSONPOS_MAX_PATH - plen - 1;
		skip_ws(s);
		if (scan_value(jp, s, path, plen + n, depth + 1, kline, kcol) <
		    0)
			return -1;
		path[plen] = '\0';
	}
}

static int
scan_value(struct jsonpos *jp, struct scan *s, char *path, size_t plen,
    int depth, int kline, int kcol)
{
	char dummy[2];

	if (s->p >= s->end)
		return 0;
	if (record(jp, path, s->line, s->col, kline, kcol) < 0)
		return -1;
	switch (*s->p) {
	case '{':
	case '[':
		return scan_container(jp, s, path, plen, depth);
	case '"':
		scan_string(s, dummy, sizeof(dummy));
		return 0;
	default:
		while (s->p < s->end && *s->p != ',' && *s->p != '}' &&
		    *s->p != ']' && *s->p != ' ' && *s->p != '\n' &&
		    *s->p != '\t' && *s->p != '\r')
			adv(s);
		return 0;
	}
}

int
jsonpos_index(struct jsonpos *jp, const char *text, size_t len)
{
	struct scan s = { text, text + len, 1, 1 };
	char path[JSONPOS_MAX_PATH] = "";

	jp->v = NULL;
	jp->n = jp->cap = 0;
	/* A UTF-8 BOM is not a column. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		s.p += 3;
	skip_ws(&s);
	return scan_value(jp, &s, path, 0, 0, 0, 0);
}

const struct jsonpos_entry *
jsonpos_find(const struct jsonpos *jp, const char *path)
{
	for (size_t i = 0; i < jp->n; i++)
		if (strcmp(jp->v[i].path, path) == 0)
			return &jp->v[i];
	return NULL;
}

void
jsonpos_free(struct jsonpos *jp)
{
	for (size_t i = 0; i < jp->n; i++)
		free(jp->v[i].path);
	free(jp->v);
	jp->v = NULL;
	jp->n = jp->cap = 0;
}
