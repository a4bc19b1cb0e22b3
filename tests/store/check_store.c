/* Unit tests for store/: migrations, feed state, and refusing damaged files. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

static char dir[] = "/tmp/swstoreXXXXXX";

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/swstoreXXXXXX");
}

START_TEST(test_open_migrate_reopen)
{
	char err[512];
	struct store *st = store_open(dir, err, sizeof(err));
	struct store_feed f = { 0 }, g;

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), 2);
	ck_assert_int_eq(store_feed_get(st, "f1", &g), 0);
	f.url = "https://example.org/new";
	f.config_url = "https://example.org/old";
	f.etag = "\"abc\"";
	f.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
	f.last_fetch = 1700000000;
	f.last_status = 200;
	f.consecutive_errors = 3;
	f.bozo = 1;
	f.bozo_reason = "mismatched tag";
	ck_assert_int_eq(store_feed_put(st, "f1", &f), 0);
	store_close(st);

	/* State survives a restart; migrations are not applied twice. */
	st = store_open(dir, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), 2);
	ck_assert_int_eq(store_feed_get(st, "f1", &g), 1);
	ck_assert_str_eq(g.url, "https://example.org/new");
	ck_assert_str_eq(g.etag, "\"abc\"");
	ck_assert_str_eq(g.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
	ck_assert_int_eq(g.last_status, 200);
	ck_assert_int_eq(g.consecutive_errors, 3);
	ck_assert_str_eq(g.bozo_reason, "mismatched tag");
	ck_assert_ptr_null(g.last_error);
	store_feed_clear(&g);
	store_close(st);
}
END_TEST

START_TEST(test_transaction_rollback)
{
	char err[512];
	struct store *st = store_open(dir, err, sizeof(err));
	struct store_feed f = { .url = "http://x/" }, g;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_feed_put(st, "f1", &f), 0);
	store_rollback(st);
	ck_assert_int_eq(store_feed_get(st, "f1", &g), 0);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_feed_put(st, "f1", &f), 0);
	ck_assert_int_eq(store_commit(st), 0);
	ck_assert_int_eq(store_feed_get(st, "f1", &g), 1);
	store_feed_clear(&g);
	store_close(st);
}
END_TEST

START_TEST(test_garbage_refused)
{
	char path[256], err[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/storywatch.db", dir);
	fp = fopen(path, "w");
	for (int i = 0; i < 1000; i++)
		fputs("this is not a database ", fp);
	fclose(fp);
	ck_assert_ptr_null(store_open(dir, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, path));
	/* Never recreated: the file is still the user's. */
	fp = fopen(path, "r");
	ck_assert_int_eq(fgetc(fp), 't');
	fclose(fp);
}
END_TEST

START_TEST(test_truncated_refused)
{
	char path[256], err[512];
	struct store *st = store_open(dir, err, sizeof(err));
	struct store_feed f = { 0 };
	char id[32], url[600];

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_begin(st), 0);
	for (int i = 0; i < 2000; i++) {
		snprintf(id, sizeof(id), "feed-%d", i);
		snprintf(
		    url, sizeof(url), "https://example.org/%d/%0500d", i, i);
		f.url = url;
		ck_assert_int_eq(store_feed_put(st, id, &f), 0);
	}
	ck_assert_int_eq(store_commit(st), 0);
	store_close(st); /* checkpoints the WAL into the file */
	snprintf(path, sizeof(path), "%s/storywatch.db", dir);
	ck_assert_int_eq(truncate(path, 64 * 1024), 0);
	st = store_open(dir, err, sizeof(err));
	ck_assert_msg(st == NULL, "truncated database was accepted");
	ck_assert_ptr_nonnull(strstr(err, "storywatch.db"));
}
END_TEST

START_TEST(test_counts)
{
	char err[512];
	struct store *st = store_open(dir, err, sizeof(err));
	struct store_counts c;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_counts_get(st, 1700000000, &c), 0);
	ck_assert_int_eq(c.alerts_24h, 0);
	ck_assert_int_eq(c.deliveries_pending, 0);
	store_close(st);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_migrate_reopen);
	tcase_add_test(tc, test_transaction_rollback);
	tcase_add_test(tc, test_garbage_refused);
	tcase_add_test(tc, test_truncated_refused);
	tcase_add_test(tc, test_counts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
