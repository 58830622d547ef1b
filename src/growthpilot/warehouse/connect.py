"""Open an Ibis backend from a URL: ``duckdb:///path``, ``postgresql://...`` or ``pyspark://local[N]``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import ibis

from growthpilot.errors import ConfigError, MissingDependencyError, WarehouseError

SCHEMES = ("duckdb", "postgresql", "postgres", "pyspark")


def connect(url: str) -> ibis.BaseBackend:
    """Connect to the warehouse named by ``url``.

    >>> con = connect("duckdb://")        # in-memory DuckDB
    >>> con.name
    'duckdb'
    """
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SCHEMES:
        raise ConfigError(
            f"unsupported warehouse URL {url!r}; expected one of duckdb:///path, "
            "postgresql://user@host:port/db, pyspark://local[2]"
        )
    try:
        if scheme == "duckdb":
            return _duckdb(url)
        if scheme in ("postgresql", "postgres"):
            return _postgres(url)
        return _spark(url)
    except (ImportError, ModuleNotFoundError) as exc:
        extra = "spark" if scheme == "pyspark" else "core"
        raise MissingDependencyError(getattr(exc, "name", None) or scheme, extra) from exc
    except (ConfigError, MissingDependencyError, WarehouseError):
        raise
    except Exception as exc:  # driver errors differ per engine; name the URL
        raise WarehouseError(f"cannot connect to warehouse {_redact(url)}: {exc}") from exc


def _duckdb(url: str) -> ibis.BaseBackend:
    path = url[len("duckdb://"):]
    if path.startswith("/"):
        path = path[1:] if path.startswith("//") else path
    if not path or path in ("/", ":memory:"):
        return ibis.duckdb.connect()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        return ibis.duckdb.connect(path)
    except Exception as exc:
        if "lock" in str(exc).lower():  # another process (e.g. growthpilot serve) holds the file for writing
            raise WarehouseError(
                f"the warehouse {path} is in use by another process (for example growthpilot serve on this "
                "workspace); stop it, or wait for it to finish, and run the command again") from exc
        raise


def _postgres(url: str) -> ibis.BaseBackend:
    p = urlparse(url)
    return ibis.postgres.connect(
        host=p.hostname or "127.0.0.1",
        port=p.port or 5432,
        user=p.username or "postgres",
        password=p.password or None,
        database=(p.path or "/postgres").lstrip("/") or "postgres",
    )


def _spark(url: str) -> ibis.BaseBackend:
    from pyspark.sql import SparkSession

    # workers must run the same interpreter (with pandas and pyarrow) as the driver
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    rest = url[len("pyspark://"):]
    master, _, query = rest.partition("?")
    opts = dict(kv.split("=", 1) for kv in query.split("&") if "=" in kv)
    # tables live in ?warehouse=DIR (default: a fresh temporary folder for local sessions)
    warehouse_dir = opts.get("warehouse") or tempfile.mkdtemp(prefix="growthpilot-spark-")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master(master or "local[2]")
        .appName("growthpilot")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.warehouse.dir", warehouse_dir)
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse_dir}")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    return ibis.pyspark.connect(session)


def _redact(url: str) -> str:
    p = urlparse(url)
    if p.password:
        return url.replace(f":{p.password}@", ":***@")
    return url
