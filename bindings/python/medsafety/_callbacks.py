"""Python functions called by the library's threads.

The library calls a Python backend or judge through module-level trampolines
(created once and never freed, so no thunk can disappear while C still holds
its address). Each C handle's ``userdata`` is a small integer key into
``_states``; the handle's ``free`` slot removes the entry when the C handle is
really destroyed.

The entry holds the state (the user's function) only weakly. The strong
references belong to the Python objects through which C can reach the
function: the Backend or Judge wrapper, and every wrapper whose C handle holds
that handle (``Judge.llm(backend)`` keeps ``backend``'s state; evaluate() keeps
its arguments alive for the whole run). So a function that refers back to its
own wrapper forms an ordinary cycle the garbage collector can free, instead of
being pinned forever by a global table.

ctypes takes the GIL around every trampoline. An exception inside the user's
function never crosses into C: it becomes the item's error (code MSB_EUSER,
kind "user", message "ExceptionType: text (file:line)").
"""

from __future__ import annotations

import itertools
import threading
import traceback
import weakref
from typing import Any, Dict, Optional

from ._lib import LIB

EUSER = -10

_states: Dict[int, "weakref.ref[Any]"] = {}
_keys = itertools.count(1)
_lock = threading.Lock()

# A KeyboardInterrupt or SystemExit caught inside a callback that ran on the
# caller's own thread (Backend.generate, Judge.evaluate): re-raised by the caller.
_pending = threading.local()


def register(state: Any) -> int:
    """Keep `state` until release(key); returns the key passed as userdata."""
    with _lock:
        key = next(_keys)
        _states[key] = weakref.ref(state)
    return key


def lookup(key: Optional[int]) -> Any:
    """The state of a key; LookupError when its Python owners are gone."""
    state = _states[key or 0]()
    if state is None:
        raise LookupError("the Python function was garbage collected while the library "
                          "still holds its handle; keep the Backend or Judge object alive")
    return state


def release(key: Optional[int]) -> None:
    with _lock:
        _states.pop(key or 0, None)


def live_count() -> int:
    """How many Python callbacks the library still holds (for tests)."""
    return len(_states)


_loop: Optional[Any] = None
_loop_lock = threading.Lock()


def _loop_thread() -> Any:
    """The binding's own event loop, on a daemon thread (started on first use)."""
    global _loop
    with _loop_lock:
        if _loop is None:
            import asyncio
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def serve() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            threading.Thread(target=serve, name="medsafety-asyncio", daemon=True).start()
            ready.wait()
            _loop = loop
        return _loop


def resolve(value: Any) -> Any:
    """The value of a Python function's result, awaiting it when it is awaitable.

    An ``async def`` model or judge returns a coroutine. It runs on the
    binding's own event loop (one daemon thread, so the coroutines of
    concurrent items interleave there, as an async HTTP client expects) while
    the library's worker thread waits for its result without holding the GIL.
    This works whether or not the caller has a running loop of its own (a
    notebook does).
    """
    import inspect
    if not inspect.isawaitable(value):
        return value
    import asyncio

    async def wrap() -> Any:
        return await value

    return asyncio.run_coroutine_threadsafe(wrap(), _loop_thread()).result()


def describe(e: BaseException) -> str:
    """'ValueError: text (file.py:12)' for an item's error message."""
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    tb = traceback.extract_tb(e.__traceback__)
    if tb:
        frame = tb[-1]
        text += f" ({frame.filename}:{frame.lineno})"
    return text


def fail(set_error: Any, target: Any, e: BaseException) -> int:
    """Record `e` as the error of a completion or verdict; returns MSB_EUSER."""
    if isinstance(e, (KeyboardInterrupt, SystemExit)):
        _pending.exc = e
    try:
        set_error(target, EUSER, b"user", describe(e).encode("utf-8", "replace"))
    except BaseException:
        pass
    return EUSER


def raise_pending() -> None:
    """Re-raise a KeyboardInterrupt/SystemExit a callback caught on this thread."""
    exc = getattr(_pending, "exc", None)
    if exc is not None:
        _pending.exc = None
        raise exc


def name_of(key: Optional[int]) -> Optional[int]:
    """The address of a state's NUL-terminated name (the identity/name slots)."""
    try:
        buf = lookup(key).name_buf
    except LookupError:
        return None
    import ctypes
    return ctypes.addressof(buf)


def free_state(key: Optional[int]) -> None:
    release(key)


from . import _abi  # noqa: E402

# The identity/name and free slots of every Python backend and judge.
NAME_THUNK = _abi.NAME_FN(name_of)
FREE_THUNK = _abi.FREE_FN(free_state)


__all__ = ["register", "lookup", "release", "live_count", "fail", "raise_pending",
           "name_of", "free_state", "LIB"]
