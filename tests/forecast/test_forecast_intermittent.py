import numpy as np
import pandas as pd
import pytest

from growthpilot.forecast.forecaster import DemandForecaster
from growthpilot.forecast.intermittent import intermittent_share, looks_intermittent, with_intermittent_models
from growthpilot.forecast.metrics import demand_interval, mase_scales


def _lumpy(n_series=4, periods=200, p=0.15, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        y = rng.binomial(1, p, periods) * rng.integers(1, 30, periods)
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2024-01-01", periods=periods), "y": y * 1.0}))
    return pd.concat(rows, ignore_index=True)


def test_demand_interval_and_classification():
    df = pd.DataFrame({"unique_id": ["a"] * 6 + ["b"] * 6, "y": [0, 0, 3, 0, 0, 3, 1, 2, 1, 3, 1, 1.0]})
    adi = demand_interval(df["y"], df["unique_id"])
    assert adi.to_dict() == pytest.approx({"a": 3.0, "b": 1.0})
    assert intermittent_share(df) == 0.5 and looks_intermittent(df)
    assert not looks_intermittent(df[df["unique_id"] == "b"])
    models = ("SeasonalNaive", "AutoETS")
    assert with_intermittent_models(df, models) == (*models, "ADIDA", "IMAPA")
    assert with_intermittent_models(df[df["unique_id"] == "b"], models) == models  # regular data: unchanged


def test_scale_window_of_a_lumpy_series_holds_its_sales():
    # one sale every 10 days, then a quiet last stretch: the recent 24-day window sees no sale at all
    y = np.zeros(300)
    y[5:250:10] = 10.0
    hist = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2024-01-01", periods=300), "y": y})
    pairs = pd.DataFrame({"unique_id": ["a"], "cutoff": [hist["ds"].iloc[-1]]})
    plain = mase_scales(hist, pairs, 1, last=24)["scale"].iloc[0]
    per_demand = mase_scales(hist, pairs, 1, last=24, per_demand=True)["scale"].iloc[0]
    assert np.isnan(plain) and per_demand > 0
    regular = hist.assign(y=np.arange(300.0) % 7)  # no zero-heavy series: the window is unchanged
    assert mase_scales(regular, pairs, 1, last=24, per_demand=True)["scale"].iloc[0] == pytest.approx(
        mase_scales(regular, pairs, 1, last=24)["scale"].iloc[0])


def test_intermittent_models_are_opt_in():
    df = _lumpy(n_series=2, periods=120)
    fc = DemandForecaster(freq="D", horizon=7, models=("SeasonalNaive", "AutoETS"), n_val=2).fit(df)
    assert not {"ADIDA", "IMAPA"} & set(fc.cands_)


def test_forecaster_on_intermittent_series_tries_adida_and_imapa():
    df = _lumpy()
    fc = DemandForecaster(freq="D", horizon=7, models=("SeasonalNaive", "AutoETS"), n_val=2,
                          intermittent_models=True).fit(df)
    assert {"ADIDA", "IMAPA"} <= set(fc.cands_)
    pred = fc.predict()
    assert len(pred) == 4 * 7 and pred[["y_hat", "lo_90", "hi_90"]].notna().all().all()
    assert (pred["lo_90"] >= 0).all() and (pred["hi_90"] >= pred["y_hat"]).all()


def test_intermittent_models_alone_forecast_without_an_interval_of_their_own():
    fc = DemandForecaster(freq="D", horizon=7, models=("ADIDA", "IMAPA"), n_val=2).fit(_lumpy())
    pred = fc.predict()
    assert set(pred["model"]) <= {"ADIDA", "IMAPA"} and pred[["lo_90", "hi_90"]].notna().all().all()
