/* Renders one alert in each webhook format, within each receiving service's
 * limits. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "payload.h"
#include "notify_text.h"
#include "util.h"

/* Serialise reals the way people write them: 0.83, not 0.82999999999999996. */
#define JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

static const char *const format_names[NOTIFY_FORMAT_COUNT] = {
	[NOTIFY_FORMAT_JSON] = "json",
	[NOTIFY_FORMAT_SLACK] = "slack",
	[NOTIFY_FORMAT_DISCORD] = "discord",
	[NOTIFY_FORMAT_NTFY] = "ntfy",
	[NOTIFY_FORMAT_TEXT] = "text",
};

const char *
notify_format_name(enum notify_format fmt)
{
	if ((unsigned)fmt >= NOTIFY_FORMAT_COUNT)
		return "?";
	return format_names[fmt];
}

int
notify_format_parse(const char *s, enum notify_format *out)
{
	for (size_t i = 0; s != NULL && i < NOTIFY_FORMAT_COUNT; i++) {
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum notify_format)i;
			return 0;
		}
	}
	return -1;
}

/* The three lists of an alert, in the order every format shows them. */
enum alert_list {
	LIST_CLAIMS,
	LIST_FIGURES,
	LIST_CORROBORATED,
	LIST_COUNT,
};

static const char *const list_keys[LIST_COUNT] = { "new_claims",
	"changed_figures", "corroborated" };
static const char *const list_headings[LIST_COUNT] = { "New claims",
	"Changed figures", "Corroborated" };
static const char *const list_one[LIST_COUNT] = { "claim", "changed figure",
	"corroborated claim" };
static const char *const list_many[LIST_COUNT] = { "claims", "changed figures",
	"corroborated claims" };

/* Borrowed pointers into the alert; "" for what is missing or mistyped. */
struct alert_view {
	const char *id;
	const char *kind;
	const char *detected_at;
	const char *story_id;
	const char *story_title;
	const char *url;
	const char *title;
	const char *published;
	const char *feed_id;
	const char *feed_title;
	const json_t *lists[LIST_COUNT];
	size_t counts[LIST_COUNT];
	int test;
};

static const char *
jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void
alert_view_init(struct alert_view *v, const json_t *a)
{
	const json_t *story = json_object_get(a, "story");
	const json_t *article = json_object_get(a, "article");
	const json_t *feed = json_object_get(article, "feed");

	v->id = jstr(a, "id");
	v->kind = jstr(a, "kind");
	v->detected_at = jstr(a, "detected_at");
	v->story_id = jstr(story, "id");
	v->story_title = jstr(story, "title");
	if (*v->story_title == '\0')
		v->story_title =
		    *v->story_id != '\0' ? v->story_id : "storywatch";
	v->url = jstr(article, "url");
	v->title = jstr(article, "title");
	v->published = jstr(article, "published");
	v->feed_id = jstr(feed, "id");
	v->feed_title = jstr(feed, "title");
	if (*v->feed_title == '\0')
		v->feed_title = v->feed_id;
	for (int k = 0; k < LIST_COUNT; k++) {
		const json_t *l = json_object_get(a, list_keys[k]);

		v->lists[k] = json_is_array(l) ? l : NULL;
		v->counts[k] = json_array_size(l);
	}
	v->test = json_is_true(json_object_get(a, "test"));
}

static const char *
kind_label(const struct alert_view *v)
{
	if (strcmp(v->kind, "new_article") == 0)
		return "New article";
	if (strcmp(v->kind, "article_updated") == 0)
		return "Article updated";
	return "Story update";
}

/* Per-format markup around the parts of one list item. */
struct item_style {
	const char *bullet; /* before each item */
	const char *strong; /* around a figure's subject */
	unsigned flags;	    /* ntext flags for text from the alert */
	int show_novelty;   /* " (novelty 0.83)" after a claim */
	size_t part_max;    /* units for one part (subject, old, new) */
};

/*
 * Render item of list k into line (already initialised with the item's
 * ceiling).  The ceiling always holds the markup, so at worst the
 * alert's text is cut.  0, or -1 out of memory.
 */
static int
item_render(struct ntext *line, const json_t *item, enum alert_list k,
    const struct item_style *st)
{
	char suffix[64] = "";
	size_t sfx;

	if (ntext_lit(line, st->bullet) == -1)
		return -1;
	if (k == LIST_FIGURES) {
		const char *subject = jstr(item, "subject");
		const json_t *old = json_object_get(item, "old");
		const json_t *new = json_object_get(item, "new");

		if (ntext_lit(line, st->strong) == -1 ||
		    ntext_puts(line, *subject ? subject : "figure",
			st->part_max, st->flags) == -1 ||
		    ntext_lit(line, st->strong) == -1 ||
		    ntext_lit(line, ": ") == -1 ||
		    ntext_puts(line, jstr(old, "text"), st->part_max,
			st->flags) == -1 ||
		    ntext_lit(line, " \xe2\x86\x92 ") == -1 ||
		    ntext_puts(
			line, jstr(new, "text"), st->part_max, st->flags) == -1)
			return -1;
		return 0;
	}
	if (k == LIST_CLAIMS && st->show_novelty &&
	    json_is_number(json_object_get(item, "novelty")))
		snprintf(suffix, sizeof(suffix), " (novelty %.2f)",
		    json_number_value(json_object_get(item, "novelty")));
	else if (k == LIST_CORROBORATED) {
		json_int_t n =
		    json_integer_value(json_object_get(item, "count"));

		snprintf(suffix, sizeof(suffix), " (%lld source%s)",
		    (long long)n, n == 1 ? "" : "s");
	}
	sfx = ntext_units(suffix, line->count);
	if (ntext_puts(line, jstr(item, "text"),
		ntext_room(line) > sfx ? ntext_room(line) - sfx : 0,
		st->flags) == -1 ||
	    ntext_lit(line, suffix) == -1)
		return -1;
	return 0;
}

/* "… and 7 more claims, 1 more changed figure" into t, if anything was left
 * out. */
static int
note_render(struct ntext *t, const size_t omitted[LIST_COUNT])
{
	char part[96];
	int first = 1;

	for (int k = 0; k < LIST_COUNT; k++) {
		if (omitted[k] == 0)
			continue;
		snprintf(part, sizeof(part), "%s%zu more %s",
		    first ? "\xe2\x80\xa6 and " : ", ", omitted[k],
		    omitted[k] == 1 ? list_one[k] : list_many[k]);
		if (ntext_lit(t, part) == -1)
			return -1;
		first = 0;
	}
	return 0;
}

/* Room always kept for note_render: three parts of at most ~40 units. */
#define NOTE_RESERVE 150

static int
has_omitted(const size_t omitted[LIST_COUNT])
{
	return omitted[0] + omitted[1] + omitted[2] > 0;
}

/*
 * Split budget between the lists by what each needs: needs below an equal
 * share are met in full and the rest share what is left, so a flood of
 * long claims cannot crowd out the one changed figure.
 */
static void
share_budget(
    const size_t need[LIST_COUNT], size_t budget, size_t cap[LIST_COUNT])
{
	int done[LIST_COUNT] = { 0 }, nleft = 0;

	for (int k = 0; k < LIST_COUNT; k++) {
		cap[k] = 0;
		if (need[k] == 0)
			done[k] = 1;
		else
			nleft++;
	}
	while (nleft > 0) {
		size_t share = budget / (size_t)nleft;
		int met = 0;

		for (int k = 0; k < LIST_COUNT; k++) {
			if (!done[k] && need[k] <= share) {
				cap[k] = need[k];
				budget -= need[k];
				done[k] = 1;
				nleft--;
				met = 1;
			}
		}
		if (met)
			continue;
		for (int k = 0; k < LIST_COUNT; k++)
			if (!done[k])
				cap[k] = share;
		break;
	}
}

/*
 * Units list k of v takes as lines rendered by st into line (whose
 * ceiling is the item's), each plus per_item, after a heading of head
 * units; counting stops once past budget.  -1 out of memory.
 */
static int
list_need(const struct alert_view *v, enum alert_list k,
    const struct item_style *st, struct ntext *line, size_t head,
    size_t per_item, size_t budget, size_t *need)
{
	*need = v->counts[k] > 0 ? head : 0;
	for (size_t i = 0; i < v->counts[k] && *need <= budget; i++) {
		ntext_reset(line);
		if (item_render(line, json_array_get(v->lists[k], i), k, st) ==
		    -1)
			return -1;
		*need += line->used + per_item;
	}
	return 0;
}

/* Payload plumbing. */

void
notify_payload_free(struct notify_payload *p)
{
	if (p == NULL)
		return;
	free(p->body);
	for (size_t i = 0; i < p->nheaders; i++) {
		free(p->headers[i].name);
		free(p->headers[i].value);
	}
	memset(p, 0, sizeof(*p));
}

int
notify_payload_set_header(
    struct notify_payload *p, const char *name, const char *value)
{
	struct notify_header *h = NULL;
	char *n = NULL, *v;

	if (*name == '\0' ||
	    name[strspn(name,
		"!#$%&'*+-.^_`|~0123456789"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz")] != '\0')
		return -1;
	for (size_t i = 0; i < p->nheaders; i++)
		if (strcasecmp(p->headers[i].name, name) == 0)
			h = &p->headers[i];
	if (h == NULL && p->nheaders == NOTIFY_MAX_HEADERS)
		return -1;
	if ((v = strdup(value)) == NULL)
		return -1;
	/* A header value can never be allowed to start another header. */
	for (char *c = v; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	if (h != NULL) {
		free(h->value);
		h->value = v;
		return 0;
	}
	if ((n = strdup(name)) == NULL) {
		free(v);
		return -1;
	}
	h = &p->headers[p->nheaders++];
	h->name = n;
	h->value = v;
	return 0;
}

const char *
notify_payload_header(const struct notify_payload *p, const char *name)
{
	for (size_t i = 0; i < p->nheaders; i++)
		if (strcasecmp(p->headers[i].name, name) == 0)
			return p->headers[i].value;
	return NULL;
}

static int
payload_take_json(struct notify_payload *out, json_t *doc)
{
	out->body = json_dumps(doc, JSON_FLAGS);
	json_decref(doc);
	if (out->body == NULL)
		return -1;
	out->len = strlen(out->body);
	out->content_type = "application/json";
	return 0;
}

static int
payload_take_text(struct notify_payload *out, struct ntext *t)
{
	size_t len;

	if (t->b.data == NULL && ntext_lit(t, "") == -1)
		return -1;
	out->body = buf_steal(&t->b, &len);
	if (out->body == NULL) {
		/* buf_steal hands back nothing for an empty buffer. */
		if ((out->body = strdup("")) == NULL)
			return -1;
		len = 0;
	}
	out->len = len;
	out->content_type = "text/plain; charset=utf-8";
	return 0;
}

/* json: the alert itself, shrunk only past NOTIFY_JSON_MAX. */

#define JSON_STRING_CUT 1024

/* Cut every string in v longer than JSON_STRING_CUT bytes, in place. */
static int
json_cut_strings(json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_string(v) && json_string_length(v) > JSON_STRING_CUT) {
		struct ntext t;
		int rc;

		ntext_init(&t, JSON_STRING_CUT, NTEXT_BYTES);
		rc = ntext_put(&t, json_string_value(v), json_string_length(v),
			 SIZE_MAX, 0) == -1 ||
		    json_string_set(v, ntext_str(&t)) == -1;
		ntext_free(&t);
		return rc ? -1 : 0;
	}
	json_object_foreach(v, key, child)
	{
		if (json_cut_strings(child) == -1)
			return -1;
	}
	json_array_foreach(v, i, child)
	{
		if (json_cut_strings(child) == -1)
			return -1;
	}
	return 0;
}

static size_t
json_size(const json_t *v)
{
	return json_dumpb(v, NULL, 0, JSON_FLAGS);
}

/*
 * Only the fields of the version 1 schema, lists emptied: small once its
 * strings are cut.  New reference or NULL.
 */
static json_t *
json_known_only(const json_t *a)
{
	const json_t *story = json_object_get(a, "story");
	const json_t *art = json_object_get(a, "article");

	return json_pack("{s:O*, s:O*, s:O*, s:O*, s:O*,"
			 " s:{s:O*, s:O*},"
			 " s:{s:O*, s:O*, s:O*, s:{s:O*, s:O*}},"
			 " s:[], s:[], s:[]}",
	    "version", json_object_get(a, "version"), "id",
	    json_object_get(a, "id"), "kind", json_object_get(a, "kind"),
	    "test", json_object_get(a, "test"), "detected_at",
	    json_object_get(a, "detected_at"), "story", "id",
	    json_object_get(story, "id"), "title",
	    json_object_get(story, "title"), "article", "url",
	    json_object_get(art, "url"), "title", json_object_get(art, "title"),
	    "published", json_object_get(art, "published"), "feed", "id",
	    json_object_get(json_object_get(art, "feed"), "id"), "title",
	    json_object_get(json_object_get(art, "feed"), "title"),
	    "new_claims", "changed_figures", "corroborated");
}

/*
 * Keep as many items of each list as fit in NOTIFY_JSON_MAX, changed
 * figures first (the rarest and most telling), and say in "omitted" how
 * many were left out.  Returns a new reference or NULL.
 */
static json_t *
json_shrink(const json_t *alert)
{
	static const enum alert_list order[LIST_COUNT] = { LIST_FIGURES,
		LIST_CLAIMS, LIST_CORROBORATED };
	json_t *copy, *lists[LIST_COUNT] = { NULL }, *omitted = NULL;
	size_t base, budget, used = 0;

	if ((copy = json_deep_copy(alert)) == NULL)
		return NULL;
	json_object_del(copy, "omitted");
	for (int k = 0; k < LIST_COUNT; k++) {
		json_t *l = json_object_get(copy, list_keys[k]);

		if (json_is_array(l)) {
			lists[k] = json_incref(l);
			if (json_object_set_new(
				copy, list_keys[k], json_array()) == -1)
				goto fail;
		}
	}
	/* The room "omitted" itself can take, with three counts. */
	base = json_size(copy) + 128;
	if (base > NOTIFY_JSON_MAX / 2) {
		if (json_cut_strings(copy) == -1)
			goto fail;
		base = json_size(copy) + 128;
	}
	if (base > NOTIFY_JSON_MAX / 2) {
		/* Only foreign keys can be this big: keep the known ones. */
		json_t *slim = json_known_only(copy);

		json_decref(copy);
		if ((copy = slim) == NULL)
			goto fail;
		base = json_size(copy) + 128;
	}
	budget = NOTIFY_JSON_MAX > base ? NOTIFY_JSON_MAX - base : 0;
	for (int o = 0; o < LIST_COUNT; o++) {
		enum alert_list k = order[o];
		json_t *keep = json_object_get(copy, list_keys[k]);
		size_t i, n = json_array_size(lists[k]);

		if (lists[k] == NULL)
			continue;
		for (i = 0; i < n; i++) {
			json_t *item = json_array_get(lists[k], i);
			size_t sz;

			if (json_size(item) > JSON_STRING_CUT * 8) {
				item = json_deep_copy(item);
				if (item == NULL ||
				    json_cut_strings(item) == -1) {
					json_decref(item);
					goto fail;
				}
			} else {
				json_incref(item);
			}
			sz = json_size(item) + 1;
			if (used + sz > budget) {
				json_decref(item);
				break;
			}
			if (json_array_append_new(keep, item) == -1)
				goto fail;
			used += sz;
		}
		if (i < n) {
			if (omitted == NULL &&
			    (omitted = json_object()) == NULL)
				goto fail;
			if (json_object_set_new(omitted, list_keys[k],
				json_integer((json_int_t)(n - i))) == -1)
				goto fail;
		}
	}
	if (omitted != NULL &&
	    json_object_set_new(copy, "omitted", omitted) == -1) {
		omitted = NULL;
		goto fail;
	}
	for (int k = 0; k < LIST_COUNT; k++)
		json_decref(lists[k]);
	return copy;
fail:
	json_decref(omitted);
	for (int k = 0; k < LIST_COUNT; k++)
		json_decref(lists[k]);
	json_decref(copy);
	return NULL;
}

static int
build_json(const json_t *alert, struct notify_payload *out)
{
	json_t *small;

	/* Serialise once in the common case; shrink only what is too big. */
	if ((out->body = json_dumps(alert, JSON_FLAGS)) == NULL)
		return -1;
	out->len = strlen(out->body);
	out->content_type = "application/json";
	if (out->len <= NOTIFY_JSON_MAX)
		return 0;
	free(out->body);
	out->body = NULL;
	if ((small = json_shrink(alert)) == NULL)
		return -1;
	return payload_take_json(out, small);
}

/* text and ntfy: plain text under a byte ceiling. */

/*
 * Append each list of v to t, a heading and one line per item, leaving
 * NOTE_RESERVE bytes free, and count what did not fit in omitted.
 */
static int
plain_lists(struct ntext *t, const struct alert_view *v,
    const struct item_style *st, size_t item_max, size_t omitted[LIST_COUNT])
{
	size_t need[LIST_COUNT], cap[LIST_COUNT], room;
	struct ntext line;
	char heading[LIST_COUNT][64];
	int rc = -1;

	ntext_init(&line, item_max, NTEXT_BYTES);
	t->limit -= NOTE_RESERVE;
	room = ntext_room(t);
	for (int k = 0; k < LIST_COUNT; k++) {
		snprintf(heading[k], sizeof(heading[k]), "\n%s:\n",
		    list_headings[k]);
		if (list_need(v, (enum alert_list)k, st, &line,
			strlen(heading[k]), 1, room, &need[k]) == -1)
			goto out;
	}
	share_budget(need, room, cap);
	for (int k = 0; k < LIST_COUNT; k++) {
		size_t n = v->counts[k], i, used = 0;

		for (i = 0; i < n; i++) {
			size_t cost;

			ntext_reset(&line);
			if (item_render(&line, json_array_get(v->lists[k], i),
				(enum alert_list)k, st) == -1)
				goto out;
			cost =
			    line.used + 1 + (i == 0 ? strlen(heading[k]) : 0);
			if (used + cost > cap[k] || cost > ntext_room(t))
				break;
			if ((i == 0 && ntext_lit(t, heading[k]) == -1) ||
			    ntext_lit(t, ntext_str(&line)) == -1 ||
			    ntext_lit(t, "\n") == -1)
				goto out;
			used += cost;
		}
		omitted[k] = n - i;
	}
	rc = 0;
out:
	t->limit += NOTE_RESERVE;
	ntext_free(&line);
	return rc;
}

static int
build_text(const struct alert_view *v, struct notify_payload *out)
{
	static const struct item_style st = { "- ", "", NTEXT_ONELINE, 1, 300 };
	size_t omitted[LIST_COUNT];
	struct ntext t;
	const unsigned f = NTEXT_ONELINE;
	int rc = -1;

	/* Header lines are capped well inside the ceiling; lists take the rest.
	 */
	ntext_init(&t, NOTIFY_TEXT_MAX, NTEXT_BYTES);
	if ((v->test && ntext_lit(&t, "[TEST] ") == -1) ||
	    ntext_puts(&t, v->story_title, 300, f) == -1 ||
	    ntext_lit(&t, "\n") == -1 || ntext_lit(&t, kind_label(v)) == -1 ||
	    ntext_lit(&t, ": ") == -1 ||
	    ntext_puts(&t, v->title, 600, f) == -1 || ntext_lit(&t, "\n") == -1)
		goto out;
	if (*v->url != '\0' &&
	    (ntext_puts(&t, v->url, 2100, f) == -1 ||
		ntext_lit(&t, "\n") == -1))
		goto out;
	if (*v->feed_title != '\0' &&
	    (ntext_lit(&t, "Source: ") == -1 ||
		ntext_puts(&t, v->feed_title, 300, f) == -1 ||
		ntext_lit(&t, "\n") == -1))
		goto out;
	if (*v->published != '\0' &&
	    (ntext_lit(&t, "Published: ") == -1 ||
		ntext_puts(&t, v->published, 40, f) == -1 ||
		ntext_lit(&t, "\n") == -1))
		goto out;
	if (*v->detected_at != '\0' &&
	    (ntext_lit(&t, "Detected: ") == -1 ||
		ntext_puts(&t, v->detected_at, 40, f) == -1 ||
		ntext_lit(&t, "\n") == -1))
		goto out;
	/* Leave room for the alert id line after the lists. */
	t.limit -= 80;
	if (plain_lists(&t, v, &st, 1200, omitted) == -1)
		goto out;
	t.limit += 80;
	if (has_omitted(omitted) &&
	    (note_render(&t, omitted) == -1 || ntext_lit(&t, "\n") == -1))
		goto out;
	if (*v->id != '\0' &&
	    (ntext_lit(&t, "\nAlert ") == -1 ||
		ntext_puts(&t, v->id, 64, f) == -1 ||
		ntext_lit(&t, "\n") == -1))
		goto out;
	rc = payload_take_text(out, &t);
out:
	ntext_free(&t);
	return rc;
}

/*
 * A header value: printable ASCII as is, anything else as RFC 2047
 * encoded-words (which ntfy decodes), each at most 75 characters and
 * holding whole UTF-8 characters.
 */
static int
header_text(
    struct notify_payload *p, const char *name, const char *s, size_t max_bytes)
{
	struct ntext t;
	struct buf enc;
	const unsigned char *c;
	int ascii = 1, rc = -1;

	ntext_init(&t, max_bytes, NTEXT_BYTES);
	buf_init(&enc, max_bytes * 2 + 64);
	if (ntext_puts(&t, s, SIZE_MAX, NTEXT_ONELINE) == -1 ||
	    ntext_lit(&t, "") == -1)
		goto out;
	for (c = (const unsigned char *)ntext_str(&t); *c != '\0'; c++)
		if (*c >= 0x7f)
			ascii = 0;
	if (ascii) {
		rc = notify_payload_set_header(p, name, ntext_str(&t));
		goto out;
	}
	for (const char *q = ntext_str(&t); *q != '\0';) {
		unsigned char chunk[48];
		char word[80];
		size_t n = 0;

		/* 45 bytes make 60 base64 characters: 75 with the wrapping. */
		while (q[n] != '\0') {
			uint32_t cp;
			size_t l = ntext_decode(
			    (const unsigned char *)q + n, strlen(q + n), &cp);

			if (n + l > 45)
				break;
			n += l;
		}
		memcpy(chunk, q, n);
		memcpy(word, "=?UTF-8?B?", 10);
		EVP_EncodeBlock((unsigned char *)word + 10, chunk, (int)n);
		if (buf_append_str(&enc, enc.len ? " " : "") == -1 ||
		    buf_append_str(&enc, word) == -1 ||
		    buf_append_str(&enc, "?=") == -1)
			goto out;
		q += n;
	}
	rc = notify_payload_set_header(p, name, enc.data ? enc.data : "");
out:
	buf_free(&enc);
	ntext_free(&t);
	return rc;
}

static int
build_ntfy(const struct alert_view *v, struct notify_payload *out)
{
	static const struct item_style st = { "\xe2\x80\xa2 ", "",
		NTEXT_ONELINE, 0, 200 };
	size_t omitted[LIST_COUNT];
	struct ntext t, url;
	char tags[96];
	const unsigned f = NTEXT_ONELINE;
	int rc = -1;

	ntext_init(&t, NOTIFY_NTFY_MAX, NTEXT_BYTES);
	ntext_init(&url, 2048, NTEXT_BYTES);
	if (ntext_lit(&t, kind_label(v)) == -1 || ntext_lit(&t, ": ") == -1 ||
	    ntext_puts(&t, v->title, 400, f) == -1 || ntext_lit(&t, "\n") == -1)
		goto out;
	if (*v->feed_title != '\0' &&
	    (ntext_puts(&t, v->feed_title, 200, f) == -1 ||
		ntext_lit(&t, "\n") == -1))
		goto out;
	if (plain_lists(&t, v, &st, 500, omitted) == -1)
		goto out;
	if (has_omitted(omitted) && note_render(&t, omitted) == -1)
		goto out;
	if (payload_take_text(out, &t) == -1)
		goto out;
	snprintf(tags, sizeof(tags), "newspaper%s%s",
	    v->counts[LIST_FIGURES] ? ",chart_with_upwards_trend" : "",
	    v->test ? ",test_tube" : "");
	if (header_text(out, "Title", v->story_title, 200) == -1 ||
	    notify_payload_set_header(out, "Tags", tags) == -1)
		goto out;
	if (ntext_url(&url, v->url, 2048) == 0 &&
	    notify_payload_set_header(out, "Click", ntext_str(&url)) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		notify_payload_free(out);
	ntext_free(&url);
	ntext_free(&t);
	return rc;
}

/* Slack Block Kit. */

#define SLACK_BLOCKS 50
#define SLACK_SECTION 3000
#define SLACK_HEADER 150
#define SLACK_ITEM 600

static int
slack_append(
    json_t *blocks, const char *type, const char *text_type, const char *text)
{
	json_t *b;

	if (strcmp(type, "context") == 0)
		b = json_pack("{s:s, s:[{s:s, s:s}]}", "type", type, "elements",
		    "type", text_type, "text", text);
	else if (strcmp(text_type, "plain_text") == 0)
		b = json_pack("{s:s, s:{s:s, s:s, s:b}}", "type", type, "text",
		    "type", text_type, "text", text, "emoji", 1);
	else
		b = json_pack("{s:s, s:{s:s, s:s}}", "type", type, "text",
		    "type", text_type, "text", text);
	if (b == NULL)
		return -1;
	return json_array_append_new(blocks, b);
}

/* Sections of bullets for every list, within the blocks and characters left. */
static int
slack_lists(json_t *blocks, const struct alert_view *v, size_t *blocks_left,
    size_t *total_left, size_t omitted[LIST_COUNT])
{
	static const struct item_style st = { "\xe2\x80\xa2 ", "*",
		NTEXT_ONELINE | NTEXT_SLACK, 0, 200 };
	size_t need[LIST_COUNT], cap[LIST_COUNT];
	struct ntext sec, line;
	char heading[LIST_COUNT][64];
	int rc = -1;

	ntext_init(&sec, SLACK_SECTION, NTEXT_UTF16);
	ntext_init(&line, SLACK_ITEM, NTEXT_UTF16);
	for (int k = 0; k < LIST_COUNT; k++) {
		snprintf(
		    heading[k], sizeof(heading[k]), "*%s*", list_headings[k]);
		if (list_need(v, (enum alert_list)k, &st, &line,
			strlen(heading[k]), 1, *total_left, &need[k]) == -1)
			goto out;
	}
	share_budget(need, *total_left, cap);
	for (int k = 0; k < LIST_COUNT; k++) {
		size_t n = v->counts[k], i, items = 0, used;

		omitted[k] = n;
		if (n == 0 || *blocks_left == 0)
			continue;
		ntext_reset(&sec);
		if (ntext_lit(&sec, heading[k]) == -1)
			goto out;
		used = sec.used;
		for (i = 0; i < n; i++) {
			ntext_reset(&line);
			if (item_render(&line, json_array_get(v->lists[k], i),
				(enum alert_list)k, &st) == -1)
				goto out;
			if (used + line.used + 1 > cap[k] ||
			    sec.used + line.used + 1 > *total_left)
				break;
			if (line.used + 1 > ntext_room(&sec)) {
				/* This section is full: it takes its block. */
				if (*blocks_left <= 1)
					break;
				if (slack_append(blocks, "section", "mrkdwn",
					ntext_str(&sec)) == -1)
					goto out;
				*blocks_left -= 1;
				*total_left -= sec.used;
				items = 0;
				ntext_reset(&sec);
			}
			if ((sec.used > 0 && ntext_lit(&sec, "\n") == -1) ||
			    ntext_lit(&sec, ntext_str(&line)) == -1)
				goto out;
			used += line.used + 1;
			items++;
		}
		omitted[k] = n - i;
		if (items > 0) {
			if (slack_append(blocks, "section", "mrkdwn",
				ntext_str(&sec)) == -1)
				goto out;
			*blocks_left -= 1;
			*total_left -= sec.used;
		}
	}
	rc = 0;
out:
	ntext_free(&line);
	ntext_free(&sec);
	return rc;
}

static int
build_slack(const struct alert_view *v, struct notify_payload *out)
{
	const unsigned f = NTEXT_ONELINE | NTEXT_SLACK;
	struct ntext head, art, foot, note, fallback, link;
	size_t omitted[LIST_COUNT];
	/* header, article, note and footer blocks are kept aside. */
	size_t blocks_left = SLACK_BLOCKS - 4, total_left;
	json_t *doc = NULL, *blocks;
	int rc = -1, r;

	ntext_init(&link, 2000, NTEXT_BYTES);
	ntext_init(&head, SLACK_HEADER, NTEXT_UTF16);
	ntext_init(&art, SLACK_SECTION, NTEXT_UTF16);
	ntext_init(&foot, 400, NTEXT_UTF16);
	ntext_init(&note, NOTE_RESERVE, NTEXT_UTF16);
	ntext_init(&fallback, 400, NTEXT_UTF16);
	if ((doc = json_object()) == NULL ||
	    json_object_set_new(doc, "blocks", json_array()) == -1)
		goto out;
	blocks = json_object_get(doc, "blocks");

	/* Header: plain text, so nothing to escape. */
	if ((v->test && ntext_lit(&head, "[TEST] ") == -1) ||
	    ntext_puts(&head, v->story_title, SIZE_MAX, NTEXT_ONELINE) == -1)
		goto out;
	/* Slack refuses an empty text, and cleaning can leave nothing. */
	if (head.used == 0 && ntext_lit(&head, "storywatch") == -1)
		goto out;
	if (slack_append(blocks, "header", "plain_text", ntext_str(&head)) ==
	    -1)
		goto out;

	/* Article: a bold link, then kind, source and date. */
	if (ntext_lit(&art, "*") == -1)
		goto out;
	if ((r = ntext_url(&link, v->url, 2000)) == -1)
		goto out;
	if (r == 0) {
		if (ntext_lit(&art, "<") == -1 ||
		    ntext_lit(&art, ntext_str(&link)) == -1 ||
		    ntext_lit(&art, "|") == -1 ||
		    ntext_puts(&art, *v->title ? v->title : v->url, 500, f) ==
			-1 ||
		    ntext_lit(&art, ">") == -1)
			goto out;
	} else if (ntext_puts(&art, v->title, 500, f) == -1) {
		goto out;
	}
	if (ntext_lit(&art, "*\n") == -1 ||
	    ntext_lit(&art, kind_label(v)) == -1)
		goto out;
	if (*v->feed_title != '\0' &&
	    (ntext_lit(&art, " \xc2\xb7 ") == -1 ||
		ntext_puts(&art, v->feed_title, 200, f) == -1))
		goto out;
	if (*v->published != '\0' &&
	    (ntext_lit(&art, " \xc2\xb7 published ") == -1 ||
		ntext_puts(&art, v->published, 40, f) == -1))
		goto out;
	if (slack_append(blocks, "section", "mrkdwn", ntext_str(&art)) == -1)
		goto out;

	/* Footer now, so the lists know how much is left. */
	if (ntext_lit(&foot, "storywatch") == -1 ||
	    (*v->story_id != '\0' &&
		(ntext_lit(&foot, " \xc2\xb7 story ") == -1 ||
		    ntext_puts(&foot, v->story_id, 100, f) == -1)) ||
	    (*v->id != '\0' &&
		(ntext_lit(&foot, " \xc2\xb7 alert ") == -1 ||
		    ntext_puts(&foot, v->id, 64, f) == -1)) ||
	    (*v->detected_at != '\0' &&
		(ntext_lit(&foot, " \xc2\xb7 ") == -1 ||
		    ntext_puts(&foot, v->detected_at, 40, f) == -1)))
		goto out;
	total_left = NOTIFY_SLACK_TOTAL - head.used - art.used - foot.used -
	    NOTE_RESERVE;
	if (slack_lists(blocks, v, &blocks_left, &total_left, omitted) == -1)
		goto out;
	if (has_omitted(omitted) &&
	    (note_render(&note, omitted) == -1 ||
		slack_append(blocks, "context", "mrkdwn", ntext_str(&note)) ==
		    -1))
		goto out;
	if (slack_append(blocks, "context", "mrkdwn", ntext_str(&foot)) == -1)
		goto out;

	/* What notifications and old clients show instead of the blocks. */
	if ((v->test && ntext_lit(&fallback, "[TEST] ") == -1) ||
	    ntext_puts(&fallback, v->story_title, 150, f) == -1 ||
	    ntext_lit(&fallback, ": ") == -1 ||
	    ntext_lit(&fallback, kind_label(v)) == -1 ||
	    ntext_lit(&fallback, " \xe2\x80\x94 ") == -1 ||
	    ntext_puts(&fallback, v->title, SIZE_MAX, f) == -1 ||
	    json_object_set_new(
		doc, "text", json_string(ntext_str(&fallback))) == -1)
		goto out;
	rc = payload_take_json(out, doc);
	doc = NULL;
out:
	json_decref(doc);
	ntext_free(&fallback);
	ntext_free(&note);
	ntext_free(&foot);
	ntext_free(&art);
	ntext_free(&head);
	ntext_free(&link);
	return rc;
}

/* Discord embeds. */

#define DISCORD_CONTENT 2000
#define DISCORD_TITLE 256
#define DISCORD_DESCRIPTION 4096
#define DISCORD_FIELDS 25
#define DISCORD_FIELD_NAME 256
#define DISCORD_FIELD_VALUE 1024
#define DISCORD_TOTAL 6000
#define DISCORD_ITEM 500

/* Discord rejects a bad timestamp, so only pass one that is plainly RFC 3339.
 */
static int
is_rfc3339(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i])
				    : s[i] != shape[i])
			return 0;
	}
	if (s[i] == '.')
		for (i++; isdigit((unsigned char)s[i]); i++)
			;
	return strcmp(s + i, "Z") == 0;
}

static int
discord_field(json_t *fields, const char *name, const char *value)
{
	/* Discord refuses empty names and values. */
	return json_array_append_new(fields,
	    json_pack("{s:s, s:s, s:b}", "name", *name ? name : "\xe2\x80\x94",
		"value", *value ? value : "\xe2\x80\x94", "inline", 0));
}

/* A changed figure or corroborated claim as a field's name and value. */
static int
discord_item(const json_t *item, enum alert_list k, struct ntext *name,
    struct ntext *value)
{
	const unsigned f = NTEXT_ONELINE;

	ntext_reset(name);
	ntext_reset(value);
	if (k == LIST_FIGURES) {
		const char *subj = jstr(item, "subject");
		const json_t *old = json_object_get(item, "old");
		const json_t *new = json_object_get(item, "new");
		const char *sent = jstr(new, "sentence");

		if (ntext_puts(name, *subj ? subj : "Figure", 200, f) == -1 ||
		    ntext_puts(value, jstr(old, "text"), 200, f) == -1 ||
		    ntext_lit(value, " \xe2\x86\x92 **") == -1 ||
		    ntext_puts(value, jstr(new, "text"), 200, f) == -1 ||
		    ntext_lit(value, "**") == -1)
			return -1;
		if (*sent != '\0' &&
		    (ntext_lit(value, "\n") == -1 ||
			ntext_puts(value, sent, 400, f) == -1))
			return -1;
	} else {
		char nm[64];
		json_int_t c =
		    json_integer_value(json_object_get(item, "count"));

		snprintf(nm, sizeof(nm), "Corroborated by %lld source%s",
		    (long long)c, c == 1 ? "" : "s");
		if (ntext_lit(name, nm) == -1 ||
		    ntext_puts(value, jstr(item, "text"), 600, f) == -1)
			return -1;
	}
	return 0;
}

static int
build_discord(const struct alert_view *v, struct notify_payload *out)
{
	static const struct item_style bullet = { "\xe2\x80\xa2 ", "**",
		NTEXT_ONELINE, 0, 200 };
	const unsigned f = NTEXT_ONELINE;
	struct ntext content, title, desc, foot, name, value, url, line;
	size_t omitted[LIST_COUNT] = { 0 }, total_left, fields_left;
	size_t need[LIST_COUNT], cap[LIST_COUNT];
	json_t *doc = NULL, *embed, *fields;
	int rc = -1;

	ntext_init(&content, DISCORD_CONTENT, NTEXT_UTF16);
	ntext_init(&title, DISCORD_TITLE, NTEXT_UTF16);
	ntext_init(&desc, DISCORD_DESCRIPTION, NTEXT_UTF16);
	ntext_init(&foot, 200, NTEXT_UTF16);
	ntext_init(&name, DISCORD_FIELD_NAME, NTEXT_UTF16);
	ntext_init(&value, DISCORD_FIELD_VALUE, NTEXT_UTF16);
	ntext_init(&url, 2048, NTEXT_BYTES);
	ntext_init(&line, DISCORD_ITEM, NTEXT_UTF16);
	doc = json_pack("{s:{s:[]}, s:[{s:[]}]}", "allowed_mentions", "parse",
	    "embeds", "fields");
	if (doc == NULL)
		goto out;
	embed = json_array_get(json_object_get(doc, "embeds"), 0);
	fields = json_object_get(embed, "fields");

	if ((v->test && ntext_lit(&content, "[TEST] ") == -1) ||
	    ntext_lit(&content, "**") == -1 ||
	    ntext_puts(&content, v->story_title, 256, f) == -1 ||
	    ntext_lit(&content, "** \xe2\x80\x94 ") == -1 ||
	    ntext_lit(&content, kind_label(v)) == -1 ||
	    json_object_set_new(
		doc, "content", json_string(ntext_str(&content))) == -1)
		goto out;

	if (ntext_puts(&title, v->title, SIZE_MAX, f) == -1 ||
	    (title.used == 0 && ntext_lit(&title, kind_label(v)) == -1) ||
	    json_object_set_new(
		embed, "title", json_string(ntext_str(&title))) == -1)
		goto out;
	if (ntext_url(&url, v->url, 2048) == 0 &&
	    json_object_set_new(embed, "url", json_string(ntext_str(&url))) ==
		-1)
		goto out;
	if (ntext_lit(&foot, "storywatch") == -1 ||
	    (*v->feed_title != '\0' &&
		(ntext_lit(&foot, " \xc2\xb7 ") == -1 ||
		    ntext_puts(&foot, v->feed_title, 150, f) == -1)) ||
	    json_object_set_new(embed, "footer",
		json_pack("{s:s}", "text", ntext_str(&foot))) == -1)
		goto out;
	if (is_rfc3339(v->detected_at) &&
	    json_object_set_new(
		embed, "timestamp", json_string(v->detected_at)) == -1)
		goto out;
	if (json_object_set_new(embed, "color",
		json_integer(strcmp(v->kind, "article_updated") == 0
			? 0xe67e22
			: 0x3498db)) == -1)
		goto out;

	/* The rest of the 6000 characters, less a note field, for the lists. */
	total_left = DISCORD_TOTAL - title.used - foot.used - NOTE_RESERVE - 8;
	fields_left = DISCORD_FIELDS - 1;
	if (list_need(v, LIST_CLAIMS, &bullet, &line, 14, 1, total_left,
		&need[LIST_CLAIMS]) == -1)
		goto out;
	for (int k = LIST_FIGURES; k < LIST_COUNT; k++) {
		need[k] = 0;
		for (size_t i = 0; i < v->counts[k] && need[k] <= total_left;
		     i++) {
			if (discord_item(json_array_get(v->lists[k], i),
				(enum alert_list)k, &name, &value) == -1)
				goto out;
			need[k] += name.used + value.used + 2;
		}
	}
	share_budget(need, total_left, cap);

	/* Claims as bullets in the description. */
	if (v->counts[LIST_CLAIMS] > 0) {
		size_t n = v->counts[LIST_CLAIMS], i;

		desc.limit = cap[LIST_CLAIMS] < DISCORD_DESCRIPTION
		    ? cap[LIST_CLAIMS]
		    : DISCORD_DESCRIPTION;
		if (ntext_lit(&desc, "**New claims**") == 0) {
			for (i = 0; i < n; i++) {
				ntext_reset(&line);
				if (item_render(&line,
					json_array_get(
					    v->lists[LIST_CLAIMS], i),
					LIST_CLAIMS, &bullet) == -1)
					goto out;
				if (line.used + 1 > ntext_room(&desc))
					break;
				if (ntext_lit(&desc, "\n") == -1 ||
				    ntext_lit(&desc, ntext_str(&line)) == -1)
					goto out;
			}
		} else {
			i = 0;
		}
		omitted[LIST_CLAIMS] = n - i;
		if (i > 0 &&
		    json_object_set_new(embed, "description",
			json_string(ntext_str(&desc))) == -1)
			goto out;
	}

	/* One field per changed figure, then per corroborated claim. */
	for (int k = LIST_FIGURES; k < LIST_COUNT; k++) {
		size_t n = v->counts[k], i, used = 0;

		for (i = 0; i < n; i++) {
			size_t cost;

			if (discord_item(json_array_get(v->lists[k], i),
				(enum alert_list)k, &name, &value) == -1)
				goto out;
			/* Empty parts are sent as a dash: count one unit. */
			cost = name.used + value.used + 2;
			if (fields_left == 0 || used + cost > cap[k])
				break;
			if (discord_field(fields, ntext_str(&name),
				ntext_str(&value)) == -1)
				goto out;
			fields_left--;
			used += cost;
		}
		omitted[k] = n - i;
	}
	if (has_omitted(omitted)) {
		ntext_reset(&value);
		if (note_render(&value, omitted) == -1 ||
		    discord_field(fields, "Not shown", ntext_str(&value)) == -1)
			goto out;
	}
	if (json_array_size(fields) == 0)
		json_object_del(embed, "fields");
	rc = payload_take_json(out, doc);
	doc = NULL;
out:
	json_decref(doc);
	ntext_free(&line);
	ntext_free(&url);
	ntext_free(&value);
	ntext_free(&name);
	ntext_free(&foot);
	ntext_free(&desc);
	ntext_free(&title);
	ntext_free(&content);
	return rc;
}

int
notify_build(
    const json_t *alert, enum notify_format fmt, struct notify_payload *out)
{
	struct alert_view v;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(alert))
		return -1;
	alert_view_init(&v, alert);
	switch (fmt) {
	case NOTIFY_FORMAT_JSON:
		rc = build_json(alert, out);
		break;
	case NOTIFY_FORMAT_SLACK:
		rc = build_slack(&v, out);
		break;
	case NOTIFY_FORMAT_DISCORD:
		rc = build_discord(&v, out);
		break;
	case NOTIFY_FORMAT_NTFY:
		rc = build_ntfy(&v, out);
		break;
	case NOTIFY_FORMAT_TEXT:
		rc = build_text(&v, out);
		break;
	default:
		break;
	}
	if (rc == -1)
		notify_payload_free(out);
	return rc;
}
