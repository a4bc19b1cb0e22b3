/* The alert object itself: its shape check, fresh ids and the test-webhook
 * sample. */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "payload.h"
#include "util.h"

/* What a field may be; several may be or'ed. */
#define T_STR 0x01
#define T_NULL 0x02
#define T_NUM 0x04
#define T_INT 0x08
#define T_OBJ 0x10
#define T_ARR 0x20
#define T_BOOL 0x40

static int
type_ok(const json_t *v, unsigned types)
{
	return ((types & T_STR) && json_is_string(v)) ||
	    ((types & T_NULL) && json_is_null(v)) ||
	    ((types & T_NUM) && json_is_number(v)) ||
	    ((types & T_INT) && json_is_integer(v)) ||
	    ((types & T_OBJ) && json_is_object(v)) ||
	    ((types & T_ARR) && json_is_array(v)) ||
	    ((types & T_BOOL) && json_is_boolean(v));
}

/*
 * Check o.key against types; a missing key is an error only when required.
 * On error write "path.key: message" to err and return -1.
 */
static int
field(const json_t *o, const char *path, const char *key, unsigned types,
    int required, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL && !required)
		return 0;
	if (v == NULL || !type_ok(v, types)) {
		snprintf(err, errlen, "%s%s%s: %s", path, *path ? "." : "", key,
		    v == NULL ? "missing" : "wrong type");
		return -1;
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff]Z", the only time format the schema allows. */
static int
check_time(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == 'd' ? !(t[i] >= '0' && t[i] <= '9')
				    : t[i] != shape[i])
			return -1;
	if (t[i] == '.' && t[i + 1] >= '0' && t[i + 1] <= '9')
		for (i++; t[i] >= '0' && t[i] <= '9'; i++)
			;
	return strcmp(t + i, "Z") == 0 ? 0 : -1;
}

static int
check_id(const char *id)
{
	if (strncmp(id, "swa_", 4) != 0 || strlen(id) != 4 + 32)
		return -1;
	for (const char *p = id + 4; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return -1;
	return 0;
}

static int
check_list(const json_t *a, const char *key, char *err, size_t errlen)
{
	const json_t *item;
	char path[64];
	size_t i;

	json_array_foreach(json_object_get(a, key), i, item)
	{
		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		if (!json_is_object(item)) {
			snprintf(err, errlen, "%s: wrong type", path);
			return -1;
		}
		if (strcmp(key, "new_claims") == 0) {
			const json_t *nov = json_object_get(item, "novelty");

			if (field(item, path, "text", T_STR, 1, err, errlen) ||
			    field(
				item, path, "novelty", T_NUM, 1, err, errlen) ||
			    field(item, path, "nearest", T_STR | T_NULL, 0, err,
				errlen))
				return -1;
			if (json_number_value(nov) < 0 ||
			    json_number_value(nov) > 1) {
				snprintf(err, errlen,
				    "%s.novelty: not between 0 and 1", path);
				return -1;
			}
		} else if (strcmp(key, "changed_figures") == 0) {
			static const char *const sides[] = { "old", "new" };

			if (field(item, path, "subject", T_STR, 1, err, errlen))
				return -1;
			for (size_t s = 0; s < 2; s++) {
				char sp[80];
				const json_t *side;

				if (field(item, path, sides[s], T_OBJ, 1, err,
					errlen))
					return -1;
				side = json_object_get(item, sides[s]);
				snprintf(
				    sp, sizeof(sp), "%s.%s", path, sides[s]);
				if (field(side, sp, "text", T_STR, 1, err,
					errlen) ||
				    field(side, sp, "value", T_NUM, 1, err,
					errlen) ||
				    field(side, sp, "sentence", T_STR | T_NULL,
					0, err, errlen))
					return -1;
			}
		} else {
			const json_t *src;
			size_t j;

			if (field(item, path, "text", T_STR, 1, err, errlen) ||
			    field(item, path, "count", T_INT, 1, err, errlen) ||
			    field(item, path, "sources", T_ARR, 1, err, errlen))
				return -1;
			if (json_integer_value(json_object_get(item, "count")) <
			    1) {
				snprintf(
				    err, errlen, "%s.count: less than 1", path);
				return -1;
			}
			json_array_foreach(
			    json_object_get(item, "sources"), j, src)
			{
				if (!json_is_string(src)) {
					snprintf(err, errlen,
					    "%s.sources[%zu]: wrong type", path,
					    j);
					return -1;
				}
			}
		}
	}
	return 0;
}

int
notify_alert_check(const json_t *a, char *err, size_t errlen)
{
	static const char *const known[] = { "version", "id", "kind", "test",
		"detected_at", "story", "article", "new_claims",
		"changed_figures", "corroborated", "omitted" };
	const json_t *story, *article, *feed, *kind, *pub, *v;
	const char *key;

	if (!json_is_object(a)) {
		snprintf(err, errlen, "alert: not an object");
		return -1;
	}
	/* Strict like the schema: a new field needs a schema change first. */
	json_object_foreach((json_t *)a, key, v)
	{
		size_t i;

		for (i = 0; i < SW_ARRAY_SIZE(known); i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == SW_ARRAY_SIZE(known)) {
			snprintf(err, errlen, "%.64s: unknown field", key);
			return -1;
		}
	}
	if (field(a, "", "version", T_INT, 1, err, errlen) ||
	    field(a, "", "id", T_STR, 1, err, errlen) ||
	    field(a, "", "kind", T_STR, 1, err, errlen) ||
	    field(a, "", "test", T_BOOL, 0, err, errlen) ||
	    field(a, "", "detected_at", T_STR, 1, err, errlen) ||
	    field(a, "", "story", T_OBJ, 1, err, errlen) ||
	    field(a, "", "article", T_OBJ, 1, err, errlen) ||
	    field(a, "", "new_claims", T_ARR, 1, err, errlen) ||
	    field(a, "", "changed_figures", T_ARR, 1, err, errlen) ||
	    field(a, "", "corroborated", T_ARR, 1, err, errlen) ||
	    field(a, "", "omitted", T_OBJ, 0, err, errlen))
		return -1;
	if (json_integer_value(json_object_get(a, "version")) != 1) {
		snprintf(err, errlen, "version: not 1");
		return -1;
	}
	if (check_id(json_string_value(json_object_get(a, "id"))) == -1) {
		snprintf(err, errlen, "id: not swa_ and 32 hex digits");
		return -1;
	}
	kind = json_object_get(a, "kind");
	if (strcmp(json_string_value(kind), "new_article") != 0 &&
	    strcmp(json_string_value(kind), "article_updated") != 0) {
		snprintf(
		    err, errlen, "kind: not new_article or article_updated");
		return -1;
	}
	story = json_object_get(a, "story");
	article = json_object_get(a, "article");
	if (field(story, "story", "id", T_STR, 1, err, errlen) ||
	    field(story, "story", "title", T_STR, 1, err, errlen) ||
	    field(article, "article", "url", T_STR, 1, err, errlen) ||
	    field(article, "article", "title", T_STR, 1, err, errlen) ||
	    field(article, "article", "published", T_STR | T_NULL, 1, err,
		errlen) ||
	    field(article, "article", "feed", T_OBJ, 1, err, errlen))
		return -1;
	if (*json_string_value(json_object_get(story, "id")) == '\0') {
		snprintf(err, errlen, "story.id: empty");
		return -1;
	}
	if (check_time(json_string_value(json_object_get(a, "detected_at"))) ==
	    -1) {
		snprintf(err, errlen, "detected_at: not YYYY-MM-DDTHH:MM:SSZ");
		return -1;
	}
	pub = json_object_get(article, "published");
	if (json_is_string(pub) && check_time(json_string_value(pub)) == -1) {
		snprintf(
		    err, errlen, "article.published: not YYYY-MM-DDTHH:MM:SSZ");
		return -1;
	}
	feed = json_object_get(article, "feed");
	if (field(feed, "article.feed", "id", T_STR, 1, err, errlen) ||
	    field(
		feed, "article.feed", "title", T_STR | T_NULL, 1, err, errlen))
		return -1;
	json_object_foreach(json_object_get(a, "omitted"), key, v)
	{
		if ((strcmp(key, "new_claims") != 0 &&
			strcmp(key, "changed_figures") != 0 &&
			strcmp(key, "corroborated") != 0) ||
		    !json_is_integer(v) || json_integer_value(v) < 1) {
			snprintf(err, errlen,
			    "omitted.%.64s: not a count of "
			    "a list",
			    key);
			return -1;
		}
	}
	if (json_object_size(json_object_get(a, "omitted")) == 0 &&
	    json_object_get(a, "omitted") != NULL) {
		snprintf(err, errlen, "omitted: empty");
		return -1;
	}
	if (check_list(a, "new_claims", err, errlen) ||
	    check_list(a, "changed_figures", err, errlen) ||
	    check_list(a, "corroborated", err, errlen))
		return -1;
	return 0;
}

int
notify_alert_id_new(char *buf, size_t len)
{
	unsigned char r[16];

	if (len < NOTIFY_ID_SIZE || RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	memcpy(buf, "swa_", 4);
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(buf + 4 + 2 * i, 3, "%02x", r[i]);
	return 0;
}

json_t *
notify_sample_alert(int64_t now)
{
	char id[NOTIFY_ID_SIZE], detected[32], published[32];

	if (notify_alert_id_new(id, sizeof(id)) == -1)
		return NULL;
	sw_iso8601(now, detected, sizeof(detected));
	sw_iso8601(now - 2 * 3600, published, sizeof(published));
	/* Accents and a dash so a receiver sees how non-ASCII text arrives. */
	return json_pack("{s:i, s:s, s:s, s:b, s:s,"
			 " s:{s:s, s:s},"
			 " s:{s:s, s:s, s:s, s:{s:s, s:s}},"
			 " s:[{s:s, s:f, s:n}, {s:s, s:f, s:s}],"
			 " s:[{s:s, s:{s:s, s:i, s:s}, s:{s:s, s:i, s:s}}],"
			 " s:[{s:s, s:i, s:[s, s]}]}",
	    "version", 1, "id", id, "kind", "new_article", "test", 1,
	    "detected_at", detected, "story", "id", "storywatch-test", "title",
	    "Test alert \xe2\x80\x94 Valpara\xc3\xadso port strike", "article",
	    "url", "https://news.example.com/world/valparaiso-strike-day-3",
	    "title",
	    "Dockworkers extend Valpara\xc3\xadso strike as wage talks stall",
	    "published", published, "feed", "id", "example-world", "title",
	    "Example News \xe2\x80\x94 World", "new_claims", "text",
	    "Union leaders said the strike would continue until at least "
	    "Friday.",
	    "novelty", 0.91, "nearest", "text",
	    "The port authority put losses at 12 million dollars a day.",
	    "novelty", 0.78, "nearest",
	    "Port officials said losses were mounting.", "changed_figures",
	    "subject", "ships waiting at anchor", "old", "text", "about 30",
	    "value", 30, "sentence",
	    "About 30 ships were waiting at anchor on Monday.", "new", "text",
	    "more than 45", "value", 45, "sentence",
	    "More than 45 ships are now waiting at anchor, the port said.",
	    "corroborated", "text",
	    "The strike began on Monday after wage talks broke down.", "count",
	    2, "sources", "https://news.example.com/world/valparaiso-strike",
	    "https://wire.example.org/2025/09/chile-ports");
}
