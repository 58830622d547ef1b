"""Candidate forecasts (base models and equal-weight ensembles) and their choice by backtest."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.forecast.conformal import own_cutoffs
from growthpilot.forecast.metrics import per_window
from growthpilot.forecast.transform import LOG_BASES, LOG_PREFIX, is_log

DEFAULT_ENSEMBLES = (
    ("AutoETS", "AutoARIMA", "AutoTheta"),
    ("AutoETS", "AutoTheta", "LightGBM"),
    ("AutoETS", "AutoARIMA", "AutoTheta", "LightGBM"),
    ("SeasonalNaive", "AutoETS", "AutoTheta", "LightGBM"),
    # the classic combination with seasonal naive as a fourth member: a stable seasonal pattern tempers the
    # statistical models' trend extrapolation (forecast-1.4)
    ("SeasonalNaive", "AutoETS", "AutoARIMA", "AutoTheta"),
    # MSTL (STL seasonal decomposition, ETS on the rest) as a fourth member: a second, non-parametric
    # reading of the seasonal pattern, for the classic combination and for the global one (forecast-1.5)
    ("AutoETS", "AutoARIMA", "AutoTheta", "MSTL"),
    ("AutoETS", "AutoTheta", "LightGBM", "MSTL"),
)


def log_twin(members: Sequence[str]) -> tuple[str, ...]:
    """The same combination with its statistical models on the log scale (see :mod:`~growthpilot.forecast.transform`)."""
    return tuple(LOG_PREFIX + m if m in LOG_BASES else m for m in members)


def candidates(models: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Every base model alone plus the equal-weight ensembles whose members are all available
    (and their log twins when the log variants are among ``models``)."""
    out = {m: (m,) for m in models}
    for combo in DEFAULT_ENSEMBLES:
        for members in dict.fromkeys((combo, log_twin(combo))):
            if all(m in models for m in members):
                out["+".join(members)] = members
    return out


def family(members: Sequence[str]) -> str:
    """``"log"`` when a candidate uses a log-scale model, ``"plain"`` when it uses a plain statistical one,
    ``"shared"`` otherwise (seasonal naive, LightGBM: in both families)."""
    if any(is_log(m) for m in members):
        return "log"
    return "plain" if any(m in LOG_BASES for m in members) else "shared"


def family_choice(frame: pd.DataFrame, scales: pd.DataFrame, cands: dict[str, tuple[str, ...]], *,
                  min_win_share: float = 2 / 3) -> dict[str, tuple[str, ...]]:
    """The candidates of one scale: the log family replaces the plain one only when the log
    ETS+ARIMA+Theta combination beats the plain one in at least ``min_win_share`` of the validation
    windows and on the geometric mean. Choosing the scale first, on two robust combinations, and the
    model within it second keeps the extra candidates from adding noise to the choice.
    """
    plain = "+".join(DEFAULT_ENSEMBLES[0])
    twin = "+".join(log_twin(DEFAULT_ENSEMBLES[0]))
    keep = "plain"
    if plain in cands and twin in cands:
        w = window_scores(frame, scales, [plain, twin])
        if len(w) and beats_consistently(log_ratios(w, plain)[twin], min_win_share):
            keep = "log"
    drop = "log" if keep == "plain" else "plain"
    return {n: m for n, m in cands.items() if family(m) != drop}


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


ANCHOR_ORDER = ("AutoETS+AutoARIMA+AutoTheta", "logAutoETS+logAutoARIMA+logAutoTheta", "AutoETS", "logAutoETS",
                "AutoTheta", "SeasonalNaive")


def anchor_candidate(cands: dict[str, tuple[str, ...]]) -> str:
    """The incumbent a challenger has to beat: the classic ETS+ARIMA+Theta combination (of the chosen
    scale) when it is a candidate, else AutoETS alone (big panels, where AutoARIMA is left out)."""
    for name in ANCHOR_ORDER:
        if name in cands:
            return name
    return next(iter(cands))


def window_scores(frame: pd.DataFrame, scales: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Mean MASE over series per validation window: one row per cutoff, one column per candidate."""
    per = {n: per_window(frame, n, scales).set_index(["unique_id", "cutoff"])["mase"] for n in names}
    table = pd.DataFrame(per).dropna()
    return table.groupby(level="cutoff").mean()


def log_ratios(by_window: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Log of each candidate's per-window MASE over the ``reference`` candidate's (below 0: better)."""
    tiny = 1e-12
    return np.log(by_window.clip(lower=tiny).div(by_window[reference].clip(lower=tiny), axis=0))


def beats_consistently(ratio: pd.Series, min_win_share: float) -> bool:
    """Better in at least ``min_win_share`` of the windows and on the geometric mean (log ratios < 0)."""
    return bool((ratio < 0).mean() >= min_win_share - 1e-9 and ratio.mean() < 0)


def anchored_choice(frame: pd.DataFrame, scales: pd.DataFrame, cands: dict[str, tuple[str, ...]], *,
                    min_win_share: float = 2 / 3) -> str:
    """Keep the anchor (:func:`anchor_candidate`) unless a challenger beats it consistently across windows.

    Per validation window, each candidate's mean MASE over series is compared with the anchor's as a
    log ratio. A challenger qualifies when it wins in at least ``min_win_share`` of the windows *and*
    its mean log ratio is below zero. Among the qualifiers, the lowest mean log ratio (geometric-mean
    relative MASE) sets the bar, and every qualifier within one standard error of it counts as equally
    good; the one with the most members wins (combinations are the more robust bet), then the lowest
    mean. Comparing window by window,
    rather than pooling MASE, keeps one unusual window (a holiday season of a weekly series) from
    deciding the choice on its own.
    """
    anchor = anchor_candidate(cands)
    by_window = window_scores(frame, scales, list(cands))
    if by_window.empty or anchor not in by_window:
        return fallback_candidate(cands)
    ratio = log_ratios(by_window, anchor)
    n_w = len(ratio)
    gain = ratio.mean()
    ok = [n for n in ratio.columns if n != anchor and beats_consistently(ratio[n], min_win_share)]
    if not ok:
        return anchor
    best = min(ok, key=lambda n: gain[n])
    diff = ratio[ok].sub(ratio[best], axis=0)
    se_d = diff.std(ddof=1).fillna(0.0) / np.sqrt(n_w) if n_w > 1 else pd.Series(0.0, index=ok)
    near = [n for n in ok if gain[n] <= gain[best] + se_d[n]]
    return sorted(near, key=lambda n: (-len(cands[n]), gain[n]))[0]


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
           mode: str = "anchored") -> pd.Series:
    """Pick a candidate by validation MASE.

    Parameters
    ----------
    frame : backtest forecasts on the validation cutoffs only (with candidate columns).
    scales : MASE scales from :func:`growthpilot.forecast.metrics.mase_scales`.
    cands : candidates from :func:`candidates`; with log variants among them, the scale is settled
        first by :func:`family_choice`.
    mode : ``"anchored"`` (the default: one choice for all series by :func:`anchored_choice`, the
        ETS+ARIMA+Theta combination unless a challenger beats it consistently), ``"global"`` (one choice for all series by
        :func:`one_se_choice`), ``"best"`` (plain lowest mean MASE) or ``"per_series"`` (each series its own
        best when it beats the global choice by more than 10 %).

    Returns
    -------
    pandas.Series mapping each ``unique_id`` of ``frame`` to a candidate name.
    """
    ids = pd.Index(frame["unique_id"].unique())
    # several origins per window: the extra ones serve the interval calibration; the choice keeps to the
    # windows' own cutoffs (scoring the run-forward origins too made it worse in the replays)
    frame = own_cutoffs(frame)
    if frame.empty:
        return pd.Series(fallback_candidate(cands), index=ids, dtype=object)
    cands = family_choice(frame, scales, cands)
    if mode == "best":
        ranking = rank_candidates(frame, scales, list(cands))
        ranking = ranking[np.isfinite(ranking)]
        best = ranking.index[0] if len(ranking) else fallback_candidate(cands)
    elif mode == "global":
        best = one_se_choice(frame, scales, cands)
    else:
        best = anchored_choice(frame, scales, cands)
    chosen = pd.Series(best, index=ids, dtype=object)
    if mode == "per_series":
        table = pd.DataFrame({n: per_window(frame, n, scales).groupby("unique_id")["mase"].mean()
                              for n in cands})
        own = table.idxmin(axis=1)
        gain = table.min(axis=1) < 0.9 * table[best]
        chosen.loc[own.index[gain]] = own[gain]
    return chosen
