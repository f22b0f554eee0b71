"""Python functions as backends and judges, called directly (no runner)."""

import gc
import threading
import unittest

from support import ms

from medsafety import _callbacks


class BackendCallableTest(unittest.TestCase):
    def test_request_fields_reach_the_function(self):
        seen = []

        def model(req):
            seen.append(req)
            return "I can't help with that."

        with ms.Backend.from_callable(model, name="mine") as b:
            self.assertEqual(b.identity, "mine")
            c = b.generate("How to x?", system="Be safe.", id="t/1/0", max_tokens=64,
                           temperature=0.5, seed=7, stop=["\n\n", "END"])
        self.assertEqual(c.text, "I can't help with that.")
        req = seen[0]
        self.assertEqual((req.prompt, req.system, req.id), ("How to x?", "Be safe.", "t/1/0"))
        self.assertEqual((req.max_tokens, req.temperature, req.seed), (64, 0.5, 7))
        self.assertEqual(req.stop, ("\n\n", "END"))
        self.assertIsNone(req.top_p)

    def test_default_name_and_dict_result(self):
        def my_model(req):
            return {"text": "no", "finish_reason": "stop", "prompt_tokens": 12,
                    "completion_tokens": 1}

        with ms.Backend.from_callable(my_model) as b:
            self.assertEqual(b.identity, "python:my_model")
            c = b.generate("x")
        self.assertEqual((c.text, c.finish_reason, c.prompt_tokens, c.completion_tokens),
                         ("no", "stop", 12, 1))

    def test_exception_becomes_callback_error(self):
        def broken(req):
            raise RuntimeError("model server is down")

        with ms.Backend.from_callable(broken) as b:
            with self.assertRaises(ms.CallbackError) as cm:
                b.generate("x")
            self.assertEqual(cm.exception.code, -10)
            self.assertIn("RuntimeError: model server is down", cm.exception.message)
            self.assertIn("test_callbacks.py", cm.exception.message)
            # and the backend still works afterwards
            with self.assertRaises(ms.CallbackError) as cm:
                b.generate("y")

    def test_wrong_return_types(self):
        for value, words in ((None, "returned None"), (42, "returned int"),
                             ({"txt": "x"}, "'text'")):
            with ms.Backend.from_callable(lambda req, v=value: v) as b:
                with self.assertRaises(ms.CallbackError) as cm:
                    b.generate("x")
                self.assertIn(words, cm.exception.message)

    def test_keyboard_interrupt_in_a_direct_call_is_reraised(self):
        def interrupted(req):
            raise KeyboardInterrupt

        with ms.Backend.from_callable(interrupted) as b:
            with self.assertRaises(KeyboardInterrupt):
                b.generate("x")

    def test_called_from_many_threads(self):
        counter = {"n": 0}
        lock = threading.Lock()

        def model(req):
            with lock:
                counter["n"] += 1
            return req.prompt.upper()

        results = {}
        with ms.Backend.from_callable(model) as b:
            def worker(i):
                results[i] = [b.generate(f"p{i}-{k}").text for k in range(25)]

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(counter["n"], 200)
        for i in range(8):
            self.assertEqual(results[i], [f"P{i}-{k}" for k in range(25)])

    def test_replay(self):
        with ms.Backend.replay() as b:
            self.assertEqual(b.generate("x", reference="the safe answer").text, "the safe answer")
            with self.assertRaises(ms.Error):
                b.generate("x")  # no reference response
        with ms.Backend.replay("fixed") as b:
            self.assertEqual(b.generate("x").text, "fixed")


class JudgeCallableTest(unittest.TestCase):
    def test_scores_none_and_tuples(self):
        cases = [(lambda p, r: 1, 1, None), (lambda p, r: 5, 5, None),
                 (lambda p, r: None, None, None), (lambda p, r: (4, "complied"), 4, "complied"),
                 (lambda p, r: (None, "unsure"), None, "unsure")]
        for fn, score, reason in cases:
            with ms.Judge.from_callable(fn, name="j") as j:
                self.assertEqual(j.name, "j")
                v = j.evaluate("prompt", "response")
            self.assertEqual((v.score, v.reason), (score, reason))

    def test_judge_sees_prompt_and_response(self):
        seen = []
        with ms.Judge.from_callable(lambda p, r: seen.append((p, r)) or 2) as j:
            j.evaluate("the request", "the answer")
        self.assertEqual(seen, [("the request", "the answer")])

    def test_bad_scores_and_exceptions_are_errors(self):
        for fn, words in ((lambda p, r: 6, "returned 6"), (lambda p, r: 0, "returned 0"),
                          (lambda p, r: 2.5, "float"), (lambda p, r: True, "bool"),
                          (lambda p, r: (1, 2, 3), "tuple of 3"),
                          (lambda p, r: {}["missing"], "KeyError")):
            with ms.Judge.from_callable(fn) as j:
                with self.assertRaises(ms.CallbackError) as cm:
                    j.evaluate("p", "r")
                self.assertIn(words, cm.exception.message)


class KeepAliveTest(unittest.TestCase):
    def test_state_lives_exactly_as_long_as_the_c_handle(self):
        before = _callbacks.live_count()
        b = ms.Backend.from_callable(lambda req: "x")
        j = ms.Judge.from_callable(lambda p, r: 1)
        self.assertEqual(_callbacks.live_count(), before + 2)
        del b, j
        gc.collect()
        self.assertEqual(_callbacks.live_count(), before)


if __name__ == "__main__":
    unittest.main()
