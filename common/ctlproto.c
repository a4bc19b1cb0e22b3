/* The control protocol shared by storywatchd and storywatchctl: JSON lines. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"

int
ctlproto_parse_request(const char *line, size_t len, struct ctl_request *req,
    const char **code, char *msg, size_t msglen)
{
	json_error_t jerr;
	json_t *root, *v, *cmd, *args;

	req->cmd = NULL;
	req->args = NULL;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= CTL_MAX_REQUEST) {
		*code = CTL_E_TOO_LONG;
		snprintf(msg, msglen, "request longer than %d bytes",
		    CTL_MAX_REQUEST);
		return -1;
	}
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		*code = CTL_E_PARSE;
		snprintf(msg, msglen, "not JSON: column %d: %s", jerr.column,
		    jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		*code = CTL_E_PARSE;
		snprintf(msg, msglen, "request must be a JSON object");
		goto fail;
	}
	v = json_object_get(root, "v");
	if (!json_is_integer(v) || json_integer_value(v) != CTL_PROTO_VERSION) {
		*code = CTL_E_VERSION;
		snprintf(msg, msglen, "\"v\" must be %d", CTL_PROTO_VERSION);
		goto fail;
	}
	cmd = json_object_get(root, "cmd");
	if (!json_is_string(cmd) || json_string_length(cmd) == 0) {
		*code = CTL_E_PARSE;
		snprintf(msg, msglen, "\"cmd\" must be a non-empty string");
		goto fail;
	}
	args = json_object_get(root, "args");
	if (args != NULL && !json_is_object(args) && !json_is_null(args)) {
		*code = CTL_E_ARGS;
		snprintf(msg, msglen, "\"args\" must be an object");
		goto fail;
	}
	req->cmd = strdup(json_string_value(cmd));
	req->args = json_is_object(args) ? json_incref(args) : json_object();
	json_decref(root);
	if (req->cmd == NULL || req->args == NULL) {
		ctlproto_request_clear(req);
		*code = CTL_E_FAILED;
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	return 0;
fail:
	json_decref(root);
	return -1;
}

void
ctlproto_request_clear(struct ctl_request *req)
{
	free(req->cmd);
	json_decref(req->args);
	req->cmd = NULL;
	req->args = NULL;
}

json_t *
ctlproto_request_new(const char *cmd, json_t *args)
{
	return json_pack("{s:i, s:s, s:o}", "v", CTL_PROTO_VERSION, "cmd", cmd,
	    "args", args != NULL ? args : json_object());
}

json_t *
ctlproto_ok(json_t *data)
{
	return json_pack("{s:i, s:b, s:o}", "v", CTL_PROTO_VERSION, "ok", 1,
	    "data", data != NULL ? data : json_object());
}

json_t *
ctlproto_error(const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:i, s:b, s:s, s:s}", "v", CTL_PROTO_VERSION, "ok",
	    0, "error", code, "message", msg);
}

char *
ctlproto_encode(const json_t *msg, size_t *len_out)
{
	char *s, *line;
	size_t n;

	s = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	line = realloc(s, n + 2);
	if (line == NULL) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	if (len_out != NULL)
		*len_out = n + 1;
	return line;
}

int
ctlproto_parse_response(const char *line, size_t len, json_t **root, int *ok,
    json_t **data, const char **code, const char **message)
{
	json_t *r, *okv;

	*root = NULL;
	*data = NULL;
	*code = NULL;
	*message = NULL;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	r = json_loadb(line, len, 0, NULL);
	if (!json_is_object(r))
		goto fail;
	okv = json_object_get(r, "ok");
	if (!json_is_boolean(okv))
		goto fail;
	*ok = json_is_true(okv);
	if (*ok) {
		*data = json_incref(json_object_get(r, "data"));
		if (*data == NULL)
			*data = json_object();
	} else {
		*code = json_string_value(json_object_get(r, "error"));
		*message = json_string_value(json_object_get(r, "message"));
		if (*code == NULL)
			*code = CTL_E_FAILED;
		if (*message == NULL)
			*message = "";
	}
	*root = r;
	return 0;
fail:
	json_decref(r);
	return -1;
}
