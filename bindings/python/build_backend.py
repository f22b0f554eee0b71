"""A PEP 517 build backend in the standard library only.

medsafety is pure Python (it loads libmedsafety.so at run time), so building
it needs nothing but zipfile and tarfile. With no build requirements, ``pip
install bindings/python`` works offline, with or without build isolation, on
any Python >= 3.8 (setuptools would need the ``wheel`` package, which a
machine without PyPI access may lack).

Hooks: build_wheel, build_sdist, build_editable (PEP 660: a .pth file pointing
at this folder), and the get_requires_* hooks (no requirements).
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = "medsafety"


def _project():
    """name, version, summary and requires-python from pyproject.toml's [project]."""
    with open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    section = re.search(r"^\[project\]\n(.*?)(?=^\[|\Z)", text, re.S | re.M).group(1)
    meta = dict(re.findall(r'^([a-z-]+)\s*=\s*"([^"]*)"', section, re.M))
    return meta


def _metadata():
    m = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {m['name']}",
        f"Version: {m['version']}",
        f"Summary: {m.get('description', '')}",
        "License: MIT",
        f"Requires-Python: {m.get('requires-python', '>=3.8')}",
        "Description-Content-Type: text/markdown",
        "",
    ]
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            lines.append(f.read())
    return m, "\n".join(lines)


def _package_files():
    root = os.path.join(HERE, PACKAGE)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".typed")):
                path = os.path.join(dirpath, name)
                yield path, os.path.relpath(path, HERE).replace(os.sep, "/")


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _write_wheel(wheel_directory, files):
    """files: (archive name, bytes); adds the dist-info and returns the wheel's name."""
    m, metadata = _metadata()
    dist = f"{m['name']}-{m['version']}"
    info = f"{dist}.dist-info"
    files = list(files) + [
        (f"{info}/METADATA", metadata.encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: medsafety build_backend\n"
                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{info}/top_level.txt", (PACKAGE + "\n").encode()),
    ]
    record = "".join(f"{name},{_digest(data)},{len(data)}\n" for name, data in files)
    record += f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    wheel_name = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.external_attr = 0o644 << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    return wheel_name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = []
    for path, name in _package_files():
        with open(path, "rb") as f:
            files.append((name, f.read()))
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # PEP 660: the wheel holds only a .pth file that puts this folder on sys.path.
    return _write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth", (HERE + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    m, metadata = _metadata()
    base = f"{m['name']}-{m['version']}"
    name = f"{base}.tar.gz"
    members = [(p, n) for p, n in _package_files()]
    for extra in ("pyproject.toml", "build_backend.py", "README.md"):
        if os.path.exists(os.path.join(HERE, extra)):
            members.append((os.path.join(HERE, extra), extra))
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as t:
        for path, arcname in members:
            t.add(path, arcname=f"{base}/{arcname}", recursive=False)
        data = metadata.encode()
        ti = tarfile.TarInfo(f"{base}/PKG-INFO")
        ti.size, ti.mtime, ti.mode = len(data), int(time.time()), 0o644
        t.addfile(ti, io.BytesIO(data))
    return name
