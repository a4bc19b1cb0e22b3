#!/usr/bin/env python3
"""End to end: a local feed server publishes one step at a time, storywatchd
watches the default story, and a local webhook sink records what arrives.

  1. an article restating the baseline        -> no alert
  2. a follow-up with new claims              -> exactly one alert, signed
  3. the same news from another outlet        -> no alert; corroboration 2
  4. an article with a new death toll         -> alert with the changed figure
  5. an update of (2) adding one sentence     -> alert with that sentence only
  6. an Azure outage                          -> nothing
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feedserver import FeedServer, Route  # noqa: E402
from harness import SLOW, SOURCE, Daemon  # noqa: E402

STORY = os.path.join(SOURCE, "config", "stories", "microsoft-azure-unit8200")
SECRET_KEY = bytes(range(1, 33))
SECRET = "whsec_" + base64.b64encode(SECRET_KEY).decode()

ARTICLES = {
    "restate": ("Microsoft orders review of Israeli military's cloud use", [
        "Microsoft has brought in outside lawyers to examine claims that Israel's military surveillance "
        "agency, Unit 8200, used the company's Azure cloud to hold recordings of phone calls made by "
        "Palestinians.",
        "Microsoft said that storing data from mass surveillance of civilians in Gaza and the West Bank "
        "would breach its terms of service.",
    ]),
    "followup": ("Microsoft cuts off Israeli military unit's access to cloud services", [
        "Microsoft has ceased and disabled a set of services to a unit within the Israel Ministry of "
        "Defense, company president Brad Smith told employees on Thursday.",
        "Smith said the review had found evidence supporting elements of the reporting, including the "
        "ministry's consumption of Azure storage capacity in the Netherlands and its use of AI services.",
    ]),
    "other-outlet": ("Microsoft withdraws some services from Israel's defence ministry", [
        "Microsoft has switched off some cloud services it provided to a unit of Israel's Ministry of "
        "Defense, company president Brad Smith said in a message to staff.",
        "According to Smith, the review found evidence backing parts of the reporting, among them the "
        "ministry's use of Azure storage capacity in the Netherlands and of AI services.",
    ]),
    "toll": ("Rights groups press Microsoft over Unit 8200 Azure review as toll rises", [
        "Human rights organisations urged Microsoft to publish the full findings of the Covington review "
        "into Unit 8200's use of Azure.",
        "Since October 2023, more than 67,000 Palestinians have been killed, according to the Gaza Health "
        "Ministry.",
    ]),
    "outage": ("Azure outage disrupts Microsoft 365 and Xbox", [
        "A configuration change in Azure Front Door caused a global outage that took down Microsoft 365, "
        "Outlook and Xbox Live for several hours.",
        "Microsoft said it rolled back the change and services recovered through the evening.",
    ]),
}
UPDATE_SENTENCE = ("Israeli security officials said the unit had already moved the intercepted "
                   "recordings to Amazon Web Services.")


def page(title, paras):
    body = "".join("<p>%s</p>" % p for p in paras)
    return ("<html><head><title>%s</title></head><body><nav><a href='/'>Home</a> <a href='/world'>World</a>"
            "</nav><article><h1>%s</h1>%s</article><footer>Copyright Example News</footer></body></html>"
            % (title, title, body))


def rss(srv, items):
    out = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example News</title>'
           '<link>http://example.org/</link>']
    for key, guid, title, paras, pub in items:
        out.append("<item><guid>%s</guid><title>%s</title><link>%s</link><description>%s</description>"
                   "<pubDate>%s</pubDate></item>" % (guid, title, srv.url("/a/" + key), paras[0][:120], pub))
    out.append("</channel></rss>")
    return "".join(out)


class EndToEnd(unittest.TestCase):
    def setUp(self):
        self.srv = FeedServer()
        self.srv.set("/hook", Route("ok", content_type="text/plain"))
        self.items = []
        self.publish()
        cfg = {
            "fetch": {"allow_private_addresses": True},
            "stories": [{"id": "microsoft-azure-unit8200", "title": "Microsoft, Azure and Unit 8200",
                         "baseline": [os.path.join(STORY, f) for f in sorted(os.listdir(STORY))
                                      if f.endswith(".txt")],
                         "terms": ["Unit 8200", "Azure", "Covington"]}],
            "feeds": [{"id": "news", "url": self.srv.url("/feed.xml"), "interval": "1h"}],
            "webhooks": [{"id": "sink", "url": self.srv.url("/hook"), "secret": SECRET}],
        }
        self.d = Daemon(cfg, name="e2e").start()
        self.polls = 0
        self.wait_polled()

    def tearDown(self):
        self.d.cleanup()
        self.srv.close()

    def publish(self):
        self.srv.set("/feed.xml", Route(rss(self.srv, self.items)))

    def add(self, key, paras=None, guid=None, day=1):
        title, ps = ARTICLES[key]
        ps = paras or ps
        self.srv.set("/a/" + key, Route(page(title, ps), content_type="text/html; charset=utf-8"))
        guid = guid or key
        self.items = [i for i in self.items if i[1] != guid]
        self.items.insert(0, (key, guid, title, ps, "Mon, %02d Sep 2025 10:00:00 GMT" % day))
        self.publish()

    def status(self):
        return self.d.ctl_json("status")["data"]

    def wait_polled(self):
        """Poll now and wait until the poll and everything it started is done."""
        self.polls += 1
        if self.polls > 1:
            self.d.ctl("poll", "news", check=0)
        deadline = time.time() + 30 * SLOW
        while time.time() < deadline:
            feeds = self.d.ctl_json("feeds")["data"]["feeds"]
            st = self.status()
            if feeds[0]["polls"] >= self.polls and st["items"]["in_progress"] == 0 \
                    and st["deliveries"]["pending"] == 0:
                return st
            time.sleep(0.05)
        raise AssertionError("poll %d did not finish:\n%s" % (self.polls, self.d.read_log()))

    def alerts(self):
        return self.d.ctl_json("alerts", "--limit", "100")["data"]["alerts"]

    def hooks(self):
        return self.srv.hits("/hook", "POST")

    def check_signature(self, req):
        h = {k.lower(): v for k, v in req["headers"].items()}
        msg = "%s.%s.%s" % (h["webhook-id"], h["webhook-timestamp"], req["body"].decode())
        want = base64.b64encode(hmac.new(SECRET_KEY, msg.encode(), hashlib.sha256).digest()).decode()
        self.assertIn("v1," + want, h["webhook-signature"].split(" "))
        return h["webhook-id"]

    def test_story_develops(self):
        # 1. A restatement of the baseline: about the story, nothing new.
        self.add("restate", day=1)
        self.wait_polled()
        self.assertEqual(self.alerts(), [], self.d.read_log())
        self.assertEqual(self.hooks(), [])

        # 2. A follow-up: exactly one alert, with its claims, signed.
        self.add("followup", day=2)
        self.wait_polled()
        alerts = self.alerts()
        self.assertEqual(len(alerts), 1, self.d.read_log())
        a = alerts[0]
        self.assertEqual(a["kind"], "new_article")
        texts = " ".join(c["text"] for c in a["new_claims"])
        self.assertIn("ceased and disabled a set of services", texts)
        hooks = self.srv.wait_hits("/hook", 1, method="POST")
        self.assertEqual(len(hooks), 1)
        self.assertEqual(self.check_signature(hooks[0]), a["id"])
        self.assertEqual(json.loads(hooks[0]["body"])["id"], a["id"])

        # 3. The same news in other words from another outlet: no alert, corroboration 2.
        self.add("other-outlet", day=3)
        self.wait_polled()
        self.assertEqual(len(self.alerts()), 1, self.d.read_log())
        tl = self.d.ctl_json("timeline", "microsoft-azure-unit8200")["data"]
        self.assertTrue(any(item["corroboration"] == 2 for item in tl["learned"]),
                        "%s\n%s" % (tl["learned"], self.d.read_log()))

        # 4. A new death toll: the changed figure, old -> new.
        self.add("toll", day=4)
        self.wait_polled()
        alerts = self.alerts()
        self.assertEqual(len(alerts), 2, self.d.read_log())
        figs = alerts[0]["changed_figures"]
        self.assertEqual(len(figs), 1, alerts[0])
        self.assertEqual(figs[0]["old"]["value"], 60000)
        self.assertEqual(figs[0]["new"]["value"], 67000)

        # 5. Article (2) updated with one sentence (and a new date in the
        # feed, as publishers do): only that sentence.
        title, paras = ARTICLES["followup"]
        self.add("followup", paras=paras + [UPDATE_SENTENCE], day=6)
        self.wait_polled()
        alerts = self.alerts()
        self.assertEqual(len(alerts), 3, self.d.read_log())
        self.assertEqual(alerts[0]["kind"], "article_updated")
        self.assertEqual([c["text"] for c in alerts[0]["new_claims"]], [UPDATE_SENTENCE])

        # 6. Off topic: nothing.
        self.add("outage", day=5)
        self.wait_polled()
        self.assertEqual(len(self.alerts()), 3)
        hooks = self.srv.wait_hits("/hook", 3, method="POST")
        self.assertEqual(len(hooks), 3)
        ids = [self.check_signature(h) for h in hooks]
        self.assertEqual(ids, [a["id"] for a in reversed(self.alerts())], "in order")

        # Offline, the same story: the follow-up is news against the baseline
        # alone, and known once what the daemon learned is included.
        art = os.path.join(self.d.dir, "followup.txt")
        with open(art, "w") as f:
            f.write(ARTICLES["followup"][0] + "\n" + " ".join(ARTICLES["followup"][1]) + "\n")
        base = ["-c", self.d.config_path, "analyze", "--story", "microsoft-azure-unit8200", "--json"]
        plain = json.loads(self.d.ctl(*base, art, check=0).stdout)
        learned = json.loads(self.d.ctl(*(base + ["--learned"]), art, check=0).stdout)
        self.assertTrue(plain["relevant"])
        self.assertGreater(len(plain["new_claims"]), 0)
        self.assertEqual(learned["new_claims"], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
