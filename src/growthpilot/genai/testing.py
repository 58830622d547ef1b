"""Test doubles for the LLM layer: a fake HTTP transport that speaks the OpenAI protocol.

Not used by the product; unit tests (here and in other areas, e.g. the REST API) plug it
into :class:`~growthpilot.genai.llm_http.OpenAIHTTPBackend` so no model or network is needed::

    llm = OpenAIHTTPBackend(base_url="http://fake/v1", model="fake",
                            transport=FakeTransport(lambda messages, params: "Hi"))
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from growthpilot.genai.llm_http import HTTPResponse

Responder = Callable[[list[dict[str, str]], dict[str, Any]], str]


class FakeTransport:
    """Answers chat-completion POSTs with ``responder(messages, params)``.

    Parameters
    ----------
    responder : returns the assistant text for a request.
    fail_first : the first ``fail_first`` calls answer HTTP ``fail_status`` (to test retries).
    fail_status : status used for those failures (503 by default).
    delay_s : sleep before answering; with a smaller timeout this raises ``TimeoutError``.
    chunk_chars : characters per streamed chunk.
    """

    def __init__(self, responder: Responder, *, fail_first: int = 0, fail_status: int = 503,
                 delay_s: float = 0.0, chunk_chars: int = 4) -> None:
        self.responder = responder
        self.fail_first = fail_first
        self.fail_status = fail_status
        self.delay_s = delay_s
        self.chunk_chars = chunk_chars
        self.calls: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def post(self, url: str, headers: dict[str, str], body: bytes, timeout: float) -> HTTPResponse:
        req = json.loads(body)
        with self._lock:
            self.calls.append({"url": url, "headers": headers, "body": req})
            n = len(self.calls)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay_s:
                if self.delay_s > timeout:
                    time.sleep(timeout)
                    raise TimeoutError(f"fake server slower than the {timeout:.2f}s timeout")
                time.sleep(self.delay_s)
            if n <= self.fail_first:
                return HTTPResponse(self.fail_status, iter([b'{"error": "unavailable"}']), "Service Unavailable")
            params = {k: v for k, v in req.items() if k not in ("messages", "model", "stream")}
            text = self.responder(req["messages"], params)
        finally:
            with self._lock:
                self.in_flight -= 1
        if not req.get("stream"):
            body_out = {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}
            return HTTPResponse(200, iter([json.dumps(body_out).encode()]))
        return HTTPResponse(200, self._sse(text))

    def _sse(self, text: str) -> Iterator[bytes]:
        for i in range(0, len(text), self.chunk_chars):
            chunk = {"choices": [{"index": 0, "delta": {"content": text[i:i + self.chunk_chars]}}]}
            yield b"data: " + json.dumps(chunk, ensure_ascii=False).encode("utf-8")
            yield b""
        yield b"data: [DONE]"
