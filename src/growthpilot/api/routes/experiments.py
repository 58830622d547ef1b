"""Experiment and campaign results: per arm and metric, with intervals, lift and p-values."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from growthpilot.api.data import page, rows
from growthpilot.api.deps import AggregatesRead, PagingDep, StateDep
from growthpilot.api.problems import Problem
from growthpilot.api.schemas import ExperimentPublic, Page, ResultPublic

router = APIRouter(prefix="/experiments", tags=["experiments"])
RESULT_TABLES = ("experiment_results", "campaign_results")


def results_for(state, campaign_id: str) -> list[dict]:
    out: list[dict] = []
    for table in RESULT_TABLES:
        if state.has_table(table):
            out += rows(state, table, {"campaign_id": campaign_id}, order_by=["metric", "arm"])
    return out


@router.get("", response_model=Page[ResultPublic], summary="All experiment results, paged")
def list_results(state: StateDep, paging: PagingDep, _: AggregatesRead) -> dict:
    return page(state, "experiment_results", paging, order_by=["campaign_id", "metric", "arm"])


@router.get("/{campaign_id}", response_model=ExperimentPublic, summary="Results of one experiment")
def get_results(
    campaign_id: Annotated[str, Path(min_length=1, max_length=128)], state: StateDep, _: AggregatesRead,
) -> dict:
    found = results_for(state, campaign_id)
    if not found:
        raise Problem(404, f"no results for {campaign_id!r} yet; analyse it with: growthpilot experiments analyse")
    return {"campaign_id": campaign_id, "results": found}
