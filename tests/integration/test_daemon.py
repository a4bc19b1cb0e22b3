#!/usr/bin/env python3
"""Integration tests: the built storywatchd and storywatchctl, as a user runs them."""
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SLOW, SOURCE, Daemon, run_ctl, run_daemon  # noqa: E402


class CheckConfig(unittest.TestCase):
    def test_ok_and_errors(self):
        d = Daemon()
        try:
            r = run_daemon(["-c", d.config_path, "--check-config"], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertTrue(r.stdout.startswith("configuration OK"), r.stdout)
            bad_line = '  "feeds": [{"id": "a", "url": "http://x/", "interval": "soon"}],'
            d.write_config('{\n' + bad_line + '\n  "colour": 1\n}\n')
            col = bad_line.index('"soon"') + 1
            r = run_daemon(["-c", d.config_path, "--check-config"], capture_output=True, text=True)
            self.assertEqual(r.returncode, 1)
            lines = r.stderr.splitlines()
            self.assertIn(d.config_path + ':2:%d: feeds[0].interval: expected a duration such as "15m"' % col, lines)
            self.assertIn(d.config_path + ":3:3: colour: unknown key", lines)
        finally:
            d.cleanup()

    def test_version_help_usage(self):
        r = run_daemon(["--version"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^storywatchd \d+\.\d+")
        r = run_daemon(["--bogus"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.d = Daemon().start()

    def tearDown(self):
        self.d.cleanup()

    def test_status(self):
        r = self.d.ctl("status", check=0)
        self.assertIn("pid %d" % self.d.proc.pid, r.stdout)
        self.assertIn(self.d.config_path, r.stdout)
        st = self.d.ctl_json("status")
        self.assertEqual(st["v"], 1)
        self.assertTrue(st["ok"])
        data = st["data"]
        self.assertEqual(data["pid"], self.d.proc.pid)
        self.assertEqual((data["stories"], data["feeds"]["total"], data["webhooks"]), (1, 1, 0))
        self.assertIsNone(data["last_reload"])
        # Unique prefixes work as in chronyc and bgpctl.
        self.assertEqual(self.d.ctl("stat").returncode, 0)
        self.assertIn("loaded configuration " + self.d.config_path, self.d.read_log())

    def test_reload_valid_change(self):
        cfg = Daemon.default_config()
        cfg["feeds"].append({"id": "f2", "url": "http://127.0.0.1:9/other.xml"})
        self.d.write_config(cfg)
        r = self.d.ctl("reload", check=0)
        data = self.d.ctl_json("status")["data"]
        self.assertEqual(data["feeds"]["total"], 2)
        self.assertTrue(data["last_reload"]["ok"])

    def test_sighup_broken_config_keeps_running(self):
        text = '{"feeds": [{"id": "x", "url": "http://x/", "interval": "never"}]}'
        self.d.write_config(text)
        self.d.send_signal(signal.SIGHUP)
        deadline = time.time() + 20 * SLOW
        while time.time() < deadline:
            data = self.d.ctl_json("status")["data"]
            if data["last_reload"] is not None:
                break
            time.sleep(0.05)
        self.assertIsNone(self.d.proc.poll())
        self.assertFalse(data["last_reload"]["ok"])
        self.assertIn(self.d.config_path + ":1:%d: feeds[0].interval: expected a duration" % (text.index('"never"') + 1),
                      data["last_reload"]["error"])
        self.assertEqual(data["feeds"]["total"], 1, "old config must stay in force")
        self.assertIn("FAILED", self.d.ctl("status", check=0).stdout)
        # reload through the socket reports the failure with exit 1
        r = self.d.ctl("reload")
        self.assertEqual(r.returncode, 1)
        self.assertIn("feeds[0].interval", r.stderr)
        self.assertIn("still running on the previous configuration", self.d.read_log())

    def test_sigterm_exits_zero_and_removes_socket(self):
        rc = self.d.stop(signal.SIGTERM)
        self.assertEqual(rc, 0)
        self.assertFalse(os.path.exists(self.d.socket))
        r = run_ctl(["-s", self.d.socket, "status"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 3)
        self.assertIn(self.d.socket, r.stderr)

    def test_second_instance_refused(self):
        r = run_daemon(["-c", self.d.config_path], capture_output=True, text=True, timeout=30 * SLOW)
        self.assertEqual(r.returncode, 1)
        self.assertIn("another storywatchd is running", r.stderr)
        self.assertEqual(self.d.ctl("status").returncode, 0)

    def test_ctl_usage_errors(self):
        r = self.d.ctl("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertIn("valid commands:", r.stderr)
        r = self.d.ctl("status", "extra")
        self.assertEqual(r.returncode, 2)
        r = run_ctl([], capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)


class BadClients(unittest.TestCase):
    def setUp(self):
        self.d = Daemon().start()

    def tearDown(self):
        self.d.cleanup()

    def assert_alive(self):
        self.assertIsNone(self.d.proc.poll(), self.d.read_log())
        self.assertEqual(self.d.ctl("status").returncode, 0)

    def test_not_json(self):
        r = self.d.request(b"hello there\n")
        self.assertFalse(r["ok"])
        self.assertEqual(r["error"], "bad-request")
        self.assert_alive()

    def test_http_request_dropped(self):
        r = self.d.request(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(r is None or not r["ok"])
        self.assert_alive()

    def test_unknown_command(self):
        r = self.d.request({"v": 1, "cmd": "self-destruct"})
        self.assertEqual(r["error"], "unknown-command")
        r = self.d.request({"v": 7, "cmd": "status"})
        self.assertEqual(r["error"], "bad-version")
        self.assert_alive()

    def test_line_over_64k(self):
        r = self.d.request(b"{" + b" " * (70 * 1024) + b"\n")
        self.assertTrue(r is None or r["error"] == "request-too-long")
        r = self.d.request(b"x" * (1024 * 1024))  # no newline at all
        self.assertTrue(r is None or r["error"] == "request-too-long")
        self.assert_alive()

    def test_half_line_then_silence(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.d.socket)
        s.sendall(b'{"v":1,"cmd":"sta')
        # Others are served while it waits...
        t0 = time.time()
        self.assert_alive()
        self.assertLess(time.time() - t0, 4 * SLOW)
        # ...and it is dropped after the idle deadline.
        s.settimeout(30 * SLOW)
        self.assertEqual(s.recv(100), b"")
        s.close()

    def test_request_in_time_survives_a_blocked_loop(self):
        # A request that arrived before the 5 s idle deadline is answered
        # even when the loop only gets to it after the deadline (a loop
        # blocked by a long parse, or slowed by memcheck): SIGSTOP stands in
        # for the blocked loop.
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30 * SLOW)
        s.connect(self.d.socket)
        f = s.makefile("rb")
        s.sendall(b'{"v":1,"cmd":"status"}\n')
        self.assertTrue(json.loads(f.readline())["ok"])  # accepted and read
        self.d.send_signal(signal.SIGSTOP)
        try:
            s.sendall(b'{"v":1,"cmd":"status"}\n')
            time.sleep(6.5)
        finally:
            self.d.send_signal(signal.SIGCONT)
        try:
            line = f.readline()
        except ConnectionResetError:
            line = b""
        s.close()
        self.assertTrue(line, "dropped as idle although the request had arrived:\n" + self.d.read_log()[-2000:])
        self.assertTrue(json.loads(line)["ok"])
        self.assert_alive()

    def test_disconnect_mid_reply(self):
        for _ in range(50):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.d.socket)
            s.sendall(b'{"v":1,"cmd":"status"}\n' * 50)
            s.close()
        self.assert_alive()

    def test_200_clients(self):
        results = []
        lock = threading.Lock()

        def one():
            try:
                r = self.d.request({"v": 1, "cmd": "status"}, timeout=30)
            except OSError:
                r = None
            with lock:
                results.append(r)

        threads = [threading.Thread(target=one) for _ in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(results), 200)
        for r in results:
            # Each is served, told the daemon is busy, or dropped.
            self.assertTrue(r is None or r["ok"] or r["error"] == "busy", r)
        self.assertGreater(sum(1 for r in results if r and r["ok"]), 50)
        self.assert_alive()


class Startup(unittest.TestCase):
    def test_stale_socket_replaced(self):
        d = Daemon()
        try:
            os.makedirs(d.state, exist_ok=True)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(d.socket)  # bound, never listening: what a crash leaves
            s.close()
            d.start()
            self.assertEqual(d.ctl("status").returncode, 0)
        finally:
            d.cleanup()

    def test_socket_and_its_folder_modes(self):
        # The folder lets the service's group in and no one else; the
        # socket is for that group too (read-only commands, see row 41).
        d = Daemon()
        run = os.path.join(d.dir, "run")
        d.socket = os.path.join(run, "control.sock")
        old = os.umask(0o022)
        try:
            d.start(env={"RUNTIME_DIRECTORY": run})
        finally:
            os.umask(old)
        try:
            self.assertEqual(os.stat(run).st_mode & 0o7777, 0o750)
            self.assertEqual(os.stat(d.socket).st_mode & 0o7777, 0o660)
            self.assertEqual(d.ctl("status").returncode, 0)
        finally:
            d.cleanup()

    def test_bad_config_refuses_start(self):
        d = Daemon(config='{"feeds": 3}')
        try:
            d.start(wait=False)
            rc = d.proc.wait(30 * SLOW)
            self.assertEqual(rc, 1)
            self.assertIn(":1:11: feeds: expected a list of feeds", d.read_log())
        finally:
            d.cleanup()

    def test_corrupt_store_refuses_start(self):
        d = Daemon()
        try:
            os.makedirs(d.state, exist_ok=True)
            with open(os.path.join(d.state, "storywatch.db"), "wb") as f:
                f.write(b"garbage" * 1000)
            d.start(wait=False)
            rc = d.proc.wait(30 * SLOW)
            self.assertEqual(rc, 1)
            self.assertIn("storywatch.db", d.read_log())
            with open(os.path.join(d.state, "storywatch.db"), "rb") as f:
                self.assertEqual(f.read(7), b"garbage")
        finally:
            d.cleanup()


class Secrets(unittest.TestCase):
    def test_inline_secret_in_readable_config_warned_never_logged(self):
        secret = "whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY="
        cfg = Daemon.default_config()
        cfg["webhooks"] = [{"id": "h", "url": "http://127.0.0.1:9/hook", "secret": secret}]
        d = Daemon(cfg)
        try:
            os.chmod(d.config_path, 0o644)
            d.start()
            for cmd in ("status", "deliveries"):
                self.assertNotIn(secret[6:], d.ctl("--json", cmd, check=0).stdout)
            d.stop()
            log = d.read_log()
            self.assertIn("webhook h: its secret is written in %s, which is readable by others" % d.config_path,
                          log)
            # Private again: the next start says nothing about it.
            os.chmod(d.config_path, 0o600)
            d.start()
            d.stop()
            log = d.read_log()
            self.assertEqual(log.count("readable by"), 1, log)
            self.assertNotIn(secret[6:], log)
            self.assertNotIn("secret-key-for-tests", log)
        finally:
            d.cleanup()


class CtlOffline(unittest.TestCase):
    """storywatchctl's offline commands (parse, analyze): no daemon, so under
    --setup=valgrinddaemon they are the part of the client that only these
    runs put under memcheck."""

    FEED = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example</title>'
            '<link>http://example.org/</link><item><guid>a1</guid><title>First item</title><link>/a1</link>'
            '<description>Text one</description><pubDate>Mon, 22 Sep 2025 10:00:00 GMT</pubDate></item>'
            '<item><guid>a2</guid><title>Second</title><link>http://example.org/a2</link></item>'
            '</channel></rss>')
    PAGE = ('<html><head><title>x</title><link rel="alternate" type="application/rss+xml" href="/r.xml">'
            '</head><body><p>hi</p></body></html>')

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ctl-offline-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def ctl(self, *args):
        return run_ctl(list(args), capture_output=True, text=True)

    def test_parse(self):
        feed = self.write("f.xml", self.FEED)
        r = self.ctl("parse", "--base-url", "http://example.org/feed/", feed)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("rss20", r.stdout)
        self.assertIn("2 entries", r.stdout)
        self.assertIn("http://example.org/a1", r.stdout)
        r = self.ctl("--json", "parse", feed)
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual([e["id"] for e in doc["entries"]], ["a1", "a2"])
        self.assertEqual(doc["entries"][0]["published"], "2025-09-22T10:00:00Z")
        page = self.write("p.html", self.PAGE)
        r = self.ctl("parse", "--content-type", "text/html", "--base-url", "http://example.org/x", page)
        self.assertEqual(r.returncode, 1)
        self.assertIn("feed advertised: http://example.org/r.xml", r.stdout)
        r = self.ctl("parse", os.path.join(self.dir, "missing.xml"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("missing.xml", r.stderr)
        r = self.ctl("parse")
        self.assertEqual(r.returncode, 2)

    def test_analyze_with_baseline(self):
        story = os.path.join(SOURCE, "config", "stories", "microsoft-azure-unit8200")
        baseline = [os.path.join(story, f) for f in sorted(os.listdir(story)) if f.endswith(".txt")]
        art = self.write("art.txt", "Microsoft cuts off Israeli unit\nMicrosoft has ceased and disabled a set of "
                                    "services to a unit within the Israel Ministry of Defense, Brad Smith said.\n")
        r = self.ctl("--json", "analyze", "--baseline", *baseline, art)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout.splitlines()[0])
        self.assertTrue(out["relevant"])
        self.assertIn("ceased and disabled", " ".join(c["text"] for c in out["new_claims"]))
        r = self.ctl("analyze", "--baseline", *baseline, art)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ceased and disabled", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
