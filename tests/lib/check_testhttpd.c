/* Tests for testhttpd itself, with blocking libcurl calls: the server runs in
 * its own thread. */
#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testhttpd.h"

struct reply {
	long status;
	CURLcode code;
	char body[4096];
	size_t len;
	char headers[4096];
	size_t hlen;
};

static struct testhttpd *srv;

static size_t
body_cb(char *p, size_t size, size_t n, void *ud)
{
	struct reply *r = ud;
	size_t len = size * n, room = sizeof(r->body) - 1 - r->len;

	memcpy(r->body + r->len, p, len < room ? len : room);
	r->len += len < room ? len : room;
	r->body[r->len] = '\0';
	return len;
}

static size_t
head_cb(char *p, size_t size, size_t n, void *ud)
{
	struct reply *r = ud;
	size_t len = size * n, room = sizeof(r->headers) - 1 - r->hlen;

	memcpy(r->headers + r->hlen, p, len < room ? len : room);
	r->hlen += len < room ? len : room;
	r->headers[r->hlen] = '\0';
	return len;
}

/* Blocking request; extra is one header line or NULL, post a body or NULL. */
static void
do_req(const char *path, const char *extra, const char *post,
    const char *method, struct reply *r)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	char *url = testhttpd_url(srv, path);

	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L); /* keep "..": test it */
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, head_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 5000L);
	if (extra != NULL) {
		h = curl_slist_append(NULL, extra);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	}
	if (post != NULL)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, post);
	if (method != NULL && strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	r->code = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	free(url);
}

static void
setup(void)
{
	srv = testhttpd_start();
	ck_assert_ptr_nonnull(srv);
}

static void
teardown(void)
{
	testhttpd_stop(srv);
	srv = NULL;
}

START_TEST(routes_and_records)
{
	static const char *hdrs[] = { "X-One: 1", "Retry-After: 30", NULL };
	struct testhttpd_route r = { .path = "/h",
		.status = 429,
		.headers = hdrs,
		.body = "slow down" };
	struct testhttpd_request rq;
	struct reply rep;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	ck_assert_int_eq(
	    testhttpd_add_body(srv, "/a", 200, "text/plain", "A"), 0);
	ck_assert_int_eq(testhttpd_add_body(srv, "/pre/*", 200, NULL, "P"), 0);
	do_req("/a?x=1", "X-Mine: yes", NULL, NULL, &rep);
	ck_assert_int_eq(rep.code, CURLE_OK);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.body, "A");
	ck_assert_ptr_nonnull(strstr(rep.headers, "Content-Type: text/plain"));
	do_req("/h", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 429);
	ck_assert_str_eq(rep.body, "slow down");
	ck_assert_ptr_nonnull(strstr(rep.headers, "Retry-After: 30\r\n"));
	ck_assert_ptr_nonnull(strstr(rep.headers, "X-One: 1\r\n"));
	do_req("/pre/deep/x", NULL, NULL, NULL, &rep);
	ck_assert_str_eq(rep.body, "P");
	do_req("/nothing", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 404);
	do_req("/a", NULL, NULL, "HEAD", &rep);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_uint_eq(rep.len, 0);

	ck_assert_uint_eq(testhttpd_request_count(srv), 5);
	ck_assert_uint_eq(testhttpd_hits(srv, "/a"), 2);
	ck_assert_uint_eq(testhttpd_hits(srv, "/h"), 1);
	ck_assert_int_eq(testhttpd_request_get(srv, 0, &rq), 0);
	ck_assert_str_eq(rq.method, "GET");
	ck_assert_str_eq(rq.target, "/a?x=1");
	ck_assert_str_eq(rq.path, "/a");
	ck_assert_str_eq(testhttpd_request_header(&rq, "x-mine"), "yes");
	ck_assert_ptr_null(testhttpd_request_header(&rq, "X-Absent"));
	testhttpd_request_clear(&rq);
	ck_assert_int_eq(testhttpd_request_get(srv, 5, &rq), -1);
	testhttpd_clear(srv);
	ck_assert_uint_eq(testhttpd_request_count(srv), 0);
	ck_assert_uint_eq(testhttpd_hits(srv, "/a"), 0);
}
END_TEST

START_TEST(webhook_sink)
{
	struct testhttpd_route ok = {
		.path = "/hook", .method = "POST", .status = 204
	};
	struct testhttpd_route gone = { .path = "/gone", .status = 410 };
	struct testhttpd_request rq;
	struct reply rep;

	ck_assert_int_eq(testhttpd_add(srv, &ok), 0);
	ck_assert_int_eq(testhttpd_add(srv, &gone), 0);
	do_req(
	    "/hook", "Content-Type: application/json", "{\"a\":1}", NULL, &rep);
	ck_assert_int_eq(rep.status, 204);
	/* The route is for POST only. */
	do_req("/hook", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 404);
	do_req("/gone", NULL, "x", NULL, &rep);
	ck_assert_int_eq(rep.status, 410);
	ck_assert_int_eq(testhttpd_wait_requests(srv, 3, 5000), 0);
	ck_assert_int_eq(testhttpd_wait_requests(srv, 4, 200), -1);
	ck_assert_int_eq(testhttpd_request_get(srv, 0, &rq), 0);
	ck_assert_str_eq(rq.method, "POST");
	ck_assert_str_eq(rq.body, "{\"a\":1}");
	ck_assert_uint_eq(rq.body_len, 7);
	ck_assert_str_eq(
	    testhttpd_request_header(&rq, "Content-Type"), "application/json");
	testhttpd_request_clear(&rq);
}
END_TEST

START_TEST(conditional_and_gzip)
{
	struct testhttpd_route r = { .path = "/c",
		.body = "data",
		.etag = "\"e1\"",
		.last_modified = "Mon, 01 Jan 2024 00:00:00 GMT",
		.gzip = 1 };
	struct reply rep;

	ck_assert_int_eq(testhttpd_add(srv, &r), 0);
	do_req("/c", "If-None-Match: \"e1\"", NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 304);
	ck_assert_uint_eq(rep.len, 0);
	do_req("/c", "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT", NULL,
	    NULL, &rep);
	ck_assert_int_eq(rep.status, 304);
	do_req("/c", "If-None-Match: \"other\"", NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 200);
	/* Raw bytes are gzip: magic 1f 8b. */
	ck_assert_ptr_nonnull(strstr(rep.headers, "Content-Encoding: gzip"));
	ck_assert_int_eq((unsigned char)rep.body[0], 0x1f);
	ck_assert_int_eq((unsigned char)rep.body[1], 0x8b);
}
END_TEST

START_TEST(docroot_files)
{
	char dir[] = "/tmp/testhttpd_XXXXXX", file[64], etag[80];
	struct reply rep;
	FILE *f;
	char *p, *q;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/feed.xml", dir);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("<rss/>", f);
	fclose(f);
	ck_assert_int_eq(testhttpd_set_docroot(srv, dir), 0);
	do_req("/feed.xml", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.body, "<rss/>");
	ck_assert_ptr_nonnull(
	    strstr(rep.headers, "Content-Type: application/xml"));
	p = strstr(rep.headers, "ETag: ");
	ck_assert_ptr_nonnull(p);
	p += 6;
	q = strstr(p, "\r\n");
	snprintf(etag, sizeof(etag), "If-None-Match: %.*s", (int)(q - p), p);
	do_req("/feed.xml", etag, NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 304);
	do_req("/../etc/passwd", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 404);
	do_req("/missing.xml", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.status, 404);
	unlink(file);
	rmdir(dir);
}
END_TEST

START_TEST(faults)
{
	struct testhttpd_route mid = { .path = "/mid",
		.fault = TESTHTTPD_CLOSE_MID,
		.body = "0123456789" };
	struct testhttpd_route lie = {
		.path = "/lie", .body = "abc", .content_length = 100
	};
	struct testhttpd_route slow = {
		.path = "/slow", .body = "late", .delay_ms = 300
	};
	enum testhttpd_fault f;
	struct reply rep;

	ck_assert_int_eq(testhttpd_add(srv, &mid), 0);
	ck_assert_int_eq(testhttpd_add(srv, &lie), 0);
	ck_assert_int_eq(testhttpd_add(srv, &slow), 0);
	ck_assert_int_eq(
	    testhttpd_add_fault(srv, "/reset", TESTHTTPD_RESET), 0);
	do_req("/mid", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.code, CURLE_PARTIAL_FILE);
	ck_assert_str_eq(rep.body, "01234");
	do_req("/lie", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.code, CURLE_PARTIAL_FILE);
	do_req("/reset", NULL, NULL, NULL, &rep);
	ck_assert_int_ne(rep.code, CURLE_OK);
	do_req("/slow", NULL, NULL, NULL, &rep);
	ck_assert_int_eq(rep.code, CURLE_OK);
	ck_assert_str_eq(rep.body, "late");
	ck_assert_int_eq(testhttpd_fault_parse("gzip-bomb", &f), 0);
	ck_assert_int_eq(f, TESTHTTPD_GZIP_BOMB);
	ck_assert_str_eq(testhttpd_fault_name(TESTHTTPD_DRIP_ALL), "drip-all");
	ck_assert_int_eq(testhttpd_fault_parse("nope", &f), -1);
	ck_assert_int_eq(
	    testhttpd_add(srv, &(struct testhttpd_route){ .path = "no-slash" }),
	    -1);
}
END_TEST

START_TEST(hang_keeps_connection)
{
	CURL *e = curl_easy_init();
	char *url;
	CURLcode rc;

	testhttpd_add_fault(srv, "/hang", TESTHTTPD_HANG);
	url = testhttpd_url(srv, "/hang");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 500L);
	rc = curl_easy_perform(e);
	ck_assert_int_eq(rc, CURLE_OPERATION_TIMEDOUT);
	ck_assert_uint_eq(testhttpd_hits(srv, "/hang"), 1);
	ck_assert_uint_ge(testhttpd_peak_connections(srv), 1);
	curl_easy_cleanup(e);
	free(url);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("testhttpd");
	TCase *tc = tcase_create("server");
	SRunner *sr;
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, routes_and_records);
	tcase_add_test(tc, webhook_sink);
	tcase_add_test(tc, conditional_and_gzip);
	tcase_add_test(tc, docroot_files);
	tcase_add_test(tc, faults);
	tcase_add_test(tc, hang_keeps_connection);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
