"""Penalised-regression uplift learner: recovers a known effect, handles amounts, missing values and errors."""

import numpy as np
import pandas as pd
import pytest

from growthpilot.decide.linear_uplift import LinearUplift
from growthpilot.errors import DataError, NotFittedError


def _experiment(n: int, seed: int, binary: bool = True):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"x": rng.random(n), "seg": rng.choice(["a", "b"], n), "flag": rng.integers(0, 2, n)})
    t = rng.choice(["control", "mail", "sms"], n)
    effect = np.where(t == "mail", 1.5 * X["x"], np.where(t == "sms", 0.5 * (X["seg"] == "b"), 0.0))
    z = -1.0 + 0.5 * X["flag"] + effect
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float) if binary else z + rng.normal(0, 1, n)
    return X, t, y


def test_linear_uplift_recovers_the_direction_of_the_effect():
    X, t, y = _experiment(20000, 0)
    m = LinearUplift(C=1.0).fit(X, t, y, control="control")
    assert m.arms_ == ["mail", "sms"]
    u = m.predict(X)
    assert u.shape == (len(X), 2)
    assert np.corrcoef(u[:, 0], X["x"])[0, 1] > 0.9                       # mail: grows with x
    assert u[X["seg"] == "b", 1].mean() > u[X["seg"] == "a", 1].mean() + 0.05  # sms: works on segment b


def test_linear_uplift_amounts_missing_values_and_errors():
    X, t, y = _experiment(3000, 1, binary=False)
    X.loc[:10, "x"] = np.nan
    u = LinearUplift(C=0.5, interaction_scale=0.3).fit(X, t, y, control="control").predict(X)
    assert np.isfinite(u).all() and u[:, 0].std() > 0
    with pytest.raises(NotFittedError):
        LinearUplift().predict(X)
    with pytest.raises(DataError, match="control value"):
        LinearUplift().fit(X, t, y, control="nobody")
    with pytest.raises(DataError, match="only the control"):
        LinearUplift().fit(X, np.full(len(X), "control"), y, control="control")
