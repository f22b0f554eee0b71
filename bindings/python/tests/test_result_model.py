"""The result model through the binding: records read with one struct
(msb_record_info_get) equal the lines of results.jsonl parsed by the json
module; stats_frame (msb_summary groups by index) equals the summary.json
document (msb_scorer_summary_json) group by group and the hand counts; a
comparison's entries (msb_comparison_group_byindex through the ctypes
mirrors) equal compare()'s JSON."""

import json
import math
import os
import unittest
from ctypes import byref, c_void_p

from support import TempDir, ms

from medsafety import _abi
from medsafety._lib import LIB, to_str
from medsafety import results as R

# id, principle, source, split, score (None = unscored), error
ROWS = [
    ("a1", 1, "gpt4", "test", 1, None),
    ("a2", 1, "gpt4", "test", 5, None),
    ("a3", 2, "llama2", "train", 3, None),
    ("a4", 2, "llama2", "train", None, None),
    ("a5", 3, "gpt4", "test", None, {"stage": "judge", "kind": "parse", "message": "no score"}),
]


def write_run(d, rows, shift=0):
    os.makedirs(d, exist_ok=True)
    lines = []
    for i, (id_, p, src, split, score, err) in enumerate(rows):
        rec = {"id": id_, "sample": 0, "principle": p, "category": 0, "source": src,
               "split": split, "prompt": f"q{i}", "response": None if err else f"r{i}",
               "score": None if score is None else min(5, score + shift),
               "judge": {"name": "j", "reason": f"why {i}", "raw": f"SCORE {score}"},
               "error": err, "attempts": i + 1, "latency_ms": 10.5 * i,
               "usage": {"prompt_tokens": 7 * i, "completion_tokens": -1 if i == 2 else 3},
               "config_hash": "cafe", "kind": "harmful"}
        lines.append(json.dumps(rec))
    with open(os.path.join(d, "results.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return [json.loads(line) for line in lines]


def same(x, y):
    if x is None or y is None:
        return x is None and y is None
    if isinstance(x, float) or isinstance(y, float):
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    return x == y


@unittest.skipUnless(LIB.has("msb_summary_new"), "library without the result model")
class ResultModelTest(unittest.TestCase):
    def test_records_equal_the_file(self):
        with TempDir() as d:
            want = write_run(os.path.join(d, "run"), ROWS)
            with ms.Results.open(os.path.join(d, "run")) as res:
                got = res.records
        self.assertEqual(len(got), len(want))
        for g, w in zip(got, want):
            for key, value in w.items():
                self.assertEqual(g[key], value, key)
            self.assertEqual(set(g) - set(w), set())

    def test_summary_groups_equal_summary_json(self):
        with TempDir() as d:
            write_run(os.path.join(d, "run"), ROWS)
            with ms.Results.open(os.path.join(d, "run")) as res:
                doc = res.stats(bootstrap_resamples=0)
                with R._Scorer(res, bootstrap_resamples=0) as scorer:
                    groups = R._summary_groups(scorer)
        # overall, principles 1..9, sources gpt4 llama2, splits test train
        self.assertEqual([(by, key) for by, key, _ in groups],
                         [("overall", "")] + [("principle", str(p)) for p in range(1, 10)] +
                         [("source", "gpt4"), ("source", "llama2"), ("split", "test"),
                          ("split", "train")])
        field = {"principle": "by_principle", "source": "by_source", "split": "by_split"}
        for by, key, g in groups:
            j = doc["overall"] if by == "overall" else doc[field[by]][key]
            self.assertEqual(set(g), set(j))
            for name, value in g.items():
                self.assertTrue(same(value, j[name]), f"{by} {key} {name}: {value} vs {j[name]}")
        # by hand: scores 1, 5, 3 scored; a4 unscored; a5 an error
        overall = groups[0][2]
        self.assertEqual((overall["n"], overall["n_scored"], overall["n_unscored"],
                          overall["n_errors"]), (5, 3, 1, 1))
        self.assertEqual(overall["mean"], 3.0)
        self.assertEqual(overall["hist"], [1, 0, 1, 0, 1])
        self.assertIsNone(groups[3][2]["mean"])  # principle 3: only the error

    def test_comparison_entries_equal_compare_json(self):
        with TempDir() as d:
            write_run(os.path.join(d, "a"), ROWS)
            write_run(os.path.join(d, "b"), ROWS, shift=1)
            doc = ms.compare(os.path.join(d, "a"), os.path.join(d, "b"), bootstrap_resamples=0)
            with ms.Results.open(os.path.join(d, "a")) as ra, \
                    ms.Results.open(os.path.join(d, "b")) as rb, \
                    R._Scorer(ra) as sa, R._Scorer(rb) as sb:
                opts = _abi.msb_compare_options()
                LIB.call(LIB.msb_compare_options_init, byref(opts), _abi.COMPARE_OPTIONS_VERSION)
                opts.bootstrap_resamples = 0
                cmp = c_void_p()
                LIB.call(LIB.msb_compare, byref(cmp), sa, sb, byref(opts))
                try:
                    entries = []
                    for i in range(LIB.msb_comparison_group_count(cmp)):
                        e = _abi.msb_comparison_entry()
                        e.version = _abi.COMPARISON_ENTRY_VERSION
                        LIB.call(LIB.msb_comparison_group_byindex, byref(e), cmp, i)
                        entries.append((to_str(e.by), to_str(e.key), e.gated,
                                        e.group.n_pairs, e.group.mean_diff, e.detail.gate_p))
                    info = _abi.msb_comparison_info()
                    info.version = _abi.COMPARISON_INFO_VERSION
                    LIB.call(LIB.msb_comparison_info_get, byref(info), cmp)
                finally:
                    LIB.msb_comparison_free(cmp)
        field = {"principle": "by_principle", "source": "by_source", "split": "by_split"}
        self.assertEqual(len(entries), 1 + 9 + len(doc["by_source"]) + len(doc["by_split"]))
        for by, key, gated, n_pairs, mean_diff, gate_p in entries:
            j = doc["overall"] if by == "overall" else doc[field[by]][key]
            self.assertEqual(gated, 1 if by in ("overall", "principle") else 0)
            self.assertEqual(n_pairs, j["n_pairs"])
            self.assertTrue(same(None if math.isnan(mean_diff) else mean_diff, j["mean_diff"]))
            self.assertTrue(same(None if math.isnan(gate_p) else gate_p, j["gate_p"]))
        # pairs a1, a2, a3 (a4 unscored in both, a5 an error in both): B = A + 1, capped at 5
        self.assertEqual(entries[0][3], 2 + 1)
        self.assertEqual((info.n_pairs, info.unscored, info.only_a, info.only_b), (3, 2, 0, 0))
        self.assertEqual(bool(info.worse), doc["worse"])
        self.assertEqual(bool(info.too_few_pairs), doc["too_few_pairs"])


if __name__ == "__main__":
    unittest.main()
