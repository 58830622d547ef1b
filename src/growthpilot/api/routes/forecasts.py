"""Forecast series and their points with 90% intervals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from growthpilot.api.data import missing
from growthpilot.api.deps import AggregatesRead, PagingDep, StateDep
from growthpilot.api.problems import Problem
from growthpilot.api.records import records
from growthpilot.api.schemas import ForecastSeries, Page, SeriesPublic

router = APIRouter(prefix="/forecasts", tags=["forecasts"])


def list_series(state, limit: int = 50, offset: int = 0, level: str | None = None) -> dict:
    with state.locked() as wh:
        if not wh.has_table("forecasts"):
            return {"items": [], "total": 0, "limit": limit, "offset": offset}
        t = wh.table("forecasts")
        if level is not None:
            t = t.filter(t.level == level)
        g = t.group_by(["unique_id", "level"]).aggregate(points=t.count())
        total = int(g.count().execute())
        df = wh.read(g.order_by(["level", "unique_id"]).limit(limit, offset=offset))
    return {"items": records(df), "total": total, "limit": limit, "offset": offset}


def series(state, unique_id: str, model: str | None = None) -> dict:
    with state.locked() as wh:
        if not wh.has_table("forecasts"):
            raise missing("forecasts")
        t = wh.table("forecasts")
        t = t.filter(t.unique_id == unique_id)
        if model is not None:
            t = t.filter(t.model == model)
        df = wh.read(t.order_by(["ds"]))
    if df.empty:
        raise Problem(404, f"no forecast for series {unique_id!r}; list series at /api/v1/forecasts")
    rows = records(df)
    return {"unique_id": unique_id, "level": rows[0].get("level"), "model": rows[0].get("model"),
            "points": [{k: v for k, v in r.items() if k not in ("unique_id", "level")} for r in rows]}


@router.get("", response_model=Page[SeriesPublic], summary="Forecast series")
def get_series_list(
    state: StateDep, paging: PagingDep, _: AggregatesRead,
    level: Annotated[str | None, Query(max_length=64)] = None,
) -> dict:
    return list_series(state, paging.limit, paging.offset, level)


@router.get("/series", response_model=ForecastSeries, summary="Points of one series")
def get_series(
    state: StateDep, _: AggregatesRead,
    unique_id: Annotated[str, Query(min_length=1, max_length=200)],
    model: Annotated[str | None, Query(max_length=100)] = None,
) -> dict:
    return series(state, unique_id, model)
