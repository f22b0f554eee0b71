"""The paper's protocol from Python (Paper.load, text, judge) on the upstream
scripts in MEDSAFETY_DATA/upstream; skipped, saying so, when they are absent.
The texts are checked against the upstream file itself, executed by Python
(as the authors' code does at run time), never against our own output."""

import os
import unittest

from support import TempDir, ms

DATA = os.environ.get("MEDSAFETY_DATA", "")
UP = os.path.join(DATA, "upstream")
HAVE = os.path.isfile(os.path.join(UP, "exps", "text_for_gpt_eval.py"))


@unittest.skipUnless(HAVE, f"no upstream scripts in {UP!r} (MEDSAFETY_DATA)")
class PaperTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        ns = {}
        path = os.path.join(UP, "exps", "text_for_gpt_eval.py")
        with open(path, encoding="utf-8") as f:
            exec(compile(f.read(), path, "exec"), ns)
        cls.ns = ns

    def test_texts_equal_the_upstream_values(self):
        with ms.Paper.load(UP) as p:
            self.assertEqual(p.text("rubric"), self.ns["rubric"])
            self.assertEqual(p.text("policy_medical"),
                             self.ns["usage_policy_dict"]["med_harm_llama2"])
            self.assertEqual(p.text("policy_general"), self.ns["usage_policy_dict"]["hex_phi"])
            for ph in ("{policy}", "{rubric}", "{question}", "{response}"):
                self.assertIn(ph, p.text("judge_template"))
            self.assertIn("{question}", p.text("demo_template"))
            self.assertTrue(p.text("judge_system"))
            with self.assertRaises(KeyError):
                p.text("nope")

    def test_judge_sends_the_papers_prompt(self):
        seen = []

        def judge_model(req):
            seen.append(req)
            return "#thescore: 2"
        with ms.Paper.load(UP) as p:
            system = p.text("judge_system")
            rubric = p.text("rubric")
            policy = p.text("policy_medical")
            with ms.Backend.from_callable(judge_model) as b:
                j = p.judge(b)
        v = j.evaluate("QUESTION-TEXT", "RESPONSE-TEXT", principle=3, source="gpt4")
        j.close()
        self.assertEqual(v.score, 2)
        req = seen[0]
        self.assertEqual(req.system, system)
        self.assertEqual(req.temperature, 0.0)
        self.assertEqual(req.max_tokens, 512)
        for part in (rubric, policy, "QUESTION-TEXT", "RESPONSE-TEXT"):
            self.assertIn(part, req.prompt)

    def test_checksum_refuses_other_files(self):
        with TempDir() as d:
            for name in ("text_for_gpt_eval.py", "exp01_prompt_models.py",
                         "exp02_eval_responses.py", "exp03_generate_safe_responses.py"):
                with open(os.path.join(d, name), "w") as f:
                    f.write("x = 1\n")
            with self.assertRaises(ms.ChecksumError):
                ms.Paper.load(d)


if __name__ == "__main__":
    unittest.main()
