/* Hostile inputs (rows 1-6, 17-35): refused or repaired, never a crash. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util.h"
#include "feed.h"
#include "html.h"
#include "suites.h"

static struct feed_doc *
parse_len(const char *s, size_t len)
{
	struct feed_parse_opts o;
	struct feed_doc *d;

	feed_parse_opts_init(&o);
	o.base_url = "http://feeds.example/x.xml";
	d = feed_parse_buf(s, len, &o);
	ck_assert_ptr_nonnull(d);
	return d;
}

static struct feed_doc *
parse(const char *s)
{
	return parse_len(s, strlen(s));
}

/* The whole document as JSON text, to look for leaked file contents. */
static char *
dump(const struct feed_doc *d)
{
	json_t *j = feed_doc_to_json(d);
	char *s;

	ck_assert_ptr_nonnull(j);
	s = json_dumps(j, 0);
	json_decref(j);
	ck_assert_ptr_nonnull(s);
	return s;
}

static int
all_strings_valid(const struct feed_doc *d)
{
#define OK(s) ((s) == NULL || sw_utf8_valid((s), strlen(s)))
	if (!OK(d->title) || !OK(d->link) || !OK(d->bozo_reason) ||
	    !OK(d->error_msg))
		return 0;
	for (size_t i = 0; i < d->nentries; i++) {
		const struct feed_entry *e = &d->entries[i];
		if (!OK(e->id) || !OK(e->link) || !OK(e->title) ||
		    !OK(e->author) || !OK(e->summary) || !OK(e->content))
			return 0;
		for (size_t k = 0; k < e->ncategories; k++)
			if (!OK(e->categories[k]))
				return 0;
		for (const char *p = e->title; p && *p; p++)
			if ((unsigned char)*p < 0x20 && *p != '\t' &&
			    *p != '\n')
				return 0;
	}
	return 1;
#undef OK
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A temp file holding a marker no parser output may ever contain. */
static void
make_secret(char *path, char *marker, size_t mlen)
{
	int fd;

	snprintf(
	    marker, mlen, "SECRET-%ld-%d", (long)time(NULL), (int)getpid());
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(
	    write(fd, marker, strlen(marker)), (ssize_t)strlen(marker));
	close(fd);
}

START_TEST(test_xxe_refused_and_never_read)
{
	char path[] = "/tmp/swfeeds-secret-XXXXXX", marker[64], doc[1024];
	struct feed_doc *d;
	char *s;

	make_secret(path, marker, sizeof(marker));
	snprintf(doc, sizeof(doc),
	    "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY e SYSTEM "
	    "\"file://%s\">]><rss><channel><title>&e;</title><item>"
	    "<title>&e;</title></item></channel></rss>",
	    path);
	d = parse(doc);
	ck_assert_int_eq(d->error, FEED_ERR_REFUSED);
	ck_assert(d->bozo);
	ck_assert_uint_eq(d->nentries, 0);
	s = dump(d);
	ck_assert_ptr_null(strstr(s, marker));
	free(s);
	feed_doc_free(d);

	/*
	 * Even a caller that asks libxml2 for entity substitution and DTD
	 * loading gets neither: the option whitelist drops them and the
	 * deny-all loader refuses the file.
	 */
	xmlDocPtr x = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL,
	    feed_xml_options(XML_PARSE_NOENT | XML_PARSE_DTDLOAD |
		XML_PARSE_DTDATTR | XML_PARSE_HUGE | XML_PARSE_XINCLUDE |
		XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER));
	ck_assert_ptr_nonnull(x);
	xmlChar *c = xmlNodeGetContent(xmlDocGetRootElement(x));
	ck_assert_ptr_null(strstr((const char *)c, marker));
	xmlFree(c);
	xmlFreeDoc(x);
	x = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL,
	    XML_PARSE_NOENT | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x != NULL) {
		c = xmlNodeGetContent(xmlDocGetRootElement(x));
		ck_assert_msg(strstr((const char *)c, marker) == NULL,
		    "deny-all loader not installed");
		xmlFree(c);
		xmlFreeDoc(x);
	}
	unlink(path);
}
END_TEST

START_TEST(test_external_dtd_never_fetched)
{
	char path[] = "/tmp/swfeeds-dtd-XXXXXX", marker[64], doc[1024];
	char dtd[256];
	FILE *f;
	struct feed_doc *d;
	char *s;
	int fd;

	snprintf(marker, sizeof(marker), "DTDMARK-%d", (int)getpid());
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	snprintf(dtd, sizeof(dtd), "<!ENTITY mark \"%s\">\n", marker);
	fputs(dtd, f);
	fclose(f);
	snprintf(doc, sizeof(doc),
	    "<?xml version=\"1.0\"?><!DOCTYPE rss SYSTEM \"file://%s\">"
	    "<rss><channel><title>a&mark;b caf&eacute;</title></channel>"
	    "</rss>",
	    path);
	d = parse(doc);
	ck_assert_int_eq(d->error, FEED_OK);
	s = dump(d);
	ck_assert_ptr_null(strstr(s, marker));
	free(s);
	/* the HTML table, not the DTD, gives é */
	ck_assert_ptr_nonnull(strstr(d->title, "caf\xc3\xa9"));
	feed_doc_free(d);
	unlink(path);

	/* Netscape's RSS 0.91 DTD over http: parsed without it, offline */
	d = parse("<?xml version=\"1.0\"?><!DOCTYPE rss PUBLIC "
		  "\"-//Netscape Communications//DTD RSS 0.91//EN\" "
		  "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\">"
		  "<rss version=\"0.91\"><channel><title>na&iuml;ve</title>"
		  "</channel></rss>");
	ck_assert_int_eq(d->error, FEED_OK);
	ck_assert(!d->bozo);
	ck_assert_str_eq(d->title, "na\xc3\xafve");
	feed_doc_free(d);
}
END_TEST

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

START_TEST(test_billion_laughs)
{
	const char *doc =
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol2 "
	    "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	    "<!ENTITY lol3 "
	    "\"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
	    "<!ENTITY lol4 "
	    "\"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
	    "<!ENTITY lol5 "
	    "\"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
	    "<!ENTITY lol6 "
	    "\"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
	    "<!ENTITY lol7 "
	    "\"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
	    "<!ENTITY lol8 "
	    "\"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
	    "<!ENTITY lol9 "
	    "\"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"
	    "]><rss><channel><title>&lol9;</title></channel></rss>";
	long before = maxrss_kb();
	double t0 = now_s();
	struct feed_doc *d = parse(doc);

	ck_assert_int_eq(d->error, FEED_ERR_REFUSED);
	ck_assert_ptr_null(d->title);
	/* generous bounds for a slow machine; the real figures are ~0 */
	ck_assert(now_s() - t0 < 2.0);
	ck_assert(maxrss_kb() - before < 64 * 1024);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_quadratic_blowup)
{
	size_t big = 20000, refs = 20000;
	size_t cap = big + refs * 3 + 256;
	char *doc = malloc(cap), *p = doc;
	struct feed_doc *d;
	double t0 = now_s();

	p += sprintf(p, "<!DOCTYPE r [<!ENTITY a \"");
	memset(p, 'x', big);
	p += big;
	p += sprintf(p, "\">]><rss><channel><title>");
	for (size_t i = 0; i < refs; i++)
		p += sprintf(p, "&a;");
	p += sprintf(p, "</title></channel></rss>");
	d = parse_len(doc, (size_t)(p - doc));
	ck_assert_int_eq(d->error, FEED_ERR_REFUSED);
	ck_assert(now_s() - t0 < 2.0);
	feed_doc_free(d);
	free(doc);
}
END_TEST

START_TEST(test_parameter_entities_and_conditionals)
{
	static const char *const docs[] = {
		"<!DOCTYPE r [<!ENTITY % p \"<!ENTITY x 'y'>\"> %p;]>"
		"<rss><channel><title>&x;</title></channel></rss>",
		"<!DOCTYPE r [<![INCLUDE[<!ENTITY x 'y'>]]>]>"
		"<rss><channel><title>t</title></channel></rss>",
		"<!DOCTYPE r [<!ATTLIST rss xml:base CDATA 'file:///'>]>"
		"<rss><channel><title>t</title></channel></rss>",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct feed_doc *d = parse(docs[i]);
		ck_assert_msg(d->error == FEED_ERR_REFUSED, "doc %zu", i);
		feed_doc_free(d);
	}
}
END_TEST

START_TEST(test_xinclude_ignored)
{
	struct feed_doc *d =
	    parse("<rss xmlns:xi=\"http://www.w3.org/2001/XInclude\"><channel>"
		  "<item><guid>1</guid><description><xi:include "
		  "href=\"file:///etc/passwd\" parse=\"text\"/></description>"
		  "</item></channel></rss>");
	char *s = dump(d);

	ck_assert_ptr_null(strstr(s, "root:"));
	free(s);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_attribute_flood)
{
	size_t n = 200000, cap = n * 12 + 128;
	char *doc = malloc(cap), *p = doc;
	double t0 = now_s();
	struct feed_doc *d;
	struct article *a;

	p += sprintf(p, "<rss><channel><item ");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "a%zu=\"\" ", i);
	p += sprintf(p, "><title>x</title></item></channel></rss>");
	d = parse_len(doc, (size_t)(p - doc));
	ck_assert_int_eq(d->error, FEED_ERR_REFUSED);
	feed_doc_free(d);
	/* the HTML parser is quadratic here too: refused before parsing */
	a = article_extract(doc, (size_t)(p - doc), "text/html");
	ck_assert_ptr_null(a);
	ck_assert_ptr_null(html_to_text(doc, (size_t)(p - doc)));
	ck_assert(now_s() - t0 < 5.0);
	free(doc);
}
END_TEST

START_TEST(test_script_is_not_a_flood)
{
	size_t n = 5000, cap = n * 8 + 512;
	char *page = malloc(cap), *p = page;
	struct article *a;

	/* "a<b" in a script, then thousands of words: not attributes */
	p += sprintf(p, "<html><body><script>if (a<b) { f(");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "w%zu + ", i % 10);
	p += sprintf(p,
	    "); }</script><p>The article text is long enough "
	    "to be kept, with a comma, and another one.</p>"
	    "</body></html>");
	a = article_extract(page, (size_t)(p - page), NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(strstr(a->text, "The article text"));
	ck_assert_ptr_null(strstr(a->text, "w1"));
	article_free(a);
	free(page);
}
END_TEST

START_TEST(test_deep_nesting)
{
	size_t n = 100000, cap = n * 8 + 128;
	char *doc = malloc(cap), *p = doc;
	struct feed_doc *d;
	struct article *a;
	char *t;

	p += sprintf(p, "<rss><channel><item><title>t</title><description>");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "<a>");
	p += sprintf(p, "deep</description></item></channel></rss>");
	d = parse_len(doc, (size_t)(p - doc));
	/* libxml2 stops at depth 256 without HUGE; we refuse the document */
	ck_assert_int_eq(d->error, FEED_ERR_REFUSED);
	ck_assert(d->bozo);
	ck_assert(all_strings_valid(d));
	feed_doc_free(d);
	p = doc;
	p += sprintf(p, "<html><body>");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "<div>");
	p += sprintf(p, "deep text</body></html>");
	a = article_extract(doc, (size_t)(p - doc), NULL);
	ck_assert_ptr_nonnull(a);
	article_free(a);
	t = html_to_text(doc, (size_t)(p - doc));
	ck_assert_ptr_nonnull(t);
	free(t);
	free(doc);
}
END_TEST

START_TEST(test_invalid_utf8_repaired)
{
	const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	    "<rss><channel><title>a\xff\xfe b\xc3\x28 c\xed\xa0\x80"
	    " d\xf4\x90\x80\x80</title><item><title>ok\xe2\x82"
	    "</title></item></channel></rss>";
	struct feed_doc *d = parse_len(doc, sizeof(doc) - 1);

	ck_assert(d->bozo);
	ck_assert_ptr_nonnull(strstr(d->bozo_reason, "UTF-8"));
	ck_assert(all_strings_valid(d));
	ck_assert_ptr_nonnull(strstr(d->title, "a\xef\xbf\xbd"));
	feed_doc_free(d);
}
END_TEST

START_TEST(test_nul_and_controls)
{
	const char doc[] = "<rss><channel><title>ab\0cd\x01\x1b"
			   "ef</title><item><title>x\0y</title>"
			   "</item></channel></rss>";
	struct feed_doc *d = parse_len(doc, sizeof(doc) - 1);

	ck_assert_str_eq(d->title, "abcdef");
	ck_assert_uint_eq(d->nentries, 1);
	ck_assert_str_eq(d->entries[0].title, "xy");
	ck_assert(d->bozo);
	feed_doc_free(d);
}
END_TEST

START_TEST(test_html_page_served_as_feed)
{
	const char *page =
	    "<!DOCTYPE html><html><head><title>Site</title>"
	    "<link rel=\"stylesheet\" href=\"/s.css\">"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" "
	    "title=\"RSS\" href=\"/feed.xml\"></head><body><p>Hello &nbsp; "
	    "<br> world</body></html>";
	const char *plain = "<html><body><p>no feed here</p></body></html>";
	struct feed_doc *d = parse(page), *p;

	ck_assert_int_eq(d->error, FEED_ERR_NOT_A_FEED);
	ck_assert_str_eq(d->alternate_url, "http://feeds.example/feed.xml");
	ck_assert_ptr_nonnull(
	    strstr(d->error_msg, "http://feeds.example/x.xml"));
	ck_assert_ptr_nonnull(
	    strstr(d->error_msg, "http://feeds.example/feed.xml"));
	ck_assert_uint_eq(d->nentries, 0);
	p = parse(plain);
	ck_assert_int_eq(p->error, FEED_ERR_NOT_A_FEED);
	ck_assert_ptr_null(p->alternate_url);
	feed_doc_free(d);
	feed_doc_free(p);
}
END_TEST

START_TEST(test_size_caps)
{
	size_t n = 9u << 20;
	char *doc = malloc(n + 64), *p = doc;
	struct feed_parse_opts o;
	struct feed_doc *d;

	p += sprintf(p, "<rss><channel><title>");
	memset(p, 'x', n);
	p += n;
	p += sprintf(p, "</title></channel></rss>");
	d = parse_len(doc, (size_t)(p - doc));
	ck_assert_int_eq(d->error, FEED_ERR_TOO_LARGE);
	feed_doc_free(d);
	/* past our cap, libxml2's own text-node limit still holds */
	feed_parse_opts_init(&o);
	o.max_bytes = 32u << 20;
	d = feed_parse_buf(doc, (size_t)(p - doc), &o);
	ck_assert_ptr_nonnull(d);
	ck_assert(all_strings_valid(d));
	feed_doc_free(d);
	free(doc);
}
END_TEST

START_TEST(test_many_items_capped)
{
	size_t n = 100000;
	char *doc = malloc(n * 48 + 64), *p = doc;
	struct feed_doc *d;

	p += sprintf(p, "<rss><channel>");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "<item><guid>%zu</guid></item>", i);
	p += sprintf(p, "</channel></rss>");
	d = parse_len(doc, (size_t)(p - doc));
	ck_assert_uint_eq(d->nentries, 500);
	ck_assert_uint_eq(d->ndropped, n - 500);
	ck_assert_str_eq(d->entries[0].id, "0");
	feed_doc_free(d);
	free(doc);
}
END_TEST

/* xorshift: reproducible mutations without libc's rand state */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

START_TEST(test_mutation_fuzz)
{
	static const char *const seeds[] = {
		"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss "
		"version=\"2.0\">"
		"<channel><title>T &amp; x</title><item><title>a</title>"
		"<link>http://e.com/a</link><pubDate>Tue, 10 Jun 2003 09:41:01 "
		"GMT</pubDate><description><![CDATA[<p>x</p>]]></description>"
		"</item></channel></rss>",
		"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id>"
		"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/"
		"xhtml\">x</div></content><link href=\"a\"/></entry></feed>",
		"{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":"
		"[{\"id\":\"1\",\"title\":\"x\",\"date_published\":\"2020-01-01"
		"T00:00:00Z\"}]}",
		"<!DOCTYPE rss PUBLIC \"x\" \"y\"><rss><channel><item><title>"
		"&eacute;&#233;&#x41;</title></item></channel></rss>",
	};
	static const char *const inserts[] = { "<", ">", "&", "&#0;", "]]>",
		"<!--", "\"", "<![CDATA[", "&eacute;", "\xff", "\xc3", "\0",
		"<!DOCTYPE x [", "<?xml ", "encoding=\"utf-16\"", "\xfe\xff" };
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	char buf[1024];

	for (int iter = 0; iter < 3000; iter++) {
		const char *seed = seeds[rnd(&s) % 4];
		size_t len = strlen(seed);
		memcpy(buf, seed, len);
		int muts = 1 + (int)(rnd(&s) % 6);
		for (int m = 0; m < muts; m++) {
			size_t pos = len ? rnd(&s) % len : 0;
			switch (rnd(&s) % 4) {
			case 0: /* flip a byte */
				buf[pos] = (char)rnd(&s);
				break;
			case 1: /* delete a run */
				if (len > 4) {
					size_t k = 1 + rnd(&s) % 4;
					if (pos + k > len)
						k = len - pos;
					memmove(buf + pos, buf + pos + k,
					    len - pos - k);
					len -= k;
				}
				break;
			case 2: { /* insert a token */
				const char *ins = inserts[rnd(&s) % 16];
				size_t k = ins[0] ? strlen(ins) : 1;
				if (len + k < sizeof(buf)) {
					memmove(buf + pos + k, buf + pos,
					    len - pos);
					memcpy(buf + pos, ins, k);
					len += k;
				}
				break;
			}
			default: /* truncate */
				len = pos;
				break;
			}
		}
		struct feed_doc *d = parse_len(buf, len);
		ck_assert_msg(all_strings_valid(d), "iteration %d", iter);
		json_t *j = feed_doc_to_json(d);
		ck_assert_ptr_nonnull(j);
		json_decref(j);
		feed_doc_free(d);
		char *t = html_to_text(buf, len);
		ck_assert(t == NULL || sw_utf8_valid(t, strlen(t)));
		free(t);
	}
}
END_TEST

Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("xml");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_xxe_refused_and_never_read);
	tcase_add_test(tc, test_external_dtd_never_fetched);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_quadratic_blowup);
	tcase_add_test(tc, test_parameter_entities_and_conditionals);
	tcase_add_test(tc, test_xinclude_ignored);
	tcase_add_test(tc, test_attribute_flood);
	tcase_add_test(tc, test_script_is_not_a_flood);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_invalid_utf8_repaired);
	tcase_add_test(tc, test_nul_and_controls);
	tcase_add_test(tc, test_html_page_served_as_feed);
	tcase_add_test(tc, test_size_caps);
	tcase_add_test(tc, test_many_items_capped);
	tcase_add_test(tc, test_mutation_fuzz);
	suite_add_tcase(s, tc);
	return s;
}
