"""The adapters on the real shared datasets: counts add up and a second run changes nothing."""

from __future__ import annotations

import pytest
from tests.conftest import need_file

from growthpilot.ingest import ingest_file

pytestmark = pytest.mark.integration


def test_online_retail(data_dir, duckdb_warehouse):
    path = need_file(data_dir / "retail_uci_online_retail" / "online_retail.csv.gz")
    rep = ingest_file(path, duckdb_warehouse, adapter="online_retail")
    assert rep.rows_read == 541_909
    assert rep.rows_loaded + rep.rows_quarantined == rep.rows_read
    assert rep.quarantined_by_reason["duplicate row"] == 5_268
    wh = duckdb_warehouse
    orders = wh.table("orders")
    returns = orders.filter(orders.is_return).count().execute()
    anonymous = orders.filter(orders.customer_id.isnull()).count().execute()
    assert returns > 9_000 and anonymous > 130_000  # cancellations and anonymous orders are kept
    assert wh.count("customers") == 4_372 and wh.count("products") == 4_070
    again = ingest_file(path, duckdb_warehouse, adapter="online_retail")
    assert again.rows_new == 0 and set(again.tables_changed.values()) == {0}


def test_instacart(data_dir, duckdb_warehouse):
    path = need_file(data_dir / "retail_instacart_sample" / "instacart_df_sample.csv.gz")
    rep = ingest_file(path, duckdb_warehouse, adapter="instacart")
    assert (rep.rows_read, rep.rows_loaded) == (150_000, 150_000)
    assert duckdb_warehouse.count("customers") == 593
    o = duckdb_warehouse.read("orders")
    # a user's orders are placed on a calendar consistent with days_since_prior_order
    assert o.groupby("order_id")["ts"].nunique().max() == 1
    assert ingest_file(path, duckdb_warehouse, adapter="instacart").rows_new == 0
