"""``POST /events``: batched event collection, idempotent by ``event_id``."""

from __future__ import annotations

import json

import pandas as pd
from fastapi import APIRouter

from growthpilot.api.deps import EventsWrite, StateDep
from growthpilot.api.problems import Problem
from growthpilot.api.schemas import EventBatch, EventBatchPublic

router = APIRouter(prefix="/events", tags=["events"])


@router.post("", response_model=EventBatchPublic, summary="Collect a batch of events (idempotent)")
def collect(body: EventBatch, state: StateDep, _: EventsWrite) -> dict:
    rows = [e.model_dump() for e in body.events]
    for r in rows:
        r["properties"] = json.dumps(r["properties"]) if r["properties"] is not None else None
    df = pd.DataFrame(rows)
    ts = pd.to_datetime(df["ts"], errors="coerce", utc=True, format="ISO8601")
    bad = df.loc[ts.isna(), "event_id"].tolist()
    if bad:
        raise Problem(422, f"events {bad[:5]} have a ts that is not a valid ISO-8601 time (e.g. 2026-01-31T12:00:00Z)")
    df["ts"] = ts.dt.tz_localize(None)
    with state.locked() as wh:
        res = wh.write("events", df, mode="upsert")
    return {"accepted": len(df), "new_or_changed": res.rows_new, "total": res.rows_total}
