"""medsafety merge checks coverage and completion (issue 17 item 1), and --allow-partial.

The built-in sample has 27 items; `--shard I/4` splits them by a hash of the id. The expected
counts below are the shard folders' own record counts (len(results.jsonl)), summed by the test.
"""
from clitest import *

with TempDir() as tmp:
    s = [os.path.join(tmp, "s%d" % i) for i in range(4)]
    for i in range(4):
        check(run(["run", "-q", "--shard", "%d/4" % i, "--out", s[i]]).rc == 0, "shard %d/4" % i)
    counts = [len(records(d)) for d in s]
    check(sum(counts) == 27 and all(counts), "four shards split the 27 items", counts)
    ri = load_json(os.path.join(s[2], "run.json"))
    check(ri["dataset"]["shard"] == {"index": 2, "count": 4} and ri["dataset"]["selection_items"] == 27
          and len(ri["dataset"]["selection_hash"]) == 64, "run.json records the shard and its selection",
          ri["dataset"])

    # a missing shard: exit 2, nothing written, the message names it
    m = os.path.join(tmp, "m")
    r = run(["merge", s[0], s[1], s[2], "--out", m])
    check(r.rc == 2 and one_line(r.err) and "missing shard 3 of 4" in r.err, "a missing shard: exit 2, named", r)
    check(not os.path.exists(os.path.join(m, "results.jsonl")), "a refused merge writes nothing")

    # --allow-partial merges what is there and says so everywhere
    r = run(["merge", s[0], s[1], s[2], "--out", m, "--allow-partial", "-q"])
    got = counts[0] + counts[1] + counts[2]
    text = "partial: 3 of 4 shards, %d of 27 items" % got
    check(r.rc == 0 and text in r.out, "--allow-partial merges and prints the partial line", r)
    rj, sj = load_json(os.path.join(m, "run.json")), load_json(os.path.join(m, "summary.json"))
    check(rj["partial"] == text and rj["coverage"] == {"shards": 3, "shard_count": 4, "records": got,
          "records_expected": 27, "complete": False}, "run.json: partial and coverage", rj.get("coverage"))
    check(sj["partial"] == text and sj["overall"]["n"] == got, "summary.json: partial", sj.get("partial"))
    for rep in ("report.md", "report.html"):
        with open(os.path.join(m, rep), encoding="utf-8") as f:
            check(text in f.read(), "%s says partial" % rep)
    r = run(["report", m, "--format", "md"])
    check(r.rc == 0 and text in r.out, "medsafety report of a partial merge says partial", r)

    # a complete merge says complete, and has no partial line
    full = os.path.join(tmp, "full")
    r = run(["merge"] + s + ["--out", full, "-q"])
    rj = load_json(os.path.join(full, "run.json"))
    check(r.rc == 0 and "partial" not in r.out and "partial" not in rj and rj["coverage"]["complete"] is True
          and "partial" not in load_json(os.path.join(full, "summary.json")), "a complete merge", r)

    # another split (another selection) and another shard count: refused even with --allow-partial
    t3 = os.path.join(tmp, "t3")
    check(run(["run", "-q", "--split", "test", "--shard", "3/4", "--out", t3]).rc == 0, "shard 3/4 of --split test")
    r = run(["merge", s[0], s[1], s[2], t3, "--out", os.path.join(tmp, "x"), "--allow-partial"])
    check(r.rc == 2 and one_line(r.err) and "selection" in r.err and "split" in r.err,
          "a shard of another --split: exit 2 even with --allow-partial", r)
    h3 = os.path.join(tmp, "h3")
    check(run(["run", "-q", "--shard", "1/3", "--out", h3]).rc == 0, "shard 1/3")
    r = run(["merge", s[0], h3, "--out", os.path.join(tmp, "x"), "--allow-partial"])
    check(r.rc == 2 and "another shard count" in r.err, "shards of 4 and of 3: exit 2", r)

    # a shard stopped by a budget (status "budget", part journaled): exit 2 naming it
    b3 = os.path.join(tmp, "b3")
    run(["run", "-q", "--shard", "3/4", "--out", b3, "--max-requests", "2"])
    rb = load_json(os.path.join(b3, "run.json"))
    check(rb["status"] == "budget" and len(records(b3)) < counts[3], "a shard stopped by a budget", rb["status"])
    r = run(["merge", s[0], s[1], s[2], b3, "--out", os.path.join(tmp, "x")])
    check(r.rc == 2 and one_line(r.err) and b3 in r.err and "not finished" in r.err,
          "a shard stopped by a budget: exit 2, named", r)
    # a killed shard (run.json still "running", nothing journaled): the same
    k3 = os.path.join(tmp, "k3")
    shutil.copytree(s[3], k3)
    rk = load_json(os.path.join(k3, "run.json"))
    rk["status"] = "running"
    with open(os.path.join(k3, "run.json"), "w") as f:
        json.dump(rk, f)
    open(os.path.join(k3, "results.jsonl"), "w").close()
    r = run(["merge", s[0], s[1], s[2], k3, "--out", os.path.join(tmp, "x")])
    check(r.rc == 2 and '"running"' in r.err, "a killed shard (status running, 0 records): exit 2", r)
    r = run(["merge", s[0], s[1], s[2], k3, "--out", os.path.join(tmp, "kp"), "--allow-partial", "-q"])
    check(r.rc == 0 and ("partial: 4 of 4 shards, %d of 27 items" % got) in r.out,
          "... and merged with --allow-partial, marked partial", r)
    # a finished shard whose journal lost records is incomplete
    c3 = os.path.join(tmp, "c3")
    shutil.copytree(s[3], c3)
    with open(os.path.join(c3, "results.jsonl")) as f:
        lines = f.readlines()
    with open(os.path.join(c3, "results.jsonl"), "w") as f:
        f.writelines(lines[:-1])
    r = run(["merge", s[0], s[1], s[2], c3, "--out", os.path.join(tmp, "x")])
    check(r.rc == 2 and ("%d of %d units journaled" % (counts[3] - 1, counts[3])) in r.err,
          "a shard missing a record: exit 2", r)
    # every problem on one line
    r = run(["merge", s[0], b3, "--out", os.path.join(tmp, "x")])
    check(r.rc == 2 and one_line(r.err) and "not finished" in r.err and "missing shards 1, 2 of 4" in r.err,
          "several problems listed on one line", r)

    # merging one folder: "merged 1 run" (item 7)
    one = os.path.join(tmp, "one")
    whole = os.path.join(tmp, "whole")
    check(run(["run", "-q", "--out", whole]).rc == 0, "an unsharded run")
    r = run(["merge", whole, "--out", one, "-q"])
    check(r.rc == 0 and "merged 1 run into" in r.out, "merging one folder says 'merged 1 run'", r)
