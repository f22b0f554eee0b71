"""Every subcommand: --help (exit 0, with examples), unknown options and bad values (one line, exit 2)."""
from clitest import *

COMMANDS = ["run", "report", "compare", "merge", "rescore"]

r = run(["--version"])
check(r.rc == 0 and r.out.startswith("medsafety ") and len(r.out.split()) == 2,
      "--version prints 'medsafety X.Y.Z'", r.out)
r = run(["--help"])
check(r.rc == 0 and all(("  %s " % c) in r.out for c in COMMANDS + ["dataset"]),
      "--help lists every command")

for c in COMMANDS:
    r = run([c, "--help"])
    check(r.rc == 0 and r.out.startswith("usage: medsafety " + c) and "examples:" in r.out
          and "exit status" in r.out, "%s --help: usage, examples, exit status" % c)
    r = run([c, "-h"])
    check(r.rc == 0 and "usage:" in r.out, "%s -h" % c)
    r = run([c, "--no-such-option"])
    check(r.rc == 2 and one_line(r.err) and "unknown option '--no-such-option'" in r.err
          and r.out == "", "%s: unknown option is one line, exit 2", (c, r.err))

# dataset and each of its commands: their own usage, examples, exit status
for sub in [[], ["stats"], ["export"], ["fetch"]]:
    for flag in ["--help", "-h"]:
        r = run(["dataset"] + sub + [flag])
        name = " ".join(["medsafety", "dataset"] + sub)
        check(r.rc == 0 and r.out.startswith("usage: " + name) and "\nexamples:\n  medsafety " in r.out
              and "exit status: 0 success" in r.out and r.err == "",
              "%s %s: usage, examples, exit status" % (name, flag), r)
r = run(["dataset", "export", "--help"])
check("--format FMT" in r.out and "--system-prompt" in r.out and "--prompt-column" in r.out,
      "dataset export --help names its options and the dataset options", r.out)
r = run(["dataset", "fetch", "--help"])
check("--base-url URL" in r.out and "--dir DIR" in r.out and "--prompt-column" not in r.out,
      "dataset fetch --help: its own options only", r.out)
r = run(["dataset", "stats", "--help"])
check("--json" in r.out and "--split LIST" in r.out and "medsafety dataset stats" in r.out.split("examples:")[1],
      "dataset stats --help: --json, filters, examples of stats", r.out)

bad_values = [
    (["run", "--concurrency", "many"], "--concurrency: run.concurrency: expected an integer, found 'many'"),
    (["run", "--concurrency", "0"], "must be between 1 and 4096"),
    (["run", "--temperature", "hot"], "model.temperature: expected a number"),
    (["run", "--resume", "--model", "gpt-4"], "expected a model SPEC: replay, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT, found 'gpt-4'"),
    (["run", "--judge", "gpt-4"], "expected a judge SPEC: refusal, openai/MODEL, anthropic/MODEL or azure/DEPLOYMENT"),
    (["run", "--judge-policy"], "option '--judge-policy' needs a value"),
    (["run", "--header", "no-colon"], "--header wants 'Name: value'"),
    (["run", "--format", "pdf"], "report.formats: expected one of md|json|csv|html"),
    (["run", "--limit", "-3"], "--limit"),
    (["run", "--shard", "3/2"], "--shard"),
    (["run", "--principle", "12"], "--principle"),
    (["run", "--endpoint", "chat2"], "model.endpoint: expected one of chat|completions"),
    (["run", "--api-key-env", "sk-123-abc"], "not the key itself"),
    (["run", "sample", "other"], "more than one SOURCE"),
    (["run", "--resume"], "--resume needs the run folder: --out DIR"),
    (["run", "--max", "3"], "ambiguous option '--max': --max-tokens, "),
    (["run", "--conc", "x"], "--concurrency: run.concurrency: expected an integer"),
    (["report"], "which run?"),
    (["report", "a", "b"], "one run at a time"),
    (["report", "x", "--format", "pdf"], "--format wants md, json, csv, html or table"),
    (["compare", "only-one"], "give two runs"),
    (["compare", "a", "b", "--alpha", "2"], "--alpha"),
    (["compare", "a", "b", "--adjust", "bonferroni"], "--adjust wants holm or none"),
    (["merge", "a"], "--out DIR is required"),
    (["merge", "--out", "x"], "give the run folders"),
    (["rescore", "x", "--out", "y"], "which judge?"),
    (["rescore", "--judge", "refusal", "--out", "y"], "give one run folder"),
]
for args, want in bad_values:
    r = run(args)
    check(r.rc == 2 and one_line(r.err) and want in r.err and r.err.startswith("medsafety "),
          "%s: exit 2, one line containing %r (got %r)" % (" ".join(args), want, r.err))

# an unreadable input is bad input (2); a missing run folder too
r = run(["run", "/nonexistent/file.csv"])
check(r.rc == 2 and one_line(r.err), "run with a missing SOURCE: exit 2, one line")
r = run(["report", "/nonexistent/run"])
check(r.rc == 2 and one_line(r.err), "report of a missing run: exit 2, one line")
r = run(["no-such-command"])
check(r.rc == 2 and one_line(r.err), "unknown command: exit 2, one line")
