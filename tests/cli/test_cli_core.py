"""The CLI: init, ingest (--json), status, and errors as one clear line."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.ingest.test_ingest_files import ROWS, write_csv

CLI = [sys.executable, "-m", "growthpilot.cli"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)


def test_init_ingest_status(tmp_path):
    ws = tmp_path / "ws"
    assert run("init", str(ws)).returncode == 0
    src = write_csv(tmp_path / "orders.csv", ROWS)
    res = run("ingest", str(src), "--table", "orders", "--workspace", str(ws), "--json")
    assert res.returncode == 0, res.stderr
    rep = json.loads(res.stdout.strip().splitlines()[-1])
    assert {k: rep[k] for k in ("rows_read", "rows_loaded", "rows_quarantined", "rows_new")} == {
        "rows_read": 9, "rows_loaded": 4, "rows_quarantined": 5, "rows_new": 4}
    assert sum(rep["quarantined_by_reason"].values()) == 5
    again = json.loads(run("ingest", str(src), "--table", "orders", "-w", str(ws), "--json").stdout.splitlines()[-1])
    assert again["rows_new"] == 0
    st = json.loads(run("status", "-w", str(ws), "--json").stdout.splitlines()[-1])
    assert st["tables"]["orders"] == 4 and st["tables"]["quarantine"] == 5
    assert {r["stage"] for r in st["runs"]} == {"ingest"}
    assert any(q["reason"] == "duplicate row" for q in st["quarantine"])


def test_errors_are_one_line_without_traceback(tmp_path):
    res = run("status", "-w", str(tmp_path / "missing"))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "not a growthpilot workspace" in res.stderr and "growthpilot init" in res.stderr
    ws = tmp_path / "ws"
    run("init", str(ws))
    res = run("ingest", str(tmp_path / "nope.csv"), "--table", "orders", "-w", str(ws))
    assert res.returncode == 1 and "input file not found" in res.stderr and "Traceback" not in res.stderr
