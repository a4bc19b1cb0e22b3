/* Bounded, cleaned UTF-8 text for chat payloads: cuts only between characters.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "notify_text.h"

#define ELLIPSIS "\xe2\x80\xa6"

void
ntext_init(struct ntext *t, size_t limit, enum ntext_count count)
{
	/* One UTF-16 unit is at most 3 bytes of UTF-8; a byte is a byte. */
	buf_init(&t->b, count == NTEXT_UTF16 ? limit * 3 + 4 : limit + 4);
	t->used = 0;
	t->limit = limit;
	t->count = count;
}

void
ntext_free(struct ntext *t)
{
	buf_free(&t->b);
	t->used = 0;
}

void
ntext_reset(struct ntext *t)
{
	buf_reset(&t->b);
	t->used = 0;
}

const char *
ntext_str(const struct ntext *t)
{
	return t->b.data != NULL ? t->b.data : "";
}

size_t
ntext_room(const struct ntext *t)
{
	return t->used < t->limit ? t->limit - t->used : 0;
}

size_t
ntext_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t need;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		need = 1;
		v = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		need = 2;
		v = c & 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		need = 3;
		v = c & 0x07;
		min = 0x10000;
	} else {
		goto bad;
	}
	if (n <= need)
		goto bad;
	for (size_t i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return need + 1;
bad:
	/* Skip one byte so the next valid character is not swallowed. */
	*cp = 0xfffd;
	return 1;
}

static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
is_dropped(uint32_t cp)
{
	/* Controls, and the bidi overrides that could make a chat line lie. */
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0xfeff;
}

/* Printable ASCII that no flag changes: copied as is. */
static int
is_plain(unsigned char c, unsigned flags)
{
	if (c < 0x20 || c >= 0x7f)
		return 0;
	if (c == ' ')
		return !(flags & NTEXT_ONELINE);
	return !((flags & NTEXT_SLACK) && (c == '&' || c == '<' || c == '>'));
}

/*
 * Walk s and append what survives cleaning to t (t NULL: only count) while
 * it stays within budget units.  Returns the units written; *all_out says
 * whether the whole of s was written.
 */
static size_t
emit(struct ntext *t, const char *s, size_t n, unsigned flags,
    enum ntext_count count, size_t budget, int *all_out, int *oom_out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t used = 0;
	int space_pending = 0, started = 0;

	*all_out = 1;
	while (p < end) {
		char piece[8];
		const char *out = piece;
		size_t plen, units;
		uint32_t cp;
		int is_space = 0;

		if (is_plain(*p, flags)) {
			/* A run of plain ASCII goes in with one copy. */
			const unsigned char *q = p;
			size_t run, pre = space_pending ? 1 : 0;

			while (q < end && is_plain(*q, flags))
				q++;
			run = (size_t)(q - p);
			if (t != NULL && used + pre + run > budget) {
				*all_out = 0;
				if (used + pre >= budget)
					break;
				run = budget - used - pre;
			}
			if (t != NULL &&
			    ((pre && buf_append(&t->b, " ", 1) == -1) ||
				buf_append(&t->b, p, run) == -1)) {
				*oom_out = 1;
				break;
			}
			if (t != NULL)
				t->used += pre + run;
			used += pre + run;
			p += run;
			space_pending = 0;
			started = 1;
			if (!*all_out)
				break;
			continue;
		}
		p += ntext_decode(p, (size_t)(end - p), &cp);
		if (cp == '\n' || cp == 0x2028 || cp == 0x2029 || cp == 0x85) {
			if (flags & NTEXT_ONELINE)
				is_space = 1;
			else
				cp = '\n';
		} else if (cp == '\t' || cp == ' ') {
			is_space = 1;
		} else if (is_dropped(cp)) {
			continue;
		}
		if (is_space && (flags & NTEXT_ONELINE)) {
			/* Collapse runs; drop leading and trailing blanks. */
			space_pending = started;
			continue;
		}
		if (is_space)
			cp = ' ';
		if ((flags & NTEXT_SLACK) && cp == '&')
			out = "&amp;", plen = 5;
		else if ((flags & NTEXT_SLACK) && cp == '<')
			out = "&lt;", plen = 4;
		else if ((flags & NTEXT_SLACK) && cp == '>')
			out = "&gt;", plen = 4;
		else if ((flags & NTEXT_ASCII) && cp >= 0x80)
			out = "?", plen = 1;
		else
			plen = utf8_encode(cp, piece);
		if (count == NTEXT_BYTES || out != piece)
			units = plen;
		else
			units = cp >= 0x10000 ? 2 : 1;
		if (space_pending)
			units++;
		if (t != NULL && used + units > budget) {
			*all_out = 0;
			break;
		}
		if (t != NULL) {
			if ((space_pending &&
				buf_append(&t->b, " ", 1) == -1) ||
			    buf_append(&t->b, out, plen) == -1) {
				*oom_out = 1;
				break;
			}
			t->used += units;
		}
		used += units;
		space_pending = 0;
		started = 1;
	}
	return used;
}

size_t
ntext_measure(const char *s, size_t n, unsigned flags, enum ntext_count count)
{
	int all, oom = 0;

	return emit(NULL, s, n, flags, count, SIZE_MAX, &all, &oom);
}

size_t
ntext_units(const char *s, enum ntext_count count)
{
	return ntext_measure(s, strlen(s), 0, count);
}

int
ntext_put(struct ntext *t, const char *s, size_t n, size_t max, unsigned flags)
{
	size_t eff = ntext_room(t), total, ell;
	int all, oom = 0;

	if (max < eff)
		eff = max;
	total = ntext_measure(s, n, flags, t->count);
	if (total <= eff) {
		emit(t, s, n, flags, t->count, eff, &all, &oom);
		return oom ? -1 : 0;
	}
	ell = t->count == NTEXT_UTF16 ? 1 : strlen(ELLIPSIS);
	if (eff < ell)
		return 1;
	emit(t, s, n, flags, t->count, eff - ell, &all, &oom);
	if (oom || buf_append(&t->b, ELLIPSIS, strlen(ELLIPSIS)) == -1)
		return -1;
	t->used += ell;
	return 1;
}

int
ntext_puts(struct ntext *t, const char *s, size_t max, unsigned flags)
{
	if (s == NULL)
		return 0;
	return ntext_put(t, s, strlen(s), max, flags);
}

int
ntext_lit(struct ntext *t, const char *s)
{
	size_t units = ntext_units(s, t->count);

	if (units > ntext_room(t))
		return -1;
	if (buf_append(&t->b, s, strlen(s)) == -1)
		return -1;
	t->used += units;
	return 0;
}

int
ntext_url(struct ntext *t, const char *url, size_t max)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t len = 0, skip;
	char enc[4];

	if (url == NULL)
		return 1;
	if (strncasecmp(url, "https://", 8) == 0)
		skip = 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		skip = 7;
	else
		return 1;
	if (url[skip] == '\0' || url[skip] == '/')
		return 1;
	for (p = (const unsigned char *)url; *p != '\0'; p++)
		len += *p <= 0x20 || *p >= 0x7f || strchr("<>|\"`^{}\\", *p)
		    ? 3
		    : 1;
	if (len > max || len > ntext_room(t))
		return 1;
	for (p = (const unsigned char *)url; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>|\"`^{}\\", *p)) {
			enc[0] = '%';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 0xf];
			if (buf_append(&t->b, enc, 3) == -1)
				return -1;
		} else if (buf_append(&t->b, p, 1) == -1) {
			return -1;
		}
	}
	t->used += len;
	return 0;
}
