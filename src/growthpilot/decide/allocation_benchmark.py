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
from dataclasses import dataclass, field, replace
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
    control: str = "control"  # the control arm's label in ``treatment``


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


@dataclass
class FileExperiment:
    """An experiment file and a file of fresh customers with their true uplift (``--train``/``--test``).

    ``spec`` names the treatment, control, outcome and feature columns (as in ``benchmarks/uplift.py``).
    The test file holds, per arm, the true uplift of the outcome in ``<true_prefix><arm>`` (read only to
    score the plans). Economics: one more outcome is worth ``margin`` (or the per-customer ``margin_col``,
    in both files); each arm costs ``costs[arm]`` per customer treated (``default_cost`` for arms not named).
    ``auxiliary`` names frequent outcomes of the experiment (a visit beside a conversion) for the surrogate
    candidates; they and the true-uplift columns are never features; the margin column always is.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    spec: Any  # ExperimentSpec
    true_prefix: str = "true_uplift_"
    margin: float = 1.0
    margin_col: str | None = None
    costs: dict[str, float] = field(default_factory=dict)
    default_cost: float = 0.0
    auxiliary: Sequence[str] = ()


def _file_scenario(fx: FileExperiment) -> Scenario:
    spec = replace(fx.spec)  # prepare() rewrites the control value's form: keep the caller's spec as given
    train = spec.prepare(fx.train)
    test = spec.prepare(fx.test, labelled=False)
    train = spec.select(train)
    for col, frames in ((fx.margin_col, ("training", "test")), *((c, ("training",)) for c in fx.auxiliary)):
        for name in frames if col else ():
            if col not in (train if name == "training" else test).columns:
                raise DataError(f"column {col!r} is not in the {name} file")
    derived = [c for c in train.columns if c.startswith(fx.true_prefix)] + list(fx.auxiliary)
    if not spec.feature_cols:
        spec = replace(spec, exclude_cols=[*spec.exclude_cols, *derived])
    feats = spec.features(train)
    if fx.margin_col and fx.margin_col not in feats:  # a pre-treatment covariate the economics need
        feats.append(fx.margin_col)
    missing = [c for c in feats if c not in test.columns]
    if missing:
        raise DataError(f"feature column(s) {missing} of the training file are not in the test file")
    arms = sorted({str(a) for a in train[spec.treatment_col]} - {str(spec.control_value)})
    absent = [f"{fx.true_prefix}{a}" for a in arms if f"{fx.true_prefix}{a}" not in test.columns]
    if absent:
        raise DataError(f"the test file needs the true uplift of every arm to score the plans; missing {absent} "
                        f"(--true-uplift-prefix {fx.true_prefix!r})")
    unknown = sorted(set(fx.costs) - set(arms))
    if unknown:
        raise DataError(f"--offer-costs names arm(s) {unknown} that are not in the experiment; arms: {arms}")
    cost_row = np.array([fx.costs.get(a, fx.default_cost) for a in arms], float)

    def economics(X: pd.DataFrame) -> Economics:
        margin = (pd.to_numeric(X[fx.margin_col], errors="coerce").fillna(0.0).to_numpy(float) if fx.margin_col
                  else np.full(len(X), float(fx.margin)))
        return Economics(margin=margin, fixed=np.tile(cost_row, (len(X), 1)))

    true_u = np.column_stack([pd.to_numeric(test[f"{fx.true_prefix}{a}"], errors="coerce").to_numpy(float)
                              for a in arms])
    if np.isnan(true_u).any():
        raise DataError(f"the test file's true uplift columns ({fx.true_prefix}<arm>) have missing values")
    econ = economics(test[feats])
    cost = np.broadcast_to(cost_row, true_u.shape).copy()
    return Scenario(arms, train[feats], train[spec.treatment_col].astype(str).to_numpy(),
                    train[spec.outcome_col].to_numpy(float), test[feats], economics,
                    true_u * econ.margin[:, None] - cost, cost, np.full((len(train), len(arms)), np.nan),
                    np.full(len(train), np.nan),
                    train[list(fx.auxiliary)].apply(pd.to_numeric, errors="coerce").fillna(0.0),
                    str(spec.control_value))


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
    """Give ``offer[i]`` to customers in ``order`` while the (estimated) budget lasts: a customer whose offer
    no longer fits is skipped and the list goes on, so cheaper (or free) offers further down still fill the
    rest of the budget. With one cost for every offer this is the same as stopping at the first that does not
    fit; with a free offer it no longer stops after a handful of customers."""
    choice = np.full(len(offer), -1)
    c = cost[order, offer[order]]
    first = order[np.cumsum(c) <= budget]  # the prefix that fits (fast path)
    choice[first] = offer[first]
    spent = float(c[: len(first)].sum())
    for i, ci in zip(order[len(first):], c[len(first):], strict=True):
        if spent + ci <= budget:
            choice[i] = offer[i]
            spent += ci
    return choice


def run_allocation_benchmark(
    *,
    simulator: str = "offers",
    n_train: int = 40000,
    n_test: int = 20000,
    budget_share: float = 0.5,
    budget: float | None = None,
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
    data: FileExperiment | None = None,
) -> dict[str, Any]:
    """Run the benchmark; returns the metrics (incremental profit by plan, shares of the oracle) and, under
    ``rows``, the model's plan per fresh customer (offer, predicted uplift per arm, expected profit).

    ``budget_share`` sets the budget as a share of what the oracle would spend without a budget (``budget``:
    an amount instead);
    ``auxiliary`` the experiment's other outcomes given to the surrogate candidates (:func:`auxiliary_outcomes`);
    ``permute_auxiliary`` (check) shuffles them across rows, so they carry no information. ``data`` (a
    :class:`FileExperiment`) replaces the simulator: an experiment file and fresh customers with their true uplift.
    """
    if data is not None:
        sc = _file_scenario(data)
        simulator, n_train, n_test = "file", len(sc.y), len(sc.fresh)
        if ceiling:
            raise DataError("--ceiling is a simulator diagnostic (it needs the experiment's true baseline too)")
    elif simulator == "offers":
        sc = _offers_scenario(n_train, n_test, seed)
    elif simulator == "email":
        from growthpilot.simulate import simulate_uplift_experiment

        sc = _experiment_scenario(n_train, n_test, seed, outcome, contact_cost, simulate_uplift_experiment)
    else:
        raise DataError(f"simulator must be 'offers' or 'email', got {simulator!r}")
    alloc = OfferAllocator(method=method)
    free = alloc.allocate(sc.true_profit, sc.true_cost)
    if budget is None:
        budget = budget_share * free.total_cost  # the business constraint; models see only this number
    elif budget <= 0:
        raise DataError(f"budget must be positive, got {budget}")
    oracle = alloc.allocate(sc.true_profit, sc.true_cost, budget=budget)
    aux_cols = auxiliary_outcomes(sc.outcomes, sc.y, auxiliary)
    perm = np.random.default_rng(seed + 99).permutation(len(sc.y)) if permute_auxiliary else slice(None)
    aux = {c: sc.outcomes[c].to_numpy(float)[perm] for c in aux_cols}
    model = fit_plan_model(selection, sc.X, sc.treatment, sc.y, control=sc.control, economics=sc.economics,
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
    per_row = pd.DataFrame(u, columns=[f"predicted_uplift_{o}" for o in sc.offers])
    per_row.insert(0, "offer", np.where(plan.choice >= 0, np.asarray(sc.offers, dtype=object)[plan.choice], ""))
    per_row["expected_profit"] = np.where(plan.choice >= 0, est_profit[np.arange(n), plan.choice.clip(0)], 0.0)
    return {
        "rows": per_row,  # the model's plan per fresh customer (not JSON: the benchmark writes it as CSV)
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
