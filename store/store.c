/*
 * The state store: the only SQL in storywatch.  One SQLite file in WAL mode
 * with synchronous=FULL, so a committed alert and its deliveries survive a
 * crash and a power loss; every statement is prepared once, here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store.h"
#include "util.h"

/* Ordered migrations: index i takes the schema from version i to i + 1. */
static const char *const migrations[] = {
	/* 1: the first schema. */
	"CREATE TABLE feeds ("
	"  id TEXT PRIMARY KEY,"
	"  url TEXT, config_url TEXT, etag TEXT, last_modified TEXT,"
	"  last_fetch INTEGER NOT NULL DEFAULT 0,"
	"  last_status INTEGER NOT NULL DEFAULT 0,"
	"  last_result TEXT, last_error TEXT,"
	"  consecutive_errors INTEGER NOT NULL DEFAULT 0,"
	"  item_count INTEGER NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  bozo INTEGER NOT NULL DEFAULT 0, bozo_reason TEXT,"
	"  first_polled INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE items ("
	"  feed_id TEXT NOT NULL, item_id TEXT NOT NULL,"
	"  content_hash TEXT NOT NULL,"
	"  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'seen',"
	"  PRIMARY KEY (feed_id, item_id)) WITHOUT ROWID;"
	"CREATE TABLE knowledge ("
	"  story_id TEXT NOT NULL, item_id INTEGER NOT NULL,"
	"  kind TEXT NOT NULL, text TEXT NOT NULL,"
	"  source_url TEXT, source_title TEXT,"
	"  learned_at INTEGER NOT NULL,"
	"  corroboration INTEGER NOT NULL DEFAULT 0, sources TEXT,"
	"  PRIMARY KEY (story_id, item_id));"
	"CREATE TABLE alerts ("
	"  seq INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE, story_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, kind TEXT NOT NULL,"
	"  article_url TEXT, article_title TEXT, feed_id TEXT,"
	"  payload TEXT NOT NULL);"
	"CREATE INDEX alerts_story ON alerts (story_id, seq);"
	"CREATE INDEX alerts_created ON alerts (created_at);"
	"CREATE TABLE deliveries ("
	"  id INTEGER PRIMARY KEY,"
	"  alert_id TEXT NOT NULL, webhook_id TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  last_attempt_at INTEGER NOT NULL DEFAULT 0,"
	"  last_status INTEGER NOT NULL DEFAULT 0, last_error TEXT);"
	"CREATE INDEX deliveries_queue ON deliveries (webhook_id, state, id);"
	"CREATE INDEX deliveries_state ON deliveries (state);",
	/* 2: inputs that crashed or hung storywatchd, never handled again. */
	"CREATE TABLE quarantine ("
	"  key TEXT PRIMARY KEY, since INTEGER NOT NULL, reason TEXT);",
};

enum stmt_id {
	ST_FEED_GET,
	ST_FEED_PUT,
	ST_COUNT_ALERTS,
	ST_COUNT_DELIVERIES,
	ST_COUNT_ITEMS,
	ST_ITEM_GET,
	ST_ITEM_PUT,
	ST_ITEMS_FORGET,
	ST_LEARNED_PUT,
	ST_LEARNED_EACH,
	ST_ALERT_ADD,
	ST_ALERTS_ALL,
	ST_ALERTS_STORY,
	ST_ALERT_PAYLOAD,
	ST_DELIVERY_ADD,
	ST_DELIVERY_HEAD,
	ST_DELIVERY_UPDATE,
	ST_DELIVERIES_LIST,
	ST_REDELIVER_ALERT,
	ST_REDELIVER_DEAD,
	ST_QUARANTINE_ADD,
	ST_QUARANTINE_EACH,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_FEED_GET] = "SELECT url, config_url, etag, last_modified, "
			"last_fetch, last_status, last_result, last_error, "
			"consecutive_errors, item_count, disabled, bozo, "
			"bozo_reason, first_polled FROM feeds WHERE id = ?1",
	[ST_FEED_PUT] = "INSERT OR REPLACE INTO feeds (id, url, config_url, "
			"etag, last_modified, last_fetch, last_status, "
			"last_result, last_error, consecutive_errors, "
			"item_count, disabled, bozo, bozo_reason, "
			"first_polled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			"?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[ST_COUNT_ALERTS] =
	    "SELECT count(*) FROM alerts WHERE created_at >= ?1",
	[ST_COUNT_DELIVERIES] = "SELECT sum(state IN ('pending', 'retrying')), "
				"sum(state = 'dead') FROM deliveries",
	[ST_COUNT_ITEMS] = "SELECT count(*) FROM items",
	[ST_ITEM_GET] = "SELECT content_hash FROM items WHERE feed_id = ?1 AND "
			"item_id = ?2",
	[ST_ITEM_PUT] = "INSERT INTO items (feed_id, item_id, content_hash, "
			"first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4) "
			"ON CONFLICT (feed_id, item_id) DO UPDATE SET "
			"content_hash = excluded.content_hash, "
			"last_seen = excluded.last_seen, state = 'seen'",
	[ST_ITEMS_FORGET] = "DELETE FROM items WHERE feed_id = ?1",
	[ST_LEARNED_PUT] =
	    "INSERT INTO knowledge (story_id, item_id, kind, text, source_url, "
	    "source_title, learned_at, corroboration, sources) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (story_id, item_id) DO "
	    "UPDATE SET corroboration = excluded.corroboration, "
	    "sources = excluded.sources",
	[ST_LEARNED_EACH] =
	    "SELECT item_id, kind, text, source_url, "
	    "source_title, learned_at, corroboration, sources "
	    "FROM knowledge WHERE story_id = ?1 ORDER BY item_id",
	[ST_ALERT_ADD] = "INSERT INTO alerts (id, story_id, created_at, kind, "
			 "article_url, article_title, feed_id, payload) VALUES "
			 "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_ALERTS_ALL] = "SELECT id, story_id, created_at, kind, article_url, "
			  "article_title, feed_id, payload FROM alerts "
			  "ORDER BY seq DESC LIMIT ?1",
	[ST_ALERTS_STORY] = "SELECT id, story_id, created_at, kind, "
			    "article_url, article_title, feed_id, payload FROM "
			    "alerts WHERE story_id = ?2 ORDER BY seq DESC "
			    "LIMIT ?1",
	[ST_ALERT_PAYLOAD] = "SELECT payload FROM alerts WHERE id = ?1",
	[ST_DELIVERY_ADD] = "INSERT INTO deliveries (alert_id, webhook_id, "
			    "created_at, next_attempt_at) VALUES (?1, ?2, ?3, "
			    "?3)",
	/* Per webhook in order: the oldest delivery not yet done or dead. */
	[ST_DELIVERY_HEAD] = "SELECT id, alert_id, webhook_id, state, "
			     "attempts, created_at, next_attempt_at, "
			     "last_attempt_at, last_status, last_error FROM "
			     "deliveries WHERE webhook_id = ?1 AND state IN "
			     "('pending', 'retrying') ORDER BY id LIMIT 1",
	[ST_DELIVERY_UPDATE] = "UPDATE deliveries SET state = ?2, attempts = "
			       "?3, next_attempt_at = ?4, last_attempt_at = "
			       "?5, last_status = ?6, last_error = ?7 WHERE "
			       "id = ?1",
	[ST_DELIVERIES_LIST] =
	    "SELECT id, alert_id, webhook_id, state, attempts, created_at, "
	    "next_attempt_at, last_attempt_at, last_status, last_error FROM "
	    "deliveries WHERE (?1 IS NULL OR webhook_id = ?1) AND (?2 IS NULL "
	    "OR state = ?2) ORDER BY id DESC LIMIT ?3",
	[ST_REDELIVER_ALERT] =
	    "UPDATE deliveries SET state = 'pending', attempts = 0, "
	    "created_at = ?3, next_attempt_at = ?3, last_error = NULL WHERE "
	    "alert_id = ?1 AND (?2 IS NULL OR webhook_id = ?2)",
	[ST_QUARANTINE_ADD] = "INSERT OR REPLACE INTO quarantine (key, since, "
			      "reason) VALUES (?1, ?2, ?3)",
	[ST_QUARANTINE_EACH] = "SELECT key, since, reason FROM quarantine "
			       "ORDER BY since",
	[ST_REDELIVER_DEAD] =
	    "UPDATE deliveries SET state = 'pending', attempts = 0, "
	    "created_at = ?2, next_attempt_at = ?2, last_error = NULL WHERE "
	    "state = 'dead' AND (?1 IS NULL OR webhook_id = ?1)",
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[ST__COUNT];
	char errmsg[512];
	int last_rc;
};

static int
fail(struct store *st, const char *what)
{
	st->last_rc = sqlite3_extended_errcode(st->db);
	snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
	return -1;
}

static int
exec(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		st->last_rc = sqlite3_extended_errcode(st->db);
		snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s", st->path,
		    msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
pragma_int(struct store *st, const char *sql, int *out)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return fail(st, sql);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, sql);
	return 0;
}

/* quick_check catches torn and truncated files at a fraction of
 * integrity_check's cost. */
static int
check_integrity(struct store *st)
{
	sqlite3_stmt *s;
	const char *res;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL) !=
	    SQLITE_OK)
		return fail(st, "integrity check");
	rc = sqlite3_step(s);
	res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
	if (res == NULL || strcmp(res, "ok") != 0) {
		snprintf(st->errmsg, sizeof(st->errmsg),
		    "%s: database is corrupt (%s); refusing to start. Restore "
		    "it from a backup or move it aside to start afresh",
		    st->path, res ? res : sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

static int
migrate(struct store *st)
{
	int version = 0;

	if (exec(st,
		"CREATE TABLE IF NOT EXISTS schema_version ("
		"version INTEGER NOT NULL)") < 0)
		return -1;
	if (pragma_int(st,
		"SELECT coalesce(max(version), 0) FROM "
		"schema_version",
		&version) < 0)
		return -1;
	if (version > (int)SW_ARRAY_SIZE(migrations)) {
		snprintf(st->errmsg, sizeof(st->errmsg),
		    "%s: schema version %d is newer than this storywatchd "
		    "knows (%zu); refusing to downgrade",
		    st->path, version, SW_ARRAY_SIZE(migrations));
		return -1;
	}
	for (int v = version; v < (int)SW_ARRAY_SIZE(migrations); v++) {
		char sql[128];

		if (exec(st, "BEGIN IMMEDIATE") < 0)
			return -1;
		snprintf(sql, sizeof(sql),
		    "DELETE FROM schema_version; INSERT INTO schema_version "
		    "VALUES (%d)",
		    v + 1);
		if (exec(st, migrations[v]) < 0 || exec(st, sql) < 0) {
			exec(st, "ROLLBACK");
			return -1;
		}
		if (exec(st, "COMMIT") < 0)
			return -1;
	}
	return 0;
}

struct store *
store_open(const char *dir, char *err, size_t errlen)
{
	struct store *st;
	int i, rc;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create state directory %s: %s",
		    dir, strerror(errno));
		return NULL;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    asprintf(&st->path, "%s/storywatch.db", dir) < 0) {
		snprintf(err, errlen, "out of memory");
		free(st);
		return NULL;
	}
	rc = sqlite3_open_v2(st->path, &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", st->path,
		    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);
	/* A file that is not a database fails here, before anything writes. */
	if (check_integrity(st) < 0 ||
	    exec(st,
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		"PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY") < 0 ||
	    migrate(st) < 0) {
		snprintf(err, errlen, "%s", st->errmsg);
		goto fail;
	}
	for (i = 0; i < ST__COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
			SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
			NULL) != SQLITE_OK) {
			fail(st, "prepare");
			snprintf(err, errlen, "%s", st->errmsg);
			goto fail;
		}
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

int
store_schema_version(struct store *st)
{
	int v = 0;

	pragma_int(st, "SELECT max(version) FROM schema_version", &v);
	return v;
}

int
store_begin(struct store *st)
{
	return exec(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	char msg[sizeof(st->errmsg)];
	int rc;

	if (exec(st, "COMMIT") < 0) {
		/* Keep the reason (SQLITE_FULL...), not the rollback's. */
		memcpy(msg, st->errmsg, sizeof(msg));
		rc = st->last_rc;
		if (!sqlite3_get_autocommit(st->db))
			exec(st, "ROLLBACK");
		memcpy(st->errmsg, msg, sizeof(msg));
		st->last_rc = rc;
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	char msg[sizeof(st->errmsg)];
	int rc = st->last_rc;

	/* A rollback keeps the error that caused it. */
	memcpy(msg, st->errmsg, sizeof(msg));
	if (!sqlite3_get_autocommit(st->db))
		exec(st, "ROLLBACK");
	memcpy(st->errmsg, msg, sizeof(msg));
	st->last_rc = rc;
}

int
store_probe_write(struct store *st)
{
	/* Rewrites the same row: a page must be written, nothing changes. */
	return exec(st, "UPDATE schema_version SET version = version");
}

int
store_in_transaction(struct store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

int
store_batch_begin(struct store *st)
{
	if (store_in_transaction(st))
		return 0;
	return store_begin(st);
}

int
store_batch_commit(struct store *st)
{
	if (!store_in_transaction(st))
		return 0;
	return store_commit(st);
}

const char *
store_errmsg(struct store *st)
{
	return st->errmsg;
}

int
store_disk_full(struct store *st)
{
	return (st->last_rc & 0xff) == SQLITE_FULL;
}

static char *
col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t != NULL ? strdup((const char *)t) : NULL;
}

static void
bind_str(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

int
store_feed_get(struct store *st, const char *id, struct store_feed *f)
{
	sqlite3_stmt *s = st->stmt[ST_FEED_GET];
	int rc;

	memset(f, 0, sizeof(*f));
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		f->url = col_str(s, 0);
		f->config_url = col_str(s, 1);
		f->etag = col_str(s, 2);
		f->last_modified = col_str(s, 3);
		f->last_fetch = sqlite3_column_int64(s, 4);
		f->last_status = sqlite3_column_int(s, 5);
		f->last_result = col_str(s, 6);
		f->last_error = col_str(s, 7);
		f->consecutive_errors = sqlite3_column_int(s, 8);
		f->item_count = sqlite3_column_int(s, 9);
		f->disabled = sqlite3_column_int(s, 10);
		f->bozo = sqlite3_column_int(s, 11);
		f->bozo_reason = col_str(s, 12);
		f->first_polled = sqlite3_column_int64(s, 13);
	} else if (rc != SQLITE_DONE) {
		fail(st, "reading feed state");
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_feed_put(struct store *st, const char *id, const struct store_feed *f)
{
	sqlite3_stmt *s = st->stmt[ST_FEED_PUT];
	int rc;

	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	bind_str(s, 2, f->url);
	bind_str(s, 3, f->config_url);
	bind_str(s, 4, f->etag);
	bind_str(s, 5, f->last_modified);
	sqlite3_bind_int64(s, 6, f->last_fetch);
	sqlite3_bind_int(s, 7, (int)f->last_status);
	bind_str(s, 8, f->last_result);
	bind_str(s, 9, f->last_error);
	sqlite3_bind_int(s, 10, (int)f->consecutive_errors);
	sqlite3_bind_int(s, 11, (int)f->item_count);
	sqlite3_bind_int(s, 12, f->disabled);
	sqlite3_bind_int(s, 13, f->bozo);
	bind_str(s, 14, f->bozo_reason);
	sqlite3_bind_int64(s, 15, f->first_polled);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return fail(st, "writing feed state");
	return 0;
}

void
store_feed_clear(struct store_feed *f)
{
	free(f->url);
	free(f->config_url);
	free(f->etag);
	free(f->last_modified);
	free(f->last_result);
	free(f->last_error);
	free(f->bozo_reason);
	memset(f, 0, sizeof(*f));
}

static int
count1(struct store *st, enum stmt_id id, int64_t arg, long *a, long *b)
{
	sqlite3_stmt *s = st->stmt[id];
	int rc;

	if (arg >= 0)
		sqlite3_bind_int64(s, 1, arg);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*a = (long)sqlite3_column_int64(s, 0);
		if (b != NULL)
			*b = (long)sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? 0 : fail(st, "counting");
}

int
store_counts_get(struct store *st, int64_t now, struct store_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (count1(st, ST_COUNT_ALERTS, now - 86400, &c->alerts_24h, NULL) <
		0 ||
	    count1(st, ST_COUNT_DELIVERIES, -1, &c->deliveries_pending,
		&c->deliveries_dead) < 0 ||
	    count1(st, ST_COUNT_ITEMS, -1, &c->items, NULL) < 0)
		return -1;
	return 0;
}

int
store_item_get(
    struct store *st, const char *feed_id, const char *item_id, char **hash)
{
	sqlite3_stmt *s = st->stmt[ST_ITEM_GET];
	int rc;

	*hash = NULL;
	sqlite3_bind_text(s, 1, feed_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, item_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*hash = col_str(s, 0);
	else if (rc != SQLITE_DONE)
		fail(st, "reading an item");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_item_put(struct store *st, const char *feed_id, const char *item_id,
    const char *hash, int64_t now)
{
	sqlite3_stmt *s = st->stmt[ST_ITEM_PUT];
	int rc;

	sqlite3_bind_text(s, 1, feed_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, item_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "writing an item");
}

int
store_items_forget_feed(struct store *st, const char *feed_id)
{
	sqlite3_stmt *s = st->stmt[ST_ITEMS_FORGET];
	int rc;

	sqlite3_bind_text(s, 1, feed_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : fail(st, "forgetting items");
}

/* Binds i as text, or NULL. */
static void
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	bind_str(s, i, v);
}

static int
step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : fail(st, what);
}

int
store_learned_put(
    struct store *st, const char *story_id, const struct store_learned *l)
{
	sqlite3_stmt *s = st->stmt[ST_LEARNED_PUT];

	sqlite3_bind_text(s, 1, story_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)l->id);
	sqlite3_bind_text(s, 3, l->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, l->text, -1, SQLITE_STATIC);
	bind_opt(s, 5, l->url);
	bind_opt(s, 6, l->title);
	sqlite3_bind_int64(s, 7, l->time);
	sqlite3_bind_int64(s, 8, l->corroborations);
	bind_opt(s, 9, l->sources_json);
	return step_done(st, s, "writing story knowledge");
}

int
store_learned_each(
    struct store *st, const char *story_id, store_learned_cb cb, void *arg)
{
	sqlite3_stmt *s = st->stmt[ST_LEARNED_EACH];
	int rc, n = 0;

	sqlite3_bind_text(s, 1, story_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_learned l = {
			.id = (uint64_t)sqlite3_column_int64(s, 0),
			.kind = (const char *)sqlite3_column_text(s, 1),
			.text = (const char *)sqlite3_column_text(s, 2),
			.url = (const char *)sqlite3_column_text(s, 3),
			.title = (const char *)sqlite3_column_text(s, 4),
			.time = sqlite3_column_int64(s, 5),
			.corroborations = (uint32_t)sqlite3_column_int64(s, 6),
			.sources_json = (const char *)sqlite3_column_text(s, 7),
		};

		n++;
		if (cb(&l, arg) < 0)
			break;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, "reading story knowledge");
	return n;
}

int
store_alert_add(struct store *st, const struct store_alert *a)
{
	sqlite3_stmt *s = st->stmt[ST_ALERT_ADD];

	sqlite3_bind_text(s, 1, a->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->story_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, a->created_at);
	sqlite3_bind_text(s, 4, a->kind, -1, SQLITE_STATIC);
	bind_opt(s, 5, a->url);
	bind_opt(s, 6, a->title);
	bind_opt(s, 7, a->feed_id);
	sqlite3_bind_text(s, 8, a->payload, -1, SQLITE_STATIC);
	return step_done(st, s, "writing an alert");
}

int
store_alerts_each(struct store *st, const char *story_id, long limit,
    store_alert_cb cb, void *arg)
{
	sqlite3_stmt *s =
	    st->stmt[story_id != NULL ? ST_ALERTS_STORY : ST_ALERTS_ALL];
	int rc, n = 0;

	sqlite3_bind_int64(s, 1, limit);
	if (story_id != NULL)
		sqlite3_bind_text(s, 2, story_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_alert a = {
			.id = (const char *)sqlite3_column_text(s, 0),
			.story_id = (const char *)sqlite3_column_text(s, 1),
			.created_at = sqlite3_column_int64(s, 2),
			.kind = (const char *)sqlite3_column_text(s, 3),
			.url = (const char *)sqlite3_column_text(s, 4),
			.title = (const char *)sqlite3_column_text(s, 5),
			.feed_id = (const char *)sqlite3_column_text(s, 6),
			.payload = (const char *)sqlite3_column_text(s, 7),
		};

		n++;
		if (cb(&a, arg) < 0)
			break;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, "reading alerts");
	return n;
}

int
store_alert_payload(struct store *st, const char *alert_id, char **payload)
{
	sqlite3_stmt *s = st->stmt[ST_ALERT_PAYLOAD];
	int rc;

	*payload = NULL;
	sqlite3_bind_text(s, 1, alert_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*payload = col_str(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, "reading an alert");
	return rc == SQLITE_ROW;
}

int
store_delivery_add(
    struct store *st, const char *alert_id, const char *webhook_id, int64_t now)
{
	sqlite3_stmt *s = st->stmt[ST_DELIVERY_ADD];

	sqlite3_bind_text(s, 1, alert_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, webhook_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	return step_done(st, s, "queueing a delivery");
}

static void
delivery_from_row(sqlite3_stmt *s, struct store_delivery *d)
{
	d->id = sqlite3_column_int64(s, 0);
	d->alert_id = col_str(s, 1);
	d->webhook_id = col_str(s, 2);
	d->state = col_str(s, 3);
	d->attempts = sqlite3_column_int(s, 4);
	d->created_at = sqlite3_column_int64(s, 5);
	d->next_attempt_at = sqlite3_column_int64(s, 6);
	d->last_attempt_at = sqlite3_column_int64(s, 7);
	d->last_status = sqlite3_column_int(s, 8);
	d->last_error = col_str(s, 9);
}

void
store_delivery_clear(struct store_delivery *d)
{
	free(d->alert_id);
	free(d->webhook_id);
	free(d->state);
	free(d->last_error);
	memset(d, 0, sizeof(*d));
}

int
store_delivery_head(
    struct store *st, const char *webhook_id, struct store_delivery *d)
{
	sqlite3_stmt *s = st->stmt[ST_DELIVERY_HEAD];
	int rc;

	memset(d, 0, sizeof(*d));
	sqlite3_bind_text(s, 1, webhook_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		delivery_from_row(s, d);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, "reading the outbox");
	return rc == SQLITE_ROW;
}

int
store_delivery_update(struct store *st, const struct store_delivery *d)
{
	sqlite3_stmt *s = st->stmt[ST_DELIVERY_UPDATE];

	sqlite3_bind_int64(s, 1, d->id);
	sqlite3_bind_text(s, 2, d->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, (int)d->attempts);
	sqlite3_bind_int64(s, 4, d->next_attempt_at);
	sqlite3_bind_int64(s, 5, d->last_attempt_at);
	sqlite3_bind_int(s, 6, (int)d->last_status);
	bind_opt(s, 7, d->last_error);
	return step_done(st, s, "updating a delivery");
}

int
store_deliveries_each(struct store *st, const char *webhook_id,
    const char *state, long limit, store_delivery_cb cb, void *arg)
{
	sqlite3_stmt *s = st->stmt[ST_DELIVERIES_LIST];
	int rc, n = 0;

	bind_opt(s, 1, webhook_id);
	bind_opt(s, 2, state);
	sqlite3_bind_int64(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_delivery d;

		delivery_from_row(s, &d);
		n++;
		rc = cb(&d, arg);
		store_delivery_clear(&d);
		if (rc < 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, "reading the outbox");
	return n;
}

int
store_redeliver(
    struct store *st, const char *alert_id, const char *webhook_id, int64_t now)
{
	sqlite3_stmt *s;

	if (alert_id != NULL) {
		s = st->stmt[ST_REDELIVER_ALERT];
		sqlite3_bind_text(s, 1, alert_id, -1, SQLITE_STATIC);
		bind_opt(s, 2, webhook_id);
		sqlite3_bind_int64(s, 3, now);
	} else {
		s = st->stmt[ST_REDELIVER_DEAD];
		bind_opt(s, 1, webhook_id);
		sqlite3_bind_int64(s, 2, now);
	}
	if (step_done(st, s, "queueing again") < 0)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_quarantine_add(
    struct store *st, const char *key, int64_t since, const char *reason)
{
	sqlite3_stmt *s = st->stmt[ST_QUARANTINE_ADD];

	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	bind_opt(s, 3, reason);
	return step_done(st, s, "quarantining");
}

int
store_quarantine_each(struct store *st, store_quarantine_cb cb, void *arg)
{
	sqlite3_stmt *s = st->stmt[ST_QUARANTINE_EACH];
	int rc, n = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		if (cb((const char *)sqlite3_column_text(s, 0),
			sqlite3_column_int64(s, 1),
			(const char *)sqlite3_column_text(s, 2), arg) < 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(st, "reading the quarantine");
	return n;
}
