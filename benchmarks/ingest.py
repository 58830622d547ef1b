"""Ingest benchmark: CSV -> DuckDB with full validation, beside a raw DuckDB ``read_csv`` load.

    python benchmarks/ingest.py --rows 1000000,10000000            # simulated order lines
    python benchmarks/ingest.py --file orders.csv --table orders    # your own file

Each load runs in its own process so peak memory (max RSS) is measured per load. Simulated
files get 0.1 % of rows corrupted (bad dates, bad numbers, duplicates) so quarantine is exercised.
Prints a table; the last line is one JSON object of metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def make_csv(path: Path, rows: int, seed: int) -> None:
    """Write ``rows`` simulated order lines, 0.1 % corrupted, streaming."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from growthpilot.simulate import SimConfig, iter_order_lines

    rng = np.random.default_rng(seed)
    config = SimConfig(customers=max(1000, rows // 6), days=730, seed=seed)  # ~11 lines per customer
    written, writer = 0, None
    for chunk in iter_order_lines(config, chunk_rows=500_000):
        chunk = chunk.iloc[: rows - written].copy()
        n = len(chunk)
        bad = rng.random(n) < 0.001
        ts = chunk["ts"].astype(str)
        ts[bad & (rng.random(n) < 0.5)] = "31/02/2023 25:61"
        chunk["ts"] = ts
        qty = chunk["quantity"].astype(str)
        qty[bad & (rng.random(n) < 0.3)] = "one"
        chunk["quantity"] = qty
        dup = chunk[bad & (rng.random(n) < 0.3)]
        chunk = chunk.astype({c: str for c in chunk.columns if chunk[c].dtype == object})
        table = pa.Table.from_pandas(chunk.astype(str).replace({"<NA>": "", "None": "", "nan": ""}), preserve_index=False)
        if writer is None:
            writer = pacsv.CSVWriter(str(path), table.schema)
        writer.write_table(table)
        if len(dup):
            writer.write_table(pa.Table.from_pandas(dup.astype(str).replace({"<NA>": "", "None": "", "nan": ""}),
                                                    preserve_index=False, schema=table.schema))
        written += n
        if written >= rows:
            break
    if writer is not None:
        writer.close()


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, file: str, table: str, db: str, memory_limit: str) -> None:
    if kind == "raw":
        import duckdb

        t0 = time.perf_counter()  # timers start after imports: both measure the load itself
        con = duckdb.connect(db)
        con.execute(f"SET memory_limit='{memory_limit}'")
        con.execute(f"CREATE OR REPLACE TABLE raw AS SELECT * FROM read_csv('{file}')")
        out = {"rows_loaded": con.execute("SELECT count(*) FROM raw").fetchone()[0]}
    else:
        from growthpilot.ingest import ingest_file
        from growthpilot.warehouse import Warehouse

        t0 = time.perf_counter()
        wh = Warehouse.from_url(f"duckdb:///{db}")
        wh.con.con.execute(f"SET memory_limit='{memory_limit}'")
        rep = ingest_file(file, wh, table=table)
        out = {k: v for k, v in rep.to_dict().items() if k in
               ("rows_read", "rows_loaded", "rows_quarantined", "quarantined_by_reason", "rows_new")}
    out["seconds"] = time.perf_counter() - t0
    out["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(out))


def run_child(kind: str, file: Path, table: str, workdir: Path, memory_limit: str) -> dict:
    db = workdir / f"{kind}-{file.stem}.duckdb"
    db.unlink(missing_ok=True)
    res = subprocess.run([sys.executable, __file__, "--child", kind, "--file", str(file), "--table", table,
                          "--db", str(db), "--memory-limit", memory_limit], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{kind} load failed:\n{res.stderr[-3000:]}")
    db.unlink(missing_ok=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", default="1000000", help="comma-separated row counts of simulated order lines")
    p.add_argument("--file", help="ingest this file instead of simulated ones")
    p.add_argument("--format", default="csv", choices=["csv"], help="input format (raw comparison is CSV)")
    p.add_argument("--table", default="orders", help="target table for --file (columns named canonically)")
    p.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit for both loads (bounds peak memory)")
    p.add_argument("--workdir", default=None, help="where to write generated files (default: a temp dir)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--child", choices=["raw", "ingest"], help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        return child(a.child, a.file, a.table, a.db, a.memory_limit)

    workdir = Path(a.workdir or tempfile.mkdtemp(prefix="gp-ingest-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    cases = [Path(a.file)] if a.file else []
    for r in ([] if a.file else [int(x) for x in a.rows.split(",")]):
        f = workdir / f"orders_{r}.csv"
        if not f.exists():
            t0 = time.perf_counter()
            print(f"generating {r:,} simulated order lines -> {f}", file=sys.stderr)
            make_csv(f, r, a.seed)
            print(f"  done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        cases.append(f)
    results = []
    for f in cases:
        raw = run_child("raw", f, a.table, workdir, a.memory_limit)
        ours = run_child("ingest", f, a.table, workdir, a.memory_limit)
        results.append({
            "file": f.name, "rows_read": ours["rows_read"], "rows_loaded": ours["rows_loaded"],
            "rows_quarantined": ours["rows_quarantined"],
            "raw_seconds": round(raw["seconds"], 2), "ingest_seconds": round(ours["seconds"], 2),
            "ratio": round(ours["seconds"] / raw["seconds"], 2),
            "raw_peak_rss_mb": round(raw["peak_rss_mb"]), "ingest_peak_rss_mb": round(ours["peak_rss_mb"]),
            "rows_per_second": round(ours["rows_read"] / ours["seconds"]),
            "quarantined_by_reason": ours["quarantined_by_reason"],
        })
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"CSV -> DuckDB, full validation vs raw read_csv (memory_limit {a.memory_limit}, {os.cpu_count()} cores)")
    cols = ["file", "rows_read", "rows_loaded", "rows_quarantined", "raw_seconds", "ingest_seconds", "ratio",
            "raw_peak_rss_mb", "ingest_peak_rss_mb", "rows_per_second"]
    for c in cols:
        t.add_column(c)
    for r in results:
        t.add_row(*[f"{r[c]:,}" if isinstance(r[c], int) else str(r[c]) for c in cols])
    Console().print(t)
    print(json.dumps({"memory_limit": a.memory_limit, "results": results}))


if __name__ == "__main__":
    main()
