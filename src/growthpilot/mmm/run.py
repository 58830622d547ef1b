"""One marketing-mix run on a workspace: fit, summarise, optimise, write ``mmm_results`` and a report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from growthpilot.mmm.contracts import MMM_RESULTS
from growthpilot.mmm.data import weekly_from_warehouse
from growthpilot.mmm.lift import lift_tests_from_experiments
from growthpilot.mmm.model import MODEL_VERSION, MarketingMixModel
from growthpilot.mmm.optimize import BudgetOptimizer, BudgetPlan
from growthpilot.mmm.report import write_report
from growthpilot.mmm.summary import contributions_over_time, response_curves, roi_table


@dataclass
class MMMRun:
    """What a workspace run produced."""

    run_id: str
    results: pd.DataFrame
    plan: BudgetPlan
    report: Path
    model: MarketingMixModel


def experiment_lift_tests(warehouse) -> pd.DataFrame | None:
    """Lift tests from our own experiments (``experiment_results``/``campaign_results`` + ``campaigns``)."""
    if not warehouse.has_table("campaigns"):
        return None
    campaigns = warehouse.read(warehouse.table("campaigns"))
    parts = [lift_tests_from_experiments(warehouse.read(warehouse.table(t)), campaigns)
             for t in ("experiment_results", "campaign_results") if warehouse.has_table(t)]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else None


def run_mmm(
    ws,
    *,
    lift_tests: pd.DataFrame | None = None,
    budget: float | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
    recent_weeks: int = 13,
    model_params: dict[str, Any] | None = None,
    weekly: pd.DataFrame | None = None,
    step: Callable[[str], None] = lambda _msg: None,
) -> MMMRun:
    """Fit the model on the workspace's weekly spend and revenue and record everything.

    ``lift_tests`` (user-given studies) are added to those derived from our experiments. The
    current split is the mean weekly spend of the last ``recent_weeks`` weeks; ``budget`` (per
    week) defaults to its total; ``bounds`` are per-channel multiples of current spend. ``weekly``
    (``date, revenue, <channel>_spend``) replaces the table built from ``orders`` and ``channel_spend``.
    """
    wh = ws.warehouse
    step("loading weekly spend and revenue")
    weekly = weekly_from_warehouse(wh) if weekly is None else weekly
    spend_cols = [c for c in weekly.columns if c.endswith("_spend")]
    tests = [t for t in (experiment_lift_tests(wh), lift_tests) if t is not None and len(t)]
    lifts = pd.concat(tests, ignore_index=True) if tests else None
    params = {"lift_tests": 0 if lifts is None else len(lifts), "budget": budget, "bounds": bounds,
              **(model_params or {})}
    with ws.run("mmm", params, model_version=MODEL_VERSION) as run:
        step("fitting the marketing-mix model (NUTS)")
        model = MarketingMixModel(**(model_params or {}))
        model.fit(weekly, date_col="date", target_col="revenue", spend_cols=spend_cols, lift_tests=lifts)
        step("summarising ROI, contributions and response curves")
        dates, spend, controls = model.design()
        roi = roi_table(model.posterior_, spend)
        contrib = contributions_over_time(model.posterior_, dates, spend, controls)
        curves = response_curves(model.posterior_, spend[-recent_weeks:])
        fit = model.predict()
        step("optimising the budget split")
        bnd = {f"{k}_spend" if f"{k}_spend" in spend_cols else k: v for k, v in (bounds or {}).items()}
        current = spend[-recent_weeks:].mean(axis=0)
        plan = BudgetOptimizer(bounds=bnd).allocate(model.posterior_, current, budget)
        results = roi.assign(
            channel=[c.removesuffix("_spend") for c in roi["channel"]],
            current_weekly_spend=plan.allocation["current"].to_numpy(),
            recommended_weekly_spend=plan.allocation["recommended"].to_numpy(),
            calibrated=len(model.lift_tests_.tests) > 0, window_start=dates[0], window_end=dates[-1],
            model_version=MODEL_VERSION, run_id=run.run_id,
        )
        results = MMM_RESULTS.conform(results, strict=False)
        wh.write("mmm_results", results, mode="append")
        step("writing the report")
        notes = [f"run {run.run_id}; {len(dates)} weeks {dates[0].date()} .. {dates[-1].date()}; "
                 f"{len(spend_cols)} channels; model {MODEL_VERSION} ({model.adstock} adstock, "
                 f"{model.saturation} saturation)",
                 f"calibrated with {len(model.lift_tests_.tests)} lift test(s); "
                 f"{len(model.lift_tests_.dropped)} dropped",
                 f"sampler: {model.diagnostics_['divergences']} divergences, max r-hat "
                 f"{model.diagnostics_['max_rhat']:.3f}, fit {model.fit_seconds_:.0f} s"]
        report = write_report(ws.reports_dir / f"{run.run_id}.html", title="Marketing-mix model",
                              roi=roi, contrib=contrib, curves=curves, fit=fit, actual=model.y_, plan=plan,
                              notes=notes, lift_check=model.lift_check())
        run.metrics.update({"channels": len(spend_cols), "weeks": len(dates), "fit_seconds": model.fit_seconds_,
                            **model.diagnostics_, **plan.summary(), "report": str(report)})
    return MMMRun(run.run_id, results, plan, report, model)
