"""Unit tests for the MMM building blocks that need no sampling (hand-made posteriors)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError, NotFittedError, ValidationError
from growthpilot.mmm import (
    MMM_RESULTS,
    BudgetOptimizer,
    MarketingMixModel,
    MMMPosterior,
    lift_tests_from_experiments,
    normalize_lift_tests,
    prepare_weekly,
    response_curves,
    roi_table,
)
from growthpilot.mmm.calibration import build_lift_paths
from growthpilot.mmm.report import write_report
from growthpilot.mmm.summary import contributions_over_time, mape
from growthpilot.mmm.transforms import adstock_weights, apply_adstock, saturate, yearly_fourier
from growthpilot.simulate.media import adstock_weights as sim_weights
from growthpilot.simulate.media import apply_adstock as sim_apply
from growthpilot.simulate.media import hill, logistic


def _posterior(n_draws: int = 50, saturation: str = "logistic", seed: int = 0) -> MMMPosterior:
    rng = np.random.default_rng(seed)
    c = 2
    sat = ({"beta": rng.uniform(0.2, 0.3, (n_draws, c)), "lam": rng.uniform(1.5, 2.5, (n_draws, c))}
           if saturation == "logistic" else
           {"beta": rng.uniform(0.2, 0.3, (n_draws, c)), "slope": rng.uniform(1.5, 2.0, (n_draws, c)),
            "kappa": rng.uniform(0.8, 1.5, (n_draws, c))})
    return MMMPosterior(
        channels=["tv", "search"], adstock="geometric", saturation=saturation, l_max=4,
        adstock_params={"alpha": rng.uniform(0.3, 0.5, (n_draws, c))}, saturation_params=sat,
        channel_scale=np.array([100.0, 50.0]), target_scale=1000.0, intercept=np.full(n_draws, 0.5),
        sigma=np.full(n_draws, 10.0), gamma_fourier=np.zeros((n_draws, 4)), n_fourier=2,
    )


def test_adstock_and_saturation_match_the_simulator_definitions():
    for kind, theta in (("geometric", None), ("delayed", np.array([[1.5]]))):
        w = adstock_weights(kind, np.array([[0.6]]), theta, l_max=6)
        ref = sim_weights(kind, alpha=0.6, theta=1.5 if theta is not None else 0.0, l_max=6)
        np.testing.assert_allclose(w[0, 0], ref)
        x = np.random.default_rng(1).uniform(0, 5, (20, 1))
        np.testing.assert_allclose(apply_adstock(x, w)[0, :, 0], sim_apply(x[:, 0], ref))
    x = np.linspace(0, 3, 7)[None, :, None]
    got = saturate(x, "hill", {"beta": np.array([[2.0]]), "slope": np.array([[1.7]]), "kappa": np.array([[1.1]])})
    ref = 2.0 * hill(x[0, :, 0], k=1.1, slope=1.7) / hill(np.array([1.0]), k=1.1, slope=1.7)
    np.testing.assert_allclose(got[0, :, 0], ref, atol=1e-12)
    got = saturate(x, "logistic", {"beta": np.array([[3.0]]), "lam": np.array([[0.8]])})
    np.testing.assert_allclose(got[0, :, 0], 3.0 * logistic(x[0, :, 0], lam=0.8))


def test_yearly_fourier_is_periodic():
    f = yearly_fourier(pd.to_datetime(["2023-03-01", "2024-03-01"]), 2)
    assert f.shape == (2, 4)
    np.testing.assert_allclose(f[0], f[1], atol=0.05)  # leap day shifts a day


def test_constant_spend_reaches_steady_state():
    post = _posterior()
    spend = np.tile([80.0, 40.0], (30, 1))
    contrib = post.contributions(spend)
    steady = post.steady_response(np.array([[80.0, 40.0]]))
    np.testing.assert_allclose(contrib[:, -1, :], steady[:, 0, :], rtol=1e-9)
    # with the carry-over of earlier spend (backcast at the first weeks' level) every week is steady
    warm = post.contributions(spend, carry_in=post.backcast(spend))
    np.testing.assert_allclose(warm[:, 0, :], steady[:, 0, :], rtol=1e-9)
    roi = roi_table(post, spend).set_index("channel")["roi"]
    cold = roi_table(post, spend, carry_in=False).set_index("channel")["roi"]
    assert (roi > cold).all()
    np.testing.assert_allclose(roi.to_numpy(), np.median(steady[:, 0, :], 0) / [80.0, 40.0], rtol=1e-9)


def test_roi_table_intervals_bracket_point_and_mroi_below_roi_for_concave_curves():
    post = _posterior()
    spend = np.random.default_rng(3).uniform(20, 120, (40, 2))
    t = roi_table(post, spend)
    assert list(t["channel"]) == ["tv", "search"]
    assert (t["roi_low"] <= t["roi"]).all() and (t["roi"] <= t["roi_high"]).all()
    assert (t["mroi"] < t["roi"]).all()  # logistic curves are concave: marginal below average
    np.testing.assert_allclose(t["spend"], spend.sum(0))


def test_response_curves_start_at_zero_and_increase():
    post = _posterior(saturation="hill")
    curves = response_curves(post, np.full((10, 2), 60.0), n_points=11)
    for _, c in curves.groupby("channel"):
        assert c["response"].iloc[0] == pytest.approx(0.0)
        assert np.all(np.diff(c["response"]) >= 0)
        assert c["current"].sum() == 1


def test_optimiser_respects_bounds_budget_and_does_not_lose():
    post = _posterior()
    plan = BudgetOptimizer(bounds={"tv": (0.5, 2.0)}, default_bounds=(0.5, 2.0)).allocate(post, {"tv": 100.0,
                                                                                                  "search": 10.0})
    a = plan.allocation
    assert a["recommended"].sum() == pytest.approx(110.0)
    assert (a["recommended"] >= a["lower"] - 1e-6).all() and (a["recommended"] <= a["upper"] + 1e-6).all()
    assert plan.gain >= -1e-9 and plan.gain_low <= plan.gain <= plan.gain_high
    # search is far less saturated per dollar: money moves towards it up to its bound
    assert a.set_index("channel").loc["search", "recommended"] == pytest.approx(20.0, rel=1e-3)


def test_optimiser_rejects_infeasible_budget_and_unknown_channels():
    post = _posterior()
    with pytest.raises(ValidationError, match="cannot be met"):
        BudgetOptimizer().allocate(post, {"tv": 100.0, "search": 10.0}, budget=1000.0)
    with pytest.raises(ValidationError, match="unknown channel"):
        BudgetOptimizer(bounds={"radio": (0, 1)}).allocate(post, {"tv": 1.0, "search": 1.0})


def test_lift_tests_total_form_and_channel_matching():
    dates = pd.date_range("2024-01-01", periods=10, freq="7D")
    data = pd.DataFrame({"date": dates, "tv_spend": np.arange(10) * 10.0})
    tests = pd.DataFrame({"channel": ["tv", "tv", "radio"], "start_date": [dates[2]] * 3,
                          "end_date": [dates[5] + pd.Timedelta(days=6)] * 3, "delta_spend": [40.0, 40.0, 5.0],
                          "lift": [80.0, -20.0, 3.0], "lift_se": [8.0, 8.0, 1.0]})
    lt = normalize_lift_tests(tests, spend_cols=["tv_spend"], data=data)
    assert len(lt.tests) == 1 and len(lt.dropped) == 2
    row = lt.tests.iloc[0]
    assert row["channel"] == "tv_spend" and row["x"] == pytest.approx(35.0)
    assert (row["delta_x"], row["delta_y"], row["sigma"]) == pytest.approx((10.0, 20.0, 2.0))
    reasons = " ".join(d["reason"] for d in lt.dropped)
    assert "opposite sign" in reasons and "not one of the spend columns" in reasons


def test_lift_test_in_a_share_of_the_market_becomes_its_national_equivalent():
    """A geo holdout in a fifth of the market: spend change, lift and se are that fifth's; divided by 0.2."""
    dates = pd.date_range("2024-01-01", periods=10, freq="7D")
    data = pd.DataFrame({"date": dates, "tv_spend": 100.0})
    tests = pd.DataFrame({"channel": ["tv", "tv"], "start_date": [dates[2]] * 2,
                          "end_date": [dates[5] + pd.Timedelta(days=6)] * 2, "delta_spend": [-80.0, -80.0],
                          "lift": [-120.0, -120.0], "lift_se": [20.0, 20.0], "market_share": [0.2, np.nan]})
    lt = normalize_lift_tests(tests, spend_cols=["tv_spend"], data=data)
    geo, national = lt.tests.iloc[0], lt.tests.iloc[1]
    assert (geo["delta_x"], geo["delta_y"], geo["sigma"]) == pytest.approx((-100.0, -150.0, 25.0))  # go dark
    assert (national["delta_x"], national["delta_y"], national["sigma"]) == pytest.approx((-20.0, -30.0, 5.0))
    assert geo["x"] == national["x"] == pytest.approx(100.0)
    paths = build_lift_paths(lt.tests, data[["tv_spend"]].to_numpy(float), ["tv_spend"], l_max=2)
    assert paths.lift.tolist() == pytest.approx([-600.0, -120.0]) and paths.se.tolist() == pytest.approx([100.0, 20.0])
    assert paths.shifted_test[0, 0, 2:6].tolist() == [0.0] * 4  # the replay turns the channel off nationally
    with pytest.raises(ValidationError, match="market_share"):
        normalize_lift_tests(tests.assign(market_share=[1.5, 0.2]), spend_cols=["tv_spend"], data=data)


def test_lift_tests_from_our_experiments():
    results = pd.DataFrame({"campaign_id": ["c1", "c1"], "arm": ["treatment", "control"],
                            "metric": ["incremental_revenue"] * 2, "value": [500.0, 0.0],
                            "ci_low": [300.0, 0.0], "ci_high": [700.0, 0.0]})
    campaigns = pd.DataFrame({"campaign_id": ["c1"], "channel": ["social"], "budget": [200.0],
                              "start_ts": pd.to_datetime(["2024-01-01"]), "end_ts": pd.to_datetime(["2024-01-28"])})
    out = lift_tests_from_experiments(results, campaigns)
    assert len(out) == 1 and out.loc[0, "lift"] == 500.0 and out.loc[0, "channel"] == "social"


def test_prepare_weekly_errors_name_the_problem():
    df = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=30, freq="7D"), "y": 1.0, "tv": 2.0})
    with pytest.raises(ValidationError, match="radio"):
        prepare_weekly(df, date_col="date", target_col="y", spend_cols=["radio"])
    bad = df.assign(tv=-1.0)
    with pytest.raises(ValidationError, match="negative"):
        prepare_weekly(bad, date_col="date", target_col="y", spend_cols=["tv"])
    with pytest.raises(DataError, match="at least"):
        prepare_weekly(df.head(10), date_col="date", target_col="y", spend_cols=["tv"])
    panel = pd.concat([df.assign(geo="a"), df.assign(geo="b")])
    with pytest.raises(ValidationError, match="duplicate date"):
        prepare_weekly(panel, date_col="date", target_col="y", spend_cols=["tv"])
    nat = prepare_weekly(panel, date_col="date", target_col="y", spend_cols=["tv"], geo_col="geo")
    assert len(nat) == 30 and nat["tv"].iloc[0] == 4.0


def test_not_fitted_and_contract():
    with pytest.raises(NotFittedError):
        MarketingMixModel().predict()
    assert {"channel", "roi", "roi_low", "roi_high", "mroi", "contribution", "spend", "run_id",
            "model_version"} <= set(MMM_RESULTS.columns)
    assert mape(np.array([100.0, 200.0]), np.array([110.0, 180.0])) == pytest.approx(10.0)


def test_report_is_self_contained_html(tmp_path):
    post = _posterior()
    dates = pd.date_range("2024-01-01", periods=20, freq="7D")
    spend = np.random.default_rng(0).uniform(20, 100, (20, 2))
    contrib = contributions_over_time(post, dates, spend, None)
    fit = pd.DataFrame({"date": dates, "y_hat": 1.0, "lo": 0.5, "hi": 1.5})
    plan = BudgetOptimizer().allocate(post, spend[-4:].mean(0))
    path = write_report(tmp_path / "r.html", title="t", roi=roi_table(post, spend), contrib=contrib,
                        curves=response_curves(post, spend), fit=fit, actual=np.ones(20), plan=plan, notes=["n"])
    text = path.read_text()
    assert text.count("<svg") >= 4 and "http" not in text and "<script" not in text
    assert "Recommended weekly split" in text


def test_benchmark_scoring_against_truth():
    from growthpilot.mmm.benchmark import BenchmarkResult, final_metrics, score_against_truth

    table = pd.DataFrame({"channel": ["a", "b", "c"], "roi": [1.1, 2.0, 3.9], "roi_low": [0.9, 1.0, 3.5],
                          "roi_high": [1.3, 1.5, 4.5], "mroi": [0.5, 1.0, 2.0]})
    truth = pd.DataFrame({"channel": ["a", "b", "c"], "true_roi": [1.0, 2.0, 3.0]})
    s = score_against_truth(table, truth)
    assert s["roi_coverage_90"] == pytest.approx(1 / 3)
    assert s["roi_within_20pct"] == pytest.approx(2 / 3)
    assert s["roi_mape"] == pytest.approx((10 + 0 + 30) / 3)
    res = BenchmarkResult({"calibrated": table}, None, {"calibrated": {"mape_oot": 2.0, "fit_seconds": 9.0}})
    js = final_metrics(res)
    assert js["roi"]["c"] == 3.9 and js["roi_interval"]["b"] == [1.0, 1.5] and js["mape_oot"] == 2.0


def test_benchmark_json_keeps_small_roi_precision():
    """ROI in outcome-thousands per spend unit (0.00247) must not be rounded to 4 decimals (0.0025)."""
    from growthpilot.mmm.benchmark import BenchmarkResult, final_metrics

    table = pd.DataFrame({"channel": ["a", "b"], "roi": [0.0024685719, 2468.5719], "roi_low": [0.00218641, 2186.41],
                          "roi_high": [0.00264573, 2645.73], "mroi": [0.00123456789, 1234.56789]})
    js = final_metrics(BenchmarkResult({"calibrated": table}, None, {"calibrated": {"mape_oot": 2.0, "fit_seconds": 9.0}}))
    assert js["roi"] == {"a": 0.00246857, "b": 2468.57}
    assert js["roi_interval"]["a"] == [0.00218641, 0.00264573] and js["mroi"]["a"] == 0.00123457


def test_default_hill_prior_does_not_lean_to_s_curves():
    """Average / marginal ROI at typical spend, ``(k^s + 1) / (s k^s)``, is centred above 1 (diminishing returns)."""
    from scipy import stats

    from growthpilot.mmm.saturation import ReferenceHillSaturation

    def gamma(prior):
        mu, sd = prior.parameters["mu"], prior.parameters["sigma"]
        return stats.gamma(a=(mu / sd) ** 2, scale=sd**2 / mu)

    priors = ReferenceHillSaturation().default_priors
    slope, kappa = gamma(priors["slope"]), gamma(priors["kappa"])
    assert slope.cdf(1.0) > 0.1 and slope.cdf(0.5) < 0.01  # concave curves possible, vertical ones not
    rng = np.random.default_rng(0)
    s, k = slope.rvs(20_000, random_state=rng), kappa.rvs(20_000, random_state=rng)
    ratio = (k**s + 1) / (s * k**s)
    assert 1.2 < np.median(ratio) < 2.0


def test_spend_share_beta_prior_gives_every_channel_the_same_roi_prior():
    """``beta_prior="spend_share"``: beta's scale is proportional to mean spend (same ROI prior), an
    average-share channel keeps the flat ``HalfNormal(0.5)``; the default stays flat; ``model_config`` wins."""
    from pymc_extras.prior import Prior

    from growthpilot.errors import ConfigError
    from growthpilot.mmm import MarketingMixModel
    from growthpilot.mmm.model import spend_share_beta_sigma
    from growthpilot.simulate.mmm import simulate_mmm

    spend = np.array([[60.0, 30.0, 10.0, 0.0], [60.0, 30.0, 10.0, 0.0]])
    sigma = spend_share_beta_sigma(spend)
    assert sigma[:3] == pytest.approx([1.2, 0.6, 0.2]) and sigma[3] == pytest.approx(0.005)  # 0.5 * 4 * share
    assert spend_share_beta_sigma(np.ones((5, 4))) == pytest.approx(np.full(4, 0.5))

    weekly, truth, _ = simulate_mmm(weeks=70, channels=["tv", "search", "radio"], seed=4)
    cols = [f"{c}_spend" for c in truth["channel"]]
    kw = dict(date_col="date", target_col="revenue", spend_cols=cols, control_cols=["promo"])

    def beta_sigma(**params):
        mmm, _, _ = MarketingMixModel(yearly_seasonality=1, **params).build(weekly, **kw)
        return np.broadcast_to(np.asarray(mmm.saturation.function_priors["beta"].parameters["sigma"], float), (3,))

    assert beta_sigma() == pytest.approx(np.full(3, 0.5))
    share = weekly[cols].mean().to_numpy() / weekly[cols].mean().sum()
    ss = beta_sigma(beta_prior="spend_share")
    assert ss == pytest.approx(0.5 * 3 * share) and ss[0] > 0.5 > ss[2]
    fixed = {"saturation_beta": Prior("HalfNormal", sigma=0.3, dims="channel")}
    assert beta_sigma(beta_prior="spend_share", model_config=fixed) == pytest.approx(np.full(3, 0.3))
    with pytest.raises(ConfigError):
        MarketingMixModel(beta_prior="share").build(weekly, **kw)
    with pytest.raises(ConfigError):
        MarketingMixModel(beta_prior="spend_share", saturation="logistic").build(weekly, **kw)


def test_roi_table_reproduces_the_true_roi_of_pymc_marketings_example_data():
    """ROI as ``roi_table`` defines it, on the true curves of PyMC-Marketing's ``mmm_example`` notebook.

    The notebook draws x1/x2 with ``default_rng(sum(map(ord, "mmm")))``, applies normalised geometric
    adstock (``l_max`` 8, zero before the first week) and logistic saturation on the raw spend and
    scales ``y`` (1000x in its ``mmm_example.csv``). Pushed through our transforms as a one-draw
    posterior, the contribution over spend must equal the truth computed directly from that recipe,
    with and without the carry-in convention (docs/mmm.md, "Results on PyMC-Marketing-style data").
    """
    rng = np.random.default_rng(sum(map(ord, "mmm")))
    n = 179
    x1 = rng.uniform(0.0, 1.0, n)
    x1 = np.where(x1 > 0.9, x1, x1 / 2)
    x2 = rng.uniform(0.0, 1.0, n)
    x2 = np.where(x2 > 0.8, x2, 0.0)
    spend = np.column_stack([x1, x2])
    alpha, lam, beta, amp = np.array([0.4, 0.2]), np.array([4.0, 3.0]), np.array([3.0, 2.0]), 1000.0

    def truth(pre_weeks: int) -> np.ndarray:
        out = []
        for j in range(2):
            x = spend[:, j]
            path = np.concatenate([np.full(pre_weeks, x[:8].mean()), x])
            w = alpha[j] ** np.arange(8) / (alpha[j] ** np.arange(8)).sum()
            ad = np.convolve(path, w)[: len(path)][pre_weeks:]
            out.append(amp * beta[j] * ((1 - np.exp(-lam[j] * ad)) / (1 + np.exp(-lam[j] * ad))).sum() / x.sum())
        return np.array(out)

    post = MMMPosterior(
        channels=["x1", "x2"], adstock="geometric", saturation="logistic", l_max=8,
        adstock_params={"alpha": alpha[None, :]}, saturation_params={"beta": beta[None, :], "lam": lam[None, :]},
        channel_scale=np.ones(2), target_scale=amp, intercept=np.zeros(1), sigma=np.ones(1))
    with_carry_in = roi_table(post, spend)["roi"].to_numpy()
    without = roi_table(post, spend, carry_in=False)["roi"].to_numpy()
    assert with_carry_in == pytest.approx(truth(7), rel=1e-9)
    assert without == pytest.approx(truth(0), rel=1e-9)
    assert with_carry_in == pytest.approx([4982.6, 2277.7], rel=1e-4)  # the figures docs/mmm.md reports
