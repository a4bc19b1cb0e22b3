/* Helpers shared by the fuzz targets: copies of the input and invariant checks
 * that abort, so libFuzzer records a broken contract as a crash. */
#ifndef SW_FUZZ_UTIL_H
#define SW_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Abort with a message when a documented contract does not hold. */
#define FUZZ_CHECK(cond, ...)                                            \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr,                                  \
			    "fuzz invariant broken (%s:%d): ", __FILE__, \
			    __LINE__);                                   \
			fprintf(stderr, __VA_ARGS__);                    \
			fputc('\n', stderr);                             \
			abort();                                         \
		}                                                        \
	} while (0)

/*
 * True when tag is listed in the environment variable FUZZ_SKIP (tags
 * separated by commas): a long run goes on past a bug already reported
 * instead of stopping at its first repeat.  CI sets nothing.
 */
static inline int
fuzz_skip(const char *tag)
{
	const char *e = getenv("FUZZ_SKIP"), *p;
	size_t n = strlen(tag);

	for (p = e; p != NULL && *p != '\0'; p += strcspn(p, ",")) {
		p += strspn(p, ",");
		if (strncmp(p, tag, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* FUZZ_CHECK unless tag is in FUZZ_SKIP. */
#define FUZZ_CHECK_TAG(tag, cond, ...)                 \
	do {                                           \
		if (!fuzz_skip(tag))                   \
			FUZZ_CHECK(cond, __VA_ARGS__); \
	} while (0)

/* A NUL-terminated copy of n bytes (NULs inside are kept); never NULL. */
static inline char *
fuzz_strndup(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/*
 * Check the feeds/ promise for every string it hands out: valid UTF-8 and
 * no C0 control other than tab and newline.  NULL passes.
 */
static inline void
fuzz_check_clean_text(const char *what, const char *s)
{
	if (s == NULL)
		return;
	FUZZ_CHECK(sw_utf8_valid(s, strlen(s)), "%s: invalid UTF-8", what);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		FUZZ_CHECK(*p >= 0x20 || *p == '\t' || *p == '\n',
		    "%s: control character 0x%02x", what, *p);
}

/* True when s is http:// or https:// (any case) with a non-empty host. */
static inline int
fuzz_is_web_url(const char *s)
{
	const char *a;

	if (strncasecmp(s, "http://", 7) == 0)
		a = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		a = s + 8;
	else
		return 0;
	if (strchr(a, '@') != NULL && strchr(a, '@') < a + strcspn(a, "/?#"))
		a = strchr(a, '@') + 1; /* userinfo is checked on its own */
	return *a != '\0' && strchr("/?#:", *a) == NULL;
}

/* True when the authority of an absolute URL carries userinfo ('@'). */
static inline int
fuzz_url_has_userinfo(const char *s)
{
	const char *a = strstr(s, "://");
	size_t n;

	if (a == NULL)
		return 0;
	a += 3;
	n = strcspn(a, "/?#");
	return memchr(a, '@', n) != NULL;
}

#endif
