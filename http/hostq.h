/* Internal to http/: requests wait per host so that one busy host never blocks
 * the others. */
#ifndef SW_HTTP_HOSTQ_H
#define SW_HTTP_HOSTQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct http_req;

/*
 * One waiting line per scheme://host:port.  A host is "ready" while it has
 * waiting requests and fewer than the per-host cap running; ready hosts are
 * served round-robin.  Every operation is O(1) on average.
 */
struct hostq_host {
	char *key;
	uint32_t hash;
	unsigned long active;
	TAILQ_HEAD(, hostq_item) waiting;
	TAILQ_ENTRY(hostq_host) ready_entry;
	int in_ready;
	struct hostq_host *hnext;
};

/* Embedded in each request. */
struct hostq_item {
	struct hostq_host *host; /* NULL when in no line and not running */
	TAILQ_ENTRY(hostq_item) entry;
	int waiting;
};

struct hostq {
	struct hostq_host **tab;
	size_t size;  /* buckets, a power of two */
	size_t count; /* hosts */
	TAILQ_HEAD(, hostq_host) ready;
	unsigned long per_host;
};

/* Empty set of lines with this per-host cap. 0/-1. */
int hostq_init(struct hostq *q, unsigned long per_host);
/* Free the lines; items still in them are only unlinked. */
void hostq_fini(struct hostq *q);
/* Change the cap (reload). */
void hostq_set_per_host(struct hostq *q, unsigned long per_host);
/* Put it at the end of url's host line. 0/-1 (out of memory). */
int hostq_push(struct hostq *q, struct hostq_item *it, const char *url);
/* Take the next item of the next ready host and count it as running; NULL if
 * none. */
struct hostq_item *hostq_pop(struct hostq *q);
/* Forget it: out of its line, or no longer running. */
void hostq_remove(struct hostq *q, struct hostq_item *it);
/* Any item still waiting (for teardown), or NULL. */
struct hostq_item *hostq_any_waiting(struct hostq *q);

#endif
