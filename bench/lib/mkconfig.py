#!/usr/bin/python3
"""Write a storywatchd config that polls every URL of a feed list (bench/run.sh).

  mkconfig.py URLS.txt STATE_DIR OUT.json [--interval 15m] [--max-per-host N]
              [--max-connections N] [--story-dir DIR]

The shipped story (config/stories/microsoft-azure-unit8200) is the one story, so
the daemon loads a real knowledge base as it would in production; no webhook is
configured, so nothing leaves the machine.
"""
import argparse
import json
import os

ap = argparse.ArgumentParser()
ap.add_argument("urls")
ap.add_argument("state_dir")
ap.add_argument("out")
ap.add_argument("--interval", default="15m")
ap.add_argument("--max-per-host", type=int, default=32)
ap.add_argument("--max-connections", type=int, default=64)
ap.add_argument("--story-dir", required=True)
ap.add_argument("--log-level", default="warning")
a = ap.parse_args()
urls = [u.strip() for u in open(a.urls) if u.strip()]
story_dir = os.path.abspath(a.story_dir)
baseline = sorted(os.path.join(story_dir, f) for f in os.listdir(story_dir)
                  if f.endswith(".txt"))
cfg = {
    "log_level": a.log_level,
    "state_dir": os.path.abspath(a.state_dir),
    "fetch": {
        "max_connections": a.max_connections,
        "max_per_host": a.max_per_host,
        "allow_private_addresses": True,
    },
    "stories": [{
        "id": "microsoft-azure-unit8200",
        "title": "Microsoft, Azure and Israel's Unit 8200",
        "baseline": baseline,
        "terms": ["Unit 8200", "Azure", "Covington"],
    }],
    "feeds": [{"id": "f%05d" % i, "url": u, "interval": a.interval}
              for i, u in enumerate(urls)],
    "webhooks": [],
}
with open(a.out, "w") as f:
    json.dump(cfg, f, indent=1)
