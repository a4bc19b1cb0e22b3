/* storywatchctl: talk to storywatchd over its control socket, or work offline.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "ctl.h"
#include "ctlproto.h"
#include "sw_config.h"
#include "util.h"
#ifdef HAVE_CTL_PARSE
#include "parse.h"
#endif
#ifdef HAVE_CTL_ANALYZE
#include "analyze.h"
#endif

struct ctl_opts {
	const char *socket;
	const char *config;
	int json;
};

typedef int (*render_fn)(json_t *data);

/* How a daemon command's arguments are read from the command line. */
enum arg_kind {
	ARGS_NONE,
	ARGS_OPT_ID,	/* [ID] -> {"id": ID} */
	ARGS_ID,	/* ID -> {"id": ID} */
	ARGS_OPTIONS,	/* --name VALUE pairs, see the table */
	ARGS_REDELIVER, /* ALERT_ID | --dead, [--webhook ID] */
};

struct ctl_cmd {
	const char *name;
	const char *usage;
	const char *help;
	enum arg_kind args;
	render_fn render;
	int (*offline)(int argc, char **argv); /* runs without a daemon */
	const char *const *options;	       /* for ARGS_OPTIONS */
};

static int render_status(json_t *);
static int render_feeds(json_t *);
static int render_poll(json_t *);
static int render_alerts(json_t *);
static int render_deliveries(json_t *);
static int render_redeliver(json_t *);
static int render_test_webhook(json_t *);
static int render_timeline(json_t *);
static int render_generic(json_t *);

static const char *const alerts_opts[] = { "story", "limit", NULL };
static const char *const deliveries_opts[] = { "webhook", "state", "limit",
	NULL };

static const struct ctl_cmd commands[] = {
	{ "status", "status",
	    "daemon, feeds, stories and deliveries at a glance", ARGS_NONE,
	    render_status, NULL, NULL },
	{ "reload", "reload", "re-read the configuration (as SIGHUP)",
	    ARGS_NONE, render_generic, NULL, NULL },
	{ "feeds", "feeds", "every feed with its state and last result",
	    ARGS_NONE, render_feeds, NULL, NULL },
	{ "poll", "poll [FEED_ID]", "poll one feed, or all, now", ARGS_OPT_ID,
	    render_poll, NULL, NULL },
	{ "alerts", "alerts [--story ID] [--limit N]",
	    "recent alerts, newest first", ARGS_OPTIONS, render_alerts, NULL,
	    alerts_opts },
	{ "deliveries", "deliveries [--webhook ID] [--state STATE]",
	    "the webhook outbox", ARGS_OPTIONS, render_deliveries, NULL,
	    deliveries_opts },
	{ "redeliver", "redeliver ALERT_ID | --dead [--webhook ID]",
	    "queue an alert, or every dead delivery, again", ARGS_REDELIVER,
	    render_redeliver, NULL, NULL },
	{ "test-webhook", "test-webhook WEBHOOK_ID", "send a sample alert now",
	    ARGS_ID, render_test_webhook, NULL, NULL },
	{ "timeline", "timeline STORY", "the story as it developed", ARGS_ID,
	    render_timeline, NULL, NULL },
#ifdef HAVE_CTL_PARSE
	{ "parse", "parse [--base-url URL] [--content-type TYPE] FILE",
	    "parse a saved feed file offline", ARGS_NONE, NULL, ctl_cmd_parse,
	    NULL },
#endif
#ifdef HAVE_CTL_ANALYZE
	{ "analyze",
	    "analyze [--story ID [--learned] | --baseline FILE...] FILE...",
	    "analyse articles against a story offline", ARGS_NONE, NULL,
	    ctl_cmd_analyze, NULL },
#endif
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: storywatchctl [-s SOCKET] [-c CONFIG] [--json] COMMAND "
	    "[ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < SW_ARRAY_SIZE(commands); i++)
		fprintf(
		    fp, "  %-45s %s\n", commands[i].usage, commands[i].help);
	fprintf(fp,
	    "\noptions:\n"
	    "  -s, --socket PATH   control socket (default: from the config)\n"
	    "  -c, --config FILE   config file to read the socket path from\n"
	    "  -j, --json          print the daemon's JSON reply as is\n"
	    "  -h, --help          this text\n"
	    "  -V, --version       print the version\n"
	    "\nexit status: 0 ok, 1 command failed, 2 usage error, "
	    "3 daemon not reachable\n");
}

/* Unique-prefix match, as bgpctl and chronyc do. */
static const struct ctl_cmd *
find_command(const char *word)
{
	const struct ctl_cmd *hit = NULL;
	size_t n = strlen(word);

	for (size_t i = 0; i < SW_ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, word) == 0)
			return &commands[i];
		if (strncmp(commands[i].name, word, n) == 0) {
			if (hit != NULL)
				return NULL;
			hit = &commands[i];
		}
	}
	return hit;
}

static void
list_commands(FILE *fp)
{
	fprintf(fp, "valid commands:");
	for (size_t i = 0; i < SW_ARRAY_SIZE(commands); i++)
		fprintf(fp, " %s", commands[i].name);
	fprintf(fp, "\n");
}

/* Where the daemon's socket is: -s, else the config's, else the defaults. */
static char *
socket_path(const struct ctl_opts *o)
{
	struct cfg_errors errs = { 0 };
	struct sw_config *cfg;
	const char *path = o->config;
	char *sock = NULL;

	if (o->socket != NULL)
		return strdup(o->socket);
	if (path == NULL)
		path = config_default_path();
	if (path != NULL) {
		cfg = config_load(path, &errs);
		if (cfg != NULL) {
			sock = strdup(cfg->control_socket);
			config_free(cfg);
		} else {
			char buf[1024];

			fprintf(stderr,
			    "storywatchctl: cannot use %s to find the "
			    "socket:\n",
			    path);
			for (size_t i = 0; i < errs.n; i++)
				fprintf(stderr, "  %s\n",
				    cfg_error_format(
					&errs.v[i], buf, sizeof(buf)));
			cfg_errors_clear(&errs);
		}
	}
	if (sock == NULL)
		sock = strdup("/run/storywatch/control.sock");
	return sock;
}

static int
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One request, one reply line. Exit code per the contract. */
static int
call_daemon(const struct ctl_opts *o, const struct ctl_cmd *c, json_t *args)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct buf in;
	char *sock, *line;
	json_t *req, *root = NULL, *data = NULL;
	const char *code, *message;
	size_t len;
	int fd, ok, rc = CTL_EXIT_FAILED;

	sock = socket_path(o);
	if (strlen(sock) >= sizeof(sun.sun_path)) {
		fprintf(
		    stderr, "storywatchctl: socket path too long: %s\n", sock);
		free(sock);
		json_decref(args);
		return CTL_EXIT_USAGE;
	}
	strcpy(sun.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr,
		    "storywatchctl: cannot reach storywatchd at %s: %s\n"
		    "Is the daemon running? (systemctl status storywatch)\n",
		    sock, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(sock);
		json_decref(args);
		return CTL_EXIT_UNREACHABLE;
	}
	req = ctlproto_request_new(c->name, args);
	line = ctlproto_encode(req, &len);
	json_decref(req);
	if (line == NULL || send_all(fd, line, len) < 0) {
		fprintf(stderr, "storywatchctl: cannot send to %s: %s\n", sock,
		    strerror(errno));
		free(line);
		close(fd);
		free(sock);
		return CTL_EXIT_UNREACHABLE;
	}
	free(line);
	buf_init(&in, CTL_MAX_RESPONSE);
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		char chunk[65536];
		ssize_t r;

		if (memchr(in.data ? in.data : "", '\n', in.len) != NULL)
			break;
		if (poll(&pfd, 1, 60000) <= 0) {
			fprintf(stderr,
			    "storywatchctl: no reply from %s within 60 s\n",
			    sock);
			rc = CTL_EXIT_UNREACHABLE;
			goto out;
		}
		r = recv(fd, chunk, sizeof(chunk), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr,
			    "storywatchctl: %s closed the connection without "
			    "a reply\n",
			    sock);
			rc = CTL_EXIT_UNREACHABLE;
			goto out;
		}
		if (buf_append(&in, chunk, (size_t)r) < 0) {
			fprintf(stderr, "storywatchctl: reply too large\n");
			goto out;
		}
	}
	if (ctlproto_parse_response(
		in.data, in.len, &root, &ok, &data, &code, &message) < 0) {
		fprintf(
		    stderr, "storywatchctl: malformed reply from %s\n", sock);
		goto out;
	}
	if (o->json) {
		/* The daemon's reply as is, one line. */
		fwrite(in.data, 1, in.len, stdout);
		rc = ok ? CTL_EXIT_OK : CTL_EXIT_FAILED;
	} else if (!ok) {
		fprintf(stderr, "storywatchctl: %s: %s (%s)\n", c->name,
		    message, code);
		rc = CTL_EXIT_FAILED;
	} else {
		rc = c->render(data);
	}
out:
	json_decref(data);
	json_decref(root);
	buf_free(&in);
	close(fd);
	free(sock);
	return rc;
}

static void print_kv(const char *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
print_kv(const char *k, const char *fmt, ...)
{
	va_list ap;

	printf("%-20s ", k);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *
jstr(json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : dflt;
}

static long long
jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static int
render_status(json_t *d)
{
	char dur[32];
	json_t *reload = json_object_get(d, "last_reload");
	json_t *feeds = json_object_get(d, "feeds");
	json_t *stories = json_object_get(d, "stories");
	json_t *del = json_object_get(d, "deliveries");
	json_t *s;
	size_t i;

	print_kv("storywatchd", "%s, pid %lld, up %s", jstr(d, "version", "?"),
	    jint(d, "pid"),
	    duration_format(
		(uint64_t)jint(d, "uptime_s") * 1000, dur, sizeof(dur)));
	print_kv("config", "%s", jstr(d, "config", "?"));
	print_kv("state", "%s", jstr(d, "state_dir", "?"));
	if (json_is_object(feeds))
		print_kv("feeds", "%lld (%lld ok, %lld failing, %lld disabled)",
		    jint(feeds, "total"), jint(feeds, "ok"),
		    jint(feeds, "failing"), jint(feeds, "disabled"));
	else
		print_kv("feeds", "%lld", jint(d, "feeds"));
	if (json_object_get(d, "last_poll") != NULL)
		print_kv("last poll", "%s", jstr(d, "last_poll", "never"));
	print_kv("webhooks", "%lld", jint(d, "webhooks"));
	if (json_object_get(d, "alerts_24h") != NULL)
		print_kv("alerts (24 h)", "%lld", jint(d, "alerts_24h"));
	if (json_is_object(del))
		print_kv("deliveries", "%lld pending, %lld dead",
		    jint(del, "pending"), jint(del, "dead"));
	if (json_is_array(json_object_get(d, "stories_detail")))
		stories = json_object_get(d, "stories_detail");
	if (json_is_array(stories)) {
		json_array_foreach(stories, i, s)
		{
			char k[80];

			snprintf(k, sizeof(k), "story %s", jstr(s, "id", "?"));
			print_kv(k, "%lld baseline sentences, %lld learned",
			    jint(s, "baseline_sentences"), jint(s, "learned"));
		}
	} else {
		print_kv("stories", "%lld", jint(d, "stories"));
	}
	if (jstr(d, "disk_full_since", NULL) != NULL)
		print_kv("DISK FULL",
		    "since %s: polling paused, deliveries go on",
		    jstr(d, "disk_full_since", "?"));
	if (json_array_size(json_object_get(d, "quarantined")) > 0)
		print_kv("quarantined",
		    "%zu inputs (crashed or hung the daemon)",
		    json_array_size(json_object_get(d, "quarantined")));
	if (json_is_object(reload)) {
		const char *err = jstr(reload, "error", NULL);

		print_kv("last reload", "%s %s%s",
		    jstr(reload, "time", "never"),
		    json_is_true(json_object_get(reload, "ok")) ? "ok"
								: "FAILED",
		    "");
		if (err != NULL)
			printf("%s\n", err);
	}
	return CTL_EXIT_OK;
}

/* "2026-11-23T17:38:01Z" -> "11-23 17:38"; "-" for null. */
static const char *
short_time(json_t *o, const char *key, char *buf, size_t len)
{
	const char *t = jstr(o, key, NULL);

	if (t == NULL || strlen(t) < 16)
		return "-";
	snprintf(buf, len, "%.5s %.5s", t + 5, t + 11);
	return buf;
}

static int
render_feeds(json_t *d)
{
	json_t *feeds = json_object_get(d, "feeds"), *f;
	size_t i;
	int problems = 0;

	printf("%-24s %-9s %-11s %-13s %4s %5s %4s %-11s\n", "FEED", "STATE",
	    "LAST FETCH", "RESULT", "HTTP", "ITEMS", "ERRS", "NEXT POLL");
	json_array_foreach(feeds, i, f)
	{
		char last[32], next[32], http[8];

		snprintf(http, sizeof(http), "%lld", jint(f, "http_status"));
		printf("%-24.24s %-9s %-11s %-13.13s %4s %5lld %4lld %-11s\n",
		    jstr(f, "id", "?"), jstr(f, "state", "?"),
		    short_time(f, "last_fetch", last, sizeof(last)),
		    jstr(f, "last_result", "-"),
		    jint(f, "http_status") ? http : "-", jint(f, "items"),
		    jint(f, "consecutive_errors"),
		    short_time(f, "next_poll", next, sizeof(next)));
		if (jstr(f, "error", NULL) != NULL ||
		    json_is_true(json_object_get(f, "bozo")))
			problems = 1;
	}
	if (!problems)
		return CTL_EXIT_OK;
	printf("\n");
	json_array_foreach(feeds, i, f)
	{
		if (jstr(f, "error", NULL) != NULL)
			printf("%s: %s\n", jstr(f, "id", "?"),
			    jstr(f, "error", ""));
		if (json_is_true(json_object_get(f, "bozo")))
			printf("%s: ill-formed (parsed anyway): %s\n",
			    jstr(f, "id", "?"), jstr(f, "bozo_reason", "?"));
	}
	return CTL_EXIT_OK;
}

static int
render_poll(json_t *d)
{
	json_t *list = json_object_get(d, "polling"), *v;
	size_t i;

	if (json_array_size(list) == 0)
		printf("nothing to poll (already in flight)\n");
	json_array_foreach(list, i, v)
	    printf("polling %s\n", json_string_value(v));
	return CTL_EXIT_OK;
}

/* One claim or figure line, wrapped to the terminal's usual width. */
static void
print_wrapped(const char *lead, const char *text)
{
	size_t col = strlen(lead), indent = col;
	const char *p = text;

	printf("%s", lead);
	while (*p != '\0') {
		size_t w = strcspn(p, " ");

		if (col + w > 78 && col > indent) {
			printf("\n%*s", (int)indent, "");
			col = indent;
		}
		printf("%.*s", (int)w, p);
		col += w;
		p += w;
		if (*p == ' ') {
			putchar(' ');
			col++;
			p++;
		}
	}
	putchar('\n');
}

static void
print_alert(json_t *a)
{
	json_t *art = json_object_get(a, "article");
	json_t *story = json_object_get(a, "story");
	json_t *claims = json_object_get(a, "new_claims");
	json_t *figs = json_object_get(a, "changed_figures");
	json_t *corr = json_object_get(a, "corroborated");
	json_t *v;
	size_t i;

	printf("%s  %s  %s\n", jstr(a, "detected_at", "?"),
	    jstr(story, "id", "?"), jstr(a, "id", "?"));
	printf("  %s%s\n", jstr(art, "title", "(untitled)"),
	    strcmp(jstr(a, "kind", ""), "article_updated") == 0 ? " (updated)"
								: "");
	printf("  %s  [%s]\n", jstr(art, "url", ""),
	    jstr(json_object_get(art, "feed"), "id", "?"));
	json_array_foreach(claims, i, v)
	{
		char lead[32];

		snprintf(lead, sizeof(lead), "  + (%.2f) ",
		    json_number_value(json_object_get(v, "novelty")));
		print_wrapped(lead, jstr(v, "text", ""));
	}
	json_array_foreach(figs, i, v)
	{
		char line[1024];

		snprintf(line, sizeof(line), "%s: %s -> %s",
		    jstr(v, "subject", "?"),
		    jstr(json_object_get(v, "old"), "text", "?"),
		    jstr(json_object_get(v, "new"), "text", "?"));
		print_wrapped("  ~ ", line);
	}
	json_array_foreach(corr, i, v)
	{
		char lead[40];

		snprintf(lead, sizeof(lead), "  = (x%lld) ", jint(v, "count"));
		print_wrapped(lead, jstr(v, "text", ""));
	}
}

static int
render_alerts(json_t *d)
{
	json_t *alerts = json_object_get(d, "alerts"), *a;
	size_t i;

	if (json_array_size(alerts) == 0)
		printf("no alerts yet\n");
	json_array_foreach(alerts, i, a)
	{
		if (i > 0)
			printf("\n");
		print_alert(a);
	}
	return CTL_EXIT_OK;
}

static int
render_deliveries(json_t *d)
{
	json_t *list = json_object_get(d, "deliveries");
	json_t *hooks = json_object_get(d, "webhooks"), *v;
	size_t i;

	json_array_foreach(hooks, i, v) printf(
	    "webhook %s (%s, %s%s): %lld delivered, %lld failed "
	    "attempts%s%s\n",
	    jstr(v, "id", "?"), jstr(v, "format", "?"), jstr(v, "state", "?"),
	    json_is_true(json_object_get(v, "signed")) ? ", signed" : "",
	    jint(v, "delivered"), jint(v, "failed"),
	    jstr(v, "last_error", NULL) ? "; last error: " : "",
	    jstr(v, "last_error", ""));
	if (json_array_size(hooks) > 0)
		printf("\n");
	printf("%-38s %-12s %-10s %4s %4s %-20s %s\n", "ALERT", "WEBHOOK",
	    "STATE", "TRY", "HTTP", "NEXT ATTEMPT", "LAST ERROR");
	json_array_foreach(list, i, v) printf(
	    "%-38s %-12.12s %-10s %4lld %4lld %-20s %s\n",
	    jstr(v, "alert_id", "?"), jstr(v, "webhook", "?"),
	    jstr(v, "state", "?"), jint(v, "attempts"), jint(v, "last_status"),
	    jstr(v, "next_attempt", "-"), jstr(v, "last_error", ""));
	return CTL_EXIT_OK;
}

static int
render_redeliver(json_t *d)
{
	printf("%lld deliver%s queued again\n", jint(d, "queued"),
	    jint(d, "queued") == 1 ? "y" : "ies");
	return CTL_EXIT_OK;
}

static int
render_test_webhook(json_t *d)
{
	const char *result = jstr(d, "result", "?");

	printf("%s: HTTP %lld in %lld ms%s%s\n", result, jint(d, "status"),
	    jint(d, "ms"), jstr(d, "error", NULL) ? ": " : "",
	    jstr(d, "error", ""));
	return strcmp(result, "delivered") == 0 ? CTL_EXIT_OK : CTL_EXIT_FAILED;
}

static int
render_timeline(json_t *d)
{
	json_t *base = json_object_get(d, "baseline");
	json_t *learned = json_object_get(d, "learned"), *v;
	size_t i;

	printf("%s\n%s\n\nBaseline:\n", jstr(d, "title", "?"),
	    jstr(d, "story", "?"));
	json_array_foreach(base, i, v) printf("  %s\n", json_string_value(v));
	printf("\nDevelopments:\n");
	if (json_array_size(learned) == 0)
		printf("  none yet\n");
	json_array_foreach(learned, i, v)
	{
		char lead[64];
		json_t *src = json_object_get(v, "sources"), *u;
		size_t k;

		snprintf(lead, sizeof(lead), "  %.10s %s ",
		    jstr(v, "date", "?"),
		    strcmp(jstr(v, "kind", ""), "figure") == 0 ? "~" : "+");
		print_wrapped(lead, jstr(v, "text", ""));
		printf("             %s (%s)", jstr(v, "title", ""),
		    jstr(v, "url", ""));
		if (jint(v, "corroboration") > 1)
			printf(", reported by %lld outlets",
			    jint(v, "corroboration"));
		printf("\n");
		json_array_foreach(src, k, u)
		    printf("             also: %s\n", json_string_value(u));
	}
	return CTL_EXIT_OK;
}

static int
render_generic(json_t *d)
{
	char *s = json_dumps(d, JSON_INDENT(2) | JSON_SORT_KEYS);

	if (s != NULL) {
		printf("%s\n", s);
		free(s);
	}
	return CTL_EXIT_OK;
}

/* Turns the words after the command into the request's args. */
static json_t *
build_args(const struct ctl_cmd *c, int argc, char **argv)
{
	json_t *args = json_object();
	int i;

	switch (c->args) {
	case ARGS_NONE:
		if (argc > 0)
			goto usage;
		break;
	case ARGS_OPT_ID:
	case ARGS_ID:
		if (argc > 1 || (c->args == ARGS_ID && argc == 0))
			goto usage;
		if (argc == 1)
			json_object_set_new(args, "id", json_string(argv[0]));
		break;
	case ARGS_REDELIVER:
		for (i = 0; i < argc; i++) {
			if (strcmp(argv[i], "--dead") == 0)
				json_object_set_new(args, "dead", json_true());
			else if (strcmp(argv[i], "--webhook") == 0 &&
			    i + 1 < argc)
				json_object_set_new(
				    args, "webhook", json_string(argv[++i]));
			else if (argv[i][0] != '-' &&
			    json_object_get(args, "id") == NULL)
				json_object_set_new(
				    args, "id", json_string(argv[i]));
			else
				goto usage;
		}
		if ((json_object_get(args, "id") == NULL) ==
		    (json_object_get(args, "dead") == NULL))
			goto usage;
		break;
	case ARGS_OPTIONS:
		for (i = 0; i < argc; i += 2) {
			size_t k;

			if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc)
				goto usage;
			for (k = 0; c->options[k] != NULL; k++)
				if (strcmp(c->options[k], argv[i] + 2) == 0)
					break;
			if (c->options[k] == NULL)
				goto usage;
			json_object_set_new(
			    args, argv[i] + 2, json_string(argv[i + 1]));
		}
		break;
	}
	return args;
usage:
	json_decref(args);
	fprintf(stderr, "usage: storywatchctl %s\n", c->usage);
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_opts o = { 0 };
	const struct ctl_cmd *c;
	json_t *args;
	int ch, i, n;
	char **rest;

	/* "+" stops at the command so its own options stay its own. */
	while (
	    (ch = getopt_long(argc, argv, "+s:c:jhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.socket = optarg;
			break;
		case 'c':
			o.config = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			printf("storywatchctl %s\n", SW_VERSION);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if ((c = find_command(argv[optind])) == NULL) {
		fprintf(stderr,
		    "storywatchctl: unknown or ambiguous command "
		    "\"%s\"\n",
		    argv[optind]);
		list_commands(stderr);
		return CTL_EXIT_USAGE;
	}
	if (c->offline != NULL) {
		/* Offline commands parse their own options (and --json). */
		char *cargv[argc - optind + 4];

		n = 0;
		cargv[n++] = (char *)c->name;
		for (i = optind + 1; i < argc; i++)
			cargv[n++] = argv[i];
		if (o.json)
			cargv[n++] = "--json";
		if (o.config != NULL && strcmp(c->name, "analyze") == 0) {
			cargv[n++] = "-c";
			cargv[n++] = (char *)o.config;
		}
		cargv[n] = NULL;
		optind = 0;
		return c->offline(n, cargv);
	}
	/* --json may also follow the command, as users type it. */
	rest = calloc((size_t)argc, sizeof(char *));
	n = 0;
	for (i = optind + 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 ||
		    strcmp(argv[i], "-j") == 0)
			o.json = 1;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			o.config = argv[++i];
		else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			o.socket = argv[++i];
		else
			rest[n++] = argv[i];
	}
	args = build_args(c, n, rest);
	free(rest);
	if (args == NULL)
		return CTL_EXIT_USAGE;
	return call_daemon(&o, c, args);
}
