"""Exceptions: every negative return code of the library becomes one of these.

Each exception carries ``.code`` (the negative ``MSB_E*`` number from
``medsafety/common.h``) and ``.message`` (what went wrong and where, taken from
``msb_error_last()`` on the thread that made the failing call).
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type

__all__ = [
    "Error", "LibraryError", "InvalidArgument", "OutOfMemory", "IOFailure", "ParseError",
    "NotFound", "Canceled", "HTTPError", "Timeout", "CallbackError", "AlreadyExists",
    "VersionError", "StateError", "ChecksumError", "LimitExceeded", "Unsupported", "Mismatch",
    "RunFailed", "TooManyUnscored", "error_for_code",
]


class Error(Exception):
    """Base class of every error raised by the library (code ``MSB_ERROR`` = -1)."""

    code: int = -1
    name: str = "MSB_ERROR"

    def __init__(self, message: str, code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code})"


class LibraryError(Error, ImportError):
    """The shared library could not be found or loaded, or its version does not match."""


class InvalidArgument(Error, ValueError):
    """An invalid argument or option (``MSB_EINVAL``)."""

    code, name = -2, "MSB_EINVAL"


class OutOfMemory(Error, MemoryError):
    """Out of memory (``MSB_ENOMEM``)."""

    code, name = -3, "MSB_ENOMEM"


class IOFailure(Error, OSError):
    """File or socket I/O failed (``MSB_EIO``)."""

    code, name = -4, "MSB_EIO"


class ParseError(Error, ValueError):
    """Malformed input: a file, a server response, a configuration (``MSB_EPARSE``)."""

    code, name = -5, "MSB_EPARSE"


class NotFound(Error, LookupError):
    """The thing asked for does not exist (``MSB_ENOTFOUND``)."""

    code, name = -6, "MSB_ENOTFOUND"


class Canceled(Error):
    """The operation was cancelled (``MSB_ECANCELED``)."""

    code, name = -7, "MSB_ECANCELED"


class HTTPError(Error):
    """An HTTP request failed or got an error status (``MSB_EHTTP``)."""

    code, name = -8, "MSB_EHTTP"


class Timeout(Error, TimeoutError):
    """A time limit was reached (``MSB_ETIMEOUT``)."""

    code, name = -9, "MSB_ETIMEOUT"


class CallbackError(Error):
    """A host callback reported failure (``MSB_EUSER``)."""

    code, name = -10, "MSB_EUSER"


class AlreadyExists(Error):
    """The target already exists: a run folder, an item id (``MSB_EEXISTS``)."""

    code, name = -11, "MSB_EEXISTS"


class VersionError(Error):
    """Unsupported struct or vtable version (``MSB_EVERSION``)."""

    code, name = -12, "MSB_EVERSION"


class StateError(Error):
    """The call is not valid in the current state, or the object is closed (``MSB_ESTATE``)."""

    code, name = -13, "MSB_ESTATE"


class ChecksumError(Error):
    """Data does not match its checksum (``MSB_ECHECKSUM``)."""

    code, name = -14, "MSB_ECHECKSUM"


class LimitExceeded(Error):
    """A size, budget or rate limit was exceeded (``MSB_ELIMIT``)."""

    code, name = -15, "MSB_ELIMIT"


class Unsupported(Error, NotImplementedError):
    """Feature or format not supported, or missing from this build (``MSB_EUNSUPPORTED``)."""

    code, name = -16, "MSB_EUNSUPPORTED"


class Mismatch(Error):
    """Inputs that must agree do not: configuration hash, shards (``MSB_EMISMATCH``)."""

    code, name = -17, "MSB_EMISMATCH"


class RunFailed(Error):
    """A run finished but its results cannot be used: every item failed
    (the message gives the most common error), or too many are unscored
    (:class:`TooManyUnscored`). ``.results`` holds the run's
    :class:`medsafety.Results` for a closer look (``.results.records``)."""

    code, name = -1, "MSB_ERROR"

    def __init__(self, message: str, code: Optional[int] = None, results: Any = None) -> None:
        super().__init__(message, code)
        self.results = results


class TooManyUnscored(RunFailed):
    """More of the run than ``max_unscored`` has no score (the judge's answers
    could not be parsed); pass ``allow_unscored=True`` to accept it."""


_BY_CODE: Dict[int, Type[Error]] = {
    cls.code: cls
    for cls in (InvalidArgument, OutOfMemory, IOFailure, ParseError, NotFound, Canceled,
                HTTPError, Timeout, CallbackError, AlreadyExists, VersionError, StateError,
                ChecksumError, LimitExceeded, Unsupported, Mismatch)
}


def error_for_code(code: int, message: str) -> Error:
    """The exception for a negative return code (unknown codes give a plain Error)."""
    cls = _BY_CODE.get(code, Error)
    return cls(message, code)
