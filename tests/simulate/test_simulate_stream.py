"""Streaming: chunk-size independence, writing into a warehouse (idempotent), and the CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from growthpilot.errors import ConfigError
from growthpilot.simulate import BLOCK_SIZE, SimConfig, iter_order_lines, simulate_shop, write_shop
from growthpilot.simulate.bench import run_benchmark

# more than one block of customers, so chunks cross block boundaries
CFG = SimConfig(customers=BLOCK_SIZE + 300, products=40, days=150, seed=9, campaigns=2)


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return pd.concat(iter_order_lines(CFG, chunk_rows=5000), ignore_index=True)


def test_chunk_size_independent(orders):
    chunks = list(iter_order_lines(CFG, chunk_rows=1777))
    assert all(len(c) == 1777 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 1777
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), orders)
    assert orders.order_id.str.len().gt(0).all()
    assert not orders.duplicated(["order_id", "line_no"]).any()


def test_order_lines_match_in_memory_shop(orders):
    shop = simulate_shop(CFG)
    pd.testing.assert_frame_equal(shop["orders"], orders)


def test_write_shop_idempotent(duckdb_warehouse):
    cfg = SimConfig(customers=300, products=40, days=120, seed=4, campaigns=2)
    counts = write_shop(duckdb_warehouse, cfg, chunk_rows=700)
    shop = simulate_shop(cfg)
    assert counts == {k: len(v) for k, v in shop.items()}
    first = duckdb_warehouse.read("orders").sort_values(["order_id", "line_no"]).reset_index(drop=True)
    seen = []
    again = write_shop(duckdb_warehouse, cfg, progress=lambda d, t: seen.append((d, t)), chunk_rows=100_000)
    assert again == counts and seen[-1] == (300, 300)
    second = duckdb_warehouse.read("orders").sort_values(["order_id", "line_no"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)
    for name, n in counts.items():
        assert duckdb_warehouse.count(name) == n, name
    expected = shop["orders"].sort_values(["order_id", "line_no"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(second, expected, check_dtype=False)
    assert not [t for t in duckdb_warehouse.tables() if "memtable" in t]


def test_write_shop_subset_and_unknown(duckdb_warehouse):
    cfg = SimConfig(customers=100, products=30, days=90, seed=1, campaigns=1)
    counts = write_shop(duckdb_warehouse, cfg, tables=["orders", "products"])
    assert set(counts) == {"orders", "products"}
    with pytest.raises(ConfigError, match="unknown simulator table"):
        write_shop(duckdb_warehouse, cfg, tables=["nope"])


def test_benchmark_reports_metrics():
    m = run_benchmark(SimConfig(customers=200, products=30, days=90, seed=2, campaigns=1), tables=["orders"])
    assert m["order_lines"] == m["order_lines_stored"] > 0
    assert m["rows_per_s"] > 0 and m["peak_rss_mb"] > 0


def test_cli_simulate_json(tmp_path):
    from growthpilot.cli import app

    ws = tmp_path / "ws"
    result = CliRunner().invoke(app, ["simulate", "--workspace", str(ws), "--customers", "150", "--days", "100",
                                      "--products", "30", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["tables"]["customers"] == 150 and out["tables"]["orders"] > 0
    from growthpilot.workspace import Workspace

    w = Workspace.open(ws)
    runs = w.warehouse.read("runs")
    assert (runs.stage == "simulate").any() and (runs.status == "ok").all()
    assert w.warehouse.count("truth_customers") == 150
    w.close()


@pytest.mark.postgres
def test_write_shop_postgres(pg_warehouse):
    cfg = SimConfig(customers=120, products=30, days=90, seed=3, campaigns=1)
    counts = write_shop(pg_warehouse, cfg, chunk_rows=500)
    assert pg_warehouse.count("orders") == counts["orders"] > 0
    stored = pg_warehouse.read("orders").sort_values(["order_id", "line_no"]).reset_index(drop=True)
    expected = simulate_shop(cfg)["orders"].sort_values(["order_id", "line_no"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, expected, check_dtype=False)
    assert not [t for t in pg_warehouse.tables() if "memtable" in t]


@pytest.mark.spark
def test_write_shop_spark(spark_warehouse):
    cfg = SimConfig(customers=60, products=25, days=90, seed=3, campaigns=1)
    counts = write_shop(spark_warehouse, cfg, tables=["orders", "products"])
    stored = spark_warehouse.read("orders").sort_values(["order_id", "line_no"]).reset_index(drop=True)
    expected = simulate_shop(cfg)["orders"].sort_values(["order_id", "line_no"]).reset_index(drop=True)
    assert counts["orders"] == len(expected)
    pd.testing.assert_frame_equal(stored, expected, check_dtype=False)
