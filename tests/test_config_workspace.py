"""Settings precedence and workspace creation."""

from __future__ import annotations

import pytest

from growthpilot.config import Settings
from growthpilot.errors import ConfigError, WorkspaceNotFoundError
from growthpilot.warehouse import Warehouse
from growthpilot.workspace import Workspace


def test_init_creates_config_warehouse_and_artifacts(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    assert (ws.root / "growthpilot.toml").exists()
    assert (ws.root / "warehouse.duckdb").exists()
    assert ws.artifacts_dir.is_dir() and ws.reports_dir.is_dir()
    assert ws.settings.warehouse_url == f"duckdb:///{ws.root / 'warehouse.duckdb'}"
    ws.close()
    Workspace.init(tmp_path / "w").close()  # idempotent


def test_env_overrides_file(tmp_path, monkeypatch):
    ws = Workspace.init(tmp_path / "w")
    ws.close()
    (ws.root / "growthpilot.toml").write_text('seed = 7\nllm_backend = "openai"\n')
    assert Workspace.open(ws.root).settings.seed == 7
    monkeypatch.setenv("GROWTHPILOT_SEED", "11")
    s = Workspace.open(ws.root).settings
    assert (s.seed, s.llm_backend) == (11, "openai")
    assert Settings.load(ws.root, seed=3).seed == 3  # explicit arguments win


def test_open_missing_workspace_says_how_to_fix(tmp_path):
    with pytest.raises(WorkspaceNotFoundError, match="growthpilot init"):
        Workspace.open(tmp_path / "nothing")


def test_bad_warehouse_url():
    with pytest.raises(ConfigError, match="unsupported warehouse URL"):
        Warehouse.from_url("mysql://x")


def test_runs_are_recorded(workspace):
    with workspace.run("unit", {"a": 1}) as run:
        run.metrics["m"] = 2.5
    with pytest.raises(RuntimeError), workspace.run("unit-fail"):
        raise RuntimeError("boom")
    runs = workspace.warehouse.read("runs").set_index("stage")
    assert runs.loc["unit", "status"] == "ok" and '"m": 2.5' in runs.loc["unit", "metrics"]
    assert runs.loc["unit-fail", "status"] == "failed"


def test_init_on_a_file_is_a_clear_error(tmp_path):
    f = tmp_path / "shop"
    f.write_text("not a folder")
    with pytest.raises(ConfigError, match="it is a file"):
        Workspace.init(f)


def test_a_warehouse_held_by_another_process_names_the_cause(tmp_path):
    import subprocess
    import sys
    import time

    from growthpilot.errors import WarehouseError
    from growthpilot.warehouse.connect import connect

    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               "print('ready', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseError, match="in use by another process") as err:
            connect(f"duckdb:///{db}")
        assert "growthpilot serve" in str(err.value)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    time.sleep(0.1)
    assert connect(f"duckdb:///{db}").name == "duckdb"  # free again once the holder is gone
