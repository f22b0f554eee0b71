"""The run folder from Python (issue 16): evaluate() finishes the folder once after the
runner (summary.json and the reports, which the runner no longer writes), and
Results.run_info() reads run.json through the library (msb_run_info), also 0.1.0's."""

import json
import os
import shutil
import unittest

from support import SOURCE_ROOT, TempDir, make_dataset, ms


class RunFolderTest(unittest.TestCase):
    def test_evaluate_writes_summary_and_reports(self):
        # every answer scored 2 by the callable judge: the mean is 2 by construction
        with make_dataset(2) as ds, TempDir() as d, \
                ms.Backend.replay() as b, ms.Judge.from_callable(lambda p, r: 2) as j:
            out = os.path.join(d, "run")
            with ms.evaluate(ds, b, j, out=out) as res:
                self.assertEqual(len(res), 18)
                info = res.run_info()
            for name in ("results.jsonl", "run.json", "summary.json", "report.md", "report.html"):
                self.assertTrue(os.path.exists(os.path.join(out, name)), name)
            with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
                overall = json.load(f)["overall"]
            self.assertEqual(overall["n"], 18)
            self.assertEqual(overall["mean"], 2.0)
            self.assertEqual(info["status"], "finished")
            self.assertEqual(info["dataset"]["items"], 18)

    def test_run_info_of_a_0_1_0_folder(self):
        with TempDir() as d:
            old = os.path.join(d, "old")
            shutil.copytree(os.path.join(SOURCE_ROOT, "tests", "fixtures", "runfolder", "run-0.1.0"), old)
            with ms.Results.open(old) as res:
                self.assertEqual(len(res), 2)  # the torn last line is left out
                info = res.run_info()
            self.assertEqual(info["version"], "0.1.0")
            self.assertEqual(info["config"]["dataset"]["shard"], "1/2")
            self.assertNotIn("shard", info["dataset"])
            os.remove(os.path.join(old, "run.json"))
            with ms.Results.open(old) as res:
                with self.assertRaises(FileNotFoundError):
                    res.run_info()


if __name__ == "__main__":
    unittest.main()
