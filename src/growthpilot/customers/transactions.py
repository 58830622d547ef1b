"""Read any transactions file into the canonical ``orders`` shape (for benchmarks and quick starts).

Cancellations and returns (invoice ids ``C`` + digits, as in Online Retail, unless most ids look like
that; negative quantity or amount) are
flagged ``is_return``; rows without a customer id are kept as anonymous lines (they count for
demand but not for customer models); rows with an empty or unreadable time or amount are dropped
and counted (customers seen before a cutoff only through rows without an amount are still listed,
:attr:`LoadReport.unpriced`). Times: ISO dates or date-times with or without a time zone (mixed
offsets are converted to naive UTC), ``YYYYMMDD``, Unix seconds or milliseconds, and ``d/m/y`` or
``m/d/y`` (day first when some first field is above 12). Amounts may carry a currency sign,
thousands separators, a decimal comma (``12,50``) or accounting parentheses for negatives. When
more than 10 % of the non-empty values of a column are unreadable, the column is the wrong one or
in an unknown format: a :class:`~growthpilot.errors.ValidationError` names the file, row (0-based
data row), column and value instead of dropping most of the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from growthpilot.errors import SchemaError, ValidationError
from growthpilot.files import read_table
from growthpilot.parsing import parse_times, present, to_number


@dataclass(frozen=True)
class LoadReport:
    """What :func:`load_transactions` did to the raw rows."""

    rows: int
    anonymous: int
    returns: int
    dropped_bad: int
    #: customer_id, ts of rows dropped for a missing or unreadable amount (time and customer readable)
    unpriced: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"customer_id": [], "ts": []}))
    #: one example per column of an unreadable value that was dropped: {column: (row, value)}
    examples: dict = field(default_factory=dict)


#: share of non-empty values of a column that may be unreadable before the column is rejected
MAX_BAD_SHARE = 0.10
def _check_share(bad: pd.Series, filled: pd.Series, raw: pd.Series, column: str, path, what: str) -> None:
    """Reject a column when too many of its non-empty values are unreadable (the wrong column or format)."""
    n = int(filled.sum())
    if n and bad.sum() > MAX_BAD_SHARE * n:
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValidationError(f"{int(bad.sum()):,} of {n:,} non-empty values are not {what}; wrong column or "
                              "format?", file=str(path), row=i, column=column, value=raw.iloc[i], expected=what)


def _num(df: pd.DataFrame, spec: str, path=None, examples: dict | None = None) -> pd.Series:
    """A numeric column, or a product of columns written ``A*B``; rejects a column that is mostly not numbers."""
    out = pd.Series(1.0, index=df.index)
    for name in spec.split("*"):
        name = name.strip()
        if name not in df.columns:
            raise SchemaError(f"column {name!r} is not in the data; columns are {list(df.columns)}")
        col = df[name]
        val = to_number(col)
        filled = present(col)
        _check_share(val.isna() & filled, filled, col, name, path, "a number")
        if examples is not None and val.isna().any():
            i = int(np.flatnonzero(val.isna().to_numpy())[0])
            examples.setdefault(name, (i, col.iloc[i]))
        out = out * val
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
    ts = parse_times(raw[time_col])
    empty_ts = ~present(raw[time_col])
    _check_share(ts.isna() & ~empty_ts, ~empty_ts, raw[time_col], time_col, path, "a date or date-time")
    examples: dict = {}
    if (ts.isna() & ~empty_ts).any():
        i = int(np.flatnonzero((ts.isna() & ~empty_ts).to_numpy())[0])
        examples[time_col] = (i, raw[time_col].iloc[i])
    amount = _num(raw, amount_col, path, examples)
    bad = ts.isna() | amount.isna()
    cust = raw[customer_col].astype("string").str.strip()
    cust = cust.str.replace(r"\.0$", "", regex=True).where(present(raw[customer_col]), pd.NA)
    unpriced = pd.DataFrame({"customer_id": cust, "ts": ts})[amount.isna() & ts.notna() & cust.notna()]
    day_key = cust.fillna("anon") + "|" + ts.dt.strftime("%Y-%m-%d")
    if order_col:
        if order_col not in raw.columns:
            raise SchemaError(f"column {order_col!r} is not in {path}; columns are {list(raw.columns)}")
        order = raw[order_col].astype("string").str.strip()
        order = order.where(present(raw[order_col]), day_key)  # no order id: the customer-day
    else:
        order = day_key
    qty = _num(raw, quantity_col, path) if quantity_col else pd.Series(np.where(amount < 0, -1.0, 1.0), index=raw.index)
    is_ret = (qty < 0) | (amount < 0)
    if order_col:  # Online Retail's cancellations: "C" + the invoice number, a minority of the invoices
        cancel = order.str.fullmatch(r"[Cc]\d+").fillna(False).astype(bool)
        if order[cancel].nunique() < 0.5 * order.nunique():  # not an id scheme where every order starts with C
            is_ret = is_ret | cancel
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
                        returns=int(df.is_return.sum()), dropped_bad=int(bad.sum()),
                        unpriced=unpriced.reset_index(drop=True), examples=examples)
    return df, report
