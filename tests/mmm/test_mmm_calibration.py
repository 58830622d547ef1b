"""The lift-test replay (path likelihood) reproduces the simulator's experiments on the true curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from growthpilot.mmm import MMMPosterior, normalize_lift_tests
from growthpilot.mmm.calibration import build_lift_paths, replay_lifts
from growthpilot.simulate.media import saturate as sim_saturate
from growthpilot.simulate.mmm import simulate_mmm


def _true_posterior(row: pd.Series, scale: float) -> MMMPosterior:
    """A one-draw, one-channel posterior holding the simulator's true curve in model units."""
    one = lambda v: np.array([[float(v)]])  # noqa: E731
    if row.saturation_type == "hill":
        kappa, s = row.saturation_k / scale, row.saturation_slope
        sat = {"beta": one(row.saturation_beta / (kappa**s + 1)), "slope": one(s), "kappa": one(kappa)}
    else:
        sat = {"beta": one(row.saturation_beta), "lam": one(row.saturation_lam * scale)}
    ad = {"alpha": one(row.adstock_alpha)}
    if row.adstock_type == "delayed":
        ad["theta"] = one(row.adstock_theta)
    return MMMPosterior(channels=[row.channel], adstock=row.adstock_type, saturation=row.saturation_type,
                        l_max=int(row.adstock_l_max), adstock_params=ad, saturation_params=sat,
                        channel_scale=np.array([scale]), target_scale=1.0, intercept=np.zeros(1),
                        sigma=np.ones(1))


def test_replayed_tests_match_the_true_lift_where_the_steady_state_curve_does_not():
    weekly, truth, lifts = simulate_mmm(weeks=80, channels=["tv", "search", "email"], seed=5)
    total_form = lifts[["channel", "start_date", "end_date", "delta_spend", "lift", "lift_se"]]
    lt = normalize_lift_tests(total_form, spend_cols=list(truth.channel + "_spend"), data=weekly)
    tests = lt.tests.assign(channel=lt.tests.channel.str.removesuffix("_spend"))
    assert (tests.start_idx >= 0).all() and len(tests) == len(lifts)
    replay_err, steady_err = [], []
    for row in truth.itertuples():
        mine = tests[tests.channel == row.channel]
        scale = float(weekly[f"{row.channel}_spend"].mean())
        paths = build_lift_paths(mine, weekly[[f"{row.channel}_spend"]].to_numpy(float), [row.channel],
                                 l_max=int(row.adstock_l_max))
        got = replay_lifts(paths, _true_posterior(pd.Series(row._asdict()), scale))[0]
        true = lifts.loc[lifts.channel == row.channel, "true_lift"].to_numpy()
        replay_err += list(np.abs(got / true - 1))
        curve = {"saturation": row.saturation_type, "k": row.saturation_k, "slope": row.saturation_slope,
                 "lam": row.saturation_lam, "beta": row.saturation_beta}
        steady = (sim_saturate(mine.x + mine.delta_x, curve) - sim_saturate(mine.x, curve)) * mine.weeks
        steady_err += list(np.abs(steady.to_numpy() / true - 1))
    assert max(replay_err) < 0.03  # only the zero spend assumed before the data differs
    assert max(steady_err) > 0.05


def test_lift_test_outside_the_data_is_dropped_not_an_error():
    dates = pd.date_range("2024-01-01", periods=10, freq="7D")
    data = pd.DataFrame({"date": dates, "tv_spend": 10.0})
    tests = pd.DataFrame({"channel": ["tv", "tv"], "start_date": [dates[2], pd.Timestamp("2025-06-02")],
                          "end_date": [dates[3] + pd.Timedelta(days=6), pd.Timestamp("2025-06-15")],
                          "delta_spend": [5.0, 5.0], "lift": [8.0, 8.0], "lift_se": [2.0, 2.0]})
    lt = normalize_lift_tests(tests, spend_cols=["tv_spend"], data=data)
    assert len(lt.tests) == 1 and lt.tests.iloc[0][["start_idx", "end_idx", "weeks"]].tolist() == [2, 3, 2.0]
    assert "holds no week" in lt.dropped[0]["reason"]
    paths = build_lift_paths(lt.tests, data[["tv_spend"]].to_numpy(float), ["tv_spend"], l_max=3)
    assert paths.lift[0] == pytest.approx(8.0) and paths.se[0] == pytest.approx(2.0)
    # extra spend goes into the window weeks only (lag-0 path), in proportion to spend there
    assert (paths.shifted_test[0] - paths.shifted_base[0]).sum() == pytest.approx(5.0)


@pytest.mark.parametrize("adstock", ["delayed", "geometric"])
def test_path_likelihood_in_the_graph_equals_the_numpy_replay_with_per_channel_adstock(adstock):
    """The PyTensor replay added to the PyMC-Marketing graph uses each test's own channel's alpha (and
    theta): at a point where every channel has a different retention and peak delay it equals
    :func:`replay_lifts` (no sampling; the model is only built)."""
    from growthpilot.mmm import MarketingMixModel

    weekly, truth, lifts = simulate_mmm(weeks=70, channels=["tv", "search", "radio"], seed=4)
    cols = [f"{c}_spend" for c in truth["channel"]]
    m = MarketingMixModel(adstock=adstock, yearly_seasonality=1)
    mmm, _, _ = m.build(weekly, date_col="date", target_col="revenue", spend_cols=cols, control_cols=["promo"],
                        lift_tests=lifts)
    tests, paths = m.lift_paths_
    assert len(paths) == len(lifts) and len(set(paths.channel_idx)) == 3  # every channel has a replayed test
    model = mmm.model
    mu = model["lift_path_measurements"].owner.inputs[2]  # Normal(mu, sigma): inputs rng, size, mu, sigma
    names = ["adstock_alpha", *(["adstock_theta"] if adstock == "delayed" else []), "saturation_beta",
             "saturation_slope", "saturation_kappa"]
    # evaluate at the point (random variables replaced by their values), not at fresh prior draws: the
    # graph's free random variables would otherwise be sampled anew each process and the test could flake
    outs = model.replace_rvs_by_values([model[n] for n in names] + [mu])
    fn = model.compile_fn(outs, inputs=model.value_vars,
                          on_unused_input="ignore", point_fn=True)
    rng = np.random.default_rng(3)
    start = model.initial_point(random_seed=0)
    point = {k: start[k] + rng.normal(0.0, 0.5, np.shape(start[k])) for k in sorted(start)}
    *params, modelled = fn(point)
    values = {n.split("_", 1)[1]: np.asarray(p, dtype=float)[None, :] for n, p in zip(names, params, strict=True)}
    assert values["alpha"].shape == (1, 3) and np.ptp(values["alpha"]) > 0.05
    if adstock == "delayed":
        assert np.ptp(values["theta"]) > 0.1  # per-channel peak delays, all different
    post = MMMPosterior(
        channels=cols, adstock=adstock, saturation="hill", l_max=m.l_max,
        adstock_params={k: values[k] for k in ("alpha", "theta") if k in values},
        saturation_params={k: values[k] for k in ("beta", "slope", "kappa")},
        channel_scale=np.asarray(model["channel_scale"].values.eval(), dtype=float).reshape(-1),
        target_scale=float(np.asarray(model["target_scale"].get_value())), intercept=np.zeros(1), sigma=np.ones(1))
    ref = replay_lifts(paths, post)[0] / post.target_scale
    np.testing.assert_allclose(np.asarray(modelled), ref, rtol=1e-6)
    # and a wrong channel's adstock would not match: the check can fail
    if adstock == "delayed":
        swapped = {**post.adstock_params, "theta": values["theta"][:, ::-1].copy()}
        bad = replay_lifts(paths, MMMPosterior(**{**post.__dict__, "adstock_params": swapped}))[0] / post.target_scale
        assert not np.allclose(np.asarray(modelled), bad, rtol=1e-3)


def test_lift_tests_in_held_out_weeks_are_replayed_on_their_spend_not_dropped():
    """The benchmark fits on all but the last weeks; a lift test there is an experiment, not the outcome
    series, so with ``spend_after`` (those weeks' spend) it calibrates the fit instead of being dropped."""
    from growthpilot.mmm import MarketingMixModel

    weekly, truth, lifts = simulate_mmm(weeks=60, channels=["tv", "search"], seed=4)
    cols = [f"{c}_spend" for c in truth["channel"]]
    dates = pd.DatetimeIndex(weekly["date"])
    late = pd.DataFrame({"channel": ["tv", "search"], "start_date": [dates[53], dates[50]],
                         "end_date": [dates[55] + pd.Timedelta(days=6), dates[54] + pd.Timedelta(days=6)],
                         "delta_spend": [-weekly["tv_spend"].iloc[53:56].sum(), 5000.0],
                         "lift": [-20000.0, 6000.0], "lift_se": [3000.0, 2000.0]})
    train, after = weekly.iloc[:50], weekly.iloc[50:]
    kw = dict(date_col="date", target_col="revenue", spend_cols=cols, lift_tests=late)
    m = MarketingMixModel(yearly_seasonality=1)
    m.build(train, **kw)
    assert len(m.lift_tests_.tests) == 0 and len(m.lift_tests_.dropped) == 2  # outside the fitted weeks
    m.build(train, spend_after=after.drop(columns=["revenue"]), **kw)
    tests, paths = m.lift_paths_
    assert len(m.lift_tests_.dropped) == 0 and tests["start_idx"].tolist() == [53, 50]
    assert paths.lift.tolist() == [-20000.0, 6000.0]
    # the go-dark test's replay turns tv off in its three weeks, on the held-out weeks' spend
    lag0 = paths.shifted_base[0, 0] - paths.shifted_test[0, 0]
    np.testing.assert_allclose(lag0[m.l_max: m.l_max + 3], weekly["tv_spend"].iloc[53:56].to_numpy())
    assert m.spend_.shape[0] == 50 and m.lift_spend_.shape[0] == 60  # the fit itself sees 50 weeks
