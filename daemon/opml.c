/* Feeds listed in OPML files (config feeds_opml) join the config's feeds. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "feed.h"
#include "opml.h"

/* An id from the outline: "opml-" + a slug of its title or URL, unique. */
static void
outline_id(const struct sw_config *cfg, const struct opml_outline *o, char *out,
    size_t len)
{
	const char *src =
	    o->title != NULL && o->title[0] ? o->title : o->xml_url;
	size_t n = 0;
	int dash = 0;

	n = (size_t)snprintf(out, len, "opml-");
	for (const char *p = src; *p != '\0' && n + 1 < len && n < 40; p++) {
		if (isalnum((unsigned char)*p)) {
			out[n++] = (char)tolower((unsigned char)*p);
			dash = 0;
		} else if (!dash && n > 5) {
			out[n++] = '-';
			dash = 1;
		}
	}
	while (n > 5 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (config_feed(cfg, out) != NULL) {
		/* Same slug twice: tell them apart by the URL's hash. */
		uint64_t h =
		    feed_fnv1a(FEED_FNV_INIT, o->xml_url, strlen(o->xml_url));

		snprintf(out + n, len - n, "-%08x", (unsigned)(h & 0xffffffff));
	}
}

int
daemon_config_expand_opml(struct sw_config *cfg, struct cfg_errors *errs)
{
	int rc = 0;

	for (size_t i = 0; i < cfg->nfeeds_opml; i++) {
		struct opml_list list = { 0 };

		if (opml_parse_file(cfg->feeds_opml[i], &list) < 0) {
			for (size_t e = 0; e < list.nerrors; e++) {
				struct cfg_error *nv = realloc(
				    errs->v, (errs->n + 1) * sizeof(*nv));

				if (nv == NULL)
					break;
				errs->v = nv;
				nv[errs->n] = (struct cfg_error){ strdup(""), 0,
					0, strdup(""), strdup(list.errors[e]) };
				errs->n++;
			}
			rc = -1;
		}
		for (size_t k = 0; k < list.n; k++) {
			char id[64];
			int dup = 0;

			/* A feed the config already has by URL is not added
			 * twice. */
			for (size_t f = 0; f < cfg->nfeeds; f++)
				if (strcmp(cfg->feeds[f].url,
					list.items[k].xml_url) == 0)
					dup = 1;
			if (dup)
				continue;
			outline_id(cfg, &list.items[k], id, sizeof(id));
			config_add_feed(cfg, id, list.items[k].xml_url,
			    list.items[k].title);
		}
		opml_list_free(&list);
	}
	return rc;
}
