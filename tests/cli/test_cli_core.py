"""The CLI: init, ingest (--json), status, and errors as one clear line."""

from __future__ import annotations

import json
import os
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


def test_usage_errors_show_usage_and_exit_2(tmp_path):
    res = run("status", "--bogus")
    assert res.returncode == 2, res.stderr
    assert "No such option: --bogus" in res.stderr and "status --help' for help" in res.stderr
    assert "NoSuchOption" not in res.stderr and "Traceback" not in res.stderr
    res = run("frobnicate")
    assert res.returncode == 2 and "No such command 'frobnicate'" in res.stderr


def test_version_and_unknown_stage(tmp_path):
    res = run("--version")
    assert res.returncode == 0 and res.stdout.startswith("growthpilot ")
    ws = tmp_path / "ws"
    run("init", str(ws))
    res = run("run", "-w", str(ws), "--stage", "bogus")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "unknown stage(s) ['bogus']" in res.stderr and "customers" in res.stderr
    assert "ValueError" not in res.stderr


def test_brackets_in_data_and_messages_are_printed_as_written(tmp_path):
    ws = tmp_path / "ws"
    run("init", str(ws))
    src = tmp_path / "orders[1].csv"
    src.write_text("order_id,customer_id,product_id,ts,quantity,unit_price\no1,c1,p1,2024-01-02,1,[/b]\n")
    wide = {**os.environ, "COLUMNS": "400"}  # no wrapping inside the long temporary paths
    res = subprocess.run([*CLI, "ingest", str(src), "--table", "orders", "-w", str(ws)], capture_output=True,
                         text=True, timeout=300, env=wide)
    assert res.returncode == 0, res.stderr
    assert "value '[/b]'" in res.stdout
    assert "orders[1].csv" in "".join(line.strip() for line in res.stdout.splitlines())  # the table title
    bad = tmp_path / "m.toml"
    bad.write_text('table = "orders"\n[columns\n')
    res = run("ingest", str(src), "--mapping", str(bad), "-w", str(ws))
    assert res.returncode == 1 and "[columns] section" in res.stderr.replace("\n", "")
