/* String hygiene, URL vetting, base64 and feed discovery for feeds/. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/uri.h>

#include "feed.h"
#include "feed_int.h"

char *
feed_str_clean(const char *s, size_t n, int collapse)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	int space = 1; /* trims leading whitespace when collapsing */

	/* an invalid byte (1) becomes U+FFFD (3): the worst case */
	if (n > (SIZE_MAX - 1) / 3 || (out = malloc(n * 3 + 1)) == NULL)
		return NULL;
	o = out;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t l = feed_utf8_seq(p + i, n - i, &cp);
			if (l == 0) {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			} else if (collapse &&
			    (cp == 0xa0 || cp == 0x2028 || cp == 0x2029)) {
				/* no-break and line separators as spaces */
				if (!space)
					*o++ = ' ';
				space = 1;
				i += l;
				continue;
			} else {
				memcpy(o, p + i, l);
				o += l;
				i += l;
			}
			space = 0;
			continue;
		}
		i++;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (collapse) {
				if (!space)
					*o++ = ' ';
				space = 1;
			} else if (c != '\r') {
				*o++ = (char)c;
			} else if (i >= n || p[i] != '\n') {
				*o++ = '\n';
			}
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		*o++ = (char)c;
		space = 0;
	}
	if (collapse && o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

void
feed_str_truncate(char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) <= max)
		return;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s[n] = '\0';
}

char *
feed_str_trim(char *s)
{
	size_t n, k = 0;

	if (s == NULL)
		return s;
	while (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r')
		k++;
	if (k > 0)
		memmove(s, s + k, strlen(s + k) + 1);
	n = strlen(s);
	while (n > 0 &&
	    (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int
scheme_is_web(const char *scheme)
{
	return scheme != NULL &&
	    (strcasecmp(scheme, "http") == 0 ||
		strcasecmp(scheme, "https") == 0);
}

/* True when u's authority names a host and carries no userinfo. */
static int
authority_ok(const char *u)
{
	const char *a = strstr(u, "://");
	size_t n;

	if (a == NULL)
		return 0;
	a += 3;
	n = strcspn(a, "/?#");
	return n > 0 && a[0] != ':' && memchr(a, '@', n) == NULL;
}

/*
 * An http(s) address libxml2 cannot parse, kept as written but without its
 * userinfo; NULL when it names no host.  Caller frees.
 */
static char *
web_address_verbatim(const char *u)
{
	size_t skip, alen, at = 0;
	const char *auth;
	char *out;

	if (strncasecmp(u, "http://", 7) == 0)
		skip = 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		skip = 8;
	else
		return NULL;
	auth = u + skip;
	alen = strcspn(auth, "/?#");
	for (size_t i = 0; i < alen; i++)
		if (auth[i] == '@')
			at = i + 1;
	if (alen - at == 0 || auth[at] == ':')
		return NULL;
	if ((out = malloc(strlen(u) + 1)) == NULL)
		return NULL;
	memcpy(out, u, skip);
	strcpy(out + skip, auth + at);
	return out;
}

char *
feed_url_resolve(const char *base, const char *ref, size_t max)
{
	xmlChar *abs = NULL;
	xmlURIPtr uri = NULL;
	char *out = NULL, *r;

	if (ref == NULL)
		return NULL;
	r = feed_str_clean(ref, strlen(ref), 1);
	if (r == NULL || r[0] == '\0')
		goto out;
	if (base != NULL && base[0] != '\0')
		abs = xmlBuildURI((const xmlChar *)r, (const xmlChar *)base);
	if (abs == NULL)
		abs = xmlStrdup((const xmlChar *)r);
	if (abs == NULL)
		goto out;
	uri = xmlParseURI((const char *)abs);
	if (uri == NULL) {
		/*
		 * Unparsable (a stray "%zz") but plainly a web address: keep
		 * it, without userinfo, when it names a host.
		 */
		out = web_address_verbatim((const char *)abs);
	} else if (uri->scheme == NULL || !scheme_is_web(uri->scheme)) {
		/* relative with no usable base; javascript:, data:, file: ...
		 */
	} else if (uri->server == NULL || uri->server[0] == '\0') {
		/* "http:/x" names no host */
	} else if (uri->user != NULL) {
		xmlChar *su;

		xmlFree(uri->user);
		uri->user = NULL;
		if ((su = xmlSaveUri(uri)) != NULL) {
			out = strdup((char *)su);
			xmlFree(su);
		}
	} else {
		out = strdup((char *)abs);
	}
	if (out != NULL && (strlen(out) > max || !authority_ok(out))) {
		/*
		 * A cut URL points somewhere else: drop it instead; and drop
		 * whatever still reads as userinfo or names no host.
		 */
		free(out);
		out = NULL;
	}
out:
	if (uri != NULL)
		xmlFreeURI(uri);
	xmlFree(abs);
	free(r);
	return out;
}

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

char *
feed_base64_decode(const char *s, size_t *len_out)
{
	size_t n = strlen(s), o = 0;
	unsigned acc = 0;
	int bits = 0;
	char *out = malloc(n / 4 * 3 + 4);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;
		if (c == '=')
			break;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if ((v = b64val(c)) < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	if (len_out != NULL)
		*len_out = o;
	return out;
}

static int
is_feed_type(const char *t)
{
	static const char *const types[] = { "application/rss+xml",
		"application/atom+xml", "application/rdf+xml",
		"application/feed+json", "application/json", "text/xml",
		"application/xml" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strncasecmp(t, types[i], strlen(types[i])) == 0)
			return 1;
	return 0;
}

static int
rel_has_alternate(const char *rel)
{
	const char *p = rel;
	size_t n = strlen("alternate");

	while ((p = strcasestr(p, "alternate")) != NULL) {
		if ((p == rel || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

static char *
find_alternate(xmlNodePtr n, const char *base, int depth)
{
	for (; n != NULL; n = n->next) {
		char *r;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcasecmp(n->name, BAD_CAST "link") == 0) {
			xmlChar *rel = xmlGetProp(n, BAD_CAST "rel");
			xmlChar *type = xmlGetProp(n, BAD_CAST "type");
			xmlChar *href = xmlGetProp(n, BAD_CAST "href");
			r = NULL;
			if (rel != NULL && type != NULL && href != NULL &&
			    rel_has_alternate((char *)rel) &&
			    is_feed_type((char *)type))
				r = feed_url_resolve(base, (char *)href, 4096);
			xmlFree(rel);
			xmlFree(type);
			xmlFree(href);
			if (r != NULL)
				return r;
		}
		if (depth < 8 &&
		    (r = find_alternate(n->children, base, depth + 1)) != NULL)
			return r;
	}
	return NULL;
}

char *
feed_html_find_alternate(const char *html, size_t len, const char *base_url)
{
	htmlDocPtr doc;
	char *r = NULL;

	if (len > INT32_MAX)
		return NULL;
	doc = htmlReadMemory(html, (int)len, base_url, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
		HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC |
		HTML_PARSE_NOIMPLIED);
	if (doc == NULL)
		return NULL;
	r = find_alternate(xmlDocGetRootElement(doc), base_url, 0);
	xmlFreeDoc(doc);
	return r;
}
