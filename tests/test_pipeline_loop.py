"""The whole loop on a small simulated shop: every stage writes its table and records its run."""

from __future__ import annotations

import pytest

from growthpilot.pipeline import run_loop, simulate_workspace
from growthpilot.simulate import SimConfig
from growthpilot.stages import STAGES

pytestmark = pytest.mark.integration


def test_loop_runs_every_stage_and_writes_its_tables(workspace):
    simulate_workspace(workspace, SimConfig(customers=500, products=40, days=300, seed=5))
    results = run_loop(workspace, only=["customers", "recommend", "decide", "reviews", "campaign"])
    assert [r.stage for r in results] == ["customers", "recommend", "decide", "reviews", "campaign"]
    assert all(r.status == "ok" for r in results)
    wh = workspace.warehouse
    for table in ("customer_scores", "segments", "recommendations", "targeting_plans", "review_sentiment"):
        assert wh.count(table) > 0, table
    # without copy the campaign stage says why it sent nothing
    assert results[-1].metrics["sent"] == 0 and "copy" in results[-1].metrics["why"]
    runs = set(wh.read("runs")["stage"])
    assert {"customers", "recommend", "decide", "reviews"} <= runs


def test_unknown_stage_is_named(workspace):
    with pytest.raises(ValueError, match="unknown stage"):
        run_loop(workspace, only=["nope"])
    assert [s.name for s in STAGES][:2] == ["customers", "recommend"]


def test_forecast_stage_on_a_shop_with_orders_only(workspace):
    from growthpilot.simulate import simulate_shop

    orders = simulate_shop(SimConfig(customers=300, products=20, days=400, seed=3))["orders"]
    workspace.warehouse.write("orders", orders)
    [res] = run_loop(workspace, only=["forecast"])
    assert res.status == "ok", res.metrics
    assert set(workspace.warehouse.read("forecasts")["level"]) == {"total"}


def test_stages_without_their_inputs_are_skipped_and_a_failing_stage_is_reported(workspace):
    import pandas as pd
    from typer.testing import CliRunner

    from growthpilot.cli import app

    workspace.warehouse.write("orders", pd.DataFrame({
        "order_id": ["o1", "o2"], "line_no": [1, 1], "customer_id": ["c1", "c2"],
        "ts": pd.to_datetime(["2024-01-01", "2024-01-02"]), "amount": [10.0, 20.0]}))
    mmm, decide = run_loop(workspace, only=["mmm", "decide"])
    assert mmm.status.startswith("skipped: no marketing spend") and decide.status.startswith("skipped: no measured")
    [customers] = run_loop(workspace, only=["customers", "recommend"])  # two days of orders: too little history
    assert customers.status.startswith("failed: ") and "history" in customers.status
    r = CliRunner().invoke(app, ["run", "--stage", "customers", "-w", str(workspace.root)])
    assert r.exit_code == 1 and "stage customers failed" in r.output
