/* Small helpers shared by every module: durations, clocks, bounded buffers. */
#ifndef SW_UTIL_H
#define SW_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Parse a duration such as "30s", "15m", "2h", "1d", "500ms" or a sum
 * ("1h30m") into milliseconds.  0 on success, -1 when malformed or zero-length.
 */
int duration_parse(const char *s, uint64_t *ms_out);
/* Write a short human form ("4m", "1h30m", "250ms") of ms into buf; returns
 * buf. */
char *duration_format(uint64_t ms, char *buf, size_t len);

/* Milliseconds on CLOCK_MONOTONIC: for schedules and timeouts. */
uint64_t sw_mono_ms(void);
/* Seconds since the epoch (wall clock): for stored times and signatures. */
int64_t sw_wall_s(void);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes); returns buf.
 */
char *sw_iso8601(int64_t t, char *buf, size_t len);

/*
 * A growable byte buffer with a ceiling fixed at creation (curl's dynbuf).
 * data is always NUL-terminated when len > 0 or after buf_append.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

/* Start empty with ceiling max (bytes of content). */
void buf_init(struct buf *b, size_t max);
/* Append n bytes; 0, or -1 when the ceiling would be passed or memory ran out
 * (b unchanged). */
int buf_append(struct buf *b, const void *p, size_t n);
/* Append a C string; same convention as buf_append. */
int buf_append_str(struct buf *b, const char *s);
/* Drop the first n bytes (consumed input). */
void buf_consume(struct buf *b, size_t n);
/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Free the memory; b is reusable after buf_init. */
void buf_free(struct buf *b);
/* Hand over the data (caller frees) and leave b empty; NULL when empty. */
char *buf_steal(struct buf *b, size_t *len_out);

/* strdup that returns NULL for NULL. Caller frees. */
char *sw_strdup0(const char *s);
/* True when s is valid UTF-8 of n bytes. */
int sw_utf8_valid(const char *s, size_t n);

#endif
