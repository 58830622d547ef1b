"""Campaigns: list, create (builder), audience preview with consent, targeting plan, send, results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from growthpilot.api import adapters, builder
from growthpilot.api.data import page, rows
from growthpilot.api.deps import (
    AggregatesRead,
    CampaignsWrite,
    CustomersRead,
    PagingDep,
    StateDep,
    set_subject,
)
from growthpilot.api.problems import Problem
from growthpilot.api.routes.experiments import results_for
from growthpilot.api.schemas import (
    AudiencePublic,
    AudienceQuery,
    CampaignCreate,
    CampaignPublic,
    Page,
    ResultPublic,
    SendPublic,
)

router = APIRouter(prefix="/campaigns", tags=["campaigns"])
CampaignId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("", response_model=Page[CampaignPublic], summary="Campaigns, newest first")
def list_campaigns(state: StateDep, paging: PagingDep, _: AggregatesRead) -> dict:
    return page(state, "campaigns", paging, order_by=["campaign_id"])


@router.post("", response_model=CampaignPublic, status_code=201, summary="Create a draft campaign")
def create_campaign(body: CampaignCreate, state: StateDep, who: CampaignsWrite) -> dict:
    with state.locked() as wh:
        return builder.create(wh, body.model_dump(), who.key_id)


@router.post("/audience", response_model=AudiencePublic, summary="Preview an audience after consent")
def preview_audience(body: AudienceQuery, state: StateDep, _: AggregatesRead) -> dict:
    with state.locked() as wh:
        n, ok = builder.audience(wh, body.segment, body.channel, body.purpose)
    return {"segment": body.segment, "channel": body.channel, "candidates": n, "consented": len(ok)}


@router.get("/{campaign_id}", response_model=CampaignPublic, summary="One campaign")
def get_campaign(campaign_id: CampaignId, state: StateDep, _: AggregatesRead) -> dict:
    found = rows(state, "campaigns", {"campaign_id": campaign_id}, limit=1)
    if not found:
        raise Problem(404, f"no campaign {campaign_id!r}")
    return found[0]


@router.get("/{campaign_id}/plan", response_model=Page[dict], summary="Targeting plan rows (who gets what)")
def get_plan(request: Request, campaign_id: CampaignId, state: StateDep, paging: PagingDep,
             _: CustomersRead) -> dict:
    set_subject(request, None, f"plan {campaign_id}")
    return page(state, "targeting_plans", paging, filters={"plan_id": campaign_id},
                order_by=["expected_profit", "customer_id"])


@router.get("/{campaign_id}/results", response_model=list[ResultPublic], summary="Measured results")
def get_results(campaign_id: CampaignId, state: StateDep, _: AggregatesRead) -> list[dict]:
    return results_for(state, campaign_id)


@router.post("/{campaign_id}/send", response_model=SendPublic, summary="Send to the consented audience")
def send(campaign_id: CampaignId, state: StateDep, _: CampaignsWrite) -> dict:
    with state.locked():
        return adapters.send_campaign(state.ws, campaign_id)
