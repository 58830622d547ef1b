"""Shared route dependencies (``Annotated`` aliases): app state, the calling key, paging.

``CustomersRead`` (one alias per permission, ``Allow("customers:read")`` builds any) authenticates the key (``Authorization: Bearer gpk_...`` or
``X-API-Key``), applies its rate limit and checks the role against
:data:`growthpilot.api.permissions.PERMISSIONS`; the route's permission is kept on the
dependency (``.permission``) so the role-matrix test can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from growthpilot.api.permissions import allowed
from growthpilot.api.problems import Problem
from growthpilot.api.state import AppState

PERSONAL_PERMISSIONS = frozenset({"customers:read", "customers:pii", "consent:read"})
AUDIT_SCOPE_KEY = "growthpilot.audit"


async def get_state(request: Request) -> AppState:
    return request.app.state.gp


StateDep = Annotated[AppState, Depends(get_state)]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    key_id: str
    role: str
    name: str = ""


def presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def authenticate(request: Request, state: AppState, raw: str | None) -> Principal:
    """Verify a key and charge its rate limit; raises 401 / 429 problems."""
    if not raw:
        raise Problem(401, "this route needs an API key: send 'Authorization: Bearer gpk_...' "
                      "(make one with: growthpilot keys create --role viewer)",
                      headers={"WWW-Authenticate": 'Bearer realm="growthpilot"'})
    rec = state.keys.verify(raw)
    if rec is None:
        raise Problem(401, "the API key is unknown, malformed or revoked; ask an admin for a new one",
                      headers={"WWW-Authenticate": 'Bearer realm="growthpilot", error="invalid_token"'})
    wait = state.limiter.take(rec.key_id, rec.rate_limit)
    if wait > 0:
        raise Problem(429, f"rate limit of {rec.rate_limit} requests/minute for key {rec.key_id} exceeded; "
                      f"retry in {wait:.2f} s", headers={"Retry-After": str(max(1, round(wait + 0.5)))})
    return Principal(rec.key_id, rec.role, rec.name)


def audit_context(request: Request) -> dict[str, Any]:
    """The per-request dict the audit middleware reads after the response."""
    ctx = request.scope.get(AUDIT_SCOPE_KEY)
    if ctx is None:
        ctx = request.scope[AUDIT_SCOPE_KEY] = {}
    return ctx


def require(permission: str):
    """A dependency that admits keys whose role holds ``permission``."""

    async def dependency(request: Request, state: StateDep) -> Principal:
        ctx = audit_context(request)
        principal = authenticate(request, state, presented_key(request))
        ctx["principal"] = principal
        if permission in PERSONAL_PERMISSIONS:
            ctx["personal"] = True
        if not allowed(principal.role, permission):
            ctx["denied"] = permission
            raise Problem(403, f"role {principal.role!r} lacks permission {permission!r} for this route; "
                          "use a key with a role that has it (see docs/api.md, 'Roles')")
        return principal

    dependency.permission = permission  # type: ignore[attr-defined]
    dependency.__name__ = f"require_{permission.replace(':', '_')}"
    return dependency


def Allow(permission: str) -> Any:  # noqa: N802 - reads like a type in signatures
    """``principal: Allow("customers:read")`` in a route signature."""
    return Annotated[Principal, Depends(require(permission))]


# One alias per permission: ``principal: CustomersRead`` in a route signature.
AggregatesRead = Annotated[Principal, Depends(require("aggregates:read"))]
CustomersRead = Annotated[Principal, Depends(require("customers:read"))]
CustomersPii = Annotated[Principal, Depends(require("customers:pii"))]
CampaignsWrite = Annotated[Principal, Depends(require("campaigns:write"))]
CopyGenerate = Annotated[Principal, Depends(require("copy:generate"))]
AssistantChat = Annotated[Principal, Depends(require("assistant:chat"))]
EventsWrite = Annotated[Principal, Depends(require("events:write"))]
ConsentRead = Annotated[Principal, Depends(require("consent:read"))]
ConsentWrite = Annotated[Principal, Depends(require("consent:write"))]
PrivacyDp = Annotated[Principal, Depends(require("privacy:dp"))]
PrivacyAdmin = Annotated[Principal, Depends(require("privacy:admin"))]
KeysAdmin = Annotated[Principal, Depends(require("keys:admin"))]


def set_subject(request: Request, subject_id: str | None, detail: str = "") -> None:
    """Name the customer a route touched, for the audit log."""
    ctx = audit_context(request)
    ctx["subject_id"] = subject_id
    if detail:
        ctx["detail"] = detail


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


async def paging(
    limit: Annotated[int, Query(ge=1, le=500, description="Rows per page (1-500).")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]
