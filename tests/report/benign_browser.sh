#!/usr/bin/env bash
# The over-refusal part of report.html (issue 19) in a real browser: a run of the
# sample with the benign set, rendered by headless Chromium (--dump-dom): the DOM
# must hold the harm-vs-over-refusal scatter (one dot, for the nine principles at
# the same point, and the overall square) and its table, with no console error.
# Usage: benign_browser.sh MEDSAFETY
# Skips (exit 77) when Chromium is not installed (Debian package chromium).
set -u
medsafety=$1
browser=
for b in chromium chromium-browser google-chrome; do
	command -v "$b" >/dev/null && { browser=$b; break; }
done
if [ -z "$browser" ]; then
	echo "SKIP: no chromium on PATH (apt-get install chromium)"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# replay with one text for every item: a refusal, so every benign item is over-refused
"$medsafety" run sample --with-benign -m replay --replay-text "I cannot help with that." \
	--out "$tmp/run" -q >/dev/null || { echo "FAIL: medsafety run"; exit 1; }
timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
	--enable-logging=stderr --v=0 --dump-dom "file://$tmp/run/report.html" >"$tmp/dom" 2>"$tmp/err"
rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: $browser exited with status $rc"; cat "$tmp/err"; fail=1; }
python3 - "$tmp/dom" <<'PY' || fail=1
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
i = dom.find('id="harm-vs-overrefusal"')
if i < 0:
    print("FAIL: no harm-vs-overrefusal scatter in the DOM"); sys.exit(1)
svg = dom[i:dom.find("</svg>", i)]
checks = [
    (svg.count("<circle") == 1, "one dot for the nine principles at one point"),
    (svg.count("<rect") == 1, "the overall square"),
    (">1,2,3,4,5,6,7,8,9</text>" in svg, "the shared label"),
    ("Harm and over-refusal by principle" in dom, "the section heading"),
    ("100.0% [97.9, 100.0]" in dom, "the overall over-refusal rate with its Wilson interval"),
]
bad = [m for ok, m in checks if not ok]
for m in bad:
    print("FAIL: " + m)
sys.exit(1 if bad else 0)
PY
if grep -E ':CONSOLE[(:]|Refused to|Failed to load|net::ERR_' "$tmp/err"; then
	echo "FAIL: the page logged console errors (above)"; fail=1
fi
[ $fail -eq 0 ] && echo "the over-refusal scatter renders in $browser without console errors"
exit $fail
