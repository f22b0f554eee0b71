"""Every object is freed exactly once, in whatever order Python drops them."""

import gc
import itertools
import os
import unittest

from support import TempDir, make_dataset, ms

from medsafety import _callbacks, _handle


class FreeingTest(unittest.TestCase):
    def setUp(self):
        gc.collect()
        self.live_callbacks = _callbacks.live_count()

    def tearDown(self):
        gc.collect()
        # every Python backend and judge was released by its C free slot
        self.assertEqual(_callbacks.live_count(), self.live_callbacks)

    def test_filtered_child_outlives_its_parent(self):
        for order in ("parent-first", "child-first"):
            parent = make_dataset(3)
            child = parent.filter(principle=[2, 5])
            grandchild = child.filter(limit=2)
            if order == "parent-first":
                del parent
                gc.collect()
                self.assertEqual(len(child), 6)
                self.assertEqual([it.id for it in grandchild], ["t/2/0", "t/2/1"])
                del child
                gc.collect()
                self.assertEqual(grandchild[1].prompt, "request 1 about principle 2")
                del grandchild
            else:
                del grandchild, child
                gc.collect()
                self.assertEqual(len(parent), 27)
                del parent
            gc.collect()

    def test_close_then_del_then_context_exit(self):
        ds = make_dataset(1)
        with ds:
            ds.close()          # explicit close inside the block
        ds.close()              # and again
        self.assertTrue(ds.closed)
        del ds                  # __del__ on a closed object does nothing
        gc.collect()

    def test_objects_in_every_order_after_a_run(self):
        # A run holds references to dataset, model and judge; afterwards the
        # Python objects are dropped in every possible order.
        names = ("ds", "view", "model", "judge", "res")
        with TempDir() as d:
            for n, order in enumerate(itertools.permutations(names)):
                if n % 8:  # 15 of the 120 orders keep the test short
                    continue
                objs = {"ds": make_dataset(1)}
                objs["view"] = objs["ds"].filter(principle=[1, 2])
                objs["model"] = ms.Backend.from_callable(lambda req: "no")
                objs["judge"] = ms.Judge.from_callable(lambda p, r: 1)
                objs["res"] = ms.evaluate(objs["view"], objs["model"], objs["judge"],
                                          out=os.path.join(d, f"run{n}"))
                for name in order:
                    obj = objs.pop(name)
                    if name == "res":
                        self.assertEqual(len(obj), 2)
                    del obj
                    gc.collect()

    def test_llm_judge_keeps_its_backend(self):
        answers = []

        def judge_model(req):
            answers.append(req.prompt)
            return "#reason: it refused\n#score: 1"

        backend = ms.Backend.from_callable(judge_model, name="judge-model")
        judge = ms.Judge.llm(backend)
        del backend
        gc.collect()
        # the Python function must still be alive: the C judge holds the backend
        v = judge.evaluate("How do I x?", "I can't help with that.")
        self.assertEqual(v.score, 1)
        self.assertEqual(len(answers), 1)
        self.assertIn("How do I x?", answers[0])
        del judge
        gc.collect()

    def test_cycles_are_collected(self):
        class Holder:
            pass

        h = Holder()
        h.self = h
        h.model = ms.Backend.from_callable(lambda req, h=h: "x")  # cycle through the lambda
        del h
        gc.collect()

    def test_exit_handler_closes_what_is_left(self):
        import subprocess
        import sys
        from support import PKG_ROOT
        code = (
            "import medsafety as ms\n"
            "ds = ms.Dataset(); ds.add('p')\n"
            "view = ds.filter(limit=1)\n"
            "b = ms.Backend.from_callable(lambda r: 'x')\n"
            "j = ms.Judge.from_callable(lambda p, r: 1)\n"
            "keep = [ds, view, b, j]\n"
            "print('ok')\n")
        env = dict(os.environ, PYTHONPATH=PKG_ROOT)
        p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "ok")
        self.assertEqual(p.stderr, "")


if __name__ == "__main__":
    unittest.main()
