#!/usr/bin/env bash
# Compare the built library's ABI with the committed baseline (libfuse's
# habit). New functions pass; any change to what the baseline has fails.
# Usage: abi.sh SRCDIR BUILDDIR LIBRARY
# To update the baseline on purpose, see docs/api-stability.md.
set -u
src=$1 build=$2 lib=$3
baseline="$src/abi/libmedsafety.abi"
if ! command -v abidiff >/dev/null; then
	echo "SKIP: abidiff not installed (Debian package abigail-tools)"; exit 77
fi
[ -f "$baseline" ] || { echo "FAIL: no baseline at $baseline"; exit 1; }
# abi/opaque-types.supp: the layout of opaque handles (defined in lib/) is not ABI
out=$(abidiff --no-added-syms --suppressions "$src/abi/opaque-types.supp" \
	--headers-dir2 "$src/include/medsafety" "$baseline" "$lib" 2>&1)
rc=$?
echo "$out"
# abidiff exit status is a bit field: 1 error, 2 usage, 4 ABI change, 8 incompatible change
if [ $((rc & 3)) -ne 0 ]; then echo "FAIL: abidiff could not compare (status $rc)"; exit 1; fi
# Added functions are filtered out (--no-added-syms), and libabigail counts a data
# member appended at the end of a struct as harmless; what is left (status bit 4 or 8)
# is a change to something that existed: a removed or changed function, a member
# inserted, removed or retyped, a renumbered enum. That breaks programs built
# against the baseline.
if [ $((rc & 12)) -ne 0 ]; then
	echo "FAIL: the ABI of existing functions or types changed against abi/libmedsafety.abi"
	echo "(if this is an intended, compatible change, update the baseline: docs/api-stability.md)"
	exit 1
fi
echo "ABI compatible with the baseline"
exit 0
