"""`pip install bindings/python` works, offline (the build backend needs nothing
beyond the standard library)."""

import os
import subprocess
import sys
import unittest

from support import PKG_ROOT, TempDir

from medsafety import _lib


class InstallTest(unittest.TestCase):
    def test_pip_install_target_and_import(self):
        with TempDir() as d:
            before = sorted(os.listdir(PKG_ROOT))
            target = os.path.join(d, "site")
            p = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                                "--disable-pip-version-check", "--quiet", "--target", target,
                                PKG_ROOT], capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            # nothing left behind in the source (no build/, no egg-info)
            self.assertEqual(sorted(os.listdir(PKG_ROOT)), before)
            self.assertTrue(os.path.exists(os.path.join(target, "medsafety", "py.typed")))
            code = ("import medsafety as ms; print(ms.__file__); "
                    "print(ms.parse_score('#score: 3'), ms.__version__)")
            env = dict(os.environ, PYTHONPATH=target, MEDSAFETY_LIBRARY=_lib.LIB.path)
            p = subprocess.run([sys.executable, "-c", code], cwd=d, env=env,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            where, out = p.stdout.splitlines()
            self.assertTrue(where.startswith(target), where)
            self.assertEqual(out, "3 " + _lib.EXPECTED_VERSION)


if __name__ == "__main__":
    unittest.main()
