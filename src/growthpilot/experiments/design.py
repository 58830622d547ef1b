"""Experiment design and health: sample-ratio-mismatch check, power and sample size.

>>> sample_size_proportions(0.10, 0.12) > 3000
True
>>> srm_check([5000, 5100]).p_value > 0.01
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from growthpilot.errors import DataError


@dataclass(frozen=True)
class SRMResult:
    """Chi-square test of observed arm sizes against the planned split."""

    chi2: float
    p_value: float
    mismatch: bool
    expected: list[float]


def srm_check(counts: Sequence[int], ratios: Sequence[float] | None = None, *, threshold: float = 0.001) -> SRMResult:
    """Flag a sample-ratio mismatch: ``p < threshold`` means assignment or logging is broken; do not trust the test."""
    obs = np.asarray(counts, dtype=float)
    if obs.size < 2 or obs.sum() == 0:
        raise DataError(f"need the sizes of at least two arms; got {list(counts)}")
    r = np.ones_like(obs) if ratios is None else np.asarray(ratios, dtype=float)
    if r.shape != obs.shape:
        raise DataError(f"ratios need one value per arm ({obs.size}); got {list(r)}")
    exp = obs.sum() * r / r.sum()
    chi2, p = stats.chisquare(obs, exp)
    return SRMResult(float(chi2), float(p), bool(p < threshold), exp.tolist())


def sample_size_proportions(p_control: float, p_treatment: float, *, alpha: float = 0.05, power: float = 0.8,
                            ratio: float = 1.0) -> int:
    """Customers needed in the control arm to detect ``p_control -> p_treatment`` (two-sided z-test).

    The treatment arm needs ``ratio`` times as many.
    """
    if not (0 < p_control < 1 and 0 < p_treatment < 1) or p_control == p_treatment:
        raise DataError("rates must lie in (0, 1) and differ; give the baseline and the smallest rate worth detecting")
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    pbar = (p_control + ratio * p_treatment) / (1 + ratio)
    num = (za * np.sqrt(pbar * (1 - pbar) * (1 + 1 / ratio))
           + zb * np.sqrt(p_control * (1 - p_control) + p_treatment * (1 - p_treatment) / ratio)) ** 2
    return int(np.ceil(num / (p_treatment - p_control) ** 2))


def sample_size_means(delta: float, sd: float, *, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> int:
    """Customers needed in the control arm to detect a mean difference ``delta`` with standard deviation ``sd``."""
    if delta == 0 or sd <= 0:
        raise DataError("delta must be non-zero and sd positive")
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    return int(np.ceil((za + zb) ** 2 * sd**2 * (1 + 1 / ratio) / delta**2))


def power_proportions(p_control: float, p_treatment: float, n_control: int, *, alpha: float = 0.05,
                      ratio: float = 1.0) -> float:
    """Power of the two-sided two-proportion z-test with ``n_control`` and ``ratio * n_control`` customers."""
    n_t = ratio * n_control
    se = np.sqrt(p_control * (1 - p_control) / n_control + p_treatment * (1 - p_treatment) / n_t)
    za = stats.norm.ppf(1 - alpha / 2)
    d = abs(p_treatment - p_control) / se
    return float(stats.norm.sf(za - d) + stats.norm.cdf(-za - d))
