/* Measures how many alerts per second notify/ can render and sign, per format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "util.h"

/* Render and sign the alert until `seconds` have passed; returns per second. */
static double
run(const json_t *alert, enum notify_format fmt,
    const struct notify_secret *key, double seconds, size_t *bytes)
{
	const struct notify_secret *keys[] = { key };
	uint64_t start = sw_mono_ms(), elapsed;
	unsigned long n = 0;

	do {
		for (int i = 0; i < 500; i++) {
			struct notify_payload p;

			if (notify_build(alert, fmt, &p) == -1 ||
			    notify_payload_sign(&p, keys, 1,
				"swa_0123456789abcdef0123456789abcdef",
				1758794400 + (int64_t)n) == -1) {
				fprintf(stderr, "bench_notify: %s failed\n",
				    notify_format_name(fmt));
				exit(1);
			}
			*bytes = p.len;
			notify_payload_free(&p);
			n++;
		}
		elapsed = sw_mono_ms() - start;
	} while (elapsed < seconds * 1000);
	return n * 1000.0 / (double)elapsed;
}

int
main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	struct notify_secret_msg m;
	struct notify_secret *key;
	json_t *alert;

	key = notify_secret_from_string(
	    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &m);
	alert = notify_sample_alert(1758794400);
	if (key == NULL || alert == NULL || seconds <= 0) {
		fprintf(stderr, "usage: bench_notify [SECONDS]\n");
		return 2;
	}
	printf("%-8s %12s %8s\n", "format", "payloads/s", "bytes");
	for (int f = 0; f < NOTIFY_FORMAT_COUNT; f++) {
		size_t bytes = 0;
		double rate = run(alert, (enum notify_format)f, key,
		    seconds / NOTIFY_FORMAT_COUNT, &bytes);

		printf(
		    "%-8s %12.0f %8zu\n", notify_format_name(f), rate, bytes);
	}
	json_decref(alert);
	notify_secret_free(key);
	return 0;
}
