#!/usr/bin/env python3
"""lib/eval's layers (docs/architecture.md): a file may include the private
header of its own layer or of a lower one, never of a higher one.

    eval_layers.py SRCDIR            check SRCDIR/lib/eval; exit 1 on a violation
    eval_layers.py --self-test SRCDIR  the check must catch an upward include and
                                       an unplaced file in a copy of lib/eval

Each layer has its own header, so a file cannot call a higher layer without
including it (the build has -Werror=implicit-function-declaration): checking the
#include lines checks the calls. A new file in lib/eval must be placed in LAYERS.
"""
import os
import re
import shutil
import sys
import tempfile

# lowest first; a layer lists its .c and .h files
LAYERS = [
    ("options", ["eval_options.c", "eval_options.h"]),
    ("queue", ["eval_queue.c", "eval_queue.h"]),
    ("state", ["eval_state.c", "eval_state.h"]),
    # what a task sends, the response cache; the batch stages' file I/O and
    # provider APIs (batch.h, used by run.json's writer too)
    ("parts", ["eval_request.c", "eval_request.h", "eval_cache.c", "eval_cache.h",
               "batch.h", "batch_journal.c", "batch_http.c", "batch_http.h",
               "batch_openai.c", "batch_anthropic.c"]),
    ("folder", ["eval_folder.h", "eval_folder_journal.c", "eval_folder_answers.c",
                "eval_folder_resume.c", "eval_folder_runinfo.c"]),
    ("stage", ["eval_stage.c", "eval_stage.h"]),
    ("pool", ["eval_pool.c", "eval_pool.h"]),
    ("schedule", ["eval_schedule.c", "eval_schedule.h"]),
    # the loop, and the batch stages that run before it
    ("run", ["eval_run.c", "eval_run.h", "batch.c"]),
    ("handle", ["eval_handle.c"]),
    ("finish", ["eval_summary.c", "eval_simple.c"]),
]

# a file not listed by name: its layer from its name (a new batch provider, e.g.
# batch_anthropic.c, sits with batch_openai.c)
PATTERNS = [
    (re.compile(r"^batch_[a-z0-9_]+\.c$"), "parts"),
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"eval/([^"]+)"', re.M)


def layer_of():
    out = {}
    for i, (name, files) in enumerate(LAYERS):
        for f in files:
            out[f] = (i, name)
    return out


def check(evaldir):
    """The violations in evaldir, as messages (empty: the layers hold)."""
    where = layer_of()
    problems = []
    for f in sorted(os.listdir(evaldir)):
        if not f.endswith((".c", ".h")):
            continue
        for pat, name in PATTERNS:
            if f not in where and pat.match(f):
                where[f] = next((i, n) for i, (n, _) in enumerate(LAYERS) if n == name)
        if f not in where:
            problems.append(f"lib/eval/{f}: not in a layer (add it to LAYERS in "
                            f"tests/checks/eval_layers.py and to docs/architecture.md)")
            continue
        mine, mine_name = where[f]
        with open(os.path.join(evaldir, f), encoding="utf-8") as fh:
            text = fh.read()
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            if inc not in where:
                problems.append(f"lib/eval/{f}:{line}: includes eval/{inc}, which is in no layer")
                continue
            theirs, theirs_name = where[inc]
            if theirs > mine:
                problems.append(f"lib/eval/{f}:{line}: layer '{mine_name}' includes eval/{inc} "
                                f"of the higher layer '{theirs_name}'")
    return problems


def self_test(srcdir):
    src = os.path.join(srcdir, "lib", "eval")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "eval")
        shutil.copytree(src, copy)
        if check(copy):
            failures.append("the unchanged copy should pass")
        # a lower layer including a higher one: the queue including the loop
        path = os.path.join(copy, "eval_queue.c")
        with open(path, encoding="utf-8") as fh:
            orig = fh.read()
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(orig.replace('#include "eval/eval_queue.h"\n',
                                  '#include "eval/eval_queue.h"\n#include "eval/eval_run.h"\n', 1))
        got = check(copy)
        if not any("eval_queue.c" in p and "eval/eval_run.h" in p and "'run'" in p for p in got):
            failures.append(f"an upward include was not reported: {got}")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(orig)
        # the same layer and lower layers are fine: schedule includes stage and pool
        if check(copy):
            failures.append("restored copy should pass")
        # a new batch provider is placed by its name, and held to that layer
        prov = os.path.join(copy, "batch_other.c")
        with open(prov, "w", encoding="utf-8") as fh:
            fh.write('#include "eval/batch.h"\n#include "eval/eval_state.h"\n')
        if check(copy):
            failures.append(f"batch_other.c should sit with batch_openai.c: {check(copy)}")
        with open(prov, "a", encoding="utf-8") as fh:
            fh.write('#include "eval/eval_schedule.h"\n')
        if not any("batch_other.c" in p and "'schedule'" in p for p in check(copy)):
            failures.append("batch_other.c including the schedule was not reported")
        os.remove(prov)
        # a file nobody placed
        with open(os.path.join(copy, "eval_new_part.c"), "w", encoding="utf-8") as fh:
            fh.write('#include "eval/eval_state.h"\n')
        got = check(copy)
        if not any("eval_new_part.c: not in a layer" in p for p in got):
            failures.append(f"an unplaced file was not reported: {got}")
    for f in failures:
        print("self-test:", f)
    return 1 if failures else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) != 2:
        print(__doc__)
        return 2
    problems = check(os.path.join(argv[1], "lib", "eval"))
    for p in problems:
        print(p)
    if not problems:
        print(f"lib/eval: {len(LAYERS)} layers, no upward include")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
