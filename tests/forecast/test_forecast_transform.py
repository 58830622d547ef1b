import numpy as np
import pandas as pd

from growthpilot.forecast import DemandForecaster
from growthpilot.forecast.backtest import cross_validate
from growthpilot.forecast.selection import candidates, choose, family, family_choice, log_twin
from growthpilot.forecast.transform import (
    LOG_MODELS,
    base_of,
    level_slope,
    looks_multiplicative,
    with_log_variants,
)


def _series(kind: str, n: int = 96, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    level = 100 * np.exp(0.02 * t)  # the level grows about 6.5 times
    season = np.sin(2 * np.pi * t / 12)
    if kind == "mult":
        y = level * (1 + 0.3 * season) * np.exp(rng.normal(0, 0.03, n))
    else:
        y = level + 30 * season + rng.normal(0, 3, n)
    return pd.DataFrame({"unique_id": kind, "ds": pd.date_range("2010-01-01", periods=n, freq="MS"), "y": y})


def test_level_slope_tells_multiplicative_from_additive():
    s_mult, r_mult = level_slope(_series("mult")["y"].to_numpy(), 12)
    s_add, _ = level_slope(_series("add")["y"].to_numpy(), 12)
    assert s_mult > 0.8 and r_mult > np.log(1.3)
    assert s_add < 0.5
    assert np.isnan(level_slope(np.ones(20), 12)[0])  # fewer than three seasons


def test_log_variants_join_only_small_positive_multiplicative_data():
    models = ("SeasonalNaive", "AutoETS", "AutoTheta")
    mult, add = _series("mult"), _series("add")
    assert looks_multiplicative(mult, 12) and not looks_multiplicative(add, 12)
    assert with_log_variants(mult, models, 12) == (*models, "logAutoETS", "logAutoTheta")
    assert with_log_variants(add, models, 12) == models
    assert with_log_variants(mult.assign(y=mult["y"] - mult["y"].min()), models, 12) == models  # a zero
    assert all(base_of(m) in ("AutoETS", "AutoARIMA", "AutoTheta") for m in LOG_MODELS)


def test_log_backtest_is_back_transformed():
    df = _series("mult")
    cv = cross_validate(df, freq="MS", h=6, n_windows=2, season=12, models=("AutoETS", "logAutoETS"), level=90)
    f = cv.frame
    assert {"logAutoETS", "logAutoETS-lo-90", "logAutoETS-hi-90"} <= set(f.columns)
    assert np.allclose(f["y"], df.set_index("ds").loc[f["ds"], "y"].to_numpy())  # actuals on the original scale
    assert (f["logAutoETS-lo-90"] < f["logAutoETS"]).all() and (f["logAutoETS"] < f["logAutoETS-hi-90"]).all()
    assert np.median(np.abs(f["logAutoETS"] / f["y"] - 1)) < 0.15


def test_family_choice_keeps_one_scale():
    cands = candidates(("SeasonalNaive", "AutoETS", "AutoARIMA", "AutoTheta",
                        "logAutoETS", "logAutoARIMA", "logAutoTheta"))
    assert log_twin(("SeasonalNaive", "AutoETS")) == ("SeasonalNaive", "logAutoETS")
    assert "logAutoETS+logAutoARIMA+logAutoTheta" in cands
    assert family(("SeasonalNaive",)) == "shared" and family(("logAutoETS",)) == "log"
    scales = pd.DataFrame({"unique_id": "a", "cutoff": range(3), "scale": 1.0})

    def frame(log_error: float) -> pd.DataFrame:  # errors of 2 for plain candidates, log_error for log ones
        return pd.DataFrame([{"unique_id": "a", "cutoff": c, "ds": 10 * c + i, "y": 10.0,
                              **{n: 10.0 + (log_error if "log" in n else 2.0) for n in cands}}
                             for c in range(3) for i in range(6)])

    kept = family_choice(frame(0.5), scales, cands)
    assert "SeasonalNaive" in kept and "logAutoETS" in kept and "AutoETS" not in kept
    assert choose(frame(0.5), scales, cands).iloc[0] in kept
    kept = family_choice(frame(3.0), scales, cands)
    assert "AutoETS" in kept and "logAutoETS" not in kept


def test_forecaster_with_log_variants_predicts_positive_intervals():
    df = _series("mult")
    fc = DemandForecaster(freq="MS", horizon=6, models=("SeasonalNaive", "AutoETS", "AutoTheta"), n_val=3).fit(df)
    assert "logAutoETS" in fc.cands_
    pred = fc.predict()
    assert len(pred) == 6 and (pred["lo_90"] > 0).all()
    assert (pred["lo_90"] <= pred["y_hat"]).all() and (pred["y_hat"] <= pred["hi_90"]).all()
    assert pred["y_hat"].iloc[0] > df["y"].iloc[-12:].mean()  # the growth goes on


def test_evaluate_log_decision_ignores_row_order():
    """Whether log variants join is read off the data before the evaluated windows, in time order."""
    from growthpilot.forecast import evaluate

    df = pd.concat([_series("mult"), _series("mult", seed=1).assign(unique_id="mult2")], ignore_index=True)
    models = ("SeasonalNaive", "AutoETS")
    a = evaluate(df, freq="MS", h=6, windows=2, models=models)
    b = evaluate(df.sample(frac=1.0, random_state=0), freq="MS", h=6, windows=2, models=models)
    assert "logAutoETS" in set(a.table["model"])
    pd.testing.assert_frame_equal(a.table.drop(columns="seconds"), b.table.drop(columns="seconds"))
