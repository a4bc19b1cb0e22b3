/* storywatchd's state: the loop, the config, the store, the control socket. */
#ifndef SW_DAEMON_H
#define SW_DAEMON_H

#include <stdint.h>

#include <event2/event.h>

#include "config.h"
#include "control.h"
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
/* Release everything; safe after a failed start. */
void daemon_free(struct daemon *d);
/* Re-read the config; on error keep the old one (reported in log and status).
 */
void daemon_reload(struct daemon *d);
/* Begin an orderly shutdown: stop accepting, finish writes, leave the loop. */
void daemon_shutdown(struct daemon *d);

/* The control command table (daemon/commands.c). */
extern const struct control_command daemon_commands[];
extern const size_t daemon_ncommands;

#endif
