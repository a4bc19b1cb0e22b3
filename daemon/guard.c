/*
 * A record of the input being handled right now (a feed document being
 * parsed, an article being analysed), kept in a small file in the state
 * folder.  If the process dies on it (a crash, or the watchdog killing a
 * hang), the record is still there at the next start and the input is
 * quarantined instead of crashing the daemon again and again.  A plain
 * write is enough: the page cache outlives the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "util.h"

#define GUARD_RECORD 512

struct quarantine_load {
	struct daemon *d;
};

static int
quarantine_load_cb(
    const char *key, int64_t since, const char *reason, void *arg)
{
	struct daemon *d = arg;
	char **nv = realloc(d->quarantine, (d->nquarantine + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	d->quarantine = nv;
	if ((nv[d->nquarantine] = strdup(key)) != NULL)
		d->nquarantine++;
	return 0;
}

int
daemon_guard_start(struct daemon *d)
{
	char *path, rec[GUARD_RECORD + 1];
	ssize_t n;

	if (asprintf(&path, "%s/inflight", d->cfg->state_dir) < 0)
		return -1;
	d->guard_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->guard_fd < 0) {
		log_err("cannot open %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	n = pread(d->guard_fd, rec, GUARD_RECORD, 0);
	if (n > 0 && rec[0] != '\0') {
		rec[n] = '\0';
		rec[strcspn(rec, "\n")] = '\0';
		log_warn("storywatchd stopped while handling %s; it is "
			 "quarantined and will not be handled again",
		    rec);
		daemon_batch_begin(d);
		if (store_quarantine_add(d->store, rec, sw_wall_s(),
			"the process died while handling it") < 0 ||
		    daemon_batch_commit(d) < 0)
			log_err("cannot record the quarantine: %s",
			    store_errmsg(d->store));
		daemon_guard_leave(d);
	}
	if (store_quarantine_each(d->store, quarantine_load_cb, d) < 0)
		log_err("%s", store_errmsg(d->store));
	return 0;
}

void
daemon_guard_stop(struct daemon *d)
{
	if (d->guard_fd >= 0)
		close(d->guard_fd);
	d->guard_fd = -1;
	for (size_t i = 0; i < d->nquarantine; i++)
		free(d->quarantine[i]);
	free(d->quarantine);
	d->quarantine = NULL;
	d->nquarantine = 0;
}

int
daemon_guard_enter(struct daemon *d, const char *key)
{
	char rec[GUARD_RECORD];
	size_t n;

	for (size_t i = 0; i < d->nquarantine; i++)
		if (strcmp(d->quarantine[i], key) == 0)
			return -1;
	if (d->guard_fd < 0)
		return 0;
	memset(rec, 0, sizeof(rec));
	n = (size_t)snprintf(rec, sizeof(rec) - 1, "%s\n", key);
	if (n >= sizeof(rec))
		n = sizeof(rec) - 1;
	/* Whole fixed-size records: a shorter one never leaves a tail. */
	if (pwrite(d->guard_fd, rec, sizeof(rec), 0) < 0)
		log_debug("guard: %s", strerror(errno));
	return 0;
}

void
daemon_guard_leave(struct daemon *d)
{
	static const char zero[1];

	if (d->guard_fd >= 0 && pwrite(d->guard_fd, zero, 1, 0) < 0)
		log_debug("guard: %s", strerror(errno));
}

/* The poller's guard: the feed id and the hash of the bytes. */
int
daemon_guard_feed_enter(void *arg, const char *feed_id, uint64_t hash)
{
	char key[256];

	snprintf(key, sizeof(key), "feed %s %016" PRIx64, feed_id, hash);
	return daemon_guard_enter(arg, key);
}

void
daemon_guard_feed_leave(void *arg)
{
	daemon_guard_leave(arg);
}

json_t *
daemon_guard_json(struct daemon *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->nquarantine; i++)
		json_array_append_new(arr, json_string(d->quarantine[i]));
	return arr;
}
