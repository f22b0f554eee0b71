"""Results.run_usage() and Results.cost() (msb_run_info_usage / msb_run_info_cost, issue 16)
on a run folder made by the INSTALLED CLI (tests/cli/installed.py stages `meson install`)
against tests/server/fake_batch.py, which answers every request with usage 10 prompt +
8 completion tokens, as tests/cli/test_cost.py's batch run does.

The run: three prompts, --batch --judge-batch, the second prompt fails in the batch
([[batch:fail]]) and goes online; prices m = $2 / $4 and judge = $1 / $10 per million
tokens, batch tokens at 0.5 x the price. By hand (the same computation as test_cost.py):
  model: online 1 x (10, 8) = (10, 8); batch 2 x (10, 8) = (20, 16); total (30, 24)
  judge: the same: online (10, 8), batch (20, 16), total (30, 24)
  model online (10*2 + 8*4) / 1e6 = 52e-6; batch (20*2 + 16*4) / 1e6 * 0.5 = 52e-6; 104e-6
  judge online (10*1 + 8*10) / 1e6 = 90e-6; batch (20*1 + 16*10) / 1e6 * 0.5 = 90e-6; 180e-6
  total 104e-6 + 180e-6 = 284e-6
"""

import os
import shutil
import subprocess
import sys
import unittest

from support import BUILD_ROOT, SOURCE_ROOT, TempDir, ms

sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "cli"))
import installed  # noqa: E402

FAKE = os.path.join(SOURCE_ROOT, "tests", "server", "fake_batch.py")
KEY = "sk-py-cost-key"


class CostTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = TempDir()
        d = cls.tmp.__enter__()
        layout, cls._use = installed.stage(BUILD_ROOT)
        env = dict(os.environ, MSB_PY_COST_KEY=KEY, LD_LIBRARY_PATH=layout.libdir)
        for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            env.pop(k, None)
        fake = subprocess.Popen([sys.executable, FAKE, "--log", os.path.join(d, "fake.log"),
                                 "--steps", "1", "--max-seconds", "120"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            url = "http://127.0.0.1:%d/v1" % int(fake.stdout.readline())
            src = os.path.join(d, "prompts.txt")
            with open(src, "w", encoding="utf-8") as f:
                f.write("fine one\nbroken two [[batch:fail]]\nfine three\n")
            cls.out = os.path.join(d, "run")
            p = subprocess.run(
                [layout.bin, "run", src, "-m", "openai/m", "--base-url", url,
                 "--api-key-env", "MSB_PY_COST_KEY", "-j", "openai/judge", "--judge-base-url",
                 url, "--judge-api-key-env", "MSB_PY_COST_KEY", "--out", cls.out, "--batch",
                 "--judge-batch", "--batch-poll-interval", "0.05", "--max-unscored", "1",
                 "--price", "m=2,4", "--price", "judge=1,10"],
                env=env, capture_output=True, text=True, timeout=120)
        finally:
            fake.stdin.close()
            fake.wait(timeout=30)
        if p.returncode != 0:
            raise AssertionError(f"the installed CLI's run failed ({p.returncode}):\n{p.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls._use.close()
        cls.tmp.__exit__(None, None, None)

    def test_usage_online_and_batch(self):
        with ms.Results.open(self.out) as res:
            u = res.run_usage()
        for stage in ("model", "judge"):
            with self.subTest(stage=stage):
                s = u[stage]
                self.assertTrue(s["reported"])
                self.assertEqual(s["records"], 3)
                self.assertEqual((s["prompt_tokens"], s["completion_tokens"]), (30, 24))
                self.assertEqual((s["online_prompt_tokens"], s["online_completion_tokens"]),
                                 (10, 8))
                self.assertTrue(s["batch"])
                # submitted: the model's batch had all 3 prompts (one failed there and went
                # online); the judge's batch the 2 answers the model batch gave
                self.assertEqual(s["batch_requests"], 3 if stage == "model" else 2)
                self.assertEqual((s["batch_prompt_tokens"], s["batch_completion_tokens"]),
                                 (20, 16))
                self.assertEqual(s["batch_discount"], 0.5)
                self.assertEqual(s["cache_hits"], 0)
                # fake_batch.py reports no reasoning or cached tokens
                self.assertIsNone(s["reasoning_tokens"])
                self.assertIsNone(s["cached_tokens"])

    def test_cost_equals_the_hand_computation(self):
        with ms.Results.open(self.out) as res:
            c = res.cost()
        want = {"model": (2, 4, 52e-6, 52e-6, 104e-6), "judge": (1, 10, 90e-6, 90e-6, 180e-6)}
        for stage, (pin, pout, online, batch, total) in want.items():
            with self.subTest(stage=stage):
                s = c[stage]
                self.assertTrue(s["priced"])
                self.assertEqual((s["price_in"], s["price_out"]), (pin, pout))
                self.assertEqual(s["batch_discount"], 0.5)
                self.assertAlmostEqual(s["online_cost"], online, delta=1e-12)
                self.assertAlmostEqual(s["batch_cost"], batch, delta=1e-12)
                self.assertAlmostEqual(s["cost"], total, delta=1e-12)
        self.assertEqual(c["model"]["spec"], "openai/m")
        self.assertTrue(c["total_known"])
        self.assertAlmostEqual(c["total"], 284e-6, delta=1e-12)
        self.assertEqual(ms.runfolder.run_cost(self.out), c)

    def test_without_cost_json(self):
        with TempDir() as d:
            copy = os.path.join(d, "copy")
            shutil.copytree(self.out, copy)
            os.remove(os.path.join(copy, "cost.json"))
            with ms.Results.open(copy) as res:
                self.assertIsNone(res.cost())
                self.assertEqual(res.run_usage()["model"]["prompt_tokens"], 30)
            os.remove(os.path.join(copy, "run.json"))
            with ms.Results.open(copy) as res:
                with self.assertRaises(FileNotFoundError):
                    res.run_usage()
                with self.assertRaises(FileNotFoundError):
                    res.cost()


if __name__ == "__main__":
    unittest.main()
