"""The Hillstrom-like uplift experiment: randomisation, known heterogeneous uplift, outcomes match truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.simulate import simulate_uplift_experiment


@pytest.fixture(scope="module")
def exp():
    return simulate_uplift_experiment(n=30000, seed=11)


def test_uplift_columns_and_randomisation(exp):
    df, truth = exp
    assert len(df) == len(truth) == 30000
    assert (df.customer_id == truth.customer_id).all()
    for col in ("recency", "history", "history_segment", "mens", "womens", "zip_code", "newbie", "channel",
                "treatment", "visit", "conversion", "spend"):
        assert col in df
    shares = df.treatment.value_counts(normalize=True)
    assert set(shares.index) == {"control", "email_a", "email_b"}
    assert np.allclose(shares, 1 / 3, atol=0.02)
    # randomised: features balanced across arms
    assert df.groupby("treatment").history.mean().std() / df.history.mean() < 0.03
    assert ((df.conversion == 1) <= (df.visit == 1)).all()
    assert (df.spend[df.conversion == 0] == 0).all() and (df.spend[df.conversion == 1] > 0).all()


def test_uplift_truth_is_heterogeneous_with_negatives(exp):
    _, truth = exp
    for arm in ("email_a", "email_b"):
        u = truth[f"true_uplift_visit_{arm}"]
        assert u.std() > 0.02
        assert (u < 0).mean() > 0.01 and (u > 0).mean() > 0.5
        assert f"true_uplift_spend_{arm}" in truth
    assert not np.allclose(truth.true_uplift_visit_email_a, truth.true_uplift_visit_email_b)
    assert (truth.loc[truth.treatment == "control", "true_uplift_visit"] == 0).all()


@pytest.mark.parametrize("outcome", ["visit", "conversion"])
def test_uplift_observed_effects_match_truth(exp, outcome):
    df, truth = exp
    ctrl = df.treatment == "control"
    base = df.loc[ctrl, outcome].mean()
    se0 = np.sqrt(base * (1 - base) / ctrl.sum())
    assert abs(base - truth.loc[ctrl, f"base_prob_{outcome}"].mean()) < 4 * se0
    for arm in ("email_a", "email_b"):
        m = df.treatment == arm
        observed = df.loc[m, outcome].mean() - base
        expected = truth[f"true_uplift_{outcome}_{arm}"].mean()
        se = np.sqrt(se0**2 + df.loc[m, outcome].var() / m.sum())
        assert abs(observed - expected) < 4 * se


def test_uplift_features_drive_the_effect(exp):
    df, truth = exp
    # the "a" mail works for men's buyers: uplift larger for mens == 1
    by = truth.groupby(df.mens).true_uplift_visit_email_a.mean()
    assert by[1] > by[0] + 0.02


def test_uplift_deterministic_and_arms():
    a = simulate_uplift_experiment(n=500, seed=3)
    b = simulate_uplift_experiment(n=500, seed=3)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    df, truth = simulate_uplift_experiment(n=500, arms=("holdout", "sms"), seed=3)
    assert set(df.treatment) == {"holdout", "sms"} and "true_uplift_visit_sms" in truth
    with pytest.raises(DataError):
        simulate_uplift_experiment(n=100, arms=("control",))
