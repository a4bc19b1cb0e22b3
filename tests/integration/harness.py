"""Start the real storywatchd on a temporary config and drive it.

Used by the integration tests; the daemon and storywatchctl come from
SW_BUILD_ROOT.  SW_TEST_WRAPPER (e.g. "valgrind --error-exitcode=99 ...")
runs the daemon under a wrapper.
"""
import json
import os
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


class Daemon:
    def __init__(self, config=None, name="sw"):
        self.dir = tempfile.mkdtemp(prefix=name + "-")
        self.config_path = os.path.join(self.dir, "storywatch.json")
        self.state = os.path.join(self.dir, "state")
        self.socket = os.path.join(self.state, "control.sock")
        self.log_path = os.path.join(self.dir, "daemon.log")
        self.proc = None
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
        r = subprocess.run([CTL, "-s", self.socket, *args], capture_output=True, text=True,
                           timeout=120 * SLOW)
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
        self.log.close()
        self.proc = None
        return rc

    def cleanup(self):
        rc = self.stop()
        log = self.read_log()
        shutil.rmtree(self.dir, ignore_errors=True)
        if WRAPPER and rc == 99:
            raise AssertionError("memcheck found errors in storywatchd:\n" + log)
