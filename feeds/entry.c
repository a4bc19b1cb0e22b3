/* Entry identity and change detection: stable ids and FNV-1a content hashes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "feed_date.h"

uint64_t
feed_fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t
hash_field(uint64_t h, const char *s)
{
	static const unsigned char sep = 0x1f;

	if (s != NULL)
		h = feed_fnv1a(h, s, strlen(s));
	return feed_fnv1a(h, &sep, 1);
}

static char *
hash_id(uint64_t h)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "h:%016" PRIx64, h);
	return strdup(buf);
}

int
feed_entry_derive_id(struct feed_entry *e, size_t max_len)
{
	if (e->id != NULL && e->id[0] != '\0') {
		e->id_source = FEED_ID_GUID;
	} else if (e->link != NULL && e->link[0] != '\0') {
		free(e->id);
		e->id = strdup(e->link);
		if (e->id == NULL)
			return -1;
		e->id_source = FEED_ID_LINK;
	} else {
		char date[32] = "";
		int64_t t =
		    e->published != FEED_NO_DATE ? e->published : e->updated;
		uint64_t h = FEED_FNV_INIT;

		if (t != FEED_NO_DATE)
			feed_date_format(t, date, sizeof(date));
		if (e->title != NULL)
			h = feed_fnv1a(h, e->title, strlen(e->title));
		h = feed_fnv1a(h, "\n", 1);
		h = feed_fnv1a(h, date, strlen(date));
		free(e->id);
		e->id = hash_id(h);
		if (e->id == NULL)
			return -1;
		e->id_source = FEED_ID_HASH;
		return 0;
	}
	if (max_len > 0 && strlen(e->id) > max_len) {
		char *r =
		    hash_id(feed_fnv1a(FEED_FNV_INIT, e->id, strlen(e->id)));
		if (r == NULL)
			return -1;
		free(e->id);
		e->id = r;
	}
	return 0;
}

uint64_t
feed_entry_content_hash(const struct feed_entry *e)
{
	uint64_t h = FEED_FNV_INIT;
	char d1[32] = "", d2[32] = "";

	if (e->published != FEED_NO_DATE)
		feed_date_format(e->published, d1, sizeof(d1));
	if (e->updated != FEED_NO_DATE)
		feed_date_format(e->updated, d2, sizeof(d2));
	h = hash_field(h, e->title);
	h = hash_field(h, e->link);
	h = hash_field(h, e->author);
	h = hash_field(h, d1);
	h = hash_field(h, d2);
	h = hash_field(h, e->summary);
	h = hash_field(h, e->content);
	for (size_t i = 0; i < e->ncategories; i++)
		h = hash_field(h, e->categories[i]);
	return h;
}
