"""The batch stages of a run (``msb_batch_run``; docs/batch.md): evaluate's
``batch=True`` / ``judge_batch=True``.

The stages fill the run folder's answers journal and verdict store through
OpenAI's Batch API; the ordinary runner then continues the run in resume
mode, exactly as ``medsafety run --batch`` does (cli/runbatch.c)."""

from __future__ import annotations

import threading
from ctypes import POINTER, byref, c_void_p, cast
from typing import IO, Any, Dict, Optional

from . import _abi, _callbacks
from ._lib import LIB, to_str

__all__ = ["wanted", "run"]


class _State:
    __slots__ = ("stop", "show", "last", "__weakref__")

    def __init__(self, show: Optional[IO[str]]) -> None:
        self.stop = threading.Event()  # set on Ctrl-C: the next poll ends the stage
        self.show = show
        self.last: Any = None


def _on_progress(p_ptr: int, ud: int) -> int:
    try:
        state = _callbacks.lookup(ud)
        if state.stop.is_set():
            return 1  # the batches stay journaled: resume=True picks them up
        if state.show is None:
            return 0
        p = cast(p_ptr, POINTER(_abi.msb_batch_progress)).contents
        now = (to_str(p.batch_id), to_str(p.status), p.completed, p.failed)
        if now != state.last:  # one line per change of state, not per poll (as the CLI)
            state.last = now
            print(f"medsafety: batch {now[0]} ({to_str(p.stage)}): {now[1]}, "
                  f"{p.completed} of {p.requests} done, {p.failed} failed; {p.batches} "
                  f"batch{'' if p.batches == 1 else 'es'} open", file=state.show, flush=True)
        return 0
    except BaseException:  # never let anything cross into C
        return 0


# Created once, alive for the life of the process (see _callbacks).
_PROGRESS = _abi.BATCH_PROGRESS_FN(_on_progress)


def wanted(kw: Dict[str, Any]) -> bool:
    return bool(kw["batch"] or kw["judge_batch"])


def run(dataset_h: c_void_p, model_h: c_void_p, judge_h: Optional[c_void_p],
        opts: _abi.msb_eval_options, kw: Dict[str, Any],
        show: Optional[IO[str]]) -> Dict[str, int]:
    """Run the batch stages into opts.out_dir; on success set opts to resume
    (the runner continues from what the batches stored) and return what the
    stages did (msb_batch_stats). Ctrl-C stops at the next poll and raises
    KeyboardInterrupt; errors raise as the library reports them."""
    bo = _abi.msb_batch_options()
    LIB.call(LIB.msb_batch_options_init, byref(bo), _abi.BATCH_OPTIONS_VERSION)
    bo.model, bo.judge = int(bool(kw["batch"])), int(bool(kw["judge_batch"]))
    # None: the library's default (msb_batch_options_init), never restated here
    if kw["batch_poll_interval"] is not None:
        bo.poll_interval_ms = max(1, int(float(kw["batch_poll_interval"]) * 1000))
    for name, field in (("batch_retry", "retry"), ("batch_max_lines", "max_lines"),
                        ("batch_max_bytes", "max_bytes")):
        if kw[name] is not None:
            if int(kw[name]) < 0:
                raise ValueError(f"{name}={kw[name]!r}: give a number >= 0")
            setattr(bo, field, int(kw[name]))
    state = _State(show)
    key = _callbacks.register(state)
    bo.progress = _PROGRESS
    bo.progress_userdata = key
    st = _abi.msb_batch_stats()
    st.version = _abi.BATCH_STATS_VERSION
    outcome: Dict[str, Any] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            LIB.msb_error_clear()  # msb_error_last is per thread: read it right after
            rc = LIB.msb_batch_run(byref(st), dataset_h, model_h, judge_h, byref(opts), byref(bo))
            if rc < 0:
                outcome["error"] = LIB.last_error(rc)
        finally:
            finished.set()

    # Blocks in C on its own thread, so that this one receives Ctrl-C (as _run does).
    t = threading.Thread(target=work, name="medsafety-batch", daemon=True)
    interrupted: Optional[BaseException] = None
    try:
        t.start()
        while not finished.is_set():
            try:
                finished.wait(0.2)
            except KeyboardInterrupt as e:
                interrupted = interrupted or e
                state.stop.set()
        try:
            t.join(1.0)
        except KeyboardInterrupt as e:
            interrupted = interrupted or e
    finally:
        _callbacks.release(key)  # the loop above ends only once msb_batch_run returned
    if interrupted is not None:
        raise interrupted
    if "error" in outcome:
        raise outcome["error"]
    opts.resume, opts.force = 1, 0
    return {name: getattr(st, name) for name, _ in st._fields_ if name != "version"}
