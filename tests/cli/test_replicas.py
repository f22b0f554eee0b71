"""Replicas (issue 17 item 5): shards sent to two servers that serve one model (same model name,
same settings) have one configuration hash, merge, and share the response cache; the URL is
recorded as provenance. Another model name is another configuration."""
from clitest import *

with TempDir() as tmp, TestServer() as a, TestServer() as b:
    env = base_env(MSB_TEST_KEY="k")
    common = ["-m", "openai/llama", "--api-key-env", "MSB_TEST_KEY", "--limit", "8", "-q"]
    s0, s1 = os.path.join(tmp, "s0"), os.path.join(tmp, "s1")
    cache = os.path.join(tmp, "cache")
    r0 = run(["run"] + common + ["--base-url", a.url, "--shard", "0/2", "--out", s0, "--cache", cache], env=env)
    r1 = run(["run"] + common + ["--base-url", b.url, "--shard", "1/2", "--out", s1], env=env)
    check(r0.rc == 0 and r1.rc == 0, "two shards on two replicas", (r0, r1))
    j0, j1 = load_json(os.path.join(s0, "run.json")), load_json(os.path.join(s1, "run.json"))
    check(j0["config_hash"] == j1["config_hash"], "replicas of one model: one configuration hash")
    check(a.url in j0["model"]["identity"] and b.url in j1["model"]["identity"]
          and j0["model"]["hash_identity"] == j1["model"]["hash_identity"] == "openai:llama",
          "run.json keeps each replica's URL (provenance); hash_identity is the model", (j0["model"], j1["model"]))
    m = os.path.join(tmp, "m")
    r = run(["merge", s0, s1, "--out", m, "-q"])
    check(r.rc == 0, "the shards of two replicas merge", r)
    shards = load_json(os.path.join(m, "run.json"))["dataset"]["shards"]
    check([a.url in shards[0]["model"], b.url in shards[1]["model"]] == [True, True],
          "the merged run.json names the server of each shard", shards)

    # the cache filled through replica a answers for replica b: no request reaches b
    again = os.path.join(tmp, "again")
    r = run(["run"] + common + ["--base-url", b.url, "--shard", "0/2", "--out", again, "--cache", cache], env=env)
    ja = load_json(os.path.join(again, "run.json"))
    check(r.rc == 0 and ja["session"]["cache_hits"] >= len(records(s0)) == ja["session"]["done"] and ja["session"]["model_requests"] == 0,
          "the cache is shared across replicas", ja["session"])
    check([x["response"] for x in sorted(records(again), key=lambda x: x["id"])]
          == [x["response"] for x in sorted(records(s0), key=lambda x: x["id"])], "... with the same answers")

    # another model name is another model: another configuration, refused by merge
    o1 = os.path.join(tmp, "o1")
    r = run(["run", "-m", "openai/other", "--api-key-env", "MSB_TEST_KEY", "--limit", "8", "-q",
             "--base-url", b.url, "--shard", "1/2", "--out", o1], env=env)
    check(r.rc == 0 and load_json(os.path.join(o1, "run.json"))["config_hash"] != j0["config_hash"],
          "another model name: another configuration hash", r)
    r = run(["merge", s0, o1, "--out", os.path.join(tmp, "x")])
    check(r.rc == 2 and one_line(r.err), "... and merge refuses it", r)
