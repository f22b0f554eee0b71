"""Say what failed: when the journal cannot be written (a full disk, simulated with a file-size
limit, RLIMIT_FSIZE, which needs no root), the journal's failure is the message, with the resume
hint; progress and the message count what is in the journal; --resume then finishes the run
(issue #15 item 5)."""
import re
import resource
from clitest import *

REPLY = "I cannot help with that request."


def small_disk():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (30000, 30000))


with TempDir() as tmp:
    src = os.path.join(tmp, "items.txt")
    with open(src, "w") as f:  # 200 requests: far more than 30,000 bytes of records
        for i in range(200):
            f.write("request number %d about a medical topic, padded to make the record longer %s\n"
                    % (i, "x" * 40))
    out = os.path.join(tmp, "run")
    p = subprocess.run([BIN, "run", src, "--replay-text", REPLY, "--concurrency", "4", "--out", out], env=base_env(),
                       preexec_fn=small_disk, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    err = p.stderr.decode()
    lines = open(os.path.join(out, "results.jsonl"), "rb").read().split(b"\n")
    complete = len(lines) - 1  # the last piece is torn (or empty)
    msgs = [l for l in err.splitlines() if l.startswith("medsafety run: ") and "writing to" not in l]
    check(p.returncode == 1, "exit 1", err)
    check(msgs and "results.jsonl" in msgs[0] and "could not be written" in msgs[0]
          and "resume" in msgs[0], "the first message is the journal's failure, with the resume hint",
          err)
    check(not any("summary.json" in m for m in msgs[:1]), "not a summary.json message first", err)
    m = re.search(r"(\d+) of 200 units are in it", msgs[0])
    check(m and int(m.group(1)) == complete and 0 < complete < 200,
          "the message counts the records in the journal (%d)" % complete, err)
    done = re.findall(r"(\d+)/200 done", err)
    check(done and int(done[-1]) == complete, "the last progress line counts what is journaled",
          err)
    r = run(["run", src, "--replay-text", REPLY, "--out", out, "--resume", "-q"])
    check(r.rc == 0 and len(records(out)) == 200, "--resume with room finishes the run", r)
