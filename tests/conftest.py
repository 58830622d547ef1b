"""Shared fixtures: warehouses on every engine, a fresh workspace, the shared datasets."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import uuid
from pathlib import Path
from types import ModuleType

import pytest

from growthpilot.config import shared_data_dir
from growthpilot.warehouse import Warehouse
from growthpilot.workspace import Workspace

PG_HOST, PG_PORT = os.environ.get("GROWTHPILOT_TEST_PG_HOST", "127.0.0.1"), 5432


def _pg_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def data_dir() -> Path:
    """The shared public datasets; tests needing one skip with the path when it is absent."""
    return shared_data_dir()


def benchmark_script(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` loaded as a module, so a test can call its ``main(argv)``."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}_script", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def need_file(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared dataset not found at {path} (set GROWTHPILOT_DATA_DIR)")
    return path


@pytest.fixture
def duckdb_warehouse() -> Warehouse:
    wh = Warehouse.from_url("duckdb://")
    yield wh
    wh.close()


@pytest.fixture
def pg_url() -> str:
    """A fresh, empty PostgreSQL database on the local server, dropped afterwards."""
    if not _pg_reachable():
        pytest.skip(f"no PostgreSQL server reachable at {PG_HOST}:{PG_PORT}")
    import psycopg

    name = f"gp_test_{uuid.uuid4().hex[:10]}"
    admin = f"host={PG_HOST} port={PG_PORT} user=postgres dbname=test"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_warehouse(pg_url: str) -> Warehouse:
    wh = Warehouse.from_url(pg_url)
    yield wh
    wh.close()


@pytest.fixture(scope="session")
def spark_warehouse_session():
    pytest.importorskip("pyspark", reason="pyspark not installed: pip install 'growthpilot[spark]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java (none on PATH and no JAVA_HOME)")
    return Warehouse.from_url("pyspark://local[2]")


@pytest.fixture
def spark_warehouse(spark_warehouse_session: Warehouse) -> Warehouse:
    wh = spark_warehouse_session
    for t in wh.tables():
        wh.drop(t)
    return wh


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres),
                        pytest.param("pyspark", marks=pytest.mark.spark)])
def warehouse(request) -> Warehouse:
    """The same test on DuckDB, PostgreSQL and Spark (the conformance suite uses this)."""
    return request.getfixturevalue(
        {"duckdb": "duckdb_warehouse", "postgres": "pg_warehouse", "pyspark": "spark_warehouse"}[request.param]
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = Workspace.init(tmp_path / "ws")
    yield ws
    ws.close()
