/* systemd readiness, status and watchdog notifications; no-ops without
 * libsystemd. */
#ifndef SW_SDNOTIFY_H
#define SW_SDNOTIFY_H

#include <stdint.h>

/* Send a notify message ("READY=1", "STATUS=..."); ignored outside systemd. */
void sdn_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Watchdog interval in ms when WatchdogSec= is set for us, else 0. */
uint64_t sdn_watchdog_ms(void);

#endif
