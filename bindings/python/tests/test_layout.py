"""The ctypes structs match the C compiler's layout of the public headers."""

import ctypes
import json
import os
import subprocess
import unittest

from support import BUILD_ROOT, ms

from medsafety import _abi

LAYOUT = os.environ.get("MSB_PY_LAYOUT") or os.path.join(
    BUILD_ROOT, "bindings", "python", "python_abi_layout")


class LayoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(LAYOUT):
            raise unittest.SkipTest(f"{LAYOUT} not built (run the tests through meson)")
        out = subprocess.run([LAYOUT], capture_output=True, text=True, check=True, timeout=30)
        cls.c = json.loads(out.stdout)

    def test_every_struct_of_this_build_matches(self):
        for name, c in self.c.items():
            with self.subTest(struct=name):
                py = _abi.STRUCTS[name]
                self.assertEqual(ctypes.sizeof(py), c["size"], f"sizeof({name})")
                for field, off in c["fields"].items():
                    self.assertEqual(getattr(py, field).offset, off, f"{name}.{field}")
                self.assertEqual(len(py._fields_), len(c["fields"]),
                                 f"{name}: fields the binding knows vs. the C list")

    def test_every_struct_the_binding_uses_is_checked(self):
        # With every module merged, the C side knows all of them.
        missing = sorted(set(_abi.STRUCTS) - set(self.c))
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
