/* libFuzzer target: article pages and feed HTML through article_extract and
 * html_to_text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "fuzz_util.h"
#include "html.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input length picks the HTTP Content-Type (BOM > HTTP > meta). */
static const char *const content_types[] = {
	NULL,
	"text/html; charset=utf-8",
	"text/html; charset=windows-1252",
	"text/html; charset=utf-16le",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(LOGL_ERR);
	feeds_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct article *a;
	char *text;

	a = article_extract((const char *)data, size,
	    content_types[size % SW_ARRAY_SIZE(content_types)]);
	if (a != NULL) {
		FUZZ_CHECK(a->text != NULL, "article without text");
		/* Pages are decoded and repaired first, so the text goes
		 * into JSON (webhooks, analyze) as is. */
		FUZZ_CHECK(sw_utf8_valid(a->text, strlen(a->text)),
		    "article text: invalid UTF-8");
		FUZZ_CHECK(a->title == NULL ||
			sw_utf8_valid(a->title, strlen(a->title)),
		    "article title: invalid UTF-8");
		article_free(a);
	}

	/*
	 * html_to_text takes fragments already in UTF-8 (feeds/ repairs
	 * them first), so only valid input promises valid output.
	 */
	text = html_to_text((const char *)data, size);
	if (text != NULL) {
		FUZZ_CHECK(!sw_utf8_valid((const char *)data, size) ||
			sw_utf8_valid(text, strlen(text)),
		    "html_to_text: invalid UTF-8 from valid input");
		free(text);
	}
	return 0;
}
