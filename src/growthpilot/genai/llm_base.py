"""One interface for every LLM backend: :class:`LLMBackend`.

A backend turns chat messages into text. The base class owns everything that is the
same for all engines: the response cache (keyed by model and prompt), retries with
backoff, a wall-clock timeout, a concurrency limit and streaming. Subclasses only
implement :meth:`LLMBackend._stream_raw`, which yields text pieces.

>>> from growthpilot.genai.testing import FakeTransport
>>> from growthpilot.genai.llm_http import OpenAIHTTPBackend
>>> llm = OpenAIHTTPBackend(base_url="http://fake/v1", model="m",
...                         transport=FakeTransport(lambda msgs, params: "Hello"))
>>> llm.complete([{"role": "user", "content": "Hi"}]).text
'Hello'
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from growthpilot.errors import GrowthPilotError
from growthpilot.genai.llm_cache import ResponseCache, cache_key

Message = dict[str, str]


class LLMError(GrowthPilotError, RuntimeError):
    """The language model failed (server error, bad response, model not loadable)."""


class LLMTimeoutError(LLMError, TimeoutError):
    """The language model did not answer within the timeout."""


class TransientLLMError(LLMError):
    """A failure worth retrying (connection refused, HTTP 429/5xx)."""


@dataclass(frozen=True)
class GenerationParams:
    """Sampling settings sent with a request (part of the cache key)."""

    max_tokens: int = 64
    temperature: float = 0.7
    top_p: float = 0.95
    seed: int | None = None
    stop: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"max_tokens": self.max_tokens, "temperature": self.temperature, "top_p": self.top_p}
        if self.seed is not None:
            d["seed"] = self.seed
        if self.stop:
            d["stop"] = list(self.stop)
        return d


@dataclass
class Completion:
    """A finished generation."""

    text: str
    model: str
    cached: bool = False
    elapsed_s: float = 0.0
    attempts: int = 1
    meta: dict[str, Any] = field(default_factory=dict)


class LLMBackend:
    """Base class: cache, retries, timeout and concurrency limit around ``_stream_raw``.

    Parameters
    ----------
    timeout_s : wall-clock limit for one attempt (seconds).
    retries : extra attempts after a :class:`TransientLLMError` or timeout.
    backoff_s : first wait between attempts; doubles each time.
    max_concurrency : most requests in flight at once from this process.
    cache : a :class:`ResponseCache`; ``None`` disables caching.
    """

    name = "base"

    def __init__(
        self,
        *,
        timeout_s: float = 120.0,
        retries: int = 2,
        backoff_s: float = 0.5,
        max_concurrency: int = 1,
        cache: ResponseCache | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_concurrency = max_concurrency
        self.cache = cache if cache is not None else ResponseCache()
        self._slots = threading.BoundedSemaphore(max(1, int(max_concurrency)))

    # --- what subclasses provide ------------------------------------------------------
    @property
    def model_id(self) -> str:
        """Identity of the model (file hash or server model name); part of the cache key."""
        raise NotImplementedError

    def _stream_raw(self, messages: Sequence[Message], params: GenerationParams,
                    deadline: float) -> Iterator[str]:
        """Yield text pieces; raise :class:`LLMTimeoutError` once ``time.monotonic() > deadline``."""
        raise NotImplementedError

    # --- public API -------------------------------------------------------------------
    def complete(self, messages: Sequence[Message] | str, params: GenerationParams | None = None,
                 **overrides: Any) -> Completion:
        """Generate a full answer (cached, retried, time-limited).

        ``messages`` is a list of ``{"role", "content"}`` dicts or a plain user prompt;
        keyword ``overrides`` replace fields of ``params`` (``max_tokens=16``).
        """
        msgs, p = _normalise(messages, params, overrides)
        key = cache_key(self.model_id, msgs, p.as_dict())
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                return Completion(hit, self.model_id, cached=True)
        t0 = time.monotonic()
        text, attempts = self._with_retries(lambda deadline: "".join(self._stream_raw(msgs, p, deadline)))
        if self.cache is not None:
            self.cache.put(key, text)
        return Completion(text, self.model_id, elapsed_s=time.monotonic() - t0, attempts=attempts)

    def stream(self, messages: Sequence[Message] | str, params: GenerationParams | None = None,
               **overrides: Any) -> Iterator[str]:
        """Yield text pieces as they are generated (a cached answer comes as one piece).

        Retries only happen before the first piece arrives; the finished text is cached.
        """
        msgs, p = _normalise(messages, params, overrides)
        key = cache_key(self.model_id, msgs, p.as_dict())
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                yield hit
                return
        pieces: list[str] = []
        attempt = 0
        while True:
            attempt += 1
            deadline = time.monotonic() + self.timeout_s
            with self._slots:
                try:
                    for piece in self._stream_raw(msgs, p, deadline):
                        pieces.append(piece)
                        yield piece
                    break
                except (TransientLLMError, LLMTimeoutError):
                    if pieces or attempt > self.retries:
                        raise
            time.sleep(self.backoff_s * 2 ** (attempt - 1))
        if self.cache is not None:
            self.cache.put(key, "".join(pieces))

    def batch(self, prompts: Sequence[Sequence[Message] | str], params: GenerationParams | None = None,
              **overrides: Any) -> list[Completion]:
        """Complete many prompts using up to ``max_concurrency`` threads; order is kept."""
        from concurrent.futures import ThreadPoolExecutor

        if self.max_concurrency <= 1 or len(prompts) <= 1:
            return [self.complete(m, params, **overrides) for m in prompts]
        with ThreadPoolExecutor(self.max_concurrency) as ex:
            return list(ex.map(lambda m: self.complete(m, params, **overrides), prompts))

    def close(self) -> None:
        """Release the model or connection (no-op by default)."""

    # --- helpers ----------------------------------------------------------------------
    def _with_retries(self, call: Callable[[float], str]) -> tuple[str, int]:
        attempt = 0
        while True:
            attempt += 1
            try:
                with self._slots:
                    return call(time.monotonic() + self.timeout_s), attempt
            except (TransientLLMError, LLMTimeoutError):
                if attempt > self.retries:
                    raise
            time.sleep(self.backoff_s * 2 ** (attempt - 1))


def _normalise(messages: Sequence[Message] | str, params: GenerationParams | None,
               overrides: dict[str, Any]) -> tuple[list[Message], GenerationParams]:
    msgs = [{"role": "user", "content": messages}] if isinstance(messages, str) else [dict(m) for m in messages]
    if not msgs:
        raise LLMError("no messages to send; pass a prompt string or a list of {'role', 'content'} dicts")
    p = params or GenerationParams()
    if overrides:
        if "stop" in overrides and overrides["stop"] is not None:
            overrides["stop"] = tuple(overrides["stop"])
        p = GenerationParams(**{**p.__dict__, **overrides})
    return msgs, p
