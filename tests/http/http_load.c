/* Load check for http/: fetch every URL of a list at once, then again with the
 * validators, and report times and peak RSS. */
#include <sys/resource.h>

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "util.h"

/*
 * usage: http_load [-h per-host] [-c total] [-a max-active] LIST
 * LIST has one URL a line (the bench farm's lists/feeds-N.txt).  Pass 1 is
 * cold; pass 2 sends each ETag/Last-Modified back (a warm poll).
 */

struct entry {
	char *url;
	char *etag;
	char *last_modified;
};

static struct event_base *base;
static size_t pending, n_ok, n_304, n_fail;
static uint64_t body_bytes;

static void
done_cb(struct http_req *req, struct http_result *res, void *arg)
{
	struct entry *e = arg;

	if (res->kind == HTTP_R_OK) {
		n_ok++;
		body_bytes += res->body_len;
		free(e->etag);
		free(e->last_modified);
		e->etag = sw_strdup0(res->etag);
		e->last_modified = sw_strdup0(res->last_modified);
	} else if (res->kind == HTTP_R_NOT_MODIFIED) {
		n_304++;
	} else {
		if (n_fail++ < 5)
			fprintf(stderr, "%s: %s: %s\n", e->url,
			    http_result_kind_name(res->kind),
			    res->error ? res->error : "");
	}
	if (--pending == 0)
		event_base_loopbreak(base);
}

static int
run_pass(struct http_ctx *hc, struct entry *v, size_t n, const char *name)
{
	uint64_t t0 = sw_mono_ms();
	struct rusage ru;
	size_t i;

	n_ok = n_304 = n_fail = 0;
	body_bytes = 0;
	pending = n;
	for (i = 0; i < n; i++) {
		struct http_request_opts o = { .url = v[i].url,
			.etag = v[i].etag,
			.last_modified = v[i].last_modified,
			.follow_redirects = 1 };

		if (http_request(hc, &o, done_cb, &v[i]) == NULL)
			return -1;
	}
	event_base_dispatch(base);
	getrusage(RUSAGE_SELF, &ru);
	printf("%s: %zu requests in %.3f s: %zu ok, %zu not-modified, "
	       "%zu failed, %.1f MB bodies, peak RSS %.1f MB\n",
	    name, n, (double)(sw_mono_ms() - t0) / 1000.0, n_ok, n_304, n_fail,
	    (double)body_bytes / 1e6, (double)ru.ru_maxrss / 1024.0);
	return 0;
}

int
main(int argc, char **argv)
{
	struct http_limits lim;
	struct http_ctx *hc;
	struct entry *v = NULL;
	size_t n = 0, cap = 0, i;
	char line[4096];
	FILE *f;
	int ch;

	http_limits_default(&lim);
	lim.allow_private_addresses = 1;
	while ((ch = getopt(argc, argv, "h:c:a:")) != -1) {
		switch (ch) {
		case 'h':
			lim.max_host_connections = atol(optarg);
			break;
		case 'c':
			lim.max_connections = atol(optarg);
			break;
		case 'a':
			lim.max_active = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	if ((f = fopen(argv[optind], "r")) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((v = realloc(v, cap * sizeof(*v))) == NULL)
				return 1;
		}
		memset(&v[n], 0, sizeof(v[n]));
		if ((v[n].url = strdup(line)) == NULL)
			return 1;
		n++;
	}
	fclose(f);
	base = event_base_new();
	if (base == NULL || (hc = http_new(base, &lim)) == NULL)
		return 1;
	if (run_pass(hc, v, n, "cold") == -1 ||
	    run_pass(hc, v, n, "warm") == -1)
		return 1;
	http_free(hc);
	event_base_free(base);
	for (i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].etag);
		free(v[i].last_modified);
	}
	free(v);
	return 0;
usage:
	fprintf(stderr,
	    "usage: http_load [-h per-host] [-c total] "
	    "[-a max-active] URL-LIST\n");
	return 2;
}
