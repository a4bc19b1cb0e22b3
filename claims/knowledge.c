/* A story's knowledge: baseline and learned sentences, their units, and the
 * indexes (by stem, concept, entity, figure subject) that keep one comparison's
 * cost flat. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "claims_int.h"
#include "util.h"

static const char *const learned_kind_names[LEARNED_NKINDS] = { "claim",
	"figure" };

const char *
learned_kind_name(enum learned_kind k)
{
	return (unsigned)k < LEARNED_NKINDS ? learned_kind_names[k] : "unknown";
}

int
learned_kind_parse(const char *s, enum learned_kind *out)
{
	int i;

	for (i = 0; i < LEARNED_NKINDS; i++)
		if (strcmp(s, learned_kind_names[i]) == 0) {
			*out = (enum learned_kind)i;
			return 0;
		}
	return -1;
}

void
claims_params_default(struct claims_params *p)
{
	p->relevance_min = 0.4;
	p->novelty_min = 0.45;
	p->unit_min = 1.0;
	p->min_words = 4;
}

struct lexicon *
claims_lexicon_new(const char *wordnet_dir)
{
	return lexicon_new(wordnet_dir);
}

void
claims_lexicon_free(struct lexicon *lx)
{
	lexicon_free(lx);
}

struct knowledge *
knowledge_new(struct lexicon *lx, const char *story_id,
    const struct claims_params *params)
{
	struct knowledge *k;

	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return NULL;
	k->lx = lx;
	k->id = strdup(story_id ? story_id : "");
	if (k->id == NULL) {
		free(k);
		return NULL;
	}
	if (params != NULL)
		k->params = *params;
	else
		claims_params_default(&k->params);
	k->next_id = 1;
	k->info_gen = 1;
	doc_init(&k->doc);
	return k;
}

static void
learned_clear(struct claims_learned *l)
{
	size_t i;

	free(l->text);
	free(l->url);
	free(l->title);
	for (i = 0; i < l->nsources; i++)
		free(l->sources[i]);
	free(l->sources);
}

void
knowledge_free(struct knowledge *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nsents; i++) {
		if (!k->sents[i].borrowed)
			free(k->sents[i].text);
	}
	free(k->sents);
	for (i = 0; i < k->nfigs; i++)
		free(k->figs[i].text);
	free(k->figs);
	free(k->fighot);
	for (i = 0; i < k->nlists; i++)
		free(k->lists[i].v);
	free(k->lists);
	u32map_free(&k->con_df);
	u32map_free(&k->hyp_df);
	u32map_free(&k->ent_df);
	u32map_free(&k->initials);
	u32map_free(&k->entw_df);
	u32map_free(&k->lower_df);
	u32map_free(&k->fig_post);
	u32map_free(&k->dates);
	u32map_free(&k->story);
	u32map_free(&k->story_spec);
	u32map_free(&k->learned_df);
	u32map_free(&k->learned_from);
	u32map_free(&k->terms);
	for (i = 0; i < k->nlearned; i++)
		learned_clear(&k->learned[i]);
	free(k->learned);
	free(k->figbuf);
	free(k->set);
	free(k->keys.v);
	free(k->stem_seen);
	free(k->stem_info_gen);
	free(k->stem_info);
	free(k->stem_list);
	free(k->stem_unit);
	free(k->wcov_gen);
	free(k->wcov);
	doc_free(&k->doc);
	free(k->id);
	free(k);
}

const char *
knowledge_story_id(const struct knowledge *k)
{
	return k->id;
}

size_t
knowledge_sentence_count(const struct knowledge *k)
{
	return k->nsents;
}

int
knowledge_stem_arrays(struct knowledge *k, uint32_t limit)
{
	uint32_t ncap, *ns, *ng, *nl, *nu;
	uint8_t *ni;

	if (limit <= k->stem_cap)
		return 0;
	ncap = limit + limit / 2 + 1024;
	ns = realloc(k->stem_seen, ncap * sizeof(*ns));
	if (ns == NULL)
		return -1;
	k->stem_seen = ns;
	ng = realloc(k->stem_info_gen, ncap * sizeof(*ng));
	if (ng == NULL)
		return -1;
	k->stem_info_gen = ng;
	nl = realloc(k->stem_list, ncap * sizeof(*nl));
	if (nl == NULL)
		return -1;
	k->stem_list = nl;
	ni = realloc(k->stem_info, ncap);
	if (ni == NULL)
		return -1;
	k->stem_info = ni;
	nu = realloc(k->stem_unit, ncap * sizeof(*nu));
	if (nu == NULL)
		return -1;
	k->stem_unit = nu;
	memset(
	    k->stem_unit + k->stem_cap, 0, (ncap - k->stem_cap) * sizeof(*nu));
	memset(
	    k->stem_seen + k->stem_cap, 0, (ncap - k->stem_cap) * sizeof(*ns));
	memset(k->stem_info_gen + k->stem_cap, 0,
	    (ncap - k->stem_cap) * sizeof(*ng));
	memset(
	    k->stem_list + k->stem_cap, 0, (ncap - k->stem_cap) * sizeof(*nl));
	k->stem_cap = ncap;
	return 0;
}

void
knowledge_changed(struct knowledge *k)
{
	if (++k->info_gen == 0) {
		memset(k->stem_info_gen, 0,
		    k->stem_cap * sizeof(*k->stem_info_gen));
		memset(k->wcov_gen, 0, k->word_cap * sizeof(*k->wcov_gen));
		k->info_gen = 1;
	}
}

int
knowledge_word_arrays(struct knowledge *k, uint32_t limit)
{
	uint32_t ncap, *ng;
	uint8_t *nc;

	if (limit <= k->word_cap)
		return 0;
	ncap = limit + limit / 2 + 1024;
	ng = realloc(k->wcov_gen, ncap * sizeof(*ng));
	if (ng == NULL)
		return -1;
	k->wcov_gen = ng;
	nc = realloc(k->wcov, ncap);
	if (nc == NULL)
		return -1;
	k->wcov = nc;
	memset(
	    k->wcov_gen + k->word_cap, 0, (ncap - k->word_cap) * sizeof(*ng));
	k->word_cap = ncap;
	return 0;
}

/* A new empty posting list; its index + 1, or 0 on failure. */
static uint32_t
list_new(struct knowledge *k)
{
	struct vec32 *nl;
	size_t ncap;

	if (k->nlists == k->listcap) {
		ncap = k->listcap ? k->listcap * 2 : 256;
		nl = realloc(k->lists, ncap * sizeof(*nl));
		if (nl == NULL)
			return 0;
		k->lists = nl;
		k->listcap = ncap;
	}
	memset(&k->lists[k->nlists], 0, sizeof(*k->lists));
	return (uint32_t)++k->nlists;
}

struct vec32 *
knowledge_list(struct knowledge *k, struct u32map *m, uint32_t key, int create)
{
	uint32_t *slot;
	struct vec32 *nl;
	size_t ncap;

	if (!create) {
		slot = u32map_get(m, key);
		return slot ? &k->lists[*slot - 1] : NULL;
	}
	slot = u32map_put(m, key);
	if (slot == NULL)
		return NULL;
	if (*slot == 0) {
		if (k->nlists == k->listcap) {
			ncap = k->listcap ? k->listcap * 2 : 256;
			nl = realloc(k->lists, ncap * sizeof(*nl));
			if (nl == NULL)
				return NULL;
			k->lists = nl;
			k->listcap = ncap;
		}
		memset(&k->lists[k->nlists], 0, sizeof(*k->lists));
		*slot = (uint32_t)++k->nlists;
	}
	return &k->lists[*slot - 1];
}

static int
vec_push(struct vec32 *v, uint32_t x)
{
	uint32_t *nv, ncap;

	if (v->n == v->cap) {
		ncap = v->cap ? v->cap * 2 : 4;
		nv = realloc(v->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		v->v = nv;
		v->cap = ncap;
	}
	v->v[v->n++] = x;
	return 0;
}

static int
count_up(struct u32map *m, uint32_t key)
{
	uint32_t *v = u32map_put(m, key);

	if (v == NULL)
		return -1;
	(*v)++;
	return 0;
}

char *
claims_text_dup(const char *s, size_t n)
{
	char *out, *o;
	size_t i = 0;
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	/* worst case: every byte becomes U+FFFD (3 bytes) */
	out = malloc(n * 3 + 1);
	if (out == NULL)
		return NULL;
	o = out;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			/* a run of ASCII without NUL goes in one copy */
			size_t j = i;
			while (j < n && (unsigned char)(s[j] - 1) < 0x7f)
				j++;
			if (j > i) {
				memcpy(o, s + i, j - i);
				o += j - i;
				i = j;
				continue;
			}
			if (s[i] == '\0') {
				i++;
				continue;
			}
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(o, s + i, (size_t)k);
		o += k;
		i += (size_t)k;
	}
	*o = '\0';
	return out;
}

char *
knowledge_tok_text(const struct doc *d, uint32_t tb, uint32_t te)
{
	const struct token *a, *b;

	if (te <= tb || te > d->ntok)
		return strdup("");
	a = &d->toks[tb];
	b = &d->toks[te - 1];
	return claims_text_dup(d->text + a->off, b->off + b->len - a->off);
}

static int
is_sentence_start(const struct doc *d, const struct sentence *s, uint32_t i)
{
	const struct token *p;

	if (i == s->tok_begin)
		return 1;
	p = &d->toks[i - 1];
	return p->kind == TOK_PUNCT &&
	    (p->ch == P_OPENQ || p->ch == ':' || p->ch == '(' || p->ch == '[' ||
		p->ch == '-' || p->ch == ';');
}

/* Does token i look like part of a name? */
static int
tok_is_name(struct knowledge *k, const struct doc *d, uint32_t i)
{
	const struct token *t = &d->toks[i];
	const struct lex_word *w;

	if (t->kind != TOK_WORD || t->word == 0 ||
	    !(t->flags & (TF_CAP | TF_ALLCAP)))
		return 0;
	w = lexicon_get(k->lx, t->word);
	if ((w->flags & (LEXW_MONTH | LEXW_WEEKDAY)) || w->month)
		return 0;
	if ((w->flags & LEXW_STOP) && !(t->flags & TF_ALLCAP))
		return 0;
	return 1;
}

static void
units_entities(struct knowledge *k, const struct doc *d,
    const struct sentence *s, struct units *u)
{
	uint32_t i = s->tok_begin, j, m, key;
	struct unit_ent *e;
	const struct lex_word *w;

	while (i < s->tok_end && u->nents < UNIT_MAX_ENTS) {
		if (!tok_is_name(k, d, i)) {
			i++;
			continue;
		}
		j = i + 1;
		for (;;) {
			if (j < s->tok_end && tok_is_name(k, d, j) &&
			    !(d->toks[j - 1].flags & TF_POSS)) {
				j++;
				continue;
			}
			/* Covington & Burling, Ministry of Defense, Unit 8200
			 */
			if (j + 1 < s->tok_end &&
			    !(d->toks[j - 1].flags & TF_POSS) &&
			    ((d->toks[j].kind == TOK_PUNCT &&
				 d->toks[j].ch == '&') ||
				text_tok_is(d, &d->toks[j], "of") ||
				text_tok_is(d, &d->toks[j], "for")) &&
			    tok_is_name(k, d, j + 1)) {
				j += 2;
				continue;
			}
			if (j < s->tok_end && d->toks[j].kind == TOK_NUM &&
			    !(d->toks[j - 1].flags & TF_POSS) &&
			    d->toks[j].len >= 3 &&
			    (j + 1 >= s->tok_end ||
				d->toks[j + 1].kind != TOK_WORD ||
				!(lexicon_get(k->lx, d->toks[j + 1].word)
					->flags &
				    LEXW_WORDNET) ||
				(d->toks[j + 1].flags & TF_CAP))) {
				j++;
				continue;
			}
			break;
		}
		m = i;
		/* a capitalised common word opening a sentence is not a name */
		if (is_sentence_start(d, s, i)) {
			w = lexicon_get(k->lx, d->toks[i].word);
			if ((w->flags & LEXW_WORDNET) &&
			    !(d->toks[i].flags & TF_ALLCAP)) {
				int reported = j == i + 1 && j < s->tok_end &&
				    d->toks[j].kind == TOK_WORD &&
				    (lexicon_get(k->lx, d->toks[j].word)
					    ->flags &
					LEXW_REPORT);
				/* "Smith said" names someone; "Officials
				 * said" (a plural) does not */
				const char *tx =
				    lexicon_word_text(k->lx, d->toks[i].word);
				if (tx[0] != '\0' && tx[strlen(tx) - 1] == 's')
					reported = 0;
				if (!reported)
					m = i + 1;
			}
		}
		while (m < j && d->toks[m].kind != TOK_WORD)
			m++;
		if (m >= j || (j - m == 1 && d->toks[m].len < 2)) {
			i = j;
			continue;
		}
		e = &u->ents[u->nents];
		memset(e, 0, sizeof(*e));
		/* the key hashes the stems: "Ministry of Defense" and
		 * "ministries of defence" are one name */
		key = 2166136261u;
		for (; m < j; m++) {
			uint32_t part;
			if (d->toks[m].kind == TOK_WORD) {
				w = lexicon_get(k->lx, d->toks[m].word);
				/* "Covington & Burling LLP" is the firm */
				if ((w->flags & LEXW_STOP) ||
				    (e->nwords > 0 && (w->flags & LEXW_LEGAL)))
					continue;
				part = w->stem;
				if (e->nwords < 6)
					e->words[e->nwords++] = d->toks[m].word;
				if (e->tok_begin == 0 && e->tok_end == 0)
					e->tok_begin = m;
			} else if (d->toks[m].kind == TOK_NUM) {
				part = strtab_hash(
				    d->text + d->toks[m].off, d->toks[m].len);
			} else
				continue;
			key = (key ^ part) * 16777619u;
			e->tok_end = m + 1;
		}
		if (e->nwords > 0) {
			e->key = key ? key : 1;
			u->nents++;
		}
		i = j;
	}
}

int
name_number(struct knowledge *k, const struct doc *d, uint32_t i)
{
	const struct token *p = &d->toks[i - 1], *t = &d->toks[i];

	if (t->len < 3 || (t->flags & (TF_ORDINAL | TF_TIME)))
		return 0;
	if (p->kind == TOK_PUNCT && p->ch == '+' && p->off + 1 == t->off)
		return 1;
	return p->kind == TOK_WORD && (p->flags & TF_CAP) && p->word != 0 &&
	    !(lexicon_get(k->lx, p->word)->flags &
		(LEXW_STOP | LEXW_MONTH | LEXW_WEEKDAY)) &&
	    lexicon_get(k->lx, p->word)->month == 0 &&
	    (i + 1 >= d->ntok || d->toks[i + 1].kind != TOK_WORD ||
		(d->toks[i + 1].flags & TF_CAP) ||
		(lexicon_get(k->lx, d->toks[i + 1].word)->flags & LEXW_STOP));
}

void
units_extract(struct knowledge *k, const struct doc *d,
    const struct sentence *s, struct units *u)
{
	uint32_t i, j;
	const struct token *t;
	const struct lex_word *w;
	int dup, n;
	size_t f;

	u->nwords = 0;
	u->nents = 0;
	u->nfigs = 0;
	if (++k->unit_gen == 0) {
		memset(k->stem_unit, 0, k->stem_cap * sizeof(*k->stem_unit));
		k->unit_gen = 1;
	}
	u->quote = (s->flags & SF_QUOTE) != 0;
	u->attributed = 0;
	u->negated = 0;
	for (i = s->tok_begin; i < s->tok_end; i++) {
		t = &d->toks[i];
		if (t->kind == TOK_NUM && i > s->tok_begin &&
		    u->nwords < UNIT_MAX_WORDS && name_number(k, d, i)) {
			uint32_t nw =
			    lexicon_word(k->lx, d->text + t->off, t->len);
			if (nw != 0) {
				uint32_t st = lexicon_get(k->lx, nw)->stem;
				if (st < k->stem_cap)
					k->stem_unit[st] = k->unit_gen;
				u->words[u->nwords++] = nw;
			}
			continue;
		}
		if (t->kind != TOK_WORD || t->word == 0)
			continue;
		w = lexicon_get(k->lx, t->word);
		if (w->flags & LEXW_REPORT)
			u->attributed = 1;
		if (w->flags &
		    (LEXW_STOP | LEXW_REPORT | LEXW_MONTH | LEXW_WEEKDAY)) {
			if (w->flags & LEXW_NEG)
				u->negated = 1;
			continue;
		}
		if (w->spec <= 0.0f)
			continue;
		if (w->stem < k->stem_cap) {
			/* one word per stem: a mark per stem, not a scan */
			dup = k->stem_unit[w->stem] == k->unit_gen;
			if (!dup && u->nwords < UNIT_MAX_WORDS)
				k->stem_unit[w->stem] = k->unit_gen;
		} else {
			dup = 0;
			for (j = 0; j < u->nwords && !dup; j++)
				dup = lexicon_get(k->lx, u->words[j])->stem ==
				    w->stem;
		}
		if (!dup && u->nwords < UNIT_MAX_WORDS)
			u->words[u->nwords++] = t->word;
	}
	units_entities(k, d, s, u);
	k->nfigbuf = 0;
	n = figures_extract(d, k->lx, s->tok_begin, s->tok_end, &k->figbuf,
	    &k->nfigbuf, &k->figbufcap);
	for (f = 0; n > 0 && f < k->nfigbuf && u->nfigs < UNIT_MAX_FIGS; f++)
		u->figs[u->nfigs++] = k->figbuf[f];
}

uint32_t
knowledge_date_key(const struct figure *f, int which)
{
	switch (which) {
	case DATE_YEAR_MONTH:
		if (f->year && f->month)
			return 3000000u + (uint32_t)f->year * 100u +
			    (uint32_t)f->month;
		break;
	case DATE_MONTH:
		if (f->month)
			return 1000000u + (uint32_t)f->month;
		break;
	case DATE_YEAR:
		if (f->year)
			return 2000000u + (uint32_t)f->year;
		break;
	case DATE_MONTH_DAY:
		if (f->month && f->day)
			return 4000000u + (uint32_t)f->month * 100u +
			    (uint32_t)f->day;
		break;
	}
	return 0;
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * What the sentence's words offer when it is a neighbour: each word's stem
 * and, for words specific enough to carry meaning by synonymy, its first
 * senses and hypernyms.  Worked out once here rather than on every
 * comparison, sorted and unique, in one pool for all sentences (a
 * neighbour's keys are then one contiguous read, not a walk through the
 * lexicon).  0/-1.
 */
static int
cover_keys(struct knowledge *k, const struct units *u, struct ksent *ks)
{
	const struct lex_word *w;
	const uint32_t *con;
	uint32_t base = k->keys.n, i, j, n;

	for (i = 0; i < u->nwords; i++) {
		w = lexicon_get(k->lx, u->words[i]);
		con = lexicon_concepts(k->lx, w);
		if (vec_push(&k->keys, TAG_STEM | w->stem) == -1)
			goto fail;
		/* common words (say, use, make) cover little by synonymy */
		if (w->spec < 0.35f)
			continue;
		/* the first senses are the frequent ones; rare senses
		 * over-match */
		for (j = 0; j < w->ncore && j < CORE_MAX; j++)
			if (vec_push(&k->keys, con[j]) == -1)
				goto fail;
		for (j = 0; j < w->nhyper && j < HYPER_MAX; j++)
			if (vec_push(&k->keys, TAG_HYPER | con[w->ncore + j]) ==
			    -1)
				goto fail;
	}
	n = k->keys.n - base;
	if (n > 1)
		qsort(k->keys.v + base, n, sizeof(uint32_t), u32_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || k->keys.v[base + i] != k->keys.v[base + j - 1])
			k->keys.v[base + j++] = k->keys.v[base + i];
	k->keys.n = base + j;
	ks->keys = base;
	ks->nkeys = (uint16_t)j;
	return 0;
fail:
	k->keys.n = base;
	return -1;
}

uint32_t
knowledge_weekday_key(const struct lex_word *w)
{
	return 0x80000000u | w->stem;
}

uint32_t
knowledge_initials_key(const char *letters, size_t n)
{
	uint32_t h = strtab_hash(letters, n);

	return h ? h : 1;
}

/*
 * Index the initials of a name of two or more words, with and without its
 * small words ("Israel Defense Forces": IDF; "Ministry of Defense": MOD and
 * MD), so that the acronym alone is known later.  0/-1.
 */
static int
knowledge_index_initials(
    struct knowledge *k, const struct doc *d, const struct unit_ent *e)
{
	char all[8], big[8];
	size_t na = 0, nb = 0;
	uint32_t i;

	if (e->nwords < 2)
		return 0;
	for (i = e->tok_begin; i < e->tok_end; i++) {
		const struct token *t = &d->toks[i];
		char c;
		if (t->kind != TOK_WORD || t->word == 0)
			continue;
		c = d->text[t->off];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (na < sizeof(all))
			all[na++] = c;
		if (!(lexicon_get(k->lx, t->word)->flags & LEXW_STOP) &&
		    nb < sizeof(big))
			big[nb++] = c;
	}
	if (na >= 2 && na < sizeof(all) &&
	    count_up(&k->initials, knowledge_initials_key(all, na)) == -1)
		return -1;
	if (nb >= 2 && nb < sizeof(big) && nb != na &&
	    count_up(&k->initials, knowledge_initials_key(big, nb)) == -1)
		return -1;
	return 0;
}

int
knowledge_index_sentence(struct knowledge *k, const struct doc *d,
    const struct sentence *s, const struct units *u, uint32_t learned)
{
	struct ksent *ks, *ns;
	struct kfig *kf, *nf;
	struct kfig_hot *nh;
	const struct lex_word *w;
	const uint32_t *con;
	struct vec32 *list;
	uint32_t sid, post, i, j, fid, key, url_h;
	size_t ncap;
	int which;

	if (k->nsents == k->sentcap) {
		ncap = k->sentcap ? k->sentcap * 2 : 64;
		ns = realloc(k->sents, ncap * sizeof(*ns));
		if (ns == NULL)
			return -1;
		k->sents = ns;
		k->sentcap = ncap;
	}
	if (knowledge_stem_arrays(k, lexicon_intern_limit(k->lx)) == -1)
		return -1;
	sid = (uint32_t)k->nsents;
	ks = &k->sents[sid];
	knowledge_changed(k);
	memset(ks, 0, sizeof(*ks));
	/* a learned item of one sentence lends its text: 100,000 of them add up
	 */
	if (learned && s->off == 0 && s->len == d->len &&
	    memcmp(k->learned[learned - 1].text, d->text, d->len) == 0 &&
	    k->learned[learned - 1].text[d->len] == '\0') {
		ks->text = k->learned[learned - 1].text;
		ks->borrowed = 1;
	} else
		ks->text = claims_text_dup(d->text + s->off, s->len);
	if (ks->text == NULL)
		return -1;
	if (cover_keys(k, u, ks) == -1) {
		if (!ks->borrowed)
			free(ks->text);
		return -1;
	}
	/* the article a learned sentence came from, as a nonzero hash */
	if (learned && k->learned[learned - 1].url != NULL)
		url_h = strtab_hash(k->learned[learned - 1].url,
			    strlen(k->learned[learned - 1].url)) |
		    1;
	else
		url_h = learned;
	ks->learned = learned;
	ks->negated = (uint8_t)(u->negated != 0);
	k->nsents++;
	if (!learned)
		k->nbase_sents++;

	post = POSTING(sid, u->nwords > 255 ? 255 : u->nwords);
	for (i = 0; i < u->nwords; i++) {
		w = lexicon_get(k->lx, u->words[i]);
		if (k->stem_list[w->stem] == 0 &&
		    (k->stem_list[w->stem] = list_new(k)) == 0)
			return -1;
		list = &k->lists[k->stem_list[w->stem] - 1];
		/* one posting per sentence, however often the stem occurs */
		if (sid <= POSTING_SID_MAX &&
		    (list->n == 0 || list->v[list->n - 1] != post))
			if (vec_push(list, post) == -1)
				return -1;
		con = lexicon_concepts(k->lx, w);
		for (j = 0; j < w->ncore; j++)
			if (count_up(&k->con_df, con[j] + 1) == -1)
				return -1;
		for (j = 0; j < w->nhyper; j++)
			if (count_up(&k->hyp_df, con[w->ncore + j] + 1) == -1)
				return -1;
		if (learned) {
			/* what later articles made the story's own: a stem
			 * counts once per article that taught it */
			uint32_t *last = u32map_put(&k->learned_from, w->stem);
			if (last == NULL)
				return -1;
			if (*last != url_h) {
				*last = url_h;
				if (count_up(&k->learned_df, w->stem) == -1)
					return -1;
			}
		} else {
			uint32_t *v = u32map_put(&k->story, w->stem), *sp;
			uint32_t milli = (uint32_t)(w->spec * 1000.0f) + 1;
			if (v == NULL)
				return -1;
			if (*v == 0)
				k->story_mass += w->spec;
			*v |= 1u << (k->nbaseline % 32);
			/* the commonest form the baseline uses says how
			 * distinctive the stem is: "report", not "reporter" */
			sp = u32map_put(&k->story_spec, w->stem);
			if (sp == NULL)
				return -1;
			if (*sp == 0 || milli < *sp)
				*sp = milli;
		}
	}
	for (i = s->tok_begin; i < s->tok_end; i++) {
		const struct token *t = &d->toks[i];
		if (t->kind != TOK_WORD || t->word == 0)
			continue;
		w = lexicon_get(k->lx, t->word);
		if (!(t->flags & (TF_CAP | TF_ALLCAP)) &&
		    count_up(&k->lower_df, w->stem) == -1)
			return -1;
		if ((w->flags & LEXW_WEEKDAY) &&
		    count_up(&k->dates, knowledge_weekday_key(w)) == -1)
			return -1;
	}
	for (i = 0; i < u->nents; i++) {
		if (count_up(&k->ent_df, u->ents[i].key) == -1)
			return -1;
		if (knowledge_index_initials(k, d, &u->ents[i]) == -1)
			return -1;
		for (j = 0; j < u->ents[i].nwords; j++) {
			w = lexicon_get(k->lx, u->ents[i].words[j]);
			if (count_up(&k->entw_df, w->stem) == -1)
				return -1;
		}
	}
	for (i = 0; i < u->nfigs; i++) {
		const struct figure *f = &u->figs[i];
		if (f->kind == FIG_DATE) {
			for (which = 0; which < DATE_NKEYS; which++) {
				key = knowledge_date_key(f, which);
				if (key && count_up(&k->dates, key) == -1)
					return -1;
			}
			continue;
		}
		if (!figure_is_count(f) && f->kind != FIG_DURATION)
			continue;
		if (k->nfigs == k->figcap) {
			ncap = k->figcap ? k->figcap * 2 : 32;
			nf = realloc(k->figs, ncap * sizeof(*nf));
			if (nf == NULL)
				return -1;
			k->figs = nf;
			nh = realloc(k->fighot, ncap * sizeof(*nh));
			if (nh == NULL)
				return -1;
			k->fighot = nh;
			k->figcap = ncap;
		}
		fid = (uint32_t)k->nfigs;
		kf = &k->figs[fid];
		kf->f = *f;
		kf->sent = sid;
		kf->seq = fid;
		k->fighot[fid].value = f->value;
		k->fighot[fid].precision = f->precision;
		k->fighot[fid].kind = (uint8_t)f->kind;
		k->fighot[fid].mark = 0;
		for (j = 0; j < f->nctx; j++)
			kf->ctx_stem[j] = lexicon_get(k->lx, f->ctx[j])->stem;
		kf->text = knowledge_tok_text(d, f->tok_begin, f->tok_end);
		if (kf->text == NULL)
			return -1;
		k->nfigs++;
		for (j = 0; j < (uint32_t)f->nhead + f->nctx; j++) {
			uint32_t wid =
			    j < f->nhead ? f->head[j] : f->ctx[j - f->nhead];
			w = lexicon_get(k->lx, wid);
			list = knowledge_list(k, &k->fig_post, w->stem, 1);
			if (list == NULL)
				return -1;
			if (list->n && list->v[list->n - 1] == fid)
				continue;
			if (vec_push(list, fid) == -1)
				return -1;
		}
	}
	return 0;
}

int
knowledge_index_text(
    struct knowledge *k, const char *text, size_t len, uint32_t learned)
{
	struct units *u;
	size_t i;
	int rc = -1;

	u = malloc(sizeof(*u));
	if (u == NULL)
		return -1;
	if (doc_parse(&k->doc, k->lx, text, len) == -1)
		goto out;
	for (i = 0; i < k->doc.nsent; i++) {
		units_extract(k, &k->doc, &k->doc.sents[i], u);
		if (u->nwords == 0 && u->nfigs == 0)
			continue;
		if (knowledge_index_sentence(
			k, &k->doc, &k->doc.sents[i], u, learned) == -1)
			goto out;
	}
	rc = 0;
out:
	free(u);
	return rc;
}

int
knowledge_add_baseline(
    struct knowledge *k, const char *text, size_t len, const char *source)
{
	int rc;

	(void)source;
	rc = knowledge_index_text(k, text, len, 0);
	k->nbaseline++;
	return rc;
}

int
knowledge_add_term(struct knowledge *k, const char *term)
{
	struct units *u;
	uint32_t *v, i;
	size_t s;
	int rc = -1;

	u = malloc(sizeof(*u));
	if (u == NULL)
		return -1;
	if (doc_parse(&k->doc, k->lx, term, strlen(term)) == -1)
		goto out;
	knowledge_changed(k);
	for (s = 0; s < k->doc.nsent; s++) {
		units_extract(k, &k->doc, &k->doc.sents[s], u);
		for (i = 0; i < u->nwords; i++) {
			const struct lex_word *w =
			    lexicon_get(k->lx, u->words[i]);
			/*
			 * In a name of several words, an everyday English word
			 * marks nothing on its own: "Unit 8200" is marked by
			 * 8200, or every "United Nations" would be the story.
			 */
			if (u->nwords > 1 && (w->flags & LEXW_WORDNET) &&
			    !(w->flags & LEXW_PROPER) &&
			    w->spec < DISTINCT_SPEC)
				continue;
			v = u32map_put(&k->terms, w->stem);
			if (v == NULL)
				goto out;
			*v = 1;
		}
	}
	rc = 0;
out:
	free(u);
	return rc;
}

static char *
strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int
learned_copy(struct claims_learned *dst, const struct claims_learned *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->id = src->id;
	dst->kind = src->kind;
	dst->time = src->time;
	dst->corroborations = src->corroborations;
	dst->text = strdup(src->text);
	dst->url = strdup0(src->url);
	dst->title = strdup0(src->title);
	if (dst->text == NULL || (src->url && !dst->url) ||
	    (src->title && !dst->title))
		goto fail;
	if (src->nsources) {
		dst->sources = calloc(src->nsources, sizeof(char *));
		if (dst->sources == NULL)
			goto fail;
		for (i = 0; i < src->nsources; i++) {
			dst->sources[i] = strdup(src->sources[i]);
			if (dst->sources[i] == NULL)
				goto fail;
			dst->nsources++;
		}
	}
	return 0;
fail:
	learned_clear(dst);
	return -1;
}

const struct claims_learned *
knowledge_learned_find(const struct knowledge *k, uint64_t id)
{
	size_t lo = 0, hi = k->nlearned, mid;

	/* ids only grow, so the array is sorted by id */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (k->learned[mid].id == id)
			return &k->learned[mid];
		if (k->learned[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
learned_append(struct knowledge *k, const struct claims_learned *item)
{
	struct claims_learned *nl;
	size_t ncap, idx;

	if (item->text == NULL || item->id == 0)
		return -1;
	if (k->nlearned && k->learned[k->nlearned - 1].id >= item->id) {
		/* out-of-order ids: keep the array sorted */
		if (knowledge_learned_find(k, item->id) != NULL)
			return -1;
	}
	if (k->nlearned == k->learnedcap) {
		ncap = k->learnedcap ? k->learnedcap * 2 : 64;
		nl = realloc(k->learned, ncap * sizeof(*nl));
		if (nl == NULL)
			return -1;
		k->learned = nl;
		k->learnedcap = ncap;
	}
	idx = k->nlearned;
	while (idx > 0 && k->learned[idx - 1].id > item->id)
		idx--;
	if (idx != k->nlearned) {
		/* sentences refer to items by index: only append in order */
		return -1;
	}
	if (learned_copy(&k->learned[idx], item) == -1)
		return -1;
	k->nlearned++;
	if (item->id >= k->next_id)
		k->next_id = item->id + 1;
	if (knowledge_index_text(
		k, item->text, strlen(item->text), (uint32_t)idx + 1) == -1)
		return -1;
	return 0;
}

int
knowledge_add_learned(struct knowledge *k, const struct claims_learned *item)
{
	return learned_append(k, item);
}

size_t
knowledge_learned_count(const struct knowledge *k)
{
	return k->nlearned;
}

const struct claims_learned *
knowledge_learned_get(const struct knowledge *k, size_t i)
{
	return i < k->nlearned ? &k->learned[i] : NULL;
}

static int
learned_corroborate(struct knowledge *k, uint64_t id, const char *url)
{
	struct claims_learned *l;
	char **ns;
	size_t i;

	l = (struct claims_learned *)knowledge_learned_find(k, id);
	if (l == NULL)
		return 0;
	if (url != NULL)
		for (i = 0; i < l->nsources; i++)
			if (strcmp(l->sources[i], url) == 0)
				return 0;
	if (l->url != NULL && url != NULL && strcmp(l->url, url) == 0)
		return 0;
	l->corroborations++;
	if (url == NULL)
		return 0;
	ns = realloc(l->sources, (l->nsources + 1) * sizeof(*ns));
	if (ns == NULL)
		return -1;
	l->sources = ns;
	l->sources[l->nsources] = strdup(url);
	if (l->sources[l->nsources] == NULL)
		return -1;
	l->nsources++;
	return 0;
}

int
knowledge_learn(struct knowledge *k, const struct claims_result *r,
    const char *url, const char *title, int64_t when)
{
	struct claims_learned item;
	size_t i;
	int added = 0;

	if (!r->relevant)
		return 0;
	for (i = 0; i < r->ncorroborated; i++)
		if (learned_corroborate(k, r->corroborated[i], url) == -1)
			return -1;
	memset(&item, 0, sizeof(item));
	item.url = (char *)url;
	item.title = (char *)title;
	item.time = when;
	for (i = 0; i < r->nclaims + r->nchanges; i++) {
		if (i < r->nclaims) {
			item.kind = LEARNED_CLAIM;
			item.text = r->claims[i].text;
		} else {
			item.kind = LEARNED_FIGURE;
			item.text = r->changes[i - r->nclaims].new.sentence;
		}
		item.id = k->next_id;
		if (learned_append(k, &item) == -1)
			return -1;
		added++;
	}
	return added;
}
