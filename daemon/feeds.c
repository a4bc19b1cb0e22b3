/*
 * The daemon's side of feed polling: watches built from the config and the
 * store, reconciled on reload, and each poll's outcome written back: HTTP
 * state, seen items, and the new or changed items handed to the pipeline.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "sw_config.h"
#include "util.h"

/* Start-up polls of due feeds are this far apart (1,000 feeds in 5 s). */
#define FEED_START_SPACING_MS 5
/* Group commit interval for feed state and seen items. */
#define STORE_COMMIT_MS 250
/* More than this share of never-seen ids in one poll is id churn. */
#define CHURN_MIN_ITEMS 20
/* At most this many items of one poll are analysed (newest first). */
#define NEWS_PER_POLL 50

/* While the disk is full, this often we check whether it has room again. */
#define DISK_FULL_RETRY_MS 10000

/* Tries a write; when it works, polling resumes. */
static void
disk_check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct timeval tv = { DISK_FULL_RETRY_MS / 1000, 0 };

	if (store_batch_begin(d->store) == 0 &&
	    store_probe_write(d->store) == 0 &&
	    store_batch_commit(d->store) == 0) {
		d->disk_full = 0;
		feed_poller_set_paused(d->poller, 0, 0);
		log_notice("the state database is writable again; polling "
			   "resumes");
		return;
	}
	store_rollback(d->store);
	evtimer_add(d->ev_disk, &tv);
}

void
daemon_store_failed(struct daemon *d, const char *what)
{
	struct timeval tv = { DISK_FULL_RETRY_MS / 1000, 0 };

	log_err("%s%s%s", what ? what : "", what ? ": " : "",
	    store_errmsg(d->store));
	if (!store_disk_full(d->store) || d->disk_full)
		return;
	/* Nothing polled could be kept: stop polling, keep delivering. */
	d->disk_full = sw_wall_s();
	store_rollback(d->store);
	feed_poller_set_paused(d->poller, 1, DISK_FULL_RETRY_MS);
	log_err("the disk holding %s is full: polling paused, deliveries go "
		"on; checking again every %d s",
	    store_path(d->store), DISK_FULL_RETRY_MS / 1000);
	if (d->ev_disk != NULL)
		evtimer_add(d->ev_disk, &tv);
}

static void
commit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	if (store_batch_commit(d->store) < 0)
		daemon_store_failed(d, NULL);
}

int
daemon_batch_commit(struct daemon *d)
{
	if (store_batch_commit(d->store) < 0) {
		daemon_store_failed(d, NULL);
		return -1;
	}
	return 0;
}

void
daemon_batch_begin(struct daemon *d)
{
	struct timeval tv = { 0, STORE_COMMIT_MS * 1000 };

	if (store_batch_begin(d->store) < 0) {
		log_err("%s", store_errmsg(d->store));
		return;
	}
	if (!evtimer_pending(d->ev_commit, NULL))
		evtimer_add(d->ev_commit, &tv);
}

static void
http_limits_from_config(const struct sw_config *cfg, struct http_limits *lim)
{
	http_limits_default(lim);
	lim->connect_timeout_ms = (long)cfg->fetch.connect_timeout_ms;
	lim->total_timeout_ms = (long)cfg->fetch.timeout_ms;
	lim->max_body = (size_t)cfg->fetch.max_body;
	lim->max_connections = cfg->fetch.max_connections;
	lim->max_host_connections = cfg->fetch.max_per_host;
	lim->allow_private_addresses = cfg->fetch.allow_private_addresses;
}

static void
watch_config(struct daemon *d, const struct cfg_feed *f,
    const struct store_feed *sf, struct feed_watch_config *wc)
{
	memset(wc, 0, sizeof(*wc));
	wc->id = f->id;
	wc->config_url = f->url;
	/* A permanent redirect moved it, unless the admin changed the URL
	 * since. */
	wc->url = sf->url != NULL && sf->config_url != NULL &&
		strcmp(sf->config_url, f->url) == 0
	    ? sf->url
	    : f->url;
	wc->allow_file = 1; /* the admin wrote it */
	wc->due_now = d->once;
	wc->policy.interval_ms = f->interval_ms;
	wc->policy.min_interval_ms = d->cfg->fetch.min_interval_ms;
	wc->policy.max_backoff_ms = d->cfg->fetch.max_backoff_ms;
	wc->policy.max_hint_ms = 24 * 3600 * 1000ULL;
	if (wc->url == sf->url) {
		wc->etag = sf->etag;
		wc->last_modified = sf->last_modified;
		wc->last_fetch = sf->last_fetch;
		wc->last_status = sf->last_status;
		wc->last_result = sf->last_result;
		wc->last_error = sf->last_error;
		wc->bozo = sf->bozo;
		wc->bozo_reason = sf->bozo_reason;
		wc->consecutive_errors = sf->consecutive_errors;
		wc->item_count = sf->item_count;
		wc->disabled = sf->disabled;
	}
}

static struct feed_watch *
watch_add(struct daemon *d, const struct cfg_feed *f)
{
	struct store_feed sf;
	struct feed_watch_config wc;
	struct feed_watch *w;

	if (store_feed_get(d->store, f->id, &sf) < 0)
		log_warn(
		    "feed %s: saved state unreadable (%s); starting afresh",
		    f->id, store_errmsg(d->store));
	watch_config(d, f, &sf, &wc);
	w = feed_watch_new(d->poller, &wc);
	store_feed_clear(&sf);
	if (w == NULL)
		log_err("feed %s: out of memory", f->id);
	return w;
}

int
daemon_feeds_start(struct daemon *d)
{
	struct http_limits lim;

	http_limits_from_config(d->cfg, &lim);
	d->http = http_new(d->base, &lim);
	d->ev_commit = evtimer_new(d->base, commit_cb, d);
	d->ev_disk = evtimer_new(d->base, disk_check_cb, d);
	if (d->http == NULL || d->ev_commit == NULL || d->ev_disk == NULL) {
		log_err("cannot set up the HTTP client");
		return -1;
	}
	d->poller = feed_poller_new(d->base, d->http,
	    d->once ? 0 : FEED_START_SPACING_MS, daemon_feed_polled_cb, d);
	if (d->poller == NULL)
		return -1;
	d->watches = calloc(d->cfg->nfeeds + 1, sizeof(*d->watches));
	if (d->watches == NULL)
		return -1;
	for (size_t i = 0; i < d->cfg->nfeeds; i++) {
		struct feed_watch *w = watch_add(d, &d->cfg->feeds[i]);

		if (w != NULL)
			d->watches[d->nwatches++] = w;
	}
	return 0;
}

void
daemon_feeds_stop(struct daemon *d)
{
	for (size_t i = 0; i < d->nwatches; i++)
		feed_watch_free(d->watches[i]);
	free(d->watches);
	d->watches = NULL;
	d->nwatches = 0;
	feed_poller_free(d->poller);
	d->poller = NULL;
	http_free(d->http);
	d->http = NULL;
	if (d->ev_commit != NULL) {
		event_free(d->ev_commit);
		d->ev_commit = NULL;
	}
	if (d->ev_disk != NULL) {
		event_free(d->ev_disk);
		d->ev_disk = NULL;
	}
	if (d->store != NULL && store_batch_commit(d->store) < 0)
		log_err("%s", store_errmsg(d->store));
}

struct feed_watch *
daemon_feed_watch(struct daemon *d, const char *id)
{
	/* Entries are NULL while a reload hands them over. */
	for (size_t i = 0; i < d->nwatches; i++)
		if (d->watches[i] != NULL &&
		    strcmp(feed_watch_id(d->watches[i]), id) == 0)
			return d->watches[i];
	return NULL;
}

void
daemon_feeds_reconcile(struct daemon *d)
{
	struct feed_watch **nw;
	size_t n = 0;
	struct http_limits lim;

	http_limits_from_config(d->cfg, &lim);
	http_set_limits(d->http, &lim);
	nw = calloc(d->cfg->nfeeds + 1, sizeof(*nw));
	if (nw == NULL) {
		log_err("reload: out of memory; feeds unchanged");
		return;
	}
	/* By id: unchanged feeds keep their HTTP state and schedule. */
	for (size_t i = 0; i < d->cfg->nfeeds; i++) {
		const struct cfg_feed *f = &d->cfg->feeds[i];
		struct feed_watch *w = daemon_feed_watch(d, f->id);

		if (w != NULL) {
			struct store_feed sf = { 0 };
			struct feed_watch_config wc;

			watch_config(d, f, &sf, &wc);
			feed_watch_reconfigure(w, &wc);
			for (size_t j = 0; j < d->nwatches; j++)
				if (d->watches[j] == w)
					d->watches[j] = NULL;
		} else if ((w = watch_add(d, f)) != NULL) {
			log_info("feed %s: added", f->id);
		}
		if (w != NULL)
			nw[n++] = w;
	}
	for (size_t j = 0; j < d->nwatches; j++) {
		if (d->watches[j] != NULL) {
			log_info(
			    "feed %s: removed", feed_watch_id(d->watches[j]));
			feed_watch_free(d->watches[j]);
		}
	}
	free(d->watches);
	d->watches = nw;
	d->nwatches = n;
}

static const struct cfg_feed *
feed_config(struct daemon *d, const char *id)
{
	return config_feed(d->cfg, id);
}

static void
persist(struct daemon *d, struct feed_watch *w, int64_t first_polled)
{
	struct feed_watch_state st;
	struct store_feed sf = { 0 };

	feed_watch_get_state(w, &st);
	sf.url = (char *)st.url;
	sf.config_url = (char *)st.config_url;
	sf.etag = (char *)st.etag;
	sf.last_modified = (char *)st.last_modified;
	sf.last_fetch = st.last_fetch;
	sf.last_status = st.last_status;
	sf.last_result = (char *)st.last_result;
	sf.last_error = (char *)st.last_error;
	sf.consecutive_errors = st.consecutive_errors;
	sf.item_count = st.item_count;
	sf.disabled = st.state == FEED_DISABLED;
	sf.bozo = st.bozo;
	sf.bozo_reason = (char *)st.bozo_reason;
	sf.first_polled = first_polled;
	daemon_batch_begin(d);
	if (store_feed_put(d->store, st.id, &sf) < 0)
		daemon_store_failed(d, st.id);
}

/* Logs a failure once per change of reason, and the recovery. */
static void
log_outcome(struct daemon *d, struct feed_watch *w, struct feed_poll *poll)
{
	struct feed_watch_state st;
	char dur[32];

	feed_watch_get_state(w, &st);
	duration_format(st.next_poll_in_ms, dur, sizeof(dur));
	if (poll->url_changed)
		log_notice("feed %s: moved permanently to %s; polling it there "
			   "from now on",
		    st.id, st.url);
	if (st.state == FEED_DISABLED) {
		log_warn(
		    "feed %s: %s (410 Gone); disabled until its URL changes "
		    "in the config",
		    st.id, st.url);
	} else if (poll->error != NULL) {
		enum log_level lvl =
		    st.consecutive_errors == 1 ? LOGL_WARNING : LOGL_INFO;

		log_msg(lvl, "feed %s: %s; retrying in %s%s", st.id,
		    poll->error, dur,
		    st.consecutive_errors > 1 ? " (backing off)" : "");
	} else if (poll->not_modified) {
		log_debug("feed %s: not modified; next poll in %s", st.id, dur);
	} else {
		log_debug("feed %s: %ld items; next poll in %s", st.id,
		    st.item_count, dur);
	}
}

static void
hash_hex(uint64_t h, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, h);
}

static const struct feed_doc *sort_doc;

static int
newest_first(const void *a, const void *b)
{
	int64_t x = sort_doc->entries[*(const size_t *)a].published;
	int64_t y = sort_doc->entries[*(const size_t *)b].published;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * More news in one poll than anyone can read is a broken or hostile feed,
 * not a story: the newest NEWS_PER_POLL go on, the rest are recorded.
 */
static void
flood(struct daemon *d, struct feed_watch *w, const struct feed_doc *doc,
    char **kinds, char (*hashes)[17], int64_t now)
{
	size_t n = 0, *idx = calloc(doc->nentries, sizeof(*idx));

	if (idx == NULL)
		return;
	for (size_t i = 0; i < doc->nentries; i++)
		if (kinds[i] != NULL)
			idx[n++] = i;
	/* Entries without a date keep document order (feeds list newest first).
	 */
	sort_doc = doc;
	qsort(idx, n, sizeof(*idx), newest_first);
	for (size_t k = NEWS_PER_POLL; k < n; k++) {
		if (store_item_put(d->store, feed_watch_id(w),
			doc->entries[idx[k]].id, hashes[idx[k]], now) < 0)
			daemon_store_failed(d, feed_watch_id(w));
		kinds[idx[k]] = NULL;
	}
	log_warn("feed %s: %zu new or changed items in one poll (flood); the "
		 "newest %d are analysed, the rest recorded without alerting",
	    feed_watch_id(w), n, NEWS_PER_POLL);
	d->flood_events++;
	free(idx);
}

/*
 * New and changed items.  The first poll of a feed, and a poll whose ids all
 * changed, only record them; the others go to the pipeline, which marks
 * each seen when its processing is written.
 */
static void
process_items(
    struct daemon *d, struct feed_watch *w, struct feed_doc *doc, int first)
{
	const struct cfg_feed *f = feed_config(d, feed_watch_id(w));
	size_t nnew = 0, nchanged = 0;
	int64_t now = sw_wall_s();
	int churn, backlog = first && !(f != NULL && f->backfill);
	char **kinds, (*hashes)[17];

	if (doc == NULL || doc->nentries == 0)
		return;
	kinds = calloc(doc->nentries, sizeof(*kinds));
	hashes = calloc(doc->nentries, sizeof(*hashes));
	if (kinds == NULL || hashes == NULL) {
		free(kinds);
		free(hashes);
		return;
	}
	daemon_batch_begin(d);
	for (size_t i = 0; i < doc->nentries; i++) {
		struct feed_entry *e = &doc->entries[i];
		char *old = NULL;
		int rc;

		hash_hex(feed_entry_content_hash(e), hashes[i]);
		rc = store_item_get(d->store, feed_watch_id(w), e->id, &old);
		if (rc == 0) {
			kinds[i] = "new";
			nnew++;
		} else if (rc == 1 && strcmp(old, hashes[i]) != 0) {
			kinds[i] = "updated";
			nchanged++;
		}
		free(old);
	}
	/* Ids that all change at once are a broken feed, not news. */
	churn = !first && doc->nentries >= CHURN_MIN_ITEMS &&
	    nnew * 10 >= doc->nentries * 8;
	if (backlog || churn) {
		for (size_t i = 0; i < doc->nentries; i++)
			if (kinds[i] != NULL &&
			    store_item_put(d->store, feed_watch_id(w),
				doc->entries[i].id, hashes[i], now) < 0)
				daemon_store_failed(d, feed_watch_id(w));
	}
	if (backlog) {
		log_info("feed %s: first poll, %zu items recorded as already "
			 "seen (set \"backfill\": true to process them)",
		    feed_watch_id(w), doc->nentries);
	} else if (churn) {
		log_warn("feed %s: %zu of %zu item ids are new at once (id "
			 "churn); recorded without alerting",
		    feed_watch_id(w), nnew, doc->nentries);
		d->churn_events++;
	} else {
		/* Only these count as news. */
		d->items_new += nnew;
		d->items_changed += nchanged;
		if (nnew + nchanged > NEWS_PER_POLL)
			flood(d, w, doc, kinds, hashes, now);
		for (size_t i = 0; i < doc->nentries; i++)
			if (kinds[i] != NULL)
				daemon_pipeline_item(d, w, &doc->entries[i],
				    strcmp(kinds[i], "updated") == 0,
				    hashes[i]);
	}
	free(kinds);
	free(hashes);
}

void
daemon_feed_polled_cb(struct feed_watch *w, struct feed_poll *poll, void *arg)
{
	struct daemon *d = arg;
	struct store_feed sf;
	int64_t first_polled = 0;
	int parsed = poll->doc != NULL && poll->doc->error == FEED_OK;

	d->last_poll_wall = sw_wall_s();
	d->once_done++;
	/* One read of the saved state: when the feed first parsed, if ever. */
	if (store_feed_get(d->store, feed_watch_id(w), &sf) >= 0) {
		first_polled = sf.first_polled;
		store_feed_clear(&sf);
	}
	log_outcome(d, w, poll);
	if (parsed)
		process_items(d, w, poll->doc, first_polled == 0);
	if (first_polled == 0 && parsed)
		first_polled = sw_wall_s();
	persist(d, w, first_polled);
	daemon_once_check(d);
}
