/* The claims engine's word table: folding, stems, stop words, specificity from
 * WordNet counts, and WordNet concepts read from the mapped dict files. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libstemmer.h>

#include "figures.h"
#include "lexicon.h"
#include "strtab.h"
#include "text.h"
#include "util.h"

#define WN_DEFAULT_DIR "/usr/share/wordnet"
#define SENSES_PER_POS                                         \
	3 /* most frequent senses only: rare senses over-match \
	   */
#define MAX_CONCEPTS 48
#define WORD_MAX LEXICON_WORD_MAX

enum wn_pos { WN_NOUN, WN_VERB, WN_ADJ, WN_ADV, WN_NPOS };

struct wn_map {
	const char *p;
	size_t n;
};

#define LEX_CACHE 32768

struct lex_cache {
	char w[19];
	uint8_t n;
	uint32_t id;
};

struct lexicon {
	struct lexicon_head head; /* first: the inline accessors read it */
	struct lex_cache cache[LEX_CACHE];
	struct strtab words;
	uint32_t wcap;
	struct strtab strs;
	size_t ncon, concap;
	struct sb_stemmer *stemmer;
	int have_wn;
	struct wn_map idx[WN_NPOS];
	struct wn_map data[WN_NPOS];
	struct strtab exc; /* "P word" -> id; exc_base[id] = "base ..." */
	char **exc_base;
	struct strtab cnt; /* lemma -> id; counts[id] */
	uint32_t *counts;
	double cnt_total;
	struct strtab gloss; /* word -> id; gloss_df[id] */
	uint32_t *gloss_df;
	double ngloss;
};

/* English function words: they never make a sentence new or relevant. */
static const char *const stop_words[] = { "a", "about", "above", "after",
	"again", "against", "all", "also", "am", "an", "and", "any", "are",
	"as", "at", "be", "because", "been", "before", "being", "below",
	"between", "both", "but", "by", "can", "could", "did", "do", "does",
	"doing", "down", "during", "each", "either", "else", "even", "ever",
	"few", "for", "from", "further", "had", "has", "have", "having", "he",
	"her", "here", "hers", "herself", "him", "himself", "his", "how", "i",
	"if", "in", "into", "is", "it", "its", "itself", "just", "may", "me",
	"might", "more", "most", "much", "must", "my", "myself", "neither",
	"no", "nor", "not", "now", "of", "off", "on", "once", "one", "only",
	"or", "other", "others", "ought", "our", "ours", "ourselves", "out",
	"over", "own", "per", "same", "shall", "she", "should", "since", "so",
	"some", "such", "than", "that", "the", "their", "theirs", "them",
	"themselves", "then", "there", "these", "they", "this", "those",
	"though", "through", "thus", "to", "too", "under", "until", "up",
	"upon", "us", "very", "via", "was", "we", "were", "what", "when",
	"where", "whether", "which", "while", "who", "whom", "whose", "why",
	"will", "with", "within", "without", "would", "yet", "you", "your",
	"yours", "yourself", "n't", "s", "t", "'s", "mr", "mrs", "ms", "dr",
	"among", "amid", "around", "across", "along", "already", "another",
	"still", "however", "although", "whereas", "onto", "toward", "towards",
	"nearly", "almost", "least", "less", "many", "several", "including",
	"like", "unlike", "instead", "rather", "well", "back", "later",
	"earlier", "ago", "new", "latest", "last", "next", "first", "second",
	"third", "recently", "currently", "previously", "reportedly",
	"allegedly", "really", "never", "always", "often", "whose", "every",
	"anyone", "anything", "someone", "something", "everyone", "everything",
	"nothing", "none", "lot", "lots", "went", "get", "got", "make", "made",
	"take", "took", "taken" };

/* Attribution verbs: "X said" frames a claim, it is not one. */
static const char *const report_words[] = { "say", "said", "says", "saying",
	"told", "tell", "tells", "wrote", "write", "writes", "according",
	"added", "adds", "stated", "states", "noted", "explained", "reported",
	"reports", "claimed", "claims", "spokesperson", "spokesman",
	"spokeswoman", "statement", "commented", "comment" };

/* Auxiliaries and modals: the verb of a sentence starts at them. */
static const char *const auxiliaries[] = { "is", "are", "was", "were", "has",
	"have", "had", "will", "would", "can", "could", "may", "might", "must",
	"should", "shall", "does", "did", "do" };

static const char *const month_names[] = { "january", "february", "march",
	"april", "may", "june", "july", "august", "september", "october",
	"november", "december" };
static const char *const month_abbr[] = { "jan", "feb", "mar", "apr", "may",
	"jun", "jul", "aug", "sep", "oct", "nov", "dec" };
/* Words that give a name's legal form, not the name: "Covington & Burling
 * LLP" and "Covington & Burling" are one firm. */
static const char *const legal_forms[] = { "corporation", "corp", "inc",
	"incorporated", "llc", "llp", "ltd", "limited", "plc", "gmbh", "co" };
static const char *const weekdays[] = { "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "today", "yesterday",
	"tonight", "tomorrow" };

static void
wn_unmap(struct wn_map *m)
{
	if (m->p != NULL)
		munmap((void *)m->p, m->n);
	m->p = NULL;
	m->n = 0;
}

static int
wn_map_file(const char *dir, const char *name, struct wn_map *m)
{
	char path[512];
	struct stat st;
	int fd;
	void *p;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	m->p = p;
	m->n = (size_t)st.st_size;
	return 0;
}

/* Read a whole small file (exception lists, counts); caller frees. */
static char *
read_small_file(const char *dir, const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *p = NULL;
	long sz;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == -1 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1)
		goto out;
	p = malloc((size_t)sz + 1);
	if (p == NULL)
		goto out;
	if (fread(p, 1, (size_t)sz, f) != (size_t)sz) {
		free(p);
		p = NULL;
		goto out;
	}
	p[sz] = '\0';
	*len = (size_t)sz;
out:
	fclose(f);
	return p;
}

static int
load_exceptions(struct lexicon *lx, const char *dir)
{
	static const char *const files[WN_NPOS] = { "noun.exc", "verb.exc",
		"adj.exc", "adv.exc" };
	char key[WORD_MAX + 4];
	char *buf, *line, *next, *sp, **nb;
	size_t len, kl;
	uint32_t id, exc_cap = 0;
	int pos, added;

	for (pos = 0; pos < WN_NPOS; pos++) {
		buf = read_small_file(dir, files[pos], &len);
		if (buf == NULL)
			continue;
		for (line = buf; line < buf + len; line = next) {
			next = strchr(line, '\n');
			if (next == NULL)
				next = buf + len;
			else
				*next++ = '\0';
			sp = strchr(line, ' ');
			if (sp == NULL || (size_t)(sp - line) > WORD_MAX)
				continue;
			kl = (size_t)snprintf(key, sizeof(key), "%c %.*s",
			    '0' + pos, (int)(sp - line), line);
			id = strtab_add(&lx->exc, key, kl, &added);
			if (id == 0)
				goto fail;
			if (added && lx->exc.cap > exc_cap) {
				/* Grow with the table, not on every entry. */
				nb = realloc(lx->exc_base,
				    (size_t)lx->exc.cap * sizeof(*nb));
				if (nb == NULL)
					goto fail;
				lx->exc_base = nb;
				exc_cap = lx->exc.cap;
			}
			if (added) {
				lx->exc_base[id] = strdup(sp + 1);
				if (lx->exc_base[id] == NULL)
					goto fail;
			}
		}
		free(buf);
	}
	return 0;
fail:
	free(buf);
	return -1;
}

/* Sum SemCor tag counts per lemma: the background word frequency. */
static int
load_counts(struct lexicon *lx, const char *dir)
{
	char *buf, *line, *next, *pct, *sp;
	size_t len;
	uint32_t id, *nc, cnt_cap = 0;
	unsigned long c;
	int added;

	buf = read_small_file(dir, "cntlist.rev", &len);
	if (buf == NULL)
		return 0;
	for (line = buf; line < buf + len; line = next) {
		next = strchr(line, '\n');
		if (next == NULL)
			next = buf + len;
		else
			*next++ = '\0';
		pct = strchr(line, '%');
		sp = strrchr(line, ' ');
		if (pct == NULL || sp == NULL)
			continue;
		c = strtoul(sp + 1, NULL, 10);
		id = strtab_add(&lx->cnt, line, (size_t)(pct - line), &added);
		if (id == 0)
			goto fail;
		if (added && lx->cnt.cap > cnt_cap) {
			/* Grow with the table, not on every entry. */
			nc = realloc(
			    lx->counts, (size_t)lx->cnt.cap * sizeof(*nc));
			if (nc == NULL)
				goto fail;
			lx->counts = nc;
			cnt_cap = lx->cnt.cap;
		}
		if (added)
			lx->counts[id] = 0;
		lx->counts[id] += (uint32_t)c;
		lx->cnt_total += (double)c;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

/*
 * Count in how many WordNet glosses each word appears: a background of
 * general English (1.5 million words of definitions and examples) that says
 * how common a word is, where SemCor's tag counts are too sparse.
 */
static int
load_gloss_df(struct lexicon *lx)
{
	uint32_t seen[128], id, *nd;
	const char *p, *end, *g;
	char w[WORD_MAX + 1];
	size_t wl;
	uint32_t df_cap = 0;
	int pos, nseen, i, dup, added;

	for (pos = 0; pos < WN_NPOS; pos++) {
		p = lx->data[pos].p;
		end = p + lx->data[pos].n;
		while (p < end) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			if (eol == NULL)
				eol = end;
			g = (*p == ' ') ? eol
					: memchr(p, '|', (size_t)(eol - p));
			nseen = 0;
			if (g != NULL)
				lx->ngloss++;
			while (g != NULL && g < eol) {
				while (g < eol &&
				    !((*g >= 'a' && *g <= 'z') ||
					(*g >= 'A' && *g <= 'Z')))
					g++;
				wl = 0;
				while (g < eol &&
				    ((*g >= 'a' && *g <= 'z') ||
					(*g >= 'A' && *g <= 'Z'))) {
					if (wl < WORD_MAX)
						w[wl++] = (char)((*g >= 'A' &&
								     *g <= 'Z')
							? *g + 32
							: *g);
					g++;
				}
				if (wl < 2)
					continue;
				id = strtab_add(&lx->gloss, w, wl, &added);
				if (id == 0)
					return -1;
				/* Grow with the table, not on every word. */
				if (added && lx->gloss.cap > df_cap) {
					nd = realloc(lx->gloss_df,
					    (size_t)lx->gloss.cap *
						sizeof(*nd));
					if (nd == NULL)
						return -1;
					lx->gloss_df = nd;
					df_cap = lx->gloss.cap;
				}
				if (added)
					lx->gloss_df[id] = 0;
				for (i = 0, dup = 0; i < nseen && !dup; i++)
					dup = seen[i] == id;
				if (dup)
					continue;
				if (nseen < (int)SW_ARRAY_SIZE(seen))
					seen[nseen++] = id;
				lx->gloss_df[id]++;
			}
			p = eol + 1;
		}
	}
	return 0;
}

struct lexicon *
lexicon_new(const char *dir)
{
	static const char *const idx_files[WN_NPOS] = { "index.noun",
		"index.verb", "index.adj", "index.adv" };
	static const char *const data_files[WN_NPOS] = { "data.noun",
		"data.verb", "data.adj", "data.adv" };
	struct lexicon *lx;
	int pos, ok = 1;

	if (dir == NULL)
		dir = WN_DEFAULT_DIR;
	lx = calloc(1, sizeof(*lx));
	if (lx == NULL)
		return NULL;
	if (strtab_init(&lx->words) == -1 || strtab_init(&lx->strs) == -1 ||
	    strtab_init(&lx->exc) == -1 || strtab_init(&lx->cnt) == -1 ||
	    strtab_init(&lx->gloss) == -1)
		goto fail;
	lx->wcap = 1024;
	lx->head.w = calloc(lx->wcap, sizeof(*lx->head.w));
	lx->concap = 4096;
	lx->head.con = malloc(lx->concap * sizeof(*lx->head.con));
	if (lx->head.w == NULL || lx->head.con == NULL)
		goto fail;
	lx->stemmer = sb_stemmer_new("english", "UTF_8");
	if (lx->stemmer == NULL)
		goto fail;
	for (pos = 0; pos < WN_NPOS; pos++) {
		if (wn_map_file(dir, idx_files[pos], &lx->idx[pos]) == -1 ||
		    wn_map_file(dir, data_files[pos], &lx->data[pos]) == -1)
			ok = 0;
	}
	if (ok) {
		if (load_exceptions(lx, dir) == -1 ||
		    load_counts(lx, dir) == -1 || load_gloss_df(lx) == -1)
			goto fail;
		/* the gloss scan touched every page: give them back; the few
		 * synsets looked up later fault in again on demand */
		for (pos = 0; pos < WN_NPOS; pos++)
			madvise((void *)lx->data[pos].p, lx->data[pos].n,
			    MADV_DONTNEED);
		lx->have_wn = 1;
	} else {
		for (pos = 0; pos < WN_NPOS; pos++) {
			wn_unmap(&lx->idx[pos]);
			wn_unmap(&lx->data[pos]);
		}
	}
	return lx;
fail:
	lexicon_free(lx);
	return NULL;
}

void
lexicon_free(struct lexicon *lx)
{
	uint32_t i;
	int pos;

	if (lx == NULL)
		return;
	for (pos = 0; pos < WN_NPOS; pos++) {
		wn_unmap(&lx->idx[pos]);
		wn_unmap(&lx->data[pos]);
	}
	if (lx->exc_base != NULL)
		for (i = 1; i < lx->exc.n; i++)
			free(lx->exc_base[i]);
	free(lx->exc_base);
	free(lx->counts);
	free(lx->gloss_df);
	strtab_free(&lx->gloss);
	strtab_free(&lx->exc);
	strtab_free(&lx->cnt);
	strtab_free(&lx->words);
	strtab_free(&lx->strs);
	if (lx->stemmer != NULL)
		sb_stemmer_delete(lx->stemmer);
	free(lx->head.w);
	free(lx->head.con);
	free(lx);
}

int
lexicon_has_wordnet(const struct lexicon *lx)
{
	return lx->have_wn;
}

/* Compare the lemma at the start of an index line with key (WordNet sorts
 * bytes). */
static int
wn_cmp_line(const char *line, const char *end, const char *key)
{
	const unsigned char *a = (const unsigned char *)line;
	const unsigned char *k = (const unsigned char *)key;

	while ((const char *)a < end && *a != ' ' && *a != '\n' && *k != '\0') {
		if (*a != *k)
			return *a < *k ? -1 : 1;
		a++;
		k++;
	}
	if (*k == '\0')
		return ((const char *)a >= end || *a == ' ' || *a == '\n') ? 0
									   : 1;
	return -1;
}

/* The index line for lemma in one POS, or NULL. */
static const char *
wn_index_find(const struct wn_map *m, const char *lemma, const char **eol)
{
	size_t lo = 0, hi = m->n, mid, s, e;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		s = mid;
		while (s > lo && m->p[s - 1] != '\n')
			s--;
		e = s;
		while (e < m->n && m->p[e] != '\n')
			e++;
		if (m->p[s] == ' ')
			c = -1;
		else
			c = wn_cmp_line(m->p + s, m->p + e, lemma);
		if (c == 0) {
			*eol = m->p + e;
			return m->p + s;
		}
		if (c < 0)
			lo = e + 1;
		else
			hi = s;
	}
	return NULL;
}

static int
con_push(uint32_t *out, int n, uint32_t c)
{
	int i;

	for (i = 0; i < n; i++)
		if (out[i] == c)
			return n;
	if (n < MAX_CONCEPTS)
		out[n++] = c;
	return n;
}

static int
pos_of_char(char c)
{
	switch (c) {
	case 'n':
		return WN_NOUN;
	case 'v':
		return WN_VERB;
	case 'a':
	case 's':
		return WN_ADJ;
	case 'r':
		return WN_ADV;
	}
	return -1;
}

/*
 * Read one synset's data line: collect the lexical and semantic pointers
 * that make two words "the same concept" (core) or one step apart (hyper).
 */
static void
wn_read_synset(const struct lexicon *lx, int pos, unsigned long off,
    const char *lemma, uint32_t *core, int *ncore, uint32_t *hyper, int *nhyper,
    int *proper)
{
	const struct wn_map *m = &lx->data[pos];
	const char *p, *end;
	char *ep;
	unsigned long wcnt, pcnt, i, toff, src;
	int me = 0, tpos;
	char sym[4], w[WORD_MAX];
	size_t wl, sl;

	if (off >= m->n)
		return;
	p = m->p + off;
	end = memchr(p, '\n', m->n - off);
	if (end == NULL)
		end = m->p + m->n;
	/* offset lex_filenum ss_type w_cnt */
	strtoul(p, &ep, 10);
	strtoul(ep, &ep, 10);
	p = ep;
	while (p < end && *p == ' ')
		p++;
	p++;
	wcnt = strtoul(p, &ep, 16);
	p = ep;
	for (i = 1; i <= wcnt && p < end; i++) {
		while (p < end && *p == ' ')
			p++;
		wl = 0;
		while (p < end && *p != ' ' && wl < sizeof(w) - 1) {
			w[wl++] =
			    (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
			p++;
		}
		w[wl] = '\0';
		/* adjectives carry markers like "(a)" */
		if (wl > 3 && w[wl - 1] == ')') {
			char *par = strchr(w, '(');
			if (par != NULL)
				*par = '\0';
		}
		if (strcmp(w, lemma) == 0) {
			me = (int)i;
			if (p[-(long)wl] >= 'A' && p[-(long)wl] <= 'Z')
				*proper |= 1;
		}
		strtoul(p, &ep, 16); /* lex_id */
		p = ep;
	}
	pcnt = strtoul(p, &ep, 10);
	p = ep;
	for (i = 0; i < pcnt && p < end; i++) {
		while (p < end && *p == ' ')
			p++;
		sl = 0;
		while (p < end && *p != ' ' && sl < sizeof(sym) - 1)
			sym[sl++] = *p++;
		sym[sl] = '\0';
		toff = strtoul(p, &ep, 10);
		p = ep;
		while (p < end && *p == ' ')
			p++;
		tpos = pos_of_char(*p);
		p++;
		src = strtoul(p, &ep, 16);
		p = ep;
		if (tpos < 0)
			continue;
		/* lexical pointers belong to one word of the synset */
		if (src != 0 && (src >> 8) != (unsigned long)me)
			continue;
		if (strcmp(sym, "@") == 0 || strcmp(sym, "@i") == 0 ||
		    strcmp(sym, "#m") == 0)
			*nhyper = con_push(hyper, *nhyper,
			    ((uint32_t)tpos << 24) | (uint32_t)toff);
		else if (strcmp(sym, "+") == 0 || strcmp(sym, "\\") == 0 ||
		    strcmp(sym, "&") == 0 || strcmp(sym, "<") == 0)
			*ncore = con_push(core, *ncore,
			    ((uint32_t)tpos << 24) | (uint32_t)toff);
	}
}

/*
 * Does a noun whose most frequent sense is at off count people?  2: it is
 * one of the general words for people and their deaths (people,
 * individuals, fatalities), which WordNet files elsewhere; 1: its sense is
 * in noun.person (lexicographer file 18: Palestinians, civilians, guards);
 * 0: no.
 */
static int
wn_counts_people(const struct lexicon *lx, unsigned long off, const char *lemma)
{
	static const char *const general[] = { "person", "people", "individual",
		"death", "fatality", "life" };
	const struct wn_map *m = &lx->data[WN_NOUN];
	size_t i;
	char *ep;

	for (i = 0; i < SW_ARRAY_SIZE(general); i++)
		if (strcmp(lemma, general[i]) == 0)
			return 2;
	if (off >= m->n)
		return 0;
	strtoul(m->p + off, &ep, 10);
	return strtoul(ep, NULL, 10) == 18;
}

/* Add the first senses of lemma in pos; returns 1 when the lemma exists. */
static int
wn_lookup_pos(const struct lexicon *lx, int pos, const char *lemma,
    uint32_t *core, int *ncore, uint32_t *hyper, int *nhyper, int *nsenses,
    int *proper)
{
	const char *line, *eol, *p;
	char *ep;
	unsigned long nsyn, np, i, off;
	int taken = 0, unused = 0;

	line = wn_index_find(&lx->idx[pos], lemma, &eol);
	if (line == NULL)
		return 0;
	p = strchr(line, ' ');
	if (p == NULL || p > eol)
		return 0;
	p += 3; /* " n " */
	nsyn = strtoul(p, &ep, 10);
	np = strtoul(ep, &ep, 10);
	p = ep;
	for (i = 0; i < np && p < eol; i++) {
		while (p < eol && *p == ' ')
			p++;
		while (p < eol && *p != ' ')
			p++;
	}
	strtoul(p, &ep, 10);  /* sense_cnt */
	strtoul(ep, &ep, 10); /* tagsense_cnt */
	p = ep;
	*nsenses += (int)nsyn;
	for (i = 0; i < nsyn && p < eol; i++) {
		off = strtoul(p, &ep, 10);
		if (ep == p)
			break;
		p = ep;
		if (taken >= SENSES_PER_POS)
			continue;
		taken++;
		*ncore = con_push(
		    core, *ncore, ((uint32_t)pos << 24) | (uint32_t)off);
		/* a name to WordNet when its most frequent sense is one:
		 * Israel and Gaza are, Zephyr (a breeze first) is not */
		wn_read_synset(lx, pos, off, lemma, core, ncore, hyper, nhyper,
		    (taken == 1 && (pos == WN_NOUN || pos == WN_ADJ))
			? proper
			: &unused);
		if (taken == 1 && pos == WN_NOUN)
			*proper |= wn_counts_people(lx, off, lemma) << 1;
	}
	return 1;
}

struct morph_rule {
	const char *suf, *rep;
};

static const struct morph_rule noun_rules[] = { { "s", "" }, { "ses", "s" },
	{ "xes", "x" }, { "zes", "z" }, { "ches", "ch" }, { "shes", "sh" },
	{ "men", "man" }, { "ies", "y" }, { NULL, NULL } };
static const struct morph_rule verb_rules[] = { { "s", "" }, { "ies", "y" },
	{ "es", "e" }, { "es", "" }, { "ed", "e" }, { "ed", "" },
	{ "ing", "e" }, { "ing", "" }, { NULL, NULL } };
static const struct morph_rule adj_rules[] = { { "er", "" }, { "est", "" },
	{ "er", "e" }, { "est", "e" }, { NULL, NULL } };
static const struct morph_rule *const morph_rules[WN_NPOS] = { noun_rules,
	verb_rules, adj_rules, NULL };

/* British spellings WordNet lists in their American form. */
static const struct morph_rule british_rules[] = { { "isation", "ization" },
	{ "isations", "izations" }, { "ise", "ize" }, { "ised", "ized" },
	{ "ises", "izes" }, { "ising", "izing" }, { "yse", "yze" },
	{ "ysed", "yzed" }, { "our", "or" }, { "ours", "ors" },
	{ "tre", "ter" }, { "tres", "ters" }, { "ence", "ense" },
	{ "ogue", "og" }, { "lled", "led" }, { "lling", "ling" },
	{ NULL, NULL } };

static int
apply_rule(const char *w, size_t n, const struct morph_rule *r, char *out,
    size_t outsz)
{
	size_t sl = strlen(r->suf), rl = strlen(r->rep);

	if (n <= sl + 1 || strcmp(w + n - sl, r->suf) != 0 ||
	    n - sl + rl >= outsz)
		return 0;
	memcpy(out, w, n - sl);
	memcpy(out + n - sl, r->rep, rl);
	out[n - sl + rl] = '\0';
	return 1;
}

/*
 * Keep cand as the base form when it is the commonest reading so far:
 * "helping" is a rare noun but a form of the common verb "help", and it is
 * the verb that says how common the word is.  best starts below zero.
 */
static void
base_consider(const struct lexicon *lx, const char *cand, char *base,
    size_t basesz, double *best)
{
	uint32_t id = strtab_find(&lx->cnt, cand, strlen(cand));
	double c = id ? lx->counts[id] : 0.0;

	if (c > *best) {
		*best = c;
		snprintf(base, basesz, "%s", cand);
	}
}

/*
 * Morphy: find the WordNet base forms of w for each POS and gather concepts.
 * base receives the commonest base form found (for counts and stemming).
 */
static int
wn_analyse(const struct lexicon *lx, const char *w, uint32_t *core, int *ncore,
    uint32_t *hyper, int *nhyper, int *nsenses, int *proper, char *base,
    size_t basesz)
{
	char key[WORD_MAX + 4], cand[WORD_MAX + 8];
	const char *bases, *b, *e;
	size_t n = strlen(w);
	uint32_t id;
	int pos, found = 0, hit, i;
	double best = -1;

	base[0] = '\0';
	for (pos = 0; pos < WN_NPOS; pos++) {
		hit = 0;
		snprintf(key, sizeof(key), "%c %s", '0' + pos, w);
		id = strtab_find(&lx->exc, key, strlen(key));
		if (id != 0) {
			bases = lx->exc_base[id];
			for (b = bases; *b != '\0' && !hit; b = e) {
				e = strchr(b, ' ');
				if (e == NULL)
					e = b + strlen(b);
				if ((size_t)(e - b) < sizeof(cand)) {
					memcpy(cand, b, (size_t)(e - b));
					cand[e - b] = '\0';
					hit = wn_lookup_pos(lx, pos, cand, core,
					    ncore, hyper, nhyper, nsenses,
					    proper);
					if (hit)
						base_consider(lx, cand, base,
						    basesz, &best);
				}
				while (*e == ' ')
					e++;
			}
		}
		if (!hit)
			hit = wn_lookup_pos(lx, pos, w, core, ncore, hyper,
			    nhyper, nsenses, proper);
		if (hit)
			base_consider(lx, w, base, basesz, &best);
		for (i = 0; !hit && morph_rules[pos] != NULL &&
		     morph_rules[pos][i].suf != NULL;
		     i++) {
			if (!apply_rule(
				w, n, &morph_rules[pos][i], cand, sizeof(cand)))
				continue;
			hit = wn_lookup_pos(lx, pos, cand, core, ncore, hyper,
			    nhyper, nsenses, proper);
			if (hit)
				base_consider(lx, cand, base, basesz, &best);
		}
		found |= hit << pos;
	}
	return found;
}

static int
in_list(const char *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return (int)i + 1;
	return 0;
}

static int
word_is_alpha(const char *w)
{
	for (; *w != '\0'; w++)
		if ((*w >= '0' && *w <= '9'))
			return 0;
	return 1;
}

/* Analyse a new word: stem, flags, specificity, concepts. */
static int
word_analyse(struct lexicon *lx, const char *w, struct lex_word *out)
{
	uint32_t core[MAX_CONCEPTS], hyper[MAX_CONCEPTS], *nc;
	char base[WORD_MAX + 8], alt[WORD_MAX + 8];
	const char *stemsrc, *stem;
	int ncore = 0, nhyper = 0, nsenses = 0, found = 0, proper = 0, i, k;
	uint32_t cid;
	double c;
	size_t n = strlen(w), j;

	memset(out, 0, sizeof(*out));
	if (in_list(w, stop_words, sizeof(stop_words) / sizeof(*stop_words)))
		out->flags |= LEXW_STOP;
	if (in_list(
		w, report_words, sizeof(report_words) / sizeof(*report_words)))
		out->flags |= LEXW_REPORT;
	k = in_list(w, month_names, 12);
	if (k == 0 && n == 3)
		k = in_list(w, month_abbr, 12);
	if (k == 0 && strcmp(w, "sept") == 0)
		k = 9;
	if (k != 0 && strcmp(w, "may") != 0 && strcmp(w, "march") != 0) {
		out->flags |= LEXW_MONTH;
		out->month = (uint8_t)k;
	} else if (k != 0) {
		/* "may" and "march" are months only next to a day or year */
		out->month = (uint8_t)k;
	}
	if (in_list(w, weekdays, sizeof(weekdays) / sizeof(*weekdays)))
		out->flags |= LEXW_WEEKDAY;
	if (in_list(w, legal_forms, SW_ARRAY_SIZE(legal_forms)))
		out->flags |= LEXW_LEGAL;
	figures_word_info(w, &out->fig);
	if (out->fig.bits & FW_NUMERIC)
		out->flags |= LEXW_NUMERIC;
	if (in_list(w, auxiliaries, sizeof(auxiliaries) / sizeof(*auxiliaries)))
		out->flags |= LEXW_AUX;
	out->flags |= text_word_flags(w);
	if (strcmp(w, "not") == 0 || strcmp(w, "never") == 0 ||
	    strcmp(w, "no") == 0 || (n > 3 && strcmp(w + n - 3, "n't") == 0))
		out->flags |= LEXW_NEG | LEXW_STOP;

	stemsrc = w;
	base[0] = '\0';
	if (lx->have_wn && n < WORD_MAX && word_is_alpha(w) &&
	    !(out->flags & LEXW_STOP)) {
		found = wn_analyse(lx, w, core, &ncore, hyper, &nhyper,
		    &nsenses, &proper, base, sizeof(base));
		for (i = 0; !found && british_rules[i].suf != NULL; i++) {
			if (!apply_rule(
				w, n, &british_rules[i], alt, sizeof(alt)))
				continue;
			found = wn_analyse(lx, alt, core, &ncore, hyper,
			    &nhyper, &nsenses, &proper, base, sizeof(base));
			if (found)
				stemsrc = alt;
		}
	}
	stem = (const char *)sb_stemmer_stem(
	    lx->stemmer, (const sb_symbol *)stemsrc, (int)strlen(stemsrc));
	if (stem == NULL)
		stem = stemsrc;
	out->stem = strtab_add(&lx->strs, stem, strlen(stem), NULL);
	if (out->stem == 0)
		return -1;

	if (out->flags & LEXW_STOP)
		out->spec = 0.0f;
	else if (!word_is_alpha(w))
		out->spec = n >= 3 ? 1.0f : 0.6f; /* "8200" in Unit 8200 */
	else if (!found)
		out->spec = n <= 2 ? 0.3f : 1.0f;
	else {
		out->flags |= LEXW_WORDNET;
		if (found & (1 << WN_VERB))
			out->flags |= LEXW_VERB;
		/* only an adjective or an adverb: how, not what */
		if (!(found & ((1 << WN_VERB) | (1 << WN_NOUN))))
			out->flags |= LEXW_MODIFIER;
		if ((found & (1 << WN_VERB)) && n > 4 &&
		    strcmp(w + n - 2, "ed") == 0)
			out->flags |= LEXW_VERB_ED;
		if (proper & 1)
			out->flags |= LEXW_PROPER;
		if (proper & 6)
			out->flags |= LEXW_PERSON;
		if (proper & 4)
			out->flags |= LEXW_PEOPLE;
		cid = strtab_find(&lx->cnt, base, strlen(base));
		c = cid ? lx->counts[cid] : 0.0;
		if (lx->cnt_total < 1000.0)
			out->spec = 0.8f;
		else
			out->spec = (float)(log(lx->cnt_total / (c + 1.0)) /
			    log(lx->cnt_total));
		/* many senses mean a common, vague word */
		out->spec -= 0.01f * (float)(nsenses > 20 ? 20 : nsenses);
	}
	if (!(out->flags & LEXW_STOP) && word_is_alpha(w) &&
	    lx->ngloss > 1000.0) {
		/* the gloss background: the commoner of the word and its base
		 */
		uint32_t g1 = strtab_find(&lx->gloss, w, n);
		uint32_t g2 =
		    base[0] ? strtab_find(&lx->gloss, base, strlen(base)) : 0;
		double df = 0, gs;
		if (g1)
			df = lx->gloss_df[g1];
		if (g2 && lx->gloss_df[g2] > df)
			df = lx->gloss_df[g2];
		gs = log(lx->ngloss / (df + 1.0)) / log(lx->ngloss);
		if (df > 0 && gs < out->spec)
			out->spec = (float)gs;
	}
	if (out->flags & LEXW_WORDNET) {
		if (out->spec > 0.92f)
			out->spec = 0.92f;
		if (out->spec < 0.05f)
			out->spec = 0.05f;
	}
	if (out->flags & LEXW_REPORT)
		out->spec *= 0.3f;
	if (out->flags & (LEXW_MONTH | LEXW_WEEKDAY))
		out->spec = 0.2f;

	if (lx->ncon + (size_t)ncore + (size_t)nhyper > lx->concap) {
		size_t ncap = lx->concap * 2 + (size_t)ncore + (size_t)nhyper;
		nc = realloc(lx->head.con, ncap * sizeof(*nc));
		if (nc == NULL)
			return -1;
		lx->head.con = nc;
		lx->concap = ncap;
	}
	out->con_off = (uint32_t)lx->ncon;
	for (j = 0; j < (size_t)ncore; j++)
		lx->head.con[lx->ncon++] = core[j];
	for (j = 0; j < (size_t)nhyper; j++)
		lx->head.con[lx->ncon++] = hyper[j];
	out->ncore = (uint16_t)ncore;
	out->nhyper = (uint16_t)nhyper;
	return 0;
}

uint32_t
lexicon_find(const struct lexicon *lx, const char *s, size_t n)
{
	if (n == 0 || n > WORD_MAX)
		return 0;
	return strtab_find_h(&lx->words, s, n, strtab_hash(s, n));
}

uint32_t
lexicon_word(struct lexicon *lx, const char *s, size_t n)
{
	if (n > WORD_MAX)
		n = WORD_MAX;
	return lexicon_word_h(lx, s, n, strtab_hash(s, n));
}

uint32_t
lexicon_word_h(struct lexicon *lx, const char *s, size_t n, uint32_t h)
{
	char w[WORD_MAX + 1];
	struct lex_word *nw, rec;
	struct lex_cache *ce = NULL;
	uint32_t id;
	int added;

	if (n == 0 || n > WORD_MAX)
		return 0;
	/* most tokens are short and frequent: a small cache that stays in L2 */
	if (n < sizeof(lx->cache[0].w)) {
		ce = &lx->cache[h & (LEX_CACHE - 1)];
		if (ce->id != 0 && ce->n == n && memcmp(ce->w, s, n) == 0)
			return ce->id;
	}
	id = strtab_find_h(&lx->words, s, n, h);
	if (id != 0)
		goto cache;
	memcpy(w, s, n);
	w[n] = '\0';
	if (word_analyse(lx, w, &rec) == -1)
		return 0;
	id = strtab_add(&lx->words, s, n, &added);
	if (id == 0)
		return 0;
	if (id >= lx->wcap) {
		nw = realloc(lx->head.w, (size_t)lx->wcap * 2 * sizeof(*nw));
		if (nw == NULL)
			return 0;
		lx->head.w = nw;
		lx->wcap *= 2;
	}
	lx->head.w[id] = rec;
cache:
	if (ce != NULL) {
		memcpy(ce->w, s, n);
		ce->n = (uint8_t)n;
		ce->id = id;
	}
	return id;
}

const char *
lexicon_word_text(const struct lexicon *lx, uint32_t id)
{
	return lx->words.strs[id];
}

uint32_t
lexicon_intern(struct lexicon *lx, const char *s, size_t n)
{
	return strtab_add(&lx->strs, s, n, NULL);
}

const char *
lexicon_interned_text(const struct lexicon *lx, uint32_t id)
{
	return lx->strs.strs[id];
}

uint32_t
lexicon_word_limit(const struct lexicon *lx)
{
	return lx->words.n;
}

uint32_t
lexicon_intern_limit(const struct lexicon *lx)
{
	return lx->strs.n;
}

size_t
lexicon_memory(const struct lexicon *lx)
{
	return lx->words.bytes + lx->strs.bytes + lx->exc.bytes +
	    lx->cnt.bytes + lx->gloss.bytes +
	    (size_t)lx->gloss.cap * sizeof(*lx->gloss_df) +
	    (size_t)lx->wcap * sizeof(*lx->head.w) +
	    lx->concap * sizeof(*lx->head.con);
}
