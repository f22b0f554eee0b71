"""medsafety: measure how often a language model complies with harmful medical
requests (MedSafetyBench), from Python.

A ctypes binding of libmedsafety (standard library only)::

    import medsafety as ms
    ds = ms.Dataset.load("sample")
    model = ms.Backend.from_callable(lambda req: "I can't help with that.")
    judge = ms.Judge.from_callable(lambda prompt, response: 1)
    res = ms.evaluate(ds, model, judge, out="run-dir", concurrency=8)
    print(res.stats()["overall"]["mean"])

The shared library is found through ``MEDSAFETY_LIBRARY``, then the system's
search, then ``build/lib`` of a source tree (see docs/python.md).
"""

from ._lib import EXPECTED_VERSION as __version__
from ._lib import LIB as _LIB
from . import _handle  # noqa: F401  (msb_init now, msb_shutdown at exit)
from . import enums, runfolder
from .errors import (AlreadyExists, CallbackError, Canceled, ChecksumError, Error, HTTPError,
                     InvalidArgument, IOFailure, LibraryError, LimitExceeded, Mismatch, NotFound,
                     OutOfMemory, ParseError, RunFailed, StateError, Timeout, TooManyUnscored,
                     Unsupported, VersionError)
from .dataset import Dataset, Item, kind_name, kind_number
from .backend import Backend, Completion, Request
from .judge import HELPFULNESS_RUBRIC, HELPFULNESS_TEMPLATE, Judge, Verdict, parse_score
from .results import (COMPARE_MIN_PAIRS, Results, compare, compare_over_refusal, merge,
                      wilson_interval)
from .mcq import MCQ_FORMATS, McqSet, Question, parse_mcq_answer
from .paper import PAPER_TEXTS, Paper
from .run import Progress, evaluate
from .tradeoff import mcnemar_exact_p, newcombe_interval, tradeoff

#: The loaded library's version ("X.Y.Z") and its file.
library_version: str = _LIB.version
library_path: str = _LIB.path

__all__ = [
    "parse_score", "Dataset", "Item", "Backend", "Request", "Completion", "Judge", "Verdict",
    "evaluate", "Progress", "Results", "compare", "merge",
    "Error", "LibraryError", "InvalidArgument", "OutOfMemory", "IOFailure", "ParseError",
    "NotFound", "Canceled", "HTTPError", "Timeout", "CallbackError", "AlreadyExists",
    "VersionError", "StateError", "ChecksumError", "LimitExceeded", "Unsupported", "Mismatch",
    "RunFailed", "TooManyUnscored", "library_version", "library_path", "__version__",
    "kind_name", "kind_number", "McqSet", "Question", "Paper", "PAPER_TEXTS", "COMPARE_MIN_PAIRS", "compare_over_refusal", "wilson_interval", "parse_mcq_answer", "MCQ_FORMATS", "HELPFULNESS_RUBRIC", "HELPFULNESS_TEMPLATE",
    "tradeoff", "newcombe_interval", "mcnemar_exact_p", "enums", "runfolder",
]
