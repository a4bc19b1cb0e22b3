/* The curl multi handle on the libevent loop: queueing, limits, policy checks
 * and completion. */
#include <sys/queue.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "hostq.h"
#include "http.h"
#include "log.h"
#include "sw_config.h"
#include "util.h"

#if LIBCURL_VERSION_NUM < 0x075500
/* curl_easy_header 7.84, CURLOPT_PROTOCOLS_STR 7.85 */
#error "http/ needs libcurl >= 7.85"
#endif

#define DEF_CONNECT_TIMEOUT_MS 10000L
#define DEF_TOTAL_TIMEOUT_MS 60000L
#define DEF_LOW_SPEED_LIMIT 100L
#define DEF_LOW_SPEED_TIME_S 30L
#define DEF_MAX_REDIRECTS 5L
#define DEF_MAX_BODY ((size_t)10 * 1024 * 1024)
#define DEF_MAX_CONNECTIONS 64L
#define DEF_MAX_HOST_CONNECTIONS 2L

enum req_state {
	REQ_QUEUED,   /* in its host's line in ctx->hq, no easy handle yet */
	REQ_ACTIVE,   /* in ctx->active, easy handle in the multi */
	REQ_DEFERRED, /* in ctx->deferred, failed before curl, to report */
	REQ_CALLBACK, /* its callback is running */
};

/*
 * A request keeps only copies of its options while queued; the easy handle
 * and error buffer exist only while it is active, so thousands of queued
 * requests stay cheap.
 */
struct http_req {
	struct http_ctx *ctx;
	TAILQ_ENTRY(http_req) entry; /* ctx->active or ctx->deferred */
	struct hostq_item hq;	     /* waiting, or counted as running */
	enum req_state state;
	http_done_cb cb;
	void *arg;

	char *url;
	enum http_method method;
	char *post;
	size_t post_len;
	struct curl_slist *hdrs;
	long timeout_ms;
	size_t max_body;
	unsigned follow : 1;
	unsigned check_addr : 1;
	/*
	 * A trusted URL may point anywhere the admin likes, but when it was
	 * public, a redirect into private space is refused (SSRF): set once
	 * the first hop connected to a public address.
	 */
	unsigned first_hop_public : 1;
	unsigned allow_file : 1;
	unsigned too_large : 1;
	unsigned no_memory : 1;
	unsigned perm_chain : 1; /* every response so far was 301/308 */

	CURL *easy;
	char *errbuf;  /* CURL_ERROR_SIZE while active */
	char *refused; /* why the address policy refused, or NULL */
	char *perm_url;
	long nresp;
	struct buf body;

	enum http_result_kind fail_kind; /* REQ_DEFERRED only */
	const char *fail_msg;
};

TAILQ_HEAD(req_list, http_req);

struct sock_info {
	struct http_ctx *ctx;
	struct event *ev;
	curl_socket_t fd;
	LIST_ENTRY(sock_info) entry;
};

struct http_ctx {
	struct event_base *base;
	CURLM *multi;
	struct event *timer_ev;
	struct event *defer_ev;
	struct http_limits lim;
	char *user_agent;
	struct hostq hq;
	struct req_list active;
	struct req_list deferred;
	LIST_HEAD(, sock_info) socks;
	struct http_stats st;
	int depth; /* user callbacks on the stack */
	int dead;  /* http_free ran while depth > 0 */
};

static const char *const kind_names[] = {
	[HTTP_R_OK] = "ok",
	[HTTP_R_NOT_MODIFIED] = "not-modified",
	[HTTP_R_HTTP_ERROR] = "http-error",
	[HTTP_R_TIMEOUT] = "timeout",
	[HTTP_R_TOO_LARGE] = "too-large",
	[HTTP_R_NETWORK] = "network",
	[HTTP_R_REFUSED] = "refused",
};

const char *
http_result_kind_name(enum http_result_kind k)
{
	if ((size_t)k < SW_ARRAY_SIZE(kind_names) && kind_names[k] != NULL)
		return kind_names[k];
	return "unknown";
}

const char *
http_method_name(enum http_method m)
{
	return m == HTTP_POST ? "POST" : "GET";
}

const char *
http_default_user_agent(void)
{
	return "storywatch/" SW_VERSION " (+" SW_URL ")";
}

void
http_limits_default(struct http_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->connect_timeout_ms = DEF_CONNECT_TIMEOUT_MS;
	lim->total_timeout_ms = DEF_TOTAL_TIMEOUT_MS;
	lim->low_speed_limit = DEF_LOW_SPEED_LIMIT;
	lim->low_speed_time_s = DEF_LOW_SPEED_TIME_S;
	lim->max_redirects = DEF_MAX_REDIRECTS;
	lim->max_body = DEF_MAX_BODY;
	lim->max_connections = DEF_MAX_CONNECTIONS;
	lim->max_host_connections = DEF_MAX_HOST_CONNECTIONS;
	lim->max_active = 0; /* = max_connections */
	lim->allow_private_addresses = 0;
	lim->user_agent = http_default_user_agent();
}

static long
pick(long v, long def)
{
	return v > 0 ? v : def;
}

static int
ctx_apply_limits(struct http_ctx *ctx, const struct http_limits *in)
{
	struct http_limits def, l;
	char *ua;

	http_limits_default(&def);
	if (in == NULL)
		in = &def;
	l = *in;
	l.connect_timeout_ms =
	    pick(in->connect_timeout_ms, def.connect_timeout_ms);
	l.total_timeout_ms = pick(in->total_timeout_ms, def.total_timeout_ms);
	l.low_speed_limit = pick(in->low_speed_limit, def.low_speed_limit);
	l.low_speed_time_s = pick(in->low_speed_time_s, def.low_speed_time_s);
	l.max_redirects = pick(in->max_redirects, def.max_redirects);
	l.max_body = in->max_body > 0 ? in->max_body : def.max_body;
	l.max_connections = pick(in->max_connections, def.max_connections);
	l.max_host_connections =
	    pick(in->max_host_connections, def.max_host_connections);
	l.max_active = pick(in->max_active, l.max_connections);
	if ((ua = strdup(in->user_agent != NULL ? in->user_agent
						: def.user_agent)) == NULL)
		return -1;
	free(ctx->user_agent);
	ctx->user_agent = ua;
	l.user_agent = ua;
	ctx->lim = l;
	curl_multi_setopt(
	    ctx->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, l.max_connections);
	curl_multi_setopt(
	    ctx->multi, CURLMOPT_MAX_HOST_CONNECTIONS, l.max_host_connections);
	hostq_set_per_host(&ctx->hq, (unsigned long)l.max_host_connections);
	return 0;
}

/* The body reported when not even one byte could be allocated. */
static char empty_body[1];

static void ctx_pump(struct http_ctx *ctx);
static void ctx_destroy(struct http_ctx *ctx);

static void
req_free(struct http_req *r)
{
	free(r->url);
	free(r->post);
	curl_slist_free_all(r->hdrs);
	free(r->errbuf);
	free(r->refused);
	free(r->perm_url);
	buf_free(&r->body);
	free(r);
}

/* Take r out of whatever list holds it and release its easy handle. */
static void
req_detach(struct http_req *r)
{
	struct http_ctx *ctx = r->ctx;

	switch (r->state) {
	case REQ_QUEUED:
		hostq_remove(&ctx->hq, &r->hq);
		ctx->st.queued--;
		break;
	case REQ_ACTIVE:
		curl_multi_remove_handle(ctx->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
		TAILQ_REMOVE(&ctx->active, r, entry);
		hostq_remove(&ctx->hq, &r->hq);
		ctx->st.in_flight--;
		break;
	case REQ_DEFERRED:
		TAILQ_REMOVE(&ctx->deferred, r, entry);
		break;
	case REQ_CALLBACK:
		break;
	}
	r->state = REQ_CALLBACK;
}

static void
ctx_enter(struct http_ctx *ctx)
{
	ctx->depth++;
}

/* Leave a loop callback; the last one out frees a ctx that http_free hit. */
static void
ctx_leave(struct http_ctx *ctx)
{
	if (--ctx->depth == 0 && ctx->dead)
		ctx_destroy(ctx);
}

static void
format_addr(const struct sockaddr *sa, char *out, size_t len)
{
	const void *a = NULL;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (a == NULL || inet_ntop(sa->sa_family, a, out, len) == NULL)
		snprintf(out, len, "(family %d)", sa->sa_family);
}

static void
req_refuse(struct http_req *r, const struct sockaddr *sa, const char *why)
{
	char addr[INET6_ADDRSTRLEN + 16];
	char msg[160];

	format_addr(sa, addr, sizeof(addr));
	snprintf(msg, sizeof(msg),
	    "refused by address policy: %s is a %s address", addr, why);
	log_debug("http: %s: %s", r->url, msg);
	if (r->refused == NULL)
		r->refused = strdup(msg);
}

/*
 * Whether a forbidden address (why != NULL) must be refused for r: always
 * for untrusted requests; for trusted ones only after a redirect away from
 * a public first hop.  Records the first hop of trusted requests.
 */
static int
hop_checked(struct http_req *r, const char *why)
{
	long redirects = 0;

	if (r->check_addr)
		return 1;
	curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	if (redirects == 0) {
		r->first_hop_public = why == NULL;
		return 0;
	}
	return r->first_hop_public;
}

/* Runs for each new connection: the policy sees the address curl picked. */
static curl_socket_t
opensocket_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *ca)
{
	struct http_req *r = clientp;
	const char *why;

	if ((why = http_addr_forbidden_reason(&ca->addr)) != NULL &&
	    hop_checked(r, why)) {
		req_refuse(r, &ca->addr, why);
		return CURL_SOCKET_BAD;
	}
	return socket(ca->family, ca->socktype | SOCK_CLOEXEC, ca->protocol);
}

/* Runs before each request is sent, also on a reused connection. */
static int
prereq_cb(void *clientp, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct http_req *r = clientp;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	char ip[INET6_ADDRSTRLEN + 1];
	const char *why;
	char *pct;

	memset(&ss, 0, sizeof(ss));
	snprintf(ip, sizeof(ip), "%s", primary_ip != NULL ? primary_ip : "");
	if ((pct = strchr(ip, '%')) != NULL)
		*pct = '\0';
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	else
		ss.ss_family = AF_UNSPEC;
	why = http_addr_forbidden_reason((struct sockaddr *)&ss);
	if (hop_checked(r, why) && why != NULL) {
		req_refuse(r, (struct sockaddr *)&ss, why);
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

static size_t
write_cb(char *p, size_t size, size_t n, void *ud)
{
	struct http_req *r = ud;
	size_t len = size * n;

	if (buf_append(&r->body, p, len) == -1) {
		if (len > r->body.max - r->body.len)
			r->too_large = 1;
		else
			r->no_memory = 1;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	r->ctx->st.bytes += len;
	return len;
}

/* Status lines only: they mark each response of a redirect chain. */
static size_t
header_cb(char *p, size_t size, size_t n, void *ud)
{
	struct http_req *r = ud;
	size_t len = size * n;
	const char *sp;
	long status;
	char *url = NULL;

	if (len < 12 || strncmp(p, "HTTP/", 5) != 0)
		return len;
	if ((sp = memchr(p, ' ', len)) == NULL || p + len - sp < 4 ||
	    !isdigit((unsigned char)sp[1]) || !isdigit((unsigned char)sp[2]) ||
	    !isdigit((unsigned char)sp[3]))
		return len;
	status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	if (status < 200)
		return len;
	r->nresp++;
	if (r->nresp > 1 && r->perm_chain &&
	    curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url) ==
		CURLE_OK &&
	    url != NULL) {
		char *dup = strdup(url);

		if (dup != NULL) {
			free(r->perm_url);
			r->perm_url = dup;
		}
	}
	if (status != 301 && status != 308)
		r->perm_chain = 0;
	return len;
}

#define SETOPT(opt, val)                                       \
	do {                                                   \
		if (curl_easy_setopt(e, opt, val) != CURLE_OK) \
			goto fail;                             \
	} while (0)

/* Give r an easy handle and hand it to the multi. 0/-1. */
static int
req_start(struct http_req *r)
{
	struct http_ctx *ctx = r->ctx;
	const struct http_limits *l = &ctx->lim;
	CURL *e;

	if ((e = curl_easy_init()) == NULL)
		return -1;
	if (r->errbuf == NULL &&
	    (r->errbuf = calloc(1, CURL_ERROR_SIZE)) == NULL)
		goto fail;
	r->easy = e;
	buf_init(&r->body, r->max_body > 0 ? r->max_body : l->max_body);
	SETOPT(CURLOPT_URL, r->url);
	SETOPT(CURLOPT_PRIVATE, r);
	SETOPT(CURLOPT_ERRORBUFFER, r->errbuf);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_PROXY, "");
	SETOPT(CURLOPT_PROTOCOLS_STR,
	    r->allow_file ? "http,https,file" : "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_FOLLOWLOCATION, r->follow ? 1L : 0L);
	SETOPT(CURLOPT_MAXREDIRS, l->max_redirects);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, l->connect_timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS,
	    r->timeout_ms > 0 ? r->timeout_ms : l->total_timeout_ms);
	SETOPT(CURLOPT_LOW_SPEED_LIMIT, l->low_speed_limit);
	SETOPT(CURLOPT_LOW_SPEED_TIME, l->low_speed_time_s);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->body.max);
	SETOPT(CURLOPT_ACCEPT_ENCODING, "");
	SETOPT(CURLOPT_USERAGENT, ctx->user_agent);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(CURLOPT_WRITEFUNCTION, write_cb);
	SETOPT(CURLOPT_WRITEDATA, r);
	SETOPT(CURLOPT_HEADERFUNCTION, header_cb);
	SETOPT(CURLOPT_HEADERDATA, r);
	if (r->hdrs != NULL)
		SETOPT(CURLOPT_HTTPHEADER, r->hdrs);
	if (r->method == HTTP_POST) {
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->post_len);
		SETOPT(CURLOPT_POSTFIELDS, r->post != NULL ? r->post : "");
	}
	/* Trusted requests too: their redirects are checked (hop_checked). */
	if (!l->allow_private_addresses) {
		SETOPT(CURLOPT_OPENSOCKETFUNCTION, opensocket_cb);
		SETOPT(CURLOPT_OPENSOCKETDATA, r);
		SETOPT(CURLOPT_PREREQFUNCTION, prereq_cb);
		SETOPT(CURLOPT_PREREQDATA, r);
	}
	if (curl_multi_add_handle(ctx->multi, e) != CURLM_OK)
		goto fail;
	r->state = REQ_ACTIVE;
	TAILQ_INSERT_TAIL(&ctx->active, r, entry);
	ctx->st.in_flight++;
	log_debug("http: start %s %s", http_method_name(r->method), r->url);
	return 0;
fail:
	curl_easy_cleanup(e);
	r->easy = NULL;
	return -1;
}

#undef SETOPT

/* Fail r from the loop, later: callbacks never run inside the caller. */
static void
req_defer_fail(struct http_req *r, enum http_result_kind kind, const char *msg)
{
	struct http_ctx *ctx = r->ctx;

	r->state = REQ_DEFERRED;
	r->fail_kind = kind;
	r->fail_msg = msg;
	TAILQ_INSERT_TAIL(&ctx->deferred, r, entry);
	event_active(ctx->defer_ev, 0, 0);
}

static struct http_req *
req_of_item(struct hostq_item *it)
{
	return (struct http_req *)(void *)((char *)it -
	    offsetof(struct http_req, hq));
}

/*
 * Start waiting requests while there is room under max_active, one host at a
 * time in turn, never past the per-host cap: curl would only park the excess,
 * and parked handles cost memory and time.
 */
static void
ctx_pump(struct http_ctx *ctx)
{
	struct hostq_item *it;

	while (!ctx->dead &&
	    ctx->st.in_flight < (unsigned long)ctx->lim.max_active &&
	    (it = hostq_pop(&ctx->hq)) != NULL) {
		struct http_req *r = req_of_item(it);

		ctx->st.queued--;
		if (req_start(r) == -1) {
			hostq_remove(&ctx->hq, &r->hq);
			req_defer_fail(r, HTTP_R_NETWORK,
			    "cannot set up transfer (out of memory)");
		}
	}
}

/* Run r's callback with res, then free r. */
static void
req_deliver(struct http_req *r, struct http_result *res)
{
	struct http_ctx *ctx = r->ctx;

	r->state = REQ_CALLBACK;
	ctx->st.completed++;
	if (res->kind != HTTP_R_OK && res->kind != HTTP_R_NOT_MODIFIED)
		ctx->st.failed++;
	/* Callers may treat the body as a C string without checks. */
	res->body =
	    r->body.data != NULL ? buf_steal(&r->body, NULL) : calloc(1, 1);
	if (res->body == NULL) {
		res->body = empty_body;
		res->body_len = 0;
	}
	r->cb(r, res, r->arg);
	if (res->body != empty_body)
		free(res->body);
	req_free(r);
}

char *
http_result_steal_body(struct http_result *res, size_t *len_out)
{
	char *b = res->body;

	if (len_out != NULL)
		*len_out = res->body_len;
	res->body = NULL;
	/* The out-of-memory placeholder is static: hand out a fresh one. */
	if (b == empty_body)
		return calloc(1, 1);
	return b;
}

static char *
dup_header(CURL *e, const char *name)
{
	struct curl_header *h;

	if (curl_easy_header(e, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK ||
	    h->value == NULL)
		return NULL;
	return strdup(h->value);
}

static long
bound_delay(long long v)
{
	if (v < 0)
		return 0;
	return v > HTTP_DELAY_MAX_S ? HTTP_DELAY_MAX_S : (long)v;
}

/* delta-seconds or an HTTP-date, as seconds from now; -1 if unparsable. */
static long
parse_retry_after(const char *s)
{
	const char *p = s;
	long long v = 0;
	time_t t;

	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		while (isdigit((unsigned char)*p)) {
			if (v < 100000000000LL)
				v = v * 10 + (*p - '0');
			p++;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		return *p == '\0' ? bound_delay(v) : -1;
	}
	if ((t = curl_getdate(p, NULL)) == -1)
		return -1;
	return bound_delay((long long)t - (long long)time(NULL));
}

/* max-age=N among the comma-separated directives; -1 when absent. */
static long
parse_max_age(const char *s)
{
	const char *p = s;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, "max-age", 7) == 0) {
			const char *q = p + 7;
			long long v = 0;

			while (*q == ' ')
				q++;
			if (*q == '=') {
				q++;
				while (*q == ' ' || *q == '"')
					q++;
				if (isdigit((unsigned char)*q)) {
					while (isdigit((unsigned char)*q)) {
						if (v < 100000000000LL)
							v = v * 10 + (*q - '0');
						q++;
					}
					return bound_delay(v);
				}
			}
		}
		while (*p != '\0' && *p != ',')
			p++;
	}
	return -1;
}

/* What curl's outcome means for the caller. */
static enum http_result_kind
classify(const struct http_req *r, CURLcode code, long status)
{
	if (code == CURLE_OK) {
		if (status == 304)
			return HTTP_R_NOT_MODIFIED;
		if (status == 0 || (status >= 200 && status < 300))
			return HTTP_R_OK;
		return HTTP_R_HTTP_ERROR;
	}
	if (r->refused != NULL)
		return HTTP_R_REFUSED;
	if (r->too_large)
		return HTTP_R_TOO_LARGE;
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		return HTTP_R_TIMEOUT;
	case CURLE_FILESIZE_EXCEEDED:
		return HTTP_R_TOO_LARGE;
	case CURLE_TOO_MANY_REDIRECTS:
		return HTTP_R_HTTP_ERROR;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return HTTP_R_REFUSED;
	default:
		return HTTP_R_NETWORK;
	}
}

struct res_strings {
	char *effective_url, *etag, *last_modified, *content_type, *location;
	char *error;
};

/* A transfer ended: copy the result out, release curl's side, call back. */
static void
req_finish(struct http_req *r, CURLcode code)
{
	struct http_result res;
	struct res_strings s;
	CURL *e = r->easy;
	char *str = NULL, *v;
	curl_off_t us = 0;
	char msg[CURL_ERROR_SIZE + 64];

	memset(&res, 0, sizeof(res));
	memset(&s, 0, sizeof(s));
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &res.status);
	res.curl_code = code;
	res.kind = classify(r, code, res.status);
	if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &str) == CURLE_OK &&
	    str != NULL)
		s.effective_url = strdup(str);
	str = NULL;
	if (curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &str) == CURLE_OK &&
	    str != NULL)
		s.location = strdup(str);
	s.etag = dup_header(e, "ETag");
	s.last_modified = dup_header(e, "Last-Modified");
	s.content_type = dup_header(e, "Content-Type");
	res.retry_after_s = -1;
	if ((v = dup_header(e, "Retry-After")) != NULL) {
		res.retry_after_s = parse_retry_after(v);
		free(v);
	}
	res.max_age_s = -1;
	if ((v = dup_header(e, "Cache-Control")) != NULL) {
		res.max_age_s = parse_max_age(v);
		free(v);
	}
	if (curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &us) == CURLE_OK &&
	    us > 0)
		res.total_ms = (uint64_t)us / 1000;

	msg[0] = '\0';
	switch (res.kind) {
	case HTTP_R_OK:
	case HTTP_R_NOT_MODIFIED:
		break;
	case HTTP_R_HTTP_ERROR:
		if (code == CURLE_OK)
			snprintf(msg, sizeof(msg), "HTTP %ld", res.status);
		else
			snprintf(msg, sizeof(msg), "HTTP %ld: %s", res.status,
			    r->errbuf[0] ? r->errbuf
					 : curl_easy_strerror(code));
		break;
	case HTTP_R_TOO_LARGE:
		snprintf(msg, sizeof(msg), "body larger than %zu bytes",
		    r->body.max);
		break;
	default:
		if (r->refused != NULL && code != CURLE_OK)
			snprintf(msg, sizeof(msg), "%s", r->refused);
		else if (r->no_memory)
			snprintf(msg, sizeof(msg), "out of memory");
		else
			snprintf(msg, sizeof(msg), "%s",
			    r->errbuf[0] ? r->errbuf
					 : curl_easy_strerror(code));
		break;
	}
	if (msg[0] != '\0')
		s.error = strdup(msg);

	/* Curl's side goes first, as in curl's multi-event.c. */
	req_detach(r);

	res.effective_url = s.effective_url != NULL ? s.effective_url : r->url;
	res.etag = s.etag;
	res.last_modified = s.last_modified;
	res.content_type = s.content_type;
	res.location = s.location;
	res.error = s.error != NULL ? s.error : (msg[0] ? "error" : NULL);
	if (r->perm_url != NULL) {
		res.permanent_redirect = 1;
		res.permanent_url = r->perm_url;
	}
	res.body_len = r->body.len;
	log_debug("http: done %s: %s status %ld (%s)", r->url,
	    http_result_kind_name(res.kind), res.status,
	    res.error != NULL ? res.error : "-");
	req_deliver(r, &res);
	free(s.effective_url);
	free(s.etag);
	free(s.last_modified);
	free(s.content_type);
	free(s.location);
	free(s.error);
}

static void
ctx_check_done(struct http_ctx *ctx)
{
	CURLMsg *m;
	int left;

	while (!ctx->dead && (m = curl_multi_info_read(ctx->multi, &left))) {
		struct http_req *r = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
		if (r != NULL)
			req_finish(r, m->data.result);
	}
	ctx_pump(ctx);
}

static void
sock_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sock_info *si = arg;
	struct http_ctx *ctx = si->ctx; /* si may be gone after the action */
	int action = 0, running = 0;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	ctx_enter(ctx);
	curl_multi_socket_action(ctx->multi, fd, action, &running);
	ctx_check_done(ctx);
	ctx_leave(ctx);
}

static void
timer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_ctx *ctx = arg;
	int running = 0;

	ctx_enter(ctx);
	curl_multi_socket_action(ctx->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	ctx_check_done(ctx);
	ctx_leave(ctx);
}

static void
defer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_ctx *ctx = arg;
	struct http_req *r;

	ctx_enter(ctx);
	while (!ctx->dead && (r = TAILQ_FIRST(&ctx->deferred)) != NULL) {
		struct http_result res;

		req_detach(r);
		memset(&res, 0, sizeof(res));
		res.kind = r->fail_kind;
		res.error = r->fail_msg;
		res.effective_url = r->url;
		res.retry_after_s = -1;
		res.max_age_s = -1;
		req_deliver(r, &res);
	}
	ctx_pump(ctx);
	ctx_leave(ctx);
}

static void
sock_free(struct sock_info *si)
{
	LIST_REMOVE(si, entry);
	event_free(si->ev);
	free(si);
}

static int
multi_socket_cb(CURL *e, curl_socket_t s, int what, void *userp, void *sockp)
{
	struct http_ctx *ctx = userp;
	struct sock_info *si = sockp;
	short kind = EV_PERSIST;

	if (what == CURL_POLL_REMOVE) {
		/* curl forgets the socket's pointer itself. */
		if (si != NULL)
			sock_free(si);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (si == NULL) {
		if ((si = calloc(1, sizeof(*si))) == NULL)
			return -1;
		si->ctx = ctx;
		si->fd = s;
		if ((si->ev = event_new(
			 ctx->base, s, kind, sock_event_cb, si)) == NULL) {
			free(si);
			return -1;
		}
		LIST_INSERT_HEAD(&ctx->socks, si, entry);
		curl_multi_assign(ctx->multi, s, si);
	} else {
		event_del(si->ev);
		if (event_assign(
			si->ev, ctx->base, s, kind, sock_event_cb, si) == -1)
			return -1;
	}
	return event_add(si->ev, NULL) == 0 ? 0 : -1;
}

static int
multi_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_ctx *ctx = userp;
	struct timeval tv;

	if (timeout_ms < 0)
		return evtimer_del(ctx->timer_ev) == 0 ? 0 : -1;
	/* Even 0 goes through the loop: curl asks us not to recurse. */
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(ctx->timer_ev, &tv) == 0 ? 0 : -1;
}

struct http_ctx *
http_new(struct event_base *base, const struct http_limits *lim)
{
	struct http_ctx *ctx;

	if (base == NULL || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return NULL;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		goto fail_global;
	ctx->base = base;
	TAILQ_INIT(&ctx->active);
	TAILQ_INIT(&ctx->deferred);
	LIST_INIT(&ctx->socks);
	if (hostq_init(&ctx->hq, DEF_MAX_HOST_CONNECTIONS) == -1)
		goto fail;
	if ((ctx->multi = curl_multi_init()) == NULL)
		goto fail;
	if ((ctx->timer_ev = evtimer_new(base, timer_event_cb, ctx)) == NULL ||
	    (ctx->defer_ev = event_new(base, -1, 0, defer_event_cb, ctx)) ==
		NULL)
		goto fail;
	curl_multi_setopt(ctx->multi, CURLMOPT_SOCKETFUNCTION, multi_socket_cb);
	curl_multi_setopt(ctx->multi, CURLMOPT_SOCKETDATA, ctx);
	curl_multi_setopt(ctx->multi, CURLMOPT_TIMERFUNCTION, multi_timer_cb);
	curl_multi_setopt(ctx->multi, CURLMOPT_TIMERDATA, ctx);
	if (ctx_apply_limits(ctx, lim) == -1)
		goto fail;
	return ctx;
fail:
	if (ctx->defer_ev != NULL)
		event_free(ctx->defer_ev);
	if (ctx->timer_ev != NULL)
		event_free(ctx->timer_ev);
	if (ctx->multi != NULL)
		curl_multi_cleanup(ctx->multi);
	hostq_fini(&ctx->hq);
	free(ctx->user_agent);
	free(ctx);
fail_global:
	curl_global_cleanup();
	return NULL;
}

static void
ctx_cancel_all(struct http_ctx *ctx)
{
	struct http_req *r;

	struct hostq_item *it;

	/* Running ones first: then every host with a line is ready. */
	while ((r = TAILQ_FIRST(&ctx->active)) != NULL ||
	    (r = TAILQ_FIRST(&ctx->deferred)) != NULL) {
		req_detach(r);
		req_free(r);
	}
	while ((it = hostq_any_waiting(&ctx->hq)) != NULL) {
		r = req_of_item(it);
		req_detach(r);
		req_free(r);
	}
}

static void
ctx_destroy(struct http_ctx *ctx)
{
	struct sock_info *si;

	ctx_cancel_all(ctx);
	curl_multi_cleanup(ctx->multi);
	/* Sockets curl did not announce as removed. */
	while ((si = LIST_FIRST(&ctx->socks)) != NULL)
		sock_free(si);
	event_free(ctx->timer_ev);
	event_free(ctx->defer_ev);
	hostq_fini(&ctx->hq);
	free(ctx->user_agent);
	free(ctx);
	curl_global_cleanup();
}

void
http_free(struct http_ctx *ctx)
{
	if (ctx == NULL || ctx->dead)
		return;
	ctx->dead = 1;
	ctx_cancel_all(ctx);
	if (ctx->depth == 0)
		ctx_destroy(ctx);
}

int
http_set_limits(struct http_ctx *ctx, const struct http_limits *lim)
{
	if (ctx_apply_limits(ctx, lim) == -1)
		return -1;
	/* Larger caps may let waiting requests start; do it from the loop. */
	if (ctx->st.queued > 0)
		event_active(ctx->defer_ev, 0, 0);
	return 0;
}

static int
req_copy_opts(struct http_req *r, const struct http_request_opts *o)
{
	char line[1024];
	struct curl_slist *n;
	size_t i;

	if ((r->url = strdup(o->url)) == NULL)
		return -1;
	r->method = o->method == HTTP_POST ? HTTP_POST : HTTP_GET;
	if (r->method == HTTP_POST && o->body_len > 0) {
		if ((r->post = malloc(o->body_len)) == NULL)
			return -1;
		memcpy(r->post, o->body, o->body_len);
		r->post_len = o->body_len;
	}
	for (i = 0; i < o->n_headers + 3; i++) {
		const char *h = NULL;

		if (i < o->n_headers) {
			h = o->headers[i];
		} else if (i == o->n_headers && o->content_type != NULL &&
		    r->method == HTTP_POST) {
			snprintf(line, sizeof(line), "Content-Type: %s",
			    o->content_type);
			h = line;
		} else if (i == o->n_headers + 1 && o->etag != NULL &&
		    o->etag[0] != '\0') {
			snprintf(
			    line, sizeof(line), "If-None-Match: %s", o->etag);
			h = line;
		} else if (i == o->n_headers + 2 && o->last_modified != NULL &&
		    o->last_modified[0] != '\0') {
			snprintf(line, sizeof(line), "If-Modified-Since: %s",
			    o->last_modified);
			h = line;
		}
		/* Header injection through a stored validator is refused. */
		if (h == NULL || strpbrk(h, "\r\n") != NULL)
			continue;
		if ((n = curl_slist_append(r->hdrs, h)) == NULL)
			return -1;
		r->hdrs = n;
	}
	r->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 0;
	r->max_body = o->max_body;
	r->follow = o->follow_redirects ? 1 : 0;
	r->check_addr = o->untrusted ? 1 : 0;
	/* A URL taken from content never reads local files. */
	r->allow_file = o->allow_file && !o->untrusted ? 1 : 0;
	r->perm_chain = 1;
	return 0;
}

struct http_req *
http_request(struct http_ctx *ctx, const struct http_request_opts *opts,
    http_done_cb cb, void *arg)
{
	struct http_req *r;

	if (ctx == NULL || ctx->dead || opts == NULL || opts->url == NULL ||
	    cb == NULL)
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->ctx = ctx;
	r->cb = cb;
	r->arg = arg;
	r->state = REQ_CALLBACK; /* in no list yet */
	if (req_copy_opts(r, opts) == -1)
		goto fail;
	if (hostq_push(&ctx->hq, &r->hq, r->url) == -1)
		goto fail;
	r->state = REQ_QUEUED;
	ctx->st.queued++;
	ctx_pump(ctx);
	return r;
fail:
	req_free(r);
	return NULL;
}

void
http_cancel(struct http_req *r)
{
	struct http_ctx *ctx;

	/* From its own callback the request is already on its way out. */
	if (r == NULL || r->state == REQ_CALLBACK)
		return;
	ctx = r->ctx;
	log_debug("http: cancel %s", r->url);
	req_detach(r);
	req_free(r);
	if (ctx->st.queued > 0)
		event_active(ctx->defer_ev, 0, 0);
}

const char *
http_req_url(const struct http_req *r)
{
	return r->url;
}

void
http_get_stats(const struct http_ctx *ctx, struct http_stats *out)
{
	*out = ctx->st;
}
