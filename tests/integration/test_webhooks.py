#!/usr/bin/env python3
"""Webhook delivery through the real daemon: retries, 410, a hanging
receiver that must not hold up another, redeliver and test-webhook."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feedserver import FeedServer, Route  # noqa: E402
from harness import SLOW, SOURCE, Daemon  # noqa: E402

STORY = os.path.join(SOURCE, "config", "stories", "microsoft-azure-unit8200")
BODY = ("Amira Haddad, a former Microsoft contractor, told a hearing in Lisbon that 137 engineers had "
        "worked on the segregated Azure environment that Unit 8200 used to store intercepted Palestinian "
        "phone calls. The Covington review of the surveillance program has not yet been published.")


def feed():
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><link>http://example.org/</link>'
            '<item><guid>w1</guid><title>Unit 8200 Azure review: Amira Haddad testifies in Lisbon</title>'
            '<link>http://example.org/w1</link><description>%s</description></item></channel></rss>' % BODY)


class Webhooks(unittest.TestCase):
    def setUp(self):
        self.srv = FeedServer()
        self.srv.set("/feed.xml", Route(feed()))
        self.d = None

    def tearDown(self):
        if self.d:
            self.d.cleanup()
        self.srv.close()

    def start(self, hooks):
        cfg = {
            "fetch": {"allow_private_addresses": True},
            "stories": [{"id": "s", "title": "Unit 8200 and Azure", "fetch_articles": False,
                         "baseline": [os.path.join(STORY, f) for f in sorted(os.listdir(STORY))
                                      if f.endswith(".txt")]}],
            "feeds": [{"id": "w", "url": self.srv.url("/feed.xml"), "interval": "1h", "backfill": True}],
            "webhooks": hooks,
        }
        self.d = Daemon(cfg, name="hooks").start()
        deadline = time.time() + 20 * SLOW
        while time.time() < deadline:
            alerts = self.d.ctl_json("alerts")["data"]["alerts"]
            if alerts:
                return alerts[0]
            time.sleep(0.05)
        raise AssertionError("no alert:\n" + self.d.read_log())

    def deliveries(self, hook):
        return self.d.ctl_json("deliveries", "--webhook", hook)["data"]["deliveries"]

    def wait_state(self, hook, state, timeout=30):
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            ds = self.deliveries(hook)
            if ds and ds[0]["state"] == state:
                return ds[0]
            time.sleep(0.1)
        raise AssertionError("%s never %s: %s\n%s" % (hook, state, self.deliveries(hook), self.d.read_log()))

    def test_retry_then_delivered_with_same_id(self):
        self.srv.set("/hook", Route("busy", status=500, content_type="text/plain"))
        alert = self.start([{"id": "h", "url": self.srv.url("/hook")}])
        d = self.wait_state("h", "retrying")
        self.assertEqual((d["attempts"], d["last_status"]), (1, 500))
        self.assertIn("500", d["last_error"])
        self.assertIsNotNone(d["next_attempt"])
        self.assertEqual(self.d.ctl_json("status")["data"]["deliveries"]["pending"], 1)
        # The receiver recovers: the next attempt (about 5 s later) delivers.
        self.srv.set("/hook", Route("ok", content_type="text/plain"))
        d = self.wait_state("h", "delivered", timeout=30)
        self.assertEqual(d["attempts"], 2)
        ids = [h["headers"].get("webhook-id") for h in self.srv.hits("/hook", "POST")]
        self.assertEqual(ids, [alert["id"], alert["id"]])
        text = self.d.ctl("deliveries", check=0).stdout
        self.assertIn("delivered", text)

    def test_gone_disables_only_that_webhook(self):
        self.srv.set("/gone", Route("", status=410))
        self.srv.set("/ok", Route("ok", content_type="text/plain"))
        alert = self.start([{"id": "gone", "url": self.srv.url("/gone")},
                            {"id": "ok", "url": self.srv.url("/ok")}])
        self.wait_state("ok", "delivered")
        deadline = time.time() + 20 * SLOW
        while time.time() < deadline:
            hooks = {w["id"]: w for w in self.d.ctl_json("status")["data"]["webhooks_detail"]}
            if hooks["gone"]["state"] != "active":
                break
            time.sleep(0.05)
        self.assertIn("410", hooks["gone"]["state"])
        self.assertIn("410 Gone; webhook disabled", self.d.read_log())
        # The delivery stays queued for when the receiver is fixed.
        self.assertEqual(self.deliveries("gone")[0]["state"], "pending")
        self.assertEqual(self.srv.hits("/ok", "POST")[0]["headers"]["webhook-id"], alert["id"])

    def test_hanging_receiver_does_not_delay_another(self):
        self.srv.set("/slow", Route("ok", content_type="text/plain", delay=8))
        self.srv.set("/fast", Route("ok", content_type="text/plain"))
        self.start([{"id": "slow", "url": self.srv.url("/slow"), "timeout": "2s"},
                    {"id": "fast", "url": self.srv.url("/fast")}])
        t0 = time.time()
        self.wait_state("fast", "delivered", timeout=10)
        self.assertLess(time.time() - t0, 2 * SLOW)
        d = self.wait_state("slow", "retrying", timeout=20)
        self.assertIn("imed out", d["last_error"] or "")

    def test_redeliver_and_test_webhook(self):
        self.srv.set("/hook", Route("ok", content_type="text/plain"))
        alert = self.start([{"id": "h", "url": self.srv.url("/hook")}])
        self.wait_state("h", "delivered")
        r = self.d.ctl("redeliver", alert["id"], check=0)
        self.assertIn("1 delivery queued again", r.stdout)
        hits = self.srv.wait_hits("/hook", 2, method="POST")
        self.assertEqual([h["headers"]["webhook-id"] for h in hits], [alert["id"]] * 2)
        self.assertEqual(self.d.ctl("redeliver", "swa_nope").returncode, 1)
        r = self.d.ctl("test-webhook", "h", check=0)
        self.assertRegex(r.stdout, r"^delivered: HTTP 200 in \d+ ms")
        sample = json.loads(self.srv.hits("/hook", "POST")[-1]["body"])
        self.assertTrue(sample["test"])
        self.assertEqual(self.d.ctl("test-webhook", "nope").returncode, 1)
        self.srv.set("/hook", Route("no", status=503, content_type="text/plain"))
        r = self.d.ctl("test-webhook", "h")
        self.assertEqual(r.returncode, 1)
        self.assertIn("HTTP 503", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
