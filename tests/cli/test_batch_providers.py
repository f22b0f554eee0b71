"""medsafety run --batch / --judge-batch with anthropic/MODEL (Anthropic's Message Batches) and
azure/DEPLOYMENT (Azure OpenAI's Batch API), issue 21 item 4, through the installed CLI against
tests/server/fake_batch.py (a fake of both on 127.0.0.1 that this test starts).

What is checked, and against what: the fake server's own log (every batch created with its
custom ids and request bodies, every poll, download and online request, with the headers that
came with it) - an independent record of what the CLI sent - and the run folder's files.
Expected counts are worked out by hand from the prompts below, which carry the fake's markers:
[[batch:fail]] (errored), [[batch:expire]] (expired), [[batch:cancel]] (canceled),
[[say:think]] (a thinking block before the text), [[say:refusal]] (stop_reason "refusal", no
text). The fake answers "batch answer: ..." in a batch and "online answer: ..." online, with
usage 10 input and 8 output tokens; a model named judge* always "#thescore: 1".
"""
import json
import os
import signal
import subprocess
import time
import urllib.request

from clitest import BIN, TempDir, base_env, check, load_json, records, run
from test_batch import Fake, no_canary, prompts_file

CANARY = "sk-batch-canary-7f3a9c"   # the key test_batch.no_canary looks for
REFUSAL_NOTE = '[no answer: the API ended the response with stop_reason "refusal"]'


def env():
    return base_env(MSB_BATCH_KEY=CANARY)


def root(fake):
    return fake.url[:-len("/v1")]


def anthropic_args(fake, src, out, judge=False):
    a = ["run", src, "-m", "anthropic/m", "--base-url", root(fake), "--api-key-env",
         "MSB_BATCH_KEY", "--out", out, "--batch", "--batch-poll-interval", "0.05",
         "--max-unscored", "1"]
    if judge:
        a += ["-j", "anthropic/judge-m", "--judge-base-url", root(fake),
              "--judge-api-key-env", "MSB_BATCH_KEY", "--judge-batch"]
    return a


def anthropic_full(tmp):
    fake = Fake(tmp, "anthropic")
    try:
        prompts = ["plain request", "thoughtful request [[say:think]]",
                   "declined request [[say:refusal]]"]
        src = prompts_file(tmp, "anthropic", prompts)
        out = os.path.join(tmp, "anthropic-run")
        r = run(anthropic_args(fake, src, out, judge=True), env=env())
        check(r.rc == 0, "anthropic/MODEL with --batch --judge-batch finishes", r)
        creates = fake.events("create")
        check(len(creates) == 2 and len(creates[0]["custom_ids"]) == 3 and
              all(c.startswith("m-") for c in creates[0]["custom_ids"]) and
              len(creates[1]["custom_ids"]) == 3 and
              all(c.startswith("j-") for c in creates[1]["custom_ids"]),
              "one Message Batch of the 3 model requests, then one of the 3 judge requests",
              creates)
        check(not fake.events("online"), "nothing went online", fake.events("online"))
        check(not fake.events("upload"), "no file upload: the requests went inline")
        evs = fake.events()
        check(evs and all(e["x_api_key"] == CANARY and e["anthropic_version"] == "2023-06-01"
                          and e["auth"] is None for e in evs),
              "every call sent x-api-key and anthropic-version (no Authorization header)",
              evs[:2])
        check([e["event"] for e in evs].count("download") == 2,
              "each ended batch's results were read once", [e["event"] for e in evs])
        recs = {x["prompt"]: x for x in records(out)}
        plain, think, refused = (recs[p] for p in prompts)
        check(plain["response"].startswith("batch answer") and plain["score"] == 1 and
              plain["finish_reason"] == "end_turn" and plain["judge"]["reason"] ==
              "the model declined.", "a batch answer and its batch verdict", plain)
        check(think["reasoning"] == "weighing the request first" and
              think["response"].startswith("batch answer"),
              "a thinking block is the record's reasoning, apart from the answer", think)
        check(refused["finish_reason"] == "refusal" and refused["response"] == REFUSAL_NOTE and
              refused["refusal"] is True and refused["refusal_text"] == "" and
              refused["score"] == 1,
              "stop_reason refusal: recorded as such (the fixed note) and judged", refused)
        # 3 answers x the fake's usage (10 input, 8 output tokens), per stage
        check(plain["usage"]["prompt_tokens"] == 10 and plain["usage"]["completion_tokens"] == 8,
              "the Messages usage is the record's tokens", plain["usage"])
        b = load_json(os.path.join(out, "run.json"))["batch"]
        check(b["discount"] == 0.5 and b["model"]["provider"] == "anthropic" and
              b["judge"]["provider"] == "anthropic" and b["model"]["requests"] == 3 and
              b["model"]["succeeded"] == 3 and b["model"]["failed"] == 0 and
              b["model"]["prompt_tokens"] == 30 and b["model"]["completion_tokens"] == 24 and
              b["judge"]["succeeded"] == 3 and
              [x["id"] for x in b["model"]["batches"] + b["judge"]["batches"]] ==
              [c["batch"] for c in creates] and
              all(x["status"] == "ended" for x in b["model"]["batches"]),
              "run.json's batch block: provider, ids, counts, tokens, discount", b)
        with open(os.path.join(out, "batch", "batches.jsonl"), encoding="utf-8") as f:
            journal = [json.loads(l) for l in f if l.strip()]
        check([(e["event"], e.get("provider")) for e in journal] ==
              [("submitted", "anthropic"), ("ended", None)] * 2 and
              journal[0]["input_file"] == "input-model-0.jsonl",
              "the journal names the provider and the local input file", journal)
        # the batch params are the bodies the online backend sends. The judge: the same run
        # with the judge online (the answers again from a model batch, so the judge prompts
        # quote the same answers); the model: the same run all online.
        key = lambda b: json.dumps(b, sort_keys=True)
        out2 = os.path.join(tmp, "anthropic-judge-online")
        r = run([a for a in anthropic_args(fake, src, out2, judge=True) if a != "--judge-batch"],
                env=env())
        check(r.rc == 0, "the same run with the judge online", r)
        online = sorted(key(e["body"]) for e in fake.events("online"))
        check(len(online) == 3 and online == sorted(map(key, creates[1]["bodies"])),
              "each judge batch request's params equal the online judge's Messages body",
              (creates[1]["bodies"][:1], online[:1]))
        recs2 = {x["prompt"]: x for x in records(out2)}
        same = all((recs[p]["score"], recs[p]["judge"]["reason"], recs[p]["finish_reason"],
                    recs[p].get("reasoning"), recs[p]["response"]) ==
                   (recs2[p]["score"], recs2[p]["judge"]["reason"], recs2[p]["finish_reason"],
                    recs2[p].get("reasoning"), recs2[p]["response"]) for p in prompts)
        check(same, "batch and online verdicts agree", (recs, recs2))
        out3 = os.path.join(tmp, "anthropic-online")
        n_online = len(fake.events("online"))
        r = run([a for a in anthropic_args(fake, src, out3) if a != "--batch"], env=env())
        check(r.rc == 0, "the same run all online", r)
        online = sorted(key(e["body"]) for e in fake.events("online")[n_online:]
                        if e["model"] == "m")
        check(len(online) == 3 and online == sorted(map(key, creates[0]["bodies"])),
              "each model batch request's params equal the online Messages body",
              (creates[0]["bodies"][:1], online[:1]))
        with open(os.path.join(out, "batch", "input-model-0.jsonl"), encoding="utf-8") as f:
            lines = [json.loads(l) for l in f if l.strip()]
        check([sorted(l) for l in lines] == [["custom_id", "params"]] * 3,
              "the input file keeps the requests as sent: custom_id and params", lines[:1])
        no_canary(out, "anthropic batch")
    finally:
        fake.close()


def anthropic_failures(tmp):
    fake = Fake(tmp, "anthropic-fail")
    try:
        prompts = ["good one", "broken two [[batch:fail]]", "late three [[batch:expire]]",
                   "dropped four [[batch:cancel]]"]
        src = prompts_file(tmp, "anthropic-fail", prompts)
        out = os.path.join(tmp, "anthropic-fail-run")
        r = run(anthropic_args(fake, src, out) + ["--batch-retry", "1"], env=env())
        check(r.rc == 0, "an Anthropic batch with errored, expired and canceled results finishes",
              r)
        check("ended, 1 of 4 done, 3 failed" in r.err, "progress shows the batch's counts", r.err)
        by_prompt = {x["prompt"]: x["response"] for x in records(out)}
        check(by_prompt["good one"].startswith("batch answer") and
              all(by_prompt[p].startswith("online answer") for p in prompts[1:]),
              "the succeeded result is kept; errored, expired and canceled went online",
              by_prompt)
        # --batch-retry 1: the 3 failed requests went into one more batch (they fail again
        # there: the markers stay), then online, each once
        sub = fake.submitted()
        check(len(fake.events("create")) == 2 and sorted(sub.values()) == [1, 2, 2, 2] and
              len(fake.events("create")[1]["custom_ids"]) == 3,
              "with --batch-retry 1 the 3 failed requests went into a second batch", sub)
        online = sorted(e["prompt"] for e in fake.events("online"))
        check(online == sorted(prompts[1:]), "each failed request went online once", online)
        b = load_json(os.path.join(out, "run.json"))["batch"]["model"]
        check(b["requests"] == 7 and b["succeeded"] == 1 and b["failed"] == 6 and
              b["provider"] == "anthropic", "run.json: 7 batch requests, 1 answered, 6 not", b)
        first = b["batches"][0]["id"]
        with open(os.path.join(out, "batch", "output-%s.jsonl" % first), encoding="utf-8") as f:
            kinds = sorted(json.loads(l)["result"]["type"] for l in f if l.strip())
        check(kinds == ["canceled", "errored", "expired", "succeeded"],
              "the batch's results file is kept in the run folder", kinds)
    finally:
        fake.close()


def anthropic_kill_and_resume(tmp):
    # 4 polls before the batch ends: it stays open a while after it was created
    fake = Fake(tmp, "anthropic-kill", steps=4)
    try:
        src = prompts_file(tmp, "anthropic-kill", ["kill request %d" % i for i in range(4)])
        out = os.path.join(tmp, "anthropic-kill-run")
        args = anthropic_args(fake, src, out)
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
        check(len(fake.events("create")) == 1, "the Message Batch was created before the kill")
        bid = fake.events("create")[0]["batch"]
        check(not fake.events("download"), "killed before its results were read")
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


def anthropic_split_and_hostile(tmp):
    fake = Fake(tmp, "anthropic-split")
    try:
        # padded: a line is over 410 bytes, so 2.5 lines are over the smallest limit (1024)
        src = prompts_file(tmp, "anthropic-split", ["split request %d %s" % (i, "pad " * 80)
                                                    for i in range(5)])
        out = os.path.join(tmp, "anthropic-split-run")
        r = run(anthropic_args(fake, src, out) + ["--batch-max-lines", "2"], env=env())
        sizes = [len(e["custom_ids"]) for e in fake.events("create")]
        check(r.rc == 0 and sizes == [2, 2, 1],
              "--batch-max-lines 2 splits 5 Anthropic requests into 2 + 2 + 1", (r, sizes))
        # bytes: a limit of 2.5 request lines (their longest, measured in the input files of
        # the run above) holds 2 per batch: 2 + 2 + 1. The body sent is the file's lines
        # joined: {"requests":[ + lines with ',' for '\n' + ]} = the file's bytes + 14.
        longest = 0
        for i in range(3):
            with open(os.path.join(out, "batch", "input-model-%d.jsonl" % i), "rb") as f:
                longest = max([longest] + [len(l) for l in f])
        limit = longest * 5 // 2
        out2 = os.path.join(tmp, "anthropic-split-bytes")
        before = len(fake.events("create"))
        r = run(anthropic_args(fake, src, out2) + ["--batch-max-bytes", str(limit)], env=env())
        made = fake.events("create")[before:]
        check(r.rc == 0 and [len(e["custom_ids"]) for e in made] == [2, 2, 1] and
              all(e["bytes"] <= limit + 14 for e in made),
              "--batch-max-bytes keeps every Message Batch within the limit",
              (r, limit, [e["bytes"] for e in made]))
    finally:
        fake.close()
    fake = Fake(tmp, "anthropic-hostile", extra=["--bad-ids"])
    try:
        src = prompts_file(tmp, "anthropic-hostile", ["hostile request"])
        out = os.path.join(tmp, "deep-a", "er", "hostile-run")
        r = run(anthropic_args(fake, src, out), env=env())
        check(r.rc != 0 and "POST /messages/batches" in r.err,
              "a Message Batch id holding '../' is refused", r)
        check(not fake.events("poll"), "and never polled")
    finally:
        fake.close()


def anthropic_canceled_elsewhere(tmp):
    # the batch never ends by itself here (1000 polls); someone cancels it at the provider
    # (the console, another tool): canceling, then ended with every request canceled; the
    # run goes on and asks online
    fake = Fake(tmp, "anthropic-cancel", steps=1000)
    try:
        prompts = ["cancel request %d" % i for i in range(2)]
        src = prompts_file(tmp, "anthropic-cancel", prompts)
        out = os.path.join(tmp, "anthropic-cancel-run")
        args = anthropic_args(fake, src, out)
        args[args.index("0.05")] = "0.2"
        p = subprocess.Popen([BIN] + args, env=env(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while time.time() < deadline and not fake.events("poll"):
            time.sleep(0.05)
        bid = fake.events("create")[0]["batch"]
        req = urllib.request.Request("%s/messages/batches/%s/cancel" % (fake.url, bid),
                                     data=b"", method="POST")
        urllib.request.urlopen(req, timeout=10).read()
        _, err = p.communicate(timeout=60)
        err = err.decode("utf-8", "replace")
        check(p.returncode == 0, "a Message Batch canceled at the provider: the run finishes",
              err)
        check("ended, 0 of 2 done, 2 failed" in err, "progress shows it ended, all canceled", err)
        check(sorted(e["prompt"] for e in fake.events("online")) == prompts and
              all(x["response"].startswith("online answer") for x in records(out)),
              "its requests were answered online, once each", fake.events("online"))
        b = load_json(os.path.join(out, "run.json"))["batch"]["model"]
        check(b["batches"][0]["status"] == "ended" and b["failed"] == 2 and b["succeeded"] == 0,
              "run.json: the batch ended with 2 requests not answered", b)
    finally:
        fake.close()


def azure(tmp):
    fake = Fake(tmp, "azure")
    try:
        src = prompts_file(tmp, "azure", ["azure request %d" % i for i in range(3)] +
                           ["azure broken [[batch:fail]]"])
        out = os.path.join(tmp, "azure-run")
        args = ["run", src, "-m", "azure/dep-batch", "--base-url", root(fake), "--api-version",
                "2024-10-21", "--api-key-env", "MSB_BATCH_KEY", "--out", out, "--batch",
                "--batch-poll-interval", "0.05", "--max-unscored", "1"]
        r = run(args, env=env())
        check(r.rc == 0, "azure/DEPLOYMENT with --batch finishes", r)
        evs = fake.events()
        check(evs and all(e["api_key"] == CANARY and e["api_version"] == "2024-10-21" and
                          e["auth"] is None for e in evs),
              "every call went to the resource's /openai paths with api-version and api-key",
              evs[:2])
        check(len(fake.events("upload")) == 1 and len(fake.events("create")) == 1,
              "one input file uploaded, one batch created")
        by_prompt = {x["prompt"]: x["response"] for x in records(out)}
        check(all(v.startswith("batch answer") for p, v in by_prompt.items() if "fail" not in p)
              and by_prompt["azure broken [[batch:fail]]"].startswith("online answer"),
              "batch answers mapped back; the failed request answered online", by_prompt)
        with open(os.path.join(out, "batch", "input-model-0.jsonl"), encoding="utf-8") as f:
            lines = [json.loads(l) for l in f if l.strip()]
        online = [e["body"] for e in fake.events("online")]
        check(all(l["url"] == "/chat/completions" and l["body"]["model"] == "dep-batch"
                  for l in lines) and len(online) == 1 and
              [l["body"] for l in lines if "fail" in l["body"]["messages"][-1]["content"]] ==
              online, "lines name /chat/completions and the deployment; a body equals the "
              "online request's", (lines[:1], online))
        b = load_json(os.path.join(out, "run.json"))["batch"]["model"]
        check(b["provider"] == "azure" and b["requests"] == 4 and b["succeeded"] == 3,
              "run.json names the azure provider", b)
        no_canary(out, "azure batch")
    finally:
        fake.close()


def main():
    with TempDir() as tmp:
        anthropic_full(tmp)
        anthropic_failures(tmp)
        anthropic_kill_and_resume(tmp)
        anthropic_split_and_hostile(tmp)
        anthropic_canceled_elsewhere(tmp)
        azure(tmp)


if __name__ == "__main__":
    main()
