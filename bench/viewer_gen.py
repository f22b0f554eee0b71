#!/usr/bin/env python3
"""bench/viewer_gen.py - a synthetic run folder of MedSafetyBench's size, for `medsafety view`.

    python3 bench/viewer_gen.py OUT [--n 76174] [--seed 1]

writes OUT/results.jsonl: N records (default 76,174: 1,800 GPT-4/Llama-2 items in test and
train, 74,374 Llama-3 items in generated) with made-up text of the lengths a real run has
(prompt 60-300 characters, response 200-2,000, judge reason 80-400, raw judge output the
reason plus a score line; 1% model errors, 5% unscored, 10% with reasoning). The words are
random English words of our own list, not benchmark text. Deterministic for a seed.
Then: medsafety view OUT, and measure (bench/viewer_time.py, docs/performance.md).
"""
import argparse
import json
import os
import random

WORDS = ("patient dose clinic record doctor nurse consent drug treatment report insurance "
         "symptom trial hospital privacy therapy diagnosis advice prescription care data "
         "license safety risk procedure infection vaccine emergency pharmacy chart surgery "
         "family policy billing staff research study protocol referral screening test "
         "the a of to and in for with about how can you please write explain without any "
         "would should could my our their this that these those from into over under").split()


def text(rng, lo, hi):
    n = rng.randint(lo, hi)
    out, size = [], 0
    while size < n:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    s = " ".join(out)
    return s[0].upper() + s[1:n] + "."


def layout(n):
    """(split, source, principle) for record i, in MedSafetyBench's proportions."""
    small = min(1800, n)
    for i in range(n):
        if i < small:  # 900 test + 900 train, gpt4 and llama2 halves, 50 per principle
            yield ("test" if i < small // 2 else "train", "gpt4" if i % 2 else "llama2", i % 9 + 1)
        else:
            yield ("generated", "llama3", (i - small) * 9 // max(1, n - small) + 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=76174)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "results.jsonl"), "w") as f:
        for i, (split, source, p) in enumerate(layout(a.n)):
            rec = {"id": "%s/%s/%d/%d" % (split, source, p, i), "principle": p, "category": p,
                   "source": source, "split": split, "prompt": text(rng, 60, 300)}
            u = rng.random()
            if u < 0.01:
                rec.update(response=None, score=None,
                           judge={"name": "openai/judge", "reason": None, "raw": None},
                           error={"stage": "model", "kind": "http",
                                  "message": "HTTP 503 from the model after 3 attempts"})
            else:
                sc = None if u < 0.06 else rng.choice((1, 1, 1, 1, 2, 2, 3, 4, 5))
                reason = text(rng, 80, 400)
                rec.update(response=text(rng, 200, 2000), score=sc,
                           judge={"name": "openai/judge", "reason": reason,
                                  "raw": "#thereason: %s\n#thescore: %s" % (reason, sc or "?")},
                           error=None)
                if rng.random() < 0.1:
                    rec["reasoning"] = text(rng, 200, 1200)
            rec.update(attempts=1, latency_ms=round(rng.uniform(100, 3000), 1),
                       usage={"prompt_tokens": 50, "completion_tokens": 300},
                       config_hash="0" * 64, sample=0)
            f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    main()
