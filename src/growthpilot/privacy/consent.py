"""The consent registry: the latest grant or refusal per customer, channel and purpose.

Policy is opt-in: a customer with no row for a channel and purpose has not consented.
Targeting and sends call :meth:`ConsentRegistry.filter_allowed` before contacting anyone.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import UTC, datetime

import pandas as pd

from growthpilot.errors import ValidationError
from growthpilot.warehouse import Warehouse

CHANNELS = ("email", "sms", "push", "ads")
PURPOSES = ("marketing", "profiling")


class ConsentRegistry:
    """Read and update the ``consent`` table.

    >>> from growthpilot.warehouse import Warehouse
    >>> reg = ConsentRegistry(Warehouse.from_url("duckdb://"))
    >>> _ = reg.set("c1", "email", "marketing", True, source="api")
    >>> reg.allowed(["c1", "c2"], "email", "marketing")
    {'c1'}
    """

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse

    def get(self, customer_id: str) -> pd.DataFrame:
        """All consent rows of one customer (empty frame when none)."""
        if not self.warehouse.has_table("consent"):
            return pd.DataFrame(columns=["customer_id", "channel", "purpose", "granted", "ts", "source"])
        t = self.warehouse.table("consent")
        return self.warehouse.read(t.filter(t.customer_id == customer_id).order_by(["channel", "purpose"]))

    def set(
        self, customer_id: str, channel: str, purpose: str, granted: bool, *, source: str = "api",
        ts: datetime | None = None,
    ) -> int:
        """Record one grant or refusal; returns rows changed (0 when it was already so)."""
        return self.update([{"customer_id": customer_id, "channel": channel, "purpose": purpose,
                             "granted": granted, "source": source, "ts": ts}])

    def update(self, records: Iterable[dict]) -> int:
        """Upsert many consent records (``customer_id, channel, purpose, granted[, source, ts]``)."""
        rows = []
        now = datetime.now(UTC).replace(tzinfo=None)
        for i, r in enumerate(records):
            if r.get("channel") not in CHANNELS:
                raise ValidationError("unknown consent channel", row=i, column="channel",
                                      value=r.get("channel"), expected=" | ".join(CHANNELS))
            if r.get("purpose") not in PURPOSES:
                raise ValidationError("unknown consent purpose", row=i, column="purpose",
                                      value=r.get("purpose"), expected=" | ".join(PURPOSES))
            rows.append({**r, "ts": r.get("ts") or now, "source": r.get("source") or "api"})
        if not rows:
            return 0
        return self.warehouse.write("consent", pd.DataFrame(rows), mode="upsert").rows_new

    def allowed(self, customer_ids: Iterable[str], channel: str, purpose: str = "marketing") -> builtins.set[str]:
        """The subset of ``customer_ids`` whose latest consent for ``channel``/``purpose`` is granted."""
        ids = {str(c) for c in customer_ids}
        if not ids or not self.warehouse.has_table("consent"):
            return set()
        t = self.warehouse.table("consent")
        expr = t.filter((t.channel == channel) & (t.purpose == purpose) & t.granted.fill_null(False))
        granted = set(self.warehouse.read(expr.select("customer_id"))["customer_id"].astype(str))
        return ids & granted

    def filter_allowed(
        self, df: pd.DataFrame, channel: str, purpose: str = "marketing", *, id_col: str = "customer_id"
    ) -> pd.DataFrame:
        """Rows of ``df`` whose customer consented to ``channel`` for ``purpose``."""
        ok = self.allowed(df[id_col].dropna().astype(str).unique(), channel, purpose)
        return df[df[id_col].astype(str).isin(ok)].reset_index(drop=True)
