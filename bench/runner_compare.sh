#!/usr/bin/env bash
# The runner against its Python peer (asyncio, the way Python harnesses run); prints the ratios.
#   bench/runner_compare.sh [BUILD_DIR]
set -eu
build=${1:-build}
here=$(dirname "$0")
rate() { sed -n 's/.*= \([0-9]*\) items\/s.*/\1/p'; }
for mode in overhead e2e; do
	c=$("$build/bench/bench_runner" "$mode")
	p=$(/usr/bin/python3 "$here/runner_peer.py" "$mode")
	echo "$c"; echo "$p"
	echo "$mode ratio C/Python: $(awk -v a="$(echo "$c" | rate)" -v b="$(echo "$p" | rate)" 'BEGIN { printf "%.2f", a / b }')"
done
