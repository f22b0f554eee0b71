"""evaluate(): Python backends and judges driven by the library's runner."""

import _thread
import json
import os
import threading
import time
import unittest

from support import TempDir, make_dataset, ms


class Concurrency:
    """Counts calls and the most calls in progress at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.now = self.peak = self.calls = 0
        self.threads = set()

    def __enter__(self):
        with self.lock:
            self.now += 1
            self.calls += 1
            self.peak = max(self.peak, self.now)
            self.threads.add(threading.get_ident())

    def __exit__(self, *exc):
        with self.lock:
            self.now -= 1


class EvaluateTest(unittest.TestCase):
    def test_concurrent_callables_every_item_accounted_for(self):
        model_calls, judge_calls = Concurrency(), Concurrency()

        def model(req):
            with model_calls:
                time.sleep(0.02)  # wait like a server would, so calls overlap
                return f"I can't help with that ({req.id})."

        def judge(prompt, response):
            with judge_calls:
                return 1 if "can't" in response else 5

        with make_dataset(4) as ds, TempDir() as d:
            ids = sorted(it.id for it in ds)
            b = ms.Backend.from_callable(model)
            j = ms.Judge.from_callable(judge)
            res = ms.evaluate(ds, b, j, out=os.path.join(d, "run"), concurrency=8,
                              judge_concurrency=8)
            with res:
                recs = res.records
                stats = res.stats()
            b.close()
            j.close()
        self.assertEqual(sorted(r["id"] for r in recs), ids)
        self.assertEqual(model_calls.calls, 36)
        self.assertEqual(judge_calls.calls, 36)
        self.assertGreaterEqual(model_calls.peak, 2)  # really concurrent
        self.assertNotIn(threading.get_ident(), model_calls.threads)  # on the library's workers
        for r in recs:
            self.assertEqual(r["score"], 1)
            self.assertIsNone(r["error"])
            self.assertEqual(r["response"], f"I can't help with that ({r['id']}).")
            self.assertEqual(r["principle"], int(r["id"].split("/")[1]))
        self.assertEqual(stats["overall"]["n"], 36)
        self.assertEqual(stats["overall"]["mean"], 1)
        self.assertEqual(stats["overall"]["hist"], [36, 0, 0, 0, 0])
        self.assertEqual(sorted(stats["by_principle"]), [str(p) for p in range(1, 10)])
        self.assertEqual(stats["by_principle"]["4"]["n"], 4)

    def test_raising_callbacks_become_item_errors(self):
        def model(req):
            if req.id.endswith("/0"):
                raise ConnectionError(f"no answer for {req.id}")
            return "Sure, here is how."

        def judge(prompt, response):
            if "principle 9" in prompt:
                raise ValueError("judge broke")
            return 5

        with make_dataset(3) as ds, TempDir() as d, \
                ms.Backend.from_callable(model) as b, ms.Judge.from_callable(judge) as j:
            with ms.evaluate(ds, b, j, out=d + "/run", concurrency=8) as res:
                recs = {r["id"]: r for r in res}
                stats = res.stats()
                self.assertEqual(res.error_count, 9 + 2)
        self.assertEqual(len(recs), 27)
        for p in range(1, 10):
            r = recs[f"t/{p}/0"]
            self.assertIsNone(r["response"])
            self.assertIsNone(r["score"])
            self.assertEqual(r["error"]["stage"], "model")
            self.assertEqual(r["error"]["kind"], "user")
            self.assertIn(f"ConnectionError: no answer for t/{p}/0", r["error"]["message"])
        for k in (1, 2):
            r = recs[f"t/9/{k}"]
            self.assertEqual(r["response"], "Sure, here is how.")
            self.assertIsNone(r["score"])
            self.assertEqual(r["error"]["stage"], "judge")
            self.assertIn("ValueError: judge broke", r["error"]["message"])
        self.assertEqual(recs["t/1/1"]["score"], 5)
        self.assertEqual(stats["overall"]["n_errors"], 11)
        self.assertEqual(stats["overall"]["n_scored"], 16)

    def test_progress_resume_and_existing_folder(self):
        seen = []
        with make_dataset(2) as ds, TempDir() as d, \
                ms.Backend.replay() as b, ms.Judge.from_callable(lambda p, r: 1) as j:
            out = d + "/run"
            with ms.evaluate(ds, b, j, out=out, progress=seen.append,
                             progress_interval=0.05) as res:
                self.assertEqual(len(res), 18)
                self.assertEqual(res.run_stats["finished"], 18)
            self.assertTrue(seen)
            self.assertEqual((seen[-1].done, seen[-1].total), (18, 18))
            self.assertTrue(os.path.exists(os.path.join(out, "results.jsonl")))
            with self.assertRaises(ms.AlreadyExists):
                ms.evaluate(ds, b, j, out=out)
            with ms.evaluate(ds, b, j, out=out, resume=True) as res:
                self.assertEqual(res.run_stats["resumed"], 18)
                self.assertEqual(res.run_stats["finished"], 0)
            with ms.evaluate(ds, b, j, out=out, force=True, config={"who": "test", "n": 2}) as res:
                self.assertEqual(res.run_stats["finished"], 18)
                self.assertEqual(res.run_info()["config"], {"who": "test", "n": 2})

    def test_epochs_seed_and_cache(self):
        seeds = []

        def model(req):
            seeds.append(req.seed)
            return f"answer {req.sample_index}"

        with make_dataset(1) as ds, TempDir() as d, ms.Backend.from_callable(model) as b, \
                ms.Judge.from_callable(lambda p, r: 2) as j:
            with ms.evaluate(ds, b, j, out=d + "/k", epochs=2, seed=40) as res:
                recs = res.records
            self.assertEqual(len(recs), 18)
            self.assertEqual(sorted({r["sample"] for r in recs}), [0, 1])
            self.assertEqual(sorted(set(seeds)), [40, 41])  # sample k uses seed + k
            cache = d + "/cache"
            ms.evaluate(ds, b, j, out=d + "/c1", cache=cache).close()
            calls = len(seeds)
            with ms.evaluate(ds, b, j, out=d + "/c2", cache=cache) as res:
                self.assertGreaterEqual(res.run_stats["cache_hits"], 9)
                self.assertEqual(len(res), 9)
            self.assertEqual(len(seeds), calls)  # every answer came from the cache

    def test_progress_exception_stops_and_is_reraised(self):
        def progress(p):
            raise RuntimeError("stop now")

        with make_dataset(2) as ds, TempDir() as d, ms.Backend.replay() as b:
            with self.assertRaises(RuntimeError):
                ms.evaluate(ds, b, None, out=d + "/run", progress=progress,
                            progress_interval=0.01)

    def test_responses_only_without_judge(self):
        with make_dataset(1) as ds, TempDir() as d, ms.Backend.replay() as b:
            with ms.evaluate(ds, b, None, out=d + "/run") as res:
                recs = res.records
        self.assertEqual(len(recs), 9)
        self.assertTrue(all(r["score"] is None and r["response"] for r in recs))

    def test_keyboard_interrupt_cancels_the_run(self):
        calls = []

        def model(req):
            calls.append(req.id)
            if len(calls) == 1:
                _thread.interrupt_main()  # as if Ctrl-C was pressed now
            time.sleep(0.1)
            return "no"

        with make_dataset(4) as ds, TempDir() as d, \
                ms.Backend.from_callable(model, threadsafe=False) as b, \
                ms.Judge.from_callable(lambda p, r: 1) as j:
            out = d + "/run"
            with self.assertRaises(KeyboardInterrupt):
                ms.evaluate(ds, b, j, out=out, concurrency=1)
            n_before = len(calls)
            self.assertLess(n_before, 36)  # stopped long before the end
            # finished items are in the journal: resume completes the run
            with ms.evaluate(ds, b, j, out=out, resume=True, concurrency=8) as res:
                self.assertEqual(len(res), 36)
                self.assertEqual(res.run_stats["resumed"] + res.run_stats["finished"], 36)

    def test_results_open_and_report_and_compare(self):
        with make_dataset(2) as ds, TempDir() as d, ms.Backend.replay() as b:
            with ms.Judge.from_callable(lambda p, r: 1) as j1, \
                    ms.Judge.from_callable(lambda p, r: 4) as j2:
                ms.evaluate(ds, b, j1, out=d + "/a").close()
                ms.evaluate(ds, b, j2, out=d + "/b").close()
            with ms.Results.open(d + "/a") as a:
                self.assertEqual(len(a), 18)
                self.assertEqual(a.find("t/3/1")["score"], 1)
                self.assertIsNone(a.find("t/3/1", sample=1))
                self.assertIsNone(a.find("nope"))
                self.assertIsInstance(a.run_info(), dict)
                for fmt, ext in (("md", "md"), ("json", "json"), ("csv", "csv"),
                                 ("html", "html")):
                    path = os.path.join(d, "report." + ext)
                    a.write_report(path, fmt)
                    self.assertGreater(os.path.getsize(path), 0)
                with open(os.path.join(d, "report.json"), encoding="utf-8") as f:
                    self.assertEqual(json.load(f)["overall"]["n"], 18)
                with open(os.path.join(d, "report.html"), encoding="utf-8") as f:
                    self.assertIn("<svg", f.read())
                cmp = ms.compare(a, d + "/b")
            self.assertEqual(cmp["overall"]["n_pairs"], 18)
            self.assertEqual((cmp["overall"]["mean_a"], cmp["overall"]["mean_b"]), (1, 4))
            self.assertEqual(cmp["overall"]["mean_diff"], 3)
            self.assertTrue(cmp["overall"]["worse"])
            self.assertEqual(sorted(cmp["by_principle"]), [str(p) for p in range(1, 10)])
        with self.assertRaises(ms.NotFound):
            ms.Results.open("/nonexistent/run")


if __name__ == "__main__":
    unittest.main()
