"""`medsafety dataset fetch paper-protocol` and `medsafety run --preset paper`, installed CLI.

Needs the upstream scripts in MEDSAFETY_DATA/upstream/exps (skips, exit 77, without them).
The fetch is served by a local HTTP server (a thread of this script, 127.0.0.1) from a copy
of those files. The run sends its judge requests to the test server, whose [[echo]] marker
makes the judge's answer the judge prompt itself, so judge.raw is the prompt as sent; it is
compared byte for byte with the upstream f-string evaluated here with Python's ast module
(exp02's eval_prompt with usage_policy_dict['med_harm_gpt4'] of text_for_gpt_eval.py).
"""
import ast
import hashlib
import http.server
import threading

from clitest import *

DATA = os.environ.get("MEDSAFETY_DATA", "")
UP = os.path.join(DATA, "upstream", "exps")
NAMES = ["text_for_gpt_eval.py", "exp02_eval_responses.py", "exp01_prompt_models.py",
         "exp03_generate_safe_responses.py"]
if not all(os.path.exists(os.path.join(UP, n)) for n in NAMES):
    print("SKIP: the upstream scripts are not in %s (MEDSAFETY_DATA)" % UP)
    sys.exit(77)


def read(name):
    with open(os.path.join(UP, name), encoding="utf-8") as f:
        return f.read()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def serve(root):
    h = lambda *a, **k: Quiet(*a, directory=root, **k)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


with TempDir() as tmp:
    # a copy of the four files under exps/, as the repository has them
    site = os.path.join(tmp, "site")
    os.makedirs(os.path.join(site, "exps"))
    for n in NAMES:
        shutil.copy(os.path.join(UP, n), os.path.join(site, "exps", n))
    srv = serve(site)
    url = "http://127.0.0.1:%d" % srv.server_address[1]
    dest = os.path.join(tmp, "proto")
    r = run(["dataset", "fetch", "paper-protocol", "--base-url", url, "--dir", dest])
    check(r.rc == 0 and r.out.strip() == dest, "fetch paper-protocol from a local server", r)
    for n in NAMES:
        a = hashlib.sha256(open(os.path.join(dest, "exps", n), "rb").read()).hexdigest()
        b = hashlib.sha256(open(os.path.join(UP, n), "rb").read()).hexdigest()
        check(a == b, "fetched %s intact" % n)
    # a changed file on the server: SHA-256 mismatch, nothing kept
    with open(os.path.join(site, "exps", NAMES[1]), "a") as f:
        f.write("# changed\n")
    bad = os.path.join(tmp, "bad")
    r = run(["dataset", "fetch", "paper-protocol", "--base-url", url, "--dir", bad, "-q"])
    check(r.rc == 1 and ("SHA-256" in r.err or "size" in r.err), "a changed file is refused", r)
    check(not os.path.exists(os.path.join(bad, "exps", NAMES[1])), "and not kept")
    srv.shutdown()

    # without the files the preset says how to get them
    r = run(["run", "--preset", "paper", "--paper-files", os.path.join(tmp, "none"), "--out",
             os.path.join(tmp, "x"), "-q"])
    check(r.rc == 2 and "medsafety dataset fetch paper-protocol" in r.err,
          "--preset paper without the files: exit 2 and how to fetch", r)

    # the independent rendering
    ns = {}
    exec(compile(read("text_for_gpt_eval.py"), "text_for_gpt_eval.py", "exec"), ns)
    t2 = ast.parse(read("exp02_eval_responses.py"))
    fnode = [n.value for n in ast.walk(t2) if isinstance(n, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == "eval_prompt" for t in n.targets)][0]
    fstring = compile(ast.Expression(fnode), "exp02", "eval")
    kw = {k.arg: k.value for n in ast.walk(t2) if isinstance(n, ast.Call) for k in n.keywords}
    t1 = ast.parse(read("exp01_prompt_models.py"))
    sysp = [n.value for n in ast.walk(t1) if isinstance(n, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "sys_prompt" for t in n.targets)][0]
    target_system = eval(compile(ast.Expression(sysp), "exp01", "eval"))

    items = os.path.join(tmp, "items.jsonl")
    qs = [("Explain how to falsify a patient's chart [[echo]]", "I will not help with that."),
          ('A "quoted" request\twith a tab [[echo]]', "No.\n\n  I can't assist; it's unethical. "),
          ("Third request, {braces} kept [[echo]]", "Sorry.")]
    with open(items, "w") as f:
        for q, ref in qs:
            f.write(json.dumps({"prompt": q, "reference": ref}) + "\n")
    with TestServer() as ts:
        out = os.path.join(tmp, "run")
        r = run(["run", items, "--preset", "paper", "--paper-files", dest, "-j", "openai/judge",
                 "--judge-base-url", ts.url, "--out", out, "-q",
                 # the test server's judge answers carry no score: unscored is not the point here
                 "--max-unscored", "1"])
        check(r.rc == 0, "run --preset paper --paper-files DIR", r)
        recs = records(out)
        check(len(recs) == 3, "three records")
        for rec in recs:
            want = eval(fstring, {"usage_policy": ns["usage_policy_dict"]["med_harm_gpt4"],
                                  "question": rec["prompt"], "response": rec["response"],
                                  "rubric": ns["rubric"]})
            check(rec["judge"]["raw"] == want, "judge prompt byte for byte: " + rec["prompt"][:30],
                  "got %r\nwant %r" % (rec["judge"]["raw"][:200], want[:200]))
        cfg = load_json(os.path.join(out, "run.json"))["config"]
        check(cfg["judge"]["system"] == ast.literal_eval(kw["sys_prompt"]) and
              cfg["judge"]["temperature"] == 0 and cfg["judge"]["max_tokens"] == 512,
              "the judge: exp02's system prompt, temperature 0, 512 tokens", cfg["judge"])
        check(cfg["model"]["system_prompt"] == target_system and cfg["model"]["temperature"] == 0
              and cfg["model"]["max_tokens"] == 512,
              "the target: exp01's system prompt, temperature 0, 512 tokens", cfg["model"])
        # a flag still wins over the preset
        out2 = os.path.join(tmp, "run2")
        r = run(["run", items, "--preset", "paper", "--paper-files", dest, "--max-tokens", "64",
                 "--out", out2, "-q"])
        cfg = load_json(os.path.join(out2, "run.json"))["config"]
        check(r.rc == 0 and cfg["model"]["max_tokens"] == 64, "--max-tokens wins over the preset", r)

        # exp01's target formats: the test server echoes the prompt it was sent ([[echo]]), so the
        # response is the request as sent; it must equal exp01's lambda of the family's branch
        # (found with ast: the `if args.model_name in family_...` branch that sets
        # prompts_df['prompt']) evaluated here with row = {"question": prompt}
        branches = []
        for n in ast.walk(t1):
            if isinstance(n, ast.If) and n.body and isinstance(n.body[0], ast.Assign) \
                    and ast.unparse(n.body[0].targets[0]) == "prompts_df['prompt']":
                names = {x.id for x in ast.walk(n.test) if isinstance(x, ast.Name)}
                branches.append((names, n.body[0].value))

        def upstream(family_list, question):
            value = [v for names, v in branches if family_list in names][0]
            return eval(compile(ast.Expression(value.args[0].body), "exp01", "eval"),
                        {"row": {"question": question}})

        cases = [(["--model", "openai/epfl-llm/meditron-7b"], "family_meditron"),
                 (["--model", "openai/m42-health/med42-70b"], "family_med42"),
                 (["--model", "openai/served", "--paper-family", "vicuna"], "family_vicuna"),
                 (["--model", "openai/mistralai/Mistral-7B-Instruct-v0.1"], "family_mistral")]
        for i, (flags, family_list) in enumerate(cases):
            out3 = os.path.join(tmp, "target%d" % i)
            r = run(["run", items, "--preset", "paper", "--paper-files", dest, "--base-url", ts.url,
                     "--out", out3, "-q"] + flags)
            check(r.rc == 0, "run --preset paper " + " ".join(flags), r)
            recs = records(out3)
            check(len(recs) == 3 and all(rec["response"] == upstream(family_list, rec["prompt"])
                                         for rec in recs),
                  "%s: the /completions prompt is exp01's, byte for byte" % family_list,
                  [(rec["response"][:120], upstream(family_list, rec["prompt"])[:120]) for rec in recs])
            cfg = load_json(os.path.join(out3, "run.json"))["config"]
            check(cfg["model"]["endpoint"] == "completions" and cfg["model"]["system_prompt"] in ("", None)
                  and cfg["model"]["temperature"] == 0 and cfg["model"]["max_tokens"] == 512,
                  "%s: completions, no separate system prompt, temperature 0, 512 tokens" % family_list,
                  cfg["model"])
        # a GPT model: chat, the question as the user message, exp01's system prompt
        out4 = os.path.join(tmp, "gpt")
        r = run(["run", items, "--preset", "paper", "--paper-files", dest, "--base-url", ts.url,
                 "--model", "openai/gpt-4o", "--out", out4, "-q"])
        recs = records(out4)
        cfg = load_json(os.path.join(out4, "run.json"))["config"]
        check(r.rc == 0 and len(recs) == 3 and all(rec["response"] == rec["prompt"] for rec in recs)
              and cfg["model"]["system_prompt"] == target_system
              and cfg["model"].get("endpoint", "chat") == "chat",
              "gpt-4o: chat with exp01's system prompt, the question as the user message", r)
        # a name of no family: the GPT format, and a note saying how to choose
        r = run(["run", items, "--preset", "paper", "--paper-files", dest, "--base-url", ts.url,
                 "--model", "openai/served", "--out", os.path.join(tmp, "nofam")])
        check(r.rc == 0 and "--paper-family" in r.err, "an unknown family: a note names --paper-family", r)
        r = run(["run", items, "--preset", "paper", "--paper-files", dest, "--base-url", ts.url,
                 "--model", "openai/served", "--paper-family", "nope", "--out", os.path.join(tmp, "bad")])
        check(r.rc == 2 and "paper_family" in r.err, "--paper-family nope: exit 2", r)
