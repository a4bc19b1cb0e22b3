"""A real HTTP server on 127.0.0.1 for the integration tests, with routes the
test changes while the daemon runs: feeds, article pages, a webhook sink.
It answers conditional GETs, records every request and can misbehave."""
import gzip
import http.server
import threading
import time


class Route:
    def __init__(self, body=b"", status=200, content_type="application/rss+xml",
                 headers=None, etag=None, gzip_body=False, delay=0.0):
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.content_type = content_type
        self.headers = headers or {}
        self.etag = etag
        self.gzip = gzip_body
        self.delay = delay


class FeedServer:
    def __init__(self):
        self.routes = {}
        self.requests = []
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_one(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?")[0]
                with server.lock:
                    server.requests.append({"method": method, "path": path,
                                            "headers": dict(self.headers), "body": body,
                                            "time": time.time()})
                    route = server.routes.get(path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                payload = route.body
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.gzip:
                    payload = gzip.compress(payload)
                    self.send_header("Content-Encoding", "gzip")
                for k, v in route.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if method != "HEAD":
                    self.wfile.write(payload)

            def do_GET(self):
                self.handle_one("GET")

            def do_POST(self):
                self.handle_one("POST")

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # Clients killed mid-request (the crash test) are expected.
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def set(self, path, route):
        with self.lock:
            self.routes[path] = route

    def hits(self, path, method=None):
        with self.lock:
            return [r for r in self.requests if r["path"] == path and (method is None or r["method"] == method)]

    def wait_hits(self, path, n, timeout=20, method=None):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.hits(path, method)) >= n:
                return self.hits(path, method)
            time.sleep(0.02)
        raise AssertionError("%s: %d requests, expected %d" % (path, len(self.hits(path, method)), n))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(items, title="Test feed", link="http://example.org/"):
    """items: list of (guid, title, link, description)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0"><channel><title>%s</title><link>%s</link>' % (title, link)]
    for guid, t, l, desc in items:
        out.append("<item><guid>%s</guid><title>%s</title><link>%s</link>"
                   "<description><![CDATA[%s]]></description>"
                   "<pubDate>Mon, 22 Sep 2025 10:00:00 GMT</pubDate></item>" % (guid, t, l, desc))
    out.append("</channel></rss>")
    return "\n".join(out)
