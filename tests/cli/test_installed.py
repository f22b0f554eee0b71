"""The install itself, as tests/cli/installed.py staged it (every CLI test runs that binary):
the binary is the staged one and loads the staged libmedsafety (ldd, /proc/PID/maps), has no
path into the build tree; the library's SONAME, the manual page, the headers and medsafety.pc
are there, and a C program builds against the staged headers and .pc file and runs; the
manual page is well-formed roff.

    python3 tests/cli/installed.py tests/cli/test_installed.py MSB_TEST_SERVER [CC...]
"""
import re
from clitest import *

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import installed  # noqa: E402

destdir = os.environ.get("MSB_INSTALL_DESTDIR")
build = os.environ.get("MSB_BUILD_ROOT")
if not destdir or not build:
    print("SKIP: not run through tests/cli/installed.py (no MSB_INSTALL_DESTDIR)")
    sys.exit(77)
lay = installed.Layout(build)
stage = os.path.realpath(lay.root)
build_real = os.path.realpath(build)
inside = installed.inside


def tool(*args, env=None):
    p = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return Result(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))


check(os.path.realpath(destdir) == stage, "the tests' staging folder is BUILD/test-install")
check(os.path.realpath(BIN) == os.path.realpath(lay.bin) and inside(BIN, stage),
      "the binary under test is the staged bin/medsafety", BIN)
libdir = lay.libdir
ld_path = os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)
check(ld_path[0] == libdir and not any(inside(p, build_real) for p in ld_path[1:]),
      "LD_LIBRARY_PATH: the staged library folder, nothing else of the build tree", ld_path)

# the library: real file, SONAME and the links meson installs
soname_link = os.path.join(libdir, "libmedsafety.so.2")
check(os.path.islink(soname_link) and os.path.islink(os.path.join(libdir, "libmedsafety.so")),
      "libmedsafety.so.2 and libmedsafety.so are links")
real_lib = os.path.realpath(soname_link)
check(inside(real_lib, stage) and re.fullmatch(r"libmedsafety\.so\.2\.\d+\.\d+",
                                               os.path.basename(real_lib)),
      "they lead to the staged libmedsafety.so.2.MINOR.PATCH", real_lib)
readelf = shutil.which("readelf")
if readelf:
    r = tool(readelf, "-d", real_lib)
    check(re.search(r"\(SONAME\)\s+Library soname: \[libmedsafety\.so\.2\]", r.out) is not None,
          "SONAME libmedsafety.so.2", r)
    for f in (BIN, real_lib):
        r = tool(readelf, "-d", f)
        paths = re.findall(r"\((?:RPATH|RUNPATH)\)\s+Library r(?:un)?path: \[(.*)\]", r.out)
        check(r.rc == 0 and not any(build_real in p or "$ORIGIN" in p for p in paths),
              "%s: no RPATH/RUNPATH into the build tree" % os.path.basename(f), paths)
    # API 0.2: the run configuration left the library for the command (docs/architecture.md)
    r = tool(readelf, "-d", real_lib)
    check(r.rc == 0 and "libyaml" not in r.out, "libmedsafety does not link libyaml", r)
    r = tool(readelf, "--dyn-syms", "-W", real_lib)
    check(r.rc == 0 and "msb_init" in r.out and "msb_config_" not in r.out,
          "libmedsafety exports no msb_config_* function", r)
else:
    print("skip the SONAME and RPATH checks: no readelf")

# the binary resolves libmedsafety from the stage, statically (ldd) and at run time (maps)
ldd = shutil.which("ldd")
if ldd:
    r = tool(ldd, BIN)
    m = re.search(r"libmedsafety\.so\.2 => (/\S+)", r.out)
    check(m is not None and inside(m.group(1), stage) and
          os.path.realpath(m.group(1)) == real_lib,
          "ldd: libmedsafety.so.2 => the staged library", r)
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH")
    r = tool(ldd, BIN, env=env)
    m = re.search(r"libmedsafety\.so\.2 => (/\S+)", r.out)
    check(m is None or not inside(m.group(1), build_real),
          "ldd without LD_LIBRARY_PATH: not the build tree's library (no RPATH left)", r)
else:
    print("skip the ldd checks: no ldd")

with TempDir() as tmp, TestServer("--latency-ms", "500") as srv:
    out = os.path.join(tmp, "maps")
    p = subprocess.Popen([BIN, "run", "-m", "openai/slow", "--base-url", srv.url,
                          "--concurrency", "1", "--out", out, "-q"], env=base_env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    maps, exe = "", ""
    deadline = time.time() + 20
    # The run waits on the server, so the process is there to look at once the loader is done.
    while time.time() < deadline and p.poll() is None:
        try:
            exe = os.readlink("/proc/%d/exe" % p.pid)
            with open("/proc/%d/maps" % p.pid) as f:
                maps = f.read()
        except OSError:
            pass
        if "libmedsafety" in maps:
            break
        time.sleep(0.05)
    p.terminate()
    o, e = p.communicate(timeout=30)
    mapped = set(l.split(None, 5)[5] for l in maps.splitlines()
                 if len(l.split(None, 5)) == 6 and "libmedsafety" in l)
    check(mapped and all(os.path.realpath(m) == real_lib for m in mapped),
          "/proc/PID/maps of a running medsafety: libmedsafety is the staged one",
          "%s\n%s" % (mapped or maps, e.decode(errors="replace")))
    check(os.path.realpath(exe) == os.path.realpath(BIN), "/proc/PID/exe is the staged binary",
          exe)

r = run(["--version"])
check(r.rc == 0 and r.out.startswith("medsafety "), "installed --version", r)
with TempDir() as cwd:
    r = run(["run"], cwd=cwd)
    check(r.rc == 0 and "report: ./medsafety-runs/" in r.out,
          "the installed medsafety run: the offline default", r)

# the rest of the install
man = lay.find("man1/medsafety.1")
check(os.path.isfile(man) and inside(man, stage), "the manual page is installed in man1", man)
incdir = os.path.dirname(lay.find("medsafety/medsafety.h"))
headers = sorted(os.listdir(incdir))
for h in ("medsafety.h", "common.h", "version.h"):
    check(h in headers, "medsafety/%s is installed" % h, headers)
# the run configuration is the command's (cli/config, docs/architecture.md): no header, no libyaml
check("config.h" not in headers, "medsafety/config.h is not installed (API 0.2)", headers)
check(os.path.isfile(os.path.join(incdir, "sys", "backend.h")), "medsafety/sys/backend.h is installed")
pc = lay.find("pkgconfig/medsafety.pc")
check(os.path.isfile(pc), "medsafety.pc is installed", pc)
with open(pc, encoding="utf-8") as f:
    pc_text = f.read()
check("yaml" not in pc_text, "medsafety.pc: libyaml is no dependency of the library", pc_text)

# a C program built with the staged headers and medsafety.pc, run on the staged library
PROGRAM = r"""
#include <medsafety/medsafety.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[4096];
	int score = 0;
	FILE *maps;
	if (msb_init() < 1)
		return 1;
	if (msb_judge_parse_score(&score, "#thescore: 4") != 0 || score != 4)
		return 2;
	printf("version %s\nscore %d\nstrerror %s\n", MSB_VERSION, score, msb_strerror(MSB_EPARSE));
	maps = fopen("/proc/self/maps", "r");
	while (maps && fgets(line, sizeof line, maps))
		if (strstr(line, "libmedsafety") && strchr(line, '/'))
			printf("mapped %s", strchr(line, '/'));
	if (maps)
		fclose(maps);
	return msb_shutdown() >= 0 ? 0 : 3;
}
"""


def c_program(pkg_config):
    # The sysroot maps the .pc's /usr/local paths into the stage (it also prefixes the -I
    # of Requires.private packages such as libcurl: folders that do not exist there, harmless).
    pc_env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc), PKG_CONFIG_SYSROOT_DIR=lay.root)
    pc_env.pop("PKG_CONFIG_LIBDIR", None)
    r = tool(pkg_config, "--cflags", "--libs", "medsafety", env=pc_env)
    flags = r.out.split()
    check(r.rc == 0 and "-I" + incdir.rsplit("/medsafety", 1)[0] in flags
          and "-L" + libdir in flags and "-lmedsafety" in flags,
          "pkg-config --cflags --libs medsafety: the staged include and library folders", r)
    r = tool(pkg_config, "--modversion", "medsafety", env=pc_env)
    version = r.out.strip()
    check(r.rc == 0 and re.fullmatch(r"\d+\.\d+\.\d+", version), "pkg-config --modversion", r)

    info = os.path.join(build, "meson-info")
    cc = sys.argv[3:] or ["cc"]  # the build's C compiler, from tests/cli/meson.build
    opts = {o["name"]: o["value"] for o in load_json(os.path.join(info, "intro-buildoptions.json"))}
    sanitize = opts.get("b_sanitize", "none")
    if isinstance(sanitize, list):
        sanitize = ",".join(sanitize)
    # A sanitizer build's library needs a program built the same way (its runtime first).
    san_flags = ["-fsanitize=" + sanitize] if sanitize not in ("none", "") else []
    with TempDir() as tmp:
        src = os.path.join(tmp, "prog.c")
        exe = os.path.join(tmp, "prog")
        with open(src, "w") as f:
            f.write(PROGRAM)
        r = tool(*(cc + ["-std=c11", "-Wall", "-Werror"] + san_flags + [src, "-o", exe] + flags))
        check(r.rc == 0, "a C program compiles and links against the staged install (%s)"
              % " ".join(cc + san_flags + flags), r)
        r = tool(exe)
        lines = r.out.splitlines()
        mapped = set(os.path.realpath(l[len("mapped "):]) for l in lines if l.startswith("mapped "))
        check(r.rc == 0 and "version " + version in lines and "score 4" in lines
              and any(l.startswith("strerror ") and len(l) > 9 for l in lines),
              "the C program runs: MSB_VERSION of the staged header equals the .pc's version", r)
        check(mapped == {real_lib}, "the C program loaded the staged libmedsafety", r)

pkg_config = shutil.which("pkg-config") or shutil.which("pkgconf")
if pkg_config:
    c_program(pkg_config)
else:
    print("skip the .pc file and the C program: no pkg-config")

# the manual page is well-formed roff (groff's warnings on), when groff is there
groff = shutil.which("groff")
if groff:
    p = subprocess.run([groff, "-man", "-ww", "-z", man], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    check(p.returncode == 0 and p.stderr == b"", "groff -man -ww: no warnings", p.stderr.decode())
    p = subprocess.run([groff, "-man", "-Tutf8", man], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, env=base_env())
    text = re.sub(r".\x08", "", p.stdout.decode(errors="replace"))  # bold and underline by overstrike
    check(all(c in text for c in ("run", "report", "compare", "merge", "rescore", "EXIT STATUS")),
          "the manual page names every command and the exit status")
