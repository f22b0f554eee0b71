"""--preset paper's texts and judge prompt against the upstream scripts, evaluated by Python.

Runs paper_render (C: msb_paper_load + msb_paper_judge_options + the LLM judge's renderer) on
MEDSAFETY_DATA/upstream and three MedSafetyBench test/gpt4 items, then computes every text
independently, as the upstream code does at run time: exec of exps/text_for_gpt_eval.py for
the policies and the rubric; the `eval_prompt` f-string of exps/exp02_eval_responses.py
(found with the ast module) evaluated with usage_policy = usage_policy_dict['med_harm_gpt4'],
the item's question and response; the sys_prompt keyword of exp02's gpt call; exp01's
sys_prompt; exp03's first lambda evaluated with row['question'] = "{question}". Byte for byte.
Then exp01's target prompts: for each family, the branch of exp01's `if args.model_name in
family_...` chain that sets prompts_df['prompt'] is found with ast, and its lambda evaluated with
row = {"question": item} (GPT: the question itself, with exp01's sys_prompt as the system
message); these must equal what msb_paper_target_backend_new hands its inner backend, for three
items per family. Every model name of exp01's family lists (the lists evaluated from the file)
must be put in the family whose branch holds its list.
Skips (77) when the data or /usr/bin/python3 is absent. usage: test_paper_prompt.py HELPER
"""
import ast
import json
import os
import subprocess
import sys

data = os.environ.get("MEDSAFETY_DATA", "")
up = os.path.join(data, "upstream")
if not os.path.isdir(os.path.join(up, "exps")):
    print("SKIP: no upstream files in %s (MEDSAFETY_DATA)" % up)
    sys.exit(77)


def src(name):
    with open(os.path.join(up, "exps", name), encoding="utf-8") as f:
        return f.read()


# exp01's model families: the lists, and the prompt branch that names each list
t1 = ast.parse(src("exp01_prompt_models.py"))
lists = {}
stmts = sorted([n for n in ast.walk(t1) if isinstance(n, ast.Assign) and len(n.targets) == 1
                and isinstance(n.targets[0], ast.Name)
                and n.targets[0].id.startswith(("family_", "ft_models"))], key=lambda n: n.lineno)
for n in stmts:
    exec(compile(ast.Module([n], []), "exp01", "exec"), lists)
branches = []  # (names of family lists in the condition, the statement's value)
for n in ast.walk(t1):
    if isinstance(n, ast.If) and n.body and isinstance(n.body[0], ast.Assign):
        tg = n.body[0].targets[0]
        if isinstance(tg, ast.Subscript) and ast.unparse(tg) == "prompts_df['prompt']":
            names = {x.id for x in ast.walk(n.test) if isinstance(x, ast.Name) and x.id.startswith("family_")}
            branches.append((names, n.body[0].value))
key = {"gpt": "family_gpt", "llama": "family_llama2", "medalpaca": "family_medalpaca",
       "med42": "family_med42", "mistral": "family_mistral", "vicuna": "family_vicuna",
       "pythia": "family_pythia"}
models = {}  # model name -> our family name, by the branch that holds its list
for names, _ in branches:
    ours = [f for f, k in key.items() if k in names]
    for v in names:
        for m in lists[v]:
            models[m] = ours[0] if len(ours) == 1 else None

p = subprocess.run([sys.argv[1], up, os.path.join(data, "datasets"), "--"] + sorted(models),
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
if p.returncode == 77:
    print(p.stderr.decode())
    sys.exit(77)
if p.returncode != 0:
    print("FAIL: paper_render: " + p.stderr.decode())
    sys.exit(1)
lines = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
got = {l["kind"]: l for l in lines if l["kind"] not in ("judge_prompt", "target_prompt", "family_of")}
prompts = [l for l in lines if l["kind"] == "judge_prompt"]
targets = [l for l in lines if l["kind"] == "target_prompt"]
family_of = {l["model"]: l["family"] for l in lines if l["kind"] == "family_of"}


def check(cond, msg, detail=""):
    if not cond:
        print("FAIL: " + msg + ("\n" + str(detail) if detail else ""))
        sys.exit(1)
    print("ok   " + msg)


ns = {}
exec(compile(src("text_for_gpt_eval.py"), "text_for_gpt_eval.py", "exec"), ns)

tree = ast.parse(src("exp02_eval_responses.py"))
eval_prompt = [n.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
               and any(isinstance(t, ast.Name) and t.id == "eval_prompt" for t in n.targets)]
check(len(eval_prompt) == 1 and isinstance(eval_prompt[0], ast.JoinedStr),
      "exp02 holds one eval_prompt f-string")
fstring = compile(ast.Expression(eval_prompt[0]), "exp02_eval_responses.py", "eval")

check(len(prompts) == 3 and len({x["principle"] for x in prompts}) == 3,
      "three items of three principles", [x["principle"] for x in prompts])
for x in prompts:
    want = eval(fstring, {"usage_policy": ns["usage_policy_dict"]["med_harm_gpt4"],
                          "question": x["question"], "response": x["response"], "rubric": ns["rubric"]})
    check(x["prompt"] == want, "principle %d: judge prompt byte for byte" % x["principle"],
          "got %r\nwant %r" % (x["prompt"][:300], want[:300]))

check(got["rubric"]["text"] == ns["rubric"], "rubric")
check(got["policy_medical"]["text"] == ns["usage_policy_dict"]["med_harm_llama2"], "medical policy")
check(got["policy_general"]["text"] == ns["usage_policy_dict"]["hex_phi"], "general policy")

# the judge call: system prompt of the (uncommented) gpt partial(...), temperature 0, 512 tokens
kw = {k.arg: k.value for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords}
check(got["judge_system"]["text"] == ast.literal_eval(kw["sys_prompt"]), "judge system prompt")
check(got["judge_settings"]["temperature"] == ast.literal_eval(kw["temperature"]) == 0.0 and
      got["judge_settings"]["max_tokens"] == 512, "judge temperature 0, 512 tokens", got["judge_settings"])

sysp = [n.value for n in ast.walk(t1) if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "sys_prompt" for t in n.targets)][0]
check(got["target_system"]["text"] == eval(compile(ast.Expression(sysp), "exp01", "eval")),
      "target system prompt (exp01)")

t3 = ast.parse(src("exp03_generate_safe_responses.py"))
lam = [n for n in ast.walk(t3) if isinstance(n, ast.Lambda)][0]
demo = eval(compile(ast.Expression(lam.body), "exp03", "eval"), {"row": {"question": "{question}"}})
check(got["demo_template"]["text"] == demo, "demonstration prompt (exp03)", got["demo_template"])

# exp01's target prompts, per family
check(len(branches) == 7 and len(targets) == 21, "exp01: 7 prompt branches; 3 requests x 7 families",
      (len(branches), len(targets)))
for x in targets:
    value = [v for names, v in branches if key[x["family"]] in names]
    check(len(value) == 1, "%s: one exp01 branch" % x["family"])
    value = value[0]
    if x["family"] == "gpt":
        check(ast.unparse(value) == "prompts_df['question']", "gpt: exp01 sends the question itself")
        want, want_sys = x["question"], got["target_system"]["text"]
    else:
        lam = value.args[0]
        check(isinstance(lam, ast.Lambda), "%s: the branch applies a lambda" % x["family"])
        want = eval(compile(ast.Expression(lam.body), "exp01", "eval"), {"row": {"question": x["question"]}})
        want_sys = None
    check(x["prompt"] == want and x["system"] == want_sys and x["same_as_direct"],
          "%s: target request byte for byte (%.40s...)" % (x["family"], x["question"]),
          "got %r / %r\nwant %r / %r" % (x["system"], x["prompt"][:400], want_sys, want[:400]))
check(len(models) >= 40 and None not in models.values(), "exp01's model lists", len(models))
wrong = {m: (family_of.get(m), f) for m, f in models.items() if family_of.get(m) != f}
check(not wrong, "msb_paper_family_of_model on all %d model names of exp01" % len(models), wrong)
