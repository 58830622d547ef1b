"""Lift tests as a likelihood term that replays each experiment on the model's own curves.

PyMC-Marketing's ``add_lift_test_measurements`` compares a test with the *steady-state*
saturation curve: ``f(x + delta_x) - f(x)`` at the window's mean weekly spend ``x``. A real test
adds spend for a few weeks on top of a spend path that moves week to week (flighted TV is on
and off), and its measured lift includes the carry-over after the window. On such channels the
steady-state rise differs from the experiment's rise by 10-40 % (more than a test's standard
error), which biased calibrated ROI (flighted TV came out consistently low).

When a test's window lies inside the modelled weeks we therefore replay it: the channel's
actual spend from ``l_max`` weeks before the window to ``l_max`` weeks after it (zeros past the
data), once as observed and once with the test's extra spend spread over the window in
proportion to the observed spend (evenly where the window had none), both pushed through the
model's adstock and saturation; the modelled lift is the summed difference, and the measured
total lift is Normal around it with the test's standard error.

The weekly data's spend is taken as the level *without* the test (the convention of
PyMC-Marketing's ``x``); the extra spend is ``delta_spend`` (negative for a go-dark test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class LiftPaths:
    """Spend paths of windowed lift tests, ready for :func:`add_path_lift_likelihood`.

    ``channel_idx`` ``(N,)`` indexes the model's channels; ``shifted_base``/``shifted_test``
    ``(L, N, P)`` hold the base and test spend paths lagged by ``0..L-1`` weeks (original
    units); ``mask`` ``(N, P)`` marks the weeks whose response counts (window and carry-over);
    ``lift`` and ``se`` ``(N,)`` are the measured total lift and its standard error.
    """

    channel_idx: np.ndarray
    shifted_base: np.ndarray
    shifted_test: np.ndarray
    mask: np.ndarray
    lift: np.ndarray
    se: np.ndarray

    def __len__(self) -> int:
        return int(self.channel_idx.shape[0])


def _lagged(paths: np.ndarray, l_max: int) -> np.ndarray:
    out = np.zeros((l_max, *paths.shape))
    for lag in range(l_max):
        out[lag, :, lag:] = paths[:, : paths.shape[1] - lag]
    return out


def build_lift_paths(tests: pd.DataFrame, spend: np.ndarray, spend_cols: list[str], *, l_max: int) -> LiftPaths:
    """Paths for tests with a window inside the data (``start_idx``/``end_idx``, inclusive row indices).

    ``tests`` is the per-week form of :func:`~growthpilot.mmm.lift.normalize_lift_tests` with
    ``weeks``; totals are ``delta_x * weeks``, ``delta_y * weeks`` and ``sigma * weeks``.
    """
    n_t = spend.shape[0]
    widths = (tests["end_idx"] - tests["start_idx"] + 1).astype(int).to_numpy()
    width = int(widths.max()) if len(tests) else 1
    p_len = width + 2 * l_max
    n = len(tests)
    base, test, mask = np.zeros((n, p_len)), np.zeros((n, p_len)), np.zeros((n, p_len))
    idx = np.zeros(n, dtype=int)
    lift, se = np.zeros(n), np.zeros(n)
    for i, r in enumerate(tests.itertuples(index=False)):
        j = spend_cols.index(r.channel)
        s0, s1 = int(r.start_idx), int(r.end_idx) + 1
        lo, hi = s0 - l_max, min(s1 + l_max, n_t)
        seg = spend[max(lo, 0):hi, j]
        base[i, max(-lo, 0): max(-lo, 0) + len(seg)] = seg
        test[i] = base[i]
        win = slice(l_max, l_max + (s1 - s0))
        extra = float(r.delta_x) * float(r.weeks)
        x = base[i, win]
        share = x / x.sum() if x.sum() > 0 else np.full(len(x), 1.0 / len(x))
        test[i, win] = x + extra * share
        mask[i, l_max: l_max + (s1 - s0) + l_max] = 1.0
        idx[i] = j
        lift[i], se[i] = float(r.delta_y) * float(r.weeks), float(r.sigma) * float(r.weeks)
    return LiftPaths(idx, _lagged(base, l_max), _lagged(np.maximum(test, 0.0), l_max), mask, lift, se)


def add_path_lift_likelihood(mmm, paths: LiftPaths, *, adstock: str, saturation: str,
                             name: str = "lift_path_measurements") -> None:
    """Add ``Normal(modelled lift, se, observed=lift)`` for each replayed test to a built PyMC-Marketing MMM."""
    import pymc as pm
    import pytensor.tensor as pt

    model = mmm.model
    with model:
        idx = paths.channel_idx
        scale = model["channel_scale"].values[idx]  # (N,)
        target_scale = float(np.asarray(model["target_scale"].get_value()))
        alpha = model["adstock_alpha"].values[idx]
        lags = np.arange(paths.shifted_base.shape[0], dtype=float)
        if adstock == "delayed":
            theta = model["adstock_theta"].values[idx]
            w = alpha[:, None] ** ((lags[None, :] - theta[:, None]) ** 2)
        else:
            w = alpha[:, None] ** lags[None, :]
        w = w / w.sum(axis=1, keepdims=True)  # (N, L)

        def response(shifted: np.ndarray):
            x = (w.T[:, :, None] * pt.as_tensor_variable(shifted)).sum(axis=0) / scale[:, None]  # (N, P)
            beta = model["saturation_beta"].values[idx][:, None]
            if saturation == "logistic":
                e = pt.exp(-model["saturation_lam"].values[idx][:, None] * x)
                return beta * (1.0 - e) / (1.0 + e)
            s = model["saturation_slope"].values[idx][:, None]
            k = model["saturation_kappa"].values[idx][:, None]
            xs = pt.power(pt.maximum(x, 1e-9), s)
            ks = pt.power(k, s)
            return beta * xs * (ks + 1.0) / (ks + xs)

        mask = pt.as_tensor_variable(paths.mask)
        modelled = ((response(paths.shifted_test) - response(paths.shifted_base)) * mask).sum(axis=1)
        pm.Normal(name, mu=modelled, sigma=paths.se / target_scale, observed=paths.lift / target_scale)


def replay_lifts(paths: LiftPaths, posterior) -> np.ndarray:
    """Modelled total lift ``(S, N)`` of each replayed test under posterior draws (NumPy).

    The same computation as the likelihood term, for posterior checks of the lift tests.
    """
    from growthpilot.mmm.transforms import adstock_weights, saturate

    idx = paths.channel_idx
    w = adstock_weights(posterior.adstock, posterior.adstock_params["alpha"][:, idx],
                        posterior.adstock_params.get("theta")[:, idx] if "theta" in posterior.adstock_params else None,
                        l_max=paths.shifted_base.shape[0])  # (S, N, L)
    params = {k: v[:, idx] for k, v in posterior.saturation_params.items()}
    scale = posterior.channel_scale[idx]

    def response(shifted: np.ndarray) -> np.ndarray:
        x = np.einsum("snl,lnp->spn", w, shifted) / scale  # (S, P, N)
        return saturate(x, posterior.saturation, params)

    diff = (response(paths.shifted_test) - response(paths.shifted_base)) * paths.mask.T[None]
    return diff.sum(axis=1) * posterior.target_scale
