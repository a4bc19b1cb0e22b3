/* storywatchctl analyze: builds a story from baseline files and reports each
 * article's relevance, new claims and changed figures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze.h"
#include "config.h"
#include "story.h"
#include "claims.h"
#include "log.h"
#include "util.h"

#define ANALYZE_FILE_MAX (16u * 1024 * 1024)

void
ctl_analyze_usage(FILE *out)
{
	fprintf(out,
	    "usage: storywatchctl analyze --baseline FILE... [--json] [-v] "
	    "FILE...\n"
	    "       storywatchctl analyze [-c CONFIG] --story ID [--learned] "
	    "[--json] [-v] FILE...\n"
	    "  Each FILE is plain text whose first line is the title.\n"
	    "  --story analyses against a configured story as storywatchd "
	    "builds it;\n"
	    "  --learned adds what storywatchd learned since (reads its "
	    "state).\n"
	    "  -v explains every decision (relevance, each sentence) on "
	    "stderr.\n"
	    "  --baseline takes the files up to the next option, \"--\", or\n"
	    "  the first file in another folder; it may also be repeated.\n");
}

/* Read a whole file (bounded); caller frees.  NULL with errno set on failure.
 */
static char *
read_file(const char *path, size_t *len)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	buf_init(&b, ANALYZE_FILE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_append(&b, chunk, n) == -1) {
			fclose(f);
			buf_free(&b);
			errno = EFBIG;
			return NULL;
		}
	}
	if (ferror(f)) {
		fclose(f);
		buf_free(&b);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	if (b.len == 0 && buf_append(&b, "", 0) == -1) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	if (b.data == NULL)
		return strdup("");
	return buf_steal(&b, len);
}

static void
print_text(FILE *out, const char *file, const struct claims_result *r)
{
	size_t i;

	fprintf(out, "%s: %s (relevance %.2f)%s%s\n", file,
	    r->relevant ? "about the story" : "not about the story",
	    r->relevance,
	    r->matched_terms && *r->matched_terms ? "; terms: " : "",
	    r->matched_terms ? r->matched_terms : "");
	if (!r->relevant)
		return;
	if (r->nclaims == 0 && r->nchanges == 0)
		fprintf(out, "  nothing new\n");
	for (i = 0; i < r->nclaims; i++) {
		const struct claims_claim *c = &r->claims[i];
		fprintf(out, "  new claim (novelty %.2f): %s\n", c->novelty,
		    c->text);
		if (c->why && *c->why)
			fprintf(out, "    new: %s\n", c->why);
		fprintf(out, "    nearest known: %s\n",
		    c->nearest ? c->nearest : "(none)");
	}
	for (i = 0; i < r->nchanges; i++) {
		const struct claims_change *c = &r->changes[i];
		fprintf(out, "  changed figure: %s: %s -> %s\n", c->subject,
		    c->old.text, c->new.text);
		fprintf(out, "    was: %s\n    now: %s\n", c->old.sentence,
		    c->new.sentence);
	}
}

static int
print_json(FILE *out, const char *file, const struct claims_result *r)
{
	json_t *o, *res;
	const char *key;
	json_t *val;
	char *s;

	o = json_object();
	res = claims_result_to_json(r, 0);
	if (o == NULL || res == NULL)
		goto fail;
	if (json_object_set_new(o, "file", json_string(file)) == -1)
		goto fail;
	json_object_foreach(res, key, val)
	{
		if (json_object_set(o, key, val) == -1)
			goto fail;
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s == NULL)
		goto fail;
	fprintf(out, "%s\n", s);
	free(s);
	json_decref(res);
	json_decref(o);
	return 0;
fail:
	json_decref(res);
	json_decref(o);
	return -1;
}

int
ctl_analyze_files(
    struct knowledge *k, char **files, int nfiles, int json, FILE *out)
{
	struct claims_result *r;
	char *text, *nl, *body;
	size_t len;
	int i, rc = 0;

	for (i = 0; i < nfiles; i++) {
		text = read_file(files[i], &len);
		if (text == NULL) {
			fprintf(stderr, "storywatchctl: %s: %s\n", files[i],
			    strerror(errno));
			rc = 1;
			continue;
		}
		if (!sw_utf8_valid(text, len))
			fprintf(stderr,
			    "storywatchctl: %s: invalid UTF-8 skipped\n",
			    files[i]);
		nl = memchr(text, '\n', len);
		if (nl != NULL) {
			*nl = '\0';
			body = nl + 1;
			len -= (size_t)(body - text);
		} else {
			body = text + len;
			len = 0;
		}
		r = claims_analyze(k, text, body, len);
		if (r == NULL) {
			fprintf(stderr, "storywatchctl: %s: out of memory\n",
			    files[i]);
			free(text);
			rc = 1;
			continue;
		}
		if (json) {
			if (print_json(out, files[i], r) == -1)
				rc = 1;
		} else
			print_text(out, files[i], r);
		claims_result_free(r);
		free(text);
	}
	fflush(out);
	return rc;
}

static size_t
dir_len(const char *path)
{
	const char *sl = strrchr(path, '/');

	return sl ? (size_t)(sl - path) : 0;
}

static int
same_dir(const char *a, const char *b)
{
	size_t la = dir_len(a), lb = dir_len(b);

	return la == lb && strncmp(a, b, la) == 0;
}

/*
 * The knowledge of a configured story; with learned, also what the daemon
 * learned (read from its state database).  NULL after printing why.
 */
static struct knowledge *
analyze_story(const char *config_path, const char *story_id, int learned,
    struct lexicon *lx, struct sw_config **cfgp, struct store **stp)
{
	struct cfg_errors errs = { 0 };
	const struct cfg_story *cs;
	struct knowledge *k;
	char err[1024];

	if (config_path == NULL &&
	    (config_path = config_default_path()) == NULL) {
		fprintf(stderr,
		    "storywatchctl analyze: no configuration: give "
		    "-c FILE\n");
		return NULL;
	}
	if ((*cfgp = config_load(config_path, &errs)) == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n",
			    cfg_error_format(&errs.v[i], err, sizeof(err)));
		cfg_errors_clear(&errs);
		return NULL;
	}
	if ((cs = config_story(*cfgp, story_id)) == NULL) {
		fprintf(stderr,
		    "storywatchctl analyze: %s has no story \"%s\"\n",
		    config_path, story_id);
		return NULL;
	}
	if (learned &&
	    (*stp = store_open((*cfgp)->state_dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "storywatchctl analyze: --learned: %s\n", err);
		return NULL;
	}
	k = story_knowledge_build(lx, cs, *stp, NULL, NULL, err, sizeof(err));
	if (k == NULL)
		fprintf(stderr, "storywatchctl analyze: story %s: %s\n",
		    story_id, err);
	else if (err[0] != '\0')
		fprintf(stderr, "storywatchctl analyze: story %s: %s\n",
		    story_id, err);
	return k;
}

int
ctl_cmd_analyze(int argc, char **argv)
{
	struct lexicon *lx = NULL;
	struct knowledge *k = NULL;
	struct sw_config *cfg = NULL;
	struct store *st = NULL;
	const char *config_path = NULL, *story_id = NULL;
	char **base = NULL, **files = NULL, err[512];
	int nbase = 0, nfiles = 0, json = 0, i, rc = 1, greedy_end = -1,
	    greedy_start = -1, dashdash = 0, learned = 0;

	base = calloc((size_t)argc + 1, sizeof(*base));
	files = calloc((size_t)argc + 1, sizeof(*files));
	if (base == NULL || files == NULL)
		goto out;
	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (!dashdash &&
		    (strcmp(argv[i], "-v") == 0 ||
			strcmp(argv[i], "--verbose") == 0))
			log_set_level(LOGL_DEBUG);
		else if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if (!dashdash &&
		    (strcmp(argv[i], "-c") == 0 ||
			strcmp(argv[i], "--config") == 0) &&
		    i + 1 < argc)
			config_path = argv[++i];
		else if (!dashdash && strcmp(argv[i], "--story") == 0 &&
		    i + 1 < argc)
			story_id = argv[++i];
		else if (!dashdash && strcmp(argv[i], "--learned") == 0)
			learned = 1;
		else if (!dashdash && strcmp(argv[i], "--baseline") == 0) {
			greedy_start = nbase;
			while (i + 1 < argc && argv[i + 1][0] != '-')
				base[nbase++] = argv[++i];
			greedy_end = nbase;
		} else if (!dashdash &&
		    strncmp(argv[i], "--baseline=", 11) == 0)
			base[nbase++] = argv[i] + 11;
		else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr,
			    "storywatchctl analyze: unknown option %s\n",
			    argv[i]);
			ctl_analyze_usage(stderr);
			rc = 2;
			goto out;
		} else
			files[nfiles++] = argv[i];
	}
	/* a trailing --baseline list also swallowed the articles: split by
	 * folder */
	if (nfiles == 0 && greedy_start >= 0 && greedy_end == nbase &&
	    greedy_end - greedy_start > 1) {
		for (i = greedy_start + 1; i < greedy_end; i++)
			if (!same_dir(base[greedy_start], base[i]))
				break;
		for (; i < greedy_end; i++)
			files[nfiles++] = base[i];
		nbase -= nfiles;
	}
	if (nfiles == 0 || (nbase == 0) == (story_id == NULL) ||
	    (learned && story_id == NULL)) {
		ctl_analyze_usage(stderr);
		rc = 2;
		goto out;
	}
	lx = claims_lexicon_new(NULL);
	if (lx == NULL)
		goto out;
	if (story_id != NULL) {
		/* The story exactly as storywatchd builds it. */
		const struct cfg_story *cs;

		if ((k = analyze_story(config_path, story_id, learned, lx, &cfg,
			 &st)) == NULL)
			goto out;
		cs = config_story(cfg, story_id);
		if (!json)
			printf("story %s: %s\n", cs->id, cs->title);
	} else {
		k = knowledge_new(lx, "baseline", NULL);
		if (k == NULL)
			goto out;
		for (i = 0; i < nbase; i++) {
			if (story_add_baseline_file(
				k, base[i], err, sizeof(err)) < 0) {
				fprintf(stderr, "storywatchctl: %s\n", err);
				goto out;
			}
		}
	}
	rc = ctl_analyze_files(k, files, nfiles, json, stdout);
out:
	knowledge_free(k);
	claims_lexicon_free(lx);
	store_close(st);
	config_free(cfg);
	free(base);
	free(files);
	return rc;
}
