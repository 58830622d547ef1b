"""Retention rules: rows older than a table's limit are deleted.

Defaults keep raw behaviour two years, the audit log 400 days and quarantined input
90 days; pass your own rules to :func:`apply_retention` to change them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from growthpilot.warehouse import Warehouse


@dataclass(frozen=True)
class RetentionRule:
    """Delete rows of ``table`` whose ``ts_column`` is older than ``days``."""

    table: str
    ts_column: str
    days: int


DEFAULT_RULES: tuple[RetentionRule, ...] = (
    RetentionRule("events", "ts", 730),
    RetentionRule("sends", "ts", 730),
    RetentionRule("outcomes", "ts", 730),
    RetentionRule("audit_log", "ts", 400),
    RetentionRule("quarantine", "ingested_at", 90),
)


def apply_retention(
    wh: Warehouse, rules: tuple[RetentionRule, ...] = DEFAULT_RULES, *, now: datetime | None = None,
    dry_run: bool = False,
) -> dict[str, int]:
    """Apply ``rules``; returns rows deleted (or, with ``dry_run``, that would be) per table."""
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    out: dict[str, int] = {}
    for rule in rules:
        if not wh.has_table(rule.table):
            continue
        t = wh.table(rule.table)
        if rule.ts_column not in t.columns:
            continue
        cutoff = now - timedelta(days=rule.days)
        old = t[rule.ts_column].cast("timestamp") < cutoff
        n = int(t.filter(old).count().execute())
        out[rule.table] = n
        if n and not dry_run:
            tmp = f"_retain_{rule.table}_{uuid.uuid4().hex[:8]}"
            wh.con.create_table(tmp, t.filter(~old.fill_null(False)), overwrite=True)
            wh.con.create_table(rule.table, wh.con.table(tmp), overwrite=True)
            wh.con.drop_table(tmp, force=True)
    return out
