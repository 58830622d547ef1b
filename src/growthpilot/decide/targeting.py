"""Targeting plans: profit of each offer from uplift, the allocation, and a reason for every choice.

>>> import numpy as np
>>> plan = plan_offers(["c1", "c2"], ["d10", "d20"], uplift=np.array([[0.05, 0.08], [0.0, 0.01]]),
...                    margin=np.array([40.0, 40.0]), cost=np.array([[0.5, 1.5], [0.5, 1.5]]), budget=10)
>>> plan[["customer_id", "offer"]].values.tolist()
[['c1', 'd20']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.decide.allocation import Allocation, OfferAllocator
from growthpilot.errors import DataError
from growthpilot.warehouse.contracts import TableContract, register

TARGETING_PLANS = register(TableContract(
    "targeting_plans",
    {
        "plan_id": "string", "customer_id": "string", "offer": "string", "expected_uplift": "float64",
        "expected_profit": "float64", "cost": "float64", "reason": "string", "run_id": "string",
        "model_version": "string",
    },
    keys=("plan_id", "customer_id"), required=("plan_id", "customer_id"),
    description="Who gets which offer: expected uplift, incremental profit and cost, with the reason.",
))


def expected_profit(uplift, margin, cost) -> np.ndarray:
    """Expected incremental profit ``uplift * margin - cost`` per customer (rows) and offer (columns)."""
    u = np.asarray(uplift, dtype=float)
    mg = np.asarray(margin, dtype=float)
    mg = mg[:, None] if mg.ndim == 1 else mg
    return u * mg - np.asarray(cost, dtype=float)


def explain(allocation: Allocation, customer_ids: Sequence[str], offers: Sequence[str], uplift, margin,
            cost, eligible=None, *, include_unassigned: bool = False) -> pd.DataFrame:
    """One row per customer given an offer (and, optionally, per customer left out) with a plain reason."""
    u = np.asarray(uplift, dtype=float)
    c = np.asarray(cost, dtype=float)
    mg = np.broadcast_to(np.asarray(margin, dtype=float).reshape(-1, 1) if np.ndim(margin) else margin, u.shape)
    P = u * mg - c
    E = np.ones_like(P, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
    masked = np.where(E, P, -np.inf)
    rows = []
    for i, j in enumerate(allocation.choice):
        if j >= 0:
            alt = masked[i].copy()
            alt[j] = -np.inf
            k = int(np.argmax(alt))
            if np.isfinite(alt[k]) and alt[k] > P[i, j]:
                why = f"{offers[k]} would earn more ({alt[k]:.2f}) but its budget share or capacity ran out"
            elif np.isfinite(alt[k]):
                why = f"best of {int(E[i].sum())} allowed offers; next best {offers[k]} ({alt[k]:.2f})"
            else:
                why = "the only allowed offer"
            reason = (f"{offers[j]}: expected uplift {u[i, j]:+.2%} x margin {mg[i, j]:.2f} = "
                      f"{u[i, j] * mg[i, j]:.2f} minus expected cost {c[i, j]:.2f} = profit {P[i, j]:.2f}; {why}")
            rows.append((customer_ids[i], offers[j], u[i, j], P[i, j], c[i, j], reason))
        elif include_unassigned:
            if not E[i].any():
                reason = "no offer allowed: no consent on the offers' channels or over the frequency cap"
            else:
                k = int(np.argmax(masked[i]))
                if P[i, k] <= 0:
                    reason = f"no offer pays: best {offers[k]} has expected profit {P[i, k]:.2f} <= 0"
                else:
                    reason = (f"left out by the budget or capacity: best {offers[k]} earns {P[i, k]:.2f} "
                              f"for {c[i, k]:.2f}, less per unit of cost than those chosen")
            rows.append((customer_ids[i], None, np.nan, 0.0, 0.0, reason))
    return pd.DataFrame(rows, columns=["customer_id", "offer", "expected_uplift", "expected_profit",
                                       "cost", "reason"])


def plan_offers(
    customer_ids: Sequence[str],
    offers: Sequence[str],
    *,
    uplift,
    margin,
    cost,
    budget: float | None = None,
    capacity: Sequence[float] | None = None,
    eligible=None,
    method: str = "auto",
    plan_id: str = "plan",
    run_id: str = "",
    model_version: str = "",
    include_unassigned: bool = False,
) -> pd.DataFrame:
    """Allocate offers and return a ``targeting_plans`` frame with reasons."""
    u = np.asarray(uplift, dtype=float)
    if u.shape != (len(customer_ids), len(offers)):
        raise DataError(f"uplift must have one row per customer and one column per offer: "
                        f"expected {(len(customer_ids), len(offers))}, got {u.shape}")
    P = expected_profit(u, margin, cost)
    alloc = OfferAllocator(method=method).allocate(P, cost, budget=budget, capacity=capacity, eligible=eligible)
    df = explain(alloc, list(customer_ids), list(offers), u, margin, cost, eligible,
                 include_unassigned=include_unassigned)
    df.insert(0, "plan_id", plan_id)
    df["run_id"], df["model_version"] = run_id, model_version
    df.attrs["allocation"] = alloc
    return df
