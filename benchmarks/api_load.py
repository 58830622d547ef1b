"""Load-test the recommendations endpoint of ``growthpilot serve`` on loopback.

    python benchmarks/api_load.py --workspace WS --rps 200 --seconds 60

Starts the server on 127.0.0.1 (a free port) in a subprocess over WORKSPACE, creates a
temporary marketer key (revoked afterwards), sends an open-loop stream of
``GET /api/v1/recommendations/{customer_id}`` for customers sampled from the
``recommendations`` table, prints a table and, last, one JSON line with p99_ms and errors.
With ``--simulate`` and an empty workspace it first builds one with ``growthpilot demo``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from growthpilot.api.keys import KeyStore
from growthpilot.api.loadtest import run_load
from growthpilot.workspace import Workspace


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _customers(ws: Workspace, n: int) -> list[str]:
    wh = ws.warehouse
    if not wh.has_table("recommendations"):
        sys.exit(f"{ws.root} has no recommendations table; build one with: growthpilot recommend --workspace {ws.root} "
                 "(or growthpilot demo)")
    t = wh.table("recommendations")
    ids = wh.read(t.select("customer_id").distinct().order_by("customer_id").limit(n))["customer_id"]
    return [str(i) for i in ids]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", required=True, type=Path)
    ap.add_argument("--rps", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--customers", type=int, default=1000, help="distinct customers to cycle through")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--simulate", action="store_true", help="run `growthpilot demo` first if the workspace is empty")
    ap.add_argument("--predictions-out", type=Path, help="write the result JSON here too")
    args = ap.parse_args()

    if args.simulate and not (args.workspace / "growthpilot.toml").exists():
        subprocess.run([sys.executable, "-c", "from growthpilot.cli import main; main()", "demo", str(args.workspace)],
                       check=True)
    ws = Workspace.open(args.workspace)
    ids = _customers(ws, args.customers)
    key, rec = KeyStore(ws.warehouse).create("marketer", "api_load benchmark", rate_limit=1_000_000)
    ws.close()  # the server takes the DuckDB file

    port = _free_port()
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    server = subprocess.Popen([sys.executable, "-c", "from growthpilot.cli import main; main()", "serve",
                               "--workspace", str(args.workspace), "--host", "127.0.0.1", "--port", str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if server.poll() is not None:
                sys.exit("the server exited during start-up")
            time.sleep(0.1)
        paths = [f"/api/v1/recommendations/{c}?k={args.k}" for c in ids]
        httpx2.get(base + paths[0], headers={"Authorization": f"Bearer {key}"}, timeout=30)  # load the cache
        res = run_load(base, paths, headers={"Authorization": f"Bearer {key}"}, rps=args.rps, seconds=args.seconds)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        ws = Workspace.open(args.workspace)
        KeyStore(ws.warehouse).revoke(rec.key_id)
        ws.close()

    out = {"endpoint": "GET /api/v1/recommendations/{customer_id}", "customers": len(ids), **res.as_dict()}
    print(f"{'metric':<22}{'value':>14}")
    for k, v in out.items():
        if k != "status_counts":
            print(f"{k:<22}{v!s:>14}")
    print(f"{'status_counts':<22}{json.dumps(res.status_counts):>14}")
    if args.predictions_out:
        args.predictions_out.write_text(json.dumps(out) + "\n")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
