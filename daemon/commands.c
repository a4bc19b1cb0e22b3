/* The control commands storywatchd answers, and the data each returns. */
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctlproto.h"
#include "daemon.h"
#include "sw_config.h"
#include "util.h"

static json_t *
cmd_status(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
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
	{
		long ok = 0, failing = 0, disabled = 0;

		for (size_t i = 0; i < d->nwatches; i++) {
			struct feed_watch_state st;

			feed_watch_get_state(d->watches[i], &st);
			if (st.last_fetch > d->last_poll_wall)
				d->last_poll_wall = st.last_fetch;
			if (st.state == FEED_DISABLED)
				disabled++;
			else if (st.consecutive_errors > 0)
				failing++;
			else
				ok++;
		}
		json_object_set_new(data, "feeds",
		    json_pack("{s:I, s:I, s:I, s:I}", "total",
			(json_int_t)d->nwatches, "ok", (json_int_t)ok,
			"failing", (json_int_t)failing, "disabled",
			(json_int_t)disabled));
		json_object_set_new(data, "last_poll",
		    d->last_poll_wall
			? json_string(
			      sw_iso8601(d->last_poll_wall, when, sizeof(when)))
			: json_null());
		json_object_set_new(data, "items",
		    json_pack("{s:I, s:I, s:I, s:I, s:I}", "new",
			(json_int_t)d->items_new, "changed",
			(json_int_t)d->items_changed, "churn_events",
			(json_int_t)d->churn_events, "flood_events",
			(json_int_t)d->flood_events, "in_progress",
			(json_int_t)d->jobs_in_flight));
		json_object_set_new(data, "alerts_total",
		    json_integer((json_int_t)d->alerts_total));
	}
	json_object_set_new(
	    data, "stories_detail", daemon_pipeline_stories_json(d));
	json_object_set_new(data, "webhooks_detail", daemon_webhooks_json(d));
	json_object_set_new(data, "quarantined", daemon_guard_json(d));
	if (d->disk_full)
		json_object_set_new(data, "disk_full_since",
		    json_string(sw_iso8601(d->disk_full, when, sizeof(when))));
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
cmd_reload(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
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

static json_t *
cmd_feeds(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
{
	struct daemon *d = arg;
	json_t *list = json_array();

	for (size_t i = 0; i < d->nwatches; i++)
		json_array_append_new(list, feed_watch_to_json(d->watches[i]));
	return ctlproto_ok(json_pack("{s:o}", "feeds", list));
}

static json_t *
cmd_poll(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
{
	struct daemon *d = arg;
	const char *id = json_string_value(json_object_get(args, "id"));
	json_t *polled = json_array();

	if (id != NULL) {
		struct feed_watch *w = daemon_feed_watch(d, id);

		if (w == NULL) {
			json_decref(polled);
			return ctlproto_error(CTL_E_NOT_FOUND,
			    "no feed has the id \"%.64s\"", id);
		}
		if (feed_watch_poll_now(w) == 0)
			json_array_append_new(polled, json_string(id));
	} else {
		for (size_t i = 0; i < d->nwatches; i++)
			if (feed_watch_poll_now(d->watches[i]) == 0)
				json_array_append_new(polled,
				    json_string(feed_watch_id(d->watches[i])));
	}
	return ctlproto_ok(json_pack("{s:o}", "polling", polled));
}

struct list_ctx {
	json_t *arr;
	int bad;
};

static int
alert_cb(const struct store_alert *a, void *arg)
{
	struct list_ctx *lc = arg;
	json_t *p = json_loads(a->payload, 0, NULL);

	if (p == NULL)
		lc->bad++;
	else
		json_array_append_new(lc->arr, p);
	return 0;
}

static long
arg_limit(json_t *args, long dflt, long max)
{
	json_t *v = json_object_get(args, "limit");
	long n = dflt;

	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if (json_is_string(v))
		n = strtol(json_string_value(v), NULL, 10);
	return n < 1 ? 1 : n > max ? max : n;
}

static json_t *
cmd_alerts(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
{
	struct daemon *d = arg;
	const char *story = json_string_value(json_object_get(args, "story"));
	struct list_ctx lc = { json_array(), 0 };

	if (story != NULL && config_story(d->cfg, story) == NULL) {
		json_decref(lc.arr);
		return ctlproto_error(
		    CTL_E_NOT_FOUND, "no story has the id \"%.64s\"", story);
	}
	if (store_alerts_each(d->store, story, arg_limit(args, 20, 1000),
		alert_cb, &lc) < 0) {
		json_decref(lc.arr);
		return ctlproto_error(
		    CTL_E_FAILED, "%s", store_errmsg(d->store));
	}
	return ctlproto_ok(json_pack("{s:o}", "alerts", lc.arr));
}

static int
delivery_cb(const struct store_delivery *dl, void *arg)
{
	struct list_ctx *lc = arg;
	char c[32], n[32], l[32];

	json_array_append_new(lc->arr,
	    json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s?, s:s?, s:I, s:s?}",
		"id", (json_int_t)dl->id, "alert_id", dl->alert_id, "webhook",
		dl->webhook_id, "state", dl->state, "attempts",
		(json_int_t)dl->attempts, "created",
		sw_iso8601(dl->created_at, c, sizeof(c)), "next_attempt",
		strcmp(dl->state, "pending") == 0 ||
			strcmp(dl->state, "retrying") == 0
		    ? sw_iso8601(dl->next_attempt_at, n, sizeof(n))
		    : NULL,
		"last_attempt",
		dl->last_attempt_at
		    ? sw_iso8601(dl->last_attempt_at, l, sizeof(l))
		    : NULL,
		"last_status", (json_int_t)dl->last_status, "last_error",
		dl->last_error));
	return 0;
}

static json_t *
cmd_deliveries(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
{
	struct daemon *d = arg;
	const char *wh = json_string_value(json_object_get(args, "webhook"));
	const char *state = json_string_value(json_object_get(args, "state"));
	struct list_ctx lc = { json_array(), 0 };

	if (state != NULL && strcmp(state, "pending") != 0 &&
	    strcmp(state, "retrying") != 0 && strcmp(state, "delivered") != 0 &&
	    strcmp(state, "dead") != 0) {
		json_decref(lc.arr);
		return ctlproto_error(CTL_E_ARGS,
		    "state must be pending, retrying, delivered or dead");
	}
	daemon_batch_commit(d);
	if (store_deliveries_each(d->store, wh, state,
		arg_limit(args, 100, 10000), delivery_cb, &lc) < 0) {
		json_decref(lc.arr);
		return ctlproto_error(
		    CTL_E_FAILED, "%s", store_errmsg(d->store));
	}
	return ctlproto_ok(json_pack("{s:o, s:o}", "deliveries", lc.arr,
	    "webhooks", daemon_webhooks_json(d)));
}

static json_t *
cmd_redeliver(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
{
	struct daemon *d = arg;
	const char *id = json_string_value(json_object_get(args, "id"));
	const char *wh = json_string_value(json_object_get(args, "webhook"));
	int dead = json_is_true(json_object_get(args, "dead"));
	int n;

	if ((id == NULL) == !dead)
		return ctlproto_error(
		    CTL_E_ARGS, "give an alert id, or \"dead\": true");
	if (wh != NULL && config_webhook(d->cfg, wh) == NULL)
		return ctlproto_error(
		    CTL_E_NOT_FOUND, "no webhook has the id \"%.64s\"", wh);
	daemon_batch_begin(d);
	n = store_redeliver(d->store, id, wh, sw_wall_s());
	if (n < 0 || daemon_batch_commit(d) < 0)
		return ctlproto_error(
		    CTL_E_FAILED, "%s", store_errmsg(d->store));
	if (id != NULL && n == 0)
		return ctlproto_error(CTL_E_NOT_FOUND,
		    "no delivery of alert \"%.64s\"%s", id,
		    wh ? " to that webhook" : "");
	daemon_deliver_kick_all(d);
	return ctlproto_ok(json_pack("{s:i}", "queued", n));
}

static json_t *
cmd_test_webhook(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
{
	const char *id = json_string_value(json_object_get(args, "id"));

	if (id == NULL)
		return ctlproto_error(CTL_E_ARGS, "give a webhook id");
	return daemon_webhook_test(arg, id, call);
}

struct timeline_ctx {
	json_t *arr;
};

static int
timeline_cb(const struct store_learned *l, void *arg)
{
	struct timeline_ctx *tc = arg;
	json_t *src =
	    l->sources_json ? json_loads(l->sources_json, 0, NULL) : NULL;
	char when[32];

	if (!json_is_array(src)) {
		json_decref(src);
		src = json_array();
	}
	json_array_append_new(tc->arr,
	    json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:I, s:o}", "id",
		(json_int_t)l->id, "kind", l->kind, "text", l->text, "date",
		sw_iso8601(l->time, when, sizeof(when)), "url", l->url, "title",
		l->title, "corroboration", (json_int_t)json_array_size(src) + 1,
		"sources", src));
	return 0;
}

static json_t *
cmd_timeline(void *arg, const struct control_peer *peer, json_t *args,
    struct control_call *call)
{
	struct daemon *d = arg;
	const char *id = json_string_value(json_object_get(args, "id"));
	const struct cfg_story *cs;
	struct timeline_ctx tc;
	struct list_ctx lc;
	json_t *baseline;

	if (id == NULL || (cs = config_story(d->cfg, id)) == NULL)
		return ctlproto_error(CTL_E_NOT_FOUND,
		    "no story has the id \"%.64s\"", id ? id : "");
	baseline = json_array();
	for (size_t i = 0; i < cs->nbaseline; i++)
		json_array_append_new(baseline, json_string(cs->baseline[i]));
	tc.arr = json_array();
	daemon_batch_commit(d);
	if (store_learned_each(d->store, id, timeline_cb, &tc) < 0) {
		json_decref(baseline);
		json_decref(tc.arr);
		return ctlproto_error(
		    CTL_E_FAILED, "%s", store_errmsg(d->store));
	}
	lc.arr = json_array();
	lc.bad = 0;
	store_alerts_each(d->store, id, 1000, alert_cb, &lc);
	return ctlproto_ok(json_pack("{s:s, s:s, s:o, s:o, s:o}", "story", id,
	    "title", cs->title, "baseline", baseline, "learned", tc.arr,
	    "alerts", lc.arr));
}

const struct control_command daemon_commands[] = {
	{ "status", 0, cmd_status },
	{ "reload", 1, cmd_reload },
	{ "feeds", 0, cmd_feeds },
	{ "poll", 1, cmd_poll },
	{ "alerts", 0, cmd_alerts },
	{ "deliveries", 0, cmd_deliveries },
	{ "redeliver", 1, cmd_redeliver },
	{ "test-webhook", 1, cmd_test_webhook },
	{ "timeline", 0, cmd_timeline },
};
const size_t daemon_ncommands = SW_ARRAY_SIZE(daemon_commands);
