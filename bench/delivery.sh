#!/bin/sh
# Webhook delivery from the durable outbox: deliveries per second from a
# backlog of N pending alerts to a local sink (nginx answering 200 at once),
# with the store's durable writes on, and the daemon's peak RSS.
#   bench/delivery.sh [BUILD_DIR] [N ...]     (default: build 10000 100000)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
sizes=${*:-10000 100000}
daemon=$build/daemon/storywatchd
[ -x "$daemon" ] || { echo "no $daemon: build first" >&2; exit 1; }
command -v nginx >/dev/null || { echo "SKIP: nginx not installed"; exit 0; }
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 not installed"; exit 0; }
[ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time not installed"; exit 0; }

work=$(mktemp -d)
nginx_pid=
cleanup() {
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        location /hook { return 200 "ok\n"; }
    }
}
NGINX
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
sleep 0.5

printf 'Microsoft opened a review of Unit 8200 and Azure.\n' > "$work/base.txt"
cat > "$work/config.json" <<JSON
{
  "state_dir": "$work/state",
  "stories": [{"id": "s", "title": "Story", "baseline": ["$work/base.txt"]}],
  "webhooks": [{"id": "sink", "url": "http://127.0.0.1:$port/hook",
                "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]
}
JSON

printf '%-10s %10s %14s %12s %10s\n' pending seconds deliveries/s cpu_seconds peak_rss
for n in $sizes; do
	rm -rf "$work/state"
	"$daemon" -c "$work/config.json" --once -l error   # creates the schema
	python3 - "$work/state/storywatch.db" "$n" <<'PY'
import json, sqlite3, sys
db, n = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
rows, dels = [], []
for i in range(n):
    aid = "swa_%032x" % i
    alert = {"version": 1, "id": aid, "kind": "new_article", "detected_at": "2025-09-25T10:00:00Z",
             "story": {"id": "s", "title": "Story"},
             "article": {"url": "https://example.org/%d" % i, "title": "Article %d" % i,
                         "published": None, "feed": {"id": "f", "title": None}},
             "new_claims": [{"text": "Claim number %d about the review of Azure use." % i,
                             "novelty": 0.8, "nearest": None}],
             "changed_figures": [], "corroborated": []}
    rows.append((aid, "s", 1758794400, "new_article", alert["article"]["url"], alert["article"]["title"],
                 "f", json.dumps(alert, separators=(",", ":"))))
    dels.append((aid, "sink", 1758794400, 0))
db.executemany("INSERT INTO alerts (id, story_id, created_at, kind, article_url, article_title, feed_id, payload)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.executemany("INSERT INTO deliveries (alert_id, webhook_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?)",
               dels)
db.commit()
PY
	/usr/bin/time -v -o "$work/time.txt" "$daemon" -c "$work/config.json" --once -l error
	delivered=$(sqlite3 "$work/state/storywatch.db" "SELECT count(*) FROM deliveries WHERE state = 'delivered'")
	[ "$delivered" -eq "$n" ] || { echo "only $delivered of $n delivered" >&2; exit 1; }
	python3 - "$work/time.txt" "$n" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def field(name):
    return re.search(re.escape(name) + r":\s*(.+)", t).group(1).strip()
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)")) / 1024
n = int(sys.argv[2])
print("%-10d %10.2f %14.0f %12.2f %8.1f MB" % (n, secs, n / secs, cpu, rss))
PY
done
