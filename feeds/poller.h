/* Polling feeds on the loop: one explicit state machine and timer per feed. */
#ifndef SW_FEED_POLLER_H
#define SW_FEED_POLLER_H

#include <stdint.h>

#include <jansson.h>

#include "feed.h"
#include "http.h"
#include "schedule.h"

struct event_base;
struct feed_poller;
struct feed_watch;

/* A feed to watch, and the HTTP state it had (from the store). */
struct feed_watch_config {
	const char *id;
	const char *url;	/* current URL (after permanent redirects) */
	const char *config_url; /* as configured */
	int allow_file;		/* configured by the admin: file:// allowed */
	int due_now;		/* poll at once whatever the saved state */
	struct feed_sched_policy policy;
	/* Saved state; NULL/0 when never polled. */
	const char *etag;
	const char *last_modified;
	int64_t last_fetch;
	long last_status;
	const char *last_result;
	const char *last_error;
	long consecutive_errors;
	long item_count;
	int disabled;
	int bozo;
	const char *bozo_reason;
};

/* What one poll produced, handed to the daemon. */
struct feed_poll {
	enum http_result_kind kind;
	long status;
	const char *error;    /* why it failed (HTTP, parse); NULL on success */
	int not_modified;     /* 304: nothing was parsed */
	int url_changed;      /* a permanent redirect moved the feed */
	struct feed_doc *doc; /* parsed document or NULL; owned by the poller
				 unless the callback sets it to NULL */
};

/* Called on the loop after every poll; the watch's state is already updated. */
typedef void (*feed_polled_cb)(
    struct feed_watch *w, struct feed_poll *poll, void *arg);

/*
 * A poller on base fetching through http (borrowed).  spacing_ms separates
 * the first polls of feeds that are due at start-up.  NULL on failure.
 */
struct feed_poller *feed_poller_new(struct event_base *base,
    struct http_ctx *http, uint64_t spacing_ms, feed_polled_cb cb, void *arg);
/*
 * A guard around each parse: enter(arg, feed_id, body_hash) returns 0 to go
 * on or -1 to skip the document (quarantined); leave(arg) follows a parse.
 * Lets the daemon record what it is parsing, so a document that crashes the
 * process is never parsed again.
 */
void feed_poller_set_guard(struct feed_poller *p,
    int (*enter)(void *, const char *, uint64_t), void (*leave)(void *),
    void *arg);
/*
 * Pause polling (the disk is full): a due feed waits retry_ms and tries
 * again, without fetching, until resumed with paused = 0.
 */
void feed_poller_set_paused(
    struct feed_poller *p, int paused, uint64_t retry_ms);
/* Free the poller after every watch was freed; NULL is harmless. */
void feed_poller_free(struct feed_poller *p);
/* Requests in flight now. */
unsigned feed_poller_in_flight(const struct feed_poller *p);

/*
 * Start watching a feed; its first poll is scheduled from cfg's saved state.
 * Strings are copied.  NULL on failure.
 */
struct feed_watch *feed_watch_new(
    struct feed_poller *p, const struct feed_watch_config *cfg);
/* Cancel its timer and any request in flight (no callback), free; NULL
 * harmless. */
void feed_watch_free(struct feed_watch *w);
/*
 * Apply a reloaded config.  A changed URL forgets the HTTP validators and
 * re-enables a disabled feed; the schedule keeps running otherwise.
 */
void feed_watch_reconfigure(
    struct feed_watch *w, const struct feed_watch_config *cfg);
/* Poll now (unless a request is already in flight); 0, or -1 when in flight. */
int feed_watch_poll_now(struct feed_watch *w);

/* The watch's current state, for the store and for status. Strings are
 * borrowed. */
struct feed_watch_state {
	const char *id;
	const char *url;
	const char *config_url;
	enum feed_state state;
	const char *etag;
	const char *last_modified;
	int64_t last_fetch; /* wall seconds, 0 = never */
	long last_status;
	const char *last_result; /* "ok", "not-modified", "timeout",
				    "parse-error" ... */
	const char *last_error;
	long consecutive_errors;
	long item_count;
	int bozo;
	const char *bozo_reason;
	uint64_t next_poll_in_ms; /* 0 when fetching or disabled */
	int64_t next_poll_wall;	  /* 0 when fetching or disabled */
	uint64_t polls;
};
void feed_watch_get_state(
    const struct feed_watch *w, struct feed_watch_state *st);
/* The watch's id (borrowed). */
const char *feed_watch_id(const struct feed_watch *w);
/* The state for `storywatchctl feeds`; new reference or NULL. */
json_t *feed_watch_to_json(const struct feed_watch *w);

#endif
