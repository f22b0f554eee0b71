"""tests/cli/clitest.py - helpers for the tests that drive the medsafety binary.

Standard library only. Each test script is run as
    python3 tests/cli/test_X.py MEDSAFETY_BINARY [MSB_TEST_SERVER]
and prints one line per check; the first failed check ends it with status 1. meson runs it
through tests/cli/installed.py, which passes the installed binary (meson install --destdir
BUILD/test-install) with LD_LIBRARY_PATH on the installed library; by hand any binary will do,
the build tree's build/cli/medsafety too.
"""
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "medsafety"
SERVER = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
SOURCE_ROOT = os.environ.get("MSB_SOURCE_ROOT",
                             os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(SOURCE_ROOT, "tests", "fixtures")
EXAMPLES = os.path.join(SOURCE_ROOT, "examples")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg, detail=None):
    """One check: prints 'ok   msg', or 'FAIL: msg' and the detail, and exits 1."""
    if not cond:
        fail(msg + ("\n" + str(detail) if detail is not None else ""))
    print("ok   " + msg)


def base_env(**extra):
    """A clean environment: no colour variables, no API keys, no base URL."""
    env = dict(os.environ)
    for k in ("NO_COLOR", "OPENAI_BASE_URL", "OPENAI_API_KEY", "MEDSAFETY_PROGRESS_INTERVAL",
              "COLUMNS"):
        env.pop(k, None)
    env["LANG"] = "C.UTF-8"
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return "status %d\n--- stdout\n%s--- stderr\n%s" % (self.rc, self.out, self.err)


def run(args, cwd=None, env=None, timeout=60, stdin=subprocess.DEVNULL):
    p = subprocess.run([BIN] + list(args), cwd=cwd, env=env or base_env(), stdin=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"))


def run_pty(args, cwd=None, env=None, timeout=60):
    """Run with stderr (and stdin) on a pseudo-terminal, stdout on a pipe."""
    master, slave = pty.openpty()
    p = subprocess.Popen([BIN] + list(args), cwd=cwd, env=env or base_env(), stdin=slave,
                         stdout=subprocess.PIPE, stderr=slave, close_fds=True)
    os.close(slave)
    err = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                d = os.read(master, 65536)
            except OSError:
                break  # EIO: the child closed the terminal
            if not d:
                break
            err += d
        elif p.poll() is not None:
            break
    out = p.stdout.read()
    p.wait(timeout=timeout)
    os.close(master)
    return Result(p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def one_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return len(lines) == 1


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def records(run_dir):
    with open(os.path.join(run_dir, "results.jsonl"), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


class TempDir:
    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="msb-cli-")
        return self.path

    def __exit__(self, *a):
        shutil.rmtree(self.path, ignore_errors=True)


class TestServer:
    """tests/server/msb_test_server on 127.0.0.1, port read back from its first line."""

    def __init__(self, *args):
        if not SERVER:
            print("SKIP: no test server given")
            sys.exit(77)
        self.p = subprocess.Popen([SERVER, "--exit-on-stdin-eof", "--max-seconds", "120"]
                                  + list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.port = int(self.p.stdout.readline())
        self.url = "http://127.0.0.1:%d/v1" % self.port

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()
