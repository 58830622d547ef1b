"""Adapters for known datasets: a mapping, an optional preparation step and derived tables.

``online_retail``: the UCI Online Retail transactions (cancellations "C..." and negative
quantities become returns; empty CustomerID rows stay as anonymous orders; exact duplicate
lines are quarantined as duplicates). ``instacart``: the Instacart order-products sample
(no absolute dates in the source: each user's orders are placed on a synthetic calendar
starting 2017-01-01 from ``days_since_prior_order``, ``order_dow`` and ``order_hour_of_day``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from growthpilot.errors import ValidationError
from growthpilot.ingest.mapping import ColumnSpec, TableMapping


@dataclass(frozen=True)
class DerivedTable:
    """A canonical table built from the clean rows of the main table (SQL over view ``clean``)."""

    table: str
    sql: str


@dataclass(frozen=True)
class Adapter:
    name: str
    mapping: TableMapping
    prepare: Callable[[str], str] | None = None  # source view -> SELECT over it
    derived: tuple[DerivedTable, ...] = field(default_factory=tuple)
    description: str = ""


def _online_retail() -> Adapter:
    cols = {
        "order_id": ColumnSpec(source="InvoiceNo"),
        "customer_id": ColumnSpec(expr="regexp_replace(trim(\"CustomerID\"), '\\.0$', '')"),
        "product_id": ColumnSpec(source="StockCode"),
        "ts": ColumnSpec(source="InvoiceDate"),
        "quantity": ColumnSpec(source="Quantity"),
        "unit_price": ColumnSpec(source="UnitPrice"),
        "is_return": ColumnSpec(expr="CASE WHEN upper(\"InvoiceNo\") LIKE 'C%' OR TRY_CAST(\"Quantity\" AS DOUBLE) < 0 "
                                     "THEN 'true' ELSE 'false' END"),
        "country": ColumnSpec(source="Country"),
        "currency": ColumnSpec(const="GBP"),
        "channel": ColumnSpec(const="online"),
    }
    mapping = TableMapping(
        "orders", cols,
        dedup_on=("order_id", "product_id", "ts", "quantity", "unit_price", "customer_id", "_description"),
        extras={"_description": "Description"},
    )
    # ties are broken by value so that re-ingesting gives identical tables
    products = DerivedTable("products", """
        WITH d AS (SELECT product_id, _description, count(*) AS n FROM clean
                   WHERE _description IS NOT NULL GROUP BY ALL),
        t AS (SELECT product_id, trim(_description) AS title FROM d
              QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY n DESC, _description) = 1)
        SELECT product_id, any_value(t.title) AS title,
               median(unit_price) FILTER (WHERE NOT is_return AND unit_price > 0) AS price,
               min(ts) AS created_at, true AS in_stock
        FROM clean LEFT JOIN t USING (product_id) GROUP BY product_id""")
    customers = DerivedTable("customers", """
        WITH c AS (SELECT customer_id, country, count(*) AS n FROM clean
                   WHERE customer_id IS NOT NULL GROUP BY ALL),
        m AS (SELECT customer_id, country FROM c
              QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY n DESC, country) = 1)
        SELECT customer_id, min(ts) AS created_at, any_value(m.country) AS country, 'en' AS locale
        FROM clean JOIN m USING (customer_id) GROUP BY customer_id""")
    return Adapter("online_retail", mapping, derived=(products, customers),
                   description="UCI Online Retail (InvoiceNo, StockCode, Description, Quantity, InvoiceDate, "
                               "UnitPrice, CustomerID, Country)")


def _instacart_prepare(view: str) -> str:
    return f"""
        WITH o AS (
            SELECT user_id, order_id, TRY_CAST(order_number AS INTEGER) AS n,
                   max(TRY_CAST(days_since_prior_order AS DOUBLE)) AS gap,
                   max(TRY_CAST(order_hour_of_day AS INTEGER)) AS hour
            FROM {view} GROUP BY user_id, order_id, order_number
        ), c AS (
            SELECT order_id, TIMESTAMP '2017-01-01' + to_days(CAST(
                coalesce(sum(coalesce(gap, 0)) OVER (PARTITION BY user_id ORDER BY n
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), 0) AS INTEGER))
                + to_hours(coalesce(hour, 12)) AS ts
            FROM o
        )
        SELECT v.*, CAST(c.ts AS VARCHAR) AS _ts FROM {view} v JOIN c USING (order_id)"""


def _instacart() -> Adapter:
    cols = {
        "order_id": ColumnSpec(source="order_id"),
        "line_no": ColumnSpec(source="add_to_cart_order"),
        "customer_id": ColumnSpec(source="user_id"),
        "product_id": ColumnSpec(source="product_id"),
        "ts": ColumnSpec(source="_ts"),
        "quantity": ColumnSpec(const="1"),
        "channel": ColumnSpec(const="app"),
    }
    customers = DerivedTable("customers", """
        SELECT customer_id, min(ts) AS created_at FROM clean GROUP BY customer_id""")
    products = DerivedTable("products", """
        SELECT product_id, min(ts) AS created_at, true AS in_stock FROM clean GROUP BY product_id""")
    return Adapter("instacart", TableMapping("orders", cols), prepare=_instacart_prepare,
                   derived=(customers, products),
                   description="Instacart order-products sample (order_id, user_id, order_number, order_dow, "
                               "order_hour_of_day, days_since_prior_order, product_id, add_to_cart_order, reordered)")


ADAPTERS: dict[str, Callable[[], Adapter]] = {"online_retail": _online_retail, "instacart": _instacart}


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]()
    except KeyError:
        raise ValidationError(f"unknown adapter {name!r}", value=name, expected=f"one of {sorted(ADAPTERS)}") from None
