"""The MMM simulator: determinism, truth consistent with its own data-generating process, lift tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.simulate import mmm_to_channel_spend, simulate_mmm
from growthpilot.simulate.media import adstock_weights, apply_adstock, response
from growthpilot.warehouse.contracts import get as get_contract


@pytest.fixture(scope="module")
def sim():
    return simulate_mmm(weeks=156, channels=6, seed=7)


def test_mmm_shapes_and_columns(sim):
    weekly, truth, lifts = sim
    assert len(weekly) == 156 and len(truth) == 6
    for c in truth.channel:
        assert f"{c}_spend" in weekly and f"{c}_impressions" in weekly
        assert (weekly[f"{c}_spend"] >= 0).all()
    for col in ("date", "revenue", "price_index", "promo", "holiday", "competitor_spend"):
        assert col in weekly
    assert pd.to_datetime(weekly["date"]).diff().dropna().dt.days.eq(7).all()
    assert set(truth.adstock_type) == {"geometric", "delayed"}
    assert weekly["holiday"].sum() > 0 and weekly["promo"].sum() > 0
    assert (weekly["revenue"] > 0).all()


def test_mmm_deterministic_and_seed_dependent(sim):
    weekly, truth, lifts = sim
    w2, t2, l2 = simulate_mmm(weeks=156, channels=6, seed=7)
    pd.testing.assert_frame_equal(weekly, w2)
    pd.testing.assert_frame_equal(truth, t2)
    pd.testing.assert_frame_equal(lifts, l2)
    w3, t3, _ = simulate_mmm(weeks=156, channels=6, seed=8)
    assert not np.allclose(t3.true_roi, truth.true_roi)


def test_mmm_truth_matches_data_generating_process(sim):
    """Re-applying the published adstock/saturation to the published spend gives the published ROI."""
    weekly, truth, _ = sim
    for row in truth.itertuples():
        params = {"adstock": row.adstock_type, "alpha": row.adstock_alpha, "theta": row.adstock_theta,
                  "l_max": int(row.adstock_l_max), "saturation": row.saturation_type, "beta": row.saturation_beta,
                  "k": row.saturation_k, "slope": row.saturation_slope, "lam": row.saturation_lam}
        spend = weekly[f"{row.channel}_spend"].to_numpy()
        contrib = response(spend, params)
        # the series starts without the carry-over of earlier weeks: skip the first l_max weeks
        skip = int(row.adstock_l_max)
        full = row.total_contribution * contrib[skip:].sum() / contrib.sum()
        assert contrib[skip:].sum() == pytest.approx(full, rel=0.05)
        assert contrib.sum() == pytest.approx(row.total_contribution, rel=0.08)
        assert row.total_spend == pytest.approx(spend.sum(), rel=1e-9)
        assert row.true_roi == pytest.approx(row.total_contribution / row.total_spend)
        assert row.mroi > 0
    # media explains a meaningful but minor share of revenue
    share = truth.total_contribution.sum() / weekly.revenue.sum()
    assert 0.05 < share < 0.6


def test_mmm_spend_is_identifiable(sim):
    weekly, truth, _ = sim
    spend = weekly[[f"{c}_spend" for c in truth.channel]]
    corr = spend.corr().to_numpy()
    off = corr[~np.eye(len(corr), dtype=bool)]
    assert np.abs(off).max() < 0.9
    assert (spend.std() / spend.mean() > 0.15).all()


def test_mmm_lift_tests_consistent_with_truth(sim):
    _, truth, lifts = sim
    assert set(lifts.channel) == set(truth.channel)
    assert (lifts.groupby("channel").size() >= 2).all()
    assert (np.sign(lifts.true_lift) == np.sign(lifts.delta_spend)).all()
    z = (lifts.lift - lifts.true_lift) / lifts.lift_se
    assert np.abs(z).max() < 5
    assert (lifts.end_date > lifts.start_date).all()
    assert np.allclose(lifts.delta_y * (lifts.delta_spend / lifts.delta_x), lifts.lift)


def test_mmm_lift_designs(sim):
    """Mixed (default): each channel's first test is a go-dark holdout; scale tests never switch a channel off."""
    _, truth, lifts = sim
    first = lifts.groupby("channel", sort=False).head(1)
    assert np.allclose(first.delta_x, -first.x)  # the whole window's spend is removed
    weekly_s, truth_s, scale = simulate_mmm(weeks=156, channels=6, seed=7, lift_design="scale")
    pd.testing.assert_frame_equal(truth_s, truth)  # the design changes the tests, not the world
    assert (np.abs(scale.delta_x / scale.x) <= 0.6 + 1e-9).all()
    _, _, hold = simulate_mmm(weeks=156, channels=6, seed=7, lift_design="holdout")
    assert np.allclose(hold.delta_x, -hold.x) and (hold.true_lift < 0).all()
    with pytest.raises(DataError, match="lift_design"):
        simulate_mmm(weeks=52, lift_design="always")


def test_mmm_geo_panel_and_channel_spend():
    weekly, truth, lifts = simulate_mmm(weeks=52, channels=3, seed=1, geos=4)
    assert weekly.geo.nunique() == 4 and len(weekly) == 52 * 4
    assert lifts.geo.notna().all()
    long = mmm_to_channel_spend(weekly)
    assert len(long) == 52 * 4 * 3
    get_contract("channel_spend").conform(long)
    assert long.groupby("channel").spend.sum().to_dict() == pytest.approx(truth.set_index("channel").total_spend.to_dict())


def test_mmm_bad_arguments():
    with pytest.raises(DataError, match="at least 8 weeks"):
        simulate_mmm(weeks=5)
    with pytest.raises(DataError, match="channels"):
        simulate_mmm(channels=0)


def test_adstock_shapes():
    g = adstock_weights("geometric", alpha=0.5, l_max=6)
    d = adstock_weights("delayed", alpha=0.7, theta=2.0, l_max=8)
    assert g.argmax() == 0 and d.argmax() == 2
    assert g.sum() == pytest.approx(1) and d.sum() == pytest.approx(1)
    x = np.full(30, 10.0)
    assert apply_adstock(x, d)[-1] == pytest.approx(10.0)
