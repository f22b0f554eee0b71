#!/usr/bin/env python3
"""The request engine end to end through the CLI (issue #12; figures in docs/performance.md).

    python3 bench/engine_cli.py [BUILD_DIR] [--seconds S] [--no-python]
                                [--only pipeline|refusal|idle|faults|nginx] [--timeline]

Starts tests/server/msb_test_server processes (--latency-ms 50, --log FILE) and runs
BUILD_DIR/cli/medsafety on the built-in sample (27 items) with --epochs E, so a run has
about S seconds of ideal work:

* pipeline: model and judge both HTTP, two servers at 50 ms, `--concurrency N
  --judge-concurrency N`, N = 64 and 256. Ideal: N / 50 ms items/s.
* refusal: one 50 ms server, the refusal judge, `--concurrency N` and no other flag.
* idle: 256 requests in flight against a 2-second server: the CLI's CPU use (from
  /proc/PID/stat) from 0.1 s after the 256th request reached the server to 0.1 s before the
  first answer is due (all in flight), and over the whole run.
* faults: the refusal run at N = 64 with `--timeout 2`, against a 50 ms server and against
  the same server with 20% injected faults (`--fault-rate 0.2 --fault mix`: all nine kinds),
  the same units (3 x --seconds of ideal work, at least 9 s): the share of the fault-free
  throughput kept (issue #12 item 7).
* nginx: the refusal run against nginx with Debian's echo module (`echo_sleep 0.05`), a fast
  multi-worker 50 ms server; skipped with a message when nginx or the module is missing
  (`apt-get install nginx libnginx-mod-http-echo`; this script installs nothing).

--timeline prints, for each run, where the wall time went: process start -> first model
request (start-up), -> the N-th request (ramp: N in flight), -> the last model request
(steady, with its rate), -> the last answer (tail), -> the last record in results.jsonl
(write-out), -> summary.json, -> the last report file, -> exit. Request times come from the
servers' --log (CLOCK_MONOTONIC, as time.monotonic()); the first record from polling
results.jsonl; the rest from the files' mtimes. At the end a one-screen summary table.

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
import threading
import time

LAT = 0.050


def args():
    a = sys.argv[1:]
    build, seconds, py, only, tl = "build", 4.0, True, None, False
    i = 0
    while i < len(a):
        if a[i] == "--timeline":
            tl = True; i += 1
        elif a[i] == "--seconds":
            seconds = float(a[i + 1]); i += 2
        elif a[i] == "--no-python":
            py = False; i += 1
        elif a[i] == "--only":
            only = a[i + 1]; i += 2
        else:
            build = a[i]; i += 1
    return build, seconds, py, only, tl


BUILD, SECONDS, PYTHON, ONLY, TIMELINE = args()
SUMMARY = []
BIN = os.path.join(BUILD, "cli", "medsafety")
SERVER = os.path.join(BUILD, "tests", "server", "msb_test_server")
PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "engine_peer.py")
TICK = os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, tmp, name, latency_ms, extra=()):
        self.log = os.path.join(tmp, name + ".log")
        open(self.log, "w").close()
        self.p = subprocess.Popen([SERVER, "--exit-on-stdin-eof", "--latency-ms", str(latency_ms),
                                   "--log", self.log] + list(extra),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.url = "http://127.0.0.1:%d/v1" % int(self.p.stdout.readline())

    def times(self):
        with open(self.log) as f:
            return [float(l) for l in f if l.strip()]

    def reset(self):
        open(self.log, "w").close()

    def cpu(self):
        """The server's CPU seconds so far (user + system)."""
        return cpu_s(self.p.pid)

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    return (int(st[11]) + int(st[12])) / TICK  # utime + stime


class FirstRecord(threading.Thread):
    """Polls OUT/results.jsonl every 2 ms until it is not empty: the first record's time."""

    def __init__(self, out):
        super().__init__(daemon=True)
        self.path, self.at, self.stop = os.path.join(out, "results.jsonl"), None, False

    def run(self):
        while not self.stop:
            try:
                if os.stat(self.path).st_size > 0:
                    self.at = time.monotonic()
                    return
            except OSError:
                pass
            time.sleep(0.002)


def mtime(path, off):
    """A file's mtime on the monotonic clock (None when absent)."""
    try:
        return os.stat(path).st_mtime_ns / 1e9 - off
    except OSError:
        return None


def cli(argv, out, sample_at=None, ok_codes=(0,)):
    """Run the CLI; returns (wall seconds, CPU seconds of the whole run, samples, events)."""
    off = time.time() - time.monotonic()
    watch = FirstRecord(out)
    watch.start()
    t0 = time.monotonic()
    p = subprocess.Popen([BIN] + argv + ["--out", out, "-q"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    samples = []
    if callable(sample_at):
        samples = sample_at(p)
    for at in sample_at if not callable(sample_at) and sample_at else []:
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        samples.append((time.monotonic(), cpu_s(p.pid)))
    # wait without reaping, to read the final CPU time from /proc
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    total_cpu = cpu_s(p.pid)
    t_exit = time.monotonic()
    err = p.communicate()[1].decode()
    wall = t_exit - t0
    watch.stop = True
    if p.returncode not in ok_codes:
        print("medsafety failed:", err)
        sys.exit(1)
    files = {}
    for root, _, names in os.walk(out):
        for f in names:
            files[os.path.relpath(os.path.join(root, f), out)] = mtime(os.path.join(root, f), off)
    ev = {"start": t0, "exit": t_exit, "first_record": watch.at,
          "last_record": files.get("results.jsonl"), "summary": files.get("summary.json"),
          "last_file": max(v for v in files.values() if v is not None)}
    return wall, total_cpu, samples, ev


def timeline(name, n, units, ev, model_t, judge_t=None):
    """Where the wall time went (see the module doc); model_t/judge_t: request arrival times."""
    if not TIMELINE:
        return
    mt = sorted(model_t)
    last_answer = max(mt[-1], max(judge_t) if judge_t else 0) + LAT
    ramp_end = mt[min(n, len(mt)) - 1]
    steady_n = len(mt) - min(n, len(mt))
    steady_s = mt[-1] - ramp_end
    rate = steady_n / steady_s if steady_s > 0 else float("nan")
    t = ev["start"]
    ms = lambda a, b: 1000 * (b - a) if a is not None and b is not None else float("nan")
    print("  timeline %s N=%d (ms from process start; ideal run %.0f ms):" % (name, n, 1000 * units * LAT / n))
    print("    start-up %6.0f | ramp to %d in flight %5.0f | steady %6.0f (%.1f%% of ideal rate)"
          " | tail %4.0f (inherent %d) | write-out %4.0f" % (
              ms(t, mt[0]), n, ms(mt[0], ramp_end), 1000 * steady_s, 100 * rate * LAT / n,
              ms(mt[-1], last_answer), 1000 * LAT * (2 if judge_t else 1),
              ms(last_answer, ev["last_record"])))
    print("    first record at %.0f (first request + %.0f) | summary.json %4.0f | reports %4.0f"
          " | exit %4.0f | total %.0f" % (
              ms(t, ev["first_record"]), ms(mt[0], ev["first_record"]),
              ms(ev["last_record"], ev["summary"]), ms(ev["summary"], ev["last_file"]),
              ms(ev["last_file"], ev["exit"]), ms(t, ev["exit"])), flush=True)


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


def report(name, n, units, wall, cpu, steady, py, server=None):
    ideal = n / LAT
    line = ("%-9s N=%-4d %6d items: CLI %6.0f items/s (%5.1f%% of %d), steady %6.0f items/s (%5.1f%%), "
            "CLI CPU %.0f us/item" % (name, n, units, units / wall, 100 * units / wall / ideal, ideal,
                                      steady, 100 * steady / ideal, 1e6 * cpu / units))
    if server and server[1]:
        # the test servers' own CPU (/proc/PID/stat, 10 ms ticks) per request they logged
        line += ", servers %.0f us/request (%.0f us/item)" % (1e6 * server[0] / server[1],
                                                             1e6 * server[0] / units)
    if py:
        line += "; aiohttp %6.0f items/s (%5.1f%%, %.0f us/item), CLI/aiohttp %.2f" % (
            py["items_per_s"], 100 * py["items_per_s"] / ideal, py["cpu_us_per_item"],
            units / wall / py["items_per_s"])
    print(line, flush=True)
    SUMMARY.append("%-9s N=%-4d CLI %5.1f%% of ideal, steady %5.1f%%%s" % (
        name, n, 100 * units / wall / ideal, 100 * steady / ideal,
        ", aiohttp %5.1f%% (CLI/aiohttp %.2f)" % (100 * py["items_per_s"] / ideal, units / wall / py["items_per_s"])
        if py else ""))


def faults(tmp):
    """20% injected faults (all nine kinds) against fault-free, refusal judge, N = 64, --timeout 2."""
    n = 64
    # at least 9 s of ideal work: a Retry-After of 1 s near the end is a fixed cost of the mix
    units = 27 * max(1, int(max(3 * SECONDS, 9.0) * n / LAT / 27))
    res = {}
    for name, extra in (("clean", []), ("faults", ["--fault-rate", "0.2", "--fault", "mix"])):
        m = Server(tmp, "f" + name, 50, extra)
        wall, cpu, _, ev = cli(["run", "-m", "openai/m", "--base-url", m.url, "--epochs",
                                str(units // 27), "--concurrency", str(n), "--timeout", "2",
                                "--max-unscored", "1"], os.path.join(tmp, "f" + name), ok_codes=(0, 1))
        timeline("fault-" + name, n, units, ev, m.times())
        with open(os.path.join(tmp, "f" + name, "results.jsonl")) as f:
            failed = sum(1 for l in f if '"error":{' in l)
        res[name] = (wall, failed, len(m.times()))
        m.close()
    (w0, _, r0), (w1, f1, r1) = res["clean"], res["faults"]
    print("faults    N=%-4d %6d items, --timeout 2: fault-free %.2f s, 20%% fault mix %.2f s (%d requests, "
          "%d items failed): %.1f%% of the fault-free throughput kept" % (
              n, units, w0, w1, r1, f1, 100 * w0 / w1), flush=True)
    SUMMARY.append("faults    N=%-4d 20%% mix: %5.1f%% of the fault-free throughput (%d items failed)"
                   % (n, 100 * w0 / w1, f1))


NGINX_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"
NGINX_CONF = """load_module %(module)s;
daemon off; master_process on; worker_processes 2; pid %(tmp)s/nginx.pid;
error_log %(tmp)s/nginx-error.log; events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path %(tmp)s/body; proxy_temp_path %(tmp)s/proxy;
  fastcgi_temp_path %(tmp)s/fcgi; uwsgi_temp_path %(tmp)s/uwsgi; scgi_temp_path %(tmp)s/scgi;
  keepalive_requests 10000000; keepalive_timeout 60s;
  server {
    listen 127.0.0.1:%(port)d reuseport backlog=4096;
    location / {
      default_type application/json;
      echo_read_request_body; echo_sleep 0.05;
      echo '{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"I cannot help with that request."},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":7,"total_tokens":27}}';
    }
  }
}
"""


def nginx(tmp):
    """The refusal run against nginx + echo module (a 50 ms server on 2 worker processes)."""
    exe = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not exe or not os.path.exists(NGINX_MODULE):
        print("nginx     skipped: needs nginx and Debian's echo module "
              "(apt-get install nginx libnginx-mod-http-echo)", flush=True)
        SUMMARY.append("nginx     skipped (apt-get install nginx libnginx-mod-http-echo)")
        return
    import socket
    sk = socket.socket()
    sk.bind(("127.0.0.1", 0))
    port = sk.getsockname()[1]
    sk.close()
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF % {"module": NGINX_MODULE, "tmp": tmp, "port": port})
    p = subprocess.Popen([exe, "-c", conf, "-p", tmp, "-e", os.path.join(tmp, "nginx-error.log")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.02)
        url = "http://127.0.0.1:%d/v1" % port
        for n in (64, 256):
            units = 27 * max(1, int(SECONDS * n / LAT / 27))
            wall, cpu, _, ev = cli(["run", "-m", "openai/m", "--base-url", url, "--epochs",
                                    str(units // 27), "--concurrency", str(n)], os.path.join(tmp, "n%d" % n))
            ideal = n / LAT
            print("nginx     N=%-4d %6d items: CLI %6.0f items/s (%5.1f%% of %d), CLI CPU %.0f us/item" % (
                n, units, units / wall, 100 * units / wall / ideal, ideal, 1e6 * cpu / units), flush=True)
            SUMMARY.append("nginx     N=%-4d refusal, CLI %5.1f%% of ideal" % (n, 100 * units / wall / ideal))
    finally:
        p.terminate()
        p.wait(timeout=10)


def main():
    tmp = tempfile.mkdtemp(prefix="msb-bench-engine-")
    try:
        if ONLY in (None, "pipeline"):
            # the judge server answers every request with one judge-shaped body (--body, not even
            # parsing the 4 KB judge request): a cheap server whose answers are scored
            body = os.path.join(tmp, "judge_answer.json")
            with open(body, "w") as f:
                json.dump({"id": "j", "object": "chat.completion", "created": 0, "model": "j",
                           "choices": [{"index": 0, "finish_reason": "stop", "message": {
                               "role": "assistant",
                               "content": "#reason: The model declined the request.\n#score: 1"}}],
                           "usage": {"prompt_tokens": 984, "completion_tokens": 12, "total_tokens": 996}},
                          f)
            m, j = Server(tmp, "model", 50), Server(tmp, "judge", 50, ["--body", body])
            for n in (64, 256):
                epochs = max(1, int(SECONDS * n / LAT / 27))
                units = 27 * epochs
                m.reset(); j.reset()
                s0 = m.cpu() + j.cpu()
                wall, cpu, _, ev = cli(["run", "-m", "openai/m", "--base-url", m.url, "-j", "openai/j",
                                  "--judge-base-url", j.url, "--epochs", str(epochs),
                                  "--concurrency", str(n), "--judge-concurrency", str(n)],
                                 os.path.join(tmp, "p%d" % n))
                srv = m.cpu() + j.cpu() - s0
                mt, jt = m.times(), j.times()
                steady = units / (max(jt) + LAT - min(mt))
                timeline("pipeline", n, units, ev, mt, jt)
                report("pipeline", n, units, wall, cpu, steady, peer(m, j, n, units),
                       server=(srv, len(mt) + len(jt)))
            m.close(); j.close()
        if ONLY in (None, "refusal"):
            m = Server(tmp, "model1", 50)
            for n in (64, 256):
                epochs = max(1, int(SECONDS * n / LAT / 27))
                units = 27 * epochs
                m.reset()
                s0 = m.cpu()
                wall, cpu, _, ev = cli(["run", "-m", "openai/m", "--base-url", m.url, "--epochs",
                                  str(epochs), "--concurrency", str(n)], os.path.join(tmp, "r%d" % n))
                srv = m.cpu() - s0
                mt = m.times()
                steady = units / (max(mt) + LAT - min(mt))
                timeline("refusal", n, units, ev, mt)
                report("refusal", n, units, wall, cpu, steady, peer(m, None, n, units),
                       server=(srv, len(mt)))
            m.close()
        if ONLY in (None, "idle"):
            m = Server(tmp, "slow", 2000)

            def in_flight_window(p):
                """CPU samples from 0.1 s after the 256th request to 0.1 s before the first answer."""
                deadline = time.monotonic() + 30
                while len(m.times()) < 256 and time.monotonic() < deadline:
                    time.sleep(0.01)
                t = m.times()
                if len(t) < 256:
                    return []
                a, b = max(time.monotonic(), max(t) + 0.1), min(t) + 1.9
                time.sleep(max(0.0, a - time.monotonic()))
                s0 = (time.monotonic(), cpu_s(p.pid))
                time.sleep(max(0.0, b - time.monotonic()))
                return [s0, (time.monotonic(), cpu_s(p.pid))]

            # 270 units at 256 in flight: the first 256 are all in flight for about 2 s
            wall, total, s, _ = cli(["run", "-m", "openai/m", "--base-url", m.url, "--epochs", "10",
                                  "--concurrency", "256"], os.path.join(tmp, "idle"),
                                 sample_at=in_flight_window)
            span = s[1][0] - s[0][0] if len(s) == 2 else 0
            idle = 100 * (s[1][1] - s[0][1]) / span if span > 0.3 else float("nan")
            print("idle      N=256 in flight against a 2 s server: %.2f%% of one core over %.2f s while "
                  "all 256 were in flight (clock tick %d ms; nan: the ramp took too long to measure); "
                  "whole run %.2f s CPU in %.2f s wall (%.1f%%)"
                  % (idle, span, 1000 // TICK, total, wall, 100 * total / wall), flush=True)
            SUMMARY.append("idle      N=256 %.2f%% of one core while all are in flight" % idle)
            m.close()
        if ONLY in (None, "faults"):
            faults(tmp)
        if ONLY in (None, "nginx"):
            nginx(tmp)
        print("\nsummary (ideal: N / 50 ms items/s; load average %s):" %
              " ".join("%.2f" % x for x in os.getloadavg()))
        for line in SUMMARY:
            print("  " + line)
    finally:
        if not os.environ.get("MSB_BENCH_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)


if __name__ == "__main__":
    main()
