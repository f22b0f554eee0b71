"""One source of defaults (issue 14 item 4): compare() and evaluate() take every
default from the C library's options init, so Python and the CLI agree."""

import ctypes
import inspect
import json
import os
import subprocess
import unittest

from support import BUILD_ROOT, TempDir, ms

from medsafety import _abi
from medsafety._lib import LIB

CLI = os.path.join(BUILD_ROOT, "cli", "medsafety")


def runs(d):
    """Two runs of 9 principles x 20 items where only Holm's adjustment changes
    principle 9's verdict: in B, 6 of principle 9's 20 items go from 1 to 5
    (exact sign test one-sided p = 1/2^6 = 0.016, two-sided 0.031; Wilcoxon's
    normal approximation with the tie correction, two-sided: W+ = 21,
    var = 6*7*13/24 - (6^3-6)/48 = 18.375, z = 10.5/4.287 = 2.45, p = 0.014),
    and one item of every other principle goes from 1 to 2 (p = 1 or about
    0.32), so that the family has nine p-values: Holm multiplies the smallest
    by 9, which puts it above 0.05 whichever of these tests gates."""
    ds = ms.Dataset()
    for p in range(1, 10):
        for k in range(20):
            ds.add(f"request {k} of principle {p}", id=f"t/{p}/{k}", principle=p,
                   reference="no")

    def judge_b(prompt, response):
        k, p = (int(w) for w in prompt.split()[1::3][:2])
        if p == 9 and k < 6:
            return 5
        return 2 if k == 19 and p != 9 else 1

    with ds, ms.Backend.replay() as b, ms.Judge.from_callable(lambda p, r: 1) as ja, \
            ms.Judge.from_callable(judge_b) as jb:
        ms.evaluate(ds, b, ja, out=os.path.join(d, "a")).close()
        ms.evaluate(ds, b, jb, out=os.path.join(d, "b")).close()
    return os.path.join(d, "a"), os.path.join(d, "b")


class CompareDefaultsTest(unittest.TestCase):
    def test_python_compare_equals_the_cli(self):
        if not os.path.exists(CLI):
            self.skipTest(f"{CLI} not built (run the tests through meson)")
        with TempDir() as d:
            a, b = runs(d)
            p = subprocess.run([CLI, "compare", a, b, "--json"], capture_output=True, text=True,
                               timeout=60)
            self.assertIn(p.returncode, (0, 1), p.stderr)
            cli = json.loads(p.stdout)
            py = ms.compare(a, b)
            unadjusted = ms.compare(a, b, holm=False)
            holm = ms.compare(a, b, holm=True)
        # the same numbers and verdicts, field for field (same seed, same code)
        self.assertEqual(py, cli)
        verdicts = {k: g["worse"] for k, g in py["by_principle"].items()}
        self.assertEqual(verdicts, {k: g["worse"] for k, g in cli["by_principle"].items()})
        self.assertEqual(py, holm)  # the C default is Holm's adjustment
        self.assertFalse(py["by_principle"]["9"]["worse"])
        self.assertTrue(unadjusted["by_principle"]["9"]["worse"])

    def test_no_default_restated_in_the_signature(self):
        sig = inspect.signature(ms.compare)
        for name in ("alpha", "bootstrap_resamples", "seed", "confidence", "holm"):
            self.assertIsNone(sig.parameters[name].default, name)


class EvaluateDefaultsTest(unittest.TestCase):
    def test_signature_leaves_every_option_to_the_library(self):
        fields = {f for f, _ in _abi.msb_eval_options._fields_}
        sig = inspect.signature(ms.evaluate)
        checked = 0
        for name, param in sig.parameters.items():
            if name in fields and name not in ("resume", "force", "retry_errors", "seed"):
                self.assertIsNone(param.default, name)
                checked += 1
        self.assertGreaterEqual(checked, 9)

    def test_run_json_options_are_the_c_defaults(self):
        opts = _abi.msb_eval_options()
        LIB.call(LIB.msb_eval_options_init, ctypes.byref(opts), _abi.EVAL_OPTIONS_VERSION)
        with TempDir() as d, ms.Dataset.load("sample") as ds, ms.Backend.replay() as b, \
                ms.Judge.refusal() as j:
            with ms.evaluate(ds, b, j, out=os.path.join(d, "run")) as res:
                recorded = res.run_info()["options"]
            # the CLI on its defaults records the same options
            if os.path.exists(CLI):
                p = subprocess.run([CLI, "run", "--out", os.path.join(d, "cli"), "-q"],
                                   capture_output=True, text=True, timeout=120)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(os.path.join(d, "cli", "run.json"), encoding="utf-8") as f:
                    cli = json.load(f)["options"]
                for key in ("concurrency", "judge_concurrency", "workers", "retries",
                            "max_requests", "max_total_tokens"):
                    self.assertEqual(recorded[key], cli[key], key)
        compared = 0
        for key, value in recorded.items():
            if key in dict(_abi.msb_eval_options._fields_) and not isinstance(value, bool) \
                    and value is not None:
                self.assertEqual(value, getattr(opts, key), key)
                compared += 1
        self.assertGreaterEqual(compared, 5)
        self.assertEqual(recorded["concurrency"], opts.concurrency)


if __name__ == "__main__":
    unittest.main()
