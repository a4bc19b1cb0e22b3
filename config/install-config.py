#!/usr/bin/env python3
"""Turn the bundled config into the installed /etc/storywatch/storywatch.json:
baselines by absolute path under DATADIR, the systemd state and runtime
folders, and no demo feed (a service should alert on real news only)."""
import json
import sys

src, dst, datadir = sys.argv[1:4]
with open(src) as f:
    cfg = json.load(f)
for s in cfg.get("stories", []):
    s["baseline"] = [b if b.startswith("/") else datadir + "/" + b for b in s["baseline"]]
cfg["feeds"] = [f for f in cfg.get("feeds", []) if not f["url"].startswith("file:")]
cfg["state_dir"] = "/var/lib/storywatch"
cfg["control_socket"] = "/run/storywatch/control.sock"
with open(dst, "w") as f:
    json.dump(cfg, f, indent=2)
    f.write("\n")
