/*
 * libFuzzer target: link resolution (feed_url_resolve, as used for xml:base
 * and relative links) and the connect-time address policy
 * (http_addr_is_forbidden) on raw IPv4 and IPv6 addresses.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "feed_int.h"
#include "fuzz_util.h"
#include "http.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define URL_MAX 2048

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(LOGL_ERR);
	return 0;
}

/*
 * Input "BASE\nREF": REF resolved against BASE, and against no base.  With
 * a base the result is an absolute http(s) URL without userinfo, or NULL.
 */
static void
fuzz_resolve(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *base, *ref, *r;

	if (nl == NULL) {
		base = NULL;
		ref = fuzz_strndup(data, size);
	} else {
		base = fuzz_strndup(data, (size_t)(nl - data));
		ref = fuzz_strndup(nl + 1, size - (size_t)(nl - data) - 1);
	}
	r = feed_url_resolve(base, ref, URL_MAX);
	if (r != NULL) {
		FUZZ_CHECK_TAG("url-toolong", strlen(r) <= URL_MAX,
		    "%zu-byte result, max %d", strlen(r), URL_MAX);
		if (base != NULL && base[0] != '\0') {
			FUZZ_CHECK_TAG("url-nohost", fuzz_is_web_url(r),
			    "not absolute http(s): \"%s\" from base \"%s\" ref "
			    "\"%s\"",
			    r, base, ref);
			FUZZ_CHECK_TAG("url-userinfo",
			    !fuzz_url_has_userinfo(r),
			    "userinfo kept: \"%s\" from \"%s\"", r, ref);
		}
		free(r);
	}
	r = feed_url_resolve(NULL, ref, URL_MAX);
	if (r != NULL) {
		if (strstr(r, "://") != NULL)
			FUZZ_CHECK_TAG("url-userinfo",
			    !fuzz_url_has_userinfo(r),
			    "userinfo kept: \"%s\" from \"%s\"", r, ref);
		free(r);
	}
	free(ref);
	free(base);
}

static int
v4_forbidden(uint32_t a)
{
	struct sockaddr_in sin;
	const char *why;
	int f;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(a);
	f = http_addr_is_forbidden((const struct sockaddr *)&sin);
	why = http_addr_forbidden_reason((const struct sockaddr *)&sin);
	FUZZ_CHECK(f == (why != NULL), "verdict and reason disagree");
	return f;
}

static int
v6_forbidden(const uint8_t a[16])
{
	struct sockaddr_in6 sin6;
	const char *why;
	int f;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	memcpy(sin6.sin6_addr.s6_addr, a, 16);
	f = http_addr_is_forbidden((const struct sockaddr *)&sin6);
	why = http_addr_forbidden_reason((const struct sockaddr *)&sin6);
	FUZZ_CHECK(f == (why != NULL), "verdict and reason disagree");
	return f;
}

/* The blocks the header names, written out independently (RFC 6890). */
static int
v4_must_forbid(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
	    (a & 0xffc00000u) == 0x64400000u || /* 100.64/10 */
	    (a & 0xffff0000u) == 0xa9fe0000u || /* 169.254/16 */
	    (a & 0xfff00000u) == 0xac100000u || /* 172.16/12 */
	    (a & 0xffff0000u) == 0xc0a80000u || /* 192.168/16 */
	    (a >> 28) >= 0xe;			/* multicast, 240/4, bcast */
}

static void
fuzz_addr(const uint8_t *data, size_t size)
{
	uint8_t a6[16] = { 0 }, e6[16];
	uint32_t v4;
	int f4;

	memcpy(a6, data, size < 16 ? size : 16);
	v4 = (uint32_t)a6[0] << 24 | (uint32_t)a6[1] << 16 |
	    (uint32_t)a6[2] << 8 | a6[3];
	f4 = v4_forbidden(v4);
	if (v4_must_forbid(v4))
		FUZZ_CHECK(f4, "IPv4 %08x allowed", v4);
	(void)v6_forbidden(a6);

	/* An IPv4 address inside an IPv6 form gets the IPv4 verdict. */
	memset(e6, 0, sizeof(e6));
	e6[10] = e6[11] = 0xff;
	memcpy(e6 + 12, a6, 4);
	FUZZ_CHECK(v6_forbidden(e6) == f4, "::ffff:%08x differs", v4);
	memset(e6, 0, sizeof(e6));
	e6[1] = 0x64, e6[2] = 0xff, e6[3] = 0x9b;
	memcpy(e6 + 12, a6, 4);
	FUZZ_CHECK(v6_forbidden(e6) == f4, "64:ff9b::%08x differs", v4);
	if (f4) {
		memset(e6, 0, sizeof(e6));
		memcpy(e6 + 12, a6, 4);
		FUZZ_CHECK(v6_forbidden(e6), "::%08x allowed", v4);
		memcpy(e6, a6 + 4, 16 - 6);
		e6[0] = 0x20, e6[1] = 0x02;
		memcpy(e6 + 2, a6, 4);
		FUZZ_CHECK(v6_forbidden(e6), "2002:%08x:: allowed", v4);
	}
	/* Loopback, link-local, unique-local, multicast: always refused. */
	memcpy(e6, a6, 16);
	e6[0] = 0xfe, e6[1] = 0x80 | (e6[1] & 0x3f);
	FUZZ_CHECK(v6_forbidden(e6), "fe80::/10 allowed");
	e6[0] = 0xfc | (a6[0] & 1);
	FUZZ_CHECK(v6_forbidden(e6), "fc00::/7 allowed");
	e6[0] = 0xff;
	FUZZ_CHECK(v6_forbidden(e6), "ff00::/8 allowed");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_resolve(data, size);
	fuzz_addr(data, size);
	return 0;
}
