"""Frequencies: normalise pandas aliases and pick the seasonal period of each."""

from __future__ import annotations

import re

import pandas as pd

from growthpilot.errors import ValidationError

_ALIASES = {
    "D": "D", "B": "B", "H": "h", "h": "h",
    "W": "W", "W-SUN": "W", "W-MON": "W-MON", "W-TUE": "W-TUE", "W-WED": "W-WED",
    "W-THU": "W-THU", "W-FRI": "W-FRI", "W-SAT": "W-SAT",
    "M": "MS", "MS": "MS", "ME": "MS", "Q": "QS", "QS": "QS", "QE": "QS", "Y": "YS", "YS": "YS", "A": "YS",
}
_SEASON = {"D": 7, "B": 5, "h": 24, "W": 52, "MS": 12, "QS": 4, "YS": 1}
_MINUTES = re.compile(r"^(\d*)\s*(min|t)$", re.IGNORECASE)  # "30min", "15T", "min"


def minutes(freq: str) -> int | None:
    """The period in minutes of a sub-hourly frequency (``"30min"`` gives 30), else ``None``."""
    m = _MINUTES.match(str(freq).strip())
    return int(m.group(1) or 1) if m else None


def is_intraday(freq: str) -> bool:
    """Hourly or sub-hourly: the seasonal period is one day and calendar features are hours."""
    f = normalize_freq(freq)
    return f == "h" or minutes(f) is not None


def calibration_cycle(freq: str) -> pd.Timedelta | None:
    """The span over which forecast errors repeat their pattern, for interval calibration: one week for
    hourly and sub-hourly data (weekdays and weekends differ), ``None`` (each backtest window) otherwise."""
    return pd.Timedelta(days=7) if is_intraday(freq) else None


def cycle_periods(freq: str) -> int:
    """Periods in :func:`calibration_cycle` (168 for hourly data), 1 where there is none."""
    cycle = calibration_cycle(freq)
    return 7 * season_length(freq) if cycle is not None else 1


def normalize_freq(freq: str) -> str:
    """A canonical pandas alias for ``freq`` (``"M"`` becomes month start ``"MS"``, ``"Q"`` ``"QS"``).

    >>> normalize_freq("M"), normalize_freq("W")
    ('MS', 'W')
    """
    f = str(freq).strip()
    out = _ALIASES.get(f) or _ALIASES.get(f.upper())
    n = minutes(f)
    if out is None and n is not None and n < 60 and 60 % n == 0:
        return f"{n}min"
    if out is None:
        raise ValidationError(
            "unsupported frequency", value=freq,
            expected="one of D, B, h, W (or W-MON..W-SAT), MS, QS, YS, or minutes that divide an hour (30min, 15min)",
        )
    return out


def season_length(freq: str) -> int:
    """The main seasonal period in periods: 7 for daily, 52 for weekly, 12 monthly, 4 quarterly, one day
    for hourly (24) and sub-hourly data (48 at 30 minutes)."""
    f = normalize_freq(freq)
    n = minutes(f)
    if n is not None:
        return 24 * 60 // n
    return _SEASON.get(f, _SEASON.get(f.split("-")[0], 1))


def infer_freq(ds: pd.Series) -> str:
    """Guess the frequency of a date column from its most common spacing.

    >>> infer_freq(pd.Series(pd.date_range("2024-01-01", periods=10, freq="W-FRI")))
    'W-FRI'
    """
    d = pd.Series(pd.to_datetime(ds).drop_duplicates().sort_values())
    if len(d) < 3:
        raise ValidationError("need at least 3 distinct dates to infer the frequency", column="ds",
                              expected="pass freq= explicitly")
    seconds = d.diff().dropna().dt.total_seconds().mode().iloc[0]
    if seconds == 3600:
        return "h"
    if seconds < 3600 and seconds % 60 == 0 and 3600 % seconds == 0:
        return f"{int(seconds // 60)}min"
    step = seconds / 86400
    if step == 1:
        return "D"
    if step == 7:
        return "W-" + d.iloc[-1].day_name()[:3].upper() if d.iloc[-1].day_name() != "Sunday" else "W"
    if 28 <= step <= 31:
        return "MS"
    if 89 <= step <= 92:
        return "QS"
    if 365 <= step <= 366:
        return "YS"
    raise ValidationError("cannot infer the frequency", column="ds", value=f"{step} days",
                          expected="pass freq= explicitly (D, W, MS, QS, ...)")


def align_to_freq(ds: pd.Series, freq: str) -> pd.Series:
    """Map timestamps onto the period starts (``MS``, ``QS``, ``YS``) or anchored week ends (``W-*``)."""
    ds = pd.to_datetime(ds)
    f = normalize_freq(freq)
    if f in ("MS", "QS", "YS"):
        return ds.dt.to_period(f[0]).dt.start_time
    if f.startswith("W"):
        anchor = "W-SUN" if f == "W" else f
        return ds.dt.to_period(anchor).dt.end_time.dt.normalize()
    if is_intraday(f):
        return ds.dt.floor(f)
    return ds.dt.normalize()
