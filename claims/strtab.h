/* Interned strings: a string table with stable ids and an arena (used by the
 * lexicon and knowledge). */
#ifndef SW_CLAIMS_STRTAB_H
#define SW_CLAIMS_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct strtab {
	char **strs; /* id -> NUL-terminated text; id 0 unused */
	uint32_t *hashes;
	uint32_t n;	 /* ids in use + 1 */
	uint32_t cap;	 /* of strs */
	uint32_t *slots; /* open addressing: id or 0 */
	uint32_t nslots; /* power of two */
	char *arena;
	size_t arena_used, arena_cap;
	char **chunks;
	size_t nchunks;
	size_t bytes;
};

/* Start empty; 0 or -1 on allocation failure. */
int strtab_init(struct strtab *t);
/* Free everything; harmless on a zeroed struct. */
void strtab_free(struct strtab *t);
/* The id of s, 0 when absent. */
uint32_t strtab_find(const struct strtab *t, const char *s, size_t n);
/* strtab_find with the hash already computed (h = strtab_hash(s, n)). */
uint32_t strtab_find_h(
    const struct strtab *t, const char *s, size_t n, uint32_t h);
/* The id of s, added when absent; 0 on allocation failure. *added tells which.
 */
uint32_t strtab_add(struct strtab *t, const char *s, size_t n, int *added);
/* FNV-1a of n bytes. */
uint32_t strtab_hash(const char *s, size_t n);

/* A map from 32-bit keys (non-zero) to 32-bit values, open addressing. */
struct u32map {
	uint32_t *keys;
	uint32_t *vals;
	uint32_t n, nslots;
};

/* The slot hash of a key (also used by u32map_put and growth). */
static inline uint32_t
u32_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

/* Pointer to the value of key, or NULL (inline: it is on every hot path). */
static inline uint32_t *
u32map_get(const struct u32map *m, uint32_t key)
{
	uint32_t i;

	if (m->nslots == 0)
		return NULL;
	for (i = u32_mix(key) & (m->nslots - 1);;
	     i = (i + 1) & (m->nslots - 1)) {
		if (m->keys[i] == key)
			return &m->vals[i];
		if (m->keys[i] == 0)
			return NULL;
	}
}
/* Pointer to the value of key, inserted as 0 when absent; NULL on failure. */
uint32_t *u32map_put(struct u32map *m, uint32_t key);
/* Free the map's memory; harmless on a zeroed struct. */
void u32map_free(struct u32map *m);

#endif
