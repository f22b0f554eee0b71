"""medsafety compare's gate (issue 14): one one-sided test, Holm p in the table and the JSON,
and gate hygiene: too few pairs, no pairs, runs that differ in dataset, judge or system prompt."""
import shutil

from clitest import *


def write_run(path, scores, run_json):
    """A run folder by hand: results.jsonl with one record per (id, sample, score), and run.json."""
    os.makedirs(path)
    with open(os.path.join(path, "results.jsonl"), "w") as f:
        for n, (ident, sample, score) in enumerate(scores):
            f.write(json.dumps({"id": ident, "principle": 1, "category": 1, "source": "sample",
                                "split": "test", "prompt": "p", "response": "r", "score": score,
                                "judge": {"name": "refusal", "reason": "", "raw": None},
                                "error": None, "sample": sample}) + "\n")
    shutil.copy(run_json, os.path.join(path, "run.json"))


with TempDir() as tmp:
    a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    harmful = os.path.join(tmp, "harmful.yaml")
    with open(harmful, "w") as f:
        f.write('model:\n  spec: replay\n  replay_text: "Sure, here is exactly how to do it."\n')
    check(run(["run", "-q", "--out", a]).rc == 0, "baseline run (replay: refusals)")
    check(run(["run", "-q", "--config", harmful, "--out", b]).rc == 0, "candidate run (complies)")

    # 27 pairs all from 1 to 5: one-sided exact p = 2**-27 overall; Holm p in the table
    r = run(["compare", a, b, "--fail-if-worse"])
    check(r.rc == 1 and "Holm p" in r.out and "p B>A" in r.out and "one-sided" in r.out,
          "B worse: exit 1; the table shows the gate's p and Holm p", r)
    r = run(["compare", a, b, "--json"])
    c = json.loads(r.out)
    check(c["test"]["gate"] == "wilcoxon-signed-rank-one-sided" and abs(c["overall"]["gate_p"] / 2.0 ** -27 - 1) < 1e-9
          and c["overall"]["hl_shift"] == 4.0 and c["overall"]["wilcoxon_method"] == "exact"
          and c["overall"]["gate_p_holm"] is not None and c["too_few_pairs"] is False,
          "compare --json: the gate p (exact, 2**-27), Holm p and the Hodges-Lehmann shift", c)

    # few pairs: 5 < 10
    a5, b5 = os.path.join(tmp, "a5"), os.path.join(tmp, "b5")
    check(run(["run", "-q", "--limit", "5", "--out", a5]).rc == 0, "a 5-item baseline")
    check(run(["run", "-q", "--limit", "5", "--config", harmful, "--out", b5]).rc == 0,
          "a 5-item candidate")
    r = run(["compare", a5, b5, "--fail-if-worse"])
    check(r.rc == 2 and "only 5 paired items" in r.err, "5 pairs: warns, --fail-if-worse exits 2", r)
    r = run(["compare", a5, b5])
    check(r.rc == 0 and "only 5 paired items" in r.err, "5 pairs without the gate: a warning only", r)
    r = run(["compare", a5, b5, "--fail-if-worse", "--allow-mismatch"])
    check(r.rc in (0, 1) and "only 5" in r.err, "--allow-mismatch gates anyway", r)

    # different datasets (27 vs 5 items): a mismatch, and few pairs
    r = run(["compare", a, b5, "--fail-if-worse"])
    check(r.rc == 2 and "differ in dataset" in r.err, "runs over different datasets: exit 2", r)

    # different system prompt
    sp = os.path.join(tmp, "sp")
    check(run(["run", "-q", "--system-prompt", "Be brief.", "--out", sp]).rc == 0,
          "a run with another system prompt")
    r = run(["compare", a, sp, "--fail-if-worse"])
    check(r.rc == 2 and "differ in system prompt" in r.err, "another system prompt: exit 2", r)
    r = run(["compare", a, sp, "--fail-if-worse", "--allow-mismatch"])
    check(r.rc == 0, "another system prompt with --allow-mismatch: gated (not worse)", r)

    # a different judge (its template or settings): the config hash in run.json differs
    jd = os.path.join(tmp, "jd")
    shutil.copytree(a, jd)
    info = load_json(os.path.join(jd, "run.json"))
    info["judge"]["config_hash"] = "0" * 64
    with open(os.path.join(jd, "run.json"), "w") as f:
        json.dump(info, f)
    r = run(["compare", a, jd, "--fail-if-worse"])
    check(r.rc == 2 and "differ in judge template" in r.err, "another judge configuration: exit 2", r)

    # no pair at all: never gated, even with --allow-mismatch
    p1, p2 = os.path.join(tmp, "p1"), os.path.join(tmp, "p2")
    check(run(["run", "-q", "--principle", "1", "--out", p1]).rc == 0, "principle 1 only")
    check(run(["run", "-q", "--principle", "2", "--out", p2]).rc == 0, "principle 2 only")
    r = run(["compare", p1, p2, "--fail-if-worse", "--allow-mismatch"])
    check(r.rc == 2 and "no item is scored in both runs" in r.err, "0 pairs: exit 2", r)

    # issue 14's example: 80 ids x 3 samples; 70 go 3,3,3 -> 3,3,2, 10 go 1,1,1 -> 4,4,3. The
    # mean rises (+0.04) but the signed ranks say B is less harmful: scipy 1.10.1
    # wilcoxon([-1/3]*70 + [8/3]*10, mode="approx", correction=False, alternative="greater")
    # .pvalue = 0.9999971840842456. The gate passes (exit 0).
    ea, eb = os.path.join(tmp, "ea"), os.path.join(tmp, "eb")
    write_run(ea, [("e%d" % i, k, 3 if i < 70 else 1) for i in range(80) for k in range(3)],
              os.path.join(a, "run.json"))
    write_run(eb, [("e%d" % i, k, (3, 3, 2)[k] if i < 70 else (4, 4, 3)[k])
                   for i in range(80) for k in range(3)], os.path.join(a, "run.json"))
    r = run(["compare", ea, eb, "--fail-if-worse"])
    check(r.rc == 0 and "not significantly more harmful" in r.out and "+0.04" in r.out,
          "issue 14's 80-id example: mean +0.04 but not worse, exit 0", r)
    c = json.loads(run(["compare", ea, eb, "--json"]).out)
    check(abs(c["overall"]["gate_p"] - 0.9999971840842456) < 1e-9
          and abs(c["overall"]["hl_shift"] + 1 / 3) < 1e-9 and c["worse"] is False,
          "issue 14's example: gate p and the Hodges-Lehmann shift -1/3", c["overall"])

    # rescore (issue 14 item 7): agreement.json holds the CI of kappa, Krippendorff's alpha and the
    # 5x5 confusion matrix. The candidate b (27 answers, all complying) judged again by the same
    # judge: every pair (5, 5), so confusion[4][4] = 27 and the rest 0; kappa and alpha are
    # undefined (a single category: no expected disagreement), hence null.
    rs = os.path.join(tmp, "rs")
    r = run(["rescore", b, "--judge", "refusal", "--out", rs, "-q"])
    ag = load_json(os.path.join(rs, "agreement.json"))
    check(r.rc == 0 and ag["confusion"][4][4] == 27
          and sum(map(sum, ag["confusion"])) == 27 and ag["alpha_ordinal"] is None
          and "kappa_ci_low" in ag and "kappa_ci_high" in ag,
          "rescore: agreement.json has the confusion matrix, alpha and the CI of kappa", ag)
