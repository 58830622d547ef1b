"""Dashboard sessions: a signed cookie naming the key (never the key itself), plus CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import time

COOKIE = "gp_session"
TTL_SECONDS = 8 * 3600


def _sig(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()


def make_session(secret: bytes, key_id: str, now: float | None = None) -> str:
    expiry = int((now or time.time()) + TTL_SECONDS)
    payload = f"{key_id}.{expiry}"
    return f"{payload}.{_sig(secret, payload)}"


def read_session(secret: bytes, value: str | None, now: float | None = None) -> str | None:
    """The key id of a valid, unexpired session cookie, else ``None``."""
    if not value or value.count(".") != 2:
        return None
    key_id, expiry, sig = value.split(".")
    if not hmac.compare_digest(_sig(secret, f"{key_id}.{expiry}"), sig):
        return None
    if not expiry.isdigit() or int(expiry) < (now or time.time()):
        return None
    return key_id


def csrf_token(secret: bytes, session: str) -> str:
    return _sig(secret, f"csrf:{session}")[:32]
