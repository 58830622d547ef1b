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


def test_quantile_knots_follow_the_data_where_uniform_knots_follow_its_extremes():
    # uplift changes sign twice inside the bulk of a standard-normal feature (a sine, as in causalml's
    # synthetic generator); a few extreme values stretch the range, so 5 uniform knots leave the bulk to
    # about two cubic pieces, while knots at the quantiles follow it
    rng = np.random.default_rng(3)
    n = 30000
    x = rng.normal(size=n)
    x[:5] = [-9.0, -8.0, 8.0, 9.0, 10.0]
    X = pd.DataFrame({"x": x, "noise": rng.normal(size=n)})
    t = rng.choice(["control", "mail"], n)
    true_u_logit = np.sin(np.pi * x)
    z = -1.5 + 0.3 * x + np.where(t == "mail", true_u_logit, 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    bulk = np.abs(x) < 2
    corr = {k: np.corrcoef(LinearUplift(n_knots=8, knots=k).fit(X, t, y, control="control").predict(X)[bulk, 0],
                           true_u_logit[bulk])[0, 1] for k in ("uniform", "quantile")}
    assert corr["quantile"] > 0.8 and corr["quantile"] > corr["uniform"] + 0.2


def test_the_profit_model_tries_a_quantile_knot_setting_with_valid_parameters():
    from growthpilot.decide.profit_model import DEFAULT_LINEAR_GRID

    quantile = [g for g in DEFAULT_LINEAR_GRID if g.get("knots") == "quantile"]
    assert quantile and DEFAULT_LINEAR_GRID[0].get("knots", "uniform") == "uniform"  # ensembles keep the first
    X, t, y = _experiment(3000, 2)
    u = LinearUplift(**quantile[0]).fit(X, t, y, control="control").predict(X)
    assert u.shape == (len(X), 2) and np.isfinite(u).all()
