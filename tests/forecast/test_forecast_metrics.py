import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import NotFittedError
from growthpilot.forecast.conformal import (
    ConformalIntervals,
    conformal_quantile,
    weighted_conformal_quantile,
    window_weights,
)
from growthpilot.forecast.metrics import mase_scales, score, smape
from growthpilot.forecast.selection import add_candidates, anchored_choice, candidates, choose, one_se_choice


def test_smape_known_values():
    assert smape(np.array([100.0, 0.0]), np.array([110.0, 0.0])).round(4).tolist() == [9.5238, 0.0]


def test_mase_scale_is_seasonal_naive_error_before_cutoff():
    ds = pd.date_range("2024-01-01", periods=6, freq="D")
    hist = pd.DataFrame({"unique_id": "a", "ds": ds, "y": [1.0, 3.0, 2.0, 6.0, 4.0, 100.0]})
    sc = mase_scales(hist, pd.DataFrame({"unique_id": ["a"], "cutoff": [ds[4]]}), season=2)
    assert sc["scale"].iloc[0] == pytest.approx((1 + 3 + 2) / 3)  # |2-1|, |6-3|, |4-2|; 100 is after the cutoff


def test_score_reports_coverage_and_bias():
    f = pd.DataFrame({"unique_id": "a", "cutoff": 0, "ds": range(4), "y": [1.0, 2.0, 3.0, 4.0],
                      "m": [2.0, 3.0, 4.0, 5.0], "lo": 0.0, "hi": [5.0, 5.0, 5.0, 3.0]})
    sc = pd.DataFrame({"unique_id": ["a"], "cutoff": [0], "scale": [2.0]})
    s = score(f, "m", sc, lo_col="lo", hi_col="hi")
    assert s["mase"] == pytest.approx(0.5) and s["coverage"] == 75.0 and s["bias_pct"] == pytest.approx(40.0)


def test_conformal_quantile_and_coverage_on_fresh_errors():
    rng = np.random.default_rng(0)
    assert conformal_quantile(np.arange(1, 10.0), 90) == 9.0
    cal = pd.DataFrame({"unique_id": np.repeat(np.arange(100), 5), "cutoff": 0, "ds": np.tile(np.arange(5), 100)})
    cal["scale"] = np.repeat(rng.uniform(1, 10, 100), 5)
    cal["f"] = 0.0
    cal["y"] = rng.normal(0, 1, len(cal)) * cal["scale"]
    ci = ConformalIntervals(level=90).fit(cal, "f")
    scale = rng.uniform(1, 10, 5000)
    y = rng.normal(0, 1, 5000) * scale
    lo, hi = ci.interval(np.zeros(5000), scale, np.ones(5000, int))
    assert 0.86 < np.mean((y >= lo) & (y <= hi)) < 0.94
    with pytest.raises(NotFittedError):
        ConformalIntervals().interval(np.zeros(1), np.ones(1), np.ones(1))


def test_choose_picks_the_candidate_with_lowest_validation_mase():
    f = pd.DataFrame({"unique_id": ["a"] * 4 + ["b"] * 4, "cutoff": [0, 0, 1, 1] * 2, "ds": [0, 1, 2, 3] * 2,
                      "y": 10.0})
    f["SeasonalNaive"], f["AutoETS"], f["AutoTheta"], f["AutoARIMA"] = 14.0, 12.0, 9.0, 8.0
    cands = candidates(["SeasonalNaive", "AutoETS", "AutoTheta", "AutoARIMA"])
    assert "AutoETS+AutoARIMA+AutoTheta" in cands
    f = add_candidates(f, cands)
    assert f["AutoETS+AutoARIMA+AutoTheta"].iloc[0] == pytest.approx(29 / 3)
    sc = pd.DataFrame({"unique_id": ["a", "a", "b", "b"], "cutoff": [0, 1, 0, 1], "scale": 1.0})
    assert set(choose(f, sc, cands)) == {"AutoETS+AutoARIMA+AutoTheta"}


def test_one_se_rule_prefers_a_combination_within_noise_but_not_a_clear_loser():
    rng = np.random.default_rng(0)
    n = 40
    f = pd.DataFrame({"unique_id": np.arange(n), "cutoff": 0, "ds": 0, "y": 0.0})
    sc = pd.DataFrame({"unique_id": np.arange(n), "cutoff": 0, "scale": 1.0})
    cands = {"A": ("A",), "B": ("B",), "A+B": ("A", "B")}
    f["A"] = rng.normal(1.0, 0.5, n).clip(0.2)
    f["B"], f["A+B"] = f["A"] + 0.5, f["A"] + 0.01 + np.tile([0.1, -0.1], n // 2)
    assert one_se_choice(f, sc, cands) == "A+B"
    f["A+B"] = f["A"] + 0.4
    assert one_se_choice(f, sc, cands) == "A"


def test_weighted_conformal_quantile_reduces_to_the_plain_one_with_equal_weights():
    rng = np.random.default_rng(1)
    for n in (5, 9, 19, 40, 123):
        x = rng.exponential(size=n)
        assert weighted_conformal_quantile(x, np.ones(n), 90) == conformal_quantile(x, 90)
    assert window_weights(np.array([3, 1, 2, 3]), 0.5).tolist() == [1.0, 0.25, 0.5, 1.0]
    assert window_weights(np.array([1, 2]), 1.0).tolist() == [1.0, 1.0]
    # intraday data: the decay counts weeks back from the latest window, so a whole week weighs alike
    days = pd.date_range("2024-01-01", periods=10, freq="D").to_numpy()
    w = window_weights(days, 0.5, cycle=pd.Timedelta(days=7))
    assert w.tolist() == [0.5, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_conformal_follows_the_recent_windows_when_volatility_drifts():
    rng = np.random.default_rng(2)
    rows = []
    for c, sd in enumerate([4.0, 4.0, 4.0, 1.0, 1.0, 1.0]):  # volatility fell three windows ago
        rows.append(pd.DataFrame({"unique_id": "a", "cutoff": c, "ds": np.arange(50), "f": 0.0, "scale": 1.0,
                                  "y": rng.normal(0, sd, 50)}))
    cal = pd.concat(rows, ignore_index=True)
    plain = ConformalIntervals(level=90, decay=1.0).fit(cal, "f").q_[0]
    recent = ConformalIntervals(level=90).fit(cal, "f").q_[0]
    assert 1.645 < recent < 0.7 * plain  # |N(0, 1)| 90 % quantile 1.645, |N(0, 4)| 6.6


def _window_frame(scores: dict[str, list[float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_w = len(next(iter(scores.values())))
    f = pd.DataFrame({"unique_id": "a", "cutoff": np.arange(n_w), "ds": np.arange(n_w), "y": 0.0})
    for name, v in scores.items():
        f[name] = v
    sc = pd.DataFrame({"unique_id": "a", "cutoff": np.arange(n_w), "scale": 1.0})
    return f, sc


def test_anchored_choice_keeps_autoets_unless_a_challenger_wins_consistently():
    cands = {"AutoETS": ("AutoETS",), "SeasonalNaive": ("SeasonalNaive",), "AutoTheta": ("AutoTheta",),
             "AutoETS+AutoTheta": ("AutoETS", "AutoTheta")}
    # seasonal naive is far better in one (holiday) window only: its mean MASE is lower, but it is not chosen
    f, sc = _window_frame({"AutoETS": [1.0, 1.0, 5.0], "SeasonalNaive": [1.2, 1.2, 1.0],
                           "AutoTheta": [1.05, 1.1, 5.2], "AutoETS+AutoTheta": [1.02, 1.05, 5.1]})
    assert anchored_choice(f, sc, cands) == "AutoETS"
    assert set(choose(f, sc, cands)) == {"AutoETS"}
    # a challenger better in every window wins; a combination as good (within noise) is preferred
    f, sc = _window_frame({"AutoETS": [1.0, 1.0, 1.0], "SeasonalNaive": [1.3, 1.3, 1.3],
                           "AutoTheta": [0.8, 0.7, 0.9], "AutoETS+AutoTheta": [0.85, 0.75, 0.8]})
    assert anchored_choice(f, sc, cands) == "AutoETS+AutoTheta"
    f["AutoETS+AutoTheta"] = [0.99, 0.98, 0.99]
    assert anchored_choice(f, sc, cands) == "AutoTheta"
