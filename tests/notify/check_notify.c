/* Unit tests for notify/: formats and their limits, signing and secrets, the
 * retry policy. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "notify.h"
#include "notify_text.h"
#include "util.h"

/* The published Standard Webhooks test vector (spec libraries' tests). */
#define SPEC_SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SPEC_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define SPEC_TS 1614265330
#define SPEC_BODY "{\"test\": 2432232314}"
#define SPEC_SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

/* Format names. */

START_TEST(test_format_names)
{
	enum notify_format f;

	for (int i = 0; i < NOTIFY_FORMAT_COUNT; i++) {
		ck_assert_int_eq(
		    notify_format_parse(notify_format_name(i), &f), 0);
		ck_assert_int_eq(f, i);
	}
	ck_assert_str_eq(notify_format_name(NOTIFY_FORMAT_SLACK), "slack");
	ck_assert_int_eq(notify_format_parse("Slack", &f), -1);
	ck_assert_int_eq(notify_format_parse("", &f), -1);
	ck_assert_int_eq(notify_format_parse(NULL, &f), -1);
	ck_assert_str_eq(notify_format_name(NOTIFY_FORMAT_COUNT), "?");
}
END_TEST

/* Bounded text: never past the limit, never half a character. */

static const struct {
	const char *in;
	size_t limit;
	enum ntext_count count;
	unsigned flags;
	const char *out;
	int rc;
} texts[] = {
	{ "hello", 10, NTEXT_UTF16, 0, "hello", 0 },
	{ "hello world", 5, NTEXT_UTF16, 0, "hell\xe2\x80\xa6", 1 },
	/* An emoji is two UTF-16 units: with 2 left only the ellipsis fits. */
	{ "a\xf0\x9f\x98\x80z", 3, NTEXT_UTF16, 0, "a\xe2\x80\xa6", 1 },
	{ "a\xf0\x9f\x98\x80z", 4, NTEXT_UTF16, 0, "a\xf0\x9f\x98\x80z", 0 },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", 5, NTEXT_BYTES, 0, "\xc3\xa9\xe2\x80\xa6",
	    1 },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", 4, NTEXT_BYTES, 0, "\xe2\x80\xa6", 1 },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", 6, NTEXT_BYTES, 0,
	    "\xc3\xa9\xc3\xa9\xc3\xa9", 0 },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9x", 6, NTEXT_BYTES, 0,
	    "\xc3\xa9\xe2\x80\xa6", 1 },
	{ "abc", 0, NTEXT_UTF16, 0, "", 1 },
	{ "  two\n\tlines  \r\n here ", 40, NTEXT_UTF16, NTEXT_ONELINE,
	    "two lines here", 0 },
	{ "keep\nnewline", 40, NTEXT_UTF16, 0, "keep\nnewline", 0 },
	{ "<!channel> & co", 40, NTEXT_UTF16, NTEXT_SLACK,
	    "&lt;!channel&gt; &amp; co", 0 },
	/* An escape is never split: "&amp;" goes in whole or not at all. */
	{ "a&b", 5, NTEXT_UTF16, NTEXT_SLACK, "a\xe2\x80\xa6", 1 },
	{ "bidi\xe2\x80\xae"
	  "evil\x01\x7f",
	    20, NTEXT_UTF16, 0, "bidievil", 0 },
	{ "bad\xff\xfe"
	  "byte",
	    20, NTEXT_UTF16, 0,
	    "bad\xef\xbf\xbd\xef\xbf\xbd"
	    "byte",
	    0 },
	{ "overlong\xc0\xaf", 20, NTEXT_UTF16, 0,
	    "overlong\xef\xbf\xbd\xef\xbf\xbd", 0 },
	{ "surrogate\xed\xa0\x80", 20, NTEXT_BYTES, 0,
	    "surrogate\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 0 },
	{ "caf\xc3\xa9", 10, NTEXT_BYTES, NTEXT_ASCII, "caf?", 0 },
};

START_TEST(test_ntext_put)
{
	struct ntext t;
	int rc;

	ntext_init(&t, texts[_i].limit, texts[_i].count);
	rc = ntext_puts(&t, texts[_i].in, SIZE_MAX, texts[_i].flags);
	ck_assert_int_eq(rc, texts[_i].rc);
	ck_assert_str_eq(ntext_str(&t), texts[_i].out);
	ck_assert_uint_le(t.used, texts[_i].limit);
	ck_assert(sw_utf8_valid(ntext_str(&t), strlen(ntext_str(&t))));
	ntext_free(&t);
}
END_TEST

START_TEST(test_ntext_every_cut)
{
	/* Every limit over a mixed string: valid UTF-8 within the limit. */
	const char *s = "x\xc3\xa9\xe6\x95\xb0\xf0\x9f\x98\x80y\xe2\x86\x92z";

	for (int c = 0; c < 2; c++) {
		for (size_t lim = 0; lim < 24; lim++) {
			struct ntext t;
			const char *o;

			ntext_init(&t, lim, c ? NTEXT_BYTES : NTEXT_UTF16);
			ck_assert_int_ne(ntext_puts(&t, s, SIZE_MAX, 0), -1);
			o = ntext_str(&t);
			ck_assert(sw_utf8_valid(o, strlen(o)));
			ck_assert_uint_le(c ? strlen(o) : utf16_units(o), lim);
			ntext_free(&t);
		}
	}
}
END_TEST

static const struct {
	const char *url;
	const char *out; /* NULL: refused */
} urls[] = {
	{ "https://example.com/a?b=c", "https://example.com/a?b=c" },
	{ "HTTP://example.com/x y", "HTTP://example.com/x%20y" },
	{ "https://example.com/<|>", "https://example.com/%3C%7C%3E" },
	{ "https://example.com/caf\xc3\xa9", "https://example.com/caf%C3%A9" },
	{ "https://example.com/\r\nX: y", "https://example.com/%0D%0AX:%20y" },
	{ "javascript:alert(1)", NULL },
	{ "ftp://example.com/", NULL },
	{ "https://", NULL },
	{ "http:///path", NULL },
	{ "", NULL },
};

START_TEST(test_ntext_url)
{
	struct ntext t;
	int rc;

	ntext_init(&t, 200, NTEXT_BYTES);
	rc = ntext_url(&t, urls[_i].url, 200);
	if (urls[_i].out == NULL) {
		ck_assert_int_eq(rc, 1);
		ck_assert_str_eq(ntext_str(&t), "");
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(ntext_str(&t), urls[_i].out);
	}
	ntext_free(&t);
}
END_TEST

/* Payloads. */

static json_t *
parse_body(const struct notify_payload *p)
{
	json_error_t e;
	json_t *j = json_loadb(p->body, p->len, 0, &e);

	ck_assert_msg(j != NULL, "body is not JSON: %s", e.text);
	return j;
}

START_TEST(test_json_is_the_alert)
{
	json_t *a = alert_small(), *back;
	struct notify_payload p;

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_JSON, &p), 0);
	ck_assert_str_eq(p.content_type, "application/json");
	ck_assert_uint_eq(strlen(p.body), p.len);
	ck_assert_ptr_null(strchr(p.body, '\n'));
	ck_assert_ptr_nonnull(strstr(p.body, "\"novelty\":0.83,"));
	back = parse_body(&p);
	ck_assert(json_equal(a, back));
	json_decref(back);
	notify_payload_free(&p);
	json_decref(a);
}
END_TEST

START_TEST(test_small_alert_whole_in_every_format)
{
	json_t *a = alert_small();

	for (int f = 0; f < NOTIFY_FORMAT_COUNT; f++) {
		struct notify_payload p;

		ck_assert_int_eq(notify_build(a, f, &p), 0);
		ck_assert(sw_utf8_valid(p.body, p.len));
		/* Every claim and the figure make it; nothing is "not shown".
		 */
		ck_assert_msg(strstr(p.body, "ceased and disabled") != NULL,
		    "%s", notify_format_name(f));
		ck_assert_msg(
		    strstr(p.body, "elements of the reporting") != NULL, "%s",
		    notify_format_name(f));
		ck_assert_msg(strstr(p.body, "more than 67,000") != NULL, "%s",
		    notify_format_name(f));
		ck_assert_msg(strstr(p.body, "more claim") == NULL, "%s",
		    notify_format_name(f));
		notify_payload_free(&p);
	}
	json_decref(a);
}
END_TEST

START_TEST(test_build_rejects_non_object)
{
	json_t *a = json_array();
	struct notify_payload p;

	for (int f = 0; f < NOTIFY_FORMAT_COUNT; f++) {
		ck_assert_int_eq(notify_build(a, f, &p), -1);
		ck_assert_ptr_null(p.body);
	}
	ck_assert_int_eq(notify_build(NULL, NOTIFY_FORMAT_TEXT, &p), -1);
	json_decref(a);
}
END_TEST

START_TEST(test_build_empty_object)
{
	json_t *a = json_object();

	for (int f = 0; f < NOTIFY_FORMAT_COUNT; f++) {
		struct notify_payload p;

		ck_assert_int_eq(notify_build(a, f, &p), 0);
		ck_assert_ptr_nonnull(p.body);
		ck_assert(sw_utf8_valid(p.body, p.len));
		notify_payload_free(&p);
	}
	json_decref(a);
}
END_TEST

static size_t
jlen(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? utf16_units(json_string_value(v)) : 0;
}

static void
check_slack(const json_t *doc, int expect_note)
{
	const json_t *blocks = json_object_get(doc, "blocks"), *b;
	size_t i, total = 0;
	int note = 0;

	ck_assert(json_is_array(blocks));
	ck_assert_uint_le(json_array_size(blocks), 50);
	ck_assert_uint_gt(jlen(doc, "text"), 0);
	ck_assert_uint_le(jlen(doc, "text"), 3000);
	json_array_foreach(blocks, i, b)
	{
		const char *type =
		    json_string_value(json_object_get(b, "type"));
		const json_t *text = json_object_get(b, "text");

		ck_assert_ptr_nonnull(type);
		if (strcmp(type, "context") == 0) {
			const json_t *els = json_object_get(b, "elements");

			ck_assert_uint_le(json_array_size(els), 10);
			text = json_array_get(els, 0);
		}
		ck_assert_msg(jlen(text, "text") > 0, "block %zu empty", i);
		if (strcmp(type, "header") == 0) {
			ck_assert_uint_eq(i, 0);
			ck_assert_str_eq(
			    json_string_value(json_object_get(text, "type")),
			    "plain_text");
			ck_assert_uint_le(jlen(text, "text"), 150);
		} else {
			ck_assert_uint_le(jlen(text, "text"), 3000);
		}
		if (strstr(json_string_value(json_object_get(text, "text")),
			"\xe2\x80\xa6 and ") != NULL)
			note = 1;
		total += jlen(text, "text");
	}
	ck_assert_uint_le(total, NOTIFY_SLACK_TOTAL);
	ck_assert_int_eq(note, expect_note);
}

static void
check_discord(const json_t *doc, int expect_note)
{
	const json_t *embeds = json_object_get(doc, "embeds"), *e, *fields, *f;
	size_t total = 0, i;
	int note = 0;

	ck_assert_uint_le(jlen(doc, "content"), 2000);
	ck_assert_uint_gt(jlen(doc, "content"), 0);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(
		json_object_get(doc, "allowed_mentions"), "parse")),
	    0);
	ck_assert_uint_eq(json_array_size(embeds), 1);
	e = json_array_get(embeds, 0);
	ck_assert_uint_le(jlen(e, "title"), 256);
	ck_assert_uint_le(jlen(e, "description"), 4096);
	total += jlen(e, "title") + jlen(e, "description");
	total += jlen(json_object_get(e, "footer"), "text");
	ck_assert_uint_le(jlen(json_object_get(e, "footer"), "text"), 2048);
	fields = json_object_get(e, "fields");
	ck_assert_uint_le(json_array_size(fields), 25);
	json_array_foreach(fields, i, f)
	{
		ck_assert_uint_gt(jlen(f, "name"), 0);
		ck_assert_uint_gt(jlen(f, "value"), 0);
		ck_assert_uint_le(jlen(f, "name"), 256);
		ck_assert_uint_le(jlen(f, "value"), 1024);
		total += jlen(f, "name") + jlen(f, "value");
		if (strstr(json_string_value(json_object_get(f, "value")),
			"\xe2\x80\xa6 and ") != NULL)
			note = 1;
	}
	ck_assert_uint_le(total, 6000);
	ck_assert_int_eq(note, expect_note);
}

START_TEST(test_limits_huge_alert)
{
	/* 500 claims of 2 KB, 40 figures and 40 corroborations, multibyte. */
	json_t *a = alert_big(500, 2048, 40, 40);
	struct notify_payload p;
	json_t *doc;
	char err[200];

	ck_assert_int_eq(notify_alert_check(a, err, sizeof(err)), 0);

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_SLACK, &p), 0);
	doc = parse_body(&p);
	check_slack(doc, 1);
	ck_assert_ptr_nonnull(strstr(p.body, "more claims"));
	json_decref(doc);
	notify_payload_free(&p);

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_DISCORD, &p), 0);
	doc = parse_body(&p);
	check_discord(doc, 1);
	json_decref(doc);
	notify_payload_free(&p);

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_NTFY, &p), 0);
	ck_assert_uint_le(p.len, NOTIFY_NTFY_MAX);
	ck_assert(sw_utf8_valid(p.body, p.len));
	ck_assert_ptr_nonnull(strstr(p.body, "more claims"));
	ck_assert_str_eq(p.content_type, "text/plain; charset=utf-8");
	for (size_t i = 0; i < p.nheaders; i++)
		for (const char *c = p.headers[i].value; *c; c++)
			ck_assert(*c >= 0x20 && *c < 0x7f);
	notify_payload_free(&p);

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_TEXT, &p), 0);
	ck_assert_uint_le(p.len, NOTIFY_TEXT_MAX);
	ck_assert(sw_utf8_valid(p.body, p.len));
	ck_assert_ptr_nonnull(strstr(p.body, "more claims"));
	ck_assert_ptr_nonnull(strstr(p.body, "swa_0123456789abcdef"));
	notify_payload_free(&p);
	json_decref(a);
}
END_TEST

START_TEST(test_limits_at_many_sizes)
{
	/* Sizes around the points where a claim no longer fits. */
	static const size_t nclaims[] = { 0, 1, 3, 20, 60 };
	static const size_t bytes[] = { 1, 150, 599, 1100, 5000 };

	for (size_t i = 0; i < SW_ARRAY_SIZE(nclaims); i++) {
		for (size_t j = 0; j < SW_ARRAY_SIZE(bytes); j++) {
			json_t *a = alert_big(nclaims[i], bytes[j], i * 3, i);

			for (int f = 0; f < NOTIFY_FORMAT_COUNT; f++) {
				struct notify_payload p;
				json_t *doc;

				ck_assert_int_eq(notify_build(a, f, &p), 0);
				ck_assert(sw_utf8_valid(p.body, p.len));
				if (f == NOTIFY_FORMAT_SLACK) {
					doc = parse_body(&p);
					check_slack(doc,
					    strstr(p.body,
						"\xe2\x80\xa6 and ") != NULL);
					json_decref(doc);
				} else if (f == NOTIFY_FORMAT_DISCORD) {
					doc = parse_body(&p);
					check_discord(doc,
					    strstr(p.body,
						"\xe2\x80\xa6 and ") != NULL);
					json_decref(doc);
				} else if (f == NOTIFY_FORMAT_NTFY) {
					ck_assert_uint_le(
					    p.len, NOTIFY_NTFY_MAX);
				} else if (f == NOTIFY_FORMAT_TEXT) {
					ck_assert_uint_le(
					    p.len, NOTIFY_TEXT_MAX);
				}
				notify_payload_free(&p);
			}
			json_decref(a);
		}
	}
}
END_TEST

START_TEST(test_json_shrinks_past_ceiling)
{
	json_t *a = alert_big(500, 2048, 10, 300), *doc, *om;
	struct notify_payload p;
	size_t kept_claims, kept_corr;
	char err[200];

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_JSON, &p), 0);
	ck_assert_uint_le(p.len, NOTIFY_JSON_MAX);
	doc = parse_body(&p);
	ck_assert_int_eq(notify_alert_check(doc, err, sizeof(err)), 0);
	om = json_object_get(doc, "omitted");
	ck_assert(json_is_object(om));
	/* Figures go first; whatever was left out is counted exactly. */
	ck_assert_uint_eq(
	    json_array_size(json_object_get(doc, "changed_figures")), 10);
	kept_claims = json_array_size(json_object_get(doc, "new_claims"));
	kept_corr = json_array_size(json_object_get(doc, "corroborated"));
	ck_assert_uint_gt(kept_claims, 0);
	ck_assert_uint_eq(kept_claims +
		(size_t)json_integer_value(json_object_get(om, "new_claims")),
	    500);
	ck_assert_uint_eq(kept_corr +
		(size_t)json_integer_value(json_object_get(om, "corroborated")),
	    300);
	/* What is kept is the head of each list, unchanged. */
	ck_assert(
	    json_equal(json_array_get(json_object_get(doc, "new_claims"), 0),
		json_array_get(json_object_get(a, "new_claims"), 0)));
	json_decref(doc);
	notify_payload_free(&p);
	json_decref(a);
}
END_TEST

START_TEST(test_json_foreign_bulk)
{
	/* Unknown fields big enough to pass the ceiling on their own. */
	json_t *a = alert_big(30, 500, 3, 3), *doc, *junk = json_array();
	struct notify_payload p;
	char err[200];

	for (int i = 0; i < 3000; i++)
		json_array_append_new(junk,
		    json_string("0123456789abcdef0123"
				"456789abcdef0123456789"
				"abcdef0123456789abcdef"));
	json_object_set(json_object_get(a, "story"), "extra", junk);
	json_object_set_new(a, "extra", junk);
	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_JSON, &p), 0);
	ck_assert_uint_le(p.len, NOTIFY_JSON_MAX);
	doc = parse_body(&p);
	ck_assert_ptr_null(json_object_get(doc, "extra"));
	ck_assert_int_eq(notify_alert_check(doc, err, sizeof(err)), 0);
	ck_assert_uint_eq(
	    json_array_size(json_object_get(doc, "new_claims")), 30);
	json_decref(doc);
	notify_payload_free(&p);
	json_decref(a);
}
END_TEST

START_TEST(test_nothing_left_after_cleaning)
{
	/* Titles of control characters only: never an empty required text. */
	json_t *a = alert_small(), *doc;
	struct notify_payload p;

	json_object_set_new(json_object_get(a, "story"), "title",
	    json_string("\x01\x02\t\xe2\x80\xae"));
	json_object_set_new(
	    json_object_get(a, "article"), "title", json_string("\x1b"));
	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_SLACK, &p), 0);
	doc = parse_body(&p);
	check_slack(doc, 0);
	notify_payload_free(&p);
	json_decref(doc);
	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_DISCORD, &p), 0);
	doc = parse_body(&p);
	check_discord(doc, 0);
	ck_assert_uint_gt(
	    jlen(json_array_get(json_object_get(doc, "embeds"), 0), "title"),
	    0);
	notify_payload_free(&p);
	json_decref(doc);
	json_decref(a);
}
END_TEST

START_TEST(test_hostile_text)
{
	json_t *a = alert_small();
	json_t *claims = json_object_get(a, "new_claims");
	struct notify_payload p;
	const char *v;

	json_object_set_new(json_object_get(a, "story"), "title",
	    json_string("Evil\r\nX-Injected: 1\xe2\x80\xae caf\xc3\xa9"));
	json_array_append_new(claims,
	    json_pack("{s:s, s:f}", "text",
		"<!channel> @everyone <https://evil.example|click>", "novelty",
		0.9));
	json_array_append_new(claims,
	    json_pack("{s:o, s:f}", "text",
		json_stringn_nocheck("bad \xff\xc0 utf8", 11), "novelty", 0.9));

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_SLACK, &p), 0);
	ck_assert_ptr_null(strstr(p.body, "<!channel>"));
	ck_assert_ptr_nonnull(strstr(p.body, "&lt;!channel&gt;"));
	ck_assert_ptr_null(strstr(p.body, "<https://evil"));
	ck_assert_ptr_null(strstr(p.body, "\xe2\x80\xae"));
	notify_payload_free(&p);

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_DISCORD, &p), 0);
	ck_assert_ptr_nonnull(
	    strstr(p.body, "\"allowed_mentions\":{\"parse\":[]}"));
	ck_assert(sw_utf8_valid(p.body, p.len));
	notify_payload_free(&p);

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_NTFY, &p), 0);
	v = notify_payload_header(&p, "title");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_null(strpbrk(v, "\r\n"));
	/* Non-ASCII goes out as RFC 2047 encoded-words. */
	ck_assert_ptr_nonnull(strstr(v, "=?UTF-8?B?"));
	ck_assert(sw_utf8_valid(p.body, p.len));
	ck_assert_ptr_nonnull(
	    strstr(p.body, "bad \xef\xbf\xbd\xef\xbf\xbd utf8"));
	ck_assert_str_eq(notify_payload_header(&p, "Click"),
	    "https://www.example.com/world/2025/sep/25/azure");
	notify_payload_free(&p);
	json_decref(a);
}
END_TEST

START_TEST(test_ntfy_title_words)
{
	/* Each encoded-word at most 75 characters, decoding to the title. */
	json_t *a = alert_small();
	struct notify_payload p;
	const char *v, *w;

	json_object_set_new(json_object_get(a, "story"), "title",
	    json_string("\xe6\x95\xb0\xe5\xad\x97 \xf0\x9f\x98\x80 "
			"Zażółć gęślą jaźń, a long title that needs several "
			"encoded words to carry"));
	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_NTFY, &p), 0);
	v = notify_payload_header(&p, "Title");
	for (w = v; *w != '\0';) {
		size_t n = strcspn(w, " ");

		ck_assert_uint_le(n, 75);
		ck_assert_int_eq(strncmp(w, "=?UTF-8?B?", 10), 0);
		ck_assert_int_eq(strncmp(w + n - 2, "?=", 2), 0);
		w += n + (w[n] == ' ');
	}
	notify_payload_free(&p);
	json_decref(a);
}
END_TEST

START_TEST(test_headers_replace_and_clean)
{
	struct notify_payload p;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(notify_payload_set_header(&p, "X-A", "1\r\n2"), 0);
	ck_assert_str_eq(notify_payload_header(&p, "x-a"), "1  2");
	ck_assert_int_eq(notify_payload_set_header(&p, "x-A", "3"), 0);
	ck_assert_uint_eq(p.nheaders, 1);
	ck_assert_str_eq(notify_payload_header(&p, "X-A"), "3");
	/* A name that is not a token could split the header block. */
	ck_assert_int_eq(
	    notify_payload_set_header(&p, "X-B: 1\r\nX-C", "v"), -1);
	ck_assert_int_eq(notify_payload_set_header(&p, "", "v"), -1);
	ck_assert_int_eq(notify_payload_set_header(&p, "X B", "v"), -1);
	ck_assert_ptr_null(notify_payload_header(&p, "X-B"));
	for (int i = 1; i < NOTIFY_MAX_HEADERS; i++) {
		char n[16];

		snprintf(n, sizeof(n), "X-%d", i);
		ck_assert_int_eq(notify_payload_set_header(&p, n, "v"), 0);
	}
	ck_assert_int_eq(notify_payload_set_header(&p, "X-Full", "v"), -1);
	ck_assert_int_eq(notify_payload_set_header(&p, "X-A", "4"), 0);
	notify_payload_free(&p);
	notify_payload_free(&p);
}
END_TEST

/* Alert shape check. */

static const struct {
	const char *patch; /* JSON merged into the small alert */
	const char *remove;
	const char *err; /* NULL: valid */
} shapes[] = {
	{ "{}", NULL, NULL },
	{ "{\"test\": true}", NULL, NULL },
	{ "{\"kind\": \"article_updated\"}", NULL, NULL },
	{ NULL, "id", "id: missing" },
	{ "{\"id\": \"swa_0123\"}", NULL, "id: not swa_ and 32 hex digits" },
	{ "{\"version\": 2}", NULL, "version: not 1" },
	{ "{\"kind\": \"deleted\"}", NULL,
	    "kind: not new_article or article_updated" },
	{ "{\"story\": {\"id\": \"x\"}}", NULL, "story.title: missing" },
	{ "{\"new_claims\": [{\"text\": \"t\", \"novelty\": 1.5}]}", NULL,
	    "new_claims[0].novelty: not between 0 and 1" },
	{ "{\"new_claims\": [{\"text\": 3, \"novelty\": 0.5}]}", NULL,
	    "new_claims[0].text: wrong type" },
	{ "{\"changed_figures\": [{\"subject\": \"s\", \"old\": {\"text\": "
	  "\"a\", \"value\": 1}}]}",
	    NULL, "changed_figures[0].new: missing" },
	{ "{\"corroborated\": [{\"text\": \"t\", \"count\": 2, \"sources\": "
	  "[1]}]}",
	    NULL, "corroborated[0].sources[0]: wrong type" },
	{ "{\"test\": \"yes\"}", NULL, "test: wrong type" },
	{ NULL, "corroborated", "corroborated: missing" },
	{ "{\"source\": \"x\"}", NULL, "source: unknown field" },
	{ "{\"detected_at\": \"2025-09-25 10:00\"}", NULL,
	    "detected_at: not YYYY-MM-DDTHH:MM:SSZ" },
	{ "{\"detected_at\": \"2025-09-25T10:00:00.250Z\"}", NULL, NULL },
	{ "{\"article\": {\"url\": \"u\", \"title\": \"t\", \"published\": "
	  "\"today\", \"feed\": {\"id\": \"f\", \"title\": null}}}",
	    NULL, "article.published: not YYYY-MM-DDTHH:MM:SSZ" },
	{ "{\"article\": {\"url\": \"u\", \"title\": \"t\", \"published\": "
	  "null, \"feed\": {\"id\": \"f\", \"title\": null}}}",
	    NULL, NULL },
	{ "{\"corroborated\": [{\"text\": \"t\", \"count\": 0, \"sources\": "
	  "[]}]}",
	    NULL, "corroborated[0].count: less than 1" },
	{ "{\"story\": {\"id\": \"\", \"title\": \"t\"}}", NULL,
	    "story.id: empty" },
};

START_TEST(test_alert_check)
{
	json_t *a = alert_small();
	char err[200] = "";
	int rc;

	if (shapes[_i].patch != NULL) {
		json_t *patch = json_loads(shapes[_i].patch, 0, NULL);

		ck_assert_ptr_nonnull(patch);
		json_object_update(a, patch);
		json_decref(patch);
	}
	if (shapes[_i].remove != NULL)
		json_object_del(a, shapes[_i].remove);
	rc = notify_alert_check(a, err, sizeof(err));
	if (shapes[_i].err == NULL) {
		ck_assert_msg(rc == 0, "unexpected: %s", err);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err, shapes[_i].err);
	}
	json_decref(a);
}
END_TEST

START_TEST(test_sample_alert)
{
	json_t *a = notify_sample_alert(1758794400),
	       *b = notify_sample_alert(1758794400);
	char err[200];

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(notify_alert_check(a, err, sizeof(err)), 0);
	ck_assert(json_is_true(json_object_get(a, "test")));
	ck_assert_str_eq(json_string_value(json_object_get(a, "detected_at")),
	    "2025-09-25T10:00:00Z");
	/* Each test-webhook is a new event for the receiver's dedup. */
	ck_assert_str_ne(json_string_value(json_object_get(a, "id")),
	    json_string_value(json_object_get(b, "id")));
	for (int f = 0; f < NOTIFY_FORMAT_COUNT; f++) {
		struct notify_payload p;

		ck_assert_int_eq(notify_build(a, f, &p), 0);
		if (f != NOTIFY_FORMAT_JSON && f != NOTIFY_FORMAT_NTFY)
			ck_assert_ptr_nonnull(strstr(p.body, "[TEST]"));
		notify_payload_free(&p);
	}
	json_decref(a);
	json_decref(b);
}
END_TEST

/* Signing. */

static struct notify_secret *
secret(const char *text)
{
	struct notify_secret_msg m;
	struct notify_secret *s = notify_secret_from_string(text, &m);

	ck_assert_msg(s != NULL, "%s", m.error);
	return s;
}

START_TEST(test_spec_vector)
{
	struct notify_secret *s = secret(SPEC_SECRET);
	const struct notify_secret *keys[] = { s };
	char sig[NOTIFY_SIGNATURE_SIZE];

	ck_assert_uint_eq(notify_secret_key_len(s), 24);
	ck_assert_int_eq(notify_sign(keys, 1, SPEC_ID, SPEC_TS, SPEC_BODY,
			     strlen(SPEC_BODY), sig, sizeof(sig)),
	    0);
	ck_assert_str_eq(sig, SPEC_SIG);
	ck_assert_int_eq(notify_verify(s, SPEC_SIG, SPEC_ID, SPEC_TS, SPEC_BODY,
			     strlen(SPEC_BODY)),
	    1);
	/* Any change to id, time or body breaks it. */
	ck_assert_int_eq(notify_verify(s, SPEC_SIG, SPEC_ID, SPEC_TS + 1,
			     SPEC_BODY, strlen(SPEC_BODY)),
	    0);
	ck_assert_int_eq(notify_verify(s, SPEC_SIG, "msg_other", SPEC_TS,
			     SPEC_BODY, strlen(SPEC_BODY)),
	    0);
	ck_assert_int_eq(notify_verify(s, SPEC_SIG, SPEC_ID, SPEC_TS,
			     "{\"test\":2432232314}", 19),
	    0);
	notify_secret_free(s);
}
END_TEST

START_TEST(test_raw_secret_differs)
{
	/* Without the prefix the same text is a raw key: another signature. */
	struct notify_secret *s = secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	const struct notify_secret *keys[] = { s };
	char sig[NOTIFY_SIGNATURE_SIZE];

	ck_assert_uint_eq(notify_secret_key_len(s), 32);
	ck_assert_int_eq(notify_sign(keys, 1, SPEC_ID, SPEC_TS, SPEC_BODY,
			     strlen(SPEC_BODY), sig, sizeof(sig)),
	    0);
	ck_assert_str_ne(sig, SPEC_SIG);
	ck_assert_int_eq(strncmp(sig, "v1,", 3), 0);
	ck_assert_uint_eq(strlen(sig), 3 + 44);
	notify_secret_free(s);
}
END_TEST

static const struct {
	const char *text;
	const char *err; /* substring of the error, NULL: loads */
	int warn;	 /* a warning is expected */
} secrets[] = {
	{ SPEC_SECRET, NULL, 0 },
	{ "whsec_c2hvcnQ=", NULL, 1 }, /* "short": 5 bytes */
	{ "whsec_c2hvcnQ", "not valid base64", 0 },
	{ "whsec_", "not valid base64", 0 },
	{ "whsec_====", "not valid base64", 0 },
	{ "whsec_ab=c", "not valid base64", 0 },
	{ "whsec_c2hv cnQ=", "not valid base64", 0 },
	{ "whsec_c2hv-nQ_", "not valid base64", 0 },
	{ "whsec_c2hvcnQ=\n", "not valid base64", 0 },
	{ "", "empty", 0 },
	{ "a-raw-secret-of-at-least-24-bytes", NULL, 0 },
	{ "hunter2", NULL, 1 },
};

START_TEST(test_secret_forms)
{
	struct notify_secret_msg m;
	struct notify_secret *s =
	    notify_secret_from_string(secrets[_i].text, &m);
	const char *tail = secrets[_i].text;

	if (strncmp(tail, "whsec_", 6) == 0)
		tail += 6;
	if (secrets[_i].err == NULL) {
		ck_assert_msg(s != NULL, "%s", m.error);
		ck_assert_int_eq(m.warning[0] != '\0', secrets[_i].warn);
	} else {
		ck_assert_ptr_null(s);
		ck_assert_msg(
		    strstr(m.error, secrets[_i].err) != NULL, "%s", m.error);
	}
	/* Neither message ever quotes the secret. */
	if (strlen(tail) >= 4) {
		ck_assert_ptr_null(strstr(m.error, tail));
		ck_assert_ptr_null(strstr(m.warning, tail));
	}
	notify_secret_free(s);
}
END_TEST

START_TEST(test_secret_too_long)
{
	char *big = malloc(NOTIFY_SECRET_MAX + 2);
	struct notify_secret_msg m;

	memset(big, 'Q', NOTIFY_SECRET_MAX + 1);
	big[NOTIFY_SECRET_MAX + 1] = '\0';
	ck_assert_ptr_null(notify_secret_from_string(big, &m));
	ck_assert_ptr_nonnull(strstr(m.error, "longer than"));
	ck_assert_ptr_null(strstr(m.error, "QQQQ"));
	big[NOTIFY_SECRET_MAX] = '\0';
	notify_secret_free(notify_secret_from_string(big, &m));
	ck_assert_str_eq(m.error, "");
	free(big);
}
END_TEST

static char tmpdir[64];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_notify.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmp_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

static void
write_file(const char *path, const char *content, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_secret_file)
{
	char path[128], sig1[NOTIFY_SIGNATURE_SIZE],
	    sig2[NOTIFY_SIGNATURE_SIZE];
	struct notify_secret_msg m;
	struct notify_secret *s, *ref = secret(SPEC_SECRET);
	const struct notify_secret *k[1];

	snprintf(path, sizeof(path), "%s/hook.secret", tmpdir);
	/* A trailing newline (echo > file) is not part of the secret. */
	write_file(path, SPEC_SECRET "\n", 0600);
	s = notify_secret_from_file(path, &m);
	ck_assert_msg(s != NULL, "%s", m.error);
	ck_assert_str_eq(m.warning, "");
	k[0] = s;
	notify_sign(k, 1, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), sig1,
	    sizeof(sig1));
	k[0] = ref;
	notify_sign(k, 1, SPEC_ID, SPEC_TS, SPEC_BODY, strlen(SPEC_BODY), sig2,
	    sizeof(sig2));
	ck_assert_str_eq(sig1, sig2);
	notify_secret_free(s);

	/* Readable by others: loads, with a warning naming the file. */
	write_file(path, SPEC_SECRET "\r\n", 0644);
	s = notify_secret_from_file(path, &m);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(m.warning, path));
	ck_assert_ptr_nonnull(strstr(m.warning, "0644"));
	ck_assert_ptr_null(strstr(m.warning, "MfKQ9r8"));
	notify_secret_free(s);
	write_file(path, SPEC_SECRET, 0640);
	s = notify_secret_from_file(path, &m);
	ck_assert_ptr_nonnull(strstr(m.warning, "group"));
	notify_secret_free(s);

	/* A broken whsec_ in a file: the error names the file, not the text. */
	write_file(path, "whsec_not*base64*at*all", 0600);
	ck_assert_ptr_null(notify_secret_from_file(path, &m));
	ck_assert_ptr_nonnull(strstr(m.error, path));
	ck_assert_ptr_null(strstr(m.error, "not*base64"));

	write_file(path, "\n", 0600);
	ck_assert_ptr_null(notify_secret_from_file(path, &m));
	ck_assert_ptr_nonnull(strstr(m.error, "empty"));

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	ck_assert_ptr_null(notify_secret_from_file(path, &m));
	ck_assert_ptr_nonnull(strstr(m.error, path));
	ck_assert_ptr_null(notify_secret_from_file(tmpdir, &m));
	ck_assert_ptr_nonnull(strstr(m.error, "not a regular file"));
	/* A FIFO is refused at once instead of waiting for a writer. */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(notify_secret_from_file(path, &m));
	ck_assert_ptr_nonnull(strstr(m.error, "not a regular file"));
	notify_secret_free(ref);
}
END_TEST

START_TEST(test_secret_file_too_long)
{
	char path[128];
	struct notify_secret_msg m;
	FILE *f;

	snprintf(path, sizeof(path), "%s/big", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 3 * NOTIFY_SECRET_MAX; i++)
		fputc('Z', f);
	fclose(f);
	chmod(path, 0600);
	ck_assert_ptr_null(notify_secret_from_file(path, &m));
	ck_assert_ptr_nonnull(strstr(m.error, "longer than"));
	ck_assert_ptr_null(strstr(m.error, "ZZZZ"));
}
END_TEST

START_TEST(test_secret_credential)
{
	char path[128];
	struct notify_secret_msg m;
	struct notify_secret *s;

	unsetenv("CREDENTIALS_DIRECTORY");
	ck_assert_ptr_null(notify_secret_from_credential("hook", &m));
	ck_assert_ptr_nonnull(strstr(m.error, "CREDENTIALS_DIRECTORY"));
	setenv("CREDENTIALS_DIRECTORY", tmpdir, 1);
	snprintf(path, sizeof(path), "%s/hook", tmpdir);
	write_file(path, SPEC_SECRET "\n", 0440);
	s = notify_secret_from_credential("hook", &m);
	ck_assert_msg(s != NULL, "%s", m.error);
	ck_assert_uint_eq(notify_secret_key_len(s), 24);
	notify_secret_free(s);
	ck_assert_ptr_null(notify_secret_from_credential("../hook", &m));
	ck_assert_ptr_null(notify_secret_from_credential("..", &m));
	ck_assert_ptr_null(notify_secret_from_credential("", &m));
	ck_assert_ptr_null(notify_secret_from_credential("nope", &m));
	ck_assert_ptr_nonnull(strstr(m.error, "credential nope"));
	unsetenv("CREDENTIALS_DIRECTORY");
}
END_TEST

START_TEST(test_sign_arguments)
{
	struct notify_secret *s = secret(SPEC_SECRET);
	const struct notify_secret *keys[NOTIFY_SIGN_MAX_KEYS + 1] = { s, s, s,
		s, s };
	char sig[NOTIFY_SIGNATURE_SIZE];

	ck_assert_int_eq(
	    notify_sign(keys, 1, "msg.with.dots", 1, "x", 1, sig, sizeof(sig)),
	    -1);
	ck_assert_int_eq(
	    notify_sign(keys, 1, "", 1, "x", 1, sig, sizeof(sig)), -1);
	ck_assert_int_eq(
	    notify_sign(keys, 1, "id", -1, "x", 1, sig, sizeof(sig)), -1);
	ck_assert_int_eq(
	    notify_sign(keys, 0, "id", 1, "x", 1, sig, sizeof(sig)), -1);
	ck_assert_int_eq(notify_sign(keys, NOTIFY_SIGN_MAX_KEYS + 1, "id", 1,
			     "x", 1, sig, sizeof(sig)),
	    -1);
	ck_assert_int_eq(notify_sign(keys, 1, "id", 1, "x", 1, sig, 20), -1);
	ck_assert_int_eq(
	    notify_sign(keys, 1, "id", 0, "", 0, sig, sizeof(sig)), 0);
	ck_assert(notify_msg_id_valid("swa_0123456789abcdef0123456789abcdef"));
	ck_assert(!notify_msg_id_valid("a b"));
	ck_assert(!notify_msg_id_valid(NULL));
	notify_secret_free(s);
}
END_TEST

START_TEST(test_rotation_signs_with_every_key)
{
	struct notify_secret *cur = secret(SPEC_SECRET);
	struct notify_secret *old =
	    secret("an-old-raw-secret-being-rotated-out");
	struct notify_secret *other =
	    secret("a-key-the-sender-never-had-000000");
	const struct notify_secret *keys[] = { cur, old };
	char sig[NOTIFY_SIGNATURE_SIZE];

	ck_assert_int_eq(notify_sign(keys, 2, SPEC_ID, SPEC_TS, SPEC_BODY,
			     strlen(SPEC_BODY), sig, sizeof(sig)),
	    0);
	ck_assert_int_eq(
	    strncmp(sig, SPEC_SIG " v1,", strlen(SPEC_SIG) + 4), 0);
	ck_assert_int_eq(notify_verify(old, sig, SPEC_ID, SPEC_TS, SPEC_BODY,
			     strlen(SPEC_BODY)),
	    1);
	ck_assert_int_eq(notify_verify(cur, sig, SPEC_ID, SPEC_TS, SPEC_BODY,
			     strlen(SPEC_BODY)),
	    1);
	ck_assert_int_eq(notify_verify(other, sig, SPEC_ID, SPEC_TS, SPEC_BODY,
			     strlen(SPEC_BODY)),
	    0);
	notify_secret_free(cur);
	notify_secret_free(old);
	notify_secret_free(other);
}
END_TEST

START_TEST(test_payload_sign_retry)
{
	/* A retry re-signs: same id, new timestamp, new signature. */
	struct notify_secret *s = secret(SPEC_SECRET);
	const struct notify_secret *keys[] = { s };
	struct notify_payload p;
	json_t *a = alert_small();
	char first[NOTIFY_SIGNATURE_SIZE];
	size_t n;

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_JSON, &p), 0);
	ck_assert_int_eq(notify_payload_sign(&p, keys, 1,
			     "swa_0123456789abcdef0123456789abcdef", 1000),
	    0);
	n = p.nheaders;
	ck_assert_uint_eq(n, 3);
	snprintf(first, sizeof(first), "%s",
	    notify_payload_header(&p, "webhook-signature"));
	ck_assert_int_eq(notify_payload_sign(&p, keys, 1,
			     "swa_0123456789abcdef0123456789abcdef", 2000),
	    0);
	ck_assert_uint_eq(p.nheaders, n);
	ck_assert_str_eq(notify_payload_header(&p, "webhook-id"),
	    "swa_0123456789abcdef0123456789abcdef");
	ck_assert_str_eq(
	    notify_payload_header(&p, "webhook-timestamp"), "2000");
	ck_assert_str_ne(notify_payload_header(&p, "webhook-signature"), first);
	ck_assert_int_eq(
	    notify_verify(s, notify_payload_header(&p, "webhook-signature"),
		"swa_0123456789abcdef0123456789abcdef", 2000, p.body, p.len),
	    1);
	notify_payload_free(&p);

	/* ntfy carries three headers of its own: six in all. */
	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_NTFY, &p), 0);
	ck_assert_int_eq(notify_payload_sign(&p, keys, 1, "swa_x", 1), 0);
	ck_assert_uint_eq(p.nheaders, 6);
	notify_payload_free(&p);
	json_decref(a);
	notify_secret_free(s);
}
END_TEST

/* Retry policy. */

static uint64_t
fixed_rng_cb(void *arg)
{
	return *(uint64_t *)arg;
}

static uint64_t
xorshift_rng_cb(void *arg)
{
	uint64_t *x = arg;

	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

START_TEST(test_schedule_base)
{
	/* rng = span gives the exact step: d - span + span. */
	static const int64_t want[] = { 5, 30, 120, 600, 1800, 3600, 7200, 7200,
		7200, 7200 };

	for (unsigned i = 0; i < SW_ARRAY_SIZE(want); i++) {
		uint64_t mid = (uint64_t)(want[i] * 20 / 100);

		ck_assert_int_eq(
		    notify_retry_delay(NULL, i + 1, fixed_rng_cb, &mid),
		    want[i]);
	}
}
END_TEST

START_TEST(test_schedule_jitter_bounds)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, zero = 0, top;
	const struct notify_retry_policy *pol = notify_retry_policy_default();
	int64_t lo_seen = INT64_MAX, hi_seen = 0;

	for (unsigned a = 1; a <= 12; a++) {
		int64_t d =
		    pol->steps[a - 1 < pol->nsteps ? a - 1 : pol->nsteps - 1];
		int64_t lo = d - d / 5, hi = d + d / 5;

		/* The extremes are reachable ... */
		ck_assert_int_eq(
		    notify_retry_delay(NULL, a, fixed_rng_cb, &zero), lo);
		top = (uint64_t)(2 * (d / 5));
		ck_assert_int_eq(
		    notify_retry_delay(NULL, a, fixed_rng_cb, &top), hi);
		/* ... and nothing falls outside them. */
		for (int k = 0; k < 2000; k++) {
			int64_t v =
			    notify_retry_delay(NULL, a, xorshift_rng_cb, &x);

			ck_assert_int_ge(v, lo);
			ck_assert_int_le(v, hi);
			if (a == 7) {
				lo_seen = v < lo_seen ? v : lo_seen;
				hi_seen = v > hi_seen ? v : hi_seen;
			}
		}
	}
	/* The jitter really spreads (7200 s +-20 %). */
	ck_assert_int_lt(lo_seen, 6000);
	ck_assert_int_gt(hi_seen, 8400);
	/* The default CSPRNG stays in bounds too. */
	for (int k = 0; k < 100; k++) {
		int64_t v = notify_retry_delay(NULL, 2, NULL, NULL);

		ck_assert_int_ge(v, 24);
		ck_assert_int_le(v, 36);
	}
}
END_TEST

#define NOW 1758794400
#define DAY 86400

static const struct {
	enum notify_http_kind kind;
	long status;
	long retry_after;
	unsigned attempts;
	int64_t age;
	enum notify_verdict verdict;
	int64_t delay; /* -1: don't check */
	int retry_after_used;
	const char *reason; /* substring */
} cases[] = {
	{ NOTIFY_HTTP_OK, 200, -1, 1, 0, NOTIFY_DELIVERED, -1, 0, "HTTP 200" },
	{ NOTIFY_HTTP_OK, 204, -1, 9, 2 * DAY, NOTIFY_DELIVERED, -1, 0, "204" },
	{ NOTIFY_HTTP_TOO_LARGE, 202, -1, 1, 0, NOTIFY_DELIVERED, -1, 0,
	    "202" },
	/* Delivered even past the deadline: it got there. */
	{ NOTIFY_HTTP_OK, 200, -1, 40, 4 * DAY, NOTIFY_DELIVERED, -1, 0,
	    "200" },
	{ NOTIFY_HTTP_ERROR, 410, -1, 1, 0, NOTIFY_GONE, -1, 0, "410" },
	{ NOTIFY_HTTP_ERROR, 410, 60, 3, 5 * DAY, NOTIFY_GONE, -1, 0,
	    "disabled" },
	{ NOTIFY_HTTP_ERROR, 301, -1, 1, 0, NOTIFY_RETRY, 5, 0,
	    "redirects are not followed" },
	{ NOTIFY_HTTP_ERROR, 308, 100, 1, 0, NOTIFY_RETRY, 5, 0, "HTTP 308" },
	{ NOTIFY_HTTP_NOT_MODIFIED, 304, -1, 2, 0, NOTIFY_RETRY, 30, 0,
	    "HTTP 304" },
	/* Retry-After: 100000 is capped at 6 h. */
	{ NOTIFY_HTTP_ERROR, 429, 100000, 1, 0, NOTIFY_RETRY, 6 * 3600, 1,
	    "capped" },
	{ NOTIFY_HTTP_ERROR, 503, 90, 1, 0, NOTIFY_RETRY, 90, 1,
	    "Retry-After 90s" },
	/* A Retry-After shorter than the schedule never makes it sooner. */
	{ NOTIFY_HTTP_ERROR, 503, 1, 4, 0, NOTIFY_RETRY, 600, 0, "HTTP 503" },
	{ NOTIFY_HTTP_ERROR, 429, 0, 3, 0, NOTIFY_RETRY, 120, 0, "HTTP 429" },
	/* Retry-After on a 4xx other than 429 is not ours to honour. */
	{ NOTIFY_HTTP_ERROR, 404, 3000, 1, 0, NOTIFY_RETRY, 5, 0, "HTTP 404" },
	{ NOTIFY_HTTP_ERROR, 500, -1, 6, 0, NOTIFY_RETRY, 3600, 0, "HTTP 500" },
	{ NOTIFY_HTTP_TIMEOUT, 0, -1, 1, 0, NOTIFY_RETRY, 5, 0, "timed out" },
	{ NOTIFY_HTTP_NETWORK, 0, -1, 7, 0, NOTIFY_RETRY, 7200, 0,
	    "network error" },
	{ NOTIFY_HTTP_REFUSED, 0, -1, 1, 0, NOTIFY_RETRY, 5, 0,
	    "address policy" },
	{ NOTIFY_HTTP_OK, 0, -1, 1, 0, NOTIFY_RETRY, 5, 0, "no HTTP response" },
	{ NOTIFY_HTTP_TOO_LARGE, 500, -1, 1, 0, NOTIFY_RETRY, 5, 0,
	    "too large" },
	/* Near the deadline the next try is the deadline itself ... */
	{ NOTIFY_HTTP_ERROR, 500, -1, 30, 3 * DAY - 100, NOTIFY_RETRY, 100, 0,
	    "HTTP 500" },
	{ NOTIFY_HTTP_ERROR, 429, 100000, 3, 3 * DAY - 600, NOTIFY_RETRY, 600,
	    1, "capped" },
	/* ... and a failure at or past it is dead. */
	{ NOTIFY_HTTP_ERROR, 500, -1, 31, 3 * DAY, NOTIFY_DEAD, -1, 0,
	    "HTTP 500" },
	{ NOTIFY_HTTP_TIMEOUT, 0, -1, 40, 4 * DAY, NOTIFY_DEAD, -1, 0,
	    "timed out" },
};

START_TEST(test_classify)
{
	const __typeof__(cases[0]) *c = &cases[_i];
	struct notify_response r = { c->kind, c->status, c->retry_after, NULL,
		0, NULL };
	struct notify_outcome o;
	uint64_t mid;

	/* Jitter pinned to the middle so the delay is the schedule's step. */
	mid =
	    (uint64_t)(notify_retry_policy_default()
			   ->steps[c->attempts - 1 < 7 ? c->attempts - 1 : 6] *
		20 / 100);
	o = notify_classify(
	    &r, NOW - c->age, NOW, c->attempts, NULL, fixed_rng_cb, &mid);
	ck_assert_msg(o.verdict == c->verdict, "case %d: %s (%s)", _i,
	    notify_verdict_name(o.verdict), o.reason);
	if (c->delay >= 0) {
		ck_assert_int_eq(o.delay_s, c->delay);
		ck_assert_int_eq(o.next_at, NOW + c->delay);
	}
	if (o.verdict == NOTIFY_RETRY)
		ck_assert_int_le(o.next_at, NOW - c->age + 3 * DAY);
	ck_assert_int_eq(o.retry_after, c->retry_after_used);
	ck_assert_msg(
	    strstr(o.reason, c->reason) != NULL, "case %d: %s", _i, o.reason);
}
END_TEST

START_TEST(test_down_four_days)
{
	/* A receiver down for 4 days: retried on schedule, dead at 3 days. */
	uint64_t x = 12345;
	struct notify_response r = { NOTIFY_HTTP_NETWORK, 0, -1, NULL, 0,
		"Connection refused" };
	int64_t first = NOW, now = NOW;
	unsigned attempts = 0;
	struct notify_outcome o;

	for (;;) {
		attempts++;
		o = notify_classify(
		    &r, first, now, attempts, NULL, xorshift_rng_cb, &x);
		if (o.verdict != NOTIFY_RETRY)
			break;
		ck_assert_int_gt(o.next_at, now);
		now = o.next_at;
		ck_assert_uint_lt(attempts, 1000);
	}
	ck_assert_int_eq(o.verdict, NOTIFY_DEAD);
	/* The last try was exactly at the 3-day mark. */
	ck_assert_int_eq(now, first + 3 * DAY);
	/* 6 steps to 1 h, then 2 h +-20 % for the rest of 3 days. */
	ck_assert_uint_ge(attempts, 6 + (3 * DAY - 6000) / 8640);
	ck_assert_uint_le(attempts, 6 + 3 * DAY / 5760 + 2);
	ck_assert_ptr_nonnull(strstr(o.reason, "Connection refused"));
}
END_TEST

START_TEST(test_reason_excerpt_bounded)
{
	char *body = malloc(10000);
	struct notify_response r = { NOTIFY_HTTP_ERROR, 500, -1, body, 10000,
		NULL };
	struct notify_outcome o;

	for (int i = 0; i < 10000; i++)
		body[i] = "ab\r\n\x1b\x7f\xc3\xa9 "[i % 9];
	o = notify_classify(&r, NOW, NOW, 1, NULL, NULL, NULL);
	ck_assert_int_eq(o.verdict, NOTIFY_RETRY);
	ck_assert_uint_lt(strlen(o.reason), 120);
	ck_assert_ptr_nonnull(strstr(o.reason, "...\""));
	for (const char *c = o.reason; *c; c++)
		ck_assert(*c >= 0x20 && *c < 0x7f);
	free(body);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(
	    notify_http_kind_name(NOTIFY_HTTP_TOO_LARGE), "too-large");
	ck_assert_str_eq(notify_http_kind_name(NOTIFY_HTTP_KIND_COUNT), "?");
	ck_assert_str_eq(notify_verdict_name(NOTIFY_GONE), "gone");
	ck_assert_str_eq(notify_verdict_name(NOTIFY_VERDICT_COUNT), "?");
}
END_TEST

START_TEST(test_custom_policy)
{
	struct notify_retry_policy p = { .steps = { 1, 2 },
		.nsteps = 2,
		.jitter_pct = 0,
		.max_age_s = 10,
		.retry_after_max_s = 3 };
	struct notify_response r = { NOTIFY_HTTP_ERROR, 503, 60, NULL, 0,
		NULL };
	struct notify_outcome o;

	o = notify_classify(&r, NOW, NOW, 1, &p, NULL, NULL);
	ck_assert_int_eq(o.delay_s, 3);
	o = notify_classify(&r, NOW, NOW + 9, 5, &p, NULL, NULL);
	ck_assert_int_eq(o.delay_s, 1);
	o = notify_classify(&r, NOW, NOW + 10, 6, &p, NULL, NULL);
	ck_assert_int_eq(o.verdict, NOTIFY_DEAD);
}
END_TEST

static Suite *
notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc;

	tc = tcase_create("text");
	tcase_add_test(tc, test_format_names);
	tcase_add_loop_test(tc, test_ntext_put, 0, SW_ARRAY_SIZE(texts));
	tcase_add_test(tc, test_ntext_every_cut);
	tcase_add_loop_test(tc, test_ntext_url, 0, SW_ARRAY_SIZE(urls));
	suite_add_tcase(s, tc);

	tc = tcase_create("payload");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_json_is_the_alert);
	tcase_add_test(tc, test_small_alert_whole_in_every_format);
	tcase_add_test(tc, test_build_rejects_non_object);
	tcase_add_test(tc, test_build_empty_object);
	tcase_add_test(tc, test_limits_huge_alert);
	tcase_add_test(tc, test_limits_at_many_sizes);
	tcase_add_test(tc, test_json_shrinks_past_ceiling);
	tcase_add_test(tc, test_json_foreign_bulk);
	tcase_add_test(tc, test_nothing_left_after_cleaning);
	tcase_add_test(tc, test_hostile_text);
	tcase_add_test(tc, test_ntfy_title_words);
	tcase_add_test(tc, test_headers_replace_and_clean);
	tcase_add_loop_test(tc, test_alert_check, 0, SW_ARRAY_SIZE(shapes));
	tcase_add_test(tc, test_sample_alert);
	suite_add_tcase(s, tc);

	tc = tcase_create("sign");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_spec_vector);
	tcase_add_test(tc, test_raw_secret_differs);
	tcase_add_loop_test(tc, test_secret_forms, 0, SW_ARRAY_SIZE(secrets));
	tcase_add_test(tc, test_secret_too_long);
	tcase_add_test(tc, test_secret_file);
	tcase_add_test(tc, test_secret_file_too_long);
	tcase_add_test(tc, test_secret_credential);
	tcase_add_test(tc, test_sign_arguments);
	tcase_add_test(tc, test_rotation_signs_with_every_key);
	tcase_add_test(tc, test_payload_sign_retry);
	suite_add_tcase(s, tc);

	tc = tcase_create("retry");
	tcase_add_test(tc, test_schedule_base);
	tcase_add_test(tc, test_schedule_jitter_bounds);
	tcase_add_loop_test(tc, test_classify, 0, SW_ARRAY_SIZE(cases));
	tcase_add_test(tc, test_down_four_days);
	tcase_add_test(tc, test_reason_excerpt_bounded);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_custom_policy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(notify_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
