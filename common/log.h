/* Logging to stderr: plain timestamps by hand, <N> priorities under journald.
 */
#ifndef SW_LOG_H
#define SW_LOG_H

#include <stdarg.h>

/* Same numbers as syslog priorities so journald's <N> prefix is the level. */
enum log_level {
	LOGL_ERR = 3,
	LOGL_WARNING = 4,
	LOGL_NOTICE = 5,
	LOGL_INFO = 6,
	LOGL_DEBUG = 7,
};

/* Set up the sink: journal prefixes when JOURNAL_STREAM is set. */
void log_init(enum log_level level);
/* Change the threshold at run time (reload). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parse "error", "warning", "notice", "info", "debug"; 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
/* The canonical name of a level; never NULL. */
const char *log_level_name(enum log_level level);
/* True when messages at this level would be written. */
int log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#define log_err(...) log_msg(LOGL_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOGL_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOGL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOGL_INFO, __VA_ARGS__)
#define log_debug(...)                                    \
	do {                                              \
		if (log_enabled(LOGL_DEBUG))              \
			log_msg(LOGL_DEBUG, __VA_ARGS__); \
	} while (0)

#endif
