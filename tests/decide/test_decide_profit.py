"""Profit-aware uplift model choice: offer economics, DR plan value, and the cross-fitted selection."""

import numpy as np
import pandas as pd
import pytest

from growthpilot.decide.allocation import OfferAllocator
from growthpilot.decide.policy import Economics, dr_scores, policy_value
from growthpilot.decide.profit_model import ProfitUpliftModel
from growthpilot.errors import DataError, NotFittedError
from growthpilot.simulate.offers import DEFAULT_OFFERS, GROSS_MARGIN, offer_costs, simulate_offers_experiment


def _offer_economics(aov: np.ndarray) -> Economics:
    zero, one = np.zeros((len(aov), 4)), np.ones((len(aov), 4))
    fixed = offer_costs(aov, zero, DEFAULT_OFFERS)
    return Economics(margin=aov * GROSS_MARGIN, fixed=fixed, redeem=offer_costs(aov, one, DEFAULT_OFFERS) - fixed)


def test_economics_match_the_simulator_truth():
    df, truth = simulate_offers_experiment(500, seed=2)
    econ = _offer_economics(df["avg_order_value"].to_numpy())
    u = truth["true_uplift"].to_numpy().reshape(500, 4)
    p0 = truth["base_prob"].to_numpy().reshape(500, 4)[:, 0]
    profit, cost = econ.profit_cost(p0, u)
    assert np.allclose(profit, truth["true_profit"].to_numpy().reshape(500, 4))
    assert np.allclose(cost, truth["cost"].to_numpy().reshape(500, 4))
    with pytest.raises(DataError, match="uplift must have shape"):
        econ.profit_cost(p0, u[:, :2])
    with pytest.raises(DataError, match="redeem"):
        Economics(margin=np.ones(3), fixed=np.ones((3, 2)), redeem=np.ones((3, 1)))


def test_dr_plan_value_is_unbiased_on_a_randomised_experiment():
    rng = np.random.default_rng(0)
    n = 200_000
    x = rng.random(n)
    p0, p1 = 0.1 + 0.1 * x, 0.1 + 0.3 * x  # uplift 0.2 x
    t = np.where(rng.random(n) < 0.5, "control", "mail")
    y = (rng.random(n) < np.where(t == "mail", p1, p0)).astype(float)
    econ = Economics(margin=np.full(n, 10.0), fixed=np.full((n, 1), 0.5))
    # crude response models (constants): DR stays unbiased because the arms are randomised
    mu = np.column_stack([np.full(n, y[t == "control"].mean()), np.full(n, y[t == "mail"].mean())])
    drp = econ.dr_profit(dr_scores(mu, t, y, ["control", "mail"]))
    choice = np.where(x > 0.5, 0, -1)  # treat the upper half
    true = float(np.sum(np.where(x > 0.5, 10 * (p1 - p0) - 0.5, 0.0)) / n)
    assert policy_value(choice, drp) == pytest.approx(true, abs=0.02)
    assert policy_value(np.full(n, -1), drp) == 0.0


def _experiment(n: int, seed: int):
    df, _ = simulate_offers_experiment(n, seed=seed)
    feats = ["recency_days", "orders_12m", "avg_order_value", "email_open_rate", "discount_share", "device"]
    return df[feats], df["arm"], df["converted"]


def test_profit_model_chooses_by_validated_profit_and_predicts():
    X, t, y = _experiment(4000, 1)
    grid = [{"n_estimators": 40, "learning_rate": 0.1, "num_leaves": 3, "min_child_samples": 100}]
    model = ProfitUpliftModel(learners=("t", "x"), param_grid=grid, ensembles=[("t", "x")], stretch=(1.0, 2.0),
                              top_k=2, linear_grid=())
    with pytest.raises(NotFittedError):
        model.predict(X)
    model.fit(X, t, y, control="control", economics=lambda X: _offer_economics(X["avg_order_value"].to_numpy()),
              budget_rate=0.5)
    assert len(model.cv_results_) == 3 * 2  # (t, x, ensemble) x two stretch factors
    best = max(model.cv_results_, key=lambda r: r["score"])
    assert (model.best_name_, model.best_stretch_) == (best["learner"], best["stretch"])
    assert model.arms_ == sorted(o.name for o in DEFAULT_OFFERS)
    u = model.predict(X.iloc[:50])
    assert u.shape == (50, 4) and np.isfinite(u).all()
    # the two best candidates by validated profit, each stretched around its own arm mean, averaged
    top = sorted(model.cv_results_, key=lambda r: r["score"], reverse=True)[:2]
    assert [(c["learner"], c["stretch"]) for c in model.chosen_] == [(r["learner"], r["stretch"]) for r in top]
    parts = [c["center"] + c["stretch"] * (np.mean([m.predict(X.iloc[:50]) for m in c["models"]], axis=0)
                                           - c["center"]) for c in model.chosen_]
    assert np.allclose(u, np.mean(parts, axis=0))
    p0 = model.predict_baseline(X.iloc[:50])
    assert ((p0 >= 0) & (p0 <= 1)).all()
    assert model.model_version.startswith("profit-uplift-")


def test_profit_model_bad_input():
    X, t, y = _experiment(600, 3)
    with pytest.raises(DataError, match="economics"):
        ProfitUpliftModel(learners=("t",)).fit(
            X, t, y, control="control", economics=lambda X: Economics(np.ones(len(X)), np.ones((len(X), 2))))
    with pytest.raises(DataError, match="stretch"):
        ProfitUpliftModel(learners=("t",), stretch=(0.0,)).fit(
            X, t, y, control="control", economics=lambda X: _offer_economics(X["avg_order_value"].to_numpy()))
    with pytest.raises(DataError, match="top_k"):
        ProfitUpliftModel(learners=("t",), top_k=0).fit(
            X, t, y, control="control", economics=lambda X: _offer_economics(X["avg_order_value"].to_numpy()))
    with pytest.raises(DataError, match="control value"):
        ProfitUpliftModel(learners=("t",)).fit(
            X, t, y, control="nobody", economics=lambda X: _offer_economics(X["avg_order_value"].to_numpy()))


def test_plan_from_profit_model_beats_random_on_offers():
    X, t, y = _experiment(8000, 4)
    fresh, truth = simulate_offers_experiment(3000, seed=5, randomize=False)
    grid = [{"n_estimators": 60, "learning_rate": 0.05, "num_leaves": 3, "min_child_samples": 200}]
    econ = lambda X: _offer_economics(X["avg_order_value"].to_numpy())  # noqa: E731
    model = ProfitUpliftModel(learners=("t", "dr"), param_grid=grid).fit(
        X, t, y, control="control", economics=econ, budget_rate=0.3)
    P, C = econ(fresh).profit_cost(model.predict_baseline(fresh[X.columns]), model.predict(fresh[X.columns]))
    plan = OfferAllocator(method="greedy").allocate(P, C, budget=0.3 * len(fresh))
    true = truth.pivot(index="customer_id", columns="arm")["true_profit"].loc[fresh["customer_id"]].to_numpy()
    rows = np.flatnonzero(plan.choice >= 0)
    rng = np.random.default_rng(0)
    rand = rng.integers(0, 4, len(fresh))
    take = rng.permutation(len(fresh))[: rows.size]
    assert true[rows, plan.choice[rows]].sum() > max(0.0, true[take, rand[take]].sum())
    assert isinstance(pd.DataFrame(model.cv_results_), pd.DataFrame)


def test_benchmark_selection_choices():
    from growthpilot.decide.allocation_benchmark import run_allocation_benchmark

    kw = dict(simulator="email", n_train=3000, n_test=1500, learners=("t",), cv=2, seed=1)
    res = run_allocation_benchmark(**kw, selection="qini")
    assert res["selection"] == "qini" and res["uplift_model"] == "t"
    with pytest.raises(DataError, match="selection"):
        run_allocation_benchmark(**kw, selection="auuc")
    # diagnostic ceiling: a plan from E[true uplift | features], reported beside the model's plan
    res = run_allocation_benchmark(**kw, selection="profit", linear=False, auxiliary="none", ceiling=True,
                                   method="greedy")
    assert "lin" not in res["uplift_model"] and res["auxiliary_outcomes"] == []
    assert [r["plan"] for r in res["plans"]][-1] == "ceiling_diagnostic"
    assert res["ceiling_share_of_oracle"] > 0.5


def test_profit_model_scores_the_linear_candidate_and_its_ensemble():
    X, t, y = _experiment(3000, 6)
    grid = [{"n_estimators": 30, "learning_rate": 0.1, "num_leaves": 3, "min_child_samples": 100}]
    model = ProfitUpliftModel(learners=("t",), param_grid=grid, ensembles=[("lin", "t")], stretch=(1.0,),
                              linear_grid=({"C": 1.0}, {"C": 0.1}), top_k=4).fit(
        X, t, y, control="control", economics=lambda X: _offer_economics(X["avg_order_value"].to_numpy()),
        budget_rate=0.5)
    names = sorted(r["learner"] for r in model.cv_results_)
    assert names == ["ens_lin_t", "lin", "lin", "t"]
    # every candidate is kept (top_k = all) and refit: the ensemble holds the linear model and the tree learner
    ens = next(c for c in model.chosen_ if c["learner"] == "ens_lin_t")
    assert [type(m).__name__ for m in ens["models"]] == ["LinearUplift", "TLearner"]
    assert model.predict(X.iloc[:20]).shape == (20, 4)


def test_profit_model_single_candidates_and_the_additive_dr_learner():
    import json

    X, t, y = _experiment(3000, 7)
    grid = [{"n_estimators": 30, "learning_rate": 0.1, "num_leaves": 3, "min_child_samples": 100}]
    econ = lambda X: _offer_economics(X["avg_order_value"].to_numpy())  # noqa: E731
    kw = dict(learners=("s", "t", "dr", "ct"), param_grid=grid, ensembles=[("s", "t", "dr", "ct")], stretch=(1.0,),
              linear_grid=(), top_k=10)
    model = ProfitUpliftModel(**kw).fit(X, t, y, control="control", economics=econ, budget_rate=0.5)
    # S-learner and class transformation only inside the ensemble; the additive DR-learner is a candidate
    assert sorted(r["learner"] for r in model.cv_results_) == ["dr", "dr_add", "ens_s_t_dr_ct", "t"]
    add = next(r for r in model.cv_results_ if r["learner"] == "dr_add")
    assert json.loads(add["params"])["num_leaves"] == 2
    chosen = next(c for c in model.chosen_ if c["learner"] == "dr_add")
    assert [(type(m).__name__, m.num_leaves) for m in chosen["models"]] == [("DRLearner", 2)]
    assert model.baseline_.get_params()["num_leaves"] == 3  # the baseline keeps a grid setting
    assert model.predict(X.iloc[:20]).shape == (20, 4)
    # every learner alone and no extra candidate: the candidate list as before
    every = ProfitUpliftModel(**kw, single_learners=None, extra_candidates={}).fit(
        X, t, y, control="control", economics=econ, budget_rate=0.5)
    assert sorted(r["learner"] for r in every.cv_results_) == ["ct", "dr", "ens_s_t_dr_ct", "s", "t"]
    # nothing but a learner that is not a single candidate: it is scored alone rather than nothing at all
    only_s = ProfitUpliftModel(learners=("s",), param_grid=grid, ensembles=(), linear_grid=(), stretch=(1.0,)).fit(
        X, t, y, control="control", economics=econ, budget_rate=0.5)
    assert [r["learner"] for r in only_s.cv_results_] == ["s"]
    with pytest.raises(DataError, match="extra_candidates"):
        ProfitUpliftModel(learners=("t",), extra_candidates={"z": ("zz", {})}).fit(
            X, t, y, control="control", economics=econ, budget_rate=0.5)
