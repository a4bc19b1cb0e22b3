/* Loading and validating the JSON config; every problem reported with its
 * place. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "jsonpos.h"
#include "sw_config.h"
#include "util.h"

#define CFG_MAX_FILE (16 * 1024 * 1024)

struct loader {
	const char *file; /* as the user named it */
	struct jsonpos pos;
	struct cfg_errors *errs;
	struct sw_config *cfg;
};

static void err_at(struct loader *L, const char *path, int at_key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
err_add(struct cfg_errors *errs, const char *file, int line, int col,
    const char *path, const char *msg)
{
	struct cfg_error *nv, *e;

	nv = realloc(errs->v, (errs->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return;
	errs->v = nv;
	e = &errs->v[errs->n++];
	e->file = strdup(file);
	e->line = line;
	e->column = col;
	e->path = strdup(path);
	e->message = strdup(msg);
}

static void
err_at(struct loader *L, const char *path, int at_key, const char *fmt, ...)
{
	const struct jsonpos_entry *pe;
	char msg[512];
	int line = 1, col = 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((pe = jsonpos_find(&L->pos, path)) != NULL) {
		line = pe->line;
		col = pe->column;
		if (at_key && pe->key_line > 0) {
			line = pe->key_line;
			col = pe->key_column;
		}
	}
	err_add(L->errs, L->file, line, col, path, msg);
}

char *
cfg_error_format(const struct cfg_error *e, char *buf, size_t len)
{
	if (e->file == NULL || e->file[0] == '\0')
		snprintf(buf, len, "%s", e->message); /* it names its place */
	else if (e->line == 0)
		snprintf(buf, len, "%s: %s", e->file, e->message);
	else if (e->path != NULL && e->path[0] != '\0')
		snprintf(buf, len, "%s:%d:%d: %s: %s", e->file, e->line,
		    e->column, e->path, e->message);
	else
		snprintf(buf, len, "%s:%d:%d: %s", e->file, e->line, e->column,
		    e->message);
	return buf;
}

void
cfg_errors_clear(struct cfg_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].path);
		free(errs->v[i].message);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
}

static void
path_join(char *out, size_t len, const char *base, const char *key)
{
	snprintf(out, len, "%s%s%s", base, base[0] ? "." : "", key);
}

/* Reports every key of obj that is not in allowed (NULL-terminated). */
static void
check_keys(
    struct loader *L, json_t *obj, const char *path, const char *const *allowed)
{
	const char *key;
	json_t *v;
	char p[1024];

	json_object_foreach(obj, key, v)
	{
		size_t i;

		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] == NULL) {
			char hint[256] = "";

			path_join(p, sizeof(p), path, key);
			/* A near miss is usually a typo: say which key was
			 * meant. */
			for (i = 0; allowed[i] != NULL; i++) {
				if (strcasecmp(allowed[i], key) == 0 ||
				    (strlen(key) > 3 &&
					strncmp(allowed[i], key, 3) == 0)) {
					snprintf(hint, sizeof(hint),
					    " (did you mean \"%s\"?)",
					    allowed[i]);
					break;
				}
			}
			err_at(L, p, 1, "unknown key%s", hint);
		}
	}
}

static int
get_string(struct loader *L, json_t *obj, const char *path, const char *key,
    int required, char **out)
{
	json_t *v = json_object_get(obj, key);
	char p[1024];

	path_join(p, sizeof(p), path, key);
	if (v == NULL) {
		if (required)
			err_at(L, path, 0, "missing required key \"%s\"", key);
		return required ? -1 : 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0) {
		err_at(L, p, 0, "expected a non-empty string");
		return -1;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		err_at(L, p, 0, "string contains a NUL character");
		return -1;
	}
	free(*out);
	*out = strdup(json_string_value(v));
	return 0;
}

static int
get_duration(struct loader *L, json_t *obj, const char *path, const char *key,
    uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char p[1024];

	if (v == NULL)
		return 0;
	path_join(p, sizeof(p), path, key);
	if (!json_is_string(v) ||
	    duration_parse(json_string_value(v), out) < 0 || *out == 0) {
		err_at(L, p, 0, "expected a duration such as \"15m\"");
		return -1;
	}
	return 0;
}

static int
get_bool(
    struct loader *L, json_t *obj, const char *path, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	char p[1024];

	if (v == NULL)
		return 0;
	path_join(p, sizeof(p), path, key);
	if (!json_is_boolean(v)) {
		err_at(L, p, 0, "expected true or false");
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

static int
get_int(struct loader *L, json_t *obj, const char *path, const char *key,
    long min, long max, long *out)
{
	json_t *v = json_object_get(obj, key);
	char p[1024];

	if (v == NULL)
		return 0;
	path_join(p, sizeof(p), path, key);
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		err_at(L, p, 0, "expected a whole number from %ld to %ld", min,
		    max);
		return -1;
	}
	*out = (long)json_integer_value(v);
	return 0;
}

static int
get_number(struct loader *L, json_t *obj, const char *path, const char *key,
    double min, double max, double *out)
{
	json_t *v = json_object_get(obj, key);
	char p[1024];

	if (v == NULL)
		return 0;
	path_join(p, sizeof(p), path, key);
	if (!json_is_number(v) || json_number_value(v) < min ||
	    json_number_value(v) > max) {
		err_at(L, p, 0, "expected a number from %g to %g", min, max);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

/* A size in bytes: a number, or a string like "10MiB", "512KiB". */
static int
get_size(struct loader *L, json_t *obj, const char *path, const char *key,
    uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	char p[1024], *end;
	unsigned long long n;
	const char *s;

	if (v == NULL)
		return 0;
	path_join(p, sizeof(p), path, key);
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		goto bad;
	s = json_string_value(v);
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end == s || n == 0)
		goto bad;
	if (strcmp(end, "") == 0 || strcmp(end, "B") == 0)
		*out = n;
	else if (strcmp(end, "KiB") == 0 || strcmp(end, "K") == 0)
		*out = n << 10;
	else if (strcmp(end, "MiB") == 0 || strcmp(end, "M") == 0)
		*out = n << 20;
	else if (strcmp(end, "GiB") == 0 || strcmp(end, "G") == 0)
		*out = n << 30;
	else
		goto bad;
	return 0;
bad:
	err_at(L, p, 0, "expected a size such as \"10MiB\" or a byte count");
	return -1;
}

static int
valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') ||
			(i > 0 && (c == '-' || c == '_' || c == '.'))))
			return 0;
	}
	return 1;
}

static int
get_id(struct loader *L, json_t *obj, const char *path, char **out)
{
	char p[1024];

	if (get_string(L, obj, path, "id", 1, out) < 0)
		return -1;
	if (!valid_id(*out)) {
		path_join(p, sizeof(p), path, "id");
		err_at(L, p, 0,
		    "ids are 1-64 letters, digits, '-', '_' or '.', starting "
		    "with a letter or digit");
		return -1;
	}
	return 0;
}

/* Resolves a relative path against the config file's folder. */
static char *
resolve_path(struct loader *L, const char *s)
{
	char *out;

	if (s[0] == '/')
		return strdup(s);
	if (asprintf(&out, "%s/%s", L->cfg->dir, s) < 0)
		return NULL;
	return out;
}

static int
get_string_array(struct loader *L, json_t *obj, const char *path,
    const char *key, int allow_star, char ***out, size_t *nout)
{
	json_t *v = json_object_get(obj, key), *e;
	char p[1024], pe[1100];
	size_t i;

	if (v == NULL)
		return 0;
	path_join(p, sizeof(p), path, key);
	if (allow_star && json_is_string(v) &&
	    strcmp(json_string_value(v), "*") == 0)
		return 0;
	if (!json_is_array(v)) {
		err_at(L, p, 0,
		    allow_star ? "expected a list of strings or \"*\""
			       : "expected a list of strings");
		return -1;
	}
	*out = calloc(json_array_size(v) + 1, sizeof(char *));
	*nout = 0;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e) || json_string_length(e) == 0) {
			snprintf(pe, sizeof(pe), "%s[%zu]", p, i);
			err_at(L, pe, 0, "expected a non-empty string");
			continue;
		}
		if (allow_star && strcmp(json_string_value(e), "*") == 0) {
			/* "*" anywhere in the list means every story. */
			for (size_t j = 0; j < *nout; j++)
				free((*out)[j]);
			free(*out);
			*out = NULL;
			*nout = 0;
			return 0;
		}
		(*out)[(*nout)++] = strdup(json_string_value(e));
	}
	return 0;
}

static void
free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
url_scheme_ok(const char *url, int allow_file)
{
	if (strncasecmp(url, "http://", 7) == 0 && url[7] != '\0')
		return 1;
	if (strncasecmp(url, "https://", 8) == 0 && url[8] != '\0')
		return 1;
	return allow_file && strncasecmp(url, "file://", 7) == 0 &&
	    url[7] != '\0';
}

static void
load_fetch(struct loader *L, json_t *obj)
{
	static const char *const keys[] = { "timeout", "connect_timeout",
		"min_interval", "max_backoff", "max_body", "max_article_body",
		"max_connections", "max_per_host", "max_items_per_poll",
		"allow_private_addresses", NULL };
	struct cfg_fetch *f = &L->cfg->fetch;

	if (obj == NULL)
		return;
	if (!json_is_object(obj)) {
		err_at(L, "fetch", 0, "expected an object");
		return;
	}
	check_keys(L, obj, "fetch", keys);
	get_duration(L, obj, "fetch", "timeout", &f->timeout_ms);
	get_duration(
	    L, obj, "fetch", "connect_timeout", &f->connect_timeout_ms);
	get_duration(L, obj, "fetch", "min_interval", &f->min_interval_ms);
	get_duration(L, obj, "fetch", "max_backoff", &f->max_backoff_ms);
	get_size(L, obj, "fetch", "max_body", &f->max_body);
	get_size(L, obj, "fetch", "max_article_body", &f->max_article_body);
	get_int(
	    L, obj, "fetch", "max_connections", 1, 10000, &f->max_connections);
	get_int(L, obj, "fetch", "max_per_host", 1, 100, &f->max_per_host);
	get_int(L, obj, "fetch", "max_items_per_poll", 1, 100000,
	    &f->max_items_per_poll);
	get_bool(L, obj, "fetch", "allow_private_addresses",
	    &f->allow_private_addresses);
}

static void
load_stories(struct loader *L, json_t *arr)
{
	static const char *const keys[] = { "id", "title", "baseline", "terms",
		"fetch_articles", "relevance_threshold", "novelty_threshold",
		NULL };
	struct sw_config *cfg = L->cfg;
	json_t *obj;
	size_t i;

	if (arr == NULL)
		return;
	if (!json_is_array(arr)) {
		err_at(L, "stories", 0, "expected a list of stories");
		return;
	}
	cfg->stories = calloc(json_array_size(arr) + 1, sizeof(*cfg->stories));
	json_array_foreach(arr, i, obj)
	{
		struct cfg_story *s = &cfg->stories[cfg->nstories];
		char path[64];
		char **files = NULL;
		size_t nfiles = 0;

		snprintf(path, sizeof(path), "stories[%zu]", i);
		if (!json_is_object(obj)) {
			err_at(L, path, 0, "expected an object");
			continue;
		}
		cfg->nstories++;
		s->fetch_articles = 1;
		s->relevance_threshold = -1;
		s->novelty_threshold = -1;
		check_keys(L, obj, path, keys);
		if (get_id(L, obj, path, &s->id) == 0 &&
		    config_story(cfg, s->id) != s) {
			char p[100];

			snprintf(p, sizeof(p), "%s.id", path);
			err_at(L, p, 0, "duplicate story id \"%s\"", s->id);
		}
		get_string(L, obj, path, "title", 0, &s->title);
		if (s->title == NULL && s->id != NULL)
			s->title = strdup(s->id);
		if (json_object_get(obj, "baseline") == NULL)
			err_at(L, path, 0,
			    "missing required key \"baseline\" (a list of "
			    "files)");
		get_string_array(L, obj, path, "baseline", 0, &files, &nfiles);
		s->baseline = calloc(nfiles + 1, sizeof(char *));
		for (size_t j = 0; j < nfiles; j++) {
			char p[128];

			s->baseline[s->nbaseline] = resolve_path(L, files[j]);
			if (access(s->baseline[s->nbaseline], R_OK) < 0) {
				snprintf(
				    p, sizeof(p), "%s.baseline[%zu]", path, j);
				err_at(L, p, 0, "cannot read %s: %s",
				    s->baseline[s->nbaseline], strerror(errno));
			}
			s->nbaseline++;
		}
		free_strv(files, nfiles);
		get_string_array(
		    L, obj, path, "terms", 0, &s->terms, &s->nterms);
		get_bool(L, obj, path, "fetch_articles", &s->fetch_articles);
		get_number(L, obj, path, "relevance_threshold", 0, 1,
		    &s->relevance_threshold);
		get_number(L, obj, path, "novelty_threshold", 0, 1,
		    &s->novelty_threshold);
	}
}

static void
check_story_refs(struct loader *L, const char *path, char **ids, size_t n)
{
	char p[160];

	for (size_t j = 0; j < n; j++) {
		if (config_story(L->cfg, ids[j]) == NULL) {
			snprintf(p, sizeof(p), "%s.stories[%zu]", path, j);
			err_at(L, p, 0, "no story has the id \"%s\"", ids[j]);
		}
	}
}

static void
load_feeds(struct loader *L, json_t *arr)
{
	static const char *const keys[] = { "id", "url", "title", "interval",
		"stories", "backfill", NULL };
	struct sw_config *cfg = L->cfg;
	json_t *obj;
	size_t i;

	if (arr == NULL)
		return;
	if (!json_is_array(arr)) {
		err_at(L, "feeds", 0, "expected a list of feeds");
		return;
	}
	cfg->feeds = calloc(json_array_size(arr) + 1, sizeof(*cfg->feeds));
	json_array_foreach(arr, i, obj)
	{
		struct cfg_feed *f = &cfg->feeds[cfg->nfeeds];
		char path[64], p[100];

		snprintf(path, sizeof(path), "feeds[%zu]", i);
		if (!json_is_object(obj)) {
			err_at(L, path, 0, "expected an object");
			continue;
		}
		cfg->nfeeds++;
		f->interval_ms = 15 * 60 * 1000;
		check_keys(L, obj, path, keys);
		if (get_id(L, obj, path, &f->id) == 0 &&
		    config_feed(cfg, f->id) != f) {
			snprintf(p, sizeof(p), "%s.id", path);
			err_at(L, p, 0, "duplicate feed id \"%s\"", f->id);
		}
		if (get_string(L, obj, path, "url", 1, &f->url) == 0 &&
		    strncasecmp(f->url, "file:", 5) == 0 &&
		    strncmp(f->url + 5, "//", 2) != 0 && f->url[5] != '\0') {
			/* file:relative/path is relative to the config file. */
			char *abs = resolve_path(L, f->url + 5), *u = NULL;

			if (abs != NULL &&
			    asprintf(&u, "file://%s", abs) >= 0) {
				free(f->url);
				f->url = u;
			}
			free(abs);
		}
		if (f->url != NULL && !url_scheme_ok(f->url, 1)) {
			snprintf(p, sizeof(p), "%s.url", path);
			err_at(L, p, 0,
			    "expected an http://, https:// or file:// URL");
		}
		get_string(L, obj, path, "title", 0, &f->title);
		get_duration(L, obj, path, "interval", &f->interval_ms);
		get_string_array(
		    L, obj, path, "stories", 1, &f->stories, &f->nstories);
		check_story_refs(L, path, f->stories, f->nstories);
		get_bool(L, obj, path, "backfill", &f->backfill);
	}
}

static const char *const webhook_formats[] = { "json", "slack", "discord",
	"ntfy", "text", NULL };

static void
load_webhooks(struct loader *L, json_t *arr)
{
	static const char *const keys[] = { "id", "url", "format", "secret",
		"secret_file", "secret_credential", "stories", "headers",
		"timeout", NULL };
	struct sw_config *cfg = L->cfg;
	json_t *obj;
	size_t i;

	if (arr == NULL)
		return;
	if (!json_is_array(arr)) {
		err_at(L, "webhooks", 0, "expected a list of webhooks");
		return;
	}
	cfg->webhooks =
	    calloc(json_array_size(arr) + 1, sizeof(*cfg->webhooks));
	json_array_foreach(arr, i, obj)
	{
		struct cfg_webhook *w = &cfg->webhooks[cfg->nwebhooks];
		char path[64], p[100];
		json_t *hdrs;
		int nsecrets = 0;
		char *sf = NULL;

		snprintf(path, sizeof(path), "webhooks[%zu]", i);
		if (!json_is_object(obj)) {
			err_at(L, path, 0, "expected an object");
			continue;
		}
		cfg->nwebhooks++;
		w->timeout_ms = 15000;
		check_keys(L, obj, path, keys);
		if (get_id(L, obj, path, &w->id) == 0 &&
		    config_webhook(cfg, w->id) != w) {
			snprintf(p, sizeof(p), "%s.id", path);
			err_at(L, p, 0, "duplicate webhook id \"%s\"", w->id);
		}
		if (get_string(L, obj, path, "url", 1, &w->url) == 0 &&
		    !url_scheme_ok(w->url, 0)) {
			snprintf(p, sizeof(p), "%s.url", path);
			err_at(L, p, 0, "expected an http:// or https:// URL");
		}
		if (get_string(L, obj, path, "format", 0, &w->format) == 0 &&
		    w->format != NULL) {
			size_t k;

			for (k = 0; webhook_formats[k] != NULL; k++)
				if (strcmp(webhook_formats[k], w->format) == 0)
					break;
			if (webhook_formats[k] == NULL) {
				snprintf(p, sizeof(p), "%s.format", path);
				err_at(L, p, 0,
				    "expected one of json, slack, discord, "
				    "ntfy, text");
			}
		}
		if (w->format == NULL)
			w->format = strdup("json");
		/* The secret's value never appears in an error message. */
		if (json_object_get(obj, "secret") != NULL) {
			nsecrets++;
			get_string(L, obj, path, "secret", 0, &w->secret);
		}
		if (json_object_get(obj, "secret_file") != NULL) {
			nsecrets++;
			if (get_string(L, obj, path, "secret_file", 0, &sf) ==
			    0)
				w->secret_file = resolve_path(L, sf);
			free(sf);
		}
		if (json_object_get(obj, "secret_credential") != NULL) {
			nsecrets++;
			if (get_string(L, obj, path, "secret_credential", 0,
				&w->secret_credential) == 0 &&
			    strchr(w->secret_credential, '/') != NULL) {
				snprintf(
				    p, sizeof(p), "%s.secret_credential", path);
				err_at(L, p, 0,
				    "a credential name, not a path, is "
				    "expected");
			}
		}
		if (nsecrets > 1)
			err_at(L, path, 0,
			    "give at most one of secret, secret_file and "
			    "secret_credential");
		get_string_array(
		    L, obj, path, "stories", 1, &w->stories, &w->nstories);
		check_story_refs(L, path, w->stories, w->nstories);
		get_duration(L, obj, path, "timeout", &w->timeout_ms);
		hdrs = json_object_get(obj, "headers");
		if (hdrs != NULL) {
			const char *k;
			json_t *hv;

			snprintf(p, sizeof(p), "%s.headers", path);
			if (!json_is_object(hdrs)) {
				err_at(L, p, 0,
				    "expected an object of header names to "
				    "values");
				continue;
			}
			w->headers = calloc(
			    json_object_size(hdrs) + 1, sizeof(*w->headers));
			json_object_foreach(hdrs, k, hv)
			{
				char hp[300];

				snprintf(hp, sizeof(hp), "%s.%s", p, k);
				if (!json_is_string(hv) ||
				    strpbrk(json_string_value(hv), "\r\n") ||
				    strpbrk(k, "\r\n: ") || k[0] == '\0') {
					err_at(L, hp, 0,
					    "expected a header name and a "
					    "one-line string value");
					continue;
				}
				w->headers[w->nheaders].name = strdup(k);
				w->headers[w->nheaders].value =
				    strdup(json_string_value(hv));
				w->nheaders++;
			}
		}
	}
}

static char *
dir_of(const char *abs)
{
	char *d = strdup(abs), *slash;

	if (d == NULL)
		return NULL;
	slash = strrchr(d, '/');
	if (slash == d)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	return d;
}

static char *
absolute(const char *path)
{
	char cwd[PATH_MAX], *out;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

static void
set_defaults(struct sw_config *cfg)
{
	cfg->log_level = LOGL_INFO;
	cfg->fetch.timeout_ms = 30000;
	cfg->fetch.connect_timeout_ms = 10000;
	cfg->fetch.min_interval_ms = 60000;
	cfg->fetch.max_backoff_ms = 6 * 3600 * 1000ULL;
	cfg->fetch.max_body = 10 << 20;
	cfg->fetch.max_article_body = 4 << 20;
	cfg->fetch.max_connections = 64;
	cfg->fetch.max_per_host = 2;
	cfg->fetch.max_items_per_poll = 500;
}

static char *
read_file(const char *path, size_t *len, struct cfg_errors *errs)
{
	FILE *fp;
	struct buf b;
	char chunk[8192], msg[512];
	size_t n;

	buf_init(&b, CFG_MAX_FILE);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
		err_add(errs, path, 0, 0, "", msg);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (buf_append(&b, chunk, n) < 0) {
			snprintf(msg, sizeof(msg), "larger than %d bytes",
			    CFG_MAX_FILE);
			err_add(errs, path, 0, 0, "", msg);
			fclose(fp);
			buf_free(&b);
			return NULL;
		}
	}
	if (ferror(fp)) {
		snprintf(msg, sizeof(msg), "cannot read: %s", strerror(errno));
		err_add(errs, path, 0, 0, "", msg);
		fclose(fp);
		buf_free(&b);
		return NULL;
	}
	fclose(fp);
	if (b.data == NULL)
		buf_append(&b, "", 0);
	return buf_steal(&b, len);
}

static int
error_cmp(const void *a, const void *b)
{
	const struct cfg_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

struct sw_config *
config_load(const char *path, struct cfg_errors *errs)
{
	static const char *const keys[] = { "state_dir", "control_socket",
		"log_level", "fetch", "stories", "feeds", "feeds_opml",
		"webhooks", NULL };
	struct loader L = { .file = path, .errs = errs };
	struct sw_config *cfg;
	json_error_t jerr;
	json_t *root = NULL, *v;
	char *text, *s = NULL;
	size_t len, before = errs->n;
	const char *env;

	if ((text = read_file(path, &len, errs)) == NULL)
		return NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		err_add(errs, path, jerr.line, jerr.column, "", jerr.text);
		free(text);
		return NULL;
	}
	cfg = calloc(1, sizeof(*cfg));
	L.cfg = cfg;
	if (jsonpos_index(&L.pos, text, len) < 0)
		err_add(errs, path, 0, 0, "", "out of memory");
	free(text);
	cfg->path = absolute(path);
	cfg->dir = dir_of(cfg->path);
	set_defaults(cfg);
	if (!json_is_object(root)) {
		err_at(&L, "", 0, "the config must be a JSON object");
		goto out;
	}
	check_keys(&L, root, "", keys);
	if (get_string(&L, root, "", "log_level", 0, &s) == 0 && s != NULL &&
	    log_level_parse(s, &cfg->log_level) < 0)
		err_at(&L, "log_level", 0,
		    "expected error, warning, notice, info or debug");
	free(s);
	s = NULL;
	if (get_string(&L, root, "", "state_dir", 0, &s) == 0 && s != NULL)
		cfg->state_dir = resolve_path(&L, s);
	free(s);
	s = NULL;
	if (get_string(&L, root, "", "control_socket", 0, &s) == 0 && s != NULL)
		cfg->control_socket = resolve_path(&L, s);
	free(s);
	s = NULL;
	load_fetch(&L, json_object_get(root, "fetch"));
	/* Stories first: feeds and webhooks refer to them. */
	load_stories(&L, json_object_get(root, "stories"));
	load_feeds(&L, json_object_get(root, "feeds"));
	if ((v = json_object_get(root, "feeds_opml")) != NULL) {
		char **files = NULL;
		size_t n = 0;

		get_string_array(&L, root, "", "feeds_opml", 0, &files, &n);
		cfg->feeds_opml = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			cfg->feeds_opml[i] = resolve_path(&L, files[i]);
			if (access(cfg->feeds_opml[i], R_OK) < 0) {
				char p[64];

				snprintf(p, sizeof(p), "feeds_opml[%zu]", i);
				err_at(&L, p, 0, "cannot read %s: %s",
				    cfg->feeds_opml[i], strerror(errno));
			}
		}
		cfg->nfeeds_opml = n;
		free_strv(files, n);
	}
	load_webhooks(&L, json_object_get(root, "webhooks"));

	if (cfg->state_dir == NULL) {
		if ((env = getenv("STATE_DIRECTORY")) != NULL &&
		    env[0] != '\0') {
			/* systemd may list several; the first is ours. */
			cfg->state_dir = strndup(env, strcspn(env, ":"));
		} else if (asprintf(&cfg->state_dir, "%s/state", cfg->dir) <
		    0) {
			cfg->state_dir = NULL;
		}
	}
	if (cfg->control_socket == NULL) {
		if ((env = getenv("RUNTIME_DIRECTORY")) != NULL &&
		    env[0] != '\0') {
			if (asprintf(&cfg->control_socket, "%.*s/control.sock",
				(int)strcspn(env, ":"), env) < 0)
				cfg->control_socket = NULL;
		} else if (asprintf(&cfg->control_socket, "%s/control.sock",
			       cfg->state_dir) < 0) {
			cfg->control_socket = NULL;
		}
	}
	if (cfg->control_socket != NULL && strlen(cfg->control_socket) >= 108)
		err_at(&L, "control_socket", 0,
		    "socket path longer than 107 bytes");
out:
	jsonpos_free(&L.pos);
	json_decref(root);
	if (errs->n > before) {
		/* In file order, as a compiler reports them. */
		qsort(errs->v + before, errs->n - before, sizeof(*errs->v),
		    error_cmp);
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_free(struct sw_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nstories; i++) {
		struct cfg_story *s = &cfg->stories[i];

		free(s->id);
		free(s->title);
		free_strv(s->baseline, s->nbaseline);
		free_strv(s->terms, s->nterms);
	}
	free(cfg->stories);
	for (size_t i = 0; i < cfg->nfeeds; i++) {
		struct cfg_feed *f = &cfg->feeds[i];

		free(f->id);
		free(f->url);
		free(f->title);
		free_strv(f->stories, f->nstories);
	}
	free(cfg->feeds);
	free_strv(cfg->feeds_opml, cfg->nfeeds_opml);
	for (size_t i = 0; i < cfg->nwebhooks; i++) {
		struct cfg_webhook *w = &cfg->webhooks[i];

		free(w->id);
		free(w->url);
		free(w->format);
		if (w->secret != NULL) {
			/* Do not leave the secret in freed memory. */
			explicit_bzero(w->secret, strlen(w->secret));
			free(w->secret);
		}
		free(w->secret_file);
		free(w->secret_credential);
		free_strv(w->stories, w->nstories);
		for (size_t j = 0; j < w->nheaders; j++) {
			free(w->headers[j].name);
			free(w->headers[j].value);
		}
		free(w->headers);
	}
	free(cfg->webhooks);
	free(cfg->path);
	free(cfg->dir);
	free(cfg->state_dir);
	free(cfg->control_socket);
	free(cfg);
}

const char *
config_default_path(void)
{
	static const char *const candidates[] = {
		SW_SYSCONFDIR "/storywatch/storywatch.json",
		"/etc/storywatch/storywatch.json",
		SW_SOURCE_ROOT "/config/storywatch.json",
	};

	for (size_t i = 0; i < SW_ARRAY_SIZE(candidates); i++)
		if (access(candidates[i], R_OK) == 0)
			return candidates[i];
	return NULL;
}

const struct cfg_story *
config_story(const struct sw_config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nstories; i++)
		if (cfg->stories[i].id != NULL &&
		    strcmp(cfg->stories[i].id, id) == 0)
			return &cfg->stories[i];
	return NULL;
}

const struct cfg_feed *
config_feed(const struct sw_config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nfeeds; i++)
		if (cfg->feeds[i].id != NULL &&
		    strcmp(cfg->feeds[i].id, id) == 0)
			return &cfg->feeds[i];
	return NULL;
}

const struct cfg_webhook *
config_webhook(const struct sw_config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->nwebhooks; i++)
		if (cfg->webhooks[i].id != NULL &&
		    strcmp(cfg->webhooks[i].id, id) == 0)
			return &cfg->webhooks[i];
	return NULL;
}

int
config_feed_has_story(const struct cfg_feed *f, const char *story_id)
{
	if (f->nstories == 0)
		return 1;
	for (size_t i = 0; i < f->nstories; i++)
		if (strcmp(f->stories[i], story_id) == 0)
			return 1;
	return 0;
}

int
config_webhook_has_story(const struct cfg_webhook *w, const char *story_id)
{
	if (w->nstories == 0)
		return 1;
	for (size_t i = 0; i < w->nstories; i++)
		if (strcmp(w->stories[i], story_id) == 0)
			return 1;
	return 0;
}

int
config_add_feed(
    struct sw_config *cfg, const char *id, const char *url, const char *title)
{
	struct cfg_feed *nv, *f;

	if (config_feed(cfg, id) != NULL)
		return -1;
	nv = realloc(cfg->feeds, (cfg->nfeeds + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	cfg->feeds = nv;
	f = &cfg->feeds[cfg->nfeeds];
	memset(f, 0, sizeof(*f));
	f->id = strdup(id);
	f->url = strdup(url);
	f->title = sw_strdup0(title);
	f->interval_ms = 15 * 60 * 1000;
	f->from_opml = 1;
	if (f->id == NULL || f->url == NULL) {
		free(f->id);
		free(f->url);
		free(f->title);
		return -1;
	}
	cfg->nfeeds++;
	return 0;
}
