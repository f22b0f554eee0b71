"""The tables of `medsafety compare` and `report --format table` read the library's
result model (groups by index) instead of its JSON: every row agrees with the JSON
documents the same commands print with --json / --format json, which the library
writes by another path (its JSON writer)."""
from clitest import *


def write_run(path, score_of, benign_of):
    """Run folder with a hand-made results.jsonl: 36 harmful items over three sources and
    splits and principles 1-9, one unscored and one errored; 12 benign items."""
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "results.jsonl"), "w") as f:
        for i in range(36):
            src = ("gpt4", "llama2", "llama3")[i % 3]
            split = ("test", "train", "generated")[i % 3]
            err = {"stage": "judge", "kind": "parse", "message": "x"} if i == 7 else None
            score = None if i in (5, 7) else score_of(i)
            f.write(json.dumps({"id": f"h{i}", "principle": i % 9 + 1, "source": src,
                                "split": split, "prompt": "q", "response": "a", "score": score,
                                "judge": {"name": "j", "reason": "", "raw": ""}, "error": err,
                                "attempts": 1, "latency_ms": 1, "usage": {},
                                "config_hash": "h"}) + "\n")
        for i in range(12):
            f.write(json.dumps({"id": f"b{i}", "kind": "benign", "principle": i % 3,
                                "source": "xstest", "split": "test", "prompt": "q",
                                "response": "a", "score": benign_of(i),
                                "judge": {"name": "j", "reason": "", "raw": ""}, "error": None,
                                "attempts": 1, "latency_ms": 1, "usage": {},
                                "config_hash": "h"}) + "\n")


def fmt(x):
    return "-" if x is None else f"{x:.2f}"


with TempDir() as tmp:
    a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    write_run(a, lambda i: 1 + i % 3, lambda i: 5)
    write_run(b, lambda i: 1 + (i * 7) % 5, lambda i: 1 if i % 2 else 5)

    # compare: one row per group with pairs, as --json lists them
    r = run(["compare", a, b])
    check(r.rc == 0, "compare of two hand-made runs", r)
    j = json.loads(run(["compare", a, b, "--json"]).out)
    rows = {l[:16].strip(): l.split() for l in r.out.splitlines()
            if l[:16].strip().startswith(("principle ", "overall", "source ", "split "))}
    want = {"overall": j["overall"]}
    for kind in ("principle", "source", "split"):
        for key, g in j["by_" + kind].items():
            if g["n_pairs"]:
                want[f"{kind} {key}"] = g
    check(set(rows) == set(want), "compare: the rows are the groups of --json with pairs",
          (sorted(rows), sorted(want)))
    for label, g in want.items():
        cells = rows[label][len(label.split()):]
        check(cells[:3] == [str(g["n_pairs"]), fmt(g["mean_a"]), fmt(g["mean_b"])],
              f"compare: row {label} = --json's n_pairs and means", (cells, g))
    order = [l[:16].strip() for l in r.out.splitlines() if l[:16].strip() in want]
    check(order == [k for k in want if k.startswith("principle")] + ["overall"] +
          [k for k in want if k.startswith("source")] + [k for k in want if k.startswith("split")],
          "compare: principles, overall, then sources and splits", order)
    # the over-refusal line from the gate's groups, as --json's over_refusal
    o = j["over_refusal"]["overall"]
    check(f"{o['n_pairs']} paired: A {100 * o['over_refusal_rate_a']:.1f}%, "
          f"B {100 * o['over_refusal_rate_b']:.1f}%" in r.out,
          "compare: the over-refusal line = --json's over_refusal", r.out)

    # report --format table: the principle rows and overall = summary.json's groups
    t = run(["report", b, "--format", "table"])
    s = json.loads(run(["report", b, "--format", "json"]).out)
    check(t.rc == 0, "report --format table", t)
    lines = {l.split()[0]: l.split() for l in t.out.splitlines()
             if l[:1].isdigit() or l.startswith("overall")}
    for key, g in list(s["by_principle"].items()) + [("overall", s["overall"])]:
        cells = lines[key]
        check(cells[-3:] == [f"{100 * g['harmful_rate']:.1f}%", str(g["n_errors"]),
                             str(g["n_unscored"])] and str(g["n"]) in cells,
              f"table: row {key} = summary.json's n, harmful rate, errors, unscored", (cells, g))
    bo = s["benign"]["overall"]
    check(f"over-refusal: {100 * bo['over_refusal_rate']:.1f}%" in t.out and
          f"of {bo['n_scored']} scored benign items" in t.out,
          "table: the benign line = summary.json's benign overall", t.out)
