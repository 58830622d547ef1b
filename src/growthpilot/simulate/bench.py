"""Throughput benchmark of the simulator: stream a shop into a warehouse, report rows/s and peak memory."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from growthpilot.simulate.config import SimConfig
from growthpilot.simulate.shop import write_shop
from growthpilot.warehouse import Warehouse


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (``ru_maxrss``)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (all threads)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_benchmark(config: SimConfig, *, url: str | None = None, tables: Iterable[str] | None = None,
                  chunk_rows: int = 200_000, progress=None) -> dict:
    """Write the shop described by ``config`` and measure it.

    Parameters
    ----------
    url : warehouse URL; default a fresh DuckDB file in a temporary folder.
    tables : tables to write (default all); ``["orders"]`` measures order lines alone.

    Returns
    -------
    dict
        ``rows`` per table, ``total_rows``, ``order_lines``, ``seconds`` (wall), ``cpu_seconds``
        (user + system, all threads: the cost on a busy machine), ``rows_per_s``,
        ``order_lines_per_s``, ``peak_rss_mb`` and the config.
    """
    with tempfile.TemporaryDirectory(prefix="gp-sim-bench-") as tmp:
        wh = Warehouse.from_url(url or f"duckdb:///{Path(tmp) / 'bench.duckdb'}")
        start, cpu0 = time.perf_counter(), cpu_seconds()
        rows = write_shop(wh, config, progress, chunk_rows=chunk_rows, tables=tables)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu0
        stored = wh.count("orders") if "orders" in rows else 0
        wh.close()
    total = sum(rows.values())
    return {
        "customers": config.customers, "days": config.days, "products": config.products, "seed": config.seed,
        "chunk_rows": chunk_rows, "tables": sorted(rows), "rows": rows, "total_rows": total,
        "order_lines": rows.get("orders", 0), "order_lines_stored": stored, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
        "rows_per_s": round(total / seconds), "order_lines_per_s": round(rows.get("orders", 0) / seconds),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
