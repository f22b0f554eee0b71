"""medsafety run --batch / --judge-batch (issue 21 item 4) through the installed CLI, against
tests/server/fake_batch.py (a fake OpenAI Batch API on 127.0.0.1 that this test starts).

What is checked, and against what: the fake server's own log (every upload, batch creation
with its custom ids, poll, download and online request) - an independent record of what
the CLI sent - and the run folder's files. Expected counts are worked out by hand from the
prompts below (which carry the server's [[batch:fail]] / [[batch:expire]] markers).
"""
import json
import os
import signal
import subprocess
import sys
import time

from clitest import BIN, SOURCE_ROOT, TempDir, base_env, check, load_json, records, run

FAKE = os.path.join(SOURCE_ROOT, "tests", "server", "fake_batch.py")
CANARY = "sk-batch-canary-7f3a9c"


class Fake:
    def __init__(self, tmp, name, steps=1, extra=()):
        self.log = os.path.join(tmp, name + ".log")
        self.p = subprocess.Popen([sys.executable, FAKE, "--log", self.log, "--steps", str(steps),
                                   "--max-seconds", "170"] + list(extra),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.port = int(self.p.stdout.readline())
        self.url = "http://127.0.0.1:%d/v1" % self.port

    def events(self, kind=None):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            evs = [json.loads(l) for l in f if l.strip()]
        return [e for e in evs if kind is None or e["event"] == kind]

    def submitted(self):
        """custom_id -> times submitted, over every batch created."""
        n = {}
        for e in self.events("create"):
            for c in e["custom_ids"]:
                n[c] = n.get(c, 0) + 1
        return n

    def close(self):
        self.p.stdin.close()
        try:
            self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def prompts_file(tmp, name, prompts):
    path = os.path.join(tmp, name + ".txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(prompts) + "\n")
    return path


def env():
    return base_env(MSB_BATCH_KEY=CANARY)


def base_args(fake, src, out):
    return ["run", src, "-m", "openai/m", "--base-url", fake.url, "--api-key-env", "MSB_BATCH_KEY",
            "--out", out, "--batch", "--batch-poll-interval", "0.05", "--max-unscored", "1"]


def no_canary(folder, what):
    for root, _, files in os.walk(folder):
        for fn in files:
            with open(os.path.join(root, fn), "rb") as f:
                if CANARY.encode() in f.read():
                    check(False, what + ": the API key is not written anywhere", fn)
    check(True, what + ": the API key is written nowhere in the run folder")


def full_run(tmp):
    fake = Fake(tmp, "full")
    try:
        src = prompts_file(tmp, "full", ["request number %d" % i for i in range(5)])
        out = os.path.join(tmp, "full-run")
        r = run(base_args(fake, src, out), env=env())
        check(r.rc == 0, "a --batch run finishes", r)
        recs = records(out)
        check(len(recs) == 5 and all(x["response"].startswith("batch answer") for x in recs),
              "every answer came from the batch output", recs[:1])
        check(not fake.events("online"), "nothing was sent online", fake.events("online"))
        check(len(fake.events("create")) == 1 and set(fake.submitted().values()) == {1}
              and len(fake.submitted()) == 5, "one batch of 5 requests, each submitted once",
              fake.submitted())
        check(all(e["auth"] == "Bearer " + CANARY for e in fake.events()),
              "every batch API call carried the key", fake.events()[:2])
        info = load_json(os.path.join(out, "run.json"))
        b = info.get("batch", {})
        check(b.get("discount") == 0.5 and b["model"]["requests"] == 5 and
              b["model"]["succeeded"] == 5 and b["model"]["failed"] == 0 and
              [x["id"] for x in b["model"]["batches"]] == [e["batch"] for e in fake.events("create")],
              "run.json has the batch block: ids, counts, discount", b)
        # 5 answers x the fake server's usage (10 prompt, 8 completion tokens each)
        check(b["model"]["prompt_tokens"] == 50 and b["model"]["completion_tokens"] == 40,
              "run.json counts the batch answers' tokens (5 x 10, 5 x 8)", b)
        check("batches: 1 created" in r.err and "completed" in r.err,
              "progress shows the batch states", r.err)
        with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
            md = f.read()
        check("| Batch API (model) | 1 batch, 5 requests, 5 answered at a 50% discount" in md,
              "report.md shows the batch stage and its discount", md[-1500:])
        # the batch line's body is the request the online backend sends: compare with an
        # online run of the same prompts (the fake server logs the online bodies)
        out2 = os.path.join(tmp, "full-online")
        args = [a for a in base_args(fake, src, out2) if a not in ("--batch",)]
        r = run(args, env=env())
        check(r.rc == 0, "the same run online", r)
        online = {e["prompt"]: e["body"] for e in fake.events("online")}
        with open(os.path.join(out, "batch", "input-model-0.jsonl"), encoding="utf-8") as f:
            lines = [json.loads(l) for l in f if l.strip()]
        same = [l["body"] == online.get(l["body"]["messages"][-1]["content"]) for l in lines]
        check(len(lines) == 5 and all(same) and
              all(l["url"] == "/v1/chat/completions" and l["method"] == "POST" for l in lines),
              "each batch line's body equals the online request body", lines[:1])
        no_canary(out, "full run")
    finally:
        fake.close()


def partial_failures(tmp):
    fake = Fake(tmp, "partial")
    try:
        prompts = ["fine one", "broken two [[batch:fail]]", "fine three", "broken four [[batch:fail]]"]
        src = prompts_file(tmp, "partial", prompts)
        out = os.path.join(tmp, "partial-run")
        r = run(base_args(fake, src, out) + ["--batch-retry", "1"], env=env())
        check(r.rc == 0, "a batch run with failed requests finishes", r)
        by_prompt = {x["prompt"]: x for x in records(out)}
        check(all(by_prompt[p]["response"].startswith("online answer") for p in prompts if "fail" in p)
              and all(by_prompt[p]["response"].startswith("batch answer") for p in prompts
                      if "fail" not in p), "failed batch requests were answered online",
              by_prompt)
        sub = fake.submitted()
        # --batch-retry 1: the 2 failing requests go into a second batch, then online
        check(len(fake.events("create")) == 2 and sorted(sub.values()) == [1, 1, 2, 2],
              "with --batch-retry 1 the failed requests went into one more batch", sub)
        online = [e["prompt"] for e in fake.events("online")]
        check(sorted(online) == sorted(p for p in prompts if "fail" in p),
              "each failed request was sent online once, nothing else", online)
        b = load_json(os.path.join(out, "run.json"))["batch"]["model"]
        check(b["requests"] == 6 and b["succeeded"] == 2 and b["failed"] == 4,
              "run.json counts 6 batch requests, 2 answered, 4 failed", b)
        check(os.path.exists(os.path.join(out, "batch", "errors-%s.jsonl" % b["batches"][0]["id"])),
              "the error file is kept in the run folder")
    finally:
        fake.close()


def expired(tmp):
    fake = Fake(tmp, "expired")
    try:
        prompts = ["early one", "late two [[batch:expire]]", "early three"]
        src = prompts_file(tmp, "expired", prompts)
        out = os.path.join(tmp, "expired-run")
        r = run(base_args(fake, src, out), env=env())
        check(r.rc == 0, "a run whose batch expired finishes", r)
        check("expired" in r.err, "progress shows the expired state", r.err)
        by_prompt = {x["prompt"]: x["response"] for x in records(out)}
        check(by_prompt["late two [[batch:expire]]"].startswith("online answer") and
              by_prompt["early one"].startswith("batch answer") and
              by_prompt["early three"].startswith("batch answer"),
              "the expired batch's finished answers are kept, the expired request went online",
              by_prompt)
        b = load_json(os.path.join(out, "run.json"))["batch"]["model"]
        check(b["batches"][0]["status"] == "expired" and b["succeeded"] == 2 and b["failed"] == 1,
              "run.json: the batch expired with 2 answered, 1 not", b)
    finally:
        fake.close()


def kill_and_resume(tmp):
    # 4 polls per state: the batch stays open a while after it was created
    fake = Fake(tmp, "kill", steps=4)
    try:
        src = prompts_file(tmp, "kill", ["kill request %d" % i for i in range(4)])
        out = os.path.join(tmp, "kill-run")
        args = base_args(fake, src, out)
        args[args.index("0.05")] = "0.3"
        p = subprocess.Popen([BIN] + args, env=env(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        journal = os.path.join(out, "batch", "batches.jsonl")
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(journal) and "submitted" in open(journal, encoding="utf-8").read():
                break
            time.sleep(0.02)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        check(len(fake.events("create")) == 1, "the batch was created before the kill")
        bid = fake.events("create")[0]["batch"]
        check(not os.path.exists(os.path.join(out, "summary.json")),
              "killed between submit and the end of polling")
        polls_before = len(fake.events("poll"))
        r = run(args + ["--resume"], env=env())
        check(r.rc == 0, "--resume after SIGKILL finishes the run", r)
        check(len(fake.events("create")) == 1 and set(fake.submitted().values()) == {1},
              "no request was submitted a second time", fake.submitted())
        later = fake.events("poll")[polls_before:]
        check(later and all(e["batch"] == bid for e in later),
              "the resumed run polled the journaled batch id", later[:3])
        check(not fake.events("online"), "nothing went online")
        recs = records(out)
        check(len(recs) == 4 and all(x["response"].startswith("batch answer") for x in recs),
              "every answer came from the journaled batch", recs[:1])
        check("1 picked up" in r.err, "the resumed run says it picked the batch up", r.err)
    finally:
        fake.close()


def interrupt(tmp):
    # the batch never ends here (1000 polls per state) and polls are 5 s apart: SIGINT must
    # end the wait at once, keep the journal, and exit 130 with the resume hint
    fake = Fake(tmp, "sigint", steps=1000)
    try:
        src = prompts_file(tmp, "sigint", ["sigint request %d" % i for i in range(2)])
        out = os.path.join(tmp, "sigint-run")
        args = base_args(fake, src, out)
        args[args.index("0.05")] = "5"
        p = subprocess.Popen([BIN] + args, env=env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        journal = os.path.join(out, "batch", "batches.jsonl")
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(journal) and "submitted" in open(journal, encoding="utf-8").read():
                break
            time.sleep(0.02)
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        err = err.decode("utf-8", "replace")
        check(p.returncode == 130 and "--resume --batch" in err,
              "SIGINT while waiting for a batch: exit 130 with the resume hint", (p.returncode, err))
        with open(journal, encoding="utf-8") as f:
            evs = [json.loads(l) for l in f if l.strip()]
        check([e["event"] for e in evs] == ["submitted"],
              "the batch stays journaled as open", evs)
    finally:
        fake.close()


def splitting(tmp):
    fake = Fake(tmp, "split")
    try:
        src = prompts_file(tmp, "split", ["split request %d" % i for i in range(5)])
        out = os.path.join(tmp, "split-run")
        r = run(base_args(fake, src, out) + ["--batch-max-lines", "2"], env=env())
        check(r.rc == 0, "a split batch run finishes", r)
        sizes = [len(e["custom_ids"]) for e in fake.events("create")]
        # 5 requests at 2 per batch: 2 + 2 + 1
        check(sizes == [2, 2, 1], "--batch-max-lines 2 splits 5 requests into 2 + 2 + 1", sizes)
        check(len(fake.submitted()) == 5 and set(fake.submitted().values()) == {1},
              "each request in exactly one batch", fake.submitted())
        check(len(records(out)) == 5 and not fake.events("online"), "all answered by the batches")
        # bytes: one line of these requests is ~490 bytes; 1100 bytes hold 2 of them
        out2 = os.path.join(tmp, "split-bytes")
        before = len(fake.events("create"))
        r = run(base_args(fake, src, out2) + ["--batch-max-bytes", "1100"], env=env())
        uploads = fake.events("upload")[-(len(fake.events("create")) - before):]
        check(r.rc == 0 and all(u["bytes"] <= 1100 for u in uploads) and
              len(fake.events("create")) - before >= 3,
              "--batch-max-bytes keeps every file within the limit", (r, uploads))
    finally:
        fake.close()


def judge_batch(tmp):
    fake = Fake(tmp, "judge")
    try:
        src = prompts_file(tmp, "judge", ["judge request %d" % i for i in range(3)])
        out = os.path.join(tmp, "judge-run")
        jargs = ["-j", "openai/judge-m", "--judge-base-url", fake.url,
                 "--judge-api-key-env", "MSB_BATCH_KEY"]
        r = run(base_args(fake, src, out) + jargs + ["--judge-batch"], env=env())
        check(r.rc == 0, "a --batch --judge-batch run finishes", r)
        creates = fake.events("create")
        check(len(creates) == 2 and all(c.startswith("m-") for c in creates[0]["custom_ids"]) and
              all(c.startswith("j-") for c in creates[1]["custom_ids"]),
              "one model batch, then one judge batch", creates)
        check(not fake.events("online"), "no model or judge request went online",
              fake.events("online"))
        recs = records(out)
        check(all(x["score"] == 1 and x["judge"]["name"].startswith("llm:") and
                  x["judge"]["reason"] == "the model declined." for x in recs),
              "the judge batch's verdicts are the records' scores", recs[:1])
        b = load_json(os.path.join(out, "run.json"))["batch"]
        check(b["judge"]["requests"] == 3 and b["judge"]["succeeded"] == 3,
              "run.json has the judge stage's batch", b)
        # the judge line body equals what the online judge sends for the same answer
        out2 = os.path.join(tmp, "judge-online")
        r = run(base_args(fake, src, out2) + jargs, env=env())
        check(r.rc == 0, "the same judge online (answers from a batch)", r)
        online = [e["body"] for e in fake.events("online") if e["model"] == "judge-m"]
        with open(os.path.join(out, "batch", "input-judge-1.jsonl"), encoding="utf-8") as f:
            lines = [json.loads(l)["body"] for l in f if l.strip()]
        key = lambda b: json.dumps(b, sort_keys=True)
        check(len(online) == 3 and sorted(map(key, lines)) == sorted(map(key, online)),
              "each judge batch line equals the online judge request", (lines[:1], online[:1]))
        online_recs = {x["id"]: (x["score"], x["judge"]["reason"]) for x in records(out2)}
        check(online_recs == {x["id"]: (x["score"], x["judge"]["reason"]) for x in recs},
              "batch and online verdicts agree")
        no_canary(out, "judge batch")
    finally:
        fake.close()


def shared_cache(tmp):
    fake = Fake(tmp, "cache")
    try:
        src = prompts_file(tmp, "cache", ["cached request %d" % i for i in range(3)])
        cache = os.path.join(tmp, "cache-dir")
        r = run(base_args(fake, src, os.path.join(tmp, "cache-1")) + ["--cache", cache], env=env())
        check(r.rc == 0 and len(fake.events("create")) == 1, "a batch run with --cache", r)
        out2 = os.path.join(tmp, "cache-2")
        r = run(base_args(fake, src, out2) + ["--cache", cache], env=env())
        check(r.rc == 0 and len(fake.events("create")) == 1 and not fake.events("online"),
              "batch answers went into the shared cache: a second run submits nothing",
              (r, fake.events("create")))
        check(all(x["response"].startswith("batch answer") for x in records(out2)),
              "the second run's answers are the cached batch answers")
    finally:
        fake.close()


def flaky_polls(tmp):
    # 6 polls fail with 503: the first poll's own HTTP retries (4 tries) all fail, the next
    # interval's poll fails twice more, then succeeds; the stage goes on
    fake = Fake(tmp, "flaky", extra=["--fail-polls", "6"])
    try:
        src = prompts_file(tmp, "flaky", ["flaky request %d" % i for i in range(2)])
        out = os.path.join(tmp, "flaky-run")
        r = run(base_args(fake, src, out), env=env(), timeout=120)
        check(r.rc == 0 and len(fake.events("poll_failed")) == 6,
              "polls failing with 503 longer than one poll's retries: the batch is polled on", r)
        check(all(x["response"].startswith("batch answer") for x in records(out)) and
              len(fake.events("create")) == 1, "its answers came from the one batch")
    finally:
        fake.close()


def hostile_ids(tmp):
    fake = Fake(tmp, "hostile", extra=["--bad-ids"])
    try:
        src = prompts_file(tmp, "hostile", ["hostile request"])
        out = os.path.join(tmp, "deep", "er", "hostile-run")
        r = run(base_args(fake, src, out), env=env())
        check(r.rc != 0 and "POST /batches" in r.err,
              "a batch id holding '../' is refused (it would name files outside the run)", r)
        escaped = [f for f in os.listdir(os.path.join(tmp, "deep")) if f.startswith("escaped")]
        check(not escaped and not fake.events("poll"), "nothing written outside the run folder")
    finally:
        fake.close()


def usage_errors(tmp):
    r = run(["run", "--batch", "--limit", "2", "--out", os.path.join(tmp, "replay-batch")])
    check(r.rc == 2 and "openai" in r.err.lower(),
          "--batch with the replay model is a usage error naming openai/MODEL", r)
    # the range is the largest provider's (Anthropic, Azure: 100,000); each provider caps it
    r = run(["run", "--batch-max-lines", "100001", "--print-config"])
    check(r.rc == 2 and "batch_max_lines" in r.err, "more than 100000 lines per batch is refused", r)
    cfg = os.path.join(tmp, "batch.yaml")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write("run:\n  batch: true\n  judge_batch: true\n  batch_poll_interval: 2.5\n"
                "  batch_retry: 2\n  batch_max_lines: 1000\n  batch_max_bytes: 5000000\n")
    r = run(["run", "--config", cfg, "--batch-retry", "3", "--print-config"])
    got = json.loads(r.out)["run"] if r.rc == 0 else {}
    check(got.get("batch") is True and got.get("judge_batch") is True and
          got.get("batch_poll_interval") == 2.5 and got.get("batch_retry") == 3 and
          got.get("batch_max_lines") == 1000 and got.get("batch_max_bytes") == 5000000,
          "the run.batch* keys of a YAML file, a flag over one", r)


def main():
    with TempDir() as tmp:
        full_run(tmp)
        partial_failures(tmp)
        expired(tmp)
        kill_and_resume(tmp)
        interrupt(tmp)
        splitting(tmp)
        judge_batch(tmp)
        shared_cache(tmp)
        hostile_ids(tmp)
        flaky_polls(tmp)
        usage_errors(tmp)


if __name__ == "__main__":
    main()
