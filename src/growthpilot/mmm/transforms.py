"""Vectorised adstock, saturation and seasonality over posterior draws (NumPy).

These mirror PyMC-Marketing's transformations (``GeometricAdstock``/``DelayedAdstock`` with
normalised weights and ``ConvMode.After``; ``LogisticSaturation``/``HillSaturation``;
``YearlyFourier``) so posterior draws can be pushed through new spend quickly (response
curves, marginal ROI, the budget optimiser, out-of-time forecasts) without recompiling a
PyMC graph. ``tests/mmm`` checks them against the fitted model's own deterministics.

Shapes: ``S`` posterior draws, ``T`` weeks, ``C`` channels, ``L`` lags.

>>> import numpy as np
>>> w = adstock_weights("geometric", np.array([[0.5]]), None, l_max=3)
>>> w.round(3).tolist()
[[[0.571, 0.286, 0.143]]]
"""

from __future__ import annotations

import numpy as np

from growthpilot.errors import ConfigError

ADSTOCKS = ("geometric", "delayed")
SATURATIONS = ("logistic", "hill")


def adstock_weights(kind: str, alpha: np.ndarray, theta: np.ndarray | None, *, l_max: int) -> np.ndarray:
    """Normalised lag weights ``(S, C, L)`` for retention ``alpha`` (and peak delay ``theta``).

    Parameters
    ----------
    kind : ``"geometric"`` (``alpha**l``) or ``"delayed"`` (``alpha**((l - theta)**2)``).
    alpha : retention rates, shape ``(S, C)``.
    theta : peak delays ``(S, C)`` for ``"delayed"``; ignored otherwise.
    l_max : number of lags.
    """
    lags = np.arange(l_max, dtype=float)
    a = np.asarray(alpha, dtype=float)[..., None]
    if kind == "geometric":
        w = a**lags
    elif kind == "delayed":
        if theta is None:
            raise ConfigError("delayed adstock needs theta draws; fit with adstock='delayed'")
        w = a ** ((lags - np.asarray(theta, dtype=float)[..., None]) ** 2)
    else:
        raise ConfigError(f"unknown adstock {kind!r}; choose one of {ADSTOCKS}")
    return w / w.sum(axis=-1, keepdims=True)


def apply_adstock(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Carry-over ``y[s, t, c] = sum_l w[s, c, l] * x[t - l, c]`` (zero before the first week).

    ``x`` is ``(T, C)``; ``weights`` is ``(S, C, L)``; the result is ``(S, T, C)``.
    """
    x = np.asarray(x, dtype=float)
    n_t = x.shape[0]
    out = np.zeros((weights.shape[0], n_t, x.shape[1]))
    for lag in range(weights.shape[-1]):
        if lag >= n_t:
            break
        out[:, lag:, :] += weights[:, None, :, lag] * x[None, : n_t - lag, :]
    return out


def saturate(x: np.ndarray, kind: str, params: dict[str, np.ndarray]) -> np.ndarray:
    """``beta * f(x)`` for scaled, adstocked ``x`` of shape ``(S, ..., C)``; params are ``(S, C)``.

    ``logistic``: ``f = (1 - exp(-lam x)) / (1 + exp(-lam x))``;
    ``hill`` (normalised to 1 at typical spend ``x = 1``):
    ``f = x**slope * (kappa**slope + 1) / (kappa**slope + x**slope)``.
    """
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    extra = (slice(None),) + (None,) * (x.ndim - 2) + (slice(None),)
    beta = params["beta"][extra]
    if kind == "logistic":
        e = np.exp(-params["lam"][extra] * x)
        return beta * (1.0 - e) / (1.0 + e)
    if kind == "hill":
        s, k = params["slope"][extra], params["kappa"][extra]
        with np.errstate(divide="ignore", invalid="ignore"):
            xs = np.where(x > 0, x**s, 0.0)
        ks = k**s
        return beta * xs * (ks + 1.0) / (ks + xs)
    raise ConfigError(f"unknown saturation {kind!r}; choose one of {SATURATIONS}")


def yearly_fourier(dates, n_order: int) -> np.ndarray:
    """Yearly Fourier features ``(T, 2 * n_order)``: sin modes 1..n then cos modes 1..n.

    Uses ``dayofyear / 365.25`` as PyMC-Marketing's ``YearlyFourier`` does.
    """
    import pandas as pd

    day = pd.DatetimeIndex(pd.to_datetime(dates)).dayofyear.to_numpy().astype(float)
    x = 2 * np.pi * (day / 365.25)[:, None] * np.arange(1, n_order + 1)[None, :]
    return np.concatenate([np.sin(x), np.cos(x)], axis=1)
