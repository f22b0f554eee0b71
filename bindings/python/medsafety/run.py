"""evaluate(): the library's runner, driven from Python."""

from __future__ import annotations

import collections
import ctypes
import json
import os
import shutil
import sys
import tempfile
import threading
from ctypes import POINTER, byref, c_void_p, cast
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Union

from . import _abi, _batch, _callbacks
from . import _progress as _display
from ._lib import LIB, to_bytes
from .backend import Backend
from .dataset import Dataset
from .errors import (AlreadyExists, Canceled, Error, LimitExceeded, Mismatch, RunFailed,
                     TooManyUnscored)
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
    eta_s: Optional[float]  #: seconds left, None until there is an estimate
    elapsed_s: float


#: The share of unscored records above which evaluate() raises TooManyUnscored:
#: the library's msb_max_unscored_default() (MSB_MAX_UNSCORED_DEFAULT, the CLI's
#: threshold too); the documented 5 % with a library older than 0.2.
DEFAULT_MAX_UNSCORED = (LIB.msb_max_unscored_default() if LIB.has("msb_max_unscored_default")
                        else 0.05)


class _RunState:
    __slots__ = ("fn", "exc", "last", "__weakref__")

    def __init__(self, fn: Optional[Callable[[Progress], Any]]) -> None:
        self.fn = fn
        self.exc: Optional[BaseException] = None
        self.last: Optional[Progress] = None


def _progress(p_ptr: int, ud: int) -> int:
    try:
        state = _callbacks.lookup(ud)
        p = cast(p_ptr, POINTER(_abi.msb_eval_progress)).contents
        snap = Progress(p.done, p.total, p.errors, p.resumed, p.in_flight_model,
                        p.in_flight_judge, p.rate, p.eta_s if p.eta_s >= 0 else None,
                        p.elapsed_s)
        state.last = snap
        stop = state.fn(snap)
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
    LIB.call(LIB.msb_eval_get_stats, byref(st), ev)
    return {name: getattr(st, name) for name, _ in st._fields_ if name != "version"}


# The library's messages name the CLI's and C's switches; Python has keywords.
_PYTHON_WORDS = (
    ("the folder holds a run; resume or force",
     "the folder holds a run: pass resume=True to continue it, or force=True to start over"),
    ("force to continue anyway", "pass force=True to continue anyway"),
    ("another folder, or force to start over",
     "another folder (out=...), or pass force=True to start over"),
)


def _pythonic(e: Error) -> Error:
    msg = e.message
    for old, new in _PYTHON_WORDS:
        msg = msg.replace(old, new)
    if msg == e.message:
        return e
    return type(e)(msg, e.code)


class _UserException(Exception):
    """Carries an exception of the caller's own code (a progress function) out
    of _evaluate untouched, with its traceback."""

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc


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
             progress: Union[bool, Callable[[Progress], Any], None] = None,
             progress_interval: Optional[float] = None,
             max_unscored: Optional[float] = None, allow_unscored: bool = False,
             batch: bool = False, judge_batch: bool = False,
             batch_poll_interval: Optional[float] = None, batch_retry: Optional[int] = None,
             batch_max_lines: Optional[int] = None,
             batch_max_bytes: Optional[int] = None) -> Results:
    """Evaluate ``model`` on every item of ``dataset``, judged by ``judge``.

    Writes the run folder ``out`` (results.jsonl, run.json, summary.json) and
    returns its :class:`Results`. ``out=None`` runs in a temporary folder that
    is removed once the results are read into memory (``res.path`` is then
    None). Every option left at None takes the library's default
    (``msb_eval_options_init``): ``concurrency`` model requests in flight,
    ``judge_concurrency`` judge requests in flight, ``workers``, ``max_tokens``,
    ``temperature``, ``top_p``, ``epochs`` K responses per prompt (with
    ``seed``), ``retries``, ``max_requests`` / ``max_total_tokens`` budgets
    (LimitExceeded when reached). ``resume=True`` finishes an interrupted run
    in ``out``; ``force=True`` overwrites it; ``retry_errors=True`` (with
    resume) runs failed items again; ``cache``: a response cache folder
    shared across runs. ``config``: a dict recorded as run.json's "config"
    (never put secrets in it). ``judge=None`` collects responses without
    scores.

    ``progress``: None shows progress on a terminal or in a notebook (tqdm
    when it can be imported, else one line on stderr), True always, False
    never; a function receives a :class:`Progress` about every
    ``progress_interval`` seconds (None: the library's default), on the
    run's thread, and stops the run
    (Canceled) by returning True.

    A run is strict, as the CLI is: when every item failed it raises
    :class:`RunFailed` with the most common error; when more than
    ``max_unscored`` (a share, default 5 %) of the records have no score it
    raises :class:`TooManyUnscored`, unless ``allow_unscored=True``. Both carry
    the run's Results as ``.results``. Items of which only some failed are
    recorded with their error and the run goes on. An empty dataset is a
    ValueError. Ctrl-C cancels the run (finished items stay in the journal,
    so ``resume=True`` continues it) and raises KeyboardInterrupt. Other
    failures raise :class:`medsafety.Error` subclasses: AlreadyExists when
    ``out`` holds a run and neither ``resume=True`` nor ``force=True`` is
    given, Mismatch when resuming a run of another configuration, ...

    ``batch=True`` sends the model stage through OpenAI's Batch API (half
    the price, answers within 24 hours), ``judge_batch=True`` the LLM
    judge's too (``msb_batch_run``, as ``medsafety run --batch
    --judge-batch``; docs/batch.md): the model (and the judge's backend)
    must be :meth:`Backend.openai` (InvalidArgument otherwise). The call
    blocks until the batches end, then the run goes on online for what
    they did not answer. Every batch id is journaled in ``out`` first: after
    Ctrl-C (which stops at the next poll) or a crash, the same call with
    ``resume=True`` picks the batches up without submitting anything twice.
    ``batch_poll_interval`` (seconds), ``batch_retry``, ``batch_max_lines``
    and ``batch_max_bytes`` left at None take ``msb_batch_options_init``'s
    defaults. ``res.run_stats["batch"]`` tells what the stages did.
    """
    try:
        return _evaluate(dataset, model, judge, out, dict(
            concurrency=concurrency, judge_concurrency=judge_concurrency, workers=workers,
            system_prompt=system_prompt, max_tokens=max_tokens, temperature=temperature,
            top_p=top_p, epochs=epochs, seed=seed, resume=resume, force=force,
            retry_errors=retry_errors, cache=cache, max_requests=max_requests,
            max_total_tokens=max_total_tokens, retries=retries, config=config,
            progress=progress, progress_interval=progress_interval,
            max_unscored=max_unscored, allow_unscored=allow_unscored, batch=batch,
            judge_batch=judge_batch, batch_poll_interval=batch_poll_interval,
            batch_retry=batch_retry, batch_max_lines=batch_max_lines,
            batch_max_bytes=batch_max_bytes))
    except _UserException as u:
        raise u.exc from None
    except (Error, ValueError, TypeError, KeyboardInterrupt) as e:
        # the traceback ends here, in the function the caller called
        raise e.with_traceback(None) from None


def _options(out: PathLike, kw: Dict[str, Any]) -> _abi.msb_eval_options:
    opts = _abi.msb_eval_options()
    LIB.call(LIB.msb_eval_options_init, byref(opts), _abi.EVAL_OPTIONS_VERSION)
    opts.out_dir = to_bytes(out)
    for name in ("concurrency", "judge_concurrency", "workers", "max_tokens", "epochs",
                 "retries", "max_requests", "max_total_tokens"):
        if kw[name] is not None:
            setattr(opts, name, int(kw[name]))
    if kw["system_prompt"] is not None:
        opts.system_prompt = to_bytes(kw["system_prompt"])
    for name in ("temperature", "top_p"):
        if kw[name] is not None:
            setattr(opts, name, float(kw[name]))
    if kw["seed"] is not None:
        opts.seed, opts.has_seed = int(kw["seed"]), 1
    opts.resume, opts.force = int(kw["resume"]), int(kw["force"])
    opts.retry_errors = int(kw["retry_errors"])
    opts.cache_dir = to_bytes(kw["cache"])
    if kw["config"] is not None:
        opts.config_json = json.dumps(kw["config"]).encode("utf-8")
    if kw["progress_interval"] is not None:
        opts.progress_interval_ms = max(1, int(kw["progress_interval"] * 1000))
    return opts


def _evaluate(dataset: Dataset, model: Backend, judge: Optional[Judge],
              out: Optional[PathLike], kw: Dict[str, Any]) -> Results:
    if not isinstance(dataset, Dataset):
        raise TypeError(f"evaluate needs a medsafety.Dataset, not {type(dataset).__name__} "
                        "(Dataset.from_items, Dataset.from_pandas or Dataset.load make one)")
    if len(dataset) == 0:
        raise ValueError("the dataset has no items")
    max_unscored = DEFAULT_MAX_UNSCORED if kw["max_unscored"] is None else kw["max_unscored"]
    if not 0.0 <= float(max_unscored) <= 1.0:
        raise ValueError(f"max_unscored={max_unscored!r}: give a share between 0 and 1")
    temporary = out is None
    if temporary:
        if kw["resume"]:
            raise ValueError("resume=True needs the folder of the run: out=...")
        out = tempfile.mkdtemp(prefix="medsafety-run-")
        kw["force"] = True
    try:
        res = _run(dataset, model, judge, out, kw)
        if temporary:
            res._detach()  # everything in memory: the folder can go
        _check(res, judge is not None, float(max_unscored), kw["allow_unscored"])
        return res
    finally:
        if temporary:
            shutil.rmtree(out, ignore_errors=True)


def _run(dataset: Dataset, model: Backend, judge: Optional[Judge], out: PathLike,
         kw: Dict[str, Any]) -> Results:
    opts = _options(out, kw)
    progress = kw["progress"]
    display = None
    if progress is None:
        progress = _display.wanted()
    if progress is True:
        display = _display.Display()
        progress = display
    state = _RunState(progress if callable(progress) else None)
    key = _callbacks.register(state) if state.fn is not None else 0
    if key:
        opts.progress = _PROGRESS
        opts.progress_userdata = key

    ev = c_void_p()
    batch_stats = None
    try:
        if _batch.wanted(kw):
            try:
                batch_stats = _batch.run(dataset._handle, model._handle,
                                         judge._handle if judge is not None else None, opts, kw,
                                         sys.stderr if display is not None else None)
            except Error as e:
                raise _pythonic(e) from None
        try:
            LIB.call(LIB.msb_eval_new, byref(ev), dataset._handle, model._handle,
                     judge._handle if judge is not None else None, byref(opts))
        except Error as e:
            raise _pythonic(e) from None
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
                if rc in (0, Canceled.code, LimitExceeded.code):
                    # the runner stops at the journal: summary.json and the reports, once
                    LIB.msb_error_clear()
                    src = LIB.msb_run_write_summary(None, to_bytes(out), None)
                    if src < 0 and rc == 0:
                        outcome["rc"] = src
                        outcome["error"] = LIB.last_error(src)
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
        if display is not None:
            display.close(state.last)
            display = None
        if interrupted is not None:
            raise interrupted
        if state.exc is not None:
            raise _UserException(state.exc)
        run_stats = _eval_stats(ev)
        if "error" in outcome:
            err = outcome["error"]
            raise _pythonic(err) if isinstance(err, (AlreadyExists, Mismatch)) else err
    finally:
        if display is not None:
            display.close()
        LIB.msb_eval_free(ev)
        if key:
            _callbacks.release(key)
    res = Results.open(out)
    if batch_stats is not None:
        run_stats["batch"] = batch_stats
    res.run_stats = run_stats
    return res


def _check(res: Results, judged: bool, max_unscored: float, allow_unscored: bool) -> None:
    """Raise RunFailed when every item failed, TooManyUnscored above the threshold."""
    n = len(res)
    if n and res.error_count == n:
        common = collections.Counter(
            (r["error"]["stage"], r["error"]["kind"], r["error"]["message"])
            for r in res.records if r["error"])
        (stage, kind, message), count = common.most_common(1)[0]
        where = f" (see the \"error\" of the records in {res.path}/results.jsonl)" \
            if res.path else ""
        raise RunFailed(f"every item failed; the most common error ({count} of {n}): "
                        f"{stage} {kind}: {message}{where}", results=res)
    if not judged or allow_unscored or not n:
        return
    # summary.json's n_unscored: no score and no error (DESIGN.md)
    unscored = sum(1 for r in res.records if r["score"] is None and r["error"] is None)
    if unscored / n > max_unscored:
        raise TooManyUnscored(
            f"{unscored} of {n} records have no score ({100.0 * unscored / n:.1f}% > "
            f"max_unscored={max_unscored:g}): the judge's answers could not be parsed (see "
            "\"judge\" \"raw\" in the records); pass allow_unscored=True to accept the run",
            results=res)
