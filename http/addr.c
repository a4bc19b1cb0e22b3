/* The address policy: which connect targets a URL taken from feed content may
 * never reach. */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "http.h"

struct v4_net {
	uint32_t net;
	int bits;
	const char *why;
};

/* RFC 6890 special-purpose blocks that are not reachable public hosts. */
static const struct v4_net v4_forbidden[] = {
	{ 0x00000000, 8, "unspecified" }, /* 0.0.0.0/8 */
	{ 0x0a000000, 8, "private" },	  /* 10/8 */
	{ 0x64400000, 10, "CGNAT" },	  /* 100.64/10 */
	{ 0x7f000000, 8, "loopback" },	  /* 127/8 */
	{ 0xa9fe0000, 16, "link-local" }, /* 169.254/16 */
	{ 0xac100000, 12, "private" },	  /* 172.16/12 */
	{ 0xc0000000, 24, "reserved" },	  /* 192.0.0/24 */
	{ 0xc0a80000, 16, "private" },	  /* 192.168/16 */
	{ 0xc6120000, 15, "reserved" },	  /* 198.18/15 benchmarking */
	{ 0xe0000000, 4, "multicast" },	  /* 224/4 */
	{ 0xffffffff, 32, "broadcast" },  /* before 240/4 to name it */
	{ 0xf0000000, 4, "reserved" },	  /* 240/4 */
};

static const char *
v4_reason(uint32_t a)
{
	size_t i;

	for (i = 0; i < sizeof(v4_forbidden) / sizeof(v4_forbidden[0]); i++) {
		uint32_t mask = 0xffffffffu << (32 - v4_forbidden[i].bits);

		if ((a & mask) == v4_forbidden[i].net)
			return v4_forbidden[i].why;
	}
	return NULL;
}

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static const char *
v6_reason(const uint8_t *a)
{
	static const uint8_t zero12[12];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

	if (memcmp(a, zero12, 12) == 0) {
		/* ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d */
		uint32_t v4 = be32_at(a + 12);

		if (v4 == 0)
			return "unspecified";
		if (v4 == 1)
			return "loopback";
		return v4_reason(v4) != NULL ? v4_reason(v4) : "reserved";
	}
	/* Forms that carry an IPv4 address the kernel or a gateway will use. */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return v4_reason(be32_at(a + 12));
	if (a[0] == 0x20 && a[1] == 0x02) /* 6to4 2002::/16 */
		return v4_reason(be32_at(a + 2));
	if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b &&
	    a[4] == 0x00 && a[5] == 0x01) /* local-use NAT64 64:ff9b:1::/48 */
		return "private";
	if (a[0] == 0xff)
		return "multicast";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "link-local";
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return "site-local";
	if ((a[0] & 0xfe) == 0xfc)
		return "unique-local";
	if (a[0] == 0x01 && a[1] == 0x00 && memcmp(a + 2, zero12, 6) == 0)
		return "discard-only"; /* 100::/64 */
	return NULL;
}

const char *
http_addr_forbidden_reason(const struct sockaddr *sa)
{
	if (sa == NULL)
		return "no address";
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof(sin));
		return v4_reason(ntohl(sin.sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, sa, sizeof(sin6));
		return v6_reason(sin6.sin6_addr.s6_addr);
	}
	return "not an IP address";
}

int
http_addr_is_forbidden(const struct sockaddr *sa)
{
	return http_addr_forbidden_reason(sa) != NULL;
}
