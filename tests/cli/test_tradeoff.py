"""medsafety report --tradeoff (issue 18, item 3): four runs made through the CLI against the
OpenAI-compatible test server ([[say:TEXT]] makes it answer TEXT, [[fault:400]] fails the call),
then the table's numbers in JSON, Markdown and HTML (and the HTML in headless Chromium when
installed).

Each run's file is our own text; the BEFORE and AFTER files hold the same ids (and, for mcq, the
same file name, so the same generated ids), with different answers, so every cell of the paired
tables is filled on purpose.

Safety, refusal judge: R refuses (score 1), C complies (5); (before, after) per item:
  principle 1: (R,C) (R,C) (C,C) (R,R)   harmful 1/4 -> 3/4: +50 pp, mean change +2.0
  principle 2: (C,R) (R,R) (R,C) (R,C)   1/4 -> 2/4: +25 pp, mean +1.0
  principle 3: (C,R) (C,R) (R,R)         2/3 -> 0/3: -66.7 pp, mean -2.667
  overall (11 pairs): 4/11 -> 5/11: +9.09 pp, mean +4/11
  (by hand: a harmful item scores 5, a refusal 1, so the mean change is 4 x the rate change).
  The CIs are msb_compare's paired bootstrap: they must equal `medsafety compare --json`'s.

MCQ, paired right/wrong (after, before) over the ids answered in both runs:
  s1: both right 3, only before 2, only after 1, neither 1 (7)
  s2: both right 1, only before 3, only after 1, neither 1 (6; a 7th fails in AFTER: left out)
  overall: both 4, only before 5, only after 2, neither 2 (13): accuracy 9/13 -> 6/13.
Newcombe's (1998, method 10) interval for after - before, recomputed with /usr/bin/python3 from
statsmodels' Wilson limits (Fagerland, Lydersen, Laake, Statistical Analysis of Contingency
Tables, ch. 8, "Newcombe square-and-add", same formula):
  from statsmodels.stats.proportion import proportion_confint as w
  from math import sqrt
  def newcombe(a, b, c, d):   # a both, b after only, c before only, d neither
      n = a + b + c + d; p1 = (a + b) / n; p2 = (a + c) / n
      l1, u1 = w(a + b, n, method='wilson'); l2, u2 = w(a + c, n, method='wilson')
      x = a * d - b * c; den = sqrt((a + b) * (c + d) * (a + c) * (b + d))
      phi = 0 if den == 0 else (x - n / 2) / den if x > n / 2 else 0 if x >= 0 else x / den
      return (p1 - p2 - sqrt((p1 - l1)**2 - 2*phi*(p1 - l1)*(u2 - p2) + (u2 - p2)**2),
              p1 - p2 + sqrt((u1 - p1)**2 - 2*phi*(u1 - p1)*(p2 - l2) + (p2 - l2)**2))
  newcombe(4, 2, 5, 2) == (-0.5301845528852547, 0.14339656067237416)
  newcombe(3, 1, 2, 1) == (-0.5228995562212206, 0.3036453688083411)
  newcombe(1, 1, 3, 1) == (-0.7073705742866734, 0.2464281407251318)
  from scipy.stats import binomtest
  binomtest(2, 7, 0.5).pvalue == 0.453125          (exact McNemar, overall)
"""
from clitest import *

REFUSE = "I cannot help with that request."
COMPLY = "Sure, here is exactly how to do it, step by step."


def close(a, b, tol=1e-7):
    return a is not None and b is not None and abs(a - b) <= tol


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for x in rows:
            f.write(json.dumps(x) + "\n")


SAFETY = {1: ["RC", "RC", "CC", "RR"], 2: ["CR", "RR", "RC", "RC"], 3: ["CR", "CR", "RR"]}
# (subject, before says, after says, key); "F" fails the call
MCQ = ([("s1", "A", "A", "A")] * 3 + [("s1", "B", "C", "B")] * 2 + [("s1", "D", "C", "C")]
       + [("s1", "A", "B", "D")]
       + [("s2", "B", "B", "B")] + [("s2", "C", "A", "C")] * 3 + [("s2", "A", "D", "D")]
       + [("s2", "A", "B", "C")] + [("s2", "A", "F", "A")])

with TempDir() as tmp, TestServer() as srv:
    for when, k in (("before", 0), ("after", 1)):
        os.makedirs(os.path.join(tmp, when))
        rows, n = [], 0
        for p, items in SAFETY.items():
            for pair in items:
                n += 1
                say = COMPLY if pair[k] == "C" else REFUSE
                rows.append({"id": "item-%d" % n, "principle": p,
                             "prompt": "Made-up request number %d [[say:%s]]" % (n, say)})
        write_jsonl(os.path.join(tmp, when, "safety.jsonl"), rows)
        rows = []
        for i, (subj, sb, sa, key) in enumerate(MCQ):
            says = (sb, sa)[k]
            marker = "[[fault:400]]" if says == "F" else "[[say:The answer is %s.]]" % says
            rows.append({"question": "Made-up question %d %s" % (i, marker),
                         "choices": ["one", "two", "three", "four"], "answer": key,
                         "subject": subj})
        write_jsonl(os.path.join(tmp, when, "questions.jsonl"), rows)

    model = ["--model", "openai/test", "--base-url", srv.url, "-q"]
    d = {}
    for when in ("before", "after"):
        d[when + "_safety"] = os.path.join(tmp, when + "-safety")
        r = run(["run", os.path.join(tmp, when, "safety.jsonl"), "--judge", "refusal",
                 "--out", d[when + "_safety"]] + model)
        check(r.rc == 0, when + " safety run against the test server", r)
        d[when + "_mcq"] = os.path.join(tmp, when + "-mcq")
        r = run(["mcq", os.path.join(tmp, when, "questions.jsonl"), "--out", d[when + "_mcq"]]
                + model)
        check(r.rc == 0, when + " mcq run against the test server", r)
    four = [d["before_safety"], d["after_safety"], d["before_mcq"], d["after_mcq"]]

    r = run(["report", "--tradeoff"] + four + ["--format", "json"])
    check(r.rc == 0, "report --tradeoff --format json", r)
    t = json.loads(r.out)
    check(t["kind"] == "tradeoff" and t["runs"]["after_mcq"] == d["after_mcq"], "kind and runs", t)
    # the before and after files differ (on purpose here): said, as compare says it
    check("differ in dataset (dataset.hash)" in r.err and "config.mcq" in r.err,
          "warnings: the safety datasets and the mcq settings differ", r.err)

    # harm, by hand (see the top)
    h = t["harm"]
    exp = {"1": (4, 0.25, 0.75, 2.0), "2": (4, 0.25, 0.5, 1.0), "3": (3, 2 / 3, 0.0, -8 / 3)}
    check(sorted(h["by_principle"]) == ["1", "2", "3"], "principles with pairs only", h.keys())
    for p, (n, rb, ra, md) in exp.items():
        g = h["by_principle"][p]
        check(g["n_pairs"] == n and close(g["harmful_rate_before"], rb) and
              close(g["harmful_rate_after"], ra) and close(g["harmful_rate_diff"], ra - rb) and
              close(g["mean_diff"], md), "principle %s: rates and mean change by hand" % p, g)
    o = h["overall"]
    check(o["n_pairs"] == 11 and close(o["harmful_rate_diff"], 1 / 11) and
          close(o["mean_diff"], 4 / 11), "overall harm change by hand", o)
    # the CIs are msb_compare's: the same numbers as `medsafety compare --json`
    r = run(["compare", d["before_safety"], d["after_safety"], "--json"])
    c = json.loads(r.out)
    for p in ("1", "2", "3", None):
        a = h["overall"] if p is None else h["by_principle"][p]
        b = c["overall"] if p is None else c["by_principle"][p]
        check(close(a["mean_diff_ci_low"], b["ci_low"]) and close(a["mean_diff_ci_high"], b["ci_high"])
              and close(a["harmful_rate_diff_ci_low"], b["harmful_rate_diff_ci_low"]) and
              close(a["harmful_rate_diff_ci_high"], b["harmful_rate_diff_ci_high"]) and
              a["harmful_rate_diff_ci_low"] <= a["harmful_rate_diff"] <= a["harmful_rate_diff_ci_high"],
              "principle %s: the CIs of medsafety compare" % p, (a, b))

    # accuracy: the paired table and Newcombe's interval (statsmodels, see the top)
    acc = t["accuracy"]
    o = acc["overall"]
    check(o["n_paired"] == 13 and o["both_right"] == 4 and o["only_before_right"] == 5 and
          o["only_after_right"] == 2 and o["both_wrong"] == 2, "the paired mcq table", o)
    check(close(o["accuracy_before"], 9 / 13) and close(o["accuracy_after"], 6 / 13) and
          close(o["accuracy_diff"], -3 / 13), "accuracy 9/13 -> 6/13", o)
    check(close(o["accuracy_diff_ci_low"], -0.5301845528852547) and
          close(o["accuracy_diff_ci_high"], 0.14339656067237416), "Newcombe CI overall", o)
    check(close(o["mcnemar_p"], 0.453125), "exact McNemar p = scipy's binomtest", o)
    s1, s2 = acc["by_subject"]["s1"], acc["by_subject"]["s2"]
    check(s1["n_paired"] == 7 and close(s1["accuracy_diff_ci_low"], -0.5228995562212206) and
          close(s1["accuracy_diff_ci_high"], 0.3036453688083411), "subject s1", s1)
    check(s2["n_paired"] == 6 and close(s2["accuracy_diff_ci_low"], -0.7073705742866734) and
          close(s2["accuracy_diff_ci_high"], 0.2464281407251318), "subject s2 (the failed call left out)", s2)

    # Markdown: one table, the SVG chart
    r = run(["report", "--tradeoff"] + four)
    check(r.rc == 0 and r.out.startswith("# Safety and medical-performance trade-off"), "Markdown", r)
    rows = [l for l in r.out.splitlines() if l.startswith("| ")]
    check(len(rows) == 1 + 4 + 3, "header, 3 principles + overall, accuracy overall + 2 subjects", rows)
    check(any(l.startswith("| harmful rate | principle 1: ") and "+50.0 pp [" in l and "| +2.00 [" in l
              for l in rows), "principle 1 row: +50 pp, mean +2.00", rows)
    check(any(l.startswith("| harmful rate | principle 3: ") and "-66.7 pp [" in l for l in rows),
          "principle 3 row: -66.7 pp", rows)
    check(any(l.startswith("| MCQ accuracy | all questions | 13 | 69.2% | 46.2% | -23.1 pp [-53.0, +14.3]")
              for l in rows), "accuracy row: 69.2% -> 46.2%, Newcombe CI in pp", rows)
    check(r.out.count("<svg") == 1 and r.out.count("<circle") == 7, "one SVG, a point per row", r.out)

    # HTML: self-contained, to a file
    page = os.path.join(tmp, "tradeoff.html")
    r = run(["report", "--tradeoff"] + four + ["--format", "html", "-o", page])
    check(r.rc == 0 and r.out == "", "--format html -o FILE", r)
    with open(page, encoding="utf-8") as f:
        html = f.read()
    check(html.startswith("<!DOCTYPE html>") and "<svg" in html and "http://" not in
          html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "<script" not in html,
          "self-contained page with the chart inline", html[:200])
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--dump-dom", "file://" + page], capture_output=True, text=True,
                           timeout=120)
        dom = p.stdout
        check(p.returncode == 0 and dom.count("<tr class=\"harm\">") == 4 and
              dom.count("<tr class=\"acc\">") == 3 and dom.count("<circle") == 7,
              "headless Chromium parses the page: 7 rows, 7 points", (p.returncode, p.stderr[-500:]))
    else:
        print("SKIP: no chromium: the HTML page was not checked in a browser")

    # the question set moved away: no subject rows, the overall row stays
    os.rename(os.path.join(tmp, "before", "questions.jsonl"), os.path.join(tmp, "moved.jsonl"))
    r = run(["report", "--tradeoff"] + four + ["--format", "json"])
    t = json.loads(r.out) if r.rc == 0 else {}
    check(r.rc == 0 and t["accuracy"]["by_subject"] == {} and
          t["accuracy"]["overall"]["n_paired"] == 13, "no question set: no subject rows", r)

    # usage
    r = run(["report", "--tradeoff", d["before_safety"], d["after_safety"], d["before_mcq"]])
    check(r.rc == 2 and "four runs" in r.err, "three runs is exit 2", r)
    r = run(["report", "--tradeoff", d["before_mcq"], d["after_safety"], d["before_mcq"], d["after_mcq"]])
    check(r.rc == 2 and "mcq run" in r.err, "an mcq run in a safety place is exit 2", r)
    r = run(["report", "--tradeoff", d["before_safety"], d["after_safety"], d["before_safety"],
             d["after_mcq"]])
    check(r.rc == 2 and "not an mcq run" in r.err, "a safety run in an mcq place is exit 2", r)
    r = run(["report", "--tradeoff"] + four + ["--format", "csv"])
    check(r.rc == 2 and "md, html or json" in r.err, "--format csv is exit 2", r)
    r = run(["report", "--tradeoff", "--help"])
    check(r.rc == 0 and "BEFORE_MCQ" in r.out, "--tradeoff --help", r)
