/* Figures: numbers in digits and words, their approximations, units and the
 * noun phrase they count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "lexicon.h"
#include "text.h"
#include "util.h"

static const char *const kind_names[FIG_NKINDS] = { "count", "percent", "money",
	"ordinal", "multiplier", "data", "duration", "vague", "date", "time",
	"elapsed" };
static const char *const approx_names[APPROX_NKINDS] = { "exact", "over",
	"under", "about", "at-least", "up-to" };

const char *
fig_kind_name(enum fig_kind k)
{
	return (unsigned)k < FIG_NKINDS ? kind_names[k] : "unknown";
}

const char *
fig_approx_name(enum fig_approx a)
{
	return (unsigned)a < APPROX_NKINDS ? approx_names[a] : "unknown";
}

struct numword {
	const char *w;
	double v;
	int ordinal;
};

static const struct numword numwords[] = { { "two", 2, 0 }, { "three", 3, 0 },
	{ "four", 4, 0 }, { "five", 5, 0 }, { "six", 6, 0 }, { "seven", 7, 0 },
	{ "eight", 8, 0 }, { "nine", 9, 0 }, { "ten", 10, 0 },
	{ "eleven", 11, 0 }, { "twelve", 12, 0 }, { "thirteen", 13, 0 },
	{ "fourteen", 14, 0 }, { "fifteen", 15, 0 }, { "sixteen", 16, 0 },
	{ "seventeen", 17, 0 }, { "eighteen", 18, 0 }, { "nineteen", 19, 0 },
	{ "twenty", 20, 0 }, { "thirty", 30, 0 }, { "forty", 40, 0 },
	{ "fifty", 50, 0 }, { "sixty", 60, 0 }, { "seventy", 70, 0 },
	{ "eighty", 80, 0 }, { "ninety", 90, 0 }, { "hundred", 100, 0 },
	{ "dozen", 12, 0 }, { "first", 1, 1 }, { "second", 2, 1 },
	{ "third", 3, 1 }, { "fourth", 4, 1 }, { "fifth", 5, 1 },
	{ "sixth", 6, 1 }, { "seventh", 7, 1 }, { "eighth", 8, 1 },
	{ "ninth", 9, 1 }, { "tenth", 10, 1 }, { "eleventh", 11, 1 },
	{ "twelfth", 12, 1 } };

struct magword {
	const char *w;
	double v;
};

static const struct magword magwords[] = { { "thousand", 1e3 },
	{ "million", 1e6 }, { "billion", 1e9 }, { "trillion", 1e12 },
	{ "mn", 1e6 }, { "bn", 1e9 }, { "m", 1e6 }, { "b", 1e9 }, { "k", 1e3 },
	{ "tn", 1e12 } };

static const struct magword vaguewords[] = { { "dozens", 12 },
	{ "hundreds", 100 }, { "thousands", 1e3 }, { "millions", 1e6 },
	{ "billions", 1e9 }, { "tens", 10 } };

static const struct magword dataunits[] = { { "bytes", 1 }, { "kb", 1e3 },
	{ "kilobytes", 1e3 }, { "mb", 1e6 }, { "megabytes", 1e6 },
	{ "gb", 1e9 }, { "gigabytes", 1e9 }, { "tb", 1e12 },
	{ "terabytes", 1e12 }, { "terabyte", 1e12 }, { "pb", 1e15 },
	{ "petabytes", 1e15 }, { "petabyte", 1e15 }, { "exabytes", 1e18 },
	{ "gigabyte", 1e9 }, { "megabyte", 1e6 } };

static const char *const durwords[] = { "seconds", "minutes", "hours", "days",
	"weeks", "months", "years", "decades", "second", "minute", "hour",
	"day", "week", "month", "year", "decade" };

static const char *const moneywords[] = { "dollars", "euros", "pounds", "usd",
	"eur", "gbp", "shekels", "yen", "yuan" };

struct approxword {
	const char *a, *b; /* two-word phrases have b */
	enum fig_approx k;
};

static const struct approxword approxwords[] = {
	{ "more", "than", APPROX_OVER }, { "over", NULL, APPROX_OVER },
	{ "above", NULL, APPROX_OVER }, { "exceeding", NULL, APPROX_OVER },
	{ "upwards", "of", APPROX_OVER }, { "nearly", NULL, APPROX_UNDER },
	{ "almost", NULL, APPROX_UNDER }, { "fewer", "than", APPROX_UNDER },
	{ "less", "than", APPROX_UNDER }, { "under", NULL, APPROX_UNDER },
	{ "close", "to", APPROX_UNDER }, { "about", NULL, APPROX_ABOUT },
	{ "around", NULL, APPROX_ABOUT }, { "roughly", NULL, APPROX_ABOUT },
	{ "approximately", NULL, APPROX_ABOUT }, { "some", NULL, APPROX_ABOUT },
	{ "estimated", NULL, APPROX_ABOUT }, { "least", NULL, APPROX_ATLEAST },
	{ "to", NULL, APPROX_UPTO }, { "much", "as", APPROX_UPTO },
	{ "many", "as", APPROX_UPTO }, { "minimum", "of", APPROX_ATLEAST },
	{ "excess", "of", APPROX_OVER }, { "maximum", "of", APPROX_UPTO },
	{ "upward", "of", APPROX_OVER }
};

static const char *
tok_word(const struct doc *d, struct lexicon *lx, uint32_t i)
{
	if (i >= d->ntok || d->toks[i].kind != TOK_WORD || d->toks[i].word == 0)
		return "";
	return lexicon_word_text(lx, d->toks[i].word);
}

static int
word_eq(const struct doc *d, struct lexicon *lx, uint32_t i, uint32_t te,
    const char *w)
{
	const char *t;

	if (i >= te)
		return 0;
	t = tok_word(d, lx, i);
	return t[0] == w[0] && strcmp(t, w) == 0;
}

static int
list_has(const char *const *l, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i], w) == 0)
			return 1;
	return 0;
}

/* Parse a digit token ("60,000", "8.5", "3rd"); sets precision from trailing
 * zeros. */
static double
parse_digits(const char *s, size_t n, double *prec)
{
	char buf[64];
	size_t i, o = 0;
	int dot = -1, decimals = 0, zeros = 0;
	double v;

	for (i = 0; i < n && o + 1 < sizeof(buf); i++) {
		if (s[i] >= '0' && s[i] <= '9')
			buf[o++] = s[i];
		else if (s[i] == '.' && dot < 0) {
			dot = (int)o;
			buf[o++] = '.';
		} else if (s[i] != ',')
			break;
	}
	buf[o] = '\0';
	v = strtod(buf, NULL);
	if (dot >= 0) {
		decimals = (int)o - dot - 1;
		*prec = pow(10.0, -decimals);
	} else {
		for (i = o; i > 1 && buf[i - 1] == '0'; i--)
			zeros++;
		*prec = pow(10.0, zeros);
	}
	return v;
}

static size_t
mag_index(const struct magword *t, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].w, w) == 0)
			return i + 1;
	return 0;
}

void
figures_word_info(const char *w, struct fig_word *fw)
{
	static const char *const extra[] = { "a", "an", "one", "percent", "pct",
		"per", "cent", "fold", "times" };
	size_t k;

	memset(fw, 0, sizeof(*fw));
	for (k = 0; k < SW_ARRAY_SIZE(numwords); k++)
		if (strcmp(numwords[k].w, w) == 0) {
			fw->num = (uint8_t)(k + 1);
			break;
		}
	fw->mag = (uint8_t)mag_index(magwords, SW_ARRAY_SIZE(magwords), w);
	fw->vague =
	    (uint8_t)mag_index(vaguewords, SW_ARRAY_SIZE(vaguewords), w);
	fw->data = (uint8_t)mag_index(dataunits, SW_ARRAY_SIZE(dataunits), w);
	if (list_has(durwords, SW_ARRAY_SIZE(durwords), w))
		fw->bits |= FW_DURATION;
	if (list_has(moneywords, SW_ARRAY_SIZE(moneywords), w))
		fw->bits |= FW_MONEY;
	if (strcmp(w, "a") == 0 || strcmp(w, "one") == 0)
		fw->bits |= FW_UNIT_ONE;
	if (fw->num || fw->mag || fw->vague || fw->data || fw->bits ||
	    list_has(extra, SW_ARRAY_SIZE(extra), w))
		fw->bits |= FW_NUMERIC;
}

int
figures_word_is_numeric(const char *w)
{
	struct fig_word fw;

	figures_word_info(w, &fw);
	return (fw.bits & FW_NUMERIC) != 0;
}

/* The figure record of token i, or NULL when it is not a word. */
static const struct fig_word *
tok_fw(const struct doc *d, struct lexicon *lx, uint32_t i, uint32_t te)
{
	if (i >= te || d->toks[i].kind != TOK_WORD || d->toks[i].word == 0)
		return NULL;
	return &lexicon_get(lx, d->toks[i].word)->fig;
}

static int
is_content(const struct doc *d, struct lexicon *lx, uint32_t i)
{
	const struct lex_word *w;

	if (d->toks[i].kind != TOK_WORD || d->toks[i].word == 0)
		return 0;
	w = lexicon_get(lx, d->toks[i].word);
	return !(w->flags & (LEXW_STOP | LEXW_REPORT | LEXW_WEEKDAY));
}

static int
month_at(const struct doc *d, struct lexicon *lx, uint32_t i, uint32_t tb,
    uint32_t te)
{
	const struct lex_word *w;

	if (i < tb || i >= te || d->toks[i].kind != TOK_WORD ||
	    d->toks[i].word == 0)
		return 0;
	w = lexicon_get(lx, d->toks[i].word);
	if (w->flags & LEXW_MONTH)
		return (int)w->month;
	/* "May" and "March" only with a capital and a number next to them */
	if (w->month && (d->toks[i].flags & TF_CAP) &&
	    ((i + 1 < te && d->toks[i + 1].kind == TOK_NUM) ||
		(i > tb && d->toks[i - 1].kind == TOK_NUM) ||
		(i > tb && d->toks[i - 1].kind == TOK_WORD &&
		    strcmp(lexicon_word_text(lx, d->toks[i - 1].word), "in") ==
			0)))
		return (int)w->month;
	return 0;
}

static double
num_value(const struct doc *d, uint32_t i, double *prec)
{
	return parse_digits(d->text + d->toks[i].off, d->toks[i].len, prec);
}

static int
fig_push(struct figure **out, size_t *n, size_t *cap, struct figure *f)
{
	struct figure *nf;
	size_t ncap;

	if (*n == *cap) {
		ncap = *cap ? *cap * 2 : 16;
		nf = realloc(*out, ncap * sizeof(*nf));
		if (nf == NULL)
			return -1;
		*out = nf;
		*cap = ncap;
	}
	(*out)[(*n)++] = *f;
	return 0;
}

/* Collect the counted noun phrase after the expression and the words around it.
 */
static void
fig_subject(const struct doc *d, struct lexicon *lx, struct figure *f,
    uint32_t tb, uint32_t te)
{
	uint32_t i = f->tok_end, k;
	int dist, side;

	while (i < te &&
	    (word_eq(d, lx, i, te, "of") || word_eq(d, lx, i, te, "the") ||
		word_eq(d, lx, i, te, "its") || word_eq(d, lx, i, te, "their")))
		i++;
	for (; i < te && f->nhead < FIG_MAX_HEAD; i++) {
		if (d->toks[i].kind == TOK_PUNCT && d->toks[i].ch == '-')
			continue;
		if (!is_content(d, lx, i))
			break;
		if (lexicon_get(lx, d->toks[i].word)->flags & LEXW_MONTH)
			break;
		f->head[f->nhead++] = d->toks[i].word;
		if (d->toks[i].flags & TF_POSS)
			break;
	}
	if (f->nhead == 0) {
		/* "shares rose 2 percent": the subject comes before */
		f->head_before = 1;
		for (k = f->tok_begin; k > tb && f->nhead < 2; k--) {
			if (d->toks[k - 1].kind == TOK_PUNCT)
				break;
			if (is_content(d, lx, k - 1))
				f->head[f->nhead++] = d->toks[k - 1].word;
		}
	}
	/*
	 * The words of the sentence around it, nearest first, so that a long
	 * sentence keeps the words that belong to this figure ("with the true
	 * toll likely much higher" still describes "over 60,000").
	 */
	for (dist = 1; f->nctx < FIG_MAX_CTX; dist++) {
		int more = 0;
		for (side = 0; side < 2 && f->nctx < FIG_MAX_CTX; side++) {
			int dup = 0, h;
			if (side == 0) {
				if (f->tok_begin < tb + (uint32_t)dist)
					continue;
				k = f->tok_begin - (uint32_t)dist;
			} else {
				k = f->tok_end - 1 + (uint32_t)dist;
				if (k >= te)
					continue;
			}
			more = 1;
			if (!is_content(d, lx, k))
				continue;
			for (h = 0; h < f->nhead; h++)
				dup |= f->head[h] == d->toks[k].word;
			for (h = 0; h < f->nctx; h++)
				dup |= f->ctx[h] == d->toks[k].word;
			if (!dup)
				f->ctx[f->nctx++] = d->toks[k].word;
		}
		if (!more)
			break;
	}
}

/* Look back for "more than", "nearly", "at least", "up to" and friends. */
static void
fig_approx(
    const struct doc *d, struct lexicon *lx, struct figure *f, uint32_t tb)
{
	uint32_t i = f->tok_begin;
	size_t k;

	if (i > tb &&
	    (word_eq(d, lx, i - 1, i, "a") || word_eq(d, lx, i - 1, i, "an")))
		i--;
	for (k = 0; k < SW_ARRAY_SIZE(approxwords); k++) {
		const struct approxword *a = &approxwords[k];
		if (a->b == NULL) {
			if (i > tb && word_eq(d, lx, i - 1, i, a->a)) {
				if (a->k == APPROX_ATLEAST &&
				    !(i > tb + 1 &&
					word_eq(d, lx, i - 2, i, "at")))
					continue;
				if (a->k == APPROX_UPTO &&
				    !(i > tb + 1 &&
					word_eq(d, lx, i - 2, i, "up")))
					continue;
				f->approx = a->k;
				f->tok_begin = i - 1;
				if (a->k == APPROX_ATLEAST ||
				    a->k == APPROX_UPTO)
					f->tok_begin = i - 2;
				return;
			}
		} else if (i > tb + 1 && word_eq(d, lx, i - 2, i, a->a) &&
		    word_eq(d, lx, i - 1, i, a->b)) {
			f->approx = a->k;
			f->tok_begin = i - 2;
			return;
		}
	}
}

/* A date around token i (a month word or a number next to one). */
static int
fig_date(const struct doc *d, struct lexicon *lx, uint32_t i, uint32_t tb,
    uint32_t te, struct figure *f)
{
	int m = month_at(d, lx, i, tb, te);
	double prec;
	uint32_t j;

	if (m == 0)
		return 0;
	memset(f, 0, sizeof(*f));
	f->kind = FIG_DATE;
	f->month = (int8_t)m;
	f->tok_begin = i;
	f->tok_end = i + 1;
	/* "6 August" */
	if (i > tb && d->toks[i - 1].kind == TOK_NUM &&
	    num_value(d, i - 1, &prec) <= 31) {
		f->day = (int8_t)num_value(d, i - 1, &prec);
		f->tok_begin = i - 1;
	}
	j = i + 1;
	if (j < te && d->toks[j].kind == TOK_PUNCT && d->toks[j].ch == '.')
		j++;
	if (j < te && d->toks[j].kind == TOK_NUM &&
	    num_value(d, j, &prec) >= 1 && num_value(d, j, &prec) <= 31 &&
	    d->toks[j].len <= 4) {
		f->day = (int8_t)num_value(d, j, &prec);
		f->tok_end = ++j;
		if (j + 1 < te && d->toks[j].kind == TOK_PUNCT &&
		    d->toks[j].ch == ',' && d->toks[j + 1].kind == TOK_NUM)
			j++;
	}
	if (j < te && d->toks[j].kind == TOK_NUM && d->toks[j].len == 4) {
		double y = num_value(d, j, &prec);
		if (y >= 1900 && y <= 2100) {
			f->year = (int16_t)y;
			f->tok_end = j + 1;
		}
	}
	f->value = f->year * 10000 + f->month * 100 + f->day;
	return 1;
}

static int
is_year_token(const struct doc *d, struct lexicon *lx, uint32_t i, uint32_t te)
{
	double prec, v;
	const char *nx;

	if (d->toks[i].len != 4 || (d->toks[i].flags & TF_ORDINAL))
		return 0;
	v = num_value(d, i, &prec);
	if (v < 1900 || v > 2100)
		return 0;
	/* "2000 people" counts; "in 2021 the unit" is a year */
	nx = tok_word(d, lx, i + 1);
	if (i + 1 < te && is_content(d, lx, i + 1) && strlen(nx) > 3 &&
	    nx[strlen(nx) - 1] == 's' &&
	    !(lexicon_get(lx, d->toks[i + 1].word)->fig.bits & FW_DURATION))
		return 0;
	return 1;
}

int
figures_extract(const struct doc *d, struct lexicon *lx, uint32_t tb,
    uint32_t te, struct figure **out, size_t *n, size_t *cap)
{
	struct figure f;
	uint32_t i, j;
	const struct fig_word *fw;
	double v, prec, mag;
	int added = 0;
	const char *w;

	for (i = tb; i < te; i++) {
		const struct token *t = &d->toks[i];

		if (fig_date(d, lx, i, tb, te, &f)) {
			if (fig_push(out, n, cap, &f) == -1)
				return -1;
			added++;
			i = f.tok_end - 1;
			continue;
		}
		/* only these can start a figure */
		if (!(t->kind == TOK_NUM ||
			(t->kind == TOK_WORD && t->word != 0 &&
			    (lexicon_get(lx, t->word)->flags & LEXW_NUMERIC)) ||
			(t->kind == TOK_PUNCT &&
			    (t->ch == '$' || t->ch == P_EURO ||
				t->ch == P_POUND))))
			continue;
		memset(&f, 0, sizeof(f));
		f.tok_begin = i;
		f.tok_end = i + 1;
		if (t->kind == TOK_NUM) {
			if (t->flags & TF_TIME) {
				f.kind = FIG_TIME;
				if (fig_push(out, n, cap, &f) == -1)
					return -1;
				added++;
				continue;
			}
			/* "15 August": the day of the date the month
			 * word starts */
			if (t->len <= 2 && !(t->flags & TF_ORDINAL) &&
			    month_at(d, lx, i + 1, tb, te) != 0 &&
			    num_value(d, i, &prec) >= 1 &&
			    num_value(d, i, &prec) <= 31)
				continue;
			if (is_year_token(d, lx, i, te)) {
				f.kind = FIG_DATE;
				f.year = (int16_t)num_value(d, i, &prec);
				f.value = f.year * 10000;
				if (fig_push(out, n, cap, &f) == -1)
					return -1;
				added++;
				continue;
			}
			v = num_value(d, i, &prec);
			f.kind =
			    (t->flags & TF_ORDINAL) ? FIG_ORDINAL : FIG_COUNT;
			/* "+972 Magazine" and "Unit 8200" are names, not
			 * figures */
			if (i > tb && d->toks[i - 1].kind == TOK_PUNCT &&
			    d->toks[i - 1].ch == '+' &&
			    d->toks[i - 1].off + 1 == t->off)
				continue;
			/* a plain number right after a capitalised word
			 * (Unit 8200, Microsoft 365) names something,
			 * unless a unit or percent follows it */
			if (i > tb && d->toks[i - 1].kind == TOK_WORD &&
			    (d->toks[i - 1].flags & TF_CAP) &&
			    d->toks[i - 1].word != 0 &&
			    !(lexicon_get(lx, d->toks[i - 1].word)->flags &
				(LEXW_STOP | LEXW_MONTH | LEXW_NUMERIC)) &&
			    lexicon_get(lx, d->toks[i - 1].word)->month == 0 &&
			    memchr(d->text + t->off, ',', t->len) == NULL &&
			    memchr(d->text + t->off, '.', t->len) == NULL &&
			    !(t->flags & TF_ORDINAL) &&
			    !(i + 1 < te && d->toks[i + 1].kind == TOK_PUNCT &&
				d->toks[i + 1].ch == '%') &&
			    !(i + 1 < te && d->toks[i + 1].kind == TOK_WORD &&
				(lexicon_get(lx, d->toks[i + 1].word)->flags &
				    LEXW_NUMERIC)))
				continue;
		} else if (t->kind == TOK_WORD && t->word != 0) {
			if (!(lexicon_get(lx, t->word)->flags & LEXW_NUMERIC))
				continue;
			w = lexicon_word_text(lx, t->word);
			fw = &lexicon_get(lx, t->word)->fig;
			v = 0;
			if (fw->num) {
				v = numwords[fw->num - 1].v;
				f.kind = numwords[fw->num - 1].ordinal
				    ? FIG_ORDINAL
				    : FIG_COUNT;
			}
			/* "twenty-five" */
			if (v >= 20 && v < 100 && i + 2 < te &&
			    d->toks[i + 1].kind == TOK_PUNCT &&
			    d->toks[i + 1].ch == '-') {
				const struct fig_word *fw2 =
				    tok_fw(d, lx, i + 2, d->ntok);
				if (fw2 != NULL && fw2->num >= 1 &&
				    fw2->num <= 8) {
					v += numwords[fw2->num - 1].v;
					f.tok_end = i + 3;
				}
			}
			mag = 0;
			if (v == 0 && (fw->bits & FW_UNIT_ONE) && i + 1 < te) {
				/* "a million": thousand to trillion only */
				const struct fig_word *fwn =
				    tok_fw(d, lx, i + 1, d->ntok);
				if (fwn != NULL && fwn->mag >= 1 &&
				    fwn->mag <= 4) {
					mag = magwords[fwn->mag - 1].v;
					v = 1;
					f.kind = FIG_COUNT;
				}
			}
			if (v == 0) {
				mag =
				    fw->vague ? vaguewords[fw->vague - 1].v : 0;
				if (mag == 0 ||
				    !word_eq(d, lx, i + 1, te, "of"))
					continue;
				f.kind = FIG_VAGUE;
				f.value = mag;
				f.precision = mag;
				f.tok_end = i + 1;
				fig_subject(d, lx, &f, tb, te);
				if (fig_push(out, n, cap, &f) == -1)
					return -1;
				added++;
				i = f.tok_end - 1;
				continue;
			}
			/* "second" is also a unit of time and a verb */
			if (f.kind == FIG_ORDINAL && strcmp(w, "second") == 0 &&
			    i > tb && is_content(d, lx, i - 1) &&
			    !(d->toks[i - 1].flags & TF_POSS))
				continue;
			prec = 1;
		} else if (t->kind == TOK_PUNCT &&
		    (t->ch == '$' || t->ch == P_EURO || t->ch == P_POUND) &&
		    i + 1 < te && d->toks[i + 1].kind == TOK_NUM) {
			i++;
			v = num_value(d, i, &prec);
			f.kind = FIG_MONEY;
			f.tok_end = i + 1;
		} else
			continue;
		/* magnitude, unit, percent, multiplier after the number */
		j = f.tok_end;
		fw = tok_fw(d, lx, j, te);
		if (fw != NULL && fw->mag) {
			mag = magwords[fw->mag - 1].v;
			if (mag >= 1e6 || d->toks[j].flags & TF_SPACE ||
			    j == f.tok_end) {
				if (prec >= 1)
					prec = mag;
				else
					prec *= mag;
				v *= mag;
				j++;
				fw = tok_fw(d, lx, j, te);
			}
		}
		if (f.kind == FIG_ORDINAL)
			;
		else if (j < te && d->toks[j].kind == TOK_PUNCT &&
		    d->toks[j].ch == '%') {
			f.kind = FIG_PERCENT;
			j++;
		} else if (word_eq(d, lx, j, te, "percent") ||
		    word_eq(d, lx, j, te, "pct")) {
			f.kind = FIG_PERCENT;
			j++;
		} else if (word_eq(d, lx, j, te, "per") &&
		    word_eq(d, lx, j + 1, te, "cent")) {
			f.kind = FIG_PERCENT;
			j += 2;
		} else if (j + 1 < te && d->toks[j].kind == TOK_PUNCT &&
		    d->toks[j].ch == '-' && word_eq(d, lx, j + 1, te, "fold")) {
			f.kind = FIG_MULTIPLIER;
			j += 2;
		} else if (word_eq(d, lx, j, te, "fold") ||
		    word_eq(d, lx, j, te, "times")) {
			f.kind = FIG_MULTIPLIER;
			j++;
		} else if (fw != NULL && fw->data) {
			mag = dataunits[fw->data - 1].v;
			f.kind = FIG_DATA;
			v *= mag;
			prec *= mag;
			j++;
		} else if (fw != NULL && (fw->bits & FW_MONEY)) {
			f.kind = FIG_MONEY;
			j++;
		} else if (f.kind == FIG_COUNT && fw != NULL &&
		    (fw->bits & FW_DURATION)) {
			/* "1,200 hours of footage" measures the footage;
			 * "nine days after" says when something was */
			if (word_eq(d, lx, j + 1, te, "after") ||
			    word_eq(d, lx, j + 1, te, "before") ||
			    word_eq(d, lx, j + 1, te, "later") ||
			    word_eq(d, lx, j + 1, te, "earlier") ||
			    word_eq(d, lx, j + 1, te, "ago"))
				f.kind = FIG_ELAPSED;
			else if (!word_eq(d, lx, j + 1, te, "of"))
				f.kind = FIG_DURATION;
		}
		f.value = v;
		f.precision = prec > 0 ? prec : 1;
		f.tok_end = j;
		fig_approx(d, lx, &f, tb);
		fig_subject(d, lx, &f, tb, te);
		if (fig_push(out, n, cap, &f) == -1)
			return -1;
		added++;
		i = f.tok_end - 1;
	}
	return added;
}

int
figure_is_count(const struct figure *f)
{
	switch (f->kind) {
	case FIG_COUNT:
	case FIG_PERCENT:
	case FIG_MONEY:
	case FIG_ORDINAL:
	case FIG_MULTIPLIER:
	case FIG_DATA:
		return 1;
	default:
		return 0;
	}
}

int
figures_same_value(const struct figure *a, const struct figure *b)
{
	if (a->kind == FIG_DATE || b->kind == FIG_DATE) {
		if (a->kind != b->kind)
			return 0;
		if (a->year && b->year && a->year != b->year)
			return 0;
		if (a->month && b->month && a->month != b->month)
			return 0;
		if (a->day && b->day && a->day != b->day)
			return 0;
		return 1;
	}
	return figures_values_match(
	    a->value, a->precision, b->value, b->precision);
}

int
figures_values_match(double av, double ap, double bv, double bp)
{
	double p, ra, rb;

	if (av == bv)
		return 1;
	/*
	 * The finer figure says how exactly the count is known: "over 60,000"
	 * and "more than 63,000" are two values, not one value rounded two
	 * ways.
	 */
	p = ap < bp ? ap : bp;
	if (p <= 0)
		p = 1;
	ra = floor(av / p + 0.5);
	rb = floor(bv / p + 0.5);
	if (ra == rb)
		return 1;
	/* "nearly 70%" and "70%" are one figure; so are tiny relative gaps */
	if (fabs(av - bv) <= 0.02 * fmax(fabs(av), fabs(bv)))
		return 1;
	return 0;
}
