#!/usr/bin/env bash
# The shared library exports nothing but msb_* (jansson's check-exports),
# carries SONAME libmedsafety.so.2 and the MEDSAFETY_0.2 version node.
# Usage: exports.sh LIBRARY
set -u
lib=$1
fail=0
syms=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' | sort -u)
[ -n "$syms" ] || { echo "FAIL: no exported symbols found in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^msb_[a-z0-9]' || true)
if [ -n "$bad" ]; then
	echo "FAIL: symbols exported without the msb_ prefix (or internal msb__):"
	printf '  %s\n' $bad
	fail=1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$soname" != "libmedsafety.so.2" ]; then
	echo "FAIL: SONAME is '$soname', expected libmedsafety.so.2"; fail=1
fi
if ! nm -D --defined-only "$lib" | grep -q ' A MEDSAFETY_0.2$'; then
	echo "FAIL: version node MEDSAFETY_0.2 missing"; fail=1
fi
echo "$(printf '%s\n' "$syms" | wc -l) exported symbols, SONAME $soname"
exit $fail
