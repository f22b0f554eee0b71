"""Datasets: building, loading, items, filters and export."""

import csv
import json
import os
import unittest

from support import TempDir, make_dataset, ms


class OwnDatasetTest(unittest.TestCase):
    def test_add_len_iterate_index_find(self):
        with make_dataset(2) as ds:
            self.assertEqual(len(ds), 18)
            items = list(ds)
            self.assertEqual([it.id for it in items][:3], ["t/1/0", "t/1/1", "t/2/0"])
            it = ds[2]
            self.assertEqual((it.id, it.principle, it.category, it.source, it.split),
                             ("t/2/0", 2, 2, "unit", "test"))
            self.assertEqual(it.prompt, "request 0 about principle 2")
            self.assertEqual(it.reference, "safe answer 2/0")
            self.assertEqual(ds[-1].id, "t/9/1")
            self.assertEqual(ds["t/5/1"].principle, 5)
            self.assertIsNone(ds.find("nope"))
            with self.assertRaises(KeyError):
                ds["nope"]
            with self.assertRaises(IndexError):
                ds[18]
        # items are copies: still fine after the dataset is closed
        self.assertEqual(it.principle, 2)

    def test_content_hash(self):
        with make_dataset(1) as a, make_dataset(1) as b, a.filter(limit=8) as c:
            self.assertRegex(a.content_hash(), r"^[0-9a-f]{64}$")
            self.assertEqual(a.content_hash(), b.content_hash())
            self.assertNotEqual(a.content_hash(), c.content_hash())

    def test_from_items_and_defaults(self):
        with ms.Dataset.from_items([{"prompt": "one"},
                                    {"prompt": "two", "principle": 4, "id": "x"}]) as ds:
            a, b = ds
        self.assertEqual((a.source, a.split, a.principle, a.reference), ("custom", "test", 0, None))
        self.assertEqual((b.id, b.principle), ("x", 4))

    def test_unicode_round_trip(self):
        with ms.Dataset() as ds:
            ds.add("Pourquoi l'hôpital — 病院?", id="u/1")
            self.assertEqual(ds["u/1"].prompt, "Pourquoi l'hôpital — 病院?")


class LoadTest(unittest.TestCase):
    def test_sample_has_every_principle(self):
        with ms.Dataset.load("sample") as ds:
            self.assertGreaterEqual(len(ds), 27)
            counts = {}
            for it in ds:
                counts[it.principle] = counts.get(it.principle, 0) + 1
                self.assertTrue(it.prompt)
                self.assertTrue(it.reference)
        self.assertEqual(sorted(counts), list(range(1, 10)))
        self.assertTrue(all(n >= 3 for n in counts.values()))

    def test_csv_with_column_mapping(self):
        with TempDir() as d:
            path = os.path.join(d, "mine.csv")
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["question", "cat", "answer"])
                w.writerow(["How do I, with a comma, x?", "3", "No."])
                w.writerow(["Multi\nline", "7", "Also no."])
            with ms.Dataset.load(path, prompt_column="question", principle_column="cat",
                                 reference_column="answer", source_name="mine") as ds:
                items = list(ds)
        self.assertEqual(len(items), 2)
        self.assertEqual(items[0].prompt, "How do I, with a comma, x?")
        self.assertEqual((items[1].prompt, items[1].principle), ("Multi\nline", 7))
        self.assertEqual(items[0].source, "mine")
        self.assertEqual(items[0].reference, "No.")

    def test_parse_error_names_file_and_line(self):
        with TempDir() as d:
            path = os.path.join(d, "bad.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write('prompt\n"fine"\n"unterminated\n')
            with self.assertRaises(ms.ParseError) as cm:
                ms.Dataset.load(path)
        self.assertEqual(cm.exception.code, -5)
        self.assertIn("bad.csv", cm.exception.message)


DATA = os.environ.get("MEDSAFETY_DATA", "")


@unittest.skipUnless(os.path.isdir(os.path.join(DATA, "datasets")),
                     "MEDSAFETY_DATA does not point at the MedSafetyBench data")
class RealDataTest(unittest.TestCase):
    """The counts of ../shared/data/medsafetybench/README.md, through Python."""

    def test_whole_folder_and_filters(self):
        with ms.Dataset.load(os.path.join(DATA, "datasets")) as ds:
            self.assertEqual(len(ds), 76174)
            for split, n in (("test", 900), ("train", 900), ("generated", 74374)):
                with ds.filter(split=split) as f:
                    self.assertEqual(len(f), n, split)
            with ds.filter(split="test", source="llama2", principle=6) as f:
                self.assertEqual(len(f), 24)
                self.assertTrue(all(it.reference for it in f))
            with ds.filter(split="generated", principle=[1, 9]) as f:
                self.assertEqual(len(f), 7897 + 8096)
                self.assertEqual({it.source for it in f}, {"llama3"})


class FilterExportTest(unittest.TestCase):
    def test_filters(self):
        with make_dataset(4) as ds:
            with ds.filter(principle=[1, 4, 9]) as f:
                self.assertEqual(len(f), 12)
                self.assertEqual({it.principle for it in f}, {1, 4, 9})
            with ds.filter(principle="2,3", limit=5) as f:
                self.assertEqual(len(f), 5)
            with self.assertRaisesRegex(ValueError, "no items left after the filter "
                                        "split='train'.*splits test"):
                ds.filter(split="train")
            with ds.filter(source=["unit", "other"]) as f:
                self.assertEqual(len(f), 36)
            with ds.filter(sample=9, seed=3) as a, ds.filter(sample=9, seed=3) as b:
                self.assertEqual(len(a), 9)
                self.assertEqual([it.id for it in a], [it.id for it in b])
                self.assertEqual({it.principle for it in a}, set(range(1, 10)))  # stratified

    def test_shards_are_disjoint_and_cover(self):
        with make_dataset(4) as ds:
            ids = []
            for i in range(3):
                with ds.filter(shard=f"{i}/3") as s:
                    ids += [it.id for it in s]
            self.assertEqual(sorted(ids), sorted(it.id for it in ds))
            with self.assertRaises(ms.InvalidArgument):
                ds.filter(shard=(3, 3))

    def test_load_with_filters(self):
        with ms.Dataset.load("sample", principle=3, limit=2) as ds:
            self.assertEqual(len(ds), 2)
            self.assertTrue(all(it.principle == 3 for it in ds))

    def test_export_jsonl_and_csv(self):
        with make_dataset(1) as ds, TempDir() as d:
            ds.export(os.path.join(d, "out.jsonl"))
            ds.export(os.path.join(d, "out.csv"), "csv")
            ds.export(os.path.join(d, "chat.jsonl"), "openai-chat")
            with open(os.path.join(d, "out.jsonl"), encoding="utf-8") as f:
                rows = [json.loads(line) for line in f]
            with open(os.path.join(d, "out.csv"), newline="", encoding="utf-8") as f:
                crows = list(csv.DictReader(f))
            with open(os.path.join(d, "chat.jsonl"), encoding="utf-8") as f:
                chat = [json.loads(line) for line in f]
            # round trip through the loader
            with ms.Dataset.load(os.path.join(d, "out.jsonl")) as back:
                self.assertEqual([it.prompt for it in back], [it.prompt for it in ds])
            self.assertEqual([r["id"] for r in rows], [it.id for it in ds])
            self.assertEqual(rows[0]["prompt"], ds[0].prompt)
            self.assertEqual(rows[0]["reference"], ds[0].reference)
        self.assertEqual(crows[8]["principle"], "9")
        self.assertEqual(len(chat), 9)
        with make_dataset(1) as ds, TempDir() as d, self.assertRaises(ms.InvalidArgument):
            ds.export(os.path.join(d, "x"), "pdf")


if __name__ == "__main__":
    unittest.main()
