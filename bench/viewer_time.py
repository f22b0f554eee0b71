#!/usr/bin/env python3
"""bench/viewer_time.py - how long a `medsafety view` page takes to be ready in headless Chromium.

    python3 bench/viewer_time.py PAGE.html [--repeat 3]

Opens file://PAGE in a fresh headless Chromium (tests/browser/cdp.py, DevTools protocol)
for each repeat and prints the page's own marks (performance.now() at each step, which the
page records in data-ready-ms and data-marks on <body>): ready is the time from navigation
start to the first rendered list and detail pane. Also prints the page's size and the time
until the load event (the whole file parsed, all data usable). See docs/performance.md.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "browser"))
from cdp import Browser  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("page")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    url = "file://" + os.path.abspath(a.page)
    print("%s: %.1f MB" % (a.page, os.path.getsize(a.page) / 1e6))
    for k in range(a.repeat):
        with Browser() as b:
            t0 = time.time()
            b.open(url)
            wall = time.time() - t0
            # the load event (awaited by open) comes after the page's last script
            b.wait("document.body && document.body.getAttribute('data-ready') === '1'")
            fcp = b.eval("(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: -1}).startTime")
            ready = b.eval("+document.body.getAttribute('data-ready-ms')")
            marks = b.eval("document.body.getAttribute('data-marks')")  # absent before 0.2
            load = b.eval("Math.round(performance.getEntriesByType('navigation')[0].loadEventStart)")
            heap = b.eval("performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : -1")
            print("run %d: ready %d ms, first paint %d ms, load event %d ms (wall %.1f s), JS heap %d MB, marks %s" %
                  (k + 1, ready, fcp, load, wall, heap, json.dumps(json.loads(marks)) if marks else "-"))


if __name__ == "__main__":
    main()
