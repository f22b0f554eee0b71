"""Progress on stderr: a bar on a terminal (pty), plain lines otherwise, nothing with --quiet; NO_COLOR."""
import re
from clitest import *

COLOR = re.compile(r"\x1b\[(3\d|1|2)m")

with TempDir() as tmp:
    def out(n):
        return os.path.join(tmp, "r%d" % n)

    # a terminal: a bar redrawn in place, coloured
    env = base_env(TERM="xterm")
    r = run_pty(["run", "--out", out(1)], env=env)
    check(r.rc == 0, "run under a pty", r)
    check("\r" in r.err and "\x1b[K" in r.err, "the bar is redrawn in place (\\r, erase line)", repr(r.err))
    check(re.search(r"27/27 100\.0%.*took", r.err) is not None, "the last bar: 27/27, 100%, took", repr(r.err))
    check("errors" in r.err and "/s" in r.err, "the bar shows errors and the rate")
    check(COLOR.search(r.err) is not None, "colour on a terminal", repr(r.err))
    check("\u2588" in r.err, "UTF-8 locale: block characters")
    check("run: 27/27 done" not in r.err, "no plain lines on a terminal")
    # ETA while running: a slower run through the callback judge is not needed;
    # every snapshot before the last says ETA
    check(re.search(r"ETA ", r.err) is not None, "ETA shown while running", repr(r.err))

    # NO_COLOR: same bar, no colour
    r = run_pty(["run", "--out", out(2)], env=base_env(TERM="xterm", NO_COLOR="1"))
    check(r.rc == 0 and "\r" in r.err and "27/27" in r.err, "NO_COLOR: still a bar")
    check(COLOR.search(r.err) is None, "NO_COLOR: no colour codes", repr(r.err))
    # an empty NO_COLOR does not count (no-color.org)
    r = run_pty(["run", "--out", out(3)], env=base_env(TERM="xterm", NO_COLOR=""))
    check(COLOR.search(r.err) is not None, "NO_COLOR='' keeps colour")
    # ASCII bar outside UTF-8 locales
    r = run_pty(["run", "--out", out(4)], env=base_env(TERM="xterm", LANG="C", LC_ALL="C"))
    check("#" in r.err and "\u2588" not in r.err, "C locale: an ASCII bar", repr(r.err))

    # --quiet on a terminal: nothing
    r = run_pty(["run", "--out", out(5), "--quiet"], env=env)
    check(r.rc == 0 and r.err.strip() == "", "--quiet: nothing on the terminal", repr(r.err))
    check("report: " in r.out and "principle" not in r.out, "--quiet: only the report path on stdout")

    # not a terminal: plain lines, no \r, no colour, even without NO_COLOR
    r = run(["run", "--out", out(6)], env=base_env(TERM="xterm"))
    check(r.rc == 0 and "\r" not in r.err and COLOR.search(r.err) is None,
          "a pipe: no \\r and no colour", repr(r.err))
    lines = [l for l in r.err.splitlines() if l.startswith("run: ")]
    check(lines and re.fullmatch(r"run: 27/27 done \(100\.0%\), [\d.]+/s, 0 errors, took \d+s", lines[-1]),
          "a pipe: the last line says 27/27 done", lines)
    check(len(lines) <= 3, "a pipe: lines are spaced out (at most 3 for a short run)", lines)
    # MEDSAFETY_PROGRESS_INTERVAL=0: a line for every snapshot
    r = run(["run", "--out", out(7)], env=base_env(MEDSAFETY_PROGRESS_INTERVAL="0"))
    lines = [l for l in r.err.splitlines() if l.startswith("run: ")]
    check(r.rc == 0 and len(lines) >= 2, "MEDSAFETY_PROGRESS_INTERVAL=0: a line per snapshot", lines)
    # TERM=dumb on a terminal: plain lines
    r = run_pty(["run", "--out", out(8)], env=base_env(TERM="dumb"))
    check(r.rc == 0 and "\x1b[" not in r.err and "run: 27/27 done" in r.err,
          "TERM=dumb: plain lines, no escapes", repr(r.err))
    # the summary table is coloured only on a terminal stdout: here stdout is a pipe
    check("\x1b[" not in r.out, "stdout to a pipe: no escapes in the table")

# a run that takes a while: the bar counts up and shows a numeric ETA and a rate
if SERVER:
    with TempDir() as tmp, TestServer("--latency-ms", "100") as srv:
        r = run_pty(["run", "-m", "openai/m", "--base-url", srv.url, "--concurrency", "2",
                     "--out", os.path.join(tmp, "slow")], env=base_env(TERM="xterm"))
        check(r.rc == 0, "a slower run under a pty", r)
        frames = r.err.split("\r")
        done = [int(m.group(1)) for m in (re.search(r" (\d+)/27 ", f) for f in frames) if m]
        check(len(set(done)) >= 3 and done == sorted(done), "the bar counts up", done)
        check(re.search(r"ETA (\d+s|\d+:\d\d)", r.err) is not None, "a numeric ETA while running",
              repr(r.err[-300:]))
        check(re.search(r"[1-9][\d.]*/s", r.err) is not None, "a non-zero rate")
