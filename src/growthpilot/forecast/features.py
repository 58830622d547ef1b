"""Calendar and holiday features for the global gradient-boosted model.

Holidays come from the ``holidays`` package (offline tables of public holidays by
country); without it, the US federal calendar of pandas is used.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.forecast.frequency import is_intraday, normalize_freq

HOLIDAY_COL = "holiday"


def holiday_dates(start: pd.Timestamp, end: pd.Timestamp, country: str = "US") -> pd.DatetimeIndex:
    """Public holidays of ``country`` (ISO code such as ``US``, ``GB``, ``CN``) between two dates."""
    try:
        import holidays
    except ImportError:  # pragma: no cover - holidays is a declared dependency
        from pandas.tseries.holiday import USFederalHolidayCalendar

        return USFederalHolidayCalendar().holidays(start, end)
    years = range(pd.Timestamp(start).year, pd.Timestamp(end).year + 1)
    try:
        table = holidays.country_holidays(country.upper(), years=years)
    except NotImplementedError:
        table = holidays.country_holidays("US", years=years)
    return pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in table)).sort_values()


def holiday_counts(ds: pd.Series, freq: str, country: str = "US") -> np.ndarray:
    """Number of public holidays in each period (the day itself for daily data).

    Weekly periods are the 7 days ending at ``ds``; monthly and quarterly periods start at ``ds``.
    For daily data a holiday also marks the day before (shopping for it) with 0.5.
    """
    ds = pd.to_datetime(pd.Series(ds)).reset_index(drop=True)
    f = normalize_freq(freq)
    if ds.empty:
        return np.zeros(0)
    lo, hi = ds.min() - pd.Timedelta(days=400), ds.max() + pd.Timedelta(days=400)
    days = pd.Series(1.0, index=holiday_dates(lo, hi, country))
    days = days[~days.index.duplicated()]
    if f in ("D", "B"):
        eve = pd.Series(0.5, index=days.index - pd.Timedelta(days=1))
        daily = pd.concat([days, eve]).groupby(level=0).max()
        return daily.reindex(ds.dt.normalize()).fillna(0.0).to_numpy()
    if is_intraday(f):
        return days.reindex(ds.dt.normalize()).fillna(0.0).to_numpy()
    if f.startswith("W"):
        start = ds - pd.Timedelta(days=6)
    else:
        start = ds
    offset = {"MS": pd.DateOffset(months=1), "QS": pd.DateOffset(months=3), "YS": pd.DateOffset(years=1)}
    end = ds + pd.Timedelta(days=1) if f.startswith("W") else ds + offset.get(f, pd.DateOffset(days=1))
    cum = np.concatenate([[0.0], np.cumsum(np.ones(len(days)))])
    idx = days.index.to_numpy()
    a = np.searchsorted(idx, start.to_numpy(), side="left")
    b = np.searchsorted(idx, end.to_numpy(), side="left")
    return cum[b] - cum[a]


def date_features(freq: str) -> list[str]:
    """mlforecast date-feature names suited to ``freq``."""
    f = normalize_freq(freq)
    if f in ("D", "B"):
        return ["dayofweek", "month", "dayofyear", "day"]
    if f == "h":
        return ["hour", "dayofweek"]
    if is_intraday(f):
        return ["hour", "minute", "dayofweek"]
    if f.startswith("W"):
        return ["week", "month"]
    if f == "MS":
        return ["month", "year"]
    if f == "QS":
        return ["quarter", "year"]
    return ["year"]


def add_holidays(df: pd.DataFrame, freq: str, country: str = "US") -> pd.DataFrame:
    """Return ``df`` with a ``holiday`` column (see :func:`holiday_counts`)."""
    out = df.copy()
    out[HOLIDAY_COL] = holiday_counts(out["ds"], freq, country)
    return out
