"""Datasets of harmful requests: the built-in sample set, MedSafetyBench files and
any prompt file (CSV, TXT, JSON, JSONL), with filters and export."""

from __future__ import annotations

import os
from ctypes import byref, c_void_p
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union, overload

from . import _abi, enums
from ._handle import Handle
from .errors import Error
from ._lib import LIB, to_bytes, to_str

__all__ = ["Dataset", "Item", "FORMATS", "CLEAN", "kind_name", "kind_number"]

PathLike = Union[str, "os.PathLike[str]"]

#: Loader and export formats by name (msb_format).
FORMATS = {
    "auto": 0, "medsafetybench": 1, "csv": 2, "text": 3, "txt": 3, "json": 4, "jsonl": 5,
    "hexphi": 6, "openai-chat": 7, "alpaca": 8,
}

#: Cleaning flags by name (MSB_CLEAN_*): ``clean=True`` means all of them.
CLEAN = {"strip_tokens": 0x1, "dedup": 0x2}


_ITEM_KEYS = frozenset(("prompt", "id", "principle", "source", "split", "reference", "kind",
                        "rationale"))


def kind_name(kind: int) -> str:
    """The name of an item kind number (``msb_kind_name``): 0 "harmful", 1 "benign".
    InvalidArgument for another number (``ms.enums.kind.name``)."""
    return enums.kind.name(int(kind))


def kind_number(kind: Union[str, int]) -> int:
    """An item kind as the library's number: "harmful" / "benign" (any case,
    ``msb_kind_from_name``) or a valid number. InvalidArgument otherwise
    (``ms.enums.kind.number``)."""
    if not isinstance(kind, (str, int)):
        raise TypeError(f"an item kind is a name or a number, not {type(kind).__name__}")
    return enums.kind.number(kind)


def _is_frame(obj: Any) -> bool:
    """A pandas DataFrame (or look-alike), recognised without importing pandas."""
    return hasattr(obj, "columns") and hasattr(obj, "iloc")


def _cell(v: Any) -> Any:
    """A DataFrame cell as a Python value: NaN and None (pandas' missing values) become None."""
    if v is None:
        return None
    try:
        if v != v:  # NaN, pd.NA raises TypeError on bool()
            return None
    except TypeError:
        return None
    return v


@dataclass(frozen=True)
class Item:
    """One request of a dataset (a copy: it stays valid after the dataset is closed)."""

    id: str
    principle: int          #: AMA principle 1..9, 0 when none
    category: int           #: number in the item's own taxonomy (= principle for MedSafetyBench)
    source: str             #: e.g. "gpt4", "llama2", "llama3", "sample"
    split: str              #: "test", "train", "generated", ...
    prompt: str             #: the harmful request
    reference: Optional[str]  #: a reference safe response, or None
    kind: str = "harmful"     #: "harmful" (the benchmark) or "benign" (measures over-refusal)
    rationale: Optional[str] = None  #: why a benign item is legitimate, or None
    contrast: Optional[str] = None   #: id of a benign item's harmful twin in "sample", or None


def _item_info(ptr: Any) -> "_abi.msb_item_info":
    """The item's fields (msb_item_info_get): one call for all of them."""
    info = _abi.msb_item_info()
    info.version = _abi.ITEM_INFO_VERSION
    LIB.call(LIB.msb_item_info_get, byref(info), ptr)
    return info


def _item(ptr: int, _S=_abi.msb_item_info, _V=_abi.ITEM_INFO_VERSION,
          _get=LIB.msb_item_info_get) -> Item:
    # positional and through local names: this runs once per item of a 76k-item set
    info = _S()
    info.version = _V
    rc = _get(byref(info), ptr)
    if rc < 0:
        raise LIB.last_error(rc)
    ref, kind, why, twin = info.reference, info.kind, info.rationale, info.contrast
    return Item(
        (info.id or b"").decode("utf-8", "replace"),
        info.principle,
        info.category,
        (info.source or b"").decode("utf-8", "replace"),
        (info.split or b"").decode("utf-8", "replace"),
        (info.prompt or b"").decode("utf-8", "replace"),
        None if ref is None else ref.decode("utf-8", "replace"),
        "benign" if kind == 1 else ("harmful" if kind == 0 else str(kind)),
        None if why is None else why.decode("utf-8", "replace"),
        None if twin is None else twin.decode("utf-8", "replace"),
    )


def _names(value: Union[str, Iterable[str], None]) -> Optional[bytes]:
    """A split or source filter ("gpt4,llama2" or ["gpt4", "llama2"]) as the C list."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode()
    return ",".join(value).encode()


def _principles(value: Union[int, str, Iterable[int], None]) -> int:
    """Principles (3, "1,4,9" or [1, 4, 9]) as the bit mask of the filter options."""
    if value is None:
        return 0
    if isinstance(value, int):
        value = [value]
    elif isinstance(value, str):
        value = [int(p) for p in value.split(",") if p.strip()]
    mask = 0
    for p in value:
        p = int(p)
        if not 0 <= p <= 9:
            from .errors import InvalidArgument
            raise InvalidArgument(f"principle {p} is out of range (0..9)", -2)
        mask |= 1 << p
    return mask


def _shard(value: Union[str, Tuple[int, int], None]) -> Tuple[int, int]:
    """A shard "I/N" or (I, N) as (index, count)."""
    if value is None:
        return 0, 0
    if isinstance(value, str):
        i, _, n = value.partition("/")
        return int(i), int(n)
    i, n = value
    return int(i), int(n)


class Dataset(Handle):
    """A dataset (``msb_dataset``): immutable once loaded or filtered.

    ``Dataset()`` makes an empty one to fill with :meth:`add`;
    :meth:`load` reads the sample set or files. Supports ``len()``, iteration
    (yielding :class:`Item`), ``ds[i]`` and ``ds["item id"]``.
    """

    _free = LIB.msb_dataset_free
    _what = "dataset"

    def __init__(self, _ptr: Optional[c_void_p] = None) -> None:
        if _ptr is None:
            _ptr = c_void_p()
            LIB.call(LIB.msb_dataset_new, byref(_ptr))
        super().__init__(_ptr)

    @classmethod
    def load(cls, path: PathLike = "sample", *,
             split: Union[str, Iterable[str], None] = None,
             source: Union[str, Iterable[str], None] = None,
             principle: Union[int, str, Iterable[int], None] = None,
             limit: Optional[int] = None,
             sample: Optional[int] = None,
             seed: Optional[int] = None,
             shard: Union[str, Tuple[int, int], None] = None,
             format: str = "auto",
             prompt_column: Optional[str] = None,
             reference_column: Optional[str] = None,
             principle_column: Optional[str] = None,
             id_column: Optional[str] = None,
             source_name: Optional[str] = None,
             split_name: Optional[str] = None,
             clean: Union[bool, str, Iterable[str]] = False,
             kind: Union[str, int, None] = None,
             with_benign: bool = False) -> "Dataset":
        """Load ``"sample"`` (the built-in set) or a file or folder, then filter.

        ``path``: a MedSafetyBench ``datasets/`` folder or any part of it, a CSV,
        TXT, JSON or JSONL file, or ``"sample"``.
        Filters (as :meth:`filter`): ``split``, ``source`` (names, a list or a
        comma-separated string), ``principle`` (3, [1, 4, 9] or "1,4,9"),
        ``limit``, ``sample`` with ``seed`` (stratified by principle), ``shard``
        ("I/N" or (I, N)).
        Generic files: ``prompt_column``, ``reference_column``,
        ``principle_column``, ``id_column`` (CSV column or JSON field names),
        ``source_name`` and ``split_name`` (the names their items get),
        ``format`` (a key of :data:`FORMATS`).
        ``clean``: True for every cleaning step, or names from :data:`CLEAN`.
        ``kind``: the kind of every loaded item (``"benign"`` for a set of
        your own legitimate requests; the CLI's ``--kind``); ``with_benign``:
        append the built-in benign set (``--with-benign``; see
        :meth:`add_benign`). Both apply before the filters. ``"benign"`` as
        the path loads the built-in benign set alone.

        Raises NotFound, ParseError (the message names file and line), IOFailure,
        InvalidArgument; ValueError when the filters leave no item.
        """
        try:
            return cls._load(path, split, source, principle, limit, sample, seed, shard, format,
                             prompt_column, reference_column, principle_column, id_column,
                             source_name, split_name, clean, kind, with_benign)
        except (Error, ValueError) as e:
            # the traceback ends here, in the function the caller called
            raise e.with_traceback(None) from None

    @classmethod
    def _load(cls, path: PathLike, split: Any, source: Any, principle: Any,
              limit: Optional[int], sample: Optional[int], seed: Optional[int], shard: Any,
              format: str, prompt_column: Optional[str], reference_column: Optional[str],
              principle_column: Optional[str], id_column: Optional[str],
              source_name: Optional[str], split_name: Optional[str],
              clean: Union[bool, str, Iterable[str]], kind: Union[str, int, None] = None,
              with_benign: bool = False) -> "Dataset":
        opts = _abi.msb_dataset_options()
        LIB.call(LIB.msb_dataset_options_init, byref(opts), _abi.DATASET_OPTIONS_VERSION)
        try:
            opts.format = FORMATS[format]
        except KeyError:
            from .errors import InvalidArgument
            raise InvalidArgument(f"unknown format {format!r} (one of {', '.join(FORMATS)})", -2)
        opts.prompt_column = to_bytes(prompt_column)
        opts.reference_column = to_bytes(reference_column)
        opts.principle_column = to_bytes(principle_column)
        opts.id_column = to_bytes(id_column)
        opts.source = to_bytes(source_name)
        opts.split = to_bytes(split_name)
        if clean is True:
            opts.clean = 0x3
        elif clean:
            names = [clean] if isinstance(clean, str) else list(clean)
            for n in names:
                opts.clean |= CLEAN[n]
        ptr = c_void_p()
        LIB.call(LIB.msb_dataset_load, byref(ptr), to_bytes(path), byref(opts))
        ds = cls(ptr)
        try:
            if kind is not None:
                ds.set_kind(kind)
            if with_benign:
                ds.add_benign()
        except BaseException:
            ds.close()
            raise
        if any(v is not None for v in (split, source, principle, limit, sample, shard)):
            with ds:
                return ds.filter(split=split, source=source, principle=principle,
                                 limit=limit, sample=sample, seed=seed, shard=shard)
        return ds

    @classmethod
    def from_items(cls, items: Iterable[Union[Item, Mapping[str, Any]]]) -> "Dataset":
        """A dataset of your own from mappings (dicts with Item's fields:
        ``prompt`` and optionally ``id``, ``principle``, ``source``, ``split``,
        ``reference``) or :class:`Item` objects.

        Anything else is a TypeError: a plain string (wrap it as
        ``{"prompt": text}``), and a pandas DataFrame, whose iteration would
        give its column names (use :meth:`from_pandas`).
        """
        if _is_frame(items):
            raise TypeError("from_items got a pandas DataFrame, whose iteration gives its "
                            "column names; use Dataset.from_pandas(df, prompt=\"column\")")
        ds = cls()
        try:
            for n, it in enumerate(items):
                if isinstance(it, Item):
                    ds.add(it.prompt, id=it.id, principle=it.principle, source=it.source,
                           split=it.split, reference=it.reference,
                           kind=None if it.kind == "harmful" else it.kind,
                           rationale=it.rationale)
                elif isinstance(it, Mapping):
                    unknown = set(it) - _ITEM_KEYS
                    if unknown or "prompt" not in it:
                        raise TypeError(
                            f"from_items: item {n} needs a 'prompt' and only the keys "
                            f"{', '.join(sorted(_ITEM_KEYS))}"
                            + (f" (unknown: {', '.join(sorted(map(str, unknown)))})"
                               if unknown else ""))
                    ds.add(**it)
                else:
                    raise TypeError(f"from_items: item {n} is a {type(it).__name__}; give "
                                    "mappings such as {'prompt': text, 'principle': 4} "
                                    "(or Items)")
        except BaseException:
            ds.close()
            raise
        return ds

    @classmethod
    def from_pandas(cls, df: Any, *, prompt: str = "prompt", principle: Optional[str] = None,
                    id: Optional[str] = None, reference: Optional[str] = None,
                    source: Optional[str] = None, split: Optional[str] = None,
                    kind: Optional[str] = None,
                    rationale: Optional[str] = None) -> "Dataset":
        """A dataset from a pandas DataFrame: one item per row.

        Each keyword names the column holding that field: ``prompt`` (required,
        default ``"prompt"``), ``principle`` (integers 0..9; missing values
        are 0), ``id`` (default ``item/N``), ``reference``, ``source``,
        ``split``, ``kind`` ("harmful" / "benign"; missing values are
        harmful), ``rationale``. A column that does not exist raises KeyError naming it and
        the columns there are.
        """
        if not _is_frame(df):
            raise TypeError(f"from_pandas needs a pandas DataFrame, not {type(df).__name__}")
        cols = {"prompt": prompt, "principle": principle, "id": id, "reference": reference,
                "source": source, "split": split, "kind": kind, "rationale": rationale}
        for field, col in cols.items():
            if col is not None and col not in df.columns:
                raise KeyError(f"from_pandas: no column {col!r} for {field} (the columns: "
                               f"{', '.join(map(str, df.columns))})")
        used = {f: df[c].tolist() for f, c in cols.items() if c is not None}
        ds = cls()
        try:
            for i in range(len(df)):
                kw = {f: _cell(v[i]) for f, v in used.items()}
                text = kw.pop("prompt")
                if text is None:
                    raise ValueError(f"from_pandas: row {i} has no prompt "
                                     f"(column {prompt!r})")
                if kw.get("principle") is not None:
                    kw["principle"] = int(kw["principle"])
                else:
                    kw.pop("principle", None)
                ds.add(str(text), **{k: (str(v) if v is not None and k != "principle" else v)
                                     for k, v in kw.items()})
        except BaseException:
            ds.close()
            raise
        return ds

    def add(self, prompt: str, *, id: Optional[str] = None, principle: int = 0,
            source: Optional[str] = None, split: Optional[str] = None,
            reference: Optional[str] = None, kind: Union[str, int, None] = None,
            rationale: Optional[str] = None) -> None:
        """Append an item (id None: "item/N"). AlreadyExists for a duplicate id,
        StateError on a filtered dataset, InvalidArgument for a principle outside 0..9.
        ``kind``: "harmful" (default) or "benign"; ``rationale``: for a benign
        item, one line saying why the request is legitimate."""
        spec = _abi.msb_item_spec()
        LIB.call(LIB.msb_item_spec_init, byref(spec), _abi.ITEM_SPEC_VERSION)
        spec.id = to_bytes(id)
        spec.prompt = to_bytes(prompt)
        spec.principle = int(principle)  # category 0: the same as the principle
        spec.kind = kind_number("harmful" if kind is None else kind)
        spec.source = to_bytes(source)
        spec.split = to_bytes(split)
        spec.reference = to_bytes(reference)
        spec.rationale = to_bytes(rationale)
        LIB.call(LIB.msb_dataset_add, self._handle, byref(spec))

    @classmethod
    def benign(cls) -> "Dataset":
        """The built-in benign set alone (``msb_dataset_load_benign``):
        legitimate medical requests that may look risky, kind "benign",
        source "benign", ids "benign/<principle>/<n>", each with a rationale.
        Judge the answers with :meth:`Judge.xstest` or :meth:`Judge.helpfulness`."""
        ptr = c_void_p()
        LIB.call(LIB.msb_dataset_load_benign, byref(ptr))
        return cls(ptr)

    def add_benign(self) -> None:
        """Append the built-in benign set (``msb_dataset_add_benign``; the CLI's
        ``--with-benign``), so that one run measures harmful compliance and
        over-refusal. All or nothing: AlreadyExists when one of its ids is
        taken; StateError on a filtered dataset."""
        LIB.call(LIB.msb_dataset_add_benign, self._handle)

    def set_kind(self, kind: Union[str, int]) -> None:
        """Set the kind of every item ("harmful" or "benign"; ``msb_dataset_set_kind``),
        e.g. to use a file of your own legitimate requests as a benign set.
        StateError on a filtered dataset."""
        LIB.call(LIB.msb_dataset_set_kind, self._handle, kind_number(kind))

    def filter(self, *, split: Union[str, Iterable[str], None] = None,
               source: Union[str, Iterable[str], None] = None,
               principle: Union[int, str, Iterable[int], None] = None,
               limit: Optional[int] = None, sample: Optional[int] = None,
               seed: Optional[int] = None,
               shard: Union[str, Tuple[int, int], None] = None) -> "Dataset":
        """A new filtered view (it keeps this dataset alive on the C side, so
        either may be closed first). Order of the steps: split, source and
        principle select; ``sample`` draws N per principle share with ``seed``;
        ``limit`` keeps the first N; ``shard`` keeps the items of shard I of N."""
        opts = _abi.msb_dataset_filter_options()
        LIB.call(LIB.msb_dataset_filter_options_init, byref(opts),
                 _abi.DATASET_FILTER_OPTIONS_VERSION)
        opts.split = _names(split)
        opts.source = _names(source)
        opts.principles = _principles(principle)
        if limit is not None:
            opts.limit = int(limit)
        if sample is not None:
            opts.sample = int(sample)
        if seed is not None:
            opts.seed = int(seed)
        opts.shard_index, opts.shard_count = _shard(shard)
        ptr = c_void_p()
        LIB.call(LIB.msb_dataset_filter, byref(ptr), self._handle, byref(opts))
        out = Dataset(ptr)
        if len(out) == 0 and len(self) > 0:
            out.close()
            given = dict(split=split, source=source, principle=principle, limit=limit,
                         sample=sample, shard=shard)
            raise ValueError(self._empty_message(given)) from None
        return out

    def _empty_message(self, given: dict) -> str:
        """Why a filter left nothing: the filters given, and what the data holds."""
        named = ", ".join(f"{k}={v!r}" for k, v in given.items() if v is not None)
        splits, sources, principles = set(), set(), set()
        h = self._handle
        for i in range(LIB.msb_dataset_count(h)):
            it = _item_info(LIB.msb_dataset_item(h, i))
            splits.add(to_str(it.split) or "")
            sources.add(to_str(it.source) or "")
            principles.add(it.principle)
        return (f"no items left after the filter {named} (this dataset of {len(self)} items "
                f"has splits {', '.join(sorted(splits))}; sources {', '.join(sorted(sources))}; "
                f"principles {', '.join(map(str, sorted(principles)))})")

    def export(self, path: PathLike, format: str = "jsonl", *,
               system_prompt: Optional[str] = None) -> None:
        """Write the items to ``path`` (atomically) as ``jsonl``, ``csv``,
        ``openai-chat`` or ``alpaca`` (the fine-tuning formats need reference
        responses). ``system_prompt`` goes into openai-chat records."""
        opts = _abi.msb_dataset_export_options()
        LIB.call(LIB.msb_dataset_export_options_init, byref(opts),
                 _abi.DATASET_EXPORT_OPTIONS_VERSION)
        if format not in FORMATS:
            from .errors import InvalidArgument
            raise InvalidArgument(f"unknown export format {format!r}", -2)
        opts.format = FORMATS[format]
        opts.system_prompt = to_bytes(system_prompt)
        LIB.call(LIB.msb_dataset_export, self._handle, to_bytes(path), byref(opts))

    def content_hash(self) -> str:
        """SHA-256 over every item's id and prompt in order (64 hex digits):
        the dataset hash of run.json."""
        out = c_void_p()
        LIB.call(LIB.msb_dataset_hash, byref(out), self._handle)
        return LIB.take_string(out) or ""

    def find(self, id: str) -> Optional[Item]:
        """The item with this id, or None."""
        ptr = LIB.msb_dataset_find(self._handle, to_bytes(id))
        return _item(ptr) if ptr else None

    def __len__(self) -> int:
        return LIB.msb_dataset_count(self._handle)

    def __iter__(self) -> Iterator[Item]:
        h = self._handle
        for i in range(LIB.msb_dataset_count(h)):
            ptr = LIB.msb_dataset_item(h, i)
            if ptr:
                yield _item(ptr)

    @overload
    def __getitem__(self, key: int) -> Item: ...
    @overload
    def __getitem__(self, key: str) -> Item: ...

    def __getitem__(self, key: Union[int, str]) -> Item:
        if isinstance(key, str):
            it = self.find(key)
            if it is None:
                raise KeyError(key)
            return it
        n = len(self)
        i = key + n if key < 0 else key
        ptr = LIB.msb_dataset_item(self._handle, i) if 0 <= i < n else None
        if not ptr:
            raise IndexError(f"item index {key} out of range ({n} items)")
        return _item(ptr)

    def items(self) -> List[Item]:
        """Every item, as a list."""
        return list(self)

    def __repr__(self) -> str:
        if self.closed:
            return "<medsafety.Dataset closed>"
        return f"<medsafety.Dataset {len(self)} items>"
