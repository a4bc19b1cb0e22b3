/* storywatchctl parse: one saved feed file through feeds/, printed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed.h"
#include "feed_date.h"
#include "parse.h"

/* Same ceiling as a fetched feed body, plus room to say it is too big. */
#define PARSE_MAX_FILE (64u << 20)

static void
parse_usage(void)
{
	fprintf(stderr,
	    "usage: storywatchctl parse [--base-url URL] "
	    "[--content-type TYPE] [--json] FILE\n");
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > PARSE_MAX_FILE + 1)
				cap = PARSE_MAX_FILE + 1;
			if (n == cap) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap);
			if (nb == NULL)
				goto fail;
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*len = n;
	if (buf == NULL)
		buf = malloc(1);
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

static void
print_field(const char *label, const char *v, size_t max)
{
	if (v == NULL)
		return;
	if (strlen(v) > max)
		printf("  %-10s %.*s...\n", label, (int)max, v);
	else
		printf("  %-10s %s\n", label, v);
}

static void
print_report(const struct feed_doc *doc, const char *path)
{
	char d[32];

	printf("%s: %s", path, feed_format_name(doc->format));
	if (doc->error != FEED_OK)
		printf(", error %s: %s", feed_error_name(doc->error),
		    doc->error_msg ? doc->error_msg : "");
	printf("\n");
	if (doc->bozo)
		printf("ill-formed: %s\n",
		    doc->bozo_reason ? doc->bozo_reason : "yes");
	if (doc->alternate_url != NULL)
		printf("feed advertised: %s\n", doc->alternate_url);
	if (doc->title != NULL)
		printf("title: %s\n", doc->title);
	if (doc->link != NULL)
		printf("link: %s\n", doc->link);
	printf("%zu entries", doc->nentries);
	if (doc->ndropped)
		printf(" (%zu older dropped)", doc->ndropped);
	if (doc->nduplicates)
		printf(" (%zu duplicate ids dropped)", doc->nduplicates);
	printf("\n");
	for (size_t i = 0; i < doc->nentries; i++) {
		const struct feed_entry *e = &doc->entries[i];
		printf(
		    "\n[%zu] %s\n", i + 1, e->title ? e->title : "(untitled)");
		print_field("id", e->id, 200);
		print_field("link", e->link, 200);
		print_field("author", e->author, 200);
		if (e->published != FEED_NO_DATE)
			print_field("published",
			    feed_date_format(e->published, d, sizeof(d)), 40);
		if (e->updated != FEED_NO_DATE)
			print_field("updated",
			    feed_date_format(e->updated, d, sizeof(d)), 40);
		print_field("summary", e->summary, 160);
		print_field("content", e->content, 160);
		for (size_t k = 0; k < e->ncategories; k++)
			print_field("category", e->categories[k], 100);
	}
}

int
ctl_cmd_parse(int argc, char **argv)
{
	struct feed_parse_opts opts;
	struct feed_doc *doc;
	const char *path = NULL;
	int json = 0, rc;
	size_t len;
	char *buf;

	feed_parse_opts_init(&opts);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 ||
		    strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "--base-url") == 0 && i + 1 < argc)
			opts.base_url = argv[++i];
		else if (strcmp(argv[i], "--content-type") == 0 && i + 1 < argc)
			opts.content_type = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			parse_usage();
			return 2;
		} else if (path == NULL)
			path = argv[i];
		else {
			parse_usage();
			return 2;
		}
	}
	if (path == NULL) {
		parse_usage();
		return 2;
	}
	buf = read_file(path, &len);
	if (buf == NULL) {
		fprintf(
		    stderr, "storywatchctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	feeds_init();
	doc = feed_parse_buf(buf, len, &opts);
	free(buf);
	if (doc == NULL) {
		fprintf(stderr, "storywatchctl: %s: out of memory\n", path);
		return 1;
	}
	if (json) {
		json_t *o = feed_doc_to_json(doc);
		char *s = o
		    ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		    : NULL;
		if (s == NULL) {
			fprintf(stderr, "storywatchctl: out of memory\n");
			json_decref(o);
			feed_doc_free(doc);
			return 1;
		}
		printf("%s\n", s);
		free(s);
		json_decref(o);
	} else {
		print_report(doc, path);
	}
	rc = doc->error == FEED_OK ? 0 : 1;
	if (rc != 0 && !json)
		fprintf(stderr, "storywatchctl: %s: %s\n", path,
		    doc->error_msg ? doc->error_msg : "parse failed");
	feed_doc_free(doc);
	return rc;
}
