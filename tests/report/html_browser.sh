#!/usr/bin/env bash
# Render report.html in a real browser (headless Chromium) and check that
# it produced a non-trivial screenshot showing the charts and logged no
# console error (a blocked fetch, a CSP violation, a script error).
# Usage: html_browser.sh MAKE_REPORT PNG_CHECK.PY
# Skips (exit 77) when Chromium is not installed (Debian package chromium).
set -u
make_report=$1 png_check=$2
browser=
for b in chromium chromium-browser google-chrome; do
	command -v "$b" >/dev/null && { browser=$b; break; }
done
if [ -z "$browser" ]; then
	echo "SKIP: no chromium on PATH (apt-get install chromium, or scripts/deps.sh)"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$make_report" html "$tmp/report.html" || { echo "FAIL: make_report"; exit 1; }
# chromium's sandbox needs privileges a test runner seldom has
timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --user-data-dir="$tmp/profile" \
	--window-size=1000,1500 --screenshot="$tmp/shot.png" --enable-logging=stderr --v=0 \
	"file://$tmp/report.html" >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
if [ $rc -ne 0 ]; then echo "FAIL: $browser exited with status $rc"; cat "$tmp/err"; fail=1; fi
if [ ! -s "$tmp/shot.png" ]; then
	echo "FAIL: no screenshot written"; fail=1
else
	size=$(stat -c %s "$tmp/shot.png")
	[ "$size" -gt 20000 ] || { echo "FAIL: screenshot only $size bytes"; fail=1; }
	python3 "$png_check" "$tmp/shot.png" || fail=1
fi
# console messages of the page (errors, CSP reports, failed loads) are logged as CONSOLE lines
if grep -E ':CONSOLE[(:]|Refused to|Failed to load|net::ERR_' "$tmp/err"; then
	echo "FAIL: the page logged console errors (above)"; fail=1
fi
[ $fail -eq 0 ] && echo "report.html renders in $browser without console errors"
exit $fail
