"""Surrogate-assisted uplift: a frequent auxiliary outcome's uplift mapped to the rare target, as a candidate."""

import numpy as np
import pandas as pd
import pytest
from tests.conftest import benchmark_script

from growthpilot.decide.policy import Economics
from growthpilot.decide.profit_model import ProfitUpliftModel
from growthpilot.decide.surrogate_uplift import SurrogateUplift, auxiliary_outcomes
from growthpilot.errors import DataError, NotFittedError


def _funnel(n: int, seed: int):
    """Visit (frequent) then conversion (rare, only after a visit); the mail's effect grows with x."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.random(n), "seg": rng.choice(["a", "b"], n)})
    t = rng.choice(["control", "mail"], n)
    tau = 2.0 * X["x"].to_numpy() - 0.5
    pv = 1 / (1 + np.exp(-(-1.5 + (t == "mail") * tau)))
    visit = (rng.random(n) < pv).astype(float)
    conv = visit * (rng.random(n) < 0.1 + 0.1 * (X["seg"] == "b").to_numpy())
    true_u = (1 / (1 + np.exp(1.5 - tau)) - 1 / (1 + np.exp(1.5))) * (0.1 + 0.1 * (X["seg"] == "b").to_numpy())
    return X, t, conv.astype(float), visit, true_u


def test_surrogate_maps_the_auxiliary_uplift_to_the_target_scale():
    X, t, y, visit, true_u = _funnel(20000, 0)
    m = SurrogateUplift(base="lin").fit(X, t, y, aux=visit, control="control")
    u = m.predict(X)
    assert m.arms_ == ["mail"] and u.shape == (len(X), 1) and m.coef_.shape == (1, 2)
    assert np.corrcoef(u[:, 0], true_u)[0, 1] > 0.9
    assert abs(u.mean() - true_u.mean()) < 0.01                     # on the target's scale, not the visit's
    # an uninformative auxiliary outcome: the line is flat-ish, predictions stay near the arm mean
    shuffled = SurrogateUplift(base="lin", scale="none").fit(
        X, t, y, aux=np.random.default_rng(1).permutation(visit), control="control").predict(X)
    assert shuffled.std() < 0.5 * u.std()
    # every calibration line is fitted at once; with_line switches without refitting
    prop = m.with_line("proportional")
    assert prop.line == "proportional" and m.line == "arm" and prop.coef_[0, 0] == 0.0
    assert np.allclose(prop.predict(X.iloc[:5]), prop.coef_[0, 1] * (u[:5] - m.coef_[0, 0]) / m.coef_[0, 1])


def test_surrogate_lines():
    from growthpilot.decide.surrogate_uplift import _line

    rng = np.random.default_rng(0)
    z = rng.random((5000, 2))
    phi = np.column_stack([0.1 + 2.0 * z[:, 0], 0.3 + 2.0 * z[:, 1]]) + rng.normal(0, 0.01, (5000, 2))
    assert np.allclose(_line(z, phi, "arm"), [[0.1, 2.0], [0.3, 2.0]], atol=0.01)
    pooled = _line(z, phi, "pooled")
    assert pooled[0, 1] == pooled[1, 1] and np.allclose(pooled, [[0.1, 2.0], [0.3, 2.0]], atol=0.01)
    prop = _line(z, 2.0 * z, "proportional")
    assert np.allclose(prop, [[0.0, 2.0], [0.0, 2.0]])
    with pytest.raises(DataError, match="line"):
        _line(z, phi, "spline")


def test_surrogate_errors():
    X, t, y, visit, _ = _funnel(400, 1)
    with pytest.raises(NotFittedError):
        SurrogateUplift().predict(X)
    with pytest.raises(DataError, match="line"):
        SurrogateUplift(line="curve").fit(X, t, y, aux=visit, control="control")
    with pytest.raises(DataError, match="scale"):
        SurrogateUplift(scale="log").fit(X, t, y, aux=visit, control="control")
    with pytest.raises(DataError, match="same rows"):
        SurrogateUplift().fit(X, t, y, aux=visit[:10], control="control")
    with pytest.raises(DataError, match="base learner"):
        SurrogateUplift(base="zz").fit(X, t, y, aux=visit, control="control")


def test_profit_model_scores_surrogate_candidates_only_when_given_an_auxiliary_outcome():
    X, t, y, visit, _ = _funnel(4000, 2)
    grid = [{"n_estimators": 30, "learning_rate": 0.1, "num_leaves": 3, "min_child_samples": 100}]
    econ = lambda X: Economics(margin=np.full(len(X), 40.0), fixed=np.full((len(X), 1), 0.3))  # noqa: E731
    kw = dict(learners=("t",), param_grid=grid, ensembles=(), linear_grid=(), stretch=(1.0,), top_k=2,
              surrogate_grid=({"base": "lin", "scale": "ratio"},))
    model = ProfitUpliftModel(**kw).fit(X, t, y, control="control", economics=econ, budget_rate=0.2,
                                        aux={"visit": visit})
    assert sorted(r["learner"] for r in model.cv_results_) == ["sur_visit", "t"]
    assert {c["learner"] for c in model.chosen_} == {"sur_visit", "t"}
    assert model.predict(X.iloc[:10]).shape == (10, 1)
    plain = ProfitUpliftModel(**kw).fit(X, t, y, control="control", economics=econ, budget_rate=0.2)
    assert [r["learner"] for r in plain.cv_results_] == ["t"]
    with pytest.raises(DataError, match="auxiliary"):
        ProfitUpliftModel(**kw).fit(X, t, y, control="control", economics=econ, aux={"visit": visit[:5]})


def test_auxiliary_outcomes_auto_picks_the_frequent_ones():
    out = pd.DataFrame({"visit": [1, 1, 0, 1, 0, 1, 0, 0], "spend": [0, 9.5, 0, 0, 0, 0, 0, 0]})
    y = np.array([0, 1, 0, 0, 0, 0, 0, 0])
    assert auxiliary_outcomes(out, y) == ["visit"]
    assert auxiliary_outcomes(out, y, "none") == []
    assert auxiliary_outcomes(out, y, "spend,visit") == ["spend", "visit"]
    with pytest.raises(DataError, match="not in the experiment"):
        auxiliary_outcomes(out, y, "clicks")


def test_uplift_benchmark_scores_the_surrogate_beside_the_learners(capsys):
    run = benchmark_script("uplift").main
    res = run(["--simulate", "--n", "3000", "--outcome-col", "conversion", "--learners", "t", "--cv", "2",
               "--n-boot", "10", "--seed", "1", "--auxiliary-outcome-col", "visit"])
    models = [r["model"] for r in res["models"]]
    assert models.count("surrogate_visit") == 2 and res["chosen"] == "t_learner"  # one row per arm, not chosen
    assert "surrogate_visit" in capsys.readouterr().out
