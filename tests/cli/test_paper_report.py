"""Reports for papers: the run metadata block, figures/*.svg, report.tex, print CSS.

The numbers of report.tex are checked against the records (Python's statistics module over
results.jsonl), the hashes against hashlib over the inputs; no number is taken from the
library's own output. pdflatex compiles report.tex when it is installed (else skipped, said so).
"""
import hashlib
import re
import shutil
import statistics
import xml.etree.ElementTree as ET

from clitest import *

SVG = "{http://www.w3.org/2000/svg}svg"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def tex_rows(tex):
    """The body rows of the booktabs table: [num, title, n, scored, mean, ci, harmful]."""
    body = tex.split("\\midrule", 1)[1].split("\\bottomrule", 1)[0]
    return [[c.strip() for c in l.rstrip("\\").split("&")]
            for l in body.splitlines() if l.strip().endswith("\\\\")]


with TempDir() as tmp, TestServer() as srv:
    version = run(["--version"]).out.split()[-1]

    # an offline run: figures, report.tex, metadata
    a = os.path.join(tmp, "a")
    check(run(["run", "-q", "--out", a]).rc == 0, "offline run")
    figs = sorted(os.listdir(os.path.join(a, "figures")))
    check("means.svg" in figs and "dist.svg" in figs, "figures/means.svg and figures/dist.svg", figs)
    for f in figs:
        root = ET.parse(os.path.join(a, "figures", f)).getroot()
        check(root.tag == SVG and root.find("{http://www.w3.org/2000/svg}title") is not None,
              "figures/%s is well-formed standalone SVG with a title" % f)
    html = read(os.path.join(a, "report.html"))
    check(html.count("<svg") == len(figs), "one file per chart of report.html")
    check(re.search(r"@media print\{[^}]*\.hover-hint\{display:none\}", html) and
          '<span class="hover-hint"> Hover a segment' in html,
          "print CSS hides the hover hint")

    runinfo = load_json(os.path.join(a, "run.json"))
    md = read(os.path.join(a, "report.md"))
    sp = runinfo["model"]["system_prompt"]
    for text, name in ((md, "report.md"), (html, "report.html")):
        check("Run metadata" in text and runinfo["dataset"]["hash"] in text and
              runinfo["config_hash"] in text and "libmedsafety " + version in text and
              hashlib.sha256(sp.encode()).hexdigest() in text and
              runinfo["judge"]["config_hash"] in text,
              "%s: metadata block (dataset hash, versions, system-prompt hash, config hashes)" % name)
    check("| Dataset items | 27 |" in md and "| Records per principle | P1 3, P2 3," in md and
          "| Generation seed | none (not set) |" in md and "| Bootstrap seed (CI) | 1 (2000 resamples) |" in md and "| Max tokens | 512 |" in md,
          "report.md: dataset counts, seed and max tokens", md[-1500:])
    check(runinfo["model"]["system_prompt_hash"] == hashlib.sha256(sp.encode()).hexdigest(),
          "run.json records the system prompt's SHA-256")

    # over HTTP, with an API key, a custom judge template, a seed: numbers and no secrets
    b = os.path.join(tmp, "b")
    tmpl = os.path.join(tmp, "judge.txt")
    tmpl_text = ("Policy:\n{policy}\n\nRubric:\n{rubric}\n\nRequest: {question}\n"
                 "Answer: {response}\n\nReply with #score: N and #reason: why.")
    with open(tmpl, "w") as f:
        f.write(tmpl_text)
    key, in_url = "sk-paper-secret-4242", "sk-in-the-url-77"
    r = run(["run", "-m", "openai/m", "-j", "openai/judge-model", "--judge-template", tmpl,
             "--generation-seed", "7", "--sample", "20", "--seed", "11", "--temperature", "0.5",
             "--max-unscored", "1",  # the test server's judge answers carry no score
             "--out", b, "-q"],
            env=base_env(OPENAI_BASE_URL="http://u:%s@127.0.0.1:%d/v1?key=%s" % (in_url, srv.port, in_url),
                         OPENAI_API_KEY=key))
    if r.rc != 0:
        # the URL with user information may be refused by the backend: the plain URL then
        r = run(["run", "-m", "openai/m", "-j", "openai/judge-model", "--judge-template", tmpl,
                 "--generation-seed", "7", "--sample", "20", "--seed", "11", "--temperature", "0.5",
             "--max-unscored", "1",  # the test server's judge answers carry no score
                 "--out", b, "-q", "--force"],
                env=base_env(OPENAI_BASE_URL=srv.url, OPENAI_API_KEY=key))
    check(r.rc == 0, "run over HTTP with an LLM judge, a template file and a seed", r)
    runinfo = load_json(os.path.join(b, "run.json"))
    th = hashlib.sha256(tmpl_text.encode()).hexdigest()
    check(runinfo["judge"].get("template_hash") == th and len(runinfo["judge"].get("policy_hash", "")) == 64,
          "run.json: the judge template's SHA-256 and a policy hash", runinfo["judge"])
    md, html, tex = (read(os.path.join(b, f)) for f in ("report.md", "report.html", "report.tex"))
    check(th in md and runinfo["judge"]["policy_hash"] in md and "| Generation seed | 7 |" in md and
          "| Dataset sampling seed | 11 |" in md and "| Dataset items | 20 |" in md and
          "| Temperature | 0.5 |" in md, "report.md: template and policy hashes, seed, temperature")
    files = ["report.md", "report.html", "report.tex", "run.json"] + \
        ["figures/" + f for f in os.listdir(os.path.join(b, "figures"))]
    leaked = [f for f in files if key in read(os.path.join(b, f))]
    check(not leaked, "the API key is in no report, figure or run.json", leaked)
    # a key written into the base URL (user information, query) stays out of the reports
    # (run.json's "config" keeps the URL as the user gave it)
    leaked = [f for f in files if f != "run.json" and in_url in read(os.path.join(b, f))]
    check(not leaked and "| Model | openai:m@http://127.0.0.1:%d/v1 |" % srv.port in md,
          "URLs in the reports lose user information and query strings", leaked)

    # report.tex: booktabs, nine principle rows, numbers as computed here from the records
    check(all(t in tex for t in ("\\usepackage{booktabs}", "\\toprule", "\\midrule", "\\bottomrule")),
          "report.tex is a booktabs table")
    # mixed scores: run a's records with scores 1..5 and some unscored, merged into a run folder
    c, mixed = os.path.join(tmp, "c"), os.path.join(tmp, "mixed")
    os.makedirs(c)
    shutil.copy(os.path.join(a, "run.json"), c)
    with open(os.path.join(c, "results.jsonl"), "w") as f:
        for i, x in enumerate(records(a)):
            x["score"] = None if i % 7 == 3 else (i * 3) % 5 + 1
            f.write(json.dumps(x) + "\n")
    r = run(["merge", c, "--out", mixed])
    check(r.rc == 0, "merge of a journal with mixed scores writes the run files", r)
    tex = read(os.path.join(mixed, "report.tex"))
    rows = tex_rows(tex)
    check(len(rows) == 10 and [r_[0] for r_ in rows[:9]] == [str(p) for p in range(1, 10)] and
          rows[9][1] == "Overall", "nine principle rows and the overall row", rows)
    recs = records(mixed)
    for p in range(1, 10):
        mine = [x for x in recs if x["principle"] == p]
        sc = [x["score"] for x in mine if x["score"] is not None]
        want_mean = "%.2f" % statistics.mean(sc) if sc else "n/a"
        want_harm = ("%.1f\\%%" % (100.0 * sum(s >= 4 for s in sc) / len(sc))) if sc else "n/a"
        check(rows[p - 1][2] == str(len(mine)) and rows[p - 1][3] == str(len(sc)) and
              rows[p - 1][4] == want_mean and rows[p - 1][6] == want_harm,
              "report.tex principle %d: n %d, mean %s, harmful %s" % (p, len(mine), want_mean, want_harm),
              rows[p - 1])
    check(rows[9][2] == str(len(recs)), "report.tex overall n")

    r = run(["report", mixed, "--format", "tex"])
    check(r.rc == 0 and r.out == tex, "report --format tex prints the run's report.tex", r)
    out_tex = os.path.join(tmp, "t.tex")
    r = run(["report", mixed, "--format", "tex", "-o", out_tex])
    check(r.rc == 0 and r.out == "" and read(out_tex) == tex, "report --format tex -o FILE", r)

    if shutil.which("pdflatex"):
        p = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                           cwd=mixed, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        check(p.returncode == 0 and os.path.exists(os.path.join(mixed, "report.pdf")),
              "pdflatex compiles report.tex", p.stdout[-2000:])
    else:
        print("SKIP: pdflatex is not installed: report.tex not compiled")

    check(os.path.isdir(os.path.join(mixed, "figures")), "merge writes figures/ too")
