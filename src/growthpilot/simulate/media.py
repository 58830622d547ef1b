"""Media response curves used by the MMM simulator: adstock (carry-over) and saturation.

Adstock weights are normalised to sum to one, so a constant weekly spend ``x`` has an
adstocked value of ``x`` in steady state; saturation curves map adstocked spend to
incremental revenue.

>>> import numpy as np
>>> w = adstock_weights("geometric", alpha=0.5, l_max=4)
>>> round(float(w.sum()), 6)
1.0
>>> apply_adstock(np.array([1.0, 0, 0, 0]), w).round(3).tolist()
[0.533, 0.267, 0.133, 0.067]
"""

from __future__ import annotations

import numpy as np


def adstock_weights(kind: str, *, alpha: float, theta: float = 0.0, l_max: int = 8) -> np.ndarray:
    """Lag weights (lag 0 first), normalised to sum to 1.

    Parameters
    ----------
    kind : ``"geometric"`` (``alpha**l``: peak at once, decaying) or ``"delayed"``
        (``alpha**((l - theta)**2)``: the effect peaks ``theta`` weeks after the spend).
    alpha : retention rate in (0, 1).
    theta : peak delay in weeks (``delayed`` only).
    l_max : number of lags (weeks) the effect lasts.
    """
    lags = np.arange(l_max, dtype=float)
    if kind == "geometric":
        w = alpha**lags
    elif kind == "delayed":
        w = alpha ** ((lags - theta) ** 2)
    else:
        raise ValueError(f"unknown adstock kind {kind!r}; expected 'geometric' or 'delayed'")
    return w / w.sum()


def apply_adstock(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Carry-over: ``y[t] = sum_l weights[l] * x[t - l]`` (spend before ``x[0]`` is taken as 0)."""
    x = np.asarray(x, dtype=float)
    return np.convolve(x, weights)[: len(x)]


def hill(x: np.ndarray, *, k: float, slope: float) -> np.ndarray:
    """Hill saturation ``x**s / (k**s + x**s)`` in [0, 1); ``k`` is the half-saturation point."""
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    return x**slope / (k**slope + x**slope)


def logistic(x: np.ndarray, *, lam: float) -> np.ndarray:
    """Logistic saturation ``(1 - exp(-lam x)) / (1 + exp(-lam x))`` in [0, 1)."""
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    e = np.exp(-lam * x)
    return (1.0 - e) / (1.0 + e)


def saturate(x: np.ndarray, params: dict) -> np.ndarray:
    """Apply the saturation described by ``params`` (keys ``saturation``, ``k``, ``slope``, ``lam``, ``beta``)."""
    if params["saturation"] == "hill":
        s = hill(x, k=params["k"], slope=params["slope"])
    elif params["saturation"] == "logistic":
        s = logistic(x, lam=params["lam"])
    else:
        raise ValueError(f"unknown saturation {params['saturation']!r}; expected 'hill' or 'logistic'")
    return params["beta"] * s


def response(spend: np.ndarray, params: dict) -> np.ndarray:
    """Weekly incremental revenue caused by ``spend`` (adstock then saturation)."""
    w = adstock_weights(params["adstock"], alpha=params["alpha"], theta=params["theta"], l_max=params["l_max"])
    return saturate(apply_adstock(spend, w), params)
