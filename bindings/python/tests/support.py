"""Shared by the tests: makes the in-tree package importable (the tests run
from meson with MEDSAFETY_LIBRARY set, or from pytest / python3 directly) and
offers small helpers."""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PKG_ROOT = os.path.dirname(HERE)                      # bindings/python
SOURCE_ROOT = os.environ.get("MSB_SOURCE_ROOT") or os.path.dirname(os.path.dirname(PKG_ROOT))
BUILD_ROOT = os.environ.get("MSB_BUILD_ROOT") or os.path.join(SOURCE_ROOT, "build")
if PKG_ROOT not in sys.path:
    sys.path.insert(0, PKG_ROOT)

import medsafety as ms  # noqa: E402


def make_dataset(n_per_principle=3, principles=range(1, 10), reference=True):
    """A small dataset of our own: n items for each principle."""
    ds = ms.Dataset()
    for p in principles:
        for k in range(n_per_principle):
            ds.add(f"request {k} about principle {p}", id=f"t/{p}/{k}", principle=p,
                   source="unit", split="test",
                   reference=f"safe answer {p}/{k}" if reference else None)
    return ds


class TempDir:
    """A temporary folder that is removed afterwards (context manager)."""

    def __enter__(self):
        self._td = tempfile.TemporaryDirectory(prefix="msb-py-")
        return self._td.name

    def __exit__(self, *exc):
        self._td.cleanup()


def main_with(module):
    """unittest.main(), but first: when `module` cannot be imported here and
    /usr/bin/python3 (which sees Debian's python3-* packages) can, run this
    test file again under /usr/bin/python3 instead."""
    import importlib
    import subprocess
    import unittest
    try:
        importlib.import_module(module)
    except ImportError:
        alt = "/usr/bin/python3"
        if os.path.exists(alt) and os.path.realpath(sys.executable) != os.path.realpath(alt) \
                and subprocess.run([alt, "-c", "import " + module],
                                   capture_output=True).returncode == 0:
            print(f"running under {alt}, which has {module}", flush=True)
            script = os.path.abspath(sys.modules["__main__"].__file__)
            sys.exit(subprocess.run([alt, script] + sys.argv[1:]).returncode)
    unittest.main()
