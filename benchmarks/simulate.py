"""Simulator throughput: stream a simulated shop into DuckDB and report rows/s and peak memory.

    python benchmarks/simulate.py --customers 20000 --days 730
    python benchmarks/simulate.py --customers 900000 --tables orders     # ~10M order lines

Prints a table of rows per table, then one JSON line of metrics (the last stdout line).
"""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from growthpilot.simulate import SimConfig
from growthpilot.simulate.bench import run_benchmark


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--customers", type=int, default=20000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--products", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--chunk-rows", type=int, default=200_000)
    ap.add_argument("--tables", default="all", help="'all' or a comma-separated list, e.g. 'orders'")
    ap.add_argument("--url", default=None, help="warehouse URL (default: a temporary DuckDB file)")
    ap.add_argument("--predictions-out", default=None, help="write the metrics JSON here as well")
    args = ap.parse_args(argv)
    tables = None if args.tables == "all" else [t.strip() for t in args.tables.split(",") if t.strip()]
    config = SimConfig(customers=args.customers, days=args.days, products=args.products, seed=args.seed)
    m = run_benchmark(config, url=args.url, tables=tables, chunk_rows=args.chunk_rows)
    table = Table(title=f"simulate: {args.customers:,} customers, {args.days} days")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in m["rows"].items():
        table.add_row(name, f"{n:,}")
    table.add_row("[bold]total", f"[bold]{m['total_rows']:,}")
    Console().print(table)
    Console().print(f"{m['seconds']} s wall ({m['cpu_seconds']} s CPU), {m['rows_per_s']:,} rows/s, {m['order_lines_per_s']:,} order lines/s, "
                    f"peak RSS {m['peak_rss_mb']} MiB")
    line = json.dumps({k: v for k, v in m.items() if k != "rows"})
    if args.predictions_out:
        with open(args.predictions_out, "w") as fh:
            fh.write(json.dumps(m) + "\n")
    print(line)
    return m


if __name__ == "__main__":
    main()
