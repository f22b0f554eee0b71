"""tests/cli/installed.py - run a CLI test on medsafety as `meson install` gives it.

    python3 tests/cli/installed.py [--build DIR] TEST [ARGS...]

installs the build (DIR, default $MSB_BUILD_ROOT) into DIR/test-install with
`meson install --destdir`, then replaces itself with TEST (a .py under this Python, a .sh
under bash) given the installed bin/medsafety as its first argument, then ARGS, and
LD_LIBRARY_PATH naming the installed library folder: meson drops the build tree's RPATH on
install, so without it the installed binary would not find libmedsafety (or find another).
MSB_INSTALL_DESTDIR names the staging folder for tests that look at the rest of the install.

The install is done once per build, not once per test: parallel tests wait on an exclusive
lock on DIR/test-install.lock while one of them installs; it is redone when anything that
`meson install` copies (binary, library, headers, man page, .pc) is newer than the staged copy
or a staged file is missing. A test keeps a shared lock on DIR/test-install.use while it runs,
so a re-install (say, a second `meson test` after a rebuild) waits instead of deleting files
from under it.

The build-tree binary still works by hand: python3 tests/cli/test_run.py build/cli/medsafety
"""
import fcntl
import json
import os
import shutil
import subprocess
import sys

STAGE_NAME = "test-install"


def _fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def inside(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([path, folder]) == folder


class Layout:
    """Where `meson install --destdir ROOT` puts each file, from intro-installed.json."""

    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.root = os.path.join(self.build, STAGE_NAME)
        info = os.path.join(self.build, "meson-info", "intro-installed.json")
        try:
            with open(info, encoding="utf-8") as f:
                self.installed = json.load(f)  # build or source file (or link name) -> path
        except (OSError, ValueError) as e:
            _fail("cannot read %s (not a configured meson build?): %s" % (info, e))
        self.info = info

    def staged(self, dest):
        return os.path.join(self.root, os.path.relpath(dest, "/"))

    def find(self, suffix):
        """The staged path of the installed file whose path ends with suffix."""
        hits = [self.staged(d) for d in self.installed.values() if d.endswith("/" + suffix)]
        if len(hits) != 1:
            _fail("the install has %d files named */%s: %s" % (len(hits), suffix, hits))
        return hits[0]

    @property
    def bin(self):
        return self.find("bin/medsafety")

    @property
    def libdir(self):
        return os.path.dirname(self.find("libmedsafety.so"))

    def stale(self, stamp):
        """Why the staged copy must be (re)done, or None when it is current."""
        try:
            done = os.stat(stamp).st_mtime_ns
        except FileNotFoundError:
            return "not installed yet"
        if os.stat(self.info).st_mtime_ns > done:
            return "the build was reconfigured"
        for src, dest in self.installed.items():
            if os.path.isabs(src) and os.path.exists(src) and os.stat(src).st_mtime_ns > done:
                return src + " is newer than its staged copy"
            if not os.path.lexists(self.staged(dest)):
                return self.staged(dest) + " is missing"
        return None


def stage(build):
    """Install BUILD into BUILD/test-install unless the staged copy is current. Returns the
    Layout and the open lock file whose shared lock the caller holds while it runs the
    installed files (closing it, or exiting, releases it)."""
    layout = Layout(build)
    mutex = open(os.path.join(layout.build, STAGE_NAME + ".lock"), "a")
    use = open(os.path.join(layout.build, STAGE_NAME + ".use"), "a")
    fcntl.flock(mutex, fcntl.LOCK_EX)
    stamp = os.path.join(layout.build, STAGE_NAME + ".stamp")
    why = layout.stale(stamp)
    if why:
        meson = shutil.which("meson")
        if not meson:
            _fail("no meson on PATH to install the build with")
        fcntl.flock(use, fcntl.LOCK_EX)  # wait for tests still running the old copy
        print("staging the install (%s) in %s" % (why, layout.root), flush=True)
        try:
            os.unlink(stamp)
        except FileNotFoundError:
            pass
        shutil.rmtree(layout.root, ignore_errors=True)  # nothing left of an older layout
        p = subprocess.run([meson, "install", "-C", layout.build, "--destdir", layout.root,
                            "--no-rebuild", "--quiet"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            _fail("meson install --destdir %s failed (status %d; a target it installs that "
                  "the test does not depend on is not built?):\n%s"
                  % (layout.root, p.returncode, p.stdout.decode(errors="replace")))
        with open(stamp, "w") as f:
            f.write("meson install --destdir %s\n" % layout.root)
        why = layout.stale(stamp)
        if why:
            os.unlink(stamp)
            _fail("meson install --destdir %s: %s" % (layout.root, why))
    fcntl.flock(use, fcntl.LOCK_SH)
    fcntl.flock(mutex, fcntl.LOCK_UN)
    mutex.close()
    return layout, use


def main(argv):
    build = os.environ.get("MSB_BUILD_ROOT")
    if len(argv) > 2 and argv[1] == "--build":
        build = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 2 or not build:
        print(__doc__.strip())
        _fail("usage: installed.py [--build DIR] TEST [ARGS...] (or set MSB_BUILD_ROOT)")
    layout, use = stage(build)
    os.set_inheritable(use.fileno(), True)  # the shared lock lasts until the test ends
    binary, libdir = layout.bin, layout.libdir
    env = dict(os.environ)
    # meson test points LD_LIBRARY_PATH at the build tree's library: keep only the rest.
    keep = [p for p in env.get("LD_LIBRARY_PATH", "").split(os.pathsep)
            if p and not inside(p, layout.build)]
    env["LD_LIBRARY_PATH"] = os.pathsep.join([libdir] + keep)
    env["MSB_INSTALL_DESTDIR"] = layout.root
    test = argv[1]
    interp = [sys.executable] if test.endswith(".py") else ["bash"] if test.endswith(".sh") else []
    print("installed binary: %s (LD_LIBRARY_PATH=%s)" % (binary, libdir), flush=True)
    cmd = interp + [test, binary] + argv[2:]
    os.execvpe(cmd[0], cmd, env)


if __name__ == "__main__":
    main(sys.argv)
