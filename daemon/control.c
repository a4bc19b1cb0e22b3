/*
 * The control socket server.  A client can never block the loop or end the
 * daemon: lines are capped, idle clients are dropped, the number of clients
 * is bounded, and anything that is not the protocol closes the connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "control.h"
#include "ctlproto.h"
#include "log.h"

struct control_call {
	struct control_client *client; /* NULL once the client has gone */
	int deferred;
};

struct control_client {
	struct control *ctl;
	struct bufferevent *bev;
	struct control_peer peer;
	int closing;		      /* flush the reply, then close */
	struct control_call *pending; /* a deferred call being worked on */
	struct control_client *next, *prev;
};

const int control_later_marker;

struct control {
	struct event_base *base;
	struct evconnlistener *listener;
	char *path;
	struct control_limits lim;
	const struct control_command *cmds;
	size_t ncmds;
	void *arg;
	struct control_client *clients;
	int nclients;
};

static void client_read_cb(struct bufferevent *, void *);

static void
client_free(struct control_client *cl)
{
	struct control *c = cl->ctl;

	/* A deferred call outlives its client; its reply is then dropped. */
	if (cl->pending != NULL)
		cl->pending->client = NULL;
	if (cl->prev != NULL)
		cl->prev->next = cl->next;
	else
		c->clients = cl->next;
	if (cl->next != NULL)
		cl->next->prev = cl->prev;
	c->nclients--;
	bufferevent_free(cl->bev);
	free(cl);
}

static void
client_send(struct control_client *cl, json_t *msg)
{
	size_t len;
	char *line = ctlproto_encode(msg, &len);

	json_decref(msg);
	if (line == NULL) {
		cl->closing = 1;
		return;
	}
	bufferevent_write(cl->bev, line, len);
	free(line);
}

/* Root and the daemon's own user may change state; the group may only read. */
static int
peer_may_change(const struct control_peer *p)
{
	return p->uid == 0 || p->uid == geteuid();
}

static void
client_dispatch(struct control_client *cl, const char *line, size_t len)
{
	struct control *c = cl->ctl;
	struct ctl_request req;
	const char *code;
	char msg[256];
	size_t i;

	/* Binary or an HTTP request is not a confused client but the wrong one.
	 */
	if (memchr(line, '\0', len) != NULL ||
	    (len > 4 &&
		(memcmp(line, "GET ", 4) == 0 ||
		    memcmp(line, "POST ", 5) == 0 ||
		    memcmp(line, "PUT ", 4) == 0 ||
		    memcmp(line, "HEAD ", 5) == 0))) {
		client_send(cl,
		    ctlproto_error(
			CTL_E_PARSE, "not the storywatch control protocol"));
		cl->closing = 1;
		return;
	}
	if (ctlproto_parse_request(line, len, &req, &code, msg, sizeof(msg)) <
	    0) {
		client_send(cl, ctlproto_error(code, "%s", msg));
		cl->closing = 1;
		return;
	}
	for (i = 0; i < c->ncmds; i++)
		if (strcmp(c->cmds[i].name, req.cmd) == 0)
			break;
	if (i == c->ncmds) {
		client_send(cl,
		    ctlproto_error(
			CTL_E_UNKNOWN, "unknown command \"%.64s\"", req.cmd));
	} else if (c->cmds[i].privileged && !peer_may_change(&cl->peer)) {
		client_send(cl,
		    ctlproto_error(CTL_E_DENIED,
			"\"%s\" changes state: only root or the "
			"service user may run it",
			req.cmd));
	} else {
		struct control_call call = { cl, 0 };
		json_t *reply =
		    c->cmds[i].fn(c->arg, &cl->peer, req.args, &call);

		if (reply == CONTROL_LATER && cl->pending != NULL) {
			/* Reading pauses until the deferred call is answered.
			 */
			bufferevent_disable(cl->bev, EV_READ);
			bufferevent_set_timeouts(cl->bev, NULL, NULL);
		} else {
			if (reply == NULL || reply == CONTROL_LATER)
				reply = ctlproto_error(
				    CTL_E_FAILED, "out of memory");
			client_send(cl, reply);
		}
	}
	ctlproto_request_clear(&req);
}

struct control_call *
control_call_defer(struct control_call *call)
{
	struct control_call *c = malloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	c->client = call->client;
	c->deferred = 1;
	call->client->pending = c;
	return c;
}

void
control_call_reply(struct control_call *call, json_t *reply)
{
	struct control_client *cl = call->client;

	if (cl != NULL) {
		struct timeval tv = { cl->ctl->lim.idle_timeout_s, 0 };

		cl->pending = NULL;
		client_send(cl,
		    reply != NULL
			? reply
			: ctlproto_error(CTL_E_FAILED, "out of memory"));
		bufferevent_set_timeouts(cl->bev, &tv, &tv);
		bufferevent_enable(cl->bev, EV_READ);
		/* Requests that arrived meanwhile are waiting in the buffer. */
		client_read_cb(cl->bev, cl);
	} else {
		json_decref(reply);
	}
	free(call);
}

static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	struct control_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	while (!cl->closing && cl->pending == NULL) {
		struct evbuffer_ptr eol;
		size_t len;
		char *line;

		eol = evbuffer_search_eol(in, NULL, &len, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			if (evbuffer_get_length(in) >= CTL_MAX_REQUEST) {
				client_send(cl,
				    ctlproto_error(CTL_E_TOO_LONG,
					"request longer than %d bytes",
					CTL_MAX_REQUEST));
				evbuffer_drain(in, evbuffer_get_length(in));
				cl->closing = 1;
			}
			break;
		}
		if ((size_t)eol.pos >= CTL_MAX_REQUEST) {
			client_send(cl,
			    ctlproto_error(CTL_E_TOO_LONG,
				"request longer than %d bytes",
				CTL_MAX_REQUEST));
			cl->closing = 1;
			break;
		}
		line = malloc((size_t)eol.pos + 1);
		if (line == NULL) {
			cl->closing = 1;
			break;
		}
		evbuffer_remove(in, line, (size_t)eol.pos);
		evbuffer_drain(in, len);
		line[eol.pos] = '\0';
		client_dispatch(cl, line, (size_t)eol.pos);
		free(line);
	}
	if (cl->closing) {
		/* Stop reading; close once the reply is flushed. */
		bufferevent_disable(bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			client_free(cl);
	}
}

static void
client_write_cb(struct bufferevent *bev, void *arg)
{
	struct control_client *cl = arg;

	if (cl->closing)
		client_free(cl);
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct control_client *cl = arg;
	char b;

	/*
	 * When the loop gets back late (a long parse; memcheck), libevent
	 * turns a read that was ready into the expired timeout: a request
	 * that arrived in time is waiting in the socket, so read it.
	 */
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING) &&
	    recv(bufferevent_getfd(bev), &b, 1, MSG_PEEK | MSG_DONTWAIT) > 0) {
		bufferevent_enable(bev, EV_READ);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		log_debug("control: client pid %ld idle, dropped",
		    (long)cl->peer.pid);
	client_free(cl);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct control *c = arg;
	struct control_client *cl;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct timeval tv = { c->lim.idle_timeout_s, 0 };

	if (c->nclients >= c->lim.max_clients) {
		static const char busy[] =
		    "{\"v\":1,\"ok\":false,\"error\":\"busy\",\"message\":"
		    "\"too many control clients\"}\n";

		/* Best effort: the socket is non-blocking and this is tiny. */
		(void)!send(
		    fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		close(fd);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0) {
		cl->peer.pid = cred.pid;
		cl->peer.uid = cred.uid;
		cl->peer.gid = cred.gid;
	} else {
		/* Unknown peers get the least: read-only. */
		cl->peer.uid = (uid_t)-1;
	}
	cl->ctl = c;
	cl->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (cl->bev == NULL) {
		close(fd);
		free(cl);
		return;
	}
	cl->next = c->clients;
	if (c->clients != NULL)
		c->clients->prev = cl;
	c->clients = cl;
	c->nclients++;
	bufferevent_setcb(
	    cl->bev, client_read_cb, client_write_cb, client_event_cb, cl);
	/* Past the ceiling libevent stops reading: memory stays bounded. */
	bufferevent_setwatermark(cl->bev, EV_READ, 0, CTL_MAX_REQUEST + 1);
	bufferevent_set_timeouts(cl->bev, &tv, &tv);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
}

static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();

	/* Out of descriptors or memory: keep serving, try again on the next. */
	log_warn(
	    "control: accept failed: %s", evutil_socket_error_to_string(err));
}

int
control_socket_is_live(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, live;

	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	live = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return live;
}

struct control *
control_new(struct event_base *base, const char *path,
    const struct control_limits *lim, const struct control_command *cmds,
    size_t ncmds, void *arg, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *c;
	mode_t old;
	int fd = -1;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	if (control_socket_is_live(path)) {
		snprintf(err, errlen,
		    "another storywatchd is answering on %s; stop it first",
		    path);
		return NULL;
	}
	/* Nothing answers: a socket left by a crash. */
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove stale socket %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->base = base;
	c->lim = *lim;
	c->cmds = cmds;
	c->ncmds = ncmds;
	c->arg = arg;
	c->path = strdup(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	/* Create it with its final mode so there is no window of wider access.
	 */
	old = umask(0777 & ~lim->mode);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		snprintf(
		    err, errlen, "cannot bind %s: %s", path, strerror(errno));
		goto fail;
	}
	umask(old);
	if (chmod(path, lim->mode) < 0) {
		snprintf(
		    err, errlen, "cannot chmod %s: %s", path, strerror(errno));
		goto fail;
	}
	c->listener = evconnlistener_new(base, accept_cb, c,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 64, fd);
	if (c->listener == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	evconnlistener_set_error_cb(c->listener, accept_error_cb);
	return c;
fail:
	if (fd >= 0 && c->listener == NULL)
		close(fd);
	if (c->path != NULL && fd >= 0)
		unlink(c->path);
	free(c->path);
	free(c);
	return NULL;
}

void
control_free(struct control *c)
{
	if (c == NULL)
		return;
	while (c->clients != NULL)
		client_free(c->clients);
	if (c->listener != NULL)
		evconnlistener_free(c->listener);
	unlink(c->path);
	free(c->path);
	free(c);
}

int
control_client_count(const struct control *c)
{
	return c->nclients;
}
