"""Log-scale variants of the statistical models for positive series whose variation grows with the level.

A model named ``log<Model>`` (``logAutoETS``, ``logAutoARIMA``, ``logAutoTheta``) is fitted on
``log(y)``; its point forecasts and interval bounds are transformed back with ``exp`` (the point
forecast is then the median, which MASE rewards). The variants join the candidates only when the
data look multiplicative (:func:`looks_multiplicative`) and are small enough for the extra fits to
be cheap; the usual backtest then decides whether they are used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

LOG_PREFIX = "log"
LOG_BASES = ("AutoETS", "AutoARIMA", "AutoTheta")
LOG_MODELS = tuple(LOG_PREFIX + m for m in LOG_BASES)
MAX_ROWS = 5000  # the variants double the statistical fits: small data only


def is_log(name: str) -> bool:
    return name in LOG_MODELS


def base_of(name: str) -> str:
    """The statistical model behind a (log) model name."""
    return name[len(LOG_PREFIX):] if is_log(name) else name


def level_slope(y: np.ndarray, season: int) -> tuple[float, float]:
    """Slope of log(spread) on log(level) over consecutive seasons, and the range of log(level).

    The series is cut into blocks of one season (12 periods when there is no season); the
    within-block standard deviation of a multiplicative series grows in proportion to the block
    mean (slope near 1), that of an additive one does not (slope near 0). NaN when fewer than three
    blocks or a non-positive block.
    """
    m = max(season, 4) if season > 1 else 12
    k = len(y) // m
    if k < 3:
        return np.nan, np.nan
    b = np.asarray(y[-k * m:], float).reshape(k, m)
    level, spread = b.mean(axis=1), b.std(axis=1)
    if (level <= 0).any() or (spread <= 0).any():
        return np.nan, np.nan
    lx = np.log(level)
    return float(np.polyfit(lx, np.log(spread), 1)[0]), float(lx.max() - lx.min())


def looks_multiplicative(df: pd.DataFrame, season: int, *, min_slope: float = 0.5,
                         min_range: float = np.log(1.3)) -> bool:
    """All values positive, and at least half of the series have a spread that grows with a level
    that changed by 30 % or more (slope of :func:`level_slope` above ``min_slope``)."""
    if df.empty or not (df["y"] > 0).all():
        return False
    res = [level_slope(g.to_numpy(), season) for _, g in df.sort_values("ds").groupby("unique_id")["y"]]
    ok = [s > min_slope and r > min_range for s, r in res if np.isfinite(s)]
    return len(ok) > 0 and sum(ok) >= len(res) / 2


def with_log_variants(df: pd.DataFrame, models: Sequence[str], season: int) -> tuple[str, ...]:
    """``models`` plus the log variants of its ETS / ARIMA / Theta when the (small) data look multiplicative."""
    models = tuple(models)
    if len(df) > MAX_ROWS or any(is_log(m) for m in models) or not looks_multiplicative(df, season):
        return models
    return models + tuple(LOG_PREFIX + m for m in LOG_BASES if m in models)


def to_log(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(y=np.log(df["y"].to_numpy(float)))


def from_log(frame: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    """``exp`` of the forecast and bound columns ``cols`` (in place on a copy)."""
    out = frame.copy()
    for c in cols:
        out[c] = np.exp(out[c].to_numpy(float))
    return out
