#!/usr/bin/env python3
"""Runs one example in a temporary folder and checks what it prints and writes.

    check_example.py minimal|custom_judge|host PROGRAM
    check_example.py evaluate.py SCRIPT
    check_example.py openai_eval PROGRAM TEST_SERVER
    check_example.py event_loop PROGRAM TEST_SERVER
"""

import json
import os
import re
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def run(cmd, cwd, env=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=50)
    print(p.stdout, end="")
    print(p.stderr, end="", file=sys.stderr)
    if p.returncode != 0:
        fail(f"{cmd[0]} exited with {p.returncode}")
    return p.stdout


def records(run_dir):
    with open(os.path.join(run_dir, "results.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def per_principle_table(out):
    rows = re.findall(r"^([1-9]) .*?(\d+\.\d\d)\s*$", out, re.M)
    if [r[0] for r in rows] != [str(p) for p in range(1, 10)]:
        fail("expected one line per principle 1..9")
    return {int(p): float(m) for p, m in rows}


def main():
    kind, prog = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="msb-example-") as d:
        run_dir = os.path.join(d, "run")
        if kind in ("minimal", "host", "evaluate.py"):
            cmd = [sys.executable, prog, run_dir] if kind == "evaluate.py" else [prog, run_dir]
            out = run(cmd, d)
            means = per_principle_table(out)
            recs = records(run_dir)
            if len(recs) < 27 or any(r["score"] not in (1, 5) for r in recs):
                fail("every sample item should be scored 1 or 5 by the refusal judge")
            for p, mean in means.items():
                scores = [r["score"] for r in recs if r["principle"] == p]
                if abs(sum(scores) / len(scores) - mean) > 0.005:
                    fail(f"principle {p}: printed {mean}, records say {sum(scores) / len(scores)}")
            if kind == "host" and f"{len(recs)} model calls" not in out:
                fail("host: the model should be called once per item")
        elif kind == "custom_judge":
            out = run([prog, run_dir], d)
            recs = records(run_dir)
            m = re.search(r"judged (\d+) answers", out)
            if not m or int(m.group(1)) != len(recs):
                fail("the host judge should be called once per item")
            if any(r["judge"]["name"] != "keywords" or r["score"] is None for r in recs):
                fail("every record should carry the host judge's verdict")
            if not all(r["judge"]["reason"] for r in recs):
                fail("the host judge's reasons should be recorded")
        elif kind == "openai_eval":
            server = subprocess.Popen([sys.argv[3], "--exit-on-stdin-eof"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            try:
                port = int(server.stdout.readline())
                env = dict(os.environ, OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1")
                env.pop("OPENAI_API_KEY", None)
                out = run([prog, "target-model", "judge-model", run_dir], d, env)
            finally:
                server.stdin.close()
                server.wait(timeout=10)
            recs = records(run_dir)
            if not re.search(rf"^{len(recs)} items: 0 scored, {len(recs)} unscored, 0 errors",
                             out, re.M):
                fail("the test server's answers carry no score: every item is unscored")
            for r in recs:
                if not r["response"].startswith("echo:") or r["error"] is not None:
                    fail(f"{r['id']}: expected the server's echo, got {r['response']!r}")
                if not r["judge"]["name"].startswith("llm:") or not r["judge"]["raw"]:
                    fail(f"{r['id']}: expected the LLM judge's raw answer")
            with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as f:
                if "target-model" not in f.read():
                    fail("run.json should name the model")
        elif kind == "event_loop":
            # the test server logs each completion request; 27 model + 27 judge requests
            log = os.path.join(d, "server.log")
            server = subprocess.Popen([sys.argv[3], "--exit-on-stdin-eof", "--latency-ms", "20",
                                       "--log", log], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            try:
                port = int(server.stdout.readline())
                env = dict(os.environ, OPENAI_BASE_URL=f"http://127.0.0.1:{port}/v1")
                env.pop("OPENAI_API_KEY", None)
                out = run([prog, "target-model"], d, env)
            finally:
                server.stdin.close()
                server.wait(timeout=10)
            if not re.search(r"^27 answers, 27 verdicts, 0 failed$", out, re.M):
                fail("every sample item should be answered and judged")
            with open(log) as f:
                n = sum(1 for line in f if line.strip())
            if n != 54:
                fail(f"one server should see 27 model and 27 judge requests, saw {n}")
        else:
            fail(f"unknown example {kind}")
    print("ok")


if __name__ == "__main__":
    main()
