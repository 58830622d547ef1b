"""Who may be contacted: consent (latest grant per channel and purpose), unsubscribes, frequency caps."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd

from growthpilot.warehouse import Warehouse


def consented(wh: Warehouse, customer_ids: Sequence[str], channel: str, purpose: str = "marketing") -> set[str]:
    """Customers whose latest consent for ``channel``/``purpose`` is granted and not revoked by an unsubscribe.

    No consent row means no consent (opt-in). An ``unsubscribe`` event later than the grant (for this
    channel, or with no channel in its properties) withdraws it.
    """
    if not wh.has_table("consent"):
        return set()
    c = wh.table("consent")
    df = wh.read(c.filter((c.channel == channel) & (c.purpose == purpose)))
    if df.empty:
        return set()
    df = df.sort_values("ts", na_position="first").drop_duplicates("customer_id", keep="last")
    ok = df[df["granted"].astype(bool)]
    ok = ok[ok["customer_id"].isin(set(map(str, customer_ids)))]
    granted_at = dict(zip(ok["customer_id"], ok["ts"], strict=False))
    if wh.has_table("events") and granted_at:
        e = wh.table("events")
        unsub = wh.read(e.filter(e.event_type == "unsubscribe").select("customer_id", "ts", "properties"))
        for row in unsub.itertuples(index=False):
            if row.customer_id not in granted_at:
                continue
            props = json.loads(row.properties) if isinstance(row.properties, str) and row.properties else {}
            if props.get("channel", channel) != channel:
                continue
            g = granted_at[row.customer_id]
            if pd.isna(g) or pd.isna(row.ts) or row.ts >= g:
                granted_at.pop(row.customer_id)
    return set(granted_at)


def over_cap(wh: Warehouse, customer_ids: Sequence[str], *, max_sends: int, window_days: int,
             now: datetime, channel: str | None = None) -> set[str]:
    """Customers who already got ``max_sends`` messages (status ``sent``) in the last ``window_days``."""
    if not wh.has_table("sends"):
        return set()
    s = wh.table("sends")
    since = pd.Timestamp(now) - timedelta(days=window_days)
    expr = s.filter((s.status == "sent") & (s.ts >= since.to_pydatetime()))
    if channel:
        expr = expr.filter(expr.channel == channel)
    counts = wh.read(expr.group_by("customer_id").agg(n=expr.count()))
    wanted = set(map(str, customer_ids))
    return {c for c, n in zip(counts["customer_id"], counts["n"], strict=False) if n >= max_sends and c in wanted}


def record_unsubscribe(wh: Warehouse, customer_id: str, channel: str = "email", *, purpose: str = "marketing",
                       source: str = "unsubscribe_link", ts: datetime | None = None) -> None:
    """Honour an unsubscribe: consent set to not granted and an ``unsubscribe`` event written."""
    ts = pd.Timestamp(ts or pd.Timestamp.now("UTC").tz_localize(None))
    wh.write("consent", pd.DataFrame([{"customer_id": customer_id, "channel": channel, "purpose": purpose,
                                       "granted": False, "ts": ts, "source": source}]), mode="upsert")
    wh.write("events", pd.DataFrame([{"event_id": f"unsub-{customer_id}-{channel}-{ts.value}",
                                      "customer_id": customer_id, "ts": ts, "event_type": "unsubscribe",
                                      "properties": json.dumps({"channel": channel})}]), mode="upsert")
