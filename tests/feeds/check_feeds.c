/* Unit tests of feeds/: formats, ids, encodings, JSON, OPML, ctl parse. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feed.h"
#include "feed_date.h"
#include "feed_int.h"
#include "opml.h"
#include "parse.h"
#include "suites.h"

static struct feed_doc *
parse_ct(const char *s, size_t len, const char *ctype, const char *base)
{
	struct feed_parse_opts o;
	struct feed_doc *d;

	feed_parse_opts_init(&o);
	o.content_type = ctype;
	o.base_url = base;
	o.clamp_future = 0;
	d = feed_parse_buf(s, len, &o);
	ck_assert_ptr_nonnull(d);
	return d;
}

static struct feed_doc *
parse(const char *s)
{
	return parse_ct(s, strlen(s), NULL, "http://example.com/feed/");
}

static char *
date_str(int64_t t, char *buf)
{
	if (t == FEED_NO_DATE)
		return strcpy(buf, "none");
	return feed_date_format(t, buf, 32);
}

/* ---- formats ---- */

struct format_case {
	const char *name;
	const char *doc;
	enum feed_format format;
	const char *feed_title;
	const char *id;
	const char *link;
	const char *title;
	const char *author;
	const char *published;
	const char *updated;
	const char *summary;
	const char *content;
};

static const struct format_case format_cases[] = {
	{ "rss20",
	    "<?xml version=\"1.0\"?><rss version=\"2.0\" "
	    "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
	    "<title>News</title><link>http://example.com/</link><item>"
	    "<title>Fire at the docks</title><link>/a/1</link>"
	    "<guid isPermaLink=\"false\">tag:1</guid>"
	    "<dc:creator>Ann</dc:creator>"
	    "<pubDate>Tue, 10 Jun 2003 09:41:01 GMT</pubDate>"
	    "<description>&lt;p&gt;Short&lt;/p&gt;</description>"
	    "<content:encoded><![CDATA[<p>Long &amp; full</p>]]>"
	    "</content:encoded></item></channel></rss>",
	    FEED_FORMAT_RSS20, "News", "tag:1", "http://example.com/a/1",
	    "Fire at the docks", "Ann", "2003-06-10T09:41:01Z", "none",
	    "<p>Short</p>", "<p>Long &amp; full</p>" },
	{ "rss091",
	    "<rss version=\"0.91\"><channel><title>Old</title><item>"
	    "<title>T</title><link>http://example.com/x</link>"
	    "<description>D</description></item></channel></rss>",
	    FEED_FORMAT_RSS091, "Old", "http://example.com/x",
	    "http://example.com/x", "T", NULL, "none", "none", "D", NULL },
	{ "rss092",
	    "<rss version=\"0.92\"><channel><title>Old</title><item>"
	    "<title>T</title><description>D</description></item>"
	    "</channel></rss>",
	    FEED_FORMAT_RSS092, "Old", NULL, NULL, "T", NULL, "none", "none",
	    "D", NULL },
	{ "rss10",
	    "<rdf:RDF "
	    "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	    "xmlns=\"http://purl.org/rss/1.0/\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	    "<channel rdf:about=\"http://example.com/\"><title>RDF</title>"
	    "<link>http://example.com/</link></channel>"
	    "<item rdf:about=\"http://example.com/i1\"><title>I1</title>"
	    "<link>http://example.com/i1</link>"
	    "<dc:date>2004-01-02T03:04:05+01:00</dc:date>"
	    "<dc:description>Desc</dc:description></item></rdf:RDF>",
	    FEED_FORMAT_RSS10, "RDF", "http://example.com/i1",
	    "http://example.com/i1", "I1", NULL, "none", "2004-01-02T02:04:05Z",
	    "Desc", NULL },
	{ "rss090",
	    "<rdf:RDF "
	    "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	    "xmlns=\"http://my.netscape.com/rdf/simple/0.9/\">"
	    "<channel><title>Ninety</title><link>http://example.com/</link>"
	    "</channel><item><title>A</title><link>http://example.com/a</link>"
	    "</item></rdf:RDF>",
	    FEED_FORMAT_RSS090, "Ninety", "http://example.com/a",
	    "http://example.com/a", "A", NULL, "none", "none", NULL, NULL },
	{ "atom10",
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	    "xml:base=\"http://example.org/blog/\"><title type=\"html\">"
	    "A &amp;lt;b&amp;gt;</title>"
	    "<link rel=\"self\" href=\"/feed\"/><link href=\"./\"/>"
	    "<entry><id>urn:x:1</id><title>E1</title>"
	    "<link rel=\"enclosure\" href=\"a.mp3\"/>"
	    "<link rel=\"alternate\" href=\"2004/e1\"/>"
	    "<author><name>Bob</name><email>b@x</email></author>"
	    "<published>2004-01-01T00:00:00Z</published>"
	    "<updated>2004-01-02T00:00:00-02:00</updated>"
	    "<summary type=\"text\">S &amp; s</summary>"
	    "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/"
	    "xhtml\"><p>X <b>y</b></p></div></content></entry></feed>",
	    FEED_FORMAT_ATOM10, "A &lt;b&gt;", "urn:x:1",
	    "http://example.org/blog/2004/e1", "E1", "Bob",
	    "2004-01-01T00:00:00Z", "2004-01-02T02:00:00Z", "S & s",
	    "<p>X <b>y</b></p>" },
	{ "atom03",
	    "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\">"
	    "<title>Three</title><entry><id>tag:e</id><title>E</title>"
	    "<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"http://example.com/e\"/>"
	    "<issued>2003-12-13T18:30:02Z</issued>"
	    "<modified>2003-12-13T18:30:02Z</modified>"
	    "<content type=\"text/plain\" mode=\"base64\">"
	    "SGVsbG8gd29ybGQ=</content></entry></feed>",
	    FEED_FORMAT_ATOM03, "Three", "tag:e", "http://example.com/e", "E",
	    NULL, "2003-12-13T18:30:02Z", "2003-12-13T18:30:02Z", NULL,
	    "Hello world" },
	{ "cdf",
	    "<CHANNEL HREF=\"http://example.com/\"><TITLE>Cdf</TITLE>"
	    "<ITEM HREF=\"http://example.com/i\" "
	    "LASTMOD=\"2004-04-06T23:05:43-05:00\"><TITLE>I</TITLE>"
	    "<ABSTRACT>Abs</ABSTRACT></ITEM></CHANNEL>",
	    FEED_FORMAT_CDF, "Cdf", "http://example.com/i",
	    "http://example.com/i", "I", NULL, "none", "2004-04-07T04:05:43Z",
	    "Abs", NULL },
};

static void
assert_str_or_null(const char *what, const char *have, const char *want)
{
	if (want == NULL)
		ck_assert_msg(
		    have == NULL, "%s: want null, have \"%s\"", what, have);
	else
		ck_assert_msg(have != NULL && strcmp(have, want) == 0,
		    "%s: want \"%s\", have \"%s\"", what, want,
		    have ? have : "(null)");
}

START_TEST(test_formats)
{
	const struct format_case *c = &format_cases[_i];
	struct feed_doc *d = parse(c->doc);
	const struct feed_entry *e;
	char b[32];

	ck_assert_msg(d->error == FEED_OK, "%s: %s", c->name, d->error_msg);
	ck_assert_msg(!d->bozo, "%s: bozo %s", c->name, d->bozo_reason);
	ck_assert_str_eq(
	    feed_format_name(d->format), feed_format_name(c->format));
	assert_str_or_null("feed title", d->title, c->feed_title);
	ck_assert_uint_eq(d->nentries, 1);
	e = &d->entries[0];
	if (c->id != NULL)
		assert_str_or_null("id", e->id, c->id);
	else
		ck_assert(strncmp(e->id, "h:", 2) == 0);
	assert_str_or_null("link", e->link, c->link);
	assert_str_or_null("title", e->title, c->title);
	assert_str_or_null("author", e->author, c->author);
	ck_assert_str_eq(date_str(e->published, b), c->published);
	ck_assert_str_eq(date_str(e->updated, b), c->updated);
	assert_str_or_null("summary", e->summary, c->summary);
	assert_str_or_null("content", e->content, c->content);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_atom_feed_link_resolution)
{
	struct feed_doc *d = parse(format_cases[5].doc);

	assert_str_or_null("feed link", d->link, "http://example.org/blog/");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_content_location_base)
{
	struct feed_parse_opts o;
	const char *doc = "<rss><channel><link>/home</link><item>"
			  "<link>story</link></item></channel></rss>";
	struct feed_doc *d;

	feed_parse_opts_init(&o);
	o.base_url = "http://a.example/feeds/rss";
	o.content_location = "../other/dir/";
	d = feed_parse_buf(doc, strlen(doc), &o);
	ck_assert_str_eq(d->link, "http://a.example/home");
	ck_assert_str_eq(
	    d->entries[0].link, "http://a.example/other/dir/story");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_categories)
{
	struct feed_doc *d =
	    parse("<rss version=\"2.0\"><channel><item><title>t</title>"
		  "<category>World</category><category>Europe</category>"
		  "</item></channel></rss>");

	ck_assert_uint_eq(d->entries[0].ncategories, 2);
	ck_assert_str_eq(d->entries[0].categories[1], "Europe");
	feed_doc_free(d);
}
END_TEST

/* ---- ids, dedup, caps ---- */

/* Links leave feeds/ absolute, http(s), with a host, without userinfo. */
static const struct {
	const char *base, *ref, *want;
} url_cases[] = {
	{ "https://example.com/a/", "b.html", "https://example.com/a/b.html" },
	{ "https://example.com/a/", "//cdn.example.org/x",
	    "https://cdn.example.org/x" },
	{ NULL, "https://u:p@example.com/x", "https://example.com/x" },
	{ NULL, "http://u:p@e.example/%zz", "http://e.example/%zz" },
	{ NULL, "http://u@[fe80::1%25@[fe]/", NULL },
	{ "https://example.com/", "http:/", NULL },
	{ "https:/", "https:/x", NULL },
	{ NULL, "relative/only", NULL },
	{ NULL, "javascript:alert(1)", NULL },
	{ NULL, "data:text/html,x", NULL },
	{ NULL, "file:///etc/passwd", NULL },
	{ NULL, "http://:80/", NULL },
};

START_TEST(test_url_resolve)
{
	char *got =
	    feed_url_resolve(url_cases[_i].base, url_cases[_i].ref, 2048);

	if (url_cases[_i].want == NULL)
		ck_assert_msg(
		    got == NULL, "%s: got %s", url_cases[_i].ref, got);
	else
		ck_assert_str_eq(got, url_cases[_i].want);
	free(got);
}
END_TEST

START_TEST(test_url_resolve_too_long)
{
	char ref[3100];

	/* Unparsable links obey the length cap too. */
	memcpy(ref, "http://e.example/%zz", 20);
	memset(ref + 20, 'a', sizeof(ref) - 21);
	ref[sizeof(ref) - 1] = '\0';
	ck_assert_ptr_null(feed_url_resolve(NULL, ref, 2048));
}
END_TEST

START_TEST(test_id_derivation)
{
	struct feed_doc *d =
	    parse("<rss version=\"2.0\"><channel>"
		  "<item><guid>g1</guid><link>http://e.com/1</link></item>"
		  "<item><link>http://e.com/2</link><title>two</title></item>"
		  "<item><title>three</title>"
		  "<pubDate>Tue, 10 Jun 2003 09:41:01 GMT</pubDate></item>"
		  "<item><title>three</title></item>"
		  "</channel></rss>");
	struct feed_doc *again;

	ck_assert_uint_eq(d->nentries, 4);
	ck_assert_str_eq(d->entries[0].id, "g1");
	ck_assert_int_eq(d->entries[0].id_source, FEED_ID_GUID);
	ck_assert_str_eq(d->entries[1].id, "http://e.com/2");
	ck_assert_int_eq(d->entries[1].id_source, FEED_ID_LINK);
	ck_assert_int_eq(d->entries[2].id_source, FEED_ID_HASH);
	ck_assert_uint_eq(strlen(d->entries[2].id), 18);
	/* same title, no date: a different hash */
	ck_assert_str_ne(d->entries[2].id, d->entries[3].id);
	/* stable across parses */
	again = parse("<rss version=\"2.0\"><channel><item><title>three</title>"
		      "<pubDate>Tue, 10 Jun 2003 09:41:01 GMT</pubDate></item>"
		      "</channel></rss>");
	ck_assert_str_eq(again->entries[0].id, d->entries[2].id);
	feed_doc_free(again);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_permalink_guid_as_link)
{
	struct feed_doc *d = parse(
	    "<rss><channel>"
	    "<item><guid>http://e.com/perma</guid></item>"
	    "<item><guid isPermaLink=\"false\">http://e.com/not</guid></item>"
	    "<item><guid>tag:x</guid></item>"
	    "<item><guid>http://e.com/g</guid><link>http://e.com/l</link>"
	    "</item></channel></rss>");

	ck_assert_str_eq(d->entries[0].link, "http://e.com/perma");
	ck_assert_ptr_null(d->entries[1].link);
	ck_assert_ptr_null(d->entries[2].link);
	ck_assert_str_eq(d->entries[3].link, "http://e.com/l");
	ck_assert_str_eq(d->entries[3].id, "http://e.com/g");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_id_fnv_known_value)
{
	struct feed_entry e = {
		.title = "a", .published = FEED_NO_DATE, .updated = FEED_NO_DATE
	};

	/* FNV-1a 64 of "a\n": fixed by the algorithm, not by this code */
	ck_assert_int_eq(feed_entry_derive_id(&e, 2048), 0);
	ck_assert_uint_eq(
	    feed_fnv1a(FEED_FNV_INIT, "a", 1), UINT64_C(0xaf63dc4c8601ec8c));
	ck_assert_str_eq(e.id, "h:089bdc07b544e7b2");
	free(e.id);
}
END_TEST

START_TEST(test_long_id_hashed)
{
	char doc[9000], guid[5000];
	struct feed_doc *d;

	memset(guid, 'g', sizeof(guid) - 1);
	guid[sizeof(guid) - 1] = '\0';
	snprintf(doc, sizeof(doc),
	    "<rss><channel><item><guid>%s</guid></item></channel></rss>", guid);
	d = parse(doc);
	ck_assert_uint_eq(d->nentries, 1);
	ck_assert(strncmp(d->entries[0].id, "h:", 2) == 0);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_dedup_guid)
{
	struct feed_doc *d =
	    parse("<rss><channel><item><guid>x</guid><title>1</title></item>"
		  "<item><guid>y</guid></item>"
		  "<item><guid>x</guid><title>2</title></item>"
		  "<item><link>http://e.com/same</link><title>a</title></item>"
		  "<item><link>http://e.com/same</link><title>b</title></item>"
		  "<item><link>http://e.com/same</link><title>a</title></item>"
		  "</channel></rss>");
	struct feed_doc *again;

	/* the repeated guid goes; entries sharing a link stay, distinct */
	ck_assert_uint_eq(d->nentries, 5);
	ck_assert_uint_eq(d->nduplicates, 1);
	ck_assert_str_eq(d->entries[0].title, "1");
	ck_assert_str_eq(d->entries[2].id, "http://e.com/same");
	ck_assert_int_eq(d->entries[3].id_source, FEED_ID_HASH);
	ck_assert_str_eq(d->entries[3].title, "b");
	ck_assert_int_eq(d->entries[4].id_source, FEED_ID_HASH);
	ck_assert_str_ne(d->entries[3].id, d->entries[4].id);
	/* and the derived ids are the same on the next fetch */
	again =
	    parse("<rss><channel><item><guid>x</guid><title>1</title></item>"
		  "<item><guid>y</guid></item>"
		  "<item><guid>x</guid><title>2</title></item>"
		  "<item><link>http://e.com/same</link><title>a</title></item>"
		  "<item><link>http://e.com/same</link><title>b</title></item>"
		  "<item><link>http://e.com/same</link><title>a</title></item>"
		  "</channel></rss>");
	for (size_t i = 0; i < d->nentries; i++)
		ck_assert_str_eq(d->entries[i].id, again->entries[i].id);
	feed_doc_free(again);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_dedup_flood)
{
	size_t n = 20000;
	char *doc = malloc(n * 80 + 64), *p = doc;
	struct feed_doc *d;

	p += sprintf(p, "<rss><channel>");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p,
		    "<item><guid>same</guid></item>"
		    "<item><title>t</title></item>");
	p += sprintf(p, "</channel></rss>");
	d = parse_ct(doc, (size_t)(p - doc), NULL, NULL);
	/* one per guid; equal guid-less entries up to the retry bound */
	ck_assert_uint_le(d->nentries, 500);
	ck_assert_uint_ge(d->nduplicates, n - 1);
	feed_doc_free(d);
	free(doc);
}
END_TEST

START_TEST(test_entry_cap_newest)
{
	struct feed_parse_opts o;
	struct feed_doc *d;
	char doc[8192];
	size_t n = 0;

	n += (size_t)snprintf(doc + n, sizeof(doc) - n, "<rss><channel>");
	/* days 1..9 in shuffled order */
	static const int days[] = { 3, 9, 1, 7, 5, 2, 8, 4, 6 };
	for (size_t i = 0; i < 9; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n,
		    "<item><guid>%d</guid><pubDate>2004-01-0%dT00:00:00Z"
		    "</pubDate></item>",
		    days[i], days[i]);
	snprintf(doc + n, sizeof(doc) - n, "</channel></rss>");
	feed_parse_opts_init(&o);
	o.max_entries = 3;
	d = feed_parse_buf(doc, strlen(doc), &o);
	ck_assert_uint_eq(d->nentries, 3);
	ck_assert_uint_eq(d->ndropped, 6);
	/* the three newest, in document order */
	ck_assert_str_eq(d->entries[0].id, "9");
	ck_assert_str_eq(d->entries[1].id, "7");
	ck_assert_str_eq(d->entries[2].id, "8");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_future_clamped)
{
	struct feed_parse_opts o;
	const char *doc = "<rss><channel><item><guid>a</guid>"
			  "<pubDate>2150-01-01T00:00:00Z</pubDate>"
			  "</item></channel></rss>";
	struct feed_doc *d;

	feed_parse_opts_init(&o);
	o.now = 1700000000;
	d = feed_parse_buf(doc, strlen(doc), &o);
	ck_assert_int_eq(d->entries[0].published, 1700000000);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_content_hash)
{
	struct feed_doc *a = parse("<rss><channel><item><guid>1</guid>"
				   "<title>T</title><description>one"
				   "</description></item></channel></rss>");
	struct feed_doc *b = parse("<rss><channel><item><guid>1</guid>"
				   "<title>T</title><description>two"
				   "</description></item></channel></rss>");
	struct feed_doc *c = parse("<rss><channel><item><guid>1</guid>"
				   "<title>T</title><description>one"
				   "</description></item></channel></rss>");
	uint64_t ha = feed_entry_content_hash(&a->entries[0]);

	ck_assert_uint_ne(ha, feed_entry_content_hash(&b->entries[0]));
	ck_assert_uint_eq(ha, feed_entry_content_hash(&c->entries[0]));
	feed_doc_free(a);
	feed_doc_free(b);
	feed_doc_free(c);
}
END_TEST

/* ---- links ---- */

START_TEST(test_link_vetting)
{
	struct feed_parse_opts o;
	struct feed_doc *d;
	char doc[16000], longurl[6000];

	memset(longurl, 'a', sizeof(longurl) - 1);
	longurl[sizeof(longurl) - 1] = '\0';
	snprintf(doc, sizeof(doc),
	    "<rss><channel>"
	    "<item><guid>1</guid><link>javascript:alert(1)</link></item>"
	    "<item><guid>2</guid><link>data:text/html,x</link></item>"
	    "<item><guid>3</guid><link>http://user:pw@example.com/p</link>"
	    "</item>"
	    "<item><guid>4</guid><link>http://example.com/%s</link></item>"
	    "<item><guid>5</guid><link>rel/x?a=1&amp;b=2</link></item>"
	    "<item><guid>6</guid><title>%s</title></item>"
	    "</channel></rss>",
	    longurl, longurl);
	feed_parse_opts_init(&o);
	o.base_url = "https://example.com/feeds/main.xml";
	o.max_title_len = 100;
	d = feed_parse_buf(doc, strlen(doc), &o);
	ck_assert_uint_eq(d->nentries, 6);
	ck_assert_ptr_null(d->entries[0].link);
	ck_assert_ptr_null(d->entries[1].link);
	ck_assert_str_eq(d->entries[2].link, "http://example.com/p");
	ck_assert_ptr_null(d->entries[3].link);
	ck_assert_str_eq(
	    d->entries[4].link, "https://example.com/feeds/rel/x?a=1&b=2");
	ck_assert_uint_eq(strlen(d->entries[5].title), 100);
	feed_doc_free(d);
}
END_TEST

/* ---- encodings ---- */

static char *
to_utf16(const char *s, int big, int bom, size_t *len)
{
	size_t n = strlen(s), k = 0;
	char *o = malloc(2 * n + 2);

	if (bom) {
		o[k++] = big ? (char)0xfe : (char)0xff;
		o[k++] = big ? (char)0xff : (char)0xfe;
	}
	/* ASCII input plus "é" written as 0x01 */
	for (size_t i = 0; i < n; i++) {
		unsigned ch =
		    (unsigned char)s[i] == 1 ? 0xe9 : (unsigned char)s[i];
		o[k++] = big ? 0 : (char)ch;
		o[k++] = big ? (char)ch : 0;
	}
	*len = k;
	return o;
}

START_TEST(test_utf16_variants)
{
	static const char *xml =
	    "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><channel>"
	    "<title>caf\001</title></channel></rss>";

	for (int v = 0; v < 4; v++) {
		size_t len;
		char *b = to_utf16(xml, v & 1, v & 2, &len);
		struct feed_doc *d = parse_ct(b, len, NULL, NULL);
		ck_assert_msg(!d->bozo, "variant %d: %s", v, d->bozo_reason);
		ck_assert_str_eq(d->title, "caf\xc3\xa9");
		feed_doc_free(d);
		free(b);
	}
}
END_TEST

START_TEST(test_latin1_is_windows1252)
{
	const char *xml = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
			  "<rss><channel><title>\x80 \x93q\x94 caf\xe9"
			  "</title></channel></rss>";
	struct feed_doc *d = parse_ct(xml, strlen(xml), NULL, NULL);

	ck_assert(!d->bozo);
	ck_assert_str_eq(
	    d->title, "\xe2\x82\xac \xe2\x80\x9cq\xe2\x80\x9d caf\xc3\xa9");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_http_charset_overrides_declaration)
{
	const char *xml =
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<rss><channel><title>caf\xe9</title></channel></rss>";
	struct feed_doc *d = parse_ct(
	    xml, strlen(xml), "text/xml; charset=\"ISO-8859-1\"", NULL);
	struct feed_doc *u = parse_ct(xml, strlen(xml), "text/xml", NULL);

	ck_assert(!d->bozo);
	ck_assert_str_eq(d->title, "caf\xc3\xa9");
	/* without the header the declaration wins: invalid UTF-8, repaired */
	ck_assert(u->bozo);
	ck_assert_str_eq(u->title, "caf\xef\xbf\xbd");
	feed_doc_free(d);
	feed_doc_free(u);
}
END_TEST

START_TEST(test_bom_beats_http_charset)
{
	const char *xml = "\xef\xbb\xbf<rss><channel><title>caf\xc3\xa9"
			  "</title></channel></rss>";
	struct feed_doc *d =
	    parse_ct(xml, strlen(xml), "text/xml; charset=iso-8859-1", NULL);

	ck_assert(!d->bozo);
	ck_assert_str_eq(d->title, "caf\xc3\xa9");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_unknown_charset)
{
	const char *xml = "<?xml version=\"1.0\" encoding=\"x-no-such\"?>"
			  "<rss><channel><title>ok</title></channel></rss>";
	struct feed_doc *d = parse_ct(xml, strlen(xml), NULL, NULL);

	ck_assert(d->bozo);
	ck_assert_ptr_nonnull(strstr(d->bozo_reason, "unknown encoding"));
	ck_assert_str_eq(d->title, "ok");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_other_charsets)
{
	/* "год" in KOI8-R and windows-1251 */
	const char *koi = "<?xml version=\"1.0\" encoding=\"koi8-r\"?>"
			  "<rss><channel><title>\xc7\xcf\xc4</title>"
			  "</channel></rss>";
	const char *cp1251 = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>"
			     "<rss><channel><title>\xe3\xee\xe4</title>"
			     "</channel></rss>";
	struct feed_doc *a = parse_ct(koi, strlen(koi), NULL, NULL);
	struct feed_doc *b = parse_ct(cp1251, strlen(cp1251), NULL, NULL);

	ck_assert_str_eq(a->title, "\xd0\xb3\xd0\xbe\xd0\xb4");
	ck_assert_str_eq(b->title, "\xd0\xb3\xd0\xbe\xd0\xb4");
	feed_doc_free(a);
	feed_doc_free(b);
}
END_TEST

/* ---- ill-formed ---- */

START_TEST(test_html_entities_in_xml)
{
	struct feed_doc *d = parse("<rss><channel><title>caf&eacute; "
				   "&amp; &nbsp;x &copy; &bogus; AT&T</title>"
				   "<item><title>a &lt;b&gt;</title></item>"
				   "</channel></rss>");

	ck_assert(d->bozo);
	/* no-break space kept: values are as published */
	ck_assert_str_eq(
	    d->title, "caf\xc3\xa9 & \xc2\xa0x \xc2\xa9 &bogus; AT&T");
	/* entities after the first error survive (libxml2 2.9 drops them) */
	ck_assert_str_eq(d->entries[0].title, "a <b>");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_stray_lt_kept)
{
	struct feed_doc *d = parse("<rss><channel><title>a < b &amp; c"
				   "</title><item><title>x <3 y</title>"
				   "<link href=\"http://e.com/?q=a<b\"/></item>"
				   "</channel></rss>");

	ck_assert(d->bozo);
	ck_assert_str_eq(d->title, "a < b & c");
	ck_assert_str_eq(d->entries[0].title, "x <3 y");
	ck_assert_str_eq(d->entries[0].link, "http://e.com/?q=a<b");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_recover_mismatched_tags)
{
	struct feed_doc *d = parse("<rss><channel><title>T</title>"
				   "<item><title>one &amp; only</titel>"
				   "<link>http://e.com/1</link></item>"
				   "<item><title>two</title></item>");

	ck_assert(d->bozo);
	ck_assert_ptr_nonnull(d->bozo_reason);
	ck_assert_int_eq(d->error, FEED_OK);
	ck_assert_uint_ge(d->nentries, 1);
	ck_assert_str_eq(d->title, "T");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_empty_body)
{
	struct feed_doc *d = parse_ct("", 0, NULL, NULL);
	struct feed_doc *w = parse_ct(" \r\n\t ", 5, NULL, NULL);

	ck_assert_int_eq(d->error, FEED_ERR_EMPTY);
	ck_assert_int_eq(w->error, FEED_ERR_EMPTY);
	ck_assert(d->bozo);
	feed_doc_free(d);
	feed_doc_free(w);
}
END_TEST

START_TEST(test_not_a_feed_xml)
{
	struct feed_doc *d = parse("<svg><title>x</title></svg>");

	ck_assert_int_eq(d->error, FEED_ERR_NOT_A_FEED);
	ck_assert_ptr_nonnull(strstr(d->error_msg, "<svg>"));
	feed_doc_free(d);
}
END_TEST

/* ---- JSON Feed ---- */

START_TEST(test_jsonfeed_11)
{
	const char *j =
	    "{\"version\":\"https://jsonfeed.org/version/1.1\","
	    "\"title\":\"JF\",\"home_page_url\":\"https://example.org/\","
	    "\"items\":[{\"id\":\"1\",\"url\":\"/p/1\",\"title\":\"One\","
	    "\"content_html\":\"<p>Hi</p>\",\"summary\":\"S\","
	    "\"date_published\":\"2020-01-02T03:04:05-01:00\","
	    "\"date_modified\":\"2020-01-03T00:00:00Z\","
	    "\"authors\":[{\"name\":\"Cy\"}],\"tags\":[\"a\",\"b\"]},"
	    "{\"id\":2,\"content_text\":\"plain\\u0000text\"}]}";
	struct feed_doc *d = parse_ct(j, strlen(j), "application/feed+json",
	    "https://example.org/feed.json");
	char b[32];

	ck_assert_int_eq(d->error, FEED_OK);
	ck_assert_str_eq(feed_format_name(d->format), "jsonfeed");
	ck_assert_str_eq(d->title, "JF");
	ck_assert_str_eq(d->link, "https://example.org/");
	ck_assert_uint_eq(d->nentries, 2);
	ck_assert_str_eq(d->entries[0].link, "https://example.org/p/1");
	ck_assert_str_eq(d->entries[0].author, "Cy");
	ck_assert_str_eq(d->entries[0].content, "<p>Hi</p>");
	ck_assert_str_eq(d->entries[0].summary, "S");
	ck_assert_str_eq(
	    date_str(d->entries[0].published, b), "2020-01-02T04:04:05Z");
	ck_assert_uint_eq(d->entries[0].ncategories, 2);
	ck_assert_str_eq(d->entries[1].id, "2");
	/* NUL is removed, never a silent truncation */
	ck_assert_str_eq(d->entries[1].content, "plaintext");
	feed_doc_free(d);
}
END_TEST

START_TEST(test_jsonfeed_10_and_errors)
{
	const char *j10 = "{\"version\":\"https://jsonfeed.org/version/1\","
			  "\"title\":\"Old\",\"items\":[{\"id\":\"x\","
			  "\"author\":{\"name\":\"Di\"},\"title\":\"T\"}]}";
	const char *notjf = "{\"hello\":1}";
	const char *broken = "{\"version\":\"https://jsonfeed.org/version/1\",";
	const char *badutf = "{\"version\":\"https://jsonfeed.org/version/1\","
			     "\"title\":\"a\xff\"}";
	struct feed_doc *d = parse_ct(j10, strlen(j10), NULL, NULL);
	struct feed_doc *n = parse_ct(notjf, strlen(notjf), NULL, NULL);
	struct feed_doc *b = parse_ct(broken, strlen(broken), NULL, NULL);
	struct feed_doc *u = parse_ct(badutf, strlen(badutf), NULL, NULL);

	ck_assert_str_eq(d->entries[0].author, "Di");
	ck_assert_int_eq(n->error, FEED_ERR_NOT_A_FEED);
	ck_assert_int_eq(b->error, FEED_ERR_MALFORMED);
	ck_assert(b->bozo);
	ck_assert(u->bozo);
	ck_assert_str_eq(u->title, "a\xef\xbf\xbd");
	feed_doc_free(d);
	feed_doc_free(n);
	feed_doc_free(b);
	feed_doc_free(u);
}
END_TEST

/* ---- JSON rendering and storywatchctl parse ---- */

START_TEST(test_doc_to_json)
{
	struct feed_doc *d = parse(format_cases[0].doc);
	json_t *j = feed_doc_to_json(d), *e;

	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(
	    json_string_value(json_object_get(j, "format")), "rss20");
	ck_assert(json_is_false(json_object_get(j, "bozo")));
	ck_assert(json_is_null(json_object_get(j, "bozo_reason")));
	ck_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(j, "feed"), "title")),
	    "News");
	e = json_array_get(json_object_get(j, "entries"), 0);
	ck_assert_uint_eq(json_object_size(e), 8);
	ck_assert_str_eq(json_string_value(json_object_get(e, "published")),
	    "2003-06-10T09:41:01Z");
	ck_assert(json_is_null(json_object_get(e, "updated")));
	ck_assert_uint_eq(json_object_size(j), 5);
	json_decref(j);
	feed_doc_free(d);
}
END_TEST

/* Run ctl_cmd_parse with stdout captured into out (NUL-terminated). */
static int
run_ctl(int argc, char **argv, char *out, size_t outlen)
{
	char tmpl[] = "/tmp/swfeeds-out-XXXXXX";
	int fd = mkstemp(tmpl), saved, rc;
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	rc = ctl_cmd_parse(argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, outlen - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(tmpl);
	return rc;
}

static void
write_tmp(char *path, const char *content)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(
	    write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

START_TEST(test_ctl_parse)
{
	char path[] = "/tmp/swfeeds-feed-XXXXXX",
	     html[] = "/tmp/swfeeds-html-XXXXXX";
	char out[8192];
	json_t *j;
	json_error_t err;

	write_tmp(path,
	    "<rss><channel><title>C</title><item><title>I"
	    "</title><link>a/b</link></item></channel></rss>");
	write_tmp(html,
	    "<html><head><link rel=\"alternate\" "
	    "type=\"application/rss+xml\" href=\"/rss\"></head>"
	    "<body>hi</body></html>");
	char *a1[] = { "parse", "--base-url", "http://h.example/x/", path,
		"--json", NULL };
	ck_assert_int_eq(run_ctl(5, a1, out, sizeof(out)), 0);
	j = json_loads(out, 0, &err);
	ck_assert_msg(j != NULL, "%s", out);
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(j, "entries"), 0), "link")),
	    "http://h.example/x/a/b");
	json_decref(j);

	char *a2[] = { "parse", path, NULL };
	ck_assert_int_eq(run_ctl(2, a2, out, sizeof(out)), 0);
	ck_assert_ptr_nonnull(strstr(out, "1 entries"));

	char *a3[] = { "parse", "--base-url", "http://site.example/page",
		"--json", html, NULL };
	ck_assert_int_eq(run_ctl(5, a3, out, sizeof(out)), 1);
	ck_assert_ptr_nonnull(strstr(out, "http://site.example/rss"));

	char *a4[] = { "parse", NULL };
	ck_assert_int_eq(run_ctl(1, a4, out, sizeof(out)), 2);
	char *a5[] = { "parse", "--bogus", path, NULL };
	ck_assert_int_eq(run_ctl(3, a5, out, sizeof(out)), 2);
	char *a6[] = { "parse", "/nonexistent/feed.xml", NULL };
	ck_assert_int_eq(run_ctl(2, a6, out, sizeof(out)), 1);
	unlink(path);
	unlink(html);
}
END_TEST

/* ---- OPML ---- */

START_TEST(test_opml)
{
	const char *good =
	    "<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head/><body>\n"
	    "<outline text=\"News\">\n"
	    "  <outline type=\"rss\" text=\"A\" title=\"Feed A\" "
	    "xmlUrl=\"http://a.example/rss\" htmlUrl=\"http://a.example/\"/>\n"
	    "  <outline type=\"rss\" text=\"B\" "
	    "xmlUrl=\"https://b.example/atom\"/>\n"
	    "</outline>\n"
	    "<outline text=\"dup\" xmlUrl=\"http://a.example/rss\"/>\n"
	    "</body></opml>\n";
	const char *bad =
	    "<opml><body>\n<outline xmlUrl=\"file:///etc/passwd\"/>\n"
	    "<outline xmlUrl=\"http://ok.example/\"/>\n"
	    "<outline xmlUrl=\"javascript:x\"/>\n</body></opml>";
	const char *broken = "<opml><body>\n<outline xmlUrl=\"http://x/\">\n"
			     "</body></opml>";
	struct opml_list l;

	ck_assert_int_eq(
	    opml_parse_buf(good, strlen(good), "subs.opml", &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].title, "Feed A");
	ck_assert_str_eq(l.items[0].xml_url, "http://a.example/rss");
	ck_assert_str_eq(l.items[0].html_url, "http://a.example/");
	ck_assert_str_eq(l.items[1].title, "B");
	ck_assert_ptr_null(l.items[1].html_url);
	opml_list_free(&l);

	ck_assert_int_eq(opml_parse_buf(bad, strlen(bad), "bad.opml", &l), -1);
	ck_assert_uint_eq(l.nerrors, 2);
	ck_assert_str_eq(l.errors[0],
	    "bad.opml:2: xmlUrl \"file:///etc/passwd\" is not an absolute "
	    "http(s) URL");
	ck_assert(strncmp(l.errors[1], "bad.opml:4: ", 12) == 0);
	ck_assert_uint_eq(l.n, 1);
	opml_list_free(&l);

	ck_assert_int_eq(
	    opml_parse_buf(broken, strlen(broken), "broken.opml", &l), -1);
	ck_assert_uint_ge(l.nerrors, 1);
	ck_assert(strncmp(l.errors[0], "broken.opml:3: ", 15) == 0);
	opml_list_free(&l);

	char path[] = "/tmp/swfeeds-opml-XXXXXX";
	write_tmp(path, good);
	ck_assert_int_eq(opml_parse_file(path, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	opml_list_free(&l);
	unlink(path);

	ck_assert_int_eq(opml_parse_file("/nonexistent.opml", &l), -1);
	ck_assert(strncmp(l.errors[0], "/nonexistent.opml: ", 19) == 0);
	opml_list_free(&l);
}
END_TEST

static Suite *
feeds_suite(void)
{
	Suite *s = suite_create("feeds");
	TCase *tc = tcase_create("formats");

	tcase_add_loop_test(tc, test_formats, 0,
	    (int)(sizeof(format_cases) / sizeof(format_cases[0])));
	tcase_add_test(tc, test_atom_feed_link_resolution);
	tcase_add_test(tc, test_categories);
	tcase_add_test(tc, test_content_location_base);
	suite_add_tcase(s, tc);
	tc = tcase_create("entries");
	tcase_add_test(tc, test_id_derivation);
	tcase_add_loop_test(tc, test_url_resolve, 0,
	    (int)(sizeof(url_cases) / sizeof(url_cases[0])));
	tcase_add_test(tc, test_url_resolve_too_long);
	tcase_add_test(tc, test_id_fnv_known_value);
	tcase_add_test(tc, test_permalink_guid_as_link);
	tcase_add_test(tc, test_long_id_hashed);
	tcase_add_test(tc, test_dedup_guid);
	tcase_add_test(tc, test_dedup_flood);
	tcase_add_test(tc, test_entry_cap_newest);
	tcase_add_test(tc, test_future_clamped);
	tcase_add_test(tc, test_content_hash);
	tcase_add_test(tc, test_link_vetting);
	suite_add_tcase(s, tc);
	tc = tcase_create("encodings");
	tcase_add_test(tc, test_utf16_variants);
	tcase_add_test(tc, test_latin1_is_windows1252);
	tcase_add_test(tc, test_http_charset_overrides_declaration);
	tcase_add_test(tc, test_bom_beats_http_charset);
	tcase_add_test(tc, test_unknown_charset);
	tcase_add_test(tc, test_other_charsets);
	suite_add_tcase(s, tc);
	tc = tcase_create("illformed");
	tcase_add_test(tc, test_html_entities_in_xml);
	tcase_add_test(tc, test_recover_mismatched_tags);
	tcase_add_test(tc, test_stray_lt_kept);
	tcase_add_test(tc, test_empty_body);
	tcase_add_test(tc, test_not_a_feed_xml);
	suite_add_tcase(s, tc);
	tc = tcase_create("jsonfeed");
	tcase_add_test(tc, test_jsonfeed_11);
	tcase_add_test(tc, test_jsonfeed_10_and_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("output");
	tcase_add_test(tc, test_doc_to_json);
	tcase_add_test(tc, test_ctl_parse);
	tcase_add_test(tc, test_opml);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(feeds_suite());
	int failed;

	feeds_init();
	srunner_add_suite(sr, date_suite());
	srunner_add_suite(sr, hostile_suite());
	srunner_add_suite(sr, stream_suite());
	srunner_add_suite(sr, text_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
