"""The closed loop: past campaigns teach the uplift model, which plans the next campaign."""

from __future__ import annotations

import pytest

from growthpilot.decide.loop import experiment_table, plan_next_campaign
from growthpilot.errors import DataError
from growthpilot.pipeline import simulate_workspace
from growthpilot.simulate import SimConfig


@pytest.fixture
def shop(workspace):
    simulate_workspace(workspace, SimConfig(customers=400, products=40, days=240, seed=3))
    return workspace


def test_experiment_table_uses_features_before_each_campaign(shop):
    exp = experiment_table(shop)
    sends = shop.warehouse.read("sends")
    assert len(exp) == len(sends) and set(exp["arm"]) >= {"control"}
    assert exp["converted"].isin([0.0, 1.0]).all() and exp["converted"].sum() > 0
    # features are as of each campaign's start: a customer's recency grows between two campaigns
    assert exp.groupby("campaign_id")["ts"].min().nunique() == exp["campaign_id"].nunique()


@pytest.mark.parametrize("selection", ["profit", "qini"])
def test_plan_next_campaign_respects_budget_and_consent(shop, selection):
    res = plan_next_campaign(shop, budget=0.1, cost_per_send=0.002, cv=2, selection=selection)
    assert res.plan["model_version"].str.startswith("profit-uplift" if selection == "profit" else "uplift").all()
    plan = shop.warehouse.read("targeting_plans")
    assert len(plan) == len(res.plan) > 0
    assert res.cost <= 0.1 + 1e-9
    assert set(plan["offer"]) <= set(res.arms) and (plan["expected_profit"] > 0).all()
    consent = shop.warehouse.read("consent")
    ok = set(consent[(consent.channel == "email") & (consent.purpose == "marketing") & consent.granted].customer_id)
    assert set(plan["customer_id"]) <= ok
    assert plan["reason"].str.contains("expected uplift").all()


def test_no_measured_campaigns_is_a_clear_error(workspace):
    with pytest.raises(DataError, match="no campaigns have been measured"):
        experiment_table(workspace)


def test_unknown_selection_is_a_clear_error(shop):
    with pytest.raises(DataError, match="selection"):
        plan_next_campaign(shop, selection="auc")


def test_plan_next_campaign_gives_frequent_intermediate_outcomes_as_auxiliary(shop, monkeypatch):
    import growthpilot.decide.profit_model as pm

    exp = experiment_table(shop)
    assert {"outcome_open", "outcome_click"} <= set(exp.columns)
    assert exp["outcome_open"].isin([0.0, 1.0]).all() and exp["outcome_open"].mean() > exp["converted"].mean()
    seen = {}
    real = pm.fit_plan_model

    def spy(selection, X, treatment, y, **kw):
        seen.update(X=X, aux=kw.get("aux"), y=y)
        return real(selection, X, treatment, y, **kw)

    monkeypatch.setattr(pm, "fit_plan_model", spy)
    res = plan_next_campaign(shop, budget=0.1, cost_per_send=0.002, cv=2)
    assert "outcome_open" in seen["aux"] and not any(c.startswith("outcome_") for c in seen["X"].columns)
    assert all(len(v) == len(seen["y"]) for v in seen["aux"].values())
    assert res.cost <= 0.1 + 1e-9
