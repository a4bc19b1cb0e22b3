/* Interned strings and a small integer map for the claims engine's indexes. */
#include <stdlib.h>
#include <string.h>

#include "strtab.h"

#define ARENA_CHUNK (64 * 1024)

uint32_t
strtab_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h ? h : 1;
}

int
strtab_init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	t->cap = 64;
	t->strs = calloc(t->cap, sizeof(*t->strs));
	t->hashes = calloc(t->cap, sizeof(*t->hashes));
	t->nslots = 128;
	t->slots = calloc(t->nslots, sizeof(*t->slots));
	if (t->strs == NULL || t->hashes == NULL || t->slots == NULL) {
		strtab_free(t);
		return -1;
	}
	t->n = 1;
	return 0;
}

void
strtab_free(struct strtab *t)
{
	size_t i;

	for (i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->strs);
	free(t->hashes);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

uint32_t
strtab_find(const struct strtab *t, const char *s, size_t n)
{
	return strtab_find_h(t, s, n, strtab_hash(s, n));
}

uint32_t
strtab_find_h(const struct strtab *t, const char *s, size_t n, uint32_t h)
{
	uint32_t i, id;

	if (t->slots == NULL)
		return 0;
	for (i = h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
		id = t->slots[i];
		if (id == 0)
			return 0;
		if (t->hashes[id] == h && strncmp(t->strs[id], s, n) == 0 &&
		    t->strs[id][n] == '\0')
			return id;
	}
}

static int
strtab_grow_slots(struct strtab *t)
{
	uint32_t ns = t->nslots * 2, i, id, j;
	uint32_t *slots = calloc(ns, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (i = 0; i < t->nslots; i++) {
		id = t->slots[i];
		if (id == 0)
			continue;
		for (j = t->hashes[id] & (ns - 1); slots[j] != 0;
		     j = (j + 1) & (ns - 1))
			;
		slots[j] = id;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	t->bytes += (size_t)ns * sizeof(*slots) / 2;
	return 0;
}

static char *
strtab_store(struct strtab *t, const char *s, size_t n)
{
	char *p, **chunks;
	size_t want = n + 1, sz;

	if (t->arena == NULL || t->arena_used + want > t->arena_cap) {
		sz = want > ARENA_CHUNK ? want : ARENA_CHUNK;
		p = malloc(sz);
		if (p == NULL)
			return NULL;
		chunks = realloc(t->chunks, (t->nchunks + 1) * sizeof(*chunks));
		if (chunks == NULL) {
			free(p);
			return NULL;
		}
		t->chunks = chunks;
		t->chunks[t->nchunks++] = p;
		t->arena = p;
		t->arena_used = 0;
		t->arena_cap = sz;
		t->bytes += sz;
	}
	p = t->arena + t->arena_used;
	memcpy(p, s, n);
	p[n] = '\0';
	t->arena_used += want;
	return p;
}

uint32_t
strtab_add(struct strtab *t, const char *s, size_t n, int *added)
{
	uint32_t id, h, i;
	char **strs;
	uint32_t *hashes;

	if (added != NULL)
		*added = 0;
	id = strtab_find(t, s, n);
	if (id != 0)
		return id;
	if ((t->n + 1) * 2 > t->nslots && strtab_grow_slots(t) == -1)
		return 0;
	if (t->n == t->cap) {
		strs = realloc(t->strs, (size_t)t->cap * 2 * sizeof(*strs));
		if (strs == NULL)
			return 0;
		t->strs = strs;
		hashes =
		    realloc(t->hashes, (size_t)t->cap * 2 * sizeof(*hashes));
		if (hashes == NULL)
			return 0;
		t->hashes = hashes;
		t->bytes += (size_t)t->cap * (sizeof(*strs) + sizeof(*hashes));
		t->cap *= 2;
	}
	h = strtab_hash(s, n);
	id = t->n;
	t->strs[id] = strtab_store(t, s, n);
	if (t->strs[id] == NULL)
		return 0;
	t->hashes[id] = h;
	for (i = h & (t->nslots - 1); t->slots[i] != 0;
	     i = (i + 1) & (t->nslots - 1))
		;
	t->slots[i] = id;
	t->n++;
	if (added != NULL)
		*added = 1;
	return id;
}

static int
u32map_grow(struct u32map *m)
{
	uint32_t ns = m->nslots ? m->nslots * 2 : 64, i, j;
	uint32_t *keys = calloc(ns, sizeof(*keys));
	uint32_t *vals = calloc(ns, sizeof(*vals));

	if (keys == NULL || vals == NULL) {
		free(keys);
		free(vals);
		return -1;
	}
	for (i = 0; i < m->nslots; i++) {
		if (m->keys[i] == 0)
			continue;
		for (j = u32_mix(m->keys[i]) & (ns - 1); keys[j] != 0;
		     j = (j + 1) & (ns - 1))
			;
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->nslots = ns;
	return 0;
}

uint32_t *
u32map_put(struct u32map *m, uint32_t key)
{
	uint32_t *v, i;

	v = u32map_get(m, key);
	if (v != NULL)
		return v;
	if ((m->n + 1) * 2 > m->nslots && u32map_grow(m) == -1)
		return NULL;
	for (i = u32_mix(key) & (m->nslots - 1); m->keys[i] != 0;
	     i = (i + 1) & (m->nslots - 1))
		;
	m->keys[i] = key;
	m->vals[i] = 0;
	m->n++;
	return &m->vals[i];
}

void
u32map_free(struct u32map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
