"""Weekly modelling table for a marketing-mix model: checks, geo aggregation, warehouse pivot.

>>> import pandas as pd
>>> df = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=30, freq="7D"), "y": 1.0, "tv": 2.0})
>>> prepare_weekly(df, date_col="date", target_col="y", spend_cols=["tv"]).shape
(30, 3)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import DataError, ValidationError
from growthpilot.parsing import parse_times, to_number

MIN_WEEKS = 26


def _sub_weekly(dates: pd.Series) -> bool:
    """Whether the rows are closer than a week apart (daily or business-day data)."""
    gaps = dates.diff().dropna()
    return len(gaps) > 0 and gaps.median() < pd.Timedelta(days=6)


def weekly_sums(df: pd.DataFrame, *, date_col: str, sums: list[str],
                means: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Daily (or business-day) rows summed into weeks that start on the first date's weekday (controls
    averaged); weeks at either end with fewer rows than a usual week are dropped, so no week is partial.
    ``attrs["note"]`` says what was done."""
    first = df[date_col].min().normalize()
    week = first + pd.to_timedelta((df[date_col] - first).dt.days // 7 * 7, unit="D")
    agg = {**{c: "sum" for c in sums}, **{c: "mean" for c in means}}
    g = df.assign(**{date_col: week}).groupby(date_col)
    out = g.agg(agg).assign(_rows=g.size())
    usual = int(out["_rows"].mode().iloc[0])
    full = out["_rows"] >= usual
    out = out.loc[full.idxmax(): full[::-1].idxmax()]  # from the first full week to the last
    dropped = int(len(full) - len(out))
    out = out.drop(columns="_rows").reset_index()
    out.attrs["note"] = (f"{len(df)} rows closer than a week apart summed into {len(out)} weeks starting "
                         f"{out[date_col].iloc[0].day_name()}s ({usual} rows a week; controls averaged"
                         + (f"; {dropped} partial week(s) at the ends dropped)" if dropped else ")"))
    return out


def _parsed(data: pd.DataFrame, *, date_col: str, numeric_cols: list[str], other_cols: list[str],
            source: str = "the data") -> pd.DataFrame:
    """The needed columns of ``data``, dates parsed (ISO, YYYYMMDD, d/m/y or m/d/y; zones to naive UTC) and
    numbers read (text such as "1,234.50" or "$12"); missing columns, unparsable dates or non-numeric values
    raise :class:`ValidationError` naming the row, column and value."""
    needed = [date_col, *numeric_cols, *other_cols]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise ValidationError(f"column(s) {missing} not in {source}", column=missing[0],
                              expected=f"one of {list(data.columns)}")
    df = data[needed].copy()
    df.attrs = {}  # only this call's note (daily rows summed into weeks) is reported
    dates = parse_times(df[date_col])
    if dates.isna().any():
        i = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise ValidationError("date is missing or does not parse", row=i, column=date_col, value=df[date_col].iloc[i],
                              expected="a date such as 2024-01-01 (also 01/01/2024, 20240101)")
    df[date_col] = dates.to_numpy()
    for col in numeric_cols:
        num = to_number(df[col])
        bad = num.isna() & df[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValidationError("value is not numeric", row=i, column=col, value=df[col].iloc[i], expected="a number")
        df[col] = num.astype(float)
    return df


def _spend_filled(df: pd.DataFrame, spend_cols: list[str]) -> None:
    """Negative spend raises :class:`ValidationError`; missing spend counts as zero (in place)."""
    for col in spend_cols:
        if (df[col] < 0).any():
            i = int(np.flatnonzero((df[col] < 0).to_numpy())[0])
            raise ValidationError("spend is negative", row=i, column=col, value=df[col].iloc[i], expected=">= 0")
        df[col] = df[col].fillna(0.0)


def prepare_weekly(
    data: pd.DataFrame,
    *,
    date_col: str,
    target_col: str,
    spend_cols: list[str],
    control_cols: list[str] | tuple[str, ...] = (),
    geo_col: str | None = None,
    min_weeks: int = MIN_WEEKS,
) -> pd.DataFrame:
    """Return ``date_col, target_col, *spend_cols, *control_cols`` sorted by date, one row per date.

    Rows of a geo panel are summed per date (controls averaged), giving the national series.
    Raises :class:`ValidationError` naming the column and row for missing columns, non-numeric
    or negative spend, missing target values or duplicate dates.
    """
    spend_cols, control_cols = list(spend_cols), list(control_cols)
    if not spend_cols:
        raise ValidationError("no spend columns given", expected="--spend-cols a,b,c")
    if len(set(spend_cols) & set(control_cols)):
        raise ValidationError("a column is both a spend and a control column",
                              column=sorted(set(spend_cols) & set(control_cols))[0])
    df = _parsed(data, date_col=date_col, numeric_cols=[target_col, *spend_cols, *control_cols],
                 other_cols=[geo_col] if geo_col else [])
    if geo_col:
        agg = {target_col: "sum", **{c: "sum" for c in spend_cols}, **{c: "mean" for c in control_cols}}
        df = df.groupby(date_col, as_index=False).agg(agg)
    df = df.sort_values(date_col, kind="stable").reset_index(drop=True)
    dup = df[date_col].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise ValidationError("duplicate date (a geo panel? pass geo_col / --geo-col)", row=i, column=date_col,
                              value=str(df[date_col].iloc[i].date()), expected="one row per week")
    if df[target_col].isna().any():
        i = int(np.flatnonzero(df[target_col].isna().to_numpy())[0])
        raise ValidationError("target is missing", row=i, column=target_col, expected="a number every week")
    _spend_filled(df, spend_cols)
    for col in spend_cols:
        if df[col].sum() <= 0:
            raise DataError(f"spend column {col!r} is zero in every week; drop it from the spend columns")
    if _sub_weekly(df[date_col]):  # daily data: the model's adstock and priors are weekly
        df = weekly_sums(df, date_col=date_col, sums=[target_col, *spend_cols], means=control_cols)
    for col in control_cols:
        df[col] = df[col].fillna(df[col].mean())
    if len(df) < min_weeks:
        raise DataError(f"a marketing-mix model needs at least {min_weeks} weeks (got {len(df)}); "
                        "use more history or a weekly instead of monthly table")
    return df


def prepare_spend(data: pd.DataFrame, *, date_col: str, spend_cols: list[str],
                  geo_col: str | None = None) -> pd.DataFrame:
    """``date_col`` and ``spend_cols`` of weekly rows (no outcome needed), sorted by date, geo rows summed.

    For weeks whose spend is known but whose outcome is not fitted (lift-test windows in a hold-out
    period). Missing spend counts as zero; unparsable dates or numbers and negative spend raise
    :class:`ValidationError`.
    """
    spend_cols = list(spend_cols)
    df = _parsed(data, date_col=date_col, numeric_cols=spend_cols, other_cols=[geo_col] if geo_col else [],
                 source="the later weeks' spend")
    if geo_col:
        df = df.groupby(date_col, as_index=False)[spend_cols].sum()
    df = df.sort_values(date_col, kind="stable").reset_index(drop=True)[[date_col, *spend_cols]]
    _spend_filled(df, spend_cols)
    return df


def weekly_from_warehouse(warehouse, *, target: str = "revenue") -> pd.DataFrame:
    """Weekly national table from ``channel_spend`` and ``orders``: ``date, revenue, <channel>_spend``.

    Spend is summed per week (weeks start on Monday) and channel; revenue is the sum of order
    ``amount`` (returns included, as negative amounts) in the same weeks.
    """
    if not warehouse.has_table("channel_spend"):
        raise DataError("the warehouse has no channel_spend table; ingest spend or run `growthpilot simulate`")
    spend = warehouse.read(warehouse.table("channel_spend"))
    if spend.empty:
        raise DataError("channel_spend is empty; ingest spend per week and channel first")
    spend["date"] = _week_start(spend["date"])
    wide = spend.pivot_table(index="date", columns="channel", values="spend", aggfunc="sum", fill_value=0.0)
    wide.columns = [f"{c}_spend" for c in wide.columns]
    out = wide.reset_index()
    if target == "revenue":
        if not warehouse.has_table("orders"):
            raise DataError("no orders table to compute weekly revenue from; ingest orders first")
        o = warehouse.table("orders")
        orders = warehouse.read(o.select("ts", "amount"))
        orders["date"] = _week_start(orders["ts"])
        rev = orders.groupby("date", as_index=False)["amount"].sum().rename(columns={"amount": "revenue"})
        out = out.merge(rev, on="date", how="inner")
    return out


def _week_start(s: pd.Series) -> pd.Series:
    d = pd.to_datetime(s).dt.normalize()
    return d - pd.to_timedelta(d.dt.dayofweek, unit="D")
