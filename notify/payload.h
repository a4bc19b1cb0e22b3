/* Webhook payload formats: one alert rendered as json, Slack, Discord, ntfy or
 * text. */
#ifndef SW_NOTIFY_PAYLOAD_H
#define SW_NOTIFY_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum notify_format {
	NOTIFY_FORMAT_JSON,
	NOTIFY_FORMAT_SLACK,
	NOTIFY_FORMAT_DISCORD,
	NOTIFY_FORMAT_NTFY,
	NOTIFY_FORMAT_TEXT,
	NOTIFY_FORMAT_COUNT,
};

/* The config name of a format ("json", "slack", ...); "?" when out of range. */
const char *notify_format_name(enum notify_format fmt);
/* Parse a format name (exact, lower case); 0, or -1 when unknown. */
int notify_format_parse(const char *s, enum notify_format *out);

/* Ceilings on what notify_build produces (documented in docs/webhooks.md). */
#define NOTIFY_JSON_MAX (256 * 1024) /* json body, bytes */
#define NOTIFY_TEXT_MAX (16 * 1024)  /* text body, bytes */
#define NOTIFY_NTFY_MAX 4096	     /* ntfy body, bytes (ntfy's own limit) */
#define NOTIFY_SLACK_TOTAL 12000     /* Slack: characters in all blocks */

/*
 * Most headers a payload carries: the format's (ntfy: 3), the webhook's
 * own from the config, and the three webhook-* ones.
 */
#define NOTIFY_MAX_HEADERS 32

/* One HTTP request header; both strings owned, printable ASCII, no CR/LF. */
struct notify_header {
	char *name;
	char *value;
};

/*
 * A request body ready to POST.  body (len bytes, NUL-terminated) and the
 * header strings are owned; content_type is a static string.
 */
struct notify_payload {
	char *body;
	size_t len;
	const char *content_type;
	struct notify_header headers[NOTIFY_MAX_HEADERS];
	size_t nheaders;
};

/*
 * Render alert (borrowed; the version 1 object of
 * docs/webhook-payload.schema.json) in format fmt into out, which the caller
 * releases with notify_payload_free.  Over-long content is cut at character
 * boundaries with a visible note ("… and 7 more claims"); missing or
 * mistyped fields render as empty.  The result depends only on alert, so
 * a retry may rebuild the body instead of storing it.  Strings must be
 * valid UTF-8 (jansson ensures it unless a *_nocheck call made them).
 * 0, or -1 when alert is not an object or memory ran out (out is then
 * empty).
 */
int notify_build(
    const json_t *alert, enum notify_format fmt, struct notify_payload *out);
/* Release what a payload owns and empty it; harmless on an empty payload. */
void notify_payload_free(struct notify_payload *p);
/*
 * Set header name to value on p, replacing an earlier one of the same name
 * (case-insensitive).  value is copied with CR, LF and other controls
 * replaced by spaces.  0, or -1 when name is not an HTTP token, the table
 * is full or memory ran out.  Call notify_payload_sign last, so the
 * webhook-* headers cannot be overridden.
 */
int notify_payload_set_header(
    struct notify_payload *p, const char *name, const char *value);
/* The value of header name on p, or NULL (borrowed). */
const char *notify_payload_header(
    const struct notify_payload *p, const char *name);

/*
 * Check alert against the version 1 shape (required fields and their
 * types).  0 when it conforms; -1 with the first problem's path and message
 * in err (e.g. "article.url: missing").
 */
int notify_alert_check(const json_t *alert, char *err, size_t errlen);

/*
 * A realistic sample alert for `storywatchctl test-webhook`: "test": true,
 * a fresh random id, detected_at = now.  New reference (caller decrefs), or
 * NULL when memory ran out.
 */
json_t *notify_sample_alert(int64_t now);

/*
 * A new alert id, "swa_" + 32 lower-case hex digits from the CSPRNG, into
 * buf (at least NOTIFY_ID_SIZE bytes).  0, or -1 when no randomness.
 */
#define NOTIFY_ID_SIZE 37
int notify_alert_id_new(char *buf, size_t len);

#endif
