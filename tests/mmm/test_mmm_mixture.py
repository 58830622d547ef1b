"""Model averaging over saturation families (``saturation="hill+logistic"``): pooled draws and what reads them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import ConfigError, NotFittedError
from growthpilot.mmm import BudgetOptimizer, MarketingMixModel, MMMPosterior, response_curves, roi_table
from growthpilot.mmm.mixture import MixturePosterior
from growthpilot.mmm.summary import contributions_over_time

SPEND = np.random.default_rng(5).uniform(50.0, 150.0, (60, 2)) * np.array([1.0, 0.5])


def _family(saturation: str, n_draws: int = 200, seed: int = 0) -> MMMPosterior:
    """Draws of one family; the logistic curves are steeper near zero, so its ROI is clearly higher."""
    rng = np.random.default_rng(seed)
    c = 2
    sat = ({"beta": rng.uniform(0.24, 0.26, (n_draws, c)), "lam": rng.uniform(2.8, 3.2, (n_draws, c))}
           if saturation == "logistic" else
           {"beta": rng.uniform(0.20, 0.22, (n_draws, c)), "slope": rng.uniform(1.8, 2.0, (n_draws, c)),
            "kappa": rng.uniform(0.9, 1.1, (n_draws, c))})
    return MMMPosterior(
        channels=["tv", "search"], adstock="geometric", saturation=saturation, l_max=4,
        adstock_params={"alpha": rng.uniform(0.3, 0.5, (n_draws, c))}, saturation_params=sat,
        channel_scale=np.array([100.0, 50.0]), target_scale=1000.0, intercept=np.full(n_draws, 0.5 + seed),
        sigma=np.full(n_draws, 10.0), gamma_fourier=np.zeros((n_draws, 4)), n_fourier=2,
    )


@pytest.fixture
def parts():
    return _family("hill", seed=0), _family("logistic", seed=1)


def test_pooled_draws_hold_both_families(parts):
    hill, logi = parts
    mix = MixturePosterior([hill, logi])
    assert mix.n_draws == hill.n_draws + logi.n_draws and mix.saturation == "hill+logistic"
    fam = mix.family_of_draw()
    assert (fam == "hill").sum() == hill.n_draws and (fam == "logistic").sum() == logi.n_draws
    got = mix.contributions(SPEND)
    np.testing.assert_allclose(got[: hill.n_draws], hill.contributions(SPEND))
    np.testing.assert_allclose(got[hill.n_draws:], logi.contributions(SPEND))
    np.testing.assert_allclose(mix.sigma, np.concatenate([hill.sigma, logi.sigma]))


def test_mixture_roi_interval_spans_both_families_medians(parts):
    hill, logi = parts
    t_h, t_l = roi_table(hill, SPEND), roi_table(logi, SPEND)
    t_m = roi_table(MixturePosterior([hill, logi]), SPEND)
    assert (t_l["roi"] > t_h["roi_high"]).all()  # the fixture's families disagree beyond their own intervals
    for t in (t_h, t_l):
        assert ((t_m["roi_low"] <= t["roi"]) & (t["roi"] <= t_m["roi_high"])).all()
    lo = np.minimum(t_h["roi"], t_l["roi"])
    hi = np.maximum(t_h["roi"], t_l["roi"])
    assert ((lo <= t_m["roi"]) & (t_m["roi"] <= hi)).all()
    # the pooled interval is wider than either family's
    assert ((t_m["roi_high"] - t_m["roi_low"]) > (t_h["roi_high"] - t_h["roi_low"])).all()


def test_weights_set_each_family_share_of_draws(parts):
    hill, logi = parts
    mix = MixturePosterior([hill, logi], weights=[3.0, 1.0])
    fam = mix.family_of_draw()
    assert mix.n_draws == 400 and (fam == "hill").sum() == 300 and (fam == "logistic").sum() == 100
    only = MixturePosterior([hill, logi], weights=[0.0, 1.0])
    np.testing.assert_allclose(roi_table(only, SPEND)["roi"], roi_table(logi, SPEND)["roi"], rtol=0.02)
    thin = mix.thin(100)
    assert thin.n_draws == 100 and (thin.family_of_draw() == "hill").sum() == 75
    with pytest.raises(ConfigError):
        MixturePosterior([hill, logi], weights=[1.0])
    with pytest.raises(ConfigError):
        MixturePosterior([hill, replace(logi, channels=["a", "b"])])


def test_response_curves_and_optimiser_use_the_average_of_the_families(parts):
    hill, logi = parts
    mix = MixturePosterior([hill, logi])
    grid = np.array([[80.0, 40.0], [120.0, 60.0]])
    expected = (hill.steady_response(grid).mean(0) + logi.steady_response(grid).mean(0)) / 2
    np.testing.assert_allclose(mix.steady_response(grid).mean(0), expected)
    curves = response_curves(mix, SPEND)
    assert (curves.groupby("channel")["response"].apply(lambda r: r.is_monotonic_increasing)).all()
    cur = SPEND[-8:].mean(0)
    plan = BudgetOptimizer().allocate(mix, cur)
    alloc = plan.allocation
    assert alloc["recommended"].sum() == pytest.approx(cur.sum(), rel=1e-6)
    assert (alloc["recommended"] >= alloc["lower"] - 1e-6).all() and (alloc["recommended"] <= alloc["upper"] + 1e-6).all()
    assert plan.gain >= -1e-6  # never worse in expectation than the current split
    # the recommended response is the average of the two families' expected responses at that split
    x = alloc["recommended"].to_numpy()[None, :]
    avg = (hill.steady_response(x)[:, 0].mean(0) + logi.steady_response(x)[:, 0].mean(0)) / 2
    np.testing.assert_allclose(alloc["recommended_response"], avg, rtol=1e-3)
    dates = pd.date_range("2024-01-01", periods=len(SPEND), freq="W-MON")
    long = contributions_over_time(mix, dates, SPEND, None)
    assert set(long["component"]) == {"baseline", "tv", "search"}


def test_mixture_model_settings_are_checked_before_any_fit():
    df = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=40, freq="W-MON"),
                       "y": np.linspace(100, 140, 40), "tv": SPEND[:40, 0]})
    with pytest.raises(ConfigError, match="mixture_weights"):
        MarketingMixModel(saturation="hill+logistic", mixture_weights="best").fit(df, spend_cols=["tv"])
    with pytest.raises(ConfigError, match="spend_share"):
        MarketingMixModel(saturation="hill+logistic", beta_prior="spend_share").fit(df, spend_cols=["tv"])
    with pytest.raises(ConfigError, match="hill\\+logistic"):
        MarketingMixModel(saturation="hill+logistic").build(df, spend_cols=["tv"])
    with pytest.raises(NotFittedError):
        MarketingMixModel(saturation="hill+logistic").mixture_posterior()


@pytest.mark.integration
def test_mixture_fit_through_the_mmm_stage_pools_both_families(workspace):
    from growthpilot.mmm.run import run_mmm
    from growthpilot.simulate.mmm import simulate_mmm

    weekly, truth, lifts = simulate_mmm(weeks=60, channels=2, seed=3)
    spend_cols = [f"{c}_spend" for c in truth["channel"]]
    res = run_mmm(workspace, weekly=weekly[["date", "revenue", *spend_cols]],
                  lift_tests=lifts.drop(columns=["true_lift"]),
                  model_params={"saturation": "hill+logistic", "yearly_seasonality": 1, "draws": 80, "tune": 100,
                                "chains": 1, "random_seed": 1})
    model = res.model
    assert set(model.components_) == {"hill", "logistic"}
    fam = model.posterior_.family_of_draw()
    assert model.posterior_.n_draws == 160 and (fam == "hill").sum() == 80 and (fam == "logistic").sum() == 80
    assert model.diagnostics_["draws"] == 160 and model.fit_seconds_ >= max(
        m.fit_seconds_ for m in model.components_.values())
    # the stage's ROI is the pooled one: its median lies between the two families' medians
    fam_tables = [roi_table(m.posterior_, m.spend_) for m in model.components_.values()]
    lo = np.minimum(*[t["roi"].to_numpy() for t in fam_tables])
    hi = np.maximum(*[t["roi"].to_numpy() for t in fam_tables])
    got = res.results["roi"].to_numpy()
    assert ((got >= lo * 0.999) & (got <= hi * 1.001)).all()
    assert (res.results["roi_low"] <= res.results["roi_high"]).all() and res.report.exists()
    assert res.plan.allocation["recommended"].sum() == pytest.approx(res.plan.budget, rel=1e-6)
    check = model.lift_check()
    assert len(check) == len(lifts) and check["z"].notna().all()
    pred = model.predict()
    assert len(pred) == len(weekly) and np.abs(pred["y_hat"] / weekly["revenue"].to_numpy() - 1).mean() < 0.1
    w = model.family_weights("stacking")
    assert set(w) == {"hill", "logistic"} and sum(w.values()) == pytest.approx(1.0)
    weighted = model.mixture_posterior(w)
    assert weighted.n_draws == pytest.approx(160, abs=1)
