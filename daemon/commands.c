/* The control commands storywatchd answers, and the data each returns. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctlproto.h"
#include "daemon.h"
#include "sw_config.h"
#include "util.h"

static json_t *
cmd_status(void *arg, const struct control_peer *peer, json_t *args)
{
	struct daemon *d = arg;
	struct store_counts c;
	json_t *data, *reload;
	char when[32];

	data = json_pack("{s:s, s:I, s:I, s:s, s:s, s:I, s:I, s:I}", "version",
	    SW_VERSION, "pid", (json_int_t)getpid(), "uptime_s",
	    (json_int_t)((sw_mono_ms() - d->started_mono) / 1000), "config",
	    d->cfg->path, "state_dir", d->cfg->state_dir, "stories",
	    (json_int_t)d->cfg->nstories, "feeds", (json_int_t)d->cfg->nfeeds,
	    "webhooks", (json_int_t)d->cfg->nwebhooks);
	if (data == NULL)
		return NULL;
	if (d->last_reload.time == 0) {
		reload = json_null();
	} else {
		reload = json_pack("{s:s, s:b, s:s?}", "time",
		    sw_iso8601(d->last_reload.time, when, sizeof(when)), "ok",
		    d->last_reload.ok, "error", d->last_reload.error);
	}
	json_object_set_new(data, "last_reload", reload);
	if (store_counts_get(d->store, sw_wall_s(), &c) == 0) {
		json_object_set_new(
		    data, "alerts_24h", json_integer(c.alerts_24h));
		json_object_set_new(data, "deliveries",
		    json_pack("{s:I, s:I}", "pending",
			(json_int_t)c.deliveries_pending, "dead",
			(json_int_t)c.deliveries_dead));
	}
	return ctlproto_ok(data);
}

static json_t *
cmd_reload(void *arg, const struct control_peer *peer, json_t *args)
{
	struct daemon *d = arg;

	daemon_reload(d);
	if (!d->last_reload.ok)
		return ctlproto_error(CTL_E_FAILED,
		    "reload failed; still running on the previous "
		    "configuration:\n%s",
		    d->last_reload.error ? d->last_reload.error : "");
	return ctlproto_ok(json_pack("{s:b}", "reloaded", 1));
}

const struct control_command daemon_commands[] = {
	{ "status", 0, cmd_status },
	{ "reload", 1, cmd_reload },
};
const size_t daemon_ncommands = SW_ARRAY_SIZE(daemon_commands);
