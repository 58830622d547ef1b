"""The loop: run the stages in order on a workspace, each resumable on its own.

A stage is a function ``(workspace) -> dict of metrics`` that reads canonical tables and writes
its own; each run is recorded in the ``runs`` table. Stages whose optional extra is not
installed are reported as skipped with the extra to install.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from growthpilot.errors import MissingDependencyError
from growthpilot.workspace import Workspace

StageFn = Callable[[Workspace], dict]


@dataclass(frozen=True)
class Stage:
    name: str
    target: str  # "module:function"
    description: str

    def load(self) -> StageFn:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


def customers_stage(ws: Workspace) -> dict:
    from growthpilot.customers.pipeline import run_customers

    res = run_customers(ws)
    return {"model": res.selected, "customers": len(res.scores), "cutoff": str(res.cutoff.date()),
            "expected_spend_total": round(float(res.scores.expected_spend.sum()), 2)}


def recommend_stage(ws: Workspace) -> dict:
    from growthpilot.recommend.pipeline import recommend_workspace

    recs, info = recommend_workspace(ws, k=10)
    return {"customers": int(recs["customer_id"].nunique()), "rows": len(recs),
            **{k: v for k, v in info.items() if isinstance(v, (int, float, str))}}


def forecast_stage(ws: Workspace) -> dict:
    from growthpilot.forecast.pipeline import run_forecast

    res = run_forecast(ws, levels=("total", "category"), freq="W", horizon=8)
    return {k: v for k, v in vars(res).items() if isinstance(v, (int, float, str))}


def mmm_stage(ws: Workspace) -> dict:
    from growthpilot.mmm.run import run_mmm

    res = run_mmm(ws)
    return {k: v for k, v in vars(res).items() if isinstance(v, (int, float, str))}


def decide_stage(ws: Workspace) -> dict:
    from growthpilot.decide.loop import plan_next_campaign

    res = plan_next_campaign(ws, plan_id="next")
    return {"model": res.chosen_model, "trained_on_sends": res.training_rows, "planned": len(res.plan),
            "expected_profit": round(res.expected_profit, 2), "cost": round(res.cost, 2)}


# In loop order. Each target is the stage's own entry point.
STAGES: tuple[Stage, ...] = (
    Stage("customers", "growthpilot.pipeline:customers_stage", "customer 360, scores, segments, personas"),
    Stage("recommend", "growthpilot.pipeline:recommend_stage", "top-10 products per customer"),
    Stage("forecast", "growthpilot.pipeline:forecast_stage", "weekly demand by category, with intervals"),
    Stage("mmm", "growthpilot.pipeline:mmm_stage", "channel ROI and budget split"),
    Stage("decide", "growthpilot.pipeline:decide_stage", "uplift from past campaigns -> next targeting plan"),
)


def available_stages() -> list[Stage]:
    """Stages whose entry point exists in this installation."""
    out = []
    for s in STAGES:
        module, func = s.target.split(":")
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(mod, func):
            out.append(s)
    return out


def simulate_workspace(ws: Workspace, config, progress: Callable[[int, int], None] | None = None,
                       **kwargs) -> dict[str, int]:
    """Write a simulated shop into ``ws`` and pseudonymise its personal fields (raw values go to the vault),
    exactly as ingest would have done."""
    from growthpilot.privacy import protect_customers
    from growthpilot.simulate import write_shop

    counts = write_shop(ws.warehouse, config, progress, **kwargs)
    protect_customers(ws)
    return counts


@dataclass
class StageResult:
    stage: str
    status: str
    seconds: float
    metrics: dict


def run_loop(ws: Workspace, only: list[str] | None = None,
             on_stage: Callable[[str], None] | None = None) -> list[StageResult]:
    """Run every available stage (or ``only`` these) in order; a failing stage stops the loop."""
    results = []
    for stage in available_stages():
        if only and stage.name not in only:
            continue
        if on_stage:
            on_stage(stage.name)
        t0 = time.perf_counter()
        try:
            fn = stage.load()
        except MissingDependencyError as exc:
            results.append(StageResult(stage.name, f"skipped: {exc}", 0.0, {}))
            continue
        metrics = fn(ws) or {}  # each stage records its own run in the runs table
        results.append(StageResult(stage.name, "ok", time.perf_counter() - t0, metrics))
    return results
