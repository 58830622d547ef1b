"""Customer-360 features: known answers and point-in-time correctness on every backend."""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest

from growthpilot.features import customer_features, purchase_labels

CUTOFF = "2024-03-01"


def _orders() -> pd.DataFrame:
    rows = [
        # customer a: three orders before the cutoff, one return line
        ("o1", 0, "a", "p1", "2024-01-01 10:00", 2, 5.0),
        ("o1", 1, "a", "p2", "2024-01-01 10:00", 1, 10.0),
        ("o2", 0, "a", "p1", "2024-01-11 09:00", 1, 5.0),
        ("o3", 0, "a", "p2", "2024-02-20 12:00", 3, 10.0),
        ("r1", 0, "a", "p2", "2024-02-22 12:00", -1, 10.0),
        # customer b: one order, then one after the cutoff
        ("o4", 0, "b", "p1", "2024-02-01 00:00", 1, 6.0),
        ("o5", 0, "b", "p1", "2024-03-10 00:00", 2, 6.0),
        # anonymous line: ignored for customer features
        ("o6", 0, None, "p1", "2024-02-05 00:00", 1, 5.0),
    ]
    df = pd.DataFrame(rows, columns=["order_id", "line_no", "customer_id", "product_id", "ts", "quantity",
                                     "unit_price"])
    df["ts"] = pd.to_datetime(df["ts"])
    df["amount"] = df["quantity"] * df["unit_price"]
    df["is_return"] = df["quantity"] < 0
    return df


def _products() -> pd.DataFrame:
    return pd.DataFrame({"product_id": ["p1", "p2"], "category": ["toys", "home"]})


def _name(stem: str) -> str:
    # unique names: Spark's local warehouse folder is shared by concurrent test runs
    return f"{stem}_f360_{uuid.uuid4().hex[:8]}"


def _customers() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["a", "b", "z"], "birth_year": [1990, 1970, 2000],
                         "created_at": pd.to_datetime(["2023-12-01", "2024-02-01", "2024-04-01"]),
                         "acquisition_channel": ["social", "search", "social"]})


def _features(wh, orders: pd.DataFrame) -> pd.DataFrame:
    o, p, c = _name("orders"), _name("products"), _name("customers")
    wh.write(o, orders, mode="replace")
    wh.write(p, _products(), mode="replace")
    wh.write(c, _customers(), mode="replace")
    expr = customer_features(wh.table(o), CUTOFF, products=wh.table(p), customers=wh.table(c))
    return wh.read(expr).set_index("customer_id").sort_index()


def test_features_known_answers_and_point_in_time(warehouse) -> None:
    base = _orders()
    f = _features(warehouse, base)
    assert list(f.index) == ["a", "b"]
    a = f.loc["a"]
    assert a["n_orders"] == 3 and a["frequency"] == 2
    assert a["monetary"] == pytest.approx(20 + 5 + 30)
    assert a["recency_days"] == pytest.approx((pd.Timestamp(CUTOFF) - pd.Timestamp("2024-02-20 12:00")).days + 0.5)
    assert a["T"] == pytest.approx((pd.Timestamp(CUTOFF) - pd.Timestamp("2024-01-01 10:00")) / pd.Timedelta(days=1))
    assert a["ipt_mean"] == pytest.approx(np.mean([9 + 23 / 24, 40 + 3 / 24]))
    assert a["return_lines"] == 1 and a["return_value"] == pytest.approx(10.0)
    assert a["top_category"] == "home" and a["n_categories"] == 2
    assert a["orders_30d"] == 1 and a["orders_90d"] == 3
    b = f.loc["b"]
    assert b["n_orders"] == 1 and b["frequency"] == 0 and b["t_x"] == 0
    assert b["monetary"] == pytest.approx(6.0)
    assert a["age"] == 34 and b["acquisition_channel"] == "search"
    assert a["account_age_days"] == pytest.approx(91.0)
    # point in time: rows at or after the cutoff (an existing and a new customer) change nothing
    late = pd.DataFrame({
        "order_id": ["x1", "x2"], "line_no": [0, 0], "customer_id": ["a", "z"], "product_id": ["p1", "p2"],
        "ts": pd.to_datetime(["2024-03-01 00:00", "2024-05-01 00:00"]), "quantity": [5.0, -1.0],
        "unit_price": [5.0, 10.0], "amount": [25.0, -10.0], "is_return": [False, True],
    })
    after = _features(warehouse, pd.concat([base, late], ignore_index=True))
    pd.testing.assert_frame_equal(f, after)


def test_purchase_labels_window(warehouse) -> None:
    o = _name("orders")
    warehouse.write(o, _orders(), mode="replace")
    lab = warehouse.read(purchase_labels(warehouse.table(o), CUTOFF, 30)).set_index("customer_id")
    assert lab.loc["b", "purchases"] == 1 and lab.loc["b", "spend"] == pytest.approx(12.0)
    assert "a" not in lab.index
