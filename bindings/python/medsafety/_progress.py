"""The progress display of evaluate(progress=True): a tqdm bar when tqdm can be
imported, else one plain line rewritten in place on stderr (a carriage return).
In a Jupyter kernel: tqdm's notebook widget when ipywidgets is there too; else
one plain line in the cell's output, updated in place through an IPython
display handle (tqdm.auto without ipywidgets warns "IProgress not found" and
falls back to carriage-return text, which piles up in saved notebooks and in
nbconvert/papermill output: tests/test_notebook.py)."""

from __future__ import annotations

import sys
import time
from typing import Any, Optional, TextIO


def wanted(stream: Optional[TextIO] = None) -> bool:
    """Whether progress=None (auto) shows progress: on a terminal, or in a notebook."""
    stream = stream or sys.stderr
    try:
        if stream.isatty():
            return True
    except (AttributeError, ValueError):
        pass
    return "ipykernel" in sys.modules


def _in_kernel() -> bool:
    return "ipykernel" in sys.modules


def _tqdm() -> Any:
    try:
        if _in_kernel():
            import ipywidgets  # type: ignore[import-not-found]  # noqa: F401  (the widget)
            from tqdm.notebook import tqdm as nb_tqdm  # type: ignore[import-not-found]
            return nb_tqdm
        from tqdm.auto import tqdm  # type: ignore[import-not-found]
        return tqdm
    except Exception:  # not installed, or broken: the plain line will do
        return None


def _display_handle() -> Any:
    """IPython's display function in a kernel (None elsewhere or without it)."""
    if not _in_kernel():
        return None
    try:
        from IPython.display import display  # type: ignore[import-not-found]
        return display
    except Exception:
        return None


def _duration(s: float) -> str:
    s = int(round(s))
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


class Display:
    """Receives Progress snapshots (from the run's thread) and shows them."""

    def __init__(self, stream: Optional[TextIO] = None, use_tqdm: Optional[bool] = None) -> None:
        tqdm = _tqdm() if use_tqdm is not False else None
        # in a notebook without the widget: a display updated in place (not for a given stream)
        self._display = _display_handle() if tqdm is None and stream is None else None
        self.stream = stream or sys.stderr
        self.bar: Any = None
        self._tqdm = tqdm
        self._handle: Any = None
        self._last = 0.0
        self._width = 0
        self.kind = "tqdm" if tqdm is not None else "notebook" if self._display else "line"

    def __call__(self, p: Any) -> None:
        if self.kind == "tqdm":
            if self.bar is None:
                self.bar = self._tqdm(total=p.total, initial=p.done, unit="item",
                                      desc="medsafety", file=self.stream)
            if p.done > self.bar.n:
                self.bar.update(p.done - self.bar.n)
            self.bar.set_postfix(errors=p.errors, refresh=False)
            return
        now = time.monotonic()
        if now - self._last < 0.2 and p.done < p.total:
            return
        self._last = now
        self._shown = p
        text = f"medsafety: {p.done}/{p.total} items"
        if p.total:
            text += f" ({100.0 * p.done / p.total:.0f}%)"
        text += f", {p.errors} errors"
        if p.rate > 0:
            text += f", {p.rate:.1f}/s"
        if p.eta_s is not None and p.done < p.total:
            text += f", {_duration(p.eta_s)} left"
        if self.kind == "notebook":
            if self._handle is None:
                self._handle = self._display({"text/plain": text}, raw=True, display_id=True)
            else:
                self._handle.update({"text/plain": text}, raw=True)
            return
        pad = " " * max(0, self._width - len(text))
        self._width = len(text)
        self.stream.write("\r" + text + pad)
        self.stream.flush()

    def close(self, last: Any = None) -> None:
        """The final state (``last``: a Progress, or None), then a new line."""
        if last is not None and last is not getattr(self, "_shown", None):
            self._last = 0.0
            self(last)
        if self.bar is not None:
            self.bar.close()
        elif self._width:
            self.stream.write("\n")
            self.stream.flush()
