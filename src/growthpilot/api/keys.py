"""API keys: random secrets shown once, stored only as salted HMAC-SHA256 hashes.

A key reads ``gpk_<key_id>_<secret>``; the ``api_keys`` table keeps the key id, role,
per-key salt and ``HMAC-SHA256(salt, secret)``, never the secret itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from growthpilot.api.permissions import ROLES
from growthpilot.errors import ValidationError
from growthpilot.warehouse import TableContract, Warehouse, register

API_KEYS = register(TableContract(
    "api_keys",
    {"key_id": "string", "name": "string", "role": "string", "salt": "string", "key_hash": "string",
     "rate_limit": "int64", "created_at": "timestamp", "revoked_at": "timestamp"},
    keys=("key_id",), required=("key_id", "role", "salt", "key_hash"),
    description="API keys: role, rate limit (requests/minute) and a salted HMAC-SHA256 of the secret.",
))
DEFAULT_RATE_LIMIT = 600


@dataclass(frozen=True)
class KeyRecord:
    key_id: str
    name: str
    role: str
    salt: str
    key_hash: str
    rate_limit: int
    created_at: datetime | None
    revoked: bool


def _hash(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def parse_key(raw: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` from a presented key, or ``None`` if it is malformed."""
    parts = raw.strip().split("_", 2) if raw else []
    if len(parts) != 3 or parts[0] != "gpk" or len(parts[1]) != 12 or not parts[2]:
        return None
    return parts[1], parts[2]


class KeyStore:
    """Create, verify, list and revoke keys; verification uses an in-memory copy of the table."""

    def __init__(self, warehouse: Warehouse, *, lock: threading.RLock | None = None) -> None:
        self.warehouse = warehouse
        self._lock = lock or threading.RLock()
        self._cache: dict[str, KeyRecord] = {}
        self._loaded_at = 0.0

    def reload(self) -> None:
        with self._lock:
            if not self.warehouse.has_table("api_keys"):
                self._cache, self._loaded_at = {}, time.monotonic()
                return
            df = self.warehouse.read("api_keys")
        cache = {}
        for r in df.to_dict("records"):
            cache[r["key_id"]] = KeyRecord(
                key_id=r["key_id"], name=r["name"] or "", role=r["role"], salt=r["salt"], key_hash=r["key_hash"],
                rate_limit=int(r["rate_limit"]) if pd.notna(r["rate_limit"]) else DEFAULT_RATE_LIMIT,
                created_at=r["created_at"], revoked=pd.notna(r["revoked_at"]),
            )
        self._cache, self._loaded_at = cache, time.monotonic()

    def create(self, role: str, name: str = "", rate_limit: int = DEFAULT_RATE_LIMIT) -> tuple[str, KeyRecord]:
        """Make a key; returns the secret key string (shown once) and its stored record."""
        if role not in ROLES:
            raise ValidationError("unknown role", column="role", value=role, expected=" | ".join(ROLES))
        if not 1 <= int(rate_limit) <= 1_000_000:
            raise ValidationError("rate limit out of range", column="rate_limit", value=rate_limit,
                                  expected="1..1000000 requests per minute")
        key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
        row = {"key_id": key_id, "name": name, "role": role, "salt": salt, "key_hash": _hash(salt, secret),
               "rate_limit": int(rate_limit), "created_at": datetime.now(UTC).replace(tzinfo=None), "revoked_at": None}
        with self._lock:
            self.warehouse.write("api_keys", pd.DataFrame([row]), mode="upsert")
        self.reload()
        return f"gpk_{key_id}_{secret}", self._cache[key_id]

    def revoke(self, key_id: str) -> bool:
        """Mark a key revoked; returns False when no such key exists."""
        self.reload()
        if key_id not in self._cache:
            return False
        with self._lock:
            t = self.warehouse.table("api_keys")
            row = self.warehouse.read(t.filter(t.key_id == key_id))
            row["revoked_at"] = datetime.now(UTC).replace(tzinfo=None)
            self.warehouse.write("api_keys", row, mode="upsert")
        self.reload()
        return True

    def list(self) -> list[KeyRecord]:
        self.reload()
        return sorted(self._cache.values(), key=lambda r: (r.created_at or datetime.min, r.key_id))

    def get(self, key_id: str) -> KeyRecord | None:
        rec = self._cache.get(key_id)
        if rec is None and time.monotonic() - self._loaded_at > 2.0:  # a key made elsewhere
            self.reload()
            rec = self._cache.get(key_id)
        return rec

    def verify(self, raw: str) -> KeyRecord | None:
        """The record of a valid, unrevoked key, else ``None`` (constant-time hash compare)."""
        parsed = parse_key(raw)
        if parsed is None:
            return None
        rec = self.get(parsed[0])
        if rec is None or rec.revoked:
            return None
        return rec if hmac.compare_digest(_hash(rec.salt, parsed[1]), rec.key_hash) else None


class RateLimiter:
    """Token bucket per key: ``rate_limit`` requests per minute, bursts of two seconds' worth."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key_id: str, per_minute: int) -> float:
        """0.0 when the request may go, else seconds to wait before retrying."""
        rate = per_minute / 60.0
        cap = max(rate * 2.0, 5.0)
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (cap, now))
            tokens = min(cap, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1.0 - tokens) / rate
