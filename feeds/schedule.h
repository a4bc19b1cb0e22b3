/* When a feed is polled next: interval, jitter, backoff, Retry-After, TTL. */
#ifndef SW_FEED_SCHEDULE_H
#define SW_FEED_SCHEDULE_H

#include <stdint.h>

/* The states of one feed; see feed_sched_next(). */
enum feed_state {
	FEED_IDLE,     /* waiting for its next poll */
	FEED_FETCHING, /* a request is in flight */
	FEED_BACKOFF,  /* the last poll failed; waiting longer */
	FEED_DISABLED, /* 410 Gone: not polled until the config changes */
};

/* "idle", "fetching", "backoff", "disabled"; never NULL. */
const char *feed_state_name(enum feed_state s);

struct feed_sched_policy {
	uint64_t interval_ms;	  /* the feed's interval */
	uint64_t min_interval_ms; /* floor for any delay after success */
	uint64_t max_backoff_ms;  /* ceiling for failure backoff */
	uint64_t max_hint_ms;	  /* ceiling for TTL/max-age/Retry-After */
};

/* How a poll ended, as far as scheduling cares. */
struct feed_sched_outcome {
	int ok;		    /* fetched (200/304) and usable */
	int gone;	    /* 410: stop polling */
	long retry_after_s; /* -1 when absent */
	long ttl_s;	    /* feed's own TTL or Cache-Control max-age; -1 */
	long consecutive_errors; /* including this poll when !ok */
};

/*
 * The state after a poll and the delay until the next one.  rnd is a
 * random 32-bit value for jitter (so tests can inject it): up to +10% of the
 * delay, so feeds that started together drift apart.
 */
enum feed_state feed_sched_next(const struct feed_sched_policy *p,
    const struct feed_sched_outcome *o, uint32_t rnd, uint64_t *delay_ms);

/*
 * Delay before the first poll after start-up: 0 when it is due (never
 * polled, or last polled over an interval ago), else what is left of the
 * interval.  slot spreads due feeds: the n-th due feed waits n * spacing_ms.
 */
uint64_t feed_sched_initial(const struct feed_sched_policy *p,
    int64_t last_fetch_wall, int64_t now_wall, unsigned slot,
    uint64_t spacing_ms);

#endif
