"""evaluate(..., batch=True, judge_batch=True) (msb_batch_run) against
tests/server/fake_batch.py, a fake OpenAI Batch API on 127.0.0.1 started here.

What is checked, and against what: the fake server's own log (every batch
creation with its custom ids, every online request), an independent record of
what was sent, and the run folder. Expected counts are worked out by hand from
the prompts (the server's [[batch:fail]] marker fails a request in a batch):
the fake answers "batch answer: ..." in a batch, "online answer: ..." online,
and a model named judge* always "#thescore: 1"."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

from support import SOURCE_ROOT, TempDir, ms

FAKE = os.path.join(SOURCE_ROOT, "tests", "server", "fake_batch.py")
KEY = "sk-py-batch-canary-4b1d"


class Fake:
    def __init__(self, tmp, steps=1):
        self.log = os.path.join(tmp, "fake.log")
        self.p = subprocess.Popen([sys.executable, FAKE, "--log", self.log, "--steps", str(steps),
                                   "--max-seconds", "50"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.url = "http://127.0.0.1:%d/v1" % int(self.p.stdout.readline())

    def events(self, kind):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            evs = [json.loads(line) for line in f if line.strip()]
        return [e for e in evs if e["event"] == kind]

    def submitted(self):
        """custom_id -> times submitted, over every batch created."""
        n = {}
        for e in self.events("create"):
            for c in e["custom_ids"]:
                n[c] = n.get(c, 0) + 1
        return n

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.p.stdout.close()


def dataset(prompts):
    return ms.Dataset.from_items([{"prompt": p, "id": "b/%d" % i, "principle": 1 + i % 9}
                                  for i, p in enumerate(prompts)])


class BatchTest(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()
        self.fake = Fake(self.dir)
        self.out = os.path.join(self.dir, "run")

    def tearDown(self):
        self.fake.close()
        self.tmp.__exit__(None, None, None)

    def backends(self):
        url = self.fake.url
        return (ms.Backend.openai("m", base_url=url, api_key=KEY, max_retries=0),
                ms.Judge.llm(ms.Backend.openai("judge-m", base_url=url, api_key=KEY,
                                               max_retries=0)))

    def test_model_and_judge_through_batches_failed_ones_online(self):
        prompts = ["request one", "request two [[batch:fail]]", "request three"]
        model, judge = self.backends()
        with model, judge, dataset(prompts) as ds:
            res = ms.evaluate(ds, model, judge, self.out, batch=True, judge_batch=True,
                              batch_poll_interval=0.05)
            recs = {r["prompt"]: r for r in res.records}
            stats = res.run_stats["batch"]
            info = res.run_info()["batch"]
            res.close()
        self.assertEqual(len(recs), 3)
        for p, r in recs.items():
            want = "online answer" if "fail" in p else "batch answer"
            self.assertTrue(r["response"].startswith(want), r)
            self.assertEqual(r["score"], 1)
        # by hand: model batch of 3 (1 fails), judge batch of the 2 stored answers;
        # then online: the failed item's model request and its judge request
        sub = self.fake.submitted()
        self.assertEqual(len(self.fake.events("create")), 2)
        self.assertEqual(sorted(sub.values()), [1] * 5)
        self.assertEqual(sorted(c[0] for c in sub), ["j", "j", "m", "m", "m"])
        self.assertEqual(len(self.fake.events("online")), 2)
        self.assertEqual(stats, {"batches_created": 2, "batches_resumed": 0, "submitted": 5,
                                 "succeeded": 4, "failed": 1})
        # run.json's batch block is the library's too (the discount of the cost figures)
        self.assertEqual((info["discount"], info["model"]["requests"], info["model"]["failed"],
                          info["judge"]["requests"]), (0.5, 3, 1, 2))
        for root, _, names in os.walk(self.out):
            for n in names:
                with open(os.path.join(root, n), "rb") as f:
                    self.assertNotIn(KEY.encode(), f.read(), n)

    def test_anthropic_backend_through_message_batches(self):
        # anthropic/MODEL as model and judge: one Message Batch per stage (the requests
        # inline, no file upload), x-api-key and anthropic-version on every call; by hand:
        # 2 model requests (1 errored in the batch, then online) and 1 judge request in a
        # batch, then the failed item's model and judge requests online
        root = self.fake.url[:-len("/v1")]
        model = ms.Backend.anthropic("m", base_url=root, api_key=KEY, max_retries=0)
        judge = ms.Judge.llm(ms.Backend.anthropic("judge-m", base_url=root, api_key=KEY,
                                                  max_retries=0))
        prompts = ["request one [[say:think]]", "request two [[batch:fail]]"]
        with model, judge, dataset(prompts) as ds:
            res = ms.evaluate(ds, model, judge, self.out, batch=True, judge_batch=True,
                              batch_poll_interval=0.05)
            recs = {r["prompt"]: r for r in res.records}
            stats = res.run_stats["batch"]
            info = res.run_info()["batch"]
            res.close()
        self.assertTrue(recs[prompts[0]]["response"].startswith("batch answer"))
        with open(os.path.join(self.out, "results.jsonl"), encoding="utf-8") as f:
            journal = {r["prompt"]: r for r in map(json.loads, f)}
        self.assertEqual(journal[prompts[0]]["reasoning"], "weighing the request first")
        self.assertTrue(recs[prompts[1]]["response"].startswith("online answer"))
        self.assertEqual([r["score"] for r in recs.values()], [1, 1])
        self.assertEqual(stats, {"batches_created": 2, "batches_resumed": 0, "submitted": 3,
                                 "succeeded": 2, "failed": 1})
        self.assertEqual((info["model"]["provider"], info["judge"]["provider"],
                          info["model"]["failed"]), ("anthropic", "anthropic", 1))
        self.assertEqual(self.fake.events("upload"), [])
        calls = [e for k in ("create", "poll", "download") for e in self.fake.events(k)]
        self.assertTrue(calls)
        for e in calls:
            self.assertEqual((e["x_api_key"], e["anthropic_version"], e["auth"]),
                             (KEY, "2023-06-01", None))
        self.assertEqual(len(self.fake.events("online")), 2)

    def test_only_the_openai_backend_batches(self):
        with ms.Backend.replay() as b, dataset(["x"]) as ds:
            with self.assertRaises(ms.InvalidArgument):
                ms.evaluate(ds, b, ms.Judge.refusal(), self.out, batch=True)
        self.assertEqual(self.fake.events("create"), [])

    def test_a_folder_holding_a_run_speaks_python(self):
        model, judge = self.backends()
        with model, judge, dataset(["request one"]) as ds:
            ms.evaluate(ds, model, judge, self.out, batch=True, batch_poll_interval=0.05).close()
            with self.assertRaises(ms.AlreadyExists) as cm:
                ms.evaluate(ds, model, judge, self.out, batch=True, batch_poll_interval=0.05)
        self.assertIn("resume=True", str(cm.exception))

    def test_ctrl_c_while_polling_then_resume_submits_nothing_twice(self):
        self.fake.close()
        self.fake = Fake(self.dir, steps=10)  # the batch stays open for 30 polls
        journal = os.path.join(self.out, "batch", "batches.jsonl")

        def interrupt():  # SIGINT once the batch is journaled (what Ctrl-C does)
            deadline = time.time() + 30
            while time.time() < deadline:
                if os.path.exists(journal):
                    with open(journal, encoding="utf-8") as f:
                        if "submitted" in f.read():
                            break
                time.sleep(0.02)
            os.kill(os.getpid(), signal.SIGINT)

        model, judge = self.backends()
        with model, judge, dataset(["kill one", "kill two", "kill three"]) as ds:
            t = threading.Thread(target=interrupt)
            t.start()
            try:
                with self.assertRaises(KeyboardInterrupt):
                    ms.evaluate(ds, model, judge, self.out, batch=True,
                                batch_poll_interval=0.05)
            finally:
                t.join()
            self.assertEqual(len(self.fake.events("create")), 1)
            self.assertFalse(os.path.exists(os.path.join(self.out, "results.jsonl"))
                             and os.path.getsize(os.path.join(self.out, "results.jsonl")))
            with ms.evaluate(ds, model, judge, self.out, batch=True, resume=True,
                             batch_poll_interval=0.05) as res:
                self.assertEqual(res.run_stats["batch"]["batches_resumed"], 1)
                self.assertEqual(res.run_stats["batch"]["batches_created"], 0)
                self.assertTrue(all(r["response"].startswith("batch answer")
                                    for r in res.records))
                self.assertEqual(len(res), 3)
        self.assertEqual(sorted(self.fake.submitted().values()), [1, 1, 1])
        # the model was asked through the batch only; the judge (not batched here) online
        self.assertEqual(sorted(e["model"] for e in self.fake.events("online")), ["judge-m"] * 3)


if __name__ == "__main__":
    unittest.main()
