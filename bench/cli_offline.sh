#!/usr/bin/env bash
# bench/cli_offline.sh - wall time of the medsafety command end to end, offline
# (replay model, refusal judge): the built-in sample, the MedSafetyBench test
# split when the data is there, and reading a configuration file.
# Usage: bench/cli_offline.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build}/cli/medsafety
data=${MEDSAFETY_DATA:-../shared/data/medsafetybench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
timeit() { # LABEL REPEATS CMD...
	local label=$1 n=$2 t0 t1; shift 2
	t0=$(now)
	for _ in $(seq "$n"); do "$@" >/dev/null 2>&1; done
	t1=$(now)
	awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$n" \
		'BEGIN { printf "%-52s %9.1f ms\n", l, (b - a) * 1000 / n }'
}

echo "medsafety $("$bin" --version | cut -d' ' -f2), $(nproc) cores"
timeit "--version (process start)" 20 "$bin" --version
timeit "run --print-config --config examples/jury.yaml" 20 \
	"$bin" run --print-config --config examples/jury.yaml
i=0
timeit "run (offline default: 27 items, all files)" 10 \
	bash -c 'i=$((RANDOM)); exec "$0" run -q --out "$1/s$i$$"' "$bin" "$tmp"
if [ -d "$data/datasets" ]; then
	timeit "run datasets --split test (all files)" 3 \
		bash -c 'exec "$0" run "$1" --split test -q --force --out "$2/t"' "$bin" "$data/datasets" "$tmp"
	n=$(wc -l < "$tmp/t/results.jsonl")
	echo "  (the test split: $n items)"
	timeit "report --format html of that run" 5 "$bin" report "$tmp/t" --format html
else
	echo "(no data in $data: skipped the test split)"
fi
