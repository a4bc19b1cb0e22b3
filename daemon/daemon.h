/* storywatchd's state: the loop, the config, the store, the control socket. */
#ifndef SW_DAEMON_H
#define SW_DAEMON_H

#include <stdint.h>

#include <event2/event.h>

#include "claims.h"
#include "config.h"
#include "control.h"
#include "http.h"
#include "poller.h"
#include "store.h"

struct daemon_reload {
	int64_t time; /* wall seconds, 0 = never */
	int ok;
	char *error; /* every config error, one per line; NULL when ok */
};

struct daemon {
	struct event_base *base;
	char *config_path;
	struct sw_config *cfg;
	struct store *store;
	struct control *ctl;
	struct event *ev_term, *ev_int, *ev_hup;
	struct event *ev_housekeeping;
	int lock_fd;
	int64_t started_wall;
	uint64_t started_mono;
	uint64_t watchdog_ms;
	uint64_t last_watchdog;
	struct daemon_reload last_reload;
	/* Feeds (daemon/feeds.c). */
	struct http_ctx *http;
	struct feed_poller *poller;
	struct feed_watch **watches;
	size_t nwatches;
	struct event *ev_commit; /* group commit of feed state and items */
	struct event *ev_disk;	 /* checks whether a full disk has room */
	int64_t disk_full;	 /* since when, 0 = not full */
	int64_t last_poll_wall;
	uint64_t items_new, items_changed, churn_events, flood_events;
	/* Stories and the pipeline (daemon/pipeline.c). */
	struct lexicon *lexicon;
	int stories_deferred; /* --once: built when the first item needs them */
	struct story_rt *stories;
	size_t nstories;
	struct pipeline_job *jobs; /* articles being fetched */
	unsigned jobs_in_flight;
	uint64_t alerts_total;
	/* Webhooks (daemon/deliver.c). */
	struct webhook_rt **webhooks;
	size_t nwebhooks;
	unsigned deliveries_in_flight;
	uint64_t deliveries_done;
	/* Poison inputs (daemon/guard.c). */
	int guard_fd;
	char **quarantine;
	size_t nquarantine;
	/* --once: poll every feed once, finish the work, exit. */
	int once;
	size_t once_expected, once_done;
	int log_level_forced; /* -v or --log-level given: config cannot change
				 it */
	int stopping;
	int exit_code;
};

/* Everything up to a listening control socket; 0, or -1 after logging why. */
int daemon_start(
    struct daemon *d, const char *config_path, struct sw_config *cfg);
/* Run the loop until shutdown; returns the exit code. */
int daemon_run(struct daemon *d);
/*
 * The event loop storywatchd runs on: its timers and timeouts count from
 * the clock when they are set, never from a time cached before a long
 * callback (a 7 s parse under memcheck made a control client accepted
 * after it look idle for 7 s).  Caller frees with event_base_free; NULL on
 * failure.
 */
struct event_base *daemon_loop_new(void);
/* Release everything; safe after a failed start. */
void daemon_free(struct daemon *d);
/* Re-read the config; on error keep the old one (reported in log and status).
 */
void daemon_reload(struct daemon *d);
/* Begin an orderly shutdown: stop accepting, finish writes, leave the loop. */
void daemon_shutdown(struct daemon *d);

/* Feeds: watches from the config, reconciled on reload (daemon/feeds.c). */
int daemon_feeds_start(struct daemon *d);
void daemon_feeds_stop(struct daemon *d);
void daemon_feeds_reconcile(struct daemon *d);
/* The watch with this id, or NULL. */
struct feed_watch *daemon_feed_watch(struct daemon *d, const char *id);
void daemon_feed_polled_cb(
    struct feed_watch *w, struct feed_poll *poll, void *arg);

/* A story's knowledge at run time. */
struct story_rt {
	char *id;
	struct knowledge *k;
	size_t baseline_sentences;
};

/* Build every story's knowledge (start-up and reload); 0, or -1 after logging.
 */
int daemon_pipeline_start(struct daemon *d);
/* Drop unfinished work (its items stay unseen) and the stories. */
void daemon_pipeline_stop(struct daemon *d);
/* The story with this id, or NULL. */
struct story_rt *daemon_story(struct daemon *d, const char *id);
/*
 * A new (updated = 0) or changed item of a feed, with its content hash.  The
 * item is marked seen when its processing is written, together with any alert.
 */
void daemon_pipeline_item(struct daemon *d, struct feed_watch *w,
    const struct feed_entry *e, int updated, const char *hash);
/* Per story: baseline and learned sizes, for status. New reference. */
json_t *daemon_pipeline_stories_json(struct daemon *d);

/* Webhooks (daemon/deliver.c): start or rebuild from the config; 0/-1. */
int daemon_webhooks_start(struct daemon *d);
void daemon_webhooks_stop(struct daemon *d);
/* Send what is due, per webhook in order. */
void daemon_deliver_kick_all(struct daemon *d);
/* --once: true while a webhook still has something due or in flight. */
int daemon_webhooks_busy(struct daemon *d);
/* Per webhook state for status. New reference. */
json_t *daemon_webhooks_json(struct daemon *d);
/* The request body and headers for alert to a webhook; 0 or -1. */
struct notify_payload;
int daemon_webhook_payload(struct daemon *d, const char *webhook_id,
    const json_t *alert, const char *alert_id, struct notify_payload *p);
/* test-webhook: send a sample now; answers the call later. */
json_t *daemon_webhook_test(
    struct daemon *d, const char *webhook_id, struct control_call *call);

/* Open the group-commit transaction; it is committed within 250 ms. */
void daemon_batch_begin(struct daemon *d);
/*
 * A store write failed: log it; when the disk is full, pause polling (it
 * resumes by itself once a write works) and keep delivering.
 */
void daemon_store_failed(struct daemon *d, const char *what);
/* Commit it now (before reading what others should see); 0 or -1. */
int daemon_batch_commit(struct daemon *d);
/* In --once mode, leave the loop when every feed was polled and all is done. */
void daemon_once_check(struct daemon *d);

/*
 * Add the feeds of cfg's OPML files (daemon/opml.c).  0, or -1 with each
 * problem appended to errs as "FILE:LINE: message".
 */
int daemon_config_expand_opml(struct sw_config *cfg, struct cfg_errors *errs);

/*
 * Poison inputs (daemon/guard.c): what is being handled is recorded before,
 * and cleared after; a record left by a dead process is quarantined at the
 * next start.  enter returns -1 for a quarantined key.
 */
int daemon_guard_start(struct daemon *d);
void daemon_guard_stop(struct daemon *d);
int daemon_guard_enter(struct daemon *d, const char *key);
void daemon_guard_leave(struct daemon *d);
int daemon_guard_feed_enter(void *arg, const char *feed_id, uint64_t hash);
void daemon_guard_feed_leave(void *arg);
/* The quarantined keys for status; new reference. */
json_t *daemon_guard_json(struct daemon *d);

/* The control command table (daemon/commands.c). */
extern const struct control_command daemon_commands[];
extern const size_t daemon_ncommands;

#endif
