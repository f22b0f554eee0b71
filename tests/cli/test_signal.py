"""SIGINT and SIGTERM stop a run cleanly (exit 1, finished items kept); --resume finishes it."""
import signal
from clitest import *

with TempDir() as tmp, TestServer("--latency-ms", "250") as srv:
    for sig in (signal.SIGINT, signal.SIGTERM):
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
        check(p.returncode == 1, "%s: exit 1" % signal.Signals(sig).name, e)
        check("stopping" in e and "--resume" in e, "%s: says it stops and how to resume"
              % signal.Signals(sig).name, e)
        check(0 < n < 27, "%s: finished items are kept (%d)" % (signal.Signals(sig).name, n))
        r = run(["run", "-m", "openai/slow", "--base-url", srv.url, "--concurrency", "16",
                 "--out", out, "--resume", "-q"])
        check(r.rc == 0 and len(records(out)) == 27, "--resume finishes the run", r)
