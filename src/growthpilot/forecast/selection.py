"""Candidate forecasts (base models and equal-weight ensembles) and their choice by backtest."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.forecast.metrics import per_window

DEFAULT_ENSEMBLES = (
    ("AutoETS", "AutoARIMA", "AutoTheta"),
    ("AutoETS", "AutoTheta", "LightGBM"),
    ("AutoETS", "AutoARIMA", "AutoTheta", "LightGBM"),
    ("SeasonalNaive", "AutoETS", "AutoTheta", "LightGBM"),
)


def candidates(models: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Every base model alone plus the equal-weight ensembles whose members are all available."""
    out = {m: (m,) for m in models}
    for combo in DEFAULT_ENSEMBLES:
        if all(m in models for m in combo):
            out["+".join(combo)] = combo
    return out


def add_candidates(frame: pd.DataFrame, cands: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Add one column per ensemble candidate: the mean of its members."""
    out = frame.copy()
    for name, members in cands.items():
        if name not in out.columns:
            out[name] = out[list(members)].mean(axis=1)
    return out


def fallback_candidate(cands: dict[str, tuple[str, ...]]) -> str:
    """The choice made without any validation window: the classic ETS/ARIMA/Theta combination."""
    for name in ("AutoETS+AutoARIMA+AutoTheta", "AutoETS", "AutoTheta", "SeasonalNaive"):
        if name in cands:
            return name
    return next(iter(cands))


def rank_candidates(frame: pd.DataFrame, scales: pd.DataFrame, names: Sequence[str]) -> pd.Series:
    """Mean MASE of each candidate over the series and cutoffs of ``frame`` (lower is better)."""
    return pd.Series({n: per_window(frame, n, scales)["mase"].mean() for n in names}).sort_values()


def one_se_choice(frame: pd.DataFrame, scales: pd.DataFrame, cands: dict[str, tuple[str, ...]]) -> str:
    """The candidate chosen by the one-standard-error rule, favouring combinations.

    The best candidate by mean validation MASE sets the bar; every candidate whose mean is within one
    standard error of the paired (series x window) MASE differences from the best is as good as the
    data can tell, and among those the one with the most members (then the lowest mean) wins:
    combinations are the more robust choice on series not seen yet.
    """
    per = {n: per_window(frame, n, scales).set_index(["unique_id", "cutoff"])["mase"] for n in cands}
    table = pd.DataFrame(per).dropna()
    if table.empty:
        return fallback_candidate(cands)
    means = table.mean()
    best = means.idxmin()
    diffs = table.sub(table[best], axis=0)
    se = diffs.std(ddof=1) / np.sqrt(max(len(table), 1))
    ok = [n for n in means.index if means[n] <= means[best] + se.fillna(0)[n]]
    return sorted(ok, key=lambda n: (-len(cands[n]), means[n]))[0]


def choose(frame: pd.DataFrame, scales: pd.DataFrame, cands: dict[str, tuple[str, ...]], *,
           mode: str = "global") -> pd.Series:
    """Pick a candidate by validation MASE.

    Parameters
    ----------
    frame : backtest forecasts on the validation cutoffs only (with candidate columns).
    scales : MASE scales from :func:`growthpilot.forecast.metrics.mase_scales`.
    cands : candidates from :func:`candidates`.
    mode : ``"global"`` (one choice for all series by :func:`one_se_choice`, the default: stable with
        few windows), ``"best"`` (plain lowest mean MASE) or ``"per_series"`` (each series its own
        best when it beats the global choice by more than 10 %).

    Returns
    -------
    pandas.Series mapping each ``unique_id`` of ``frame`` to a candidate name.
    """
    ids = pd.Index(frame["unique_id"].unique())
    if frame.empty:
        return pd.Series(fallback_candidate(cands), index=ids, dtype=object)
    if mode == "best":
        ranking = rank_candidates(frame, scales, list(cands))
        ranking = ranking[np.isfinite(ranking)]
        best = ranking.index[0] if len(ranking) else fallback_candidate(cands)
    else:
        best = one_se_choice(frame, scales, cands)
    chosen = pd.Series(best, index=ids, dtype=object)
    if mode == "per_series":
        table = pd.DataFrame({n: per_window(frame, n, scales).groupby("unique_id")["mase"].mean()
                              for n in cands})
        own = table.idxmin(axis=1)
        gain = table.min(axis=1) < 0.9 * table[best]
        chosen.loc[own.index[gain]] = own[gain]
    return chosen
