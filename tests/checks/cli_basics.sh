#!/usr/bin/env bash
# The CLI contract's basics: --version, --help, exit status 2 for bad usage.
# Usage: cli_basics.sh MEDSAFETY_BINARY EXPECTED_VERSION
set -u
bin=$1 ver=$2
fail=0
out=$("$bin" --version); rc=$?
[ $rc -eq 0 ] && [ "$out" = "medsafety $ver" ] || { echo "FAIL: --version printed '$out' (status $rc)"; fail=1; }
"$bin" --help | grep -q '^usage: medsafety' || { echo "FAIL: --help"; fail=1; }
"$bin" >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: no arguments must exit 2"; fail=1; }
err=$("$bin" no-such-command 2>&1); rc=$?
[ $rc -eq 2 ] || { echo "FAIL: unknown command exits $rc, not 2"; fail=1; }
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || { echo "FAIL: error must be one line: $err"; fail=1; }
[ $fail -eq 0 ] && echo "CLI basics ok"
exit $fail
