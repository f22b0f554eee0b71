"""Zero means default (issue #15 item 1) through the installed CLI: the command builds version 2
of the options structs, where 0 is "the default", and must keep what its flags said before:
--max-tokens 0 leaves the limit to the server, --top-p 0 sends top_p 0, --judge-max-tokens 0
is the server's limit too, compare --adjust none is no adjustment. run.json records what the
runner sends (model.max_tokens, model.top_p) and the judge's configuration hash."""
from clitest import *

with TempDir() as tmp, TestServer() as srv:
    def model_of(args, name):
        out = os.path.join(tmp, name)
        r = run(["run", "--limit", "2", "-q", "--out", out] + args)
        check(r.rc == 0, "run " + name, r)
        return load_json(os.path.join(out, "run.json"))

    default = model_of([], "default")["model"]
    check(default["max_tokens"] == 512 and default["top_p"] < 0,
          "defaults: 512 tokens, top_p left out", default)
    zero = model_of(["--max-tokens", "0", "--top-p", "0"], "zero")["model"]
    check(zero["max_tokens"] == 0, "--max-tokens 0: the server's limit (0 in run.json)", zero)
    check(zero["top_p"] == 0.0, "--top-p 0: sent as 0", zero)
    cf = os.path.join(tmp, "c.yaml")
    with open(cf, "w") as f:
        f.write("model:\n  max_tokens: 0\n  top_p: 0\n")
    yaml = model_of(["--config", cf], "yaml")["model"]
    check(yaml == zero, "the same in YAML", yaml)
    some = model_of(["--top-p", "0.5", "--max-tokens", "7"], "some")["model"]
    check(some["top_p"] == 0.5 and some["max_tokens"] == 7, "other values as given", some)

    # the LLM judge: 0 is the server's limit, not the default 512
    def judge_hash(extra, name):
        out = os.path.join(tmp, name)
        r = run(["run", "--limit", "2", "-q", "--out", out, "--judge", "openai/j",
                 "--judge-base-url", srv.url, "--max-unscored", "1"] + extra)
        check(r.rc == 0, "run " + name, r)
        return load_json(os.path.join(out, "run.json"))["judge"]["config_hash"]
    j_default = judge_hash([], "j-default")
    j_512 = judge_hash(["--judge-max-tokens", "512"], "j-512")
    j_zero = judge_hash(["--judge-max-tokens", "0"], "j-zero")
    check(j_default == j_512, "the judge's default is 512 tokens")
    check(j_zero != j_default, "--judge-max-tokens 0 is another judge (the server's limit)")

    # compare: the default is Holm's adjustment, --adjust none none
    a, b = os.path.join(tmp, "default"), os.path.join(tmp, "zero")
    for args, want in (([], "holm"), (["--adjust", "holm"], "holm"), (["--adjust", "none"], "none")):
        r = run(["compare", a, b, "--json"] + args)
        check(r.rc in (0, 1), "compare " + " ".join(args), r)
        test = json.loads(r.out)["test"]
        check(test["adjust"] == want, "compare %s: adjust %s" % (args, want), test)
        check(test["resamples"] == 2000, "compare: 2000 bootstrap resamples by default", test)
print("ok")
