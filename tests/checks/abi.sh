#!/usr/bin/env bash
# Compare the built library's ABI with the committed baseline (libfuse's
# habit). Additions pass; anything incompatible fails.
# Usage: abi.sh SRCDIR BUILDDIR LIBRARY
# To update the baseline on purpose, see docs/api-stability.md.
set -u
src=$1 build=$2 lib=$3
baseline="$src/abi/libmedsafety.abi"
if ! command -v abidiff >/dev/null; then
	echo "SKIP: abidiff not installed (Debian package abigail-tools)"; exit 77
fi
[ -f "$baseline" ] || { echo "FAIL: no baseline at $baseline"; exit 1; }
out=$(abidiff --no-added-syms --headers-dir2 "$src/include/medsafety" "$baseline" "$lib" 2>&1)
rc=$?
echo "$out"
# abidiff exit status is a bit field: 1 error, 2 usage, 4 ABI change, 8 incompatible change
if [ $((rc & 3)) -ne 0 ]; then echo "FAIL: abidiff could not compare (status $rc)"; exit 1; fi
if [ $((rc & 8)) -ne 0 ]; then echo "FAIL: incompatible ABI change against abi/libmedsafety.abi"; exit 1; fi
if [ $((rc & 4)) -ne 0 ]; then echo "ABI changed compatibly (additions only)"; fi
echo "ABI compatible with the baseline"
exit 0
