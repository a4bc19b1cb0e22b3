/* libFuzzer target: control-protocol lines through ctlproto_parse_request
 * (the daemon side) and ctlproto_parse_response (the ctl side). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctlproto.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A request that parsed must survive encoding and parsing again unchanged. */
static void
check_round_trip(const struct ctl_request *req)
{
	struct ctl_request again = { 0 };
	const char *code = NULL;
	char msg[256];
	json_t *m;
	char *line;
	size_t len;

	m = ctlproto_request_new(req->cmd, json_deep_copy(req->args));
	FUZZ_CHECK(m != NULL, "request_new failed for cmd \"%s\"", req->cmd);
	line = ctlproto_encode(m, &len);
	FUZZ_CHECK(line != NULL, "encode failed");
	FUZZ_CHECK(len > 0 && line[len - 1] == '\n', "no trailing newline");
	if (len <= CTL_MAX_REQUEST) {
		FUZZ_CHECK(ctlproto_parse_request(
			       line, len, &again, &code, msg, sizeof(msg)) == 0,
		    "re-encoded request refused: %s", msg);
		FUZZ_CHECK(strcmp(again.cmd, req->cmd) == 0, "cmd changed");
		FUZZ_CHECK(json_equal(again.args, req->args), "args changed");
		ctlproto_request_clear(&again);
	}
	free(line);
	json_decref(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req = { 0 };
	const char *code = NULL, *message = NULL;
	char msg[256];
	json_t *root = NULL, *rdata = NULL;
	int ok = 0;

	msg[0] = '\0';
	if (ctlproto_parse_request(
		(const char *)data, size, &req, &code, msg, sizeof(msg)) == 0) {
		FUZZ_CHECK(req.cmd != NULL, "request without cmd");
		FUZZ_CHECK(json_is_object(req.args), "args not an object");
		size_t n = size;

		while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		FUZZ_CHECK(n < CTL_MAX_REQUEST, "%zu-byte line accepted", n);
		check_round_trip(&req);
		ctlproto_request_clear(&req);
	} else {
		FUZZ_CHECK(code != NULL, "refusal without code");
		FUZZ_CHECK(memchr(msg, '\0', sizeof(msg)) != NULL,
		    "message not terminated");
	}

	if (ctlproto_parse_response((const char *)data, size, &root, &ok,
		&rdata, &code, &message) == 0) {
		if (ok)
			json_decref(rdata);
		else
			FUZZ_CHECK(code != NULL, "error response without code");
		json_decref(root);
	}
	return 0;
}
