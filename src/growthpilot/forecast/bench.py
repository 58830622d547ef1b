"""Library side of ``benchmarks/forecast.py``: load any long (or wide) file, evaluate, report."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from growthpilot.errors import ValidationError
from growthpilot.files import read_table
from growthpilot.forecast.data import prepare_series
from growthpilot.forecast.frequency import season_length
from growthpilot.forecast.models import ArimaBudget
from growthpilot.parsing import parse_times, present, to_number


def load_long(path: str | Path | pd.DataFrame, *, freq: str, id_col: str | None, time_col: str | None, target_col: str,
              exog_cols: Sequence[str] = (), start: str | None = None, top: int | None = None,
              dayfirst: bool = False, source: str | None = None) -> pd.DataFrame:
    """Read a file into a regular ``unique_id, ds, y`` frame.

    ``target_col`` may name several columns separated by commas, or ``*`` for every numeric
    column: the file is then wide (one column per series) and is melted, the column name
    becoming the series id. Without ``time_col``, a ``ds`` column is the date (and without ``id_col``, a
    ``unique_id`` column the series id: the canonical long format needs no flags); else dates are
    generated from ``start`` at ``freq``.
    ``top`` keeps the ``top`` series with the largest total. ``path`` may also be a table already read
    (``source``: the file it came from, for error messages).
    Dates and numbers are read as :mod:`growthpilot.parsing` reads them; an unreadable cell is an error
    naming the file, row, column and value.
    """
    if isinstance(path, pd.DataFrame):
        raw, path = path.copy(), source or "the table"
    else:
        raw = read_table(path)
    if time_col is None and start is None and "ds" in raw.columns:
        time_col = "ds"  # the canonical long format (unique_id, ds, y) needs no flags
    if id_col is None and "unique_id" in raw.columns and target_col != "*" and "," not in target_col:
        id_col = "unique_id"
    if time_col is None:
        if start is None:
            raise ValidationError("no --time-col given", expected="a date column, or --start DATE for a "
                                  "file whose rows are consecutive periods")
        raw = raw.assign(_ds=pd.date_range(start, periods=len(raw), freq=freq))
        time_col = "_ds"
    else:
        if time_col not in raw.columns:
            raise ValidationError(f"no column {time_col!r} in {path}", column=time_col,
                                  expected=f"one of {list(raw.columns)}")
        text = raw[time_col]
        raw[time_col] = (pd.to_datetime(text, dayfirst=True, errors="coerce", format="mixed") if dayfirst
                         else parse_times(text))  # ISO, YYYYMMDD, Unix time, d/m/y or m/d/y (detected)
        _reject_unreadable(raw[time_col].isna() & present(text), text, path, "a date")
    if target_col == "*" or "," in target_col:
        cols = ([c for c in raw.columns if c != time_col and pd.api.types.is_numeric_dtype(raw[c])]
                if target_col == "*" else [c.strip() for c in target_col.split(",")])
        raw = raw.melt(id_vars=[time_col], value_vars=cols, var_name="_series", value_name="_y")
        id_col, target_col = "_series", "_y"
    for col in (target_col, *exog_cols):
        if col in raw.columns and not pd.api.types.is_numeric_dtype(raw[col]):
            text = raw[col]
            raw[col] = to_number(text)  # "1,234.50", "12,50", "$7" read as numbers
            _reject_unreadable(raw[col].isna() & present(text), text, path, "a number")
    df = prepare_series(raw, freq=freq, id_col=id_col, time_col=time_col, target_col=target_col,
                        exog_cols=exog_cols)
    _report_regularisation(df, path, freq)
    if top is not None:
        keep = df.groupby("unique_id")["y"].sum().nlargest(top).index
        df = df[df["unique_id"].isin(keep)].reset_index(drop=True)
    return df


def _report_regularisation(df: pd.DataFrame, path, freq: str) -> None:
    """Say on stderr when rows were summed into shared periods or series were padded to the table's end."""
    summed, padded = df.attrs.get("rows_summed", 0), df.attrs.get("padded_to_end", {})
    if summed:
        print(f"{path}: {summed:,} rows fell in a {freq} period already holding a row of the same series and were "
              "summed into it (duplicate time stamps, or finer data than --freq)", file=sys.stderr)
    if padded:
        worst = sorted(padded.items(), key=lambda kv: -kv[1])[:3]
        print(f"{path}: {len(padded):,} series end before the table's last period and were padded with zeros to it "
              "(no sales is read as zero sales), e.g. " + ", ".join(f"{u} +{n} periods" for u, n in worst),
              file=sys.stderr)


def _reject_unreadable(bad: pd.Series, text: pd.Series, path, expected: str) -> None:
    """A clear error naming the file, row, column and value when a non-empty cell cannot be read."""
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValidationError(f"{int(bad.sum()):,} value(s) are not {expected}", file=str(path), row=row,
                              column=str(text.name), value=text.iloc[row], expected=expected)


def arima_budget_for(df: pd.DataFrame, freq: str, windows: int) -> tuple[ArimaBudget, bool | int, bool]:
    """Speed settings that keep the backtest affordable on two cores.

    Returns ``(budget, refit, run_arima)``: small panels refit every model at every cutoff with
    the full AutoARIMA search; larger ones fit once and run forward, with AutoARIMA on a narrow
    search over recent data; panels of more than 200 long series (over 200 periods each) leave
    AutoARIMA out (about 0.1 s per fit and series there, the whole time budget on its own).
    """
    season = season_length(freq)
    n = df["unique_id"].nunique()
    length = len(df) / max(n, 1)
    if len(df) * windows <= 200_000 and length <= 400:
        return ArimaBudget(), True, True
    run_arima = not (n > 200 and length > 200)
    return ArimaBudget(fast=True, input_size=max(8 * season, 120)), False, run_arima


def format_table(table: pd.DataFrame) -> str:
    """A plain-text score table."""
    cols = ["model", "mase", "smape", "bias_pct", "coverage", "seconds"]
    t = table[cols].copy()
    lines = [f"{'model':44s} {'MASE':>7s} {'sMAPE':>7s} {'bias%':>7s} {'cov90%':>7s} {'sec':>7s}"]
    for r in t.itertuples(index=False):
        lines.append(f"{r.model:44s} {r.mase:7.3f} {r.smape:7.2f} {r.bias_pct:7.2f} {r.coverage:7.1f} "
                     f"{r.seconds:7.1f}")
    return "\n".join(lines)


def simulated_series(*, source: str = "shop", n_series: int = 200, periods: int = 730, freq: str = "D",
                     customers: int = 5000, seed: int = 42) -> tuple[pd.DataFrame, str]:
    """Series for ``--simulate``: the project's shop simulator aggregated by product, or the synthetic panel.

    ``source="shop"`` runs :func:`growthpilot.simulate.iter_order_lines` (``n_series`` products,
    ``periods`` days, ``customers`` customers) and keeps product sales with price and promotion;
    ``source="panel"`` uses :func:`growthpilot.forecast.synthetic.synthetic_panel`.
    """
    if source == "shop":
        from growthpilot.forecast.data import series_from_orders
        from growthpilot.simulate import SimConfig, iter_order_lines

        cfg = SimConfig(customers=customers, products=n_series, days=periods, seed=seed)
        orders = pd.concat(list(iter_order_lines(cfg)), ignore_index=True)
        df = series_from_orders(orders, level="product", freq=freq, measure="units", top=n_series)
        return df, f"shop simulator: {n_series} products, {customers} customers, {periods} days, {freq}"
    from growthpilot.forecast.synthetic import synthetic_panel

    df, _ = synthetic_panel(n_series=n_series, periods=periods, freq=freq, seed=seed)
    return df.drop(columns="category"), f"synthetic panel {n_series} x {periods} {freq}"
