/* Tokens and sentences of an article, with offsets into the original text for
 * output. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "lexicon.h"
#include "text.h"
#include "util.h"

#define FOLD_MAX 64

void
doc_init(struct doc *d)
{
	memset(d, 0, sizeof(*d));
}

void
doc_free(struct doc *d)
{
	free(d->toks);
	free(d->sents);
	memset(d, 0, sizeof(*d));
}

static struct token *
tok_push(struct doc *d)
{
	struct token *nt;
	size_t ncap;

	if (d->ntok == d->tokcap) {
		ncap = d->tokcap ? d->tokcap * 2 : 512;
		nt = realloc(d->toks, ncap * sizeof(*nt));
		if (nt == NULL)
			return NULL;
		d->toks = nt;
		d->tokcap = ncap;
	}
	nt = &d->toks[d->ntok++];
	memset(nt, 0, sizeof(*nt));
	return nt;
}

/* Classify one code point. */
enum cp_class {
	CP_SPACE,
	CP_NEWLINE,
	CP_LETTER,
	CP_DIGIT,
	CP_MARK,
	CP_APOS,
	CP_OTHER
};

/* ASCII classes, as enum cp_class digits: one load instead of a chain of
 * tests for the bytes that make up most of any English page. */
static const char ascii_class[129] = "00000000001111000000000000000000"
				     "06666665666666663333333333666666"
				     "62222222222222222222222222266666"
				     "62222222222222222222222222266660";

static inline enum cp_class
cp_classify(int32_t c, char *punct)
{
	utf8proc_category_t cat;
	enum cp_class k;

	*punct = 0;
	if (c < 0)
		return CP_SPACE;
	if (c < 0x80) {
		k = (enum cp_class)(ascii_class[c] - '0');
		if (k == CP_OTHER)
			*punct = (char)c;
		return k;
	}
	switch (c) {
	case 0x2018:
	case 0x2019:
	case 0x02bc:
		return CP_APOS;
	case 0x201c:
	case 0x201d:
	case 0x201e:
	case 0x00ab:
	case 0x00bb:
		*punct = '"';
		return CP_OTHER;
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015:
	case 0x2212:
		*punct = '-';
		return CP_OTHER;
	case 0x2026:
		*punct = P_ELLIPSIS;
		return CP_OTHER;
	case 0x2022:
	case 0x00b7:
	case 0x25aa:
	case 0x25cf:
	case 0x25ba:
	case 0x2023:
	case 0x2043:
		*punct = P_BULLET;
		return CP_OTHER;
	case 0x20ac:
		*punct = P_EURO;
		return CP_OTHER;
	case 0x00a3:
		*punct = P_POUND;
		return CP_OTHER;
	case 0x2028:
	case 0x2029:
	case 0x0085:
		return CP_NEWLINE;
	}
	cat = utf8proc_category(c);
	switch (cat) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return CP_LETTER;
	case UTF8PROC_CATEGORY_ND:
		return CP_DIGIT;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_CF:
		return CP_MARK;
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_CC:
		return CP_SPACE;
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return CP_NEWLINE;
	default:
		*punct = '?' + 1; /* '@': other symbol */
		return CP_OTHER;
	}
}

static int
decode(const char *s, size_t n, size_t i, int32_t *cp)
{
	utf8proc_ssize_t r;

	if ((unsigned char)s[i] < 0x80) {
		*cp = (unsigned char)s[i];
		return 1;
	}
	r = utf8proc_iterate(
	    (const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), cp);
	if (r <= 0) {
		*cp = -1;
		return 1;
	}
	return (int)r;
}

/*
 * Fold the word bytes [s, s+n) into out: NFKC, case folded, marks stripped,
 * apostrophes unified.  Returns the folded length (0 when nothing is left).
 */
static size_t
fold_word(const char *s, size_t n, char *out, size_t outsz)
{
	utf8proc_uint8_t *m = NULL;
	size_t i, o = 0;
	int ascii = 1;
	int32_t cp;
	int k;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			ascii = 0;
	if (ascii) {
		for (i = 0; i < n && o + 1 < outsz; i++)
			out[o++] =
			    (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32
								: s[i]);
		out[o] = '\0';
		return o;
	}
	if (utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
		UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
		    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK) < 0)
		return 0;
	n = strlen((const char *)m);
	for (i = 0; i < n && o + 4 < outsz; i += (size_t)k) {
		k = decode((const char *)m, n, i, &cp);
		if (cp == 0x2018 || cp == 0x2019 || cp == 0x02bc) {
			out[o++] = '\'';
			continue;
		}
		if (cp < 0)
			continue;
		memcpy(out + o, m + i, (size_t)k);
		o += (size_t)k;
	}
	out[o] = '\0';
	free(m);
	return o;
}

/*
 * The common case of fold_word: an ASCII word of at most LEXICON_WORD_MAX
 * bytes, lowered and hashed (as strtab_hash) in one pass.  0 when the word
 * needs the full fold.
 */
static int
fold_ascii(const char *s, size_t n, char *out, uint32_t *hash)
{
	uint32_t h = 2166136261u;
	unsigned char b;
	size_t i;

	if (n == 0 || n > LEXICON_WORD_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		b = (unsigned char)s[i];
		if (b >= 0x80)
			return 0;
		if ((unsigned char)(b - 'A') < 26)
			b |= 0x20;
		out[i] = (char)b;
		h = (h ^ b) * 16777619u;
	}
	out[n] = '\0';
	*hash = h ? h : 1;
	return 1;
}

/* Does the text at s (of n bytes) start with an apostrophe code point? */
static int
apos_len(const char *s, size_t n)
{
	int32_t cp;
	int k;

	if (n == 0)
		return 0;
	k = decode(s, n, 0, &cp);
	if (cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x02bc)
		return k;
	return 0;
}

static int
is_upper_cp(int32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU ||
	    utf8proc_category(cp) == UTF8PROC_CATEGORY_LT;
}

/* Scan a word starting at i; returns its end and sets flags. */
static size_t
scan_word(const char *s, size_t n, size_t i, uint8_t *flags, size_t *wend)
{
	size_t j = i;
	int32_t cp;
	int k, letters = 0, uppers = 0, a;
	unsigned char b;
	char p;
	enum cp_class c;

	*flags = 0;
	k = decode(s, n, j, &cp);
	if (is_upper_cp(cp))
		*flags |= TF_CAP;
	for (;;) {
		if (j >= n)
			break;
		b = (unsigned char)s[j];
		if (b < 0x80) {
			c = (enum cp_class)(ascii_class[b] - '0');
			if (c == CP_LETTER) {
				letters++;
				uppers += b < 'a';
				j++;
				continue;
			}
			if (c == CP_DIGIT) {
				j++;
				continue;
			}
			cp = b;
		} else {
			k = decode(s, n, j, &cp);
			c = cp_classify(cp, &p);
			if (c == CP_LETTER || c == CP_MARK || c == CP_DIGIT) {
				if (c == CP_LETTER) {
					letters++;
					uppers += is_upper_cp(cp);
				}
				j += (size_t)k;
				continue;
			}
		}
		/* U.S., e.g.: a single letter followed by a dot and a letter */
		if (cp == '.' && j + 2 < n && j - i <= 2 &&
		    cp_classify((unsigned char)s[j + 1], &p) == CP_LETTER &&
		    (j + 2 >= n || s[j + 2] == '.')) {
			*flags |= TF_ACRONYM;
			j += 3;
			continue;
		}
		a = apos_len(s + j, n - j);
		if (a > 0 && j + (size_t)a < n) {
			int32_t nx;
			decode(s, n, j + (size_t)a, &nx);
			if (cp_classify(nx, &p) == CP_LETTER) {
				/* possessive 's ends the word */
				if ((s[j + a] == 's' || s[j + a] == 'S') &&
				    (j + (size_t)a + 1 >= n ||
					cp_classify((unsigned char)s[j + a + 1],
					    &p) != CP_LETTER)) {
					*flags |= TF_POSS;
					*wend = j;
					return j + (size_t)a + 1;
				}
				j += (size_t)a;
				continue;
			}
		}
		break;
	}
	if (*flags & TF_ACRONYM) {
		/* swallow the final dot of U.S. */
		if (j < n && s[j] == '.')
			j++;
	}
	if (letters >= 2 && uppers == letters)
		*flags |= TF_ALLCAP;
	*wend = j;
	return j;
}

/* Scan a number: digits with , and . separators, times, ordinal suffixes. */
static size_t
scan_number(const char *s, size_t n, size_t i, uint8_t *flags)
{
	size_t j = i;

	*flags = 0;
	while (j < n) {
		if (s[j] >= '0' && s[j] <= '9') {
			j++;
			continue;
		}
		if ((s[j] == ',' || s[j] == '.') && j + 1 < n &&
		    s[j + 1] >= '0' && s[j + 1] <= '9' && j > i) {
			/* "1,2" in a list has one digit after: keep
			 * thousands groups only */
			if (s[j] == ',' &&
			    !(j + 3 < n + 0 && s[j + 2] >= '0' &&
				s[j + 2] <= '9' && s[j + 3] >= '0' &&
				s[j + 3] <= '9' &&
				(j + 4 >= n || s[j + 4] < '0' ||
				    s[j + 4] > '9')))
				break;
			j++;
			continue;
		}
		if (s[j] == ':' && j + 2 < n && s[j + 1] >= '0' &&
		    s[j + 1] <= '9' && s[j + 2] >= '0' && s[j + 2] <= '9') {
			*flags |= TF_TIME;
			j += 3;
			continue;
		}
		break;
	}
	if (j + 1 < n + 0 &&
	    ((strncasecmp(s + j, "st", 2) == 0) ||
		(strncasecmp(s + j, "nd", 2) == 0) ||
		(strncasecmp(s + j, "rd", 2) == 0) ||
		(strncasecmp(s + j, "th", 2) == 0)) &&
	    (j + 2 >= n ||
		!((s[j + 2] >= 'a' && s[j + 2] <= 'z') ||
		    (s[j + 2] >= 'A' && s[j + 2] <= 'Z')))) {
		*flags |= TF_ORDINAL;
		j += 2;
	}
	return j;
}

static int
sent_push(struct doc *d, size_t tb, size_t te, uint32_t flags)
{
	struct sentence *ns;
	size_t ncap;
	const struct token *a, *b;

	if (te <= tb)
		return 0;
	if (d->nsent == d->sentcap) {
		ncap = d->sentcap ? d->sentcap * 2 : 64;
		ns = realloc(d->sents, ncap * sizeof(*ns));
		if (ns == NULL)
			return -1;
		d->sents = ns;
		d->sentcap = ncap;
	}
	a = &d->toks[tb];
	b = &d->toks[te - 1];
	ns = &d->sents[d->nsent++];
	ns->off = a->off;
	ns->len = b->off + b->len - a->off;
	ns->tok_begin = (uint32_t)tb;
	ns->tok_end = (uint32_t)te;
	ns->flags = flags;
	return 0;
}

static int
tok_text_is(const struct doc *d, const struct token *t, const char *s)
{
	size_t n = strlen(s);

	return t->len == n && strncasecmp(d->text + t->off, s, n) == 0;
}

int
text_tok_is(const struct doc *d, const struct token *t, const char *s)
{
	return tok_text_is(d, t, s);
}

/* Abbreviations that never end a sentence: titles and reference words. */
static const char *const abbr_title[] = { "mr", "mrs", "ms", "dr", "prof",
	"gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "cmdr", "adm",
	"maj", "rev", "hon", "pres", "supt", "insp", "st", "mt", "ft", "messrs",
	"no", "nos", "vol", "fig", "pp", "approx", "vs", "v", "cf", "al" };
/* Abbreviations that end a sentence only before a typical sentence opener. */
static const char *const abbr_end[] = { "inc", "corp", "ltd", "co", "llc",
	"plc", "bros", "dept", "etc", "univ", "assn", "ag", "sa", "nv", "bv",
	"jr", "sr", "est", "wash", "calif", "mass", "conn", "fla", "ill",
	"mich", "penn", "tex", "va", "md", "pa", "ny", "jan", "feb", "mar",
	"apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ave",
	"blvd", "rd" };
/* Capitalised words that start sentences: after "Inc." they mean a new one. */
static const char *const starters[] = { "the", "a", "an", "it", "he", "she",
	"they", "we", "i", "this", "that", "these", "those", "but", "and", "in",
	"on", "at", "its", "his", "her", "their", "there", "however", "after",
	"since", "as", "when", "if", "while", "for", "to", "according", "last",
	"earlier", "meanwhile", "still" };

static int
in_list(const char *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

uint32_t
text_word_flags(const char *w)
{
	uint32_t f = 0;

	if (in_list(w, abbr_title, SW_ARRAY_SIZE(abbr_title)))
		f |= LEXW_ABBR_TITLE;
	if (in_list(w, abbr_end, SW_ARRAY_SIZE(abbr_end)))
		f |= LEXW_ABBR_END;
	if (in_list(w, starters, SW_ARRAY_SIZE(starters)))
		f |= LEXW_STARTER;
	return f;
}

/* The lexicon flags of a word token (0 for other tokens): the lists above
 * are looked up once per distinct word, not once per period. */
static uint32_t
tok_flags(const struct lexicon *lx, const struct token *t)
{
	if (t->kind != TOK_WORD || t->word == 0)
		return 0;
	return lexicon_get(lx, t->word)->flags;
}

/* Is the period token at index i the end of a sentence? */
static int
period_ends(const struct doc *d, const struct lexicon *lx, size_t i)
{
	const struct token *prev, *next;
	size_t j;

	j = i + 1;
	while (j < d->ntok && d->toks[j].kind == TOK_PUNCT &&
	    (d->toks[j].ch == P_CLOSEQ || d->toks[j].ch == '\'' ||
		d->toks[j].ch == ')' || d->toks[j].ch == ']'))
		j++;
	if (j >= d->ntok)
		return 1;
	next = &d->toks[j];
	if (next->flags & TF_LINE)
		return 1;
	if (!(next->flags & TF_SPACE))
		return 0;
	/* a lower-case continuation is not a new sentence */
	if (next->kind == TOK_WORD && !(next->flags & TF_CAP))
		return 0;
	if (i == 0)
		return 1;
	prev = &d->toks[i - 1];
	if (d->toks[i].ch != '.' || prev->off + prev->len != d->toks[i].off)
		return 1;
	if (prev->kind == TOK_WORD) {
		/* an initial: J. Smith */
		if (prev->len == 1 && (prev->flags & TF_CAP))
			return 0;
		if (tok_flags(lx, prev) & LEXW_ABBR_TITLE)
			return 0;
		if (tok_flags(lx, prev) & LEXW_ABBR_END)
			return (tok_flags(lx, next) & LEXW_STARTER) != 0;
	}
	return 1;
}

static int
ellipsis_ends(const struct doc *d, size_t i)
{
	const struct token *next;

	if (i + 1 >= d->ntok)
		return 1;
	next = &d->toks[i + 1];
	return (next->flags & TF_LINE) ||
	    (next->kind == TOK_WORD && (next->flags & TF_CAP) &&
		(next->flags & TF_SPACE));
}

static int
split_sentences(struct doc *d, const struct lexicon *lx)
{
	size_t i, start = 0, j;
	uint32_t flags = 0;
	const struct token *t;
	int end;

	d->nsent = 0;
	for (i = 0; i < d->ntok; i++) {
		t = &d->toks[i];
		if ((t->flags & TF_LINE) && i > start) {
			if (sent_push(d, start, i, flags | SF_NOTERM) == -1)
				return -1;
			start = i;
			flags = 0;
		}
		if (i == start) {
			flags = 0;
			/* list markers open a sentence and are not part of it
			 */
			while (i < d->ntok && d->toks[i].kind == TOK_PUNCT &&
			    (d->toks[i].ch == P_BULLET ||
				d->toks[i].ch == '*' ||
				(d->toks[i].ch == '-' &&
				    (d->toks[i].flags & TF_LINE)) ||
				(d->toks[i].ch == '>' &&
				    (d->toks[i].flags & TF_LINE)))) {
				flags |= SF_BULLET;
				i++;
			}
			start = i;
			if (i >= d->ntok)
				break;
			t = &d->toks[i];
		}
		if (t->kind == TOK_PUNCT &&
		    (t->ch == P_OPENQ || t->ch == P_CLOSEQ))
			flags |= SF_QUOTE;
		end = 0;
		if (t->kind == TOK_PUNCT &&
		    (t->ch == '.' || t->ch == '!' || t->ch == '?'))
			end = period_ends(d, lx, i);
		else if (t->kind == TOK_PUNCT && t->ch == P_ELLIPSIS)
			end = ellipsis_ends(d, i);
		else if (t->kind == TOK_WORD && (t->flags & TF_ACRONYM) &&
		    d->text[t->off + t->len - 1] == '.' && i + 1 < d->ntok &&
		    d->toks[i + 1].kind == TOK_WORD &&
		    (d->toks[i + 1].flags & TF_LINE))
			end = 1;
		else if (t->kind == TOK_WORD && (t->flags & TF_ACRONYM) &&
		    d->text[t->off + t->len - 1] == '.' && i + 1 < d->ntok &&
		    (tok_flags(lx, &d->toks[i + 1]) & LEXW_STARTER) &&
		    (d->toks[i + 1].flags & TF_CAP))
			end = 1;
		if (!end)
			continue;
		j = i + 1;
		while (j < d->ntok && d->toks[j].kind == TOK_PUNCT &&
		    !(d->toks[j].flags & TF_LINE) &&
		    (d->toks[j].ch == P_CLOSEQ || d->toks[j].ch == '\'' ||
			d->toks[j].ch == ')' || d->toks[j].ch == ']' ||
			d->toks[j].ch == '.' || d->toks[j].ch == '!' ||
			d->toks[j].ch == '?'))
			j++;
		if (sent_push(d, start, j, flags) == -1)
			return -1;
		start = j;
		i = j - 1;
		flags = 0;
	}
	if (start < d->ntok &&
	    sent_push(d, start, d->ntok, flags | SF_NOTERM) == -1)
		return -1;
	return 0;
}

int
doc_parse(struct doc *d, struct lexicon *lx, const char *s, size_t n)
{
	char fold[FOLD_MAX + 8], p;
	size_t i = 0, j, wend, fl;
	uint32_t h;
	int32_t cp;
	int k, line = 1, space = 1;
	enum cp_class c;
	struct token *t;
	uint8_t flags;

	d->text = s;
	d->len = n;
	d->ntok = 0;
	d->nsent = 0;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			k = 1;
			cp = (unsigned char)s[i];
			c = (enum cp_class)(ascii_class[cp] - '0');
			p = c == CP_OTHER ? (char)cp : 0;
		} else {
			k = decode(s, n, i, &cp);
			c = cp_classify(cp, &p);
		}
		if (cp < 0 || c == CP_SPACE || c == CP_MARK) {
			if (cp == 0xa0 || c == CP_SPACE)
				space = 1;
			i += (size_t)k;
			continue;
		}
		if (c == CP_NEWLINE) {
			line = 1;
			space = 1;
			i += (size_t)k;
			continue;
		}
		if ((t = tok_push(d)) == NULL)
			return -1;
		t->off = (uint32_t)i;
		if (line)
			t->flags |= TF_LINE;
		if (space)
			t->flags |= TF_SPACE;
		line = 0;
		space = 0;
		if (c == CP_DIGIT) {
			j = scan_number(s, n, i, &flags);
			/* digits of other scripts: one token each, never stuck
			 */
			if (j <= i)
				j = i + (size_t)k;
			t->kind = TOK_NUM;
			t->flags |= flags;
			t->len = (uint32_t)(j - i);
			i = j;
			continue;
		}
		if (c == CP_LETTER) {
			j = scan_word(s, n, i, &flags, &wend);
			if (j <= i)
				j = wend = i + (size_t)k;
			t->kind = TOK_WORD;
			t->flags |= flags;
			t->len = (uint32_t)(wend - i);
			if (flags & TF_ACRONYM) {
				/* U.S. is the word US, U.N. is UN */
				size_t a, o = 0;
				for (a = i; a < wend && o + 1 < sizeof(fold);
				     a++)
					if (s[a] != '.')
						fold[o++] =
						    (char)((s[a] >= 'A' &&
							       s[a] <= 'Z')
							    ? s[a] + 32
							    : s[a]);
				t->word = o ? lexicon_word(lx, fold, o) : 0;
				if (o && t->word == 0)
					return -1;
			} else if (fold_ascii(s + i, wend - i, fold, &h)) {
				t->word = lexicon_word_h(lx, fold, wend - i, h);
				if (t->word == 0)
					return -1;
			} else {
				fl = fold_word(
				    s + i, wend - i, fold, sizeof(fold));
				t->word = fl ? lexicon_word(lx, fold, fl) : 0;
				if (fl && t->word == 0)
					return -1;
			}
			i = j;
			continue;
		}
		t->kind = TOK_PUNCT;
		t->len = (uint32_t)k;
		if (c == CP_APOS)
			p = '\'';
		t->ch = p;
		if (p == '.' && i + 2 < n && s[i + 1] == '.' &&
		    s[i + 2] == '.') {
			t->ch = P_ELLIPSIS;
			t->len = 3;
			while (i + t->len < n && s[i + t->len] == '.')
				t->len++;
		}
		if (p == '"') {
			/* opening when it follows a space or line start */
			int opening =
			    (t->flags & (TF_SPACE | TF_LINE)) || d->ntok == 1;
			if (cp == 0x201c || cp == 0x201e)
				opening = 1;
			else if (cp == 0x201d)
				opening = 0;
			t->ch = opening ? P_OPENQ : P_CLOSEQ;
		}
		i += t->len;
	}
	return split_sentences(d, lx);
}
