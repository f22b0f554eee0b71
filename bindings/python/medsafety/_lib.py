"""Finding, checking and declaring the shared library.

The library is searched, in this order, at:

1. the path in the environment variable ``MEDSAFETY_LIBRARY`` (used as given:
   when it is set and cannot be loaded, that is an error, not a fall-through);
2. ``ctypes.util.find_library("medsafety")`` (the system's usual search);
3. a build folder next to the source: ``<repository>/build/lib/libmedsafety.so*``.

Every function the binding uses is declared here with its ``argtypes`` and
``restype`` (pointers are never left to ctypes' default ``int`` return). A
function missing from the loaded library (an older build) becomes a stub that
raises :class:`medsafety.Unsupported` when called.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import threading
from ctypes import (POINTER, byref, c_char_p, c_double, c_int, c_long, c_longlong, c_size_t,
                    c_uint, c_void_p)
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _abi
from .errors import LibraryError, Unsupported, error_for_code

#: The library version this package was written for (MAJOR.MINOR.PATCH).
EXPECTED_VERSION = "0.2.0"

P = c_void_p
PP = POINTER(c_void_p)
S = c_char_p
I = c_int
U = c_uint
Z = c_size_t
LL = c_longlong
D = c_double
V = None

_STRUCT = _abi

# name: (restype, [argtypes])
PROTOTYPES: Dict[str, Tuple[Any, List[Any]]] = {
    # core: common.h, version.h
    "msb_error_last": (POINTER(_abi.msb_error), []),
    "msb_error_clear": (V, []),
    "msb_strerror": (S, [I]),
    "msb_init": (I, []),
    "msb_shutdown": (I, []),
    "msb_free": (V, [P]),
    "msb_version": (S, []),
    "msb_version_number": (I, []),
    # dataset.h
    "msb_dataset_options_init": (I, [POINTER(_abi.msb_dataset_options), U]),
    "msb_dataset_load": (I, [PP, S, POINTER(_abi.msb_dataset_options)]),
    "msb_dataset_load_sample": (I, [PP]),
    "msb_dataset_new": (I, [PP]),
    "msb_dataset_add": (I, [P, POINTER(_abi.msb_item_spec)]),
    "msb_item_spec_init": (I, [POINTER(_abi.msb_item_spec), U]),
    "msb_dataset_free": (V, [P]),
    "msb_dataset_count": (Z, [P]),
    "msb_dataset_item": (P, [P, Z]),
    "msb_dataset_find": (P, [P, S]),
    "msb_dataset_filter_options_init": (I, [POINTER(_abi.msb_dataset_filter_options), U]),
    "msb_dataset_filter": (I, [PP, P, POINTER(_abi.msb_dataset_filter_options)]),
    "msb_dataset_export_options_init": (I, [POINTER(_abi.msb_dataset_export_options), U]),
    "msb_dataset_export": (I, [P, S, POINTER(_abi.msb_dataset_export_options)]),
    "msb_dataset_hash": (I, [PP, P]),
    # policy.h
    "msb_principle_title": (S, [I]),
    # backend.h, sys/backend.h
    "msb_request_init": (I, [POINTER(_abi.msb_request), U]),
    "msb_completion_new": (I, [PP]),
    "msb_completion_free": (V, [P]),
    "msb_completion_set_text": (I, [P, S]),
    "msb_completion_set_reasoning": (I, [P, S]),
    "msb_completion_set_finish_reason": (I, [P, S]),
    "msb_completion_set_usage": (V, [P, LL, LL]),
    "msb_completion_set_error": (I, [P, I, S, S]),
    "msb_backend_new": (I, [PP, POINTER(_abi.msb_backend_vtable), P]),
    "msb_backend_replay_new": (I, [PP, S]),
    "msb_backend_generate": (I, [PP, P, POINTER(_abi.msb_request)]),
    "msb_backend_identity": (S, [P]),
    "msb_backend_free": (V, [P]),
    # openai.h
    "msb_openai_options_init": (I, [POINTER(_abi.msb_openai_options), U]),
    "msb_backend_openai_new": (I, [PP, POINTER(_abi.msb_openai_options)]),
    "msb_provider_options_init": (I, [POINTER(_abi.msb_provider_options), U]),
    "msb_backend_provider_new": (I, [PP, POINTER(_abi.msb_openai_options),
                                     POINTER(_abi.msb_provider_options)]),
    "msb_prompt_format_from_name": (I, [S]),
    # judge.h, sys/judge.h
    "msb_judge_input_init": (I, [POINTER(_abi.msb_judge_input), U]),
    "msb_verdict_free": (V, [P]),
    "msb_verdict_set_score": (I, [P, I]),
    "msb_verdict_set_reason": (I, [P, S]),
    "msb_verdict_set_raw": (I, [P, S]),
    "msb_verdict_set_error": (I, [P, I, S, S]),
    "msb_judge_new": (I, [PP, POINTER(_abi.msb_judge_vtable), P]),
    "msb_judge_evaluate": (I, [PP, P, POINTER(_abi.msb_judge_input)]),
    "msb_judge_name": (S, [P]),
    "msb_judge_free": (V, [P]),
    "msb_judge_parse_score": (I, [POINTER(c_int), S]),
    "msb_judge_parse_reason": (I, [PP, S]),
    "msb_llm_judge_options_init": (I, [POINTER(_abi.msb_llm_judge_options), U]),
    "msb_judge_llm_new": (I, [PP, P, POINTER(_abi.msb_llm_judge_options)]),
    "msb_judge_refusal_new": (I, [PP]),
    # stats.h
    "msb_scorer_options_init": (I, [POINTER(_abi.msb_scorer_options), U]),
    "msb_scorer_new": (I, [PP, POINTER(_abi.msb_scorer_options)]),
    "msb_scorer_free": (V, [P]),
    "msb_scorer_count": (Z, [P]),
    "msb_scorer_summary_json": (I, [PP, P]),
    "msb_compare_options_init": (I, [POINTER(_abi.msb_compare_options), U]),
    "msb_compare": (I, [PP, P, P, POINTER(_abi.msb_compare_options)]),
    "msb_comparison_free": (V, [P]),
    "msb_comparison_worse": (I, [P]),
    "msb_comparison_json": (I, [PP, P]),
    # report.h
    "msb_report_options_init": (I, [POINTER(_abi.msb_report_options), U]),
    "msb_report_format_from_name": (I, [S]),
    "msb_report_format_name": (S, [I]),
    "msb_report_write": (I, [P, I, S, POINTER(_abi.msb_report_options)]),
    # eval.h
    "msb_eval_options_init": (I, [POINTER(_abi.msb_eval_options), U]),
    "msb_eval_new": (I, [PP, P, P, P, POINTER(_abi.msb_eval_options)]),
    "msb_eval_run": (I, [P]),
    "msb_eval_cancel": (V, [P]),
    "msb_eval_get_stats": (I, [POINTER(_abi.msb_eval_stats), P]),
    "msb_eval_config_hash": (S, [P]),
    "msb_eval_free": (V, [P]),
    # results.h
    "msb_results_open": (I, [PP, S, U]),
    "msb_results_free": (V, [P]),
    "msb_results_count": (Z, [P]),
    "msb_results_record": (P, [P, Z]),
    "msb_results_find": (P, [P, S, I]),
    "msb_results_skipped_lines": (Z, [P]),
    "msb_results_config_hash": (S, [P]),
    "msb_results_error_count": (Z, [P]),
    "msb_results_usage": (I, [POINTER(_abi.msb_usage_totals), P, I]),
    # batch.h
    "msb_batch_options_init": (I, [POINTER(_abi.msb_batch_options), U]),
    "msb_batch_run": (I, [POINTER(_abi.msb_batch_stats), P, P, P, POINTER(_abi.msb_eval_options),
                          POINTER(_abi.msb_batch_options)]),
    "msb_results_score": (I, [P, P]),
    "msb_results_merge": (I, [S, POINTER(c_char_p), Z,
                              POINTER(_abi.msb_results_merge_options)]),
    "msb_results_write_summary": (I, [S, POINTER(_abi.msb_scorer_options)]),
    # runfolder.h
    "msb_run_info_open": (I, [PP, S]),
    "msb_run_info_free": (V, [P]),
    "msb_run_info_json": (I, [PP, P]),
    "msb_run_info_string": (S, [P, S]),
    "msb_run_write_summary": (I, [PP, S, P]),
    "msb_run_info_usage": (I, [P, I, POINTER(_abi.msb_run_usage)]),
    "msb_run_info_cost": (I, [P, I, POINTER(_abi.msb_run_cost)]),
    # added in 0.2: item kinds and the benign set (dataset.h)
    "msb_kind_name": (S, [I]),
    "msb_kind_from_name": (I, [S]),
    "msb_dataset_set_kind": (I, [P, I]),
    "msb_dataset_add_benign": (I, [P]),
    "msb_dataset_load_benign": (I, [PP]),
    # judges of benign answers (judge.h)
    "msb_judge_xstest_new": (I, [PP]),
    "msb_helpfulness_rubric_text": (S, []),
    "msb_helpfulness_template": (S, []),
    "msb_judge_helpfulness_new": (I, [PP, P, POINTER(_abi.msb_llm_judge_options)]),
    "msb_judge_by_kind_new": (I, [PP, P, P, P]),
    # over-refusal statistics, compare detail (stats.h)
    "msb_scorer_benign_count": (Z, [P]),
    "msb_wilson_interval": (I, [POINTER(D), POINTER(D), Z, Z, D]),
    "msb_compare_over_refusal": (I, [PP, P, P, POINTER(_abi.msb_compare_options)]),
    "msb_comparison_detail": (I, [POINTER(_abi.msb_compare_detail), P, S, S]),
    "msb_compare_min_pairs": (I, []),
    "msb_max_unscored_default": (D, []),
    # merge with options (results.h)
    "msb_results_merge_options_init": (I, [POINTER(_abi.msb_results_merge_options), U]),
    # multiple choice (mcq.h)
    "msb_mcq_parse_answer": (I, [POINTER(c_int), S, I]),
    "msb_mcq_parse_answer_options": (I, [POINTER(c_int), S, POINTER(c_char_p), I]),
    "msb_mcq_load_options_init": (I, [POINTER(_abi.msb_mcq_load_options), U]),
    "msb_mcq_load": (I, [PP, S, POINTER(_abi.msb_mcq_load_options)]),
    "msb_mcq_load_sample": (I, [PP]),
    "msb_mcq_set_free": (V, [P]),
    "msb_mcq_count": (Z, [P]),
    "msb_mcq_prompt_options_init": (I, [POINTER(_abi.msb_mcq_prompt_options), U]),
    "msb_mcq_render_prompt": (I, [PP, P, Z, POINTER(_abi.msb_mcq_prompt_options)]),
    "msb_mcq_judge_new": (I, [PP, P]),
    # the paper's protocol (paper.h)
    "msb_paper_load": (I, [PP, S]),
    "msb_paper_free": (V, [P]),
    "msb_paper_text": (S, [P, I]),
    "msb_paper_judge_options": (I, [POINTER(_abi.msb_llm_judge_options), P]),
    # the result model: groups by index, one struct per record (stats.h, results.h)
    "msb_group_kind_name": (S, [I]),
    "msb_summary_new": (I, [PP, P]),
    "msb_summary_free": (V, [P]),
    "msb_summary_info_get": (I, [POINTER(_abi.msb_summary_info), P]),
    "msb_summary_group_count": (Z, [P]),
    "msb_summary_group_byindex": (I, [POINTER(_abi.msb_summary_group), P, Z]),
    "msb_summary_benign_count": (Z, [P]),
    "msb_summary_benign_byindex": (I, [POINTER(_abi.msb_summary_benign), P, Z]),
    "msb_comparison_group_count": (Z, [P]),
    "msb_comparison_group_byindex": (I, [POINTER(_abi.msb_comparison_entry), P, Z]),
    "msb_comparison_info_get": (I, [POINTER(_abi.msb_comparison_info), P]),
    "msb_record_info_get": (I, [POINTER(_abi.msb_record_info), P]),
    "msb_completion_info_get": (I, [POINTER(_abi.msb_completion_info), P]),
    "msb_verdict_info_get": (I, [POINTER(_abi.msb_verdict_info), P]),
    "msb_item_info_get": (I, [POINTER(_abi.msb_item_info), P]),
    "msb_mcq_item_info_get": (I, [POINTER(_abi.msb_mcq_item_info), P, Z]),
    # the trade-off view (mcq.h)
    "msb_tradeoff_json": (I, [PP, S, S, S, S, POINTER(_abi.msb_compare_options)]),
    "msb_newcombe_interval": (V, [POINTER(D), POINTER(D), c_long, c_long, c_long, c_long]),
    "msb_mcnemar_exact_p": (D, [c_long, c_long]),
}

#: The enums with a msb_<x>_name / msb_<x>_from_name pair (docs/conventions.md), read by
#: medsafety.enums.
ENUM_PAIRS = ("kind", "format", "clean_counter", "stage", "group_kind", "unpaired_kind",
              "jury_method", "mcq_format", "mcq_cop", "policy_kind", "report_format",
              "prompt_format", "openai_endpoint", "openai_dialect", "paper_family",
              "paper_text_id")
for _e in ENUM_PAIRS:
    PROTOTYPES.setdefault(f"msb_{_e}_name", (S, [I]))
    PROTOTYPES.setdefault(f"msb_{_e}_from_name", (I, [S]))


def version_number(text: str) -> int:
    """MAJOR * 10000 + MINOR * 100 + PATCH, as MSB_VERSION_NUMBER."""
    major, minor, patch = (int(x) for x in text.split("."))
    return major * 10000 + minor * 100 + patch


def version_compatible(library: int, expected: int) -> bool:
    """Whether a library of MSB_VERSION_NUMBER `library` serves a binding written for `expected`.

    Same major version, and at least the expected version (newer libraries only
    append to the ABI). Before 1.0 the minor version must match as well.
    """
    lmaj, lmin = divmod(library, 10000)[0], (library // 100) % 100
    emaj, emin = divmod(expected, 10000)[0], (expected // 100) % 100
    if lmaj != emaj or library < expected:
        return False
    return emaj != 0 or lmin == emin


def _version_text(n: int) -> str:
    return f"{n // 10000}.{(n // 100) % 100}.{n % 100}"


def _source_root() -> str:
    """The repository root when the package runs from a source tree (bindings/python/medsafety)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(os.path.dirname(os.path.dirname(here)))


def _candidates(root: Optional[str] = None) -> List[Tuple[str, str]]:
    """(how it was found, path) in search order."""
    found = []
    env = os.environ.get("MEDSAFETY_LIBRARY")
    if env:
        return [("MEDSAFETY_LIBRARY", env)]
    name = ctypes.util.find_library("medsafety")
    if name:
        found.append(("ctypes.util.find_library", name))
    if root is None:
        root = _source_root()
    for pattern in ("libmedsafety.so", "libmedsafety.so.*", "libmedsafety.dylib"):
        for path in sorted(glob.glob(os.path.join(root, "build", "lib", pattern))):
            found.append(("build folder", path))
    return found


class _Missing:
    """Stands in for a function the loaded library does not export."""

    def __init__(self, name: str) -> None:
        self.__name__ = name

    def __call__(self, *args: Any) -> Any:
        raise Unsupported(f"{self.__name__}() is not in this libmedsafety build "
                          f"(library {_version_text(LIB.version_number)} at {LIB.path})", -16)


class Library:
    """The loaded library with every declared function as an attribute."""

    def __init__(self, cdll: ctypes.CDLL, path: str) -> None:
        self.cdll = cdll
        self.path = path
        self.missing: List[str] = []
        for fname, (restype, argtypes) in PROTOTYPES.items():
            try:
                fn = getattr(cdll, fname)
            except AttributeError:
                self.missing.append(fname)
                setattr(self, fname, _Missing(fname))
                continue
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, fname, fn)
        self.version_number: int = self.msb_version_number()
        self.version: str = self.msb_version().decode()

    def has(self, name: str) -> bool:
        """Whether the loaded library exports `name`."""
        return name in PROTOTYPES and name not in self.missing

    def last_error(self, rc: int) -> Exception:
        """The exception for a failed call, from this thread's msb_error_last()."""
        err = self.msb_error_last().contents
        if err.code == rc and err.message:
            msg = err.message.decode("utf-8", "replace")
        else:
            msg = (self.msb_strerror(rc) or b"unknown error").decode("utf-8", "replace")
        return error_for_code(rc, msg)

    def call(self, fn: Callable[..., int], *args: Any) -> int:
        """Call a function that returns 0 or a negative code; raise on failure.

        The last error is cleared first and read right after, on the same
        thread, so the message always belongs to this call.
        """
        self.msb_error_clear()
        rc = fn(*args)
        if rc < 0:
            raise self.last_error(rc)
        return rc

    def take_string(self, ptr: c_void_p) -> Optional[str]:
        """Copy a string the library allocated for us, then msb_free it."""
        if not ptr.value:
            return None
        try:
            return ctypes.string_at(ptr.value).decode("utf-8", "replace")
        finally:
            self.msb_free(ptr)
            ptr.value = None


def load(root: Optional[str] = None) -> Library:
    """Find, load and check the library (see the module docstring for the order).

    ``root``: the source tree whose build folder is the last resort (default:
    the one this package sits in, if any)."""
    tried = []
    for how, path in _candidates(root):
        try:
            cdll = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path} ({how}): {e}")
            if how == "MEDSAFETY_LIBRARY":
                break
            continue
        if not hasattr(cdll, "msb_version_number"):
            tried.append(f"{path} ({how}): not libmedsafety (no msb_version_number)")
            continue
        lib = Library(cdll, path)
        expected = version_number(EXPECTED_VERSION)
        if not version_compatible(lib.version_number, expected):
            raise LibraryError(
                f"libmedsafety at {path} ({how}) is version {_version_text(lib.version_number)}, "
                f"but this medsafety package needs a library compatible with {EXPECTED_VERSION}; "
                f"point MEDSAFETY_LIBRARY at a matching libmedsafety.so")
        return lib
    where = "; ".join(tried) if tried else "nothing found"
    raise LibraryError(
        "cannot load libmedsafety: " + where +
        ". Set MEDSAFETY_LIBRARY to the path of libmedsafety.so (for a build tree: "
        "build/lib/libmedsafety.so), or install the library where the system finds it.")


def to_bytes(s: Union[str, bytes, "os.PathLike[str]", None]) -> Optional[bytes]:
    """A Python string, bytes or path as a C string (UTF-8; paths as the file system wants)."""
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    if isinstance(s, str):
        return s.encode("utf-8")
    if isinstance(s, os.PathLike):
        return os.fsencode(s)
    raise TypeError(f"expected str, bytes or a path, not {type(s).__name__}")


def to_str(b: Optional[bytes]) -> Optional[str]:
    """A C string from the library as a Python str (None stays None)."""
    return None if b is None else b.decode("utf-8", "replace")


LIB: Library = load()

# Guards the swap of a handle's pointer in _Handle.close (exactly one free).
FREE_LOCK = threading.RLock()

__all__ = ["LIB", "Library", "load", "version_compatible", "version_number", "EXPECTED_VERSION",
           "to_bytes", "to_str", "byref"]
