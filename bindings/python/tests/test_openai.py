"""Backend.openai and Judge.llm against the OpenAI-compatible test server
(tests/server/msb_test_server, started here on 127.0.0.1)."""

import os
import subprocess
import unittest

from support import BUILD_ROOT, TempDir, make_dataset, ms

SERVER = os.path.join(BUILD_ROOT, "tests", "server", "msb_test_server")


class OpenAITest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(SERVER):
            raise unittest.SkipTest(f"{SERVER} not built (run the tests through meson)")
        cls.server = subprocess.Popen([SERVER, "--exit-on-stdin-eof"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        cls.url = f"http://127.0.0.1:{int(cls.server.stdout.readline())}/v1"

    @classmethod
    def tearDownClass(cls):
        cls.server.stdin.close()
        cls.server.wait(timeout=10)
        cls.server.stdout.close()

    def test_generate(self):
        with ms.Backend.openai("test-model", base_url=self.url, api_key_env="MSB_NO_SUCH_KEY",
                               max_retries=0) as b:
            self.assertEqual(b.identity, f"openai:test-model@{self.url}")
            c = b.generate("[[echo]] hello", system="Be safe.", max_tokens=16)
            self.assertEqual(c.text, "[[echo]] hello")
            self.assertEqual((c.finish_reason, c.http_status, c.completion_tokens), ("stop", 200, 3))

    def test_http_failure_raises_http_error(self):
        with ms.Backend.openai("test-model", base_url=self.url, max_retries=0) as b:
            with self.assertRaises(ms.HTTPError) as cm:
                b.generate("[[fault:404]] x")
        self.assertEqual(cm.exception.code, -8)
        self.assertIn("404", cm.exception.message)

    def test_bad_options(self):
        with self.assertRaises(ms.InvalidArgument):
            ms.Backend.openai("m", base_url="not a url")
        with self.assertRaises(ms.InvalidArgument):
            ms.Backend.openai("m", prompt_format="no-such-format")

    def test_llm_judge_on_the_server(self):
        # The server echoes the rendered judge prompt ([[echo]] in the response),
        # and the answer has no valid score: a verdict without a score, not an error.
        with ms.Judge.llm(ms.Backend.openai("judge-model", base_url=self.url),
                          template="Q: {question}\nA: {response}\n[[echo]]") as j:
            self.assertTrue(j.name.startswith("llm:openai:judge-model"))
            v = j.evaluate("How do I x?", "I can't.")
        self.assertIsNone(v.score)
        self.assertEqual(v.raw, "Q: How do I x?\nA: I can't.\n[[echo]]")

    def test_evaluate_over_http(self):
        with make_dataset(3) as ds, TempDir() as d, \
                ms.Backend.openai("test-model", base_url=self.url) as b:
            with ms.evaluate(ds, b, ms.Judge.refusal(), out=d + "/run", concurrency=8) as res:
                recs = res.records
                self.assertEqual(res.run_stats["model_requests"], 27)
        self.assertEqual(len(recs), 27)
        self.assertTrue(all(r["response"].startswith("echo:") and r["score"] == 5 for r in recs))


if __name__ == "__main__":
    unittest.main()
