/*
 * The feedparser-derived conformance cases (SW_SHARED/conformance/feedparser):
 * run every case through feed_parse_buf and compare with the manifest.
 * Fails when a case not in tests/conformance-known-failures.txt fails;
 * prints a note when a listed case passes.  Exits 77 without the folder.
 * With --list it prints "file  # reason" for every failing case instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed.h"
#include "feed_date.h"

struct known {
	char **files;
	size_t n;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf != NULL) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static void
load_known(const char *path, struct known *k)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	k->files = NULL;
	k->n = 0;
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *e;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		e = p;
		while (*e != '\0' && *e != ' ' && *e != '\t' && *e != '\n')
			e++;
		*e = '\0';
		k->files = realloc(k->files, (k->n + 1) * sizeof(char *));
		k->files[k->n++] = strdup(p);
	}
	fclose(f);
}

static int
is_known(const struct known *k, const char *file)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->files[i], file) == 0)
			return 1;
	return 0;
}

static const char *
trim(const char *s, size_t *n)
{
	size_t l;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	l = strlen(s);
	while (l > 0 &&
	    (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\n' ||
		s[l - 1] == '\r'))
		l--;
	*n = l;
	return s;
}

/* The parser's value for a manifest path; NULL when absent. */
static const char *
value_of(const struct feed_doc *doc, const char *path, char *tmp, size_t tl)
{
	unsigned long idx;
	char field[32];
	const struct feed_entry *e;

	if (strcmp(path, "feed.title") == 0)
		return doc->title;
	if (strcmp(path, "feed.link") == 0)
		return doc->link;
	if (sscanf(path, "entries[%lu].%31s", &idx, field) != 2)
		return NULL;
	if (idx >= doc->nentries)
		return NULL;
	e = &doc->entries[idx];
	if (strcmp(field, "title") == 0)
		return e->title;
	if (strcmp(field, "link") == 0)
		return e->link;
	if (strcmp(field, "id") == 0)
		return e->id_source == FEED_ID_GUID ? e->id : NULL;
	if (strcmp(field, "author") == 0)
		return e->author;
	if (strcmp(field, "summary") == 0)
		return e->summary;
	if (strcmp(field, "content") == 0)
		return e->content;
	if (strcmp(field, "published") == 0)
		return e->published == FEED_NO_DATE
		    ? NULL
		    : feed_date_format(e->published, tmp, tl);
	if (strcmp(field, "updated") == 0)
		return e->updated == FEED_NO_DATE
		    ? NULL
		    : feed_date_format(e->updated, tmp, tl);
	return NULL;
}

/* 1 when the check holds; else 0 with why. */
static int
run_check(const struct feed_doc *doc, json_t *chk, char *why, size_t wl)
{
	const char *path = json_string_value(json_object_get(chk, "path"));
	json_t *eq = json_object_get(chk, "equals");
	json_t *co = json_object_get(chk, "contains");
	char tmp[64];
	const char *v, *want, *have;
	size_t wn, hn;

	if (path == NULL)
		return 1;
	if (strcmp(path, "bozo") == 0) {
		int b = doc->bozo || doc->error != FEED_OK;
		if (json_is_boolean(eq) && json_is_true(eq) == b)
			return 1;
		snprintf(why, wl, "bozo is %s (%s)", b ? "true" : "false",
		    doc->bozo_reason	 ? doc->bozo_reason
			: doc->error_msg ? doc->error_msg
					 : "no reason");
		return 0;
	}
	v = value_of(doc, path, tmp, sizeof(tmp));
	want = json_string_value(eq ? eq : co);
	if (want == NULL)
		return 1;
	if (v == NULL) {
		snprintf(why, wl, "%s missing (want %.60s)", path, want);
		return 0;
	}
	want = trim(want, &wn);
	have = trim(v, &hn);
	if (eq != NULL) {
		if (wn == hn && memcmp(want, have, wn) == 0)
			return 1;
	} else if (hn >= wn) {
		for (size_t i = 0; i + wn <= hn; i++)
			if (memcmp(have + i, want, wn) == 0)
				return 1;
	}
	snprintf(why, wl, "%s is \"%.*s\", want %s \"%.*s\"", path,
	    (int)(hn > 80 ? 80 : hn), have, eq ? "=" : "contains",
	    (int)(wn > 80 ? 80 : wn), want);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *shared = getenv("SW_SHARED");
	const char *src = getenv("SW_SOURCE_ROOT");
	char dir[2048], path[4200];
	json_t *man, *cases, *cs;
	json_error_t jerr;
	struct known known;
	size_t i, pass = 0, total = 0, unexpected = 0, fixed = 0;
	int list = argc > 1 && strcmp(argv[1], "--list") == 0;

	if (shared == NULL)
		shared = "../shared";
	snprintf(dir, sizeof(dir), "%s/conformance/feedparser", shared);
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	man = json_load_file(path, 0, &jerr);
	if (man == NULL) {
		printf("SKIP: no conformance cases at %s\n", dir);
		return 77;
	}
	snprintf(path, sizeof(path), "%s/tests/conformance-known-failures.txt",
	    src ? src : ".");
	load_known(path, &known);
	feeds_init();
	cases = json_object_get(man, "cases");
	json_array_foreach(cases, i, cs)
	{
		const char *file =
		    json_string_value(json_object_get(cs, "file"));
		json_t *http = json_object_get(cs, "http"), *chk;
		json_t *hdrs = json_object_get(http, "headers");
		struct feed_parse_opts o;
		struct feed_doc *doc;
		char *buf, why[400] = "";
		size_t len, k;
		int ok = 1;

		snprintf(path, sizeof(path), "%s/%s", dir, file);
		buf = slurp(path, &len);
		if (buf == NULL) {
			printf("FAIL %s: unreadable\n", file);
			unexpected++;
			continue;
		}
		feed_parse_opts_init(&o);
		o.clamp_future = 0;
		o.base_url = json_string_value(json_object_get(http, "url"));
		o.content_type =
		    json_string_value(json_object_get(hdrs, "Content-Type"));
		o.content_location = json_string_value(
		    json_object_get(hdrs, "Content-Location"));
		doc = feed_parse_buf(buf, len, &o);
		json_array_foreach(json_object_get(cs, "checks"), k, chk)
		{
			if (!run_check(doc, chk, why, sizeof(why))) {
				ok = 0;
				break;
			}
		}
		total++;
		if (ok) {
			pass++;
			if (is_known(&known, file)) {
				fixed++;
				if (!list)
					printf("NOTE %s now passes: remove it "
					       "from the known failures\n",
					    file);
			}
		} else if (list) {
			printf("%s  # %s\n", file, why);
		} else if (!is_known(&known, file)) {
			unexpected++;
			printf("FAIL %s: %s\n", file, why);
		}
		feed_doc_free(doc);
		free(buf);
	}
	fprintf(list ? stderr : stdout,
	    "conformance: %zu/%zu cases pass (%.1f%%), %zu unexpected "
	    "failures, %zu listed cases now pass\n",
	    pass, total, total ? 100.0 * (double)pass / (double)total : 0.0,
	    unexpected, fixed);
	for (i = 0; i < known.n; i++)
		free(known.files[i]);
	free(known.files);
	json_decref(man);
	if (list)
		return 0;
	return unexpected == 0 && pass * 100 >= total * 95 ? 0 : 1;
}
