/* The state store: the only SQL in storywatch (SQLite, WAL, ordered
 * migrations). */
#ifndef SW_STORE_H
#define SW_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * Open (creating when absent) the database storywatch.db in dir, apply
 * migrations, and check its integrity.  A corrupt or truncated file is never
 * recreated: NULL with a message in err naming the file and what to do.
 */
struct store *store_open(const char *dir, char *err, size_t errlen);
/* Close the database; NULL is harmless. */
void store_close(struct store *st);
/* Full path of the database file (owned by the store). */
const char *store_path(const struct store *st);
/* The schema version the file is at. */
int store_schema_version(struct store *st);

/* Transactions; 0 or -1 (message in store_errmsg). */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* The last error's message (owned by the store). */
const char *store_errmsg(struct store *st);
/* True when the last failure was the disk being full. */
int store_disk_full(struct store *st);

/* A feed's HTTP state that survives restarts. */
struct store_feed {
	char *url;	  /* current URL (after permanent redirects) */
	char *config_url; /* URL as configured when url was set */
	char *etag;
	char *last_modified;
	int64_t last_fetch; /* wall seconds, 0 = never */
	long last_status;
	char *last_result;
	char *last_error;
	long consecutive_errors;
	long item_count;
	int disabled; /* 410 Gone */
	int bozo;
	char *bozo_reason;
	int64_t first_polled; /* 0 = never polled successfully */
};

/* Load a feed's state; 1 found, 0 absent (*f zeroed), -1 error. Free with
 * store_feed_clear. */
int store_feed_get(struct store *st, const char *id, struct store_feed *f);
/* Insert or replace a feed's state; 0 or -1. */
int store_feed_put(
    struct store *st, const char *id, const struct store_feed *f);
/* Release the strings of f. */
void store_feed_clear(struct store_feed *f);

/*
 * Group commit: writes that may be lost together on power loss (feed state,
 * items that raised no alert) share one transaction, committed by the
 * caller every few hundred milliseconds.  store_batch_begin() is a no-op
 * when a transaction is open; store_batch_commit() when none is.  0 or -1.
 */
int store_batch_begin(struct store *st);
int store_batch_commit(struct store *st);
/* A harmless write, to learn whether the disk has room again; 0 or -1. */
int store_probe_write(struct store *st);
/* True when a transaction is open. */
int store_in_transaction(struct store *st);

/* An item's stored content hash: 1 and *hash set (caller frees), 0 absent, -1
 * error. */
int store_item_get(
    struct store *st, const char *feed_id, const char *item_id, char **hash);
/* Record an item as seen with this content hash; 0 or -1. */
int store_item_put(struct store *st, const char *feed_id, const char *item_id,
    const char *hash, int64_t now);
/* Forget a feed's items (the feed was removed); 0 or -1. */
int store_items_forget_feed(struct store *st, const char *feed_id);

/* A learned claim or figure of a story, as stored (strings borrowed). */
struct store_learned {
	uint64_t id; /* the knowledge's id, unique within the story */
	const char *kind;
	const char *text;
	const char *url;
	const char *title;
	int64_t time;
	uint32_t corroborations;
	const char *sources_json; /* JSON array of URLs */
};
typedef int (*store_learned_cb)(const struct store_learned *l, void *arg);
/* Insert a learned item, or update its corroboration; 0 or -1. */
int store_learned_put(
    struct store *st, const char *story_id, const struct store_learned *l);
/* Call cb for each learned item of the story in id order (stop when cb < 0).
 * Count, or -1. */
int store_learned_each(
    struct store *st, const char *story_id, store_learned_cb cb, void *arg);

/* An alert as stored (strings borrowed); payload is the json webhook body. */
struct store_alert {
	const char *id;
	const char *story_id;
	int64_t created_at;
	const char *kind;
	const char *url;
	const char *title;
	const char *feed_id;
	const char *payload;
};
typedef int (*store_alert_cb)(const struct store_alert *a, void *arg);
/* Insert an alert; 0 or -1. */
int store_alert_add(struct store *st, const struct store_alert *a);
/* Newest first, all stories or one; count, or -1. */
int store_alerts_each(struct store *st, const char *story_id, long limit,
    store_alert_cb cb, void *arg);
/* An alert's payload: 1 and *payload (caller frees), 0 unknown, -1 error. */
int store_alert_payload(struct store *st, const char *alert_id, char **payload);

/* One delivery of an alert to a webhook (strings owned when from the store). */
struct store_delivery {
	int64_t id;
	char *alert_id;
	char *webhook_id;
	char *state; /* pending, retrying, delivered, dead */
	long attempts;
	int64_t created_at;
	int64_t next_attempt_at;
	int64_t last_attempt_at;
	long last_status;
	char *last_error;
};
typedef int (*store_delivery_cb)(const struct store_delivery *d, void *arg);
/* Queue a delivery, due now; 0 or -1. */
int store_delivery_add(struct store *st, const char *alert_id,
    const char *webhook_id, int64_t now);
/* The webhook's oldest undelivered, live delivery: 1 (free with
 * store_delivery_clear), 0 none, -1. */
int store_delivery_head(
    struct store *st, const char *webhook_id, struct store_delivery *d);
/* Write back state, attempts, times, status and error of d->id; 0 or -1. */
int store_delivery_update(struct store *st, const struct store_delivery *d);
/* Release what a delivery read from the store owns. */
void store_delivery_clear(struct store_delivery *d);
/* Newest first, filtered by webhook and state (NULL = any); count, or -1. */
int store_deliveries_each(struct store *st, const char *webhook_id,
    const char *state, long limit, store_delivery_cb cb, void *arg);
/*
 * Queue again: the deliveries of alert_id (any state), or every dead one
 * when alert_id is NULL; only webhook_id's when given.  Rows changed, or -1.
 */
int store_redeliver(struct store *st, const char *alert_id,
    const char *webhook_id, int64_t now);

/* Quarantine: inputs that crashed or hung the process; 0 or -1. */
int store_quarantine_add(
    struct store *st, const char *key, int64_t since, const char *reason);
typedef int (*store_quarantine_cb)(
    const char *key, int64_t since, const char *reason, void *arg);
/* Each quarantined key, oldest first; count, or -1. */
int store_quarantine_each(struct store *st, store_quarantine_cb cb, void *arg);

/* Counts for status. */
struct store_counts {
	long alerts_24h;
	long deliveries_pending;
	long deliveries_dead;
	long items;
};
int store_counts_get(struct store *st, int64_t now, struct store_counts *c);

#endif
