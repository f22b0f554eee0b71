#!/bin/sh
# bench/fault_throughput.sh - medsafety run against msb_test_server with and without
# injected faults: the throughput kept under random faults (issue #12 item 7).
#   bench/fault_throughput.sh [BUILD_DIR] [N_ITEMS] [CONCURRENCY] [TIMEOUT_S] [FAULT_MIX]
# Needs the MedSafetyBench data (MEDSAFETY_DATA or ../shared/data/medsafetybench).
# FAULT_MIX: empty for msb_test_server's --fault mix, else a --fault-mix list.
set -eu
B=${1:-build}; N=${2:-3000}; C=${3:-64}; T=${4:-2}; MIX=${5:-}
D=${MEDSAFETY_DATA:-../shared/data/medsafetybench}/datasets
B=$(cd "$B" && pwd)
tmp=$(mktemp -d); trap 'kill $p0 $p1 2>/dev/null; rm -rf "$tmp"' EXIT
"$B/tests/server/msb_test_server" --latency-ms 50 --max-seconds 600 >"$tmp/p0" & p0=$!
if [ -n "$MIX" ]; then
  "$B/tests/server/msb_test_server" --latency-ms 50 --fault-rate 0.2 --fault mix --fault-mix "$MIX" \
    --max-seconds 600 >"$tmp/p1" & p1=$!
else
  "$B/tests/server/msb_test_server" --latency-ms 50 --fault-rate 0.2 --fault mix --max-seconds 600 \
    >"$tmp/p1" & p1=$!
fi
sleep 0.5
run() { # port out
  s=$(date +%s.%N)
  LD_LIBRARY_PATH="$B/lib" "$B/cli/medsafety" run "$D" --split generated --limit "$N" -m openai/m \
    --base-url "http://127.0.0.1:$1/v1" -j refusal --concurrency "$C" --timeout "$T" --out "$tmp/$2" -q \
    >/dev/null || true
  e=$(date +%s.%N)
  echo "$s $e" | awk '{printf "%.2f", $2 - $1}'
}
t0=$(run "$(head -1 "$tmp/p0")" clean)
t1=$(run "$(head -1 "$tmp/p1")" faults)
errs=$(grep -c '"error":{' "$tmp/faults/results.jsonl" || true)
echo "$N items, concurrency $C, timeout $T s, mix ${MIX:-all}: fault-free $t0 s, 20% faults $t1 s," \
  "kept $(echo "$t0 $t1" | awk '{printf "%.0f%%", 100 * $1 / $2}') of the throughput, $errs items failed"
