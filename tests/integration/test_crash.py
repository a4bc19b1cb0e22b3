#!/usr/bin/env python3
"""Crash test: a feed yielding K alerts, a webhook sink, and storywatchd
killed with SIGKILL at random moments, restarted each time.  At the end every
alert the store holds reached the sink at least once, duplicates carry the
same webhook-id, no article was lost, and the database passes integrity_check.

  test_crash.py                 # CI: SW_CRASH_ROUNDS rounds (default 20)
  test_crash.py --rounds 1000   # the full run

Under SW_TEST_WRAPPER (memcheck) the default is 8 rounds, the kill moments
stretched over the 5 times longer the daemon's work takes there, and the
final run, stopped with SIGTERM, must exit 0 with no memcheck error or
definite leak (the SIGKILLed rounds cannot report any).
"""
import argparse
import json
import os
import random
import signal
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feedserver import FeedServer, Route  # noqa: E402
from harness import SLOW, SOURCE, WRAPPER, Daemon  # noqa: E402

STORY = os.path.join(SOURCE, "config", "stories", "microsoft-azure-unit8200")
ROUNDS = int(os.environ.get("SW_CRASH_ROUNDS", "8" if WRAPPER else "20"))
# The moment of each kill is drawn over the span of the daemon's work after
# it is ready (about 1 s; under memcheck about 5 s, not harness.SLOW's 20:
# most kills would then hit an idle daemon).
KILL_SPAN = 1.2 * (5 if WRAPPER else 1)
K = int(os.environ.get("SW_CRASH_ALERTS", "30"))

FIRST = ["Amira", "Jonas", "Keiko", "Tomas", "Leila", "Pavel", "Nadia", "Ruben", "Sofia", "Omar",
         "Ingrid", "Mateo", "Yara", "Henrik", "Dalia", "Felix"]
LAST = ["Haddad", "Lindqvist", "Moreau", "Okafor", "Brennan", "Castellanos", "Novak", "Petrov",
        "Quintero", "Rasmussen", "Sato", "Varga", "Weller", "Zamora"]
CITIES = ["Lisbon", "Oslo", "Nairobi", "Montreal", "Seoul", "Dublin", "Santiago", "Tbilisi",
          "Helsinki", "Accra", "Porto", "Krakow"]


def article(i, rng):
    who = "%s %s" % (rng.choice(FIRST), rng.choice(LAST))
    city = rng.choice(CITIES)
    n = 100 + i * 37
    title = "Unit 8200 Azure review: %s testifies in %s" % (who, city)
    body = ("%s, a former Microsoft contractor, told a hearing in %s that %d engineers had worked on "
            "the segregated Azure environment that Unit 8200 used to store intercepted Palestinian phone "
            "calls. The Covington review of the surveillance program has not yet been published."
            % (who, city, n))
    return title, body


def feed(srv, k):
    rng = random.Random(8200)
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Crash</title>'
           '<link>http://example.org/</link>']
    for i in range(k):
        title, body = article(i, rng)
        out.append("<item><guid>crash-%d</guid><title>%s</title><link>http://example.org/%d</link>"
                   "<description>%s</description><pubDate>Mon, 01 Sep 2025 %02d:%02d:00 GMT</pubDate>"
                   "</item>" % (i, title, i, body, i // 60, i % 60))
    out.append("</channel></rss>")
    return "".join(out)


def run(rounds, k, seed, report=print):
    rng = random.Random(seed)
    srv = FeedServer()
    srv.set("/hook", Route("ok", content_type="text/plain", delay=0.02))
    srv.set("/feed.xml", Route(feed(srv, k)))
    cfg = {
        "fetch": {"min_interval": "1s", "allow_private_addresses": True},
        "stories": [{"id": "s", "title": "Microsoft, Azure and Unit 8200", "fetch_articles": False,
                     "baseline": [os.path.join(STORY, f) for f in sorted(os.listdir(STORY)) if f.endswith(".txt")]}],
        "feeds": [{"id": "crash", "url": srv.url("/feed.xml"), "interval": "1s", "backfill": True}],
        "webhooks": [{"id": "sink", "url": srv.url("/hook"), "secret": "whsec_" + "QUJD" * 8}],
    }
    d = Daemon(cfg, name="crash")
    try:
        for r in range(rounds):
            d.start()
            time.sleep(rng.uniform(0.0, KILL_SPAN))
            d.stop(signal.SIGKILL)
        d.start()
        deadline = time.time() + 120 * SLOW
        while time.time() < deadline:
            st = d.ctl_json("status")["data"]
            feeds = d.ctl_json("feeds")["data"]["feeds"]
            if feeds[0]["polls"] >= 1 and st["items"]["in_progress"] == 0 and \
                    st["deliveries"]["pending"] == 0:
                break
            time.sleep(0.1)
        alerts = d.ctl_json("alerts", "--limit", "1000")["data"]["alerts"]
        dels = d.ctl_json("deliveries", "--limit", "10000")["data"]["deliveries"]
        rc = d.stop()
        db = sqlite3.connect(os.path.join(d.state, "storywatch.db"))
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        seen = db.execute("SELECT count(*) FROM items WHERE feed_id = 'crash'").fetchone()[0]
        db.close()
        hooks = srv.hits("/hook", "POST")
        ids = []
        for h in hooks:
            hd = {key.lower(): v for key, v in h["headers"].items()}
            body = json.loads(h["body"])
            ids.append(hd["webhook-id"])
            if body["id"] != hd["webhook-id"]:
                raise AssertionError("webhook-id %s carries alert %s" % (hd["webhook-id"], body["id"]))
        alert_ids = {a["id"] for a in alerts}
        received = set(ids)
        result = {
            "rounds": rounds, "articles": k, "articles_seen": seen, "alerts": len(alert_ids),
            "deliveries_received": len(ids), "distinct_received": len(received),
            "duplicates": len(ids) - len(received), "missing": len(alert_ids - received),
            "unknown": len(received - alert_ids),
            "delivered_in_store": sum(1 for x in dels if x["state"] == "delivered"),
            "integrity": integrity, "exit": rc,
        }
        report("crash test: " + json.dumps(result))
        return result
    finally:
        d.cleanup()
        srv.close()


class Crash(unittest.TestCase):
    def test_sigkill_rounds(self):
        r = run(ROUNDS, K, seed=int(os.environ.get("SW_CRASH_SEED", "1")))
        self.assertEqual(r["integrity"], "ok")
        self.assertEqual(r["articles_seen"], K, "every article processed exactly once in the end")
        self.assertGreater(r["alerts"], K // 2, "the feed was meant to alert")
        self.assertEqual(r["missing"], 0, "an alert never reached the sink")
        self.assertEqual(r["unknown"], 0, "the sink got an alert the store does not hold")
        self.assertEqual(r["delivered_in_store"], r["alerts"])
        # The last run ends with SIGTERM: a clean exit (under memcheck: no
        # error and no definite leak, else 99).
        self.assertEqual(r["exit"], 0, "the final storywatchd did not exit cleanly")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--alerts", type=int, default=K)
    ap.add_argument("--seed", type=int, default=1)
    a, rest = ap.parse_known_args()
    if a.rounds:
        r = run(a.rounds, a.alerts, a.seed)
        ok = r["integrity"] == "ok" and r["missing"] == 0 and r["unknown"] == 0 and \
            r["articles_seen"] == a.alerts and r["exit"] == 0
        sys.exit(0 if ok else 1)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
