"""Shared pieces of the hostile-input suite: documents, the daemon wrapper and
the per-case context.  The cases are in cases.py, the runner is run.py."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
sys.path.insert(0, HERE)
import hostile_server as hs  # noqa: E402
from harness import (BUILD, CTL, DAEMON, SLOW, SOURCE, WRAPPER, Daemon, MemcheckError,  # noqa: E402,F401
                     run_ctl)

STORY = os.path.join(SOURCE, "config", "stories", "microsoft-azure-unit8200")
TESTHTTPD = os.path.join(BUILD, "tests", "lib", "testhttpd")
SRV = None  # the loopback server every case shares, routes under /rNN/
MB = 1024 * 1024


def _asan_build():
    try:
        with open(DAEMON, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


# ASan keeps freed memory in quarantine and pads every block: peaks are
# several times higher there, so the memory limits are scaled.
ASAN = _asan_build()
ASAN_MEMORY_FACTOR = 4 if ASAN else 1
# Under SW_TEST_WRAPPER (memcheck) the daemon's RSS is mostly valgrind's own
# (shadow memory, its allocator): the peak-RSS limits are not judged there.
# Waits are scaled by harness.SLOW, and so are the bounds on how long the
# daemon blocked its loop: memcheck runs the code 10-50 times slower, more on
# a CI machine shared with the other test processes, and a factor of 4 made
# rows 24/25 fail there by chance.  Those bounds are judged for real in the
# plain and ASan runs; under memcheck a row still fails on a loop blocked
# for minutes.
RSS_JUDGED = not WRAPPER
LOOP_FACTOR = SLOW if WRAPPER else 1
# A wait that mostly runs out (a clock step that brings no retry) is
# stretched less than SLOW, or row 37 would spend minutes on nothing.
SHORT_WAIT_FACTOR = 4 if WRAPPER else 1


class Skip(Exception):
    """Raised by a case that cannot run here (a tool is missing)."""


class KnownGap(Exception):
    """Raised by a case that found the documented gap, with the evidence."""


class Case:
    def __init__(self, row, title, expected, fn, gap=None):
        self.row, self.title, self.expected, self.fn, self.gap = row, title, expected, fn, gap


CASES = []


def case(row, title, expected, gap=None):
    """gap: why this row is an expected failure (a daemon or module bug)."""
    def deco(fn):
        CASES.append(Case(row, title, expected, fn, gap))
        return fn
    return deco


# ---------------------------------------------------------------- documents

def rss(items, title="Hostile test feed", extra_ns="", channel_extra=""):
    """items: dicts with guid, title, link, description, pubdate (any may be
    None to leave the element out)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<rss version="2.0"%s><channel><title>%s</title><link>http://example.org/</link>%s'
           % (extra_ns, title, channel_extra)]
    for it in items:
        out.append("<item>")
        for tag, key in (("guid", "guid"), ("title", "title"), ("link", "link"),
                         ("description", "description"), ("pubDate", "pubdate")):
            v = it.get(key)
            if v is not None:
                out.append("<%s>%s</%s>" % (tag, v, tag))
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out)


def plain_items(n, prefix="c"):
    return [{"guid": "%s%d" % (prefix, i), "title": "Ordinary item %d" % i,
             "link": "http://example.org/%s%d" % (prefix, i), "description": "Weather %d" % i,
             "pubdate": "Mon, 22 Sep 2025 10:00:00 GMT"} for i in range(n)]


# Made-up words keep every story item novel against the baseline and each other.
SYLL = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "xe", "zi", "pu", "qa", "we"]


def word(i):
    s = ""
    i += 1
    while i:
        s += SYLL[i % len(SYLL)]
        i //= len(SYLL)
    return s.capitalize() + "vik"


def story_sentence(i):
    # Strongly on topic (the story's distinctive terms) so that relevance
    # does not hang on the claims engine's tuning; new through the place.
    return ("Microsoft said on Tuesday that Unit 8200 had moved %d petabytes of intercepted Palestinian "
            "phone calls from its Azure cloud storage to a data centre in %s, according to the company's "
            "review." % (11 + i, word(i)))


STORY_TITLE = "Microsoft review: Unit 8200 kept intercepted Palestinian calls on Azure,"


def story_item(i, guid=None, title=None, link=None, pubdate="Mon, 22 Sep 2025 10:00:00 GMT", desc=None):
    """An item about the default story that adds one new claim."""
    return {"guid": guid or "story-%d" % i,
            "title": title if title is not None else
            "%s update %s" % (STORY_TITLE, word(i)),
            "link": link if link is not None else "http://127.0.0.1:9/none-%d" % i,
            "description": desc if desc is not None else story_sentence(i),
            "pubdate": pubdate}


def html_page(title, paras, head=""):
    return ("<html><head><meta charset='utf-8'><title>%s</title>%s</head><body><nav><a href='/'>Home</a></nav>"
            "<article><h1>%s</h1>%s</article><footer>Example News</footer></body></html>"
            % (title, head, title, "".join("<p>%s</p>" % p for p in paras)))


# ---------------------------------------------------------------- the daemon

class HostileDaemon(Daemon):
    """harness.Daemon with a preload/env of our own and memory figures."""

    def start(self, wait=True, extra_args=(), env=None, clean_env=True):
        self.log = open(self.log_path, "ab")
        e = dict(os.environ)
        for k in ("STATE_DIRECTORY", "RUNTIME_DIRECTORY", "NOTIFY_SOCKET", "JOURNAL_STREAM"):
            e.pop(k, None)
        if clean_env:
            for k in list(e):
                if k.lower().endswith("_proxy"):
                    e.pop(k)
        if env:
            e.update(env)
        self.proc = subprocess.Popen(WRAPPER + [DAEMON, "-c", self.config_path, "-v", *extra_args],
                                     stdout=self.log, stderr=self.log, env=e)
        if wait:
            self.wait_ready()
        return self

    def proc_status(self, key):
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    if line.startswith(key + ":"):
                        return int(line.split()[1]) * 1024
        except (OSError, AttributeError):
            pass
        return None


class Ctx:
    """One case: its routes, its daemon(s), its measurements."""

    def __init__(self, row):
        self.row = row
        self.prefix = "/r%02d/" % row
        self.d = None
        self.hwm0 = None
        self.hwm = None
        self.notes = []
        self.gap_untested = None  # why a case could not reach its known gap
        self.tmp = tempfile.mkdtemp(prefix="hostile-%02d-" % row)
        self.cleanups = []

    # routes
    def path(self, name):
        return self.prefix + name

    def url(self, name):
        return SRV.url(self.path(name))

    def route(self, name, what):
        SRV.set(self.path(name), what)

    def hits(self, name):
        return SRV.hits(self.path(name))

    # the daemon
    def config(self, feeds, fetch=None, webhooks=None, story=True, **top):
        self.route("control.xml", hs.response(200, rss(plain_items(3))))
        f = {"timeout": "3s", "connect_timeout": "2s"}
        f.update(fetch or {})
        cfg = {"fetch": f,
               "stories": [{"id": "story", "title": "Microsoft, Azure and Unit 8200",
                            "baseline": [os.path.join(STORY, n) for n in sorted(os.listdir(STORY))
                                         if n.endswith(".txt")],
                            "terms": ["Unit 8200", "Azure", "Covington"]}] if story else
               [{"id": "story", "title": "t", "baseline": ["base.txt"]}],
               "feeds": [{"id": "control", "url": self.url("control.xml"), "interval": "1h"}] + feeds}
        if webhooks:
            cfg["webhooks"] = webhooks
        cfg.update(top)
        return cfg

    def start(self, feeds, env=None, wait=True, **kw):
        cfg = self.config(feeds, **kw)
        self.d = HostileDaemon(cfg, name="hostile-%02d" % self.row)
        if "state_dir" in cfg:
            self.d.state = cfg["state_dir"]
            self.d.socket = os.path.join(self.d.state, "control.sock")
        self.d.start(env=env, wait=wait)
        if wait:
            self.hwm0 = self.d.proc_status("VmHWM")
        return self.d

    def restart(self, **kw):
        self.sample()
        self.d.stop()
        self.d.start(**kw)

    def sample(self):
        """Remember the daemon's peak RSS (before it stops)."""
        if self.d is not None and self.d.proc is not None:
            v = self.d.proc_status("VmHWM")
            if v is not None:
                self.hwm = max(self.hwm or 0, v)

    def alive(self):
        assert self.d.proc.poll() is None, "storywatchd died (exit %s):\n%s" % (
            self.d.proc.returncode, self.log()[-3000:])

    def log(self):
        return self.d.read_log()

    def feeds(self):
        return {f["id"]: f for f in self.d.ctl_json("feeds")["data"]["feeds"]}

    def feed(self, fid):
        return self.feeds()[fid]

    def status(self):
        return self.d.ctl_json("status")["data"]

    def alerts(self):
        return self.d.ctl_json("alerts", "--limit", "1000")["data"]["alerts"]

    def wait(self, pred, timeout=20, what="condition"):
        deadline = time.time() + timeout * SLOW
        last = None
        while time.time() < deadline:
            self.alive()
            last = pred()
            if last:
                return last
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %s\nlog tail:\n%s" % (what, self.log()[-3000:]))

    def wait_feed(self, fid, pred=None, timeout=20, polls=1):
        """Until the feed has been polled `polls` times (and pred holds)."""
        def check():
            f = self.feed(fid)
            if f["polls"] >= polls and f["state"] != "fetching" and (pred is None or pred(f)):
                return f
            return None
        return self.wait(check, timeout, "feed %s (%s)" % (fid, self.feed(fid)))

    def settle(self, timeout=20):
        """Until nothing is being analysed or fetched for the pipeline."""
        return self.wait(lambda: self.status()["items"]["in_progress"] == 0, timeout, "pipeline idle")

    def poll(self, fid, timeout=20):
        before = self.feed(fid)["polls"]
        self.d.ctl("poll", fid, check=0)
        f = self.wait_feed(fid, polls=before + 1, timeout=timeout)
        self.settle()
        return f

    def control_ok(self):
        """The healthy feed is still served: it parsed, and a new poll parses."""
        self.alive()
        f = self.wait_feed("control", lambda f: f["last_result"] in ("ok", "not-modified"), polls=0)
        assert f["items"] == 3, f
        f = self.poll("control")
        assert f["last_result"] in ("ok", "not-modified") and f["consecutive_errors"] == 0, f
        self.alive()

    def failed_visibly(self, fid, results, words=(), timeout=20):
        """The feed failed with one of results, its error names one of words,
        and the log carries the same line."""
        f = self.wait_feed(fid, timeout=timeout)
        assert f["last_result"] in results, "feed %s: %s not in %s" % (fid, f, results)
        err = (f["error"] or "") + " " + (f["bozo_reason"] or "")
        assert err.strip(), "feed %s failed without a reason: %s" % (fid, f)
        if words:
            assert any(w.lower() in err.lower() for w in words), "feed %s: %r names none of %s" % (fid, err, words)
        assert ("feed %s: %s" % (fid, f["error"])) in self.log(), "log does not name feed %s's error %r" % (
            fid, f["error"])
        assert f["consecutive_errors"] >= 1, f
        self.note("%s: %s: %s" % (fid, f["last_result"], short(f["error"])))
        return f

    def parse_ms(self, fid, url):
        """From the end of the transfer of url to feed fid's next state
        change, by the log's millisecond timestamps: the time spent parsing."""
        def ts(line):
            h, m, sec = line.split(" ")[1].split(":")
            return (int(h) * 60 + int(m)) * 60 + float(sec)
        done = None
        for line in self.log().splitlines():
            if "http: done %s:" % url in line:
                done = ts(line)
            elif done is not None and ("feed %s: fetching -> " % fid) in line:
                return (ts(line) - done) * 1000
        return None

    def fetch_ms(self, url):
        """From the start of the first transfer of url to its end, by the log."""
        def ts(line):
            h, m, sec = line.split(" ")[1].split(":")
            return (int(h) * 60 + int(m)) * 60 + float(sec)
        start = None
        for line in self.log().splitlines():
            if start is None and "http: start GET %s" % url in line:
                start = ts(line)
            elif start is not None and "http: done %s:" % url in line:
                return (ts(line) - start) * 1000
        return None

    def growth_mb(self):
        self.sample()
        return ((self.hwm or 0) - (self.hwm0 or 0)) / MB

    def assert_growth(self, limit_mb):
        if not RSS_JUDGED:
            self.note("peak RSS growth %.1f MB not judged under SW_TEST_WRAPPER (limit %d MB)"
                      % (self.growth_mb(), limit_mb))
            return
        limit_mb *= ASAN_MEMORY_FACTOR
        g = self.growth_mb()
        assert g < limit_mb, "peak RSS grew by %.1f MB (limit %d MB)" % (g, limit_mb)

    def note(self, s):
        self.notes.append(s)

    def marker_file(self, name="secret.txt"):
        marker = "SWMARKER%08x" % (int.from_bytes(os.urandom(4), "big"))
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(marker + "\n")
        os.chmod(self.tmp, 0o755)
        return p, marker

    def assert_no_marker(self, marker):
        """The marker is nowhere: log, ctl output, state folder bytes."""
        where = {"log": self.log()}
        for cmd in (("feeds",), ("alerts", "--limit", "1000"), ("status",), ("deliveries",)):
            where["ctl " + cmd[0]] = self.d.ctl("--json", *cmd).stdout
        for root, _, files in os.walk(self.d.state):
            for n in files:
                try:
                    with open(os.path.join(root, n), "rb") as f:
                        where[n] = f.read().decode("latin-1")
                except OSError:
                    pass
        for k, v in where.items():
            assert marker not in v, "marker %s found in %s" % (marker, k)

    def strace(self):
        """Attach strace to the daemon; returns a function that stops it and
        gives the trace.  None when strace cannot run here."""
        if shutil.which("strace") is None:
            return None
        out = os.path.join(self.tmp, "strace.out")
        p = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=open,openat,openat2,stat,newfstatat,access",
                              "-o", out, "-p", str(self.d.proc.pid)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # Attached once the kernel names a tracer for the daemon.
        deadline = time.time() + 5
        while time.time() < deadline and p.poll() is None:
            if (self.d.proc_status("TracerPid") or 0) > 0:
                break
            time.sleep(0.05)
        else:
            p.kill()
            p.wait()
            return None

        def stop():
            # A reload opens the config: proof that the trace was live.
            self.d.ctl("reload")
            deadline = time.time() + 5
            while time.time() < deadline:
                with open(out, errors="replace") as f:
                    if "storywatch.json" in f.read():
                        break
                time.sleep(0.05)
            p.send_signal(signal.SIGINT)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            with open(out, errors="replace") as f:
                text = f.read()
            if "storywatch.json" not in text:
                self.note("strace saw no reload: trace ignored")
                return None
            return text
        return stop

    def cleanup(self):
        for fn in self.cleanups:
            try:
                fn()
            except Exception:  # noqa: BLE001 - cleanup must go on
                pass
        try:
            if self.d is not None:
                # A clean SIGTERM stop, so that memcheck reports; its
                # findings (and those of earlier stops) raise here.
                self.sample()
                self.d.cleanup()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def short(s, n=90):
    s = (s or "").replace("\n", " ")
    return s if len(s) <= n else s[:n - 3] + "..."


def titles_in_log(log, fid):
    return re.findall(r'feed %s: "(.*)" is not about any story' % re.escape(fid), log)


def testhttpd(ctx, routes):
    """Start tests/lib/testhttpd with a route file; returns its port."""
    path = os.path.join(ctx.tmp, "routes.json")
    with open(path, "w") as f:
        json.dump(routes, f)
    p = subprocess.Popen([TESTHTTPD, "-v", "-r", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    port = int(p.stdout.readline())

    def stop():
        p.send_signal(signal.SIGTERM)
        try:
            _, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            _, err = p.communicate()
        ctx.testhttpd_log = err.decode(errors="replace")
        return ctx.testhttpd_log
    ctx.cleanups.append(stop)
    ctx.stop_testhttpd = stop
    return port


