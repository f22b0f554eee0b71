"""Unscored is not success (issue 14, item 6): a run whose judge verdicts cannot be read fails
(exit 1, saying why) above --max-unscored; the counts show in the table and the reports;
--resume --retry-unscored asks again for those items."""
import re

from clitest import *

with TempDir() as tmp, TestServer() as srv:
    env = base_env(OPENAI_BASE_URL=srv.url)
    out = os.path.join(tmp, "u")
    # the test server echoes the prompt: the judge's reply has no '#score:', so every record is unscored
    args = ["run", "-m", "openai/m", "-j", "openai/judge-model", "--limit", "4", "--out", out]
    r = run(args, env=env)
    check(r.rc == 1 and "4 of 4 records (100.0%) are unscored" in r.err
          and "--retry-unscored" in r.err, "every verdict unreadable: exit 1 and why", r)
    check(re.search(r"^overall\s.*\s0\s+4\s*$", r.out, re.M) is not None,
          "the terminal table shows 4 unscored (errors 0)", r.out)
    md = open(os.path.join(out, "report.md")).read()
    check("Unscored / errors" in md and "| 0 / 0 |" not in md.split("**Overall**")[1].split("\n")[0]
          and "4 unscored" in md, "report.md shows the unscored counts", md)
    s = load_json(os.path.join(out, "summary.json"))["overall"]
    check(s["n_unscored"] == 4 and s["mean"] is None and s["mean_if_missing_1"] == 1.0
          and s["mean_if_missing_5"] == 5.0, "summary.json: the sensitivity bounds 1 and 5", s)

    r = run(args + ["--resume", "--max-unscored", "1"], env=env)
    check(r.rc == 0, "--max-unscored 1 accepts it", r)
    before = load_json(os.path.join(out, "run.json"))["session"]["judge_requests"]
    r = run(args + ["--resume", "--retry-unscored", "--max-unscored", "1", "-q"], env=env)
    info = load_json(os.path.join(out, "run.json"))
    check(r.rc == 0 and before == 0 and info["session"]["judge_requests"] == 4
          and len(records(out)) == 4,
          "--resume --retry-unscored asks the judge again for the 4 items (no duplicate records)",
          (r, info["session"]))
    # the answers journal (answers.jsonl) keeps the paid answers: only the judge is asked again
    check(info["session"].get("model_requests") == 0,
          "--retry-unscored does not ask the model again (answers.jsonl)", info["session"])
    r = run(["run", "--max-unscored", "2", "--out", os.path.join(tmp, "x")])
    check(r.rc == 2 and "max_unscored" in r.err, "--max-unscored outside 0..1: exit 2", r)
