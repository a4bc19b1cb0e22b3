/*
 * libFuzzer target: webhook payloads.  The input is an alert as JSON; it is
 * checked with notify_alert_check and rendered in every format with
 * notify_build, then signed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_util.h"
#include "log.h"
#include "payload.h"
#include "sign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct notify_secret *secret;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct notify_secret_msg msg;

	log_init(LOGL_ERR);
	/* The Standard Webhooks specification's example secret. */
	secret = notify_secret_from_string(
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &msg);
	if (secret == NULL)
		abort();
	return 0;
}

/* The ceiling notify_build promises for each format's body. */
static size_t
body_max(enum notify_format fmt)
{
	switch (fmt) {
	case NOTIFY_FORMAT_JSON:
		return NOTIFY_JSON_MAX;
	case NOTIFY_FORMAT_TEXT:
		return NOTIFY_TEXT_MAX;
	case NOTIFY_FORMAT_NTFY:
		return NOTIFY_NTFY_MAX;
	default:
		return NOTIFY_JSON_MAX; /* Slack and Discord: JSON bodies */
	}
}

static void
check_payload(const struct notify_payload *p, enum notify_format fmt)
{
	const char *name = notify_format_name(fmt);
	json_t *j;

	FUZZ_CHECK(p->body != NULL && p->body[p->len] == '\0',
	    "%s: body not terminated", name);
	FUZZ_CHECK(
	    p->len <= body_max(fmt), "%s: body of %zu bytes", name, p->len);
	FUZZ_CHECK(sw_utf8_valid(p->body, p->len), "%s: invalid UTF-8", name);
	FUZZ_CHECK(p->content_type != NULL, "%s: no content type", name);
	if (fmt == NOTIFY_FORMAT_JSON || fmt == NOTIFY_FORMAT_SLACK ||
	    fmt == NOTIFY_FORMAT_DISCORD) {
		j = json_loadb(p->body, p->len, 0, NULL);
		FUZZ_CHECK(j != NULL, "%s: body is not JSON", name);
		json_decref(j);
	}
	FUZZ_CHECK(p->nheaders <= NOTIFY_MAX_HEADERS, "%s: header count", name);
	for (size_t i = 0; i < p->nheaders; i++) {
		const unsigned char *c;

		FUZZ_CHECK(
		    p->headers[i].name != NULL && p->headers[i].value != NULL,
		    "%s: NULL header", name);
		for (c = (const unsigned char *)p->headers[i].value; *c; c++)
			FUZZ_CHECK(*c >= 0x20 && *c < 0x7f,
			    "%s: header %s has byte 0x%02x", name,
			    p->headers[i].name, *c);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct notify_secret *keys[1] = { secret };
	struct notify_payload p;
	json_error_t jerr;
	json_t *alert;
	char err[256];

	alert = json_loadb((const char *)data, size, 0, &jerr);
	if (alert == NULL)
		return 0;
	if (notify_alert_check(alert, err, sizeof(err)) < 0)
		FUZZ_CHECK(err[0] != '\0', "refused without a reason");
	for (int f = 0; f < NOTIFY_FORMAT_COUNT; f++) {
		memset(&p, 0, sizeof(p));
		if (notify_build(alert, (enum notify_format)f, &p) < 0) {
			FUZZ_CHECK(!json_is_object(alert), "%s: object refused",
			    notify_format_name(f));
			notify_payload_free(&p);
			continue;
		}
		check_payload(&p, (enum notify_format)f);
		FUZZ_CHECK(notify_payload_sign(
			       &p, keys, 1, "swa_fuzz", 1700000000) == 0,
		    "sign failed");
		FUZZ_CHECK(
		    notify_payload_header(&p, "webhook-signature") != NULL,
		    "no signature header");
		notify_payload_free(&p);
	}
	json_decref(alert);
	return 0;
}
