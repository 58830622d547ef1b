"""The RFM response model (P(purchase) from ranks and logs of recency, frequency, monetary value, tenure)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from growthpilot.customers.examples import RANKED
from growthpilot.customers.propensity import RFMResponseModel
from growthpilot.errors import DataError


def _examples(n: int, history_days: float, seed: int) -> pd.DataFrame:
    """Customers whose chance to buy again falls with recency (as a share of the history) and rises with
    frequency; day counts scale with the history, as at cutoffs with a short and a long history."""
    rng = np.random.default_rng(seed)
    share = rng.uniform(0, 1, n)                      # days since the last order / history
    orders = rng.poisson(2.0, n) + 1.0
    logit = 1.0 - 3.0 * share + 0.5 * np.log(orders)
    df = pd.DataFrame({"recency_days": share * history_days, "n_orders": orders,
                       "monetary": orders * rng.gamma(4.0, 10.0, n),
                       "T": history_days * rng.uniform(0.9, 1.0, n)})
    for col in RANKED:
        df[f"rank_{col}"] = df[col].rank(pct=True)
    df["any"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    df["any_30d"] = (rng.random(n) < 0.3 / (1 + np.exp(-logit))).astype(int)
    return df


def test_response_model_orders_customers_at_a_cutoff_with_a_longer_history() -> None:
    """Trained where the history is 90 days, it still ranks customers where it is 270 days: the ranks
    carry over where a tree model would see recencies beyond its training range."""
    train, later = _examples(4000, 90.0, 0), _examples(4000, 270.0, 1)
    m = RFMResponseModel().fit(train)
    p = m.predict(later)
    assert list(p.columns) == ["p_purchase", "p_purchase_30d"] and p.index.equals(later.index)
    assert p.to_numpy().min() > 0 and p.to_numpy().max() < 1
    true_rank = -later["recency_days"] / 270 + 0.5 / 3 * np.log(later["n_orders"])
    assert roc_auc_score(later["any"], p["p_purchase"]) == pytest.approx(roc_auc_score(later["any"], true_rank),
                                                                         abs=0.02)
    assert p["p_purchase_30d"].mean() < p["p_purchase"].mean()


def test_response_model_needs_two_classes_for_the_horizon_label() -> None:
    df = _examples(300, 90.0, 2)
    with pytest.raises(DataError, match="no response model"):
        RFMResponseModel().fit(df.assign(any=1))
    const = RFMResponseModel().fit(df.assign(any_30d=0)).predict(df)  # the 30-day label may be one class
    assert (const["p_purchase_30d"] == 0).all() and const["p_purchase"].nunique() > 1


def test_match_level_takes_bgnbds_mean_and_keeps_the_ranking() -> None:
    from growthpilot.customers.model import match_level

    rng = np.random.default_rng(3)
    proba = pd.DataFrame({"p_purchase": rng.uniform(0.2, 0.8, 500), "p_purchase_30d": rng.uniform(0.05, 0.4, 500)})
    bg = pd.DataFrame({"bg_p_purchase": rng.uniform(0.0, 0.5, 500), "bg_p_30d": rng.uniform(0.0, 0.1, 500)})
    out = match_level(proba, bg)
    assert out["p_purchase"].mean() == pytest.approx(bg["bg_p_purchase"].mean(), abs=1e-6)
    assert out["p_purchase_30d"].mean() == pytest.approx(bg["bg_p_30d"].mean(), abs=1e-6)
    for col in proba.columns:
        assert (np.argsort(out[col].to_numpy()) == np.argsort(proba[col].to_numpy())).all()
