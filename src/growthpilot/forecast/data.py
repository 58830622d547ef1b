"""Long-format series (``unique_id, ds, y``): validation, regular grids, and series from orders."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.errors import DataError, ValidationError
from growthpilot.forecast.frequency import align_to_freq, normalize_freq

LEVELS = ("total", "category", "subcategory", "brand", "product", "country", "channel")
MEASURES = ("units", "revenue")


def prepare_series(
    df: pd.DataFrame,
    *,
    freq: str,
    id_col: str | None = "unique_id",
    time_col: str = "ds",
    target_col: str = "y",
    exog_cols: Sequence[str] = (),
    fill: str = "zero",
    extend_to_end: bool = True,
) -> pd.DataFrame:
    """Turn any long table into a regular ``unique_id, ds, y[, exog...]`` frame.

    Rows falling in the same period are summed (exogenous columns averaged); missing
    periods are filled with zeros (``fill="zero"``, right for sales) or by linear
    interpolation (``fill="interpolate"``, right for levels such as prices). Each series
    starts at its first observation and, with ``extend_to_end``, runs to the last date of
    the whole table (a product that stopped selling has zero sales, not missing ones).

    Parameters
    ----------
    df : the input table.
    freq : pandas frequency alias (``D``, ``W``, ``MS``, ``QS``...).
    id_col : series identifier column, or ``None`` for a single series called ``"series"``.
    time_col, target_col : the date and value columns.
    exog_cols : extra numeric columns kept as features (averaged per period, forward-filled).
    fill : ``"zero"`` or ``"interpolate"``.
    extend_to_end : pad every series to the table's last period.

    Returns
    -------
    pandas.DataFrame sorted by ``unique_id, ds``.

    Examples
    --------
    >>> raw = pd.DataFrame({"sku": ["a", "a"], "day": ["2024-01-01", "2024-01-03"], "qty": [2, 5]})
    >>> prepare_series(raw, freq="D", id_col="sku", time_col="day", target_col="qty")["y"].tolist()
    [2.0, 0.0, 5.0]
    """
    f = normalize_freq(freq)
    need = [c for c in (id_col, time_col, target_col, *exog_cols) if c is not None]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ValidationError(f"input lacks column(s) {missing}", expected=f"one of {list(df.columns)}")
    if fill not in ("zero", "interpolate"):
        raise ValidationError("unknown fill", value=fill, expected="'zero' or 'interpolate'")
    out = pd.DataFrame({
        "unique_id": df[id_col].astype(str) if id_col else "series",
        "ds": align_to_freq(pd.to_datetime(df[time_col], errors="coerce"), f),
        "y": pd.to_numeric(df[target_col], errors="coerce"),
    })
    for c in exog_cols:
        out[c] = pd.to_numeric(df[c], errors="coerce")
    bad = out["ds"].isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValidationError("unparseable date", row=row, column=time_col, value=df[time_col].iloc[row],
                              expected="an ISO date such as 2024-01-31")
    agg = {"y": "sum", **{c: "mean" for c in exog_cols}}
    n_rows = len(out)
    out = out.groupby(["unique_id", "ds"], as_index=False, sort=True).agg(agg)
    end = out["ds"].max()
    last = out.groupby("unique_id")["ds"].max()
    pieces = []
    for uid, g in out.groupby("unique_id", sort=True):
        idx = pd.date_range(g["ds"].min(), end if extend_to_end else g["ds"].max(), freq=f)
        g = g.set_index("ds").reindex(idx)
        g.index.name = "ds"
        g["unique_id"] = uid
        g["y"] = g["y"].fillna(0.0) if fill == "zero" else g["y"].interpolate(limit_direction="both")
        for c in exog_cols:
            g[c] = g[c].ffill().bfill().fillna(0.0)
        pieces.append(g.reset_index())
    if not pieces:
        raise DataError("no rows to forecast: the input table is empty")
    res = pd.concat(pieces, ignore_index=True)[["unique_id", "ds", "y", *exog_cols]]
    res["y"] = res["y"].astype(float)
    # what the regularisation did, for the caller to report: rows summed into a period they shared with
    # another row of the series, and series padded (with zeros or interpolation) after their last row
    res.attrs["rows_summed"] = n_rows - len(out)
    ended = last[last < end] if extend_to_end else last.iloc[:0]
    res.attrs["padded_to_end"] = {str(u): len(pd.date_range(d, end, freq=f)) - 1 for u, d in ended.items()}
    return res


def series_from_orders(
    orders: pd.DataFrame,
    *,
    level: str = "product",
    freq: str = "D",
    measure: str = "units",
    products: pd.DataFrame | None = None,
    min_total: float = 0.0,
    top: int | None = None,
) -> pd.DataFrame:
    """Sales series at one level from the canonical ``orders`` table.

    Returns ``unique_id, ds, y, price, promo`` where ``y`` is units (net of returns) or
    revenue, ``price`` the mean unit price and ``promo`` the mean discount fraction of the
    period's lines (both forward-filled through periods without sales). Product-level
    attributes (category, subcategory, brand) come from ``products``.

    Parameters
    ----------
    orders : canonical orders (``ts, product_id, quantity, amount, unit_price, discount, ...``).
    level : one of :data:`LEVELS`.
    freq : pandas frequency alias.
    measure : ``"units"`` or ``"revenue"``.
    products : the products table, needed for category, subcategory and brand levels.
    min_total : drop series whose total is below this.
    top : keep only the ``top`` series by total.
    """
    if level not in LEVELS:
        raise ValidationError("unknown level", value=level, expected=f"one of {LEVELS}")
    if measure not in MEASURES:
        raise ValidationError("unknown measure", value=measure, expected=f"one of {MEASURES}")
    o = orders.copy()
    if level in ("category", "subcategory", "brand"):
        if products is None or level not in products.columns:
            raise DataError(f"level {level!r} needs the products table with a {level!r} column; "
                            "ingest products first or choose level='product'")
        o = o.merge(products[["product_id", level]], on="product_id", how="left")
        o[level] = o[level].fillna("unknown")
    key = {"total": None, "product": "product_id"}.get(level, level)
    o["unique_id"] = "total" if key is None else o[key].astype(str)
    qty = pd.to_numeric(o.get("quantity"), errors="coerce").fillna(0.0)
    if "amount" in o and o["amount"].notna().any():
        amount = pd.to_numeric(o["amount"], errors="coerce").fillna(0.0)
    else:
        amount = qty * pd.to_numeric(o.get("unit_price"), errors="coerce").fillna(0.0)
    o["y"] = qty if measure == "units" else amount
    o["price"] = pd.to_numeric(o.get("unit_price"), errors="coerce")
    o["promo"] = pd.to_numeric(o.get("discount", 0.0), errors="coerce").fillna(0.0)
    series = prepare_series(o, freq=freq, id_col="unique_id", time_col="ts", target_col="y",
                            exog_cols=("price", "promo"))
    totals = series.groupby("unique_id")["y"].sum()
    keep = totals[totals >= min_total]
    if top is not None:
        keep = keep.sort_values(ascending=False).head(top)
    return series[series["unique_id"].isin(keep.index)].reset_index(drop=True)
