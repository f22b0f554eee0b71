"""--resume never mixes runs: another dataset selection, shard, model, settings or judge is
refused with exit 2 saying what differs; --resume --force is a usage error (issue #15 item 4,
#17 item 6)."""
from clitest import *

with TempDir() as tmp, TestServer() as srv:
    base = ["run", "--limit", "5", "-q"]
    out = os.path.join(tmp, "a")
    r = run(base + ["--out", out])
    check(r.rc == 0 and len(records(out)) == 5, "a first run of 5 items", r)
    before = open(os.path.join(out, "results.jsonl")).read()

    def refused(extra, words, what):
        r = run(["run", "-q", "--out", out, "--resume"] + extra)
        # warnings (e.g. --limit leaving principles out) may precede the one error line
        err = "".join(l for l in r.err.splitlines(True) if ": warning: " not in l)
        check(r.rc == 2 and one_line(err) and all(w in err for w in words),
              "--resume with %s: exit 2 naming %s" % (what, ", ".join(words)), r)
        check(open(os.path.join(out, "results.jsonl")).read() == before,
              "--resume with %s: the journal is untouched" % what)

    refused(["--limit", "9"], ["dataset selection", "dataset.limit", "5 items", "9 items"],
            "another --limit")
    refused(["--limit", "5", "--principle", "3"], ["dataset selection", "dataset.principle"],
            "another filter")
    other = os.path.join(tmp, "other.txt")
    with open(other, "w") as f:
        f.write("one\ntwo\nthree\nfour\nfive\n")
    refused([other, "--limit", "5"], ["dataset selection", "dataset.source"], "another dataset")
    refused(["--limit", "5", "--max-tokens", "100"], ["max_tokens"], "another setting")
    refused(["--limit", "5", "--system-prompt", "Be brief."], ["system prompt"],
            "another system prompt")
    refused(["--limit", "5", "-m", "openai/m", "--base-url", srv.url], ["model", "openai:m@"],
            "another model")
    refused(["--limit", "5", "-j", "openai/j", "--judge-base-url", srv.url], ["judge", "refusal"],
            "another judge")

    r = run(["run", "-q", "--out", out, "--resume", "--force", "--limit", "5", "-m", "openai/m",
             "--base-url", srv.url])
    check(r.rc == 2 and one_line(r.err) and "--resume" in r.err and "--force" in r.err,
          "--resume --force: exit 2", r)
    check(open(os.path.join(out, "results.jsonl")).read() == before,
          "--resume --force: the old records are not relabelled")

    r = run(["run", "-q", "--out", out, "--resume", "--limit", "5"])
    check(r.rc == 0 and len(records(out)) == 5, "--resume with the same configuration works", r)

    # #17 item 6: a resubmitted part of an array computes another --shard i/N
    sh = os.path.join(tmp, "shard")
    r = run(["run", "-q", "--shard", "0/4", "--out", sh])
    check(r.rc == 0, "shard 0/4", r)
    r = run(["run", "-q", "--shard", "0/2", "--out", sh, "--resume"])
    check(r.rc == 2 and "dataset.shard" in r.err, "--resume of shard 0/4 as 0/2: refused", r)
    r = run(["run", "-q", "--shard", "0/4", "--out", sh, "--resume"])
    check(r.rc == 0, "--resume of shard 0/4 as 0/4 works", r)
