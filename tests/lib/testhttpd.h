/* A fault-injecting HTTP/1.1 server on 127.0.0.1 for every test suite, running
 * in its own thread. */
#ifndef SW_TESTHTTPD_H
#define SW_TESTHTTPD_H

#include <stddef.h>

/*
 * Usage:
 *	struct testhttpd *srv = testhttpd_start();
 *	testhttpd_add_body(srv, "/feed", 200, "application/rss+xml", xml);
 *	char *url = testhttpd_url(srv, "/feed");
 *	... fetch url from the code under test, with its own loop ...
 *	ck_assert_uint_eq(testhttpd_hits(srv, "/feed"), 1);
 *	free(url);
 *	testhttpd_stop(srv);
 *
 * The server runs its own event_base in its own thread, so the test may block
 * or run another loop meanwhile.  Every function here is thread-safe.
 * Unmatched paths get 404 (or a file from the docroot when one is set).
 */

/* Byte-level misbehaviours a route can show. */
enum testhttpd_fault {
	TESTHTTPD_NONE,
	TESTHTTPD_HANG, /* read the request, never answer, keep the socket */
	TESTHTTPD_DRIP, /* headers at once, then one body byte per drip_ms */
	TESTHTTPD_DRIP_ALL,  /* the whole response, headers too, byte by byte */
	TESTHTTPD_CLOSE_MID, /* announce the body, send half of it, close */
	TESTHTTPD_RESET,     /* answer the request with a TCP reset */
	TESTHTTPD_ENDLESS,   /* 200 with a chunked body that never ends */
	TESTHTTPD_GZIP_BOMB, /* small gzip body that decodes to bomb_size bytes
			      */
};

/* Name of a fault as used in route files ("hang", "drip", ...). */
const char *testhttpd_fault_name(enum testhttpd_fault f);
/* Parse a fault name; 0 or -1. */
int testhttpd_fault_parse(const char *s, enum testhttpd_fault *out);

/*
 * How to answer one path.  Everything is copied by testhttpd_add(); zero
 * fields mean "not used".
 */
struct testhttpd_route {
	const char
	    *path; /* exact path without query; a final * matches any rest */
	const char *method; /* only this method ("POST"), NULL = any */
	int status;	    /* 0: 200, or 302 when location is set */
	const char *content_type;
	const char *body;	    /* the body ... */
	size_t body_len;	    /* ... of this length; 0 = strlen(body) */
	const char *body_file;	    /* or the contents of this file */
	const char *const *headers; /* extra "Name: value", NULL-terminated */
	const char *etag;	    /* sent; If-None-Match with it gives 304 */
	const char *last_modified; /* sent; equal If-Modified-Since gives 304 */
	const char *location;	   /* Location header (redirects) */
	int gzip;		   /* send the body gzip-encoded */
	int delay_ms;		   /* wait before answering */
	enum testhttpd_fault fault;
	int drip_ms;		  /* DRIP/DRIP_ALL interval, default 1000 */
	size_t bomb_size;	  /* GZIP_BOMB decoded size, default 64 MiB */
	long long content_length; /* > 0: announce this, send the body, close */
};

struct testhttpd;

/* One request as received. */
struct testhttpd_request {
	char method[16];
	char *target; /* as sent, with the query */
	char *path;   /* target without the query */
	size_t nheaders;
	char **names; /* header names and values, in order */
	char **values;
	char *body; /* NUL-terminated; never NULL */
	size_t body_len;
};

/* Listen on 127.0.0.1 with an ephemeral port and start serving. NULL on
 * failure. */
struct testhttpd *testhttpd_start(void);
/* Same on a given port (0 = ephemeral). */
struct testhttpd *testhttpd_start_port(int port);
/* Same on a given IPv4 address of this machine; the base URL names it. */
struct testhttpd *testhttpd_start_addr(const char *ipv4, int port);
/* Stop the thread, close every connection, free everything. NULL is harmless.
 */
void testhttpd_stop(struct testhttpd *srv);

/* The port listened on. */
int testhttpd_port(const struct testhttpd *srv);
/* "http://ADDRESS:PORT", owned by srv. */
const char *testhttpd_base_url(const struct testhttpd *srv);
/* base URL + path (path starts with '/'); caller frees. NULL on failure. */
char *testhttpd_url(const struct testhttpd *srv, const char *path);

/* Add a route (newest wins when several match). 0, or -1 (bad route, I/O,
 * memory). */
int testhttpd_add(struct testhttpd *srv, const struct testhttpd_route *route);
/* Shorthand: path answers status with this content type and body. 0/-1. */
int testhttpd_add_body(struct testhttpd *srv, const char *path, int status,
    const char *content_type, const char *body);
/* Shorthand: path redirects with status (301, 302, 307, 308) to location. 0/-1.
 */
int testhttpd_add_redirect(
    struct testhttpd *srv, const char *path, int status, const char *location);
/* Shorthand: path answers with a fault. 0/-1. */
int testhttpd_add_fault(
    struct testhttpd *srv, const char *path, enum testhttpd_fault fault);
/*
 * Serve files under dir (copied) for paths no route matches, with ETag and
 * Last-Modified from the file so conditional GET works.  0/-1.
 */
int testhttpd_set_docroot(struct testhttpd *srv, const char *dir);
/* Record requests (default on); off for long-running standalone use. */
void testhttpd_set_recording(struct testhttpd *srv, int on);

/* Requests seen for this exact path (no query) since start or clear. */
unsigned testhttpd_hits(struct testhttpd *srv, const char *path);
/* Requests recorded so far. */
size_t testhttpd_request_count(struct testhttpd *srv);
/*
 * Copy request idx (0 = first) into out; free it with
 * testhttpd_request_clear().  0, or -1 when there is no such request.
 */
int testhttpd_request_get(
    struct testhttpd *srv, size_t idx, struct testhttpd_request *out);
/* Free what testhttpd_request_get() put in r. */
void testhttpd_request_clear(struct testhttpd_request *r);
/* Value of header name (case-insensitive) in r, or NULL. */
const char *testhttpd_request_header(
    const struct testhttpd_request *r, const char *name);
/* Block until at least n requests are recorded: 0, or -1 after timeout_ms. */
int testhttpd_wait_requests(struct testhttpd *srv, size_t n, int timeout_ms);
/* Forget recorded requests and hits (routes stay). */
void testhttpd_clear(struct testhttpd *srv);
/* Connections currently open (to check that clients hang up). */
unsigned testhttpd_open_connections(struct testhttpd *srv);
/* Most connections open at once since start (to check connection caps). */
unsigned testhttpd_peak_connections(struct testhttpd *srv);

#endif
