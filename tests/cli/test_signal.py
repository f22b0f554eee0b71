"""SIGINT, SIGTERM and SIGHUP stop a run cleanly (exit 128 + the signal, finished items kept,
reports written, the resume hint printed); --resume finishes it (issue #15 item 9)."""
import signal
from clitest import *

with TempDir() as tmp, TestServer("--latency-ms", "250") as srv:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        out = os.path.join(tmp, "r%d" % sig)
        args = ["run", "-m", "openai/slow", "--base-url", srv.url, "--concurrency", "1",
                "--out", out]
        p = subprocess.Popen([BIN] + args, env=base_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        # wait until the journal has a record, then ask to stop
        deadline = time.time() + 20
        path = os.path.join(out, "results.jsonl")
        while time.time() < deadline:
            if os.path.exists(path) and os.path.getsize(path) > 0:
                break
            time.sleep(0.05)
        p.send_signal(sig)
        o, e = p.communicate(timeout=30)
        e = e.decode()
        n = len(records(out))
        check(p.returncode == 128 + sig, "%s: exit %d" % (signal.Signals(sig).name, 128 + sig), e)
        check(os.path.exists(os.path.join(out, "summary.json")) and
              load_json(os.path.join(out, "summary.json"))["overall"]["n"] == n,
              "%s: the reports are written for the journaled items" % signal.Signals(sig).name)
        check("stopping" in e and "--resume" in e, "%s: says it stops and how to resume"
              % signal.Signals(sig).name, e)
        check(0 < n < 27, "%s: finished items are kept (%d)" % (signal.Signals(sig).name, n))
        r = run(["run", "-m", "openai/slow", "--base-url", srv.url, "--concurrency", "16",
                 "--out", out, "--resume", "-q"])
        check(r.rc == 0 and len(records(out)) == 27, "--resume finishes the run", r)
