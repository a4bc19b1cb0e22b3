/* Numeric expressions in a sentence: value, approximation, kind, and what they
 * count. */
#ifndef SW_CLAIMS_FIGURES_H
#define SW_CLAIMS_FIGURES_H

#include <stddef.h>
#include <stdint.h>

struct doc;
struct lexicon;

enum fig_kind {
	FIG_COUNT,
	FIG_PERCENT,
	FIG_MONEY,
	FIG_ORDINAL,
	FIG_MULTIPLIER,
	FIG_DATA, /* bytes */
	FIG_DURATION,
	FIG_VAGUE, /* "millions of": an order of magnitude, never compared */
	FIG_DATE,  /* day, month, year or weekday: kept apart from counts */
	FIG_TIME,
	FIG_ELAPSED, /* "three months after", "nine days later": time passed */
	FIG_NKINDS
};

enum fig_approx {
	APPROX_EXACT,
	APPROX_OVER,
	APPROX_UNDER,
	APPROX_ABOUT,
	APPROX_ATLEAST,
	APPROX_UPTO,
	APPROX_NKINDS
};

#define FIG_MAX_HEAD 4
#define FIG_MAX_CTX 16

struct figure {
	enum fig_kind kind;
	enum fig_approx approx;
	double value;
	double precision;	     /* the rounding unit the text implies */
	uint32_t tok_begin, tok_end; /* tokens of the whole expression */
	uint32_t head[FIG_MAX_HEAD]; /* word ids of the counted noun phrase */
	uint32_t ctx[FIG_MAX_CTX];   /* content words around it */
	uint8_t nhead, nctx;
	uint8_t head_before; /* the head came from the words before the figure
				("the toll passed 64,000"): a weak subject */
	int16_t year;	     /* FIG_DATE: 0 when absent */
	int8_t month;	     /* 1..12, 0 when absent */
	int8_t day;	     /* 1..31, 0 when absent */
};

/*
 * What a word is to figures, looked up once per distinct word (the lexicon
 * keeps it with the word) so that scanning a sentence compares no strings.
 */
struct fig_word {
	uint8_t num;   /* index + 1 in the number words (two, dozen, third) */
	uint8_t mag;   /* index + 1 in the magnitudes (thousand, million, bn) */
	uint8_t vague; /* index + 1 in the vague counts (thousands, millions) */
	uint8_t data;  /* index + 1 in the data units (terabytes, TB) */
	uint16_t bits; /* FW_* */
};

#define FW_DURATION 0x01 /* years, hours */
#define FW_MONEY 0x02	 /* dollars, euros */
#define FW_NUMERIC 0x04	 /* any part of a figure: a, one, percent, fold */
#define FW_UNIT_ONE 0x08 /* a, one: "a million" */

/* Fill fw for a folded word. */
void figures_word_info(const char *w, struct fig_word *fw);

/* The name of a figure kind for output and logs; never NULL. */
const char *fig_kind_name(enum fig_kind k);
/* The name of an approximation; never NULL. */
const char *fig_approx_name(enum fig_approx a);

/*
 * Find the figures of the sentence covering tokens [tb, te) of d and append
 * them to *out (grown with realloc; caller frees).  Returns how many were
 * appended, or -1 on allocation failure.
 */
int figures_extract(const struct doc *d, struct lexicon *lx, uint32_t tb,
    uint32_t te, struct figure **out, size_t *n, size_t *cap);

/* True when two values are the same figure once rounding and approximation are
 * allowed for. */
int figures_same_value(const struct figure *a, const struct figure *b);
/* True when a folded word can be part of a figure (four, million, percent). */
int figures_word_is_numeric(const char *w);
/* figures_same_value for two values that are not dates, each with the
 * rounding unit its text implies. */
int figures_values_match(double av, double ap, double bv, double bp);
/* True for kinds that count something (changed-figure candidates). */
int figure_is_count(const struct figure *f);

#endif
