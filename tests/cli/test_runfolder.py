"""The run folder (issue 16 items 2 and 3) through the installed CLI: the runner stops at
results.jsonl and run.json, and `run` finishes the folder once (summary.json, report.md,
report.html, report.csv when asked) from the journal; a run folder written by 0.1.0 (its
run.json has the shard only in the recorded configuration) still reads with status and
report."""
import shutil
from clitest import *

with TempDir() as tmp:
    out = os.path.join(tmp, "run")
    r = run(["run", "-q", "--limit", "12", "--format", "csv", "--out", out])
    check(r.rc == 0, "run --format csv", r)
    for name in ("results.jsonl", "run.json", "summary.json", "report.md", "report.html", "report.csv"):
        check(os.path.exists(os.path.join(out, name)), "run writes " + name)
    recs = records(out)
    summ = load_json(os.path.join(out, "summary.json"))
    # the summary is of the journal as written: n counted from results.jsonl's lines
    check(summ["overall"]["n"] == len(recs) == 12, "summary.json n = the journal's records", summ["overall"])
    scored = [x["score"] for x in recs if x["score"] is not None]
    check(summ["overall"]["n_scored"] == len(scored), "n_scored = records with a score", summ["overall"])
    with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
        md = f.read()
    info = load_json(os.path.join(out, "run.json"))
    check("judge %s" % info["judge"]["name"] in md, "report.md: the subtitle from run.json", md[:400])

    # a 0.1.0 run folder: status and report read it through the library's reader
    old = os.path.join(tmp, "old")
    shutil.copytree(os.path.join(FIXTURES, "runfolder", "run-0.1.0"), old)
    r = run(["status", "--json", old])
    check(r.rc == 0, "status of a 0.1.0 folder", r)
    st = json.loads(r.out)["shards"][0]
    check(st["shard"] == {"index": 1, "count": 2} and st["done"] == 2 and st["total"] == 2
          and st["errors"] == 1 and st["status"] == "finished",
          "status: the 0.1.0 shard (config.dataset.shard 1/2), 2 records, 1 error", st)
    r = run(["report", old, "--format", "json"])
    check(r.rc == 0, "report of a 0.1.0 folder", r)
    rep = json.loads(r.out)
    check(rep["overall"]["n"] == 2 and rep["overall"]["n_errors"] == 1,
          "report: the two complete records (the torn last line left out)", rep["overall"])
print("ok")
