/* Standard Webhooks signing (HMAC-SHA256, "v1,"), and secrets that never get
 * printed. */
#ifndef SW_NOTIFY_SIGN_H
#define SW_NOTIFY_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "payload.h"

/*
 * A signing key.  Opaque on purpose: there is no way to get the key bytes
 * back out, so nothing can log or print them.  The memory holding the key
 * is wiped when the secret is freed.
 */
struct notify_secret;

/* Longest secret text accepted (inline, file or credential), in bytes. */
#define NOTIFY_SECRET_MAX 4096
/* Keys shorter than this (the spec's minimum) load, with a warning. */
#define NOTIFY_SECRET_MIN_KEY 24

/*
 * What loading a secret has to say.  Messages name the file or credential,
 * never any of its content.  warning is set (non-empty) for a secret that
 * loaded but deserves the operator's attention: a file readable by group
 * or others, or a key shorter than NOTIFY_SECRET_MIN_KEY bytes.
 */
struct notify_secret_msg {
	char error[512];
	char warning[512];
};

/*
 * A secret from its text: "whsec_" + base64 is decoded to the key (as the
 * Standard Webhooks spec says); anything else is used as raw bytes.  New
 * object (free with notify_secret_free), or NULL with msg->error set.
 */
struct notify_secret *notify_secret_from_string(
    const char *text, struct notify_secret_msg *msg);
/*
 * A secret from a file (one trailing newline is ignored); warns when the
 * file is readable by group or others.  Same conventions.
 */
struct notify_secret *notify_secret_from_file(
    const char *path, struct notify_secret_msg *msg);
/*
 * A secret from the systemd credential name ($CREDENTIALS_DIRECTORY/name,
 * LoadCredential= or SetCredentialEncrypted=).  Same conventions.
 */
struct notify_secret *notify_secret_from_credential(
    const char *name, struct notify_secret_msg *msg);
/* Wipe and free; NULL is harmless. */
void notify_secret_free(struct notify_secret *s);
/* Length of the key in bytes (for status; never the key itself). */
size_t notify_secret_key_len(const struct notify_secret *s);

/* Keys signed with at once: the current one plus old ones during rotation. */
#define NOTIFY_SIGN_MAX_KEYS 4
/* Room for a webhook-signature value: "v1," + 44 base64 + space, per key. */
#define NOTIFY_SIGNATURE_SIZE (NOTIFY_SIGN_MAX_KEYS * 48 + 1)

/*
 * True when id can be a webhook-id: 1 to 128 of [A-Za-z0-9_-] (no '.',
 * which would make the signed content ambiguous).
 */
int notify_msg_id_valid(const char *id);

/*
 * Compute the webhook-signature value for (msg_id, timestamp, body) with
 * each of nkeys keys: "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>",
 * space-separated, into out (NOTIFY_SIGNATURE_SIZE bytes suffice).
 * 0, or -1 on a bad id, negative timestamp, no or too many keys, a short
 * out, or a libcrypto failure.
 */
int notify_sign(const struct notify_secret *const *keys, size_t nkeys,
    const char *msg_id, int64_t timestamp, const void *body, size_t len,
    char *out, size_t outlen);

/*
 * Set webhook-id, webhook-timestamp and webhook-signature on p for its
 * body, replacing earlier ones (so a retry re-signs with a fresh
 * timestamp and the same id).  0, or -1 as notify_sign or when the header
 * table is full.
 */
int notify_payload_sign(struct notify_payload *p,
    const struct notify_secret *const *keys, size_t nkeys, const char *msg_id,
    int64_t timestamp);

/*
 * Receiver side, for tests and local tools: 1 when any v1 signature in
 * header (a webhook-signature value) matches key over (msg_id, timestamp,
 * body), compared in constant time; 0 otherwise.
 */
int notify_verify(const struct notify_secret *key, const char *header,
    const char *msg_id, int64_t timestamp, const void *body, size_t len);

#endif
