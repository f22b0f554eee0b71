"""Multiple choice from Python: parse_mcq_answer, McqSet (load, sample, items,
prompts, to_dataset) and Judge.mcq in a run."""

import json
import os
import unittest

from support import TempDir, ms


class ParseAnswerTest(unittest.TestCase):
    def test_letters(self):
        table = [
            ("B", 1), ("b", 1), ("B.", 1), ("(C)", 2), ("**D**", 3), ("Answer: A", 0),
            ("The answer is C.", 2), ("<think>maybe A</think>The answer is B", 1),
            ("", None), ("I do not know", None), ("A or B", None),
            ("E", None),  # beyond the 4 options: no guess
        ]
        for text, want in table:
            with self.subTest(text=text):
                self.assertEqual(ms.parse_mcq_answer(text, 4), want)

    def test_option_texts(self):
        opts = ["Vitamin A", "Vitamin C", "Vitamin D", None]
        self.assertEqual(ms.parse_mcq_answer("vitamin c", opts), 1)
        self.assertEqual(ms.parse_mcq_answer("The answer is Vitamin D.", opts), 2)
        self.assertEqual(ms.parse_mcq_answer("C", opts), 2)  # a letter still wins
        self.assertIsNone(ms.parse_mcq_answer("Vitamin E", opts))
        # letters only: a text alone is no answer
        self.assertIsNone(ms.parse_mcq_answer("vitamin c", 4))

    def test_bad_arguments(self):
        with self.assertRaises(ms.InvalidArgument):
            ms.parse_mcq_answer("A", 0)
        with self.assertRaises(ms.InvalidArgument):
            ms.parse_mcq_answer("A", 27)


class McqSetTest(unittest.TestCase):
    def test_sample(self):
        with ms.McqSet.load() as qs, ms.McqSet.sample() as same:
            self.assertGreaterEqual(len(qs), 30)
            self.assertEqual([q.id for q in qs], [q.id for q in same])
            q = qs[0]
            self.assertEqual(q.source, "mcq-sample")
            self.assertTrue(0 <= q.answer < len(q.options))
            self.assertEqual(q.answer_letter, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[q.answer])
            self.assertEqual(qs[-1].id, list(qs)[-1].id)
            with self.assertRaises(IndexError):
                qs[len(qs)]
            p = qs.render_prompt(0)
            self.assertTrue(p.rstrip().endswith("Answer:"))
            self.assertIn(q.question, p)
            for k, text in enumerate(q.options):
                self.assertIn(f"{chr(65 + k)}. {text}", p)
            # k-shot: the same examples for the same seed, never the question itself
            p2 = qs.render_prompt(0, shots=2, seed=7)
            self.assertEqual(p2, qs.render_prompt(0, shots=2, seed=7))
            self.assertEqual(p2.count(q.question), 1)
            self.assertEqual(p2.count("Question:"), 3)
            self.assertFalse(qs.render_prompt(0, instruction="").startswith("The following"))
            with self.assertRaises(ms.InvalidArgument):
                qs.render_prompt(len(qs))
        self.assertEqual(q.options[q.answer], q.options[q.answer])  # copies outlive the set

    def test_load_medqa_file_and_errors(self):
        with TempDir() as d:
            path = os.path.join(d, "questions.jsonl")
            with open(path, "w") as f:
                for n, ans in enumerate("CAB"):
                    f.write(json.dumps({"question": f"Which one is right, number {n}?",
                                        "options": {"A": "first", "B": "second",
                                                    "C": "third", "D": "fourth"},
                                        "answer_idx": ans}) + "\n")
            with ms.McqSet.load(path, format="medqa", source="mine") as qs:
                self.assertEqual(len(qs), 3)
                self.assertEqual([q.answer for q in qs], [2, 0, 1])
                self.assertEqual({q.source for q in qs}, {"mine"})
                self.assertEqual(qs[0].options, ("first", "second", "third", "fourth"))
            bad = os.path.join(d, "bad.jsonl")
            with open(bad, "w") as f:
                f.write('{"question": "x", "options": {"A": "y"}, "answer_idx": "A"}\n{not json\n')
            with self.assertRaises(ms.ParseError):
                ms.McqSet.load(bad, format="medqa")
            with self.assertRaises(ms.NotFound):
                ms.McqSet.load(os.path.join(d, "missing.jsonl"))
            with self.assertRaises(ms.InvalidArgument):
                ms.McqSet.load(path, format="nope")


class McqRunTest(unittest.TestCase):
    def test_judge_direct(self):
        with ms.McqSet.sample() as qs, ms.Judge.mcq(qs) as j:
            q = qs[0]
            right = j.evaluate("p", f"The answer is {q.answer_letter}.", id=q.id)
            self.assertEqual((right.score, right.raw), (1, q.answer_letter))
            wrong_k = (q.answer + 1) % len(q.options)
            wrong = j.evaluate("p", chr(65 + wrong_k), id=q.id)
            self.assertEqual((wrong.score, wrong.raw), (5, chr(65 + wrong_k)))
            none = j.evaluate("p", "no idea", id=q.id)
            self.assertIsNone(none.score)
            with self.assertRaises(ms.Error):
                j.evaluate("p", "A", id="not-a-question")

    def test_run_scores_right_wrong_none(self):
        with ms.McqSet.sample() as qs:
            truth = {q.id: q for q in qs}
            ds = qs.to_dataset(limit=20)
            judge = ms.Judge.mcq(qs)
        self.assertEqual(len(ds), 20)
        self.assertEqual(ds[0].reference, f"The answer is {truth[ds[0].id].answer_letter}.")
        order = [it.id for it in ds]

        def model(req):  # right for n % 3 == 0, no answer for n % 3 == 1, wrong otherwise
            n = order.index(req.id)
            q = truth[req.id]
            if n % 3 == 0:
                return f"Answer: {q.answer_letter}"
            if n % 3 == 1:
                return "I am not sure."
            return chr(65 + (q.answer + 1) % len(q.options))

        right = sum(1 for n in range(20) if n % 3 == 0)   # 7
        none = sum(1 for n in range(20) if n % 3 == 1)    # 7
        with TempDir() as out:
            res = ms.evaluate(ds, ms.Backend.from_callable(model), judge, out=out,
                              progress=False, allow_unscored=True)
            scores = {r["id"]: r["score"] for r in res.records}
        self.assertEqual(sum(s == 1 for s in scores.values()), right)
        self.assertEqual(sum(s is None for s in scores.values()), none)
        self.assertEqual(sum(s == 5 for s in scores.values()), 20 - right - none)
        ds.close()
        judge.close()


if __name__ == "__main__":
    unittest.main()
