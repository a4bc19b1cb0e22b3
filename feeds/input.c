/* Untrusted feed or page bytes to clean UTF-8 for libxml2, in one pass. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "feed_int.h"

/*
 * More attribute-like tokens than this on one tag is an attack: libxml2's
 * parsers are quadratic in the attribute count (200k attributes hold the
 * HTML parser for minutes).  Real pages stay far below.
 */
#define MAX_TAG_TOKENS 1024

void
sbuf_init(struct sbuf *b, size_t hint)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = 0;
	if (hint > 0) {
		b->data = malloc(hint + 1);
		if (b->data == NULL)
			b->oom = 1;
		else {
			b->cap = hint + 1;
			b->data[0] = '\0';
		}
	}
}

void
sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 64;
		char *nd;

		while (ncap < b->len + n + 1) {
			if (ncap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			ncap *= 2;
		}
		nd = realloc(b->data, ncap);
		if (nd == NULL) {
			b->oom = 1;
			return;
		}
		b->data = nd;
		b->cap = ncap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

void
sbuf_adds(struct sbuf *b, const char *s)
{
	if (s != NULL)
		sbuf_add(b, s, strlen(s));
}

void
sbuf_add_cp(struct sbuf *b, uint32_t cp)
{
	char o[4];

	if (cp < 0x80) {
		o[0] = (char)cp;
		sbuf_add(b, o, 1);
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		sbuf_add(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		sbuf_add(b, o, 3);
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		sbuf_add(b, o, 4);
	}
}

char *
sbuf_steal(struct sbuf *b)
{
	char *s;

	if (b->oom) {
		sbuf_free(b);
		return NULL;
	}
	if (b->data == NULL) {
		s = strdup("");
	} else {
		s = b->data;
	}
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

size_t
feed_utf8_seq(const unsigned char *p, size_t n, uint32_t *cpo)
{
	unsigned c = p[0];
	size_t need;
	uint32_t cp, min;

	if (c < 0x80) {
		*cpo = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		cp = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		need = 2;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n <= need)
		return 0;
	for (size_t i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cpo = cp;
	return need + 1;
}

/* The first reason wins: a + b + c (b and c may be NULL). */
static void
note_bozo(struct feed_input *in, const char *a, const char *b, const char *c)
{
	if (in->bozo)
		return;
	in->bozo = 1;
	snprintf(in->reason, sizeof(in->reason), "%s%s%s", a, b ? b : "",
	    c ? c : "");
}

static void
note_refuse(struct feed_input *in, const char *why)
{
	if (in->refused)
		return;
	in->refused = 1;
	snprintf(in->refuse_reason, sizeof(in->refuse_reason), "%s", why);
}

/* The charset parameter of a Content-Type value, unquoted, into out. */
static int
ctype_charset(const char *ct, char *out, size_t outlen)
{
	const char *p;

	if (ct == NULL)
		return 0;
	for (p = ct; (p = strchr(p, ';')) != NULL;) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, "charset", 7) != 0)
			continue;
		p += 7;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
			p++;
		size_t n = 0;
		while (p[n] != '\0' && p[n] != '"' && p[n] != '\'' &&
		    p[n] != ';' && p[n] != ' ' && p[n] != '\t' &&
		    n + 1 < outlen) {
			out[n] = p[n];
			n++;
		}
		out[n] = '\0';
		return n > 0;
	}
	return 0;
}

/*
 * Map a charset label to an iconv name; NULL for UTF-8 (handled natively).
 * Latin-1 and ASCII labels mean windows-1252 in practice (WHATWG), so
 * bytes 0x80-0x9f become the quotes and dashes their authors typed.
 */
static const char *
charset_map(const char *label, char *tmp, size_t tmplen)
{
	static const char *const cp1252[] = { "iso-8859-1", "iso8859-1",
		"iso_8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
		"ansi_x3.4-1968", "cp819", "ibm819", "iso-ir-100",
		"csisolatin1", "iso_8859-1:1987", "us", "windows-1252",
		"cp1252", "x-cp1252" };
	size_t n = 0;

	while (label[n] == ' ')
		label++;
	for (n = 0; label[n] != '\0' && n + 1 < tmplen; n++)
		tmp[n] =
		    (char)((label[n] >= 'A' && label[n] <= 'Z') ? label[n] + 32
								: label[n]);
	tmp[n] = '\0';
	while (n > 0 && tmp[n - 1] == ' ')
		tmp[--n] = '\0';
	if (strcmp(tmp, "utf-8") == 0 || strcmp(tmp, "utf8") == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(cp1252) / sizeof(cp1252[0]); i++)
		if (strcmp(tmp, cp1252[i]) == 0)
			return "WINDOWS-1252";
	return tmp;
}

/* Byte order from the first bytes of a document without a BOM. */
static const char *
sniff_wide(const unsigned char *p, size_t n)
{
	if (n < 4)
		return NULL;
	if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] != 0)
		return "UTF-32BE";
	if (p[0] != 0 && p[1] == 0 && p[2] == 0 && p[3] == 0)
		return "UTF-32LE";
	if (p[0] == 0 && p[1] != 0 && p[2] == 0 && p[3] != 0)
		return "UTF-16BE";
	if (p[0] != 0 && p[1] == 0 && p[2] != 0 && p[3] == 0)
		return "UTF-16LE";
	return NULL;
}

/* The encoding="..." of an XML declaration in ASCII-compatible bytes. */
static int
xml_decl_encoding(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	size_t lim = n < 512 ? n : 512, i;

	if (lim < 6 || memcmp(p, "<?xml", 5) != 0)
		return 0;
	for (i = 5; i + 8 < lim; i++) {
		if (p[i] == '?' && p[i + 1] == '>')
			return 0;
		if (memcmp(p + i, "encoding", 8) != 0)
			continue;
		i += 8;
		while (i < lim && (p[i] == ' ' || p[i] == '=' || p[i] == '\t'))
			i++;
		if (i >= lim || (p[i] != '"' && p[i] != '\''))
			return 0;
		unsigned char q = p[i++];
		size_t k = 0;
		while (i < lim && p[i] != q && k + 1 < outlen)
			out[k++] = (char)p[i++];
		out[k] = '\0';
		return k > 0;
	}
	return 0;
}

/* <meta charset=...> or http-equiv content="...; charset=..." near the top. */
static int
html_meta_charset(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	size_t lim = n < 4096 ? n : 4096;

	for (size_t i = 0; i + 8 < lim; i++) {
		if (strncasecmp((const char *)p + i, "charset", 7) != 0)
			continue;
		size_t j = i + 7;
		while (j < lim && (p[j] == ' ' || p[j] == '\t'))
			j++;
		if (j >= lim || p[j] != '=')
			continue;
		j++;
		while (j < lim && (p[j] == ' ' || p[j] == '"' || p[j] == '\''))
			j++;
		size_t k = 0;
		while (j < lim && k + 1 < outlen &&
		    ((p[j] >= 'a' && p[j] <= 'z') ||
			(p[j] >= 'A' && p[j] <= 'Z') ||
			(p[j] >= '0' && p[j] <= '9') || p[j] == '-' ||
			p[j] == '_' || p[j] == ':' || p[j] == '.'))
			out[k++] = (char)p[j++];
		out[k] = '\0';
		if (k > 0)
			return 1;
	}
	return 0;
}

/* iconv the whole input to UTF-8, replacing what cannot be decoded. */
static int
convert(struct feed_input *in, const char *from, const char *buf, size_t len,
    struct sbuf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char tmp[4096];

	if (cd == (iconv_t)-1)
		return -1;
	char *ip = (char *)buf;
	size_t il = len;
	while (il > 0) {
		char *op = tmp;
		size_t ol = sizeof(tmp);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		sbuf_add(out, tmp, (size_t)(op - tmp));
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or a truncated sequence at the end */
		note_bozo(
		    in, "bytes not valid in ", from, " replaced by U+FFFD");
		sbuf_add_cp(out, 0xfffd);
		if (errno == EINVAL)
			break;
		ip++;
		il--;
	}
	iconv_close(cd);
	return 0;
}

static int
is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || c >= 0x80;
}

static int
is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.';
}

static int
is_xml_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}

/*
 * One '&' in XML text or attribute value at p[0]; appends its replacement
 * and returns the bytes consumed.
 */
static size_t
rewrite_entity(
    struct feed_input *in, const unsigned char *p, size_t n, struct sbuf *out)
{
	size_t i = 1;
	char name[40];

	if (n > 2 && p[1] == '#') {
		uint32_t cp = 0;
		int hex = (p[2] == 'x' || p[2] == 'X'), digits = 0;

		i = hex ? 3 : 2;
		for (; i < n && i < 16; i++) {
			unsigned c = p[i];
			if (c >= '0' && c <= '9')
				cp = cp * (hex ? 16 : 10) + (c - '0');
			else if (hex && c >= 'a' && c <= 'f')
				cp = cp * 16 + (c - 'a' + 10);
			else if (hex && c >= 'A' && c <= 'F')
				cp = cp * 16 + (c - 'A' + 10);
			else
				break;
			digits++;
			if (cp > 0x10ffff)
				cp = 0x110000;
		}
		if (digits > 0 && i < n && p[i] == ';') {
			if (is_xml_char(cp) && hex && p[2] == 'X') {
				/* XML wants a lowercase x; keep the character
				 */
				note_bozo(in, "invalid character reference",
				    NULL, NULL);
				sbuf_adds(out, "&#x");
				sbuf_add(out, p + 3, i - 2);
			} else if (is_xml_char(cp)) {
				sbuf_add(out, p, i + 1);
			} else {
				note_bozo(in, "invalid character reference",
				    NULL, NULL);
				sbuf_add_cp(out, 0xfffd);
			}
			return i + 1;
		}
		note_bozo(in, "unescaped '&' in text", NULL, NULL);
		sbuf_adds(out, "&amp;");
		return 1;
	}
	size_t k = 0;
	while (i < n && k + 1 < sizeof(name) &&
	    ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		(p[i] >= '0' && p[i] <= '9' && k > 0) ||
		((p[i] == '.' || p[i] == '-' || p[i] == '_') && k > 0)))
		name[k++] = (char)p[i++];
	name[k] = '\0';
	if (k == 0 || i >= n || p[i] != ';') {
		note_bozo(in, "unescaped '&' in text", NULL, NULL);
		sbuf_adds(out, "&amp;");
		return 1;
	}
	if (strcmp(name, "lt") == 0)
		sbuf_adds(out, "&#60;");
	else if (strcmp(name, "gt") == 0)
		sbuf_adds(out, "&#62;");
	else if (strcmp(name, "amp") == 0)
		sbuf_adds(out, "&#38;");
	else if (strcmp(name, "quot") == 0)
		sbuf_adds(out, "&#34;");
	else if (strcmp(name, "apos") == 0)
		sbuf_adds(out, "&#39;");
	else {
		const htmlEntityDesc *ed = htmlEntityLookup((xmlChar *)name);
		/*
		 * Undeclared in XML, but a document with an external DTD
		 * is still well-formed (libxml2 only warns).
		 */
		if (!in->has_doctype)
			note_bozo(in, "undefined entity &", name,
			    "; (decoded as HTML)");
		if (ed != NULL) {
			char ref[16];
			snprintf(ref, sizeof(ref), "&#%u;", ed->value);
			sbuf_adds(out, ref);
		} else {
			sbuf_adds(out, "&amp;");
			return 1;
		}
	}
	return i + 1;
}

/* A DOCTYPE naming an external DTD (SYSTEM or PUBLIC before '[' or '>'). */
static int
doctype_is_external(const unsigned char *p, size_t n)
{
	size_t lim = n < 300 ? n : 300;

	for (size_t i = 9; i + 6 <= lim && p[i] != '[' && p[i] != '>'; i++)
		if (memcmp(p + i, "SYSTEM", 6) == 0 ||
		    memcmp(p + i, "PUBLIC", 6) == 0)
			return 1;
	return 0;
}

enum scan_state {
	S_TEXT,
	S_TAG,
	S_COMMENT,
	S_CDATA,
	S_PI,
	S_DOCTYPE,
	S_RAW, /* inside HTML script or style, until raw */
};

/*
 * The pass over UTF-8 bytes.  Plain runs are copied in bulk; only the
 * places that change are handled one by one.
 */
static void
sanitize(struct feed_input *in, const unsigned char *p, size_t n,
    enum input_mode mode, struct sbuf *out)
{
	enum scan_state st = S_TEXT;
	size_t i = 0, run = 0, tokens = 0;
	unsigned char quote = 0;
	const char *raw = NULL;
	int in_subset = 0, in_ws = 1, ctrl = 0;

#define FLUSH() sbuf_add(out, p + run, i - run)
	while (i < n) {
		unsigned c = p[i];

		if (c >= 0x80) {
			uint32_t cp;
			size_t l = feed_utf8_seq(p + i, n - i, &cp);
			if (l == 0 || cp == 0xfffe || cp == 0xffff) {
				FLUSH();
				sbuf_add_cp(out, 0xfffd);
				note_bozo(in,
				    "invalid UTF-8 replaced by U+FFFD", NULL,
				    NULL);
				i += l ? l : 1;
				run = i;
				continue;
			}
			i += l;
			in_ws = 0;
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			FLUSH();
			i++;
			run = i;
			if (!ctrl)
				note_bozo(in, "control characters removed",
				    NULL, NULL);
			ctrl = 1;
			continue;
		}
		switch (st) {
		case S_TEXT:
			if (c == '&' && mode == INPUT_XML) {
				FLUSH();
				i += rewrite_entity(in, p + i, n - i, out);
				run = i;
				continue;
			}
			if (c != '<' || mode == INPUT_TEXT)
				break;
			if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
				st = S_COMMENT;
				i += 4;
				continue;
			}
			if (n - i >= 9 && memcmp(p + i, "<![CDATA[", 9) == 0) {
				st = S_CDATA;
				i += 9;
				continue;
			}
			if (n - i >= 9 && p[i + 1] == '!' &&
			    strncasecmp((const char *)p + i, "<!DOCTYPE", 9) ==
				0) {
				st = S_DOCTYPE;
				in_subset = 0;
				quote = 0;
				if (doctype_is_external(p + i, n - i))
					in->has_doctype = 1;
				i += 9;
				continue;
			}
			if (n - i >= 2 && p[i + 1] == '?') {
				st = S_PI;
				i += 2;
				continue;
			}
			if (n - i >= 2 &&
			    (is_name_start(p[i + 1]) || p[i + 1] == '/')) {
				st = S_TAG;
				tokens = 0;
				quote = 0;
				in_ws = 0;
				/* HTML script and style are raw text */
				raw = NULL;
				if (mode == INPUT_HTML && n - i >= 8 &&
				    strncasecmp((const char *)p + i + 1,
					"script", 6) == 0 &&
				    !is_name_char(p[i + 7]))
					raw = "</script";
				else if (mode == INPUT_HTML && n - i >= 7 &&
				    strncasecmp((const char *)p + i + 1,
					"style", 5) == 0 &&
				    !is_name_char(p[i + 6]))
					raw = "</style";
			} else if (mode == INPUT_XML &&
			    (n - i < 2 || p[i + 1] != '!')) {
				/* "a < b" in text: libxml2 would drop the '<'
				 */
				FLUSH();
				note_bozo(
				    in, "unescaped '<' in text", NULL, NULL);
				sbuf_adds(out, "&#60;");
				i++;
				run = i;
				continue;
			}
			break;
		case S_TAG:
			if (quote) {
				if (c == quote) {
					quote = 0;
				} else if (c == '<' && mode == INPUT_XML) {
					/* not allowed in XML attribute values
					 */
					FLUSH();
					note_bozo(in,
					    "unescaped '<' in attribute", NULL,
					    NULL);
					sbuf_adds(out, "&#60;");
					i++;
					run = i;
					continue;
				} else if (c == '&' && mode == INPUT_XML) {
					FLUSH();
					i += rewrite_entity(
					    in, p + i, n - i, out);
					run = i;
					continue;
				}
				break;
			}
			if (c == '"' || c == '\'') {
				quote = (unsigned char)c;
			} else if (c == '>') {
				st = raw != NULL ? S_RAW : S_TEXT;
			} else if (c == ' ' || c == '\t' || c == '\n' ||
			    c == '\r') {
				in_ws = 1;
				break;
			} else if (c == '<' && mode == INPUT_HTML) {
				/* an unclosed tag: HTML parsers restart here */
				st = S_TEXT;
				continue;
			} else if (in_ws && ++tokens > MAX_TAG_TOKENS) {
				note_refuse(in,
				    "too many attributes on one "
				    "element");
			}
			in_ws = 0;
			break;
		case S_RAW:
			if (c == '<' && n - i >= strlen(raw) &&
			    strncasecmp(
				(const char *)p + i, raw, strlen(raw)) == 0) {
				st = S_TAG;
				tokens = 0;
				raw = NULL;
			}
			break;
		case S_COMMENT:
			if (c == '-' && n - i >= 3 && p[i + 1] == '-' &&
			    p[i + 2] == '>') {
				st = S_TEXT;
				i += 3;
				continue;
			}
			break;
		case S_CDATA:
			if (c == ']' && n - i >= 3 && p[i + 1] == ']' &&
			    p[i + 2] == '>') {
				st = S_TEXT;
				i += 3;
				continue;
			}
			break;
		case S_PI:
			if (c == '?' && n - i >= 2 && p[i + 1] == '>') {
				st = S_TEXT;
				i += 2;
				continue;
			}
			break;
		case S_DOCTYPE:
			if (quote) {
				if (c == quote)
					quote = 0;
			} else if (c == '"' || c == '\'') {
				quote = (unsigned char)c;
			} else if (c == '[') {
				in_subset = 1;
			} else if (c == ']') {
				in_subset = 0;
			} else if (c == '>' && !in_subset) {
				st = S_TEXT;
			} else if (in_subset && mode == INPUT_XML &&
			    ((c == '<' && n - i >= 3 && p[i + 1] == '!' &&
				 p[i + 2] != '-') ||
				c == '%')) {
				note_refuse(in,
				    "document type declares "
				    "entities or markup (refused)");
			}
			break;
		}
		i++;
	}
	FLUSH();
#undef FLUSH
}

int
feed_input_prepare(struct feed_input *in, const char *buf, size_t len,
    const char *content_type, enum input_mode mode)
{
	const unsigned char *p = (const unsigned char *)buf;
	const char *from = NULL;
	char label[48], tmp[48];
	size_t skip = 0;
	struct sbuf conv, out;

	memset(in, 0, sizeof(*in));
	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		skip = 3;
	} else if (len >= 4 && p[0] == 0xff && p[1] == 0xfe && p[2] == 0 &&
	    p[3] == 0) {
		from = "UTF-32LE";
		skip = 4;
	} else if (len >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xfe &&
	    p[3] == 0xff) {
		from = "UTF-32BE";
		skip = 4;
	} else if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		from = "UTF-16LE";
		skip = 2;
	} else if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
		from = "UTF-16BE";
		skip = 2;
	} else {
		const char *wide = sniff_wide(p, len);
		int have = ctype_charset(content_type, label, sizeof(label));

		if (!have && wide == NULL) {
			if (mode == INPUT_XML)
				have = xml_decl_encoding(
				    p, len, label, sizeof(label));
			else if (mode == INPUT_HTML)
				have = html_meta_charset(
				    p, len, label, sizeof(label));
		}
		if (have) {
			from = charset_map(label, tmp, sizeof(tmp));
			/* "UTF-16" and friends: the bytes tell the order */
			if (from != NULL && wide != NULL &&
			    strncmp(from, "utf-", 4) == 0 &&
			    (from[4] == '1' || from[4] == '3'))
				from = wide;
			else if (from != NULL && wide == NULL &&
			    (strcmp(from, "utf-16") == 0 ||
				strcmp(from, "utf-32") == 0 ||
				strcmp(from, "ucs-2") == 0 ||
				strcmp(from, "ucs-4") == 0)) {
				/* a wide label on ASCII-looking bytes lies */
				from = NULL;
			}
		} else {
			from = wide;
		}
	}
	snprintf(in->charset, sizeof(in->charset), "%s",
	    from != NULL ? from : "UTF-8");
	p += skip;
	len -= skip;
	sbuf_init(&conv, 0);
	if (from != NULL) {
		sbuf_init(&conv, len + len / 2 + 16);
		if (convert(in, from, (const char *)p, len, &conv) < 0) {
			note_bozo(in, "unknown encoding ", from,
			    ", decoded as UTF-8");
			snprintf(in->charset, sizeof(in->charset), "UTF-8");
			sbuf_free(&conv);
		} else {
			if (conv.oom) {
				sbuf_free(&conv);
				return -1;
			}
			p = (const unsigned char *)(conv.data ? conv.data : "");
			len = conv.len;
			/* a BOM inside the converted text is not content */
			if (len >= 3 && p[0] == 0xef && p[1] == 0xbb &&
			    p[2] == 0xbf) {
				p += 3;
				len -= 3;
			}
		}
	}
	sbuf_init(&out, len + len / 16 + 16);
	sanitize(in, p, len, mode, &out);
	sbuf_free(&conv);
	in->len = out.len;
	in->data = sbuf_steal(&out);
	if (in->data == NULL) {
		in->len = 0;
		return -1;
	}
	return 0;
}

void
feed_input_free(struct feed_input *in)
{
	free(in->data);
	in->data = NULL;
	in->len = 0;
}
