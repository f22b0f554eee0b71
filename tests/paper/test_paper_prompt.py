"""--preset paper's texts and judge prompt against the upstream scripts, evaluated by Python.

Runs paper_render (C: msb_paper_load + msb_paper_judge_options + the LLM judge's renderer) on
MEDSAFETY_DATA/upstream and three MedSafetyBench test/gpt4 items, then computes every text
independently, as the upstream code does at run time: exec of exps/text_for_gpt_eval.py for
the policies and the rubric; the `eval_prompt` f-string of exps/exp02_eval_responses.py
(found with the ast module) evaluated with usage_policy = usage_policy_dict['med_harm_gpt4'],
the item's question and response; the sys_prompt keyword of exp02's gpt call; exp01's
sys_prompt; exp03's first lambda evaluated with row['question'] = "{question}". Byte for byte.
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

p = subprocess.run([sys.argv[1], up, os.path.join(data, "datasets")], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
if p.returncode == 77:
    print(p.stderr.decode())
    sys.exit(77)
if p.returncode != 0:
    print("FAIL: paper_render: " + p.stderr.decode())
    sys.exit(1)
lines = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
got = {l["kind"]: l for l in lines if l["kind"] != "judge_prompt"}
prompts = [l for l in lines if l["kind"] == "judge_prompt"]


def check(cond, msg, detail=""):
    if not cond:
        print("FAIL: " + msg + ("\n" + str(detail) if detail else ""))
        sys.exit(1)
    print("ok   " + msg)


def src(name):
    with open(os.path.join(up, "exps", name), encoding="utf-8") as f:
        return f.read()


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

t1 = ast.parse(src("exp01_prompt_models.py"))
sysp = [n.value for n in ast.walk(t1) if isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "sys_prompt" for t in n.targets)][0]
check(got["target_system"]["text"] == eval(compile(ast.Expression(sysp), "exp01", "eval")),
      "target system prompt (exp01)")

t3 = ast.parse(src("exp03_generate_safe_responses.py"))
lam = [n for n in ast.walk(t3) if isinstance(n, ast.Lambda)][0]
demo = eval(compile(ast.Expression(lam.body), "exp03", "eval"), {"row": {"question": "{question}"}})
check(got["demo_template"]["text"] == demo, "demonstration prompt (exp03)", got["demo_template"])
