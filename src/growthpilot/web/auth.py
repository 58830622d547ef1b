"""Who is signed in to the dashboard, and what they may see (the API's permission table)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse

from growthpilot.api.deps import AUDIT_SCOPE_KEY, PERSONAL_PERMISSIONS, Principal, audit_context
from growthpilot.api.permissions import allowed
from growthpilot.api.problems import Problem
from growthpilot.privacy import signing_key
from growthpilot.web.session import COOKIE, csrf_token, read_session


@dataclass
class WebUser:
    principal: Principal
    csrf: str


class LoginRequired(Exception):
    """Raised by :func:`guard` when there is no valid session; answered with a redirect."""


def current(request: Request) -> WebUser | None:
    state = request.app.state.gp
    secret = signing_key(state.ws)
    cookie = request.cookies.get(COOKIE)
    key_id = read_session(secret, cookie)
    if key_id is None:
        return None
    rec = state.keys.get(key_id)
    if rec is None or rec.revoked:
        return None
    return WebUser(Principal(rec.key_id, rec.role, rec.name), csrf_token(secret, cookie or ""))


def guard(request: Request, permission: str, *, form_csrf: str | None = None) -> WebUser:
    """The signed-in user if their role holds ``permission``; otherwise redirect or 403."""
    user = current(request)
    if user is None:
        raise LoginRequired
    ctx = audit_context(request)
    ctx["principal"] = user.principal
    if permission in PERSONAL_PERMISSIONS:
        ctx["personal"] = True
    state = request.app.state.gp
    wait = state.limiter.take(user.principal.key_id, state.keys.get(user.principal.key_id).rate_limit)
    if wait > 0:
        raise Problem(429, f"rate limit exceeded; retry in {wait:.1f} s", headers={"Retry-After": str(int(wait) + 1)})
    if not allowed(user.principal.role, permission):
        ctx["denied"] = permission
        raise Problem(403, f"your role {user.principal.role!r} may not open this page (needs {permission!r})")
    if form_csrf is not None:
        check_csrf(user, form_csrf)
    return user


def page_user(permission: str):
    """A dependency form of :func:`guard`, so sign-in is checked before the form is even parsed."""

    def dependency(request: Request) -> WebUser:
        return guard(request, permission)

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def check_csrf(user: WebUser, token: str, *fields: object) -> None:
    """Refuse a form whose CSRF token is wrong, or whose text fields hold NUL characters."""
    if not hmac.compare_digest(token or "", user.csrf):
        raise Problem(403, "the form's CSRF token is missing or stale; reload the page and try again")
    flat = [x for f in fields for x in (f if isinstance(f, list | tuple) else [f])]
    if any(isinstance(x, str) and "\x00" in x for x in flat):
        raise Problem(422, "form fields may not contain NUL characters")


def login_redirect(request: Request, exc: Exception) -> RedirectResponse:
    return RedirectResponse(f"/ui/login?next={request.url.path}", status_code=303)


__all__ = ["AUDIT_SCOPE_KEY", "LoginRequired", "WebUser", "check_csrf", "current", "guard", "login_redirect",
           "page_user"]
