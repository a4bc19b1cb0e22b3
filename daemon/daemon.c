/* storywatchd's life cycle: start-up order, signals, reload, shutdown. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "sdnotify.h"
#include "sw_config.h"
#include "util.h"

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	if (sig == SIGHUP)
		daemon_reload(d);
	else
		daemon_shutdown(d);
}

static void
status_line(struct daemon *d)
{
	sdn_notify("STATUS=%zu feeds, %zu stories, %zu webhooks%s",
	    d->cfg->nfeeds, d->cfg->nstories, d->cfg->nwebhooks,
	    d->last_reload.time && !d->last_reload.ok ? "; last reload FAILED"
						      : "");
}

/* Periodic housekeeping: watchdog ping and status line, at the due time only.
 */
static void
housekeeping_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct timeval tv;

	if (d->watchdog_ms > 0)
		sdn_notify("WATCHDOG=1");
	status_line(d);
	if (d->watchdog_ms > 0) {
		uint64_t half = d->watchdog_ms / 2;

		tv.tv_sec = (time_t)(half / 1000);
		tv.tv_usec = (suseconds_t)(half % 1000 * 1000);
		evtimer_add(d->ev_housekeeping, &tv);
	}
}

/* One instance per state dir: an advisory lock the kernel drops if we die. */
static int
take_lock(struct daemon *d)
{
	char *path;

	if (asprintf(&path, "%s/storywatchd.lock", d->cfg->state_dir) < 0)
		return -1;
	d->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock_fd < 0) {
		log_err("cannot open lock file %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		log_err("another storywatchd is running on state directory %s "
			"(%s is locked); not starting a second one",
		    d->cfg->state_dir, path);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

static int
make_dir_of(const char *path, mode_t mode)
{
	char *dir = strdup(path), *slash;
	int rc = 0;

	if (dir == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST)
			rc = -1;
	}
	free(dir);
	return rc;
}

struct event_base *
daemon_loop_new(void)
{
	struct event_config *ec = event_config_new();
	struct event_base *base;

	if (ec == NULL)
		return NULL;
	/* one clock_gettime per timer set is cheap; a stale "now" is not */
	event_config_set_flag(ec, EVENT_BASE_FLAG_NO_CACHE_TIME);
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	return base;
}

int
daemon_start(struct daemon *d, const char *config_path, struct sw_config *cfg)
{
	struct control_limits lim = {
		.max_clients = 128, .idle_timeout_s = 5, .mode = 0660
	};
	char err[1024];

	d->lock_fd = -1;
	/* Absolute, so a reload finds it whatever the working directory. */
	d->config_path = strdup(cfg->path);
	d->cfg = cfg;
	d->started_wall = sw_wall_s();
	d->started_mono = sw_mono_ms();
	if (mkdir(cfg->state_dir, 0700) < 0 && errno != EEXIST) {
		log_err("cannot create state directory %s: %s", cfg->state_dir,
		    strerror(errno));
		return -1;
	}
	if (take_lock(d) < 0)
		return -1;
	if ((d->store = store_open(cfg->state_dir, err, sizeof(err))) == NULL) {
		log_err("%s", err);
		return -1;
	}
	log_info("state in %s (schema version %d)", store_path(d->store),
	    store_schema_version(d->store));
	if ((d->base = daemon_loop_new()) == NULL) {
		log_err("cannot create the event loop");
		return -1;
	}
	/* A client that hangs up mid-reply must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	d->ev_term = evsignal_new(d->base, SIGTERM, signal_cb, d);
	d->ev_int = evsignal_new(d->base, SIGINT, signal_cb, d);
	d->ev_hup = evsignal_new(d->base, SIGHUP, signal_cb, d);
	d->ev_housekeeping = evtimer_new(d->base, housekeeping_cb, d);
	if (d->ev_term == NULL || d->ev_int == NULL || d->ev_hup == NULL ||
	    d->ev_housekeeping == NULL || evsignal_add(d->ev_term, NULL) < 0 ||
	    evsignal_add(d->ev_int, NULL) < 0 ||
	    evsignal_add(d->ev_hup, NULL) < 0) {
		log_err("cannot set up signal handling");
		return -1;
	}
	if (make_dir_of(cfg->control_socket, 0750) < 0) {
		log_err("cannot create the folder of %s: %s",
		    cfg->control_socket, strerror(errno));
		return -1;
	}
	feeds_init();
	d->guard_fd = -1;
	if (daemon_pipeline_start(d) < 0)
		return -1;
	/* The HTTP client comes with the feeds; webhooks use it too. */
	if (daemon_feeds_start(d) < 0 || daemon_guard_start(d) < 0 ||
	    daemon_webhooks_start(d) < 0)
		return -1;
	feed_poller_set_guard(
	    d->poller, daemon_guard_feed_enter, daemon_guard_feed_leave, d);
	if (d->once) {
		/* A one-shot run (cron, benchmarks) has no control socket. */
		for (size_t i = 0; i < d->nwatches; i++) {
			struct feed_watch_state st;

			feed_watch_get_state(d->watches[i], &st);
			if (st.state != FEED_DISABLED)
				d->once_expected++;
		}
		log_info("--once: polling %zu feeds", d->once_expected);
		daemon_once_check(d);
		return 0;
	}
	d->ctl = control_new(d->base, cfg->control_socket, &lim,
	    daemon_commands, daemon_ncommands, d, err, sizeof(err));
	if (d->ctl == NULL) {
		log_err("%s", err);
		return -1;
	}
	log_info("control socket %s", cfg->control_socket);
	d->watchdog_ms = sdn_watchdog_ms();
	housekeeping_cb(-1, 0, d);
	sdn_notify("READY=1");
	log_notice("storywatchd %s ready: %zu stories, %zu feeds, %zu webhooks",
	    SW_VERSION, cfg->nstories, cfg->nfeeds, cfg->nwebhooks);
	return 0;
}

int
daemon_run(struct daemon *d)
{
	if (event_base_dispatch(d->base) < 0) {
		log_err("event loop failed");
		return 1;
	}
	return d->exit_code;
}

static void
reload_record(struct daemon *d, int ok, char *error)
{
	free(d->last_reload.error);
	d->last_reload.time = sw_wall_s();
	d->last_reload.ok = ok;
	d->last_reload.error = error;
}

void
daemon_reload(struct daemon *d)
{
	struct cfg_errors errs = { 0 };
	struct sw_config *ncfg;
	struct buf msg;
	char line[1024];

	sdn_notify("RELOADING=1");
	log_info("reloading %s", d->config_path);
	ncfg = config_load(d->config_path, &errs);
	if (ncfg != NULL && daemon_config_expand_opml(ncfg, &errs) < 0) {
		config_free(ncfg);
		ncfg = NULL;
	}
	if (ncfg == NULL) {
		buf_init(&msg, 64 * 1024);
		for (size_t i = 0; i < errs.n; i++) {
			cfg_error_format(&errs.v[i], line, sizeof(line));
			log_err("%s", line);
			if (i > 0)
				buf_append_str(&msg, "\n");
			buf_append_str(&msg, line);
		}
		log_err("reload failed (%zu error%s); still running on the "
			"previous configuration",
		    errs.n, errs.n == 1 ? "" : "s");
		cfg_errors_clear(&errs);
		reload_record(d, 0, buf_steal(&msg, NULL));
		sdn_notify("READY=1");
		status_line(d);
		return;
	}
	if (strcmp(ncfg->state_dir, d->cfg->state_dir) != 0 ||
	    strcmp(ncfg->control_socket, d->cfg->control_socket) != 0)
		log_warn("state_dir and control_socket changes take effect at "
			 "the next restart");
	if (!d->log_level_forced)
		log_set_level(ncfg->log_level);
	config_free(d->cfg);
	d->cfg = ncfg;
	daemon_feeds_reconcile(d);
	if (daemon_pipeline_start(d) < 0)
		log_err("reload: stories could not be rebuilt; keeping the "
			"previous ones");
	if (daemon_webhooks_start(d) < 0)
		log_err("reload: webhooks could not be set up; keeping the "
			"previous ones");
	reload_record(d, 1, NULL);
	log_notice("reloaded: %zu stories, %zu feeds, %zu webhooks",
	    ncfg->nstories, ncfg->nfeeds, ncfg->nwebhooks);
	sdn_notify("READY=1");
	status_line(d);
}

static void
loopbreak_cb(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(arg);
}

void
daemon_shutdown(struct daemon *d)
{
	if (d->stopping)
		return;
	d->stopping = 1;
	sdn_notify("STOPPING=1");
	log_notice("shutting down");
	/* Stop accepting first; the store is committed in daemon_free(). */
	control_free(d->ctl);
	d->ctl = NULL;
	/* From the loop, so a shutdown asked before it runs is not lost. */
	event_base_once(d->base, -1, EV_TIMEOUT, loopbreak_cb, d->base,
	    &(struct timeval){ 0, 0 });
}

void
daemon_once_check(struct daemon *d)
{
	if (!d->once || d->stopping)
		return;
	if (d->once_done >= d->once_expected &&
	    (d->poller == NULL || feed_poller_in_flight(d->poller) == 0) &&
	    d->jobs_in_flight == 0 && !daemon_webhooks_busy(d)) {
		log_info("--once: %zu feeds polled, %" PRIu64
			 " new and %" PRIu64 " changed items",
		    d->once_done, d->items_new, d->items_changed);
		daemon_shutdown(d);
	}
}

void
daemon_free(struct daemon *d)
{
	daemon_webhooks_stop(d);
	daemon_pipeline_stop(d);
	daemon_feeds_stop(d);
	daemon_guard_stop(d);
	control_free(d->ctl);
	if (d->ev_term != NULL)
		event_free(d->ev_term);
	if (d->ev_int != NULL)
		event_free(d->ev_int);
	if (d->ev_hup != NULL)
		event_free(d->ev_hup);
	if (d->ev_housekeeping != NULL)
		event_free(d->ev_housekeeping);
	store_close(d->store);
	if (d->base != NULL)
		event_base_free(d->base);
	config_free(d->cfg);
	free(d->config_path);
	free(d->last_reload.error);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	memset(d, 0, sizeof(*d));
	d->lock_fd = -1;
	d->guard_fd = -1;
}
