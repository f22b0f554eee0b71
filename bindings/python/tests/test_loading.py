"""Finding and loading the library, and the version check."""

import ctypes.util
import os
import re
import subprocess
import sys
import unittest
from unittest import mock

from support import PKG_ROOT, SOURCE_ROOT, TempDir, ms

from medsafety import _lib


class LoadingTest(unittest.TestCase):
    def test_library_loaded_and_version_matches_project(self):
        with open(os.path.join(SOURCE_ROOT, "meson.build"), encoding="utf-8") as f:
            project_version = re.search(r"version:\s*'([0-9.]+)'", f.read()).group(1)
        self.assertEqual(ms.__version__, project_version)
        self.assertEqual(ms.library_version, project_version)
        self.assertEqual(_lib.LIB.version_number, _lib.version_number(project_version))
        if os.environ.get("MEDSAFETY_LIBRARY"):
            self.assertEqual(ms.library_path, os.environ["MEDSAFETY_LIBRARY"])

    def test_every_declared_function_has_prototypes(self):
        # restype is declared for every function: a pointer never comes back as int.
        for name, (restype, argtypes) in _lib.PROTOTYPES.items():
            if _lib.LIB.has(name):
                fn = getattr(_lib.LIB, name)
                self.assertIs(fn.restype, restype, name)
                self.assertEqual(list(fn.argtypes), argtypes, name)

    def test_version_compatibility_rule(self):
        ok = _lib.version_compatible
        self.assertTrue(ok(100, 100))       # 0.1.0 for 0.1.0
        self.assertTrue(ok(103, 100))       # a newer patch
        self.assertFalse(ok(200, 100))      # before 1.0 a minor is a break
        self.assertFalse(ok(99, 100))       # older than needed
        self.assertTrue(ok(10300, 10200))   # 1.3 serves 1.2 (appended ABI)
        self.assertFalse(ok(10100, 10200))
        self.assertFalse(ok(20000, 10200))  # another major

    def test_version_mismatch_is_a_clear_error(self):
        with mock.patch.object(_lib, "EXPECTED_VERSION", "7.0.0"):
            with self.assertRaises(ms.LibraryError) as cm:
                _lib.load()
        msg = str(cm.exception)
        self.assertIn("7.0.0", msg)
        self.assertIn(ms.library_version, msg)
        self.assertIn("MEDSAFETY_LIBRARY", msg)
        self.assertIsInstance(cm.exception, ImportError)

    def test_build_folder_fallback(self):
        # No MEDSAFETY_LIBRARY, nothing from the system search: a build
        # folder next to the source is used.
        with TempDir() as root:
            os.makedirs(os.path.join(root, "build", "lib"))
            os.symlink(_lib.LIB.path, os.path.join(root, "build", "lib", "libmedsafety.so.2"))
            env = {k: v for k, v in os.environ.items() if k != "MEDSAFETY_LIBRARY"}
            with mock.patch.dict(os.environ, env, clear=True), \
                    mock.patch.object(ctypes.util, "find_library", return_value=None):
                lib = _lib.load(root=root)
        self.assertTrue(lib.path.startswith(root))
        self.assertEqual(lib.version_number, _lib.LIB.version_number)

    def test_system_search_comes_before_build_folder(self):
        env = {k: v for k, v in os.environ.items() if k != "MEDSAFETY_LIBRARY"}
        with mock.patch.dict(os.environ, env, clear=True), \
                mock.patch.object(ctypes.util, "find_library", return_value=_lib.LIB.path):
            lib = _lib.load(root="/nonexistent")
        self.assertEqual(lib.path, _lib.LIB.path)

    def test_bad_MEDSAFETY_LIBRARY_fails_at_import_with_the_path(self):
        env = dict(os.environ, MEDSAFETY_LIBRARY="/nonexistent/libmedsafety.so",
                   PYTHONPATH=PKG_ROOT)
        p = subprocess.run([sys.executable, "-c", "import medsafety"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("LibraryError", p.stderr)
        self.assertIn("/nonexistent/libmedsafety.so", p.stderr)
        self.assertIn("MEDSAFETY_LIBRARY", p.stderr)

    def test_init_and_shutdown_are_balanced(self):
        # The import made one msb_init; the exit handler makes the msb_shutdown
        # (a second shutdown would fail with StateError: checked in a child).
        code = ("import medsafety, medsafety._handle as h\n"
                "h._at_exit()\n"
                "import medsafety._lib as l\n"
                "rc = l.LIB.msb_shutdown()\n"
                "print(rc)\n")
        env = dict(os.environ, PYTHONPATH=PKG_ROOT, MEDSAFETY_LIBRARY=_lib.LIB.path)
        p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "-13")  # MSB_ESTATE: not initialised any more


if __name__ == "__main__":
    unittest.main()
