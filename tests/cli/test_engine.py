"""The request engine (issue #12) through the installed CLI, with two test servers.

Model and judge are two msb_test_server processes; each logs the arrival time of every
completion request (--log, CLOCK_MONOTONIC seconds, the clock of Python's time.monotonic on
Linux). Behaviour, not speed: every check compares orders of events or counts.
"""
import signal
import urllib.request

from clitest import *

# The test server's answers carry no score, so its judge leaves every record unscored:
# --max-unscored 1 keeps that from failing the runs (unscored is not what these test).


def times(path):
    with open(path) as f:
        return [float(l) for l in f if l.strip()]


def lines(path):
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8") as f:
        return sum(1 for l in f if l.strip())


def logged_server(tmp, name, *args):
    log = os.path.join(tmp, name + ".log")
    open(log, "w").close()
    return TestServer("--log", log, *args), log


with TempDir() as tmp:
    # ---- pipelining: 27 items x 8 samples; model 40 ms at 4 in flight (about 2.2 s), judge 10 ms
    m, mlog = logged_server(tmp, "model", "--latency-ms", "40")
    j, jlog = logged_server(tmp, "judge", "--latency-ms", "10")
    with m, j:
        out = os.path.join(tmp, "pipe")
        args = ["run", "-m", "openai/m", "--base-url", m.url, "-j", "openai/judge", "--max-unscored", "1",
                "--judge-base-url", j.url, "--epochs", "8", "--concurrency", "4",
                "--judge-concurrency", "4", "--judge-timeout", "2", "--judge-retries", "0",
                "--out", out, "-q"]
        p = subprocess.Popen([BIN] + args, env=base_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        seen = []  # (monotonic time, records in results.jsonl) while the run goes on
        while p.poll() is None:
            seen.append((time.monotonic(), lines(os.path.join(out, "results.jsonl"))))
            time.sleep(0.02)
        o, e = p.communicate(timeout=60)
        check(p.returncode == 0, "two servers: the run finishes", e)
        mt, jt = times(mlog), times(jlog)
        check(len(mt) == 216 and len(jt) == 216, "216 model and 216 judge requests",
              (len(mt), len(jt)))
        check(min(jt) < max(mt), "judge requests arrive while model requests still arrive",
              (min(jt), max(mt)))
        early = [n for t, n in seen if t < max(mt) and n > 0]
        check(early, "results.jsonl has records before the last model request")
        recs = records(out)
        errs = [r["error"] for r in recs if r["error"]]
        check(len(recs) == 216 and not errs,
              "a 10 ms judge never times out (--judge-timeout 2 --judge-retries 0)", errs[:3])
        check(lines(os.path.join(out, "answers.jsonl")) == 216,
              "answers.jsonl holds every model answer")
        info = load_json(os.path.join(out, "run.json"))
        check(info["options"].get("model_in_flight") == 4 and
              info["options"].get("judge_in_flight") == 4,
              "run.json: requests in flight as asked", info["options"])

    # ---- kill -9 during the model stage, then --resume: each answer is paid for once
    # (plus at most the requests in flight at the kill). A slow judge keeps answers waiting
    # for it, so without answers.jsonl they would be asked again.
    m, mlog = logged_server(tmp, "model2", "--latency-ms", "60")
    j, jlog = logged_server(tmp, "judge2", "--latency-ms", "200")
    with m, j:
        out = os.path.join(tmp, "kill")
        args = ["run", "-m", "openai/m", "--base-url", m.url, "-j", "openai/judge", "--max-unscored", "1",
                "--judge-base-url", j.url, "--epochs", "4", "--concurrency", "6",
                "--judge-concurrency", "2", "--out", out, "-q"]
        p = subprocess.Popen([BIN] + args, env=base_env(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline and len(times(mlog)) < 40 and p.poll() is None:
            time.sleep(0.02)
        p.kill()
        p.wait()
        asked = len(times(mlog))
        check(asked < 108, "killed during the model stage (%d of 108 asked)" % asked)
        kept = lines(os.path.join(out, "answers.jsonl"))
        judged = len(records(out))
        check(kept > judged, "answers.jsonl kept answers not yet judged (%d answers, %d records)"
              % (kept, judged))
        # (concurrency is not part of the configuration: a resume may change it)
        r = run(args + ["--resume", "--judge-concurrency", "16"])
        check(r.rc == 0 and len(records(out)) == 108, "--resume finishes the run", r)
        total = len(times(mlog))
        check(total <= 108 + 6, "the model was asked at most N + in flight times (%d <= 114)"
              % total)
        ids = [(x["id"], x["sample"]) for x in records(out)]
        check(len(set(ids)) == 108, "every unit once in results.jsonl")

    # ---- Ctrl-C: answers waiting for the judge are still judged within the grace period,
    # the rest are kept in answers.jsonl; --resume asks the model only for the others
    m, mlog = logged_server(tmp, "model3", "--latency-ms", "20")
    j, jlog = logged_server(tmp, "judge3", "--latency-ms", "150")
    with m, j:
        out = os.path.join(tmp, "int")
        args = ["run", "-m", "openai/m", "--base-url", m.url, "-j", "openai/judge", "--max-unscored", "1",
                "--judge-base-url", j.url, "--epochs", "4", "--concurrency", "8",
                "--judge-concurrency", "2", "--out", out, "-q"]
        p = subprocess.Popen([BIN] + args, env=base_env(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while time.time() < deadline and len(times(mlog)) < 60 and p.poll() is None:
            time.sleep(0.02)
        judge_before = len(times(jlog))
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=30)
        check(p.returncode == 130, "SIGINT: exit 130 (128 + SIGINT)", p.returncode)
        judge_after = len(times(jlog))
        kept = lines(os.path.join(out, "answers.jsonl"))
        recs = len(records(out))
        check(judge_after > judge_before,
              "SIGINT: answers waiting for the judge are still sent to it (%d -> %d judge requests)"
              % (judge_before, judge_after))
        check(kept > recs, "SIGINT: answers not judged in time are kept (%d answers, %d records)"
              % (kept, recs))
        asked = len(times(mlog))
        r = run(args + ["--resume", "--judge-concurrency", "16"])
        check(r.rc == 0 and len(records(out)) == 108, "--resume after SIGINT finishes", r)
        check(len(times(mlog)) - asked == 108 - kept,
              "--resume asks the model only for units without a stored answer (%d)"
              % (len(times(mlog)) - asked))

    # ---- an explicit lower --max-in-flight wins over --concurrency and is shown
    with TestServer("--latency-ms", "50") as srv:
        out = os.path.join(tmp, "mif")
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--concurrency", "8",
                 "--max-in-flight", "3", "--out", out])
        check(r.rc == 0 and "model requests in flight: 3 (max_in_flight), not 8" in r.err,
              "--max-in-flight 3 with --concurrency 8: said on the terminal", r)
        info = load_json(os.path.join(out, "run.json"))
        check(info["options"]["model_in_flight"] == 3, "run.json: model_in_flight 3",
              info["options"])
    # ... and --concurrency above 64 is not capped at 64 (a 300 ms server, 100 at once)
    with TestServer("--latency-ms", "300") as srv:
        out = os.path.join(tmp, "c100")
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--epochs", "4",
                 "--concurrency", "100", "--out", out, "-q"])
        check(r.rc == 0, "--concurrency 100 runs", r)
        with urllib.request.urlopen(srv.url.replace("/v1", "/_stats"), timeout=10) as f:
            st = json.load(f)
        check(st["max_open_connections"] >= 100,
              "--concurrency 100: 100 requests in flight at once, not 64", st)

    # ---- fail fast on a refused port: one message with the endpoint, exit 1, resumable
    out = os.path.join(tmp, "dead")
    t0 = time.monotonic()
    r = run(["run", "-m", "openai/m", "--base-url", "http://127.0.0.1:1/v1", "--epochs", "4",
             "--out", out], timeout=60)
    took = time.monotonic() - t0
    msg = "model endpoint http://127.0.0.1:1/v1: Couldn't connect to server ("
    check(r.rc == 1 and r.err.count(msg) == 1, "a refused port: exit 1, the message once", r)
    check(took < 30, "a refused port stops at once, not after retrying every item (%.1f s)" % took)
    check(len(records(out)) == 0, "nothing was journaled")
    with TestServer() as srv:
        # the server's URL is provenance, not configuration (replicas, docs/scaling.md):
        # the run resumes against the live server
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--epochs", "4", "--out", out,
                 "--resume", "-q"])
        check(r.rc == 0 and len(records(out)) == 108, "the stopped run resumes", r)
