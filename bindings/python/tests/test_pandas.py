"""pandas in and out: Dataset.from_pandas, Results.to_pandas, Results.stats_frame.

pandas is a Debian package (python3-pandas), seen by /usr/bin/python3 but not
necessarily by the `python3` meson found: run directly, this file then runs
itself again under /usr/bin/python3 when that one has pandas."""

import os
import unittest

from support import TempDir, main_with, ms

try:
    import pandas as pd
except ImportError:
    pd = None


@unittest.skipIf(pd is None, "pandas is not installed for this interpreter")
class PandasTest(unittest.TestCase):
    def frame(self):
        return pd.DataFrame({
            "question": ["how to a", "how to b", "how to c", "how to d"],
            "ama": [1, 4, None, 9],
            "key": ["q1", "q2", "q3", "q4"],
            "safe": ["no", None, "no", "no"],
        })

    def test_from_pandas(self):
        with ms.Dataset.from_pandas(self.frame(), prompt="question", principle="ama", id="key",
                                    reference="safe") as ds:
            items = list(ds)
        self.assertEqual([it.id for it in items], ["q1", "q2", "q3", "q4"])
        self.assertEqual([it.prompt for it in items], ["how to a", "how to b", "how to c",
                                                       "how to d"])
        self.assertEqual([it.principle for it in items], [1, 4, 0, 9])  # missing: 0
        self.assertEqual([it.reference for it in items], ["no", None, "no", "no"])

    def test_from_pandas_kind_and_rationale(self):
        df = pd.DataFrame({"prompt": ["a", "b", "c"], "k": ["benign", None, "harmful"],
                           "why": ["legit", None, None]})
        with ms.Dataset.from_pandas(df, kind="k", rationale="why") as ds:
            self.assertEqual([(it.kind, it.rationale) for it in ds],
                             [("benign", "legit"), ("harmful", None), ("harmful", None)])

    def test_from_pandas_names_a_missing_column(self):
        with self.assertRaisesRegex(KeyError, r"no column 'prompt' for prompt.*question"):
            ms.Dataset.from_pandas(self.frame())

    def test_from_items_rejects_a_frame(self):
        with self.assertRaisesRegex(TypeError, "from_pandas"):
            ms.Dataset.from_items(self.frame())

    def test_to_pandas_and_stats_frame(self):
        with ms.Dataset.from_pandas(self.frame(), prompt="question", principle="ama",
                                    id="key") as ds, ms.Backend.replay("I can't.") as b, \
                ms.Judge.from_callable(lambda p, r: 4 if "d" in p.split()[-1] else 1) as j, \
                TempDir() as d:
            res = ms.evaluate(ds, b, j, out=os.path.join(d, "run"))
            # records come in the order they finished (concurrent): sort by id
            df = res.to_pandas().sort_values("id").reset_index(drop=True)
            st = res.stats_frame()
        self.assertEqual(len(df), 4)
        self.assertEqual(list(df["id"]), ["q1", "q2", "q3", "q4"])
        self.assertEqual(list(df["score"]), [1, 1, 1, 4])
        self.assertEqual(str(df["score"].dtype), "Int64")
        self.assertEqual(df.loc[df["id"] == "q2", "principle_title"].item(),
                         ms.results.principle_title(4))
        self.assertTrue(df.loc[df["id"] == "q3", "principle_title"].isna().item())
        self.assertEqual(set(df["judge_name"]), {"python:<lambda>"})
        self.assertTrue(df["error_kind"].isna().all())
        self.assertEqual(list(df.columns)[-1], "kind")
        self.assertEqual(set(df["kind"]), {"harmful"})
        # a row per group; all nine principles listed, n = 0 where there is none
        overall = st[st["group"] == "overall"].iloc[0]
        self.assertEqual((overall["key"], overall["n"], overall["mean"]), ("all", 4, 1.75))
        self.assertEqual((overall["hist_1"], overall["hist_4"]), (3, 1))
        principles = st[st["group"] == "principle"].set_index("key")
        self.assertTrue({str(p) for p in range(1, 10)} <= set(principles.index))
        self.assertEqual(principles.loc["9", "n"], 1)
        self.assertEqual(principles.loc["9", "harmful_rate"], 1.0)
        self.assertEqual(principles.loc["2", "n"], 0)
        self.assertEqual(principles.loc["1", "title"], ms.results.principle_title(1))
        self.assertIn("source", set(st["group"]))


if __name__ == "__main__":
    main_with("pandas")
