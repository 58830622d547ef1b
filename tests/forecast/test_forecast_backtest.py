import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.forecast.backtest import cross_validate
from growthpilot.forecast.conformal import before, fit_intervals
from growthpilot.forecast.evaluate import auto_origins, backtest_frame, score_windows
from growthpilot.forecast.selection import anchor_candidate, candidates


def _series(n: int = 96, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, n)
    return pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2010-01-01", periods=n, freq="MS"), "y": y})


def test_extra_origins_run_forward_from_the_usual_fits():
    df, models = _series(), ("SeasonalNaive", "AutoETS")
    usual = cross_validate(df, freq="MS", h=6, n_windows=3, season=12, models=models, level=90).frame
    dense = cross_validate(df, freq="MS", h=6, n_windows=3, season=12, models=models, level=90, origins=3).frame
    assert dense["cutoff"].nunique() == 7 and dense["block"].nunique() == 3  # origins every 2 months
    at_blocks = dense[dense["cutoff"] == dense["block"]].reset_index(drop=True)
    assert np.allclose(at_blocks["AutoETS"], usual["AutoETS"])  # the usual backtest, unchanged
    assert (dense["end"] == dense["cutoff"] + pd.DateOffset(months=6)).all()
    with pytest.raises(DataError):
        cross_validate(df, freq="MS", h=6, n_windows=3, season=12, models=models, origins=4)


def test_auto_origins_scale_with_panel_size():
    assert auto_origins(1, 12, 9) == 12 and auto_origins(2, 8, 9) == 8
    assert auto_origins(96, 4, 5) == 1 and auto_origins(500, 14, 5) == 1


def test_calibration_uses_only_fully_observed_windows():
    bt = backtest_frame(_series(120), freq="MS", h=6, windows=2, n_val=3, models=("SeasonalNaive", "AutoETS"),
                        origins=3, log_variants=False)
    last = sorted(bt.frame["block"].unique())[-1]
    val = before(bt.frame, last)
    assert len(val) and (val["ds"] <= last).all() and (val["cutoff"] < last).all()
    assert fit_intervals(val, "AutoETS").n_calibration_ == len(val)
    ev = score_windows(bt, windows=2)
    assert set(ev.frame["cutoff"]) == set(sorted(bt.frame["block"].unique())[-2:])  # scored at the usual cutoffs


def test_anchor_is_the_classic_combination_when_available():
    assert anchor_candidate(candidates(("SeasonalNaive", "AutoETS", "AutoARIMA", "AutoTheta"))) == \
        "AutoETS+AutoARIMA+AutoTheta"
    assert anchor_candidate(candidates(("SeasonalNaive", "AutoETS", "AutoTheta", "LightGBM"))) == "AutoETS"


def test_forecaster_calibrates_on_the_extra_origins():
    from growthpilot.forecast import DemandForecaster

    fc = DemandForecaster(freq="MS", horizon=6, models=("SeasonalNaive", "AutoETS"), n_val=3).fit(_series())
    bt = fc.backtest_
    assert bt["cutoff"].nunique() == 13 and bt["block"].nunique() == 3  # 6 origins per window, 1 series
    pred = fc.predict()
    assert len(pred) == 6 and (pred["lo_90"] < pred["y_hat"]).all() and (pred["y_hat"] < pred["hi_90"]).all()


def test_candidates_include_the_classic_combination_with_seasonal_naive():
    cands = candidates(("SeasonalNaive", "AutoETS", "AutoARIMA", "AutoTheta", "logAutoETS", "logAutoARIMA",
                        "logAutoTheta"))
    assert cands["SeasonalNaive+AutoETS+AutoARIMA+AutoTheta"] == ("SeasonalNaive", "AutoETS", "AutoARIMA", "AutoTheta")
    assert "SeasonalNaive+logAutoETS+logAutoARIMA+logAutoTheta" in cands
    assert "SeasonalNaive+AutoETS+AutoARIMA+AutoTheta" not in candidates(("SeasonalNaive", "AutoETS", "AutoTheta"))


def test_mstl_is_a_base_model_with_its_own_interval_and_joins_two_combinations():
    from growthpilot.forecast.models import BASE_MODELS, stat_model

    assert "MSTL" in BASE_MODELS
    assert type(stat_model("MSTL", 12)).__name__ == "MSTL"
    assert str(stat_model("MSTL", 1)) == "MSTL"  # no season: the non-seasonal AutoETS under MSTL's name
    cv = cross_validate(_series(), freq="MS", h=6, n_windows=2, season=12, models=("SeasonalNaive", "MSTL"), level=90)
    assert cv.frame[["MSTL", "MSTL-lo-90", "MSTL-hi-90"]].notna().all().all()
    assert (cv.frame["MSTL-lo-90"] < cv.frame["MSTL-hi-90"]).all()
    cands = candidates(("SeasonalNaive", "AutoETS", "AutoARIMA", "AutoTheta", "MSTL", "LightGBM", "logAutoETS",
                        "logAutoARIMA", "logAutoTheta"))
    assert cands["AutoETS+AutoARIMA+AutoTheta+MSTL"] == ("AutoETS", "AutoARIMA", "AutoTheta", "MSTL")
    assert "AutoETS+AutoTheta+LightGBM+MSTL" in cands and "logAutoETS+logAutoARIMA+logAutoTheta+MSTL" in cands
    assert anchor_candidate(cands) == "AutoETS+AutoARIMA+AutoTheta"


def test_run_forward_ets_keeps_its_seasonal_phase_on_a_moving_input_window():
    # big-panel budget (fitted once, run forward, recent input only) with a step that is not a whole number
    # of seasons: statsforecast restarts ETS's filter at the moving window's first period, so without the
    # whole history its seasonal states drift out of phase window after window (forecast-1.8)
    from growthpilot.forecast.backtest import seasonal_state
    from growthpilot.forecast.models import ArimaBudget

    rng = np.random.default_rng(3)
    t = np.arange(400)
    y = 50 + 20 * np.sin(2 * np.pi * t / 7) + 10 * (t % 7 == 5) + rng.normal(0, 1, len(t))
    df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=len(t), freq="D"), "y": y})
    for origins in (1, 2):  # one origin per window, several: ETS runs forward on the whole history
        args = dict(freq="D", h=10, n_windows=4, season=7, models=("AutoETS",), origins=origins)
        forward = cross_validate(df, refit=False, arima_budget=ArimaBudget(fast=True, input_size=120), **args).frame
        reference = cross_validate(df, refit=True, **args).frame  # fitted on the whole history at every window
        mae = [(f["y"] - f["AutoETS"]).abs().groupby(f["cutoff"]).mean() for f in (forward, reference)]
        assert (mae[0] < 1.5 * mae[1]).all()  # every origin as good as the reference (before forecast-1.8: 9-22 against 0.5-0.9)
    assert seasonal_state("AutoETS", 7) and not seasonal_state("AutoETS", 52) and not seasonal_state("AutoTheta", 7)


def test_intraday_validation_windows_cover_one_week():
    from growthpilot.forecast.evaluate import auto_validation

    df = pd.DataFrame({"unique_id": ["a"] * 3, "ds": pd.date_range("2024-01-01", periods=3, freq="h"), "y": 1.0})
    assert auto_validation(df, h=24, season=24, cycle=168) == 7       # a day per window: a week of days
    assert auto_validation(df, h=48, season=48, cycle=336) == 7       # half-hours, a day per window
    assert auto_validation(df, h=1, season=24, cycle=168) == 8        # capped
    assert auto_validation(df, h=168, season=24, cycle=168) == 2
    assert auto_validation(df, h=24, season=24) == 6                  # without the cycle: as before
