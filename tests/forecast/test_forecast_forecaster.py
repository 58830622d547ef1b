import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import NotFittedError
from growthpilot.forecast import DemandForecaster, evaluate
from growthpilot.forecast.sigma import add_sigmas
from growthpilot.forecast.synthetic import synthetic_panel

MODELS = ("SeasonalNaive", "AutoETS", "AutoTheta", "LightGBM")


@pytest.fixture(scope="module")
def panel():
    df, _ = synthetic_panel(n_series=6, periods=84, freq="MS", seed=7, dispersion=30)
    return df.drop(columns="category")


@pytest.fixture(scope="module")
def fitted(panel):
    return DemandForecaster(freq="MS", horizon=6, models=MODELS, n_val=2, exog_cols=("price", "promo")).fit(panel)


def test_predict_shape_intervals_and_model(fitted, panel):
    pred = fitted.predict()
    assert list(pred.columns) == ["unique_id", "ds", "y_hat", "lo_90", "hi_90", "model"]
    assert len(pred) == 6 * panel["unique_id"].nunique()
    assert pred["ds"].min() == panel["ds"].max() + pd.DateOffset(months=1)
    assert (pred["lo_90"] <= pred["y_hat"]).all() and (pred["y_hat"] <= pred["hi_90"]).all()
    assert (pred["lo_90"] >= 0).all()  # sales cannot be negative
    assert set(pred["model"]) <= set(fitted.cands_)
    assert pred["model"].iloc[0] in fitted.ranking_.index[:3]  # a backtest leader is used
    assert len(fitted.predict(3)) == 3 * panel["unique_id"].nunique()


def _mean_width_by_step(pred):
    return (pred["hi_90"] - pred["lo_90"]).groupby(pred.groupby("unique_id").cumcount()).mean()


def test_intervals_widen_with_the_horizon(fitted, panel):
    assert fitted.conformal_.normaliser_ in {"scale", "sigma"}
    width = _mean_width_by_step(fitted.predict())
    assert np.all(np.diff(width) >= -1e-9) and width.iloc[0] > 0



def test_sigma_intervals_are_one_quantile_times_the_models_own_standard_deviation(panel):
    fc = DemandForecaster(freq="MS", horizon=6, models=("SeasonalNaive", "AutoETS"), n_val=2,
                          intervals="sigma").fit(panel)
    assert fc.conformal_.normaliser_ == "sigma"
    pred = fc.predict()
    base = add_sigmas(fc.base_forecasts_, fc.cands_, 90)
    sigma = base.set_index(["unique_id", "ds"]).loc[list(zip(pred["unique_id"], pred["ds"], strict=True))]
    sigma = sigma[[m + "__sigma" for m in pred["model"].unique()]].to_numpy().ravel()
    ratio = (pred["hi_90"] - pred["y_hat"]).to_numpy() / sigma
    assert np.allclose(ratio, fc.conformal_.q_[0]) and ratio[0] > 0


def test_not_fitted_error():
    with pytest.raises(NotFittedError, match="fit"):
        DemandForecaster().predict()


def test_evaluate_chooses_on_earlier_windows_only(panel):
    ev = evaluate(panel, freq="MS", h=6, windows=2, n_val=2, models=("SeasonalNaive", "AutoETS"))
    t = ev.table.set_index("model")
    assert {"SeasonalNaive", "AutoETS", "chosen"} <= set(t.index)
    assert sorted(ev.frame["cutoff"].unique()) == sorted(ev.frame["cutoff"].unique())[-2:]
    assert len(ev.choices) == 2
    assert t.loc["chosen", "mase"] <= t[["mase"]].max().iloc[0]
    assert 0 <= t.loc["chosen", "coverage"] <= 100
    m = ev.metrics()
    assert m["n_series"] == 6 and "mase_vs_SeasonalNaive" in m


def test_bounds_clipped_at_zero_per_series_that_never_goes_negative():
    rng = np.random.default_rng(3)
    ds = pd.date_range("2020-01-01", periods=120, freq="D")
    df = pd.concat([
        pd.DataFrame({"unique_id": "counts", "ds": ds, "y": rng.poisson(2, 120).astype(float)}),
        pd.DataFrame({"unique_id": "zeros", "ds": ds, "y": 0.0}),
        pd.DataFrame({"unique_id": "net", "ds": ds, "y": rng.normal(0, 5, 120)}),  # returns: can be negative
    ], ignore_index=True)
    fc = DemandForecaster(freq="D", horizon=7, models=("SeasonalNaive", "AutoETS"), n_val=2).fit(df)
    pred = fc.predict().set_index("unique_id")
    assert (pred.loc[["counts", "zeros"], ["y_hat", "lo_90", "hi_90"]] >= 0).all().all()
    assert (pred.loc["zeros", "lo_90"] <= 0).all() and (pred.loc["zeros", "hi_90"] >= 0).all()  # zero is covered
    assert (pred.loc["net", "lo_90"] < 0).all()  # a panel with one signed series leaves the others clipped
