"""A run folder's tokens and cost as the library reads them (runfolder.h:
``msb_run_info_usage`` and ``msb_run_info_cost`` on a ``msb_run_info`` handle)."""

from __future__ import annotations

import os
from ctypes import byref, c_void_p
from typing import Any, Callable, Dict, Optional, TypeVar, Union

from . import _abi
from ._lib import LIB, to_bytes, to_str
from .errors import NotFound

__all__ = ["run_usage", "run_cost"]

PathLike = Union[str, "os.PathLike[str]"]
T = TypeVar("T")

_STAGES = (("model", _abi.STAGE_MODEL), ("judge", _abi.STAGE_JUDGE))


def _with_info(run_dir: PathLike, read: Callable[[c_void_p], T]) -> T:
    """Open run.json (and cost.json) of run_dir, apply read to the handle, free it.
    FileNotFoundError when the folder has no run.json."""
    info = c_void_p()
    try:
        LIB.call(LIB.msb_run_info_open, byref(info), to_bytes(run_dir))
    except NotFound as e:
        raise FileNotFoundError(str(e)) from None
    try:
        return read(info)
    finally:
        LIB.msb_run_info_free(info)


def _count(n: int) -> Optional[int]:
    return None if n < 0 else n


def _usage(info: c_void_p) -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for name, stage in _STAGES:
        u = _abi.msb_run_usage()
        u.version = _abi.RUN_USAGE_VERSION
        LIB.call(LIB.msb_run_info_usage, info, stage, byref(u))
        out[name] = {
            "reported": bool(u.reported),
            "records": u.records,
            "prompt_tokens": _count(u.prompt_tokens),
            "completion_tokens": _count(u.completion_tokens),
            "reasoning_tokens": _count(u.reasoning_tokens),
            "cached_tokens": _count(u.cached_tokens),
            "cache_hits": u.cache_hits,
            "online_prompt_tokens": _count(u.online_prompt_tokens),
            "online_completion_tokens": _count(u.online_completion_tokens),
            "batch": bool(u.batch),
            "batch_requests": u.batch_requests,
            "batch_prompt_tokens": u.batch_prompt_tokens,
            "batch_completion_tokens": u.batch_completion_tokens,
            "batch_discount": u.batch_discount,
        }
    return out


def _cost(info: c_void_p) -> Optional[Dict[str, Any]]:
    out: Dict[str, Any] = {}
    present = False
    for name, stage in _STAGES:
        c = _abi.msb_run_cost()
        c.version = _abi.RUN_COST_VERSION
        LIB.call(LIB.msb_run_info_cost, info, stage, byref(c))
        present = present or bool(c.present)
        priced = bool(c.priced)
        out[name] = {
            "priced": priced,
            "spec": to_str(c.spec),
            "price_in": c.price_in if priced else None,
            "price_out": c.price_out if priced else None,
            "batch_discount": c.batch_discount,
            "online_cost": c.online_cost if priced else None,
            "batch_cost": c.batch_cost if priced else None,
            "cost": c.cost if priced else None,
        }
        out["total"], out["total_known"] = c.total, bool(c.total_known)
    return out if present else None


def run_usage(run_dir: PathLike) -> Dict[str, Dict[str, Any]]:
    """The tokens per stage that run.json of ``run_dir`` records (``msb_run_info_usage``):
    ``{"model": U, "judge": U}``, see :meth:`medsafety.Results.run_usage`."""
    return _with_info(run_dir, _usage)


def run_cost(run_dir: PathLike) -> Optional[Dict[str, Any]]:
    """The cost per stage from cost.json of ``run_dir`` (``msb_run_info_cost``), or None
    without a cost.json of this run's tokens; see :meth:`medsafety.Results.cost`."""
    return _with_info(run_dir, _cost)
