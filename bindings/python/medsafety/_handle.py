"""The base of every Python object that owns a C handle.

Each wrapper frees its handle exactly once: on close(), at the end of a
``with`` block, in ``__del__``, or at interpreter exit, whichever comes first.
The C side counts references between handles (a filtered dataset keeps its
parent, an LLM judge keeps its backend, a run keeps all three), so the garbage
collector may free the Python objects in any order.
"""

from __future__ import annotations

import atexit
import weakref
from ctypes import c_void_p
from typing import Any, Callable, Optional, TypeVar

from . import _lib
from .errors import StateError

T = TypeVar("T", bound="Handle")

_live: "weakref.WeakSet[Handle]" = weakref.WeakSet()


class Handle:
    """An owned C handle (``_ptr``), released by the ``_free`` function."""

    _free: Callable[[Any], None]
    _what = "object"
    #: Python objects the C handle may call into (see _callbacks): kept while this wrapper lives.
    _keep: tuple = ()

    def __init__(self, ptr: c_void_p) -> None:
        if not ptr:
            raise ValueError("NULL handle")
        self._ptr: Optional[c_void_p] = ptr
        _live.add(self)

    @property
    def _handle(self) -> c_void_p:
        """The pointer, or StateError when closed."""
        ptr = self._ptr
        if ptr is None:
            raise StateError(f"this {self._what} is closed", -13)
        return ptr

    @property
    def closed(self) -> bool:
        """True once the handle has been released."""
        return self._ptr is None

    def close(self) -> None:
        """Release the C handle now. Safe to call more than once."""
        with _lib.FREE_LOCK:
            ptr, self._ptr = self._ptr, None
        if ptr is not None:
            type(self)._free(ptr)

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: modules may be half gone
            pass


_shut_down = False


def _at_exit() -> None:
    global _shut_down
    if _shut_down:
        return
    _shut_down = True
    # Close what is still open while the interpreter is fully alive (the free
    # slots of Python backends and judges call back into Python), then undo
    # the msb_init of the import.
    for h in list(_live):
        try:
            h.close()
        except Exception:
            pass
    _lib.LIB.msb_shutdown()


_lib.LIB.call(_lib.LIB.msb_init)
atexit.register(_at_exit)
