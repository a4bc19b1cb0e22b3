/* Unit tests for common/: durations, bounded buffers, UTF-8, the control
 * protocol codec. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"
#include "util.h"

static const struct {
	const char *in;
	int ok;
	uint64_t ms;
} durations[] = {
	{ "30s", 1, 30000 },
	{ "15m", 1, 900000 },
	{ "2h", 1, 7200000 },
	{ "1d", 1, 86400000 },
	{ "500ms", 1, 500 },
	{ "1h30m", 1, 5400000 },
	{ "0s", 1, 0 },
	{ "", 0, 0 },
	{ "15", 0, 0 },
	{ "m", 0, 0 },
	{ "15 m", 0, 0 },
	{ "-5s", 0, 0 },
	{ "1.5h", 0, 0 },
	{ "15min", 0, 0 },
	{ "99999999999999999999s", 0, 0 },
};

START_TEST(test_duration_parse)
{
	uint64_t ms = 12345;
	int rc = duration_parse(durations[_i].in, &ms);

	ck_assert_msg((rc == 0) == durations[_i].ok, "\"%s\": rc %d",
	    durations[_i].in, rc);
	if (durations[_i].ok)
		ck_assert_uint_eq(ms, durations[_i].ms);
}
END_TEST

START_TEST(test_duration_format)
{
	char b[32];

	ck_assert_str_eq(duration_format(250, b, sizeof(b)), "250ms");
	ck_assert_str_eq(duration_format(4 * 60000, b, sizeof(b)), "4m");
	ck_assert_str_eq(duration_format(5400000, b, sizeof(b)), "1h30m");
	ck_assert_str_eq(duration_format(7200000, b, sizeof(b)), "2h");
	ck_assert_str_eq(duration_format(45000, b, sizeof(b)), "45s");
}
END_TEST

START_TEST(test_buf_ceiling)
{
	struct buf b;

	buf_init(&b, 10);
	ck_assert_int_eq(buf_append(&b, "12345", 5), 0);
	ck_assert_int_eq(buf_append(&b, "67890", 5), 0);
	ck_assert_int_eq(buf_append(&b, "x", 1), -1);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_str_eq(b.data, "1234567890");
	buf_consume(&b, 4);
	ck_assert_str_eq(b.data, "567890");
	ck_assert_int_eq(buf_append_str(&b, "abcd"), 0);
	ck_assert_str_eq(b.data, "567890abcd");
	buf_free(&b);
	/* A huge length must not wrap around the ceiling check. */
	buf_init(&b, 100);
	ck_assert_int_eq(buf_append(&b, "x", SIZE_MAX), -1);
	buf_free(&b);
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert(sw_utf8_valid("plain", 5));
	ck_assert(sw_utf8_valid("caf\xc3\xa9", 5));
	ck_assert(sw_utf8_valid("\xe2\x80\x9c", 3));
	ck_assert(sw_utf8_valid("\xf0\x9f\x98\x80", 4));
	ck_assert(!sw_utf8_valid("\xc3", 1));	      /* truncated */
	ck_assert(!sw_utf8_valid("\xc0\xaf", 2));     /* overlong */
	ck_assert(!sw_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	ck_assert(!sw_utf8_valid("\xff", 1));
	ck_assert(!sw_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}
END_TEST

static const struct {
	const char *line;
	int ok;
	const char *code;
} requests[] = {
	{ "{\"v\":1,\"cmd\":\"status\"}", 1, NULL },
	{ "{\"v\":1,\"cmd\":\"poll\",\"args\":{\"id\":\"x\"}}\n", 1, NULL },
	{ "{\"v\":1,\"cmd\":\"status\",\"args\":null}", 1, NULL },
	{ "hello", 0, CTL_E_PARSE },
	{ "[1,2]", 0, CTL_E_PARSE },
	{ "{\"cmd\":\"status\"}", 0, CTL_E_VERSION },
	{ "{\"v\":2,\"cmd\":\"status\"}", 0, CTL_E_VERSION },
	{ "{\"v\":1}", 0, CTL_E_PARSE },
	{ "{\"v\":1,\"cmd\":\"\"}", 0, CTL_E_PARSE },
	{ "{\"v\":1,\"cmd\":\"status\",\"args\":[1]}", 0, CTL_E_ARGS },
	{ "{\"v\":1,\"cmd\":\"a\",\"cmd\":\"b\"}", 0, CTL_E_PARSE },
};

START_TEST(test_request_parse)
{
	struct ctl_request req;
	const char *code = NULL;
	char msg[256];
	int rc = ctlproto_parse_request(requests[_i].line,
	    strlen(requests[_i].line), &req, &code, msg, sizeof(msg));

	ck_assert_msg((rc == 0) == requests[_i].ok, "%s: rc %d (%s)",
	    requests[_i].line, rc, rc ? msg : "");
	if (rc == 0) {
		ck_assert(json_is_object(req.args));
		ck_assert(req.cmd[0] != '\0');
		ctlproto_request_clear(&req);
	} else {
		ck_assert_str_eq(code, requests[_i].code);
		ck_assert(msg[0] != '\0');
	}
}
END_TEST

START_TEST(test_request_too_long)
{
	size_t n = CTL_MAX_REQUEST + 10;
	char *line = malloc(n + 1);
	struct ctl_request req;
	const char *code;
	char msg[256];

	memset(line, ' ', n);
	line[n] = '\0';
	ck_assert_int_eq(
	    ctlproto_parse_request(line, n, &req, &code, msg, sizeof(msg)), -1);
	ck_assert_str_eq(code, CTL_E_TOO_LONG);
	free(line);
}
END_TEST

START_TEST(test_roundtrip)
{
	json_t *req = ctlproto_request_new("status", NULL), *root, *data;
	struct ctl_request r;
	const char *code, *message;
	char msg[128], *line;
	size_t len;
	int ok;

	line = ctlproto_encode(req, &len);
	json_decref(req);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(line[len - 1], '\n');
	ck_assert_ptr_null(memchr(line, '\n', len - 1));
	ck_assert_int_eq(
	    ctlproto_parse_request(line, len, &r, &code, msg, sizeof(msg)), 0);
	ck_assert_str_eq(r.cmd, "status");
	ctlproto_request_clear(&r);
	free(line);

	req = ctlproto_ok(json_pack("{s:i}", "n", 7));
	line = ctlproto_encode(req, &len);
	json_decref(req);
	ck_assert_int_eq(ctlproto_parse_response(
			     line, len, &root, &ok, &data, &code, &message),
	    0);
	ck_assert(ok);
	ck_assert_int_eq(json_integer_value(json_object_get(data, "n")), 7);
	json_decref(data);
	json_decref(root);
	free(line);

	req = ctlproto_error(CTL_E_UNKNOWN, "unknown command \"%s\"", "x\ny");
	line = ctlproto_encode(req, &len);
	json_decref(req);
	/* A newline inside a message must not split the line. */
	ck_assert_ptr_null(memchr(line, '\n', len - 1));
	ck_assert_int_eq(ctlproto_parse_response(
			     line, len, &root, &ok, &data, &code, &message),
	    0);
	ck_assert(!ok);
	ck_assert_str_eq(code, CTL_E_UNKNOWN);
	ck_assert_str_eq(message, "unknown command \"x\ny\"");
	json_decref(root);
	free(line);

	ck_assert_int_eq(ctlproto_parse_response(
			     "nope", 4, &root, &ok, &data, &code, &message),
	    -1);
}
END_TEST

static Suite *
common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(
	    tc, test_duration_parse, 0, (int)SW_ARRAY_SIZE(durations));
	tcase_add_test(tc, test_duration_format);
	tcase_add_test(tc, test_buf_ceiling);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_loop_test(
	    tc, test_request_parse, 0, (int)SW_ARRAY_SIZE(requests));
	tcase_add_test(tc, test_request_too_long);
	tcase_add_test(tc, test_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(common_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
