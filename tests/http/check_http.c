/* Tests for http/: the address policy table and real transfers against
 * testhttpd on loopback. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <check.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "testhttpd.h"
#include "util.h"

/* A failing transfer must end well before this, or the test fails. */
#define SAFETY_S 30

struct got {
	int called;
	enum http_result_kind kind;
	long status;
	char *error, *etag, *last_modified, *content_type, *location;
	char *effective_url, *permanent_url;
	int permanent;
	long retry_after, max_age;
	char *body;
	size_t body_len;
	uint64_t total_ms;
};

static struct event_base *base;
static struct http_ctx *hc;
static struct testhttpd *srv;
static int pending;
static int safety_fired;

static void
got_clear(struct got *g)
{
	free(g->error);
	free(g->etag);
	free(g->last_modified);
	free(g->content_type);
	free(g->location);
	free(g->effective_url);
	free(g->permanent_url);
	free(g->body);
	memset(g, 0, sizeof(*g));
}

static void
got_cb(struct http_req *req, struct http_result *res, void *arg)
{
	struct got *g = arg;

	g->called++;
	g->kind = res->kind;
	g->status = res->status;
	g->error = sw_strdup0(res->error);
	g->etag = sw_strdup0(res->etag);
	g->last_modified = sw_strdup0(res->last_modified);
	g->content_type = sw_strdup0(res->content_type);
	g->location = sw_strdup0(res->location);
	g->effective_url = sw_strdup0(res->effective_url);
	g->permanent_url = sw_strdup0(res->permanent_url);
	g->permanent = res->permanent_redirect;
	g->retry_after = res->retry_after_s;
	g->max_age = res->max_age_s;
	g->total_ms = res->total_ms;
	ck_assert_ptr_nonnull(res->body);
	ck_assert_int_eq(res->body[res->body_len], '\0');
	g->body = http_result_steal_body(res, &g->body_len);
	ck_assert_ptr_nonnull(g->body);
	ck_assert_ptr_null(res->body);
	if (--pending == 0)
		event_base_loopbreak(base);
}

static void
safety_cb(evutil_socket_t fd, short what, void *arg)
{
	safety_fired = 1;
	event_base_loopbreak(base);
}

/* Run the loop until every pending request called back (or SAFETY_S). */
static void
run_loop(void)
{
	struct timeval tv = { SAFETY_S, 0 };
	struct event *ev = evtimer_new(base, safety_cb, NULL);

	safety_fired = 0;
	evtimer_add(ev, &tv);
	while (pending > 0 && !safety_fired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	ck_assert_msg(!safety_fired, "transfer did not end in %d s", SAFETY_S);
}

/* Run the loop for ms milliseconds whatever happens. */
static void
run_for(int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

static void
fetch(const struct http_request_opts *o, struct got *g)
{
	struct http_req *req;

	memset(g, 0, sizeof(*g));
	pending = 1;
	req = http_request(hc, o, got_cb, g);
	ck_assert_ptr_nonnull(req);
	ck_assert_int_eq(g->called, 0); /* never synchronous */
	run_loop();
	ck_assert_int_eq(g->called, 1);
}

/* GET path on the test server with the given flags. */
static void
get(const char *path, int follow, struct got *g)
{
	char *url = testhttpd_url(srv, path);
	struct http_request_opts o = { .url = url, .follow_redirects = follow };

	fetch(&o, g);
	free(url);
}

static void
new_ctx(const struct http_limits *lim)
{
	http_free(hc);
	hc = http_new(base, lim);
	ck_assert_ptr_nonnull(hc);
}

static void
setup(void)
{
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	srv = testhttpd_start();
	ck_assert_ptr_nonnull(srv);
	hc = NULL;
	new_ctx(NULL);
}

static void
teardown(void)
{
	http_free(hc);
	hc = NULL;
	testhttpd_stop(srv);
	srv = NULL;
	event_base_free(base);
	base = NULL;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = s != NULL ? strlen(s) : 0, b = strlen(suffix);

	return s != NULL && a >= b && strcmp(s + a - b, suffix) == 0;
}

/* --- address policy --- */

static const struct {
	const char *addr;
	int forbidden;
} addr_cases[] = {
	{ "127.0.0.1", 1 },
	{ "127.0.0.2", 1 },
	{ "127.255.255.254", 1 },
	{ "10.0.0.1", 1 },
	{ "10.255.255.255", 1 },
	{ "172.16.0.1", 1 },
	{ "172.31.255.255", 1 },
	{ "172.32.0.1", 0 },
	{ "172.15.255.255", 0 },
	{ "192.168.1.1", 1 },
	{ "192.169.0.1", 0 },
	{ "100.64.0.1", 1 },
	{ "100.127.255.255", 1 },
	{ "100.128.0.1", 0 },
	{ "169.254.169.254", 1 },
	{ "0.0.0.0", 1 },
	{ "0.1.2.3", 1 },
	{ "224.0.0.1", 1 },
	{ "239.255.255.250", 1 },
	{ "255.255.255.255", 1 },
	{ "240.0.0.1", 1 },
	{ "198.18.0.1", 1 },
	{ "8.8.8.8", 0 },
	{ "1.1.1.1", 0 },
	{ "93.184.216.34", 0 },
	{ "11.0.0.1", 0 },
	{ "126.255.255.255", 0 },
	{ "128.0.0.1", 0 },
	{ "223.255.255.254", 0 },
	{ "::", 1 },
	{ "::1", 1 },
	{ "fe80::1", 1 },
	{ "febf::1", 1 },
	{ "fec0::1", 1 },
	{ "fc00::1", 1 },
	{ "fd12:3456::1", 1 },
	{ "ff02::1", 1 },
	{ "ff05::2", 1 },
	{ "::ffff:127.0.0.1", 1 },
	{ "::ffff:10.1.2.3", 1 },
	{ "::ffff:169.254.169.254", 1 },
	{ "::ffff:8.8.8.8", 0 },
	{ "::127.0.0.1", 1 },
	{ "::10.0.0.1", 1 },
	{ "64:ff9b::7f00:1", 1 },
	{ "64:ff9b::808:808", 0 },
	{ "64:ff9b:1::1", 1 },
	{ "2002:7f00:1::1", 1 },
	{ "2002:c0a8:101::1", 1 },
	{ "2002:808:808::1", 0 },
	{ "100::1", 1 },
	{ "2001:4860:4860::8888", 0 },
	{ "2606:4700:4700::1111", 0 },
	{ "2a00:1450:4001:82a::200e", 0 },
	{ "fbff::1", 0 },
};

START_TEST(addr_policy_table)
{
	const char *a = addr_cases[_i].addr;
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(a, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, a, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, a, &s4->sin_addr), 1);
	}
	ck_assert_msg(http_addr_is_forbidden((struct sockaddr *)&ss) ==
		addr_cases[_i].forbidden,
	    "%s: expected %s", a,
	    addr_cases[_i].forbidden ? "forbidden" : "allowed");
	ck_assert_int_eq(
	    http_addr_forbidden_reason((struct sockaddr *)&ss) != NULL,
	    addr_cases[_i].forbidden);
}
END_TEST

START_TEST(addr_policy_other_families)
{
	struct sockaddr sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_UNIX;
	ck_assert_int_eq(http_addr_is_forbidden(&sa), 1);
	ck_assert_int_eq(http_addr_is_forbidden(NULL), 1);
}
END_TEST

START_TEST(names_tables)
{
	ck_assert_str_eq(http_result_kind_name(HTTP_R_OK), "ok");
	ck_assert_str_eq(
	    http_result_kind_name(HTTP_R_NOT_MODIFIED), "not-modified");
	ck_assert_str_eq(http_result_kind_name(HTTP_R_REFUSED), "refused");
	ck_assert_str_eq(
	    http_result_kind_name((enum http_result_kind)99), "unknown");
	ck_assert_str_eq(http_method_name(HTTP_POST), "POST");
	ck_assert_ptr_nonnull(strstr(http_default_user_agent(), "storywatch/"));
}
END_TEST

/* --- transfers --- */

START_TEST(get_ok_body)
{
	struct testhttpd_request rq;
	struct http_stats st;
	struct got g;
	const char *ua;

	ck_assert_int_eq(testhttpd_add_body(srv, "/feed", 200,
			     "application/rss+xml", "<rss>hello</rss>"),
	    0);
	get("/feed", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_int_eq(g.status, 200);
	ck_assert_str_eq(g.body, "<rss>hello</rss>");
	ck_assert_uint_eq(g.body_len, 16);
	ck_assert_str_eq(g.content_type, "application/rss+xml");
	ck_assert_ptr_null(g.error);
	ck_assert_int_eq(g.permanent, 0);
	ck_assert_int_eq(g.retry_after, -1);
	ck_assert(ends_with(g.effective_url, "/feed"));
	ck_assert_int_eq(testhttpd_request_get(srv, 0, &rq), 0);
	ck_assert_str_eq(rq.method, "GET");
	ua = testhttpd_request_header(&rq, "User-Agent");
	ck_assert_ptr_nonnull(ua);
	ck_assert_str_eq(ua, http_default_user_agent());
	ck_assert_ptr_nonnull(testhttpd_request_header(&rq, "Accept-Encoding"));
	ck_assert_ptr_null(testhttpd_request_header(&rq, "If-None-Match"));
	testhttpd_request_clear(&rq);
	http_get_stats(hc, &st);
	ck_assert_uint_eq(st.completed, 1);
	ck_assert_uint_eq(st.failed, 0);
	ck_assert_uint_eq(st.bytes, 16);
	ck_assert_uint_eq(st.in_flight, 0);
	got_clear(&g);

	get("/missing", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_HTTP_ERROR);
	ck_assert_int_eq(g.status, 404);
	ck_assert_str_eq(g.error, "HTTP 404");
	got_clear(&g);
}
END_TEST

START_TEST(conditional_get)
{
	static const char *lm = "Wed, 21 Oct 2015 07:28:00 GMT";
	struct testhttpd_route r = { .path = "/c",
		.body = "<feed/>",
		.etag = "\"abc\"",
		.last_modified = lm };
	struct testhttpd_request rq;
	char *url = testhttpd_url(srv, "/c");
	struct http_request_opts o = { .url = url };
	struct got g;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_str_eq(g.etag, "\"abc\"");
	ck_assert_str_eq(g.last_modified, lm);

	/* Second poll with the validators from the first. */
	o.etag = g.etag;
	o.last_modified = g.last_modified;
	{
		struct got g2;

		fetch(&o, &g2);
		ck_assert_int_eq(g2.kind, HTTP_R_NOT_MODIFIED);
		ck_assert_int_eq(g2.status, 304);
		ck_assert_uint_eq(g2.body_len, 0);
		ck_assert_str_eq(g2.body, "");
		got_clear(&g2);
	}
	ck_assert_int_eq(testhttpd_request_get(srv, 1, &rq), 0);
	ck_assert_str_eq(
	    testhttpd_request_header(&rq, "If-None-Match"), "\"abc\"");
	ck_assert_str_eq(
	    testhttpd_request_header(&rq, "If-Modified-Since"), lm);
	testhttpd_request_clear(&rq);

	/* Last-Modified alone also gives 304; a stale ETag does not. */
	o.etag = NULL;
	{
		struct got g3;

		fetch(&o, &g3);
		ck_assert_int_eq(g3.kind, HTTP_R_NOT_MODIFIED);
		got_clear(&g3);
		o.etag = "\"old\"";
		o.last_modified = NULL;
		fetch(&o, &g3);
		ck_assert_int_eq(g3.kind, HTTP_R_OK);
		ck_assert_str_eq(g3.body, "<feed/>");
		got_clear(&g3);
	}
	/* A validator with a line break would inject headers: dropped. */
	o.etag = "\"x\"\r\nX-Evil: 1";
	{
		struct got g4;

		fetch(&o, &g4);
		ck_assert_int_eq(g4.kind, HTTP_R_OK);
		got_clear(&g4);
	}
	ck_assert_int_eq(testhttpd_request_get(srv, 4, &rq), 0);
	ck_assert_ptr_null(testhttpd_request_header(&rq, "X-Evil"));
	ck_assert_ptr_null(testhttpd_request_header(&rq, "If-None-Match"));
	testhttpd_request_clear(&rq);
	got_clear(&g);
	free(url);
}
END_TEST

START_TEST(redirects_permanent_and_temporary)
{
	struct got g;

	testhttpd_add_body(srv, "/final", 200, "text/plain", "final");
	testhttpd_add_redirect(srv, "/p1", 301, "/p2");
	testhttpd_add_redirect(srv, "/p2", 308, "/final");
	testhttpd_add_redirect(srv, "/t1", 302, "/final");
	testhttpd_add_redirect(srv, "/t2", 307, "/final");
	testhttpd_add_redirect(srv, "/m1", 301, "/t1");
	testhttpd_add_redirect(srv, "/tp", 302, "/p2");

	get("/p1", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_str_eq(g.body, "final");
	ck_assert_int_eq(g.permanent, 1);
	ck_assert(ends_with(g.permanent_url, "/final"));
	ck_assert(ends_with(g.effective_url, "/final"));
	got_clear(&g);

	get("/t1", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_int_eq(g.permanent, 0);
	ck_assert_ptr_null(g.permanent_url);
	ck_assert(ends_with(g.effective_url, "/final"));
	got_clear(&g);

	get("/t2", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_int_eq(g.permanent, 0);
	got_clear(&g);

	/* Only the leading run of permanent hops counts. */
	get("/m1", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_int_eq(g.permanent, 1);
	ck_assert(ends_with(g.permanent_url, "/t1"));
	got_clear(&g);

	get("/tp", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_int_eq(g.permanent, 0);
	got_clear(&g);

	/* Not following: a 3xx is an error that names the target. */
	get("/p1", 0, &g);
	ck_assert_int_eq(g.kind, HTTP_R_HTTP_ERROR);
	ck_assert_int_eq(g.status, 301);
	ck_assert(ends_with(g.location, "/p2"));
	ck_assert_int_eq(g.permanent, 0);
	got_clear(&g);
}
END_TEST

START_TEST(redirect_loop_stops)
{
	struct got g;

	testhttpd_add_redirect(srv, "/loop", 302, "/loop");
	get("/loop", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_HTTP_ERROR);
	ck_assert_int_eq(g.status, 302);
	ck_assert_ptr_nonnull(g.error);
	/* The first request and five redirects, then stop. */
	ck_assert_uint_eq(testhttpd_hits(srv, "/loop"), 6);
	got_clear(&g);
}
END_TEST

START_TEST(redirect_to_other_schemes_refused)
{
	static const char *targets[] = { "file:///etc/passwd",
		"gopher://127.0.0.1/", "dict://127.0.0.1/",
		"ftp://127.0.0.1/" };
	char path[32];
	size_t i;

	for (i = 0; i < SW_ARRAY_SIZE(targets); i++) {
		char *url;
		struct got g;
		struct http_request_opts o = { .follow_redirects = 1,
			.allow_file = 1 };

		snprintf(path, sizeof(path), "/to%zu", i);
		testhttpd_add_redirect(srv, path, 302, targets[i]);
		url = testhttpd_url(srv, path);
		o.url = url;
		fetch(&o, &g);
		ck_assert_msg(g.kind == HTTP_R_REFUSED, "%s: %s", targets[i],
		    http_result_kind_name(g.kind));
		ck_assert_ptr_null(strstr(g.body, "root:"));
		got_clear(&g);
		free(url);
	}
}
END_TEST

START_TEST(file_urls)
{
	char path[] = "/tmp/check_http_XXXXXX";
	char url[64];
	int fd = mkstemp(path);
	struct http_request_opts o = { .url = url };
	struct got g;

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "<rss/>", 6), 6);
	close(fd);
	snprintf(url, sizeof(url), "file://%s", path);
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	got_clear(&g);
	o.allow_file = 1;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_str_eq(g.body, "<rss/>");
	got_clear(&g);
	o.untrusted = 1;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	got_clear(&g);
	unlink(path);
}
END_TEST

START_TEST(bad_urls_fail_later)
{
	struct http_request_opts o = { .url = "not a url at all" };
	struct got g;

	fetch(&o, &g);
	ck_assert(g.kind == HTTP_R_REFUSED || g.kind == HTTP_R_NETWORK);
	ck_assert_ptr_nonnull(g.error);
	got_clear(&g);
	o.url = "gopher://127.0.0.1/";
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	got_clear(&g);
	/* Nothing listens on port 1: a network failure, not a policy one. */
	o.url = "http://127.0.0.1:1/";
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_NETWORK);
	got_clear(&g);
	ck_assert_ptr_null(http_request(hc, NULL, got_cb, &g));
	o.url = NULL;
	ck_assert_ptr_null(http_request(hc, &o, got_cb, &g));
}
END_TEST

START_TEST(status_and_retry_after)
{
	static const char *h_delta[] = { "Retry-After: 120", NULL };
	static const char *h_huge[] = { "Retry-After: 100000000000000", NULL };
	static const char *h_junk[] = { "Retry-After: soon", NULL };
	static const char *h_cc[] = { "Cache-Control: public, max-age=900",
		NULL };
	static char date_hdr[80];
	const char *h_date[] = { date_hdr, NULL };
	struct testhttpd_route r429 = {
		.path = "/429", .status = 429, .headers = h_delta
	};
	struct testhttpd_route rhuge = {
		.path = "/huge", .status = 503, .headers = h_huge
	};
	struct testhttpd_route rdate = {
		.path = "/date", .status = 503, .headers = h_date
	};
	struct testhttpd_route rjunk = {
		.path = "/junk", .status = 503, .headers = h_junk
	};
	struct testhttpd_route rcc = {
		.path = "/cc", .body = "x", .headers = h_cc
	};
	time_t t = time(NULL) + 3600;
	struct tm tm;
	struct got g;

	gmtime_r(&t, &tm);
	strftime(date_hdr, sizeof(date_hdr),
	    "Retry-After: %a, %d %b %Y %H:%M:%S GMT", &tm);
	ck_assert_int_eq(testhttpd_add(srv, &r429), 0);
	ck_assert_int_eq(testhttpd_add(srv, &rhuge), 0);
	ck_assert_int_eq(testhttpd_add(srv, &rdate), 0);
	ck_assert_int_eq(testhttpd_add(srv, &rjunk), 0);
	ck_assert_int_eq(testhttpd_add(srv, &rcc), 0);
	testhttpd_add_body(srv, "/503", 503, "text/plain", "busy");
	testhttpd_add_body(srv, "/410", 410, "text/plain", "gone");

	get("/429", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_HTTP_ERROR);
	ck_assert_int_eq(g.status, 429);
	ck_assert_int_eq(g.retry_after, 120);
	got_clear(&g);
	get("/huge", 1, &g);
	ck_assert_int_eq(g.retry_after, HTTP_DELAY_MAX_S);
	got_clear(&g);
	get("/date", 1, &g);
	/* An hour ahead, allowing for a slow machine. */
	ck_assert_int_le(g.retry_after, 3600);
	ck_assert_int_ge(g.retry_after, 3000);
	got_clear(&g);
	get("/junk", 1, &g);
	ck_assert_int_eq(g.retry_after, -1);
	got_clear(&g);
	get("/cc", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_int_eq(g.max_age, 900);
	got_clear(&g);
	get("/503", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_HTTP_ERROR);
	ck_assert_int_eq(g.status, 503);
	ck_assert_str_eq(g.body, "busy");
	ck_assert_int_eq(g.retry_after, -1);
	got_clear(&g);
	get("/410", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_HTTP_ERROR);
	ck_assert_int_eq(g.status, 410);
	got_clear(&g);
}
END_TEST

START_TEST(server_never_answers)
{
	char *url;
	struct http_request_opts o = { .timeout_ms = 1000 };
	struct got g;

	testhttpd_add_fault(srv, "/hang", TESTHTTPD_HANG);
	url = testhttpd_url(srv, "/hang");
	o.url = url;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TIMEOUT);
	ck_assert_uint_eq(testhttpd_hits(srv, "/hang"), 1);
	got_clear(&g);
	free(url);
}
END_TEST

START_TEST(connect_timeout)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	struct http_limits lim;
	char url[64];
	struct http_request_opts o = { .url = url };
	struct got g;
	int lfd, fill[4], i;

	/*
	 * A listener with a full accept queue drops further SYNs: connect()
	 * hangs as it would for a black-holed address or a stalled handshake.
	 */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(lfd, -1);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lfd, 0), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
	for (i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&a, sizeof(a));
	}
	http_limits_default(&lim);
	lim.connect_timeout_ms = 1000;
	lim.total_timeout_ms = 25000;
	new_ctx(&lim);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(a.sin_port));
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TIMEOUT);
	/* Well before the total timeout, however slow the machine. */
	ck_assert_uint_lt(g.total_ms, 20000);
	got_clear(&g);
	for (i = 0; i < 4; i++)
		close(fill[i]);
	close(lfd);
}
END_TEST

START_TEST(drip_total_timeout)
{
	struct testhttpd_route r = { .path = "/drip",
		.fault = TESTHTTPD_DRIP,
		.drip_ms = 1000,
		.body = "0123456789012345678901234567890" };
	struct testhttpd_route ra = { .path = "/dripall",
		.fault = TESTHTTPD_DRIP_ALL,
		.drip_ms = 1000,
		.body = "x" };
	char *url = testhttpd_url(srv, "/drip");
	struct http_request_opts o = { .url = url, .timeout_ms = 1500 };
	struct got g;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	ck_assert_int_eq(testhttpd_add(srv, &ra), 0);
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TIMEOUT);
	got_clear(&g);
	free(url);
	url = testhttpd_url(srv, "/dripall");
	o.url = url;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TIMEOUT);
	got_clear(&g);
	free(url);
}
END_TEST

START_TEST(drip_low_speed)
{
	struct testhttpd_route r = { .path = "/drip",
		.fault = TESTHTTPD_DRIP,
		.drip_ms = 1000,
		.body = "0123456789012345678901234567890" };
	struct http_limits lim;
	struct got g;

	http_limits_default(&lim);
	lim.low_speed_limit = 1000;
	lim.low_speed_time_s = 1;
	new_ctx(&lim);
	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	/* The total timeout (60 s) is not what stops it. */
	get("/drip", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TIMEOUT);
	ck_assert_int_lt(g.body_len, 31);
	got_clear(&g);
}
END_TEST

START_TEST(body_limits)
{
	size_t big_len = 64 * 1024;
	char *big = malloc(big_len + 1);
	struct testhttpd_route rbig = { .path = "/big", .body = big };
	struct testhttpd_route rlie = {
		.path = "/lie", .body = "x", .content_length = 1LL << 40
	};
	char *url = testhttpd_url(srv, "/big");
	struct http_request_opts o = { .url = url, .max_body = 16 * 1024 };
	struct got g;

	memset(big, 'a', big_len);
	big[big_len] = '\0';
	ck_assert_int_eq(testhttpd_add(srv, &rbig), 0);
	ck_assert_int_eq(testhttpd_add(srv, &rlie), 0);
	testhttpd_add_fault(srv, "/endless", TESTHTTPD_ENDLESS);
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TOO_LARGE);
	ck_assert_uint_le(g.body_len, 16 * 1024);
	got_clear(&g);
	/* Exactly at the cap is fine. */
	o.max_body = big_len;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_uint_eq(g.body_len, big_len);
	got_clear(&g);
	free(url);

	url = testhttpd_url(srv, "/lie");
	o.url = url;
	o.max_body = 0; /* the context's 10 MiB */
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TOO_LARGE);
	got_clear(&g);
	free(url);

	url = testhttpd_url(srv, "/endless");
	o.url = url;
	o.max_body = 1024 * 1024;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TOO_LARGE);
	ck_assert_uint_le(g.body_len, 1024 * 1024);
	got_clear(&g);
	free(url);
	free(big);
}
END_TEST

START_TEST(gzip_decoded)
{
	static const char *text =
	    "<rss><channel><title>compressed "
	    "compressed compressed</title></channel></rss>";
	struct testhttpd_route r = { .path = "/gz",
		.body = text,
		.gzip = 1,
		.content_type = "application/rss+xml" };
	struct testhttpd_route rb = { .path = "/bomb",
		.fault = TESTHTTPD_GZIP_BOMB,
		.bomb_size = 32 * 1024 * 1024 };
	char *url = testhttpd_url(srv, "/bomb");
	struct http_request_opts o = { .url = url, .max_body = 1024 * 1024 };
	struct got g;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	ck_assert_int_eq(testhttpd_add(srv, &rb), 0);
	get("/gz", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_str_eq(g.body, text);
	got_clear(&g);
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_TOO_LARGE);
	ck_assert_uint_le(g.body_len, 1024 * 1024);
	got_clear(&g);
	free(url);
}
END_TEST

START_TEST(broken_connections)
{
	struct testhttpd_route r = { .path = "/mid",
		.fault = TESTHTTPD_CLOSE_MID,
		.body = "0123456789abcdef" };
	struct got g;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	testhttpd_add_fault(srv, "/reset", TESTHTTPD_RESET);
	get("/mid", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_NETWORK);
	got_clear(&g);
	get("/reset", 1, &g);
	ck_assert_int_eq(g.kind, HTTP_R_NETWORK);
	ck_assert_ptr_nonnull(g.error);
	got_clear(&g);
}
END_TEST

START_TEST(untrusted_loopback_refused)
{
	struct http_limits lim;
	char url[80];
	struct http_request_opts o = {
		.url = url, .untrusted = 1, .follow_redirects = 1
	};
	struct got g;

	testhttpd_add_body(srv, "/article", 200, "text/html", "<p>hi</p>");
	snprintf(url, sizeof(url), "%s/article", testhttpd_base_url(srv));
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	ck_assert_ptr_nonnull(strstr(g.error, "127.0.0.1"));
	ck_assert_ptr_nonnull(strstr(g.error, "loopback"));
	got_clear(&g);

	/* The name does not matter, the connected address does. */
	snprintf(url, sizeof(url), "http://localhost:%d/article",
	    testhttpd_port(srv));
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	got_clear(&g);
	snprintf(url, sizeof(url), "http://2130706433:%d/article",
	    testhttpd_port(srv));
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	got_clear(&g);
	snprintf(
	    url, sizeof(url), "http://0x7f.1:%d/article", testhttpd_port(srv));
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	got_clear(&g);
	/* Refused before connecting: not even a TCP connection was made. */
	ck_assert_uint_eq(testhttpd_hits(srv, "/article"), 0);
	ck_assert_uint_eq(testhttpd_peak_connections(srv), 0);

	/* A trusted fetch leaves a kept-alive connection ... */
	o.untrusted = 0;
	snprintf(url, sizeof(url), "%s/article", testhttpd_base_url(srv));
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	got_clear(&g);
	/* ... which an untrusted request must not reuse. */
	o.untrusted = 1;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_REFUSED);
	got_clear(&g);
	ck_assert_uint_eq(testhttpd_hits(srv, "/article"), 1);

	http_limits_default(&lim);
	lim.allow_private_addresses = 1;
	ck_assert_int_eq(http_set_limits(hc, &lim), 0);
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_str_eq(g.body, "<p>hi</p>");
	got_clear(&g);
}
END_TEST

/*
 * A trusted feed may live on a private address, but a public one must not
 * redirect us there (SSRF).  Telling the two apart needs a public address
 * on this machine: a network namespace of our own, where 11.0.0.1 sits on
 * its loopback and nothing can leave the machine.
 */
#define PUBLIC_ADDR "11.0.0.1"

static int
write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd == -1)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* Enter a new network namespace holding lo and PUBLIC_ADDR; NULL, or why
 * not.  Only in a forked test: it changes the process for good. */
static const char *
enter_private_net(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct sockaddr_in *sin;
	struct ifreq ifr;
	char map[64];
	int fd;

	if (unshare(CLONE_NEWNET) == -1) {
		/* not root: a user namespace grants the capability */
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1)
			return "unshare(CLONE_NEWUSER|CLONE_NEWNET) failed";
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_file("/proc/self/uid_map", map) == -1)
			return "cannot write uid_map";
		write_file("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_file("/proc/self/gid_map", map) == -1)
			return "cannot write gid_map";
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return "no socket";
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		goto fail;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo:1");
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, PUBLIC_ADDR, &sin->sin_addr);
	if (ioctl(fd, SIOCSIFADDR, &ifr) == -1)
		goto fail;
	close(fd);
	return NULL;
fail:
	close(fd);
	return "cannot configure lo in the new namespace";
}

/* GET path on s following redirects, trusted or not, into g; g->kind. */
static enum http_result_kind
fetch_on(struct testhttpd *s, const char *path, int untrusted, struct got *g)
{
	char *url = testhttpd_url(s, path);
	struct http_request_opts o = {
		.url = url, .untrusted = untrusted, .follow_redirects = 1
	};

	fetch(&o, g);
	free(url);
	return g->kind;
}

START_TEST(trusted_public_redirect_to_private_refused)
{
	struct testhttpd *pub, *priv;
	const char *why;
	struct got g;
	char *to;

	if ((why = enter_private_net()) != NULL) {
		printf("skipped trusted_public_redirect_to_private_refused: %s "
		       "(errno %d)\n",
		    why, errno);
		return;
	}
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	pub = testhttpd_start_addr(PUBLIC_ADDR, 0);
	priv = testhttpd_start_addr("127.0.0.1", 0);
	ck_assert_ptr_nonnull(pub);
	ck_assert_ptr_nonnull(priv);
	hc = http_new(base, NULL);
	ck_assert_ptr_nonnull(hc);

	testhttpd_add_body(pub, "/ok", 200, "text/plain", "public");
	testhttpd_add_body(priv, "/secret", 200, "text/plain", "secret");
	to = testhttpd_url(priv, "/secret");
	testhttpd_add_redirect(pub, "/feed", 302, to);
	testhttpd_add_redirect(priv, "/hop", 302, to);
	free(to);

	/* The public address is public to the policy and reachable. */
	ck_assert_int_eq(fetch_on(pub, "/ok", 0, &g), HTTP_R_OK);
	ck_assert_str_eq(g.body, "public");
	got_clear(&g);

	/* Public first hop, private second: refused before connecting. */
	ck_assert_int_eq(fetch_on(pub, "/feed", 0, &g), HTTP_R_REFUSED);
	ck_assert_ptr_nonnull(strstr(g.error, "127.0.0.1"));
	ck_assert_ptr_nonnull(strstr(g.error, "loopback"));
	got_clear(&g);
	ck_assert_uint_eq(testhttpd_hits(pub, "/feed"), 1);
	ck_assert_uint_eq(testhttpd_hits(priv, "/secret"), 0);
	ck_assert_uint_eq(testhttpd_peak_connections(priv), 0);

	/* An article link (untrusted) on a public address is fetched; its
	 * redirect into private space is refused just the same. */
	ck_assert_int_eq(fetch_on(pub, "/ok", 1, &g), HTTP_R_OK);
	got_clear(&g);
	ck_assert_int_eq(fetch_on(pub, "/feed", 1, &g), HTTP_R_REFUSED);
	got_clear(&g);
	ck_assert_uint_eq(testhttpd_hits(priv, "/secret"), 0);

	/* A feed the admin put on a private address may redirect there. */
	ck_assert_int_eq(fetch_on(priv, "/hop", 0, &g), HTTP_R_OK);
	ck_assert_str_eq(g.body, "secret");
	got_clear(&g);

	http_free(hc);
	hc = NULL;
	testhttpd_stop(pub);
	testhttpd_stop(priv);
	event_base_free(base);
	base = NULL;
}
END_TEST

START_TEST(proxy_env_ignored)
{
	struct got g;

	testhttpd_add_body(srv, "/p", 200, "text/plain", "direct");
	/* Port 9 (discard) has no listener: via the proxy it would fail. */
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	setenv("HTTPS_PROXY", "http://127.0.0.1:9", 1);
	setenv("ALL_PROXY", "http://127.0.0.1:9", 1);
	setenv("all_proxy", "http://127.0.0.1:9", 1);
	get("/p", 1, &g);
	unsetenv("http_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
	unsetenv("all_proxy");
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_str_eq(g.body, "direct");
	got_clear(&g);
}
END_TEST

START_TEST(post_without_redirects)
{
	static const char *extra[] = { "X-Test: yes", "webhook-id: msg_1" };
	static const char payload[] = "{\"event\":\"story.update\"}";
	struct testhttpd_route r = { .path = "/hook",
		.method = "POST",
		.status = 302,
		.location = "/elsewhere" };
	struct testhttpd_request rq;
	char *url = testhttpd_url(srv, "/hook");
	struct http_request_opts o = { .url = url,
		.method = HTTP_POST,
		.body = payload,
		.body_len = sizeof(payload) - 1,
		.content_type = "application/json",
		.headers = extra,
		.n_headers = 2,
		.follow_redirects = 0 };
	struct got g;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	testhttpd_add_body(srv, "/ok", 200, "text/plain", "thanks");
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_HTTP_ERROR);
	ck_assert_int_eq(g.status, 302);
	ck_assert(ends_with(g.location, "/elsewhere"));
	ck_assert_uint_eq(testhttpd_hits(srv, "/elsewhere"), 0);
	got_clear(&g);
	ck_assert_int_eq(testhttpd_request_get(srv, 0, &rq), 0);
	ck_assert_str_eq(rq.method, "POST");
	ck_assert_str_eq(rq.body, payload);
	ck_assert_str_eq(
	    testhttpd_request_header(&rq, "Content-Type"), "application/json");
	ck_assert_str_eq(testhttpd_request_header(&rq, "X-Test"), "yes");
	ck_assert_str_eq(testhttpd_request_header(&rq, "webhook-id"), "msg_1");
	testhttpd_request_clear(&rq);
	free(url);

	url = testhttpd_url(srv, "/ok");
	o.url = url;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	ck_assert_str_eq(g.body, "thanks");
	got_clear(&g);
	free(url);
}
END_TEST

static int never_called;

static void
never_cb(struct http_req *req, struct http_result *res, void *arg)
{
	never_called++;
}

START_TEST(cancel_never_calls_back)
{
	struct http_limits lim;
	char *url;
	struct http_request_opts o = { 0 };
	struct http_req *a, *b, *c;
	struct http_stats st;
	struct got g;
	int i;

	http_limits_default(&lim);
	lim.max_active = 1; /* so that b waits in the queue */
	new_ctx(&lim);
	testhttpd_add_fault(srv, "/hang", TESTHTTPD_HANG);
	testhttpd_add_body(srv, "/ok", 200, "text/plain", "ok");
	url = testhttpd_url(srv, "/hang");
	o.url = url;
	never_called = 0;
	a = http_request(hc, &o, never_cb, NULL);
	b = http_request(hc, &o, never_cb, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	http_get_stats(hc, &st);
	ck_assert_uint_eq(st.in_flight, 1);
	ck_assert_uint_eq(st.queued, 1);
	/* The loop must run for curl to send it. */
	for (i = 0; i < 100 && testhttpd_request_count(srv) == 0; i++)
		run_for(100);
	ck_assert_uint_eq(testhttpd_request_count(srv), 1);
	http_cancel(b);
	http_cancel(a);
	run_for(300);
	ck_assert_int_eq(never_called, 0);
	http_get_stats(hc, &st);
	ck_assert_uint_eq(st.in_flight, 0);
	ck_assert_uint_eq(st.queued, 0);
	free(url);

	/* The context still works, and a cancel right away is fine too. */
	url = testhttpd_url(srv, "/ok");
	o.url = url;
	c = http_request(hc, &o, never_cb, NULL);
	http_cancel(c);
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	got_clear(&g);
	run_for(100);
	ck_assert_int_eq(never_called, 0);
	http_cancel(NULL);
	free(url);
}
END_TEST

START_TEST(free_with_requests_in_flight)
{
	char *url;
	struct http_request_opts o = { 0 };
	int i;

	testhttpd_add_fault(srv, "/hang", TESTHTTPD_HANG);
	url = testhttpd_url(srv, "/hang");
	o.url = url;
	never_called = 0;
	for (i = 0; i < 5; i++)
		ck_assert_ptr_nonnull(http_request(hc, &o, never_cb, NULL));
	run_for(200);
	http_free(hc);
	hc = NULL;
	run_for(100);
	ck_assert_int_eq(never_called, 0);
	free(url);
}
END_TEST

static struct http_ctx *free_me;
static int free_cb_calls;

static void
free_in_cb(struct http_req *req, struct http_result *res, void *arg)
{
	free_cb_calls++;
	http_free(free_me);
	event_base_loopbreak(base);
}

START_TEST(free_inside_callback)
{
	char *url, *hang;
	struct http_request_opts o = { 0 };

	testhttpd_add_body(srv, "/ok", 200, "text/plain", "ok");
	testhttpd_add_fault(srv, "/hang", TESTHTTPD_HANG);
	url = testhttpd_url(srv, "/ok");
	hang = testhttpd_url(srv, "/hang");
	free_me = hc;
	hc = NULL;
	free_cb_calls = 0;
	o.url = hang;
	ck_assert_ptr_nonnull(http_request(free_me, &o, free_in_cb, NULL));
	o.url = url;
	ck_assert_ptr_nonnull(http_request(free_me, &o, free_in_cb, NULL));
	run_for(5000);
	ck_assert_int_eq(free_cb_calls, 1);
	run_for(100);
	ck_assert_int_eq(free_cb_calls, 1);
	free(url);
	free(hang);
}
END_TEST

static int many_ok, many_done;

static void
many_cb(struct http_req *req, struct http_result *res, void *arg)
{
	many_done++;
	if (res->kind == HTTP_R_OK && strcmp(res->body, "item") == 0)
		many_ok++;
	if (--pending == 0)
		event_base_loopbreak(base);
}

START_TEST(many_concurrent_per_host_cap)
{
	struct testhttpd_route r = {
		.path = "/item", .body = "item", .delay_ms = 10
	};
	char *url = testhttpd_url(srv, "/item");
	struct http_request_opts o = { .url = url };
	struct http_stats st;
	int i;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	many_ok = many_done = 0;
	pending = 50;
	for (i = 0; i < 50; i++)
		ck_assert_ptr_nonnull(http_request(hc, &o, many_cb, NULL));
	run_loop();
	ck_assert_int_eq(many_done, 50);
	ck_assert_int_eq(many_ok, 50);
	ck_assert_uint_eq(testhttpd_hits(srv, "/item"), 50);
	ck_assert_uint_le(testhttpd_peak_connections(srv), 2);
	http_get_stats(hc, &st);
	ck_assert_uint_eq(st.completed, 50);
	ck_assert_uint_eq(st.in_flight, 0);
	free(url);
}
END_TEST

START_TEST(queue_beyond_max_active)
{
	struct http_limits lim;
	char *url = testhttpd_url(srv, "/item");
	struct http_request_opts o = { .url = url };
	struct http_stats st;
	int i;

	http_limits_default(&lim);
	lim.max_active = 3;
	lim.max_host_connections = 3;
	new_ctx(&lim);
	testhttpd_add_body(srv, "/item", 200, "text/plain", "item");
	many_ok = many_done = 0;
	pending = 200;
	for (i = 0; i < 200; i++)
		ck_assert_ptr_nonnull(http_request(hc, &o, many_cb, NULL));
	http_get_stats(hc, &st);
	ck_assert_uint_eq(st.in_flight, 3);
	ck_assert_uint_eq(st.queued, 197);
	run_loop();
	ck_assert_int_eq(many_ok, 200);
	http_get_stats(hc, &st);
	ck_assert_uint_eq(st.queued, 0);
	ck_assert_uint_eq(st.completed, 200);
	free(url);
}
END_TEST

START_TEST(busy_host_does_not_block_others)
{
	struct http_limits lim;
	char *hang = testhttpd_url(srv, "/hang");
	char other[80];
	struct http_request_opts o = { .url = hang, .timeout_ms = 20000 };
	struct http_stats st;
	struct got g;
	int i;

	http_limits_default(&lim);
	lim.max_host_connections = 1;
	lim.max_active = 10;
	new_ctx(&lim);
	testhttpd_add_fault(srv, "/hang", TESTHTTPD_HANG);
	testhttpd_add_body(srv, "/ok", 200, "text/plain", "ok");
	never_called = 0;
	for (i = 0; i < 20; i++)
		ck_assert_ptr_nonnull(http_request(hc, &o, never_cb, NULL));
	http_get_stats(hc, &st);
	ck_assert_uint_eq(st.in_flight, 1);
	ck_assert_uint_eq(st.queued, 19);
	/* Same server under another name: its own line, served at once. */
	snprintf(other, sizeof(other), "http://localhost:%d/ok",
	    testhttpd_port(srv));
	o.url = other;
	fetch(&o, &g);
	ck_assert_int_eq(g.kind, HTTP_R_OK);
	got_clear(&g);
	ck_assert_int_eq(never_called, 0);
	free(hang);
}
END_TEST

static Suite *
http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("addr");
	TCase *tx = tcase_create("transfer");
	TCase *tn = tcase_create("netns");

	tcase_add_loop_test(
	    tc, addr_policy_table, 0, (int)SW_ARRAY_SIZE(addr_cases));
	tcase_add_test(tc, addr_policy_other_families);
	tcase_add_test(tc, names_tables);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tx, setup, teardown);
	tcase_set_timeout(tx, 120);
	tcase_add_test(tx, get_ok_body);
	tcase_add_test(tx, conditional_get);
	tcase_add_test(tx, redirects_permanent_and_temporary);
	tcase_add_test(tx, redirect_loop_stops);
	tcase_add_test(tx, redirect_to_other_schemes_refused);
	tcase_add_test(tx, file_urls);
	tcase_add_test(tx, bad_urls_fail_later);
	tcase_add_test(tx, status_and_retry_after);
	tcase_add_test(tx, server_never_answers);
	tcase_add_test(tx, connect_timeout);
	tcase_add_test(tx, drip_total_timeout);
	tcase_add_test(tx, drip_low_speed);
	tcase_add_test(tx, body_limits);
	tcase_add_test(tx, gzip_decoded);
	tcase_add_test(tx, broken_connections);
	tcase_add_test(tx, untrusted_loopback_refused);
	tcase_add_test(tx, proxy_env_ignored);
	tcase_add_test(tx, post_without_redirects);
	tcase_add_test(tx, cancel_never_calls_back);
	tcase_add_test(tx, free_with_requests_in_flight);
	tcase_add_test(tx, free_inside_callback);
	tcase_add_test(tx, many_concurrent_per_host_cap);
	tcase_add_test(tx, queue_beyond_max_active);
	tcase_add_test(tx, busy_host_does_not_block_others);
	suite_add_tcase(s, tx);

	/* no fixture: the namespace must exist before any server starts */
	tcase_set_timeout(tn, 120);
	tcase_add_test(tn, trusted_public_redirect_to_private_refused);
	suite_add_tcase(s, tn);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(http_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
