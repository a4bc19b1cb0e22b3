/* testhttpd as a program, for shell-level tests: serve a folder and/or a JSON
 * route file, print the port. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "testhttpd.h"

/*
 * Route file: a JSON array of objects with the fields of struct
 * testhttpd_route: "path" (required), "method", "status", "content_type",
 * "body", "body_file", "headers" (array of "Name: value"), "etag",
 * "last_modified", "location", "gzip", "delay_ms", "fault" ("hang", "drip",
 * "drip-all", "close-mid", "reset", "endless", "gzip-bomb"), "drip_ms",
 * "bomb_size", "content_length".
 */

static void
usage(void)
{
	fprintf(stderr,
	    "usage: testhttpd [-p port] [-d dir] [-r routes.json] [-v]\n"
	    "Serves on 127.0.0.1, prints the port on stdout and runs until\n"
	    "SIGINT or SIGTERM; -v lists the requests seen on exit.\n");
	exit(2);
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long long
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int
load_routes(struct testhttpd *srv, const char *file)
{
	json_error_t err;
	json_t *root, *o, *h, *hv;
	size_t i, j;
	int rc = -1;

	if ((root = json_load_file(file, 0, &err)) == NULL) {
		fprintf(stderr, "%s:%d:%d: %s\n", file, err.line, err.column,
		    err.text);
		return -1;
	}
	if (!json_is_array(root)) {
		fprintf(stderr, "%s: expected an array of routes\n", file);
		goto out;
	}
	json_array_foreach(root, i, o)
	{
		struct testhttpd_route r;
		const char *hdrs[65];
		const char *fault;

		memset(&r, 0, sizeof(r));
		r.path = jstr(o, "path");
		r.method = jstr(o, "method");
		r.status = (int)jint(o, "status");
		r.content_type = jstr(o, "content_type");
		r.body = jstr(o, "body");
		r.body_file = jstr(o, "body_file");
		r.etag = jstr(o, "etag");
		r.last_modified = jstr(o, "last_modified");
		r.location = jstr(o, "location");
		r.gzip = json_is_true(json_object_get(o, "gzip"));
		r.delay_ms = (int)jint(o, "delay_ms");
		r.drip_ms = (int)jint(o, "drip_ms");
		r.bomb_size = (size_t)jint(o, "bomb_size");
		r.content_length = jint(o, "content_length");
		if ((fault = jstr(o, "fault")) != NULL &&
		    testhttpd_fault_parse(fault, &r.fault) == -1) {
			fprintf(stderr, "%s: route %zu: unknown fault %s\n",
			    file, i, fault);
			goto out;
		}
		h = json_object_get(o, "headers");
		memset(hdrs, 0, sizeof(hdrs));
		json_array_foreach(h, j, hv)
		{
			if (j < 64)
				hdrs[j] = json_string_value(hv);
		}
		r.headers = hdrs;
		if (testhttpd_add(srv, &r) == -1) {
			fprintf(stderr, "%s: route %zu: cannot add\n", file, i);
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int
main(int argc, char **argv)
{
	struct testhttpd *srv;
	const char *dir = NULL, *routes = NULL;
	int port = 0, ch, sig, verbose = 0;
	sigset_t set;

	while ((ch = getopt(argc, argv, "p:d:r:v")) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'r':
			routes = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	/* Blocked before the server thread exists, so only sigwait sees them.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if ((srv = testhttpd_start_port(port)) == NULL) {
		fprintf(stderr, "testhttpd: cannot listen on port %d\n", port);
		return 1;
	}
	testhttpd_set_recording(srv, verbose);
	if ((dir != NULL && testhttpd_set_docroot(srv, dir) == -1) ||
	    (routes != NULL && load_routes(srv, routes) == -1)) {
		testhttpd_stop(srv);
		return 1;
	}
	printf("%d\n", testhttpd_port(srv));
	fflush(stdout);
	sigwait(&set, &sig);
	if (verbose) {
		size_t i, n = testhttpd_request_count(srv);

		for (i = 0; i < n; i++) {
			struct testhttpd_request r;

			if (testhttpd_request_get(srv, i, &r) == 0) {
				fprintf(stderr, "%s %s\n", r.method, r.target);
				testhttpd_request_clear(&r);
			}
		}
	}
	testhttpd_stop(srv);
	return 0;
}
