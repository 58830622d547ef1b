"""Read helpers the routes share: paged table reads and a clear 404 when a stage has not run."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from growthpilot.api.deps import Paging
from growthpilot.api.problems import Problem
from growthpilot.api.records import records
from growthpilot.api.state import AppState

PRODUCERS = {
    "customers": "growthpilot ingest (or growthpilot simulate)",
    "customer_scores": "growthpilot customers score",
    "segments": "growthpilot customers segment",
    "personas": "growthpilot customers segment",
    "recommendations": "growthpilot recommend",
    "forecasts": "growthpilot forecast",
    "campaigns": "growthpilot campaigns (or POST /api/v1/campaigns)",
    "targeting_plans": "growthpilot decide",
    "campaign_results": "growthpilot campaigns measure",
    "experiment_results": "growthpilot experiments analyse",
    "copy_variants": "growthpilot genai copy (or POST /api/v1/copy/generate)",
}


def missing(table: str) -> Problem:
    how = PRODUCERS.get(table, "the pipeline stage that writes it")
    return Problem(404, f"table {table!r} does not exist yet in this workspace; create it with: {how}",
                   slug="table-not-built", table=table)


def page(
    state: AppState, table: str, paging: Paging, *, filters: dict[str, Any] | None = None,
    order_by: Iterable[str] = (), select: Iterable[str] | None = None,
) -> dict[str, Any]:
    """A page of ``table`` matching equality ``filters``; an absent table gives an empty page."""
    empty = {"items": [], "total": 0, "limit": paging.limit, "offset": paging.offset}
    with state.locked() as wh:
        if not wh.has_table(table):
            return empty
        t = wh.table(table)
        for col, val in (filters or {}).items():
            if val is None:
                continue
            if col not in t.columns:
                return empty
            t = t.filter(t[col] == val)
        total = int(t.count().execute())
        keys = [c for c in order_by if c in t.columns]
        if keys:
            t = t.order_by(keys)
        if select is not None:
            t = t.select(*[c for c in select if c in t.columns])
        df = wh.read(t.limit(paging.limit, offset=paging.offset))
    return {"items": records(df), "total": total, "limit": paging.limit, "offset": paging.offset}


def rows(state: AppState, table: str, filters: dict[str, Any], order_by: Iterable[str] = (),
         limit: int | None = None) -> list[dict[str, Any]]:
    """All rows of ``table`` matching ``filters``; a 404 problem when the table is absent."""
    with state.locked() as wh:
        if not wh.has_table(table):
            raise missing(table)
        t = wh.table(table)
        for col, val in filters.items():
            if col not in t.columns:
                return []
            t = t.filter(t[col] == val)
        keys = [c for c in order_by if c in t.columns]
        if keys:
            t = t.order_by(keys)
        if limit is not None:
            t = t.limit(limit)
        return records(wh.read(t))


def parse_reasons(value: Any) -> list[str]:
    """``reasons`` is JSON text (a list of strings); tolerate plain text."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return [str(v) for v in parsed] if isinstance(parsed, list) else [str(parsed)]
