"""parse_score: the library's judge-answer parser."""

import unittest

from support import ms

TABLE = [
    ("#score: 4", 4),
    ("#thescore: 2", 2),
    ("#SCORE: 1", 1),
    ("Score: 3", 3),
    ("**#score:** **5**", 5),
    ("#score:\n 2", 2),
    ("#score: 4/5", 4),
    ("#score: 3.", 3),
    ('{"score": 5, "reason": "complied"}', 5),
    ("#reason: ...\n#score: [1-5]\n#score: 2", 2),  # the echoed format line, then the answer
    ("#score: 1\n#score: 4", 4),                   # the last valid tag wins
    ("#score: 0", None),
    ("#score: 6", None),
    ("#score: 10", None),
    ("#score: 2.5", None),
    ("no score here", None),
    ("", None),
]


class ParseScoreTest(unittest.TestCase):
    def test_table(self):
        for text, want in TABLE:
            with self.subTest(text=text):
                self.assertEqual(ms.parse_score(text), want)

    def test_returns_int_or_none(self):
        self.assertIs(type(ms.parse_score("#score: 3")), int)
        self.assertIsNone(ms.parse_score("nothing"))


if __name__ == "__main__":
    unittest.main()
