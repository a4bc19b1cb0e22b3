/*
 * Polling feeds on the loop.  Each feed is a small state machine driven by
 * its own timer and its own HTTP request; feed_watch_advance() is the only
 * place a state changes.  Parsing happens here too, right after the fetch,
 * so the daemon only sees documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "poller.h"
#include "util.h"

struct feed_poller {
	struct event_base *base;
	struct http_ctx *http;
	uint64_t spacing_ms;
	unsigned due_slots; /* first polls handed out so far */
	feed_polled_cb cb;
	void *arg;
	unsigned in_flight;
	uint64_t rng;
	int (*guard_enter)(void *, const char *, uint64_t);
	void (*guard_leave)(void *);
	void *guard_arg;
	int paused;
	uint64_t paused_retry_ms;
};

struct feed_watch {
	struct feed_poller *p;
	char *id;
	char *url;
	char *config_url;
	int allow_file;
	struct feed_sched_policy policy;
	enum feed_state state;
	struct event *timer;
	struct http_req *req;
	char *etag;
	char *last_modified;
	int64_t last_fetch;
	long last_status;
	char *last_result;
	char *last_error;
	long consecutive_errors;
	long item_count;
	int bozo;
	char *bozo_reason;
	uint64_t next_poll_mono;
	uint64_t polls;
};

static void feed_timer_cb(evutil_socket_t, short, void *);
static void feed_http_done_cb(struct http_req *, struct http_result *, void *);

static uint32_t
poller_rand(struct feed_poller *p)
{
	/* xorshift64*: jitter only, no need for more. */
	p->rng ^= p->rng >> 12;
	p->rng ^= p->rng << 25;
	p->rng ^= p->rng >> 27;
	return (uint32_t)((p->rng * UINT64_C(2685821657736338717)) >> 32);
}

static void
set_str(char **dst, const char *src)
{
	char *n = sw_strdup0(src);

	free(*dst);
	*dst = n;
}

static void
feed_set_state(struct feed_watch *w, enum feed_state st)
{
	if (w->state != st)
		log_debug("feed %s: %s -> %s", w->id, feed_state_name(w->state),
		    feed_state_name(st));
	w->state = st;
}

static void
schedule_in(struct feed_watch *w, uint64_t delay_ms)
{
	struct timeval tv = { (time_t)(delay_ms / 1000),
		(suseconds_t)(delay_ms % 1000 * 1000) };

	w->next_poll_mono = sw_mono_ms() + delay_ms;
	evtimer_add(w->timer, &tv);
}

struct feed_poller *
feed_poller_new(struct event_base *base, struct http_ctx *http,
    uint64_t spacing_ms, feed_polled_cb cb, void *arg)
{
	struct feed_poller *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->base = base;
	p->http = http;
	p->spacing_ms = spacing_ms;
	p->cb = cb;
	p->arg = arg;
	p->rng = (sw_mono_ms() << 16) ^ (uint64_t)getpid() ^
	    UINT64_C(0x9e3779b97f4a7c15);
	return p;
}

void
feed_poller_set_guard(struct feed_poller *p,
    int (*enter)(void *, const char *, uint64_t), void (*leave)(void *),
    void *arg)
{
	p->guard_enter = enter;
	p->guard_leave = leave;
	p->guard_arg = arg;
}

void
feed_poller_set_paused(struct feed_poller *p, int paused, uint64_t retry_ms)
{
	p->paused = paused;
	p->paused_retry_ms = retry_ms;
}

void
feed_poller_free(struct feed_poller *p)
{
	free(p);
}

unsigned
feed_poller_in_flight(const struct feed_poller *p)
{
	return p->in_flight;
}

struct feed_watch *
feed_watch_new(struct feed_poller *p, const struct feed_watch_config *cfg)
{
	struct feed_watch *w = calloc(1, sizeof(*w));
	uint64_t delay;

	if (w == NULL)
		return NULL;
	w->p = p;
	w->id = strdup(cfg->id);
	w->url = strdup(cfg->url);
	w->config_url = strdup(cfg->config_url ? cfg->config_url : cfg->url);
	w->allow_file = cfg->allow_file;
	w->policy = cfg->policy;
	w->etag = sw_strdup0(cfg->etag);
	w->last_modified = sw_strdup0(cfg->last_modified);
	w->last_fetch = cfg->last_fetch;
	w->last_status = cfg->last_status;
	w->last_result = sw_strdup0(cfg->last_result);
	w->last_error = sw_strdup0(cfg->last_error);
	w->bozo = cfg->bozo;
	w->bozo_reason = sw_strdup0(cfg->bozo_reason);
	w->consecutive_errors = cfg->consecutive_errors;
	w->item_count = cfg->item_count;
	w->timer = evtimer_new(p->base, feed_timer_cb, w);
	if (w->id == NULL || w->url == NULL || w->config_url == NULL ||
	    w->timer == NULL) {
		feed_watch_free(w);
		return NULL;
	}
	if (cfg->disabled) {
		w->state = FEED_DISABLED;
		return w;
	}
	/* --once polls everything now, whatever the saved state says. */
	delay = cfg->due_now
	    ? 0
	    : feed_sched_initial(&w->policy, w->last_fetch, sw_wall_s(), 0, 0);
	/* Due feeds take the next start-up slot so they do not fire together.
	 */
	if (delay == 0)
		delay = (uint64_t)p->due_slots++ * p->spacing_ms;
	w->state = w->consecutive_errors > 0 ? FEED_BACKOFF : FEED_IDLE;
	schedule_in(w, delay);
	return w;
}

void
feed_watch_free(struct feed_watch *w)
{
	if (w == NULL)
		return;
	/* Detach what could still call back into w, then free. */
	if (w->timer != NULL)
		event_free(w->timer);
	if (w->req != NULL) {
		http_cancel(w->req);
		w->p->in_flight--;
	}
	free(w->id);
	free(w->url);
	free(w->config_url);
	free(w->etag);
	free(w->last_modified);
	free(w->last_result);
	free(w->last_error);
	free(w->bozo_reason);
	free(w);
}

void
feed_watch_reconfigure(
    struct feed_watch *w, const struct feed_watch_config *cfg)
{
	w->policy = cfg->policy;
	w->allow_file = cfg->allow_file;
	if (strcmp(w->config_url,
		cfg->config_url ? cfg->config_url : cfg->url) != 0) {
		/* A new address is a new feed for HTTP purposes. */
		set_str(&w->config_url,
		    cfg->config_url ? cfg->config_url : cfg->url);
		set_str(&w->url, w->config_url);
		set_str(&w->etag, NULL);
		set_str(&w->last_modified, NULL);
		w->consecutive_errors = 0;
		if (w->state == FEED_DISABLED) {
			feed_set_state(w, FEED_IDLE);
			schedule_in(w, 0);
		}
	}
}

int
feed_watch_poll_now(struct feed_watch *w)
{
	if (w->state == FEED_FETCHING)
		return -1;
	evtimer_del(w->timer);
	if (w->state == FEED_DISABLED)
		log_debug(
		    "feed %s: polled by request although disabled", w->id);
	feed_timer_cb(-1, 0, w);
	return 0;
}

static void
feed_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct feed_watch *w = arg;
	struct http_request_opts o = { 0 };

	if (w->p->paused) {
		/* Nothing fetched could be stored: try again later. */
		schedule_in(w, w->p->paused_retry_ms);
		return;
	}
	o.url = w->url;
	o.method = HTTP_GET;
	o.etag = w->etag;
	o.last_modified = w->last_modified;
	o.follow_redirects = 1;
	o.allow_file = w->allow_file;
	feed_set_state(w, FEED_FETCHING);
	w->req = http_request(w->p->http, &o, feed_http_done_cb, w);
	if (w->req == NULL) {
		/* Out of memory: try again later rather than stall. */
		feed_set_state(w, FEED_BACKOFF);
		schedule_in(w, w->policy.interval_ms);
		return;
	}
	w->p->in_flight++;
}

static void
feed_http_done_cb(struct http_req *req, struct http_result *res, void *arg)
{
	struct feed_watch *w = arg;
	struct feed_poller *p = w->p;
	struct feed_sched_outcome o = { .retry_after_s = res->retry_after_s,
		.ttl_s = res->max_age_s };
	struct feed_poll poll = { .kind = res->kind, .status = res->status };
	struct feed_parse_opts popts;
	char errbuf[512];
	uint64_t delay;

	w->req = NULL;
	p->in_flight--;
	w->polls++;
	w->last_fetch = sw_wall_s();
	w->last_status = res->status;
	set_str(&w->last_error, NULL);
	if (res->permanent_redirect && res->permanent_url != NULL &&
	    strcmp(res->permanent_url, w->url) != 0) {
		set_str(&w->url, res->permanent_url);
		poll.url_changed = 1;
	}
	switch (res->kind) {
	case HTTP_R_NOT_MODIFIED:
		poll.not_modified = 1;
		o.ok = 1;
		set_str(&w->last_result, "not-modified");
		break;
	case HTTP_R_OK:
		feed_parse_opts_init(&popts);
		popts.base_url =
		    res->effective_url ? res->effective_url : w->url;
		popts.content_type = res->content_type;
		if (p->guard_enter != NULL &&
		    p->guard_enter(p->guard_arg, w->id,
			feed_fnv1a(FEED_FNV_INIT, res->body, res->body_len)) <
			0) {
			/* It crashed us before: the same bytes are not parsed.
			 */
			set_str(&w->last_result, "quarantined");
			set_str(&w->last_error,
			    "this document crashed or hung storywatchd before; "
			    "it is quarantined until the feed changes");
			break;
		}
		poll.doc = feed_parse_buf(res->body, res->body_len, &popts);
		if (p->guard_leave != NULL)
			p->guard_leave(p->guard_arg);
		if (poll.doc == NULL) {
			set_str(&w->last_result, "error");
			set_str(&w->last_error, "out of memory while parsing");
		} else if (poll.doc->error != FEED_OK) {
			/* error_msg names the URL and any advertised feed. */
			snprintf(errbuf, sizeof(errbuf), "%s",
			    poll.doc->error_msg
				? poll.doc->error_msg
				: feed_error_name(poll.doc->error));
			set_str(&w->last_result, "parse-error");
			set_str(&w->last_error, errbuf);
		} else {
			o.ok = 1;
			set_str(&w->last_result, "ok");
			/* Validators only from a response we could use. */
			set_str(&w->etag, res->etag);
			set_str(&w->last_modified, res->last_modified);
			w->item_count = (long)poll.doc->nentries;
			w->bozo = poll.doc->bozo;
			set_str(&w->bozo_reason, poll.doc->bozo_reason);
		}
		break;
	default:
		o.gone = res->kind == HTTP_R_HTTP_ERROR && res->status == 410;
		set_str(&w->last_result, http_result_kind_name(res->kind));
		/* http/ names the status itself ("HTTP 503"). */
		snprintf(errbuf, sizeof(errbuf), "%s",
		    res->error ? res->error : "failed");
		set_str(&w->last_error, errbuf);
		break;
	}
	if (o.ok) {
		w->consecutive_errors = 0;
	} else {
		w->consecutive_errors++;
		o.consecutive_errors = w->consecutive_errors;
	}
	poll.error = w->last_error;
	feed_set_state(
	    w, feed_sched_next(&w->policy, &o, poller_rand(p), &delay));
	if (w->state != FEED_DISABLED)
		schedule_in(w, delay);
	p->cb(w, &poll, p->arg);
	feed_doc_free(poll.doc);
}

const char *
feed_watch_id(const struct feed_watch *w)
{
	return w->id;
}

void
feed_watch_get_state(const struct feed_watch *w, struct feed_watch_state *st)
{
	uint64_t now = sw_mono_ms();

	memset(st, 0, sizeof(*st));
	st->id = w->id;
	st->url = w->url;
	st->config_url = w->config_url;
	st->state = w->state;
	st->etag = w->etag;
	st->last_modified = w->last_modified;
	st->last_fetch = w->last_fetch;
	st->last_status = w->last_status;
	st->last_result = w->last_result;
	st->last_error = w->last_error;
	st->consecutive_errors = w->consecutive_errors;
	st->item_count = w->item_count;
	st->bozo = w->bozo;
	st->bozo_reason = w->bozo_reason;
	st->polls = w->polls;
	if (w->state == FEED_IDLE || w->state == FEED_BACKOFF) {
		st->next_poll_in_ms =
		    w->next_poll_mono > now ? w->next_poll_mono - now : 0;
		st->next_poll_wall =
		    sw_wall_s() + (int64_t)(st->next_poll_in_ms / 1000);
	}
}

json_t *
feed_watch_to_json(const struct feed_watch *w)
{
	struct feed_watch_state st;
	char last[32], next[32];

	feed_watch_get_state(w, &st);
	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:I, s:s?, s:s?, s:I, "
			 "s:I, s:b, s:s?, s:s?, s:I}",
	    "id", st.id, "url", st.url, "state", feed_state_name(st.state),
	    "last_fetch",
	    st.last_fetch ? sw_iso8601(st.last_fetch, last, sizeof(last))
			  : NULL,
	    "last_result", st.last_result, "http_status",
	    (json_int_t)st.last_status, "error", st.last_error, "etag", st.etag,
	    "items", (json_int_t)st.item_count, "consecutive_errors",
	    (json_int_t)st.consecutive_errors, "bozo", st.bozo, "bozo_reason",
	    st.bozo_reason, "next_poll",
	    st.next_poll_wall
		? sw_iso8601(st.next_poll_wall, next, sizeof(next))
		: NULL,
	    "polls", (json_int_t)st.polls);
}
