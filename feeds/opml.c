/* OPML parsing, hardened like feeds and strict so errors carry lines. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "feed.h"
#include "feed_int.h"
#include "opml.h"

#define OPML_MAX_FILE (16u << 20)
#define OPML_MAX_ERRORS 20
#define OPML_MAX_DEPTH 64

struct opml_ctx {
	struct opml_list *out;
	const char *name;
	size_t cap;
};

static void add_error(struct opml_list *out, const char *name, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add_error(
    struct opml_list *out, const char *name, long line, const char *fmt, ...)
{
	char msg[400], full[700];
	char **ne;
	va_list ap;

	if (out->nerrors >= OPML_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%ld: %s", name, line, msg);
	else
		snprintf(full, sizeof(full), "%s: %s", name, msg);
	ne = realloc(out->errors, (out->nerrors + 1) * sizeof(*ne));
	if (ne == NULL)
		return;
	out->errors = ne;
	out->errors[out->nerrors] = feed_str_clean(full, strlen(full), 1);
	if (out->errors[out->nerrors] != NULL)
		out->nerrors++;
}

static void
opml_error_cb(void *arg, xmlErrorPtr err)
{
	struct opml_ctx *c = arg;
	char msg[300];
	size_t n;

	if (err == NULL || err->level < XML_ERR_ERROR)
		return;
	snprintf(msg, sizeof(msg), "%s", err->message ? err->message : "error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	add_error(c->out, c->name, err->line, "%s", msg);
}

static char *
get_attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a != NULL; a = a->next) {
		if (xmlStrcasecmp(a->name, (const xmlChar *)name) != 0)
			continue;
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		char *r = NULL;
		if (v != NULL) {
			r = feed_str_clean((char *)v, strlen((char *)v), 1);
			xmlFree(v);
		}
		if (r != NULL && r[0] == '\0') {
			free(r);
			r = NULL;
		}
		return r;
	}
	return NULL;
}

static int
seen(const struct opml_list *out, const char *url)
{
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->items[i].xml_url, url) == 0)
			return 1;
	return 0;
}

static void
walk(struct opml_ctx *c, xmlNodePtr n, int depth)
{
	for (; n != NULL; n = n->next) {
		char *raw, *url;
		if (n->type != XML_ELEMENT_NODE ||
		    xmlStrcasecmp(n->name, BAD_CAST "outline") != 0)
			continue;
		if (depth >= OPML_MAX_DEPTH) {
			add_error(c->out, c->name, xmlGetLineNo(n),
			    "outlines nested deeper than %d", OPML_MAX_DEPTH);
			return;
		}
		raw = get_attr(n, "xmlUrl");
		if (raw != NULL) {
			url = feed_url_resolve(NULL, raw, 4096);
			if (url == NULL || strncmp(url, "http", 4) != 0) {
				add_error(c->out, c->name, xmlGetLineNo(n),
				    "xmlUrl \"%.200s\" is not an absolute "
				    "http(s) URL",
				    raw);
				free(url);
			} else if (seen(c->out, url)) {
				free(url);
			} else {
				if (c->out->n == c->cap) {
					size_t nc = c->cap ? c->cap * 2 : 16;
					struct opml_outline *ni = realloc(
					    c->out->items, nc * sizeof(*ni));
					if (ni == NULL) {
						free(url);
						free(raw);
						add_error(c->out, c->name, 0,
						    "out of memory");
						return;
					}
					c->out->items = ni;
					c->cap = nc;
				}
				struct opml_outline *o =
				    &c->out->items[c->out->n++];
				o->xml_url = url;
				o->title = get_attr(n, "title");
				if (o->title == NULL)
					o->title = get_attr(n, "text");
				char *h = get_attr(n, "htmlUrl");
				o->html_url =
				    h ? feed_url_resolve(NULL, h, 4096) : NULL;
				free(h);
			}
			free(raw);
		}
		walk(c, n->children, depth + 1);
	}
}

int
opml_parse_buf(
    const char *buf, size_t len, const char *name, struct opml_list *out)
{
	struct opml_ctx c = { .out = out, .name = name ? name : "opml" };
	struct feed_input in;
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, body = NULL;

	memset(out, 0, sizeof(*out));
	feeds_init();
	if (feed_input_prepare(&in, buf, len, NULL, INPUT_XML) < 0) {
		add_error(out, c.name, 0, "out of memory");
		return -1;
	}
	if (in.refused) {
		add_error(out, c.name, 0, "%s", in.refuse_reason);
		goto out;
	}
	if (in.bozo)
		add_error(out, c.name, 0, "%s", in.reason);
	if (in.len == 0 || in.len > INT32_MAX) {
		add_error(out, c.name, 0, "empty or oversized file");
		goto out;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		add_error(out, c.name, 0, "out of memory");
		goto out;
	}
	xmlSetStructuredErrorFunc(&c, opml_error_cb);
	doc = xmlCtxtReadMemory(ctxt, in.data, (int)in.len, NULL, "UTF-8",
	    feed_xml_options(XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC |
		XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || xmlStrcasecmp(root->name, BAD_CAST "opml") != 0) {
		add_error(out, c.name, root ? xmlGetLineNo(root) : 0,
		    "root element is <%s>, not <opml>",
		    root ? (const char *)root->name : "none");
		goto out;
	}
	for (xmlNodePtr n = root->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcasecmp(n->name, BAD_CAST "body") == 0)
			body = n;
	if (body == NULL) {
		add_error(out, c.name, xmlGetLineNo(root), "no <body> element");
		goto out;
	}
	walk(&c, body->children, 0);
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (ctxt != NULL)
		xmlFreeParserCtxt(ctxt);
	feed_input_free(&in);
	return out->nerrors == 0 ? 0 : -1;
}

int
opml_parse_file(const char *path, struct opml_list *out)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, r;
	int rc;

	memset(out, 0, sizeof(*out));
	if (f == NULL) {
		add_error(out, path, 0, "%s", strerror(errno));
		return -1;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > OPML_MAX_FILE + 1)
				cap = OPML_MAX_FILE + 1;
			if (n == cap)
				break;
			if ((nb = realloc(buf, cap)) == NULL) {
				fclose(f);
				free(buf);
				add_error(out, path, 0, "out of memory");
				return -1;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f) || n > OPML_MAX_FILE) {
		fclose(f);
		free(buf);
		add_error(out, path, 0, "%s",
		    n > OPML_MAX_FILE ? "file larger than 16 MiB"
				      : "read error");
		return -1;
	}
	fclose(f);
	rc = opml_parse_buf(buf ? buf : "", n, path, out);
	free(buf);
	return rc;
}

void
opml_list_free(struct opml_list *out)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < out->n; i++) {
		free(out->items[i].title);
		free(out->items[i].xml_url);
		free(out->items[i].html_url);
	}
	for (size_t i = 0; i < out->nerrors; i++)
		free(out->errors[i]);
	free(out->items);
	free(out->errors);
	memset(out, 0, sizeof(*out));
}
