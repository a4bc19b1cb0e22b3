/*
 * libFuzzer target: the claims engine.  Article text (first line the title)
 * through claims_analyze against the shipped story's baseline, and through
 * the sentence splitter and figure finder directly.
 */
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "claims.h"
#include "figures.h"
#include "fuzz_util.h"
#include "log.h"
#include "sw_config.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STORY_DIR "/config/stories/microsoft-azure-unit8200"

static struct lexicon *lexicon;
static struct knowledge *knowledge;

static void
add_baseline(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0)
		abort();
	rewind(fp);
	if ((text = malloc((size_t)n + 1)) == NULL ||
	    fread(text, 1, (size_t)n, fp) != (size_t)n)
		abort();
	if (knowledge_add_baseline(knowledge, text, (size_t)n, path) < 0)
		abort();
	free(text);
	fclose(fp);
}

/* WordNet loads once: a fresh lexicon per input would dominate the run. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const terms[] = { "Unit 8200", "Azure",
		"Covington" };
	const char *root = getenv("SW_SOURCE_ROOT");
	char pattern[4096];
	glob_t g;

	log_init(LOGL_ERR);
	if (root == NULL)
		root = SW_SOURCE_ROOT;
	if ((lexicon = claims_lexicon_new(NULL)) == NULL ||
	    (knowledge = knowledge_new(lexicon, "fuzz", NULL)) == NULL)
		abort();
	snprintf(pattern, sizeof(pattern), "%s%s/*.txt", root, STORY_DIR);
	if (glob(pattern, 0, NULL, &g) != 0) {
		fprintf(stderr, "fuzz_claims: no baseline at %s\n", pattern);
		abort();
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		add_baseline(g.gl_pathv[i]);
	globfree(&g);
	for (size_t i = 0; i < SW_ARRAY_SIZE(terms); i++)
		if (knowledge_add_term(knowledge, terms[i]) < 0)
			abort();
	return 0;
}

/* Sentences and tokens stay inside the text, in order; figures inside
 * their sentence. */
static void
fuzz_sentences(const char *body, size_t len)
{
	static struct doc d; /* reused, as the engine does */
	struct figure *figs = NULL;
	size_t nfig = 0, figcap = 0;

	doc_init(&d);
	if (doc_parse(&d, lexicon, body, len) < 0)
		abort();
	for (size_t i = 0; i < d.ntok; i++) {
		const struct token *t = &d.toks[i];

		FUZZ_CHECK(
		    (size_t)t->off + t->len <= len, "token %zu outside", i);
		FUZZ_CHECK(i == 0 || t->off >= d.toks[i - 1].off,
		    "token %zu out of order", i);
	}
	for (size_t i = 0; i < d.nsent; i++) {
		const struct sentence *s = &d.sents[i];
		size_t before = nfig;
		int n;

		FUZZ_CHECK(
		    (size_t)s->off + s->len <= len, "sentence %zu outside", i);
		FUZZ_CHECK(s->tok_begin <= s->tok_end && s->tok_end <= d.ntok,
		    "sentence %zu tokens [%u, %u) of %zu", i, s->tok_begin,
		    s->tok_end, d.ntok);
		n = figures_extract(&d, lexicon, s->tok_begin, s->tok_end,
		    &figs, &nfig, &figcap);
		if (n < 0)
			abort();
		for (size_t f = before; f < nfig; f++) {
			FUZZ_CHECK(figs[f].tok_begin >= s->tok_begin &&
				figs[f].tok_begin <= figs[f].tok_end &&
				figs[f].tok_end <= s->tok_end,
			    "figure outside its sentence");
			FUZZ_CHECK(figs[f].kind < FIG_NKINDS &&
				figs[f].approx < APPROX_NKINDS,
			    "figure kind out of range");
			(void)fig_kind_name(figs[f].kind);
		}
	}
	free(figs);
	doc_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *title = NULL, *body;
	size_t blen;
	struct claims_result *r;
	json_t *j;

	if (nl != NULL) {
		title = fuzz_strndup(data, (size_t)(nl - data));
		blen = size - (size_t)(nl - data) - 1;
		body = fuzz_strndup(nl + 1, blen);
	} else {
		blen = size;
		body = fuzz_strndup(data, size);
	}

	r = claims_analyze(knowledge, title, body, blen);
	if (r == NULL)
		abort();
	FUZZ_CHECK(r->relevance >= 0 && r->relevance == r->relevance,
	    "relevance %g", r->relevance);
	for (size_t i = 0; i < r->nclaims; i++) {
		const struct claims_claim *c = &r->claims[i];

		FUZZ_CHECK(c->text != NULL, "claim without text");
		FUZZ_CHECK(
		    c->off + c->len <= blen, "claim %zu outside body", i);
		FUZZ_CHECK(c->novelty >= 0 && c->novelty <= 1, "novelty %g",
		    c->novelty);
	}
	for (size_t i = 0; i < r->nchanges; i++)
		FUZZ_CHECK(r->changes[i].subject != NULL &&
			r->changes[i].old.text != NULL &&
			r->changes[i].new.text != NULL,
		    "changed figure without text");
	j = claims_result_to_json(r, CLAIMS_JSON_EXPLAIN);
	if (sw_utf8_valid(body, blen) &&
	    (title == NULL || sw_utf8_valid(title, strlen(title))))
		FUZZ_CHECK(j != NULL, "claims_result_to_json failed");
	json_decref(j);
	claims_result_free(r);

	fuzz_sentences(body, blen);
	free(body);
	free(title);
	return 0;
}
