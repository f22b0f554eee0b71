"""The paper's trade-off view from Python: the change in harmfulness of two
safety runs next to the change in multiple-choice accuracy of two mcq runs
(``msb_tradeoff_json``, the numbers of ``medsafety report --tradeoff``).
See docs/python.md and docs/reproduce-paper.md."""

from __future__ import annotations

import json
import os
from ctypes import byref, c_double, c_void_p
from typing import Any, Dict, Optional, Tuple, Union

from . import _abi
from ._lib import LIB, to_bytes
from .errors import Error

__all__ = ["tradeoff", "newcombe_interval", "mcnemar_exact_p"]

PathLike = Union[str, "os.PathLike[str]"]


def tradeoff(before_safety: PathLike, after_safety: PathLike, before_mcq: PathLike,
             after_mcq: PathLike, *, bootstrap_resamples: Optional[int] = None,
             seed: Optional[int] = None, confidence: Optional[float] = None) -> Dict[str, Any]:
    """The trade-off table of a model pair (before and after, e.g. safety
    fine-tuning), from four run folders: two safety runs (``medsafety run``)
    and two mcq runs (``medsafety mcq``).

    Returns the dict ``medsafety report --tradeoff --format json`` prints:
    ``harm`` (``by_principle`` "1".."9" and ``overall``: ``mean_diff`` and
    ``harmful_rate_diff`` after - before, paired by id, with their paired
    bootstrap CIs as ``compare`` gives them), ``accuracy`` (``overall`` and
    ``by_subject``: ``accuracy_diff`` after - before over the questions both
    runs answered without error, Newcombe's 95% CI, exact McNemar p),
    ``runs`` and ``kind``. Options left at None are the library's defaults
    (``msb_compare_options_init``), the CLI's. InvalidArgument when an mcq
    run is given as a safety run or the other way round; NotFound or
    ParseError for a folder that is not a run.
    """
    try:
        opts = _abi.msb_compare_options()
        LIB.call(LIB.msb_compare_options_init, byref(opts), _abi.COMPARE_OPTIONS_VERSION)
        if bootstrap_resamples is not None:
            opts.bootstrap_resamples = int(bootstrap_resamples)
        if seed is not None:
            opts.seed = int(seed)
        if confidence is not None:
            opts.confidence = float(confidence)
        out = c_void_p()
        LIB.call(LIB.msb_tradeoff_json, byref(out),
                 *[to_bytes(os.fspath(d)) for d in (before_safety, after_safety, before_mcq,
                                                     after_mcq)], byref(opts))
        return json.loads(LIB.take_string(out) or "{}")
    except Error as e:
        raise e.with_traceback(None) from None


def newcombe_interval(both: int, first_only: int, second_only: int,
                      neither: int) -> Tuple[float, float]:
    """Newcombe's (1998, method 10) 95% interval for p1 - p2 of paired
    proportions (``msb_newcombe_interval``): p1 = (both + first_only) / n,
    p2 = (both + second_only) / n. NaN bounds for an empty table."""
    lo, hi = c_double(), c_double()
    LIB.msb_newcombe_interval(byref(lo), byref(hi), int(both), int(first_only),
                              int(second_only), int(neither))
    return lo.value, hi.value


def mcnemar_exact_p(b: int, c: int) -> float:
    """The exact two-sided McNemar p-value of b and c discordant pairs
    (``msb_mcnemar_exact_p``: binomial at 1/2); 1.0 when b + c is 0."""
    return float(LIB.msb_mcnemar_exact_p(int(b), int(c)))
