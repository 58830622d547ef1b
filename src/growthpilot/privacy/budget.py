"""The privacy budget ledger: every differentially private release spends epsilon.

The workspace has a total budget (default 10.0, ``GROWTHPILOT_DP_BUDGET`` overrides);
a release that would exceed it is refused before any data is touched.
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime

import pandas as pd

from growthpilot.errors import GrowthPilotError
from growthpilot.warehouse import TableContract, Warehouse, register

LEDGER = register(TableContract(
    "privacy_budget_ledger",
    {"entry_id": "string", "ts": "timestamp", "key_id": "string", "report": "string", "epsilon": "float64",
     "spent_after": "float64", "total": "float64"},
    keys=("entry_id",), required=("entry_id", "epsilon"),
    description="One row per differentially private release: epsilon spent and the running total.",
))
DEFAULT_TOTAL = 10.0
_LOCK = threading.Lock()


class BudgetExceededError(GrowthPilotError, PermissionError):
    """A differentially private release would spend more epsilon than is left."""


class PrivacyBudget:
    """Epsilon spent so far and what is left, backed by ``privacy_budget_ledger``."""

    def __init__(self, warehouse: Warehouse, total: float | None = None) -> None:
        self.warehouse = warehouse
        self.total = float(total if total is not None else os.environ.get("GROWTHPILOT_DP_BUDGET", DEFAULT_TOTAL))

    def spent(self) -> float:
        if not self.warehouse.has_table("privacy_budget_ledger"):
            return 0.0
        v = self.warehouse.table("privacy_budget_ledger").epsilon.sum().execute()
        return float(v or 0.0)

    def remaining(self) -> float:
        return max(self.total - self.spent(), 0.0)

    def charge(self, epsilon: float, report: str, key_id: str = "") -> float:
        """Record ``epsilon`` spent by ``report``; returns the spend after it or raises
        :class:`BudgetExceededError` (nothing recorded) when the budget cannot cover it."""
        if not epsilon > 0:
            raise BudgetExceededError(f"epsilon must be positive, got {epsilon}")
        with _LOCK:
            spent = self.spent()
            if spent + epsilon > self.total + 1e-9:
                raise BudgetExceededError(
                    f"privacy budget exhausted: {spent:.3f} of {self.total:.3f} spent, {report!r} needs {epsilon:.3f}; "
                    "ask for a smaller epsilon or raise GROWTHPILOT_DP_BUDGET (a policy decision)"
                )
            row = {"entry_id": uuid.uuid4().hex, "ts": datetime.now(UTC).replace(tzinfo=None), "key_id": key_id,
                   "report": report, "epsilon": float(epsilon), "spent_after": spent + epsilon, "total": self.total}
            exists = self.warehouse.has_table("privacy_budget_ledger")
            self.warehouse.write("privacy_budget_ledger", pd.DataFrame([row]), mode="append" if exists else "replace")
            return spent + epsilon
