/*
 * When a feed is polled next.  Success waits the interval (lengthened, never
 * shortened, by the feed's own TTL or max-age); failure backs off
 * exponentially from the interval to a ceiling; Retry-After is honoured when
 * it asks for more; 410 disables.  Jitter spreads feeds that started together.
 */
#include "schedule.h"

static const char *const state_names[] = {
	[FEED_IDLE] = "idle",
	[FEED_FETCHING] = "fetching",
	[FEED_BACKOFF] = "backoff",
	[FEED_DISABLED] = "disabled",
};

const char *
feed_state_name(enum feed_state s)
{
	if ((unsigned)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "unknown";
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t
max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

enum feed_state
feed_sched_next(const struct feed_sched_policy *p,
    const struct feed_sched_outcome *o, uint32_t rnd, uint64_t *delay_ms)
{
	uint64_t base = max_u64(p->interval_ms, p->min_interval_ms), d;
	enum feed_state st;

	if (o->gone) {
		*delay_ms = 0;
		return FEED_DISABLED;
	}
	if (o->ok) {
		d = base;
		if (o->ttl_s > 0)
			d = max_u64(d,
			    min_u64((uint64_t)o->ttl_s * 1000, p->max_hint_ms));
		st = FEED_IDLE;
	} else {
		long n = o->consecutive_errors > 0 ? o->consecutive_errors : 1;

		/* interval, 2x, 4x, ... up to the ceiling; shifts stay small.
		 */
		d = base;
		for (long i = 1; i < n && d < p->max_backoff_ms; i++)
			d *= 2;
		d = min_u64(d, max_u64(p->max_backoff_ms, base));
		st = FEED_BACKOFF;
	}
	if (o->retry_after_s > 0)
		d = max_u64(d,
		    min_u64((uint64_t)o->retry_after_s * 1000, p->max_hint_ms));
	/* Up to +10%: feeds polled together drift apart. */
	d += d / 10 * (rnd % 1024) / 1024;
	*delay_ms = d;
	return st;
}

uint64_t
feed_sched_initial(const struct feed_sched_policy *p, int64_t last_fetch_wall,
    int64_t now_wall, unsigned slot, uint64_t spacing_ms)
{
	uint64_t base = max_u64(p->interval_ms, p->min_interval_ms);
	int64_t age_ms;

	if (last_fetch_wall <= 0 || last_fetch_wall > now_wall)
		return (uint64_t)slot * spacing_ms;
	age_ms = (now_wall - last_fetch_wall) * 1000;
	if ((uint64_t)age_ms >= base)
		return (uint64_t)slot * spacing_ms;
	return base - (uint64_t)age_ms;
}
