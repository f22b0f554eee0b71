#!/usr/bin/env python3
"""The request engine end to end through the CLI (issue #12; figures in docs/performance.md).

    python3 bench/engine_cli.py [BUILD_DIR] [--seconds S] [--no-python] [--only pipeline|refusal|idle]

Starts tests/server/msb_test_server processes (--latency-ms 50, --log FILE) and runs
BUILD_DIR/cli/medsafety on the built-in sample (27 items) with --epochs E, so a run has
about S seconds of ideal work:

* pipeline: model and judge both HTTP, two servers at 50 ms, `--concurrency N
  --judge-concurrency N`, N = 64 and 256. Ideal: N / 50 ms items/s.
* refusal: one 50 ms server, the refusal judge, `--concurrency N` and no other flag.
* idle: 256 requests in flight against a 2-second server: the CLI's CPU use (from
  /proc/PID/stat) while everything is in flight, and over the whole run.

For each run it prints items/s over the whole CLI process (start to exit: loading, the run,
summary.json and the report) and over the engine's steady part (first model request to
last answer, from the servers' logs), each as a share of the ideal, and the same load from
bench/engine_peer.py (asyncio + aiohttp, under /usr/bin/python3) with the ratio.
Prints figures; asserts nothing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

LAT = 0.050


def args():
    a = sys.argv[1:]
    build, seconds, py, only = "build", 4.0, True, None
    i = 0
    while i < len(a):
        if a[i] == "--seconds":
            seconds = float(a[i + 1]); i += 2
        elif a[i] == "--no-python":
            py = False; i += 1
        elif a[i] == "--only":
            only = a[i + 1]; i += 2
        else:
            build = a[i]; i += 1
    return build, seconds, py, only


BUILD, SECONDS, PYTHON, ONLY = args()
BIN = os.path.join(BUILD, "cli", "medsafety")
SERVER = os.path.join(BUILD, "tests", "server", "msb_test_server")
PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "engine_peer.py")
TICK = os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, tmp, name, latency_ms):
        self.log = os.path.join(tmp, name + ".log")
        open(self.log, "w").close()
        self.p = subprocess.Popen([SERVER, "--exit-on-stdin-eof", "--latency-ms", str(latency_ms),
                                   "--log", self.log], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.url = "http://127.0.0.1:%d/v1" % int(self.p.stdout.readline())

    def times(self):
        with open(self.log) as f:
            return [float(l) for l in f if l.strip()]

    def reset(self):
        open(self.log, "w").close()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    return (int(st[11]) + int(st[12])) / TICK  # utime + stime


def cli(argv, out, sample_at=None):
    """Run the CLI; returns (wall seconds, CPU seconds of the whole run, samples)."""
    t0 = time.monotonic()
    p = subprocess.Popen([BIN] + argv + ["--out", out, "-q"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    samples = []
    for at in sample_at or []:
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        samples.append((time.monotonic(), cpu_s(p.pid)))
    # wait without reaping, to read the final CPU time from /proc
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    total_cpu = cpu_s(p.pid)
    err = p.communicate()[1].decode()
    wall = time.monotonic() - t0
    if p.returncode != 0:
        print("medsafety failed:", err)
        sys.exit(1)
    return wall, total_cpu, samples


def peer(model, judge, n, units):
    if not PYTHON or not os.path.exists("/usr/bin/python3"):
        return None
    cmd = ["/usr/bin/python3", PEER, "--model-url", model.url, "--n", str(n), "--units", str(units)]
    if judge:
        cmd += ["--judge-url", judge.url]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("  (python peer unavailable: %s)" % r.stderr.strip().splitlines()[-1:])
        return None
    return json.loads(r.stdout)


def report(name, n, units, wall, cpu, steady, py):
    ideal = n / LAT
    line = ("%-9s N=%-4d %6d items: CLI %6.0f items/s (%5.1f%% of %d), steady %6.0f items/s (%5.1f%%), "
            "CLI CPU %.0f us/item" % (name, n, units, units / wall, 100 * units / wall / ideal, ideal,
                                      steady, 100 * steady / ideal, 1e6 * cpu / units))
    if py:
        line += "; aiohttp %6.0f items/s (%5.1f%%, %.0f us/item), CLI/aiohttp %.2f" % (
            py["items_per_s"], 100 * py["items_per_s"] / ideal, py["cpu_us_per_item"],
            units / wall / py["items_per_s"])
    print(line, flush=True)


def main():
    tmp = tempfile.mkdtemp(prefix="msb-bench-engine-")
    try:
        if ONLY in (None, "pipeline"):
            m, j = Server(tmp, "model", 50), Server(tmp, "judge", 50)
            for n in (64, 256):
                epochs = max(1, int(SECONDS * n / LAT / 27))
                units = 27 * epochs
                m.reset(); j.reset()
                wall, cpu, _ = cli(["run", "-m", "openai/m", "--base-url", m.url, "-j", "openai/j", "--max-unscored", "1",
                                  "--judge-base-url", j.url, "--epochs", str(epochs),
                                  "--concurrency", str(n), "--judge-concurrency", str(n)],
                                 os.path.join(tmp, "p%d" % n))
                mt, jt = m.times(), j.times()
                steady = units / (max(jt) + LAT - min(mt))
                report("pipeline", n, units, wall, cpu, steady, peer(m, j, n, units))
            m.close(); j.close()
        if ONLY in (None, "refusal"):
            m = Server(tmp, "model1", 50)
            for n in (64, 256):
                epochs = max(1, int(SECONDS * n / LAT / 27))
                units = 27 * epochs
                m.reset()
                wall, cpu, _ = cli(["run", "-m", "openai/m", "--base-url", m.url, "--epochs",
                                  str(epochs), "--concurrency", str(n)], os.path.join(tmp, "r%d" % n))
                mt = m.times()
                steady = units / (max(mt) + LAT - min(mt))
                report("refusal", n, units, wall, cpu, steady, peer(m, None, n, units))
            m.close()
        if ONLY in (None, "idle"):
            m = Server(tmp, "slow", 2000)
            # 270 units at 256 in flight: the first 256 are all in flight from about 0.1 s to 2 s
            wall, total, s = cli(["run", "-m", "openai/m", "--base-url", m.url, "--epochs", "10",
                                  "--concurrency", "256"], os.path.join(tmp, "idle"),
                                 sample_at=[0.8, 1.9])
            idle = 100 * (s[1][1] - s[0][1]) / (s[1][0] - s[0][0])
            print("idle      N=256 in flight against a 2 s server: %.2f%% of one core between 0.8 s "
                  "and 1.9 s (clock tick %d ms); whole run %.2f s CPU in %.2f s wall (%.1f%%)"
                  % (idle, 1000 // TICK, total, wall, 100 * total / wall), flush=True)
            m.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
