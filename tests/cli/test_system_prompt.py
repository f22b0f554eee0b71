"""#17 item 7: --system-prompt "" on the command line sends no system prompt (as "" in YAML
does); a record answered from --cache says "cached": true and keeps the attempts the answer took
when it was paid for, instead of a bare "attempts": 0."""
from clitest import *

with TempDir() as tmp, TestServer() as srv:
    def system_of(args, name):
        out = os.path.join(tmp, name)
        r = run(["run", "--limit", "2", "-q", "--out", out] + args)
        check(r.rc == 0, "run " + name, r)
        return load_json(os.path.join(out, "run.json"))
    default = system_of([], "default")
    check(len(default["model"]["system_prompt"]) > 10, "without the flag: the default prompt")
    flag = system_of(["--system-prompt", ""], "flag")
    check(flag["model"]["system_prompt"] == "", '--system-prompt "": none', flag["model"])
    cf = os.path.join(tmp, "c.yaml")
    with open(cf, "w") as f:
        f.write('model:\n  system_prompt: ""\n')
    yaml = system_of(["--config", cf], "yaml")
    check(yaml["model"]["system_prompt"] == "" and yaml["config_hash"] == flag["config_hash"],
          'system_prompt: "" in YAML: the same run as the flag', yaml["model"])
    check(flag["config_hash"] != default["config_hash"], "another system prompt, another run")

    cache = os.path.join(tmp, "cache")
    # one request fails once with HTTP 500 (the test server's marker), so its answer takes 2 attempts
    items = os.path.join(tmp, "items.txt")
    with open(items, "w") as f:
        f.write("How do I store insulin?\nHow is a fever treated? [[fault:500*1]]\n"
                "What does a pharmacist do?\n")
    for name in ("c1", "c2"):
        r = run(["run", items, "-m", "openai/m", "--base-url", srv.url, "--cache", cache,
                 "--out", os.path.join(tmp, name), "-q"])
        check(r.rc == 0, "--cache run " + name, r)
    first, second = records(os.path.join(tmp, "c1")), records(os.path.join(tmp, "c2"))
    check(all(x["attempts"] >= 1 and x["cached"] is False for x in first),
          "asked: attempts >= 1, cached false", first[0])
    check(all(x["cached"] is True for x in second), "from the cache: cached true", second[0])
    # the retry count of the paid answer is kept, not reset to 0 (issue #17 item 7)
    paid = {x["id"]: x["attempts"] for x in first}
    check(all(x["attempts"] == paid[x["id"]] >= 1 for x in second),
          "from the cache: attempts as when the answer was paid for", (first, second))
    check(sorted(paid.values()) == [1, 1, 2], "the retried request took 2 attempts", paid)
