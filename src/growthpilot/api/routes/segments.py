"""Segments (sizes, members) and personas."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from growthpilot.api.data import page
from growthpilot.api.deps import AggregatesRead, CustomersRead, PagingDep, StateDep, set_subject
from growthpilot.api.records import records
from growthpilot.api.schemas import Page, PersonaPublic, SegmentSummary

router = APIRouter(prefix="/segments", tags=["segments"])


def segment_sizes(state, by: str = "rfm_segment") -> list[dict]:
    with state.locked() as wh:
        if not wh.has_table("segments"):
            return []
        t = wh.table("segments")
        if by not in t.columns:
            return []
        df = wh.read(t.group_by(by).aggregate(customers=t.count()).order_by([by]))
    return [{"segment": str(r[by]), "customers": int(r["customers"])} for r in records(df)]


def personas(state) -> list[dict]:
    with state.locked() as wh:
        if not wh.has_table("personas"):
            return []
        df = wh.read("personas")
    out = []
    for r in records(df):
        traits = r.get("traits")
        if isinstance(traits, str):
            try:
                r["traits"] = json.loads(traits)
            except ValueError:
                pass
        r["segment"] = str(r.get("segment"))
        out.append(r)
    return out


@router.get("", response_model=list[SegmentSummary], summary="Segment sizes")
def list_segments(
    state: StateDep, _: AggregatesRead,
    by: Annotated[str, Query(pattern="^(rfm_segment|cluster)$")] = "rfm_segment",
) -> list[dict]:
    return segment_sizes(state, by)


@router.get("/personas", response_model=list[PersonaPublic], summary="Personas describing each segment")
def list_personas(state: StateDep, _: AggregatesRead) -> list[dict]:
    return personas(state)


@router.get("/{segment}/customers", response_model=Page[dict], summary="Members of one segment")
def segment_members(
    request: Request, segment: Annotated[str, Path(min_length=1, max_length=100)], state: StateDep,
    paging: PagingDep, _: CustomersRead,
) -> dict:
    set_subject(request, None, f"segment {segment} members")
    return page(state, "segments", paging, filters={"rfm_segment": segment}, order_by=["customer_id"])
