#!/usr/bin/python3
"""Turn bench/run.sh's raw figures into the table of medians (and docs/performance.md).

  report.py RESULTS.tsv META.tsv CLAIMS.txt NOTIFY.txt [--doc docs/performance.md]

RESULTS.tsv: N, contender, phase, run, status, wall s, CPU s, peak RSS KB, items, note.
Prints the tables to stdout; --doc also writes the whole document.
"""
import argparse
import statistics
import sys

CONTENDERS = ["storywatch", "newsboat", "feedparser"]
FLOORS = ["fetch-floor", "parse-floor"]


def load(path):
    rows = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 10:
            continue
        rows.append({"n": int(f[0]), "who": f[1], "phase": f[2], "run": f[3], "st": f[4],
                     "wall": float(f[5]), "cpu": float(f[6]), "rss": int(f[7]),
                     "items": f[8], "note": f[9]})
    return rows


def load_meta(path):
    m = {}
    for line in open(path):
        k, _, v = line.rstrip("\n").partition("\t")
        m[k] = v
    return m


def spread(vals, fmt):
    if not vals:
        return "–"
    med = statistics.median(vals)
    if len(vals) == 1:
        return fmt(med)
    return "%s (%s–%s)" % (fmt(med), fmt(min(vals)), fmt(max(vals)))


def secs(v):
    return "%.2f s" % v if v < 10 else "%.1f s" % v


def mb(kb):
    return "%.0f MB" % (kb / 1024.0)


class Cell:
    """The runs of one contender, one N, one phase."""

    def __init__(self, rows, limit):
        self.rows = rows
        self.ok = [r for r in rows if r["st"] == "ok"]
        self.limit = limit

    def status(self):
        if not self.rows:
            return "not run"
        bad = [r["st"] for r in self.rows if r["st"] != "ok"]
        if not bad:
            return "ok"
        if "timeout" in bad:
            return "did not finish in %s s" % self.limit
        return bad[0]

    def median(self, key):
        return statistics.median([r[key] for r in self.ok]) if self.ok else None

    def fmt(self, key, f):
        if not self.ok:
            return self.status()
        return spread([r[key] for r in self.ok], f)

    def items(self):
        return self.ok[-1]["items"] if self.ok else ""


def cells(rows, limit):
    out = {}
    for r in rows:
        out.setdefault((r["n"], r["who"], r["phase"]), []).append(r)
    return {k: Cell(v, limit) for k, v in out.items()}


def main_table(rows, meta):
    limit = meta.get("limit", "?")
    c = cells(rows, limit)
    ns = sorted({r["n"] for r in rows})
    lines = ["| feeds | contender | run | wall | user+sys CPU | peak RSS | what it did | wall vs storywatch |",
             "|---:|---|---|---|---|---|---|---|"]
    for n in ns:
        for phase in ["cold", "warm", "second"]:
            sw = c.get((n, "storywatch", "warm" if phase == "second" else phase))
            swm = sw.median("wall") if sw else None
            for who in CONTENDERS:
                cell = c.get((n, who, phase))
                if cell is None:
                    continue
                wall = cell.fmt("wall", secs)
                st = cell.status()
                if not cell.ok and st.startswith("did not finish"):
                    wall = "> %s s (limit)" % limit
                ratio = ""
                m = cell.median("wall")
                if who != "storywatch" and swm and m:
                    ratio = ("%.1f× slower" % (m / swm)) if m >= swm else ("%.1f× faster" % (swm / m))
                elif who != "storywatch" and swm and st.startswith("did not finish"):
                    ratio = "> %.0f× slower" % (float(limit) / swm)
                if not cell.ok and not st.startswith("did not finish"):
                    wall = st
                lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    "{:,}".format(n), who,
                    "second poll (unconditional)" if phase == "second" else phase, wall,
                    cell.fmt("cpu", secs) if cell.ok else "–",
                    cell.fmt("rss", mb) if cell.ok else "–", cell.items(), ratio))
    return "\n".join(lines), c, ns


def floor_table(c, ns):
    lines = ["| feeds | stage | how | wall | user+sys CPU | peak RSS |", "|---:|---|---|---|---|---|"]
    for n in ns:
        for who, phase, what in [("fetch-floor", "cold", "fetch, every feed 200 (gzip)"),
                                 ("fetch-floor", "warm", "fetch, every feed 304"),
                                 ("parse-floor", "cold", "libxml2 parse of every feed")]:
            cell = c.get((n, who, phase))
            if cell is None:
                continue
            how = cell.rows[-1]["note"] if cell.rows else ""
            lines.append("| %s | %s | %s | %s | %s | %s |" % (
                "{:,}".format(n), what, how, cell.fmt("wall", secs),
                cell.fmt("cpu", secs) if cell.ok else "–", cell.fmt("rss", mb) if cell.ok else "–"))
    return "\n".join(lines)


def gap_table(c, ns):
    lines = ["| feeds | run | storywatch wall / CPU | floors: fetch + parse, wall / CPU | overhead (wall) | overhead (CPU) |",
             "|---:|---|---|---|---|---|"]
    for n in ns:
        for phase in ["cold", "warm"]:
            sw = c.get((n, "storywatch", phase))
            fe = c.get((n, "fetch-floor", phase))
            pa = c.get((n, "parse-floor", "cold")) if phase == "cold" else None
            if not sw or not sw.ok or not fe or not fe.ok:
                continue
            fw, fc = fe.median("wall"), fe.median("cpu")
            if pa and pa.ok:
                fw += pa.median("wall")
                fc += pa.median("cpu")
            sw_w, sw_c = sw.median("wall"), sw.median("cpu")
            lines.append("| %s | %s | %s / %s | %s / %s | %s | %s |" % (
                "{:,}".format(n), phase, secs(sw_w), secs(sw_c), secs(fw), secs(fc),
                "%+.2f s" % (sw_w - fw), "%+.2f s" % (sw_c - fc)))
    return "\n".join(lines)


def targets(c, meta):
    res = []

    def wall(n, who, phase):
        cell = c.get((n, who, phase))
        return cell.median("wall") if cell and cell.ok else None

    def cpu(n, who, phase):
        cell = c.get((n, who, phase))
        return cell.median("cpu") if cell and cell.ok else None

    def check(name, ok, got, cpu_view=""):
        res.append("| %s | %s | %s | %s |" % (name, got, cpu_view,
                                             "met" if ok else ("**missed**" if ok is not None else "not measured")))

    for n, cold_t, warm_t in [(1000, 2.0, 0.5), (10000, 15.0, 3.0)]:
        cw, ww = wall(n, "storywatch", "cold"), wall(n, "storywatch", "warm")
        cc, wc = cpu(n, "storywatch", "cold"), cpu(n, "storywatch", "warm")
        check("%s feeds cold ≤ %g s" % ("{:,}".format(n), cold_t), None if cw is None else cw <= cold_t,
              secs(cw) if cw is not None else "–", "%s CPU" % secs(cc) if cc is not None else "")
        check("%s feeds warm ≤ %g s" % ("{:,}".format(n), warm_t), None if ww is None else ww <= warm_t,
              secs(ww) if ww is not None else "–", "%s CPU" % secs(wc) if wc is not None else "")
    sw = wall(1000, "storywatch", "cold")
    for who in ["newsboat", "feedparser"]:
        cell = c.get((1000, who, "cold"))
        other = wall(1000, who, "cold")
        swc, oc = cpu(1000, "storywatch", "cold"), cpu(1000, who, "cold")
        if sw and other:
            check("1,000 feeds cold: ≥ 10× faster than %s" % who, other / sw >= 10, "%.1f×" % (other / sw),
                  "%.1f× less CPU" % (oc / swc) if oc and swc else "")
        elif sw and cell and cell.status().startswith("did not finish"):
            check("1,000 feeds cold: ≥ 10× faster than %s" % who, float(meta.get("limit", 0)) / sw >= 10,
                  "> %.0f× (it did not finish)" % (float(meta.get("limit", 0)) / sw))
        else:
            check("1,000 feeds cold: ≥ 10× faster than %s" % who, None, "–")
    cell = c.get((10000, "storywatch", "cold"))
    rss = max((r["rss"] for r in cell.ok), default=None) if cell else None
    check("peak RSS ≤ 64 MB at 10,000 feeds (worst run)", None if rss is None else rss <= 64 * 1024,
          mb(rss) if rss is not None else "–")
    cpu = meta.get("idle_cpu_s")
    if cpu:
        check("idle: CPU ≈ 0 (%s feeds, %s s)" % (meta.get("idle_feeds"), meta.get("idle_seconds")),
              float(cpu) <= 0.05, "%s s CPU" % cpu)
        check("idle: no periodic wakeups", float(meta.get("idle_wakeups_per_s", "0")) < 0.2,
              "%s wakeups/s" % meta.get("idle_wakeups_per_s"))
    return ("| target | wall (median) | CPU view | |\n|---|---|---|---|\n" + "\n".join(res) +
            "\n\nThe targets are on wall time; the CPU column is the same runs' user+sys "
            "time, which other load on a shared machine disturbs much less.")


def idle_table(meta):
    if "idle_cpu_s" not in meta:
        return "The idle measurement did not run (%s)." % meta.get("idle", "no storywatch run of ≤ 1,000 feeds")
    return "\n".join([
        "| feeds | window | CPU (utime+stime) | wakeups (schedstat runs) | context switches | RSS (peak) | threads | perf stat |",
        "|---:|---|---|---|---|---|---|---|",
        "| %s | %s s | %s s | %s (%s/s) | %s | %s (%s) | %s | %s |" % (
            "{:,}".format(int(meta["idle_feeds"])), meta["idle_seconds"], meta["idle_cpu_s"],
            meta["idle_wakeups"], meta["idle_wakeups_per_s"], meta["idle_switches"],
            mb(int(meta["idle_rss_kb"])), mb(int(meta["idle_hwm_kb"])), meta["idle_threads"],
            meta.get("idle_perf", "").replace("|", "/"))])


def code(text):
    return "```\n" + text.strip() + "\n```"


DOC_HEAD = """# Performance

Every figure in this file comes from one run of the benchmark suite, and the
file is rewritten by it:

```sh
bench/run.sh --write-doc                 # 1,000 and 10,000 feeds, 3 runs each
bench/run.sh --quick                     # 100 feeds, 1 run: what CI runs (figures not judged)
```

`bench/run.sh --help` lists the options (`--feeds`, `--runs`, `--limit`,
`--idle`, `--farm DIR` to keep and reuse the generated farm, `--build DIR`,
`--keep`). It needs the Debian packages `nginx python3 curl time newsboat
python3-feedparser libxml2-utils` (`linux-perf` is used for the idle figures
when it works); a contender that is missing is reported as "not installed".
It never contacts an address off this machine.
"""

DOC_HOW = """## Where to look next

The gap between storywatch and the sum of its floors is where its own work
is. To see which functions it is, profile a cold run on a smaller farm;
`SW_BENCH_WRAP` is put in front of storywatchd's cold runs (perf does not
sample in every container; callgrind always works, and a
`-Dbuildtype=debugoptimized` build names source lines):

```sh
meson setup build-prof -Dbuildtype=debugoptimized -Dtests=false
SW_BENCH_WRAP='valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p' \\
    bench/run.sh --feeds 500 --runs 1 --build build-prof
callgrind_annotate --inclusive=yes /tmp/cg.NNNN | head -60
```

## What is measured, and how

**The farm.** `bench/lib/gen-farm.py` (a copy of `../shared/bench/gen-farm.py`)
writes a deterministic farm of N feeds of 20 items each, about 60% RSS 2.0
and 40% Atom, about 58 KB of XML per feed (the full article text is in each
item), with precompressed `.gz` copies, into a temporary directory. Debian's
nginx serves it on 127.0.0.1 and a free port, started on its own
configuration (`bench/lib/nginx.conf.in`: one worker, ETag and Last-Modified,
conditional GET answered 304, `gzip_static`), and stopped by its pid at the
end. One nginx worker leaves the other core to the contender.

**Cold** is a first poll with an empty state; **warm** is the next poll round
on the state the cold run left: every feed is fetched with its ETag or date
and answers 304. Each contender is run `--runs` times (cold then warm, each
pair on a fresh state); the table gives the median with min–max. Wall time,
user+sys CPU and peak RSS are those of the whole process tree, from GNU
`time` (`/usr/bin/time -f '%e %U %S %M'`), under `timeout`: a contender that
does not finish within the limit is reported as such and not run again at
that size. nginx's own CPU is not counted for anyone.

What each contender does, per feed:

- **storywatch** — `storywatchd --once -c CONFIG`: one conditional GET
  through libcurl multi on the libevent loop (gzip), a libxml2 parse of every
  item, and one SQLite transaction recording every item (id and content hash)
  and the feed's HTTP state. The config (`bench/lib/mkconfig.py`) carries the
  shipped story with its baseline articles, so start-up loads the claims
  engine as in production; no webhook is configured. On a first poll the
  items are recorded as seen and not analysed (no `backfill`), so no article
  page is fetched: cold is fetch + parse + store. Warm: 304, nothing parsed.
  Because a fresh `--once` run respects the interval saved in its state, the
  warm run's saved fetch times are first moved back by a day (the state an
  interval later), so that every feed is due.
- **newsboat** — `newsboat -u URLS -c CACHE -C CONFIG -x reload` (Debian's
  newsboat) with `reload-threads 16`: fetches every feed (conditional GET from
  the ETag and Last-Modified it keeps in its cache), parses every item and
  stores every item in its SQLite cache. It does not fetch article pages.
  Its second poll of a feed is unconditional (newsboat
  bug #2734, present in Debian's 2.21: the ETag of the first reload is not
  used), so after the cold run the suite runs a second reload, reported as
  "second poll (unconditional)" and compared with storywatch's warm run, and
  measures warm on the third, which sends conditional GETs and gets 304s;
  what newsboat spends on a warm run is its own bookkeeping of the items in
  its cache, not the network.
- **feedparser** — `bench/lib/fp_poll.py` (a copy of
  `../shared/bench/fp_poll.py`): Debian's `python3-feedparser` in a pool of 16
  threads, feedparser's own urllib fetcher with gzip and conditional GET on
  the warm run (ETag and Last-Modified kept in a JSON file); it parses every
  item into Python objects and keeps nothing else. No article pages.
- **rss2email** is not included: it is feedparser again, one feed at a time,
  plus mail delivery, so it would only be a slower feedparser row.

**Fairness of concurrency.** newsboat and the feedparser pool each have 16
requests in flight; storywatch gets the same 16: `fetch.max_per_host = 16`
(default 2) and `fetch.max_connections = 64` (its default, not binding here).
The farm is one host, 127.0.0.1, which real feed lists never are: with the
default `max_per_host` of 2, storywatch would be held to two requests at a
time by a limit that is there for politeness towards one publisher, and the
comparison would measure that limit instead of the program. 16 per host is
also what nginx's one worker serves comfortably. With real lists of many
hosts, the defaults (2 per host, 64 in all) keep up to 64 transfers in
flight while no publisher sees more than 2 at a time.

**Floors.** What storywatch's stages cost when nothing else is done, on the
same farm and the same nginx:

- fetching alone: `curl --parallel --parallel-max 64 --compressed -K LIST`,
  the bodies discarded (and with `-z` a date in 2100, so that every feed
  answers 304, for the warm floor);
- parsing alone: `xmllint --noout` over the same feed files (libxml2 2.9.14,
  the library storywatch uses; parse to a tree and free it, no item walk).
  `xargs` hands it thousands of files per process, so process start-up is
  negligible and the figure is libxml2's parse cost; a C program would add
  nothing but a build step;
- analysis alone: `bench_claims` from `bench/claims/` (articles/s against the
  shipped story), when built;
- webhook delivery alone: `bench_notify` from `bench/notify/` (payloads built
  and signed per second; no network), when built.

The gap between storywatch's total and fetch + parse is the overhead to hunt
(SQLite, scheduling, the loop, start-up). Fetching and parsing overlap in
storywatch (one core parses while transfers run), so the sum is a pessimistic
floor for wall time and the right one for CPU.

**Idle.** The daemon runs as in production (`storywatchd -c CONFIG`, not
`--once`) on the warm state of the last run of ≤ 1,000 feeds with a 15-minute
interval, so no feed is due during the window. After two seconds to settle,
the suite reads `/proc/PID/stat` (utime+stime), `/proc/PID/schedstat` (times
the process was scheduled in: its wakeups), the context switches of all its
threads in `/proc/PID/task/*/status`, VmRSS and VmHWM, before and after the
window, and `perf stat -e task-clock,context-switches` over the window when
perf works in this environment.
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("meta")
    ap.add_argument("claims")
    ap.add_argument("notify")
    ap.add_argument("--doc")
    a = ap.parse_args()
    rows = load(a.results)
    meta = load_meta(a.meta)
    table, c, ns = main_table(rows, meta)
    floors = floor_table(c, ns)
    gap = gap_table(c, ns)
    tg = targets(c, meta)
    idle = idle_table(meta)
    claims = open(a.claims).read() if a.claims else ""
    notify = open(a.notify).read() if a.notify else ""
    print("\n## Contenders\n\n" + table)
    print("\n## Floors\n\n" + floors)
    print("\n## storywatch against its floors\n\n" + gap)
    print("\n## Idle\n\n" + idle)
    print("\n## Targets\n\n" + tg)
    if not a.doc:
        return
    machine = "%s, %s cores, %s RAM, %s, Linux %s" % (meta.get("cpu"), meta.get("ncpu"), meta.get("mem"),
                                                     meta.get("os"), meta.get("kernel"))
    with open(a.doc, "w") as f:
        f.write(DOC_HEAD)
        f.write("\n## The run\n\n")
        f.write("- Date: %s, commit %s.\n" % (meta.get("date"), meta.get("commit")))
        f.write("- Command: `%s --write-doc`.\n" % meta.get("command"))
        f.write("- Machine: %s.\n" % machine)
        f.write("- Load average (1, 5, 15 min) before the run: %s; after: %s. "
                "The machine is shared: other work running at the same time inflates "
                "wall times more than CPU times.\n" % (meta.get("load_before"), meta.get("load_after")))
        f.write("- Versions: %s.\n" % meta.get("versions"))
        fs = meta.get("farm_seconds")
        f.write("- Farm: %s.\n" % ("reused from an earlier run (`--farm`)" if fs == "reused"
                                   else "generated in %s s (not counted)" % fs))
        f.write("\n## Results\n\nMedians of %s runs (min–max); the time limit per run is %s s.\n\n"
                % (meta.get("runs"), meta.get("limit")))
        f.write(table + "\n")
        f.write("\n### Floors\n\n" + floors + "\n")
        f.write("\n### storywatch against the sum of its floors\n\n" + gap + "\n")
        f.write("\n### Analysis alone (`bench_claims %s`)\n\n" % ("20 100" if meta.get("quick") == "1" else "1000 10000"))
        f.write(code(claims) + "\n")
        f.write("\n### Webhook payloads alone (`bench_notify 2`)\n\n" + code(notify) + "\n")
        f.write("\n### Idle\n\n" + idle + "\n")
        f.write("\n### Targets\n\n" + tg + "\n\n")
        f.write(DOC_HOW)


if __name__ == "__main__":
    sys.exit(main())
