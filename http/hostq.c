/* Per-host waiting lines for http/: a small hash of hosts and a round-robin
 * list of the ready ones. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hostq.h"

#define KEY_MAX 300

int
hostq_init(struct hostq *q, unsigned long per_host)
{
	memset(q, 0, sizeof(*q));
	q->size = 64;
	if ((q->tab = calloc(q->size, sizeof(*q->tab))) == NULL)
		return -1;
	TAILQ_INIT(&q->ready);
	q->per_host = per_host > 0 ? per_host : 1;
	return 0;
}

static void
host_free(struct hostq_host *h)
{
	free(h->key);
	free(h);
}

void
hostq_fini(struct hostq *q)
{
	size_t i;

	for (i = 0; q->tab != NULL && i < q->size; i++) {
		struct hostq_host *h, *next;

		for (h = q->tab[i]; h != NULL; h = next) {
			struct hostq_item *it;

			next = h->hnext;
			while ((it = TAILQ_FIRST(&h->waiting)) != NULL) {
				TAILQ_REMOVE(&h->waiting, it, entry);
				it->waiting = 0;
				it->host = NULL;
			}
			host_free(h);
		}
	}
	free(q->tab);
	q->tab = NULL;
}

/* scheme://host:port of url, lower-cased, without user info. */
static void
url_key(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://"), *auth, *end, *at;
	size_t n = 0;

	if (p == NULL) {
		out[0] = '\0';
		return;
	}
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	at = auth;
	for (const char *c = auth; c < end; c++)
		if (*c == '@')
			at = c + 1;
	for (const char *c = url; c < p + 3 && n + 1 < len; c++)
		out[n++] = (char)tolower((unsigned char)*c);
	for (const char *c = at; c < end && n + 1 < len; c++)
		out[n++] = (char)tolower((unsigned char)*c);
	out[n] = '\0';
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static void
grow(struct hostq *q)
{
	size_t nsize = q->size * 2, i;
	struct hostq_host **nt = calloc(nsize, sizeof(*nt));

	if (nt == NULL)
		return; /* longer chains, still correct */
	for (i = 0; i < q->size; i++) {
		struct hostq_host *h, *next;

		for (h = q->tab[i]; h != NULL; h = next) {
			next = h->hnext;
			h->hnext = nt[h->hash & (nsize - 1)];
			nt[h->hash & (nsize - 1)] = h;
		}
	}
	free(q->tab);
	q->tab = nt;
	q->size = nsize;
}

static struct hostq_host *
host_get(struct hostq *q, const char *url)
{
	char key[KEY_MAX];
	struct hostq_host *h;
	uint32_t hash;

	url_key(url, key, sizeof(key));
	hash = fnv1a(key);
	for (h = q->tab[hash & (q->size - 1)]; h != NULL; h = h->hnext)
		if (h->hash == hash && strcmp(h->key, key) == 0)
			return h;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->key = strdup(key)) == NULL) {
		free(h);
		return NULL;
	}
	h->hash = hash;
	TAILQ_INIT(&h->waiting);
	if (q->count >= q->size)
		grow(q);
	h->hnext = q->tab[hash & (q->size - 1)];
	q->tab[hash & (q->size - 1)] = h;
	q->count++;
	return h;
}

/* Keep h in the ready list exactly when it can start something. */
static void
host_update(struct hostq *q, struct hostq_host *h)
{
	int ready = !TAILQ_EMPTY(&h->waiting) && h->active < q->per_host;

	if (ready && !h->in_ready) {
		TAILQ_INSERT_TAIL(&q->ready, h, ready_entry);
		h->in_ready = 1;
	} else if (!ready && h->in_ready) {
		TAILQ_REMOVE(&q->ready, h, ready_entry);
		h->in_ready = 0;
	}
}

/* Drop h once nothing waits or runs there, so idle hosts cost nothing. */
static void
host_release(struct hostq *q, struct hostq_host *h)
{
	struct hostq_host **pp;

	if (h->active > 0 || !TAILQ_EMPTY(&h->waiting))
		return;
	if (h->in_ready) {
		TAILQ_REMOVE(&q->ready, h, ready_entry);
		h->in_ready = 0;
	}
	for (pp = &q->tab[h->hash & (q->size - 1)]; *pp != NULL;
	     pp = &(*pp)->hnext) {
		if (*pp == h) {
			*pp = h->hnext;
			q->count--;
			break;
		}
	}
	host_free(h);
}

void
hostq_set_per_host(struct hostq *q, unsigned long per_host)
{
	size_t i;

	q->per_host = per_host > 0 ? per_host : 1;
	for (i = 0; i < q->size; i++) {
		struct hostq_host *h;

		for (h = q->tab[i]; h != NULL; h = h->hnext)
			host_update(q, h);
	}
}

int
hostq_push(struct hostq *q, struct hostq_item *it, const char *url)
{
	struct hostq_host *h = host_get(q, url);

	if (h == NULL)
		return -1;
	it->host = h;
	it->waiting = 1;
	TAILQ_INSERT_TAIL(&h->waiting, it, entry);
	host_update(q, h);
	return 0;
}

struct hostq_item *
hostq_pop(struct hostq *q)
{
	struct hostq_host *h = TAILQ_FIRST(&q->ready);
	struct hostq_item *it;

	if (h == NULL)
		return NULL;
	it = TAILQ_FIRST(&h->waiting);
	TAILQ_REMOVE(&h->waiting, it, entry);
	it->waiting = 0;
	h->active++;
	/* To the back of the ready list: hosts take turns. */
	TAILQ_REMOVE(&q->ready, h, ready_entry);
	h->in_ready = 0;
	host_update(q, h);
	return it;
}

void
hostq_remove(struct hostq *q, struct hostq_item *it)
{
	struct hostq_host *h = it->host;

	if (h == NULL)
		return;
	if (it->waiting) {
		TAILQ_REMOVE(&h->waiting, it, entry);
		it->waiting = 0;
	} else if (h->active > 0) {
		h->active--;
	}
	it->host = NULL;
	host_update(q, h);
	host_release(q, h);
}

struct hostq_item *
hostq_any_waiting(struct hostq *q)
{
	struct hostq_host *h = TAILQ_FIRST(&q->ready);
	size_t i;

	/* Ready first: once nothing runs, every waiting host is ready. */
	if (h != NULL)
		return TAILQ_FIRST(&h->waiting);
	for (i = 0; i < q->size; i++) {
		for (h = q->tab[i]; h != NULL; h = h->hnext)
			if (!TAILQ_EMPTY(&h->waiting))
				return TAILQ_FIRST(&h->waiting);
	}
	return NULL;
}
