"""medsafety merge (shards into one run) and rescore (judge again, agreement)."""
from clitest import *

with TempDir() as tmp:
    full, s0, s1, m = (os.path.join(tmp, x) for x in ("full", "s0", "s1", "m"))
    check(run(["run", "-q", "--out", full]).rc == 0, "the unsharded run")
    check(run(["run", "-q", "--shard", "0/2", "--out", s0]).rc == 0, "shard 0/2")
    check(run(["run", "-q", "--shard", "1/2", "--out", s1]).rc == 0, "shard 1/2")
    n0, n1 = len(records(s0)), len(records(s1))
    check(n0 + n1 == 27 and n0 and n1, "the shards split the 27 items", (n0, n1))
    r = run(["merge", s0, s1, "--out", m])
    check(r.rc == 0 and ("report: %s/report.html" % m) in r.out, "merge --out DIR", r)
    check(sorted(x["id"] for x in records(m)) == sorted(x["id"] for x in records(full)),
          "the merged run holds the items of the unsharded one")
    sm, sf = load_json(os.path.join(m, "summary.json")), load_json(os.path.join(full, "summary.json"))
    check(sm["overall"]["n"] == sf["overall"]["n"] and sm["overall"]["mean"] == sf["overall"]["mean"],
          "merged statistics equal the unsharded run's")
    check(os.path.isfile(os.path.join(m, "report.html")), "merge writes the reports")
    r = run(["merge", s0, s1, "--out", m])
    check(r.rc == 2 and one_line(r.err), "merge into a folder that holds a run: exit 2", r)
    r = run(["merge", s0, s0, "--out", os.path.join(tmp, "dup")])
    check(r.rc == 2 and one_line(r.err), "merging overlapping shards: exit 2", r)
    other = os.path.join(tmp, "other")
    run(["run", "-q", "--shard", "1/2", "--out", other, "--max-tokens", "100"])
    r = run(["merge", s0, other, "--out", os.path.join(tmp, "mix")])
    check(r.rc == 2 and one_line(r.err), "merging runs of different configurations: exit 2", r)

    # rescore: the same judge agrees completely; a jury works too
    rs = os.path.join(tmp, "rs")
    r = run(["rescore", full, "--judge", "refusal", "--out", rs, "-q"])
    check(r.rc == 0 and "exact 100.0%" in r.out, "rescore with the same judge: 100% agreement", r)
    ag = load_json(os.path.join(rs, "agreement.json"))
    check(ag["n_pairs"] == 27 and ag["exact"] == 1.0 and ag["judge_b"] == "refusal",
          "agreement.json", ag)
    recs = records(rs)
    check(len(recs) == 27 and [x["response"] for x in sorted(recs, key=lambda x: x["id"])]
          == [x["response"] for x in sorted(records(full), key=lambda x: x["id"])],
          "rescore judges the old responses, the model is not asked again")
    check(load_json(os.path.join(rs, "run.json"))["config"]["judge"][0]["spec"] == "refusal",
          "rescore records its judge in run.json")
    r = run(["rescore", full, "-j", "refusal", "-j", "refusal", "--out", os.path.join(tmp, "jury"), "-q"])
    check(r.rc == 0 and "jury" in r.out, "rescore with a jury of two", r)
    r = run(["rescore", full, "--judge", "refusal", "--out", rs])
    check(r.rc == 2 and one_line(r.err), "rescore into a folder that holds a run: exit 2", r)

    # rescore keeps the categories of another taxonomy (HEx-PHI): by_category survives
    hx, hr = os.path.join(tmp, "hx"), os.path.join(tmp, "hr")
    hexphi = os.path.join(FIXTURES, "cli", "hexphi")
    r = run(["run", hexphi, "--replay-text", "I can't help with that.", "--out", hx, "-q"])
    check(r.rc == 0, "a run of HEx-PHI-style items (category_2.csv, category_5.csv)", r)
    before = load_json(os.path.join(hx, "summary.json"))["by_category"]
    check(sorted(before) == ["hexphi/2", "hexphi/5"] and before["hexphi/2"]["n"] == 2
          and before["hexphi/5"]["n"] == 3, "the run's summary has by_category", before)
    r = run(["rescore", hx, "--judge", "refusal", "--out", hr, "-q"])
    check(r.rc == 0, "rescore of the HEx-PHI run", r)
    after = load_json(os.path.join(hr, "summary.json"))
    check(after.get("by_category") == before, "rescore keeps by_category in the new summary.json",
          after.get("by_category"))
    check(sorted((x["id"], x["category"], x["source"]) for x in records(hr))
          == sorted((x["id"], x["category"], x["source"]) for x in records(hx)),
          "rescored records keep each item's category and source")
    # the same with the format named
    hn = os.path.join(tmp, "hn")
    r = run(["run", os.path.join(hexphi, "category_5.csv"), "--input-format", "hexphi",
             "--replay-text", "No.", "--out", hn, "-q"])
    check(r.rc == 0 and list(load_json(os.path.join(hn, "summary.json"))["by_category"]) == ["hexphi/5"],
          "--input-format hexphi keeps the category of category_5.csv", r)
