"""A raw-socket HTTP server on loopback for the hostile-input suite.

Unlike tests/integration/feedserver.py it writes bytes itself, so a route can
misbehave below HTTP: drip one byte at a time, never answer, send an endless
chunked body, reset the connection, lie in Content-Length, or send any bytes
at all.  Every request is recorded (method, path, headers, body, time) so a
test can prove that something was, or was never, fetched.
"""
import gzip
import socket
import ssl
import struct
import threading
import time
import zlib


class Request:
    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        self.path = target.split("?")[0]
        self.headers = headers
        self.body = body
        self.time = time.time()

    def header(self, name):
        return self.headers.get(name.lower())


def response(status=200, body=b"", content_type="application/rss+xml", headers=None,
             gzip_body=False, reason=None):
    """The bytes of one complete response that closes the connection."""
    if isinstance(body, str):
        body = body.encode()
    hdrs = dict(headers or {})
    if gzip_body:
        body = gzip.compress(body)
        hdrs["Content-Encoding"] = "gzip"
    out = ["HTTP/1.1 %d %s" % (status, reason or REASONS.get(status, "Status"))]
    if content_type:
        out.append("Content-Type: " + content_type)
    for k, v in hdrs.items():
        out.append("%s: %s" % (k, v))
    if "Content-Length" not in hdrs:
        out.append("Content-Length: %d" % len(body))
    out.append("Connection: close")
    return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body


REASONS = {200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
           307: "Temporary Redirect", 308: "Permanent Redirect", 404: "Not Found", 410: "Gone",
           429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


class Server:
    """Routes map an exact path (or a prefix ending in '*') to bytes, or to a
    callable(conn, request, server) that does the talking itself."""

    def __init__(self, host="127.0.0.1", tls_context=None):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(256)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.tls = tls_context
        self.routes = {}
        self.requests = []
        self.connections = 0
        self.open = 0
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def base(self, scheme=None):
        scheme = scheme or ("https" if self.tls else "http")
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s://%s:%d" % (scheme, host, self.port)

    def url(self, path):
        return self.base() + path

    def set(self, path, what):
        with self.lock:
            self.routes[path] = what

    def hits(self, path=None, prefix=None):
        with self.lock:
            return [r for r in self.requests
                    if (path is None or r.path == path) and (prefix is None or r.path.startswith(prefix))]

    def wait_hits(self, path, n, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.hits(path)) >= n:
                return self.hits(path)
            time.sleep(0.02)
        raise AssertionError("%s: %d requests, expected %d" % (path, len(self.hits(path)), n))

    def close(self):
        self.stopping = True
        try:
            self.sock.close()
        except OSError:
            pass

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self.open += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _route(self, path):
        with self.lock:
            if path in self.routes:
                return self.routes[path]
            best = None
            for k, v in self.routes.items():
                if k.endswith("*") and path.startswith(k[:-1]) and (best is None or len(k) > len(best[0])):
                    best = (k, v)
            return best[1] if best else None

    def _serve(self, conn):
        try:
            conn.settimeout(60)
            if self.tls is not None:
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return
            req = self._read_request(conn)
            if req is None:
                return
            with self.lock:
                self.requests.append(req)
            what = self._route(req.path)
            if what is None:
                conn.sendall(response(404, b"", content_type=None))
            elif callable(what):
                what(conn, req, self)
            else:
                conn.sendall(what)
        except (OSError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass
            with self.lock:
                self.open -= 1

    @staticmethod
    def _read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
            if len(data) > 1 << 20:
                return None
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) < 2:
            return None
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length") or 0)
        while len(rest) < n:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        return Request(parts[0], parts[1], headers, rest)


# Behaviours below the HTTP layer, as route callables.

def hang(seconds=30):
    """Read the request, never answer, keep the socket open."""
    def run(conn, req, srv):
        end = time.time() + seconds
        while time.time() < end and not srv.stopping:
            time.sleep(0.1)
    return run


def drip(data, interval=1.0, limit_s=30):
    """Send data one byte per interval (headers too: slowloris)."""
    def run(conn, req, srv):
        end = time.time() + limit_s
        for i in range(len(data)):
            if time.time() > end or srv.stopping:
                return
            conn.sendall(data[i:i + 1])
            time.sleep(interval)
    return run


def endless_chunked(chunk=b"<item><title>x</title></item>" * 512, limit_s=30, delay=0.0):
    """200 with a chunked body that never ends (until the peer hangs up),
    one chunk every delay seconds."""
    def run(conn, req, srv):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n"
                     b"6\r\n<rss>\n\r\n")
        piece = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        end = time.time() + limit_s
        sent = 0
        while time.time() < end and not srv.stopping:
            conn.sendall(piece)
            sent += len(chunk)
            if delay:
                time.sleep(delay)
        srv.endless_sent = sent
    return run


def reset():
    """Answer the request with a TCP reset."""
    def run(conn, req, srv):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return run


def lying_length(length, sent=b"<rss>", hold_s=10):
    """Announce a huge Content-Length, send a few bytes, then wait."""
    def run(conn, req, srv):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                     b"Content-Length: %d\r\n\r\n" % length + sent)
        end = time.time() + hold_s
        while time.time() < end and not srv.stopping:
            time.sleep(0.1)
    return run


def deflate_bomb(decoded_size, encoding="gzip"):
    """A small body that decodes to decoded_size bytes of zeros."""
    if encoding == "gzip":
        co = zlib.compressobj(9, zlib.DEFLATED, 31)
    else:
        co = zlib.compressobj(9, zlib.DEFLATED, 15)
    block = b"\0" * (1 << 20)
    parts = [co.compress(b"<rss><channel><title>")]
    for _ in range(decoded_size >> 20):
        parts.append(co.compress(block))
    parts.append(co.flush())
    body = b"".join(parts)
    return response(200, body, headers={"Content-Encoding": encoding})


def tls_context(certfile, keyfile):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certfile, keyfile)
    return ctx
