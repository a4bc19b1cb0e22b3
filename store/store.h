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

/* Counts for status. */
struct store_counts {
	long alerts_24h;
	long deliveries_pending;
	long deliveries_dead;
	long items;
};
int store_counts_get(struct store *st, int64_t now, struct store_counts *c);

#endif
