"""Allocation benchmark: learn uplift from a randomised experiment, allocate offers to fresh customers.

The plan built from estimated uplift is scored with the simulator's *true* uplift and compared with the
oracle plan (the same allocator fed the true uplift), a random plan and a "top propensity" plan (the most
likely buyers get the offer that pays best on average) - all under the same budget. The uplift model is
:class:`~growthpilot.decide.profit_model.ProfitUpliftModel` (chosen by validated plan profit at this budget,
``selection="profit"``) or :class:`~growthpilot.decide.UpliftModel` (chosen by Qini, ``selection="qini"``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from growthpilot.decide._features import FeatureEncoder
from growthpilot.decide.allocation import OfferAllocator
from growthpilot.decide.policy import Economics
from growthpilot.decide.profit_model import fit_plan_model
from growthpilot.decide.surrogate_uplift import auxiliary_outcomes
from growthpilot.errors import DataError
from growthpilot.simulate.offers import (
    DEFAULT_OFFERS,
    FEATURES,
    GROSS_MARGIN,
    offer_costs,
    simulate_offers_experiment,
)


@dataclass
class Scenario:
    """An experiment to learn from and fresh customers to plan for, with their true economics."""

    offers: list[str]
    X: pd.DataFrame
    treatment: np.ndarray
    y: np.ndarray
    fresh: pd.DataFrame
    economics: Callable[[pd.DataFrame], Economics]
    true_profit: np.ndarray
    true_cost: np.ndarray
    train_uplift: np.ndarray  # the experiment rows' true uplift (n_train, offers) and baseline: ceiling only
    train_p0: np.ndarray
    outcomes: pd.DataFrame = field(default_factory=pd.DataFrame)  # the experiment's other outcome columns


def _offers_scenario(n_train: int, n_test: int, seed: int) -> Scenario:
    exp, exp_truth = simulate_offers_experiment(n_train, seed=seed)
    fresh, truth = simulate_offers_experiment(n_test, seed=seed + 1, randomize=False)
    feats = list(FEATURES)
    names = sorted(o.name for o in DEFAULT_OFFERS)
    menu = tuple(next(o for o in DEFAULT_OFFERS if o.name == nm) for nm in names)

    def economics(X: pd.DataFrame) -> Economics:
        aov = X["avg_order_value"].to_numpy(dtype=float)
        fixed = offer_costs(aov, np.zeros((len(X), len(menu))), menu)
        redeem = offer_costs(aov, np.ones((len(X), len(menu))), menu) - fixed
        return Economics(margin=aov * GROSS_MARGIN, fixed=fixed, redeem=redeem)

    tr = truth.pivot(index="customer_id", columns="arm").loc[fresh["customer_id"]]
    et = exp_truth.pivot(index="customer_id", columns="arm").loc[exp["customer_id"]]
    return Scenario(names, exp[feats], exp["arm"].to_numpy(), exp["converted"].to_numpy(float), fresh[feats],
                    economics, tr["true_profit"][names].to_numpy(), tr["cost"][names].to_numpy(),
                    et["true_uplift"][names].to_numpy(), et["base_prob"][names[0]].to_numpy(), exp[["revenue"]])


def _experiment_scenario(n_train: int, n_test: int, seed: int, outcome: str, contact_cost: float,
                         simulator: Callable[..., tuple[pd.DataFrame, pd.DataFrame]]) -> Scenario:
    """Any simulator shaped like ``simulate_uplift_experiment(n, seed=) -> (df, truth)``."""
    exp, exp_truth = simulator(n=n_train, seed=seed)
    fresh, truth = simulator(n=n_test, seed=seed + 1)
    drop = {"customer_id", "treatment", "visit", "conversion", "spend"}
    feats = [c for c in exp.columns if c not in drop]
    names = sorted(str(a) for a in exp["treatment"].unique() if str(a) != "control")
    # value of one more outcome: mean spend per conversion seen in the experiment, times the gross margin
    value = GROSS_MARGIN * (exp.loc[exp["conversion"] > 0, "spend"].mean() if outcome == "conversion" else 1.0)

    def economics(X: pd.DataFrame) -> Economics:
        return Economics(margin=np.full(len(X), value), fixed=np.full((len(X), len(names)), contact_cost))

    true_u = np.column_stack([truth[f"true_uplift_{outcome}_{a}"].to_numpy() for a in names])
    cost = np.full(true_u.shape, contact_cost)
    train_u = np.column_stack([exp_truth[f"true_uplift_{outcome}_{a}"].to_numpy() for a in names])
    others = [c for c in ("visit", "conversion", "spend") if c != outcome and c in exp.columns]
    return Scenario(names, exp[feats], exp["treatment"].to_numpy(), exp[outcome].to_numpy(float), fresh[feats],
                    economics, true_u * value - cost, cost, train_u,
                    exp_truth.get(f"base_prob_{outcome}", exp_truth.get(f"base_{outcome}")).to_numpy(),
                    exp[others].astype(float))


def ceiling_predictions(sc: Scenario, *, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """DIAGNOSTIC ONLY (reads the simulator's truth): baseline and uplift of the fresh customers from
    LightGBM regressors fitted to the experiment rows' *true* uplift and baseline, i.e. E[true uplift | the
    observed features] learnt from as many rows as the experiment has. A plan built from it bounds what any
    estimator on these features can reach (up to the regressor's own error); no outcome noise is involved."""
    import lightgbm as lgb

    enc = FeatureEncoder().fit(sc.X)
    Xn, Fn = enc.transform(sc.X), enc.transform(sc.fresh)

    def fit(target: np.ndarray) -> np.ndarray:
        return lgb.LGBMRegressor(n_estimators=600, learning_rate=0.05, num_leaves=31, random_state=random_state,
                                 n_jobs=1, verbose=-1).fit(Xn, target).predict(Fn)

    u = np.column_stack([fit(sc.train_uplift[:, j]) for j in range(sc.train_uplift.shape[1])])
    return np.clip(fit(sc.train_p0), 0.0, 1.0), u


def _label(c: dict[str, Any]) -> str:
    if not c["learner"].startswith("sur_"):
        return c["learner"]
    p = json.loads(c["params"])
    return f"{c['learner']}[{p.get('base')},{p.get('line', 'arm')}]"


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
    selection: str = "profit",
    stretch: tuple[float, ...] = (1.0, 1.5),
    top_k: int = 5,
    linear: bool = True,
    ceiling: bool = False,
    auxiliary: str | Sequence[str] = "auto",
    permute_auxiliary: bool = False,
) -> dict[str, Any]:
    """Run the benchmark; returns the metrics (incremental profit by plan, shares of the oracle).

    ``budget_share`` sets the budget as a share of what the oracle would spend without a budget;
    ``auxiliary`` the experiment's other outcomes given to the surrogate candidates (:func:`auxiliary_outcomes`);
    ``permute_auxiliary`` (check) shuffles them across rows, so they carry no information.
    """
    if simulator == "offers":
        sc = _offers_scenario(n_train, n_test, seed)
    elif simulator == "email":
        from growthpilot.simulate import simulate_uplift_experiment

        sc = _experiment_scenario(n_train, n_test, seed, outcome, contact_cost, simulate_uplift_experiment)
    else:
        raise DataError(f"simulator must be 'offers' or 'email', got {simulator!r}")
    alloc = OfferAllocator(method=method)
    free = alloc.allocate(sc.true_profit, sc.true_cost)
    budget = budget_share * free.total_cost  # the business constraint; models see only this number
    oracle = alloc.allocate(sc.true_profit, sc.true_cost, budget=budget)
    aux_cols = auxiliary_outcomes(sc.outcomes, sc.y, auxiliary)
    perm = np.random.default_rng(seed + 99).permutation(len(sc.y)) if permute_auxiliary else slice(None)
    aux = {c: sc.outcomes[c].to_numpy(float)[perm] for c in aux_cols}
    model = fit_plan_model(selection, sc.X, sc.treatment, sc.y, control="control", economics=sc.economics,
                           budget_rate=budget / n_test, learners=learners, cv=cv, random_state=seed, aux=aux,
                           stretch=stretch, top_k=top_k, **({} if linear else {"linear_grid": ()}))
    chosen = (model.best_name_ if selection == "qini"
              else "mean of " + ", ".join(f"{_label(c)} x{c['stretch']}" for c in model.chosen_))
    u = model.predict(sc.fresh)[:, [list(model.arms_).index(o) for o in sc.offers]]
    p0 = model.predict_baseline(sc.fresh)
    est_profit, est_cost = sc.economics(sc.fresh).profit_cost(p0, u)
    plan = alloc.allocate(est_profit, est_cost, budget=budget)
    rng = np.random.default_rng(seed)
    n, m = est_profit.shape
    random_choice = _fill(rng.permutation(n), rng.integers(0, m, n), est_cost, budget)
    best_avg = int(np.argmax(est_profit.mean(axis=0)))
    top_choice = _fill(np.argsort(-p0), np.full(n, best_avg), est_cost, budget)

    def score(choice: np.ndarray) -> tuple[float, float, int]:
        rows = np.flatnonzero(choice >= 0)
        return (float(sc.true_profit[rows, choice[rows]].sum()), float(sc.true_cost[rows, choice[rows]].sum()),
                int(rows.size))

    plans = {"model": plan.choice, "oracle": oracle.choice, "random": random_choice, "top_propensity": top_choice}
    if ceiling:  # diagnostic: plan from E[true uplift | features]; never used by the model
        c_p0, c_u = ceiling_predictions(sc, random_state=seed)
        plans["ceiling_diagnostic"] = alloc.allocate(*sc.economics(sc.fresh).profit_cost(c_p0, c_u),
                                                     budget=budget).choice
    table = []
    for name, ch in plans.items():
        profit, cost, k = score(ch)
        table.append({"plan": name, "true_incremental_profit": round(profit, 2), "true_cost": round(cost, 2),
                      "customers_targeted": k})
    p = {r["plan"]: r["true_incremental_profit"] for r in table}
    return {
        "simulator": simulator, "n_train": n_train, "n_test": n_test, "budget": round(budget, 2),
        "offers": sc.offers, "auxiliary_outcomes": aux_cols, "auxiliary_permuted": bool(permute_auxiliary and aux_cols),
        "uplift_model": chosen, "selection": selection, "allocation_method": plan.method,
        "plans": table,
        "share_of_oracle": round(p["model"] / p["oracle"], 4) if p["oracle"] > 0 else None,
        "vs_random": round(p["model"] / p["random"], 3) if p["random"] > 0 else None,
        "vs_top_propensity": round(p["model"] / p["top_propensity"], 3) if p["top_propensity"] > 0 else None,
        "random_share_of_oracle": round(p["random"] / p["oracle"], 4) if p["oracle"] > 0 else None,
        "top_propensity_share_of_oracle": round(p["top_propensity"] / p["oracle"], 4) if p["oracle"] > 0 else None,
        **({"ceiling_share_of_oracle": round(p["ceiling_diagnostic"] / p["oracle"], 4) if p["oracle"] > 0 else None}
           if ceiling else {}),
    }
