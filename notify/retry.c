/* Response classification and the retry schedule for webhook deliveries. */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "retry.h"

static const char *const kind_names[NOTIFY_HTTP_KIND_COUNT] = {
	[NOTIFY_HTTP_OK] = "ok",
	[NOTIFY_HTTP_NOT_MODIFIED] = "not-modified",
	[NOTIFY_HTTP_ERROR] = "http-error",
	[NOTIFY_HTTP_TIMEOUT] = "timeout",
	[NOTIFY_HTTP_TOO_LARGE] = "too-large",
	[NOTIFY_HTTP_NETWORK] = "network",
	[NOTIFY_HTTP_REFUSED] = "refused",
};

static const char *const verdict_names[NOTIFY_VERDICT_COUNT] = {
	[NOTIFY_DELIVERED] = "delivered",
	[NOTIFY_RETRY] = "retry",
	[NOTIFY_DEAD] = "dead",
	[NOTIFY_GONE] = "gone",
};

const char *
notify_http_kind_name(enum notify_http_kind kind)
{
	if ((unsigned)kind >= NOTIFY_HTTP_KIND_COUNT)
		return "?";
	return kind_names[kind];
}

const char *
notify_verdict_name(enum notify_verdict v)
{
	if ((unsigned)v >= NOTIFY_VERDICT_COUNT)
		return "?";
	return verdict_names[v];
}

static const struct notify_retry_policy default_policy = {
	.steps = { 5, 30, 120, 600, 1800, 3600, 7200 },
	.nsteps = 7,
	.jitter_pct = 20,
	.max_age_s = 3 * 86400,
	.retry_after_max_s = 6 * 3600,
};

const struct notify_retry_policy *
notify_retry_policy_default(void)
{
	return &default_policy;
}

static uint64_t
csprng_cb(void *arg)
{
	uint64_t v = 0;

	/* Without randomness the jitter is merely lost, not the retry. */
	if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
		v = 0;
	return v;
}

int64_t
notify_retry_delay(const struct notify_retry_policy *policy, unsigned attempts,
    uint64_t (*rng_cb)(void *), void *rng_arg)
{
	int64_t d, span;
	size_t i;

	if (policy == NULL || policy->nsteps == 0)
		policy = &default_policy;
	if (rng_cb == NULL)
		rng_cb = csprng_cb;
	i = attempts == 0 ? 0 : attempts - 1;
	if (i >= policy->nsteps)
		i = policy->nsteps - 1;
	d = policy->steps[i];
	span = d * (int64_t)policy->jitter_pct / 100;
	if (span > 0)
		d = d - span +
		    (int64_t)(rng_cb(rng_arg) % (uint64_t)(2 * span + 1));
	return d > 1 ? d : 1;
}

/* Printable ASCII of at most max bytes from untrusted s, "..." when cut. */
static void
excerpt(char *out, size_t outlen, const char *s, size_t n, size_t max)
{
	size_t o = 0, i;
	int space = 0;

	for (i = 0; i < n && o < max && o + 4 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0;
			continue;
		}
		if (space && o + 5 < outlen && o + 1 < max)
			out[o++] = ' ';
		space = 0;
		out[o++] = c >= 0x21 && c < 0x7f ? (char)c : '?';
	}
	if (i < n && o + 3 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* The failure in words, without the verdict. */
static void
describe(const struct notify_response *r, char *out, size_t outlen)
{
	char ex[128] = "";

	if (r->error != NULL)
		excerpt(ex, sizeof(ex), r->error, strlen(r->error), 100);
	switch (r->kind) {
	case NOTIFY_HTTP_TIMEOUT:
		snprintf(out, outlen, "timed out%s%s", *ex ? ": " : "", ex);
		return;
	case NOTIFY_HTTP_NETWORK:
		snprintf(out, outlen, "network error%s%s", *ex ? ": " : "", ex);
		return;
	case NOTIFY_HTTP_REFUSED:
		snprintf(out, outlen, "refused by the address policy%s%s",
		    *ex ? ": " : "", ex);
		return;
	default:
		break;
	}
	if (r->status <= 0) {
		snprintf(
		    out, outlen, "no HTTP response%s%s", *ex ? ": " : "", ex);
		return;
	}
	if (r->status >= 300 && r->status < 400) {
		snprintf(out, outlen,
		    "HTTP %ld: redirects are not followed; set the webhook URL "
		    "to the final address",
		    r->status);
		return;
	}
	if (r->kind == NOTIFY_HTTP_TOO_LARGE) {
		snprintf(out, outlen, "HTTP %ld, response body too large",
		    r->status);
		return;
	}
	if (r->body != NULL && r->body_len > 0)
		excerpt(ex, sizeof(ex), r->body, r->body_len, 80);
	snprintf(out, outlen, "HTTP %ld%s%s%s", r->status, *ex ? ": \"" : "",
	    ex, *ex ? "\"" : "");
}

struct notify_outcome
notify_classify(const struct notify_response *r, int64_t first_attempt_at,
    int64_t now, unsigned attempts, const struct notify_retry_policy *policy,
    uint64_t (*rng_cb)(void *), void *rng_arg)
{
	struct notify_outcome o;
	char why[160];
	int64_t deadline, delay, ra = -1;
	int capped = 0;

	memset(&o, 0, sizeof(o));
	if (policy == NULL || policy->nsteps == 0)
		policy = &default_policy;
	if (r->status >= 200 && r->status < 300 &&
	    (r->kind == NOTIFY_HTTP_OK || r->kind == NOTIFY_HTTP_ERROR ||
		r->kind == NOTIFY_HTTP_TOO_LARGE)) {
		o.verdict = NOTIFY_DELIVERED;
		snprintf(o.reason, sizeof(o.reason), "HTTP %ld", r->status);
		return o;
	}
	if (r->status == 410 &&
	    (r->kind == NOTIFY_HTTP_OK || r->kind == NOTIFY_HTTP_ERROR ||
		r->kind == NOTIFY_HTTP_TOO_LARGE)) {
		o.verdict = NOTIFY_GONE;
		snprintf(o.reason, sizeof(o.reason),
		    "HTTP 410 Gone: the receiver asked to stop; webhook "
		    "disabled");
		return o;
	}
	describe(r, why, sizeof(why));
	deadline = first_attempt_at + policy->max_age_s;
	if (now >= deadline) {
		/* The verdict says it is over; the reason stays the failure. */
		o.verdict = NOTIFY_DEAD;
		snprintf(o.reason, sizeof(o.reason), "%s", why);
		return o;
	}
	delay = notify_retry_delay(policy, attempts, rng_cb, rng_arg);
	if (r->retry_after_s >= 0 && r->status > 0 &&
	    (r->status == 429 || (r->status >= 500 && r->status < 600))) {
		ra = r->retry_after_s;
		if (ra > policy->retry_after_max_s) {
			ra = policy->retry_after_max_s;
			capped = 1;
		}
		if (ra > delay) {
			delay = ra;
			o.retry_after = 1;
		}
	}
	o.verdict = NOTIFY_RETRY;
	o.next_at = now + delay;
	/* One last try when the delivery comes of age, not a silent death. */
	if (o.next_at > deadline)
		o.next_at = deadline;
	o.delay_s = o.next_at - now;
	if (ra >= 0)
		snprintf(o.reason, sizeof(o.reason), "%s (Retry-After %lds%s)",
		    why, r->retry_after_s, capped ? ", capped" : "");
	else
		snprintf(o.reason, sizeof(o.reason), "%s", why);
	return o;
}
