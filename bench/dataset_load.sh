#!/usr/bin/env bash
# Time loading the whole MedSafetyBench datasets/ folder with libmedsafety
# and with pandas (Debian python3-pandas under /usr/bin/python3), in the
# same run, and print the ratio.
# Usage: bench/dataset_load.sh [BUILD_DIR] [DATASETS_DIR] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-${MEDSAFETY_DATA:-$here/../../shared/data/medsafetybench}/datasets}
runs=${3:-10}
[ -d "$data" ] || { echo "no datasets folder at $data (set MEDSAFETY_DATA)"; exit 77; }
echo "== libmedsafety ($runs runs)"
c_out=$("$build/bench/dataset_load" "$data" "$runs")
echo "$c_out"
c_ms=$(awk '/^load_ms_median/ {print $2}' <<<"$c_out")
c_best=$(awk '/^load_ms_best/ {print $2}' <<<"$c_out")
c_cpu=$(awk '/^cpu_ms_median/ {print $2}' <<<"$c_out")
echo "== pandas ($runs runs)"
py_out=$(/usr/bin/python3 - "$data" "$runs" <<'PY'
import csv, glob, os, sys, time
import pandas as pd
data, runs = sys.argv[1], int(sys.argv[2])
csvs = sorted(glob.glob(os.path.join(data, "t*", "*", "*.csv")))
txts = sorted(glob.glob(os.path.join(data, "med_harm_llama3", "*.txt")))
times, cpu = [], []
for _ in range(runs):
    t0, c0 = time.perf_counter(), time.process_time()
    frames = [pd.read_csv(f, index_col=0) for f in csvs]
    frames += [pd.read_csv(f, header=None, names=["prompt"], sep="\x1f", quoting=csv.QUOTE_NONE,
                           engine="c") for f in txts]
    n = sum(len(x) for x in frames)
    times.append((time.perf_counter() - t0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)
times.sort()
cpu.sort()
print(f"items {n}")
print(f"load_ms_best {times[0]:.1f}")
print(f"load_ms_median {times[len(times) // 2]:.1f}")
print(f"cpu_ms_median {cpu[len(cpu) // 2]:.1f}")
PY
)
echo "$py_out"
py_ms=$(awk '/^load_ms_median/ {print $2}' <<<"$py_out")
py_best=$(awk '/^load_ms_best/ {print $2}' <<<"$py_out")
py_cpu=$(awk '/^cpu_ms_median/ {print $2}' <<<"$py_out")
awk -v c="$c_ms" -v p="$py_ms" -v cb="$c_best" -v pb="$py_best" -v cc="$c_cpu" -v pc="$py_cpu" 'BEGIN {
	printf "== ratio: libmedsafety is %.1fx faster than pandas (median wall), %.1fx (best wall), %.1fx (median CPU)\n", p / c, pb / cb, pc / cc }'
