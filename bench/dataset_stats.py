#!/usr/bin/env python3
"""Time `medsafety dataset stats` as a whole process (issue #16 item 7; docs/performance.md).

    python3 bench/dataset_stats.py [BUILD_DIR] [--data DIR] [--runs N] [--other MEDSAFETY]

Runs BUILD_DIR/cli/medsafety (default: build/) N times (default 30) on each of:

* `--version`: process start and the loading of the library and its dependencies (libcurl
  brings about 30 shared libraries); no dataset work. The floor under every command.
* `dataset stats sample`: the above plus msb_init and the built-in 27-item sample.
* `dataset stats DIR`: the whole MedSafetyBench folder (76,174 items, 10.5 MB of files).

and prints, per command, the min and median wall time and the min and median user+sys CPU
time of the child (os.wait4's rusage), plus its page faults (minor faults from the same
rusage: deterministic, unlike times on a shared machine). The commands are run in turn
(round robin), so a change in the machine's load hits all of them alike. --other runs a
second medsafety binary in the same rounds (before/after comparisons). Output goes to
/dev/null; the script checks that each command exits 0.
"""
import argparse
import os
import statistics
import sys
import time


def run_once(argv):
    # posix_spawn (vfork-like): the child's figures are the command's own, without the
    # copy-on-write faults a fork of this Python process would add before exec
    t0 = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)}: exit status {os.waitstatus_to_exitcode(status)}")
    return wall * 1e3, (ru.ru_utime + ru.ru_stime) * 1e3, ru.ru_minflt


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build", nargs="?", default=os.path.join(here, "..", "build"))
    ap.add_argument("--data", default=os.environ.get("MEDSAFETY_DATA",
                                                     os.path.join(here, "..", "..", "shared", "data",
                                                                  "medsafetybench")))
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--other", help="a second medsafety binary, timed in the same rounds")
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        print(f"no data folder at {a.data} (set MEDSAFETY_DATA or --data)")
        return 77
    bins = [("", os.path.join(a.build, "cli", "medsafety"))]
    if a.other:
        bins.append(("other: ", a.other))
    cmds = []
    for tag, exe in bins:
        cmds += [(tag + "--version", [exe, "--version"]),
                 (tag + "dataset stats sample", [exe, "dataset", "stats", "sample"]),
                 (tag + "dataset stats DIR", [exe, "dataset", "stats", a.data])]
    res = {name: [] for name, _ in cmds}
    for _ in range(a.runs):
        for name, argv in cmds:
            res[name].append(run_once(argv))
    la = os.getloadavg()
    print(f"# {a.runs} runs each, round robin; load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}")
    print(f"# DIR = {a.data}")
    print(f"{'command':34} {'wall min':>9} {'wall med':>9} {'cpu min':>8} {'cpu med':>8} {'faults':>7}")
    for name, _ in cmds:
        w = [r[0] for r in res[name]]
        c = [r[1] for r in res[name]]
        f = [r[2] for r in res[name]]
        print(f"{name:34} {min(w):8.1f}ms {statistics.median(w):8.1f}ms {min(c):7.1f}ms "
              f"{statistics.median(c):7.1f}ms {int(statistics.median(f)):7d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
