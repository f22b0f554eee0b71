"""medsafety run finishes its folder from the scores the runner kept as it journaled
(msb_eval_write_summary, issue 12): summary.json is byte for byte what `medsafety report RUN
--format json` computes from results.jsonl (the independent path: it parses the journal), for a
fresh run with three samples per prompt and for a resumed one whose journal holds a later
duplicate of a record and a corrupt line."""
import json
from clitest import *

with TempDir() as tmp:
    out = os.path.join(tmp, "r")

    def same_as_report(what):
        rep = run(["report", out, "--format", "json"])
        with open(os.path.join(out, "summary.json")) as f:
            mine = f.read()
        check(rep.rc == 0 and mine == rep.out, what, (rep, mine[:400]))
        return json.loads(mine)

    r = run(["run", "--epochs", "3", "-q", "--format", "csv", "--out", out])
    check(r.rc == 0, "an offline run with three samples per prompt", r)
    first = same_as_report("fresh run: summary.json equals the journal's report")
    check(first["overall"]["n"] == 81, "27 items x 3 samples", first["overall"])
    csv = os.path.join(tmp, "journal.csv")
    rep = run(["report", out, "--format", "csv", "-o", csv])
    with open(os.path.join(out, "report.csv"), "rb") as f, open(csv, "rb") as g:
        check(rep.rc == 0 and f.read() == g.read(), "report.csv equals the journal's", rep)

    # a later copy of a record (score 5: it wins in every reader) and a corrupt line
    recs = records(out)
    dup = dict(recs[0], score=5, error=None)
    with open(os.path.join(out, "results.jsonl"), "a") as f:
        f.write(json.dumps(dup) + "\n{not json\n")
    r = run(["run", "--epochs", "3", "-q", "--resume", "--out", out])
    check(r.rc == 0, "resume with nothing left to do", r)
    second = same_as_report("resumed run: summary.json equals the journal's report")
    check(second["overall"]["n"] == 81 and second["overall"] != first["overall"],
          "the duplicate replaced its record (n the same, the figures not)", second["overall"])
