/* Hardened libxml2 parse of RSS, RDF, Atom and CDF, item by item; clean-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "feed.h"
#include "feed_date.h"
#include "feed_int.h"
#include "feed_parse_int.h"

#define NS_ATOM10 "http://www.w3.org/2005/Atom"
#define NS_ATOM03 "http://purl.org/atom/ns#"
#define NS_RSS10 "http://purl.org/rss/1.0/"
#define NS_RSS090 "http://my.netscape.com/rdf/simple/0.9/"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_XHTML "http://www.w3.org/1999/xhtml"
#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/* The decoded feed body cap of hostile-inputs rows 7 and 23. */
#define DEFAULT_MAX_BYTES (8u << 20)

enum ns_class {
	NSC_CORE,
	NSC_ATOM,
	NSC_DC,
	NSC_DCTERMS,
	NSC_CONTENT,
	NSC_XHTML,
	NSC_RDF,
	NSC_OTHER,
};

static const char *const format_names[] = { "unknown", "rss090", "rss091",
	"rss092", "rss20", "rss10", "atom03", "atom10", "jsonfeed", "cdf" };
static const char *const error_names[] = { "ok", "empty", "not-a-feed",
	"refused", "malformed", "too-large" };

const char *
feed_format_name(enum feed_format f)
{
	if ((size_t)f >= sizeof(format_names) / sizeof(format_names[0]))
		return "unknown";
	return format_names[f];
}

const char *
feed_error_name(enum feed_error e)
{
	if ((size_t)e >= sizeof(error_names) / sizeof(error_names[0]))
		return "unknown";
	return error_names[e];
}

int
feed_xml_options(int want)
{
	const int allowed = XML_PARSE_RECOVER | XML_PARSE_NOCDATA |
	    XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_COMPACT | XML_PARSE_NOBLANKS | XML_PARSE_NONET;

	return (want & allowed) | XML_PARSE_NONET;
}

/* Every external entity, DTD or XInclude request ends here, refused. */
static xmlParserInputPtr
deny_entity_loader_cb(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

int
feeds_init(void)
{
	static int done;

	if (done)
		return 0;
	done = 1;
	xmlInitParser();
	xmlSetExternalEntityLoader(deny_entity_loader_cb);
	/* belt and braces: the globals behind the legacy API stay off */
	xmlSubstituteEntitiesDefault(0);
	xmlLoadExtDtdDefaultValue = 0;
	xmlPedanticParserDefault(0);
	return 0;
}

void
feed_parse_opts_init(struct feed_parse_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_bytes = DEFAULT_MAX_BYTES;
	o->max_entries = 500;
	o->max_url_len = 2048;
	o->max_title_len = 1024;
	o->clamp_future = 1;
}

void
feed_doc_set_bozo(struct feed_doc *doc, const char *reason)
{
	if (doc->bozo && doc->bozo_reason != NULL)
		return;
	doc->bozo = 1;
	free(doc->bozo_reason);
	doc->bozo_reason = feed_str_clean(reason, strlen(reason), 1);
}

void
feed_doc_set_error(struct feed_doc *doc, enum feed_error e, const char *msg)
{
	doc->error = e;
	free(doc->error_msg);
	doc->error_msg = feed_str_clean(msg, strlen(msg), 1);
}

struct feed_entry *
feed_doc_add_entry(struct feed_doc *doc, size_t *cap)
{
	struct feed_entry *e;

	if (doc->nentries == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct feed_entry *ne =
		    realloc(doc->entries, ncap * sizeof(*ne));
		if (ne == NULL)
			return NULL;
		doc->entries = ne;
		*cap = ncap;
	}
	e = &doc->entries[doc->nentries++];
	memset(e, 0, sizeof(*e));
	e->published = FEED_NO_DATE;
	e->updated = FEED_NO_DATE;
	return e;
}

int
feed_entry_add_category(struct feed_entry *e, char *cat)
{
	char **nc;

	if (cat == NULL)
		return 0;
	if (cat[0] == '\0' || e->ncategories >= 64) {
		free(cat);
		return 0;
	}
	nc = realloc(e->categories, (e->ncategories + 1) * sizeof(*nc));
	if (nc == NULL) {
		free(cat);
		return -1;
	}
	e->categories = nc;
	e->categories[e->ncategories++] = cat;
	return 0;
}

static void
entry_free(struct feed_entry *e)
{
	free(e->id);
	free(e->link);
	free(e->title);
	free(e->author);
	free(e->summary);
	free(e->content);
	for (size_t i = 0; i < e->ncategories; i++)
		free(e->categories[i]);
	free(e->categories);
}

void
feed_doc_free(struct feed_doc *doc)
{
	if (doc == NULL)
		return;
	for (size_t i = 0; i < doc->nentries; i++)
		entry_free(&doc->entries[i]);
	free(doc->entries);
	free(doc->bozo_reason);
	free(doc->error_msg);
	free(doc->alternate_url);
	free(doc->title);
	free(doc->link);
	free(doc);
}

/* ---- keeping the newest entries as they arrive ---- */

/*
 * Every id an entry was given so far, whether the cap kept the entry or not:
 * duplicates go before the cap, so an id cut for its age still makes a later
 * copy a duplicate.  The ids are stored one after another in one buffer; a
 * slot holds 32 bits of the id's hash and its offset, 8 bytes an id.
 */
struct idset {
	uint64_t *slot; /* tag << 32 | (offset + 1); 0 when empty */
	size_t nslots;	/* a power of two, 0 before the first id */
	size_t n;
	char *ids;
	size_t len, cap;
};

static void
idset_free(struct idset *s)
{
	free(s->slot);
	free(s->ids);
	memset(s, 0, sizeof(*s));
}

/*
 * The tag of an FNV-1a hash: the top bits of a multiplicative mix, because
 * FNV's low bits depend only on the low bits of the input bytes and a feed
 * could make all its ids share them.  Its low bits choose the home slot.
 */
static uint32_t
idset_tag(uint64_t h)
{
	return (uint32_t)((h * UINT64_C(0x9e3779b97f4a7c15)) >> 32);
}

static int
idset_grow(struct idset *s)
{
	size_t n = s->nslots != 0 ? s->nslots * 2 : 64, mask = n - 1;
	uint64_t *slot;

	/* the home slot comes from a 32-bit tag */
	if (n > (size_t)UINT32_MAX + 1)
		return -1;
	slot = calloc(n, sizeof(*slot));
	if (slot == NULL)
		return -1;
	for (size_t i = 0; i < s->nslots; i++) {
		size_t k;

		if (s->slot[i] == 0)
			continue;
		for (k = (size_t)(s->slot[i] >> 32) & mask; slot[k] != 0;
		     k = (k + 1) & mask)
			;
		slot[k] = s->slot[i];
	}
	free(s->slot);
	s->slot = slot;
	s->nslots = n;
	return 0;
}

/* 1 when id is in s, 0 after adding it, -1 when memory ran out. */
static int
idset_check_add(struct idset *s, const char *id)
{
	size_t len = strlen(id), k, mask;
	uint32_t tag = idset_tag(feed_fnv1a(FEED_FNV_INIT, id, len));

	if ((s->n + 1) * 4 > s->nslots * 3 && idset_grow(s) < 0)
		return -1;
	mask = s->nslots - 1;
	for (k = tag & mask; s->slot[k] != 0; k = (k + 1) & mask) {
		uint64_t v = s->slot[k];

		if ((uint32_t)(v >> 32) == tag &&
		    strcmp(s->ids + (uint32_t)v - 1, id) == 0)
			return 1;
	}
	if (s->len + len + 1 > UINT32_MAX - 1)
		return -1;
	if (s->len + len + 1 > s->cap) {
		size_t ncap = s->cap != 0 ? s->cap : 4096;
		char *nb;

		while (ncap < s->len + len + 1)
			ncap *= 2;
		nb = realloc(s->ids, ncap);
		if (nb == NULL)
			return -1;
		s->ids = nb;
		s->cap = ncap;
	}
	memcpy(s->ids + s->len, id, len + 1);
	s->slot[k] = (uint64_t)tag << 32 | (uint64_t)(s->len + 1);
	s->len += len + 1;
	s->n++;
	return 0;
}

/*
 * The entries of one document as they arrive.  Each is finished (limits,
 * clamped dates, an id), dropped when its id repeats an earlier one, and
 * held only while it can still be among those kept, so at most three times
 * max_entries are held however long the document.  The result is the one a
 * list of every entry would give: duplicates dropped in document order, then
 * the newest max_entries by date (the earlier on a tie) when every entry has
 * a date, else the first max_entries; document order kept among them.
 */
struct keep {
	struct feed_doc *doc; /* borrowed; entries are kept in doc->entries */
	const struct feed_parse_opts *o; /* borrowed */
	int64_t now;
	size_t cap;	  /* room in doc->entries and seq */
	size_t *seq;	  /* doc->entries[i] was unique entry number seq[i] */
	size_t nunique;	  /* entries with an id not seen before */
	int all_dated;	  /* so far every unique entry has a date */
	struct idset ids; /* the ids of all nunique entries */
};

static int64_t
entry_date(const struct feed_entry *e)
{
	return e->published != FEED_NO_DATE ? e->published : e->updated;
}

struct idx {
	size_t pos;
	int64_t date;
};

static int
idx_cmp_date(const void *a, const void *b)
{
	const struct idx *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? 1 : -1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
keep_init(struct keep *k, struct feed_doc *doc, const struct feed_parse_opts *o)
{
	memset(k, 0, sizeof(*k));
	k->doc = doc;
	k->o = o;
	k->now = o->now ? o->now : (int64_t)time(NULL);
	k->all_dated = 1;
}

static void
keep_free(struct keep *k)
{
	idset_free(&k->ids);
	free(k->seq);
	k->seq = NULL;
}

/*
 * Free the held entries that can no longer be kept.  While every entry has
 * a date the first max_entries stay too, as an undated entry still to come
 * would make them the result; final says no entry is to come.
 */
static int
keep_prune(struct keep *k, int final)
{
	struct feed_doc *doc = k->doc;
	size_t max = k->o->max_entries, n = doc->nentries, out = 0;
	unsigned char *newest = NULL;

	if (k->all_dated) {
		struct idx *ix = malloc(n * sizeof(*ix));

		newest = calloc(n, 1);
		if (ix == NULL || newest == NULL) {
			free(ix);
			free(newest);
			return -1;
		}
		/* held entries are in document order: the index breaks ties */
		for (size_t i = 0; i < n; i++) {
			ix[i].pos = i;
			ix[i].date = entry_date(&doc->entries[i]);
		}
		qsort(ix, n, sizeof(*ix), idx_cmp_date);
		for (size_t i = 0; i < max && i < n; i++)
			newest[ix[i].pos] = 1;
		free(ix);
	}
	for (size_t i = 0; i < n; i++) {
		int keepit = (newest != NULL && newest[i]) ||
		    (k->seq[i] < max && !(k->all_dated && final));

		if (!keepit) {
			entry_free(&doc->entries[i]);
			continue;
		}
		doc->entries[out] = doc->entries[i];
		k->seq[out++] = k->seq[i];
	}
	doc->nentries = out;
	free(newest);
	return 0;
}

static int
keep_grow(struct keep *k)
{
	size_t n = k->cap != 0 ? k->cap * 2 : 16;
	struct feed_entry *ne;
	size_t *ns;

	if (n > SIZE_MAX / sizeof(*ne))
		return -1;
	ne = realloc(k->doc->entries, n * sizeof(*ne));
	if (ne == NULL)
		return -1;
	k->doc->entries = ne;
	ns = realloc(k->seq, n * sizeof(*ns));
	if (ns == NULL)
		return -1;
	k->seq = ns;
	k->cap = n;
	return 0;
}

/* The limits and the id every entry gets, whether it is kept or not. */
static int
entry_finish(struct feed_entry *e, const struct feed_parse_opts *o, int64_t now)
{
	feed_str_truncate(e->title, o->max_title_len);
	feed_str_truncate(e->author, o->max_title_len);
	if (o->clamp_future) {
		if (e->published != FEED_NO_DATE && e->published > now + 86400)
			e->published = now;
		if (e->updated != FEED_NO_DATE && e->updated > now + 86400)
			e->updated = now;
	}
	if (e->id != NULL && e->id[0] == '\0') {
		free(e->id);
		e->id = NULL;
	}
	return feed_entry_derive_id(e, o->max_url_len);
}

/*
 * A derived id made unique by title, date, content and, for entries equal in
 * all of those, the occurrence number: "h:" + FNV-1a 64.
 */
static char *
link_title_id(const struct feed_entry *e, unsigned occurrence)
{
	char date[32] = "", *nid;
	int64_t t = entry_date(e);
	uint64_t h = FEED_FNV_INIT, c = feed_entry_content_hash(e);

	if (t != FEED_NO_DATE)
		feed_date_format(t, date, sizeof(date));
	if (e->link != NULL)
		h = feed_fnv1a(h, e->link, strlen(e->link));
	h = feed_fnv1a(h, "", 1);
	if (e->title != NULL)
		h = feed_fnv1a(h, e->title, strlen(e->title));
	h = feed_fnv1a(h, "\n", 1);
	h = feed_fnv1a(h, date, strlen(date));
	h = feed_fnv1a(h, &c, sizeof(c));
	if (occurrence > 0)
		h = feed_fnv1a(h, &occurrence, sizeof(occurrence));
	nid = malloc(24);
	if (nid != NULL)
		snprintf(nid, 24, "h:%016llx", (unsigned long long)h);
	return nid;
}

/*
 * Take e (its contents move to the document or are freed).  One event per
 * item: a repeated guid drops the later entry.  Entries without a guid may
 * share a derived id (a feed pointing every item at its home page), so a
 * repeated derived id becomes a hash of what the entry shows (see
 * link_title_id); those are kept.  0, or -1 when memory ran out.
 */
static int
keep_add(struct keep *k, struct feed_entry *e)
{
	struct feed_doc *doc = k->doc;
	size_t max = k->o->max_entries;
	int r;

	if (entry_finish(e, k->o, k->now) < 0)
		goto fail;
	r = idset_check_add(&k->ids, e->id);
	/* bounded: a flood of equal entries costs at most 64 tries */
	for (unsigned t = 0; r == 1 && e->id_source != FEED_ID_GUID && t < 64;
	     t++) {
		char *nid = link_title_id(e, t);

		if (nid == NULL)
			goto fail;
		free(e->id);
		e->id = nid;
		e->id_source = FEED_ID_HASH;
		r = idset_check_add(&k->ids, e->id);
	}
	if (r < 0)
		goto fail;
	if (r == 1) {
		entry_free(e);
		doc->nduplicates++;
		return 0;
	}
	if (k->all_dated && entry_date(e) == FEED_NO_DATE) {
		/* without dates on all, document order is the best guess */
		k->all_dated = 0;
		if (max > 0 && keep_prune(k, 0) < 0)
			goto fail;
	}
	if (max > 0 && !k->all_dated && k->nunique >= max) {
		k->nunique++;
		entry_free(e);
		return 0;
	}
	if (doc->nentries == k->cap && keep_grow(k) < 0)
		goto fail;
	doc->entries[doc->nentries] = *e;
	k->seq[doc->nentries++] = k->nunique++;
	if (max > 0 && doc->nentries / 3 >= max)
		return keep_prune(k, 0);
	return 0;
fail:
	entry_free(e);
	return -1;
}

/* No more entries: cut to the result and count what was cut. */
static int
keep_finish(struct keep *k)
{
	size_t max = k->o->max_entries;

	if (max > 0 && k->nunique > max && keep_prune(k, 1) < 0)
		return -1;
	k->doc->ndropped += k->nunique - k->doc->nentries;
	return 0;
}

/* Free the entries an error leaves behind: a failed document has none. */
static void
doc_drop_entries(struct feed_doc *doc)
{
	for (size_t i = 0; i < doc->nentries; i++)
		entry_free(&doc->entries[i]);
	free(doc->entries);
	doc->entries = NULL;
	doc->nentries = 0;
	doc->ndropped = 0;
	doc->nduplicates = 0;
}

struct xml_errors;

/* One XML document being parsed and read. */
struct pctx {
	const struct feed_parse_opts *o;
	struct feed_doc *doc;
	int atom; /* the document is Atom: Atom elements are core */
	const xmlChar *root_ns; /* the root's namespace is core too */
	enum feed_format format;
	xmlNodePtr root;    /* once the parser opened it */
	xmlNodePtr channel; /* the first <channel>, or the Atom/CDF root */
	int root_items;	    /* RSS: items can be children of the root */
	char *alt_link;	    /* Atom link of the channel, if it has no link */
	char *dc_title;	    /* dc:title of the channel, if it has no title */
	struct keep keep;
	int failed; /* memory ran out while reading */
	struct xml_errors *xe;
	startElementNsSAX2Func sax_start; /* libxml2's tree builders */
	endElementNsSAX2Func sax_end;
};

/* ---- reading the tree ---- */

static enum ns_class
ns_class(const struct pctx *c, xmlNodePtr n)
{
	const char *h;

	if (n->ns == NULL || n->ns->href == NULL)
		return NSC_CORE;
	h = (const char *)n->ns->href;
	if (c->root_ns != NULL && xmlStrEqual(n->ns->href, c->root_ns))
		return NSC_CORE;
	if (strcmp(h, NS_ATOM10) == 0 || strcmp(h, NS_ATOM03) == 0)
		return c->atom ? NSC_CORE : NSC_ATOM;
	if (strcmp(h, NS_RSS10) == 0 || strcmp(h, NS_RSS090) == 0 ||
	    strncmp(h, "http://backend.userland.com/rss", 31) == 0 ||
	    strcmp(h, "http://blogs.law.harvard.edu/tech/rss") == 0)
		return NSC_CORE;
	if (strcmp(h, NS_DC) == 0)
		return NSC_DC;
	if (strcmp(h, NS_DCTERMS) == 0)
		return NSC_DCTERMS;
	if (strcmp(h, NS_CONTENT) == 0)
		return NSC_CONTENT;
	if (strcmp(h, NS_XHTML) == 0)
		return NSC_XHTML;
	if (strcmp(h, NS_RDF) == 0)
		return NSC_RDF;
	return NSC_OTHER;
}

static int
is(xmlNodePtr n, const char *name)
{
	return xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* Text of n's descendants; entity references resolved from the HTML table. */
static void
collect_text(xmlNodePtr n, struct sbuf *b, int depth)
{
	for (; n != NULL; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			sbuf_adds(b, (const char *)n->content);
			break;
		case XML_ENTITY_REF_NODE: {
			const htmlEntityDesc *ed = htmlEntityLookup(n->name);
			if (ed != NULL)
				sbuf_add_cp(b, ed->value);
			break;
		}
		case XML_ELEMENT_NODE:
			if (depth < 64)
				collect_text(n->children, b, depth + 1);
			break;
		default:
			break;
		}
	}
}

static int
has_element_child(xmlNodePtr n)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* The markup of n's children, as a string. */
static void
collect_markup(xmlNodePtr n, struct sbuf *b)
{
	xmlBufferPtr xb = xmlBufferCreate();

	if (xb == NULL) {
		b->oom = 1;
		return;
	}
	for (xmlNodePtr k = n->children; k != NULL; k = k->next) {
		if (k->type == XML_TEXT_NODE ||
		    k->type == XML_CDATA_SECTION_NODE) {
			/* text between elements is still markup: re-escape */
			xmlChar *esc =
			    xmlEncodeSpecialChars(k->doc, k->content);
			if (esc != NULL) {
				xmlBufferCat(xb, esc);
				xmlFree(esc);
			}
			continue;
		}
		xmlNodeDump(xb, k->doc, k, 0, 0);
	}
	sbuf_add(b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
}

static char *
finish_str(struct sbuf *b, int collapse)
{
	char *s, *r;

	if (b->oom) {
		sbuf_free(b);
		return NULL;
	}
	s = sbuf_steal(b);
	if (s == NULL)
		return NULL;
	r = feed_str_clean(s, strlen(s), collapse);
	free(s);
	if (r != NULL && !collapse)
		feed_str_trim(r);
	return r;
}

/* Plain text content of an element, whitespace collapsed. */
static char *
node_text(xmlNodePtr n)
{
	struct sbuf b;

	sbuf_init(&b, 0);
	collect_text(n->children, &b, 0);
	return finish_str(&b, 1);
}

/*
 * The value of a content-bearing element as published: its text, or the
 * markup of its children when it holds elements (unescaped inline HTML).
 */
static char *
node_value(xmlNodePtr n)
{
	struct sbuf b;

	sbuf_init(&b, 0);
	if (has_element_child(n))
		collect_markup(n, &b);
	else
		collect_text(n->children, &b, 0);
	return finish_str(&b, 0);
}

static char *
base64_value(xmlNodePtr n)
{
	struct sbuf b;
	char *raw, *dec, *r;
	size_t len;

	sbuf_init(&b, 0);
	collect_text(n->children, &b, 0);
	raw = sbuf_steal(&b);
	if (raw == NULL)
		return NULL;
	dec = feed_base64_decode(raw, &len);
	free(raw);
	if (dec == NULL)
		return node_value(n);
	r = feed_str_clean(dec, len, 0);
	free(dec);
	if (r != NULL)
		feed_str_trim(r);
	return r;
}

static char *
attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *r;

	if (v == NULL) {
		/* CDF and sloppy feeds shout their attribute names */
		for (xmlAttrPtr a = n->properties; a != NULL; a = a->next)
			if (xmlStrcasecmp(a->name, (const xmlChar *)name) ==
			    0) {
				v = xmlNodeGetContent((xmlNodePtr)a);
				break;
			}
		if (v == NULL)
			return NULL;
	}
	r = feed_str_clean((const char *)v, strlen((const char *)v), 1);
	xmlFree(v);
	return r;
}

/* Atom text constructs (title, summary, content) in 0.3 and 1.0. */
static char *
atom_text(xmlNodePtr n)
{
	char *type = attr(n, "type"), *mode = attr(n, "mode"), *r;

	if (mode != NULL && strcasecmp(mode, "base64") == 0) {
		r = base64_value(n);
	} else if (type != NULL &&
	    (strcasecmp(type, "xhtml") == 0 ||
		strcasecmp(type, "application/xhtml+xml") == 0)) {
		xmlNodePtr div = NULL;
		for (xmlNodePtr k = n->children; k != NULL; k = k->next)
			if (k->type == XML_ELEMENT_NODE) {
				div = k;
				break;
			}
		if (div != NULL && is(div, "div")) {
			struct sbuf b;
			sbuf_init(&b, 0);
			collect_markup(div, &b);
			r = finish_str(&b, 0);
		} else {
			r = node_value(n);
		}
	} else if (type != NULL && strcasecmp(type, "text") != 0 &&
	    strcasecmp(type, "html") != 0 && strchr(type, '/') != NULL &&
	    strncasecmp(type, "text/", 5) != 0 && strstr(type, "xml") == NULL &&
	    !has_element_child(n)) {
		/* Atom 1.0: other media types are base64 */
		r = base64_value(n);
	} else {
		r = node_value(n);
	}
	free(type);
	free(mode);
	return r;
}

static char *
resolve_link(const struct pctx *c, xmlNodePtr n, const char *ref)
{
	xmlChar *base = xmlNodeGetBase(n->doc, n);
	char *r =
	    feed_url_resolve(base != NULL ? (const char *)base : c->o->base_url,
		ref, c->o->max_url_len);

	xmlFree(base);
	return r;
}

/* An Atom-style <link>: href of rel=alternate (or no rel), else NULL. */
static char *
atom_link(const struct pctx *c, xmlNodePtr n)
{
	char *rel = attr(n, "rel"), *href, *r = NULL;

	if (rel != NULL && rel[0] != '\0' &&
	    strcasecmp(rel, "alternate") != 0 &&
	    strcasecmp(rel,
		"http://www.iana.org/assignments/relation/"
		"alternate") != 0) {
		free(rel);
		return NULL;
	}
	free(rel);
	href = attr(n, "href");
	if (href == NULL)
		href = node_text(n); /* Atom 0.3 drafts put it in the text */
	if (href != NULL && href[0] != '\0')
		r = resolve_link(c, n, href);
	free(href);
	return r;
}

/* An RSS <link>: its text, or an href when a feed mixes in Atom style. */
static char *
rss_link(const struct pctx *c, xmlNodePtr n)
{
	char *t = node_text(n), *r = NULL;

	if (t != NULL && t[0] == '\0' && xmlHasProp(n, BAD_CAST "href")) {
		free(t);
		return atom_link(c, n);
	}
	if (t != NULL && t[0] != '\0')
		r = resolve_link(c, n, t);
	free(t);
	return r;
}

static void
set_str(char **dst, char *v)
{
	if (v == NULL)
		return;
	if (*dst != NULL || v[0] == '\0') {
		free(v);
		return;
	}
	*dst = v;
}

static void
set_date(int64_t *dst, xmlNodePtr n, const char *attrname)
{
	char *t;
	int64_t v;

	if (*dst != FEED_NO_DATE)
		return;
	t = attrname ? attr(n, attrname) : node_text(n);
	if (t != NULL && feed_date_parse(t, &v) == 0)
		*dst = v;
	free(t);
}

static char *
author_name(xmlNodePtr n)
{
	for (xmlNodePtr k = n->children; k != NULL; k = k->next)
		if (k->type == XML_ELEMENT_NODE && is(k, "name"))
			return node_text(k);
	return node_text(n);
}

/* Fill e, zeroed with no dates, from item; 0, or -1 on no memory. */
static int
parse_entry(struct pctx *c, xmlNodePtr item, struct feed_entry *e)
{
	char *dc_title = NULL, *dc_desc = NULL, *dc_creator = NULL,
	     *alt_link = NULL;
	char *atom_id = NULL;
	xmlNodePtr guid = NULL;

	for (xmlNodePtr n = item->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		enum ns_class k = ns_class(c, n);
		if (k == NSC_CORE) {
			if (is(n, "title"))
				set_str(&e->title,
				    c->atom ? atom_text(n) : node_value(n));
			else if (is(n, "link"))
				set_str(&e->link,
				    c->atom ? atom_link(c, n) : rss_link(c, n));
			else if (is(n, "guid") || is(n, "id")) {
				if (e->id == NULL && is(n, "guid"))
					guid = n;
				set_str(&e->id, node_text(n));
			} else if (is(n, "author"))
				set_str(&e->author, author_name(n));
			else if (is(n, "pubDate") || is(n, "published") ||
			    is(n, "issued"))
				set_date(&e->published, n, NULL);
			else if (is(n, "updated") || is(n, "modified"))
				set_date(&e->updated, n, NULL);
			else if (is(n, "description") || is(n, "summary") ||
			    is(n, "abstract"))
				set_str(&e->summary,
				    c->atom ? atom_text(n) : node_value(n));
			else if (is(n, "content"))
				set_str(&e->content,
				    c->atom ? atom_text(n) : node_value(n));
			else if (is(n, "body")) {
				/* xhtml:body written without its namespace */
				struct sbuf b;
				sbuf_init(&b, 0);
				collect_markup(n, &b);
				set_str(&e->content, finish_str(&b, 0));
			} else if (is(n, "fullitem"))
				set_str(&e->content, node_value(n));
			else if (is(n, "category")) {
				char *t = attr(n, "term");
				if (t == NULL)
					t = node_text(n);
				if (feed_entry_add_category(e, t) < 0)
					goto fail;
			}
		} else if (k == NSC_DC) {
			if (is(n, "title"))
				set_str(&dc_title, node_value(n));
			else if (is(n, "creator") || is(n, "author"))
				set_str(&dc_creator, node_text(n));
			else if (is(n, "description"))
				set_str(&dc_desc, node_value(n));
			else if (is(n, "date"))
				set_date(&e->updated, n, NULL);
			else if (is(n, "subject")) {
				if (feed_entry_add_category(e, node_text(n)) <
				    0)
					goto fail;
			}
		} else if (k == NSC_DCTERMS) {
			if (is(n, "issued"))
				set_date(&e->published, n, NULL);
			else if (is(n, "modified"))
				set_date(&e->updated, n, NULL);
		} else if (k == NSC_CONTENT) {
			if (is(n, "encoded"))
				set_str(&e->content, node_value(n));
		} else if (k == NSC_XHTML) {
			if (is(n, "body")) {
				struct sbuf b;
				sbuf_init(&b, 0);
				collect_markup(n, &b);
				set_str(&e->content, finish_str(&b, 0));
			}
		} else if (k == NSC_ATOM) {
			if (is(n, "link"))
				set_str(&alt_link, atom_link(c, n));
			else if (is(n, "title"))
				set_str(&dc_title, atom_text(n));
			else if (is(n, "id"))
				set_str(&atom_id, node_text(n));
			else if (is(n, "author"))
				set_str(&dc_creator, author_name(n));
			else if (is(n, "published"))
				set_date(&e->published, n, NULL);
			else if (is(n, "updated"))
				set_date(&e->updated, n, NULL);
			else if (is(n, "summary"))
				set_str(&dc_desc, atom_text(n));
			else if (is(n, "content"))
				set_str(&e->content, atom_text(n));
		}
	}
	set_str(&e->title, dc_title);
	set_str(&e->summary, dc_desc);
	set_str(&e->author, dc_creator);
	set_str(&e->link, alt_link);
	set_str(&e->id, atom_id);
	/* a permalink guid is the article's address when <link> is missing */
	if (e->link == NULL && guid != NULL && e->id != NULL &&
	    (strncasecmp(e->id, "http://", 7) == 0 ||
		strncasecmp(e->id, "https://", 8) == 0)) {
		char *pl = attr(guid, "isPermaLink");
		if (pl == NULL || strcasecmp(pl, "false") != 0)
			e->link = resolve_link(c, guid, e->id);
		free(pl);
	}
	/* RSS 1.0 names its items; CDF puts link and date in attributes */
	if (e->id == NULL) {
		xmlChar *about =
		    xmlGetNsProp(item, BAD_CAST "about", BAD_CAST NS_RDF);
		if (about != NULL) {
			set_str(&e->id,
			    feed_str_clean(
				(char *)about, strlen((char *)about), 1));
			xmlFree(about);
		}
	}
	if (e->link == NULL) {
		char *href = attr(item, "href");
		if (href != NULL)
			set_str(&e->link, resolve_link(c, item, href));
		free(href);
	}
	if (e->updated == FEED_NO_DATE)
		set_date(&e->updated, item, "lastmod");
	if (e->id != NULL && e->id[0] != '\0')
		e->id_source = FEED_ID_GUID;
	return 0;
fail:
	free(dc_title);
	free(dc_desc);
	free(dc_creator);
	free(alt_link);
	free(atom_id);
	return -1;
}

struct xml_errors {
	char first[200];
	int have;
	int limit; /* a resource limit stopped the parser */
};

static void
xml_error_cb(void *ctx, xmlErrorPtr err)
{
	struct xml_errors *xe = ctx;
	size_t n;

	if (err == NULL || err->level < XML_ERR_ERROR)
		return;
	if (err->code == XML_ERR_INTERNAL_ERROR ||
	    err->code == XML_ERR_ENTITY_LOOP)
		xe->limit = 1;
	if (xe->have)
		return;
	xe->have = 1;
	snprintf(xe->first, sizeof(xe->first), "line %d: %s", err->line,
	    err->message ? err->message : "error");
	n = strlen(xe->first);
	while (n > 0 && (xe->first[n - 1] == '\n' || xe->first[n - 1] == ' '))
		xe->first[--n] = '\0';
}

/* A channel title or link: what parse_channel_meta reads. */
static int
is_meta(const struct pctx *c, xmlNodePtr n)
{
	enum ns_class k = ns_class(c, n);

	return ((k == NSC_CORE || k == NSC_DC) && is(n, "title")) ||
	    ((k == NSC_CORE || k == NSC_ATOM) && is(n, "link"));
}

/*
 * One element child of the channel, in document order: the first title and
 * link that give a value win, Atom and Dublin Core ones only when the
 * channel has none of its own (see parse_channel_end).
 */
static void
parse_channel_meta(struct pctx *c, xmlNodePtr n)
{
	enum ns_class k = ns_class(c, n);

	if (k == NSC_CORE && is(n, "title"))
		set_str(&c->doc->title, c->atom ? atom_text(n) : node_value(n));
	else if (k == NSC_CORE && is(n, "link"))
		set_str(
		    &c->doc->link, c->atom ? atom_link(c, n) : rss_link(c, n));
	else if (k == NSC_ATOM && is(n, "link"))
		set_str(&c->alt_link, atom_link(c, n));
	else if (k == NSC_DC && is(n, "title"))
		set_str(&c->dc_title, node_value(n));
}

static void
parse_channel_end(struct pctx *c, xmlNodePtr ch)
{
	set_str(&c->doc->title, c->dc_title);
	set_str(&c->doc->link, c->alt_link);
	c->dc_title = c->alt_link = NULL;
	if (c->doc->link == NULL) {
		char *href = attr(ch, "href");
		if (href != NULL)
			set_str(&c->doc->link, resolve_link(c, ch, href));
		free(href);
	}
}

static int
is_item(const struct pctx *c, xmlNodePtr n)
{
	if (n->type != XML_ELEMENT_NODE || ns_class(c, n) != NSC_CORE)
		return 0;
	return c->atom ? is(n, "entry") : is(n, "item");
}

/* ---- reading the document as it is parsed ---- */

/*
 * The tree is built by libxml2's own SAX2 handlers, with the hardened options
 * and its recovery from errors, but a child of the channel (or of the root,
 * where RSS 0.9x and 1.0 put items) is read as soon as it closes and then
 * freed, as is anything outside an item or a channel title or link.  So the
 * tree never holds more than the item being parsed: a 5 MB feed of 100k
 * items costs a few MB, not a tree of 100k items.  xmlTextReader would do the
 * same, but libxml2 2.9's reader stops at the first well-formedness error
 * even with XML_PARSE_RECOVER, and feeds are often ill-formed.
 */

/* Items are direct children of the channel and, in RSS, of the root too. */
static int
is_container(const struct pctx *c, xmlNodePtr n)
{
	return n != NULL &&
	    (n == c->channel || (n == c->root && c->root_items));
}

/* p is inside an item or a channel title or link: it must stay whole. */
static int
is_wanted(const struct pctx *c, xmlNodePtr p)
{
	for (; p != NULL && p->type == XML_ELEMENT_NODE; p = p->parent) {
		xmlNodePtr up = p->parent;

		if (is_container(c, up))
			return is_item(c, p) ||
			    (up == c->channel && is_meta(c, p));
	}
	return 0;
}

static void
free_child(xmlNodePtr n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/*
 * Read and free the children of a container: all are closed (only the
 * element being parsed is open, and its ancestors), including one the
 * parser gave up on without an end tag.  The channel stays: its href is
 * read at the end.  Freeing the text between items also keeps the parser
 * from appending to a text node that is no longer last.
 */
static void
drain(struct pctx *c, xmlNodePtr p)
{
	xmlNodePtr n, next;

	for (n = p->children; n != NULL; n = next) {
		next = n->next;
		if (n == c->channel)
			continue;
		if (n->type == XML_ELEMENT_NODE && !c->failed) {
			if (is_item(c, n)) {
				struct feed_entry e;

				memset(&e, 0, sizeof(e));
				e.published = e.updated = FEED_NO_DATE;
				if (parse_entry(c, n, &e) < 0) {
					entry_free(&e);
					c->failed = 1;
				} else if (keep_add(&c->keep, &e) < 0) {
					c->failed = 1;
				}
			} else if (p == c->channel) {
				parse_channel_meta(c, n);
			}
		}
		free_child(n);
	}
}

/* The format from the root element; the channel comes later for RSS. */
static void
stream_root(struct pctx *c, xmlNodePtr root)
{
	const char *href =
	    root->ns && root->ns->href ? (const char *)root->ns->href : "";

	c->root = root;
	c->root_ns = root->ns != NULL ? root->ns->href : NULL;
	if (is(root, "rss")) {
		char *v = (char *)xmlGetProp(root, BAD_CAST "version");
		c->format = FEED_FORMAT_RSS20;
		if (v != NULL && strcmp(v, "0.91") == 0)
			c->format = FEED_FORMAT_RSS091;
		else if (v != NULL && strcmp(v, "0.92") == 0)
			c->format = FEED_FORMAT_RSS092;
		else if (v != NULL && strcmp(v, "0.90") == 0)
			c->format = FEED_FORMAT_RSS090;
		xmlFree(v);
		c->root_items = 1;
	} else if (is(root, "RDF")) {
		c->format = FEED_FORMAT_RSS10;
		c->root_items = 1;
	} else if (is(root, "feed")) {
		c->channel = root;
		c->format = strcmp(href, NS_ATOM10) == 0 ? FEED_FORMAT_ATOM10
							 : FEED_FORMAT_ATOM03;
	} else if (is(root, "channel")) {
		c->channel = root;
		c->format = FEED_FORMAT_CDF;
	}
	c->atom =
	    c->format == FEED_FORMAT_ATOM03 || c->format == FEED_FORMAT_ATOM10;
}

static void
element_start_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct pctx *c = ctxt->_private;
	xmlNodePtr parent = ctxt->node, n;

	c->sax_start(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
	n = ctxt->node;
	if (n == NULL || n == parent)
		return;
	if (parent == NULL && c->root == NULL) {
		stream_root(c, n);
	} else if (parent == c->root && c->root_items && c->channel == NULL &&
	    is(n, "channel")) {
		/* the first <channel> is the channel, as it always was */
		c->channel = n;
		if (c->format == FEED_FORMAT_RSS10 && n->ns != NULL &&
		    xmlStrcmp(n->ns->href, BAD_CAST NS_RSS090) == 0)
			c->format = FEED_FORMAT_RSS090;
	}
}

static void
element_end_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct pctx *c = ctxt->_private;
	xmlNodePtr n = ctxt->node, p;

	c->sax_end(ctx, localname, prefix, uri);
	if (n == NULL || (p = n->parent) == NULL || p->type != XML_ELEMENT_NODE)
		return;
	/* what the reading does is no parse error: the handler is off */
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (n == c->channel)
		drain(c, n);
	if (is_container(c, p)) {
		drain(c, p);
	} else if (!is_wanted(c, p)) {
		while (p->children != NULL)
			free_child(p->children);
	}
	xmlSetStructuredErrorFunc(c->xe, xml_error_cb);
}

static int
looks_like_html(const char *s, size_t n)
{
	size_t lim = n < 1024 ? n : 1024;
	char tmp[1025];

	memcpy(tmp, s, lim);
	tmp[lim] = '\0';
	return strcasestr(tmp, "<html") != NULL ||
	    strcasestr(tmp, "<!doctype html") != NULL;
}

static void
not_a_feed(struct feed_doc *doc, const struct feed_input *in,
    const struct feed_parse_opts *o, const char *what)
{
	char msg[600];
	const char *url = o->base_url ? o->base_url : "the document";

	doc->alternate_url =
	    feed_html_find_alternate(in->data, in->len, o->base_url);
	if (doc->alternate_url != NULL)
		snprintf(msg, sizeof(msg),
		    "not a feed: %s is %s; it advertises a feed at %s", url,
		    what, doc->alternate_url);
	else
		snprintf(msg, sizeof(msg), "not a feed: %s is %s", url, what);
	feed_doc_set_error(doc, FEED_ERR_NOT_A_FEED, msg);
	feed_doc_set_bozo(doc, msg);
}

/*
 * The prepared input, handed to libxml2 a block at a time: from memory it
 * would copy the whole document into its own buffer first.
 */
struct reader {
	const char *p;
	size_t left;
};

static int
input_read_cb(void *ctx, char *buf, int len)
{
	struct reader *rd = ctx;
	size_t n = len > 0 ? (size_t)len : 0;

	if (n > rd->left)
		n = rd->left;
	memcpy(buf, rd->p, n);
	rd->p += n;
	rd->left -= n;
	return (int)n;
}

static void
parse_xml(struct feed_doc *doc, const char *buf, size_t len,
    const struct feed_parse_opts *o)
{
	struct feed_input in;
	struct xml_errors xe = { .have = 0 };
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr x = NULL;
	xmlNodePtr root;
	struct pctx c = { .o = o, .doc = doc, .xe = &xe };
	struct reader rd;

	keep_init(&c.keep, doc, o);
	if (feed_input_prepare(&in, buf, len, o->content_type, INPUT_XML) < 0) {
		feed_doc_set_error(doc, FEED_ERR_MALFORMED, "out of memory");
		return;
	}
	if (in.refused) {
		feed_doc_set_error(doc, FEED_ERR_REFUSED, in.refuse_reason);
		feed_doc_set_bozo(doc, in.refuse_reason);
		goto out;
	}
	if (in.len > INT32_MAX) {
		feed_doc_set_error(
		    doc, FEED_ERR_TOO_LARGE, "document too large");
		goto out;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		feed_doc_set_error(doc, FEED_ERR_MALFORMED, "out of memory");
		goto out;
	}
	/* items are read, and freed, as they close (see element_end_cb) */
	c.sax_start = ctxt->sax->startElementNs;
	c.sax_end = ctxt->sax->endElementNs;
	ctxt->sax->startElementNs = element_start_cb;
	ctxt->sax->endElementNs = element_end_cb;
	ctxt->_private = &c;
	xmlSetStructuredErrorFunc(&xe, xml_error_cb);
	rd.p = in.data;
	rd.left = in.len;
	x = xmlCtxtReadIO(ctxt, input_read_cb, NULL, &rd, o->base_url, NULL,
	    feed_xml_options(XML_PARSE_RECOVER | XML_PARSE_NOCDATA |
		XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		XML_PARSE_COMPACT));
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (in.bozo)
		feed_doc_set_bozo(doc, in.reason);
	if (!ctxt->wellFormed || !ctxt->nsWellFormed)
		feed_doc_set_bozo(
		    doc, xe.have ? xe.first : "document is not well-formed");
	if (xe.limit) {
		feed_doc_set_error(doc, FEED_ERR_REFUSED,
		    xe.have ? xe.first : "parser limit reached");
		goto out;
	}
	root = x != NULL ? xmlDocGetRootElement(x) : NULL;
	if (root == NULL) {
		if (looks_like_html(in.data, in.len))
			not_a_feed(doc, &in, o, "an HTML page");
		else
			feed_doc_set_error(doc, FEED_ERR_MALFORMED,
			    xe.have ? xe.first : "no document element");
		feed_doc_set_bozo(doc, doc->error_msg);
		goto out;
	}
	if (is(root, "html")) {
		not_a_feed(doc, &in, o, "an HTML page");
		goto out;
	}
	doc->format = c.format;
	if (doc->format == FEED_FORMAT_UNKNOWN) {
		char what[128];
		snprintf(what, sizeof(what),
		    "an XML document with root <%.60s>",
		    (const char *)root->name);
		not_a_feed(doc, &in, o, what);
		goto out;
	}
	/* what the end of the input left open, or a parser gave up on */
	if (c.channel != NULL)
		drain(&c, c.channel);
	if (c.root_items)
		drain(&c, root);
	if (c.channel != NULL)
		parse_channel_end(&c, c.channel);
	if (c.failed || keep_finish(&c.keep) < 0)
		feed_doc_set_error(doc, FEED_ERR_MALFORMED, "out of memory");
out:
	if (doc->error != FEED_OK)
		doc_drop_entries(doc);
	free(c.alt_link);
	free(c.dc_title);
	keep_free(&c.keep);
	if (x != NULL)
		xmlFreeDoc(x);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	feed_input_free(&in);
}

/* ---- shared post-processing ---- */

/* JSON Feed entries arrive as one list; they are kept as XML ones are. */
static void
keep_json_entries(struct feed_doc *doc, const struct feed_parse_opts *o)
{
	struct feed_entry *all = doc->entries;
	size_t n = doc->nentries, i;
	struct keep k;

	doc->entries = NULL;
	doc->nentries = 0;
	keep_init(&k, doc, o);
	for (i = 0; i < n; i++)
		if (keep_add(&k, &all[i]) < 0)
			break;
	if (i < n) {
		while (++i < n)
			entry_free(&all[i]);
		doc_drop_entries(doc);
		feed_doc_set_error(doc, FEED_ERR_MALFORMED, "out of memory");
	} else if (keep_finish(&k) < 0) {
		doc_drop_entries(doc);
		feed_doc_set_error(doc, FEED_ERR_MALFORMED, "out of memory");
	}
	free(all);
	keep_free(&k);
}

static int
is_blank(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return 0;
	return 1;
}

/* JSON when the first non-blank byte opens an object (or the server says so).
 */
static int
looks_like_json(const unsigned char *p, size_t n, const char *ctype)
{
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < n &&
	    (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	if (i < n && p[i] == '{')
		return 1;
	if (i < n && p[i] == '<')
		return 0;
	return ctype != NULL && strcasestr(ctype, "json") != NULL;
}

struct feed_doc *
feed_parse_buf(const char *buf, size_t len, const struct feed_parse_opts *opts)
{
	struct feed_parse_opts def;
	struct feed_doc *doc;
	char *loc = NULL;

	if (opts == NULL) {
		feed_parse_opts_init(&def);
		opts = &def;
	}
	if (opts->content_location != NULL &&
	    opts->content_location[0] != '\0') {
		/* RFC 3986 5.1.2: the base URI is the Content-Location */
		def = *opts;
		loc = feed_url_resolve(opts->base_url, opts->content_location,
		    opts->max_url_len ? opts->max_url_len : 2048);
		if (loc != NULL)
			def.base_url = loc;
		opts = &def;
	}
	feeds_init();
	doc = calloc(1, sizeof(*doc));
	if (doc == NULL)
		goto out;
	if (buf == NULL)
		len = 0;
	if (opts->max_bytes > 0 && len > opts->max_bytes) {
		feed_doc_set_error(doc, FEED_ERR_TOO_LARGE,
		    "document larger than the configured maximum");
		feed_doc_set_bozo(doc, doc->error_msg);
		goto out;
	}
	if (is_blank((const unsigned char *)buf, len)) {
		feed_doc_set_error(doc, FEED_ERR_EMPTY, "empty document");
		feed_doc_set_bozo(doc, "empty document");
		goto out;
	}
	if (looks_like_json(
		(const unsigned char *)buf, len, opts->content_type)) {
		feed_parse_json(doc, buf, len, opts);
		if (doc->error == FEED_OK)
			keep_json_entries(doc, opts);
	} else {
		parse_xml(doc, buf, len, opts);
	}
	if (doc->error == FEED_OK && doc->title != NULL)
		feed_str_truncate(doc->title, opts->max_title_len);
out:
	free(loc);
	return doc;
}
