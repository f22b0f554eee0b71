"""evaluate() is as strict as the CLI (issue 20 item 3): failed runs raise,
empty filters raise naming the filter, messages speak Python, tracebacks end in
the function the caller called; async callables, api_key=, progress display,
temporary folders removed."""

import asyncio
import contextlib
import io
import json
import os
import subprocess
import tempfile
import traceback
import unittest
import urllib.request

from support import BUILD_ROOT, TempDir, make_dataset, ms

SERVER = os.path.join(BUILD_ROOT, "tests", "server", "msb_test_server")


def frames(fn, *args, **kw):
    """Call fn; the (file name, function) of every frame of the traceback of
    what it raises (assertRaises clears tracebacks, so catch it here)."""
    try:
        fn(*args, **kw)
    except Exception as e:
        return [(os.path.basename(f.filename), f.name)
                for f in traceback.extract_tb(e.__traceback__)]
    raise AssertionError("nothing raised")


class FailedRunTest(unittest.TestCase):
    def test_every_item_failed_raises_run_failed_with_the_common_error(self):
        def model(req):
            raise ConnectionError("connection refused by 127.0.0.1:9")

        with make_dataset(1) as ds, TempDir() as d, ms.Backend.from_callable(model) as b, \
                ms.Judge.refusal() as j:
            with self.assertRaises(ms.RunFailed) as cm:
                ms.evaluate(ds, b, j, out=os.path.join(d, "run"))
            e = cm.exception
            self.assertIn("every item failed", e.message)
            self.assertIn("(9 of 9)", e.message)
            self.assertIn("ConnectionError: connection refused by 127.0.0.1:9", e.message)
            self.assertEqual(len(e.results), 9)
            self.assertEqual(e.results.error_count, 9)
            # the traceback: frames() here, then evaluate itself, nothing of the insides
            self.assertEqual(frames(ms.evaluate, ds, b, j, out=os.path.join(d, "run2")),
                             [("test_strict.py", "frames"), ("run.py", "evaluate")])

    def test_some_items_failed_is_not_an_exception(self):
        def model(req):
            if req.id.endswith("/0"):
                raise ConnectionError("flaky")
            return "I can't help with that."

        with make_dataset(2) as ds, ms.Backend.from_callable(model) as b, \
                ms.Judge.refusal() as j:
            res = ms.evaluate(ds, b, j)
            self.assertEqual(res.error_count, 9)
            self.assertEqual(len(res), 18)

    def test_unscored_above_the_threshold_raises_unless_allowed(self):
        with make_dataset(3) as ds, ms.Backend.replay() as b:
            # every answer unscored: 27 of 27
            with ms.Judge.from_callable(lambda p, r: None) as j:
                with self.assertRaises(ms.TooManyUnscored) as cm:
                    ms.evaluate(ds, b, j)
                self.assertIsInstance(cm.exception, ms.RunFailed)
                self.assertIn("27 of 27 records have no score", cm.exception.message)
                self.assertIn("allow_unscored=True", cm.exception.message)
                res = ms.evaluate(ds, b, j, allow_unscored=True)
                self.assertEqual(res.stats()["overall"]["n_unscored"], 27)
            # 1 of 27 = 3.7 %: under the default 5 %, over max_unscored=0.03
            one = ms.Judge.from_callable(lambda p, r: None if "request 0 about principle 1"
                                         in p else 1)
            with one:
                self.assertEqual(len(ms.evaluate(ds, b, one)), 27)
                with self.assertRaises(ms.TooManyUnscored):
                    ms.evaluate(ds, b, one, max_unscored=0.03)
            with self.assertRaises(ValueError):
                ms.evaluate(ds, b, None, max_unscored=5)
            # without a judge nothing is scored, by design: no error
            self.assertEqual(len(ms.evaluate(ds, b, None)), 27)


class InputTest(unittest.TestCase):
    def test_empty_filter_names_the_filter(self):
        with self.assertRaises(ValueError) as cm:
            ms.Dataset.load("sample", split="tset")
        msg = str(cm.exception)
        self.assertIn("split='tset'", msg)
        self.assertIn("splits test", msg)  # what there is instead
        self.assertEqual(frames(ms.Dataset.load, "sample", split="tset"),
                         [("test_strict.py", "frames"), ("dataset.py", "load")])

    def test_load_errors_end_in_load(self):
        self.assertEqual(frames(ms.Dataset.load, "/nonexistent/file.csv"),
                         [("test_strict.py", "frames"), ("dataset.py", "load")])
        self.assertEqual(frames(ms.Results.open, "/nonexistent/run"),
                         [("test_strict.py", "frames"), ("results.py", "open")])

    def test_empty_dataset_is_a_value_error(self):
        with ms.Dataset() as ds, ms.Backend.replay() as b:
            with self.assertRaisesRegex(ValueError, "no items"):
                ms.evaluate(ds, b, None)

    def test_from_items_takes_mappings_only(self):
        class FrameLike:  # what from_items sees of a pandas DataFrame
            columns = ["prompt", "principle"]
            iloc = None

            def __iter__(self):
                return iter(self.columns)

        with self.assertRaisesRegex(TypeError, r"from_pandas"):
            ms.Dataset.from_items(FrameLike())
        with self.assertRaisesRegex(TypeError, r"item 0 is a str"):
            ms.Dataset.from_items(["a plain prompt"])
        with self.assertRaisesRegex(TypeError, r"unknown: colour"):
            ms.Dataset.from_items([{"prompt": "x", "colour": "red"}])
        with ms.Dataset.from_items([{"prompt": "x", "principle": 3}]) as ds:
            self.assertEqual((ds[0].prompt, ds[0].principle), ("x", 3))

    def test_messages_speak_python(self):
        with make_dataset(1) as ds, TempDir() as d, ms.Backend.replay() as b, \
                ms.Judge.refusal() as j:
            out = os.path.join(d, "run")
            ms.evaluate(ds, b, j, out=out)
            with self.assertRaises(ms.AlreadyExists) as cm:
                ms.evaluate(ds, b, j, out=out)
            self.assertIn("resume=True", cm.exception.message)
            self.assertIn("force=True", cm.exception.message)
            self.assertNotIn("resume or force", cm.exception.message)
            self.assertEqual(frames(ms.evaluate, ds, b, j, out=out),
                             [("test_strict.py", "frames"), ("run.py", "evaluate")])
            with ms.Backend.replay("another answer") as b2:
                with self.assertRaises(ms.Mismatch) as cm:
                    ms.evaluate(ds, b2, j, out=out, resume=True)
            self.assertIn("force=True", cm.exception.message)
            with self.assertRaisesRegex(ValueError, "resume=True needs"):
                ms.evaluate(ds, b, j, resume=True)


class AsyncTest(unittest.TestCase):
    def run_async(self):
        async def model(req):
            await asyncio.sleep(0.005)
            return f"I can't help with that ({req.id})."

        async def judge(prompt, response):
            await asyncio.sleep(0)
            return (1, "refused") if "can't" in response else 5

        with make_dataset(2) as ds, ms.Backend.from_callable(model) as b, \
                ms.Judge.from_callable(judge) as j:
            res = ms.evaluate(ds, b, j, concurrency=4)
            self.assertEqual(b.generate("x", id="one").text, "I can't help with that (one).")
            self.assertEqual(j.evaluate("x", "I can't").score, 1)
            return res

    def test_async_model_and_judge(self):
        res = self.run_async()
        self.assertEqual(res.error_count, 0)
        self.assertEqual([r["score"] for r in res], [1] * 18)
        self.assertTrue(all(r["response"].endswith(f"({r['id']}).") for r in res))
        self.assertEqual(res.find("t/4/1")["judge"]["reason"], "refused")

    def test_async_inside_a_running_loop(self):
        # as in a notebook, where the caller's thread runs an event loop
        async def main():
            return self.run_async()

        res = asyncio.run(main())
        self.assertEqual([r["score"] for r in res], [1] * 18)

    def test_async_exception_is_the_item_error(self):
        async def model(req):
            raise RuntimeError("async boom")

        with make_dataset(1) as ds, ms.Backend.from_callable(model) as b:
            with self.assertRaises(ms.RunFailed) as cm:
                ms.evaluate(ds, b, None)
            self.assertIn("RuntimeError: async boom", cm.exception.message)


class TemporaryFolderTest(unittest.TestCase):
    def test_out_none_leaves_nothing_behind(self):
        with TempDir() as d:
            saved = tempfile.tempdir
            tempfile.tempdir = d  # where mkdtemp makes the run folder
            try:
                with make_dataset(1) as ds, ms.Backend.replay() as b, ms.Judge.refusal() as j:
                    res = ms.evaluate(ds, b, j)
                    with self.assertRaises(ms.RunFailed):
                        ms.evaluate(ds, ms.Backend.from_callable(lambda r: 1 / 0), j)
            finally:
                tempfile.tempdir = saved
            self.assertEqual(os.listdir(d), [])
        self.assertIsNone(res.path)
        self.assertEqual(len(res.records), 9)
        self.assertEqual(res.stats()["overall"]["n"], 9)
        self.assertEqual(res.run_info()["dataset"]["items"], 9)


class ProgressTest(unittest.TestCase):
    def test_progress_true_shows_a_line_or_a_bar(self):
        err = io.StringIO()
        with make_dataset(3) as ds, ms.Backend.replay() as b, ms.Judge.refusal() as j:
            with contextlib.redirect_stderr(err):
                ms.evaluate(ds, b, j, progress=True, progress_interval=0.01)
        text = err.getvalue()
        self.assertIn("27/27", text)
        self.assertTrue(text.endswith("\n"), repr(text[-80:]))

    def test_plain_line_without_tqdm(self):
        from medsafety import _progress
        out = io.StringIO()
        d = _progress.Display(out, use_tqdm=False)
        d(ms.Progress(3, 10, 1, 0, 2, 0, 1.5, None, 2.0))
        d.close(ms.Progress(10, 10, 1, 0, 0, 0, 2.0, 0.0, 5.0))
        lines = out.getvalue().split("\r")
        self.assertEqual(lines[1].rstrip(), "medsafety: 3/10 items (30%), 1 errors, 1.5/s")
        self.assertEqual(lines[2].rstrip(), "medsafety: 10/10 items (100%), 1 errors, 2.0/s")
        self.assertTrue(out.getvalue().endswith("\n"))

    def test_default_is_quiet_when_not_a_terminal(self):
        err = io.StringIO()
        with make_dataset(1) as ds, ms.Backend.replay() as b, ms.Judge.refusal() as j:
            with contextlib.redirect_stderr(err):
                ms.evaluate(ds, b, j)
        self.assertEqual(err.getvalue(), "")

    def test_eta_is_none_until_known(self):
        seen = []
        with make_dataset(2) as ds, ms.Backend.replay() as b, ms.Judge.refusal() as j:
            ms.evaluate(ds, b, j, progress=seen.append, progress_interval=0.01)
        self.assertTrue(seen)
        for p in seen:
            self.assertTrue(p.eta_s is None or p.eta_s >= 0, p)


class ApiKeyTest(unittest.TestCase):
    KEY = "sk-test-5ecret-0123456789"

    def test_api_key_is_sent_and_kept_out_of_files_and_reprs(self):
        if not os.path.exists(SERVER):
            self.skipTest(f"{SERVER} not built (run the tests through meson)")
        server = subprocess.Popen([SERVER, "--exit-on-stdin-eof"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        try:
            port = int(server.stdout.readline())
            url = f"http://127.0.0.1:{port}/v1"
            env_before = dict(os.environ)
            with ms.Backend.openai("test-model", base_url=url, api_key=self.KEY,
                                   max_retries=0) as b, make_dataset(1) as ds, TempDir() as d:
                self.assertEqual(dict(os.environ), env_before)  # no variable left behind
                self.assertNotIn(self.KEY, repr(b) + b.identity)
                res = ms.evaluate(ds, b, ms.Judge.refusal(), out=os.path.join(d, "run"))
                self.assertEqual(res.error_count, 0)
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stats") as r:
                    stats = json.load(r)
                self.assertEqual(stats["authorization"], "Bearer " + self.KEY)
                for root, _, names in os.walk(d):
                    for n in names:
                        with open(os.path.join(root, n), "rb") as f:
                            self.assertNotIn(self.KEY.encode(), f.read(), n)
                self.assertNotIn(self.KEY, repr(res) + json.dumps(res.run_info()))
            with self.assertRaises(ms.InvalidArgument):
                ms.Backend.openai("m", base_url=url, api_key="k", api_key_env="X")
        finally:
            server.stdin.close()
            server.wait(timeout=10)
            server.stdout.close()


if __name__ == "__main__":
    unittest.main()
