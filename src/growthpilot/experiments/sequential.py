"""Always-valid sequential testing: the mixture SPRT (mSPRT) of Johari, Pekelis & Walsh (2017).

With a normal mixing prior ``N(0, tau^2)`` on the difference in means, after ``n`` observations per arm with
observed difference ``d`` and ``V = 2 sigma^2 / n``, the likelihood ratio is

    Lambda_n = sqrt(V / (V + tau^2)) * exp(tau^2 d^2 / (2 V (V + tau^2)))

and ``p_n = min(p_{n-1}, 1 / Lambda_n)`` is an always-valid p-value: stopping the first time ``p_n < alpha``,
however often one peeks, keeps the type-I error at most ``alpha``. A fixed-horizon test checked at every
look does not (see :func:`simulate_peeking`).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> p = msprt_pvalues(rng.normal(0, 1, 500), rng.normal(0.5, 1, 500), tau=0.5)
>>> bool(p[-1] < 0.05)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from growthpilot.errors import DataError


def msprt_pvalues(y_c, y_t, *, tau: float = 0.1, sigma2: float | None = None) -> np.ndarray:
    """Always-valid p-values after each pair of observations (arms aligned by arrival order).

    Parameters
    ----------
    y_c, y_t : outcomes in arrival order (0/1 for conversions, or values); the shorter length is used.
    tau : standard deviation of the mixing prior on the effect, in outcome units - roughly the size of
        effect you care about.
    sigma2 : outcome variance; by default estimated from the data seen so far (plug-in, as Johari et al.).
    """
    y_c, y_t = np.asarray(y_c, dtype=float), np.asarray(y_t, dtype=float)
    n = min(len(y_c), len(y_t))
    if n < 2 or tau <= 0:
        raise DataError("need at least 2 observations per arm and tau > 0")
    k = np.arange(1, n + 1)
    d = np.cumsum(y_t[:n]) / k - np.cumsum(y_c[:n]) / k
    if sigma2 is None:
        both = np.column_stack([y_c[:n], y_t[:n]])
        mean = np.cumsum(both.sum(axis=1)) / (2 * k)
        sq = np.cumsum((both**2).sum(axis=1)) / (2 * k)
        s2 = np.maximum(sq - mean**2, 1e-12)
    else:
        s2 = np.full(n, float(sigma2))
    V = 2 * s2 / k
    log_lr = 0.5 * np.log(V / (V + tau**2)) + tau**2 * d**2 / (2 * V * (V + tau**2))
    p = np.minimum(1.0, np.exp(-log_lr))
    return np.minimum.accumulate(p)


@dataclass(frozen=True)
class PeekingResult:
    """Share of A/A simulations that ever declared a winner."""

    naive_type1: float
    msprt_type1: float
    alpha: float
    n_sims: int


def simulate_peeking(*, n_sims: int = 500, n_max: int = 2000, looks: int = 40, p: float = 0.1,
                     alpha: float = 0.05, tau: float = 0.05, seed: int = 0) -> PeekingResult:
    """A/A tests on a conversion rate ``p``, checked at ``looks`` evenly spaced points.

    The naive analysis stops at the first look with a z-test p-value below ``alpha``; the sequential one at
    the first always-valid p-value below ``alpha``.
    """
    rng = np.random.default_rng(seed)
    at = np.unique(np.linspace(n_max / looks, n_max, looks).astype(int)) - 1
    z = stats.norm.ppf(1 - alpha / 2)
    naive = seq = 0
    for _ in range(n_sims):
        c = (rng.random(n_max) < p).astype(float)
        t = (rng.random(n_max) < p).astype(float)
        k = at + 1
        pc, pt = np.cumsum(c)[at] / k, np.cumsum(t)[at] / k
        pool = (pc + pt) / 2
        se = np.sqrt(np.maximum(pool * (1 - pool) * 2 / k, 1e-12))
        naive += bool(np.any(np.abs(pt - pc) / se > z))
        seq += bool(np.any(msprt_pvalues(c, t, tau=tau)[at] < alpha))
    return PeekingResult(naive / n_sims, seq / n_sims, alpha, n_sims)
