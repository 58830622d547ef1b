"""Allocation benchmark: learn uplift from a randomised experiment, allocate offers to fresh customers.

The plan built from estimated uplift is scored with the simulator's *true* uplift and compared with the
oracle plan (the same allocator fed the true uplift), a random plan and a "top propensity" plan (the most
likely buyers get the offer that pays best on average) - all under the same budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from growthpilot.decide.allocation import OfferAllocator
from growthpilot.decide.uplift_model import UpliftModel
from growthpilot.simulate.offers import (
    DEFAULT_OFFERS,
    FEATURES,
    GROSS_MARGIN,
    offer_costs,
    simulate_offers_experiment,
)


@dataclass
class Scenario:
    """Fresh customers with estimated and true economics (``n x m`` matrices, offers in ``offers`` order)."""

    offers: list[str]
    est_profit: np.ndarray
    est_cost: np.ndarray
    true_profit: np.ndarray
    true_cost: np.ndarray
    propensity: np.ndarray


def _offers_scenario(n_train: int, n_test: int, seed: int, model: UpliftModel) -> Scenario:
    exp, _ = simulate_offers_experiment(n_train, seed=seed)
    feats = list(FEATURES)
    model.fit(exp[feats], exp["arm"], exp["converted"], control="control")
    fresh, truth = simulate_offers_experiment(n_test, seed=seed + 1, randomize=False)
    names = [o.name for o in DEFAULT_OFFERS]
    u = model.predict(fresh[feats])[:, [model.arms_.index(o) for o in names]]
    p0 = model.predict_baseline(fresh[feats])
    aov = fresh["avg_order_value"].to_numpy()
    margin = aov * GROSS_MARGIN
    est_cost = offer_costs(aov, np.clip(p0[:, None] + u, 0, 1), DEFAULT_OFFERS)
    shape = (n_test, len(names))
    return Scenario(names, u * margin[:, None] - est_cost, est_cost,
                    truth["true_profit"].to_numpy().reshape(shape), truth["cost"].to_numpy().reshape(shape), p0)


def _experiment_scenario(n_train: int, n_test: int, seed: int, model: UpliftModel, outcome: str,
                         contact_cost: float, simulator: Callable[..., tuple[pd.DataFrame, pd.DataFrame]]
                         ) -> Scenario:
    """Any simulator shaped like ``simulate_uplift_experiment(n, seed=) -> (df, truth)``."""
    exp, _ = simulator(n=n_train, seed=seed)
    fresh, truth = simulator(n=n_test, seed=seed + 1)
    drop = {"customer_id", "treatment", "visit", "conversion", "spend"}
    feats = [c for c in exp.columns if c not in drop]
    model.fit(exp[feats], exp["treatment"], exp[outcome], control="control")
    names = list(model.arms_)
    # value of one more outcome: mean spend per conversion seen in the experiment, times the gross margin
    value = GROSS_MARGIN * (exp.loc[exp["conversion"] > 0, "spend"].mean() if outcome == "conversion" else 1.0)
    if outcome == "spend":
        value = GROSS_MARGIN
    u = model.predict(fresh[feats])
    true_u = np.column_stack([truth[f"true_uplift_{outcome}_{a}"].to_numpy() for a in names])
    cost = np.full(u.shape, contact_cost)
    return Scenario(names, u * value - cost, cost, true_u * value - cost, cost, model.predict_baseline(fresh[feats]))


def _fill(order: np.ndarray, offer: np.ndarray, cost: np.ndarray, budget: float) -> np.ndarray:
    """Give ``offer[i]`` to customers in ``order`` while the (estimated) budget lasts."""
    choice = np.full(len(offer), -1)
    c = cost[order, offer[order]]
    take = order[np.cumsum(c) <= budget]
    choice[take] = offer[take]
    return choice


def run_allocation_benchmark(
    *,
    simulator: str = "offers",
    n_train: int = 40000,
    n_test: int = 20000,
    budget_share: float = 0.5,
    seed: int = 0,
    learners: tuple[str, ...] = ("s", "t", "x", "dr", "ct"),
    cv: int = 2,
    outcome: str = "conversion",
    contact_cost: float = 0.1,
    method: str = "auto",
) -> dict[str, Any]:
    """Run the benchmark; returns the metrics (incremental profit by plan, shares of the oracle).

    ``budget_share`` sets the budget as a share of what the oracle would spend without a budget.
    """
    model = UpliftModel(learners=learners, cv=cv, random_state=seed)
    if simulator == "offers":
        sc = _offers_scenario(n_train, n_test, seed, model)
    else:
        from growthpilot.simulate import simulate_uplift_experiment

        sc = _experiment_scenario(n_train, n_test, seed, model, outcome, contact_cost, simulate_uplift_experiment)
    alloc = OfferAllocator(method=method)
    free = alloc.allocate(sc.true_profit, sc.true_cost)
    budget = budget_share * free.total_cost
    oracle = alloc.allocate(sc.true_profit, sc.true_cost, budget=budget)
    plan = alloc.allocate(sc.est_profit, sc.est_cost, budget=budget)
    rng = np.random.default_rng(seed)
    n, m = sc.est_profit.shape
    random_choice = _fill(rng.permutation(n), rng.integers(0, m, n), sc.est_cost, budget)
    best_avg = int(np.argmax(sc.est_profit.mean(axis=0)))
    top_choice = _fill(np.argsort(-sc.propensity), np.full(n, best_avg), sc.est_cost, budget)

    def score(choice: np.ndarray) -> tuple[float, float, int]:
        rows = np.flatnonzero(choice >= 0)
        return (float(sc.true_profit[rows, choice[rows]].sum()), float(sc.true_cost[rows, choice[rows]].sum()),
                int(rows.size))

    plans = {"model": plan.choice, "oracle": oracle.choice, "random": random_choice, "top_propensity": top_choice}
    table = []
    for name, ch in plans.items():
        profit, cost, k = score(ch)
        table.append({"plan": name, "true_incremental_profit": round(profit, 2), "true_cost": round(cost, 2),
                      "customers_targeted": k})
    p = {r["plan"]: r["true_incremental_profit"] for r in table}
    return {
        "simulator": simulator, "n_train": n_train, "n_test": n_test, "budget": round(budget, 2),
        "offers": sc.offers, "uplift_model": model.best_name_, "allocation_method": plan.method,
        "plans": table,
        "share_of_oracle": round(p["model"] / p["oracle"], 4) if p["oracle"] > 0 else None,
        "vs_random": round(p["model"] / p["random"], 3) if p["random"] > 0 else None,
        "vs_top_propensity": round(p["model"] / p["top_propensity"], 3) if p["top_propensity"] > 0 else None,
        "random_share_of_oracle": round(p["random"] / p["oracle"], 4) if p["oracle"] > 0 else None,
    }
