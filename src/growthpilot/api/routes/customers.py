"""Customers, their scores with reasons, and (admin only) their raw personal values."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from growthpilot.api.data import missing, page, parse_reasons, rows
from growthpilot.api.deps import CustomersPii, CustomersRead, PagingDep, StateDep, set_subject
from growthpilot.api.problems import Problem
from growthpilot.api.schemas import CustomerPublic, Page, PiiPublic, ReasonsPublic, ScorePublic
from growthpilot.privacy import Vault, vault_key

router = APIRouter(prefix="/customers", tags=["customers"])
CustomerId = Annotated[str, Path(min_length=1, max_length=128)]
PERSONAL = ("email", "phone", "name", "address")


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in PERSONAL}


def score_rows(state, customer_id: str) -> list[dict]:
    found = state.indexes["customer_scores"].get(customer_id)
    if found is None:
        raise missing("customer_scores")
    return [dict(r, reasons=parse_reasons(r.get("reasons"))) for r in found]


@router.get("", response_model=Page[CustomerPublic], summary="List customers (pseudonymised)")
def list_customers(
    request: Request, state: StateDep, paging: PagingDep, _: CustomersRead,
    country: Annotated[str | None, Query(max_length=64)] = None,
) -> dict:
    set_subject(request, None, "list")
    out = page(state, "customers", paging, filters={"country": country}, order_by=["customer_id"])
    out["items"] = [_public(r) for r in out["items"]]
    return out


@router.get("/{customer_id}", response_model=CustomerPublic, summary="One customer")
def get_customer(request: Request, customer_id: CustomerId, state: StateDep, _: CustomersRead) -> dict:
    set_subject(request, customer_id)
    found = rows(state, "customers", {"customer_id": customer_id}, limit=1)
    if not found:
        raise Problem(404, f"no customer {customer_id!r} in this workspace")
    return _public(found[0])


@router.get("/{customer_id}/scores", response_model=list[ScorePublic], summary="Predicted value, churn and timing")
def get_scores(request: Request, customer_id: CustomerId, state: StateDep, _: CustomersRead) -> list[dict]:
    set_subject(request, customer_id)
    found = score_rows(state, customer_id)
    if not found:
        raise Problem(404, f"no scores for customer {customer_id!r}; they may be new since the last scoring run")
    return found


@router.get("/{customer_id}/reasons", response_model=ReasonsPublic, summary="Plain-language reasons for the scores")
def get_reasons(request: Request, customer_id: CustomerId, state: StateDep, _: CustomersRead) -> dict:
    set_subject(request, customer_id)
    found = score_rows(state, customer_id)
    if not found:
        raise Problem(404, f"no scores for customer {customer_id!r}")
    return {"customer_id": customer_id, "reasons": found[0]["reasons"], "run_id": found[0].get("run_id")}


@router.get("/{customer_id}/pii", response_model=PiiPublic, summary="Raw personal values from the vault")
def get_pii(request: Request, customer_id: CustomerId, state: StateDep, _: CustomersPii) -> dict:
    set_subject(request, customer_id, "vault reveal")
    with state.locked() as wh:
        fields = Vault(wh, vault_key(state.ws)).reveal(customer_id)
    if not fields:
        raise Problem(404, f"the vault holds no personal values for customer {customer_id!r}")
    return {"customer_id": customer_id, "fields": fields}
