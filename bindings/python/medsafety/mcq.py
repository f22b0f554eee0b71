"""Multiple-choice questions (the medical-performance check of the paper's
mitigation loop): question sets (MedQA, MedMCQA, PubMedQA, MMLU, generic JSONL,
the built-in "mcq-sample"), prompts, the answer parser and the mcq judge.
See docs/mcq.md and docs/python.md."""

from __future__ import annotations

import os
from ctypes import byref, c_char_p, c_int, c_void_p
from dataclasses import dataclass
from typing import Iterator, Optional, Sequence, Tuple, Union

from . import _abi
from ._handle import Handle
from ._lib import LIB, to_bytes, to_str
from .dataset import Dataset
from .errors import Error, InvalidArgument

__all__ = ["McqSet", "Question", "parse_mcq_answer", "MCQ_FORMATS"]

PathLike = Union[str, "os.PathLike[str]"]

#: Question file formats by name (msb_mcq_format).
MCQ_FORMATS = {"auto": 0, "medqa": 1, "medmcqa": 2, "pubmedqa": 3, "mmlu": 4, "generic": 5}

#: MedMCQA's answer numbering (MSB_MCQ_COP_*): decided per file, 1..4, or 0..3.
_COP_BASES = {"auto": 0, "one": 1, 1: 1, "zero": 2, 0: 2}


def parse_mcq_answer(text: str, options: Union[int, Sequence[Optional[str]]]) -> Optional[int]:
    """The option a model's answer chose (0 = A), or None when there is none.

    ``options``: the number of options (``msb_mcq_parse_answer``: by letter
    only: "B", "(B)", "**B**", "Answer: B", "The answer is B.") or the
    options' texts (``msb_mcq_parse_answer_options``: also an answer that
    gives one option's text instead of its letter). Several different
    letters, or a letter beyond the options, give None (never a guess).
    """
    index = c_int(-1)
    if isinstance(options, int) and not isinstance(options, bool):
        LIB.call(LIB.msb_mcq_parse_answer, byref(index), to_bytes(text), options)
    else:
        texts = list(options)
        arr = (c_char_p * max(len(texts), 1))(*[to_bytes(t) for t in texts])
        LIB.call(LIB.msb_mcq_parse_answer_options, byref(index), to_bytes(text), arr,
                 len(texts))
    return index.value if index.value >= 0 else None


@dataclass(frozen=True)
class Question:
    """One multiple-choice question (a copy: valid after its set is closed)."""

    id: str
    question: str
    context: str              #: PubMedQA's abstract; "" when none
    options: Tuple[str, ...]  #: option texts, A first
    answer: int               #: index of the right option (0 = A)
    subject: str
    source: str

    @property
    def answer_letter(self) -> str:
        """The right option's letter ("A".."Z")."""
        return chr(ord("A") + self.answer)


class McqSet(Handle):
    """A set of multiple-choice questions (``msb_mcq_set``), immutable once
    loaded. ``len()``, iteration (:class:`Question`), ``qs[i]``."""

    _free = LIB.msb_mcq_set_free
    _what = "question set"

    @classmethod
    def load(cls, path: PathLike = "mcq-sample", *, format: str = "auto",
             source: Optional[str] = None, subject: Optional[str] = None,
             cop_base: Union[str, int] = "auto") -> "McqSet":
        """Load questions from a file (``msb_mcq_load``), or ``"mcq-sample"``
        (the built-in set). ``format``: a key of :data:`MCQ_FORMATS` (auto by
        file name and content). ``source``: the source name (default the
        format's); ``subject``: of questions that name none. ``cop_base``
        (MedMCQA's answer numbers): ``"auto"``, ``"one"`` (1..4) or ``"zero"``
        (0..3). Options not given are the library's (``msb_mcq_load_options_init``).
        Raises NotFound, ParseError (naming file and line), Unsupported
        (format not recognised), InvalidArgument."""
        try:
            opts = _abi.msb_mcq_load_options()
            LIB.call(LIB.msb_mcq_load_options_init, byref(opts), _abi.MCQ_LOAD_OPTIONS_VERSION)
            if format not in MCQ_FORMATS:
                raise InvalidArgument(f"unknown question format {format!r} "
                                      f"(one of {', '.join(MCQ_FORMATS)})", -2)
            opts.format = MCQ_FORMATS[format]
            opts.source = to_bytes(source)
            opts.subject = to_bytes(subject)
            if cop_base not in _COP_BASES:
                raise InvalidArgument(f"cop_base is 'auto', 'one' or 'zero', not {cop_base!r}",
                                      -2)
            opts.cop_base = _COP_BASES[cop_base]
            ptr = c_void_p()
            LIB.call(LIB.msb_mcq_load, byref(ptr), to_bytes(path), byref(opts))
            return cls(ptr)
        except Error as e:
            raise e.with_traceback(None) from None

    @classmethod
    def sample(cls) -> "McqSet":
        """The built-in set (``msb_mcq_load_sample``; questions written by the
        libmedsafety authors)."""
        ptr = c_void_p()
        LIB.call(LIB.msb_mcq_load_sample, byref(ptr))
        return cls(ptr)

    def __len__(self) -> int:
        return LIB.msb_mcq_count(self._handle)

    def _info(self, i: int) -> "_abi.msb_mcq_item_info":
        """Question i's fields (msb_mcq_item_info_get): one call for all of them."""
        info = _abi.msb_mcq_item_info()
        info.version = _abi.MCQ_ITEM_INFO_VERSION
        LIB.call(LIB.msb_mcq_item_info_get, byref(info), self._handle, i)
        return info

    def _question(self, i: int) -> Question:
        info = self._info(i)
        return Question(
            id=to_str(info.id) or "",
            question=to_str(info.question) or "",
            context=to_str(info.context) or "",
            options=tuple(to_str(info.options[k]) or "" for k in range(info.n_options)),
            answer=info.answer,
            subject=to_str(info.subject) or "",
            source=to_str(info.source) or "",
        )

    def __getitem__(self, i: int) -> Question:
        n = len(self)
        j = i + n if i < 0 else i
        if not 0 <= j < n:
            raise IndexError(f"question index {i} out of range ({n} questions)")
        return self._question(j)

    def __iter__(self) -> Iterator[Question]:
        for i in range(len(self)):
            yield self._question(i)

    def _prompt_options(self, shots: Optional[int], seed: Optional[int],
                        instruction: Optional[str]) -> _abi.msb_mcq_prompt_options:
        opts = _abi.msb_mcq_prompt_options()
        LIB.call(LIB.msb_mcq_prompt_options_init, byref(opts), _abi.MCQ_PROMPT_OPTIONS_VERSION)
        if shots is not None:
            opts.shots = int(shots)
        if seed is not None:
            opts.seed = int(seed)
        opts.instruction = to_bytes(instruction)
        return opts

    def render_prompt(self, i: int, *, shots: Optional[int] = None, seed: Optional[int] = None,
                      instruction: Optional[str] = None) -> str:
        """The prompt for question ``i`` (``msb_mcq_render_prompt``): the
        instruction (None: the library's; "" for none), ``shots`` solved
        examples drawn with ``seed`` (never the question itself; the same
        ones in every run), the question, its options and "Answer:"."""
        opts = self._prompt_options(shots, seed, instruction)
        out = c_void_p()
        LIB.call(LIB.msb_mcq_render_prompt, byref(out), self._handle, int(i), byref(opts))
        return LIB.take_string(out) or ""

    def to_dataset(self, *, limit: Optional[int] = None, shots: Optional[int] = None,
                   seed: Optional[int] = None, instruction: Optional[str] = None) -> Dataset:
        """A dataset of the rendered prompts, for :func:`evaluate` with
        ``Judge.mcq(self)``, as ``medsafety mcq`` builds it: one item per
        question (the first ``limit``), id the question's, principle 0,
        source the question's, split "test", reference "The answer is C."."""
        opts = self._prompt_options(shots, seed, instruction)
        n = len(self)
        if limit is not None and 0 < limit < n:
            n = int(limit)
        ds = Dataset()
        try:
            out = c_void_p()
            for i in range(n):
                LIB.call(LIB.msb_mcq_render_prompt, byref(out), self._handle, i, byref(opts))
                prompt = LIB.take_string(out) or ""
                info = self._info(i)
                letter = chr(ord("A") + info.answer)
                ds.add(prompt, id=to_str(info.id), principle=0,
                       source=to_str(info.source), split="test",
                       reference=f"The answer is {letter}.")
        except BaseException:
            ds.close()
            raise
        return ds

    def __repr__(self) -> str:
        if self.closed:
            return "<medsafety.McqSet closed>"
        return f"<medsafety.McqSet {len(self)} questions>"

