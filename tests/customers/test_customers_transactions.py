"""Raw transactions files: cancellations, anonymous rows, customer-day purchases; real-data backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.conftest import need_file

from growthpilot.customers.transactions import load_transactions
from growthpilot.features import customer_features
from growthpilot.warehouse import Warehouse
from growthpilot.warehouse.store import typed_memtable

RAW = """InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID
536365,A,6,2010-12-01 08:26:00,2.55,17850.0
536365,B,2,2010-12-01 08:26:00,1.00,17850.0
C536379,A,-1,2010-12-01 09:41:00,2.55,17850.0
536380,A,1,2010-12-03 09:41:00,2.55,
536381,B,3,2010-12-05 10:00:00,1.00,13047
536382,B,1,2010-12-05 15:00:00,1.00,13047
"""


def test_load_transactions_flags_cancellations_and_anonymous(tmp_path) -> None:
    p = tmp_path / "raw.csv"
    p.write_text(RAW)
    df, rep = load_transactions(p, customer_col="CustomerID", time_col="InvoiceDate",
                                amount_col="Quantity*UnitPrice", order_col="InvoiceNo", quantity_col="Quantity")
    assert rep.rows == 6 and rep.anonymous == 1 and rep.returns == 1
    assert df.loc[df.order_id == "C536379", "amount"].item() == pytest.approx(-2.55)
    assert set(df.customer_id.dropna()) == {"17850", "13047"}
    wh = Warehouse.from_url("duckdb://")
    wh.con.create_table("orders", typed_memtable(df))
    f = wh.read(customer_features(wh.table("orders"), "2010-12-10")).set_index("customer_id")
    assert f.loc["17850", "n_orders"] == 1 and f.loc["17850", "return_lines"] == 1
    assert f.loc["13047", "n_orders"] == 2  # two invoices on one day are two purchases


def test_without_order_column_a_purchase_is_a_customer_day(tmp_path) -> None:
    p = tmp_path / "raw.csv"
    p.write_text(RAW)
    df, _ = load_transactions(p, customer_col="CustomerID", time_col="InvoiceDate", amount_col="Quantity*UnitPrice")
    wh = Warehouse.from_url("duckdb://")
    wh.con.create_table("orders", typed_memtable(df))
    f = wh.read(customer_features(wh.table("orders"), "2010-12-10")).set_index("customer_id")
    assert f.loc["13047", "n_orders"] == 1


@pytest.mark.integration
def test_online_retail_backtest_subsample(data_dir) -> None:
    from growthpilot.customers.benchmark import holdout_benchmark

    path = need_file(data_dir / "retail_uci_online_retail")
    df, rep = load_transactions(path, customer_col="CustomerID", time_col="InvoiceDate",
                                amount_col="Quantity*UnitPrice", order_col="InvoiceNo", quantity_col="Quantity")
    assert rep.returns > 9000 and rep.anonymous > 100_000
    rng = np.random.default_rng(0)
    ids = df.customer_id.dropna().unique()
    keep = set(rng.choice(ids, size=1200, replace=False))
    sub = df[df.customer_id.isin(keep)].reset_index(drop=True)
    res = holdout_benchmark(sub, "2011-09-09", 90, n_windows=1)
    m = res["metrics"]
    assert m["bgnbd"]["purchases_mae"] < m["past_average"]["purchases_mae"]
    assert m["selected"]["auc"] > 0.68 and m["selected"]["spearman"] > 0.35
    seen = sub[sub.ts < pd.Timestamp("2011-09-09")].customer_id.dropna().nunique()
    assert len(res["predictions"]) == seen
