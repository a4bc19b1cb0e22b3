/* Standard Webhooks HMAC-SHA256 signatures, with keys kept where no log can
 * reach them. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "sign.h"

#define WHSEC_PREFIX "whsec_"
#define HMAC_LEN 32

struct notify_secret {
	/* Keyed HMAC-SHA256 context; signing works on a copy of it. */
	EVP_MAC_CTX *mac;
	size_t key_len;
};

static void
msg_clear(struct notify_secret_msg *msg)
{
	msg->error[0] = '\0';
	msg->warning[0] = '\0';
}

/* Strict base64: full quads, standard alphabet, '=' only as padding. */
static int
b64_decode(const char *in, size_t n, unsigned char *out, size_t *out_len)
{
	size_t pad = 0;
	int r;

	if (n == 0 || n % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/') {
			if (pad > 0)
				return -1;
		} else if (c == '=' && i >= n - 2) {
			pad++;
		} else {
			return -1;
		}
	}
	r = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (r < 0 || (size_t)r < pad)
		return -1;
	*out_len = (size_t)r - pad;
	return 0;
}

static struct notify_secret *
secret_new(const unsigned char *key, size_t len, struct notify_secret_msg *msg)
{
	struct notify_secret *s;
	EVP_MAC *mac = NULL;
	OSSL_PARAM params[2];

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(msg->error, sizeof(msg->error), "out of memory");
		return NULL;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL ||
	    (s->mac = EVP_MAC_CTX_new(mac)) == NULL ||
	    EVP_MAC_init(s->mac, key, len, params) != 1) {
		snprintf(msg->error, sizeof(msg->error),
		    "libcrypto: cannot set up HMAC-SHA256");
		EVP_MAC_free(mac);
		notify_secret_free(s);
		return NULL;
	}
	EVP_MAC_free(mac);
	s->key_len = len;
	return s;
}

/* The shared end of every loader; what names the source goes in what. */
static struct notify_secret *
secret_parse(
    const char *text, size_t n, const char *what, struct notify_secret_msg *msg)
{
	struct notify_secret *s = NULL;
	unsigned char *key = NULL;
	size_t klen, plen = strlen(WHSEC_PREFIX);

	if (n == 0) {
		snprintf(msg->error, sizeof(msg->error), "%s: secret is empty",
		    what);
		return NULL;
	}
	if (n > NOTIFY_SECRET_MAX) {
		snprintf(msg->error, sizeof(msg->error),
		    "%s: secret is longer than %d bytes", what,
		    NOTIFY_SECRET_MAX);
		return NULL;
	}
	if (n >= plen && memcmp(text, WHSEC_PREFIX, plen) == 0) {
		if ((key = malloc(n)) == NULL) {
			snprintf(
			    msg->error, sizeof(msg->error), "out of memory");
			return NULL;
		}
		if (b64_decode(text + plen, n - plen, key, &klen) == -1 ||
		    klen == 0) {
			snprintf(msg->error, sizeof(msg->error),
			    "%s: the part after whsec_ is not valid base64",
			    what);
			goto out;
		}
		s = secret_new(key, klen, msg);
	} else {
		klen = n;
		s = secret_new((const unsigned char *)text, n, msg);
	}
	if (s != NULL && klen < NOTIFY_SECRET_MIN_KEY &&
	    msg->warning[0] == '\0')
		snprintf(msg->warning, sizeof(msg->warning),
		    "%s: key is only %zu bytes; Standard Webhooks asks for at "
		    "least %d random bytes",
		    what, klen, NOTIFY_SECRET_MIN_KEY);
out:
	if (key != NULL) {
		OPENSSL_cleanse(key, n);
		free(key);
	}
	return s;
}

struct notify_secret *
notify_secret_from_string(const char *text, struct notify_secret_msg *msg)
{
	msg_clear(msg);
	if (text == NULL) {
		snprintf(msg->error, sizeof(msg->error), "secret: missing");
		return NULL;
	}
	return secret_parse(text, strlen(text), "secret", msg);
}

static struct notify_secret *
secret_load(const char *path, const char *what, int check_mode,
    struct notify_secret_msg *msg)
{
	struct notify_secret *s = NULL;
	char buf[NOTIFY_SECRET_MAX + 3];
	size_t n = 0;
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO planted as the secret must not hang start-up. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) ==
	    -1) {
		snprintf(msg->error, sizeof(msg->error), "%s: %s", what,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(msg->error, sizeof(msg->error), "%s: %s", what,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg->error, sizeof(msg->error),
		    "%s: not a regular file", what);
		goto out;
	}
	/* Read one byte past the limit (plus a CRLF) to notice a long file. */
	while (n < sizeof(buf)) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - n);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(msg->error, sizeof(msg->error), "%s: %s", what,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (check_mode && (st.st_mode & 0044) != 0)
		snprintf(msg->warning, sizeof(msg->warning),
		    "%s is readable by %s (mode %04o); chmod 600 it", what,
		    (st.st_mode & 0004) ? "others" : "its group",
		    (unsigned)(st.st_mode & 07777));
	s = secret_parse(buf, n, what, msg);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return s;
}

struct notify_secret *
notify_secret_from_file(const char *path, struct notify_secret_msg *msg)
{
	char what[200];

	msg_clear(msg);
	if (path == NULL || *path == '\0') {
		snprintf(
		    msg->error, sizeof(msg->error), "secret_file: missing");
		return NULL;
	}
	snprintf(what, sizeof(what), "secret file %s", path);
	return secret_load(path, what, 1, msg);
}

struct notify_secret *
notify_secret_from_credential(const char *name, struct notify_secret_msg *msg)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char what[200], path[4096];

	msg_clear(msg);
	if (name == NULL || *name == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		snprintf(msg->error, sizeof(msg->error),
		    "secret_credential: not a credential name");
		return NULL;
	}
	snprintf(what, sizeof(what), "credential %s", name);
	if (dir == NULL || *dir == '\0') {
		snprintf(msg->error, sizeof(msg->error),
		    "%s: $CREDENTIALS_DIRECTORY is not set (LoadCredential= "
		    "in the unit provides it)",
		    what);
		return NULL;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		snprintf(
		    msg->error, sizeof(msg->error), "%s: path too long", what);
		return NULL;
	}
	/* systemd makes the directory private to the unit: no mode check. */
	return secret_load(path, what, 0, msg);
}

void
notify_secret_free(struct notify_secret *s)
{
	if (s == NULL)
		return;
	/* The HMAC provider wipes its copy of the key when freed. */
	EVP_MAC_CTX_free(s->mac);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

size_t
notify_secret_key_len(const struct notify_secret *s)
{
	return s != NULL ? s->key_len : 0;
}

int
notify_msg_id_valid(const char *id)
{
	size_t n = 0;

	if (id == NULL)
		return 0;
	for (; id[n] != '\0'; n++) {
		char c = id[n];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return n >= 1 && n <= 128;
}

static int
mac_compute(const struct notify_secret *key, const char *msg_id, const char *ts,
    const void *body, size_t len, unsigned char *out)
{
	EVP_MAC_CTX *c;
	size_t olen = 0;
	int ok;

	if ((c = EVP_MAC_CTX_dup(key->mac)) == NULL)
		return -1;
	ok = EVP_MAC_update(c, (const unsigned char *)msg_id, strlen(msg_id)) ==
		1 &&
	    EVP_MAC_update(c, (const unsigned char *)".", 1) == 1 &&
	    EVP_MAC_update(c, (const unsigned char *)ts, strlen(ts)) == 1 &&
	    EVP_MAC_update(c, (const unsigned char *)".", 1) == 1 &&
	    (len == 0 || EVP_MAC_update(c, body, len) == 1) &&
	    EVP_MAC_final(c, out, &olen, HMAC_LEN) == 1 && olen == HMAC_LEN;
	EVP_MAC_CTX_free(c);
	return ok ? 0 : -1;
}

int
notify_sign(const struct notify_secret *const *keys, size_t nkeys,
    const char *msg_id, int64_t timestamp, const void *body, size_t len,
    char *out, size_t outlen)
{
	char ts[24];
	size_t pos = 0;

	if (nkeys == 0 || nkeys > NOTIFY_SIGN_MAX_KEYS ||
	    !notify_msg_id_valid(msg_id) || timestamp < 0 ||
	    outlen < nkeys * 48)
		return -1;
	snprintf(ts, sizeof(ts), "%" PRId64, timestamp);
	for (size_t i = 0; i < nkeys; i++) {
		unsigned char mac[HMAC_LEN];

		if (keys[i] == NULL ||
		    mac_compute(keys[i], msg_id, ts, body, len, mac) == -1)
			return -1;
		if (i > 0)
			out[pos++] = ' ';
		memcpy(out + pos, "v1,", 3);
		pos += 3;
		pos += (size_t)EVP_EncodeBlock(
		    (unsigned char *)out + pos, mac, HMAC_LEN);
	}
	out[pos] = '\0';
	return 0;
}

int
notify_payload_sign(struct notify_payload *p,
    const struct notify_secret *const *keys, size_t nkeys, const char *msg_id,
    int64_t timestamp)
{
	char sig[NOTIFY_SIGNATURE_SIZE], ts[24];

	if (notify_sign(keys, nkeys, msg_id, timestamp, p->body, p->len, sig,
		sizeof(sig)) == -1)
		return -1;
	snprintf(ts, sizeof(ts), "%" PRId64, timestamp);
	if (notify_payload_set_header(p, "webhook-id", msg_id) == -1 ||
	    notify_payload_set_header(p, "webhook-timestamp", ts) == -1 ||
	    notify_payload_set_header(p, "webhook-signature", sig) == -1)
		return -1;
	return 0;
}

int
notify_verify(const struct notify_secret *key, const char *header,
    const char *msg_id, int64_t timestamp, const void *body, size_t len)
{
	char want[NOTIFY_SIGNATURE_SIZE];
	const struct notify_secret *one[1] = { key };
	const char *p = header;
	int match = 0;

	if (key == NULL || header == NULL ||
	    notify_sign(
		one, 1, msg_id, timestamp, body, len, want, sizeof(want)) == -1)
		return 0;
	/* Try every candidate; do not stop early, to keep timing flat. */
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n == strlen(want) && CRYPTO_memcmp(p, want, n) == 0)
			match = 1;
		p += n;
		p += strspn(p, " ");
	}
	return match;
}
