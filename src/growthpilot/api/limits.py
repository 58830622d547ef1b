"""Request limits (pure ASGI): bodies over ``max_bytes`` get 413, NUL characters in the URL 422 (problem+json)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 2 * 1024 * 1024


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Reject requests whose declared or streamed body exceeds ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def _reject(self, scope: Scope, send: Send, status: int = 413, detail: str = "") -> None:
        title = "Payload too large" if status == 413 else "Unprocessable content"
        body = json.dumps({
            "type": f"urn:growthpilot:problem:{title.lower().replace(' ', '-')}", "title": title, "status": status,
            "detail": detail or f"request body is larger than {self.max_bytes} bytes; split it into smaller batches",
            "instance": scope.get("path", "").replace("\x00", ""),
        }).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/problem+json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            await self._reject(scope, send, 422, "NUL characters are not allowed in the URL")
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await self._reject(scope, send)
                    return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(scope, send)
