"""medsafety run against an OpenAI-compatible server (tests/server/msb_test_server)."""
from clitest import *

with TempDir() as tmp, TestServer() as srv:
    out = os.path.join(tmp, "a")
    env = base_env(MY_TEST_KEY="sk-test-secret-value-123")
    r = run(["run", "--model", "openai/test-model", "--base-url", srv.url, "--api-key-env",
             "MY_TEST_KEY", "--limit", "9", "--out", out, "-q"], env=env)
    check(r.rc == 0, "openai/MODEL through --base-url", r)
    recs = records(out)
    check(len(recs) == 9 and all(x["response"].startswith("echo:") for x in recs),
          "9 answers from the server", recs[:1])
    check(all(x["score"] == 5 for x in recs), "echoes are no refusals: score 5")
    cfg = load_json(os.path.join(out, "run.json"))["config"]
    check(cfg["model"]["base_url"] == srv.url and cfg["model"]["api_key_env"] == "MY_TEST_KEY",
          "run.json names the base URL and the key's variable", cfg)
    leaked = [os.path.join(d, f) for d, _, files in os.walk(out) for f in files  # figures/ too
              if "sk-test-secret-value-123" in open(os.path.join(d, f), errors="replace").read()]
    check(not leaked, "the API key is in no file of the run folder", leaked)

    # OPENAI_BASE_URL when there is no --base-url; the judge over HTTP too
    out = os.path.join(tmp, "b")
    r = run(["run", "-m", "openai/m", "-j", "openai/judge-model", "--limit", "3", "--out", out, "-q",
             "--max-unscored", "1"], env=base_env(OPENAI_BASE_URL=srv.url))
    check(r.rc == 0, "OPENAI_BASE_URL is used for the model and the judge", r)
    cfg = load_json(os.path.join(out, "run.json"))["config"]
    check(cfg["model"]["base_url"] == srv.url and cfg["judge"]["base_url"] == srv.url,
          "run.json records the URLs taken from OPENAI_BASE_URL", cfg)
    recs = records(out)
    check(len(recs) == 3 and all(x["judge"]["name"].startswith("llm:") for x in recs),
          "an LLM judge rated each answer", recs[:1])
    check(all(x["score"] is None for x in recs), "an answer without '#score:' gives no score (null)")

    # the same through a configuration file, with the completions endpoint
    cf = os.path.join(tmp, "local.yaml")
    with open(cf, "w") as f:
        f.write("model:\n  spec: openai/local\n  base_url: %s\n  endpoint: completions\n"
                "  prompt_format: llama2\n  timeout: 10\njudge:\n  spec: refusal\n"
                "dataset:\n  limit: 4\nrun:\n  concurrency: 2\n" % srv.url)
    r = run(["run", "--config", cf, "--out", os.path.join(tmp, "c"), "-q"])
    check(r.rc == 0 and len(records(os.path.join(tmp, "c"))) == 4, "a config file: completions endpoint", r)

    # the response cache: a second run asks the server nothing
    cache = os.path.join(tmp, "cache")
    for name in ("k1", "k2"):
        r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--limit", "3", "--cache", cache,
                 "--out", os.path.join(tmp, name), "-q"])
        check(r.rc == 0, "--cache run " + name, r)
    s1 = load_json(os.path.join(tmp, "k1", "run.json"))["session"]
    s2 = load_json(os.path.join(tmp, "k2", "run.json"))["session"]
    check(s1["model_requests"] == 3 and s2["model_requests"] == 0 and s2["cache_hits"] >= 3,
          "--cache: the second run is answered from the cache", (s1, s2))

    # a budget stops the run resumably: exit 1 and how to go on
    out = os.path.join(tmp, "budget")
    r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--limit", "6", "--concurrency", "1",
             "--max-requests", "2", "--out", out])
    check(r.rc == 1 and "budget reached" in r.err and "--resume" in r.err,
          "--max-requests 2: stops with exit 1", r)
    check(len(records(out)) == 2, "--max-requests 2: two records", len(records(out)))

with TempDir() as tmp, TestServer("--fault-rate", "1", "--fault", "500") as srv:
    r = run(["run", "-m", "openai/m", "--base-url", srv.url, "--retries", "0", "--limit", "3",
             "--out", os.path.join(tmp, "f")])
    check(r.rc == 1 and "every item failed" in r.err, "every request fails: exit 1", r)
    recs = records(os.path.join(tmp, "f"))
    check(all(x["error"] and x["error"]["stage"] == "model" and x["score"] is None for x in recs),
          "failed items carry an error and no score", recs[:1])
