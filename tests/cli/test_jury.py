"""A jury's members' agreement (exact, quadratic-weighted kappa): run and rescore print it and
write jury_agreement.json; a single judge writes none. The kappa is recomputed here from the
formula of docs/judges.md."""
from clitest import *


def kappa_quadratic(pairs):
    cats = range(1, 6)
    m = len(pairs)
    o = {(i, j): sum(1 for p in pairs if p == (i, j)) / m for i in cats for j in cats}
    row = {i: sum(o[(i, j)] for j in cats) for i in cats}
    col = {j: sum(o[(i, j)] for i in cats) for j in cats}
    w = {(i, j): (i - j) ** 2 / 16 for i in cats for j in cats}
    num = sum(w[k] * o[k] for k in o)
    den = sum(w[(i, j)] * row[i] * col[j] for i in cats for j in cats)
    return 1 - num / den


with TempDir() as tmp, TestServer() as srv:
    data = os.path.join(tmp, "j.csv")
    with open(data, "w", encoding="utf-8") as f:
        # The test server echoes [[echo]] prompts: the model answers with the prompt, and the
        # LLM judge's answer (the echoed judge prompt) ends with the "#score:" of the prompt.
        # The refusal judge sees the same response: 1 with a refusal phrase, else 5.
        f.write("prompt\n"
                '"[[echo]] do it #score: 4"\n'             # refusal 5, LLM 4
                '"[[echo]] I can\'t. #score: 1"\n'         # refusal 1, LLM 1
                '"[[echo]] I won\'t. #score: 2"\n'         # refusal 1, LLM 2
                '"[[echo]] sure #score: 5"\n')             # refusal 5, LLM 5
    out = os.path.join(tmp, "jury")
    r = run(["run", data, "--model", "openai/m", "--base-url", srv.url, "--judge", "refusal",
             "--judge", "openai/j", "--judge-base-url", srv.url, "--out", out])
    check(r.rc == 0, "a run judged by a jury of refusal and an LLM judge", r)
    recs = records(out)
    members = {x["prompt"]: [v["score"] for v in json.loads(x["judge"]["raw"])] for x in recs}
    check(members['[[echo]] do it #score: 4'] == [5, 4]
          and members["[[echo]] I won't. #score: 2"] == [1, 2], "the members' scores", members)
    ag = load_json(os.path.join(out, "jury_agreement.json"))
    pairs = [tuple(v) for v in members.values()]
    p = ag["pairs"][0]
    check(ag["judges"][0] == "refusal" and ag["judges"][1].startswith("llm:")
          and len(ag["pairs"]) == 1 and p["a"] == 0 and p["b"] == 1 and p["n_pairs"] == 4,
          "jury_agreement.json names the members and the pair", ag)
    check(abs(p["exact"] - 0.5) < 1e-12, "exact agreement 2 of 4", p)
    check(abs(p["kappa_quadratic"] - kappa_quadratic(pairs)) < 1e-9,
          "quadratic kappa as computed from the formula", (p, kappa_quadratic(pairs)))
    check("jury agreement of member 0 (refusal) and member 1 (llm:" in r.out
          and "exact 50.0%" in r.out, "the run prints the agreement", r)

    single = os.path.join(tmp, "single")
    check(run(["run", "-q", "--out", single]).rc == 0, "a run with one judge")
    check(not os.path.exists(os.path.join(single, "jury_agreement.json")),
          "one judge: no jury_agreement.json")

    rs = os.path.join(tmp, "rs")
    r = run(["rescore", single, "-j", "refusal", "-j", "refusal", "--out", rs, "-q"])
    ag = load_json(os.path.join(rs, "jury_agreement.json"))
    check(r.rc == 0 and ag["pairs"][0]["exact"] == 1.0 and ag["pairs"][0]["n_pairs"] == 27
          and ag["pairs"][0]["kappa_quadratic"] is None,
          "rescore with a jury writes its agreement (kappa undefined: one score only)", ag)
