/*
 * A story's knowledge built from its config: the baseline files, the terms
 * and thresholds, and what storywatch learned from its own alerts.  The
 * daemon and `storywatchctl analyze` build stories the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "html.h"
#include "story.h"
#include "util.h"

/* Baseline files larger than this are refused. */
#define BASELINE_MAX (8 * 1024 * 1024)

static char *
read_text_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	struct buf b;
	char chunk[8192];
	size_t n;

	if (fp == NULL)
		return NULL;
	buf_init(&b, BASELINE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_append(&b, chunk, n) < 0) {
			fclose(fp);
			buf_free(&b);
			errno = EFBIG;
			return NULL;
		}
	}
	fclose(fp);
	if (b.data == NULL)
		buf_append(&b, "", 0);
	return buf_steal(&b, len);
}

static int
looks_like_html(const char *path, const char *text)
{
	const char *dot = strrchr(path, '.');

	if (dot != NULL &&
	    (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0))
		return 1;
	while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')
		text++;
	return strncasecmp(text, "<!doctype html", 14) == 0 ||
	    strncasecmp(text, "<html", 5) == 0;
}

int
story_add_baseline_file(
    struct knowledge *k, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *text = read_text_file(path, &len);

	if (text == NULL) {
		snprintf(err, errlen, "cannot read baseline %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (looks_like_html(path, text)) {
		struct article *a = article_extract(text, len, NULL);

		free(text);
		if (a == NULL || a->text == NULL || a->text[0] == '\0') {
			article_free(a);
			snprintf(
			    err, errlen, "no main text in baseline %s", path);
			return -1;
		}
		text = a->text;
		a->text = NULL;
		len = strlen(text);
		article_free(a);
	}
	if (knowledge_add_baseline(k, text, len, path) < 0) {
		free(text);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(text);
	return 0;
}

struct learned_load {
	struct knowledge *k;
	size_t n, bad;
};

static int
learned_load_cb(const struct store_learned *l, void *arg)
{
	struct learned_load *ll = arg;
	struct claims_learned item = { 0 };
	json_t *src = NULL;

	item.id = l->id;
	if (learned_kind_parse(l->kind, &item.kind) < 0) {
		ll->bad++;
		return 0;
	}
	item.text = (char *)l->text;
	item.url = (char *)l->url;
	item.title = (char *)l->title;
	item.time = l->time;
	item.corroborations = l->corroborations;
	if (l->sources_json != NULL)
		src = json_loads(l->sources_json, 0, NULL);
	if (json_is_array(src) && json_array_size(src) > 0) {
		item.sources = calloc(json_array_size(src), sizeof(char *));
		for (size_t i = 0;
		     item.sources != NULL && i < json_array_size(src); i++) {
			const char *u =
			    json_string_value(json_array_get(src, i));

			if (u != NULL)
				item.sources[item.nsources++] = (char *)u;
		}
	}
	if (knowledge_add_learned(ll->k, &item) < 0)
		ll->bad++;
	else
		ll->n++;
	free(item.sources);
	json_decref(src);
	return 0;
}

struct knowledge *
story_knowledge_build(struct lexicon *lx, const struct cfg_story *cs,
    struct store *st, size_t *baseline_sentences, size_t *learned, char *err,
    size_t errlen)
{
	struct claims_params params;
	struct learned_load ll = { 0 };
	struct knowledge *k;

	err[0] = '\0';
	claims_params_default(&params);
	if (cs->relevance_threshold >= 0)
		params.relevance_min = cs->relevance_threshold;
	if (cs->novelty_threshold >= 0)
		params.novelty_min = cs->novelty_threshold;
	if ((k = knowledge_new(lx, cs->id, &params)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cs->nbaseline; i++) {
		if (story_add_baseline_file(k, cs->baseline[i], err, errlen) <
		    0) {
			knowledge_free(k);
			return NULL;
		}
	}
	for (size_t i = 0; i < cs->nterms; i++)
		knowledge_add_term(k, cs->terms[i]);
	if (baseline_sentences != NULL)
		*baseline_sentences = knowledge_sentence_count(k);
	ll.k = k;
	if (st != NULL &&
	    store_learned_each(st, cs->id, learned_load_cb, &ll) < 0) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		knowledge_free(k);
		return NULL;
	}
	if (ll.bad > 0)
		snprintf(err, errlen,
		    "%zu stored knowledge items unreadable, skipped", ll.bad);
	if (learned != NULL)
		*learned = ll.n;
	return k;
}
