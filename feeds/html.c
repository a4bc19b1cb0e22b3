/* HTML to text and readability-style main-text extraction (libxml2 HTML). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "feed_int.h"
#include "html.h"

/* The HTML parser stops near 256 levels; walks stop here regardless. */
#define MAX_WALK_DEPTH 512

static const char *const block_tags[] = { "address", "article", "aside",
	"blockquote", "body", "center", "dd", "details", "dialog", "dir", "div",
	"dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
	"h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main",
	"menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
	"thead", "tfoot", "tr", "td", "th", "ul", "caption", "option",
	"title" };

/* Never text: code, styling, embedded objects, form controls. */
static const char *const skip_tags[] = { "script", "style", "noscript",
	"template", "head", "object", "embed", "iframe", "svg", "canvas",
	"select", "textarea", "button", "input", "video", "audio", "map",
	"math" };

/* Page furniture that is never the article. */
static const char *const junk_tags[] = { "nav", "header", "footer", "aside",
	"form", "dialog", "menu", "figure" };

static int
tag_in(xmlNodePtr n, const char *const *set, size_t nset)
{
	for (size_t i = 0; i < nset; i++)
		if (xmlStrcasecmp(n->name, (const xmlChar *)set[i]) == 0)
			return 1;
	return 0;
}

#define TAG_IN(n, set) tag_in((n), (set), sizeof(set) / sizeof((set)[0]))

static int
is_tag(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* ---- text rendering ---- */

/*
 * Collect raw text with '\n' at block boundaries; normalise() turns it
 * into one trimmed line per paragraph.
 */
struct emitter {
	struct sbuf b;
	int (*keep)(xmlNodePtr n, void *arg); /* 0 drops the subtree */
	void *arg;
};

/* Text as HTML renders it: newlines in the source are spaces, except in pre. */
static void
emit_text(struct emitter *em, const xmlChar *s, int pre)
{
	const xmlChar *run = s;

	for (; *s; s++) {
		if (*s != '\n' && *s != '\r')
			continue;
		sbuf_add(&em->b, run, (size_t)(s - run));
		if (*s == '\n' || !pre)
			sbuf_addc(&em->b, pre ? '\n' : ' ');
		run = s + 1;
	}
	sbuf_add(&em->b, run, (size_t)(s - run));
}

static void
emit_pre(struct emitter *em, xmlNodePtr n, int depth, int pre)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			emit_text(em, n->content, pre);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || depth >= MAX_WALK_DEPTH)
			continue;
		if (TAG_IN(n, skip_tags))
			continue;
		if (em->keep != NULL && !em->keep(n, em->arg))
			continue;
		if (is_tag(n, "br")) {
			sbuf_addc(&em->b, '\n');
			continue;
		}
		int block = TAG_IN(n, block_tags);
		if (block)
			sbuf_addc(&em->b, '\n');
		else if (is_tag(n, "img"))
			sbuf_addc(&em->b, ' ');
		emit_pre(em, n->children, depth + 1, pre || is_tag(n, "pre"));
		if (block)
			sbuf_addc(&em->b, '\n');
	}
}

static void
emit(struct emitter *em, xmlNodePtr n, int depth)
{
	emit_pre(em, n, depth, 0);
}

/* One line per paragraph: collapse blanks, trim lines, drop empty ones. */
static char *
normalise(const char *s, size_t n)
{
	struct sbuf out;
	int pending_space = 0, pending_nl = 0;

	sbuf_init(&out, n);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t l;

		if (c == '\n') {
			pending_nl = out.len > 0;
			pending_space = 0;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v') {
			pending_space = 1;
			i++;
			continue;
		}
		l = feed_utf8_seq((const unsigned char *)s + i, n - i, &cp);
		if (l == 0) {
			cp = 0xfffd;
			l = 1;
		} else if (cp == 0xa0 || cp == 0x2002 || cp == 0x2003 ||
		    cp == 0x2009 || cp == 0x200b || cp == 0x3000) {
			/* no-break and typographic spaces are spaces */
			if (cp != 0x200b)
				pending_space = 1;
			i += l;
			continue;
		} else if (cp < 0x20 || cp == 0x7f) {
			i += l;
			continue;
		}
		if (pending_nl) {
			sbuf_addc(&out, '\n');
		} else if (pending_space && out.len > 0) {
			sbuf_addc(&out, ' ');
		}
		pending_nl = pending_space = 0;
		if (l == 1 && cp == 0xfffd)
			sbuf_add_cp(&out, cp);
		else
			sbuf_add(&out, s + i, l);
		i += l;
	}
	return sbuf_steal(&out);
}

static htmlDocPtr
read_html(const struct feed_input *in)
{
	if (in->len > INT32_MAX)
		return NULL;
	return htmlReadMemory(in->data, (int)in->len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
		HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC |
		HTML_PARSE_COMPACT);
}

char *
html_to_text(const char *html, size_t len)
{
	struct feed_input in;
	struct emitter em = { .keep = NULL };
	htmlDocPtr doc;
	char *r;

	if (html == NULL || len == 0)
		return strdup("");
	/* a summary is UTF-8 already: never let a <meta> say otherwise */
	if (feed_input_prepare(
		&in, html, len, "text/html; charset=utf-8", INPUT_HTML) < 0)
		return NULL;
	if (in.refused) {
		feed_input_free(&in);
		return NULL;
	}
	doc = read_html(&in);
	feed_input_free(&in);
	if (doc == NULL)
		return strdup("");
	sbuf_init(&em.b, len);
	emit(&em, xmlDocGetRootElement(doc), 0);
	xmlFreeDoc(doc);
	if (em.b.oom) {
		sbuf_free(&em.b);
		return NULL;
	}
	r = normalise(em.b.data ? em.b.data : "", em.b.len);
	sbuf_free(&em.b);
	return r;
}

/* ---- article extraction ---- */

struct ninfo {
	size_t text;  /* characters of text below */
	size_t links; /* of which inside <a> */
	int commas;
	int paragraphs; /* <p> below */
	double score;
	int candidate;
};

struct extractor {
	struct ninfo *info;
	size_t ninfo, cap;
	int oom;
};

static struct ninfo *
info_of(struct extractor *x, xmlNodePtr n)
{
	size_t i = (size_t)(uintptr_t)n->_private;

	if (i == 0 || i > x->ninfo)
		return NULL;
	return &x->info[i - 1];
}

static int
attr_has(xmlNodePtr n, const char *name, const char *needle)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	int r = 0;

	if (v != NULL) {
		r = strcasestr((const char *)v, needle) != NULL;
		xmlFree(v);
	}
	return r;
}

/* class and id, lower-cased, into buf. */
static void
class_and_id(xmlNodePtr n, char *buf, size_t len)
{
	xmlChar *c = xmlGetProp(n, BAD_CAST "class");
	xmlChar *i = xmlGetProp(n, BAD_CAST "id");
	size_t k = 0;

	buf[0] = '\0';
	for (const xmlChar *s = c; s != NULL && *s && k + 2 < len; s++)
		buf[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	if (k + 2 < len)
		buf[k++] = ' ';
	for (const xmlChar *s = i; s != NULL && *s && k + 1 < len; s++)
		buf[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	buf[k] = '\0';
	xmlFree(c);
	xmlFree(i);
}

static int
matches_any(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(s, words[i]) != NULL)
			return 1;
	return 0;
}

/* readability's "unlikely candidates", plus consent and newsletter boxes */
static const char *const unlikely[] = { "-ad-", "banner", "breadcrumb", "combx",
	"comment", "community", "cover-wrap", "disqus", "extra", "footer",
	"gdpr", "header", "legends", "menu", "related", "remark", "replies",
	"rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor",
	"supplemental", "ad-break", "agegate", "pagination", "pager", "popup",
	"yom-remote", "cookie", "consent", "newsletter", "subscribe", "share",
	"promo", "outbrain", "taboola", "modal", "signup", "navbar", "masthead",
	"paywall", "advert", "ad-slot", "adslot", "ad-container", "recirc",
	"trending", "most-read", "mostread" };
static const char *const maybe[] = { "and", "article", "body", "column",
	"content", "main", "shadow", "story" };
static const char *const positive[] = { "article", "body", "content", "entry",
	"hentry", "h-entry", "main", "page", "post", "text", "blog", "story" };
static const char *const negative[] = { "hidden", "combx", "comment", "com-",
	"contact", "foot", "footnote", "masthead", "media", "meta", "outbrain",
	"promo", "related", "scroll", "share", "shoutbox", "sidebar",
	"skyscraper", "sponsor", "shopping", "tags", "tool", "widget", "cookie",
	"banner", "advert", "ad-slot" };

#define MATCHES(s, set) matches_any((s), (set), sizeof(set) / sizeof((set)[0]))

static int
is_hidden(xmlNodePtr n)
{
	xmlChar *style;
	int r = 0;

	if (xmlHasProp(n, BAD_CAST "hidden"))
		return 1;
	if (attr_has(n, "aria-hidden", "true"))
		return 1;
	style = xmlGetProp(n, BAD_CAST "style");
	if (style != NULL) {
		char tmp[256];
		size_t k = 0;
		/* "display: none" with any spacing */
		for (const xmlChar *s = style; *s && k + 1 < sizeof(tmp); s++)
			if (*s != ' ' && *s != '\t')
				tmp[k++] =
				    (char)(*s >= 'A' && *s <= 'Z' ? *s + 32
								  : *s);
		tmp[k] = '\0';
		r = strstr(tmp, "display:none") != NULL ||
		    strstr(tmp, "visibility:hidden") != NULL;
		xmlFree(style);
	}
	return r;
}

static int
is_junk(xmlNodePtr n)
{
	char ci[512];

	if (TAG_IN(n, skip_tags) || TAG_IN(n, junk_tags) || is_hidden(n))
		return 1;
	if (is_tag(n, "html") || is_tag(n, "body") || is_tag(n, "article") ||
	    is_tag(n, "main") || is_tag(n, "a"))
		return 0;
	class_and_id(n, ci, sizeof(ci));
	if (ci[0] == ' ' && ci[1] == '\0')
		return 0;
	if (attr_has(n, "role", "dialog") ||
	    attr_has(n, "role", "navigation") ||
	    attr_has(n, "role", "complementary") ||
	    attr_has(n, "role", "banner") || attr_has(n, "role", "contentinfo"))
		return 1;
	return MATCHES(ci, unlikely) && !MATCHES(ci, maybe);
}

/* Give element n an info slot; 0, or -1 (and x->oom) when out of memory. */
static int
info_slot(struct extractor *x, xmlNodePtr n)
{
	if (x->ninfo == x->cap) {
		size_t nc = x->cap ? x->cap * 2 : 256;
		struct ninfo *ni = realloc(x->info, nc * sizeof(*ni));
		if (ni == NULL) {
			x->oom = 1;
			return -1;
		}
		x->info = ni;
		x->cap = nc;
	}
	memset(&x->info[x->ninfo], 0, sizeof(x->info[0]));
	n->_private = (void *)(uintptr_t)++x->ninfo;
	return 0;
}

/* Remove junk subtrees and comments; give every element an info slot. */
static void
prune(struct extractor *x, xmlNodePtr n, int depth)
{
	while (n != NULL) {
		xmlNodePtr next = n->next;

		if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE ||
		    (n->type == XML_ELEMENT_NODE &&
			(depth >= MAX_WALK_DEPTH || is_junk(n)))) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		} else if (n->type == XML_ELEMENT_NODE) {
			if (info_slot(x, n) == -1)
				return;
			prune(x, n->children, depth + 1);
		}
		n = next;
	}
}

static size_t
utf8_chars(const xmlChar *s, int *commas)
{
	size_t n = 0;

	for (; *s; s++) {
		if ((*s & 0xc0) != 0x80)
			n++;
		if (*s == ',')
			(*commas)++;
	}
	return n;
}

/* Bottom-up text, link text, commas and paragraph counts. */
static void
measure(struct extractor *x, xmlNodePtr n, int in_link, size_t *text,
    size_t *links, int *commas, int *paras)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE) {
			int c = 0;
			size_t t = utf8_chars(n->content, &c);
			/* whitespace-only text is layout, not content */
			const xmlChar *p = n->content;
			while (
			    *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
				p++;
			if (*p == '\0')
				continue;
			*text += t;
			*commas += c;
			if (in_link)
				*links += t;
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		struct ninfo *ni = info_of(x, n);
		if (ni == NULL)
			continue;
		int link = in_link || is_tag(n, "a");
		measure(x, n->children, link, &ni->text, &ni->links,
		    &ni->commas, &ni->paragraphs);
		if (is_tag(n, "p"))
			ni->paragraphs++;
		*text += ni->text;
		*links += ni->links;
		*commas += ni->commas;
		*paras += ni->paragraphs;
	}
}

static double
link_density(const struct ninfo *ni)
{
	return ni->text ? (double)ni->links / (double)ni->text : 0.0;
}

static int
has_block_child(xmlNodePtr n)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && TAG_IN(n, block_tags))
			return 1;
	return 0;
}

static double
class_weight(xmlNodePtr n)
{
	char ci[512];
	double w = 0;

	class_and_id(n, ci, sizeof(ci));
	if (MATCHES(ci, negative))
		w -= 25;
	if (MATCHES(ci, positive))
		w += 25;
	return w;
}

static void
init_candidate(struct extractor *x, xmlNodePtr n)
{
	struct ninfo *ni = info_of(x, n);

	if (ni == NULL || ni->candidate)
		return;
	ni->candidate = 1;
	if (is_tag(n, "div") || is_tag(n, "article") || is_tag(n, "main"))
		ni->score = 5;
	else if (is_tag(n, "section"))
		ni->score = 3;
	else if (is_tag(n, "pre") || is_tag(n, "td") || is_tag(n, "blockquote"))
		ni->score = 3;
	else if (is_tag(n, "ol") || is_tag(n, "ul") || is_tag(n, "dl") ||
	    is_tag(n, "dd") || is_tag(n, "dt") || is_tag(n, "li"))
		ni->score = -3;
	else if (n->name[0] == 'h' && n->name[1] >= '1' && n->name[1] <= '6' &&
	    n->name[2] == '\0')
		ni->score = -5;
	ni->score += class_weight(n);
}

/* Score paragraph-like elements into their parent and grandparent. */
static void
score(struct extractor *x, xmlNodePtr n, int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || depth >= MAX_WALK_DEPTH)
			continue;
		struct ninfo *ni = info_of(x, n);
		if (ni == NULL)
			continue;
		int para = is_tag(n, "p") || is_tag(n, "pre") ||
		    is_tag(n, "td") || is_tag(n, "blockquote") ||
		    ((is_tag(n, "div") || is_tag(n, "section")) &&
			!has_block_child(n));
		if (para && ni->text >= 25 && n->parent != NULL &&
		    n->parent->type == XML_ELEMENT_NODE) {
			double s = 1 + ni->commas +
			    (ni->text / 100 < 3 ? (double)(ni->text / 100) : 3);
			xmlNodePtr p = n->parent, g = p->parent;
			init_candidate(x, p);
			if (info_of(x, p) != NULL)
				info_of(x, p)->score += s;
			if (g != NULL && g->type == XML_ELEMENT_NODE) {
				init_candidate(x, g);
				if (info_of(x, g) != NULL)
					info_of(x, g)->score += s / 2;
			}
		}
		if (!para || has_block_child(n))
			score(x, n->children, depth + 1);
	}
}

static void
best(
    struct extractor *x, xmlNodePtr n, xmlNodePtr *top, double *tops, int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || depth >= MAX_WALK_DEPTH)
			continue;
		struct ninfo *ni = info_of(x, n);
		if (ni != NULL && ni->candidate) {
			double s = ni->score * (1 - link_density(ni));
			if (*top == NULL || s > *tops) {
				*top = n;
				*tops = s;
			}
		}
		best(x, n->children, top, tops, depth + 1);
	}
}

/* Inside the article, drop link lists and boxes that are mostly links. */
static int
keep_in_article_cb(xmlNodePtr n, void *arg)
{
	struct extractor *x = arg;
	struct ninfo *ni = info_of(x, n);

	if (ni == NULL)
		return 1;
	if (is_tag(n, "ul") || is_tag(n, "ol") || is_tag(n, "div") ||
	    is_tag(n, "section") || is_tag(n, "table") || is_tag(n, "dl")) {
		if (ni->text > 0 && link_density(ni) > 0.5)
			return 0;
		if (class_weight(n) < 0 && ni->paragraphs == 0)
			return 0;
	}
	if (is_tag(n, "p") && ni->text > 0 && link_density(ni) > 0.8 &&
	    ni->text < 200)
		return 0;
	return 1;
}

static char *
meta_og_title(xmlNodePtr n, int depth)
{
	for (; n != NULL; n = n->next) {
		char *r;
		if (n->type != XML_ELEMENT_NODE || depth > 8)
			continue;
		if (is_tag(n, "meta")) {
			xmlChar *p = xmlGetProp(n, BAD_CAST "property");
			if (p == NULL)
				p = xmlGetProp(n, BAD_CAST "name");
			if (p != NULL &&
			    (xmlStrcasecmp(p, BAD_CAST "og:title") == 0 ||
				xmlStrcasecmp(p, BAD_CAST "twitter:title") ==
				    0)) {
				xmlChar *c = xmlGetProp(n, BAD_CAST "content");
				xmlFree(p);
				if (c != NULL) {
					r = feed_str_clean(
					    (char *)c, strlen((char *)c), 1);
					xmlFree(c);
					if (r != NULL && r[0] != '\0')
						return r;
					free(r);
				}
				continue;
			}
			xmlFree(p);
		}
		if ((r = meta_og_title(n->children, depth + 1)) != NULL)
			return r;
	}
	return NULL;
}

static xmlNodePtr
find_tag(xmlNodePtr n, const char *name, int depth)
{
	for (; n != NULL; n = n->next) {
		xmlNodePtr r;
		if (n->type != XML_ELEMENT_NODE || depth >= MAX_WALK_DEPTH)
			continue;
		if (is_tag(n, name))
			return n;
		if ((r = find_tag(n->children, name, depth + 1)) != NULL)
			return r;
	}
	return NULL;
}

static char *
text_of(xmlNodePtr n)
{
	struct emitter em = { .keep = NULL };
	char *r;

	sbuf_init(&em.b, 0);
	emit(&em, n->children, 0);
	if (em.b.oom) {
		sbuf_free(&em.b);
		return NULL;
	}
	r = feed_str_clean(em.b.data ? em.b.data : "", em.b.len, 1);
	sbuf_free(&em.b);
	if (r != NULL && r[0] == '\0') {
		free(r);
		r = NULL;
	}
	return r;
}

static char *
page_title(xmlNodePtr root)
{
	xmlNodePtr n;
	char *t = meta_og_title(root, 0);

	if (t != NULL)
		return t;
	if ((n = find_tag(root, "h1", 0)) != NULL && (t = text_of(n)) != NULL)
		return t;
	if ((n = find_tag(root, "title", 0)) != NULL)
		return text_of(n);
	return NULL;
}

static int
is_heading(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE &&
	    (n->name[0] == 'h' || n->name[0] == 'H') && n->name[1] >= '1' &&
	    n->name[1] <= '6' && n->name[2] == '\0';
}

/* The top candidate and the siblings readability would append to it. */
static void
emit_article(
    struct extractor *x, struct emitter *em, xmlNodePtr top, double tops)
{
	double threshold = tops * 0.2 > 10 ? tops * 0.2 : 10;
	xmlNodePtr parent = top->parent;

	if (parent == NULL || parent->type != XML_ELEMENT_NODE) {
		emit(em, top, 0);
		return;
	}
	xmlNodePtr last = NULL;

	for (int pass = 0; pass < 2; pass++) {
		int before_last = 1;
		for (xmlNodePtr s = parent->children; s != NULL; s = s->next) {
			struct ninfo *ni;
			int append = 0;
			if (s->type != XML_ELEMENT_NODE)
				continue;
			ni = info_of(x, s);
			if (s == top) {
				append = 1;
			} else if (ni != NULL) {
				double ss = ni->candidate
				    ? ni->score * (1 - link_density(ni))
				    : 0;
				if (ni->candidate && ss >= threshold)
					append = 1;
				else if (is_tag(s, "p") && ni->text > 80 &&
				    link_density(ni) < 0.25)
					append = 1;
			}
			if (pass == 0) {
				if (append)
					last = s;
				continue;
			}
			/* headings between kept blocks belong to the text */
			if (!append && before_last && is_heading(s) &&
			    ni != NULL && link_density(ni) < 0.5)
				append = 1;
			if (s == last)
				before_last = 0;
			if (append) {
				xmlNodePtr next = s->next;
				/* emit this one node only */
				s->next = NULL;
				sbuf_addc(&em->b, '\n');
				emit(em, s, 0);
				sbuf_addc(&em->b, '\n');
				s->next = next;
			}
		}
	}
}

struct article *
article_extract(const char *html, size_t len, const char *content_type)
{
	struct feed_input in;
	struct extractor x = { 0 };
	struct emitter em = { .keep = keep_in_article_cb, .arg = &x };
	struct article *a = NULL;
	htmlDocPtr doc = NULL;
	xmlNodePtr root, body, top = NULL;
	double tops = 0;
	size_t t = 0, l = 0;
	int c = 0, p = 0;

	if (feed_input_prepare(&in, html ? html : "", html ? len : 0,
		content_type, INPUT_HTML) < 0)
		return NULL;
	if (in.refused)
		goto out;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		goto out;
	doc = read_html(&in);
	root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL) {
		a->text = strdup("");
		goto check;
	}
	a->title = page_title(root);
	/*
	 * The root stays whatever it says of itself (an <html aria-hidden>
	 * was pruned, freed, and then measured): only what is inside it can
	 * be junk.
	 */
	if (info_slot(&x, root) == 0)
		prune(&x, root->children, 1);
	if (x.oom)
		goto fail;
	measure(&x, root, 0, &t, &l, &c, &p);
	body = find_tag(root, "body", 0);
	score(&x, body != NULL ? body : root, 0);
	best(&x, body != NULL ? body : root, &top, &tops, 0);
	sbuf_init(&em.b, in.len / 4);
	if (top != NULL)
		emit_article(&x, &em, top, tops);
	else
		emit(&em, body != NULL ? body : root, 0);
	if (em.b.oom) {
		sbuf_free(&em.b);
		goto fail;
	}
	a->text = normalise(em.b.data ? em.b.data : "", em.b.len);
	sbuf_free(&em.b);
check:
	if (a->text == NULL)
		goto fail;
	goto out;
fail:
	article_free(a);
	a = NULL;
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	free(x.info);
	feed_input_free(&in);
	return a;
}

void
article_free(struct article *a)
{
	if (a == NULL)
		return;
	free(a->title);
	free(a->text);
	free(a);
}
