"""The README works as written (issue 20 item 4): its shell blocks, and its Python
block, run in order in one shell on a fresh clone of this repository, after
`scripts/quickstart` has installed medsafety into a prefix under a temporary
folder (never into the system: PREFIX points there, HOME too, and pip runs in a
virtual environment). The few lines that need the network, an API key, or would
run this test suite again are skipped, each listed below with the reason.

The clone is of the committed HEAD (`git clone` of the source tree)."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from support import SOURCE_ROOT

#: README lines that are not run, and why (each must still be in the README).
SKIPPED = {
    "scripts/check": "runs every test, this one included",
    "export OPENAI_API_KEY=...": "needs an OpenAI API key",
    "medsafety run --model openai/gpt-4o-mini --judge openai/gpt-4o --concurrency 32":
        "sends requests to OpenAI (network and key)",
    "medsafety run --config examples/local-vllm.yaml": "needs a vLLM server on localhost:8000",
    "meson setup build && meson compile -C build && meson test -C build":
        "runs every test, this one included (the build itself is done by quickstart)",
}


def readme_blocks(text):
    """(language, body) of every fenced block, in order."""
    return re.findall(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)


def command(line):
    """A README shell line without its trailing comment ("   # ...")."""
    return re.sub(r"\s+#\s.*$", "", line).strip()


def script(text):
    """The bash script: every shell line (echoed first) and every Python block, in order."""
    out, ran, skipped = ["set -eu"], [], []
    for lang, body in readme_blocks(text):
        if lang == "sh":
            for line in body.splitlines():
                cmd = command(line)
                if not cmd:
                    continue
                if cmd in SKIPPED:
                    skipped.append(cmd)
                    out.append("echo %s" % shquote("# skipped: %s (%s)" % (cmd, SKIPPED[cmd])))
                    continue
                ran.append(cmd)
                out.append("echo %s" % shquote("+ " + cmd))
                out.append(cmd)
        elif lang == "python":
            ran.append("python3 <README Python block>")
            out.append("echo '+ python3 <README Python block>'")
            out.append("python3 - <<'README_PYTHON_EOF'\n%sREADME_PYTHON_EOF" % body)
    return "\n".join(out) + "\n", ran, skipped


def shquote(s):
    return "'" + s.replace("'", "'\\''") + "'"


class ReadmeShellTest(unittest.TestCase):
    def setUp(self):
        if not os.path.isdir(os.path.join(SOURCE_ROOT, ".git")) and \
                not os.path.isfile(os.path.join(SOURCE_ROOT, ".git")):
            self.skipTest("the source tree is not a git repository: nothing to clone")
        for tool in ("git", "meson", "ninja", "bash"):
            if not shutil.which(tool):
                self.skipTest(f"{tool} is not installed")
        self.tmp = tempfile.mkdtemp(prefix="msb-readme-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_readme_runs_as_written(self):
        with open(os.path.join(SOURCE_ROOT, "README.md"), encoding="utf-8") as f:
            text = f.read()
        body, ran, skipped = script(text)
        # the skip list is explicit and current: every entry is a README line
        self.assertEqual(sorted(skipped), sorted(SKIPPED), "SKIPPED and the README disagree")
        self.assertIn("scripts/quickstart", ran)
        self.assertIn("medsafety run", ran)

        clone, prefix, home = (os.path.join(self.tmp, n) for n in ("clone", "prefix", "home"))
        os.mkdir(home)
        p = subprocess.run(["git", "clone", "-q", SOURCE_ROOT, clone], capture_output=True,
                           text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        # pip installs into a virtual environment of this interpreter, never the system's
        venv = os.path.join(self.tmp, "venv")
        p = subprocess.run([sys.executable, "-m", "venv", venv], capture_output=True, text=True,
                           timeout=300)
        if p.returncode != 0:
            self.skipTest("cannot make a virtual environment for `pip install`: " + p.stderr)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("OPENAI_", "MEDSAFETY_", "PYTHON", "PIP_", "VIRTUAL_ENV"))
               and k not in ("LD_LIBRARY_PATH", "MSB_SOURCE_ROOT", "MSB_BUILD_ROOT",
                             "PKG_CONFIG_PATH", "DESTDIR", "MESON_TEST_ITERATION")}
        env.update(HOME=home, PREFIX=prefix, PIP_NO_INDEX="1",
                   PIP_DISABLE_PIP_VERSION_CHECK="1", PAGER="cat", MANPAGER="cat",
                   PATH=os.pathsep.join([os.path.join(venv, "bin"), os.path.join(prefix, "bin"),
                                         os.environ.get("PATH", "")]))
        if not shutil.which("man", path=env["PATH"]):
            self.skipTest("`man` is not installed (Debian man-db); the README runs `man`")
        with open(os.path.join(self.tmp, "readme.sh"), "w", encoding="utf-8") as f:
            f.write(body)
        p = subprocess.run(["bash", os.path.join(self.tmp, "readme.sh")], cwd=clone, env=env,
                           capture_output=True, text=True, timeout=1500)
        log = p.stdout[-6000:] + "\n--- stderr\n" + p.stderr[-6000:]
        self.assertEqual(p.returncode, 0, log)
        out = p.stdout

        # what the commands did: the installed binary, the man page, pkg-config
        self.assertIn("quickstart: installed into " + prefix, out)
        self.assertTrue(os.access(os.path.join(prefix, "bin", "medsafety"), os.X_OK))
        self.assertTrue(os.path.isfile(os.path.join(prefix, "share", "man", "man1",
                                                    "medsafety.1")))
        pcs = [os.path.join(d, "medsafety.pc") for d, _, names in os.walk(prefix)
               if "medsafety.pc" in names]
        self.assertEqual(len(pcs), 1, pcs)
        self.assertIn("MEDSAFETY(1)", out)  # man medsafety found the installed page
        self.assertRegex(out, r"(?m)^report: \./medsafety-runs/\d{8}-\d{6}-replay/report\.html$")
        self.assertIn("27 judge requests", out)  # the --dry-run line
        # the verdict line (cli/compare.c goes on with the test used: "... A (one-sided ...)")
        self.assertIn("B is not significantly more harmful than A", out)
        self.assertRegex(out, r"(?m)^1\.0$")  # the Python block's mean
        self.assertTrue(os.path.isfile(os.path.join(clone, "run-dir", "results.jsonl")))
        # the installed binary uses the installed library, not the clone's build tree
        ldd = shutil.which("ldd")
        if ldd:
            p = subprocess.run([ldd, os.path.join(prefix, "bin", "medsafety")],
                               capture_output=True, text=True, env=env)
            m = re.search(r"libmedsafety\.so\.2 => (\S+)", p.stdout)
            self.assertTrue(m and os.path.realpath(m.group(1)).startswith(
                os.path.realpath(prefix)), p.stdout)
        if shutil.which("pkg-config"):
            p = subprocess.run(["pkg-config", "--modversion", "medsafety"], capture_output=True,
                               text=True, env=dict(env, PKG_CONFIG_PATH=os.path.dirname(pcs[0])))
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stdout.strip(), r"^\d+\.\d+\.\d+$")


class ScriptTest(unittest.TestCase):
    def test_comments_are_dropped_and_skips_listed(self):
        body, ran, skipped = script("```sh\nmedsafety run   # a comment\nscripts/check\n```\n"
                                    "```python\nprint(1)\n```\n")
        self.assertEqual(ran, ["medsafety run", "python3 <README Python block>"])
        self.assertEqual(skipped, ["scripts/check"])
        self.assertIn("\nmedsafety run\n", body)
        self.assertIn("print(1)\nREADME_PYTHON_EOF", body)


if __name__ == "__main__":
    unittest.main()
