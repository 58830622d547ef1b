"""Per-row forecast standard deviations from the statistical models' own (parametric) intervals.

They normalise the conformal scores (normalised or "studentised" split-conformal prediction,
Papadopoulos et al. 2008; Lei et al. 2018): the model's own interval already grows with the
horizon step and with the level of the series, and the conformal quantile of
``|error| / sigma`` corrects its miscalibration with far fewer calibration errors than a
separate quantile per step would need.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

SIGMA_SUFFIX = "__sigma"
REFERENCE_ORDER = ("AutoETS", "AutoTheta", "AutoARIMA", "SeasonalNaive")


def z_value(level: float) -> float:
    """Standard-normal quantile of a central ``level`` % interval (1.645 for 90)."""
    return NormalDist().inv_cdf(0.5 + level / 200.0)


def bound_cols(model: str, level: float) -> tuple[str, str]:
    """The names of a statistical model's own interval bounds in a backtest or forecast frame."""
    lv = int(level) if float(level).is_integer() else level
    return f"{model}-lo-{lv}", f"{model}-hi-{lv}"


def model_sigma(frame: pd.DataFrame, model: str, level: float) -> np.ndarray | None:
    """``(hi - lo) / (2 z)`` of one model's own interval, NaN where it is not positive; ``None`` if absent."""
    lo, hi = bound_cols(model, level)
    if lo not in frame or hi not in frame:
        return None
    s = (frame[hi].to_numpy(float) - frame[lo].to_numpy(float)) / (2.0 * z_value(level))
    return np.where(np.isfinite(s) & (s > 0), s, np.nan)


def sigma_reference(frame: pd.DataFrame, level: float, models: Sequence[str] = REFERENCE_ORDER) -> str | None:
    """The model whose sigma stands in for candidates without one of their own (LightGBM alone)."""
    for m in models:
        if model_sigma(frame.head(1), m, level) is not None:
            return m
    return None


def add_sigmas(frame: pd.DataFrame, cands: Mapping[str, tuple[str, ...]], level: float,
               fallback: np.ndarray | None = None) -> pd.DataFrame:
    """Add ``<candidate>__sigma`` for every candidate: the mean sigma of its members that have their own
    interval, else the reference model's; rows left without one (no statistical model, a degenerate
    interval) take ``fallback`` (the per-series MASE scale)."""
    out = frame.copy()
    own = {m: model_sigma(out, m, level) for m in {m for mem in cands.values() for m in mem} | set(REFERENCE_ORDER)}
    ref = next((own[m] for m in REFERENCE_ORDER if own.get(m) is not None), None)
    fill = np.full(len(out), np.nan) if fallback is None else np.asarray(fallback, float)
    for name, members in cands.items():
        have = [own[m] for m in members if own.get(m) is not None]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # rows where no member has an interval
            s = np.nanmean(np.vstack(have), axis=0) if have else (ref if ref is not None else fill)
            out[name + SIGMA_SUFFIX] = np.where(np.isfinite(s) & (s > 0), s, fill)
    return out
