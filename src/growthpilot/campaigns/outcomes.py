"""Ingest campaign outcomes (opens, clicks, conversions with revenue) into ``outcomes`` and ``events``."""

from __future__ import annotations

import hashlib

import pandas as pd

from growthpilot.errors import DataError
from growthpilot.warehouse import Warehouse

OUTCOME_TYPES = ("delivered", "open", "click", "visit", "conversion", "unsubscribe", "bounce")


def ingest_outcomes(wh: Warehouse, df: pd.DataFrame) -> dict[str, int]:
    """Write outcome rows (``campaign_id, customer_id, outcome_type[, value, ts, outcome_id]``).

    Rows get a deterministic ``outcome_id`` when they have none, so ingesting the same file twice adds
    nothing. Each outcome is also written as an event (``event_type`` = outcome type) for the next run.
    """
    need = ["campaign_id", "customer_id", "outcome_type"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DataError(f"outcomes need column(s) {missing}; got {list(df.columns)}")
    df = df.copy()
    bad = ~df["outcome_type"].isin(OUTCOME_TYPES)
    if bad.any():
        raise DataError(f"unknown outcome_type {df.loc[bad, 'outcome_type'].iloc[0]!r}",
                        row=int(df.index[bad][0]), column="outcome_type", expected=f"one of {OUTCOME_TYPES}")
    if "ts" not in df.columns:
        df["ts"] = pd.Timestamp.now("UTC").tz_localize(None)
    if "value" not in df.columns:
        df["value"] = 0.0
    df["ts"] = pd.to_datetime(df["ts"])
    if "outcome_id" not in df.columns:
        df["outcome_id"] = [hashlib.sha256(f"{r.campaign_id}|{r.customer_id}|{r.outcome_type}|{r.ts}|{r.value}"
                                           .encode()).hexdigest()[:24] for r in df.itertuples()]
    cols = ["outcome_id", "campaign_id", "customer_id", "ts", "outcome_type", "value"]
    res = wh.write("outcomes", df[cols], mode="upsert")
    ev = pd.DataFrame({"event_id": "out-" + df["outcome_id"], "customer_id": df["customer_id"], "ts": df["ts"],
                       "event_type": df["outcome_type"], "campaign_id": df["campaign_id"], "value": df["value"]})
    wh.write("events", ev, mode="upsert")
    return {"rows": len(df), "new": res.rows_new}
