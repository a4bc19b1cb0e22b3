/* HTTP client for the whole daemon: one curl multi handle on the libevent loop,
 * with limits and an address policy. */
#ifndef SW_HTTP_H
#define SW_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct event_base;
struct http_ctx;
struct http_req;

/* Longest Retry-After or max-age reported, in seconds (7 days). */
#define HTTP_DELAY_MAX_S (7L * 24 * 3600)

/*
 * Limits applied to every transfer.  Zero in a timeout or cap field means
 * "use the default" so callers may fill only what they care about.
 * Requests beyond max_active, or beyond max_host_connections running for
 * their scheme://host:port, wait in per-host lines served in turn; waiting
 * costs only the request's copies of its options.
 */
struct http_limits {
	long connect_timeout_ms;   /* TCP + TLS handshake (10 s) */
	long total_timeout_ms;	   /* whole transfer (60 s) */
	long low_speed_limit;	   /* bytes/s below which ... (100) */
	long low_speed_time_s;	   /* ... for this long aborts (30) */
	long max_redirects;	   /* hops followed (5) */
	size_t max_body;	   /* decoded body bytes (10 MiB) */
	long max_connections;	   /* open connections, all hosts (64) */
	long max_host_connections; /* open connections per host (2) */
	long max_active; /* transfers running at once (= max_connections) */
	int allow_private_addresses; /* turn the address policy off */
	const char *user_agent;	     /* copied; NULL = default */
};

/* Fill lim with the defaults shown above; user_agent is the default one. */
void http_limits_default(struct http_limits *lim);

/* The default User-Agent: "storywatch/VERSION (+URL)". Static storage. */
const char *http_default_user_agent(void);

enum http_method {
	HTTP_GET,
	HTTP_POST,
};

/* Name of a method ("GET"); never NULL. */
const char *http_method_name(enum http_method m);

/*
 * One request.  Everything is copied by http_request(); the caller may free
 * the strings right after the call.
 */
struct http_request_opts {
	const char *url;
	enum http_method method; /* HTTP_GET unless set */
	const void *body;	 /* POST body, body_len bytes */
	size_t body_len;
	const char *content_type;   /* POST Content-Type, or NULL */
	const char *const *headers; /* n_headers "Name: value" lines */
	size_t n_headers;
	const char *etag;	   /* sent as If-None-Match, or NULL */
	const char *last_modified; /* sent as If-Modified-Since, or NULL */
	long timeout_ms;	   /* total timeout; 0 = the context's */
	size_t max_body;	   /* decoded body cap; 0 = the context's */
	int follow_redirects;	   /* else a 3xx ends in HTTP_R_HTTP_ERROR */
	int untrusted;	/* URL came from content: apply the address policy */
	int allow_file; /* admin file:// URL; not on redirects, not untrusted */
};

enum http_result_kind {
	HTTP_R_OK,	     /* 2xx (or a file:// read) */
	HTTP_R_NOT_MODIFIED, /* 304 to a conditional GET */
	HTTP_R_HTTP_ERROR,   /* any other status, also too many redirects */
	HTTP_R_TIMEOUT,	     /* connect, total or low-speed timeout */
	HTTP_R_TOO_LARGE,    /* body (decoded or by Content-Length) over cap */
	HTTP_R_NETWORK,	     /* DNS, connect, TLS, protocol, reset ... */
	HTTP_R_REFUSED,	     /* by policy: address, scheme, malformed URL */
};

/* Name of a kind ("ok", "not-modified", ...); never NULL. */
const char *http_result_kind_name(enum http_result_kind k);

/*
 * What a transfer produced.  Valid only during the done callback; strings
 * are NULL when absent.  The final response's headers are reported.
 */
struct http_result {
	enum http_result_kind kind;
	long status;	   /* last HTTP status, 0 when none */
	int curl_code;	   /* CURLcode, 0 on success */
	const char *error; /* human text when kind is not OK/NOT_MODIFIED */
	const char *effective_url; /* URL of the last request */
	const char *etag;
	const char *last_modified;
	const char *content_type;
	const char *location;	/* absolute target of an unfollowed 3xx */
	long retry_after_s;	/* -1 when absent, else 0..HTTP_DELAY_MAX_S */
	long max_age_s;		/* Cache-Control max-age, -1 when absent */
	int permanent_redirect; /* followed a leading run of 301/308 ... */
	const char *permanent_url; /* ... ending here (set when the flag is) */
	char *body; /* decoded body, NUL-terminated; never NULL */
	size_t body_len;
	uint64_t total_ms; /* time curl spent, excluding the wait in queue */
};

/*
 * Take the body out of a result: the caller frees it.  Returns NULL if it was
 * already taken.  Only inside the done callback.
 */
char *http_result_steal_body(struct http_result *res, size_t *len_out);

/*
 * Completion: called exactly once per request from the event loop, never
 * from inside http_request(), unless http_cancel() came first.  req is freed
 * by the module when the callback returns and must not be used after.
 */
typedef void (*http_done_cb)(
    struct http_req *req, struct http_result *res, void *arg);

/* A client on base with the given limits (NULL = defaults). NULL on failure. */
struct http_ctx *http_new(
    struct event_base *base, const struct http_limits *lim);

/*
 * Cancel everything in flight or queued (no callback fires) and free ctx.
 * NULL is harmless.  Safe from inside a done callback.
 */
void http_free(struct http_ctx *ctx);

/* Replace the limits (reload); transfers already started keep theirs. 0/-1. */
int http_set_limits(struct http_ctx *ctx, const struct http_limits *lim);

/*
 * Start (or queue) a request.  cb(req, res, arg) runs once when it ends.
 * NULL on immediate failure (no URL, out of memory); every other failure,
 * including a malformed URL, is reported through cb.
 */
struct http_req *http_request(struct http_ctx *ctx,
    const struct http_request_opts *opts, http_done_cb cb, void *arg);

/*
 * Abort a request whose callback has not run yet; its callback never runs and
 * req is freed.  NULL is harmless.
 */
void http_cancel(struct http_req *req);

/* The URL a request was made for (its copy); for logs. */
const char *http_req_url(const struct http_req *req);

struct http_stats {
	unsigned long in_flight; /* handed to curl */
	unsigned long queued;	 /* waiting in the per-host lines */
	uint64_t completed;	 /* callbacks run */
	uint64_t failed;	 /* of which kind was not OK/NOT_MODIFIED */
	uint64_t bytes;		 /* decoded body bytes received */
};

/* Copy the counters into out. */
void http_get_stats(const struct http_ctx *ctx, struct http_stats *out);

/*
 * The address policy: 1 when sa is loopback, private, CGNAT, link-local,
 * unique-local, multicast, unspecified, broadcast or reserved (also inside
 * IPv4-mapped/compatible, 6to4 and NAT64 IPv6 forms), or not IPv4/IPv6;
 * 0 for a public address.
 */
int http_addr_is_forbidden(const struct sockaddr *sa);

/* Why sa is forbidden ("loopback", ...), or NULL when it is allowed. */
const char *http_addr_forbidden_reason(const struct sockaddr *sa);

#endif
