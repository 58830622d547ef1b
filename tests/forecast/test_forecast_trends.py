import numpy as np
import pandas as pd
import pytest

from growthpilot.forecast.synthetic import synthetic_panel
from growthpilot.forecast.trends import anomalies, promotion_effect, trends


def test_trends_find_rising_and_declining_series():
    rng = np.random.default_rng(0)
    ds = pd.date_range("2024-01-01", periods=91, freq="D")
    t = np.arange(91)
    frames = [pd.DataFrame({"unique_id": uid, "ds": ds, "y": 100 + slope * t + rng.normal(0, 3, 91)})
              for uid, slope in (("up", 0.5), ("down", -0.5), ("flat", 0.0))]
    tr = trends(pd.concat(frames), freq="D").set_index("unique_id")
    assert tr.loc["up", "direction"] == "rising" and tr.loc["down", "direction"] == "declining"
    assert tr.loc["flat", "direction"] == "flat"
    assert tr.loc["up", "slope"] == pytest.approx(0.5, abs=0.1)


def test_anomalies_flag_an_injected_spike():
    rng = np.random.default_rng(1)
    y = 50 + rng.normal(0, 2, 120)
    y[60] += 40
    df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2024-01-01", periods=120, freq="D"), "y": y})
    an = anomalies(df, freq="D")
    assert an.iloc[0]["ds"] == pd.Timestamp("2024-03-01") and an.iloc[0]["kind"] == "spike"


def test_promotion_effect_recovers_the_true_lift():
    panel, truth = synthetic_panel(n_series=20, periods=200, promo_rate=0.1, promo_lift=0.5, seed=3)
    eff = promotion_effect(panel, freq="D", by=panel.drop_duplicates("unique_id").set_index("unique_id")["category"])
    pooled = eff[eff["group"] == "all"].iloc[0]
    # log1p(y) on counts shrinks the multiplicative effect a little; the truth is +50 %
    assert 25 < pooled["lift_pct"] < 60 and pooled["p_value"] < 1e-6
    assert len(eff) == 1 + truth["category"].nunique()
