"""Ingest loses nothing: every row is loaded or quarantined with a reason naming row, column and value."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from growthpilot.errors import ValidationError
from growthpilot.ingest import ingest_file

HEADER = "order_id,line_no,customer_id,product_id,ts,quantity,unit_price,country\n"
ROWS = [
    "o1,1,c1,p1,2024-01-05 10:00:00,2,3.50,UK",        # good
    "o1,2,c1,p2,2024-01-05 10:00:00,1,10,UK",          # good
    "o2,1,,p1,2024-01-06 11:00:00,1,3.50,UK",          # anonymous order: kept
    "C3,1,c2,p1,2024-01-07 12:00:00,-1,3.50,UK",       # return: kept, is_return
    "o4,1,c2,p1,not a date,1,3.50,UK",                 # bad date
    "o5,1,c3,p2,2024-01-08 09:00:00,two,10,UK",        # bad number
    "o1,2,c1,p2,2024-01-05 10:00:00,1,10,UK",          # exact duplicate of row 2
    "o6,1,c3,p2,2024-01-09 09:00:00,1,-5,UK",          # negative price
    ",1,c3,p2,2024-01-09 09:00:00,1,5,UK",             # missing order id
]


def write_csv(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding=encoding)
    return path


def test_every_row_is_loaded_or_quarantined_with_reason(tmp_path, duckdb_warehouse):
    src = write_csv(tmp_path / "orders.csv", ROWS)
    rep = ingest_file(src, duckdb_warehouse, table="orders")
    assert rep.rows_read == 9
    assert rep.rows_loaded == 4 and rep.rows_quarantined == 5
    assert rep.rows_read == rep.rows_loaded + rep.rows_quarantined
    assert rep.quarantined_by_reason == {
        "invalid timestamp": 1, "invalid float64": 1, "duplicate row": 1,
        "negative unit_price": 1, "missing required value": 1,
    }
    orders = duckdb_warehouse.read("orders").sort_values(["order_id", "line_no"])
    assert orders["customer_id"].isna().sum() == 1  # anonymous order kept
    ret = orders[orders.order_id == "C3"].iloc[0]
    assert bool(ret.is_return) and ret.amount == pytest.approx(-3.5)
    q = duckdb_warehouse.read("quarantine").set_index("row_number")
    bad_date = q.loc[5]
    assert (bad_date.column_name, bad_date.value, bad_date.reason) == ("ts", "not a date", "invalid timestamp")
    assert "date-time" in bad_date.expected
    assert json.loads(bad_date.raw)["ts"] == "not a date"  # the whole source row is kept
    assert q.loc[7].reason == "duplicate row" and q.loc[7].value == "same as row 2"
    assert str(src) in q.loc[5].source
    assert any("row 5" in e and "'not a date'" in e for e in rep.examples)


def test_same_file_twice_changes_nothing(tmp_path, duckdb_warehouse):
    src = write_csv(tmp_path / "orders.csv", ROWS)
    first = ingest_file(src, duckdb_warehouse, table="orders")
    before = duckdb_warehouse.read("orders").sort_values(["order_id", "line_no"]).reset_index(drop=True)
    qbefore = duckdb_warehouse.read("quarantine").drop(columns=["run_id", "ingested_at"]).sort_values("row_number")
    second = ingest_file(src, duckdb_warehouse, table="orders")
    assert first.rows_new == 4 and second.rows_new == 0
    assert second.tables_changed == {"orders": 0, "quarantine": 0}
    after = duckdb_warehouse.read("orders").sort_values(["order_id", "line_no"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)
    qafter = duckdb_warehouse.read("quarantine").drop(columns=["run_id", "ingested_at"]).sort_values("row_number")
    pd.testing.assert_frame_equal(qbefore.reset_index(drop=True), qafter.reset_index(drop=True))


def test_incremental_append_and_correction(tmp_path, duckdb_warehouse):
    ingest_file(write_csv(tmp_path / "a.csv", ROWS[:2]), duckdb_warehouse, table="orders")
    later = ["o1,2,c1,p2,2024-01-05 10:00:00,3,10,UK",   # corrected quantity for an existing line
             "o9,1,c9,p9,2024-02-01 08:00:00,1,1,UK"]    # a new order
    rep = ingest_file(write_csv(tmp_path / "b.csv", later), duckdb_warehouse, table="orders")
    assert rep.rows_new == 2
    orders = duckdb_warehouse.read("orders").set_index(["order_id", "line_no"])
    assert len(orders) == 3
    assert orders.loc[("o1", 2), "quantity"] == 3


def test_cp1252_file_is_read_without_loss(tmp_path, duckdb_warehouse):
    path = tmp_path / "products.csv"
    path.write_bytes("product_id,title,price\np1,Café crème,2.5\np2,Naïve art – print,10\n".encode("cp1252"))
    rep = ingest_file(path, duckdb_warehouse, table="products")
    assert rep.rows_loaded == 2
    titles = sorted(duckdb_warehouse.read("products")["title"])
    assert titles == ["Café crème", "Naïve art – print"]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_parquet_and_json_lines(tmp_path, duckdb_warehouse, fmt):
    df = pd.DataFrame({"event_id": ["e1", "e2", "e3"], "customer_id": ["c1", "c1", None],
                       "ts": ["2024-01-01T10:00:00Z", "2024-01-01 11:00:00+02:00", "yesterday"],
                       "event_type": ["view", "cart", "view"]})
    path = tmp_path / f"events.{fmt}"
    df.to_parquet(path) if fmt == "parquet" else df.to_json(path, orient="records", lines=True)
    rep = ingest_file(path, duckdb_warehouse, table="events")
    assert (rep.rows_loaded, rep.quarantined_by_reason) == (2, {"invalid timestamp": 1})
    ts = duckdb_warehouse.read("events").set_index("event_id")["ts"]
    assert str(ts["e1"]) == "2024-01-01 10:00:00"
    assert str(ts["e2"]) == "2024-01-01 09:00:00"  # offsets are converted to UTC


def test_mapping_file_with_format_and_constant(tmp_path, duckdb_warehouse):
    src = tmp_path / "shop.csv"
    src.write_text("Invoice;Client;SKU;When;Qty;Price\nA1;17;X;03/01/2024 14:05;2;1,5\nA2;18;Y;31/13/2024 10:00;1;2\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'table = "orders"\n[columns]\norder_id = "Invoice"\ncustomer_id = "Client"\nproduct_id = "SKU"\n'
        'ts = { source = "When", format = "%d/%m/%Y %H:%M" }\nquantity = "Qty"\n'
        "unit_price = { expr = \"replace(\\\"Price\\\", ',', '.')\" }\ncurrency = { const = \"EUR\" }\n")
    rep = ingest_file(src, duckdb_warehouse, mapping=mapping)
    assert rep.rows_loaded == 1 and rep.quarantined_by_reason == {"invalid timestamp": 1}
    row = duckdb_warehouse.read("orders").iloc[0]
    assert (row.currency, row.unit_price, row.amount, row.line_no) == ("EUR", 1.5, 3.0, 1)
    assert str(row.ts) == "2024-01-03 14:05:00"


def test_database_table_source(tmp_path, duckdb_warehouse):
    from growthpilot.warehouse import Warehouse

    other = Warehouse.from_url(f"duckdb:///{tmp_path / 'crm.duckdb'}")
    other.write("crm_products", pd.DataFrame({"product_id": ["a", "b"], "price": [1.0, 2.0]}), mode="replace")
    other.close()
    rep = ingest_file(f"duckdb:///{tmp_path / 'crm.duckdb'}", duckdb_warehouse,
                      table="products", source_table="crm_products")
    assert rep.rows_loaded == 2 and sorted(duckdb_warehouse.read("products").product_id) == ["a", "b"]


def test_clear_errors(tmp_path, duckdb_warehouse):
    with pytest.raises(ValidationError, match="not found"):
        ingest_file(tmp_path / "nope.csv", duckdb_warehouse, table="orders")
    src = write_csv(tmp_path / "o.csv", ROWS[:1])
    with pytest.raises(ValidationError, match="--adapter NAME, --mapping FILE or --table NAME"):
        ingest_file(src, duckdb_warehouse)
    bad_map = tmp_path / "m.toml"
    bad_map.write_text('table = "orders"\n[columns]\norder_id = "NoSuchColumn"\n')
    with pytest.raises(ValidationError, match="no column 'NoSuchColumn'"):
        ingest_file(src, duckdb_warehouse, mapping=bad_map)


@pytest.mark.postgres
def test_ingest_into_postgres_is_idempotent(tmp_path, pg_warehouse):
    src = write_csv(tmp_path / "orders.csv", ROWS)
    first = ingest_file(src, pg_warehouse, table="orders")
    second = ingest_file(src, pg_warehouse, table="orders")
    assert (first.rows_loaded, first.rows_quarantined, first.rows_new) == (4, 5, 4)
    assert second.rows_new == 0 and second.tables_changed["quarantine"] == 0
    assert pg_warehouse.count("orders") == 4 and pg_warehouse.count("quarantine") == 5


def test_personal_fields_are_pseudonymised_and_vaulted(tmp_path, workspace):
    from growthpilot.ingest.personal import workspace_protector
    from growthpilot.privacy import Vault, vault_key

    path = tmp_path / "customers.csv"
    path.write_text("customer_id,email,name,country\nc1,Ann@Example.com,Ann Lee,UK\nc2,,Bo Chen,CN\n")
    with pytest.raises(Exception, match="must be pseudonymised"):
        ingest_file(path, workspace.warehouse, table="customers")
    rep = ingest_file(path, workspace.warehouse, table="customers", protect_personal=workspace_protector(workspace))
    assert rep.rows_loaded == 2
    got = workspace.warehouse.read("customers").set_index("customer_id")
    assert got.loc["c1", "email"].startswith("ps_") and "Ann" not in got.loc["c1", "name"]
    assert pd.isna(got.loc["c2", "email"])
    assert Vault(workspace.warehouse, vault_key(workspace)).reveal("c1")["email"] == "Ann@Example.com"
    again = ingest_file(path, workspace.warehouse, table="customers", protect_personal=workspace_protector(workspace))
    assert again.rows_new == 0
