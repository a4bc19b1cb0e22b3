"""Start the real storywatchd on a temporary config and drive it.

Used by the integration tests; the daemon and storywatchctl come from
SW_BUILD_ROOT.  SW_TEST_WRAPPER (e.g. "valgrind --error-exitcode=99 ...",
as `meson test --setup=valgrinddaemon` sets it) runs the daemon under a
wrapper, and storywatchctl too: each distinct storywatchctl command line
(socket and config paths aside) under it the first time a test process runs
it (SW_TEST_CTL_WRAP=all: every time; none: never), so that its code paths are checked without a wait loop
paying for memcheck on every turn.  Exit status 99 of a wrapped process is
memcheck's (--error-exitcode=99): errors or definite leaks, which fail the
test (MemcheckError).  Only a process that exits is checked: one killed
with SIGKILL reports nothing, so every test ends with a clean SIGTERM stop.
"""
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BUILD = os.environ.get("SW_BUILD_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SOURCE = os.environ.get("SW_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
DAEMON = os.path.join(BUILD, "daemon", "storywatchd")
CTL = os.path.join(BUILD, "ctl", "storywatchctl")
WRAPPER = shlex.split(os.environ.get("SW_TEST_WRAPPER", ""))
# Under valgrind everything is tens of times slower.
SLOW = 20 if WRAPPER else 1
# The exit status a wrapper uses for its own findings (valgrind_cmd in the
# root meson.build passes --error-exitcode=99).
WRAPPER_ERROR_EXIT = 99
CTL_WRAP = os.environ.get("SW_TEST_CTL_WRAP", "first") if WRAPPER else "none"
_ctl_wrapped = set()


class MemcheckError(AssertionError):
    """The wrapper (memcheck) reported errors or definite leaks in one of our
    programs: never an expected result."""


def wrapper_failed(rc):
    return bool(WRAPPER) and rc == WRAPPER_ERROR_EXIT


def check_wrapped_exit(what, rc, output=""):
    """Raise MemcheckError when a wrapped process exited with the wrapper's
    error status; returns rc otherwise."""
    if wrapper_failed(rc):
        raise MemcheckError("memcheck found errors in %s (exit %d):\n%s" % (what, rc, memcheck_report(output)))
    return rc


def memcheck_report(log, tail=3000):
    """valgrind's own lines of a log (==PID== ...) first, then the log's
    tail: the report is what matters and may be far down a long log."""
    vg = [line for line in log.splitlines() if re.match(r"==\d+== ", line)]
    out = "\n".join(vg[:400])
    if len(vg) > 400:
        out += "\n... %d more valgrind lines" % (len(vg) - 400)
    return (out + "\n--- log tail:\n" if vg else "") + log[-tail:]


def ctl_argv(args):
    """storywatchctl's command line, under the wrapper when CTL_WRAP says so."""
    # The socket and config paths differ per daemon, not per code path.
    key = tuple("PATH" if i and args[i - 1] in ("-s", "-c") else a for i, a in enumerate(args))
    if CTL_WRAP == "all" or (CTL_WRAP == "first" and key not in _ctl_wrapped):
        _ctl_wrapped.add(key)
        return WRAPPER + [CTL, *args], True
    return [CTL, *args], False


def run_ctl(args, **kw):
    """subprocess.run of storywatchctl (wrapped as ctl_argv says); a memcheck
    finding raises MemcheckError."""
    argv, wrapped = ctl_argv(args)
    kw.setdefault("timeout", 120 * SLOW)
    r = subprocess.run(argv, **kw)
    if wrapped:
        check_wrapped_exit("storywatchctl %s" % " ".join(args), r.returncode,
                           r.stderr if isinstance(r.stderr, str) else (r.stderr or b"").decode("utf-8", "replace"))
    return r


def run_daemon(args, **kw):
    """subprocess.run of a short-lived storywatchd (--check-config, --once,
    --version, a refused start) under the wrapper; a memcheck finding raises
    MemcheckError."""
    kw.setdefault("timeout", 60 * SLOW)
    r = subprocess.run(WRAPPER + [DAEMON, *args], **kw)
    check_wrapped_exit("storywatchd %s" % " ".join(args), r.returncode,
                       r.stderr if isinstance(r.stderr, str) else (r.stderr or b"").decode("utf-8", "replace"))
    return r


class Daemon:
    def __init__(self, config=None, name="sw"):
        self.dir = tempfile.mkdtemp(prefix=name + "-")
        self.config_path = os.path.join(self.dir, "storywatch.json")
        self.state = os.path.join(self.dir, "state")
        self.socket = os.path.join(self.state, "control.sock")
        self.log_path = os.path.join(self.dir, "daemon.log")
        self.proc = None
        # What every stop of a wrapped daemon found (memcheck errors, a
        # daemon that did not exit on SIGTERM); cleanup() raises on it.
        self.problems = []
        with open(os.path.join(self.dir, "base.txt"), "w") as f:
            f.write("Microsoft opened a review of Unit 8200's use of Azure.\n")
        self.write_config(config if config is not None else self.default_config())

    @staticmethod
    def default_config():
        return {
            "stories": [{"id": "s1", "title": "Story", "baseline": ["base.txt"]}],
            "feeds": [{"id": "f1", "url": "http://127.0.0.1:9/feed.xml", "interval": "1h"}],
        }

    def write_config(self, cfg):
        text = cfg if isinstance(cfg, str) else json.dumps(cfg, indent=2)
        with open(self.config_path, "w") as f:
            f.write(text)

    def start(self, wait=True, extra_args=(), env=None):
        self.log = open(self.log_path, "ab")
        e = dict(os.environ)
        for k in ("STATE_DIRECTORY", "RUNTIME_DIRECTORY", "NOTIFY_SOCKET", "JOURNAL_STREAM"):
            e.pop(k, None)
        if env:
            e.update(env)
        self.proc = subprocess.Popen(WRAPPER + [DAEMON, "-c", self.config_path, "-v", *extra_args],
                                     stdout=self.log, stderr=self.log, env=e)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout * SLOW
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("storywatchd exited with %d:\n%s" % (self.proc.returncode, self.read_log()))
            if os.path.exists(self.socket):
                try:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(self.socket)
                    s.close()
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise AssertionError("storywatchd not ready:\n" + self.read_log())

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def ctl(self, *args, check=None):
        r = run_ctl(["-s", self.socket, *args], capture_output=True, text=True)
        if check is not None and r.returncode != check:
            raise AssertionError("storywatchctl %s: exit %d\nstdout:%s\nstderr:%s\nlog:%s"
                                 % (" ".join(args), r.returncode, r.stdout, r.stderr, self.read_log()))
        return r

    def ctl_json(self, *args):
        r = self.ctl("--json", *args, check=0)
        return json.loads(r.stdout)

    def request(self, obj_or_bytes, timeout=10):
        """One raw request on a fresh connection; returns the decoded reply or None."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout * SLOW)
        s.connect(self.socket)
        data = obj_or_bytes if isinstance(obj_or_bytes, bytes) else (json.dumps(obj_or_bytes) + "\n").encode()
        try:
            s.sendall(data)
            buf = b""
            while b"\n" not in buf:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except (BrokenPipeError, ConnectionResetError):
            # The daemon may close before reading everything we sent.
            buf = b""
            try:
                buf = s.recv(65536)
            except OSError:
                pass
        finally:
            s.close()
        line = buf.split(b"\n")[0]
        return json.loads(line) if line else None

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
            if sig != signal.SIGKILL:
                self.problems.append("storywatchd did not exit within %d s of signal %d: killed"
                                     % (timeout * SLOW, sig))
        self.reaped(rc)
        self.log.close()
        self.proc = None
        return rc

    def reaped(self, rc):
        """Note the exit status of the daemon's process: the wrapper's error
        status is a memcheck finding, raised by cleanup()."""
        if wrapper_failed(rc):
            self.problems.append("memcheck found errors in storywatchd (exit %d)" % rc)
        return rc

    def check(self):
        """Raise MemcheckError (or AssertionError) for what the stops so far
        found, with the log; the findings are then forgotten."""
        if not self.problems:
            return
        problems, self.problems = self.problems, []
        cls = MemcheckError if any(p.startswith("memcheck") for p in problems) else AssertionError
        raise cls("; ".join(problems) + ":\n" + memcheck_report(self.read_log()))

    def cleanup(self):
        self.stop()
        try:
            self.check()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
