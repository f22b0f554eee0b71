"""evaluate(): the library's runner, driven from Python."""

from __future__ import annotations

import ctypes
import json
import os
import tempfile
import threading
from ctypes import POINTER, byref, c_void_p, cast
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Union

from . import _abi, _callbacks
from ._lib import LIB, to_bytes
from .backend import Backend
from .dataset import Dataset
from .judge import Judge
from .results import Results

__all__ = ["evaluate", "Progress"]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Progress:
    """A progress snapshot handed to ``evaluate(progress=fn)``."""

    done: int             #: work units finished (items x epochs), resumed ones included
    total: int            #: work units of the run
    errors: int           #: finished with an error, this session
    resumed: int          #: found finished in the journal by resume
    in_flight_model: int
    in_flight_judge: int
    rate: float           #: units per second, this session
    eta_s: float          #: seconds left, -1 when unknown
    elapsed_s: float


class _RunState:
    __slots__ = ("fn", "exc", "__weakref__")

    def __init__(self, fn: Optional[Callable[[Progress], Any]]) -> None:
        self.fn = fn
        self.exc: Optional[BaseException] = None


def _progress(p_ptr: int, ud: int) -> int:
    try:
        state = _callbacks.lookup(ud)
        p = cast(p_ptr, POINTER(_abi.msb_eval_progress)).contents
        stop = state.fn(Progress(p.done, p.total, p.errors, p.resumed, p.in_flight_model,
                                 p.in_flight_judge, p.rate, p.eta_s, p.elapsed_s))
        return 1 if stop else 0
    except BaseException as e:  # stop the run; evaluate() re-raises it
        try:
            state.exc = e
        except BaseException:
            pass
        return 1


_PROGRESS = _abi.PROGRESS_FN(_progress)


def _eval_stats(ev: c_void_p) -> Dict[str, Any]:
    # Room to spare after the struct: msb_eval_get_stats copies the library's
    # whole struct, so a newer library with appended fields must not write
    # past the end of ours.
    buf = (ctypes.c_char * (ctypes.sizeof(_abi.msb_eval_stats) + 512))()
    st = _abi.msb_eval_stats.from_buffer(buf)
    st.version = _abi.EVAL_STATS_VERSION
    LIB.call(LIB.msb_eval_get_stats, ev, byref(st))
    return {name: getattr(st, name) for name, _ in st._fields_ if name != "version"}


def evaluate(dataset: Dataset, model: Backend, judge: Optional[Judge] = None,
             out: Optional[PathLike] = None, *,
             concurrency: Optional[int] = None, judge_concurrency: Optional[int] = None,
             workers: Optional[int] = None, system_prompt: Optional[str] = None,
             max_tokens: Optional[int] = None, temperature: Optional[float] = None,
             top_p: Optional[float] = None, epochs: Optional[int] = None,
             seed: Optional[int] = None, resume: bool = False, force: bool = False,
             retry_errors: bool = False, cache: Optional[PathLike] = None,
             max_requests: Optional[int] = None, max_total_tokens: Optional[int] = None,
             retries: Optional[int] = None, config: Optional[Dict[str, Any]] = None,
             progress: Optional[Callable[[Progress], Any]] = None,
             progress_interval: float = 0.5) -> Results:
    """Evaluate ``model`` on every item of ``dataset``, judged by ``judge``.

    Writes the run folder ``out`` (results.jsonl, run.json, summary.json; a new
    temporary folder when None) and returns its :class:`Results`.
    ``concurrency``: model requests in flight (default 16);
    ``judge_concurrency``: judge requests in flight (default 16);
    ``resume``: finish an interrupted run in ``out``; ``force``: overwrite it;
    ``cache``: a response cache folder shared across runs; ``epochs`` K
    responses per prompt (with ``seed``); ``max_requests`` /
    ``max_total_tokens``: budgets (LimitExceeded when reached). ``config``: a
    dict recorded as run.json's "config" (never put secrets in it).
    ``progress(p)`` receives a :class:`Progress` about every
    ``progress_interval`` seconds, on the run's thread; returning True stops
    the run (Canceled). ``judge=None`` collects responses without scores.

    Items whose model or judge call fails (including a Python callable that
    raises) are recorded with their error and the run goes on. Ctrl-C
    (KeyboardInterrupt) cancels the run (finished items stay in the journal,
    so ``resume=True`` continues it) and is re-raised. Other failures raise
    :class:`medsafety.Error` subclasses: AlreadyExists when ``out`` holds a run
    and neither resume nor force is given, Mismatch when resuming a run of
    another configuration, ...
    """
    if out is None:
        out = tempfile.mkdtemp(prefix="medsafety-run-")
        force = True
    opts = _abi.msb_eval_options()
    LIB.call(LIB.msb_eval_options_init, byref(opts), _abi.EVAL_OPTIONS_VERSION)
    opts.out_dir = to_bytes(out)
    for name, value in (("concurrency", concurrency), ("judge_concurrency", judge_concurrency),
                        ("workers", workers), ("max_tokens", max_tokens), ("epochs", epochs),
                        ("retries", retries)):
        if value is not None:
            setattr(opts, name, int(value))
    if system_prompt is not None:
        opts.system_prompt = to_bytes(system_prompt)
    if temperature is not None:
        opts.temperature = float(temperature)
    if top_p is not None:
        opts.top_p = float(top_p)
    if seed is not None:
        opts.seed, opts.has_seed = int(seed), 1
    opts.resume, opts.force, opts.retry_errors = int(resume), int(force), int(retry_errors)
    opts.cache_dir = to_bytes(cache)
    if max_requests is not None:
        opts.max_requests = int(max_requests)
    if max_total_tokens is not None:
        opts.max_total_tokens = int(max_total_tokens)
    if config is not None:
        opts.config_json = json.dumps(config).encode("utf-8")
    state = _RunState(progress)
    key = _callbacks.register(state) if progress is not None else 0
    if progress is not None:
        opts.progress = _PROGRESS
        opts.progress_userdata = key
    opts.progress_interval_ms = max(1, int(progress_interval * 1000))

    ev = c_void_p()
    try:
        LIB.call(LIB.msb_eval_new, byref(ev), dataset._handle, model._handle,
                 judge._handle if judge is not None else None, byref(opts))
        outcome: Dict[str, Any] = {}
        finished = threading.Event()

        def run() -> None:
            try:
                # msb_error_last is per thread: read it here, right after the call.
                LIB.msb_error_clear()
                rc = LIB.msb_eval_run(ev)
                outcome["rc"] = rc
                if rc < 0:
                    outcome["error"] = LIB.last_error(rc)
            finally:
                finished.set()

        # The run blocks in C on its own thread, so that this thread stays in
        # Python and receives Ctrl-C as KeyboardInterrupt. The handle is freed
        # only once `finished` is set (msb_eval_run has returned): an Event,
        # because Thread.join interrupted by Ctrl-C may report a live thread
        # as finished.
        t = threading.Thread(target=run, name="medsafety-eval", daemon=True)
        t.start()
        interrupted: Optional[BaseException] = None
        while not finished.is_set():
            try:
                finished.wait(0.2)
            except KeyboardInterrupt as e:
                if interrupted is None:
                    interrupted = e
                    LIB.msb_eval_cancel(ev)  # ends within the cancel grace time
        try:
            t.join(1.0)
        except KeyboardInterrupt as e:
            interrupted = interrupted or e
        if interrupted is not None:
            raise interrupted
        if state.exc is not None:
            raise state.exc
        run_stats = _eval_stats(ev)
        if "error" in outcome:
            raise outcome["error"]
    finally:
        LIB.msb_eval_free(ev)
        if key:
            _callbacks.release(key)
    res = Results.open(out)
    res.run_stats = run_stats
    return res
