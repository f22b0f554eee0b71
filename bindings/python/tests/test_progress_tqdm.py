"""evaluate(progress=True) draws a tqdm bar when tqdm can be imported (Debian
python3-tqdm, seen by /usr/bin/python3: run directly, this file runs itself
again there when this interpreter has no tqdm)."""

import contextlib
import io
import re
import unittest

from support import main_with, make_dataset, ms

try:
    import tqdm
except ImportError:
    tqdm = None


@unittest.skipIf(tqdm is None, "tqdm is not installed for this interpreter")
class TqdmTest(unittest.TestCase):
    def test_progress_true_draws_a_tqdm_bar(self):
        from medsafety import _progress
        self.assertEqual(_progress.Display(io.StringIO()).kind, "tqdm")
        err = io.StringIO()
        with make_dataset(3) as ds, ms.Backend.replay() as b, ms.Judge.refusal() as j:
            with contextlib.redirect_stderr(err):
                res = ms.evaluate(ds, b, j, progress=True, progress_interval=0.01)
        self.assertEqual(len(res), 27)
        text = err.getvalue()
        # tqdm's own format: "medsafety: 100%|...| 27/27 [00:00<00:00, ...item/s, errors=0]"
        self.assertRegex(text, r"medsafety: 100%\|.*\| 27/27 \[")
        self.assertIn("errors=0", text)
        self.assertEqual(len(re.findall(r"27/27", text.split("\r")[-1])), 1)

    def test_plain_line_when_asked(self):
        from medsafety import _progress
        self.assertEqual(_progress.Display(io.StringIO(), use_tqdm=False).kind, "line")


if __name__ == "__main__":
    main_with("tqdm")
