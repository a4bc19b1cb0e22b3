/* The control protocol shared by storywatchd and storywatchctl: JSON lines. */
#ifndef SW_CTLPROTO_H
#define SW_CTLPROTO_H

#include <stddef.h>
#include <jansson.h>

#define CTL_PROTO_VERSION 1
/* Longest request or response line accepted, newline included. */
#define CTL_MAX_REQUEST 16384
#define CTL_MAX_RESPONSE (64 * 1024 * 1024)

/* Error codes carried in {"ok":false,"error":CODE}. */
#define CTL_E_PARSE "bad-request"
#define CTL_E_VERSION "bad-version"
#define CTL_E_UNKNOWN "unknown-command"
#define CTL_E_ARGS "bad-arguments"
#define CTL_E_TOO_LONG "request-too-long"
#define CTL_E_DENIED "permission-denied"
#define CTL_E_FAILED "failed"
#define CTL_E_NOT_FOUND "not-found"

/* A decoded request; owns cmd and args. */
struct ctl_request {
	char *cmd;
	json_t *args; /* always an object */
};

/*
 * Decode one request line (without or with its trailing newline).
 * 0 and *req filled, or -1 with *code set to a CTL_E_* constant and msg
 * (of msglen bytes) holding a message for the client.
 */
int ctlproto_parse_request(const char *line, size_t len,
    struct ctl_request *req, const char **code, char *msg, size_t msglen);
/* Release what a parsed request owns. */
void ctlproto_request_clear(struct ctl_request *req);

/* Build {"v":1,"cmd":cmd,"args":args}; steals args (may be NULL). New reference
 * or NULL. */
json_t *ctlproto_request_new(const char *cmd, json_t *args);
/* Build {"v":1,"ok":true,"data":data}; steals data (NULL means {}). */
json_t *ctlproto_ok(json_t *data);
/* Build {"v":1,"ok":false,"error":code,"message":...}. New reference. */
json_t *ctlproto_error(const char *code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Serialise msg compactly with a trailing newline; caller frees; NULL on
 * failure. */
char *ctlproto_encode(const json_t *msg, size_t *len_out);

/*
 * Decode a response line.  0 with *ok set; on ok, *data is a new reference
 * (the "data" member); otherwise *code and *message point into *root, which the
 * caller must json_decref.  -1 when the line is not a valid response.
 */
int ctlproto_parse_response(const char *line, size_t len, json_t **root,
    int *ok, json_t **data, const char **code, const char **message);

#endif
