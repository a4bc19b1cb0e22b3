/* Feed documents: RSS, RDF, Atom, CDF and JSON Feed bytes in, entries out. */
#ifndef SW_FEED_H
#define SW_FEED_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* A date field that the document did not give (or gave as garbage). */
#define FEED_NO_DATE INT64_MIN

enum feed_format {
	FEED_FORMAT_UNKNOWN,
	FEED_FORMAT_RSS090,
	FEED_FORMAT_RSS091,
	FEED_FORMAT_RSS092,
	FEED_FORMAT_RSS20,
	FEED_FORMAT_RSS10,
	FEED_FORMAT_ATOM03,
	FEED_FORMAT_ATOM10,
	FEED_FORMAT_JSONFEED,
	FEED_FORMAT_CDF,
};

/* Why a document gave no usable entries; FEED_OK when it did parse. */
enum feed_error {
	FEED_OK,
	FEED_ERR_EMPTY,	     /* empty body: an error, never "no items" */
	FEED_ERR_NOT_A_FEED, /* HTML page or unknown root element */
	FEED_ERR_REFUSED,    /* hostile construct (entity decls, floods) */
	FEED_ERR_MALFORMED,  /* nothing recoverable */
	FEED_ERR_TOO_LARGE,  /* over opts.max_bytes */
};

/* Where an entry's id came from (see feed_entry_derive_id). */
enum feed_id_source {
	FEED_ID_GUID,
	FEED_ID_LINK,
	FEED_ID_HASH,
};

struct feed_entry {
	char *id;	   /* never NULL after feed_parse_buf */
	char *link;	   /* absolute http(s) URL or NULL */
	char *title;	   /* text, or NULL */
	char *author;	   /* NULL when absent */
	int64_t published; /* Unix seconds UTC, or FEED_NO_DATE */
	int64_t updated;   /* Unix seconds UTC, or FEED_NO_DATE */
	char *summary; /* as published: text or HTML markup; NULL when absent */
	char *content; /* as published: text or HTML markup; NULL when absent */
	char **categories;
	size_t ncategories;
	enum feed_id_source id_source;
};

struct feed_doc {
	enum feed_format format;
	enum feed_error error;
	int bozo;	   /* not well-formed, badly encoded, or refused */
	char *bozo_reason; /* first reason, with the line when known; or NULL */
	char *error_msg;   /* readable error when error != FEED_OK */
	char *alternate_url; /* FEED_ERR_NOT_A_FEED: feed the page advertises */
	char *title;
	char *link;
	struct feed_entry *entries; /* document order */
	size_t nentries;
	size_t ndropped;    /* entries beyond opts.max_entries */
	size_t nduplicates; /* entries dropped for a repeated id */
};

struct feed_parse_opts {
	const char *base_url; /* URL the body came from; borrowed */
	const char
	    *content_location; /* HTTP Content-Location or NULL; borrowed */
	const char
	    *content_type;    /* HTTP Content-Type, charset used; borrowed */
	size_t max_bytes;     /* refuse larger bodies (default 8 MiB) */
	size_t max_entries;   /* keep the newest N (default 500) */
	size_t max_url_len;   /* longer links are dropped (default 2048) */
	size_t max_title_len; /* titles and authors truncated (default 1024) */
	int64_t now;	      /* for clamping future dates; 0 = clock */
	int clamp_future;     /* dates > now + 1 day become now (default 1) */
};

/*
 * Install the process-wide hardening: a deny-all external entity loader
 * and libxml2's parser globals.  Call once at start-up (idempotent).
 * Returns 0.
 */
int feeds_init(void);

/* Fill opts with the defaults documented in struct feed_parse_opts. */
void feed_parse_opts_init(struct feed_parse_opts *opts);

/*
 * Parse len bytes (any content, any size) into a document.  opts may be
 * NULL for defaults.  Returns a document the caller frees with
 * feed_doc_free(); check doc->error.  NULL only when memory ran out.
 * Every string in the result is valid UTF-8 without C0 control characters
 * other than tab and newline; invalid input bytes become U+FFFD.
 * Encoding precedence: BOM > HTTP charset > XML declaration > UTF-8, with
 * latin-1 and ASCII labels read as windows-1252; an unknown label is read
 * as UTF-8 (bozo).  Documents whose DOCTYPE declares anything, attribute
 * floods and nesting past 256 levels are FEED_ERR_REFUSED.  Ids are
 * unique within the result: a repeated guid drops the later entry (counted
 * in nduplicates); a repeated link- or hash-derived id is replaced by
 * "h:" + FNV-1a 64 of link, title, date and content hash (plus the
 * occurrence number for entries equal in all of those), so such entries
 * are kept with ids that are stable from one fetch to the next.  XML is
 * read item by item as it is parsed and at most 3 * max_entries entries are
 * held at a time, so memory grows with the largest item and the decoded
 * copy of the body, not with the number of items.
 */
struct feed_doc *feed_parse_buf(
    const char *buf, size_t len, const struct feed_parse_opts *opts);

/* Free a document and everything it owns; NULL is harmless. */
void feed_doc_free(struct feed_doc *doc);

/*
 * The storywatchctl parse --json shape: format, bozo, bozo_reason, feed
 * {title, link} and entries [{id, link, title, author, published, updated,
 * summary, content}].  New reference, or NULL when memory ran out.
 */
json_t *feed_doc_to_json(const struct feed_doc *doc);

/*
 * Give e an id when it has none: its guid/id as published, else its link,
 * else "h:" + 16 hex digits of FNV-1a 64 over title, "\n", and the
 * published (else updated) date as YYYY-MM-DDTHH:MM:SSZ.  An id longer
 * than max_len becomes "h:" + the hash of that id.  0, or -1 on no memory.
 */
int feed_entry_derive_id(struct feed_entry *e, size_t max_len);

/*
 * FNV-1a 64 over the fields a reader sees (title, link, author, dates,
 * summary, content, categories), each followed by a 0x1f separator, for
 * change detection.  Stable across runs and builds.
 */
uint64_t feed_entry_content_hash(const struct feed_entry *e);

/* FNV-1a 64 of n bytes continuing from h (start with FEED_FNV_INIT). */
#define FEED_FNV_INIT UINT64_C(0xcbf29ce484222325)
uint64_t feed_fnv1a(uint64_t h, const void *p, size_t n);

/* Canonical names: "rss20", "atom10", ...; never NULL. */
const char *feed_format_name(enum feed_format f);
const char *feed_error_name(enum feed_error e);

/*
 * libxml2 parser options from the whitelist (RECOVER, NONET, NOCDATA,
 * IGNORE_ENC, NOERROR, NOWARNING, COMPACT, NOBLANKS); NOENT, DTDLOAD, DTDATTR,
 * DTDVALID, HUGE and XINCLUDE are never returned, whatever is asked.
 * want is a mask of XML_PARSE_* bits; NONET is always added.
 */
int feed_xml_options(int want);

#endif
