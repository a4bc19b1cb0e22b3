#!/usr/bin/env python3
"""Integration tests for feed polling: the real daemon against a real local HTTP server."""
import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feedserver import FeedServer, Route, rss  # noqa: E402
from harness import SLOW, Daemon, run_daemon  # noqa: E402


def items(n, prefix="a"):
    return [("%s%d" % (prefix, i), "Item %d" % i, "http://example.org/%s%d" % (prefix, i), "Text %d" % i)
            for i in range(n)]


class Polling(unittest.TestCase):
    def setUp(self):
        self.srv = FeedServer()
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.cleanup()
        self.srv.close()

    def start(self, feeds, **kw):
        cfg = Daemon.default_config()
        cfg["feeds"] = feeds
        cfg.update(kw)
        self.d = Daemon(cfg).start()
        return self.d

    def feed(self, fid):
        for f in self.d.ctl_json("feeds")["data"]["feeds"]:
            if f["id"] == fid:
                return f
        raise AssertionError("no feed " + fid)

    def wait_feed(self, fid, pred, timeout=20):
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            f = self.feed(fid)
            if pred(f):
                return f
            time.sleep(0.05)
        raise AssertionError("feed %s never reached the state: %s" % (fid, f))

    def test_conditional_get_and_new_items(self):
        self.srv.set("/f.xml", Route(rss(items(3)), etag='"v1"'))
        self.start([{"id": "f", "url": self.srv.url("/f.xml"), "interval": "1h"}])
        f = self.wait_feed("f", lambda f: f["last_result"] == "ok")
        self.assertEqual(f["items"], 3)
        self.assertEqual(f["state"], "idle")
        self.assertEqual(f["http_status"], 200)
        self.assertIn("first poll, 3 items recorded as already seen", self.d.read_log())
        # Same content, same ETag: the second poll is a 304 and nothing is parsed.
        self.d.ctl("poll", "f", check=0)
        hits = self.srv.wait_hits("/f.xml", 2)
        self.assertEqual(hits[1]["headers"].get("If-None-Match"), '"v1"')
        self.wait_feed("f", lambda f: f["last_result"] == "not-modified")
        # A new item and a changed one.
        new = items(3)
        new[1] = ("a1", "Item 1 corrected", "http://example.org/a1", "Text 1, corrected")
        new.append(("a9", "Item 9", "http://example.org/a9", "Brand new"))
        self.srv.set("/f.xml", Route(rss(new), etag='"v2"'))
        self.d.ctl("poll", "f", check=0)
        self.wait_feed("f", lambda f: f["items"] == 4)
        log = self.d.read_log()
        # Both reach the pipeline (off-topic for the story, so no alert).
        self.assertIn('feed f: "Item 9" is not about any story', log)
        self.assertIn('feed f: "Item 1 corrected" is not about any story', log)
        self.assertNotIn('"Item 0"', log)
        st = self.d.ctl_json("status")["data"]
        self.assertEqual((st["items"]["new"], st["items"]["changed"]), (1, 1))

    def test_flood_is_capped(self):
        self.srv.set("/f.xml", Route(rss(items(30, "old"))))
        self.start([{"id": "f", "url": self.srv.url("/f.xml"), "interval": "1h"}])
        self.wait_feed("f", lambda f: f["last_result"] == "ok")
        # 90 new items next to the 30 known ones: too few new ids for churn,
        # far too many to be news.
        self.srv.set("/f.xml", Route(rss(items(30, "old") + items(90, "new"))))
        self.d.ctl("poll", "f", check=0)
        self.wait_feed("f", lambda f: f["items"] == 120)
        st = self.d.ctl_json("status")["data"]["items"]
        self.assertEqual(st["flood_events"], 1)
        log = self.d.read_log()
        self.assertIn("90 new or changed items in one poll (flood)", log)
        self.assertEqual(log.count("is not about any story"), 50)

    def test_state_survives_restart(self):
        self.srv.set("/f.xml", Route(rss(items(2)), etag='"e1"'))
        self.start([{"id": "f", "url": self.srv.url("/f.xml"), "interval": "1m"}],
                   fetch={"min_interval": "1s"})
        self.wait_feed("f", lambda f: f["last_result"] == "ok")
        self.d.stop()
        # Restart well within the interval: not due yet, so no request.
        self.d.start()
        f = self.feed("f")
        self.assertEqual(f["etag"], '"e1"')
        self.assertEqual(len(self.srv.hits("/f.xml")), 1)
        self.d.ctl("poll", "f", check=0)
        hits = self.srv.wait_hits("/f.xml", 2)
        self.assertEqual(hits[1]["headers"].get("If-None-Match"), '"e1"')

    def test_gone_disables(self):
        self.srv.set("/gone.xml", Route("", status=410))
        self.srv.set("/ok.xml", Route(rss(items(1))))
        self.start([{"id": "gone", "url": self.srv.url("/gone.xml")},
                    {"id": "ok", "url": self.srv.url("/ok.xml")}])
        f = self.wait_feed("gone", lambda f: f["state"] == "disabled")
        self.assertEqual(f["http_status"], 410)
        self.assertIsNone(f["next_poll"])
        self.wait_feed("ok", lambda f: f["last_result"] == "ok")
        st = self.d.ctl_json("status")["data"]["feeds"]
        self.assertEqual(st["disabled"], 1)
        self.assertIn("410 Gone", self.d.read_log())
        out = self.d.ctl("feeds", check=0).stdout
        self.assertIn("disabled", out)

    def test_permanent_redirect_moves_feed(self):
        self.srv.set("/old.xml", Route("", status=301, headers={"Location": "/new.xml"}))
        self.srv.set("/new.xml", Route(rss(items(2))))
        self.start([{"id": "f", "url": self.srv.url("/old.xml")}])
        f = self.wait_feed("f", lambda f: f["last_result"] == "ok")
        self.assertEqual(f["url"], self.srv.url("/new.xml"))
        self.assertIn("moved permanently to " + self.srv.url("/new.xml"), self.d.read_log())
        self.d.ctl("poll", "f", check=0)
        self.srv.wait_hits("/new.xml", 2)
        self.assertEqual(len(self.srv.hits("/old.xml")), 1)

    def test_html_page_instead_of_feed(self):
        page = ('<html><head><title>News</title><link rel="alternate" type="application/rss+xml" '
                'href="/real.xml"></head><body><p>hello</p></body></html>')
        self.srv.set("/page", Route(page, content_type="text/html"))
        self.start([{"id": "f", "url": self.srv.url("/page")}])
        f = self.wait_feed("f", lambda f: f["last_result"] == "parse-error")
        self.assertIn(self.srv.url("/page"), f["error"])
        self.assertIn(self.srv.url("/real.xml"), f["error"])
        self.assertEqual(f["state"], "backoff")
        self.assertEqual(f["consecutive_errors"], 1)

    def test_retry_after_honoured(self):
        self.srv.set("/busy.xml", Route("", status=503, headers={"Retry-After": "7200"}))
        self.start([{"id": "f", "url": self.srv.url("/busy.xml"), "interval": "5m"}])
        f = self.wait_feed("f", lambda f: f["consecutive_errors"] == 1)
        self.assertEqual(f["state"], "backoff")
        # Retry-After (2 h) wins over the 5 minute interval.
        next_poll = time.mktime(time.strptime(f["next_poll"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        self.assertGreater(next_poll - time.time(), 7000)
        self.assertIn("HTTP 503", f["error"])

    def test_bad_feed_does_not_hurt_others(self):
        self.srv.set("/bad.xml", Route("<rss><channel><item><title>x</title></item>", content_type="text/xml"))
        self.srv.set("/good.xml", Route(rss(items(5)), gzip_body=True))
        self.start([{"id": "bad", "url": self.srv.url("/bad.xml")},
                    {"id": "good", "url": self.srv.url("/good.xml")},
                    {"id": "down", "url": "http://127.0.0.1:9/none.xml"}])
        self.wait_feed("good", lambda f: f["last_result"] == "ok" and f["items"] == 5)
        self.wait_feed("down", lambda f: f["consecutive_errors"] == 1)
        bad = self.wait_feed("bad", lambda f: f["last_result"] is not None)
        self.assertTrue(bad["bozo"] or bad["error"], bad)
        self.assertIsNone(self.d.proc.poll())


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


class Quarantine(unittest.TestCase):
    def test_document_that_killed_the_daemon_is_not_parsed_again(self):
        srv = FeedServer()
        d = None
        try:
            body = rss(items(3)).encode()
            srv.set("/f.xml", Route(body))
            cfg = Daemon.default_config()
            cfg["feeds"] = [{"id": "f", "url": srv.url("/f.xml"), "interval": "1h"}]
            d = Daemon(cfg)
            # What a process killed while parsing this very document leaves behind.
            os.makedirs(d.state, exist_ok=True)
            with open(os.path.join(d.state, "inflight"), "wb") as f:
                rec = ("feed f %016x\n" % fnv1a64(body)).encode()
                f.write(rec + b"\0" * (512 - len(rec)))
            d.start()
            deadline = time.time() + 20 * SLOW
            while time.time() < deadline:
                f = d.ctl_json("feeds")["data"]["feeds"][0]
                if f["last_result"]:
                    break
                time.sleep(0.05)
            self.assertEqual(f["last_result"], "quarantined", f)
            self.assertEqual(f["items"], 0)
            st = d.ctl_json("status")["data"]
            self.assertEqual(st["quarantined"], ["feed f %016x" % fnv1a64(body)])
            self.assertIn("quarantined and will not be handled again", d.read_log())
            # Once the feed changes, it is parsed as usual; the quarantine survives restarts.
            srv.set("/f.xml", Route(rss(items(4))))
            d.stop()
            d.start()
            d.ctl("poll", "f", check=0)
            deadline = time.time() + 20 * SLOW
            while time.time() < deadline:
                f = d.ctl_json("feeds")["data"]["feeds"][0]
                if f["last_result"] == "ok":
                    break
                time.sleep(0.05)
            self.assertEqual((f["last_result"], f["items"]), ("ok", 4))
            self.assertEqual(len(d.ctl_json("status")["data"]["quarantined"]), 1)
        finally:
            if d:
                d.cleanup()
            srv.close()


class DiskFull(unittest.TestCase):
    def test_disk_full_pauses_polling_and_recovers(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to mount a small tmpfs")
        srv = FeedServer()
        d = None
        mnt = None
        try:
            srv.set("/f.xml", Route(rss(items(2))))
            cfg = Daemon.default_config()
            cfg["feeds"] = [{"id": "f", "url": srv.url("/f.xml"), "interval": "1m"}]
            cfg["fetch"] = {"min_interval": "1s"}
            d = Daemon(cfg)
            mnt = d.state
            os.makedirs(mnt, exist_ok=True)
            if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt]).returncode != 0:
                mnt = None
                self.skipTest("cannot mount a tmpfs here")
            d.start()
            self.assertEqual(d.ctl("status").returncode, 0)
            # Fill the disk, then make the feed write a lot.
            with open(os.path.join(mnt, "filler"), "wb") as f:
                try:
                    while True:
                        f.write(b"x" * 65536)
                        f.flush()
                except OSError:
                    pass
            srv.set("/f.xml", Route(rss(items(400, "big-" + "y" * 1500))))
            d.ctl("poll", "f", check=0)
            deadline = time.time() + 30 * SLOW
            while time.time() < deadline:
                st = d.ctl_json("status")["data"]
                if st.get("disk_full_since"):
                    break
                time.sleep(0.1)
            self.assertIn("disk_full_since", st, d.read_log())
            self.assertIn("polling paused", d.read_log())
            self.assertIn("DISK FULL", d.ctl("status", check=0).stdout)
            self.assertIsNone(d.proc.poll())
            # Room again: the daemon notices by itself and polls again.
            os.unlink(os.path.join(mnt, "filler"))
            deadline = time.time() + 60 * SLOW
            while time.time() < deadline:
                st = d.ctl_json("status")["data"]
                if not st.get("disk_full_since"):
                    break
                time.sleep(0.2)
            self.assertNotIn("disk_full_since", st)
            self.assertIn("polling resumes", d.read_log())
        finally:
            if d:
                d.stop()
            if mnt:
                subprocess.run(["umount", "-l", mnt])
            if d:
                d.cleanup()
            srv.close()


class Once(unittest.TestCase):
    def test_once_polls_all_and_exits(self):
        srv = FeedServer()
        d = None
        try:
            for i in range(20):
                srv.set("/f%d.xml" % i, Route(rss(items(5, "f%d-" % i))))
            cfg = Daemon.default_config()
            cfg["feeds"] = [{"id": "f%d" % i, "url": srv.url("/f%d.xml" % i)} for i in range(20)]
            cfg["feeds"].append({"id": "down", "url": "http://127.0.0.1:9/x.xml"})
            d = Daemon(cfg)
            r = run_daemon(["-c", d.config_path, "--once"], capture_output=True, text=True,
                           timeout=60 * SLOW)
            # Failing feeds are not a failure of storywatchd itself.
            self.assertEqual(r.returncode, 0, r.stderr)
            for i in range(20):
                self.assertEqual(len(srv.hits("/f%d.xml" % i)), 1)
            self.assertIn("--once: 21 feeds polled", r.stderr)
            self.assertFalse(os.path.exists(d.socket))
            # Again at once on the same state: every feed is polled again
            # (conditionally), not left until its interval has passed.
            r = run_daemon(["-c", d.config_path, "--once"], capture_output=True, text=True,
                           timeout=60 * SLOW)
            self.assertEqual(r.returncode, 0, r.stderr)
            for i in range(20):
                self.assertEqual(len(srv.hits("/f%d.xml" % i)), 2)
        finally:
            if d:
                d.cleanup()
            srv.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
