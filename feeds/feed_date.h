/* Feed dates (RFC 822, RFC 3339, W3CDTF, sloppy forms) to Unix UTC. */
#ifndef SW_FEED_DATE_H
#define SW_FEED_DATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse s into seconds since the epoch, UTC.  A missing zone means UTC;
 * 2-digit years below 50 are 20xx, others 19xx; partial dates take the
 * first day or month; years outside 1900-2199 are refused.  Returns 0, or
 * -1 when s holds no recognisable date (garbage is never an error beyond
 * that; NULL is allowed).
 */
int feed_date_parse(const char *s, int64_t *out);

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d. */
int64_t feed_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes; any
 * int64 year is handled); returns buf.
 */
char *feed_date_format(int64_t t, char *buf, size_t len);

#endif
