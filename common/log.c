/* Logging to stderr: plain timestamps by hand, <N> priorities under journald.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static enum log_level cur_level = LOGL_INFO;
static int journal;

static const struct {
	const char *name;
	enum log_level level;
} level_names[] = {
	{ "error", LOGL_ERR },
	{ "warning", LOGL_WARNING },
	{ "notice", LOGL_NOTICE },
	{ "info", LOGL_INFO },
	{ "debug", LOGL_DEBUG },
};

void
log_init(enum log_level level)
{
	cur_level = level;
	/* journald sets JOURNAL_STREAM when stderr is its stream. */
	journal = getenv("JOURNAL_STREAM") != NULL;
}

void
log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level
log_get_level(void)
{
	return cur_level;
}

int
log_enabled(enum log_level level)
{
	return level <= cur_level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i].name) == 0) {
			*out = level_names[i].level;
			return 0;
		}
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (level_names[i].level == level)
			return level_names[i].name;
	return "unknown";
}

void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[4096];
	struct timespec ts;
	struct tm tm;
	char stamp[32];

	if (!log_enabled(level))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (journal) {
		fprintf(stderr, "<%d>%s\n", (int)level, line);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s: %s\n", stamp,
		    ts.tv_nsec / 1000000, log_level_name(level), line);
	}
	fflush(stderr);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
