"""Every function the binding declares matches its C prototype in the public
headers: number of arguments, and the kind of each argument and of the return
value (a pointer is never declared as an int, a size_t never as an int)."""

import ctypes
import glob
import os
import re
import unittest

from support import SOURCE_ROOT, ms

from medsafety import _lib


INTS = {"int": (ctypes.c_int, True), "unsigned int": (ctypes.c_uint, False),
        "size_t": (ctypes.c_size_t, False), "long": (ctypes.c_long, True),
        "long long": (ctypes.c_longlong, True), "unsigned long long": (ctypes.c_ulonglong, False),
        "uint64_t": (ctypes.c_uint64, False)}


def c_kind(t):
    """The kind of a C type as written in a header: ("int", size, signed), "double",
    "str" (char *), "ptr", "ptrptr" (T **), "fnptr" or "void"."""
    t = re.sub(r"\b(const|struct|enum)\b", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    stars = t.count("*")
    base = t.replace("*", "").strip()
    if "(" in t or (not stars and base.endswith(("_fn", "_cb"))):
        return "fnptr"
    if stars >= 2:
        return "ptrptr"
    if stars == 1:
        return "str" if base == "char" else "ptr"
    if base in ("void", "double"):
        return base
    if base in INTS:
        ctype, signed = INTS[base]
        return ("int", ctypes.sizeof(ctype), signed)
    if base.startswith("msb_"):  # an enum type (msb_error_code)
        return ("int", ctypes.sizeof(ctypes.c_int), True)
    return "?" + base


def py_kind(t):
    if t is None:
        return "void"
    if issubclass(t, ctypes._Pointer):
        return "ptrptr" if t._type_ in (ctypes.c_void_p, ctypes.c_char_p) else "ptr"
    if issubclass(t, ctypes._CFuncPtr):
        return "fnptr"
    code = getattr(t, "_type_", "")
    if code == "z":
        return "str"
    if code == "P":
        return "ptr"
    if code == "d":
        return "double"
    if isinstance(code, str) and code in "bBhHiIlLqQ":
        return ("int", ctypes.sizeof(t), code.islower())
    return "?" + t.__name__


def prototypes():
    found = {}
    for path in glob.glob(os.path.join(SOURCE_ROOT, "include", "medsafety", "**", "*.h*"),
                          recursive=True):
        with open(path, encoding="utf-8") as f:
            text = re.sub(r"/\*.*?\*/", " ", f.read(), flags=re.S)
        for m in re.finditer(r"MSB_API\s+([^;{]*?)\b(msb_\w+)\s*\(([^;]*?)\)\s*;", text, re.S):
            ret, name, args = m.group(1), m.group(2), m.group(3)
            params = [] if args.strip() in ("", "void") else [
                re.sub(r"\s*\w+\s*$", "", a.strip()) if not a.strip().endswith("*") else a.strip()
                for a in args.split(",")]
            found[name] = (c_kind(ret.replace("MSB_DEPRECATED", "")), [c_kind(p) for p in params])
    return found


class PrototypeTest(unittest.TestCase):
    def test_declarations_match_the_headers(self):
        c = prototypes()
        self.assertGreater(len(c), 100)
        for name, (restype, argtypes) in _lib.PROTOTYPES.items():
            with self.subTest(function=name):
                self.assertIn(name, c, "not declared in include/medsafety")
                c_ret, c_args = c[name]
                self.assertEqual(py_kind(restype), c_ret, "return type")
                self.assertEqual([py_kind(a) for a in argtypes], c_args, "argument types")

    def test_every_declared_function_is_exported(self):
        self.assertEqual(_lib.LIB.missing, [])


if __name__ == "__main__":
    unittest.main()
