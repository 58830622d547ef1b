import numpy as np
import pandas as pd
import pytest

from growthpilot.decide import LEARNERS, UpliftModel
from growthpilot.errors import DataError, NotFittedError

SMALL = {"n_estimators": 40, "learning_rate": 0.1, "num_leaves": 4, "min_child_samples": 40}


def _experiment(n=4000, seed=0, continuous=False):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"a": rng.random(n), "b": rng.normal(size=n),
                      "city": rng.choice(["x", "y", "z"], n)})
    arm = rng.choice(["ctrl", "mail", "sms"], n)
    tau_mail = 0.4 * (X["a"] > 0.5) - 0.05
    tau_sms = 0.3 * (X["city"] == "y")
    tau = np.where(arm == "mail", tau_mail, np.where(arm == "sms", tau_sms, 0.0))
    p = np.clip(0.2 + 0.05 * X["b"] + tau, 0.01, 0.99)
    y = (rng.random(n) < p).astype(float)
    if continuous:
        y = y * rng.gamma(2.0, 20.0, n)
    return X, arm, y, np.column_stack([tau_mail, tau_sms])


@pytest.mark.parametrize("name", ["s", "t", "x", "dr", "ct", "ens"])
def test_learners_recover_heterogeneous_effects(name):
    X, arm, y, tau = _experiment()
    est = LEARNERS[name](**SMALL).fit(X, arm, y, control="ctrl")
    assert est.arms_ == ["mail", "sms"]
    pred = est.predict(X)
    assert pred.shape == (len(X), 2)
    for j in range(2):
        assert np.corrcoef(pred[:, j], tau[:, j])[0, 1] > 0.5, (name, j)
    assert list(est.predict_frame(X.head(3)).columns) == ["predicted_uplift_mail", "predicted_uplift_sms"]


@pytest.mark.parametrize("name", ["t", "dr", "ct"])
def test_continuous_outcome(name):
    X, arm, y, tau = _experiment(continuous=True)
    est = LEARNERS[name](**SMALL).fit(X, arm, y, control="ctrl")
    assert not est.binary_
    assert np.corrcoef(est.predict(X)[:, 0], tau[:, 0])[0, 1] > 0.3


def test_not_fitted_and_bad_input():
    with pytest.raises(NotFittedError):
        LEARNERS["t"]().predict(pd.DataFrame({"a": [1.0]}))
    X, arm, y, _ = _experiment(200)
    with pytest.raises(DataError, match="control value"):
        LEARNERS["t"]().fit(X, arm, y, control="nobody")


def test_model_selection_by_cv_and_unseen_category():
    X, arm, y, tau = _experiment(3000, seed=1)
    m = UpliftModel(learners=("t", "ct"), param_grid=[SMALL], cv=2).fit(X, arm, y, control="ctrl")
    assert {r["learner"] for r in m.cv_results_} == {"t", "ct", "ens"}
    assert m.best_name_ in {"t", "ct", "ens"}
    Xn = X.head(5).assign(city="new-city")
    assert np.isfinite(m.predict(Xn)).all()
    base = m.predict_baseline(X)
    assert ((base >= 0) & (base <= 1)).all()
    assert m.model_version.startswith("uplift-")
