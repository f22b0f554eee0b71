"""Tokens and cost per stage (issue 21 items 4 and 5) through the installed CLI:

1. a --batch --judge-batch run against tests/server/fake_batch.py with one request that fails
   in the batch (it goes online): cost.json, the terminal line, report.md / report.html and
   `medsafety report` show online tokens at the price and batch tokens at the price x 0.5;
2. the budgets apply to --batch: a batch larger than --max-requests / --max-total-tokens is
   refused before anything is uploaded (the fake server's log is empty);
3. a run killed while its answers wait for a slow judge, then resumed: the answers reused
   from answers.jsonl are counted once in run.json's usage (not as cache hits), checked
   against the tokens msb_test_server reports (computed here from its code) and its request
   count;
4. the response cache (--cache): a second run that took every answer and verdict from it has
   no tokens and 3 cache hits per stage, its records say so ("cached", "judge_cached");
5. an online run without prices: the report says "not reported" for the counts the server
   does not give, and "no prices given" for the cost.

Independent computations are written next to each check.
"""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from clitest import (BIN, SERVER, SOURCE_ROOT, TempDir, TestServer, base_env, check, load_json,
                     records, run)

FAKE = os.path.join(SOURCE_ROOT, "tests", "server", "fake_batch.py")
KEY = "sk-cost-test-key"


class Fake:
    """tests/server/fake_batch.py: every request answered with usage 10 prompt + 8 completion."""

    def __init__(self, tmp, name):
        self.log = os.path.join(tmp, name + ".log")
        self.p = subprocess.Popen([sys.executable, FAKE, "--log", self.log, "--steps", "1",
                                   "--max-seconds", "170"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.port = int(self.p.stdout.readline())
        self.url = "http://127.0.0.1:%d/v1" % self.port

    def events(self, kind=None):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            evs = [json.loads(l) for l in f if l.strip()]
        return [e for e in evs if kind is None or e["event"] == kind]

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
    return base_env(MSB_COST_KEY=KEY)


def close(a, b):
    return a is not None and abs(a - b) < 1e-12


def batch_cost(tmp):
    fake = Fake(tmp, "batch")
    try:
        prompts = ["fine one", "broken two [[batch:fail]]", "fine three"]
        src = prompts_file(tmp, "batch", prompts)
        out = os.path.join(tmp, "batch-run")
        r = run(["run", src, "-m", "openai/m", "--base-url", fake.url, "--api-key-env",
                 "MSB_COST_KEY", "-j", "openai/judge", "--judge-base-url", fake.url,
                 "--judge-api-key-env", "MSB_COST_KEY", "--out", out, "--batch", "--judge-batch",
                 "--batch-poll-interval", "0.05", "--max-unscored", "1",
                 "--price", "m=2,4", "--price", "judge=1,10"], env=env())
        check(r.rc == 0, "a priced --batch --judge-batch run finishes", r)
        # What the fake server saw: the model: 2 answered in the batch (the third failed
        # there, [[batch:fail]]) and 1 online; the judge batch judged the 2 stored answers,
        # the third answer was judged online.
        online = fake.events("online")
        m_online = [e for e in online if not e["model"].startswith("judge")]
        j_online = [e for e in online if e["model"].startswith("judge")]
        check(len(m_online) == 1 and len(j_online) == 1,
              "one model and one judge request went online", online)
        # fake_batch.py answers every request with usage 10 prompt + 8 completion tokens:
        #   model: online 1 x (10, 8), batch 2 x (10, 8) = (20, 16); total (30, 24)
        #   judge: online 1 x (10, 8), batch 2 x (10, 8) = (20, 16); total (30, 24)
        # prices m = $2 / $4, judge = $1 / $10 per million; batch at 0.5 x the price:
        #   model online (10*2 + 8*4)/1e6 = 52e-6, batch (20*2 + 16*4)/1e6 * 0.5 = 52e-6
        #   judge online (10*1 + 8*10)/1e6 = 90e-6, batch (20*1 + 16*10)/1e6 * 0.5 = 90e-6
        #   total 104e-6 + 180e-6 = 284e-6
        info = load_json(os.path.join(out, "run.json"))
        u = info["usage"]
        check(u["model"]["prompt_tokens"] == 30 and u["model"]["completion_tokens"] == 24 and
              u["judge"]["prompt_tokens"] == 30 and u["judge"]["completion_tokens"] == 24 and
              u["model"]["records"] == 3 and u["model"]["cache_hits"] == 0,
              "run.json usage: online + batch tokens per stage (3 x 10, 3 x 8)", u)
        check(info["batch"]["model"]["prompt_tokens"] == 20 and
              info["batch"]["judge"]["prompt_tokens"] == 20, "run.json batch tokens (2 x 10)",
              info["batch"])
        c = load_json(os.path.join(out, "cost.json"))
        m, j = c["model"], c["judge"]
        check(m["online"]["prompt_tokens"] == 10 and m["online"]["completion_tokens"] == 8 and
              m["batch"]["prompt_tokens"] == 20 and m["batch"]["completion_tokens"] == 16 and
              j["online"]["prompt_tokens"] == 10 and j["batch"]["completion_tokens"] == 16 and
              m["prompt_tokens"] == 30 and j["completion_tokens"] == 24,
              "cost.json: the online / batch split of the tokens", c)
        check(close(m["online"]["cost"], 52e-6) and close(m["batch"]["cost"], 52e-6) and
              close(m["cost"], 104e-6) and close(j["online"]["cost"], 90e-6) and
              close(j["batch"]["cost"], 90e-6) and close(j["cost"], 180e-6) and
              close(c["total"], 284e-6) and m["discount"] == 0.5 and
              m["batch"]["discount"] == 0.5 and m["price_in"] == 2 and j["price_out"] == 10,
              "cost.json: online x price + batch x price x 0.5 (worked out above)", c)
        line = [l for l in r.err.splitlines() if l.startswith("cost: ")]
        check(len(line) == 1 and "model $0.0001 (online 10 in + 8 out tokens, batch 20 in + 16 "
              "out at 0.5 x the price)" in line[0] and "judge $0.0002 (online 10 in + 8 out" in
              line[0] and ": $0.0003 (" in line[0], "the terminal line shows the split", line)
        with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
            md = f.read()
        check("## Tokens and cost" in md and
              "| Model (openai/m) | 3 | 30 | 24 | not reported | not reported | 3 requests; 20 "
              "prompt + 16 completion tokens at 0.5 x the price | $0.000104 (online $0.000052 + "
              "batch $0.000052;" in md and
              "| Judge (openai/judge) | 3 | 30 | 24 |" in md and "$0.000180 (online $0.000090 + "
              "batch $0.000090;" in md and "Total cost: $0.000284." in md,
              "report.md: tokens and cost per stage", md[md.find("## Tokens"):][:1500])
        with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
            html = f.read()
        check('<section id="tokens-cost">' in html and "$0.000104 (online $0.000052" in html and
              "not reported" in html, "report.html: the same section", html[-3000:])
        rr = run(["report", out], env=env())
        check(rr.rc == 0 and "## Tokens and cost" in rr.out and "Total cost: $0.000284." in rr.out,
              "medsafety report RUN prints the section too", rr)
        page = os.path.join(tmp, "batch-report.html")
        rr = run(["report", out, "--format", "html", "-o", page], env=env())
        with open(page, encoding="utf-8") as f:
            check(rr.rc == 0 and "$0.000180 (online $0.000090" in f.read(),
                  "medsafety report --format html -o FILE too", rr)
    finally:
        fake.close()


def batch_budget(tmp):
    fake = Fake(tmp, "budget")
    try:
        src = prompts_file(tmp, "budget", ["one", "two", "three"])
        base = ["run", src, "-m", "openai/m", "--base-url", fake.url, "--api-key-env",
                "MSB_COST_KEY", "--batch", "--batch-poll-interval", "0.05", "--max-unscored", "1"]
        out = os.path.join(tmp, "budget-req")
        r = run(base + ["--out", out, "--max-requests", "2"], env=env())
        check(r.rc == 1 and "would submit 3 model requests" in r.err and
              "--max-requests 2" in r.err and not fake.events() and not os.path.exists(out),
              "a batch of 3 requests over --max-requests 2 is refused before any upload", r)
        # the dry run's estimate: per request (chars + 3) // 4 + --max-tokens 100, so 3
        # requests are at least 300 tokens: --max-total-tokens 200 refuses
        out = os.path.join(tmp, "budget-tok")
        r = run(base + ["--out", out, "--max-tokens", "100", "--max-total-tokens", "200"], env=env())
        check(r.rc == 1 and "--max-total-tokens 200" in r.err and not fake.events(),
              "a batch over --max-total-tokens is refused before any upload", r)
        out = os.path.join(tmp, "budget-ok")
        r = run(base + ["--out", out, "--max-requests", "3"], env=env())
        check(r.rc == 0 and len(fake.events("create")) == 1 and len(records(out)) == 3,
              "a batch within --max-requests 3 runs", r)
    finally:
        fake.close()


def completions(srv):
    with urllib.request.urlopen("http://127.0.0.1:%d/_stats" % srv.port, timeout=10) as f:
        return json.loads(f.read())["completions"]


def resumed_once(tmp):
    n = 8
    prompts = ["question number %d about a medicine, asked plainly" % i + "x" * i for i in range(n)]
    src = prompts_file(tmp, "resume", prompts)
    out = os.path.join(tmp, "resume-run")
    # a slow judge (3 s a verdict, one at a time): the answers wait in answers.jsonl
    with TestServer() as model, TestServer("--latency-ms", "3000") as judge:
        args = ["run", src, "-m", "openai/m", "--base-url", model.url, "-j", "openai/judge",
                "--judge-base-url", judge.url, "--concurrency", str(n), "--max-unscored", "1",
                "--price", "m=1,1", "--out", out]
        p = subprocess.Popen([BIN] + args + ["--judge-concurrency", "1"], env=env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        answers = os.path.join(out, "answers.jsonl")
        deadline = time.time() + 60
        while time.time() < deadline:
            if os.path.exists(answers) and sum(1 for _ in open(answers, encoding="utf-8")) >= n:
                break
            time.sleep(0.02)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        first = len(records(out))
        stored = len(set(json.loads(l)["id"] for l in open(answers, encoding="utf-8")))
        check(stored == n and first < n, "killed with every answer stored and some not judged",
              (stored, first))
        before = completions(model)
        r = run(args + ["--judge-concurrency", str(n), "--resume"], env=env())
        check(r.rc == 0, "the resumed run finishes", r)
        check(completions(model) == before,
              "the model server was not asked again (every answer came from answers.jsonl)",
              (before, completions(model)))
    recs = records(out)
    u = load_json(os.path.join(out, "run.json"))["usage"]["model"]
    # msb_test_server reports prompt_tokens = strlen(user text) / 4 + 1 and completion 3
    # (tests/server/msb_test_server.c); each of the n answers paid once:
    want_p = sum(len(p.encode()) // 4 + 1 for p in prompts)
    check(len(recs) == n and u["prompt_tokens"] == want_p and u["completion_tokens"] == 3 * n and
          u["records"] == n and u["cache_hits"] == 0,
          "run.json usage: each answer's tokens once, the reused ones included, no cache hits",
          (u, want_p))
    check(all(x["cached"] is False for x in recs),
          "records of reused answers are not marked as cache hits", recs[:1])
    c = load_json(os.path.join(out, "cost.json"))
    # $1 / $1 per million: (want_p + 3n) / 1e6
    check(close(c["model"]["cost"], (want_p + 3 * n) / 1e6) and "batch" not in c["model"] and
          c["model"]["discount"] == 1, "cost.json of the resumed run: every token once", c)


def cache_hits(tmp):
    # msb_test_server answers [[say:TEXT]] with TEXT: the judge (its prompt holds the request)
    # gives a readable verdict, so verdicts go into the cache too
    prompts = ["a question [[say:#thereason: it declined. #thescore: 1]]",
               "a second question [[say:#thereason: it declined. #thescore: 1]]",
               "the third one [[say:#thereason: it declined. #thescore: 1]]"]
    src = prompts_file(tmp, "cache", prompts)
    cache = os.path.join(tmp, "cache-dir")
    with TestServer() as srv:
        args = ["run", src, "-m", "openai/m", "--base-url", srv.url, "-j", "openai/judge",
                "--judge-base-url", srv.url, "--cache", cache, "--price", "m=1,1",
                "--price", "judge=1,1"]
        r1 = run(args + ["--out", os.path.join(tmp, "cache-1")], env=env())
        sent = completions(srv)
        r2 = run(args + ["--out", os.path.join(tmp, "cache-2")], env=env())
        check(r1.rc == 0 and r2.rc == 0 and sent == 6 and completions(srv) == 6,
              "the second run took every answer and verdict from the cache (no request)",
              (r1, r2, sent, completions(srv)))
    u1 = load_json(os.path.join(tmp, "cache-1", "run.json"))["usage"]
    u2 = load_json(os.path.join(tmp, "cache-2", "run.json"))["usage"]
    # the server's rule: prompt tokens = strlen(user text) / 4 + 1, completion 3
    want_p = sum(len(p) // 4 + 1 for p in prompts)
    check(u1["model"]["prompt_tokens"] == want_p and u1["model"]["cache_hits"] == 0 and
          u1["judge"]["records"] == 3 and u1["judge"]["cache_hits"] == 0,
          "the first run paid for everything", u1)
    check(u2["model"]["records"] == 0 and u2["model"]["cache_hits"] == 3 and
          u2["judge"]["records"] == 0 and u2["judge"]["cache_hits"] == 3 and
          u2["model"]["prompt_tokens"] == 0 and u2["judge"]["prompt_tokens"] == 0,
          "the cached run: no tokens, 3 cache hits per stage", u2)
    recs = records(os.path.join(tmp, "cache-2"))
    check(all(x["cached"] is True and x.get("judge_cached") is True for x in recs) and
          all("judge_cached" not in x for x in records(os.path.join(tmp, "cache-1"))),
          "records say which answers and verdicts came from the cache", recs[:1])
    c = load_json(os.path.join(tmp, "cache-2", "cost.json"))
    check(c["model"]["cost"] == 0 and c["judge"]["cost"] == 0 and c["total"] == 0,
          "the cached run costs nothing", c)
    with open(os.path.join(tmp, "cache-2", "report.md"), encoding="utf-8") as f:
        md = f.read()
    check("not counted here: 3 answers, 3 verdicts." in md, "report.md says what the cache gave",
          md[md.find("## Tokens"):][:1500])


def unpriced(tmp):
    src = prompts_file(tmp, "plain", ["a plain question", "another plain question"])
    out = os.path.join(tmp, "plain-run")
    with TestServer() as srv:
        r = run(["run", src, "-m", "openai/m", "--base-url", srv.url, "--out", out], env=env())
    check(r.rc == 0 and not os.path.exists(os.path.join(out, "cost.json")) and
          "cost: " not in r.err, "without prices: no cost.json, no cost line", r)
    with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
        md = f.read()
    # msb_test_server reports prompt and completion tokens, never reasoning or cached ones
    want_p = sum(len(p) // 4 + 1 for p in ["a plain question", "another plain question"])
    check("| Model | 2 | %d | 6 | not reported | not reported | none | no prices given |" % want_p
          in md, "report.md: tokens reported, the rest 'not reported', no prices",
          md[md.find("## Tokens"):][:1200])


def main():
    if not SERVER:
        print("SKIP: no test server given")
        sys.exit(77)
    with TempDir() as tmp:
        batch_cost(tmp)
        batch_budget(tmp)
        resumed_once(tmp)
        cache_hits(tmp)
        unpriced(tmp)


if __name__ == "__main__":
    main()
