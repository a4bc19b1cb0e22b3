/* Alerts the notify/ tests render: small, huge and hostile. */
#ifndef SW_TEST_NOTIFY_ALERTS_H
#define SW_TEST_NOTIFY_ALERTS_H

#include <stddef.h>

#include <jansson.h>

/* A valid version 1 alert with two claims, one figure, one corroboration. */
json_t *alert_small(void);
/*
 * A valid alert far over every service's limits: nclaims claims of about
 * claim_bytes bytes of multibyte text (2-, 3- and 4-byte characters),
 * nfig changed figures and ncorr corroborated claims.
 */
json_t *alert_big(
    size_t nclaims, size_t claim_bytes, size_t nfig, size_t ncorr);
/* UTF-16 code units of UTF-8 text s, counted independently of notify/. */
size_t utf16_units(const char *s);

#endif
