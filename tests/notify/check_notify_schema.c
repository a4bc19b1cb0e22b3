/* Every json payload notify/ builds, validated against
 * docs/webhook-payload.schema.json by python3-jsonschema. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "notify.h"
#include "sw_config.h"

static const char *
source_root(void)
{
	const char *r = getenv("SW_SOURCE_ROOT");

	return r != NULL ? r : SW_SOURCE_ROOT;
}

/* Changes to the small alert that keep it valid. */
static const char *const valid_patches[] = {
	"{}",
	"{\"kind\": \"article_updated\"}",
	"{\"test\": true}",
	"{\"test\": false, \"detected_at\": \"2025-09-25T10:00:00.123Z\"}",
	"{\"article\": {\"url\": \"https://x.example/\", \"title\": \"\", "
	"\"published\": null, \"feed\": {\"id\": \"f\", \"title\": null}}}",
	"{\"new_claims\": [], \"changed_figures\": [], \"corroborated\": []}",
	"{\"new_claims\": [{\"text\": \"t\", \"novelty\": 0}, {\"text\": "
	"\"u\", "
	"\"novelty\": 1, \"nearest\": null}]}",
	"{\"changed_figures\": [{\"subject\": \"s\", \"old\": {\"text\": \"1.5 "
	"million\", \"value\": 1500000.0, \"sentence\": null}, \"new\": "
	"{\"text\": \"2\", \"value\": -2}}]}",
};

/* Changes that make it invalid: the validator must refuse every one. */
static const char *const invalid_patches[] = {
	"{\"version\": 2}",
	"{\"id\": \"swa_XYZ\"}",
	"{\"kind\": \"deleted\"}",
	"{\"test\": \"yes\"}",
	"{\"detected_at\": \"yesterday\"}",
	"{\"unknown\": 1}",
	"{\"story\": {\"id\": \"s\"}}",
	"{\"new_claims\": [{\"text\": \"t\", \"novelty\": 1.5}]}",
	"{\"new_claims\": [{\"novelty\": 0.5}]}",
	"{\"changed_figures\": [{\"subject\": \"s\", \"old\": {\"text\": "
	"\"a\", "
	"\"value\": \"1\"}, \"new\": {\"text\": \"b\", \"value\": 2}}]}",
	"{\"corroborated\": [{\"text\": \"t\", \"count\": 0, \"sources\": "
	"[]}]}",
	"{\"article\": {\"url\": \"u\", \"title\": \"t\", \"published\": "
	"\"2025-09-25\", \"feed\": {\"id\": \"f\", \"title\": null}}}",
	"{\"omitted\": {}}",
};

static json_t *
patched(const char *patch)
{
	json_t *a = alert_small(), *p = json_loads(patch, 0, NULL);

	ck_assert_ptr_nonnull(p);
	json_object_update(a, p);
	json_decref(p);
	return a;
}

/* Build the json payload of a and append its body as one line to f. */
static void
emit_body(FILE *f, const json_t *a)
{
	struct notify_payload p;

	ck_assert_int_eq(notify_build(a, NOTIFY_FORMAT_JSON, &p), 0);
	ck_assert_ptr_null(memchr(p.body, '\n', p.len));
	fwrite(p.body, 1, p.len, f);
	fputc('\n', f);
	notify_payload_free(&p);
}

START_TEST(test_payloads_match_schema)
{
	char valid[] = "/tmp/check_notify_valid.XXXXXX";
	char invalid[] = "/tmp/check_notify_invalid.XXXXXX";
	char cmd[2048], err[200];
	FILE *fv, *fi;
	json_t *a;
	int rc;

	fv = fdopen(mkstemp(valid), "w");
	fi = fdopen(mkstemp(invalid), "w");
	ck_assert_ptr_nonnull(fv);
	ck_assert_ptr_nonnull(fi);

	for (size_t i = 0; i < sizeof(valid_patches) / sizeof(*valid_patches);
	     i++) {
		a = patched(valid_patches[i]);
		ck_assert_msg(notify_alert_check(a, err, sizeof(err)) == 0,
		    "%s: %s", valid_patches[i], err);
		emit_body(fv, a);
		json_decref(a);
	}
	/* The sample, and alerts big enough to be shrunk. */
	a = notify_sample_alert(1758794400);
	emit_body(fv, a);
	json_decref(a);
	a = alert_big(500, 2048, 10, 300);
	emit_body(fv, a);
	json_decref(a);
	a = alert_big(20, 40000, 40, 2);
	emit_body(fv, a);
	json_decref(a);

	for (size_t i = 0;
	     i < sizeof(invalid_patches) / sizeof(*invalid_patches); i++) {
		a = patched(invalid_patches[i]);
		/* notify's own check agrees with the schema. */
		ck_assert_msg(notify_alert_check(a, err, sizeof(err)) == -1,
		    "%s accepted", invalid_patches[i]);
		json_dumpf(a, fi, JSON_COMPACT);
		fputc('\n', fi);
		json_decref(a);
	}
	fclose(fv);
	fclose(fi);
	snprintf(cmd, sizeof(cmd),
	    "python3 '%s/tests/notify/validate_schema.py' "
	    "'%s/docs/webhook-payload.schema.json' '%s' '%s'",
	    source_root(), source_root(), valid, invalid);
	rc = system(cmd);
	unlink(valid);
	unlink(invalid);
	ck_assert(WIFEXITED(rc));
	ck_assert_int_eq(WEXITSTATUS(rc), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify-schema");
	TCase *tc = tcase_create("schema");
	SRunner *sr;
	int failed;

	if (system("python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) {
		printf("python3 with the jsonschema module not found "
		       "(apt-get install python3-jsonschema): schema check "
		       "skipped\n");
		return 77;
	}
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_payloads_match_schema);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
