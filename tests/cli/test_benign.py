"""Over-refusal (issue 19) through the installed CLI: the built-in benign set, --kind,
XSTest's CSV layout, --with-benign runs against the local test server as the model
(one that refuses everything, one that complies with everything, one that refuses only
the harmful requests), summary.json's benign object, the reports, and
`compare --fail-if-worse harm,over-refusal`."""
from clitest import *

XS = os.path.join(FIXTURES, "dataset", "xstest_layout.csv")

r = run(["dataset", "stats", "benign", "--json"])
check(r.rc == 0, "dataset stats benign", r)
st = json.loads(r.out)
check(st["items"] >= 180 and all(st["by_principle"][str(p)] >= 20 for p in range(1, 10)),
      "the built-in benign set: at least 20 requests per principle", st)
check(st["by_kind"] == {"harmful": 0, "benign": st["items"]}, "every item is benign", st)

r = run(["dataset", "stats", "--with-benign", "--json"])
st = json.loads(r.out)
check(r.rc == 0 and st["by_kind"] == {"harmful": 27, "benign": 180},
      "--with-benign adds the set to the sample", r)

r = run(["dataset", "stats", XS, "--json"])
st = json.loads(r.out)
check(r.rc == 0 and st["items"] == 4 and st["by_kind"] == {"harmful": 0, "benign": 4},
      "XSTest's layout: the 4 safe prompts load as benign, contrast_* rows do not", r)

r = run(["dataset", "stats", "--kind", "kindly"])
check(r.rc == 2 and "--kind wants harmful or benign" in r.err, "--kind checks its value", r)

# the same settings in a configuration file
with TempDir() as tmp:
    cf = os.path.join(tmp, "benign.yaml")
    with open(cf, "w") as f:
        f.write("dataset:\n  with_benign: true\n  principles: [2]\nmodel:\n  spec: replay\n"
                "  replay_text: I cannot help with that.\nbenign_judge: same\n")
    out = os.path.join(tmp, "cfg")
    r = run(["run", "--config", cf, "--out", out, "-q"])
    recs = records(out) if r.rc == 0 else []
    check(r.rc == 0 and len(recs) == 23 and sum(x["kind"] == "benign" for x in recs) == 20 and
          all(x["judge"]["name"] == "refusal" for x in recs),
          "config: dataset.with_benign, benign_judge: same", r)
    with open(cf, "w") as f:
        f.write("dataset:\n  kind: maybe\n")
    r = run(["run", "--config", cf, "--out", os.path.join(tmp, "bad"), "-q"])
    check(r.rc == 2 and "dataset.kind" in r.err, "config: dataset.kind is checked", r)

with TempDir() as tmp, TestServer() as plain, TestServer("--fault", "refusal", "--fault-rate", "1") as refuser:
    # a user's set in JSONL with a kind field; the harmful prompts carry the server's
    # refusal marker, so the same server refuses only those
    plain_set = os.path.join(tmp, "both.jsonl")
    r = run(["dataset", "export", "--with-benign", "--format", "jsonl", "-o", plain_set])
    check(r.rc == 0, "export the sample with the benign set", r)
    items = [json.loads(l) for l in open(plain_set)]
    check(sum(1 for x in items if x.get("kind") == "benign") == 180 and
          all(x.get("rationale") for x in items if x.get("kind") == "benign"),
          "the export carries kind and rationale of the benign items")
    marked_set = os.path.join(tmp, "marked.jsonl")
    with open(marked_set, "w") as f:
        for x in items:
            if x.get("kind") != "benign":
                x["prompt"] += " [[fault:refusal]]"
            f.write(json.dumps(x) + "\n")

    def run_model(name, url, source, extra=()):
        out = os.path.join(tmp, name)
        r = run(["run", source, "-m", "openai/m", "--base-url", url, "--concurrency", "4",
                 "--out", out, "-q"] + list(extra))
        check(r.rc == 0, "run " + name, r)
        return out

    runs = {
        "refuses_all": run_model("refuses_all", refuser.url, "sample", ["--with-benign"]),
        "complies_all": run_model("complies_all", plain.url, "sample", ["--with-benign"]),
        "refuses_harmful": run_model("refuses_harmful", plain.url, marked_set),
    }
    summ = {k: load_json(os.path.join(v, "summary.json")) for k, v in runs.items()}
    for k, s in summ.items():
        check(s["overall"]["n"] == 27 and s["benign"]["overall"]["n"] == 180,
              k + ": harmful statistics over the 27 harmful items only, benign apart",
              (s["overall"]["n"], s["benign"]["overall"]["n"]))
    recs = records(runs["refuses_harmful"])
    check(all(x["kind"] == ("benign" if x["id"].startswith("benign/") else "harmful") for x in recs),
          "results.jsonl records the kind of each item")
    check(all(x["judge"]["name"] == "refusal+benign:xstest-rules" for x in recs),
          "benign answers go to the xstest-rules judge by default", recs[0]["judge"])
    h = {k: s["overall"]["harmful_rate"] for k, s in summ.items()}
    o = {k: s["benign"]["overall"]["over_refusal_rate"] for k, s in summ.items()}
    check(h == {"refuses_all": 0.0, "complies_all": 1.0, "refuses_harmful": 0.0},
          "harmful rates", h)
    check(o == {"refuses_all": 1.0, "complies_all": 0.0, "refuses_harmful": 0.0},
          "over-refusal rates: the model that refuses everything over-refuses", o)
    for p in map(str, range(1, 10)):
        b = summ["refuses_all"]["benign"]["by_principle"][p]
        check(b["n"] == 20 and b["full_refusal_rate"] == 1.0, "principle %s: 20 benign items, all refused" % p, b)
    # 180 of 180: statsmodels proportion_confint(180, 180, method="wilson") = (0.9791045020783868, 1.0)
    ob = summ["refuses_all"]["benign"]["overall"]
    check(abs(ob["over_refusal_ci_low"] - 0.9791045020783868) < 1e-7 and ob["over_refusal_ci_high"] == 1.0,
          "Wilson interval of 180/180 as statsmodels", ob)

    md = open(os.path.join(runs["refuses_all"], "report.md")).read()
    check("## Harm and over-refusal by principle" in md and
          "| **Overall** | | 27 | 0.0% [0.0, 12.5] | 180 | 100.0% [97.9, 100.0] |" in md,
          "report.md: the over-refusing model at 100% over-refusal", md[-1500:])
    check("**Reading:** this model over-refuses" in md, "report.md names it as over-refusing")
    md3 = open(os.path.join(runs["refuses_harmful"], "report.md")).read()
    check("**Reading:**" not in md3, "... and has no such reading for the model that refuses only harm")
    html = open(os.path.join(runs["refuses_harmful"], "report.html")).read()
    svg = html[html.find('id="harm-vs-overrefusal"'):]
    svg = svg[:svg.find("</svg>")]
    check(svg and svg.count("<circle") == 1 and svg.count("<rect") == 1 and
          ">1,2,3,4,5,6,7,8,9</text>" in svg,
          "report.html: the scatter; the nine principles at one point share a dot and a label", svg)

    r = run(["report", runs["refuses_all"], "--format", "table"])
    check(r.rc == 0 and "over-refusal: 100.0% [97.9, 100.0] of 180 scored benign items" in r.out,
          "the terminal table ends with the over-refusal line", r)

    # the gate: harm by default, over-refusal on request. refuses_harmful ran on a marked copy
    # of the set (another dataset hash, same ids): the gate needs --allow-mismatch for it.
    a, b = runs["refuses_harmful"], runs["refuses_all"]
    r = run(["compare", a, b, "--fail-if-worse", "--allow-mismatch"])
    check(r.rc == 0, "--fail-if-worse (harm): refusing everything is not more harmful", r)
    r = run(["compare", a, b, "--fail-if-worse", "harm,over-refusal", "--allow-mismatch"])
    check(r.rc == 1 and "B over-refuses significantly more than A." in r.out,
          "--fail-if-worse harm,over-refusal fails on over-refusal", r)
    r = run(["compare", a, runs["complies_all"], "--fail-if-worse=over-refusal", "--allow-mismatch"])
    check(r.rc == 0, "--fail-if-worse=over-refusal: complying with everything does not over-refuse", r)
    r = run(["compare", a, runs["complies_all"], "--fail-if-worse", "harm,over-refusal", "--allow-mismatch"])
    check(r.rc == 1, "... but fails the harm gate", r)
    r = run(["compare", a, b, "--json"])
    j = json.loads(r.out)
    check(r.rc == 0 and j["over_refusal"]["worse"] is True and
          j["over_refusal"]["overall"]["b_only"] == 180, "compare --json: over_refusal", j.get("over_refusal"))
    r = run(["compare", a, b, "--fail-if-worse=safety", "--allow-mismatch"])
    check(r.rc == 2, "--fail-if-worse checks its list", r)

    # rescore keeps the kinds: benign answers go to the benign judge again
    out = os.path.join(tmp, "rescored")
    r = run(["rescore", runs["refuses_all"], "--judge", "refusal", "--out", out, "-q"])
    check(r.rc == 0, "rescore a run with benign items", r)
    recs = records(out)
    check(sum(1 for x in recs if x.get("kind") == "benign") == 180 and
          all(x["judge"]["name"] == "refusal+benign:xstest-rules" for x in recs),
          "rescore: the kinds survive and benign items get the benign judge", recs[:1])
    s = load_json(os.path.join(out, "summary.json"))
    check(s["overall"]["n"] == 27 and s["benign"]["overall"]["over_refusal_rate"] == 1.0,
          "rescore: harmful and benign statistics apart", s.get("benign"))

    # --kind benign on a user's file; --benign-judge same keeps the run's judge
    r = run(["run", XS, "--kind", "benign", "-m", "openai/m", "--base-url", refuser.url,
             "--benign-judge", "same", "--out", os.path.join(tmp, "xs"), "-q"])
    check(r.rc == 0, "run an XSTest-layout file with --benign-judge same", r)
    recs = records(os.path.join(tmp, "xs"))
    check(len(recs) == 4 and all(x["judge"]["name"] == "refusal" and x["kind"] == "benign" for x in recs),
          "--benign-judge same: the run's judge on benign items", recs[:1])
    # auto with an LLM judge: the helpfulness template goes to the judge model for benign items
    out = os.path.join(tmp, "llm")
    r = run(["run", XS, "--kind", "benign", "-m", "openai/m", "-j", "openai/judge", "--base-url", plain.url,
             "--judge-base-url", plain.url, "--out", out, "-q"])
    recs = records(out) if r.rc == 0 else []
    check(r.rc == 0 and len(recs) == 4 and all("+benign:llm:" in x["judge"]["name"] for x in recs),
          "--benign-judge auto with an openai judge: the helpfulness LLM judge", r)
    r = run(["run", XS, "--benign-judge", "psychic", "--out", os.path.join(tmp, "bad"), "-q"])
    check(r.rc == 2 and "unknown --benign-judge" in r.err, "--benign-judge checks its value", r)
