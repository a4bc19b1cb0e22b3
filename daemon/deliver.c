/*
 * Webhook delivery from the durable outbox.  Each webhook sends its oldest
 * undelivered alert, one at a time, so alerts arrive in order; webhooks do
 * not wait for each other.  The response is classified by notify/ and the
 * outcome written back to the store before the next one is sent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctlproto.h"
#include "daemon.h"
#include "log.h"
#include "payload.h"
#include "retry.h"
#include "sign.h"
#include "util.h"

struct webhook_rt {
	struct daemon *d;
	char *id;
	char *url;
	enum notify_format format;
	struct notify_secret *secret;
	char **headers; /* "Name: value" from the config */
	size_t nheaders;
	uint64_t timeout_ms;
	int gone; /* 410: disabled until the config changes */
	struct http_req *req;
	struct event *timer;
	struct store_delivery cur; /* the delivery in flight */
	int64_t attempt_started;
	uint64_t delivered, failed;
	char *last_error;
	int idle_once; /* --once: nothing due is left for this webhook */
	/*
	 * The retry this process scheduled, on the monotonic clock: a wall
	 * clock step must neither fire it early nor hold it back for a day.
	 */
	int64_t retry_id;
	uint64_t retry_due_mono;
};

/* Longest wait the outbox can ask for (Retry-After ceiling), in seconds. */
#define DELIVERY_MAX_WAIT_S (6 * 3600 + 60)

static void deliver_kick(struct webhook_rt *w);

/* Arm the webhook's timer for s seconds from now (0: next loop turn). */
static void
timer_in(struct webhook_rt *w, time_t s)
{
	struct timeval tv = { s, 0 };

	evtimer_add(w->timer, &tv);
}

static void
webhook_free(struct webhook_rt *w)
{
	if (w == NULL)
		return;
	if (w->req != NULL) {
		/* Cancelled: the delivery stays queued and is sent again. */
		http_cancel(w->req);
		w->d->deliveries_in_flight--;
	}
	if (w->timer != NULL)
		event_free(w->timer);
	store_delivery_clear(&w->cur);
	notify_secret_free(w->secret);
	for (size_t i = 0; i < w->nheaders; i++)
		free(w->headers[i]);
	free(w->headers);
	free(w->id);
	free(w->url);
	free(w->last_error);
	free(w);
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	deliver_kick(arg);
}

/*
 * Load the webhook's secret; 0, or -1 after logging why.  A secret written
 * in the configuration is accepted (quick setups and tests use it), but when
 * that file is readable by others the log says so, as for a secret file.
 */
static int
load_secret(const struct sw_config *cfg, const struct cfg_webhook *cw,
    struct notify_secret **out)
{
	struct notify_secret_msg msg = { 0 };
	struct stat st;

	*out = NULL;
	if (cw->secret != NULL && cfg->path != NULL &&
	    stat(cfg->path, &st) == 0 && (st.st_mode & 0044) != 0)
		log_warn("webhook %s: its secret is written in %s, which is "
			 "readable by %s (mode %04o); move it to secret_file "
			 "or secret_credential",
		    cw->id, cfg->path,
		    (st.st_mode & 0004) ? "others" : "its group",
		    (unsigned)(st.st_mode & 07777));
	if (cw->secret != NULL)
		*out = notify_secret_from_string(cw->secret, &msg);
	else if (cw->secret_file != NULL)
		*out = notify_secret_from_file(cw->secret_file, &msg);
	else if (cw->secret_credential != NULL)
		*out =
		    notify_secret_from_credential(cw->secret_credential, &msg);
	else
		return 0;
	if (*out == NULL) {
		log_err("webhook %s: %s", cw->id, msg.error);
		return -1;
	}
	if (msg.warning[0] != '\0')
		log_warn("webhook %s: %s", cw->id, msg.warning);
	return 0;
}

static struct webhook_rt *
webhook_new(struct daemon *d, const struct cfg_webhook *cw)
{
	struct webhook_rt *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->d = d;
	w->id = strdup(cw->id);
	w->url = strdup(cw->url);
	w->timeout_ms = cw->timeout_ms;
	if (notify_format_parse(cw->format, &w->format) < 0)
		w->format = NOTIFY_FORMAT_JSON;
	w->headers = calloc(cw->nheaders + 1, sizeof(char *));
	w->timer = evtimer_new(d->base, timer_cb, w);
	if (w->id == NULL || w->url == NULL || w->headers == NULL ||
	    w->timer == NULL || load_secret(d->cfg, cw, &w->secret) < 0) {
		webhook_free(w);
		return NULL;
	}
	for (size_t i = 0; i < cw->nheaders; i++)
		if (asprintf(&w->headers[w->nheaders], "%s: %s",
			cw->headers[i].name, cw->headers[i].value) >= 0)
			w->nheaders++;
	return w;
}

int
daemon_webhooks_start(struct daemon *d)
{
	struct webhook_rt **v = calloc(d->cfg->nwebhooks + 1, sizeof(*v));

	if (v == NULL)
		return -1;
	for (size_t i = 0; i < d->cfg->nwebhooks; i++) {
		if ((v[i] = webhook_new(d, &d->cfg->webhooks[i])) == NULL) {
			for (size_t j = 0; j < i; j++)
				webhook_free(v[j]);
			free(v);
			return -1;
		}
	}
	daemon_webhooks_stop(d);
	d->webhooks = v;
	d->nwebhooks = d->cfg->nwebhooks;
	daemon_deliver_kick_all(d);
	return 0;
}

void
daemon_webhooks_stop(struct daemon *d)
{
	for (size_t i = 0; i < d->nwebhooks; i++)
		webhook_free(d->webhooks[i]);
	free(d->webhooks);
	d->webhooks = NULL;
	d->nwebhooks = 0;
}

void
daemon_deliver_kick_all(struct daemon *d)
{
	for (size_t i = 0; i < d->nwebhooks; i++)
		deliver_kick(d->webhooks[i]);
}

static enum notify_http_kind
kind_map(enum http_result_kind k)
{
	switch (k) {
	case HTTP_R_OK:
		return NOTIFY_HTTP_OK;
	case HTTP_R_NOT_MODIFIED:
		return NOTIFY_HTTP_NOT_MODIFIED;
	case HTTP_R_HTTP_ERROR:
		return NOTIFY_HTTP_ERROR;
	case HTTP_R_TIMEOUT:
		return NOTIFY_HTTP_TIMEOUT;
	case HTTP_R_TOO_LARGE:
		return NOTIFY_HTTP_TOO_LARGE;
	case HTTP_R_REFUSED:
		return NOTIFY_HTTP_REFUSED;
	case HTTP_R_NETWORK:
	default:
		return NOTIFY_HTTP_NETWORK;
	}
}

/*
 * Build the request for an alert: body in the webhook's format, its own
 * headers, then the webhook-* ones (signed when there is a secret).
 */
int
daemon_webhook_payload(struct daemon *d, const char *webhook_id,
    const json_t *alert, const char *alert_id, struct notify_payload *p)
{
	struct webhook_rt *w = NULL;
	char ts[32];

	for (size_t i = 0; i < d->nwebhooks; i++)
		if (strcmp(d->webhooks[i]->id, webhook_id) == 0)
			w = d->webhooks[i];
	if (w == NULL || notify_build(alert, w->format, p) < 0)
		return -1;
	for (size_t i = 0; i < w->nheaders; i++) {
		char *colon = strchr(w->headers[i], ':');

		*colon = '\0';
		notify_payload_set_header(p, w->headers[i], colon + 2);
		*colon = ':';
	}
	if (w->secret != NULL) {
		const struct notify_secret *keys[1] = { w->secret };

		return notify_payload_sign(p, keys, 1, alert_id, sw_wall_s());
	}
	snprintf(ts, sizeof(ts), "%" PRId64, sw_wall_s());
	if (notify_payload_set_header(p, "webhook-id", alert_id) < 0 ||
	    notify_payload_set_header(p, "webhook-timestamp", ts) < 0)
		return -1;
	return 0;
}

/* Requests for a payload: "Name: value" lines; caller frees the array only. */
static const char **
header_lines(const struct notify_payload *p, char **storage)
{
	const char **lines = calloc(p->nheaders + 1, sizeof(char *));

	for (size_t i = 0; lines != NULL && i < p->nheaders; i++) {
		if (asprintf(&storage[i], "%s: %s", p->headers[i].name,
			p->headers[i].value) < 0)
			storage[i] = NULL;
		lines[i] = storage[i] ? storage[i] : "X-Storywatch: 1";
	}
	return lines;
}

/* POST a built payload to the webhook; the request, or NULL (no memory). */
static struct http_req *
webhook_post(struct webhook_rt *w, const struct notify_payload *p,
    http_done_cb cb, void *arg)
{
	struct http_request_opts o = { 0 };
	char *storage[NOTIFY_MAX_HEADERS] = { 0 };
	const char **lines = header_lines(p, storage);
	struct http_req *req;

	o.url = w->url;
	o.method = HTTP_POST;
	o.body = p->body;
	o.body_len = p->len;
	o.content_type = p->content_type;
	o.headers = lines;
	o.n_headers = lines != NULL ? p->nheaders : 0;
	o.timeout_ms = (long)w->timeout_ms;
	o.max_body = 64 * 1024;
	o.follow_redirects = 0; /* a 3xx is a failure for webhooks */
	req = http_request(w->d->http, &o, cb, arg);
	for (size_t i = 0; i < NOTIFY_MAX_HEADERS; i++)
		free(storage[i]);
	free(lines);
	return req;
}

static void
delivery_write(struct webhook_rt *w)
{
	daemon_batch_begin(w->d);
	if (store_delivery_update(w->d->store, &w->cur) < 0)
		log_err("webhook %s: %s", w->id, store_errmsg(w->d->store));
}

static void
deliver_done_cb(struct http_req *req, struct http_result *res, void *arg)
{
	struct webhook_rt *w = arg;
	struct daemon *d = w->d;
	struct notify_response r = { kind_map(res->kind), res->status,
		res->retry_after_s, res->body, res->body_len, res->error };
	struct notify_outcome o;
	int64_t now = sw_wall_s();

	w->req = NULL;
	d->deliveries_in_flight--;
	o = notify_classify(&r, w->cur.created_at, now,
	    (unsigned)w->cur.attempts + 1, NULL, NULL, NULL);
	w->cur.attempts++;
	w->cur.last_attempt_at = now;
	w->cur.last_status = res->status;
	free(w->cur.last_error);
	w->cur.last_error =
	    o.verdict == NOTIFY_DELIVERED ? NULL : strdup(o.reason);
	free(w->cur.state);
	switch (o.verdict) {
	case NOTIFY_DELIVERED:
		w->cur.state = strdup("delivered");
		w->delivered++;
		d->deliveries_done++;
		log_info("webhook %s: alert %s delivered (HTTP %ld)", w->id,
		    w->cur.alert_id, res->status);
		break;
	case NOTIFY_RETRY:
		w->cur.state = strdup("retrying");
		w->cur.next_attempt_at = o.next_at;
		w->retry_id = w->cur.id;
		w->retry_due_mono = sw_mono_ms() + (uint64_t)o.delay_s * 1000;
		w->failed++;
		log_warn("webhook %s: alert %s: %s; retrying in %" PRId64
			 " s (attempt %ld)",
		    w->id, w->cur.alert_id, o.reason, o.delay_s,
		    w->cur.attempts);
		break;
	case NOTIFY_DEAD:
		w->cur.state = strdup("dead");
		w->failed++;
		log_err("webhook %s: alert %s: %s; giving up after %ld "
			"attempts (storywatchctl redeliver %s)",
		    w->id, w->cur.alert_id, o.reason, w->cur.attempts,
		    w->cur.alert_id);
		break;
	case NOTIFY_GONE:
	default:
		/* The delivery stays queued for when the webhook is fixed. */
		w->cur.state = strdup("pending");
		w->gone = 1;
		log_err("webhook %s: %s answered 410 Gone; webhook disabled "
			"until the configuration changes",
		    w->id, w->url);
		break;
	}
	free(w->last_error);
	w->last_error = sw_strdup0(w->cur.last_error);
	delivery_write(w);
	store_delivery_clear(&w->cur);
	/* Next one from the loop, not from inside http's callback. */
	timer_in(w, 0);
	if (o.verdict != NOTIFY_DELIVERED && d->once)
		w->idle_once = 1;
	daemon_once_check(d);
}

static void
deliver_kick(struct webhook_rt *w)
{
	struct daemon *d = w->d;
	struct notify_payload p = { 0 };
	char *payload = NULL;
	json_t *alert = NULL;
	int64_t now = sw_wall_s(), wait_s;
	int rc;

	if (w->gone || w->req != NULL || w->idle_once)
		return;
	rc = store_delivery_head(d->store, w->id, &w->cur);
	if (rc <= 0) {
		if (rc < 0)
			log_err(
			    "webhook %s: %s", w->id, store_errmsg(d->store));
		w->idle_once = d->once;
		daemon_once_check(d);
		return;
	}
	if (w->cur.id == w->retry_id && w->retry_due_mono != 0 &&
	    strcmp(w->cur.state, "retrying") == 0) {
		uint64_t mono = sw_mono_ms();

		wait_s = mono >= w->retry_due_mono
		    ? 0
		    : (int64_t)((w->retry_due_mono - mono + 999) / 1000);
	} else {
		/* Scheduled by an earlier run: only the wall clock knows. */
		wait_s = w->cur.next_attempt_at - now;
		if (wait_s > DELIVERY_MAX_WAIT_S)
			wait_s = DELIVERY_MAX_WAIT_S;
	}
	if (wait_s > 0) {
		timer_in(w, (time_t)wait_s);
		store_delivery_clear(&w->cur);
		w->idle_once = d->once;
		daemon_once_check(d);
		return;
	}
	if (store_alert_payload(d->store, w->cur.alert_id, &payload) <= 0 ||
	    (alert = json_loads(payload, 0, NULL)) == NULL ||
	    daemon_webhook_payload(d, w->id, alert, w->cur.alert_id, &p) < 0) {
		/* Cannot be built now or ever: dead, visible, re-queueable. */
		log_err("webhook %s: alert %s cannot be built; marked dead",
		    w->id, w->cur.alert_id);
		free(w->cur.state);
		w->cur.state = strdup("dead");
		free(w->cur.last_error);
		w->cur.last_error = strdup("payload could not be built");
		delivery_write(w);
		store_delivery_clear(&w->cur);
		timer_in(w, 0);
		goto out;
	}
	w->attempt_started = now;
	w->req = webhook_post(w, &p, deliver_done_cb, w);
	if (w->req == NULL) {
		store_delivery_clear(&w->cur);
		timer_in(w, 5);
	} else {
		d->deliveries_in_flight++;
	}
out:
	notify_payload_free(&p);
	json_decref(alert);
	free(payload);
}

int
daemon_webhooks_busy(struct daemon *d)
{
	for (size_t i = 0; i < d->nwebhooks; i++)
		if (d->webhooks[i]->req != NULL ||
		    (!d->webhooks[i]->idle_once && !d->webhooks[i]->gone))
			return 1;
	return 0;
}

json_t *
daemon_webhooks_json(struct daemon *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->nwebhooks; i++) {
		struct webhook_rt *w = d->webhooks[i];

		json_array_append_new(arr,
		    json_pack("{s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:s?}", "id",
			w->id, "format", notify_format_name(w->format), "state",
			w->gone ? "disabled (410 Gone)" : "active", "signed",
			w->secret != NULL, "sending", w->req != NULL,
			"delivered", (json_int_t)w->delivered, "failed",
			(json_int_t)w->failed, "last_error", w->last_error));
	}
	return arr;
}

/* test-webhook: one sample alert, sent now, outside the outbox. */
struct test_send {
	struct control_call *call;
	uint64_t started;
};

static void
test_done_cb(struct http_req *req, struct http_result *res, void *arg)
{
	struct test_send *t = arg;
	uint64_t ms = sw_mono_ms() - t->started;
	json_t *reply;

	if (t->call == NULL) {
		free(t);
		return;
	}
	if (res->kind == HTTP_R_OK && res->status >= 200 && res->status < 300)
		reply = ctlproto_ok(json_pack("{s:I, s:I, s:s}", "status",
		    (json_int_t)res->status, "ms", (json_int_t)ms, "result",
		    "delivered"));
	else
		reply = ctlproto_ok(json_pack("{s:I, s:I, s:s, s:s?}", "status",
		    (json_int_t)res->status, "ms", (json_int_t)ms, "result",
		    http_result_kind_name(res->kind), "error", res->error));
	control_call_reply(t->call, reply);
	free(t);
}

json_t *
daemon_webhook_test(
    struct daemon *d, const char *webhook_id, struct control_call *call)
{
	struct notify_payload p = { 0 };
	struct webhook_rt *w = NULL;
	struct test_send *t;
	json_t *alert;
	const char *id;

	for (size_t i = 0; i < d->nwebhooks; i++)
		if (strcmp(d->webhooks[i]->id, webhook_id) == 0)
			w = d->webhooks[i];
	if (w == NULL)
		return ctlproto_error(CTL_E_NOT_FOUND,
		    "no webhook has the id \"%.64s\"", webhook_id);
	alert = notify_sample_alert(sw_wall_s());
	id = json_string_value(json_object_get(alert, "id"));
	if (alert == NULL ||
	    daemon_webhook_payload(d, w->id, alert, id, &p) < 0) {
		json_decref(alert);
		notify_payload_free(&p);
		return ctlproto_error(CTL_E_FAILED, "cannot build the sample");
	}
	json_decref(alert);
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		notify_payload_free(&p);
		return ctlproto_error(CTL_E_FAILED, "out of memory");
	}
	t->started = sw_mono_ms();
	if (webhook_post(w, &p, test_done_cb, t) == NULL) {
		free(t);
		notify_payload_free(&p);
		return ctlproto_error(CTL_E_FAILED, "out of memory");
	}
	notify_payload_free(&p);
	/* Without a deferred call the request still ends; its reply is dropped.
	 */
	if ((t->call = control_call_defer(call)) == NULL)
		return ctlproto_error(CTL_E_FAILED, "out of memory");
	return CONTROL_LATER;
}
