"""The README snippet (issue 8, README.md, the first example of docs/python.md) works as written."""

import os
import re
import subprocess
import sys
import unittest

from support import PKG_ROOT, SOURCE_ROOT, TempDir

SNIPPET = '''\
import medsafety as ms
ds = ms.Dataset.load("sample")                       # or a path, with filters as keywords
model = ms.Backend.from_callable(lambda req: "I can't help with that.")  # req.prompt, req.system, ...
judge = ms.Judge.from_callable(lambda prompt, response: 1)               # returns a score 1-5 or None
res = ms.evaluate(ds, model, judge, out="run-dir", concurrency=8)
print(res.stats()["overall"]["mean"])               # the summary.json dictionary
'''


def run(code, cwd):
    env = dict(os.environ, PYTHONPATH=PKG_ROOT)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


class ReadmeTest(unittest.TestCase):
    def check(self, code):
        with TempDir() as d:
            p = run(code, d)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout.strip(), "1.0")
            self.assertTrue(os.path.exists(os.path.join(d, "run-dir", "results.jsonl")))

    def test_snippet_verbatim(self):
        self.check(SNIPPET)

    def test_readme_shows_the_snippet(self):
        with open(os.path.join(SOURCE_ROOT, "README.md"), encoding="utf-8") as f:
            blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
        self.assertIn(SNIPPET, blocks)

    def test_docs_python_md_shows_the_same_snippet(self):
        with open(os.path.join(SOURCE_ROOT, "docs", "python.md"), encoding="utf-8") as f:
            block = re.search(r"```python\n(.*?)```", f.read(), re.S).group(1)
        self.assertEqual(block, SNIPPET)
        self.check(block)


if __name__ == "__main__":
    unittest.main()
