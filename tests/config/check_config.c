/* Unit tests for config/: valid files, defaults, and each error with its place.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

static char tmpdir[] = "/tmp/swcfgXXXXXX";

static void
setup(void)
{
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(chdir(tmpdir), 0);
	fp = fopen("base.txt", "w");
	fputs("Baseline article.\n", fp);
	fclose(fp);
	unsetenv("STATE_DIRECTORY");
	unsetenv("RUNTIME_DIRECTORY");
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(tmpdir, "/tmp/swcfgXXXXXX");
}

static void
write_file(const char *name, const char *text)
{
	FILE *fp = fopen(name, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Loads text as sw.json; returns the errors, one per line (caller frees). */
static char *
load_errors(const char *text, struct sw_config **out)
{
	struct cfg_errors errs = { 0 };
	struct sw_config *cfg;
	struct buf b;
	char line[1024];

	write_file("sw.json", text);
	cfg = config_load("sw.json", &errs);
	buf_init(&b, 1 << 20);
	buf_append_str(&b, "");
	for (size_t i = 0; i < errs.n; i++) {
		buf_append_str(
		    &b, cfg_error_format(&errs.v[i], line, sizeof(line)));
		buf_append_str(&b, "\n");
	}
	ck_assert_msg(
	    (cfg == NULL) == (errs.n > 0), "config and errors disagree");
	cfg_errors_clear(&errs);
	if (out != NULL)
		*out = cfg;
	else
		config_free(cfg);
	return buf_steal(&b, NULL);
}

START_TEST(test_valid_full)
{
	struct sw_config *cfg;
	char *errs, cwd[512];
	const struct cfg_feed *f;
	const struct cfg_webhook *w;

	errs = load_errors(
	    "{\n"
	    "  \"log_level\": \"debug\",\n"
	    "  \"fetch\": {\"timeout\": \"20s\", \"max_per_host\": 4,\n"
	    "            \"max_body\": \"2MiB\", \"allow_private_addresses\": "
	    "true},\n"
	    "  \"stories\": [{\"id\": \"s1\", \"title\": \"Story one\",\n"
	    "               \"baseline\": [\"base.txt\"], \"terms\": [\"Unit "
	    "8200\"],\n"
	    "               \"fetch_articles\": false}],\n"
	    "  \"feeds\": [{\"id\": \"f1\", \"url\": "
	    "\"https://example.org/rss\", \"interval\": \"1h30m\"},\n"
	    "            {\"id\": \"f2\", \"url\": \"file:///tmp/x.xml\", "
	    "\"stories\": [\"s1\"], \"backfill\": true}],\n"
	    "  \"webhooks\": [{\"id\": \"w1\", \"url\": "
	    "\"http://127.0.0.1:9/\", \"format\": \"slack\",\n"
	    "                \"secret\": \"whsec_abc\", \"stories\": \"*\",\n"
	    "                \"headers\": {\"Authorization\": \"Bearer t\"}, "
	    "\"timeout\": \"5s\"}]\n"
	    "}\n",
	    &cfg);
	ck_assert_msg(errs[0] == '\0', "unexpected errors:\n%s", errs);
	free(errs);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(cfg->log_level, LOGL_DEBUG);
	ck_assert_uint_eq(cfg->fetch.timeout_ms, 20000);
	ck_assert_int_eq(cfg->fetch.max_per_host, 4);
	ck_assert_uint_eq(cfg->fetch.max_body, 2 << 20);
	ck_assert(cfg->fetch.allow_private_addresses);
	ck_assert_uint_eq(cfg->nstories, 1);
	ck_assert_str_eq(cfg->stories[0].title, "Story one");
	ck_assert_uint_eq(cfg->stories[0].nbaseline, 1);
	/* Relative paths resolve against the config file's folder. */
	ck_assert_str_eq(
	    cfg->stories[0].baseline[0] + strlen(cwd), "/base.txt");
	ck_assert(!cfg->stories[0].fetch_articles);
	f = config_feed(cfg, "f1");
	ck_assert_uint_eq(f->interval_ms, 5400000);
	ck_assert(config_feed_has_story(f, "s1"));
	f = config_feed(cfg, "f2");
	ck_assert_uint_eq(f->interval_ms, 900000);
	ck_assert(f->backfill);
	ck_assert(!config_feed_has_story(f, "other"));
	w = config_webhook(cfg, "w1");
	ck_assert_str_eq(w->format, "slack");
	ck_assert(config_webhook_has_story(w, "anything"));
	ck_assert_uint_eq(w->nheaders, 1);
	ck_assert_uint_eq(w->timeout_ms, 5000);
	/* Defaults: state/ beside the config, the socket inside it. */
	ck_assert_str_eq(cfg->state_dir + strlen(cwd), "/state");
	ck_assert_str_eq(
	    cfg->control_socket + strlen(cwd), "/state/control.sock");
	config_free(cfg);
}
END_TEST

START_TEST(test_defaults_from_systemd_env)
{
	struct sw_config *cfg;
	char *errs;

	setenv("STATE_DIRECTORY", "/var/lib/storywatch", 1);
	setenv("RUNTIME_DIRECTORY", "/run/storywatch", 1);
	errs = load_errors("{}", &cfg);
	ck_assert_str_eq(errs, "");
	free(errs);
	ck_assert_str_eq(cfg->state_dir, "/var/lib/storywatch");
	ck_assert_str_eq(cfg->control_socket, "/run/storywatch/control.sock");
	ck_assert_int_eq(cfg->log_level, LOGL_INFO);
	ck_assert_uint_eq(cfg->fetch.max_body, 10 << 20);
	ck_assert_int_eq(cfg->fetch.max_per_host, 2);
	config_free(cfg);
}
END_TEST

/* Each kind of error, with its exact message and position. */
static const struct {
	const char *text;
	const char *errors;
} bad[] = {
	{ "{\n  \"feeds\": [\n    {\"id\": \"a\", \"url\": \"http://x/\"},\n"
	  "    {\"id\": \"b\", \"url\": \"http://y/\"},\n"
	  "    {\"id\": \"c\", \"url\": \"http://z/\", \"interval\": "
	  "\"soon\"}\n  ]\n}\n",
	    "sw.json:5:49: feeds[2].interval: expected a duration such as "
	    "\"15m\"\n" },
	{ "{\"log_levl\": \"info\"}",
	    "sw.json:1:2: log_levl: unknown key (did you mean "
	    "\"log_level\"?)\n" },
	{ "{\"log_level\": \"loud\"}",
	    "sw.json:1:15: log_level: expected error, warning, notice, info or "
	    "debug\n" },
	{ "{\"feeds\": [{\"url\": \"http://x/\"}]}",
	    "sw.json:1:12: feeds[0]: missing required key \"id\"\n" },
	{ "{\"feeds\": [{\"id\": \"a\", \"url\": \"gopher://x/\"}]}",
	    "sw.json:1:31: feeds[0].url: expected an http://, https:// or "
	    "file:// URL\n" },
	{ "{\"feeds\": [{\"id\": \"a b\", \"url\": \"http://x/\"}]}",
	    "sw.json:1:19: feeds[0].id: ids are 1-64 letters, digits, '-', '_' "
	    "or '.', starting with a letter or digit\n" },
	{ "{\"feeds\": [{\"id\": \"a\", \"url\": \"http://x/\"}, {\"id\": "
	  "\"a\", \"url\": \"http://y/\"}]}",
	    "sw.json:1:52: feeds[1].id: duplicate feed id \"a\"\n" },
	{ "{\"feeds\": [{\"id\": \"a\", \"url\": \"http://x/\", \"stories\": "
	  "[\"nope\"]}]}",
	    "sw.json:1:56: feeds[0].stories[0]: no story has the id "
	    "\"nope\"\n" },
	{ "{\"stories\": [{\"id\": \"s\", \"baseline\": [\"missing.txt\"]}]}",
	    NULL /* message names the resolved path: checked below */ },
	{ "{\"webhooks\": [{\"id\": \"w\", \"url\": \"file:///etc/passwd\"}]}",
	    "sw.json:1:34: webhooks[0].url: expected an http:// or https:// "
	    "URL\n" },
	{ "{\"webhooks\": [{\"id\": \"w\", \"url\": \"http://x/\", \"format\": "
	  "\"xml\"}]}",
	    "sw.json:1:57: webhooks[0].format: expected one of json, slack, "
	    "discord, ntfy, text\n" },
	{ "{\"webhooks\": [{\"id\": \"w\", \"url\": \"http://x/\", \"secret\": "
	  "\"s3cr3t\", \"secret_file\": \"f\"}]}",
	    "sw.json:1:15: webhooks[0]: give at most one of secret, "
	    "secret_file and secret_credential\n" },
	{ "{\"fetch\": {\"max_per_host\": 0}}",
	    "sw.json:1:28: fetch.max_per_host: expected a whole number from 1 "
	    "to 100\n" },
	{ "{\"fetch\": {\"allow_private_addresses\": \"yes\"}}",
	    "sw.json:1:39: fetch.allow_private_addresses: expected true or "
	    "false\n" },
	{ "{\"feeds\": {}}",
	    "sw.json:1:11: feeds: expected a list of feeds\n" },
	{ "[]", "sw.json:1:1: the config must be a JSON object\n" },
	{ "{\"feeds\": [\n  {\"id\": \"a\",}\n]}",
	    "sw.json:2:14: string or '}' expected near '}'\n" },
	{ "{\"a\": 1, \"a\": 2}", NULL },
	/* All errors at once, in file order. */
	{ "{\n\"bogus\": 1,\n\"feeds\": [{\"id\": \"a\", \"url\": \"ftp://x\", "
	  "\"interval\": \"x\"}]\n}",
	    "sw.json:2:1: bogus: unknown key\n"
	    "sw.json:3:30: feeds[0].url: expected an http://, https:// or "
	    "file:// URL\n"
	    "sw.json:3:53: feeds[0].interval: expected a duration such as "
	    "\"15m\"\n" },
};

START_TEST(test_errors)
{
	char *errs = load_errors(bad[_i].text, NULL);

	if (bad[_i].errors != NULL)
		ck_assert_str_eq(errs, bad[_i].errors);
	else
		ck_assert_msg(errs[0] != '\0', "case %d: no error", _i);
	free(errs);
}
END_TEST

START_TEST(test_missing_baseline_named)
{
	char *errs = load_errors(
	    "{\"stories\": [{\"id\": \"s\", \"baseline\": [\"missing.txt\"]}]}",
	    NULL);

	ck_assert_ptr_nonnull(
	    strstr(errs, "sw.json:1:39: stories[0].baseline[0]: cannot read "));
	ck_assert_ptr_nonnull(strstr(errs, "/missing.txt: No such file"));
	free(errs);
}
END_TEST

START_TEST(test_secret_never_in_errors)
{
	char *errs = load_errors("{\"webhooks\": [{\"id\": \"w\", \"url\": "
				 "\"http://x/\", \"secret\": \"hunter2\", "
				 "\"secret_credential\": \"a/b\"}]}",
	    NULL);

	ck_assert(errs[0] != '\0');
	ck_assert_ptr_null(strstr(errs, "hunter2"));
	free(errs);
}
END_TEST

START_TEST(test_unreadable_file)
{
	struct cfg_errors errs = { 0 };
	char line[512];

	ck_assert_ptr_null(config_load("nonexistent.json", &errs));
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_str_eq(cfg_error_format(&errs.v[0], line, sizeof(line)),
	    "nonexistent.json: cannot open: No such file or directory");
	cfg_errors_clear(&errs);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_valid_full);
	tcase_add_test(tc, test_defaults_from_systemd_env);
	tcase_add_loop_test(tc, test_errors, 0, (int)SW_ARRAY_SIZE(bad));
	tcase_add_test(tc, test_missing_baseline_named);
	tcase_add_test(tc, test_secret_never_in_errors);
	tcase_add_test(tc, test_unreadable_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
