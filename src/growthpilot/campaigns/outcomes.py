"""Ingest campaign outcomes (opens, clicks, conversions with revenue) into ``outcomes`` and ``events``."""

from __future__ import annotations

import hashlib

import pandas as pd

from growthpilot.errors import DataError, ValidationError
from growthpilot.parsing import parse_times, present, to_number
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
    df = df.reset_index(drop=True)
    df["outcome_type"] = df["outcome_type"].astype("string").str.strip().str.lower()  # "Conversion " counts
    bad = ~df["outcome_type"].isin(OUTCOME_TYPES).fillna(False).astype(bool)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise ValidationError(f"outcome row {i + 1} has an unknown outcome_type", row=i + 1, column="outcome_type",
                              value=df["outcome_type"].iloc[i], expected=f"one of {', '.join(OUTCOME_TYPES)}")
    if "ts" not in df.columns:
        df["ts"] = pd.Timestamp.now("UTC").tz_localize(None)
    if "value" not in df.columns:
        df["value"] = 0.0
    # dates and amounts as people write them (2024-03-01 next to 2024-03-01 14:05, "12,50");
    # a cell that holds something unreadable is refused with its row rather than guessed
    df["outcome_type"] = df["outcome_type"].astype(str)
    for col, parse, expected in (("ts", parse_times, "a date or date-time such as 2024-03-01 14:05"),
                                 ("value", to_number, "a number such as 12.50 (or empty)")):
        if col == "value" and pd.api.types.is_numeric_dtype(df[col]):
            continue  # numbers already (kept as they are: the outcome ids hash them)
        parsed = parse(df[col])
        bad = parsed.isna() & present(df[col])
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise ValidationError(f"outcome row {i + 1} has an unreadable {col}", row=i + 1, column=col,
                                  value=df[col].iloc[i], expected=expected)
        df[col] = parsed
    if "outcome_id" not in df.columns:
        df["outcome_id"] = [hashlib.sha256(f"{r.campaign_id}|{r.customer_id}|{r.outcome_type}|{r.ts}|{r.value}"
                                           .encode()).hexdigest()[:24] for r in df.itertuples()]
    cols = ["outcome_id", "campaign_id", "customer_id", "ts", "outcome_type", "value"]
    res = wh.write("outcomes", df[cols], mode="upsert")
    ev = pd.DataFrame({"event_id": "out-" + df["outcome_id"], "customer_id": df["customer_id"], "ts": df["ts"],
                       "event_type": df["outcome_type"], "campaign_id": df["campaign_id"], "value": df["value"]})
    wh.write("events", ev, mode="upsert")
    return {"rows": len(df), "new": res.rows_new, **_unmatched(wh, df)}


def _unmatched(wh: Warehouse, df: pd.DataFrame) -> dict[str, int]:
    """Outcome rows that no send explains: their campaign was never sent from this workspace
    (``unknown_campaign``), or the customer was neither sent it nor held out (``not_in_campaign``).
    They are stored, but a campaign report only counts outcomes of its own sends and holdout."""
    camp, cust = df["campaign_id"].astype(str), df["customer_id"].astype(str)
    if not wh.has_table("sends"):
        return {"unknown_campaign": len(df), "not_in_campaign": 0}
    t = wh.table("sends")
    sent = wh.read(t.filter(t.campaign_id.isin(sorted(set(camp)))).select("campaign_id", "customer_id"))
    pairs = set(zip(sent["campaign_id"].astype(str), sent["customer_id"].astype(str), strict=True))
    unknown = ~camp.isin(set(sent["campaign_id"].astype(str)))
    outside = ~unknown & ~pd.Series([p in pairs for p in zip(camp, cust, strict=True)], index=df.index)
    return {"unknown_campaign": int(unknown.sum()), "not_in_campaign": int(outside.sum())}
