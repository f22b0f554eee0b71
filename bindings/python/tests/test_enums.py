"""ms.enums: every msb_<x>_name / _from_name pair of the C API from Python (issue 16).

The expected names are written out here, as in tests/core/test_enum_names.c (not read
back from the library), so a renamed or renumbered value fails; every value round-trips
through the library (name -> from_name, also in upper case), and an unknown name raises
InvalidArgument with the library's own message (which names the input and the known names).
"""

import unittest

from support import ms

from medsafety import _lib

EXPECTED = {
    "kind": (0, ["harmful", "benign"]),
    "format": (0, ["auto", "medsafetybench", "csv", "text", "json", "jsonl", "hexphi",
                   "openai-chat", "alpaca"]),
    "clean_counter": (1, ["tokens", "quotes", "duplicates"]),
    "stage": (0, ["model", "judge"]),
    "group_kind": (0, ["overall", "principle", "source", "split", "category"]),
    "unpaired_kind": (0, ["only_a", "only_b", "unscored"]),
    "jury_method": (0, ["median", "mean", "max"]),
    "mcq_format": (0, ["auto", "medqa", "medmcqa", "pubmedqa", "mmlu", "generic"]),
    "mcq_cop": (0, ["auto", "one", "zero"]),
    "policy_kind": (0, ["auto", "medical", "general", "custom"]),
    "report_format": (0, ["json", "markdown", "csv", "html"]),
    "prompt_format": (0, ["plain", "llama2", "mistral", "vicuna", "medalpaca", "med42"]),
    "openai_endpoint": (0, ["chat", "completions"]),
    "openai_dialect": (0, ["openai", "anthropic", "azure"]),
    "paper_family": (0, ["gpt", "llama", "medalpaca", "med42", "mistral", "vicuna", "pythia"]),
    "paper_text_id": (0, ["judge_template", "rubric", "policy_medical", "policy_general",
                          "judge_system", "target_system", "demo_template"]),
}


class EnumTest(unittest.TestCase):
    def test_every_pair_is_offered(self):
        # the C API's list (docs/conventions.md) = the binding's = this test's
        self.assertEqual(set(ms.enums.ALL), set(EXPECTED))
        self.assertEqual(set(_lib.ENUM_PAIRS), set(EXPECTED))
        for c_name, e in ms.enums.ALL.items():
            self.assertIs(getattr(ms.enums, c_name), e)

    def test_every_value_round_trips(self):
        for c_name, (first, names) in EXPECTED.items():
            e = ms.enums.ALL[c_name]
            with self.subTest(enum=c_name):
                self.assertEqual(e.names(), {n: first + i for i, n in enumerate(names)})
                self.assertEqual(e.items(), [(first + i, n) for i, n in enumerate(names)])
                for i, n in enumerate(names):
                    v = first + i
                    self.assertEqual(e.name(v), n)
                    self.assertEqual(e.from_name(n), v)
                    self.assertEqual(e.from_name(n.upper()), v)
                    self.assertEqual(e.number(n), v)
                    self.assertEqual(e.number(v), v)
                    self.assertIn(n, e)
                # just outside the enum: an error, never a made-up name
                for bad in (first - 1, first + len(names), 2**40):
                    with self.assertRaises(ms.InvalidArgument) as cm:
                        e.name(bad)
                    self.assertIn(str(bad), str(cm.exception))
                    self.assertIn(names[0], str(cm.exception))

    def test_unknown_name_raises_the_library_message(self):
        for c_name, (_, names) in EXPECTED.items():
            e = ms.enums.ALL[c_name]
            with self.subTest(enum=c_name):
                for bad in ("no-such-name", "", "harmful " * 40):
                    with self.assertRaises(ms.InvalidArgument) as cm:
                        e.from_name(bad)
                    self.assertEqual(cm.exception.code, -2)
                    # the library's own message: the C function called here directly
                    fn = getattr(_lib.LIB, f"msb_{c_name}_from_name")
                    self.assertEqual(fn(bad.encode()), -2)
                    c_msg = _lib.LIB.msb_error_last().contents.message.decode()
                    self.assertEqual(str(cm.exception), c_msg)
                    if bad == "no-such-name":
                        self.assertIn("'no-such-name'", c_msg)
                        self.assertIn(names[-1], c_msg)  # it lists the known names
                self.assertNotIn("no-such-name", e)
                with self.assertRaises(TypeError):
                    e.from_name(3)

    def test_aliases_the_library_accepts(self):
        # from_name takes the library's aliases too (names() lists one name per value)
        self.assertEqual(ms.enums.paper_family.from_name("llama2"), 1)
        self.assertEqual(ms.enums.report_format.from_name("md"), 1)
        self.assertNotIn("md", ms.enums.report_format.names())

    def test_existing_tables_agree_with_the_library(self):
        # the binding's older name tables (kept: outside programs use them) say what the
        # library says
        formats = dict(ms.dataset.FORMATS)
        # "txt" is the binding's own spelling of "text" (Dataset.load(format="txt"))
        self.assertEqual(formats.pop("txt"), ms.enums.format.from_name("text"))
        self.assertEqual(formats, ms.enums.format.names())
        self.assertEqual(ms.MCQ_FORMATS, ms.enums.mcq_format.names())
        self.assertEqual(ms.PAPER_TEXTS, ms.enums.paper_text_id.names())
        self.assertEqual(ms.kind_name(1), ms.enums.kind.name(1))
        self.assertEqual(ms.kind_number("Benign"), 1)


if __name__ == "__main__":
    unittest.main()
