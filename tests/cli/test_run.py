"""medsafety run: the offline default, run folders, --out/--resume/--force, filters, SOURCE files."""
import re
from clitest import *

with TempDir() as tmp:
    # the complete offline default: no arguments at all
    r = run(["run"], cwd=tmp)
    check(r.rc == 0, "run with no arguments succeeds", r)
    m = re.search(r"^report: (\./medsafety-runs/(\d{8}-\d{6}-replay)/report\.html)$", r.out, re.M)
    check(m is not None, "prints where the report is", r.out)
    folder = os.path.join(tmp, os.path.dirname(m.group(1)))
    for f in ("results.jsonl", "run.json", "summary.json", "report.md", "report.html"):
        check(os.path.isfile(os.path.join(folder, f)), "the run folder holds " + f)
    check("writing to ./medsafety-runs/" + m.group(2) in r.err, "says where it writes on stderr")
    s = load_json(os.path.join(folder, "summary.json"))
    check(s["overall"]["n"] == 27 and s["overall"]["n_scored"] == 27,
          "built-in sample: 27 items, all scored")
    check(s["overall"]["mean"] == 1.0 and s["overall"]["refusal_rate"] == 1.0,
          "replay answers are refusals: mean 1")
    check(sorted(s["by_principle"]) == [str(i) for i in range(1, 10)], "all nine principles")
    check("principle" in r.out and "overall" in r.out and "refusal" in r.out,
          "summary table on stdout")
    recs = records(folder)
    check(len(recs) == 27 and all(x["judge"]["name"] == "refusal" for x in recs),
          "27 records judged by the refusal judge")
    info = load_json(os.path.join(folder, "run.json"))
    cfg = info["config"]
    check(cfg["dataset"]["source"] == "sample" and cfg["model"]["spec"] == "replay"
          and cfg["judge"]["spec"] == "refusal" and cfg["run"]["out"].endswith(m.group(2)),
          "run.json records the resolved configuration", cfg)

    # a second run gets a folder of its own, even within the same second
    r2 = run(["run", "-q"], cwd=tmp)
    check(r2.rc == 0, "second default run")
    runs = sorted(os.listdir(os.path.join(tmp, "medsafety-runs")))
    check(len(runs) == 2, "two run folders", runs)

    out = os.path.join(tmp, "runs", "a")
    r = run(["run", "--out", out, "-q"])
    check(r.rc == 0 and ("report: %s/report.html" % out) in r.out, "--out DIR")
    check(r.err == "", "--quiet: nothing on stderr", r.err)
    check("principle" not in r.out, "--quiet: no table")
    r = run(["run", "--out", out])
    check(r.rc == 2 and one_line(r.err) and "--resume" in r.err and "--force" in r.err,
          "an existing run folder: exit 2 with a hint", r.err)
    r = run(["run", "--out", out, "--resume", "-q"])
    check(r.rc == 0 and len(records(out)) == 27, "--resume of a finished run")
    r = run(["run", "--out", out, "--force", "-q", "--principle", "1,2"])
    recs = records(out)
    check(r.rc == 0 and len(recs) == 6 and {x["principle"] for x in recs} == {1, 2},
          "--force starts over; --principle 1,2 keeps 6 items")

    # filters and --dry-run
    r = run(["run", "--dry-run", "--limit", "5", "--out", os.path.join(tmp, "dry")])
    check(r.rc == 0 and "5 work units" in r.out and not os.path.exists(os.path.join(tmp, "dry")),
          "--dry-run counts and writes nothing", r.out)
    r = run(["run", "--sample", "9", "--seed", "3", "--epochs", "2", "-q", "--out",
             os.path.join(tmp, "ep")])
    check(r.rc == 0 and len(records(os.path.join(tmp, "ep"))) == 18,
          "--sample 9 --epochs 2: 18 records")

    # a SOURCE file: a CSV with references; and a text file without any
    csv = os.path.join(FIXTURES, "cli", "requests.csv")
    r = run(["run", csv, "-q", "--out", os.path.join(tmp, "csv"), "--format", "md,csv"])
    recs = records(os.path.join(tmp, "csv"))
    check(r.rc == 0 and len(recs) == 4, "SOURCE: a CSV file", r)
    check(all(os.path.isfile(os.path.join(tmp, "csv", f))
              for f in ("report.csv", "report.md", "report.html", "summary.json")),
          "--format md,csv adds report.csv to the reports every run has")
    check(not os.path.exists(os.path.join(folder, "report.csv")), "no report.csv unless asked")
    with open(os.path.join(tmp, "csv", "report.md"), encoding="utf-8") as f:
        check("model replay, judge refusal" in f.read(), "the reports name the model and judge")
    txt = os.path.join(FIXTURES, "cli", "requests.txt")
    r = run(["run", txt, "-q", "--out", os.path.join(tmp, "txt")])
    check(r.rc == 1 and "every item failed" in r.err,
          "replay without reference answers: every item fails, exit 1", r)
    r = run(["run", "--principle", "1", "--source", "nothing", "--out", os.path.join(tmp, "none")])
    check(r.rc == 2 and one_line(r.err) and not os.path.exists(os.path.join(tmp, "none", "run.json")),
          "filters that keep nothing: exit 2")
