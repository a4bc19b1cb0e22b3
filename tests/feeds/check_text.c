/* html_to_text, and article_extract on the pages in tests/feeds/pages. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "suites.h"

struct h2t_case {
	const char *in;
	const char *want;
};

static const struct h2t_case h2t_cases[] = {
	{ "plain text", "plain text" },
	{ "a &amp; b &lt;c&gt; &eacute; &#8364; &nbsp;x",
	    "a & b <c> \xc3\xa9 \xe2\x82\xac x" },
	{ "<p>One</p><p>Two</p>", "One\nTwo" },
	{ "line<br>break<br/>again", "line\nbreak\nagain" },
	{ "<b>bold</b> and <i>it</i>alic", "bold and italic" },
	{ "<ul><li>a</li><li>b</li></ul>after", "a\nb\nafter" },
	{ "<h2>Head</h2>body   text\n\n  more", "Head\nbody text more" },
	{ "x<script>alert('no')</script>y<style>p{}</style>z", "xyz" },
	{ "<div><div><p>nested</p></div></div>", "nested" },
	{ "<p>unclosed <b>tags", "unclosed tags" },
	{ "<img src=x alt=pic>caption", "caption" },
	{ "", "" },
	{ "<p>   </p>", "" },
	{ "bad \xff byte", "bad \xef\xbf\xbd byte" },
	{ "<table><tr><td>a</td><td>b</td></tr></table>", "a\nb" },
	{ "<!-- hidden -->shown", "shown" },
	{ "<pre>keep  code</pre>", "keep code" },
};

START_TEST(test_html_to_text)
{
	const struct h2t_case *c = &h2t_cases[_i];
	char *t = html_to_text(c->in, strlen(c->in));

	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t, c->want);
	free(t);
}
END_TEST

struct page_case {
	const char *file;
	const char *content_type;
	const char *title;
	const char *keep[8];  /* substrings that must be in the text */
	const char *drop[12]; /* substrings that must not */
	const char *lines[6]; /* whole lines that must be present */
};

static const struct page_case page_cases[] = {
	{ "news_article.html", "text/html; charset=utf-8",
	    "Harbour fire forces evacuation of 2,000 residents",
	    { "A fire that broke out in a warehouse",
		"Firefighters brought the blaze under control",
		"The cause of the fire is not yet known",
		"The mayor said temporary shelter" },
	    { "cookies", "Politics", "Warehouse owners fined", "Celebrity chef",
		"thoughts with the firefighters", "Copyright", "TRACKING-CODE",
		"STYLE-RULE", "HIDDEN-TRACKER", "COMMENT-NODE", "Accept all" },
	    { "Cause under investigation",
		"The cause of the fire is not yet known. Police said an "
		"investigation had been opened, and that three people had "
		"been taken to hospital with minor injuries." } },
	{ "blog_divsoup.html", NULL, "Notes on the budget vote",
	    { "Parliament approved the budget on Tuesday",
		"Spending on hospitals rises by 4 percent",
		"The opposition said the plan relied" },
	    { "Home", "Share on Facebook", "Economics daily",
		"Subscribe to our newsletter", "HIDDEN-ATTRIBUTE", "Powered by",
		"SCRIPT_BODY" },
	    { "Parliament approved the budget on Tuesday by 312 votes to "
	      "290, a narrower margin than the government had expected." } },
	{ "live_list.html", NULL, "Storm live: key points",
	    { "The national weather office raised its warning",
		"Caf\xc3\xa9 owners", "5 \xe2\x82\xac \xe2\x80\x94 up from 3",
		"\xe2\x80\x9cWe have never seen the sea this high,"
		"\xe2\x80\x9d" },
	    { "Sign up for breaking news", "WhatsApp", "ten tricks" },
	    { "Key points",
		"Winds of up to 140 km/h were recorded on the "
		"coast.",
		"About 40,000 homes are without power.",
		"Rail services between the two cities are suspended." } },
	{ "split_body_comments.html", NULL, "Central bank holds rates at 4.5%",
	    { "The central bank kept its main interest rate",
		"a cut in June was possible", "The currency rose 0.3 percent",
		"We are not yet confident that inflation" },
	    { "ADVERT-TEXT", "INLINE-AD", "COMMENT-1", "COMMENT-2", "COMMENT-3",
		"READMORE", "Markets Opinion", "Reader comments" },
	    { "Central bank holds rates at 4.5%" } },
	{ "minimal_cp1252.html", NULL, "Caf\xc3\xa9 culture",
	    { "The caf\xc3\xa9 opened in 1923",
		"\xe2\x80\x9cproper\xe2\x80\x9d coffee",
		"Prices rose to 3 \xe2\x82\xac last year" },
	    { "\xef\xbf\xbd" },
	    { "The caf\xc3\xa9 opened in 1923 and has served "
	      "\xe2\x80\x9cproper\xe2\x80\x9d coffee ever since, its owner "
	      "says, with a smile." } },
};

static char *
slurp_page(const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", FEEDS_PAGES_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\0' || p[n] == '\n'))
			return 1;
	return 0;
}

START_TEST(test_article_pages)
{
	const struct page_case *c = &page_cases[_i];
	size_t len;
	char *html = slurp_page(c->file, &len);
	struct article *a = article_extract(html, len, c->content_type);

	ck_assert_ptr_nonnull(a);
	ck_assert_msg(a->title != NULL && strcmp(a->title, c->title) == 0,
	    "%s: title \"%s\"", c->file, a->title ? a->title : "(null)");
	for (size_t i = 0; i < 8 && c->keep[i]; i++)
		ck_assert_msg(strstr(a->text, c->keep[i]) != NULL,
		    "%s: lost \"%s\" in:\n%s", c->file, c->keep[i], a->text);
	for (size_t i = 0; i < 12 && c->drop[i]; i++)
		ck_assert_msg(strstr(a->text, c->drop[i]) == NULL,
		    "%s: kept \"%s\" in:\n%s", c->file, c->drop[i], a->text);
	for (size_t i = 0; i < 6 && c->lines[i]; i++)
		ck_assert_msg(has_line(a->text, c->lines[i]),
		    "%s: no line \"%s\" in:\n%s", c->file, c->lines[i],
		    a->text);
	article_free(a);
	free(html);
}
END_TEST

START_TEST(test_article_charset_precedence)
{
	static const char page[] =
	    "<html><head><meta charset=\"utf-8\"><title>t</title></head>"
	    "<body><p>Le caf\xe9 du coin a rouvert, apr\xe8s trois mois de "
	    "travaux, selon la mairie.</p></body></html>";
	static const char bom[] =
	    "\xef\xbb\xbf<html><head><meta charset=\"iso-8859-1\"></head>"
	    "<body><p>caf\xc3\xa9</p></body></html>";
	struct article *a;

	/* HTTP header beats meta */
	a = article_extract(
	    page, sizeof(page) - 1, "text/html; charset=windows-1252");
	ck_assert_ptr_nonnull(strstr(a->text, "Le caf\xc3\xa9 du coin"));
	article_free(a);
	/* meta alone: bytes invalid in UTF-8 are replaced, never passed on */
	a = article_extract(page, sizeof(page) - 1, "text/html");
	ck_assert_ptr_nonnull(strstr(a->text, "Le caf\xef\xbf\xbd du coin"));
	article_free(a);
	/* a BOM beats both */
	a = article_extract(bom, sizeof(bom) - 1, "text/html; charset=koi8-r");
	ck_assert_str_eq(a->text, "caf\xc3\xa9");
	article_free(a);
}
END_TEST

START_TEST(test_article_degenerate)
{
	struct article *a = article_extract("", 0, NULL);

	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->text, "");
	ck_assert_ptr_null(a->title);
	article_free(a);
	a = article_extract("just words", 10, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->text, "just words");
	article_free(a);
	article_free(NULL);
}
END_TEST

/*
 * The root says it is hidden (fuzz_html found a page whose recovered <html>
 * carried aria-hidden): it was pruned, freed, then measured.  The root stays;
 * what is inside it is judged as usual.
 */
START_TEST(test_article_hidden_root)
{
	static const char page[] =
	    "<html aria-hidden=\"true\" class=\"share\"><body><p>The council "
	    "approved the budget on Tuesday after a long debate, its chair "
	    "said.</p></body></html>";
	size_t len;
	char *html = slurp_page("crash-hidden-root.html", &len);
	struct article *a = article_extract(page, sizeof(page) - 1, NULL);

	ck_assert_ptr_nonnull(a);
	ck_assert_msg(
	    strstr(a->text, "The council approved the budget") != NULL,
	    "lost the body: \"%s\"", a->text);
	article_free(a);
	/* the page the fuzzer found, as it found it */
	a = article_extract(html, len, NULL);
	ck_assert_ptr_nonnull(a);
	article_free(a);
	free(html);
}
END_TEST

Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("html");

	tcase_add_loop_test(tc, test_html_to_text, 0,
	    (int)(sizeof(h2t_cases) / sizeof(h2t_cases[0])));
	tcase_add_loop_test(tc, test_article_pages, 0,
	    (int)(sizeof(page_cases) / sizeof(page_cases[0])));
	tcase_add_test(tc, test_article_degenerate);
	tcase_add_test(tc, test_article_hidden_root);
	tcase_add_test(tc, test_article_charset_precedence);
	suite_add_tcase(s, tc);
	return s;
}
