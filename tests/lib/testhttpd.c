/* The test HTTP server: routes, recording and byte-level faults on one
 * bufferevent loop in a thread. */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <zlib.h>

#include "testhttpd.h"

/*
 * One small HTTP/1.1 server rather than evhttp: half of the behaviours here
 * (dripping headers, half bodies, resets, lying Content-Length) need the
 * bytes on the wire under test control, which evhttp does not give.
 */

#define MAX_HEAD (64 * 1024)
#define MAX_REQ_BODY (16 * 1024 * 1024)
#define MAX_RECORDS 100000
#define ENDLESS_CHUNK 16384
#define DEFAULT_BOMB ((size_t)64 * 1024 * 1024)

struct route {
	SLIST_ENTRY(route) entry;
	char *path;
	char *method;
	int status;
	char *content_type;
	char *body;
	size_t body_len;
	char **headers;
	size_t nheaders;
	char *etag;
	char *last_modified;
	char *location;
	int gzip; /* body already holds the gzip bytes */
	int delay_ms;
	enum testhttpd_fault fault;
	int drip_ms;
	long long content_length;
};

struct record {
	struct testhttpd_request req;
};

struct conn;

struct testhttpd {
	struct event_base *base;
	struct evconnlistener *lis;
	struct event *stop_ev;
	int stop_pipe[2];
	pthread_t thread;
	int port;
	char base_url[64];
	LIST_HEAD(, conn) conns; /* server thread only */

	pthread_mutex_t mu; /* guards everything below */
	pthread_cond_t cond;
	SLIST_HEAD(, route) routes;
	char *docroot;
	int recording;
	struct record *recs;
	size_t nrecs, caprecs;
	unsigned nconns;
	unsigned peak;
};

enum conn_state {
	C_HEAD,	   /* reading request line and headers */
	C_BODY,	   /* reading a Content-Length body */
	C_WAIT,	   /* delay before answering */
	C_SEND,	   /* writing a response, then back to C_HEAD */
	C_DRIP,	   /* writing pending byte by byte */
	C_ENDLESS, /* writing chunks forever */
	C_HANG,	   /* never answering */
	C_CLOSE,   /* closing once the output is written */
};

struct conn {
	struct testhttpd *srv;
	struct bufferevent *bev;
	LIST_ENTRY(conn) entry;
	enum conn_state state;
	struct event *timer;
	struct evbuffer *pending; /* DRIP: bytes still to send */
	int drip_ms;
	int keep_alive;

	/* the request being read */
	struct testhttpd_request req;
	size_t head_bytes;
	size_t want_body;
	size_t capheaders;
	const struct route *route; /* routes live until stop */
	int http10;
};

static const char *const fault_names[] = {
	[TESTHTTPD_NONE] = "none",
	[TESTHTTPD_HANG] = "hang",
	[TESTHTTPD_DRIP] = "drip",
	[TESTHTTPD_DRIP_ALL] = "drip-all",
	[TESTHTTPD_CLOSE_MID] = "close-mid",
	[TESTHTTPD_RESET] = "reset",
	[TESTHTTPD_ENDLESS] = "endless",
	[TESTHTTPD_GZIP_BOMB] = "gzip-bomb",
};

const char *
testhttpd_fault_name(enum testhttpd_fault f)
{
	if ((size_t)f < sizeof(fault_names) / sizeof(fault_names[0]))
		return fault_names[f];
	return "unknown";
}

int
testhttpd_fault_parse(const char *s, enum testhttpd_fault *out)
{
	size_t i;

	for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++) {
		if (strcmp(s, fault_names[i]) == 0) {
			*out = (enum testhttpd_fault)i;
			return 0;
		}
	}
	return -1;
}

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 301:
		return "Moved Permanently";
	case 302:
		return "Found";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 307:
		return "Temporary Redirect";
	case 308:
		return "Permanent Redirect";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 410:
		return "Gone";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

/* gzip (RFC 1952) of n bytes of in, or of n zero bytes when in is NULL. */
static char *
gzip_bytes(const char *in, size_t n, size_t *out_len)
{
	static const char zeros[65536];
	z_stream zs;
	size_t cap = n / 100 + 4096, left = n;
	char *out = malloc(cap), *nout;
	int rc, flush;

	if (out == NULL)
		return NULL;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		free(out);
		return NULL;
	}
	do {
		size_t take = in != NULL
		    ? left
		    : (left < sizeof(zeros) ? left : sizeof(zeros));

		zs.next_in =
		    (Bytef *)(uintptr_t)(in != NULL ? in + (n - left) : zeros);
		zs.avail_in = (uInt)take;
		left -= take;
		flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
		do {
			if (zs.total_out + 1024 > cap) {
				cap *= 2;
				if ((nout = realloc(out, cap)) == NULL)
					goto fail;
				out = nout;
			}
			zs.next_out = (Bytef *)out + zs.total_out;
			zs.avail_out = (uInt)(cap - zs.total_out);
			rc = deflate(&zs, flush);
			if (rc == Z_STREAM_ERROR)
				goto fail;
		} while (zs.avail_out == 0 ||
		    (flush == Z_FINISH && rc != Z_STREAM_END));
	} while (left > 0);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
fail:
	deflateEnd(&zs);
	free(out);
	return NULL;
}

static char *
read_file(const char *path, size_t *len_out)
{
	FILE *f;
	char *data = NULL, *nd;
	size_t len = 0, cap = 0, n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((nd = realloc(data, cap + 1)) == NULL)
				goto fail;
			data = nd;
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	data[len] = '\0';
	*len_out = len;
	return data;
fail:
	fclose(f);
	free(data);
	return NULL;
}

static char *
dup0(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static void
route_free(struct route *r)
{
	size_t i;

	free(r->path);
	free(r->method);
	free(r->content_type);
	free(r->body);
	for (i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	free(r->headers);
	free(r->etag);
	free(r->last_modified);
	free(r->location);
	free(r);
}

int
testhttpd_add(struct testhttpd *srv, const struct testhttpd_route *in)
{
	struct route *r;
	size_t i, n = 0;

	if (in == NULL || in->path == NULL || in->path[0] != '/')
		return -1;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->status = in->status ? in->status : (in->location ? 302 : 200);
	r->delay_ms = in->delay_ms;
	r->fault = in->fault;
	r->drip_ms = in->drip_ms > 0 ? in->drip_ms : 1000;
	r->content_length = in->content_length;
	if ((r->path = strdup(in->path)) == NULL)
		goto fail;
	if ((in->method && !(r->method = strdup(in->method))) ||
	    (in->content_type &&
		!(r->content_type = strdup(in->content_type))) ||
	    (in->etag && !(r->etag = strdup(in->etag))) ||
	    (in->last_modified &&
		!(r->last_modified = strdup(in->last_modified))) ||
	    (in->location && !(r->location = strdup(in->location))))
		goto fail;
	if (in->headers != NULL) {
		while (in->headers[n] != NULL)
			n++;
		if (n > 0 && (r->headers = calloc(n, sizeof(char *))) == NULL)
			goto fail;
		for (i = 0; i < n; i++) {
			if ((r->headers[i] = strdup(in->headers[i])) == NULL)
				goto fail;
			r->nheaders++;
		}
	}
	if (in->fault == TESTHTTPD_GZIP_BOMB) {
		r->body = gzip_bytes(NULL,
		    in->bomb_size ? in->bomb_size : DEFAULT_BOMB, &r->body_len);
		r->gzip = 1;
		if (r->body == NULL)
			goto fail;
	} else if (in->body_file != NULL) {
		if ((r->body = read_file(in->body_file, &r->body_len)) == NULL)
			goto fail;
	} else if (in->body != NULL) {
		r->body_len = in->body_len ? in->body_len : strlen(in->body);
		if ((r->body = malloc(r->body_len + 1)) == NULL)
			goto fail;
		memcpy(r->body, in->body, r->body_len);
		r->body[r->body_len] = '\0';
	}
	if (in->gzip && !r->gzip) {
		char *gz = gzip_bytes(
		    r->body != NULL ? r->body : "", r->body_len, &r->body_len);

		if (gz == NULL)
			goto fail;
		free(r->body);
		r->body = gz;
		r->gzip = 1;
	}
	pthread_mutex_lock(&srv->mu);
	SLIST_INSERT_HEAD(&srv->routes, r, entry);
	pthread_mutex_unlock(&srv->mu);
	return 0;
fail:
	route_free(r);
	return -1;
}

int
testhttpd_add_body(struct testhttpd *srv, const char *path, int status,
    const char *content_type, const char *body)
{
	struct testhttpd_route r = { .path = path,
		.status = status,
		.content_type = content_type,
		.body = body };

	return testhttpd_add(srv, &r);
}

int
testhttpd_add_redirect(
    struct testhttpd *srv, const char *path, int status, const char *location)
{
	struct testhttpd_route r = {
		.path = path, .status = status, .location = location
	};

	return testhttpd_add(srv, &r);
}

int
testhttpd_add_fault(
    struct testhttpd *srv, const char *path, enum testhttpd_fault fault)
{
	struct testhttpd_route r = { .path = path,
		.fault = fault,
		.content_type = "text/plain",
		.body = "the quick brown fox jumps over the lazy dog\n" };

	return testhttpd_add(srv, &r);
}

int
testhttpd_set_docroot(struct testhttpd *srv, const char *dir)
{
	char *d = dup0(dir);

	if (dir != NULL && d == NULL)
		return -1;
	pthread_mutex_lock(&srv->mu);
	free(srv->docroot);
	srv->docroot = d;
	pthread_mutex_unlock(&srv->mu);
	return 0;
}

void
testhttpd_set_recording(struct testhttpd *srv, int on)
{
	pthread_mutex_lock(&srv->mu);
	srv->recording = on;
	pthread_mutex_unlock(&srv->mu);
}

static void
request_clear(struct testhttpd_request *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	free(r->names);
	free(r->values);
	free(r->target);
	free(r->path);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

void
testhttpd_request_clear(struct testhttpd_request *r)
{
	if (r != NULL)
		request_clear(r);
}

const char *
testhttpd_request_header(const struct testhttpd_request *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->names[i], name) == 0)
			return r->values[i];
	return NULL;
}

static int
request_copy(struct testhttpd_request *dst, const struct testhttpd_request *s)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	memcpy(dst->method, s->method, sizeof(dst->method));
	dst->target = dup0(s->target);
	dst->path = dup0(s->path);
	dst->body = malloc(s->body_len + 1);
	if (s->nheaders > 0) {
		dst->names = calloc(s->nheaders, sizeof(char *));
		dst->values = calloc(s->nheaders, sizeof(char *));
	}
	if (dst->target == NULL || dst->path == NULL || dst->body == NULL ||
	    (s->nheaders > 0 && (dst->names == NULL || dst->values == NULL)))
		goto fail;
	if (s->body_len > 0)
		memcpy(dst->body, s->body, s->body_len);
	dst->body[s->body_len] = '\0';
	dst->body_len = s->body_len;
	for (i = 0; i < s->nheaders; i++) {
		dst->names[i] = strdup(s->names[i]);
		dst->values[i] = strdup(s->values[i]);
		dst->nheaders++;
		if (dst->names[i] == NULL || dst->values[i] == NULL)
			goto fail;
	}
	return 0;
fail:
	request_clear(dst);
	return -1;
}

unsigned
testhttpd_hits(struct testhttpd *srv, const char *path)
{
	unsigned n = 0;
	size_t i;

	pthread_mutex_lock(&srv->mu);
	for (i = 0; i < srv->nrecs; i++)
		if (strcmp(srv->recs[i].req.path, path) == 0)
			n++;
	pthread_mutex_unlock(&srv->mu);
	return n;
}

size_t
testhttpd_request_count(struct testhttpd *srv)
{
	size_t n;

	pthread_mutex_lock(&srv->mu);
	n = srv->nrecs;
	pthread_mutex_unlock(&srv->mu);
	return n;
}

int
testhttpd_request_get(
    struct testhttpd *srv, size_t idx, struct testhttpd_request *out)
{
	int rc = -1;

	pthread_mutex_lock(&srv->mu);
	if (idx < srv->nrecs)
		rc = request_copy(out, &srv->recs[idx].req);
	pthread_mutex_unlock(&srv->mu);
	return rc;
}

int
testhttpd_wait_requests(struct testhttpd *srv, size_t n, int timeout_ms)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&srv->mu);
	while (srv->nrecs < n && rc == 0)
		rc = pthread_cond_timedwait(&srv->cond, &srv->mu, &ts);
	rc = srv->nrecs >= n ? 0 : -1;
	pthread_mutex_unlock(&srv->mu);
	return rc;
}

void
testhttpd_clear(struct testhttpd *srv)
{
	size_t i;

	pthread_mutex_lock(&srv->mu);
	for (i = 0; i < srv->nrecs; i++)
		request_clear(&srv->recs[i].req);
	srv->nrecs = 0;
	pthread_mutex_unlock(&srv->mu);
}

unsigned
testhttpd_open_connections(struct testhttpd *srv)
{
	unsigned n;

	pthread_mutex_lock(&srv->mu);
	n = srv->nconns;
	pthread_mutex_unlock(&srv->mu);
	return n;
}

unsigned
testhttpd_peak_connections(struct testhttpd *srv)
{
	unsigned n;

	pthread_mutex_lock(&srv->mu);
	n = srv->peak;
	pthread_mutex_unlock(&srv->mu);
	return n;
}

int
testhttpd_port(const struct testhttpd *srv)
{
	return srv->port;
}

const char *
testhttpd_base_url(const struct testhttpd *srv)
{
	return srv->base_url;
}

char *
testhttpd_url(const struct testhttpd *srv, const char *path)
{
	size_t n = strlen(srv->base_url) + strlen(path) + 1;
	char *u = malloc(n);

	if (u != NULL)
		snprintf(u, n, "%s%s", srv->base_url, path);
	return u;
}

/* --- the server thread from here on --- */

static void conn_process(struct conn *c);

static void
conn_free(struct conn *c)
{
	struct testhttpd *srv = c->srv;

	LIST_REMOVE(c, entry);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->pending != NULL)
		evbuffer_free(c->pending);
	bufferevent_free(c->bev);
	request_clear(&c->req);
	free(c);
	pthread_mutex_lock(&srv->mu);
	srv->nconns--;
	pthread_mutex_unlock(&srv->mu);
}

static void
conn_reset(struct conn *c)
{
	struct linger lg = { 1, 0 };
	evutil_socket_t fd = bufferevent_getfd(c->bev);

	/* Linger 0 turns the close into a RST. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	conn_free(c);
}

static void
record_request(struct testhttpd *srv, const struct testhttpd_request *req)
{
	struct record *nr;

	pthread_mutex_lock(&srv->mu);
	if (srv->recording && srv->nrecs < MAX_RECORDS) {
		if (srv->nrecs == srv->caprecs) {
			size_t ncap = srv->caprecs ? srv->caprecs * 2 : 64;

			nr = realloc(srv->recs, ncap * sizeof(*nr));
			if (nr != NULL) {
				srv->recs = nr;
				srv->caprecs = ncap;
			}
		}
		if (srv->nrecs < srv->caprecs &&
		    request_copy(&srv->recs[srv->nrecs].req, req) == 0)
			srv->nrecs++;
	}
	pthread_cond_broadcast(&srv->cond);
	pthread_mutex_unlock(&srv->mu);
}

static const struct route *
route_find(struct testhttpd *srv, const char *path, const char *method)
{
	const struct route *r;

	SLIST_FOREACH(r, &srv->routes, entry)
	{
		size_t n = strlen(r->path);

		if (r->method != NULL && strcmp(r->method, method) != 0)
			continue;
		if (strcmp(r->path, path) == 0)
			return r;
		if (n > 0 && r->path[n - 1] == '*' &&
		    strncmp(r->path, path, n - 1) == 0)
			return r;
	}
	return NULL;
}

static const char *
content_type_for(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".xml", "application/xml" },
		{ ".rss", "application/rss+xml" },
		{ ".atom", "application/atom+xml" },
		{ ".json", "application/json" },
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".opml", "text/x-opml" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static void
http_date(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* A file under the docroot as a temporary route; NULL when none. */
static struct route *
docroot_route(const char *docroot, const char *path)
{
	struct route *r;
	struct stat st;
	char file[4096], tag[64], date[64];

	if (strstr(path, "..") != NULL || path[0] != '/')
		return NULL;
	snprintf(file, sizeof(file), "%s%s", docroot, path);
	if (stat(file, &st) == -1 || !S_ISREG(st.st_mode))
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->status = 200;
	snprintf(tag, sizeof(tag), "\"%llx-%llx\"", (long long)st.st_size,
	    (long long)st.st_mtime);
	http_date(st.st_mtime, date, sizeof(date));
	r->path = strdup(path);
	r->content_type = strdup(content_type_for(path));
	r->etag = strdup(tag);
	r->last_modified = strdup(date);
	r->body = read_file(file, &r->body_len);
	if (r->path == NULL || r->content_type == NULL || r->etag == NULL ||
	    r->last_modified == NULL || r->body == NULL) {
		route_free(r);
		return NULL;
	}
	return r;
}

static int
not_modified(const struct route *r, const struct testhttpd_request *req)
{
	const char *inm = testhttpd_request_header(req, "If-None-Match");
	const char *ims = testhttpd_request_header(req, "If-Modified-Since");

	if (r->status != 200)
		return 0;
	if (inm != NULL)
		return r->etag != NULL &&
		    (strstr(inm, r->etag) != NULL || strcmp(inm, "*") == 0);
	return ims != NULL && r->last_modified != NULL &&
	    strcmp(ims, r->last_modified) == 0;
}

/* Status line and headers for r into out; body_len < 0 means chunked. */
static void
write_head(struct evbuffer *out, const struct route *r, int status,
    long long body_len, int keep_alive)
{
	size_t i;

	evbuffer_add_printf(
	    out, "HTTP/1.1 %d %s\r\n", status, reason_phrase(status));
	if (body_len >= 0)
		evbuffer_add_printf(out, "Content-Length: %lld\r\n", body_len);
	else
		evbuffer_add_printf(out, "Transfer-Encoding: chunked\r\n");
	if (r->content_type != NULL && status != 304)
		evbuffer_add_printf(
		    out, "Content-Type: %s\r\n", r->content_type);
	if (r->etag != NULL)
		evbuffer_add_printf(out, "ETag: %s\r\n", r->etag);
	if (r->last_modified != NULL)
		evbuffer_add_printf(
		    out, "Last-Modified: %s\r\n", r->last_modified);
	if (r->location != NULL)
		evbuffer_add_printf(out, "Location: %s\r\n", r->location);
	if (r->gzip && status != 304)
		evbuffer_add_printf(out, "Content-Encoding: gzip\r\n");
	for (i = 0; i < r->nheaders; i++)
		evbuffer_add_printf(out, "%s\r\n", r->headers[i]);
	if (!keep_alive)
		evbuffer_add_printf(out, "Connection: close\r\n");
	evbuffer_add(out, "\r\n", 2);
}

static void conn_timer_cb(evutil_socket_t fd, short what, void *arg);

static int
conn_arm_timer(struct conn *c, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (c->timer == NULL &&
	    (c->timer = evtimer_new(c->srv->base, conn_timer_cb, c)) == NULL)
		return -1;
	return evtimer_add(c->timer, &tv);
}

static void
endless_more(struct conn *c)
{
	static char chunk[ENDLESS_CHUNK];
	struct evbuffer *out = bufferevent_get_output(c->bev);

	if (chunk[0] == '\0')
		memset(chunk, 'x', sizeof(chunk));
	evbuffer_add_printf(out, "%x\r\n", ENDLESS_CHUNK);
	evbuffer_add(out, chunk, sizeof(chunk));
	evbuffer_add(out, "\r\n", 2);
}

/* Write the answer for the request in c->req (its route is c->route). */
static void
conn_respond(struct conn *c)
{
	const struct route *r = c->route;
	struct evbuffer *out = bufferevent_get_output(c->bev);
	int head = strcmp(c->req.method, "HEAD") == 0;
	int status = r->status;
	size_t body_len = r->body_len;

	if (not_modified(r, &c->req)) {
		status = 304;
		body_len = 0;
	} else if (status == 204 || head) {
		body_len = head ? body_len : 0;
	}
	switch (r->fault) {
	case TESTHTTPD_HANG:
		c->state = C_HANG;
		return;
	case TESTHTTPD_RESET:
		conn_reset(c);
		return;
	case TESTHTTPD_ENDLESS:
		write_head(out, r, 200, -1, 0);
		c->state = C_ENDLESS;
		endless_more(c);
		return;
	case TESTHTTPD_CLOSE_MID:
		write_head(out, r, status, (long long)body_len, 0);
		evbuffer_add(out, r->body, body_len / 2);
		c->state = C_CLOSE;
		return;
	case TESTHTTPD_DRIP:
	case TESTHTTPD_DRIP_ALL:
		if ((c->pending = evbuffer_new()) == NULL) {
			conn_free(c);
			return;
		}
		write_head(r->fault == TESTHTTPD_DRIP ? out : c->pending, r,
		    status, (long long)body_len, 0);
		if (status != 304 && !head)
			evbuffer_add(c->pending, r->body, body_len);
		c->drip_ms = r->drip_ms;
		c->state = C_DRIP;
		conn_arm_timer(c, c->drip_ms);
		return;
	default:
		break;
	}
	if (r->content_length > 0) {
		write_head(out, r, status, r->content_length, 0);
		evbuffer_add(out, r->body, body_len);
		c->state = C_CLOSE;
		return;
	}
	write_head(out, r, status, (long long)body_len, c->keep_alive);
	if (status != 304 && !head && body_len > 0)
		evbuffer_add(out, r->body, body_len);
	c->state = c->keep_alive ? C_SEND : C_CLOSE;
}

static void
conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char byte;

	if (c->state == C_WAIT) {
		conn_respond(c);
		return;
	}
	if (c->state != C_DRIP)
		return;
	if (evbuffer_remove(c->pending, &byte, 1) == 1)
		bufferevent_write(c->bev, &byte, 1);
	if (evbuffer_get_length(c->pending) > 0)
		conn_arm_timer(c, c->drip_ms);
	else
		c->state = C_CLOSE;
}

/* The request is complete: record it, find its route, answer. */
static void
conn_dispatch(struct conn *c)
{
	struct testhttpd *srv = c->srv;
	const char *conn_hdr = testhttpd_request_header(&c->req, "Connection");
	struct route *doc = NULL;
	static const struct route notfound = { .status = 404,
		.content_type = "text/plain",
		.body = "not found\n",
		.body_len = 10 };

	c->keep_alive = !c->http10 &&
	    !(conn_hdr != NULL && strcasecmp(conn_hdr, "close") == 0);
	record_request(srv, &c->req);
	pthread_mutex_lock(&srv->mu);
	c->route = route_find(srv, c->req.path, c->req.method);
	if (c->route == NULL && srv->docroot != NULL)
		doc = docroot_route(srv->docroot, c->req.path);
	pthread_mutex_unlock(&srv->mu);
	if (doc != NULL) {
		/* A docroot file has no delay or fault: answer and drop it. */
		c->route = doc;
		conn_respond(c);
		route_free(doc);
		return;
	}
	if (c->route == NULL)
		c->route = &notfound;
	if (c->route->delay_ms > 0) {
		c->state = C_WAIT;
		conn_arm_timer(c, c->route->delay_ms);
		return;
	}
	conn_respond(c);
}

static int
parse_request_line(struct conn *c, char *line)
{
	char *sp1 = strchr(line, ' '), *sp2, *q;

	if (sp1 == NULL || (size_t)(sp1 - line) >= sizeof(c->req.method))
		return -1;
	*sp1 = '\0';
	snprintf(c->req.method, sizeof(c->req.method), "%s", line);
	if ((sp2 = strchr(sp1 + 1, ' ')) == NULL)
		return -1;
	*sp2 = '\0';
	if ((c->req.target = strdup(sp1 + 1)) == NULL)
		return -1;
	if ((c->req.path = strdup(sp1 + 1)) == NULL)
		return -1;
	if ((q = strchr(c->req.path, '?')) != NULL)
		*q = '\0';
	return strncmp(sp2 + 1, "HTTP/1.0", 8) == 0 ? 1 : 0;
}

static int
add_header(struct conn *c, char *line)
{
	char *colon = strchr(line, ':'), *v;
	struct testhttpd_request *r = &c->req;

	if (colon == NULL)
		return -1;
	*colon = '\0';
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (r->nheaders == c->capheaders) {
		size_t ncap = c->capheaders ? c->capheaders * 2 : 16;
		char **nn = realloc(r->names, ncap * sizeof(char *));

		if (nn == NULL)
			return -1;
		r->names = nn;
		nn = realloc(r->values, ncap * sizeof(char *));
		if (nn == NULL)
			return -1;
		r->values = nn;
		c->capheaders = ncap;
	}
	r->names[r->nheaders] = strdup(line);
	r->values[r->nheaders] = strdup(v);
	if (r->names[r->nheaders] == NULL || r->values[r->nheaders] == NULL) {
		free(r->names[r->nheaders]);
		free(r->values[r->nheaders]);
		return -1;
	}
	r->nheaders++;
	return 0;
}

/* Parse whatever input is buffered; answers requests as they complete. */
static void
conn_process(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	char *line;
	size_t n;

	while (c->state == C_HEAD || c->state == C_BODY) {
		if (c->state == C_BODY) {
			size_t have = evbuffer_get_length(in);

			if (have < c->want_body)
				return;
			c->req.body = malloc(c->want_body + 1);
			if (c->req.body == NULL) {
				conn_free(c);
				return;
			}
			evbuffer_remove(in, c->req.body, c->want_body);
			c->req.body[c->want_body] = '\0';
			c->req.body_len = c->want_body;
			conn_dispatch(c);
			return;
		}
		line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);
		if (line == NULL) {
			if (evbuffer_get_length(in) + c->head_bytes > MAX_HEAD)
				conn_free(c);
			return;
		}
		c->head_bytes += n + 2;
		if (c->req.target == NULL) {
			if (n == 0) { /* stray CRLF between requests */
				free(line);
				continue;
			}
			c->http10 = parse_request_line(c, line);
			free(line);
			if (c->http10 < 0) {
				conn_free(c);
				return;
			}
			continue;
		}
		if (n > 0) {
			int rc = add_header(c, line);

			free(line);
			if (rc == -1 || c->head_bytes > MAX_HEAD) {
				conn_free(c);
				return;
			}
			continue;
		}
		free(line);
		{
			const char *cl =
			    testhttpd_request_header(&c->req, "Content-Length");
			unsigned long long v = cl ? strtoull(cl, NULL, 10) : 0;

			if (v > MAX_REQ_BODY) {
				conn_free(c);
				return;
			}
			c->want_body = (size_t)v;
			c->state = C_BODY;
		}
	}
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	conn_process(arg);
}

/* Start over on a kept-alive connection. */
static void
conn_next_request(struct conn *c)
{
	request_clear(&c->req);
	c->capheaders = 0;
	c->head_bytes = 0;
	c->want_body = 0;
	c->route = NULL;
	c->http10 = 0;
	c->state = C_HEAD;
	conn_process(c);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	switch (c->state) {
	case C_SEND:
		conn_next_request(c);
		break;
	case C_CLOSE:
		conn_free(c);
		break;
	case C_ENDLESS:
		endless_more(c);
		break;
	default:
		break;
	}
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(c);
}

static void
accept_cb(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct testhttpd *srv = arg;
	struct conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->state = C_HEAD;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		close(fd);
		free(c);
		return;
	}
	LIST_INSERT_HEAD(&srv->conns, c, entry);
	pthread_mutex_lock(&srv->mu);
	if (++srv->nconns > srv->peak)
		srv->peak = srv->nconns;
	pthread_mutex_unlock(&srv->mu);
	bufferevent_setcb(
	    c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct testhttpd *srv = arg;

	event_base_loopbreak(srv->base);
}

static void *
server_main(void *arg)
{
	struct testhttpd *srv = arg;
	sigset_t set;

	/*
	 * Writing to a client that hung up must give EPIPE here, not kill the
	 * test program: SIGPIPE goes to the writing thread, where it is
	 * blocked.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	event_base_dispatch(srv->base);
	return NULL;
}

struct testhttpd *
testhttpd_start_port(int port)
{
	return testhttpd_start_addr("127.0.0.1", port);
}

struct testhttpd *
testhttpd_start_addr(const char *ipv4, int port)
{
	struct testhttpd *srv;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	srv->stop_pipe[0] = srv->stop_pipe[1] = -1;
	srv->recording = 1;
	LIST_INIT(&srv->conns);
	SLIST_INIT(&srv->routes);
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->cond, NULL);
	if ((srv->base = event_base_new()) == NULL)
		goto fail;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, ipv4, &sin.sin_addr) != 1)
		goto fail;
	sin.sin_port = htons((uint16_t)port);
	srv->lis = evconnlistener_new_bind(srv->base, accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, (struct sockaddr *)&sin, sizeof(sin));
	if (srv->lis == NULL)
		goto fail;
	if (getsockname(evconnlistener_get_fd(srv->lis),
		(struct sockaddr *)&sin, &len) == -1)
		goto fail;
	srv->port = ntohs(sin.sin_port);
	snprintf(srv->base_url, sizeof(srv->base_url), "http://%s:%d", ipv4,
	    srv->port);
	if (pipe2(srv->stop_pipe, O_CLOEXEC) == -1)
		goto fail;
	if ((srv->stop_ev = event_new(srv->base, srv->stop_pipe[0], EV_READ,
		 stop_cb, srv)) == NULL ||
	    event_add(srv->stop_ev, NULL) == -1)
		goto fail;
	if (pthread_create(&srv->thread, NULL, server_main, srv) != 0)
		goto fail;
	return srv;
fail:
	if (srv->stop_ev != NULL)
		event_free(srv->stop_ev);
	if (srv->stop_pipe[0] != -1) {
		close(srv->stop_pipe[0]);
		close(srv->stop_pipe[1]);
	}
	if (srv->lis != NULL)
		evconnlistener_free(srv->lis);
	if (srv->base != NULL)
		event_base_free(srv->base);
	pthread_mutex_destroy(&srv->mu);
	pthread_cond_destroy(&srv->cond);
	free(srv);
	return NULL;
}

struct testhttpd *
testhttpd_start(void)
{
	return testhttpd_start_port(0);
}

void
testhttpd_stop(struct testhttpd *srv)
{
	struct route *r;
	struct conn *c;
	ssize_t w;

	if (srv == NULL)
		return;
	do
		w = write(srv->stop_pipe[1], "x", 1);
	while (w == -1 && errno == EINTR);
	pthread_join(srv->thread, NULL);
	while ((c = LIST_FIRST(&srv->conns)) != NULL)
		conn_free(c);
	event_free(srv->stop_ev);
	close(srv->stop_pipe[0]);
	close(srv->stop_pipe[1]);
	evconnlistener_free(srv->lis);
	event_base_free(srv->base);
	while ((r = SLIST_FIRST(&srv->routes)) != NULL) {
		SLIST_REMOVE_HEAD(&srv->routes, entry);
		route_free(r);
	}
	testhttpd_clear(srv);
	free(srv->recs);
	free(srv->docroot);
	pthread_mutex_destroy(&srv->mu);
	pthread_cond_destroy(&srv->cond);
	free(srv);
}
