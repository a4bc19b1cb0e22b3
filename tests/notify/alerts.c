/* Builders for the alerts the notify/ tests render. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"

json_t *
alert_small(void)
{
	return json_pack("{s:i, s:s, s:s, s:s,"
			 " s:{s:s, s:s},"
			 " s:{s:s, s:s, s:s, s:{s:s, s:s}},"
			 " s:[{s:s, s:f, s:n}, {s:s, s:f, s:s}],"
			 " s:[{s:s, s:{s:s, s:i, s:s}, s:{s:s, s:i, s:s}}],"
			 " s:[{s:s, s:i, s:[s, s]}]}",
	    "version", 1, "id", "swa_0123456789abcdef0123456789abcdef", "kind",
	    "new_article", "detected_at", "2025-09-25T10:00:00Z", "story", "id",
	    "microsoft-azure-unit8200", "title",
	    "Microsoft, Azure and Unit 8200", "article", "url",
	    "https://www.example.com/world/2025/sep/25/azure", "title",
	    "Microsoft cuts off unit's access", "published",
	    "2025-09-25T08:00:00Z", "feed", "id", "guardian-world", "title",
	    "World news", "new_claims", "text",
	    "Microsoft said it had ceased and disabled a set of services.",
	    "novelty", 0.83, "nearest", "text",
	    "The review found evidence supporting elements of the reporting.",
	    "novelty", 0.71, "nearest",
	    "Microsoft opened an external review in August.", "changed_figures",
	    "subject", "recordings stored", "old", "text", "over 60,000",
	    "value", 60000, "sentence", "Over 60,000 recordings were stored.",
	    "new", "text", "more than 67,000", "value", 67000, "sentence",
	    "More than 67,000 recordings were stored.", "corroborated", "text",
	    "The data was held in a European data centre.", "count", 2,
	    "sources", "https://a.example.org/1", "https://b.example.net/2");
}

static char *
mb_text(size_t n, size_t seed)
{
	/* 1-, 2-, 3- and 4-byte characters, so any cut can land mid-sequence.
	 */
	static const char *const parts[] = {
		"Za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87 ",
		"\xe6\x95\xb0\xe5\xad\x97 ", "\xf0\x9f\x98\x80 ",
		"gesch\xc3\xa4tzt ", "<b>&amp; ", "\xe2\x86\x92 "
	};
	char *s = malloc(n + 32);
	size_t len = 0, i = seed;

	if (s == NULL)
		return NULL;
	while (len < n) {
		const char *p = parts[i++ % (sizeof(parts) / sizeof(parts[0]))];
		size_t l = strlen(p);

		memcpy(s + len, p, l);
		len += l;
	}
	s[len] = '\0';
	return s;
}

json_t *
alert_big(size_t nclaims, size_t claim_bytes, size_t nfig, size_t ncorr)
{
	json_t *a = alert_small(), *claims, *figs, *corr;

	if (a == NULL)
		return NULL;
	claims = json_object_get(a, "new_claims");
	figs = json_object_get(a, "changed_figures");
	corr = json_object_get(a, "corroborated");
	json_array_clear(claims);
	json_array_clear(figs);
	json_array_clear(corr);
	for (size_t i = 0; i < nclaims; i++) {
		char *t = mb_text(claim_bytes, i);

		json_array_append_new(claims,
		    json_pack("{s:s, s:f, s:n}", "text", t, "novelty", 0.5,
			"nearest"));
		free(t);
	}
	for (size_t i = 0; i < nfig; i++) {
		char *subj = mb_text(300, i), *old = mb_text(300, i + 1),
		     *new = mb_text(300, i + 2);

		json_array_append_new(figs,
		    json_pack("{s:s, s:{s:s, s:i, s:s}, s:{s:s, s:i, s:s}}",
			"subject", subj, "old", "text", old, "value", (int)i,
			"sentence", old, "new", "text", new, "value",
			(int)i + 1, "sentence", new));
		free(subj);
		free(old);
		free(new);
	}
	for (size_t i = 0; i < ncorr; i++) {
		char *t = mb_text(claim_bytes, i + 3);

		json_array_append_new(corr,
		    json_pack("{s:s, s:i, s:[s, s, s]}", "text", t, "count", 3,
			"sources", "https://a.example/1", "https://b.example/2",
			"https://c.example/3"));
		free(t);
	}
	{
		char *title = mb_text(2000, 7);

		json_object_set_new(
		    json_object_get(a, "story"), "title", json_string(title));
		json_object_set_new(
		    json_object_get(a, "article"), "title", json_string(title));
		free(title);
	}
	return a;
}

size_t
utf16_units(const char *s)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		n += *p >= 0xf0 ? 2 : 1;
	}
	return n;
}
