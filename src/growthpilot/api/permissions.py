"""Roles and the per-route permission table.

Every route names one permission (see ``deps.Allow``); this table says which roles
hold it. ``viewer`` sees aggregates only; ``marketer`` works with customers, copy and
campaigns; ``analyst`` reads customers and runs DP reports; ``admin`` does everything.
"""

from __future__ import annotations

ROLES = ("admin", "analyst", "marketer", "viewer")

PERMISSIONS: dict[str, frozenset[str]] = {
    "aggregates:read": frozenset(ROLES),
    "customers:read": frozenset({"admin", "analyst", "marketer"}),
    "customers:pii": frozenset({"admin"}),
    "campaigns:write": frozenset({"admin", "marketer"}),
    "copy:generate": frozenset({"admin", "marketer"}),
    "assistant:chat": frozenset({"admin", "analyst", "marketer"}),
    "events:write": frozenset({"admin", "marketer"}),
    "consent:read": frozenset({"admin", "analyst", "marketer"}),
    "consent:write": frozenset({"admin", "marketer"}),
    "privacy:dp": frozenset({"admin", "analyst"}),
    "privacy:admin": frozenset({"admin"}),
    "keys:admin": frozenset({"admin"}),
}


def allowed(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission`` (unknown permissions are denied)."""
    return role in PERMISSIONS.get(permission, frozenset())
