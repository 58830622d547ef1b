"""Frequencies: normalise pandas aliases and pick the seasonal period of each."""

from __future__ import annotations

import pandas as pd

from growthpilot.errors import ValidationError

_ALIASES = {
    "D": "D", "B": "B", "H": "h", "h": "h",
    "W": "W", "W-SUN": "W", "W-MON": "W-MON", "W-TUE": "W-TUE", "W-WED": "W-WED",
    "W-THU": "W-THU", "W-FRI": "W-FRI", "W-SAT": "W-SAT",
    "M": "MS", "MS": "MS", "ME": "MS", "Q": "QS", "QS": "QS", "QE": "QS", "Y": "YS", "YS": "YS", "A": "YS",
}
_SEASON = {"D": 7, "B": 5, "h": 24, "W": 52, "MS": 12, "QS": 4, "YS": 1}


def normalize_freq(freq: str) -> str:
    """A canonical pandas alias for ``freq`` (``"M"`` becomes month start ``"MS"``, ``"Q"`` ``"QS"``).

    >>> normalize_freq("M"), normalize_freq("W")
    ('MS', 'W')
    """
    f = str(freq).strip()
    out = _ALIASES.get(f) or _ALIASES.get(f.upper())
    if out is None:
        raise ValidationError(
            "unsupported frequency", value=freq,
            expected="one of D, B, h, W (or W-MON..W-SAT), MS, QS, YS",
        )
    return out


def season_length(freq: str) -> int:
    """The main seasonal period in periods: 7 for daily, 52 for weekly, 12 monthly, 4 quarterly."""
    f = normalize_freq(freq)
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
    step = d.diff().dropna().dt.days.mode().iloc[0]
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
    if f == "h":
        return ds.dt.floor("h")
    return ds.dt.normalize()
