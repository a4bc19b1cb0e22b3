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
	"  id INTEGER PRIMARY KEY,"
	"  story_id TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,"
	"  data TEXT, alert_id TEXT,"
	"  source_url TEXT, source_title TEXT, feed_id TEXT,"
	"  learned_at INTEGER NOT NULL,"
	"  corroboration INTEGER NOT NULL DEFAULT 1, sources TEXT);"
	"CREATE INDEX knowledge_story ON knowledge (story_id, id);"
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
};

enum stmt_id {
	ST_FEED_GET,
	ST_FEED_PUT,
	ST_COUNT_ALERTS,
	ST_COUNT_DELIVERIES,
	ST_COUNT_ITEMS,
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
	if (exec(st, "COMMIT") < 0) {
		exec(st, "ROLLBACK");
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		exec(st, "ROLLBACK");
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
