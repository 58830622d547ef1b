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
