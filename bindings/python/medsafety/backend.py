"""Model backends: a Python function, the offline replay backend, or any
OpenAI-compatible HTTP endpoint."""

from __future__ import annotations

import ctypes
import itertools
import os
import threading
from ctypes import POINTER, byref, c_char_p, c_void_p, cast
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

from . import _abi, _callbacks
from ._handle import Handle
from ._lib import LIB, to_bytes, to_str
from .errors import InvalidArgument, error_for_code

__all__ = ["Backend", "Request", "Completion"]

_DEFAULT: Any = object()  # "the library's default" where None means something else

_KEY_LOCK = threading.Lock()
_KEY_SEQ = itertools.count(1)


@dataclass(frozen=True)
class Request:
    """What a Python backend function receives (a copy of ``msb_request``)."""

    prompt: str                      #: the user message (the harmful request)
    system: Optional[str] = None     #: system prompt, None for none
    id: Optional[str] = None         #: item id
    reference: Optional[str] = None  #: the item's reference safe response
    max_tokens: int = 512            #: <= 0: left to the server
    temperature: Optional[float] = 0.0  #: None: left out of the request
    top_p: Optional[float] = None    #: None: left out
    seed: Optional[int] = None       #: None: no seed
    stop: Tuple[str, ...] = ()       #: stop sequences
    sample_index: int = 0            #: which of K samples of the same prompt


def _request_from_c(r: _abi.msb_request) -> Request:
    stop = tuple(to_str(r.stop[i]) or "" for i in range(r.n_stop)) if r.n_stop else ()
    return Request(
        prompt=to_str(r.prompt) or "",
        system=to_str(r.system),
        id=to_str(r.id),
        reference=to_str(r.reference),
        max_tokens=r.max_tokens,
        temperature=None if r.temperature < 0 else r.temperature,
        top_p=None if r.top_p < 0 else r.top_p,
        seed=r.seed if r.has_seed else None,
        stop=stop,
        sample_index=r.sample_index,
    )


@dataclass(frozen=True)
class Completion:
    """The result of :meth:`Backend.generate` (a copy of ``msb_completion``)."""

    text: Optional[str]
    reasoning: Optional[str] = None
    finish_reason: Optional[str] = None
    prompt_tokens: int = -1          #: -1 unknown
    completion_tokens: int = -1
    attempts: int = 0
    latency_ms: float = 0.0
    http_status: int = 0


def _completion_info(c: Any) -> "_abi.msb_completion_info":
    """The completion's fields (msb_completion_info_get): one call for all of them."""
    info = _abi.msb_completion_info()
    info.version = _abi.COMPLETION_INFO_VERSION
    LIB.call(LIB.msb_completion_info_get, byref(info), c)
    return info


def _completion_from_c(c: int) -> Completion:
    info = _completion_info(c)
    return Completion(
        text=to_str(info.text),
        reasoning=to_str(info.reasoning),
        finish_reason=to_str(info.finish_reason),
        prompt_tokens=info.usage.prompt_tokens,
        completion_tokens=info.usage.completion_tokens,
        attempts=info.usage.attempts,
        latency_ms=info.usage.latency_ms,
        http_status=info.http_status,
    )


class _BackendState:
    __slots__ = ("fn", "name_buf", "__weakref__")

    def __init__(self, fn: Callable[[Request], Any], name: str) -> None:
        self.fn = fn
        self.name_buf = ctypes.create_string_buffer(name.encode("utf-8"))


def _fill(c: int, out: Any) -> None:
    """Put a Python backend's return value into the completion."""
    if isinstance(out, (str, bytes)):
        LIB.call(LIB.msb_completion_set_text, c, to_bytes(out))
        return
    if isinstance(out, dict):
        text = out.get("text")
        if not isinstance(text, (str, bytes)):
            raise TypeError("the backend's dict needs a 'text' string")
        LIB.call(LIB.msb_completion_set_text, c, to_bytes(text))
        if out.get("reasoning") is not None:
            LIB.call(LIB.msb_completion_set_reasoning, c, to_bytes(out["reasoning"]))
        if out.get("finish_reason") is not None:
            LIB.call(LIB.msb_completion_set_finish_reason, c, to_bytes(out["finish_reason"]))
        pt, ct = out.get("prompt_tokens"), out.get("completion_tokens")
        if pt is not None or ct is not None:
            LIB.msb_completion_set_usage(c, -1 if pt is None else int(pt),
                                         -1 if ct is None else int(ct))
        return
    if out is None:
        raise TypeError("the backend function returned None; return the response text")
    raise TypeError(f"the backend function returned {type(out).__name__}; "
                    "return a str (or a dict with 'text')")


def _generate(req_p: int, c: int, ud: int) -> int:
    try:
        state = _callbacks.lookup(ud)
        req = _request_from_c(cast(req_p, POINTER(_abi.msb_request)).contents)
        _fill(c, _callbacks.resolve(state.fn(req)))
        return 0
    except BaseException as e:  # never let anything cross into C
        return _callbacks.fail(LIB.msb_completion_set_error, c, e)


# Created once, alive for the life of the process (see _callbacks).
_GENERATE = _abi.GENERATE_FN(_generate)


class Backend(Handle):
    """A model backend (``msb_backend``): turns a request into a completion."""

    _free = LIB.msb_backend_free
    _what = "backend"

    @classmethod
    def from_callable(cls, fn: Callable[[Request], Union[str, Dict[str, Any]]], *,
                      name: Optional[str] = None, threadsafe: bool = True) -> "Backend":
        """A backend over a Python function ``fn(req) -> str``.

        ``req`` is a :class:`Request` (``.prompt``, ``.system``, ``.id``,
        ``.max_tokens``, ``.temperature``, ...). Return the response text, or a
        dict with ``text`` and optionally ``reasoning``, ``finish_reason``,
        ``prompt_tokens``, ``completion_tokens``. An exception becomes that
        item's error (the run goes on).

        The function is called from the library's worker threads (holding the
        GIL while it runs Python). With ``threadsafe=True`` (the default)
        several calls may be in progress at once, which pays off when the
        function waits on I/O; ``threadsafe=False`` makes the library call it
        one at a time. ``name`` identifies it in run.json and cache keys
        (default ``python:<function name>``).
        """
        if not callable(fn):
            raise TypeError("from_callable needs a callable")
        if name is None:
            name = "python:" + getattr(fn, "__name__", type(fn).__name__)
        state = _BackendState(fn, name)
        key = _callbacks.register(state)
        vt = _abi.msb_backend_vtable()
        vt.version = _abi.BACKEND_VTABLE_VERSION
        vt.struct_size = ctypes.sizeof(vt)
        vt.flags = _abi.BACKEND_THREADSAFE if threadsafe else 0
        vt.generate = _GENERATE
        vt.identity = _callbacks.NAME_THUNK
        vt.free = _callbacks.FREE_THUNK
        ptr = c_void_p()
        try:
            LIB.call(LIB.msb_backend_new, byref(ptr), byref(vt), c_void_p(key))
        except BaseException:
            _callbacks.release(key)  # on failure the caller keeps userdata
            raise
        obj = cls(ptr)
        obj._keep = (state,)
        return obj

    @classmethod
    def replay(cls, text: Optional[str] = None) -> "Backend":
        """The offline replay backend: answers with each item's reference
        response, or always with ``text`` when given."""
        ptr = c_void_p()
        LIB.call(LIB.msb_backend_replay_new, byref(ptr), to_bytes(text))
        return cls(ptr)

    @classmethod
    def openai(cls, model: str, *, base_url: Optional[str] = None,
               api_key_env: Optional[str] = None, api_key: Optional[str] = None,
               endpoint: str = "chat", prompt_format: Optional[str] = None,
               headers: Optional[Sequence[str]] = None,
               timeout: Optional[float] = None, connect_timeout: Optional[float] = None,
               max_retries: Optional[int] = None, max_in_flight: Optional[int] = None,
               requests_per_minute: Optional[float] = None,
               tokens_per_minute: Optional[float] = None,
               use_max_completion_tokens: Optional[bool] = None,
               omit_temperature: Optional[bool] = None,
               tls_verify: Optional[bool] = None, http2: Optional[bool] = None,
               ca_file: Optional[str] = None, ca_path: Optional[str] = None) -> "Backend":
        """An OpenAI-compatible HTTP backend (OpenAI, vLLM, TGI, llama.cpp, ...).

        ``base_url`` defaults to the OpenAI API; the API key is read from the
        environment variable named ``api_key_env`` (default ``OPENAI_API_KEY``;
        unset sends no key, for local servers), or given directly as ``api_key``
        (it goes only into the request headers: never into run.json, a
        record, a cache key, the identity or a repr). ``endpoint`` is ``"chat"`` or
        ``"completions"`` (with ``prompt_format``: plain, llama2, mistral,
        vicuna, medalpaca, med42). ``headers``: extra ``"Name: value"`` lines.
        ``ca_file``/``ca_path``: certificate authorities to trust instead of
        the system's (a private or self-signed server).
        Times in seconds. InvalidArgument for a bad URL, option or CA path.
        """
        return cls._http(model, None, None, base_url=base_url, api_key_env=api_key_env,
                         api_key=api_key, endpoint=endpoint, prompt_format=prompt_format,
                         headers=headers, timeout=timeout, connect_timeout=connect_timeout,
                         max_retries=max_retries, max_in_flight=max_in_flight,
                         requests_per_minute=requests_per_minute,
                         tokens_per_minute=tokens_per_minute,
                         use_max_completion_tokens=use_max_completion_tokens,
                         omit_temperature=omit_temperature, tls_verify=tls_verify, http2=http2,
                         ca_file=ca_file, ca_path=ca_path)

    @classmethod
    def anthropic(cls, model: str, *, api_key: Optional[str] = None,
                  base_url: Optional[str] = None, api_version: Optional[str] = None,
                  api_key_env: Optional[str] = None, headers: Optional[Sequence[str]] = None,
                  timeout: Optional[float] = None, connect_timeout: Optional[float] = None,
                  max_retries: Optional[int] = None, max_in_flight: Optional[int] = None,
                  requests_per_minute: Optional[float] = None,
                  tokens_per_minute: Optional[float] = None,
                  omit_temperature: Optional[bool] = None,
                  tls_verify: Optional[bool] = None, http2: Optional[bool] = None,
                  ca_file: Optional[str] = None, ca_path: Optional[str] = None) -> "Backend":
        """Anthropic's Messages API, natively (``msb_backend_provider_new`` with the
        Anthropic dialect; the CLI's ``anthropic/MODEL``).

        ``base_url`` and ``api_version`` (the ``anthropic-version`` header) left
        as None take the library's defaults (``msb_provider_options_init``,
        Anthropic's API and ``MSB_ANTHROPIC_VERSION_DEFAULT``; never restated
        here). The key goes in the ``x-api-key`` header: ``api_key`` given
        directly, or read from the variable named ``api_key_env`` (default
        ``ANTHROPIC_API_KEY``, sent only to https://api.anthropic.com). It is
        never written into run.json, a record, a cache key, the identity, a
        repr or a message. Thinking blocks become the completion's reasoning,
        a ``refusal`` stop reason its finish reason; 429 and 529 are retried.
        Other options as in :meth:`openai`. InvalidArgument for a bad URL,
        option or api_version.
        """
        return cls._http(model, _abi.DIALECT_ANTHROPIC, api_version, base_url=base_url,
                         api_key_env=api_key_env, api_key=api_key, endpoint="chat",
                         prompt_format=None, headers=headers, timeout=timeout,
                         connect_timeout=connect_timeout, max_retries=max_retries,
                         max_in_flight=max_in_flight, requests_per_minute=requests_per_minute,
                         tokens_per_minute=tokens_per_minute, use_max_completion_tokens=None,
                         omit_temperature=omit_temperature, tls_verify=tls_verify, http2=http2,
                         ca_file=ca_file, ca_path=ca_path)

    @classmethod
    def azure(cls, deployment: str, *, base_url: str, api_version: Optional[str] = None,
              api_key: Optional[str] = None, api_key_env: Optional[str] = None,
              headers: Optional[Sequence[str]] = None,
              timeout: Optional[float] = None, connect_timeout: Optional[float] = None,
              max_retries: Optional[int] = None, max_in_flight: Optional[int] = None,
              requests_per_minute: Optional[float] = None,
              tokens_per_minute: Optional[float] = None,
              use_max_completion_tokens: Optional[bool] = None,
              omit_temperature: Optional[bool] = None,
              tls_verify: Optional[bool] = None, http2: Optional[bool] = None,
              ca_file: Optional[str] = None, ca_path: Optional[str] = None) -> "Backend":
        """Azure OpenAI (``msb_backend_provider_new`` with the Azure dialect; the
        CLI's ``azure/DEPLOYMENT``): POST
        ``{base_url}/openai/deployments/{deployment}/chat/completions?api-version=...``.

        ``base_url`` is the resource URL (``https://NAME.openai.azure.com``,
        required). ``api_version`` None takes the library's default
        (``msb_provider_options_init``, ``MSB_AZURE_API_VERSION_DEFAULT``). The
        key goes in the ``api-key`` header: ``api_key`` given directly, or read
        from the variable named ``api_key_env`` (default ``AZURE_OPENAI_API_KEY``,
        sent only to https hosts under .openai.azure.com or
        .cognitiveservices.azure.com); it is never written anywhere. Other
        options as in :meth:`openai`. InvalidArgument for a bad URL, option or
        api_version.
        """
        return cls._http(deployment, _abi.DIALECT_AZURE, api_version, base_url=base_url,
                         api_key_env=api_key_env, api_key=api_key, endpoint="chat",
                         prompt_format=None, headers=headers, timeout=timeout,
                         connect_timeout=connect_timeout, max_retries=max_retries,
                         max_in_flight=max_in_flight, requests_per_minute=requests_per_minute,
                         tokens_per_minute=tokens_per_minute,
                         use_max_completion_tokens=use_max_completion_tokens,
                         omit_temperature=omit_temperature, tls_verify=tls_verify, http2=http2,
                         ca_file=ca_file, ca_path=ca_path)

    @classmethod
    def _http(cls, model: str, dialect: Optional[int], api_version: Optional[str], *,
              base_url: Optional[str], api_key_env: Optional[str], api_key: Optional[str],
              endpoint: str, prompt_format: Optional[str], headers: Optional[Sequence[str]],
              timeout: Optional[float], connect_timeout: Optional[float],
              max_retries: Optional[int], max_in_flight: Optional[int],
              requests_per_minute: Optional[float], tokens_per_minute: Optional[float],
              use_max_completion_tokens: Optional[bool], omit_temperature: Optional[bool],
              tls_verify: Optional[bool], http2: Optional[bool],
              ca_file: Optional[str], ca_path: Optional[str]) -> "Backend":
        """The HTTP backend: msb_backend_openai_new (dialect None) or
        msb_backend_provider_new with that dialect."""
        opts = _abi.msb_openai_options()
        LIB.call(LIB.msb_openai_options_init, byref(opts), _abi.OPENAI_OPTIONS_VERSION)
        keep = []  # the option strings must outlive the call
        opts.model = to_bytes(model)
        opts.base_url = to_bytes(base_url)
        opts.api_key_env = to_bytes(api_key_env)
        if endpoint not in ("chat", "completions"):
            raise InvalidArgument(f"endpoint {endpoint!r}: use 'chat' or 'completions'", -2)
        opts.endpoint = 0 if endpoint == "chat" else 1
        if prompt_format is not None:
            opts.prompt_format = LIB.call(LIB.msb_prompt_format_from_name,
                                          to_bytes(prompt_format))
        if headers:
            arr = (c_char_p * len(headers))(*[to_bytes(h) for h in headers])
            keep.append(arr)
            opts.headers = cast(arr, POINTER(c_char_p))
            opts.n_headers = len(headers)
        if timeout is not None:
            opts.timeout_ms = int(timeout * 1000)
        if connect_timeout is not None:
            opts.connect_timeout_ms = int(connect_timeout * 1000)
        if max_retries is not None:
            opts.max_retries = int(max_retries) if max_retries > 0 else -1
        if max_in_flight is not None:
            opts.max_in_flight = int(max_in_flight)
        if requests_per_minute is not None:
            opts.requests_per_minute = float(requests_per_minute)
        if tokens_per_minute is not None:
            opts.tokens_per_minute = float(tokens_per_minute)
        # None: the library's default (msb_openai_options_init), never restated here
        for name, flag in (("use_max_completion_tokens", use_max_completion_tokens),
                           ("omit_temperature", omit_temperature), ("tls_verify", tls_verify),
                           ("http2", http2)):
            if flag is not None:
                setattr(opts, name, int(flag))
        opts.ca_file = to_bytes(ca_file)
        opts.ca_path = to_bytes(ca_path)
        if dialect is None:
            def make(ptr: c_void_p) -> None:
                LIB.call(LIB.msb_backend_openai_new, byref(ptr), byref(opts))
        else:
            prov = _abi.msb_provider_options()
            LIB.call(LIB.msb_provider_options_init, byref(prov), _abi.PROVIDER_OPTIONS_VERSION)
            prov.dialect = dialect
            prov.api_version = to_bytes(api_version)  # None: the library's default

            def make(ptr: c_void_p) -> None:
                LIB.call(LIB.msb_backend_provider_new, byref(ptr), byref(opts), byref(prov))
        ptr = c_void_p()
        if api_key is None:
            make(ptr)
            return cls(ptr)
        if api_key_env is not None:
            raise InvalidArgument("give api_key or api_key_env, not both", -2)
        # The C options carry only the name of a variable, read once when the
        # backend is made (it keeps its own copy): a private variable that
        # lives for the length of this call hands the key over.
        with _KEY_LOCK:
            var = f"MEDSAFETY_PY_API_KEY_{os.getpid()}_{next(_KEY_SEQ)}"
            opts.api_key_env = var.encode()
            os.environ[var] = str(api_key)
            try:
                make(ptr)
            finally:
                del os.environ[var]
        return cls(ptr)

    @property
    def identity(self) -> str:
        """e.g. ``openai:gpt-4o-mini@https://api.openai.com/v1`` or ``python:my_model``."""
        return to_str(LIB.msb_backend_identity(self._handle)) or ""

    def generate(self, prompt: str, *, system: Optional[str] = None, id: Optional[str] = None,
                 reference: Optional[str] = None, max_tokens: Optional[int] = None,
                 temperature: Any = _DEFAULT, top_p: Optional[float] = None,
                 seed: Optional[int] = None, stop: Sequence[str] = ()) -> Completion:
        """Generate one completion, blocking. ``max_tokens`` None and
        ``temperature`` left out take the library's defaults (``msb_request_init``);
        ``temperature=None`` leaves it out of the request. Raises the backend's error
        (HTTPError, Timeout, CallbackError for a Python function that raised, ...)."""
        req = _abi.msb_request()
        LIB.call(LIB.msb_request_init, byref(req), _abi.REQUEST_VERSION)
        req.prompt = to_bytes(prompt)
        req.system = to_bytes(system)
        req.id = to_bytes(id)
        req.reference = to_bytes(reference)
        if max_tokens is not None:
            req.max_tokens = int(max_tokens)
        if temperature is not _DEFAULT:
            req.temperature = -1.0 if temperature is None else float(temperature)
        req.top_p = -1.0 if top_p is None else float(top_p)
        if seed is not None:
            req.seed, req.has_seed = int(seed), 1
        arr = None
        if stop:
            arr = (c_char_p * len(stop))(*[to_bytes(s) for s in stop])
            req.stop = cast(arr, POINTER(c_char_p))
            req.n_stop = len(stop)
        c = c_void_p()
        LIB.msb_error_clear()
        rc = LIB.msb_backend_generate(byref(c), self._handle, byref(req))
        try:
            _callbacks.raise_pending()
            if rc < 0:
                msg = to_str(_completion_info(c).error.message) if c.value else None
                if msg is None:
                    raise LIB.last_error(rc)
                raise error_for_code(rc, msg)
            return _completion_from_c(c)
        finally:
            LIB.msb_completion_free(c)

    def __repr__(self) -> str:
        return "<medsafety.Backend closed>" if self.closed else f"<medsafety.Backend {self.identity}>"
