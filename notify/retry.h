/* What a webhook response means for its delivery: delivered, retry at T, dead
 * or gone. */
#ifndef SW_NOTIFY_RETRY_H
#define SW_NOTIFY_RETRY_H

#include <stddef.h>
#include <stdint.h>

/*
 * How the request ended, mirroring http/'s result kinds one to one so the
 * daemon maps them with a switch.
 */
enum notify_http_kind {
	NOTIFY_HTTP_OK,		  /* a response arrived (any status) */
	NOTIFY_HTTP_NOT_MODIFIED, /* 304 */
	NOTIFY_HTTP_ERROR,	  /* a response with a non-2xx status */
	NOTIFY_HTTP_TIMEOUT,	  /* no complete response in time */
	NOTIFY_HTTP_TOO_LARGE,	  /* the response body passed its ceiling */
	NOTIFY_HTTP_NETWORK,	  /* DNS, connect, TLS, reset */
	NOTIFY_HTTP_REFUSED,	  /* the address policy refused the URL */
	NOTIFY_HTTP_KIND_COUNT,
};

/* Name for logs and status ("ok", "timeout", ...); "?" when out of range. */
const char *notify_http_kind_name(enum notify_http_kind kind);

enum notify_verdict {
	NOTIFY_DELIVERED, /* 2xx: done */
	NOTIFY_RETRY,	  /* try again at next_at, same webhook-id */
	NOTIFY_DEAD,	  /* gave up: keep it, show it, allow requeue */
	NOTIFY_GONE,	  /* 410: disable the webhook */
	NOTIFY_VERDICT_COUNT,
};

/* Name for logs and status ("delivered", "retry", ...); "?" when out of range.
 */
const char *notify_verdict_name(enum notify_verdict v);

/* The response as the daemon copied it out of http/'s result (all borrowed). */
struct notify_response {
	enum notify_http_kind kind;
	long status;	    /* HTTP status, 0 when none arrived */
	long retry_after_s; /* Retry-After in seconds, -1 when absent */
	const char *body;   /* response body excerpt source, may be NULL */
	size_t body_len;
	const char *error; /* transport error text (curl's), may be NULL */
};

/* The retry schedule; notify_retry_policy_default() is the documented one. */
#define NOTIFY_RETRY_STEPS_MAX 16
struct notify_retry_policy {
	int64_t
	    steps[NOTIFY_RETRY_STEPS_MAX]; /* delay after attempt 1, 2, ... */
	size_t nsteps;			   /* the last step repeats */
	unsigned jitter_pct;		   /* each delay +-jitter_pct % */
	int64_t max_age_s;		   /* dead after this long */
	int64_t retry_after_max_s;	   /* ceiling on Retry-After */
};

/*
 * 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h; +-20 % jitter;
 * dead 3 days after the first attempt; Retry-After honoured up to 6 h.
 * Borrowed static.
 */
const struct notify_retry_policy *notify_retry_policy_default(void);

struct notify_outcome {
	enum notify_verdict verdict;
	int64_t next_at; /* NOTIFY_RETRY: when to try again (wall seconds) */
	int64_t delay_s; /* NOTIFY_RETRY: next_at - now */
	int retry_after; /* 1 when Retry-After set the delay */
	/*
	 * The failure in one line for the log and the stored last error
	 * ("HTTP 503: \"busy\" (Retry-After 120s)", "timed out"): no secrets,
	 * body cut to 80 printable bytes.  It does not repeat the verdict.
	 */
	char reason[256];
};

/*
 * Classify response r for a delivery first attempted at first_attempt_at
 * (wall seconds) and now attempted `attempts` times (this one included,
 * so >= 1), at wall time now.  policy NULL means the default; rng_cb
 * (random 64-bit numbers for the jitter, injectable so tests are exact)
 * NULL means libcrypto's CSPRNG.  Rules: any 2xx status is delivered (even
 * with an over-long body); 410 is gone; everything else is retried on the
 * schedule, a Retry-After on 429 or 5xx pushing the next attempt later
 * (never earlier, never past the ceiling); a retry that would fall after
 * the delivery's max age is moved to that moment, and a failure at or
 * past it is dead.  A re-queued dead delivery starts over: pass the
 * re-queue time as first_attempt_at and count attempts afresh.
 */
struct notify_outcome notify_classify(const struct notify_response *r,
    int64_t first_attempt_at, int64_t now, unsigned attempts,
    const struct notify_retry_policy *policy, uint64_t (*rng_cb)(void *),
    void *rng_arg);

/*
 * The jittered delay after attempt number `attempts` (>= 1) under policy
 * (NULL: default); rng_cb as for notify_classify.
 */
int64_t notify_retry_delay(const struct notify_retry_policy *policy,
    unsigned attempts, uint64_t (*rng_cb)(void *), void *rng_arg);

#endif
