"""Providers through the installed CLI (issue #21 items 1 and 2): anthropic/MODEL as model and
as judge in one run (Messages shapes from msb_test_server, which answers POST .../v1/messages
as the Messages API does and refuses what it refuses: no max_tokens, a seed, a system role),
with 529, 429 + Retry-After and error bodies; azure/DEPLOYMENT with an OpenAI judge (the
deployment URL, api-version, the api-key header, the content filter recorded as a refusal).
Keys are canaries: never in a file of the run, stdout or stderr."""
import glob
import urllib.request
from clitest import *

AKEY = "sk-ant-CanaryAnth3e8d"
ZKEY = "CanaryAzureKey77b1"


def stats(srv):
    with urllib.request.urlopen("http://127.0.0.1:%d/_stats" % srv.port, timeout=10) as f:
        return json.loads(f.read())


def leaks(texts, dirs):
    found = []
    for t in texts:
        found += [k for k in (AKEY, ZKEY) if k in t]
    for d in dirs:
        for path in glob.glob(os.path.join(d, "**"), recursive=True):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    data = f.read()
                found += ["%s: %s" % (path, k) for k in (AKEY, ZKEY) if k.encode() in data]
    return found


def env(**kw):
    e = base_env(**kw)
    for k in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "AZURE_OPENAI_API_KEY",
              "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION"):
        if k not in kw:
            e.pop(k, None)
    return e


def write_jsonl(path, prompts):
    with open(path, "w", encoding="utf-8") as f:
        for i, p in enumerate(prompts):
            f.write(json.dumps({"id": "p%d" % i, "prompt": p}) + "\n")


with TempDir() as tmp:
    # 1. Anthropic as model and judge. [[echo]]: the model answers with the prompt and the judge
    #    with its own prompt, which holds the item's "#score: N". [[fault:K*1]]: the first request
    #    of each text (the model's, then the judge's) fails with K, the retry is answered.
    data = os.path.join(tmp, "a.jsonl")
    write_jsonl(data, ["[[echo]] plain #score: 2",
                       "[[echo]] [[fault:529*1]] overloaded once #score: 3",
                       "[[echo]] [[fault:429ra*1]] rate limited once #score: 1",
                       "[[fault:400]] a bad request",
                       "[[fault:refusal]] refused by the classifier"])
    with TestServer("--retry-after", "1") as srv:
        out = os.path.join(tmp, "anth")
        r = run(["run", data, "-m", "anthropic/claude-test", "--base-url", srv.url,
                 "--api-key-env", "ANTHROPIC_API_KEY", "--system-prompt", "Be careful.",
                 "--generation-seed", "5", "--max-tokens", "64",
                 "-j", "anthropic/claude-judge", "--judge-base-url", srv.url,
                 "--judge-api-key-env", "ANTHROPIC_API_KEY", "--backoff", "0.01",
                 "--judge-backoff", "0.01", "--max-unscored", "1", "--out", out],
                env=env(ANTHROPIC_API_KEY=AKEY))
        check(r.rc == 0, "anthropic/MODEL as model and judge: the run finishes", r)
        recs = {x["id"]: x for x in records(out)}
        check([recs["p%d" % i]["score"] for i in range(3)] == [2, 3, 1],
              "the Anthropic judge's verdicts on the Anthropic model's answers",
              [recs["p%d" % i] for i in range(3)])
        check(recs["p1"]["attempts"] == 2 and recs["p1"]["judge_attempts"] == 2,
              "529 overloaded_error: model and judge retried once each", recs["p1"])
        check(recs["p2"]["attempts"] == 2 and recs["p2"]["judge_attempts"] == 2,
              "429 with Retry-After: model and judge retried once each", recs["p2"])
        e = recs["p3"]["error"]
        check(e and e["stage"] == "model" and e["kind"] == "http" and
              "injected failure" in e["message"] and "HTTP 400" in e["message"],
              "an Anthropic error body (400): its message in the record", e)
        x = recs["p4"]
        check(x.get("refusal") is True and x.get("finish_reason") == "refusal" and
              "stop_reason" in (x["response"] or ""),
              "stop_reason refusal: recorded as a refusal, with a note as the response", x)
        check(recs["p0"]["usage"]["prompt_tokens"] > 0 and
              recs["p0"]["usage"]["completion_tokens"] == 3 and
              recs["p0"]["usage"]["judge_prompt_tokens"] > 0,
              "usage of both stages from Messages usage", recs["p0"]["usage"])
        s = stats(srv)
        check(s["authorization"] == "x-api-key: " + AKEY and s["anthropic_version"] == "2023-06-01"
              and s["last_path"] == "/v1/messages",
              "x-api-key, anthropic-version and POST /v1/messages", s)
        info = load_json(os.path.join(out, "run.json"))
        check(info["model"]["identity"].startswith("anthropic:claude-test@") and
              info["config"]["model"]["spec"] == "anthropic/claude-test",
              "run.json names the Anthropic model", info["model"])
        outs = [r.out, r.err]
        for fmt in ("md", "json"):
            rr = run(["report", out, "--format", fmt], env=env())
            outs += [rr.out, rr.err]
        # ANTHROPIC_API_KEY is not sent to another host unless it is named
        r2 = run(["run", data, "-m", "anthropic/claude-test", "--base-url", srv.url, "--limit", "1",
                  "--max-unscored", "1", "-q", "--out", os.path.join(tmp, "nokey")],
                 env=env(ANTHROPIC_API_KEY=AKEY))
        s2 = stats(srv)
        check(r2.rc == 0 and s2["auth_requests"] == s["auth_requests"],
              "a local server gets no x-api-key unless --api-key-env names it", (r2, s, s2))
        outs += [r2.out, r2.err]
        found = leaks(outs, (out, os.path.join(tmp, "nokey")))
        check(not found, "the Anthropic key is in no file, stdout or stderr", found)

    # 2. Azure OpenAI model, OpenAI-compatible judge (another server)
    data = os.path.join(tmp, "z.jsonl")
    write_jsonl(data, ["[[echo]] azure one #score: 2", "[[echo]] azure two #score: 1"])
    with TestServer() as az, TestServer() as judge, TestServer("--fault", "filter400",
                                                                "--fault-rate", "1") as filt:
        out = os.path.join(tmp, "azure")
        r = run(["run", data, "-m", "azure/my-deployment", "--api-key-env", "AZURE_OPENAI_API_KEY",
                 "-j", "openai/judge", "--judge-base-url", judge.url, "--out", out],
                env=env(AZURE_OPENAI_API_KEY=ZKEY, AZURE_OPENAI_ENDPOINT="http://127.0.0.1:%d" % az.port,
                        OPENAI_API_VERSION="2024-06-01"))
        check(r.rc == 0, "azure/DEPLOYMENT (endpoint and version from the environment) with an "
              "OpenAI judge", r)
        # records are journaled as their requests finish: compare in id order
        check([x["score"] for x in sorted(records(out), key=lambda x: x["id"])] == [2, 1],
              "scores of the Azure run", records(out))
        s = stats(az)
        check(s["last_path"] == "/openai/deployments/my-deployment/chat/completions"
              "?api-version=2024-06-01" and s["authorization"] == "api-key: " + ZKEY,
              "the deployment URL with api-version, the key in api-key", s)
        info = load_json(os.path.join(out, "run.json"))
        check(info["config"]["model"]["api_version"] == "2024-06-01" and
              info["model"]["identity"].startswith("azure[2024-06-01]:my-deployment@"),
              "run.json: the api-version and the deployment", info["model"])
        # the content filter (HTTP 400, code content_filter) is a refusal, judged
        out2 = os.path.join(tmp, "filtered")
        r2 = run(["run", data, "-m", "azure/d", "--base-url", "http://127.0.0.1:%d" % filt.port,
                  "--api-version", "2024-10-21", "-j", "openai/judge", "--judge-base-url",
                  judge.url, "--out", out2], env=env())
        recs = sorted(records(out2), key=lambda x: x["id"])
        check(r2.rc == 0 and all(x.get("refusal") is True and x["finish_reason"] == "content_filter"
                                 and x["error"] is None for x in recs) and
              [x["score"] for x in recs] == [2, 1],
              "Azure's content filter: recorded as a refusal and judged", (r2, recs))
        check(stats(filt)["auth_requests"] == 0,
              "no key variable named, a non-Azure host: no api-key header", stats(filt))
        found = leaks([r.out, r.err, r2.out, r2.err], (out, out2))
        check(not found, "the Azure key is in no file, stdout or stderr", found)

    # 3. SPECs and flags that do not fit are usage errors
    r = run(["run", "-m", "azure/d", "--limit", "1", "--out", os.path.join(tmp, "nourl")], env=env())
    check(r.rc == 2 and "base URL" in r.err, "azure/ without a resource URL: exit 2", r)
    r = run(["run", "-m", "anthropic/m", "--endpoint", "completions", "--limit", "1", "--out",
             os.path.join(tmp, "nocomp")], env=env())
    check(r.rc == 2 and "messages" in r.err, "anthropic/ with --endpoint completions: exit 2", r)
    r = run(["run", "-m", "anthropic/", "--limit", "1"], env=env())
    check(r.rc == 2 and "anthropic/MODEL" in r.err, "anthropic/ without a model: exit 2", r)

    # 4. Tokens and cost per stage (item 5): run.json "usage" and RUN/cost.json against sums
    #    and prices computed here from the records (cost = (in * IN + out * OUT) / 1e6)
    data = os.path.join(tmp, "u.jsonl")
    write_jsonl(data, ["[[echo]] one #score: 2", "[[echo]] two, longer #score: 1",
                       "[[echo]] three #score: 3"])
    with TestServer() as srv:
        out = os.path.join(tmp, "cost")
        r = run(["run", data, "-m", "anthropic/claude-test", "--base-url", srv.url,
                 "-j", "openai/judge", "--judge-base-url", srv.url, "--price", "claude-test=3,15",
                 "--price", "openai/judge=0.5,1.5", "--out", out], env=env())
        check(r.rc == 0 and "cost: model" in r.err, "a priced run prints its cost", r)
        recs = records(out)
        mp = sum(x["usage"]["prompt_tokens"] for x in recs)
        mc = sum(x["usage"]["completion_tokens"] for x in recs)
        jp = sum(x["usage"]["judge_prompt_tokens"] for x in recs)
        jc = sum(x["usage"]["judge_completion_tokens"] for x in recs)
        u = load_json(os.path.join(out, "run.json"))["usage"]
        check(u["model"]["prompt_tokens"] == mp and u["model"]["completion_tokens"] == mc and
              u["judge"]["prompt_tokens"] == jp and u["judge"]["completion_tokens"] == jc and
              u["model"]["records"] == 3 and u["model"]["cached_tokens"] == 0 and
              u["judge"]["reasoning_tokens"] is None,
              "run.json usage per stage: the records' sums", (u, mp, mc, jp, jc))
        cost = load_json(os.path.join(out, "cost.json"))
        want_m = (mp * 3 + mc * 15) / 1e6
        want_j = (jp * 0.5 + jc * 1.5) / 1e6
        check(abs(cost["model"]["cost"] - want_m) < 1e-12 and
              abs(cost["judge"]["cost"] - want_j) < 1e-12 and
              abs(cost["total"] - want_m - want_j) < 1e-12 and cost["model"]["discount"] == 1,
              "cost.json: measured tokens times the prices", (cost, want_m, want_j))
    # usage across sessions: a run stopped by its budget, then resumed; run.json's usage is the
    # sum over the final records (the runner keeps it as it writes, without reading back); a
    # model answer re-used from answers.jsonl was paid once and counts once, and only answers
    # from --cache are cache hits (there are none here: every record is "fresh")
    with TestServer() as srv:
        out = os.path.join(tmp, "resumed")
        base = ["run", data, "-m", "openai/m", "--base-url", srv.url, "-j", "openai/judge",
                "--judge-base-url", srv.url, "--concurrency", "1", "--judge-concurrency", "1",
                "--max-unscored", "1", "--out", out]
        r1 = run(base + ["--max-requests", "1"], env=env())
        n1 = len(records(out))
        r2 = run(base + ["--resume"], env=env())
        recs = records(out)
        u = load_json(os.path.join(out, "run.json"))["usage"]
        fresh = [x for x in recs if not x.get("cached")]
        check(r2.rc == 0 and len(recs) == 3 and 1 <= n1 < 3 and len(fresh) == 3 and
              u["model"]["prompt_tokens"] == sum(x["usage"]["prompt_tokens"] for x in fresh) and
              u["model"]["completion_tokens"] == sum(x["usage"]["completion_tokens"] for x in fresh) and
              u["model"]["records"] == len(fresh) and
              u["model"]["cache_hits"] == len(recs) - len(fresh) and
              u["judge"]["prompt_tokens"] == sum(x["usage"]["judge_prompt_tokens"] for x in recs) and
              u["judge"]["records"] == 3,
              "usage after a resume: the sums over the final records", (r1, r2, n1, u, recs))
    # reasoning and cached tokens where the server reports them (OpenAI's usage details)
    body = os.path.join(FIXTURES, "responses", "openai_usage_details.json")
    with TestServer("--body", body) as srv:
        out = os.path.join(tmp, "details")
        r = run(["run", data, "-m", "openai/m", "--base-url", srv.url, "--out", out,
                 "--price", "m=1,2"], env=env())
        recs = records(out)
        u = load_json(os.path.join(out, "run.json"))["usage"]["model"]
        check(r.rc == 0 and u["prompt_tokens"] == 3 * 2006 and u["completion_tokens"] == 3 * 300
              and u["reasoning_tokens"] == sum(x["usage"]["reasoning_tokens"] for x in recs) == 768
              and u["cached_tokens"] == sum(x["usage"]["cached_tokens"] for x in recs) == 5760,
              "reasoning and cached tokens: in each record and summed in run.json", (r, u))
        cost = load_json(os.path.join(out, "cost.json"))
        check(abs(cost["model"]["cost"] - (3 * 2006 * 1 + 3 * 300 * 2) / 1e6) < 1e-12 and
              cost["judge"]["cost"] == 0, "the refusal judge costs nothing", cost)
