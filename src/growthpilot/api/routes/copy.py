"""The copy studio: stored variants and generation of new ones (checked by the genai package)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from growthpilot.api import adapters
from growthpilot.api.data import page
from growthpilot.api.deps import AggregatesRead, CopyGenerate, PagingDep, StateDep
from growthpilot.api.schemas import CopyBriefCreate, CopyVariantPublic, Page

router = APIRouter(prefix="/copy", tags=["copy"])


@router.get("/variants", response_model=Page[CopyVariantPublic], summary="Copy variants")
def list_variants(
    state: StateDep, paging: PagingDep, _: AggregatesRead,
    channel: Annotated[str | None, Query(max_length=32)] = None,
    segment: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[Literal["accepted", "rejected"] | None, Query()] = None,
) -> dict:
    return page(state, "copy_variants", paging, filters={"channel": channel, "segment": segment, "status": status},
                order_by=["brief_id", "variant_id"])


@router.post("/generate", response_model=list[CopyVariantPublic], status_code=201, summary="Generate variants")
def generate(body: CopyBriefCreate, state: StateDep, _: CopyGenerate) -> list[dict]:
    with state.locked():
        return adapters.generate_copy(state.ws, body.model_dump(), use_llm=state.use_llm)
