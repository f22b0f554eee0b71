"""tests/contract/test_contract.py - the contracts outside programs rely on, end to end.

Checks the shapes promised in DESIGN.md "Contracts that outside programs rely on" (and
docs/cli.md) against the real binary: the CLI's commands, options and exit statuses,
`dataset stats --json`, the export formats, results.jsonl, summary.json and run.json of the
offline default run and of a run against the C test server with an LLM judge (no API key in
any file), report/compare/merge/rescore, and the Python names plus the README snippet.

    python3 tests/contract/test_contract.py MEDSAFETY_BINARY MSB_TEST_SERVER

Standard library only; one line per check; the first failed check exits 1.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import clitest as t  # noqa: E402

KEY = "sk-CONTRACT-MARKER-7f3a9c"
GROUP_FIELDS = ["n", "n_scored", "n_unscored", "n_errors", "mean", "sd", "sem", "ci_low",
                "ci_high", "hist", "refusal_rate", "harmful_rate", "full_compliance_rate"]
RECORD_FIELDS = ["id", "principle", "category", "source", "split", "prompt", "response",
                 "score", "judge", "error", "attempts", "latency_ms", "usage", "config_hash"]
PRINCIPLES = [str(p) for p in range(1, 10)]


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


# ---- CLI surface ----

def check_cli_surface():
    r = t.run(["--version"])
    t.check(r.rc == 0 and re.fullmatch(r"medsafety \d+\.\d+\.\d+\n", r.out),
            "--version prints 'medsafety X.Y.Z'", r)
    for cmd in (["run"], ["report"], ["compare"], ["merge"], ["rescore"], ["dataset"],
                ["dataset", "stats"], ["dataset", "export"], ["dataset", "fetch"]):
        r = t.run(cmd + ["--help"])
        t.check(r.rc == 0 and "usage" in r.out.lower() and "example" in r.out.lower(),
                "%s --help exits 0 with a usage and examples" % " ".join(cmd), r)
    for cmd in (["run"], ["dataset", "stats"], ["dataset", "export"]):
        h = t.run(cmd + ["--help"]).out
        t.check(all(f in h for f in ("csv", "text", "json", "jsonl", "hexphi", "medsafetybench")),
                "%s --help names every --input-format" % " ".join(cmd), h)
    # Every option a --help lists is in the manual page and in docs/cli.md.
    helps = "".join(t.run(c + ["--help"]).out for c in (
        [], ["run"], ["report"], ["compare"], ["merge"], ["rescore"], ["dataset"],
        ["dataset", "stats"], ["dataset", "export"], ["dataset", "fetch"]))
    opts = set(re.findall(r"--[a-z][a-z0-9-]+", helps))
    for judge, name in re.findall(r"--((?:judge-)?)\[no-\]([a-z0-9-]+)", helps):
        opts.update(["--" + judge + name, "--" + judge + "no-" + name])
    with open(os.path.join(t.SOURCE_ROOT, "docs", "medsafety.1"), encoding="utf-8") as f:
        man = f.read().replace("\\-", "-")
    man_opts = set(re.findall(r"--[a-z][a-z0-9-]+", man))
    for judge, name in re.findall(r"--((?:judge-)?)\[no-\]([a-z0-9-]+)", man):
        man_opts.update(["--" + judge + name, "--" + judge + "no-" + name])
    t.check(not opts - man_opts, "the manual page names every option of the --help texts",
            sorted(opts - man_opts))
    with open(os.path.join(t.SOURCE_ROOT, "docs", "cli.md"), encoding="utf-8") as f:
        cli_md = f.read()
    t.check(all(o in cli_md for o in opts), "docs/cli.md names every option of the --help texts",
            sorted(o for o in opts if o not in cli_md))
    r = t.run(["no-such-command"])
    t.check(r.rc == 2 and t.one_line(r.err), "unknown command: one line, exit 2", r)
    for cmd in ("run", "report", "compare", "merge", "rescore"):
        r = t.run([cmd, "--no-such-option"])
        t.check(r.rc == 2 and t.one_line(r.err), "%s: unknown option, one line, exit 2" % cmd, r)
    for bad in (["--concurrency", "many"], ["--shard", "4/4"], ["--split", "nope"],
                ["--principle", "10"], ["--sample", "-1"]):
        r = t.run(["run", "--dry-run"] + bad)
        t.check(r.rc == 2 and t.one_line(r.err), "run %s: exit 2, one line" % " ".join(bad), r)


def stats_json(args):
    r = t.run(["dataset", "stats"] + args + ["--json"])
    t.check(r.rc == 0, "dataset stats %s --json exits 0" % " ".join(args), r)
    d = json.loads(r.out)
    t.check(is_int(d.get("items")), "stats: items is an integer", d)
    for k in ("by_split", "by_source", "by_principle"):
        t.check(isinstance(d.get(k), dict) and all(is_int(v) for v in d[k].values()),
                "stats: %s maps names to counts" % k, d)
        t.check(sum(d[k].values()) == d["items"], "stats: %s adds up to items" % k, d)
    t.check(all(p in d["by_principle"] for p in PRINCIPLES),
            "stats: by_principle has every principle 1..9", d)
    t.check(list(d)[:4] == ["items", "by_split", "by_source", "by_principle"],
            "stats: the contract's four keys come first, in order", list(d))
    return d


def check_dataset(tmp):
    d = stats_json([])
    t.check(d["items"] == 27 and d["by_source"] == {"sample": 27}
            and all(d["by_principle"][p] == 3 for p in PRINCIPLES),
            "stats: the default SOURCE is the built-in sample (27 items, 3 per principle)", d)
    d = stats_json(["sample", "--principle", "1,4,9", "--limit", "5"])
    t.check(d["items"] == 5 and set(k for k, v in d["by_principle"].items() if v)
            <= {"1", "4", "9"}, "stats: --principle and --limit filter", d)
    d = stats_json(["sample", "--sample", "9", "--seed", "3"])
    t.check(d["items"] == 9 and all(d["by_principle"][p] == 1 for p in PRINCIPLES),
            "stats: --sample N --seed S is stratified by principle", d)
    shards = [stats_json(["sample", "--shard", "%d/3" % i])["items"] for i in range(3)]
    t.check(sum(shards) == 27, "stats: --shard I/N shards cover the set", shards)
    stats_json(["sample", "--split", "test", "--source", "sample"])

    # Generic files with the column options; principle 0 for none.
    csv_path = os.path.join(tmp, "mine.csv")
    with open(csv_path, "w", encoding="utf-8") as f:
        f.write('q,a,p,k\n"Tell me, please",safe one,3,first\nsecond request,safe two,9,second\n')
    d = stats_json([csv_path, "--prompt-column", "q", "--reference-column", "a",
                    "--principle-column", "p", "--id-column", "k"])
    t.check(d["items"] == 2 and d["by_principle"]["3"] == 1 and d["by_principle"]["9"] == 1,
            "stats: a CSV file with --prompt/--reference/--principle/--id-column", d)
    txt_path = os.path.join(tmp, "mine.txt")
    with open(txt_path, "w", encoding="utf-8") as f:
        f.write("first prompt\nsecond prompt\nthird prompt\n")
    jsonl_path = os.path.join(tmp, "mine.jsonl")
    with open(jsonl_path, "w", encoding="utf-8") as f:
        f.write('{"question": "x1", "cat": 4}\n{"question": "x2", "cat": 5}\n')
    json_path = os.path.join(tmp, "mine.json")
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump([{"question": "y1", "cat": 2}], f)
    t.check(stats_json([txt_path])["items"] == 3, "stats: a TXT file, one prompt per line")
    t.check(stats_json([jsonl_path, "--prompt-column", "question", "--principle-column",
                        "cat"])["by_principle"]["5"] == 1, "stats: a JSONL file with field mapping")
    t.check(stats_json([json_path, "--prompt-column", "question", "--principle-column",
                        "cat"])["items"] == 1, "stats: a JSON array with field mapping")

    out = os.path.join(tmp, "export.jsonl")
    r = t.run(["dataset", "export", txt_path, "--format", "jsonl", "-o", out])
    t.check(r.rc == 0, "export --format jsonl -o FILE", r)
    rows = [json.loads(l) for l in open(out, encoding="utf-8")]
    t.check(len(rows) == 3 and all(x["principle"] == 0 for x in rows)
            and all(set(["id", "principle", "source", "split", "prompt", "reference"]) <= set(x)
                    for x in rows), "export jsonl: fields, principle 0 for none", rows)
    for fmt in ("csv", "openai-chat", "alpaca"):
        out = os.path.join(tmp, "export." + fmt)
        r = t.run(["dataset", "export", "--format", fmt, "-o", out])
        t.check(r.rc == 0 and os.path.getsize(out) > 0, "export --format %s -o FILE" % fmt, r)
    with open(os.path.join(tmp, "export.openai-chat"), encoding="utf-8") as f:
        chat = [json.loads(l) for l in f]
    t.check(len(chat) == 27 and [m["role"] for m in chat[0]["messages"]][-2:]
            == ["user", "assistant"], "export openai-chat: user + assistant messages", chat[0])
    with open(os.path.join(tmp, "export.alpaca"), encoding="utf-8") as f:
        alpaca = json.load(f)
    t.check(len(alpaca) == 27 and {"instruction", "input", "output"} <= set(alpaca[0]),
            "export alpaca: a JSON array of instruction/input/output", alpaca[0])
    r = t.run(["dataset", "export", "--format", "xml", "-o", os.path.join(tmp, "x")])
    t.check(r.rc == 2, "export: an unknown format exits 2", r)

    data = os.environ.get("MEDSAFETY_DATA")
    if data and os.path.isdir(os.path.join(data, "datasets")):
        ds = os.path.join(data, "datasets")
        d = stats_json([ds])
        t.check(d["items"] == 76174 and d["by_split"] == {"test": 900, "train": 900,
                                                          "generated": 74374},
                "stats: the whole datasets/ folder (76,174 items)", d)
        d = stats_json([os.path.join(ds, "test", "gpt4")])
        t.check(d["items"] == 450, "stats: a part of the folder (test/gpt4)", d)
        d = stats_json([os.path.join(ds, "test", "gpt4",
                                     "med_safety_demonstrations_category_3.csv")])
        t.check(d["items"] == 50 and d["by_principle"]["3"] == 50,
                "stats: one MedSafetyBench file, principle from its name", d)
    else:
        print("skip the real-data SOURCE checks: MEDSAFETY_DATA is not there")


# ---- run folders ----

def check_group(g, where):
    t.check(isinstance(g, dict) and all(k in g for k in GROUP_FIELDS),
            "%s: a group with every field" % where, g)
    t.check(all(is_int(g[k]) for k in ("n", "n_scored", "n_unscored", "n_errors")),
            "%s: counts are integers" % where, g)
    t.check(isinstance(g["hist"], list) and len(g["hist"]) == 5 and all(is_int(c) for c in
            g["hist"]) and sum(g["hist"]) == g["n_scored"],
            "%s: hist has five counts adding up to n_scored" % where, g)
    t.check(g["n"] == g["n_scored"] + g["n_unscored"] + g["n_errors"],
            "%s: n = scored + unscored + errors" % where, g)
    for k in GROUP_FIELDS[4:9] + GROUP_FIELDS[10:]:
        t.check(g[k] is None or is_num(g[k]), "%s: %s is a number or null" % (where, k), g)
    if g["n_scored"]:
        h = g["hist"]
        t.check(abs(g["refusal_rate"] - h[0] / g["n_scored"]) < 1e-9
                and abs(g["harmful_rate"] - (h[3] + h[4]) / g["n_scored"]) < 1e-9
                and abs(g["full_compliance_rate"] - h[4] / g["n_scored"]) < 1e-9,
                "%s: rates are shares of the scored items" % where, g)
        mean = sum((i + 1) * c for i, c in enumerate(h)) / g["n_scored"]
        t.check(abs(g["mean"] - mean) < 1e-9, "%s: mean of the scored items only" % where, g)


def check_summary(run_dir, recs):
    s = t.load_json(os.path.join(run_dir, "summary.json"))
    for k in ("overall", "by_principle", "by_source", "by_split"):
        t.check(k in s, "summary.json has %s" % k, list(s))
    check_group(s["overall"], "summary overall")
    for k in ("by_principle", "by_source", "by_split", "by_category"):
        for name, g in s.get(k, {}).items():
            check_group(g, "summary %s[%s]" % (k, name))
    t.check(set(s["by_principle"]) <= set(PRINCIPLES), "summary: by_principle keyed 1..9",
            list(s["by_principle"]))
    o = s["overall"]
    scored = [r for r in recs if r["score"] is not None]
    t.check(o["n"] == len(recs) and o["n_scored"] == len(scored)
            and o["n_errors"] == sum(1 for r in recs if r["error"] is not None)
            and o["hist"] == [sum(1 for r in scored if r["score"] == v) for v in range(1, 6)],
            "summary overall agrees with results.jsonl (null scores never counted as 1..5)",
            (o, [(r["score"], r["error"]) for r in recs]))
    for name in set(r["source"] for r in recs):
        t.check(s["by_source"][name]["n"] == sum(1 for r in recs if r["source"] == name),
                "summary by_source[%s].n" % name, s["by_source"])
    return s


def check_records(run_dir):
    recs = t.records(run_dir)
    t.check(len(recs) > 0, "results.jsonl has records")
    for r in recs:
        where = "record %s" % r.get("id")
        t.check(all(k in r for k in RECORD_FIELDS), "%s: every contract field" % where, r)
        t.check(isinstance(r["id"], str) and is_int(r["principle"]) and 0 <= r["principle"] <= 9
                and isinstance(r["source"], str) and isinstance(r["split"], str)
                and isinstance(r["prompt"], str), "%s: id/principle/source/split/prompt types"
                % where, r)
        t.check(r["response"] is None or isinstance(r["response"], str),
                "%s: response is a string or null" % where, r)
        t.check(r["score"] is None or (is_int(r["score"]) and 1 <= r["score"] <= 5),
                "%s: score is 1..5 or null" % where, r)
        j = r["judge"]
        t.check(isinstance(j, dict) and all(k in j for k in ("name", "reason", "raw"))
                and isinstance(j["name"], str), "%s: judge has name, reason, raw" % where, r)
        e = r["error"]
        t.check(e is None or (isinstance(e, dict) and e.get("stage") in ("model", "judge")
                              and isinstance(e.get("kind"), str)
                              and isinstance(e.get("message"), str)),
                "%s: error is null or {stage, kind, message}" % where, r)
        t.check(e is None or r["score"] is None, "%s: an error has no score" % where, r)
        t.check(is_int(r["attempts"]) and is_num(r["latency_ms"]) and isinstance(r["usage"], dict)
                and isinstance(r["config_hash"], str) and len(r["config_hash"]) == 64,
                "%s: attempts, latency_ms, usage, config_hash" % where, r)
    t.check(len(set(r["config_hash"] for r in recs)) == 1, "one config_hash per run")
    return recs


def check_run_json(run_dir, recs):
    rj = t.load_json(os.path.join(run_dir, "run.json"))
    t.check(rj.get("library") == "libmedsafety" and re.fullmatch(r"\d+\.\d+\.\d+",
            str(rj.get("version"))), "run.json: library and version", rj)
    ds = rj.get("dataset", {})
    if rj.get("status") == "merged":
        t.check(is_int(ds.get("items")) and len(ds.get("shards", [])) == len(rj["merged_from"])
                and all(isinstance(x.get("hash"), str) and len(x["hash"]) == 64
                        and is_int(x.get("items")) for x in ds["shards"])
                and sum(x["items"] for x in ds["shards"]) == ds["items"],
                "merged run.json: every shard's dataset hash and item count", ds)
        cfg = rj.get("config", {})
        t.check("shard" not in cfg.get("dataset", {}) and "out" not in cfg.get("run", {}),
                "merged run.json: no shard's own place in the configuration", cfg)
    else:
        t.check(isinstance(ds.get("hash"), str) and len(ds["hash"]) == 64
                and is_int(ds.get("items")), "run.json: dataset hash and item count", ds)
    t.check(isinstance(rj.get("model", {}).get("identity"), str), "run.json: model identity",
            rj.get("model"))
    t.check(isinstance(rj.get("judge", {}).get("name"), str)
            and isinstance(rj["judge"].get("config_hash"), str),
            "run.json: judge name and its configuration (prompt) hash", rj.get("judge"))
    t.check(all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(rj.get(k)))
                for k in ("start_time", "end_time")), "run.json: start and end time", rj)
    t.check(rj.get("config_hash") == recs[0]["config_hash"],
            "run.json config_hash is the records'", rj.get("config_hash"))
    return rj


def check_run_folder(run_dir):
    for f in ("results.jsonl", "run.json", "summary.json", "report.md", "report.html"):
        t.check(os.path.isfile(os.path.join(run_dir, f)), "run folder holds %s" % f)
    recs = check_records(run_dir)
    check_summary(run_dir, recs)
    rj = check_run_json(run_dir, recs)
    return recs, rj


def check_no_key(run_dir, extra_text=""):
    # every file, those in subfolders (figures/) too
    names = sorted(os.path.relpath(os.path.join(d, n), run_dir)
                   for d, _, files in os.walk(run_dir) for n in files)
    for name in names:
        with open(os.path.join(run_dir, name), "rb") as f:
            t.check(KEY.encode() not in f.read(), "no API key in %s" % name)
    t.check(KEY not in extra_text, "no API key on standard output or error")


def check_offline(tmp):
    r = t.run(["run"], cwd=tmp)
    t.check(r.rc == 0, "'medsafety run' with no arguments exits 0", r)
    m = re.search(r"report: (\S+)", r.out)
    t.check(m is not None, "run prints where the report is", r)
    run_dir = os.path.join(tmp, os.path.dirname(m.group(1)))
    t.check(os.path.dirname(os.path.relpath(run_dir, tmp)) == "medsafety-runs",
            "the run went to a new folder under ./medsafety-runs/", run_dir)
    recs, rj = check_run_folder(run_dir)
    t.check(len(recs) == 27 and rj["model"]["identity"] == "replay"
            and rj["judge"]["name"] == "refusal", "offline default: sample, replay, refusal", rj)
    t.check(all(r["error"] is None and r["score"] is not None for r in recs),
            "offline default: every item scored")
    return run_dir


def check_server(tmp, offline_dir):
    data = os.path.join(tmp, "srv.csv")
    with open(data, "w", encoding="utf-8") as f:
        f.write("prompt,reference,principle\n"
                '"[[echo]] scored request #score: 4",ref,2\n'       # judge echoes: score 4
                "plain request,ref,3\n"                               # judge says echo:...: unscored
                '"[[fault:400]] the model fails",ref,4\n'             # model error
                '"[[echo]] [[fault:500*1]] the judge fails",ref,5\n')  # judge error
    with t.TestServer() as srv:
        env = t.base_env(OPENAI_API_KEY=KEY, OPENAI_BASE_URL=srv.url)
        out = os.path.join(tmp, "srv")
        args = ["run", data, "--principle-column", "principle", "--model", "openai/target",
                "--retries", "1", "--backoff", "0.01", "--judge", "openai/judge",
                "--judge-retries", "0", "--out", out, "-n", "1",
                # a server that is not OpenAI's gets the key only when its variable is named
                "--api-key-env", "OPENAI_API_KEY", "--judge-api-key-env", "OPENAI_API_KEY"]
        r = t.run(args + ["--max-unscored", "0.5"], env=env)
        t.check(r.rc == 0, "server run with an LLM judge (some items failing) exits 0", r)
        with urllib.request.urlopen(srv.url.rsplit("/v1", 1)[0] + "/_stats") as resp:
            st = json.load(resp)
        t.check(st["authorization"] == "Bearer " + KEY and st["auth_requests"] >= 6,
                "OPENAI_BASE_URL and (named) OPENAI_API_KEY reach the server", st)
        check_no_key(out, r.out + r.err)
        recs, rj = check_run_folder(out)
        by = {r["prompt"]: r for r in recs}
        s = by["[[echo]] scored request #score: 4"]
        t.check(s["score"] == 4 and s["error"] is None and "#score:" in s["judge"]["raw"]
                and s["judge"]["name"].startswith("llm"), "an LLM verdict parsed: score 4", s)
        u = by["plain request"]
        t.check(u["score"] is None and u["error"] is None and u["judge"]["raw"].startswith("echo:"),
                "an unparsed verdict: score null, raw kept, no error", u)
        m = by["[[fault:400]] the model fails"]
        t.check(m["response"] is None and m["score"] is None and m["error"]["stage"] == "model"
                and "HTTP 400" in m["error"]["message"], "a model failure: stage model", m)
        j = by["[[echo]] [[fault:500*1]] the judge fails"]
        t.check(j["response"] is not None and j["score"] is None
                and j["error"]["stage"] == "judge", "a judge failure: stage judge", j)
        o = t.load_json(os.path.join(out, "summary.json"))["overall"]
        t.check(o["n"] == 4 and o["n_scored"] == 1 and o["n_unscored"] == 1
                and o["n_errors"] == 2 and o["hist"] == [0, 0, 0, 1, 0] and o["mean"] == 4,
                "summary: unscored and failed items are not counted as 1 or 5", o)
        t.check("target" in rj["model"]["identity"] and srv.url in rj["model"]["identity"]
                and "judge" in rj["judge"]["name"], "run.json names model and judge", rj)
        # 1 of 4 records unscored is above the default --max-unscored (5%): exit 1, saying why
        r = t.run(args + ["--resume"], env=env)
        t.check(r.rc == 1 and "1 of 4 records (25.0%) are unscored" in r.err,
                "the same run at the default --max-unscored: exit 1 (unscored is not success)", r)

        # --base-url / --judge-base-url / --api-key-env / --judge-api-key-env.
        env2 = t.base_env(MODEL_KEY=KEY + "-m", JUDGE_KEY=KEY + "-j")
        out2 = os.path.join(tmp, "srv2")
        r = t.run(["run", "--limit", "2", "--model", "openai/m", "--base-url", srv.url,
                   "--api-key-env", "MODEL_KEY", "--judge", "openai/j", "--judge-base-url",
                   srv.url, "--judge-api-key-env", "JUDGE_KEY", "--out", out2, "-q",
                   "--header", "X-Api-Key: " + KEY, "--judge-header", "api-key: " + KEY,
                   "-n", "1", "--judge-concurrency", "1",
                   "--max-unscored", "1"], env=env2)  # the echoing judge gives no score
        t.check(r.rc == 0, "run with --base-url, --api-key-env, --header and the judge's twins",
                r)
        with urllib.request.urlopen(srv.url.rsplit("/v1", 1)[0] + "/_stats") as resp:
            st = json.load(resp)
        t.check(st["authorization"] == "Bearer " + KEY + "-j",
                "--judge-api-key-env names the judge's key variable", st)
        check_no_key(out2, r.out + r.err)

        # rescore the offline run with the LLM judge.
        out3 = os.path.join(tmp, "rescored")
        r = t.run(["rescore", offline_dir, "--judge", "openai/judge", "--out", out3, "-q"],
                  env=env)
        t.check(r.rc == 0, "rescore RUN --judge SPEC --out DIR", r)
        ag = t.load_json(os.path.join(out3, "agreement.json"))
        t.check(ag["n_pairs"] == 0 and {"judge_a", "judge_b", "exact", "kappa_quadratic"}
                <= set(ag), "rescore: agreement.json", ag)
        recs3 = check_records(out3)
        t.check(len(recs3) == 27 and all(r["score"] is None for r in recs3),
                "rescore: the echoing judge leaves every item unscored", recs3[0])
        check_summary(out3, recs3)
        check_no_key(out3, r.out + r.err)


def check_report_compare_merge(tmp, offline_dir):
    for fmt in ("md", "json", "csv", "html"):
        out = os.path.join(tmp, "report." + fmt)
        r = t.run(["report", offline_dir, "--format", fmt, "-o", out])
        t.check(r.rc == 0 and os.path.getsize(out) > 0, "report --format %s -o FILE" % fmt, r)
    t.check(t.load_json(os.path.join(tmp, "report.json"))
            == t.load_json(os.path.join(offline_dir, "summary.json")),
            "report --format json equals summary.json")
    r = t.run(["report", offline_dir, "--format", "pdf"])
    t.check(r.rc == 2, "report: an unknown format exits 2", r)

    worse = os.path.join(tmp, "worse")
    r = t.run(["run", "--replay-text", "Sure, here is exactly how to do it.", "--out", worse,
               "-q"])
    t.check(r.rc == 0, "a fully complying run", r)
    r = t.run(["compare", offline_dir, worse, "--json"])
    t.check(r.rc == 0, "compare A B --json exits 0", r)
    c = json.loads(r.out)
    t.check(c.get("worse") is True and "overall" in c and "by_principle" in c,
            "compare --json: one object saying B is worse", c)
    r = t.run(["compare", offline_dir, worse, "--fail-if-worse"])
    t.check(r.rc == 1, "compare --fail-if-worse exits 1 when B is worse", r)
    r = t.run(["compare", offline_dir, offline_dir, "--fail-if-worse"])
    t.check(r.rc == 0, "compare --fail-if-worse exits 0 for the same run", r)

    shards = []
    for i in range(3):
        d = os.path.join(tmp, "shard%d" % i)
        r = t.run(["run", "--shard", "%d/3" % i, "--out", d, "-q"])
        t.check(r.rc == 0, "run --shard %d/3" % i, r)
        shards.append(d)
    merged = os.path.join(tmp, "merged")
    r = t.run(["merge"] + shards + ["--out", merged])
    t.check(r.rc == 0, "merge RUN... --out DIR", r)
    recs, _ = check_run_folder(merged)
    t.check(t.load_json(os.path.join(merged, "summary.json"))
            == t.load_json(os.path.join(offline_dir, "summary.json")),
            "merged summary.json equals the unsharded run's")
    r = t.run(["merge", shards[0], shards[0], "--out", os.path.join(tmp, "m2")])
    t.check(r.rc == 2, "merge refuses overlapping shards (exit 2)", r)


# ---- Python ----

def check_python(tmp):
    src = t.SOURCE_ROOT
    env = t.base_env(PYTHONPATH=os.path.join(src, "bindings", "python"))
    if not env.get("MEDSAFETY_LIBRARY"):
        print("skip the Python checks: MEDSAFETY_LIBRARY is not set")
        return
    # A sanitizer build's library cannot be loaded into an uninstrumented Python (scripts/check
    # leaves the python suite out of that build for the same reason).
    opts_path = os.path.join(os.environ.get("MSB_BUILD_ROOT", ""), "meson-info",
                             "intro-buildoptions.json")
    if os.path.isfile(opts_path):
        opts = {o["name"]: o["value"] for o in t.load_json(opts_path)}
        if opts.get("b_sanitize", "none") != "none":
            print("skip the Python checks: a sanitizer build (b_sanitize=%s)" % opts["b_sanitize"])
            return
    names = ("parse_score", "Dataset", "Backend", "Judge", "evaluate", "Results", "compare")
    code = "import medsafety; print([n for n in %r if not hasattr(medsafety, n)])" % (names,)
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    t.check(p.returncode == 0 and p.stdout.strip() == "[]",
            "import medsafety gives %s" % ", ".join(names), p)
    # docs/python.md's signatures match the package's (keyword names, none left out).
    code = r"""
import inspect, re, sys
import medsafety as ms
text = open(sys.argv[1], encoding="utf-8").read()
bad = []
for name, args in re.findall(r"`((?:Dataset|Backend|Judge|Results)\.\w+|evaluate|compare"
                             r"|parse_score)\(([^`]*)\)", text, re.S):
    obj = ms
    for part in name.split("."):
        obj = getattr(obj, part)
    ps = inspect.signature(obj).parameters
    named = set(re.findall(r"\w+", args))
    bad += [name + ": no keyword " + k for k in re.findall(r"(\w+)\s*=", args) if k not in ps]
    if name != "evaluate" and "[...]" not in args:
        bad += [name + ": undocumented " + p for p, v in ps.items()
                if p not in ("self", "cls") and v.kind != v.VAR_KEYWORD and p not in named]
section = text.split("### `evaluate(", 1)[1].split("###", 1)[0]
bad += ["evaluate: undocumented " + p for p in inspect.signature(ms.evaluate).parameters
        if "`" + p + "`" not in section and p + "=" not in section and p + ")" not in section
        and p + "," not in section]
print("\n".join(bad))
"""
    p = subprocess.run([sys.executable, "-c", code, os.path.join(src, "docs", "python.md")],
                       env=env, capture_output=True, text=True)
    t.check(p.returncode == 0 and not p.stdout.strip(),
            "docs/python.md's signatures match the package", p.stdout + p.stderr)
    with open(os.path.join(src, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    t.check(len(blocks) >= 1 and "ms.evaluate" in blocks[0], "README has the Python snippet")
    p = subprocess.run([sys.executable, "-c", blocks[0]], env=env, cwd=tmp, capture_output=True,
                       text=True, timeout=60)
    t.check(p.returncode == 0 and float(p.stdout.strip()) == 1.0,
            "the README's Python snippet runs verbatim and prints the mean", p)
    s = t.load_json(os.path.join(tmp, "run-dir", "summary.json"))
    t.check(s["overall"]["n"] == 27, "the snippet wrote its run folder", s["overall"])


def main():
    with tempfile.TemporaryDirectory(prefix="msb-contract-") as tmp:
        check_cli_surface()
        check_dataset(tmp)
        offline = check_offline(tmp)
        check_report_compare_merge(tmp, offline)
        check_server(tmp, offline)
        check_python(tmp)
    print("all contract checks passed")


if __name__ == "__main__":
    main()
