"""medsafety run (issue 20 item 5): the table lists all nine principles, --limit warns when
it leaves principles out, --dry-run counts judge requests and tokens and prices them,
default run folders are named <datetime>-<model>."""
import re
from clitest import *

with TempDir() as tmp:
    # all nine principles in the table, n = 0 where the filters left none
    r = run(["run", "--principle", "1,2", "--out", os.path.join(tmp, "p12")])
    check(r.rc == 0, "run --principle 1,2", r)
    rows = {int(m.group(1)): int(m.group(2))
            for m in re.finditer(r"^([1-9]) .*?\s(\d+)\s+(?:-|\d\.\d\d)", r.out, re.M)}
    check(sorted(rows) == list(range(1, 10)), "the table has a row for each of the nine", r.out)
    check(rows[1] == 3 and rows[2] == 3 and all(rows[p] == 0 for p in range(3, 10)),
          "n = 3, 3 and 0 for the others", rows)
    check(re.search(r"^3 .*\s0\s+-\s", r.out, re.M) is not None, "an empty row shows dashes",
          r.out)
    check("warning" not in r.err, "no --limit, no warning", r.err)

    # --limit takes the first items, which are ordered by principle
    r = run(["run", "--limit", "5", "-q", "--out", os.path.join(tmp, "lim")])
    check(r.rc == 0, "run --limit 5", r)
    check("--limit 5 keeps the first 5 items, which leave out principles 3, 4, 5, 6, 7, 8, 9"
          in r.err and "--sample 5" in r.err, "--limit warns which principles it left out",
          r.err)
    r = run(["run", "--limit", "5", "--principle", "4", "-q", "--out", os.path.join(tmp, "l4")])
    check(r.rc == 0 and "warning" not in r.err, "--limit within a chosen principle: no warning",
          r.err)
    r = run(["run", "--sample", "9", "--seed", "1", "-q", "--out", os.path.join(tmp, "s9")])
    check(r.rc == 0 and "warning" not in r.err, "--sample: no warning", r.err)

    # default folders: <datetime>-<model>
    r = run(["run", "-q"], cwd=tmp)
    check(re.search(r"^report: \./medsafety-runs/\d{8}-\d{6}-replay/report\.html$", r.out,
                    re.M) is not None, "the default folder is named after the model", r.out)
    with TestServer() as srv:
        r = run(["run", "-q", "--limit", "2", "--model", "openai/org/Model-7B:v1.5",
                 "--base-url", srv.url], cwd=tmp)
        check(r.rc == 0, "a run on the test server", r)
        names = os.listdir(os.path.join(tmp, "medsafety-runs"))
        check(any(re.fullmatch(r"\d{8}-\d{6}-org-Model-7B-v1\.5", n) for n in names),
              "openai/org/Model-7B:v1.5: folder ...-org-Model-7B-v1.5 (sanitised)", names)

    # --dry-run: judge requests and tokens, and the cost from --price
    base = ["run", "--dry-run", "--model", "openai/small", "--base-url", "http://127.0.0.1:9",
            "--judge", "openai/big", "--judge-base-url", "http://127.0.0.1:9",
            "--max-tokens", "64", "--judge-max-tokens", "100"]
    before = sorted(os.listdir(os.path.join(tmp, "medsafety-runs")))
    r = run(base + ["--price", "small=0.5,2", "--price", "big=3,15"], cwd=tmp)
    check(r.rc == 0, "--dry-run with an LLM judge and prices", r)
    check(sorted(os.listdir(os.path.join(tmp, "medsafety-runs"))) == before, "writes nothing")
    m = re.search(r"^  model openai/small: 27 requests, about (\d+) input \+ (\d+) output tokens"
                  r", about \$([\d.]+)", r.out, re.M)
    j = re.search(r"^  judge openai/big: 27 requests, about (\d+) input \+ (\d+) output tokens"
                  r", about \$([\d.]+)", r.out, re.M)
    check(m and j, "a line for the model and one for the judge", r.out)
    m_in, m_out, m_cost = int(m.group(1)), int(m.group(2)), float(m.group(3))
    j_in, j_out, j_cost = int(j.group(1)), int(j.group(2)), float(j.group(3))
    # by hand: 27 answers of at most 64 tokens; the judge reads each answer with its own
    # prompt (policy, rubric and request: hundreds of tokens) and writes at most 100 tokens
    check(m_out == 27 * 64 and j_out == 27 * 100, "output tokens: requests x max tokens",
          (m_out, j_out))
    check(j_in > m_out + 27 * 200, "judge input: its prompts plus the answers", j_in)
    check("27 judge requests, about %d judge tokens" % (j_in + j_out) in r.out,
          "the first line counts the judge too", r.out)
    # cost = (input x price in + output x price out) / 10^6, recomputed here
    check(abs(m_cost - (m_in * 0.5 + m_out * 2) / 1e6) < 1e-4, "model cost", (m_cost, m_in))
    check(abs(j_cost - (j_in * 3 + j_out * 15) / 1e6) < 1e-4, "judge cost", (j_cost, j_in))
    t = re.search(r"cost: about \$([\d.]+) in all", r.out)
    check(t and abs(float(t.group(1)) - (m_cost + j_cost)) < 2e-4, "the total", r.out)
    prices = os.path.join(tmp, "prices.txt")
    with open(prices, "w") as f:
        f.write("# dollars per million tokens\nbig = 3,15\n\n")
    r = run(base + ["--prices", prices], cwd=tmp)
    check(r.rc == 0 and "no price for the others" in r.out and
          re.search(r"judge openai/big: .*about \$%s" % re.escape(j.group(3)), r.out),
          "--prices FILE; a model without a price is said", r.out)
    r = run(base, cwd=tmp)
    check(r.rc == 0 and "no prices given" in r.out and "$" not in r.out,
          "no prices: no cost, and no built-in table", r.out)
    r = run(["run", "--dry-run", "--price", "gpt=cheap"], cwd=tmp)
    check(r.rc == 2 and one_line(r.err) and "MODEL=IN,OUT" in r.err, "a bad --price: exit 2",
          r.err)
    r = run(["run", "--dry-run"], cwd=tmp)
    check(r.rc == 0 and "0 judge requests" in r.out and "judge refusal: no requests" in r.out,
          "the refusal judge sends nothing", r.out)
