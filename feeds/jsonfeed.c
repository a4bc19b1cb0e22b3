/* JSON Feed 1.0/1.1 parsing, and the JSON rendering of a parsed feed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed.h"
#include "feed_date.h"
#include "feed_int.h"
#include "feed_parse_int.h"

static char *
jstr(json_t *obj, const char *key, int collapse)
{
	json_t *v = json_object_get(obj, key);
	char tmp[32];

	if (json_is_integer(v)) {
		/* JSON Feed 1.0 ids were sometimes numbers */
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return strdup(tmp);
	}
	if (!json_is_string(v))
		return NULL;
	char *r = feed_str_clean(
	    json_string_value(v), json_string_length(v), collapse);
	if (r != NULL && !collapse)
		feed_str_trim(r);
	if (r != NULL && r[0] == '\0') {
		free(r);
		return NULL;
	}
	return r;
}

static int64_t
jdate(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	int64_t t;

	if (json_is_string(v) && feed_date_parse(json_string_value(v), &t) == 0)
		return t;
	return FEED_NO_DATE;
}

static char *
jauthor(json_t *item)
{
	json_t *a = json_object_get(item, "authors");

	if (json_is_array(a) && json_array_size(a) > 0)
		return jstr(json_array_get(a, 0), "name", 1);
	a = json_object_get(item, "author");
	if (json_is_object(a))
		return jstr(a, "name", 1);
	return NULL;
}

static char *
jlink(json_t *obj, const char *key, const struct feed_parse_opts *o)
{
	char *u = jstr(obj, key, 1), *r;

	if (u == NULL)
		return NULL;
	r = feed_url_resolve(o->base_url, u, o->max_url_len);
	free(u);
	return r;
}

void
feed_parse_json(struct feed_doc *doc, const char *buf, size_t len,
    const struct feed_parse_opts *o)
{
	struct feed_input in;
	json_error_t jerr;
	json_t *root = NULL, *items, *item;
	const char *version;
	size_t i, cap = 0;

	if (feed_input_prepare(&in, buf, len, o->content_type, INPUT_TEXT) <
	    0) {
		feed_doc_set_error(doc, FEED_ERR_MALFORMED, "out of memory");
		return;
	}
	if (in.bozo)
		feed_doc_set_bozo(doc, in.reason);
	root = json_loadb(in.data, in.len, JSON_ALLOW_NUL, &jerr);
	if (root == NULL) {
		char msg[256];
		snprintf(msg, sizeof(msg), "line %d: %s", jerr.line, jerr.text);
		feed_doc_set_error(doc, FEED_ERR_MALFORMED, msg);
		feed_doc_set_bozo(doc, msg);
		goto out;
	}
	version = json_string_value(json_object_get(root, "version"));
	if (!json_is_object(root) || version == NULL ||
	    strstr(version, "jsonfeed.org/version/") == NULL) {
		feed_doc_set_error(doc, FEED_ERR_NOT_A_FEED,
		    "not a feed: JSON document without a JSON Feed version");
		feed_doc_set_bozo(doc, doc->error_msg);
		goto out;
	}
	doc->format = FEED_FORMAT_JSONFEED;
	doc->title = jstr(root, "title", 1);
	doc->link = jlink(root, "home_page_url", o);
	items = json_object_get(root, "items");
	if (!json_is_array(items)) {
		feed_doc_set_bozo(doc, "JSON Feed without an items array");
		goto out;
	}
	json_array_foreach(items, i, item)
	{
		struct feed_entry *e;
		json_t *tags, *tag;
		size_t k;

		if (!json_is_object(item))
			continue;
		e = feed_doc_add_entry(doc, &cap);
		if (e == NULL)
			goto oom;
		e->id = jstr(item, "id", 1);
		if (e->id != NULL)
			e->id_source = FEED_ID_GUID;
		e->link = jlink(item, "url", o);
		if (e->link == NULL)
			e->link = jlink(item, "external_url", o);
		e->title = jstr(item, "title", 1);
		e->author = jauthor(item);
		e->published = jdate(item, "date_published");
		e->updated = jdate(item, "date_modified");
		e->summary = jstr(item, "summary", 0);
		e->content = jstr(item, "content_html", 0);
		if (e->content == NULL)
			e->content = jstr(item, "content_text", 0);
		tags = json_object_get(item, "tags");
		json_array_foreach(tags, k, tag)
		{
			if (json_is_string(tag) &&
			    feed_entry_add_category(e,
				feed_str_clean(json_string_value(tag),
				    json_string_length(tag), 1)) < 0)
				goto oom;
		}
	}
	goto out;
oom:
	feed_doc_set_error(doc, FEED_ERR_MALFORMED, "out of memory");
out:
	json_decref(root);
	feed_input_free(&in);
}

static json_t *
jstr_or_null(const char *s)
{
	json_t *v;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	/* strings are valid UTF-8 by construction; stay total anyway */
	return v != NULL ? v : json_null();
}

static json_t *
jdate_or_null(int64_t t)
{
	char buf[32];

	if (t == FEED_NO_DATE)
		return json_null();
	return json_string(feed_date_format(t, buf, sizeof(buf)));
}

json_t *
feed_doc_to_json(const struct feed_doc *doc)
{
	json_t *o = NULL, *feed = NULL, *entries = NULL;
	/* a document that gave nothing: say why, not the first parse error */
	const char *reason =
	    doc->error != FEED_OK ? doc->error_msg : doc->bozo_reason;

	o = json_object();
	feed = json_object();
	entries = json_array();
	if (o == NULL || feed == NULL || entries == NULL)
		goto fail;
	if (json_object_set_new(
		o, "format", json_string(feed_format_name(doc->format))) < 0 ||
	    json_object_set_new(o, "bozo",
		json_boolean(doc->bozo || doc->error != FEED_OK)) < 0 ||
	    json_object_set_new(o, "bozo_reason", jstr_or_null(reason)) < 0 ||
	    json_object_set_new(feed, "title", jstr_or_null(doc->title)) < 0 ||
	    json_object_set_new(feed, "link", jstr_or_null(doc->link)) < 0)
		goto fail;
	if (json_object_set_new(o, "feed", feed) < 0) {
		feed = NULL;
		goto fail;
	}
	feed = NULL;
	for (size_t i = 0; i < doc->nentries; i++) {
		const struct feed_entry *e = &doc->entries[i];
		json_t *je = json_object();
		if (je == NULL || json_array_append_new(entries, je) < 0)
			goto fail;
		if (json_object_set_new(je, "id", jstr_or_null(e->id)) < 0 ||
		    json_object_set_new(je, "link", jstr_or_null(e->link)) <
			0 ||
		    json_object_set_new(je, "title", jstr_or_null(e->title)) <
			0 ||
		    json_object_set_new(je, "author", jstr_or_null(e->author)) <
			0 ||
		    json_object_set_new(
			je, "published", jdate_or_null(e->published)) < 0 ||
		    json_object_set_new(
			je, "updated", jdate_or_null(e->updated)) < 0 ||
		    json_object_set_new(
			je, "summary", jstr_or_null(e->summary)) < 0 ||
		    json_object_set_new(
			je, "content", jstr_or_null(e->content)) < 0)
			goto fail;
	}
	if (json_object_set_new(o, "entries", entries) < 0) {
		entries = NULL;
		goto fail;
	}
	return o;
fail:
	json_decref(feed);
	json_decref(entries);
	json_decref(o);
	return NULL;
}
