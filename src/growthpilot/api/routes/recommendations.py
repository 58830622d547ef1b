"""Recommendations per customer (served from memory, refreshed when the table changes)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from growthpilot.api.data import missing, page
from growthpilot.api.deps import CustomersRead, PagingDep, StateDep, set_subject
from growthpilot.api.schemas import Page, RecommendationList, RecommendationPublic

router = APIRouter(prefix="/recommendations", tags=["recommendations"])


def for_customer(state, customer_id: str, k: int) -> list[dict]:
    found = state.indexes["recommendations"].get(customer_id)
    if found is None:
        raise missing("recommendations")
    return found[:k]


@router.get("", response_model=Page[RecommendationPublic], summary="All recommendations, paged")
def list_recommendations(request: Request, state: StateDep, paging: PagingDep, _: CustomersRead) -> dict:
    set_subject(request, None, "list")
    return page(state, "recommendations", paging, order_by=["customer_id", "rank"])


@router.get("/{customer_id}", response_model=RecommendationList, summary="Top-k products for one customer")
async def get_recommendations(
    request: Request, customer_id: Annotated[str, Path(min_length=1, max_length=128)], state: StateDep,
    _: CustomersRead, k: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Response:
    set_subject(request, customer_id)
    # hot path: rows were serialised when the index loaded; no re-validation, no re-encoding
    rows = state.indexes["recommendations"].get_json(customer_id)
    if rows is None:
        raise missing("recommendations")
    body = '{"customer_id": ' + json.dumps(customer_id) + ', "items": [' + ", ".join(rows[:k]) + "]}"
    return Response(body, media_type="application/json")
