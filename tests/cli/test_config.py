"""medsafety run --config: valid files, errors with FILE:LINE:COL, flags overriding the file."""
from clitest import *

def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path

with TempDir() as tmp:
    # a valid file: its values reach the run and run.json
    offline = os.path.join(EXAMPLES, "offline.yaml")
    out = os.path.join(tmp, "a")
    r = run(["run", "--config", offline, "--out", out, "-q"])
    check(r.rc == 0, "examples/offline.yaml runs", r)
    cfg = load_json(os.path.join(out, "run.json"))["config"]
    check(cfg["run"]["concurrency"] == 4 and cfg["report"]["formats"] == ["csv"],
          "run.json holds the file's values", cfg)
    check(os.path.isfile(os.path.join(out, "report.csv")), "report.formats [csv]: report.csv")
    check(load_json(os.path.join(out, "run.json"))["options"]["concurrency"] == 4,
          "the runner got concurrency 4 from the file")

    # flags override the file
    f = write(os.path.join(tmp, "p12.yaml"),
              "dataset:\n  principles: [1, 2]\n  limit: 50\nrun:\n  concurrency: 3\n  epochs: 1\n")
    out = os.path.join(tmp, "b")
    r = run(["run", "-c", f, "--principle", "3", "--concurrency", "5", "--out", out, "-q"])
    recs = records(out)
    check(r.rc == 0 and {x["principle"] for x in recs} == {3} and len(recs) == 3,
          "--principle 3 overrides the file's principles [1, 2]", r)
    info = load_json(os.path.join(out, "run.json"))
    check(info["config"]["run"]["concurrency"] == 5 and info["options"]["concurrency"] == 5,
          "--concurrency 5 overrides the file's 3", info)
    check(info["config"]["dataset"]["limit"] == 50, "values without a flag keep the file's")
    r = run(["run", "-c", f, "--concurrency", "7", "--print-config"])
    printed = json.loads(r.out)
    check(r.rc == 0 and printed["run"]["concurrency"] == 7 and printed["dataset"]["principles"] == [1, 2],
          "--print-config shows the merged configuration", r)

    # a judge section in the file, one --judge over it keeps its settings
    f = write(os.path.join(tmp, "judge.yaml"), "judge:\n  spec: openai/gpt-4o\n  temperature: 0.5\n")
    r = run(["run", "-c", f, "--judge", "refusal", "--print-config"])
    check(r.rc == 0 and json.loads(r.out)["judge"] == {"spec": "refusal", "temperature": 0.5},
          "--judge replaces the spec, keeps the file's judge settings", r.out)
    r = run(["run", "-c", os.path.join(EXAMPLES, "jury.yaml"), "--judge", "refusal",
             "--judge", "openai/x", "--judge-temperature", "0.2", "--print-config"])
    j = json.loads(r.out)["judge"]
    check(r.rc == 0 and [x["spec"] for x in j] == ["refusal", "openai/x"]
          and all(x["temperature"] == 0.2 for x in j),
          "two --judge make a jury; --judge-* apply to each judge", j)

    # errors point at the line and column
    cases = [
        ("type.yaml", "model:\n  spec: replay\nrun:\n  concurrency: lots\n",
         ":4:16: run.concurrency: expected an integer, found 'lots'"),
        ("key.yaml", "dataset:\n  source: sample\nmodle:\n  spec: replay\n",
         ":3:1: unknown key 'modle' (did you mean 'model'?)"),
        ("syntax.yaml", "run:\n  concurrency: 4\n   epochs: 2\n",
         ":3:10: mapping values are not allowed in this context"),
        ("range.yaml", "run:\n  epochs: 0\n", ":2:11: run.epochs: must be between 1 and 1000, found 0"),
        ("judge.yaml", "judge:\n  - spec: refusal\n  - spec: gpt4\n",
         ":3:11: judge.1.spec: expected a judge SPEC: refusal, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT, found 'gpt4'"),
        ("list.yaml", "report:\n  formats: [md, pdf]\n",
         ":2:17: report.formats: expected one of md|json|csv|html, found 'pdf'"),
    ]
    for name, text, want in cases:
        path = write(os.path.join(tmp, name), text)
        r = run(["run", "--config", path, "--out", os.path.join(tmp, "never")])
        check(r.rc == 2 and one_line(r.err) and r.err.strip() == "medsafety run: " + path + want,
              "%s: exit 2 and 'FILE%s'" % (name, want), r)
    check(not os.path.exists(os.path.join(tmp, "never")), "a bad configuration runs nothing")

    # a secret in the file is refused, and never echoed
    path = write(os.path.join(tmp, "secret.yaml"), "model:\n  spec: openai/m\n  api_key: sk-live-123456\n")
    r = run(["run", "--config", path])
    check(r.rc == 2 and ":3:3: model.api_key: secrets do not belong" in r.err
          and "sk-live-123456" not in r.err, "api_key in the file: refused, not echoed", r)
    path = write(os.path.join(tmp, "secret2.yaml"), "model:\n  api_key_env: sk-live-123456\n")
    r = run(["run", "--config", path])
    check(r.rc == 2 and "sk-live-123456" not in r.err and "not the key itself" in r.err,
          "a key pasted into api_key_env: refused, not echoed", r)
    r = run(["run", "--config", os.path.join(tmp, "missing.yaml")])
    check(r.rc == 2 and one_line(r.err) and "missing.yaml" in r.err, "a missing file: exit 2", r)

    # every example configuration parses and validates
    for name in sorted(os.listdir(EXAMPLES)):
        if name.endswith(".yaml"):
            r = run(["run", "--config", os.path.join(EXAMPLES, name), "--print-config"])
            check(r.rc == 0 and json.loads(r.out)["model"]["spec"], "examples/" + name, r)

with TempDir() as tmp:
    # every problem of a file at once, one per line, in the order of the file
    path = write(os.path.join(tmp, "three.yaml"),
                 "run:\n  concurrency: lots\n  epochs: 0\nmodle:\n  spec: replay\n"
                 "report:\n  formats: [pdf]\n")
    r = run(["run", "--config", path, "--out", os.path.join(tmp, "never")])
    lines = r.err.splitlines()
    check(r.rc == 2 and lines == [
        "medsafety run: %s:2:16: run.concurrency: expected an integer, found 'lots'" % path,
        "medsafety run: %s:3:11: run.epochs: must be between 1 and 1000, found 0" % path,
        "medsafety run: %s:4:1: unknown key 'modle' (did you mean 'model'?)" % path,
        "medsafety run: %s:7:13: report.formats: expected one of md|json|csv|html, found 'pdf'" % path,
    ], "a file with several errors: each on its own line, FILE:LINE:COL first, exit 2", r)
    check(not os.path.exists(os.path.join(tmp, "never")), "... and nothing runs")
    path = write(os.path.join(tmp, "three2.yaml"),
                 "judge:\n  - spec: gpt4\n  - spec: refusal\n    temperature: hot\n"
                 "dataset:\n  shard: 5/2\n")
    r = run(["rescore", "some-run", "--config", path, "--out", os.path.join(tmp, "never")])
    check(r.rc == 2 and len(r.err.splitlines()) == 3
          and all(l.startswith("medsafety rescore: " + path + ":") for l in r.err.splitlines())
          and ":2:11: judge.0.spec" in r.err and ":4:18: judge.1.temperature" in r.err
          and ":6:10: dataset.shard" in r.err, "rescore --config: three errors, three lines", r)
    many = write(os.path.join(tmp, "many.yaml"),
                 "run:\n" + "".join("  bad%d: 1\n" % i for i in range(25)))
    r = run(["run", "--config", many])
    check(r.rc == 2 and len(r.err.splitlines()) == 21 and "more than 20 errors" in r.err.splitlines()[-1],
          "25 errors: the first 20, and a line that says there are more", r)

    # a leading ~/ in paths means $HOME, in the file and in flags
    home = os.path.join(tmp, "home")
    os.makedirs(os.path.join(home, "data"))
    shutil.copy(os.path.join(FIXTURES, "cli", "requests.csv"), os.path.join(home, "data", "r.csv"))
    path = write(os.path.join(tmp, "home.yaml"),
                 "dataset:\n  source: ~/data/r.csv\nrun:\n  out: ~/runs/a\n  cache: ~/cache\n"
                 "judge:\n  spec: refusal\n  rubric: ~/rubric.txt\n")
    env = base_env(HOME=home)
    r = run(["run", "--config", path, "--print-config"], env=env)
    cfg = json.loads(r.out) if r.rc == 0 else {}
    check(r.rc == 0 and cfg["dataset"]["source"] == home + "/data/r.csv"
          and cfg["run"]["out"] == home + "/runs/a" and cfg["run"]["cache"] == home + "/cache"
          and cfg["judge"]["rubric"] == home + "/rubric.txt", "~/ in the file: $HOME", r)
    r = run(["run", "--config", path, "--out=~/runs/b", "--cache=~/c2", "--print-config"], env=env)
    cfg = json.loads(r.out) if r.rc == 0 else {}
    check(r.rc == 0 and cfg["run"]["out"] == home + "/runs/b" and cfg["run"]["cache"] == home + "/c2",
          "--out=~/..., --cache=~/...: $HOME too", r)
    path = write(os.path.join(tmp, "home2.yaml"), "dataset:\n  source: ~/data/r.csv\nrun:\n  out: ~/runs/a\n")
    r = run(["run", "--config", path, "-q"], env=env)
    check(r.rc == 0 and len(records(os.path.join(home, "runs", "a"))) > 0,
          "a run reads ~/data/r.csv and writes ~/runs/a", r)

with TempDir() as tmp:
    # the reader is the command's own (cli/config): its run.json export hides credentials in
    # URLs and headers (the library's msb_redact_url / msb_redact_header_harmless, lib/core/redact.c)
    path = write(os.path.join(tmp, "creds.yaml"),
                 "model:\n  spec: openai/m\n  base_url: http://me:pw@127.0.0.1:9/v1?api-key=abc&x\n"
                 "  headers:\n    Authorization: Bearer sk-zzz\n    Accept: application/json\n"
                 "    X-Custom: hush\n")
    r = run(["run", "--config", path, "--print-config"])
    model = json.loads(r.out)["model"] if r.rc == 0 else {}
    check(r.rc == 0 and model["base_url"] == "http://127.0.0.1:9/v1?api-key=<redacted>&<redacted>"
          and model["headers"] == {"Authorization": "<redacted>", "Accept": "application/json",
                                   "X-Custom": "<redacted>"}
          and "sk-zzz" not in r.out and "pw@" not in r.out and "hush" not in r.out,
          "--print-config: user:password and query values, Authorization and unknown headers redacted",
          r)
    # an override checked against the schema names the flag it came from, exit 2
    r = run(["run", "--judge-temperature", "hot", "--print-config"])
    check(r.rc == 2 and r.err.strip() == "medsafety run: --judge-temperature: judge.0.temperature: "
          "expected a number, found 'hot'",
          "a bad flag value: '--flag: path: message' from the configuration reader, exit 2", r)
