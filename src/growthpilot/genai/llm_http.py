"""OpenAI-compatible HTTP backend (vLLM, Ollama, llama.cpp server, hosted providers).

Only the standard library is used (:mod:`urllib`). The network call goes through a
*transport* object so tests can swap in :class:`growthpilot.genai.testing.FakeTransport`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from growthpilot.genai.llm_base import (
    GenerationParams,
    LLMBackend,
    LLMError,
    LLMTimeoutError,
    Message,
    TransientLLMError,
)
from growthpilot.genai.llm_cache import ResponseCache

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class HTTPResponse:
    """Status code and body lines of an HTTP response (lines without the trailing newline)."""

    status: int
    lines: Iterator[bytes]
    reason: str = ""


class Transport(Protocol):
    """Sends one POST and returns the response; raises ``TimeoutError`` / ``ConnectionError``."""

    def post(self, url: str, headers: dict[str, str], body: bytes, timeout: float) -> HTTPResponse: ...


class UrllibTransport:
    """The real transport: :func:`urllib.request.urlopen`."""

    def post(self, url: str, headers: dict[str, str], body: bytes, timeout: float) -> HTTPResponse:
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            resp = urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - URL comes from settings
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500]
            return HTTPResponse(exc.code, iter([detail]), str(exc.reason))
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise TimeoutError(str(exc.reason)) from exc
            raise ConnectionError(str(exc.reason)) from exc

        def lines() -> Iterator[bytes]:
            with resp:
                for raw in resp:
                    yield raw.rstrip(b"\r\n")

        return HTTPResponse(resp.status, lines())


class OpenAIHTTPBackend(LLMBackend):
    """Chat completions from any server speaking the OpenAI ``/v1/chat/completions`` API.

    Parameters
    ----------
    base_url : e.g. ``http://localhost:8000/v1`` (vLLM) or ``http://localhost:11434/v1`` (Ollama).
    model : model name the server expects.
    api_key : bearer token, if the server wants one.
    transport : how requests are sent; default :class:`UrllibTransport`.
    timeout_s, retries, backoff_s, max_concurrency, cache : see :class:`LLMBackend`.
    """

    name = "openai"

    def __init__(self, *, base_url: str, model: str, api_key: str = "", transport: Transport | None = None,
                 timeout_s: float = 60.0, retries: int = 2, backoff_s: float = 0.5, max_concurrency: int = 4,
                 cache: ResponseCache | None = None) -> None:
        if not base_url:
            raise LLMError("the OpenAI-compatible backend needs base_url (set GROWTHPILOT_LLM_BASE_URL, "
                           "e.g. http://localhost:8000/v1)")
        super().__init__(timeout_s=timeout_s, retries=retries, backoff_s=backoff_s,
                         max_concurrency=max_concurrency, cache=cache)
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.transport: Transport = transport or UrllibTransport()

    @property
    def model_id(self) -> str:
        return f"openai:{self.base_url}:{self.model}"

    def _stream_raw(self, messages: Sequence[Message], params: GenerationParams,
                    deadline: float) -> Iterator[str]:
        body = {"model": self.model, "messages": list(messages), "stream": True, **params.as_dict()}
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = f"{self.base_url}/chat/completions"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LLMTimeoutError(f"no time left to call {url}; raise timeout_s")
        try:
            resp = self.transport.post(url, headers, json.dumps(body).encode("utf-8"), remaining)
        except TimeoutError as exc:
            raise LLMTimeoutError(f"{url} did not answer within {self.timeout_s:.0f}s; raise timeout_s "
                                  "or check the server") from exc
        except ConnectionError as exc:
            raise TransientLLMError(f"cannot reach {url}: {exc}; is the server running?") from exc
        if resp.status in RETRY_STATUS:
            raise TransientLLMError(f"{url} answered HTTP {resp.status} {resp.reason}")
        if resp.status >= 400:
            detail = b"".join(resp.lines)[:300].decode("utf-8", "replace")
            raise LLMError(f"{url} answered HTTP {resp.status}: {detail}; check model name and API key")
        yield from _parse_stream(resp.lines, deadline, url)


def _parse_stream(lines: Iterator[bytes], deadline: float, url: str) -> Iterator[str]:
    """Parse server-sent events (``data: {...}``) or a single JSON body."""
    buffered: list[bytes] = []
    saw_sse = False
    for line in lines:
        if time.monotonic() > deadline:
            raise LLMTimeoutError(f"{url} was still streaming at the timeout; raise timeout_s")
        if line.startswith(b"data:"):
            saw_sse = True
            payload = line[5:].strip()
            if payload == b"[DONE]":
                return
            try:
                chunk = json.loads(payload)
            except json.JSONDecodeError as exc:
                raise LLMError(f"{url} sent a malformed stream chunk: {payload[:100]!r}") from exc
            for choice in chunk.get("choices", []):
                piece = (choice.get("delta") or {}).get("content") or choice.get("text") or ""
                if piece:
                    yield piece
        elif not saw_sse and line.strip():
            buffered.append(line)
    if buffered and not saw_sse:  # server ignored stream=true and sent one JSON object
        try:
            data = json.loads(b"".join(buffered))
            yield data["choices"][0]["message"]["content"] or ""
        except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"{url} sent an unexpected body: {b''.join(buffered)[:200]!r}") from exc
