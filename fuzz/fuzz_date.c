/* libFuzzer target: feed date strings through feed_date_parse, and the
 * formatter's round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed_date.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* feed_date_format needs at least this many bytes. */
#define DATE_BUF 21

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Zones can move a date a day either way across the year limits. */
	const int64_t lo = feed_days_from_civil(1900, 1, 1) * 86400 - 86400;
	const int64_t hi = feed_days_from_civil(2200, 1, 1) * 86400 + 86400;
	char *s = fuzz_strndup(data, size);
	char *buf = malloc(DATE_BUF); /* heap, so ASan sees any overrun */
	int64_t t, t2;

	if (buf == NULL)
		abort();
	if (feed_date_parse(s, &t) == 0) {
		FUZZ_CHECK(t >= lo && t <= hi, "date out of range: %lld",
		    (long long)t);
		feed_date_format(t, buf, DATE_BUF);
		FUZZ_CHECK(strlen(buf) == 20, "formatted as \"%s\"", buf);
		/* What the formatter writes, the parser must read back. */
		if (strncmp(buf, "1900", 4) >= 0 &&
		    strncmp(buf, "2199", 4) <= 0)
			FUZZ_CHECK(feed_date_parse(buf, &t2) == 0 && t2 == t,
			    "\"%s\" from \"%s\" does not read back", buf, s);
	}

	/* Any int64 must format within the buffer without overflow. */
	if (size >= sizeof(t)) {
		memcpy(&t, data, sizeof(t));
		feed_date_format(t, buf, DATE_BUF);
		FUZZ_CHECK(strlen(buf) < DATE_BUF, "format overran");
	}
	free(buf);
	free(s);
	return 0;
}
