/* The configuration: structs, loading and validating the JSON config file. */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

struct cfg_fetch {
	uint64_t timeout_ms;	     /* whole transfer */
	uint64_t connect_timeout_ms; /* TCP + TLS */
	uint64_t min_interval_ms;    /* floor for any feed's poll interval */
	uint64_t max_backoff_ms;     /* cap on failure backoff */
	uint64_t max_body;	     /* bytes, decoded */
	uint64_t max_article_body;   /* bytes, decoded, article pages */
	long max_connections;
	long max_per_host;
	long max_items_per_poll;
	int allow_private_addresses;
};

struct cfg_story {
	char *id;
	char *title;
	char **baseline; /* absolute paths */
	size_t nbaseline;
	char **terms;
	size_t nterms;
	int fetch_articles;
	double relevance_threshold; /* < 0: the engine's default */
	double novelty_threshold;   /* < 0: the engine's default */
};

struct cfg_feed {
	char *id;
	char *url;
	char *title; /* NULL: from the feed */
	uint64_t interval_ms;
	char **stories; /* NULL with nstories 0: every story */
	size_t nstories;
	int backfill;
	int from_opml; /* added by an OPML file, not written in the config */
};

struct cfg_header {
	char *name;
	char *value;
};

struct cfg_webhook {
	char *id;
	char *url;
	char *format; /* json, slack, discord, ntfy, text */
	/* At most one of these; the secret itself is read by notify/. */
	char *secret;
	char *secret_file;	 /* absolute path */
	char *secret_credential; /* name under $CREDENTIALS_DIRECTORY */
	char **stories;		 /* NULL with nstories 0: every story ("*") */
	size_t nstories;
	struct cfg_header *headers;
	size_t nheaders;
	uint64_t timeout_ms;
};

struct sw_config {
	char *path; /* absolute path of the file loaded */
	char *dir;  /* its folder, for relative paths */
	char *state_dir;
	char *control_socket;
	enum log_level log_level;
	struct cfg_fetch fetch;
	struct cfg_story *stories;
	size_t nstories;
	struct cfg_feed *feeds;
	size_t nfeeds;
	char **feeds_opml; /* absolute paths */
	size_t nfeeds_opml;
	struct cfg_webhook *webhooks;
	size_t nwebhooks;
};

/* One problem found while loading, with where it is. */
struct cfg_error {
	char *file;
	int line;
	int column;
	char *path; /* "feeds[2].interval", or "" for the document */
	char *message;
};

struct cfg_errors {
	struct cfg_error *v;
	size_t n;
};

/*
 * Load and validate the config at path.  Returns a config the caller frees
 * with config_free(), or NULL with every problem appended to errs.
 */
struct sw_config *config_load(const char *path, struct cfg_errors *errs);
/* Free a config; NULL is harmless. */
void config_free(struct sw_config *cfg);

/* Write one error as "FILE:LINE:COLUMN: PATH: message" into buf; returns buf.
 */
char *cfg_error_format(const struct cfg_error *e, char *buf, size_t len);
/* Release the errors collected by config_load(). */
void cfg_errors_clear(struct cfg_errors *errs);

/*
 * The config file to use when none is given: /etc/storywatch/storywatch.json
 * if it exists, else config/storywatch.json in the source tree if it exists.
 * Returns a static string or NULL when neither exists.
 */
const char *config_default_path(void);

/* Look things up by id; NULL when absent. */
const struct cfg_story *config_story(
    const struct sw_config *cfg, const char *id);
const struct cfg_feed *config_feed(const struct sw_config *cfg, const char *id);
const struct cfg_webhook *config_webhook(
    const struct sw_config *cfg, const char *id);
/* True when the feed feeds the story (its list is empty or names it). */
int config_feed_has_story(const struct cfg_feed *f, const char *story_id);
/* True when the webhook wants alerts of the story. */
int config_webhook_has_story(const struct cfg_webhook *w, const char *story_id);

/*
 * Add a feed that came from an OPML file (the daemon parses OPML with
 * feeds/).  Copies the strings; 0, or -1 when the id is taken or memory ran
 * out.
 */
int config_add_feed(
    struct sw_config *cfg, const char *id, const char *url, const char *title);

#endif
