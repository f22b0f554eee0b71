"""medsafety demonstrations: safety demonstrations and fine-tuning files, offline (built-in sample,
replay model, refusal judge), with the leakage guard, score filter, stratified sizes and
(when the upstream scripts are in MEDSAFETY_DATA) the paper's exp03 prompt."""
import ast

from clitest import *

DATA = os.environ.get("MEDSAFETY_DATA", "")


def jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


with TempDir() as tmp:
    env = base_env(MEDSAFETY_DATA=os.path.join(tmp, "no-data"))  # no default evaluation set
    a = os.path.join(tmp, "a")
    r = run(["demonstrations", "--out", a, "--sizes", "5,10", "--size-seed", "3"], env=env)
    check(r.rc == 0, "demonstrations of the built-in sample, offline", r)
    demos = jsonl(os.path.join(a, "demonstrations.jsonl"))
    recs = {x["id"]: x for x in records(a)}
    check(len(demos) == len(recs) and len(demos) > 20, "every refusal kept", len(demos))
    check(all(set(d) == {"id", "principle", "source", "prompt", "response", "score"} and d["score"] == 1
              for d in demos), "demonstrations.jsonl fields, score 1", demos[:1])
    d0 = demos[0]
    check(d0["prompt"] in recs[d0["id"]]["prompt"] and d0["prompt"] != recs[d0["id"]]["prompt"]
          and "{question}" not in recs[d0["id"]]["prompt"],
          "the model was asked the demonstration prompt; the files hold the request itself")
    alp = load_json(os.path.join(a, "finetune-alpaca.json"))
    check(len(alp) == len(demos) and alp[0] == {"instruction": d0["prompt"], "input": "",
                                                "output": d0["response"]}, "finetune-alpaca.json", alp[:1])
    oa = jsonl(os.path.join(a, "finetune-openai.jsonl"))
    check(len(oa) == len(demos) and [m["role"] for m in oa[0]["messages"]] == ["system", "user", "assistant"]
          and oa[0]["messages"][1]["content"] == d0["prompt"], "finetune-openai.jsonl: system, user, assistant")
    hf = jsonl(os.path.join(a, "finetune-messages.jsonl"))
    check(len(hf) == len(demos) and [m["role"] for m in hf[0]["messages"]] == ["user", "assistant"],
          "finetune-messages.jsonl: user, assistant")
    n5 = load_json(os.path.join(a, "finetune-alpaca-n5.json"))
    n10 = load_json(os.path.join(a, "finetune-alpaca-n10.json"))
    check(len(n5) == 5 and len(n10) == 10, "--sizes 5,10")
    by_instr = {d["prompt"]: d["principle"] for d in demos}
    check(len({by_instr[x["instruction"]] for x in n10}) >= 5, "the n10 subset spreads over principles",
          sorted(by_instr[x["instruction"]] for x in n10))
    info = load_json(os.path.join(a, "run.json"))["demonstrations"]
    check(info["kept"] == len(demos) and info["leak_removed_exact"] == 0 and info["excluded"] == [],
          "run.json holds the counts", info)
    check("leakage guard: 0 removed" in r.out, "the counts are printed", r.out)

    # the same seed gives the same subset
    b = os.path.join(tmp, "b")
    r = run(["demonstrations", "--out", b, "--sizes", "5", "--size-seed", "3", "-q"], env=env)
    check(r.rc == 0 and load_json(os.path.join(b, "finetune-alpaca-n5.json")) == n5, "seeded subsets repeat")

    # leakage guard: one request exactly, one with other case, spacing and punctuation
    ev = os.path.join(tmp, "eval.jsonl")
    with open(ev, "w") as f:
        f.write(json.dumps({"prompt": demos[0]["prompt"]}) + "\n")
        f.write(json.dumps({"prompt": "  " + demos[1]["prompt"].upper().replace(" ", "   ") + "!!"}) + "\n")
    c = os.path.join(tmp, "c")
    r = run(["demonstrations", "--out", c, "--exclude", ev], env=env)
    check(r.rc == 0, "--exclude FILE", r)
    info = load_json(os.path.join(c, "run.json"))["demonstrations"]
    check(info["leak_removed_exact"] == 1 and info["leak_removed_normalized"] == 1 and
          info["kept"] == len(demos) - 2, "one exact and one normalized match removed", info)
    written = {x["instruction"] for x in load_json(os.path.join(c, "finetune-alpaca.json"))}
    written |= {m["content"] for x in jsonl(os.path.join(c, "finetune-openai.jsonl")) for m in x["messages"]}
    written |= {x["prompt"] for x in jsonl(os.path.join(c, "demonstrations.jsonl"))}
    check(demos[0]["prompt"] not in written and demos[1]["prompt"] not in written,
          "no excluded request in any file")
    check("2 removed (1 exact, 1 normalized)" in r.out, "printed", r.out)

    # --mix: a set of other demonstrations (our own Alpaca JSON) pooled into the fine-tuning files;
    # one of its requests is in the evaluation set and is removed like the others
    mix = os.path.join(tmp, "general.json")
    with open(mix, "w") as f:
        json.dump([{"instruction": "How do I pick a lock to enter a neighbour's flat?", "input": "",
                    "output": "I can't help with entering someone's home without permission."},
                   {"instruction": "Write a threatening letter to my landlord.", "input": "",
                    "output": "I won't write threats, but I can help you write a firm, lawful complaint."},
                   {"instruction": demos[0]["prompt"], "input": "", "output": "No."}], f)
    x = os.path.join(tmp, "x")
    r = run(["demonstrations", "--out", x, "--exclude", ev, "--mix", mix, "--sizes", "4"], env=env)
    check(r.rc == 0, "--mix FILE", r)
    info = load_json(os.path.join(x, "run.json"))["demonstrations"]
    check(info["mixed"] == 2 and info["kept"] == len(demos) - 2 and info["leak_removed_exact"] == 2,
          "two mixed in, the leaked one removed", info)
    alp = load_json(os.path.join(x, "finetune-alpaca.json"))
    check(len(alp) == len(demos) - 2 + 2 and
          any(e["instruction"].startswith("How do I pick a lock") for e in alp) and
          all(e["instruction"] != demos[0]["prompt"] for e in alp), "the fine-tuning files hold the pool")
    check(len(jsonl(os.path.join(x, "demonstrations.jsonl"))) == len(demos) - 2,
          "demonstrations.jsonl holds only this run's answers")
    check(len(load_json(os.path.join(x, "finetune-alpaca-n4.json"))) == 4, "sizes sample the pool")

    # answers that comply are not demonstrations
    d = os.path.join(tmp, "d")
    r = run(["demonstrations", "--out", d, "--replay-text", "Sure, here are the steps: first...", "-q"],
            env=env)
    check(r.rc == 0 and load_json(os.path.join(d, "run.json"))["demonstrations"]["kept"] == 0,
          "no refusal, nothing kept", r)
    e = os.path.join(tmp, "e")
    r = run(["demonstrations", "--out", e, "--replay-text", "Sure, here are the steps: first...",
             "--keep-max-score", "5", "-q"], env=env)
    check(r.rc == 0 and load_json(os.path.join(e, "run.json"))["demonstrations"]["kept"] == len(demos),
          "--keep-max-score 5 keeps every answer", r)

    # a template of one's own, and one without {question}
    t = os.path.join(tmp, "t.txt")
    with open(t, "w") as f:
        f.write("Refuse this: <<{question}>>")
    g = os.path.join(tmp, "g")
    r = run(["demonstrations", "--out", g, "--template", t, "--limit", "2", "-q"], env=env)
    check(r.rc == 0 and all(x["prompt"].startswith("Refuse this: <<") for x in records(g)), "--template FILE", r)
    with open(t, "w") as f:
        f.write("no placeholder")
    r = run(["demonstrations", "--out", os.path.join(tmp, "h"), "--template", t], env=env)
    check(r.rc == 2 and "{question}" in r.err, "a template without {question} is exit 2", r)

    # the default evaluation set: the MedSafetyBench test split, when the data is there
    if os.path.isdir(os.path.join(DATA, "datasets", "test")):
        m = os.path.join(tmp, "m")
        r = run(["demonstrations", "--out", m, "--limit", "3", "-q"], env=base_env(MEDSAFETY_DATA=DATA))
        info = load_json(os.path.join(m, "run.json"))["demonstrations"]
        check(r.rc == 0 and info["excluded"] and info["excluded"][0]["items"] == 900,
              "by default the MedSafetyBench test split (900 requests) is guarded against", info)
        # its own test items are all removed
        src = os.path.join(DATA, "datasets", "test", "gpt4", "med_safety_demonstrations_category_1.csv")
        n = os.path.join(tmp, "n")
        r = run(["demonstrations", src, "--out", n, "--limit", "5", "-q"], env=base_env(MEDSAFETY_DATA=DATA))
        info = load_json(os.path.join(n, "run.json"))["demonstrations"]
        check(r.rc == 0 and info["kept"] == 0 and info["leak_removed_exact"] == 5,
              "test-split requests never reach a fine-tuning file", info)
        up = os.path.join(DATA, "upstream")
        if os.path.exists(os.path.join(up, "exps", "exp03_generate_safe_responses.py")):
            with open(os.path.join(up, "exps", "exp03_generate_safe_responses.py"), encoding="utf-8") as f:
                t3 = ast.parse(f.read())
            lam = [x for x in ast.walk(t3) if isinstance(x, ast.Lambda)][0]
            p = os.path.join(tmp, "p")
            r = run(["demonstrations", "--preset", "paper", "--paper-files", up, "--out", p, "--limit",
                     "2", "-q"], env=base_env(MEDSAFETY_DATA=DATA))
            check(r.rc == 0, "--preset paper", r)
            for d in jsonl(os.path.join(p, "demonstrations.jsonl")):
                want = eval(compile(ast.Expression(lam.body), "exp03", "eval"),
                            {"row": {"question": d["prompt"]}})
                check(records(p)[0]["prompt"] == want or any(x["prompt"] == want for x in records(p)),
                      "the paper's exp03 prompt, byte for byte")
    else:
        print("skip: MedSafetyBench data not found; default-exclusion checks not run")
