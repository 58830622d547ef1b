"""Closed periods of intraday series: the periods of the week with no sale in each of the last weeks.

A shop's hourly (or half-hourly) sales are zero at night and on the days it is closed. The models
see one season of a day (24 hours): an additive seasonal model spreads a level change over the night
and cannot hold a closed weekday at all, so much of its error in a backtest is sales forecast while the
shop is closed (Online Retail's hourly total: 32 % of AutoETS's absolute error, in 61 % of the hours, which
hold 0.3 % of the volume; docs/forecast.md, round forecast-1.9 -> forecast-1.10), while seasonal naive
repeats last night's zeros and wins the choice. A period of the week (Tuesday 03:00) that had no non-zero value in each of the last
``weeks`` weeks before the forecast origin counts as closed, for a series whose opening hours held on its
own last two weeks (a sporadic seller, whose few sales fall in any hour, has none): every model forecasts 0 there, and its
interval is [0, 0] (those periods are left out of the interval calibration, whose errors are then the
open periods' errors). Decided per series and per forecast origin, on data up to the origin only.
Daily and longer frequencies are not touched (their season, a week of days, already holds a closed day).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.forecast.frequency import is_intraday, minutes, normalize_freq

CLOSED_WEEKS = 4  # a period of the week with no sale in each of the last 4 weeks is closed
CHECK_WEEKS = 2  # ... when the opening hours so found held on the series' last 2 weeks:
MAX_MISSED = 0.05  # at most 5 % of their volume in periods closed by the 4 weeks before them,
MIN_SALES_PER_WEEK = 7  # with enough periods with a sale to tell (on average one a day)
CLOSED = "closed"  # column of backtest and forecast frames: True where the period is closed


def period_minutes(freq: str) -> int:
    """Length of one intraday period in minutes (60 for hourly data)."""
    f = normalize_freq(freq)
    return 60 if f == "h" else int(minutes(f) or 60)


def week_slot(ds: pd.Series, freq: str) -> np.ndarray:
    """Position of each timestamp in its week, in periods from Monday 00:00 (0..167 for hourly data)."""
    ds = pd.to_datetime(pd.Series(ds))
    mins = (ds.dt.dayofweek * 24 + ds.dt.hour) * 60 + ds.dt.minute
    return (mins // period_minutes(freq)).to_numpy(np.int64)


def closed_periods(history: pd.DataFrame, rows: pd.DataFrame, freq: str, *,
                   weeks: int = CLOSED_WEEKS, check_weeks: int = CHECK_WEEKS,
                   max_missed: float = MAX_MISSED) -> np.ndarray:
    """Whether each forecast row falls in a closed period of its series.

    Parameters
    ----------
    history : ``unique_id, ds, y`` (the data; only the part up to each row's ``cutoff`` is read).
    rows : forecast rows with ``unique_id, ds, cutoff`` (the forecast origin of the row).
    freq : the frequency; anything but hourly or sub-hourly gives all ``False``.
    weeks : a period of the week is closed when the series had no non-zero value in it in each of the
        last ``weeks`` weeks up to the row's cutoff.
    check_weeks, max_missed : the series has closed periods at a cutoff only when its opening hours held
        on its own recent data: the periods closed by the ``weeks`` weeks before its last ``check_weeks``
        weeks held at most ``max_missed`` of the absolute volume of those last weeks (a shop closed at night
        and on Saturdays: 0-1 %; a sporadic seller, whose sales fall in any hour: 5-100 %, see
        docs/forecast.md), with at least ``MIN_SALES_PER_WEEK`` periods with a sale per week checked (fewer
        cannot tell opening hours from chance). A series with less than ``weeks + check_weeks`` weeks of
        history at the cutoff has no closed period.

    Returns
    -------
    numpy bool array aligned with ``rows``.
    """
    out = np.zeros(len(rows), bool)
    if not len(rows) or not is_intraday(freq) or weeks < 1:
        return out
    span, check = pd.Timedelta(weeks=weeks), pd.Timedelta(weeks=check_weeks)
    period = pd.Timedelta(minutes=period_minutes(freq))
    n_slots = 7 * 24 * 60 // period_minutes(freq)
    hist = history[["unique_id", "ds", "y"]]
    hist = hist[hist["ds"] > pd.Timestamp(rows["cutoff"].min()) - span - check]
    codes = pd.Index(pd.unique(pd.concat([hist["unique_id"], rows["unique_id"]], ignore_index=True)))
    start = history.groupby("unique_id")["ds"].min()
    h_code = codes.get_indexer(hist["unique_id"])
    h_key = h_code * n_slots + week_slot(hist["ds"], freq)
    h_ds = hist["ds"].to_numpy()
    y = hist["y"].to_numpy(float)
    h_sale = (y != 0) & np.isfinite(y)
    h_abs = np.where(h_sale, np.abs(y), 0.0)
    r_uid = rows["unique_id"].to_numpy()
    r_code = codes.get_indexer(r_uid)
    r_key = r_code * n_slots + week_slot(rows["ds"], freq)
    r_start = pd.Series(r_uid).map(start).to_numpy()
    for cutoff, idx in pd.Series(np.arange(len(rows))).groupby(rows["cutoff"].to_numpy()).groups.items():
        cutoff = pd.Timestamp(cutoff)
        idx = np.asarray(idx)
        # the check: the opening hours of the weeks before the last check_weeks, against those weeks' sales
        earlier = (h_ds > np.datetime64(cutoff - check - span)) & (h_ds <= np.datetime64(cutoff - check)) & h_sale
        last = (h_ds > np.datetime64(cutoff - check)) & (h_ds <= np.datetime64(cutoff))
        missed = last & ~np.isin(h_key, np.unique(h_key[earlier]))
        vol = np.bincount(h_code[last], weights=h_abs[last], minlength=len(codes))
        n_sales = np.bincount(h_code[last & h_sale], minlength=len(codes))
        vol_missed = np.bincount(h_code[missed], weights=h_abs[missed], minlength=len(codes))
        with np.errstate(invalid="ignore", divide="ignore"):
            regular = (n_sales >= MIN_SALES_PER_WEEK * check_weeks) & (vol_missed <= max_missed * vol)
        recent = (h_ds > np.datetime64(cutoff - span)) & (h_ds <= np.datetime64(cutoff)) & h_sale
        long_enough = r_start[idx] <= np.datetime64(cutoff - span - check + period)
        out[idx] = long_enough & regular[r_code[idx]] & ~np.isin(r_key[idx], np.unique(h_key[recent]))
    return out


def mask_closed(frame: pd.DataFrame, history: pd.DataFrame, cols: Sequence[str], freq: str, *,
                weeks: int = CLOSED_WEEKS) -> pd.DataFrame:
    """``frame`` with the forecast columns ``cols`` set to 0 in closed periods and a ``closed`` column
    (:func:`closed_periods`); ``frame`` itself at daily and longer frequencies."""
    if not is_intraday(freq):
        return frame
    closed = closed_periods(history, frame, freq, weeks=weeks)
    out = frame.copy()
    if closed.any():
        for c in cols:
            if c in out:
                out.loc[closed, c] = 0.0
    out[CLOSED] = closed
    return out


def open_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows outside closed periods (all rows when there is no ``closed`` column or every row is closed):
    what the interval calibration learns from."""
    if CLOSED not in frame or not frame[CLOSED].any():
        return frame
    kept = frame[~frame[CLOSED].astype(bool)]
    return kept if len(kept) else frame
