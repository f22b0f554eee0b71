"""libcurl is loaded on first HTTP use (issue #16 item 7; docs/architecture.md).

The dynamic loader's own log (LD_DEBUG=libs, written to a file with LD_DEBUG_OUTPUT) says
which shared objects a process loaded: `--version` and `dataset stats` must not load
libcurl; a run against the local test server must (and work). MSB_TEST_LIBCURL (tests
only) names a missing file: HTTP fails with a clear message, everything else still works.
"""
from clitest import *


def loaded_objects(args, env):
    """(Result, the loader's log) of one command."""
    with TempDir() as tmp:
        e = dict(env)
        e["LD_DEBUG"] = "libs"
        e["LD_DEBUG_OUTPUT"] = os.path.join(tmp, "ld")
        r = run(args, env=e)
        log = "".join(open(os.path.join(tmp, f), errors="replace").read()
                      for f in sorted(os.listdir(tmp)) if f.startswith("ld."))
    return r, log


with TempDir() as tmp:
    for args in (["--version"], ["dataset", "stats", "sample"],
                 ["dataset", "export", "sample", "--format", "jsonl", "-o",
                  os.path.join(tmp, "s.jsonl")]):
        r, log = loaded_objects(args, base_env())
        check(r.rc == 0, " ".join(args) + ": exit 0", r)
        # the log is real: it names the library the CLI links
        check("libmedsafety.so" in log, " ".join(args) + ": the loader's log names libmedsafety",
              log[:2000])
        check("libcurl" not in log, " ".join(args) + ": libcurl is not loaded",
              [line for line in log.splitlines() if "libcurl" in line][:5])

with TempDir() as tmp, TestServer() as srv:
    out = os.path.join(tmp, "run")
    r, log = loaded_objects(["run", "-m", "openai/m", "--base-url", srv.url, "--limit", "3",
                             "--out", out, "-q"], base_env())
    check(r.rc == 0 and len(records(out)) == 3, "an HTTP run works (3 records)", r)
    check("libcurl.so.4" in log, "an HTTP run loads libcurl.so.4",
          [line for line in log.splitlines() if "curl" in line][:5])

    # a libcurl that cannot be loaded: a clear error for HTTP, nothing else affected
    missing = os.path.join(tmp, "no-such-libcurl.so.4")
    env = base_env(MSB_TEST_LIBCURL=missing)
    r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--limit", "3",
             "--out", os.path.join(tmp, "nocurl"), "-q"], env=env)
    check(r.rc != 0 and "cannot load libcurl" in r.err and "no-such-libcurl.so.4" in r.err,
          "without libcurl an HTTP run fails saying libcurl could not be loaded, and why", r)
    r = run(["dataset", "stats", "sample"], env=env)
    check(r.rc == 0 and "items:" in r.out, "without libcurl dataset stats still works", r)
