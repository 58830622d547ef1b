"""API key administration (admin only): create, list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from growthpilot.api.deps import KeysAdmin, StateDep
from growthpilot.api.keys import KeyRecord
from growthpilot.api.problems import Problem
from growthpilot.api.schemas import KeyCreate, KeyCreated, KeyPublic

router = APIRouter(prefix="/keys", tags=["keys"])


def public(rec: KeyRecord) -> dict:
    return {"key_id": rec.key_id, "name": rec.name, "role": rec.role, "rate_limit": rec.rate_limit,
            "created_at": rec.created_at.isoformat() if rec.created_at is not None else None, "revoked": rec.revoked}


@router.get("", response_model=list[KeyPublic], summary="All keys (never their secrets)")
def list_keys(state: StateDep, _: KeysAdmin) -> list[dict]:
    return [public(r) for r in state.keys.list()]


@router.post("", response_model=KeyCreated, status_code=201, summary="Create a key (the secret is shown once)")
def create_key(body: KeyCreate, state: StateDep, _: KeysAdmin) -> dict:
    secret, rec = state.keys.create(body.role, body.name, body.rate_limit)
    return {**public(rec), "key": secret}


@router.delete("/{key_id}", response_model=KeyPublic, summary="Revoke a key")
def revoke_key(key_id: Annotated[str, Path(min_length=1, max_length=64)], state: StateDep,
               _: KeysAdmin) -> dict:
    if not state.keys.revoke(key_id):
        raise Problem(404, f"no key {key_id!r}; list keys with GET /api/v1/keys")
    rec = state.keys.get(key_id)
    assert rec is not None
    return public(rec)
