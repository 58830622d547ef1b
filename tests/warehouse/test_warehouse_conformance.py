"""The same cases on DuckDB, PostgreSQL and Spark: round trips, idempotent upserts, and the
places where engines drift (dates, nulls, integer division, time zones)."""

from __future__ import annotations

from datetime import date, datetime

import ibis
import pandas as pd
import pytest

from growthpilot.warehouse import Warehouse, contracts

ORDERS = pd.DataFrame({
    "order_id": ["o1", "o1", "o2", "o3"],
    "line_no": [1, 2, 1, 1],
    "customer_id": ["c1", "c1", None, "c2"],
    "product_id": ["p1", "p2", "p1", "p3"],
    "ts": pd.to_datetime(["2024-01-31 23:30:00", "2024-01-31 23:30:00", "2024-02-29 00:15:00", "2024-03-01 12:00:00"]),
    "quantity": [2.0, 1.0, 1.0, -1.0],
    "unit_price": [3.5, 10.0, 3.5, 7.0],
    "is_return": [False, False, False, True],
})


def test_round_trip_keeps_types_and_values(warehouse: Warehouse):
    warehouse.write("orders", ORDERS, mode="replace")
    got = warehouse.read("orders").sort_values(["order_id", "line_no"]).reset_index(drop=True)
    assert list(got.columns) == list(contracts.get("orders").columns)
    assert got["ts"].tolist() == ORDERS["ts"].tolist()
    assert got["customer_id"].isna().tolist() == [False, False, True, False]
    assert got["line_no"].tolist() == [1, 2, 1, 1]
    assert got["is_return"].astype(bool).tolist() == [False, False, False, True]


def test_upsert_is_idempotent_and_updates_changed_rows(warehouse: Warehouse):
    first = warehouse.write("orders", ORDERS)
    again = warehouse.write("orders", ORDERS)
    assert (first.rows_new, again.rows_new, again.rows_total) == (4, 0, 4)
    change = ORDERS.iloc[[0]].assign(quantity=5.0)
    new = pd.DataFrame({"order_id": ["o9"], "line_no": [1], "ts": [pd.Timestamp("2024-04-01")]})
    res = warehouse.write("orders", pd.concat([change, new]))
    assert (res.rows_new, res.rows_total) == (2, 5)
    got = warehouse.read("orders").set_index(["order_id", "line_no"])
    assert got.loc[("o1", 1), "quantity"] == 5.0


def test_date_differences_agree(warehouse: Warehouse):
    warehouse.write("orders", ORDERS, mode="replace")
    t = warehouse.table("orders")
    ref = ibis.date(2024, 3, 1)
    days = t.select("order_id", "line_no", d=(ref - t.ts.date()).cast("int64"))
    got = warehouse.read(days).sort_values(["order_id", "line_no"])["d"].tolist()
    # calendar days: 2024 is a leap year, and 23:30 on Jan 31 is still Jan 31
    assert got == [30, 30, 1, 0]


def test_integer_division_is_true_division(warehouse: Warehouse):
    df = pd.DataFrame({"product_id": ["a", "b"], "price": [7.0, 8.0]})
    warehouse.write("products", df, mode="replace")
    t = warehouse.table("products")
    q = t.select("product_id", half=t.price.cast("int64") / 2, floor_half=t.price.cast("int64") // 2)
    got = warehouse.read(q).sort_values("product_id")
    assert got["half"].tolist() == [3.5, 4.0]
    assert got["floor_half"].tolist() == [3, 4]


def test_nulls_sort_last_and_are_skipped_by_aggregates(warehouse: Warehouse):
    warehouse.write("orders", ORDERS, mode="replace")
    t = warehouse.table("orders")
    ordered = warehouse.read(t.order_by([ibis.asc(t.customer_id, nulls_first=False), "line_no"]))
    assert ordered["customer_id"].tolist()[-1] is None or pd.isna(ordered["customer_id"].tolist()[-1])
    agg = warehouse.read(t.aggregate(n=t.customer_id.count(), nd=t.customer_id.nunique(), rows=t.count()))
    assert agg.iloc[0].to_dict() == {"n": 3, "nd": 2, "rows": 4}


def test_timestamps_are_naive_utc(warehouse: Warehouse):
    aware = ORDERS.assign(ts=ORDERS["ts"].dt.tz_localize("Europe/Berlin"))
    warehouse.write("orders", aware, mode="replace")
    got = warehouse.read("orders").sort_values(["order_id", "line_no"])["ts"]
    assert got.dt.tz is None
    assert got.iloc[0] == pd.Timestamp("2024-01-31 22:30:00")  # 23:30 CET is 22:30 UTC
    t = warehouse.table("orders")
    hours = warehouse.read(t.select("order_id", "line_no", h=t.ts.hour()).order_by(["order_id", "line_no"]))
    assert hours["h"].tolist() == [22, 22, 23, 11]


def test_dates_and_week_truncation(warehouse: Warehouse):
    df = pd.DataFrame({"date": [date(2024, 1, 1), date(2024, 1, 7), date(2024, 1, 8)],
                       "channel": ["tv", "tv", "tv"], "geo": ["all"] * 3, "spend": [1.0, 2.0, 4.0]})
    warehouse.write("channel_spend", df, mode="replace")
    t = warehouse.table("channel_spend")
    weekly = t.group_by(week=t.date.truncate("W")).aggregate(spend=t.spend.sum()).order_by("week")
    got = warehouse.read(weekly)
    assert [pd.Timestamp(w).date() for w in got["week"]] == [date(2024, 1, 1), date(2024, 1, 8)]  # ISO weeks start Monday
    assert got["spend"].tolist() == [3.0, 4.0]


def test_missing_table_names_the_fix(warehouse: Warehouse):
    from growthpilot.errors import UnknownTableError

    with pytest.raises(UnknownTableError, match="not in the warehouse"):
        warehouse.table("no_such_table")


def test_missing_input_table_says_how_to_load_it():
    from growthpilot.errors import UnknownTableError

    wh = Warehouse.from_url("duckdb://")
    with pytest.raises(UnknownTableError, match="ingest PATH --table orders") as err:
        wh.table("orders")
    assert "no tables" in str(err.value)
    with pytest.raises(UnknownTableError) as err:
        wh.table("customer_scores")  # an output table: no ingest hint
    assert "ingest" not in str(err.value)


def test_contract_conform_rejects_unknown_columns():
    from growthpilot.errors import SchemaError

    with pytest.raises(SchemaError, match="needs column"):
        contracts.get("orders").conform(pd.DataFrame({"x": [1]}))
    out = contracts.get("products").conform(pd.DataFrame({"product_id": ["a"], "created_at": [datetime(2024, 1, 1)]}))
    assert list(out.columns) == list(contracts.get("products").columns)


def test_new_columns_are_added_to_an_older_table(warehouse: Warehouse):
    old = pd.DataFrame({"k": ["a", "b"], "x": [1.0, 2.0]})
    warehouse.write("evolving", old, mode="replace", keys=("k",))
    newer = pd.DataFrame({"k": ["b", "c"], "x": [2.0, 3.0], "label": ["B", "C"]})
    res = warehouse.write("evolving", newer, mode="upsert", keys=("k",))
    got = warehouse.read("evolving").set_index("k").sort_index()
    assert res.rows_total == 3
    assert got["label"].isna().tolist() == [True, False, False]
    assert got.loc["c", "label"] == "C" and got.loc["b", "label"] == "B"
    warehouse.write("evolving", pd.DataFrame({"k": ["d"], "x": [4.0], "label": ["D"], "n": [7]}), mode="append")
    got = warehouse.read("evolving").set_index("k")
    assert got.loc["d", "n"] == 7 and got["n"].isna().sum() == 3
