#!/usr/bin/env bash
# `medsafety dataset stats | export | fetch`: the CLI contract (output,
# exit status 0/1/2, one-line errors). Usage: cli_dataset.sh MEDSAFETY
set -u
bin=$1
fx="$MSB_SOURCE_ROOT/tests/fixtures/dataset"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # DESCRIPTION CONDITION...
	local what=$1; shift
	if ! "$@"; then echo "FAIL: $what"; fail=1; fi
}
# expect_error STATUS TEXT ARGS...: exit status, one line on stderr containing TEXT
expect_error() {
	local want=$1 text=$2; shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
	[ $rc -eq "$want" ] || { echo "FAIL: '$*' exited $rc, not $want"; cat "$tmp/err"; fail=1; }
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || { echo "FAIL: '$*' must print one line: $(cat "$tmp/err")"; fail=1; }
	grep -qF -- "$text" "$tmp/err" || { echo "FAIL: '$*' error lacks '$text': $(cat "$tmp/err")"; fail=1; }
}

# stats of the built-in sample, text and JSON
out=$("$bin" dataset stats); rc=$?
check "stats exits 0" [ $rc -eq 0 ]
check "stats counts the sample" grep -q '^items: *27$' <<<"$out"
json=$("$bin" dataset stats sample --json)
check "stats --json" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["items"] == 27, d
assert d["by_split"] == {"test": 27}, d
assert d["by_source"] == {"sample": 27}, d
assert d["by_principle"] == {str(p): 3 for p in range(1, 10)}, d
assert len(d["hash"]) == 64
' "$json"
json=$("$bin" dataset stats "$fx/layout" --split test,train --principle 2 --json)
check "stats filters" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["items"] == 5 and d["by_source"] == {"gpt4": 3, "llama2": 2}, d
' "$json"
json=$("$bin" dataset stats "$fx/layout/med_harm_llama3" --clean --json)
check "stats --clean reports" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["items"] == 3 and d["cleaned"] == {"tokens": 2, "quotes": 1, "duplicates": 1}, d
' "$json"
json=$("$bin" dataset stats "$fx/custom.csv" --prompt-column Question --principle-column=Ethics --json)
check "column mapping" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["items"] == 3 and d["by_principle"]["3"] == 1 and d["by_principle"]["0"] == 1, d
' "$json"

# shards cover the set without overlap
for i in 0 1 2; do "$bin" dataset export --shard $i/3 --format jsonl -o "$tmp/shard$i.jsonl" || fail=1; done
check "shards are disjoint and cover" python3 -c '
import json, sys
ids = [json.loads(l)["id"] for i in range(3) for l in open(f"{sys.argv[1]}/shard{i}.jsonl")]
assert len(ids) == 27 and len(set(ids)) == 27, ids
' "$tmp"
# sampling is reproducible
a=$("$bin" dataset export --sample 9 --seed 7 --format jsonl -o -)
b=$("$bin" dataset export --sample 9 --seed 7 --format jsonl -o -)
check "same seed, same sample" [ "$a" = "$b" ]
check "sample size" [ "$(printf '%s\n' "$a" | wc -l)" -eq 9 ]

# export formats, and a round trip through CSV
for f in jsonl csv openai-chat alpaca; do
	"$bin" dataset export sample --format $f -o "$tmp/out.$f" || { echo "FAIL: export $f"; fail=1; }
done
check "openai-chat lines" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 27 and [m["role"] for m in rows[0]["messages"]] == ["user", "assistant"]
' "$tmp/out.openai-chat"
check "alpaca array" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 27 and set(rows[0]) == {"instruction", "input", "output"}
' "$tmp/out.alpaca"
cp "$tmp/out.csv" "$tmp/again.csv"
h1=$("$bin" dataset stats sample --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])')
h2=$("$bin" dataset stats "$tmp/again.csv" --id-column id --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["hash"])')
check "CSV round trip keeps ids and prompts (same hash)" [ "$h1" = "$h2" ]

# bad input and usage: exit 2, one line naming the problem
printf 'prompt,reference\n"open\n' >"$tmp/bad.csv"
expect_error 2 "bad.csv:2: unterminated quoted field" dataset stats "$tmp/bad.csv"
printf 'prompt\nok\n\xff\n' >"$tmp/bad.txt"
expect_error 2 "bad.txt:3: invalid UTF-8" dataset stats "$tmp/bad.txt"
: >"$tmp/empty.jsonl"
expect_error 2 "empty.jsonl: empty file" dataset stats "$tmp/empty.jsonl"
expect_error 2 "cannot open" dataset stats "$tmp/missing.csv"
expect_error 2 "--shard wants I/N" dataset stats --shard 3/3
expect_error 2 "--principle wants numbers" dataset stats --principle 1,x
expect_error 2 "--limit needs a value" dataset stats --limit
expect_error 2 "unknown option" dataset stats --bogus
expect_error 2 "--format wants" dataset export --format xml -o "$tmp/x"
expect_error 2 "-o FILE is required" dataset export
expect_error 2 "has no reference response" dataset export "$fx/prompts.txt" --format alpaca -o "$tmp/x"
expect_error 2 "unknown subcommand" dataset frobnicate
expect_error 2 "not http:// or https://" dataset fetch --base-url ftp://x --dir "$tmp/cache"
# fetch from a server that is not there: the work failed (1)
expect_error 1 "GET http://127.0.0.1:9/" dataset fetch --base-url http://127.0.0.1:9 --dir "$tmp/cache" -q
"$bin" dataset --help | grep -q 'medsafety dataset stats' || { echo "FAIL: dataset --help"; fail=1; }
"$bin" dataset export --help >/dev/null || { echo "FAIL: export --help"; fail=1; }

[ $fail -eq 0 ] && echo "dataset CLI ok"
exit $fail
