/* systemd readiness, status and watchdog notifications; no-ops without
 * libsystemd. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sdnotify.h"
#include "sw_config.h"

#if HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

void
sdn_notify(const char *fmt, ...)
{
#if HAVE_SYSTEMD
	char msg[512];
	va_list ap;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sd_notify(0, msg);
#else
	(void)fmt;
#endif
}

uint64_t
sdn_watchdog_ms(void)
{
#if HAVE_SYSTEMD
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) > 0)
		return usec / 1000;
#endif
	return 0;
}
