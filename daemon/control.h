/* The control socket server: JSON lines over a Unix stream socket. */
#ifndef SW_CONTROL_H
#define SW_CONTROL_H

#include <sys/types.h>

#include <event2/event.h>
#include <jansson.h>

struct control;

/* Who is asking: from SO_PEERCRED. */
struct control_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

struct control_call;

/*
 * A command handler returns the reply message (ctlproto_ok/ctlproto_error),
 * a new reference the server sends and releases; or CONTROL_LATER after
 * taking the call with control_call_defer() to answer when work is done.
 */
typedef json_t *(*control_handler_fn)(void *arg, const struct control_peer *,
    json_t *args, struct control_call *call);

/* Returned by a handler that will answer later. */
extern const int control_later_marker;
#define CONTROL_LATER ((json_t *)(void *)&control_later_marker)

/*
 * Keep the call open past the handler; NULL on no memory.  The client's
 * next requests wait until it is answered.  Answer exactly once with
 * control_call_reply().
 */
struct control_call *control_call_defer(struct control_call *call);
/* Send reply (stolen) and release the call; dropped if the client left. */
void control_call_reply(struct control_call *call, json_t *reply);

struct control_command {
	const char *name;
	int privileged; /* changes state: root and the service user only */
	control_handler_fn fn;
};

struct control_limits {
	int max_clients;
	int idle_timeout_s;
	mode_t mode; /* socket file mode, e.g. 0660 */
};

/*
 * Listen on path (a stale socket from a crash is replaced; a live one is an
 * error).  cmds must outlive the server.  NULL with a message in err.
 */
struct control *control_new(struct event_base *base, const char *path,
    const struct control_limits *lim, const struct control_command *cmds,
    size_t ncmds, void *arg, char *err, size_t errlen);
/* Stop listening, drop every client, remove the socket file; NULL is harmless.
 */
void control_free(struct control *c);
/* Connected clients now. */
int control_client_count(const struct control *c);

/*
 * True when a server answers at path (another storywatchd is running).
 * Used before taking over a socket path.
 */
int control_socket_is_live(const char *path);

#endif
