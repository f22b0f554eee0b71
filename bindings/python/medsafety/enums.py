"""The library's named values (docs/conventions.md, "Enumerations"), from the library.

Each C enumeration with a ``msb_<x>_name`` / ``msb_<x>_from_name`` pair is one
:class:`NamedValues` object here, under the C name without ``msb_``::

    import medsafety as ms
    ms.enums.format.name(2)            # "csv"            (msb_format_name)
    ms.enums.format.from_name("CSV")   # 2                (msb_format_from_name, any case)
    ms.enums.stage.names()             # {"model": 0, "judge": 1}

The names and numbers are read through ctypes every time, never from a Python
copy of the tables, so the binding cannot drift from the library it loaded.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Tuple, Union

from ._lib import LIB, to_bytes, to_str
from .errors import InvalidArgument

__all__ = ["NamedValues", "ALL"]

# Every value of every enum is below this (the largest, dataset formats, has 9);
# names() stops at the first gap after a name, so a bigger table still lists whole.
_SCAN = 64


class NamedValues:
    """One C enumeration: its names and numbers, read from the library.

    ``c_name`` is the enum's name in the C API without ``msb_`` (``"format"``
    for ``msb_format_name`` / ``msb_format_from_name``); ``what`` says what a
    value is, for messages."""

    def __init__(self, c_name: str, what: str) -> None:
        self.c_name = c_name
        self.what = what
        self._name = getattr(LIB, f"msb_{c_name}_name")
        self._from_name = getattr(LIB, f"msb_{c_name}_from_name")

    def name(self, value: int) -> str:
        """The name of a value (``msb_<x>_name``). InvalidArgument for a value
        outside the enum (where the C function returns NULL), listing the known ones."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a {self.what} value is an int, not {type(value).__name__}")
        name = to_str(self._name(value)) if -2**31 <= value < 2**31 else None
        if name is None:
            known = ", ".join(f"{v} {n}" for n, v in self.names().items())
            raise InvalidArgument(f"unknown {self.what} value {value} (known: {known})", -2)
        return name

    def from_name(self, name: str) -> int:
        """The value of a name (``msb_<x>_from_name``; ASCII case ignored). InvalidArgument
        with the library's message (the name and the known names) for an unknown name."""
        if not isinstance(name, (str, bytes)):
            raise TypeError(f"a {self.what} name is a str, not {type(name).__name__}")
        return LIB.call(self._from_name, to_bytes(name))

    def number(self, value: Union[str, int]) -> int:
        """A name (as :meth:`from_name`) or a valid value (checked with :meth:`name`)
        as the library's number."""
        if isinstance(value, int) and not isinstance(value, bool):
            self.name(value)
            return value
        return self.from_name(value)

    def names(self) -> Dict[str, int]:
        """Every name with its value, in value order (the library's names, one per value;
        aliases that only ``from_name`` accepts are not listed)."""
        out: Dict[str, int] = {}
        for v in range(_SCAN):
            name = self._name(v)
            if name is None:
                if out:
                    break
                continue
            out[name.decode("utf-8")] = v
        return out

    def items(self) -> List[Tuple[int, str]]:
        """``(value, name)`` pairs in value order."""
        return [(v, n) for n, v in self.names().items()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        LIB.msb_error_clear()
        return self._from_name(name.encode("utf-8")) >= 0

    def __repr__(self) -> str:
        return f"<medsafety.enums.{self.c_name}: {self.names()}>"


# One object per pair of the C API (the list in docs/conventions.md).
kind = NamedValues("kind", "item kind")
format = NamedValues("format", "dataset format")  # noqa: A001 (the C name)
clean_counter = NamedValues("clean_counter", "cleaning counter")
stage = NamedValues("stage", "error stage")
group_kind = NamedValues("group_kind", "group kind")
unpaired_kind = NamedValues("unpaired_kind", "unpaired kind")
jury_method = NamedValues("jury_method", "jury method")
mcq_format = NamedValues("mcq_format", "question format")
mcq_cop = NamedValues("mcq_cop", "answer index base")
policy_kind = NamedValues("policy_kind", "policy kind")
report_format = NamedValues("report_format", "report format")
prompt_format = NamedValues("prompt_format", "prompt format")
openai_endpoint = NamedValues("openai_endpoint", "OpenAI endpoint")
openai_dialect = NamedValues("openai_dialect", "OpenAI dialect")
paper_family = NamedValues("paper_family", "paper model family")
paper_text_id = NamedValues("paper_text_id", "paper text")

#: Every enumeration by its C name.
ALL: Dict[str, NamedValues] = {e.c_name: e for e in (
    kind, format, clean_counter, stage, group_kind, unpaired_kind, jury_method, mcq_format,
    mcq_cop, policy_kind, report_format, prompt_format, openai_endpoint, openai_dialect,
    paper_family, paper_text_id)}
