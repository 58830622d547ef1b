"""A/B analysis for proportions and means: intervals, p-values, CUPED and P(beat control).

>>> r = compare_proportions(120, 1000, 150, 1000)
>>> round(r.diff, 3), r.p_value < 0.1
(0.03, True)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from growthpilot.errors import DataError


@dataclass(frozen=True)
class ABResult:
    """One treatment arm compared with control."""

    metric: str
    control: float
    treatment: float
    diff: float
    ci_low: float
    ci_high: float
    lift: float
    p_value: float
    prob_beat_control: float
    n_control: int
    n_treatment: int

    def as_dict(self) -> dict:
        return asdict(self)


def compare_proportions(x_c: int, n_c: int, x_t: int, n_t: int, *, alpha: float = 0.05,
                        prior: tuple[float, float] = (1.0, 1.0), draws: int = 20000, seed: int = 0) -> ABResult:
    """Two-proportion z-test (pooled), Wald interval for the difference, Beta-Binomial P(beat control)."""
    if min(n_c, n_t) <= 0 or not (0 <= x_c <= n_c and 0 <= x_t <= n_t):
        raise DataError(f"need 0 <= successes <= trials and trials > 0; got {x_c}/{n_c} and {x_t}/{n_t}")
    pc, pt = x_c / n_c, x_t / n_t
    pool = (x_c + x_t) / (n_c + n_t)
    se0 = np.sqrt(pool * (1 - pool) * (1 / n_c + 1 / n_t))
    p_value = float(2 * stats.norm.sf(abs(pt - pc) / se0)) if se0 > 0 else 1.0
    se = np.sqrt(pc * (1 - pc) / n_c + pt * (1 - pt) / n_t)
    z = stats.norm.ppf(1 - alpha / 2)
    rng = np.random.default_rng(seed)
    bc = rng.beta(prior[0] + x_c, prior[1] + n_c - x_c, draws)
    bt = rng.beta(prior[0] + x_t, prior[1] + n_t - x_t, draws)
    return ABResult("proportion", pc, pt, pt - pc, pt - pc - z * se, pt - pc + z * se,
                    (pt - pc) / pc if pc > 0 else float("nan"), p_value, float((bt > bc).mean()), n_c, n_t)


def compare_means(y_c, y_t, *, alpha: float = 0.05) -> ABResult:
    """Welch's t-test and interval for a difference in means; P(beat control) from the normal posterior."""
    y_c, y_t = np.asarray(y_c, dtype=float), np.asarray(y_t, dtype=float)
    if len(y_c) < 2 or len(y_t) < 2:
        raise DataError(f"each group needs at least 2 values; got {len(y_c)} and {len(y_t)}")
    mc, mt = y_c.mean(), y_t.mean()
    vc, vt = y_c.var(ddof=1) / len(y_c), y_t.var(ddof=1) / len(y_t)
    se = np.sqrt(vc + vt)
    df = (vc + vt) ** 2 / (vc**2 / (len(y_c) - 1) + vt**2 / (len(y_t) - 1)) if se > 0 else 1.0
    tq = stats.t.ppf(1 - alpha / 2, df)
    p_value = float(2 * stats.t.sf(abs(mt - mc) / se, df)) if se > 0 else 1.0
    prob = float(stats.norm.cdf((mt - mc) / se)) if se > 0 else 0.5
    return ABResult("mean", mc, mt, mt - mc, mt - mc - tq * se, mt - mc + tq * se,
                    (mt - mc) / mc if mc != 0 else float("nan"), p_value, prob, len(y_c), len(y_t))


def cuped_adjust(y, x, *, theta: float | None = None) -> np.ndarray:
    """CUPED: ``y - theta * (x - mean(x))`` with ``theta = cov(y, x) / var(x)`` (Deng et al. 2013).

    ``x`` is a pre-experiment covariate (e.g. each customer's spend before the test), unaffected by the
    treatment. Estimate ``theta`` on all arms pooled so the adjustment is the same for every arm.
    """
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    if len(y) != len(x):
        raise DataError(f"y and the covariate must have the same length; got {len(y)} and {len(x)}")
    if theta is None:
        vx = x.var()
        theta = float(np.cov(y, x, bias=True)[0, 1] / vx) if vx > 0 else 0.0
    return y - theta * (x - x.mean())


def compare_means_cuped(y_c, y_t, x_c, x_t, *, alpha: float = 0.05) -> ABResult:
    """:func:`compare_means` after CUPED adjustment with a pooled ``theta`` (narrower interval, same estimand)."""
    y = np.r_[np.asarray(y_c, float), np.asarray(y_t, float)]
    x = np.r_[np.asarray(x_c, float), np.asarray(x_t, float)]
    adj = cuped_adjust(y, x)
    r = compare_means(adj[: len(y_c)], adj[len(y_c):], alpha=alpha)
    return ABResult("mean_cuped", float(np.mean(y_c)), float(np.mean(y_t)), r.diff, r.ci_low, r.ci_high,
                    r.diff / float(np.mean(y_c)) if np.mean(y_c) != 0 else float("nan"), r.p_value,
                    r.prob_beat_control, r.n_control, r.n_treatment)
