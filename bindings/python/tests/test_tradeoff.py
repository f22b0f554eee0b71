"""ms.tradeoff (msb_tradeoff_json; its JSON numbers carry 10 significant digits): the trade-off table of four runs made by the CLI against the
test server (tests/server/msb_test_server, 127.0.0.1; [[say:TEXT]] makes it answer TEXT,
[[fault:400]] fails the call), checked against numbers computed independently.

Safety, refusal judge: R refuses (score 1), C complies (5); (before, after) per item:
  principle 1: (R,C) (R,C) (C,C) (R,R)   harmful 1/4 -> 3/4: +0.5,    mean change +2.0
  principle 2: (C,R) (R,R) (R,C) (R,C)   harmful 1/4 -> 2/4: +0.25,   mean change +1.0
  principle 3: (C,R) (C,R) (R,R)         harmful 2/3 -> 0/3: -2/3,    mean change -8/3
  overall (11 pairs): 4/11 -> 5/11, mean change +4/11 (a harmful item scores 5, a refusal 1).
  The CIs are msb_compare's paired bootstrap: equal to ms.compare's on the same two runs.
MCQ, paired right/wrong over the ids answered in both runs (one fails in AFTER: left out):
  s1: both right 3, only before 2, only after 1, neither 1 (7)
  s2: both right 1, only before 3, only after 1, neither 1 (6)
  overall: both 4, only before 5, only after 2, neither 2 (13): accuracy 9/13 -> 6/13.
Newcombe's (1998, method 10) interval of after - before, from statsmodels' Wilson limits
(/usr/bin/python3; Fagerland, Lydersen, Laake, ch. 8):
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
  binomtest(2, 7, 0.5).pvalue == 0.453125    (exact McNemar, overall; also by math.comb below)
"""

import json
import math
import os
import subprocess
import unittest

from support import BUILD_ROOT, TempDir, ms

CLI = os.path.join(BUILD_ROOT, "cli", "medsafety")
SERVER = os.path.join(BUILD_ROOT, "tests", "server", "msb_test_server")
REFUSE = "I cannot help with that request."
COMPLY = "Sure, here is exactly how to do it, step by step."
SAFETY = {1: ["RC", "RC", "CC", "RR"], 2: ["CR", "RR", "RC", "RC"], 3: ["CR", "CR", "RR"]}
# (subject, before says, after says, key); "F" fails the call
MCQ = ([("s1", "A", "A", "A")] * 3 + [("s1", "B", "C", "B")] * 2 + [("s1", "D", "C", "C")]
       + [("s1", "A", "B", "D")]
       + [("s2", "B", "B", "B")] + [("s2", "C", "A", "C")] * 3 + [("s2", "A", "D", "D")]
       + [("s2", "A", "B", "C")] + [("s2", "A", "F", "A")])


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for x in rows:
            f.write(json.dumps(x) + "\n")


def exact_mcnemar(b, c):
    """Two-sided exact McNemar by brute force: 2 P(X <= min(b, c)), X ~ Bin(b + c, 1/2)."""
    n = b + c
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2 ** n)


class TradeoffTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for f in (CLI, SERVER):
            if not os.path.exists(f):
                raise unittest.SkipTest(f"{f} not built (run the tests through meson)")
        cls.tmp = TempDir()
        tmp = cls.tmp.__enter__()
        srv = subprocess.Popen([SERVER, "--exit-on-stdin-eof", "--max-seconds", "120"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            url = "http://127.0.0.1:%d/v1" % int(srv.stdout.readline())
            cls.runs = {}
            for when, k in (("before", 0), ("after", 1)):
                os.makedirs(os.path.join(tmp, when))
                rows, n = [], 0
                for p, items in SAFETY.items():
                    for pair in items:
                        n += 1
                        say = COMPLY if pair[k] == "C" else REFUSE
                        rows.append({"id": "item-%d" % n, "principle": p,
                                     "prompt": "Made-up request %d [[say:%s]]" % (n, say)})
                write_jsonl(os.path.join(tmp, when, "safety.jsonl"), rows)
                rows = []
                for i, (subj, sb, sa, key) in enumerate(MCQ):
                    says = (sb, sa)[k]
                    marker = "[[fault:400]]" if says == "F" else "[[say:The answer is %s.]]" % says
                    rows.append({"question": "Made-up question %d %s" % (i, marker),
                                 "choices": ["one", "two", "three", "four"], "answer": key,
                                 "subject": subj})
                write_jsonl(os.path.join(tmp, when, "questions.jsonl"), rows)
                model = ["--model", "openai/test", "--base-url", url, "-q"]
                d = os.path.join(tmp, when + "-safety")
                subprocess.run([CLI, "run", os.path.join(tmp, when, "safety.jsonl"), "--judge",
                                "refusal", "--out", d] + model, check=True, capture_output=True)
                cls.runs[when + "_safety"] = d
                d = os.path.join(tmp, when + "-mcq")
                subprocess.run([CLI, "mcq", os.path.join(tmp, when, "questions.jsonl"), "--out", d]
                               + model, check=True, capture_output=True)
                cls.runs[when + "_mcq"] = d
        finally:
            srv.stdin.close()
            srv.wait(timeout=10)
            srv.stdout.close()
        r = cls.runs
        cls.four = [r["before_safety"], r["after_safety"], r["before_mcq"], r["after_mcq"]]
        cls.t = ms.tradeoff(*cls.four)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.__exit__(None, None, None)

    def test_harm_by_hand(self):
        h = self.t["harm"]
        want = {"1": (4, 2.0, 0.5), "2": (4, 1.0, 0.25), "3": (3, -8 / 3, -2 / 3)}
        for p, (n, mean, rate) in want.items():
            g = h["by_principle"][p]
            self.assertEqual(g["n_pairs"], n)
            self.assertAlmostEqual(g["mean_diff"], mean, places=9)
            self.assertAlmostEqual(g["harmful_rate_diff"], rate, places=9)
        self.assertEqual(h["overall"]["n_pairs"], 11)
        self.assertAlmostEqual(h["overall"]["mean_diff"], 4 / 11, places=9)
        self.assertAlmostEqual(h["overall"]["harmful_rate_diff"], 1 / 11, places=9)
        self.assertEqual(sorted(h["by_principle"]), ["1", "2", "3"])

    def test_harm_cis_are_compares(self):
        c = ms.compare(self.four[0], self.four[1])
        g = self.t["harm"]["overall"]
        lo, hi = g["mean_diff_ci_low"], g["mean_diff_ci_high"]
        self.assertTrue(lo <= g["mean_diff"] <= hi)
        self.assertAlmostEqual(c["overall"]["ci_low"], lo, places=9)
        self.assertAlmostEqual(c["overall"]["ci_high"], hi, places=9)

    def test_accuracy_against_statsmodels(self):
        a = self.t["accuracy"]
        o = a["overall"]
        self.assertEqual((o["n_paired"], o["both_right"], o["only_before_right"],
                          o["only_after_right"], o["both_wrong"]), (13, 4, 5, 2, 2))
        self.assertAlmostEqual(o["accuracy_before"], 9 / 13, places=9)
        self.assertAlmostEqual(o["accuracy_after"], 6 / 13, places=9)
        self.assertAlmostEqual(o["accuracy_diff"], -3 / 13, places=9)
        self.assertAlmostEqual(o["accuracy_diff_ci_low"], -0.5301845528852547, places=8)
        self.assertAlmostEqual(o["accuracy_diff_ci_high"], 0.14339656067237416, places=8)
        self.assertAlmostEqual(o["mcnemar_p"], 0.453125, places=9)
        s1, s2 = a["by_subject"]["s1"], a["by_subject"]["s2"]
        self.assertAlmostEqual(s1["accuracy_diff_ci_low"], -0.5228995562212206, places=8)
        self.assertAlmostEqual(s1["accuracy_diff_ci_high"], 0.3036453688083411, places=8)
        self.assertAlmostEqual(s2["accuracy_diff_ci_low"], -0.7073705742866734, places=8)
        self.assertAlmostEqual(s2["accuracy_diff_ci_high"], 0.2464281407251318, places=8)
        self.assertAlmostEqual(s1["mcnemar_p"], exact_mcnemar(2, 1), places=9)
        self.assertAlmostEqual(s2["mcnemar_p"], exact_mcnemar(3, 1), places=9)

    def test_same_as_the_cli(self):
        p = subprocess.run([CLI, "report", "--tradeoff"] + self.four + ["--format", "json"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout), self.t)
        self.assertEqual(self.t["kind"], "tradeoff")
        self.assertEqual(self.t["runs"]["after_mcq"], self.four[3])

    def test_helpers(self):
        lo, hi = ms.newcombe_interval(4, 2, 5, 2)
        self.assertAlmostEqual(lo, -0.5301845528852547, places=8)
        self.assertAlmostEqual(hi, 0.14339656067237416, places=8)
        self.assertTrue(all(math.isnan(x) for x in ms.newcombe_interval(0, 0, 0, 0)))
        for b in range(0, 12):
            for c in range(0, 12):
                self.assertAlmostEqual(ms.mcnemar_exact_p(b, c), exact_mcnemar(b, c), places=12)
        self.assertAlmostEqual(ms.mcnemar_exact_p(300, 260), exact_mcnemar(300, 260), places=10)

    def test_wrong_places(self):
        with self.assertRaises(ms.InvalidArgument):
            ms.tradeoff(self.four[2], self.four[1], self.four[2], self.four[3])
        with self.assertRaises(ms.InvalidArgument):
            ms.tradeoff(self.four[0], self.four[1], self.four[0], self.four[3])
        with TempDir() as d, self.assertRaises((ms.NotFound, ms.ParseError)):
            ms.tradeoff(os.path.join(d, "none"), self.four[1], self.four[2], self.four[3])


if __name__ == "__main__":
    unittest.main()
