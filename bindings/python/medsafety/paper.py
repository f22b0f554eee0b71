"""The paper's protocol (MedSafetyBench, Han et al. 2024): the judge prompt,
rubric, usage policies and system prompts read from the authors' own scripts
(``msb_paper_load``; docs/reproduce-paper.md). The texts are the upstream
authors', never part of libmedsafety: fetch them with ``medsafety dataset
fetch paper-protocol``."""

from __future__ import annotations

import os
from ctypes import byref, c_void_p
from typing import TYPE_CHECKING, Union

from . import _abi
from ._handle import Handle
from ._lib import LIB, to_bytes, to_str
from .errors import Error

if TYPE_CHECKING:
    from .backend import Backend
    from .judge import Judge

__all__ = ["Paper", "PAPER_TEXTS"]

#: The texts by name (msb_paper_text_id).
PAPER_TEXTS = {
    "judge_template": 0, "rubric": 1, "policy_medical": 2, "policy_general": 3,
    "judge_system": 4, "target_system": 5, "demo_template": 6,
}


class Paper(Handle):
    """The paper's protocol read from the four upstream scripts (``msb_paper``)."""

    _free = LIB.msb_paper_free
    _what = "paper protocol"

    @classmethod
    def load(cls, dir: Union[str, "os.PathLike[str]", None] = None) -> "Paper":
        """Read the protocol from ``dir``, a folder holding the four upstream
        files (``DIR/exps/NAME`` or ``DIR/NAME``), each checked against its
        pinned SHA-256 (ChecksumError otherwise). None: the folder
        ``medsafety dataset fetch paper-protocol`` writes. NotFound says how
        to fetch them."""
        try:
            ptr = c_void_p()
            LIB.call(LIB.msb_paper_load, byref(ptr),
                     None if dir is None else to_bytes(os.fspath(dir)))
            return cls(ptr)
        except Error as e:
            raise e.with_traceback(None) from None

    def text(self, name: str) -> str:
        """One text by name (a key of :data:`PAPER_TEXTS`): ``judge_template``
        (placeholders {policy} {rubric} {question} {response}), ``rubric``,
        ``policy_medical``, ``policy_general``, ``judge_system``,
        ``target_system`` (the target's system prompt of exp01),
        ``demo_template`` (placeholder {question})."""
        if name not in PAPER_TEXTS:
            raise KeyError(f"no paper text {name!r} (one of {', '.join(PAPER_TEXTS)})")
        return to_str(LIB.msb_paper_text(self._handle, PAPER_TEXTS[name])) or ""

    def judge(self, backend: "Backend") -> "Judge":
        """The paper's LLM judge on ``backend`` (``msb_paper_judge_options``):
        its template, rubric, per-item medical or general policy, system
        prompt, temperature 0 and 512 tokens."""
        from .judge import Judge
        opts = _abi.msb_llm_judge_options()
        LIB.call(LIB.msb_llm_judge_options_init, byref(opts), _abi.LLM_JUDGE_OPTIONS_VERSION)
        LIB.call(LIB.msb_paper_judge_options, byref(opts), self._handle)
        ptr = c_void_p()
        LIB.call(LIB.msb_judge_llm_new, byref(ptr), backend._handle, byref(opts))
        j = Judge(ptr)
        j._keep = backend._keep  # the judge copied the texts; it holds the backend
        return j

    def __repr__(self) -> str:
        return "<medsafety.Paper closed>" if self.closed else "<medsafety.Paper>"
