"""A run's results: records from results.jsonl, the summary.json statistics,
reports, and the paired comparison of two runs."""

from __future__ import annotations

import json
import math
import os
from ctypes import byref, c_char_p, c_double, c_int, c_void_p
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

from . import _abi, runfolder
from ._handle import Handle
from ._lib import LIB, to_bytes, to_str
from .errors import Error

__all__ = ["Results", "compare", "merge", "compare_over_refusal", "COMPARE_MIN_PAIRS",
           "wilson_interval"]

PathLike = Union[str, "os.PathLike[str]"]

REPORT_FORMATS = ("md", "json", "csv", "html")


_HAS_SUMMARY = LIB.has("msb_summary_new")


def _record(r: int) -> Dict[str, Any]:
    """One record as the results.jsonl object (the contract in DESIGN.md),
    read with one call (msb_record_info_get)."""
    info = _abi.msb_record_info()
    info.version = _abi.RECORD_INFO_VERSION
    LIB.call(LIB.msb_record_info_get, byref(info), r)
    err, usage = info.error, info.usage
    return {
        "id": to_str(info.id),
        "sample": info.sample,
        "principle": info.principle,
        "category": info.category,
        "source": to_str(info.source),
        "split": to_str(info.split),
        "prompt": to_str(info.prompt),
        "response": to_str(info.response),
        "score": info.score or None,
        "judge": {
            "name": to_str(info.judge_name),
            "reason": to_str(info.judge_reason),
            "raw": to_str(info.judge_raw),
        },
        "error": None if info.error_stage is None else {
            "stage": to_str(info.error_stage),
            "kind": to_str(err.kind),
            "message": to_str(err.message),
        },
        "attempts": usage.attempts,
        "latency_ms": usage.latency_ms,
        "usage": {
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
        },
        "config_hash": to_str(info.config_hash),
        "kind": "benign" if info.kind == 1 else "harmful",
    }


# The numbers of a summary group in summary.json's order (the columns of stats_frame).
_GROUP_FIELDS = (
    ("stats", ("n", "n_scored", "n_unscored", "n_errors", "mean", "sd", "sem", "ci_low",
               "ci_high", "hist", "refusal_rate", "harmful_rate", "full_compliance_rate")),
    ("more", ("median", "q1", "q3", "refusal_rate_ci_low", "refusal_rate_ci_high",
              "harmful_rate_ci_low", "harmful_rate_ci_high", "full_compliance_rate_ci_low",
              "full_compliance_rate_ci_high", "mean_if_missing_1", "mean_if_missing_5")),
)


def _group_dict(g: "_abi.msb_summary_group") -> Dict[str, Any]:
    """A summary group as its summary.json object: undefined figures (NaN) are None."""
    out: Dict[str, Any] = {}
    for part, names in _GROUP_FIELDS:
        sub = getattr(g, part)
        for name in names:
            v = getattr(sub, name)
            if name == "hist":
                v = list(v)
            elif isinstance(v, float) and math.isnan(v):
                v = None
            out[name] = v
    return out


def _summary_groups(scorer: c_void_p) -> List[Tuple[str, str, Dict[str, Any]]]:
    """(by, key, figures) of every group of the scorer's summary (msb_summary_group_byindex),
    in summary.json's order."""
    sp = c_void_p()
    LIB.call(LIB.msb_summary_new, byref(sp), scorer)
    try:
        out = []
        for i in range(LIB.msb_summary_group_count(sp)):
            g = _abi.msb_summary_group()
            g.version = _abi.SUMMARY_GROUP_VERSION
            LIB.call(LIB.msb_summary_group_byindex, byref(g), sp, i)
            out.append((to_str(g.by), to_str(g.key), _group_dict(g)))
        return out
    finally:
        LIB.msb_summary_free(sp)


def _scorer_options(bootstrap_resamples: Optional[int], seed: Optional[int],
                    confidence: Optional[float]) -> _abi.msb_scorer_options:
    opts = _abi.msb_scorer_options()
    LIB.call(LIB.msb_scorer_options_init, byref(opts), _abi.SCORER_OPTIONS_VERSION)
    if bootstrap_resamples is not None:
        opts.bootstrap_resamples = int(bootstrap_resamples)
    if seed is not None:
        opts.seed = int(seed)
    if confidence is not None:
        opts.confidence = float(confidence)
    return opts


def read_run_info(run_dir: PathLike) -> Dict[str, Any]:
    """run.json of a run folder as a dict, read by the library (msb_run_info_open):
    FileNotFoundError when the folder has none."""
    def read(info: c_void_p) -> Dict[str, Any]:
        text = c_void_p()
        LIB.call(LIB.msb_run_info_json, byref(text), info)
        return json.loads(LIB.take_string(text) or "{}")
    return runfolder._with_info(run_dir, read)


class Results(Handle):
    """A run folder's results (``msb_results``), read with the library's reader:
    a torn last line is skipped, and when an item has several records the
    last one wins.

    ``len(res)``, iteration and :attr:`records` give the records as dicts with
    the keys of results.jsonl (``score`` None when unscored, ``error`` None or
    ``{"stage", "kind", "message"}``).
    """

    _free = LIB.msb_results_free
    _what = "results"

    def __init__(self, ptr: c_void_p, path: str) -> None:
        super().__init__(ptr)
        #: The run folder (or results.jsonl) read; None for a temporary run already removed.
        self.path: Optional[str] = path
        self._run_info: Optional[Dict[str, Any]] = None
        self._run_usage: Optional[Dict[str, Dict[str, Any]]] = None
        self._cost: Optional[Tuple[Optional[Dict[str, Any]]]] = None
        #: What the run did (filled by :func:`medsafety.evaluate`): requests, tokens, errors, ...
        self.run_stats: Optional[Dict[str, Any]] = None
        self._records: Optional[List[Dict[str, Any]]] = None

    @classmethod
    def open(cls, run_dir: PathLike, *, text: bool = True) -> "Results":
        """Open a run folder (or its results.jsonl). ``text=False`` skips prompts,
        responses and judge texts (less memory). NotFound when there is no run."""
        ptr = c_void_p()
        try:
            LIB.call(LIB.msb_results_open, byref(ptr), to_bytes(run_dir), 0 if text else 1)
        except Error as e:
            raise e.with_traceback(None) from None
        return cls(ptr, os.fspath(run_dir))

    def _detach(self) -> None:
        """Keep what lives in files (run.json) in memory: the folder is about to go."""
        try:
            self._run_info = self.run_info()
            self._run_usage = self.run_usage()
            self._cost = (self.cost(),)
        except OSError:
            self._run_info = {}
        self.path = None

    def __len__(self) -> int:
        return LIB.msb_results_count(self._handle)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        return iter(self.records)

    @property
    def records(self) -> List[Dict[str, Any]]:
        """Every record, in journal order (a list of dicts, built once)."""
        if self._records is None:
            h = self._handle
            self._records = [_record(LIB.msb_results_record(h, i))
                             for i in range(LIB.msb_results_count(h))]
        return self._records

    def find(self, id: str, sample: int = 0) -> Optional[Dict[str, Any]]:
        """The record of item ``id`` (and ``sample``, for runs with epochs), or None."""
        r = LIB.msb_results_find(self._handle, to_bytes(id), int(sample))
        return _record(r) if r else None

    @property
    def skipped_lines(self) -> int:
        """Lines of results.jsonl that were torn or not valid records."""
        return LIB.msb_results_skipped_lines(self._handle)

    @property
    def error_count(self) -> int:
        """Records that carry an error."""
        return LIB.msb_results_error_count(self._handle)

    @property
    def config_hash(self) -> Optional[str]:
        """The records' configuration hash ("mixed" when they differ, None when empty)."""
        return to_str(LIB.msb_results_config_hash(self._handle))

    def usage(self) -> Dict[str, Dict[str, Any]]:
        """The tokens per stage, summed over the records (``msb_results_usage``),
        as run.json's ``usage``: ``{"model": U, "judge": U}`` where U has
        ``records`` (records whose server reported a count), ``prompt_tokens``,
        ``completion_tokens``, ``reasoning_tokens`` and ``cached_tokens`` (None
        when no record reported them; parts of the completion and prompt
        tokens), and ``cache_hits`` (answers, for the judge verdicts, from a
        response cache, which this run did not pay for and which are left out).
        See docs/providers.md, "Tokens and cost"."""
        out: Dict[str, Dict[str, Any]] = {}
        for name, stage in (("model", _abi.STAGE_MODEL), ("judge", _abi.STAGE_JUDGE)):
            u = _abi.msb_usage_totals()
            u.version = _abi.USAGE_TOTALS_VERSION
            LIB.call(LIB.msb_results_usage, byref(u), self._handle, stage)
            d: Dict[str, Any] = {
                "records": u.records,
                "prompt_tokens": u.prompt_tokens,
                "completion_tokens": u.completion_tokens,
                "reasoning_tokens": u.reasoning_tokens if u.reasoning_reported else None,
                "cached_tokens": u.cached_tokens if u.cached_reported else None,
                "cache_hits": u.cache_hits,
            }
            out[name] = d
        return out

    def stats(self, *, bootstrap_resamples: Optional[int] = None, seed: Optional[int] = None,
              confidence: Optional[float] = None) -> Dict[str, Any]:
        """The statistics as the ``summary.json`` dictionary: ``overall``,
        ``by_principle`` ("1".."9"), ``by_source``, ``by_split`` (and
        ``by_category``), each group with n, n_scored, n_unscored, n_errors,
        mean, sd, sem, ci_low, ci_high, hist, refusal_rate, harmful_rate,
        full_compliance_rate. Computed by the library's scorer from the records."""
        with _Scorer(self, bootstrap_resamples=bootstrap_resamples, seed=seed,
                     confidence=confidence) as scorer:
            out = c_void_p()
            LIB.call(LIB.msb_scorer_summary_json, byref(out), scorer)
            text = LIB.take_string(out)
        return json.loads(text or "{}")

    def to_pandas(self) -> Any:
        """The records as a pandas DataFrame, one row per record.

        Columns: the keys of results.jsonl, with ``principle_title`` after
        ``principle`` (the AMA principle's short title, None for 0), the judge,
        error and usage objects flattened (``judge_name``, ``judge_reason``,
        ``judge_raw``, ``error_stage``, ``error_kind``, ``error_message``,
        ``prompt_tokens``, ``completion_tokens``), ``kind`` last. ``score`` is a nullable
        integer column (``<NA>`` when unscored). Needs pandas.
        """
        pd = _pandas("to_pandas")
        rows = []
        for r in self.records:
            judge, err, usage = r["judge"], r["error"] or {}, r["usage"]
            rows.append({
                "id": r["id"], "sample": r["sample"], "principle": r["principle"],
                "principle_title": principle_title(r["principle"]),
                "category": r["category"], "source": r["source"], "split": r["split"],
                "prompt": r["prompt"], "response": r["response"], "score": r["score"],
                "judge_name": judge["name"], "judge_reason": judge["reason"],
                "judge_raw": judge["raw"], "error_stage": err.get("stage"),
                "error_kind": err.get("kind"), "error_message": err.get("message"),
                "attempts": r["attempts"], "latency_ms": r["latency_ms"],
                "prompt_tokens": usage["prompt_tokens"],
                "completion_tokens": usage["completion_tokens"],
                "config_hash": r["config_hash"], "kind": r["kind"],
            })
        df = pd.DataFrame(rows, columns=_RECORD_COLUMNS)
        df["score"] = df["score"].astype("Int64")
        return df

    def stats_frame(self, **kw: Any) -> Any:
        """The statistics (:meth:`stats`, same keywords) as a pandas DataFrame,
        one row per group: ``group`` ("overall", "principle", "source",
        "split", "category"), ``key`` ("all", "1".."9", "gpt4", ...),
        ``title`` (the principle's short title, else None), then every number
        of the group (n, n_scored, n_unscored, n_errors, mean, sd, sem,
        ci_low, ci_high, rates, ...) with ``hist`` spread over ``hist_1`` ..
        ``hist_5``. All nine principles have a row (n = 0 when none). Needs
        pandas."""
        pd = _pandas("stats_frame")
        unknown = sorted(set(kw) - {"bootstrap_resamples", "seed", "confidence"})
        if unknown:
            raise TypeError(f"stats_frame() got an unexpected keyword argument '{unknown[0]}'")
        if not _HAS_SUMMARY:  # a library older than the result model: summary.json's groups
            summary = self.stats(**kw)
            rows = [_group_row("overall", "all", None, summary.get("overall") or {})]
            for group, field in (("principle", "by_principle"), ("source", "by_source"),
                                 ("split", "by_split"), ("category", "by_category")):
                for key, g in (summary.get(field) or {}).items():
                    title = principle_title(int(key)) if group == "principle" else None
                    rows.append(_group_row(group, key, title, g))
            return pd.DataFrame(rows)
        with _Scorer(self, bootstrap_resamples=kw.get("bootstrap_resamples"),
                     seed=kw.get("seed"), confidence=kw.get("confidence")) as scorer:
            groups = _summary_groups(scorer)
        rows = []
        for by, key, g in groups:
            if by == "overall":
                key = "all"
            title = principle_title(int(key)) if by == "principle" else None
            rows.append(_group_row(by, key, title, g))
        return pd.DataFrame(rows)

    def run_info(self) -> Dict[str, Any]:
        """run.json of the run folder (configuration and provenance)."""
        if self._run_info is not None:
            return self._run_info
        if self.path is None:
            return {}
        path = self.path if os.path.isdir(self.path) else os.path.dirname(self.path)
        return read_run_info(path)

    def _folder(self) -> Optional[str]:
        if self.path is None:
            return None
        return self.path if os.path.isdir(self.path) else os.path.dirname(self.path)

    def run_usage(self) -> Dict[str, Dict[str, Any]]:
        """The tokens per stage as run.json records them, with the online / batch split
        (``msb_run_info_usage``): ``{"model": U, "judge": U}``, U with ``reported`` (False
        while running, or for a run.json before 0.2), ``records``, ``prompt_tokens``,
        ``completion_tokens`` (online + batch), ``reasoning_tokens``, ``cached_tokens``
        (None when not reported), ``cache_hits``, ``online_prompt_tokens``,
        ``online_completion_tokens``, ``batch`` (the stage went through a batch API),
        ``batch_requests``, ``batch_prompt_tokens``, ``batch_completion_tokens`` and
        ``batch_discount`` (the factor on the batch tokens' price; 1 without batches).
        FileNotFoundError without run.json. See docs/providers.md, "Tokens and cost"."""
        if self._run_usage is not None:
            return self._run_usage
        folder = self._folder()
        if folder is None:
            raise FileNotFoundError("this run's temporary folder is gone")
        return runfolder.run_usage(folder)

    def cost(self) -> Optional[Dict[str, Any]]:
        """The cost in US dollars from the run folder's cost.json (``msb_run_info_cost``;
        written by ``medsafety run --price/--prices``): ``{"model": C, "judge": C, "total":
        float, "total_known": bool}``, C with ``priced``, ``spec``, ``price_in`` /
        ``price_out`` (dollars per million tokens), ``batch_discount``, ``online_cost``
        (online tokens x price), ``batch_cost`` (batch tokens x price x discount) and
        ``cost`` (their sum; the three None for a stage without a price). ``total`` is both
        stages' cost (with ``total_known`` False: the priced stages' only). None when the
        folder has no cost.json, or one of other tokens than run.json's (an earlier session
        of a resumed run). FileNotFoundError without run.json."""
        if self._cost is not None:
            return self._cost[0]
        folder = self._folder()
        if folder is None:
            raise FileNotFoundError("this run's temporary folder is gone")
        return runfolder.run_cost(folder)

    def write_report(self, path: PathLike, format: str = "md", *, title: Optional[str] = None,
                     subtitle: Optional[str] = None) -> None:
        """Write a report of this run: ``md``, ``json`` (summary.json), ``csv``
        or ``html`` (self-contained, with inline SVG charts). Written
        atomically. ``title`` / ``subtitle``: the heading and a line under it."""
        _write_report(self, path, format, title, subtitle)

    def __repr__(self) -> str:
        if self.closed:
            return "<medsafety.Results closed>"
        return f"<medsafety.Results {self.path!r}: {len(self)} records>"


_RECORD_COLUMNS = [
    "id", "sample", "principle", "principle_title", "category", "source", "split", "prompt",
    "response", "score", "judge_name", "judge_reason", "judge_raw", "error_stage",
    "error_kind", "error_message", "attempts", "latency_ms", "prompt_tokens",
    "completion_tokens", "config_hash", "kind",
]


def principle_title(n: int) -> Optional[str]:
    """The short title of AMA principle ``n`` (1..9) from the library, None otherwise."""
    return to_str(LIB.msb_principle_title(int(n)))


def _pandas(what: str) -> Any:
    try:
        import pandas  # type: ignore[import-not-found]
    except ImportError:
        raise ImportError(f"Results.{what}() needs pandas (Debian: python3-pandas; "
                          "or pip install pandas)") from None
    return pandas


def _group_row(group: str, key: str, title: Optional[str], g: Dict[str, Any]) -> Dict[str, Any]:
    row: Dict[str, Any] = {"group": group, "key": key, "title": title}
    for name, value in g.items():
        if name == "hist" and isinstance(value, list):
            for i, count in enumerate(value, 1):
                row[f"hist_{i}"] = count
        elif not isinstance(value, (dict, list)):
            row[name] = value
    return row


class _Scorer:
    """A scorer filled from a Results (freed on exit)."""

    def __init__(self, res: "Results", **kw: Any) -> None:
        opts = _scorer_options(kw.get("bootstrap_resamples"), kw.get("seed"), kw.get("confidence"))
        self.ptr = c_void_p()
        LIB.call(LIB.msb_scorer_new, byref(self.ptr), byref(opts))
        try:
            LIB.call(LIB.msb_results_score, res._handle, self.ptr)
        except BaseException:
            LIB.msb_scorer_free(self.ptr)
            raise

    def __enter__(self) -> c_void_p:
        return self.ptr

    def __exit__(self, *exc: Any) -> None:
        LIB.msb_scorer_free(self.ptr)


def _write_report(res: Results, path: PathLike, format: str, title: Optional[str],
                  subtitle: Optional[str]) -> None:
    fmt = LIB.call(LIB.msb_report_format_from_name, to_bytes(format))
    opts = _abi.msb_report_options()
    LIB.call(LIB.msb_report_options_init, byref(opts), _abi.REPORT_OPTIONS_VERSION)
    opts.title = to_bytes(title)
    opts.subtitle = to_bytes(subtitle)
    with _Scorer(res) as scorer:
        LIB.call(LIB.msb_report_write, scorer, fmt, to_bytes(path), byref(opts))


def compare(a: Union[Results, PathLike], b: Union[Results, PathLike], *,
            alpha: Optional[float] = None, bootstrap_resamples: Optional[int] = None,
            seed: Optional[int] = None, confidence: Optional[float] = None,
            holm: Optional[bool] = None) -> Dict[str, Any]:
    """Compare run B with run A (the baseline), pairing items by id.

    ``a`` and ``b`` are Results or run folders. Returns the comparison as a
    dict (the JSON of ``medsafety compare --json``; docs/statistics.md): per
    group (overall and each principle) the mean difference B - A with a
    paired bootstrap CI and a Wilcoxon signed-rank p-value, the change in
    harmful rate with McNemar's test, whether B is significantly worse
    (at ``alpha``; ``holm``: Holm's adjustment across the principles or
    not), and the ids found in only one run. Every option left at None
    takes the library's default (``msb_compare_options_init``), the same as
    ``medsafety compare``.
    """
    try:
        return _compare(a, b, alpha, bootstrap_resamples, seed, confidence, holm)
    except Error as e:
        raise e.with_traceback(None) from None


def _compare(a: Union[Results, PathLike], b: Union[Results, PathLike], alpha: Optional[float],
             bootstrap_resamples: Optional[int], seed: Optional[int],
             confidence: Optional[float], holm: Optional[bool]) -> Dict[str, Any]:
    opened: List[Results] = []
    try:
        ra = a if isinstance(a, Results) else opened.append(Results.open(a)) or opened[-1]
        rb = b if isinstance(b, Results) else opened.append(Results.open(b)) or opened[-1]
        opts = _abi.msb_compare_options()
        LIB.call(LIB.msb_compare_options_init, byref(opts), _abi.COMPARE_OPTIONS_VERSION)
        if alpha is not None:
            opts.alpha = float(alpha)
        if bootstrap_resamples is not None:
            opts.bootstrap_resamples = int(bootstrap_resamples)
        if seed is not None:
            opts.seed = int(seed)
        if confidence is not None:
            opts.confidence = float(confidence)
        if holm is not None:
            opts.adjust = 1 if holm else 0
        with _Scorer(ra) as sa, _Scorer(rb) as sb:
            cmp = c_void_p()
            LIB.call(LIB.msb_compare, byref(cmp), sa, sb, byref(opts))
            try:
                out = c_void_p()
                LIB.call(LIB.msb_comparison_json, byref(out), cmp)
                text = LIB.take_string(out)
            finally:
                LIB.msb_comparison_free(cmp)
        return json.loads(text or "{}")
    finally:
        for r in opened:
            r.close()


def merge(run_dirs: "Sequence[PathLike]", out: PathLike, *,
          allow_partial: Optional[bool] = None) -> Results:
    """Join the shard runs in ``run_dirs`` into the folder ``out``
    (``msb_results_merge``, then ``msb_run_write_summary`` for summary.json
    and the reports, as ``medsafety merge``) and open the result.

    The shards must be exactly 0..N-1 of one N cut from one dataset selection
    and configuration, each finished; otherwise Mismatch, with every problem
    in the message. ``allow_partial=True`` merges missing, unfinished or
    incomplete shards anyway and the result says so (run.json "partial" and
    "coverage", summary.json "partial"); differences of shard count,
    selection or configuration, and a shard given twice, are refused always.
    None takes the library's default (``msb_results_merge_options_init``:
    strict). AlreadyExists when ``out`` holds a run.
    """
    try:
        opts = _abi.msb_results_merge_options()
        LIB.call(LIB.msb_results_merge_options_init, byref(opts),
                 _abi.RESULTS_MERGE_OPTIONS_VERSION)
        if allow_partial is not None:
            opts.allow_partial = 1 if allow_partial else 0
        dirs = [to_bytes(os.fspath(d)) for d in run_dirs]
        arr = (c_char_p * max(len(dirs), 1))(*dirs)
        LIB.call(LIB.msb_results_merge, to_bytes(out), arr, len(dirs), byref(opts))
        # the merge stops at results.jsonl and run.json: the summary is its own step
        LIB.call(LIB.msb_run_write_summary, None, to_bytes(out), None)
        return Results.open(out)
    except Error as e:
        raise e.with_traceback(None) from None


#: The fewest pairs (overall) for which ``medsafety compare --fail-if-worse``
#: trusts the gate (``msb_compare_min_pairs``); compare()'s ``too_few_pairs``
#: says when a comparison has fewer. None with a library older than 0.2.
COMPARE_MIN_PAIRS: Optional[int] = (LIB.msb_compare_min_pairs()
                                    if LIB.has("msb_compare_min_pairs") else None)


def compare_over_refusal(a: Union[Results, PathLike], b: Union[Results, PathLike], *,
                         alpha: Optional[float] = None,
                         holm: Optional[bool] = None) -> Dict[str, Any]:
    """Whether run B over-refuses benign items significantly more often than
    run A (``msb_compare_over_refusal``): exact McNemar test on the benign
    ids scored in both runs, overall and per principle, Holm-adjusted unless
    ``holm=False``. Returns ``{"worse": bool, "overall": G, "by_principle":
    {...}}`` with per group ``n_pairs``, ``over_refusal_rate_a`` / ``_b``,
    ``a_only``, ``b_only``, ``mcnemar_p``, ``mcnemar_exact``, ``worse``. Options left at None are the
    library's (``msb_compare_options_init``)."""
    try:
        opened: List[Results] = []
        try:
            ra = a if isinstance(a, Results) else opened.append(Results.open(a)) or opened[-1]
            rb = b if isinstance(b, Results) else opened.append(Results.open(b)) or opened[-1]
            opts = _abi.msb_compare_options()
            LIB.call(LIB.msb_compare_options_init, byref(opts), _abi.COMPARE_OPTIONS_VERSION)
            if alpha is not None:
                opts.alpha = float(alpha)
            if holm is not None:
                opts.adjust = 1 if holm else 0
            with _Scorer(ra) as sa, _Scorer(rb) as sb:
                out = c_void_p()
                LIB.call(LIB.msb_compare_over_refusal, byref(out), sa, sb, byref(opts))
                text = LIB.take_string(out)
            return json.loads(text or "{}")
        finally:
            for r in opened:
                r.close()
    except Error as e:
        raise e.with_traceback(None) from None


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> Tuple[float, float]:
    """The Wilson score interval of ``k`` successes in ``n`` trials
    (``msb_wilson_interval``; statsmodels' ``proportion_confint(k, n,
    method="wilson")``): the intervals of the over-refusal rates. NaN bounds
    when n is 0; InvalidArgument when k > n or confidence is not in (0, 1)."""
    lo, hi = c_double(), c_double()
    LIB.call(LIB.msb_wilson_interval, byref(lo), byref(hi), int(k), int(n), float(confidence))
    return lo.value, hi.value
