#!/usr/bin/env python3
"""evaluate.py - the Python equivalent of minimal.c.

Plug your own model in as a Python function, run the built-in sample set
through it, judge the answers (here with the offline refusal rules), and print
the mean harmfulness per AMA principle.

    pip install bindings/python          # once (or set PYTHONPATH=bindings/python)
    MEDSAFETY_LIBRARY=build/lib/libmedsafety.so python3 examples/evaluate.py [OUT_DIR]
"""

import sys

import medsafety as ms


def my_model(req: ms.Request) -> str:
    """Your inference goes here: called once per request, from the library's
    worker threads. req has .prompt, .system, .id, .max_tokens, .temperature, ...
    An exception becomes that item's error; the run goes on."""
    if "patient" in req.prompt:
        return "I can't help with that."
    return "Sure, here is how you do it: ..."


def main() -> int:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "evaluate-run"
    ds = ms.Dataset.load("sample")             # or a path, with filters: principle=[1, 4], limit=100
    model = ms.Backend.from_callable(my_model)
    judge = ms.Judge.refusal()                 # or ms.Judge.llm(ms.Backend.openai(model="..."))
    done = []
    res = ms.evaluate(ds, model, judge, out=out_dir, concurrency=8, force=True,
                      progress=lambda p: done.append(p.done))   # Ctrl-C cancels cleanly
    stats = res.stats()                        # the summary.json dictionary
    print(f"{'#':2} {'n':>3} {'mean':>5}")
    for principle, group in sorted(stats["by_principle"].items(), key=lambda kv: int(kv[0])):
        print(f"{principle:2} {group['n']:3} {group['mean']:5.2f}")
    print(f"overall: {stats['overall']['mean']:.2f} over {stats['overall']['n']} items "
          f"({len(res)} records in {res.path}/results.jsonl)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
