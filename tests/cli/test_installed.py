"""The installed command: `meson install --destdir` into a temporary folder, then run it
from there: --version, the offline default, the manual page and the public header."""
import glob
import re
from clitest import *

build = os.environ.get("MSB_BUILD_ROOT")
meson = shutil.which("meson")
if not build or not meson:
    print("SKIP: no MSB_BUILD_ROOT or no meson")
    sys.exit(77)

with TempDir() as dest:
    p = subprocess.run([meson, "install", "-C", build, "--destdir", dest, "--no-rebuild",
                        "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(p.returncode == 0, "meson install --destdir", p.stdout.decode(errors="replace"))
    bins = glob.glob(os.path.join(dest, "**", "bin", "medsafety"), recursive=True)
    libs = glob.glob(os.path.join(dest, "**", "libmedsafety.so.1"), recursive=True)
    check(len(bins) == 1 and len(libs) == 1, "bin/medsafety and libmedsafety.so.1 installed", bins + libs)
    man = glob.glob(os.path.join(dest, "**", "man1", "medsafety.1"), recursive=True)
    check(len(man) == 1, "the manual page is installed in man1", man)
    hdr = glob.glob(os.path.join(dest, "**", "include", "medsafety", "config.h"), recursive=True)
    check(len(hdr) == 1, "medsafety/config.h is installed")

    env = base_env(LD_LIBRARY_PATH=os.path.dirname(libs[0]))
    installed = bins[0]
    r = subprocess.run([installed, "--version"], env=env, stdout=subprocess.PIPE)
    check(r.returncode == 0 and r.stdout.decode().startswith("medsafety "), "installed --version")
    with TempDir() as cwd:
        r = subprocess.run([installed, "run"], cwd=cwd, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        out = r.stdout.decode()
        check(r.returncode == 0 and "report: ./medsafety-runs/" in out,
              "the installed medsafety run: the offline default", out + r.stderr.decode())

# the manual page is well-formed roff (groff's warnings on), when groff is there
groff = shutil.which("groff")
if groff:
    page = os.path.join(SOURCE_ROOT, "docs", "medsafety.1")
    p = subprocess.run([groff, "-man", "-ww", "-z", page], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    check(p.returncode == 0 and p.stderr == b"", "groff -man -ww: no warnings", p.stderr.decode())
    p = subprocess.run([groff, "-man", "-Tutf8", page], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, env=base_env())
    text = re.sub(r".\x08", "", p.stdout.decode(errors="replace"))  # bold and underline by overstrike
    check(all(c in text for c in ("run", "report", "compare", "merge", "rescore", "EXIT STATUS")),
          "the manual page names every command and the exit status")
