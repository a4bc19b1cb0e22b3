#!/usr/bin/env python3
"""The hostile-input suite: every row of docs/hostile-inputs.md as a test of the
real storywatchd on loopback.

Each case starts its own daemon (so the peak RSS it reports is the case's own)
with a healthy control feed beside the hostile input, and checks that the
daemon is still running, that the control feed is still polled and parsed,
that memory stayed bounded, and that the failure is visible in
`storywatchctl feeds` and in the log.  Cases that show a known gap in the
daemon are expected failures with the reason printed; an unexpected failure,
or an expected failure that passes, makes the exit status non-zero.

  tests/hostile/run.py [-k ROW[,ROW...]] [--shard I/N] [--markdown FILE] [-v]

--shard I/N runs the Ith of N sets of rows of about equal running time
(the test suite runs three, so that they share the cores with the other
suites).

SW_BUILD_ROOT names the build folder (default ../../build).  Under
SW_TEST_WRAPPER (`meson test --setup=valgrinddaemon`: the daemon under
memcheck) every case runs and checks the same behaviour, waits are scaled
(harness.SLOW) and the peak-RSS limits are not judged; a memcheck error or
definite leak in any daemon of a case (reported when it is stopped with
SIGTERM at the end of the case, or at a restart) fails that case, even one
listed as a known gap.
"""
import argparse
import os
import resource
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hostile_server as hs  # noqa: E402
import suite  # noqa: E402
from suite import CASES, CTL, DAEMON, MB, Ctx, KnownGap, MemcheckError, short  # noqa: E402
import cases  # noqa: E402,F401



# Rows that take longest (seconds, plain build / memcheck, on a 2-core
# machine), only so that --shard spreads them over the shards; every other
# row takes a few seconds.
SLOW_ROWS = {37: 20, 38: 18, 40: 16, 41: 12, 28: 10, 36: 8, 3: 5, 16: 5, 39: 5,
             10: 4}


def shard_rows(rows, n):
    """Split rows into n lists of about equal time, slowest first."""
    shards = [[] for _ in range(n)]
    load = [0] * n
    for row in sorted(rows, key=lambda r: (-SLOW_ROWS.get(r, 3), r)):
        i = load.index(min(load))
        shards[i].append(row)
        load[i] += SLOW_ROWS.get(row, 3)
    return shards


def run_case(c, verbose):
    ctx = Ctx(c.row)
    t0 = time.time()
    result, why = "pass", ""
    try:
        c.fn(ctx)
        ctx.sample()
        if c.gap and ctx.gap_untested:
            result, why = "pass", "the part with the known gap did not run: " + ctx.gap_untested
        elif c.gap:
            result, why = "UNEXPECTED PASS", "listed as a gap but passed: " + c.gap
    except suite.Skip as e:
        result, why = "skipped", str(e)
    except MemcheckError as e:
        # Never an expected failure, whatever gap the row has.
        result, why = "FAIL", str(e)
    except (AssertionError, KnownGap) as e:
        if c.gap:
            result, why = "expected-failure", "%s [%s]" % (c.gap, short(str(e).split("\n")[0], 160))
        else:
            result, why = "FAIL", str(e)
    except Exception:  # noqa: BLE001 - a broken case is reported, not fatal
        result, why = "ERROR", traceback.format_exc()
    try:
        ctx.cleanup()
    except MemcheckError as e:
        was = "" if result == "pass" else " (the case itself: %s%s)" % (result, ": " + why if why else "")
        result, why = "FAIL", "cleanup: %s%s" % (e, was)
    except Exception as e:  # noqa: BLE001
        if result == "pass":
            result, why = "FAIL", "cleanup: %s" % e
    dt = time.time() - t0
    rss = (ctx.hwm or 0) / MB
    growth = ((ctx.hwm or 0) - (ctx.hwm0 or 0)) / MB if ctx.hwm0 else 0
    if verbose or result not in ("pass", "expected-failure"):
        for n in ctx.notes:
            print("      %s" % n)
    return {"row": c.row, "input": c.title, "expected": c.expected, "result": result, "why": why,
            "rss": rss, "growth": growth, "time": dt, "notes": ctx.notes}


def markdown(results, total):
    """The results table as docs/hostile-inputs.md shows it."""
    out = ["| # | Input | Expected | Result | Peak RSS MB (growth) | Time s | Observed |",
           "|---|---|---|---|---|---|---|"]
    for r in results:
        res = r["result"] if r["result"] != "expected-failure" else "**expected failure**: " + r["why"]
        obs = "; ".join(r["notes"])
        out.append("| %d | %s | %s | %s | %.0f (+%.1f) | %.1f | %s |" % (
            r["row"], r["input"], r["expected"], res.replace("|", "/").replace("\n", " "), r["rss"], r["growth"],
            r["time"], obs.replace("|", "/").replace("\n", " ")))
    out.append("")
    out.append("%d cases, %d passed, %d expected failures; the whole run took %.0f s." % (
        len(results), sum(r["result"] == "pass" for r in results),
        sum(r["result"] == "expected-failure" for r in results), total))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", help="rows to run, e.g. 1,3,14")
    ap.add_argument("--markdown", help="write the results table here")
    ap.add_argument("--shard", help="I/N: the Ith of N sets of rows")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    shard = None
    if a.shard:
        i, n = (int(x) for x in a.shard.split("/"))
        if not 1 <= i <= n:
            ap.error("--shard wants I/N with 1 <= I <= N")
        shard = (i - 1, n)
    for p in (DAEMON, CTL):
        if not os.path.exists(p):
            print("skip: %s is not built" % p)
            return 77
    want = set(int(x) for x in a.k.split(",")) if a.k else None
    # Many sockets in row 41.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    if suite.WRAPPER:
        print("under SW_TEST_WRAPPER (%s): waits scaled by %d, loop-blocking bounds by %d, peak-RSS limits "
              "not judged; memcheck errors and definite leaks fail a case" % (
                  os.path.basename(suite.WRAPPER[0]), suite.SLOW, suite.LOOP_FACTOR))
    srv = suite.SRV = hs.Server()
    results = []
    t0 = time.time()
    print("%3s  %-40s %-40s %-17s %10s %6s" % ("#", "input", "expected", "result", "RSS MB", "time"))
    mine = set(shard_rows([c.row for c in CASES], shard[1])[shard[0]]) if shard else None
    for c in sorted(CASES, key=lambda c: c.row):
        if want and c.row not in want:
            continue
        if mine is not None and c.row not in mine:
            continue
        r = run_case(c, a.v)
        results.append(r)
        print("%3d  %-40s %-40s %-17s %5.0f+%-4.1f %5.1fs" % (
            r["row"], short(r["input"], 40), short(r["expected"], 40), r["result"], r["rss"], r["growth"], r["time"]))
        if r["result"] != "pass" or r["why"]:
            print("      " + r["why"].replace("\n", "\n      ")[:4000])
        sys.stdout.flush()
    total = time.time() - t0
    srv.close()
    bad = [r for r in results if r["result"] not in ("pass", "expected-failure", "skipped")]
    print("\n%d cases, %d passed, %d expected failures, %d skipped, %d unexpected; %.0f s" % (
        len(results), sum(r["result"] == "pass" for r in results),
        sum(r["result"] == "expected-failure" for r in results),
        sum(r["result"] == "skipped" for r in results), len(bad), total))
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(markdown(results, total) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
