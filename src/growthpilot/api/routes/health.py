"""``GET /health``: the only route open without a key."""

from __future__ import annotations

from fastapi import APIRouter

import growthpilot
from growthpilot.api.deps import StateDep
from growthpilot.api.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic, summary="Liveness and warehouse reachability")
def health(state: StateDep) -> HealthPublic:
    with state.locked() as wh:
        n = len(wh.tables())
    return HealthPublic(status="ok", version=getattr(growthpilot, "__version__", "0"), tables=n)
