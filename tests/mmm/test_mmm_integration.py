"""Integration tests: a real (small) NUTS fit, the CLI on a workspace, the shared example data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpilot.mmm import MarketingMixModel, roi_table
from growthpilot.simulate.mmm import mmm_to_channel_spend, simulate_mmm

pytestmark = pytest.mark.integration
FAST = {"draws": 120, "tune": 150, "chains": 1, "random_seed": 1}


@pytest.fixture(scope="module")
def sim():
    weekly, truth, lifts = simulate_mmm(weeks=60, channels=2, seed=3)
    return weekly, truth, lifts


@pytest.fixture(scope="module")
def fitted(sim):
    weekly, truth, lifts = sim
    spend_cols = [f"{c}_spend" for c in truth["channel"]]
    model = MarketingMixModel(saturation="hill", yearly_seasonality=1, **FAST)
    return model.fit(weekly, date_col="date", target_col="revenue", spend_cols=spend_cols,
                     control_cols=["promo", "holiday"], lift_tests=lifts)


def test_numpy_posterior_matches_the_pymc_marketing_graph(fitted):
    post = fitted.idata_.posterior.stack(sample=("chain", "draw"))
    ref = post["channel_contribution"].sel(channel=fitted.spend_cols_).transpose("sample", "date", "channel").to_numpy()
    got = fitted.posterior_.contributions(fitted.spend_) / fitted.posterior_.target_scale
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-8)
    mu_ref = (ref.sum(2) + post["intercept_contribution"].to_numpy()[:, None]
              + post["control_contribution"].sum("control").transpose("sample", "date").to_numpy()
              + post["yearly_seasonality_contribution"].transpose("sample", "date").to_numpy())
    dates, spend, controls = fitted.design()
    mu = fitted.posterior_.mean_outcome(dates, spend, controls) / fitted.posterior_.target_scale
    np.testing.assert_allclose(mu, mu_ref, rtol=1e-5, atol=1e-8)


def test_fit_outputs_and_calibration_use(fitted, sim):
    weekly, truth, _ = sim
    assert len(fitted.lift_tests_.tests) > 0
    table = roi_table(fitted.posterior_, fitted.spend_)
    assert np.isfinite(table[["roi", "roi_low", "roi_high", "mroi"]].to_numpy()).all()
    assert (table["roi_low"] < table["roi_high"]).all()
    # calibrated ROI lands in the right region of the truth even on a short, cheap fit
    ratio = table["roi"].to_numpy() / truth["true_roi"].to_numpy()
    assert ((ratio > 0.4) & (ratio < 2.5)).all()
    pred = fitted.predict()
    err = np.abs(pred["y_hat"] / weekly["revenue"].to_numpy() - 1).mean()
    assert err < 0.1


def test_lift_check_replays_every_windowed_test(fitted, sim):
    _, _, lifts = sim
    check = fitted.lift_check()
    assert len(check) == len(lifts)  # every simulated test has its window in the data
    assert list(check["channel"]) == [f"{c}_spend" for c in lifts["channel"]]
    np.testing.assert_allclose(check["lift"], lifts["lift"], rtol=1e-9)
    assert (check["modelled_low"] <= check["modelled"]).all() and (check["modelled"] <= check["modelled_high"]).all()
    # the calibrated model reproduces its experiments: the sign of every test, and no gross misfit
    assert (np.sign(check["modelled"]) == np.sign(lifts["true_lift"])).all()
    assert (check["z"].abs() < 4).all()


def test_cli_mmm_writes_results_and_report(workspace, sim):
    from typer.testing import CliRunner

    from growthpilot.cli import app

    weekly, _, lifts = sim
    lift_csv = workspace.root / "lifts.csv"
    lifts[["channel", "start_date", "end_date", "delta_spend", "lift", "lift_se"]].to_csv(lift_csv, index=False)
    wh = workspace.warehouse
    wh.write("channel_spend", mmm_to_channel_spend(weekly), mode="replace")
    orders = pd.DataFrame({"order_id": [f"o{i}" for i in range(len(weekly))], "line_no": 1,
                           "ts": pd.to_datetime(weekly["date"]), "amount": weekly["revenue"]})
    wh.write("orders", orders, mode="replace")
    res = CliRunner().invoke(app, ["mmm", "--workspace", str(workspace.root), "--draws", "60", "--tune", "60", "--chains", "1",
                                   "--bounds", "tv=0.8:1.2", "--lift-tests", str(lift_csv), "--json"])
    assert res.exit_code == 0, res.output
    out = wh.read(wh.table("mmm_results"))
    assert set(out["channel"]) == {"tv", "search"} and out["run_id"].nunique() == 1
    assert (out["roi_low"] <= out["roi_high"]).all()
    reports = list(workspace.reports_dir.glob("mmm-*.html"))
    assert reports and "<svg" in reports[0].read_text()
    assert "Lift tests: measured" in reports[0].read_text()


def test_example_data_from_pymc_marketing(data_dir):
    from tests.conftest import need_file

    path = need_file(data_dir / "mmm" / "pymc_marketing_mmm_example.csv")
    df = pd.read_csv(path)
    model = MarketingMixModel(yearly_seasonality=2, **{**FAST, "draws": 80, "tune": 100}).fit(
        df, date_col="date_week", target_col="y", spend_cols=["x1", "x2"], control_cols=["event_1", "event_2"])
    pred = model.predict()
    assert np.abs(pred["y_hat"] / df["y"] - 1).mean() < 0.15
