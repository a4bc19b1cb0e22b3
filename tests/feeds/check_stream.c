/* Feeds read as they are parsed: the entries kept, metadata, bounded memory. */
#include <check.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/globals.h>
#include <libxml/xmlmemory.h>

#include "feed.h"
#include "feed_date.h"
#include "suites.h"

/* A document written with printf, one piece at a time. */
struct doc {
	FILE *f;
	char *data;
	size_t len;
};

static void
doc_open(struct doc *d)
{
	d->data = NULL;
	d->len = 0;
	d->f = open_memstream(&d->data, &d->len);
	ck_assert_ptr_nonnull(d->f);
}

static struct feed_doc *
doc_parse(struct doc *d, size_t max_entries)
{
	struct feed_parse_opts o;
	struct feed_doc *fd;

	ck_assert_int_eq(fclose(d->f), 0);
	feed_parse_opts_init(&o);
	o.base_url = "http://feeds.example/dir/feed.xml";
	o.max_entries = max_entries;
	o.clamp_future = 0;
	fd = feed_parse_buf(d->data, d->len, &o);
	ck_assert_ptr_nonnull(fd);
	free(d->data);
	return fd;
}

/* xorshift: reproducible dates without libc's rand state */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- which entries are kept ---- */

/* One unique entry of a test document; date FEED_NO_DATE when it has none. */
struct ref {
	size_t pos;
	int64_t date;
};

static int
ref_cmp_newest(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? 1 : -1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
ref_cmp_pos(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * The rule written out on its own: the newest max by date (the earlier on a
 * tie) when all have a date, else the first max; in document order.  Sorts
 * r and returns how many of its first entries are the result.
 */
static size_t
ref_keep(struct ref *r, size_t n, size_t max)
{
	int all_dated = 1;

	for (size_t i = 0; i < n; i++)
		if (r[i].date == FEED_NO_DATE)
			all_dated = 0;
	if (n <= max)
		return n;
	if (all_dated) {
		qsort(r, n, sizeof(*r), ref_cmp_newest);
		qsort(r, max, sizeof(*r), ref_cmp_pos);
	}
	return max;
}

static void
put_item(struct doc *d, size_t id, int64_t date)
{
	char buf[32];

	fprintf(d->f, "<item><guid>g%zu</guid><title>t%zu</title>", id, id);
	if (date != FEED_NO_DATE)
		fprintf(d->f, "<pubDate>%s</pubDate>",
		    feed_date_format(date, buf, sizeof(buf)));
	fprintf(d->f, "</item>\n");
}

/*
 * A feed of n items with dates from seed (many equal), item undated_at
 * without one (or none when it is n), parsed with max: the result must be
 * ref_keep's.
 */
static void
check_keep(size_t n, size_t max, uint64_t seed, size_t undated_at)
{
	struct ref *r = calloc(n, sizeof(*r));
	struct doc d;
	struct feed_doc *fd;
	size_t want;

	ck_assert_ptr_nonnull(r);
	doc_open(&d);
	fprintf(d.f, "<rss version=\"2.0\"><channel><title>T</title>\n");
	for (size_t i = 0; i < n; i++) {
		/* 2004 plus up to 40 days, whole hours: plenty of ties */
		r[i].pos = i;
		r[i].date = i == undated_at
		    ? FEED_NO_DATE
		    : 1072915200 + (int64_t)(rnd(&seed) % (40 * 24)) * 3600;
		put_item(&d, i, r[i].date);
	}
	fprintf(d.f, "</channel></rss>");
	fd = doc_parse(&d, max);
	want = ref_keep(r, n, max);
	ck_assert_int_eq(fd->error, FEED_OK);
	ck_assert_uint_eq(fd->nentries, want);
	ck_assert_uint_eq(fd->ndropped, n - want);
	ck_assert_uint_eq(fd->nduplicates, 0);
	for (size_t i = 0; i < want; i++) {
		char id[32];

		snprintf(id, sizeof(id), "g%zu", r[i].pos);
		ck_assert_msg(strcmp(fd->entries[i].id, id) == 0,
		    "n %zu max %zu: entry %zu is %s, want %s", n, max, i,
		    fd->entries[i].id, id);
	}
	feed_doc_free(fd);
	free(r);
}

START_TEST(test_keep_newest_of_many)
{
	/* far past the cap, near it, and the default cap */
	check_keep(5000, 50, 1, SIZE_MAX);
	check_keep(151, 50, 2, SIZE_MAX);
	check_keep(150, 50, 3, SIZE_MAX);
	check_keep(50, 50, 4, SIZE_MAX);
	check_keep(20000, 500, 5, SIZE_MAX);
	check_keep(1000, 1, 6, SIZE_MAX);
}
END_TEST

START_TEST(test_keep_undated)
{
	/*
	 * One entry without a date makes document order decide, wherever it
	 * is: also long after entries of the first 50 have been outranked.
	 */
	check_keep(5000, 50, 7, 4000);
	check_keep(5000, 50, 8, 0);
	check_keep(5000, 50, 9, 4999);
	check_keep(120, 50, 10, 60);
	/* under the cap nothing is dropped, dated or not */
	check_keep(40, 50, 11, 3);
}
END_TEST

START_TEST(test_undated_duplicate_ignored)
{
	struct doc d;
	struct feed_doc *fd;

	/* duplicates go first: an undated copy does not change the order */
	doc_open(&d);
	fprintf(d.f, "<rss><channel>");
	for (size_t i = 0; i < 10; i++)
		put_item(&d, i, 1072915200 + (int64_t)i * 86400);
	put_item(&d, 3, FEED_NO_DATE);
	fprintf(d.f, "</channel></rss>");
	fd = doc_parse(&d, 3);
	ck_assert_uint_eq(fd->nentries, 3);
	ck_assert_uint_eq(fd->nduplicates, 1);
	ck_assert_uint_eq(fd->ndropped, 7);
	ck_assert_str_eq(fd->entries[0].id, "g7");
	ck_assert_str_eq(fd->entries[2].id, "g9");
	feed_doc_free(fd);
}
END_TEST

START_TEST(test_duplicates_across_the_cap)
{
	struct doc d;
	struct feed_doc *fd, *small;
	size_t i;

	/*
	 * g0 and a link-only entry are old and cut by the cap, long before
	 * their copies arrive as the newest: the copy of g0 is still a
	 * duplicate, and the second link entry still gets a hashed id.
	 */
	doc_open(&d);
	fprintf(d.f, "<rss><channel>");
	put_item(&d, 0, 1072915200);
	fprintf(d.f,
	    "<item><link>http://e.com/same</link><title>a</title>"
	    "<pubDate>2004-01-01T01:00:00Z</pubDate></item>");
	for (i = 1; i <= 40; i++)
		put_item(&d, i, 1072915200 + (int64_t)i * 86400);
	put_item(&d, 0, 1072915200 + 100 * 86400);
	fprintf(d.f,
	    "<item><link>http://e.com/same</link><title>b</title>"
	    "<pubDate>2004-06-01T00:00:00Z</pubDate></item>");
	fprintf(d.f, "</channel></rss>");
	fd = doc_parse(&d, 3);
	ck_assert_uint_eq(fd->nduplicates, 1);
	ck_assert_uint_eq(fd->nentries, 3);
	/* 43 unique: g0, link a, g1-g40, link b */
	ck_assert_uint_eq(fd->ndropped, 40);
	ck_assert_str_eq(fd->entries[0].id, "g39");
	ck_assert_str_eq(fd->entries[1].id, "g40");
	ck_assert_str_eq(fd->entries[2].title, "b");
	ck_assert_str_eq(fd->entries[2].link, "http://e.com/same");
	ck_assert_int_eq(fd->entries[2].id_source, FEED_ID_HASH);
	ck_assert_str_ne(fd->entries[2].id, "http://e.com/same");
	feed_doc_free(fd);

	/* the same id is the same whether the cap cuts the first or not */
	doc_open(&d);
	fprintf(d.f, "<rss><channel>");
	fprintf(d.f,
	    "<item><link>http://e.com/same</link><title>a</title>"
	    "<pubDate>2004-01-01T01:00:00Z</pubDate></item>");
	fprintf(d.f,
	    "<item><link>http://e.com/same</link><title>b</title>"
	    "<pubDate>2004-06-01T00:00:00Z</pubDate></item>");
	fprintf(d.f, "</channel></rss>");
	small = doc_parse(&d, 500);
	ck_assert_uint_eq(small->nentries, 2);
	doc_open(&d);
	fprintf(d.f, "<rss><channel>");
	fprintf(d.f,
	    "<item><link>http://e.com/same</link><title>a</title>"
	    "<pubDate>2004-01-01T01:00:00Z</pubDate></item>");
	for (i = 1; i <= 40; i++)
		put_item(&d, i, 1072915200 + (int64_t)i * 86400);
	fprintf(d.f,
	    "<item><link>http://e.com/same</link><title>b</title>"
	    "<pubDate>2004-06-01T00:00:00Z</pubDate></item>");
	fprintf(d.f, "</channel></rss>");
	fd = doc_parse(&d, 3);
	ck_assert_str_eq(fd->entries[2].id, small->entries[1].id);
	feed_doc_free(small);
	feed_doc_free(fd);
}
END_TEST

/* ---- what the document says besides its items ---- */

START_TEST(test_channel_meta_after_items)
{
	struct doc d;
	struct feed_doc *fd;

	doc_open(&d);
	fprintf(d.f,
	    "<rss xmlns:atom=\"http://www.w3.org/2005/Atom\">"
	    "<channel><title></title>\n");
	for (size_t i = 0; i < 2000; i++)
		put_item(&d, i, FEED_NO_DATE);
	/* the empty title gives way to the first with text, after the items */
	fprintf(d.f,
	    "<title>Late <b>title</b></title><title>Later</title>"
	    "<atom:link rel=\"self\" href=\"/self\"/>"
	    "<atom:link href=\"/home\"/></channel></rss>");
	fd = doc_parse(&d, 500);
	ck_assert_int_eq(fd->error, FEED_OK);
	ck_assert_str_eq(fd->title, "Late <b>title</b>");
	ck_assert_str_eq(fd->link, "http://feeds.example/home");
	ck_assert_uint_eq(fd->nentries, 500);
	feed_doc_free(fd);

	/* Dublin Core only when the channel has no title of its own */
	doc_open(&d);
	fprintf(d.f,
	    "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	    "<channel><dc:title>DC</dc:title>");
	for (size_t i = 0; i < 10; i++)
		put_item(&d, i, FEED_NO_DATE);
	fprintf(d.f,
	    "<link>http://e.com/</link><title>Own</title>"
	    "</channel></rss>");
	fd = doc_parse(&d, 500);
	ck_assert_str_eq(fd->title, "Own");
	ck_assert_str_eq(fd->link, "http://e.com/");
	feed_doc_free(fd);
}
END_TEST

START_TEST(test_xml_base_inherited)
{
	struct doc d;
	struct feed_doc *fd;

	doc_open(&d);
	fprintf(d.f,
	    "<rss><channel xml:base=\"http://base.example/dir/\">"
	    "<link>home</link>");
	fprintf(d.f, "<item xml:base=\"sub/\"><link>x</link></item>");
	for (size_t i = 1; i < 1500; i++)
		fprintf(d.f, "<item><link>a/%zu</link></item>\n", i);
	/* an entry after hundreds were read and freed still sees the base */
	fprintf(d.f, "</channel></rss>");
	fd = doc_parse(&d, 2000);
	ck_assert_uint_eq(fd->nentries, 1500);
	ck_assert_str_eq(fd->link, "http://base.example/dir/home");
	ck_assert_str_eq(fd->entries[0].link, "http://base.example/dir/sub/x");
	ck_assert_str_eq(fd->entries[1].link, "http://base.example/dir/a/1");
	ck_assert_str_eq(
	    fd->entries[1499].link, "http://base.example/dir/a/1499");
	feed_doc_free(fd);

	/* Atom: the feed's base, an entry's own on top of it */
	doc_open(&d);
	fprintf(d.f,
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	    "xml:base=\"http://atom.example/f/\">");
	for (size_t i = 0; i < 700; i++)
		fprintf(d.f,
		    "<entry%s><id>e%zu</id><link href=\"p%zu\"/></entry>",
		    i == 699 ? " xml:base=\"/top/\"" : "", i, i);
	fprintf(d.f, "</feed>");
	fd = doc_parse(&d, 1000);
	ck_assert_uint_eq(fd->nentries, 700);
	ck_assert_str_eq(fd->entries[0].link, "http://atom.example/f/p0");
	ck_assert_str_eq(fd->entries[699].link, "http://atom.example/top/p699");
	feed_doc_free(fd);
}
END_TEST

START_TEST(test_namespaced_atom_and_rdf)
{
	struct doc d;
	struct feed_doc *fd;

	/* Atom with a prefix: the namespace, not the spelling, decides */
	doc_open(&d);
	fprintf(d.f, "<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\">");
	for (size_t i = 0; i < 800; i++)
		fprintf(d.f,
		    "<a:entry><a:id>urn:e%zu</a:id><a:title>E%zu</a:title>"
		    "<a:updated>2004-%02zu-01T00:00:00Z</a:updated>"
		    "</a:entry>",
		    i, i, 1 + i % 12);
	fprintf(d.f,
	    "<a:title>Prefixed</a:title><title>not Atom</title>"
	    "</a:feed>");
	fd = doc_parse(&d, 500);
	ck_assert_int_eq(fd->format, FEED_FORMAT_ATOM10);
	ck_assert_str_eq(fd->title, "Prefixed");
	ck_assert_uint_eq(fd->nentries, 500);
	/* the newest: December, November, ... in document order */
	ck_assert_str_eq(fd->entries[0].id, "urn:e4");
	ck_assert_str_eq(fd->entries[0].title, "E4");
	feed_doc_free(fd);

	/* RSS 1.0: items beside the channel, ids from rdf:about, dc:date */
	doc_open(&d);
	fprintf(d.f,
	    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
	    " xmlns=\"http://purl.org/rss/1.0/\""
	    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	    "<channel rdf:about=\"http://r.example/\"><title>R</title>"
	    "<link>http://r.example/</link><items><rdf:Seq>");
	for (size_t i = 0; i < 3000; i++)
		fprintf(
		    d.f, "<rdf:li rdf:resource=\"http://r.example/%zu\"/>", i);
	fprintf(d.f, "</rdf:Seq></items></channel>\n");
	for (size_t i = 0; i < 3000; i++)
		fprintf(d.f,
		    "<item "
		    "rdf:about=\"http://r.example/%zu\"><title>I%zu</title>"
		    "<dc:date>2004-01-01T00:%02zu:00Z</dc:date></item>\n",
		    i, i, i % 60);
	fprintf(d.f, "</rdf:RDF>");
	fd = doc_parse(&d, 100);
	ck_assert_int_eq(fd->format, FEED_FORMAT_RSS10);
	ck_assert_str_eq(fd->title, "R");
	ck_assert_uint_eq(fd->nentries, 100);
	/* minute 59 comes 50 times, 58 50 times: the first of each */
	ck_assert_str_eq(fd->entries[0].id, "http://r.example/58");
	ck_assert_str_eq(fd->entries[1].id, "http://r.example/59");
	ck_assert_str_eq(fd->entries[0].title, "I58");
	ck_assert_str_eq(fd->entries[99].id, "http://r.example/2999");
	feed_doc_free(fd);

	/* RSS 0.90's namespace on the channel */
	doc_open(&d);
	fprintf(d.f,
	    "<rdf:RDF "
	    "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
	    "xmlns=\"http://my.netscape.com/rdf/simple/0.9/\">"
	    "<channel><title>N</title></channel>"
	    "<item><title>one</title><link>http://n.example/1</link>"
	    "</item></rdf:RDF>");
	fd = doc_parse(&d, 500);
	ck_assert_int_eq(fd->format, FEED_FORMAT_RSS090);
	ck_assert_str_eq(fd->title, "N");
	ck_assert_uint_eq(fd->nentries, 1);
	ck_assert_str_eq(fd->entries[0].id, "http://n.example/1");
	feed_doc_free(fd);
}
END_TEST

START_TEST(test_document_order_and_open_items)
{
	struct feed_doc *fd;
	struct doc d;

	/* items before the channel are entries in document order */
	doc_open(&d);
	fprintf(d.f,
	    "<rss><item><guid>x</guid><title>first</title></item>"
	    "<channel><title>C</title><item><guid>x</guid>"
	    "<title>second</title></item><item><guid>y</guid></item>"
	    "</channel><item><guid>z</guid></item></rss>");
	fd = doc_parse(&d, 500);
	ck_assert_uint_eq(fd->nentries, 3);
	ck_assert_uint_eq(fd->nduplicates, 1);
	ck_assert_str_eq(fd->entries[0].title, "first");
	ck_assert_str_eq(fd->entries[1].id, "y");
	ck_assert_str_eq(fd->entries[2].id, "z");
	ck_assert_str_eq(fd->title, "C");
	feed_doc_free(fd);

	/* the end of the input leaves an item, and the channel, open */
	doc_open(&d);
	fprintf(d.f,
	    "<rss><channel><item><guid>a</guid></item>\n"
	    "text <b>between</b> <item><guid>b</guid><title>cut");
	fd = doc_parse(&d, 500);
	ck_assert_int_eq(fd->error, FEED_OK);
	ck_assert(fd->bozo);
	ck_assert_uint_eq(fd->nentries, 2);
	ck_assert_str_eq(fd->entries[1].id, "b");
	ck_assert_str_eq(fd->entries[1].title, "cut");
	feed_doc_free(fd);

	/* a start tag the parser gives up on still closes an entry */
	doc_open(&d);
	fprintf(d.f,
	    "<rss><channel><item><guid>a</guid></item>"
	    "<item <guid>b</guid></item><item><guid>c</guid></item>"
	    "</channel></rss>");
	fd = doc_parse(&d, 500);
	ck_assert_uint_eq(fd->nentries, 3);
	ck_assert_str_eq(fd->entries[0].id, "a");
	ck_assert_str_eq(fd->entries[2].id, "c");
	feed_doc_free(fd);
}
END_TEST

/* ---- memory ---- */

static size_t xml_now, xml_peak;

static void
count(void *p, long sign)
{
	if (p == NULL)
		return;
	if (sign > 0) {
		xml_now += malloc_usable_size(p);
		if (xml_now > xml_peak)
			xml_peak = xml_now;
	} else {
		size_t n = malloc_usable_size(p);
		xml_now = n < xml_now ? xml_now - n : 0;
	}
}

/*
 * libxml2's allocations counted by their usable size.  Blocks it allocated
 * before the hooks were set are freed through them too: the count stops
 * at zero.
 */
static void *
count_malloc(size_t n)
{
	void *p = malloc(n);

	count(p, 1);
	return p;
}

static void *
count_realloc(void *p, size_t n)
{
	void *q;

	count(p, -1);
	q = realloc(p, n);
	count(q != NULL ? q : p, 1);
	return q;
}

static void
count_free(void *p)
{
	count(p, -1);
	free(p);
}

static char *
count_strdup(const char *s)
{
	char *p = strdup(s);

	count(p, 1);
	return p;
}

START_TEST(test_tree_memory_bounded)
{
	xmlFreeFunc ofree;
	xmlMallocFunc omalloc;
	xmlReallocFunc orealloc;
	xmlStrdupFunc ostrdup;
	struct feed_doc *fd;
	struct doc d;
	size_t peak;

	/* row 28: the whole tree of 100k items took 70 MB of this */
	doc_open(&d);
	fprintf(d.f, "<rss version=\"2.0\"><channel><title>big</title>\n");
	for (size_t i = 0; i < 100000; i++)
		fprintf(d.f,
		    "<item><guid>g%zu</guid><title>t%zu</title>"
		    "</item>\n",
		    i, i);
	fprintf(d.f, "</channel></rss>");
	xmlMemGet(&ofree, &omalloc, &orealloc, &ostrdup);
	ck_assert_int_eq(
	    xmlMemSetup(count_free, count_malloc, count_realloc, count_strdup),
	    0);
	xml_now = xml_peak = 0;
	fd = doc_parse(&d, 500);
	peak = xml_peak;
	xmlMemSetup(ofree, omalloc, orealloc, ostrdup);
	ck_assert_uint_eq(fd->nentries, 500);
	ck_assert_uint_eq(fd->ndropped, 99500);
	ck_assert_str_eq(fd->entries[499].id, "g499");
	ck_assert_msg(peak < (1u << 20), "libxml2 held %zu bytes", peak);
	feed_doc_free(fd);
}
END_TEST

Suite *
stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("keep");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_keep_newest_of_many);
	tcase_add_test(tc, test_keep_undated);
	tcase_add_test(tc, test_undated_duplicate_ignored);
	tcase_add_test(tc, test_duplicates_across_the_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("document");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_channel_meta_after_items);
	tcase_add_test(tc, test_xml_base_inherited);
	tcase_add_test(tc, test_namespaced_atom_and_rdf);
	tcase_add_test(tc, test_document_order_and_open_items);
	tcase_add_test(tc, test_tree_memory_bounded);
	suite_add_tcase(s, tc);
	return s;
}
