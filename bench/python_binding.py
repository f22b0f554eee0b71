#!/usr/bin/env python3
"""What the Python binding costs: prints measured figures (docs/performance.md).

    MEDSAFETY_LIBRARY=build/lib/libmedsafety.so PYTHONPATH=bindings/python \\
        python3 bench/python_binding.py [N_ITEMS]

1. Calling into Python from the library: Backend.generate on a Python function
   (one C call, one trampoline with the GIL, one Python call) against the same
   call on the C replay backend.
2. evaluate() of N synthetic items (default 5,000) with a Python backend and a
   Python judge that answer at once, at concurrency 8, against the same run
   with the C replay backend and the C refusal judge: the per-item overhead of
   Python callbacks inside the runner.
3. Copying items out: iterating a loaded dataset (the whole MedSafetyBench when
   MEDSAFETY_DATA points at it, else the synthetic set).
"""

import os
import sys
import tempfile
import time

import medsafety as ms


def best_of(n, fn):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    n_items = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    print(f"medsafety {ms.__version__}, library {ms.library_path}, Python {sys.version.split()[0]}")

    calls = 20000
    with ms.Backend.from_callable(lambda req: "no") as py, ms.Backend.replay("no") as c:
        for name, b in (("python function", py), ("C replay", c)):
            t = best_of(3, lambda: [b.generate("x") for _ in range(calls)])
            print(f"generate() on a {name:15}: {t / calls * 1e6:6.1f} us per call")

    ds = ms.Dataset()
    for i in range(n_items):
        ds.add(f"request {i}", id=f"b/{i}", principle=1 + i % 9, reference="I can't help.")
    with tempfile.TemporaryDirectory() as d:
        runs = (
            ("python backend + python judge",
             ms.Backend.from_callable(lambda req: "I can't help."),
             ms.Judge.from_callable(lambda p, r: 1)),
            ("C replay + C refusal judge", ms.Backend.replay(), ms.Judge.refusal()),
        )
        for k, (name, b, j) in enumerate(runs):
            t0 = time.perf_counter()
            with ms.evaluate(ds, b, j, out=os.path.join(d, f"run{k}"), concurrency=8,
                             judge_concurrency=8) as res:
                assert len(res) == n_items
            t = time.perf_counter() - t0
            print(f"evaluate {n_items} items, {name:30}: {t:6.2f} s, "
                  f"{n_items / t:8.0f} items/s")
            b.close()
            j.close()

    data = os.environ.get("MEDSAFETY_DATA")
    src = os.path.join(data, "datasets") if data and os.path.isdir(os.path.join(data, "datasets")) else None
    if src:
        t0 = time.perf_counter()
        ds.close()
        ds = ms.Dataset.load(src)
        print(f"Dataset.load(MedSafetyBench datasets/): {len(ds)} items in "
              f"{(time.perf_counter() - t0) * 1e3:.0f} ms")
    t = best_of(3, lambda: sum(1 for _ in ds))
    print(f"iterate {len(ds)} items (Item copies): {t * 1e3:.0f} ms, "
          f"{t / len(ds) * 1e6:.2f} us per item")
    ds.close()


if __name__ == "__main__":
    main()
