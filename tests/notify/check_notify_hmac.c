/* notify/'s signatures checked by implementations it shares no code with:
 * python3's hmac and the openssl CLI. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "notify.h"
#include "sw_config.h"

static const char *
source_root(void)
{
	const char *r = getenv("SW_SOURCE_ROOT");

	return r != NULL ? r : SW_SOURCE_ROOT;
}

static uint64_t
next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
hex(FILE *f, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

/* One random case: its secret text, id, timestamp and body. */
struct hcase {
	char secret[200];
	char id[48];
	int64_t ts;
	unsigned char body[4096];
	size_t len;
};

static void
hcase_make(struct hcase *c, uint64_t *x, int form)
{
	static const char idchars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
				      "KLMNOPQRSTUVWXYZ0123456789_-";
	size_t n;

	if (form == 0) {
		/* whsec_ + base64 of 24 to 64 random bytes. */
		unsigned char key[64];

		n = 24 + next_rand(x) % 41;
		for (size_t i = 0; i < n; i++)
			key[i] = (unsigned char)next_rand(x);
		memcpy(c->secret, "whsec_", 6);
		EVP_EncodeBlock((unsigned char *)c->secret + 6, key, (int)n);
	} else {
		/* Raw: printable ASCII, and some UTF-8 now and then. */
		n = 1 + next_rand(x) % 100;
		for (size_t i = 0; i < n; i++)
			c->secret[i] = (char)(0x21 + next_rand(x) % 94);
		c->secret[n] = '\0';
		if (form == 2)
			memcpy(c->secret, "cl\xc3\xa9", 4);
	}
	n = 1 + next_rand(x) % 40;
	for (size_t i = 0; i < n; i++)
		c->id[i] = idchars[next_rand(x) % (sizeof(idchars) - 1)];
	c->id[n] = '\0';
	c->ts = (int64_t)(next_rand(x) % (1ULL << 40));
	/* Any bytes at all, NUL included; sometimes none. */
	c->len = next_rand(x) % 5 == 0 ? 0 : next_rand(x) % sizeof(c->body);
	for (size_t i = 0; i < c->len; i++)
		c->body[i] = (unsigned char)next_rand(x);
}

static void
hcase_sign(const struct hcase *c, char *sig, size_t len)
{
	struct notify_secret_msg m;
	struct notify_secret *s = notify_secret_from_string(c->secret, &m);
	const struct notify_secret *k[] = { s };

	ck_assert_msg(s != NULL, "%s", m.error);
	ck_assert_int_eq(
	    notify_sign(k, 1, c->id, c->ts, c->body, c->len, sig, len), 0);
	notify_secret_free(s);
}

static void
write_case(FILE *f, const struct hcase *c, const char *sig)
{
	fputs("{\"secret_hex\": \"", f);
	hex(f, (const unsigned char *)c->secret, strlen(c->secret));
	fprintf(f, "\", \"id\": \"%s\", \"ts\": %lld, \"body_hex\": \"", c->id,
	    (long long)c->ts);
	hex(f, c->body, c->len);
	fprintf(f, "\", \"sig\": \"%s\"}\n", sig);
}

static int
run_checker(const char *path)
{
	char cmd[1024];
	int rc;

	snprintf(cmd, sizeof(cmd),
	    "python3 '%s/tests/notify/hmac_check.py' '%s'", source_root(),
	    path);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

START_TEST(test_python_agrees)
{
	char path[] = "/tmp/check_notify_hmac.XXXXXX";
	char sig[NOTIFY_SIGNATURE_SIZE];
	uint64_t x = 0x853c49e6748fea9bULL;
	struct hcase *c = malloc(sizeof(*c));
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	/* The spec vector first, then 300 random cases in three forms. */
	snprintf(c->secret, sizeof(c->secret), "%s",
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
	snprintf(c->id, sizeof(c->id), "msg_p5jXN8AQM9LWM0D4loKWxJek");
	c->ts = 1614265330;
	c->len = strlen("{\"test\": 2432232314}");
	memcpy(c->body, "{\"test\": 2432232314}", c->len);
	hcase_sign(c, sig, sizeof(sig));
	ck_assert_str_eq(
	    sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	write_case(f, c, sig);
	for (int i = 0; i < 300; i++) {
		hcase_make(c, &x, i % 3);
		hcase_sign(c, sig, sizeof(sig));
		write_case(f, c, sig);
	}
	fclose(f);
	ck_assert_int_eq(run_checker(path), 0);

	/* The checker itself must be able to say no. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	hcase_make(c, &x, 0);
	hcase_sign(c, sig, sizeof(sig));
	sig[5] = sig[5] == 'A' ? 'B' : 'A';
	write_case(f, c, sig);
	fclose(f);
	ck_assert_int_eq(run_checker(path), 1);
	unlink(path);
	free(c);
}
END_TEST

START_TEST(test_openssl_cli_agrees)
{
	char path[] = "/tmp/check_notify_hmac.XXXXXX";
	char sig[NOTIFY_SIGNATURE_SIZE], cmd[2048], out[128];
	uint64_t x = 0x2545f4914f6cdd1dULL;
	struct hcase *c = malloc(sizeof(*c));
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	if (system("openssl version >/dev/null 2>&1") != 0) {
		/* python3 above is the required check; this one is extra. */
		fprintf(stderr, "openssl CLI not found: cross-check skipped\n");
		unlink(path);
		free(c);
		return;
	}
	for (int i = 0; i < 20; i++) {
		unsigned char key[128];
		char keyhex[260];
		FILE *f, *p;
		size_t klen;

		hcase_make(c, &x, i % 2);
		hcase_sign(c, sig, sizeof(sig));
		/* The signed content and the key, as openssl will read them. */
		f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "%s.%lld.", c->id, (long long)c->ts);
		fwrite(c->body, 1, c->len, f);
		fclose(f);
		if (strncmp(c->secret, "whsec_", 6) == 0) {
			size_t slen = strlen(c->secret);
			int n = EVP_DecodeBlock(key,
			    (const unsigned char *)c->secret + 6,
			    (int)(slen - 6));

			klen = (size_t)n - (strchr(c->secret, '=') != NULL) -
			    (strstr(c->secret, "==") != NULL);
		} else {
			klen = strlen(c->secret);
			memcpy(key, c->secret, klen);
		}
		for (size_t j = 0; j < klen; j++)
			snprintf(keyhex + 2 * j, 3, "%02x", key[j]);
		snprintf(cmd, sizeof(cmd),
		    "openssl dgst -sha256 -mac HMAC -macopt hexkey:%s -binary "
		    "'%s' | openssl base64 -A",
		    keyhex, path);
		p = popen(cmd, "r");
		ck_assert_ptr_nonnull(p);
		ck_assert_ptr_nonnull(fgets(out, sizeof(out), p));
		pclose(p);
		out[strcspn(out, "\n")] = '\0';
		ck_assert_str_eq(sig + 3, out);
	}
	unlink(path);
	free(c);
}
END_TEST

static void
write_doc_case(FILE *f, const struct hcase *c, const char *sig, int valid)
{
	char *body_hex = malloc(c->len * 2 + 1);
	json_t *j;

	body_hex[0] = '\0';
	for (size_t i = 0; i < c->len; i++)
		snprintf(body_hex + 2 * i, 3, "%02x", c->body[i]);
	j = json_pack("{s:s, s:s, s:I, s:s, s:s, s:b}", "secret", c->secret,
	    "id", c->id, "ts", (json_int_t)c->ts, "signature", sig, "body_hex",
	    body_hex, "valid", valid);
	ck_assert_ptr_nonnull(j);
	json_dumpf(j, f, JSON_COMPACT);
	fputc('\n', f);
	json_decref(j);
	free(body_hex);
}

START_TEST(test_doc_examples_agree)
{
	/* The receiver examples in docs/webhooks.md, run on our signatures. */
	char path[] = "/tmp/check_notify_doc.XXXXXX", cmd[2048];
	char sig[NOTIFY_SIGNATURE_SIZE], two[2 * NOTIFY_SIGNATURE_SIZE];
	uint64_t x = 0x5851f42d4c957f2dULL;
	struct hcase *c = malloc(sizeof(*c));
	FILE *f = fdopen(mkstemp(path), "w");
	int rc;

	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 24; i++) {
		hcase_make(c, &x, i % 3);
		hcase_sign(c, sig, sizeof(sig));
		switch (i % 4) {
		case 0:
			write_doc_case(f, c, sig, 1);
			break;
		case 1:
			/* Rotation: a stale signature first, ours second. */
			snprintf(two, sizeof(two), "v1,%s %s",
			    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
			    sig);
			write_doc_case(f, c, two, 1);
			break;
		case 2:
			/* One byte of the body changed. */
			if (c->len == 0)
				c->body[c->len++] = 'x';
			else
				c->body[c->len / 2] ^= 0x20;
			write_doc_case(f, c, sig, 0);
			break;
		default:
			/* Signed for another id. */
			c->id[0] = c->id[0] == 'z' ? 'y' : 'z';
			write_doc_case(f, c, sig, 0);
			break;
		}
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	    "python3 '%s/tests/notify/doc_examples.py' '%s/docs/webhooks.md' "
	    "'%s'",
	    source_root(), source_root(), path);
	if (system("openssl version >/dev/null 2>&1") != 0) {
		fprintf(
		    stderr, "openssl CLI not found: doc examples skipped\n");
	} else {
		rc = system(cmd);
		ck_assert(WIFEXITED(rc));
		ck_assert_int_eq(WEXITSTATUS(rc), 0);
	}
	unlink(path);
	free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify-hmac");
	TCase *tc = tcase_create("independent");
	SRunner *sr;
	int failed;

	if (system("python3 -c 'import hmac, hashlib, base64' >/dev/null "
		   "2>&1") != 0) {
		printf("python3 not found: independent HMAC check skipped\n");
		return 77;
	}
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_python_agrees);
	tcase_add_test(tc, test_openssl_cli_agrees);
	tcase_add_test(tc, test_doc_examples_agree);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
