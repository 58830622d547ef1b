import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import ValidationError
from growthpilot.forecast.conformal import fit_intervals, interval_score
from growthpilot.forecast.sigma import add_sigmas, bound_cols, z_value


def test_interval_score_known_values():
    s = interval_score(np.array([5.0, 0.0, 12.0]), np.array([4.0, 4.0, 4.0]), np.array([10.0, 10.0, 10.0]), 90)
    assert s.tolist() == pytest.approx([6.0, 6.0 + 20 * 4, 6.0 + 20 * 2])


def test_sigmas_of_members_ensembles_and_models_without_an_interval():
    f = pd.DataFrame({"y": [1.0, 1.0, 1.0]})
    z = z_value(90)
    for m, half in (("AutoETS", [1.0, 2.0, 0.0]), ("AutoTheta", [3.0, 4.0, 5.0])):
        lo, hi = bound_cols(m, 90)
        f[lo], f[hi] = -z * np.array(half), z * np.array(half)
    cands = {"AutoETS": ("AutoETS",), "AutoETS+AutoTheta": ("AutoETS", "AutoTheta"), "LightGBM": ("LightGBM",)}
    out = add_sigmas(f, cands, 90, fallback=np.array([9.0, 9.0, 9.0]))
    assert out["AutoETS__sigma"].tolist() == pytest.approx([1.0, 2.0, 9.0])  # a zero-width interval falls back
    assert out["AutoETS+AutoTheta__sigma"].tolist() == pytest.approx([2.0, 3.0, 5.0])  # mean of the members
    assert out["LightGBM__sigma"].tolist() == pytest.approx([1.0, 2.0, 9.0])  # the reference model's sigma


def _calibration(rng, sigma_informative: bool, n_windows: int = 4, n: int = 300) -> pd.DataFrame:
    rows = []
    for c in range(n_windows):
        sigma = rng.uniform(0.5, 8.0, n)
        scale = np.repeat(rng.uniform(0.5, 8.0, n // 6), 6)
        sd = sigma if sigma_informative else scale
        rows.append(pd.DataFrame({"unique_id": np.repeat(np.arange(n // 6), 6), "cutoff": c,
                                  "ds": np.tile(np.arange(6), n // 6), "step": np.tile(np.arange(1, 7), n // 6),
                                  "f": 0.0, "y": rng.normal(0, 1, n) * sd, "scale": scale, "f__sigma": sigma}))
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("informative", [True, False])
def test_fit_intervals_picks_the_normaliser_that_fits_the_errors_and_covers(informative):
    rng = np.random.default_rng(3)
    cal = _calibration(rng, informative)
    ci = fit_intervals(cal, "f", level=90)
    assert ci.normaliser_ == ("sigma" if informative else "scale")
    fresh = _calibration(rng, informative, n_windows=1, n=6000)
    lo, hi = ci.interval(fresh["f"].to_numpy(), fresh[ci.scale_col].to_numpy(), fresh["step"].to_numpy())
    assert 0.86 < np.mean((fresh["y"] >= lo) & (fresh["y"] <= hi)) < 0.94


def test_fit_intervals_without_sigma_uses_the_series_scale():
    rng = np.random.default_rng(4)
    cal = _calibration(rng, False).drop(columns="f__sigma")
    assert fit_intervals(cal, "f").normaliser_ == "scale"


def test_fit_intervals_rejects_an_unknown_or_unavailable_normaliser():
    cal = _calibration(np.random.default_rng(5), True, n_windows=2, n=60).drop(columns="f__sigma")
    with pytest.raises(ValidationError, match="normaliser"):
        fit_intervals(cal, "f", normaliser="gaussian")
    with pytest.raises(ValidationError, match="sigma"):
        fit_intervals(cal, "f", normaliser="sigma")


def test_fit_intervals_with_several_origins_per_window_uses_the_scale_per_step():
    # informative sigma, which the choice by interval score would pick on one origin per window
    cal = _calibration(np.random.default_rng(6), True)
    assert fit_intervals(cal, "f").normaliser_ == "sigma"
    dense = cal.assign(block=cal["cutoff"] - cal["cutoff"] % 2)  # windows 1 and 3 run forward from 0 and 2
    ci = fit_intervals(dense, "f")
    assert ci.normaliser_ == "scale" and ci.scale_col == "scale"
    assert fit_intervals(dense, "f", normaliser="sigma").normaliser_ == "sigma"  # an explicit choice is kept
