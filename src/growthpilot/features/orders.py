"""Order-level building blocks of the customer 360, as Ibis expressions.

Every function takes the canonical ``orders`` table (order lines) and a cutoff and only
looks at rows strictly before the cutoff, so anything added after it changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

import ibis
import ibis.expr.types as ir
import pandas as pd

DAY_S = 86400.0


def as_timestamp(value: str | date | datetime | pd.Timestamp) -> pd.Timestamp:
    """A naive (UTC) :class:`pandas.Timestamp` for a cutoff given as text, date or datetime."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def epoch_s(ts: pd.Timestamp) -> float:
    """Seconds since 1970-01-01 of a naive UTC timestamp."""
    return float((ts - pd.Timestamp("1970-01-01")) / pd.Timedelta(seconds=1))


def _col(t: ir.Table, name: str, default: object, typ: str) -> ir.Value:
    if name in t.columns:
        return t[name].cast(typ)
    return ibis.literal(default, type=typ)


def clean_lines(orders: ir.Table, cutoff: pd.Timestamp, start: pd.Timestamp | None = None) -> ir.Table:
    """Known customers' order lines in ``[start, cutoff)``, with a return flag and numeric columns.

    A line is a return when ``is_return`` is true or its quantity or amount is negative;
    anonymous lines (no ``customer_id``) are left out of customer features.
    """
    t = orders.filter(orders.customer_id.notnull(), orders.ts < ibis.timestamp(cutoff))
    if start is not None:
        t = t.filter(t.ts >= ibis.timestamp(start))
    qty = _col(t, "quantity", 1.0, "float64").fill_null(1.0)
    amount = _col(t, "amount", 0.0, "float64").fill_null(0.0)
    flag = _col(t, "is_return", False, "boolean").fill_null(False)
    is_ret = flag | (qty < 0) | (amount < 0)
    return t.select(
        customer_id=t.customer_id.cast("string"),
        order_id=t.order_id.cast("string"),
        product_id=_col(t, "product_id", None, "string"),
        ts=t.ts,
        t_s=t.ts.epoch_seconds().cast("float64"),
        quantity=qty,
        amount=amount,
        unit_price=_col(t, "unit_price", None, "float64"),
        discount=_col(t, "discount", 0.0, "float64").fill_null(0.0),
        channel=_col(t, "channel", None, "string"),
        campaign_id=_col(t, "campaign_id", None, "string"),
        is_ret=is_ret,
    )


def purchases(lines: ir.Table) -> ir.Table:
    """One row per purchase (a distinct order id with at least one non-return line).

    Columns: customer_id, order_id, t_s (epoch seconds of the order's first line), value
    (gross amount), items and n_lines.
    """
    p = lines.filter(~lines.is_ret)
    return p.group_by(["customer_id", "order_id"]).aggregate(
        t_s=p.t_s.min(),
        value=p.amount.sum(),
        items=p.quantity.sum(),
        n_lines=p.count().cast("float64"),
    )


def with_gaps(purch: ir.Table) -> ir.Table:
    """Add ``gap_days``: days since the customer's previous purchase (null for the first)."""
    w = ibis.window(group_by=purch.customer_id, order_by=[purch.t_s, purch.order_id])
    return purch.mutate(gap_days=(purch.t_s - purch.t_s.lag().over(w)) / DAY_S)


def purchase_labels(
    orders: ir.Table, start: str | date | datetime | pd.Timestamp, days: int
) -> ir.Table:
    """Purchases and spend per customer in ``[start, start + days)`` (the outcome window)."""
    s = as_timestamp(start)
    lines = clean_lines(orders, s + pd.Timedelta(days=days), start=s)
    p = purchases(lines)
    return p.group_by("customer_id").aggregate(
        purchases=p.count().cast("float64"), spend=p.value.sum().cast("float64")
    )
