"""No silent loss in reading: `medsafety report` on a journal with corrupt lines warns with their
count and line numbers; --strict fails with exit 1 (issue #15 item 6)."""
from clitest import *

with TempDir() as tmp:
    out = os.path.join(tmp, "a")
    r = run(["run", "-q", "--out", out])
    check(r.rc == 0 and len(records(out)) == 27, "a run of 27 items", r)
    r = run(["report", out, "--strict", "--format", "json"])
    check(r.rc == 0 and r.err == "", "a clean journal: --strict passes, no warning", r)
    path = os.path.join(out, "results.jsonl")
    lines = open(path).read().splitlines(True)
    lines[2] = '{"id": "broken", "score": \n'      # line 3: not JSON
    lines[6] = '{"id": "x", "score": 9}\n'          # line 7: a score out of range
    lines.insert(10, "\n")                          # an empty line: line 11, not corrupt
    lines[20] = "garbage\n"                         # line 21 (after the empty line)
    with open(path, "w") as f:
        f.writelines(lines)
    r = run(["report", out, "--format", "json"])
    check(r.rc == 0 and "3 corrupt lines" in r.err and "lines 3, 7, 21" in r.err,
          "corrupt lines: a warning with the count and the line numbers", r.err)
    check(json.loads(r.out)["overall"]["n"] == 24, "the report counts the 24 good records",
          json.loads(r.out)["overall"]["n"])
    r = run(["report", out, "--strict"])
    check(r.rc == 1 and "3 corrupt lines" in r.err and r.out == "",
          "--strict: exit 1 and no report", r)
