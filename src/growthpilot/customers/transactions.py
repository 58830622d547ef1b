"""Read any transactions file into the canonical ``orders`` shape (for benchmarks and quick starts).

Cancellations and returns (invoice ids starting with ``C``, negative quantity or amount) are
flagged ``is_return``; rows without a customer id are kept as anonymous lines (they count for
demand but not for customer models); rows with an unreadable time or amount are dropped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from growthpilot.errors import SchemaError
from growthpilot.files import read_table


@dataclass(frozen=True)
class LoadReport:
    """What :func:`load_transactions` did to the raw rows."""

    rows: int
    anonymous: int
    returns: int
    dropped_bad: int


def _num(df: pd.DataFrame, spec: str) -> pd.Series:
    """A numeric column, or a product of columns written ``A*B``."""
    out = pd.Series(1.0, index=df.index)
    for name in spec.split("*"):
        name = name.strip()
        if name not in df.columns:
            raise SchemaError(f"column {name!r} is not in the data; columns are {list(df.columns)}")
        out = out * pd.to_numeric(df[name], errors="coerce")
    return out


def load_transactions(
    path: str | Path,
    *,
    customer_col: str,
    time_col: str,
    amount_col: str,
    order_col: str | None = None,
    quantity_col: str | None = None,
    product_col: str | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Load a transactions table as canonical order lines.

    Parameters
    ----------
    path : a CSV (optionally gzipped) or Parquet file, or a folder of them.
    customer_col, time_col : customer id and purchase time columns.
    amount_col : line amount, or ``"Quantity*UnitPrice"`` to multiply two columns.
    order_col : order (invoice) id; without it a purchase is a distinct customer-day.
    quantity_col, product_col : optional quantity and product columns.

    Returns
    -------
    (orders, report) : canonical ``orders`` rows and counts of anonymous, returned and bad rows.
    """
    raw = read_table(path, as_text=True)
    for c in (customer_col, time_col):
        if c not in raw.columns:
            raise SchemaError(f"column {c!r} is not in {path}; columns are {list(raw.columns)}")
    ts = pd.to_datetime(raw[time_col], errors="coerce", format="mixed")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    amount = _num(raw, amount_col)
    bad = ts.isna() | amount.isna()
    cust = raw[customer_col].astype("string").str.strip()
    cust = cust.str.replace(r"\.0$", "", regex=True).replace("", pd.NA)
    if order_col:
        order = raw[order_col].astype("string").str.strip()
    else:
        order = cust.fillna("anon") + "|" + ts.dt.strftime("%Y-%m-%d")
    qty = _num(raw, quantity_col) if quantity_col else pd.Series(np.where(amount < 0, -1.0, 1.0), index=raw.index)
    is_ret = (qty < 0) | (amount < 0)
    if order_col:
        is_ret = is_ret | order.str.upper().str.startswith("C").fillna(False).astype(bool)
    df = pd.DataFrame({
        "order_id": order, "customer_id": cust, "ts": ts, "quantity": qty,
        "amount": amount, "is_return": is_ret.astype(bool),
        "product_id": raw[product_col].astype("string") if product_col else pd.NA,
    })[~bad].reset_index(drop=True)
    # returns keep a negative sign whatever the source wrote
    df.loc[df.is_return, "amount"] = -df.loc[df.is_return, "amount"].abs()
    df.loc[df.is_return, "quantity"] = -df.loc[df.is_return, "quantity"].abs()
    df["order_id"] = df["order_id"].fillna("unknown")
    df["line_no"] = df.groupby("order_id").cumcount().astype("int64")
    df["unit_price"] = (df["amount"] / df["quantity"].replace(0, np.nan)).abs()
    report = LoadReport(rows=len(df), anonymous=int(df.customer_id.isna().sum()),
                        returns=int(df.is_return.sum()), dropped_bad=int(bad.sum()))
    return df, report
