"""Privacy: consent per channel and purpose, erasure with receipts, DP reports, budget, retention, audit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from growthpilot.api.data import page
from growthpilot.api.deps import (
    ConsentRead,
    ConsentWrite,
    PagingDep,
    PrivacyAdmin,
    PrivacyDp,
    StateDep,
    set_subject,
)
from growthpilot.api.problems import Problem
from growthpilot.api.records import records
from growthpilot.api.schemas import (
    AuditPublic,
    BudgetPublic,
    ConsentPublic,
    ConsentUpdates,
    DPReportCreate,
    DPReportPublic,
    ErasureCreate,
    Page,
    ReceiptPublic,
    RetentionPublic,
)
from growthpilot.privacy import (
    ConsentRegistry,
    PrivacyBudget,
    apply_retention,
    dp_report,
    erase_customer,
    load_receipt,
    verify_receipt,
)

router = APIRouter(prefix="/privacy", tags=["privacy"])
CustomerId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get("/consent/{customer_id}", response_model=list[ConsentPublic], summary="Consent of one customer")
def get_consent(request: Request, customer_id: CustomerId, state: StateDep, _: ConsentRead) -> list[dict]:
    set_subject(request, customer_id)
    with state.locked() as wh:
        return records(ConsentRegistry(wh).get(customer_id))


@router.put("/consent/{customer_id}", response_model=list[ConsentPublic], summary="Grant or withdraw consent")
def put_consent(request: Request, customer_id: CustomerId, body: ConsentUpdates, state: StateDep,
                _: ConsentWrite) -> list[dict]:
    set_subject(request, customer_id)
    with state.locked() as wh:
        reg = ConsentRegistry(wh)
        reg.update([{"customer_id": customer_id, **u.model_dump()} for u in body.updates])
        return records(reg.get(customer_id))


@router.post("/erasure", response_model=ReceiptPublic, status_code=201, summary="Erase a customer everywhere")
def erase(request: Request, body: ErasureCreate, state: StateDep, _: PrivacyAdmin) -> dict:
    with state.locked():
        receipt = erase_customer(state.ws, body.customer_id, audit=state.audit)
    state.invalidate(*state.indexes)
    set_subject(request, None, receipt.receipt_id)  # the audit row names the receipt, not the person
    return {**receipt.__dict__, "verification": verify_receipt(state.ws, receipt)}


@router.get("/erasure/{receipt_id}", response_model=ReceiptPublic, summary="A stored erasure receipt, verified")
def get_receipt(receipt_id: Annotated[str, Path(min_length=1, max_length=64)], state: StateDep,
                _: PrivacyAdmin,
                customer_id: Annotated[str | None, Query(max_length=128, description="check it is theirs")] = None,
                ) -> dict:
    with state.locked():
        receipt = load_receipt(state.ws, receipt_id)
        if receipt is None:
            raise Problem(404, f"no erasure receipt {receipt_id!r}")
        return {**receipt.__dict__, "verification": verify_receipt(state.ws, receipt, customer_id)}


@router.post("/dp-reports", response_model=DPReportPublic, status_code=201, summary="A differentially private report")
def make_report(body: DPReportCreate, state: StateDep, who: PrivacyDp) -> dict:
    with state.locked() as wh:
        rep = dp_report(wh, PrivacyBudget(wh), key_id=who.key_id, **body.model_dump())
    return rep.__dict__


@router.get("/budget", response_model=BudgetPublic, summary="Privacy budget spent and left")
def budget(state: StateDep, _: PrivacyDp) -> dict:
    with state.locked() as wh:
        b = PrivacyBudget(wh)
        spent = b.spent()
    return {"total": b.total, "spent": spent, "remaining": max(b.total - spent, 0.0)}


@router.post("/retention", response_model=RetentionPublic, summary="Apply retention rules")
def retention(state: StateDep, _: PrivacyAdmin,
              dry_run: Annotated[bool, Query(description="only count")] = True) -> dict:
    with state.locked() as wh:
        deleted = apply_retention(wh, dry_run=dry_run)
    return {"dry_run": dry_run, "deleted": deleted}


@router.get("/audit", response_model=Page[AuditPublic], summary="The audit log, newest first")
def audit_log(state: StateDep, paging: PagingDep, _: PrivacyAdmin,
              subject_id: Annotated[str | None, Query(max_length=128)] = None) -> dict:
    state.audit.flush()
    out = page(state, "audit_log", paging, filters={"subject_id": subject_id}, order_by=["ts", "audit_id"])
    return out
