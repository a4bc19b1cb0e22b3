/* libFuzzer target: feed documents (RSS, RDF, Atom, CDF, JSON Feed) and OPML
 * bytes through feed_parse_buf, feed_doc_to_json and opml_parse_buf. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "feed.h"
#include "fuzz_util.h"
#include "log.h"
#include "opml.h"

/* A fixed clock keeps runs reproducible (future-date clamping uses it). */
#define FUZZ_NOW INT64_C(1700000000)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input length picks the HTTP Content-Type, so the charset precedence
 * (BOM > HTTP > declaration) is exercised without spending input bytes.
 */
static const char *const content_types[] = {
	NULL,
	"application/rss+xml",
	"text/xml; charset=iso-8859-1",
	"application/json; charset=utf-16",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(LOGL_ERR);
	feeds_init();
	return 0;
}

static void
check_entry(const struct feed_entry *e, const struct feed_parse_opts *o)
{
	FUZZ_CHECK(e->id != NULL && e->id[0] != '\0', "entry without id");
	fuzz_check_clean_text("entry id", e->id);
	fuzz_check_clean_text("entry title", e->title);
	fuzz_check_clean_text("entry author", e->author);
	fuzz_check_clean_text("entry summary", e->summary);
	fuzz_check_clean_text("entry content", e->content);
	if (e->link != NULL) {
		fuzz_check_clean_text("entry link", e->link);
		FUZZ_CHECK_TAG("url-nohost", fuzz_is_web_url(e->link),
		    "entry link not absolute http(s): %s", e->link);
		FUZZ_CHECK_TAG("url-toolong", strlen(e->link) <= o->max_url_len,
		    "%zu-byte link kept", strlen(e->link));
		FUZZ_CHECK_TAG("url-userinfo", !fuzz_url_has_userinfo(e->link),
		    "entry link keeps userinfo: %s", e->link);
	}
	for (size_t i = 0; i < e->ncategories; i++)
		fuzz_check_clean_text("category", e->categories[i]);
	FUZZ_CHECK(
	    e->published == FEED_NO_DATE || e->published <= FUZZ_NOW + 86400,
	    "published date not clamped: %lld", (long long)e->published);
	FUZZ_CHECK(e->updated == FEED_NO_DATE || e->updated <= FUZZ_NOW + 86400,
	    "updated date not clamped: %lld", (long long)e->updated);
	(void)feed_entry_content_hash(e);
}

static void
fuzz_opml(const uint8_t *data, size_t size)
{
	struct opml_list list = { 0 };

	(void)opml_parse_buf((const char *)data, size, "fuzz.opml", &list);
	for (size_t i = 0; i < list.n; i++) {
		FUZZ_CHECK(
		    list.items[i].xml_url != NULL, "outline without url");
		FUZZ_CHECK_TAG("url-nohost",
		    fuzz_is_web_url(list.items[i].xml_url),
		    "opml xmlUrl not http(s): %s", list.items[i].xml_url);
	}
	for (size_t i = 0; i < list.nerrors; i++)
		FUZZ_CHECK(list.errors[i] != NULL, "NULL opml error");
	opml_list_free(&list);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_parse_opts opts;
	struct feed_doc *doc;
	json_t *j;
	char *s;

	feed_parse_opts_init(&opts);
	opts.base_url = "https://example.com/news/feed.xml";
	opts.content_type = content_types[size % SW_ARRAY_SIZE(content_types)];
	opts.max_entries = 64;
	opts.now = FUZZ_NOW;

	doc = feed_parse_buf((const char *)data, size, &opts);
	if (doc == NULL)
		return 0; /* out of memory only */
	FUZZ_CHECK(doc->nentries <= opts.max_entries, "%zu entries kept",
	    doc->nentries);
	FUZZ_CHECK(doc->error == FEED_OK || doc->nentries == 0,
	    "entries with error %s", feed_error_name(doc->error));
	fuzz_check_clean_text("feed title", doc->title);
	fuzz_check_clean_text("feed link", doc->link);
	fuzz_check_clean_text("bozo reason", doc->bozo_reason);
	fuzz_check_clean_text("error message", doc->error_msg);
	for (size_t i = 0; i < doc->nentries; i++)
		check_entry(&doc->entries[i], &opts);

	/* Every string is valid UTF-8, so the JSON shape must build. */
	j = feed_doc_to_json(doc);
	FUZZ_CHECK(j != NULL, "feed_doc_to_json failed");
	s = json_dumps(j, JSON_COMPACT);
	FUZZ_CHECK(s != NULL, "json_dumps failed");
	free(s);
	json_decref(j);
	feed_doc_free(doc);

	if (size >= 5 && memmem(data, size, "opml", 4) != NULL)
		fuzz_opml(data, size);
	return 0;
}
