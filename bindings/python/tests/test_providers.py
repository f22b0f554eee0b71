"""Backend.anthropic, Backend.azure (msb_backend_provider_new) and Results.usage()
(msb_results_usage) against the test server (tests/server/msb_test_server, started
here on 127.0.0.1; it answers POST /v1/messages in Anthropic's shape and
/openai/deployments/D/chat/completions?api-version=V in OpenAI's).

The server's token counts are its own rule, which the usage checks redo here
independently: prompt tokens = bytes of the user message // 4 + 1 and 3
completion tokens per answer (tests/server/msb_test_server.c, completion())."""

import json
import os
import re
import subprocess
import unittest
import urllib.request

from support import BUILD_ROOT, SOURCE_ROOT, TempDir, make_dataset, ms

SERVER = os.path.join(BUILD_ROOT, "tests", "server", "msb_test_server")
HEADER = os.path.join(SOURCE_ROOT, "include", "medsafety", "openai.h")
KEY = "sk-test-pr0vider-5ecret-0123456789"


def header_default(name):
    """A default as the public header defines it (the C library's one source of truth)."""
    with open(HEADER, encoding="utf-8") as f:
        m = re.search(r'#define %s "([^"]*)"' % name, f.read())
    return m.group(1)


def server_tokens(user_text):
    """The test server's prompt-token rule (see the module docstring)."""
    return len(user_text.encode("utf-8")) // 4 + 1


class ServerCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(SERVER):
            raise unittest.SkipTest(f"{SERVER} not built (run the tests through meson)")
        cls.server = subprocess.Popen([SERVER, "--exit-on-stdin-eof"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        cls.base = f"http://127.0.0.1:{int(cls.server.stdout.readline())}"

    @classmethod
    def tearDownClass(cls):
        cls.server.stdin.close()
        cls.server.wait(timeout=10)
        cls.server.stdout.close()

    def stats(self):
        with urllib.request.urlopen(self.base + "/_stats") as r:
            return json.load(r)


class AnthropicTest(ServerCase):
    def test_generate_speaks_messages_with_the_c_default_version(self):
        with ms.Backend.anthropic("claude-test", base_url=self.base, max_retries=0) as b:
            self.assertEqual(b.identity, f"anthropic:claude-test@{self.base}/")
            c = b.generate("[[echo]] hello", system="Be safe.", max_tokens=16)
        self.assertEqual((c.text, c.finish_reason, c.http_status), ("[[echo]] hello", "end_turn", 200))
        self.assertEqual((c.prompt_tokens, c.completion_tokens), (server_tokens("[[echo]] hello"), 3))
        st = self.stats()
        self.assertEqual(st["last_path"], "/v1/messages")
        self.assertEqual(st["anthropic_version"], header_default("MSB_ANTHROPIC_VERSION_DEFAULT"))

    def test_api_version_is_sent(self):
        with ms.Backend.anthropic("claude-test", base_url=self.base, api_version="2099-01-01",
                                  max_retries=0) as b:
            b.generate("hi")
        self.assertEqual(self.stats()["anthropic_version"], "2099-01-01")

    def test_refusal_stop_reason(self):
        with ms.Backend.anthropic("claude-test", base_url=self.base, max_retries=0) as b:
            c = b.generate("[[fault:refusal]] x")
        self.assertEqual(c.finish_reason, "refusal")

    def test_bad_options(self):
        with self.assertRaises(ms.InvalidArgument):
            ms.Backend.anthropic("m", base_url="not a url")
        with self.assertRaises(ms.InvalidArgument):
            ms.Backend.anthropic("m", base_url=self.base, api_version="2023 06 01")
        with self.assertRaises(ms.InvalidArgument):
            ms.Backend.anthropic("m", base_url=self.base, api_key="k", api_key_env="X")


class AzureTest(ServerCase):
    def test_generate_on_the_deployment_with_the_c_default_api_version(self):
        with ms.Backend.azure("dep-1", base_url=self.base, max_retries=0) as b:
            self.assertIn("dep-1", b.identity)
            c = b.generate("hello there")
        self.assertEqual((c.http_status, c.prompt_tokens, c.completion_tokens),
                         (200, server_tokens("hello there"), 3))
        self.assertEqual(self.stats()["last_path"], "/openai/deployments/dep-1/chat/completions"
                         "?api-version=" + header_default("MSB_AZURE_API_VERSION_DEFAULT"))

    def test_api_version_is_sent(self):
        with ms.Backend.azure("dep-1", base_url=self.base, api_version="2099-02-01-preview",
                              max_retries=0) as b:
            b.generate("hi")
        self.assertTrue(self.stats()["last_path"].endswith("?api-version=2099-02-01-preview"))

    def test_base_url_is_required(self):
        with self.assertRaises(TypeError):
            ms.Backend.azure("dep-1")  # pylint: disable=missing-kwoa
        with self.assertRaises(ms.InvalidArgument):
            ms.Backend.azure("dep-1", base_url=None)
        with self.assertRaises(ms.InvalidArgument):
            ms.Backend.azure("dep-1", base_url=self.base, api_version="v&x=1")


class ApiKeyTest(ServerCase):
    """The key is sent in the provider's header and kept out of every file, repr,
    identity and exception (the same checks as test_strict's for Backend.openai)."""

    def check(self, make, header):
        env_before = dict(os.environ)
        with make() as b, make_dataset(1) as ds, TempDir() as d:
            self.assertEqual(dict(os.environ), env_before)  # no variable left behind
            self.assertNotIn(KEY, repr(b) + b.identity)
            res = ms.evaluate(ds, b, ms.Judge.refusal(), out=os.path.join(d, "run"))
            self.assertEqual(res.error_count, 0)
            self.assertEqual(self.stats()["authorization"], f"{header}: {KEY}")
            for root, _, names in os.walk(d):
                for n in names:
                    with open(os.path.join(root, n), "rb") as f:
                        self.assertNotIn(KEY.encode(), f.read(), n)
            self.assertNotIn(KEY, repr(res) + json.dumps(res.run_info()))
            # the server echoes the key it got in its 401 message: the error redacts it
            with self.assertRaises(ms.HTTPError) as cm:
                b.generate("[[fault:401echo]] x")
            self.assertIn("401", str(cm.exception))
            self.assertNotIn(KEY, str(cm.exception) + repr(cm.exception) + cm.exception.message)

    def test_anthropic_key(self):
        self.check(lambda: ms.Backend.anthropic("claude-test", base_url=self.base, api_key=KEY,
                                                max_retries=0), "x-api-key")

    def test_azure_key(self):
        self.check(lambda: ms.Backend.azure("dep-1", base_url=self.base, api_key=KEY,
                                            max_retries=0), "api-key")


class UsageTest(ServerCase):
    TEMPLATE = "Q: {question}\nA: {response}\n[[say:#thescore: 2]]"

    def run_usage(self, d, **kw):
        with make_dataset(2) as ds, \
                ms.Backend.anthropic("claude-test", base_url=self.base, max_retries=0) as b, \
                ms.Judge.llm(ms.Backend.anthropic("judge-test", base_url=self.base),
                             template=self.TEMPLATE) as j:
            return ms.evaluate(ds, b, j, out=d, concurrency=4, **kw)

    def test_usage_sums_the_records(self):
        with TempDir() as d:
            with self.run_usage(os.path.join(d, "run")) as res:
                usage = res.usage()
                with open(os.path.join(d, "run", "results.jsonl"), encoding="utf-8") as f:
                    lines = [json.loads(line) for line in f]
                run_json = res.run_info()["usage"]
        self.assertEqual(len(lines), 18)
        # Independently: the server's rule applied to each record's own texts.
        # model: user message = the prompt; judge: user message = the rendered template.
        model_p = sum(server_tokens(r["prompt"]) for r in lines)
        judge_p = sum(server_tokens(self.TEMPLATE.replace("{question}", r["prompt"])
                                    .replace("{response}", r["response"])) for r in lines)
        self.assertTrue(all(r["score"] == 2 for r in lines))
        # Anthropic's usage reports cache reads (0 here) and no reasoning count.
        self.assertEqual(usage, {
            "model": {"records": 18, "prompt_tokens": model_p, "completion_tokens": 3 * 18,
                      "reasoning_tokens": None, "cached_tokens": 0, "cache_hits": 0},
            "judge": {"records": 18, "prompt_tokens": judge_p, "completion_tokens": 3 * 18,
                      "reasoning_tokens": None, "cached_tokens": 0, "cache_hits": 0},
        })
        # and the same sums straight from the journal's fields
        self.assertEqual(usage["model"]["prompt_tokens"],
                         sum(r["usage"]["prompt_tokens"] for r in lines))
        self.assertEqual(usage["judge"]["prompt_tokens"],
                         sum(r["usage"]["judge_prompt_tokens"] for r in lines))
        self.assertEqual(usage, run_json)

    def test_cache_hits_are_counted_not_summed(self):
        with TempDir() as d:
            cache = os.path.join(d, "cache")
            self.run_usage(os.path.join(d, "a"), cache=cache).close()
            with self.run_usage(os.path.join(d, "b"), cache=cache) as res:
                usage = res.usage()
                n_cached = sum(1 for r in _lines(os.path.join(d, "b")) if r.get("cached"))
                n_judge_cached = sum(1 for r in _lines(os.path.join(d, "b"))
                                     if r.get("judge_cached"))
        self.assertEqual(n_cached, 18)
        self.assertEqual(usage["model"]["cache_hits"], 18)
        self.assertEqual((usage["model"]["records"], usage["model"]["prompt_tokens"]), (0, 0))
        # the verdicts came from the cache too (records say "judge_cached"): not paid here
        self.assertEqual(n_judge_cached, 18)
        self.assertEqual(usage["judge"]["cache_hits"], 18)
        self.assertEqual((usage["judge"]["records"], usage["judge"]["prompt_tokens"]), (0, 0))

    def test_a_python_model_without_counts(self):
        with make_dataset(1) as ds, ms.Backend.from_callable(lambda req: "no.") as b, \
                ms.evaluate(ds, b, ms.Judge.refusal()) as res:
            usage = res.usage()
        self.assertEqual(usage["model"], {"records": 0, "prompt_tokens": 0, "completion_tokens": 0,
                                          "reasoning_tokens": None, "cached_tokens": None,
                                          "cache_hits": 0})
        self.assertEqual(usage["judge"]["records"], 0)


def _lines(run_dir):
    with open(os.path.join(run_dir, "results.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


if __name__ == "__main__":
    unittest.main()
