"""Audit middleware (pure ASGI): logs every write and every read of personal data after it is answered."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from growthpilot.api.deps import AUDIT_SCOPE_KEY
from growthpilot.privacy import AuditEntry, AuditLog

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SKIP = ("/static/", "/health", "/favicon")


class AuditMiddleware:
    def __init__(self, app: ASGIApp, audit: AuditLog) -> None:
        self.app, self.audit = app, audit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(_SKIP):
            await self.app(scope, receive, send)
            return
        ctx: dict = scope.setdefault(AUDIT_SCOPE_KEY, {})
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            method = scope.get("method", "GET")
            if method in WRITE_METHODS or ctx.get("personal"):
                who = ctx.get("principal")
                subject = ctx.get("subject_id", (scope.get("path_params") or {}).get("customer_id"))
                self.audit.record(AuditEntry(
                    action="write" if method in WRITE_METHODS else "read_personal",
                    key_id=getattr(who, "key_id", ""), role=getattr(who, "role", ""), method=method,
                    path=scope.get("path", "")[:500], subject_id=subject, status=int(status["code"]),
                    detail=str(ctx.get("detail") or ctx.get("denied") or "")[:500],
                ))
