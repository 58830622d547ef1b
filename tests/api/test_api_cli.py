"""`growthpilot keys create/list/revoke` and the serve command's wiring."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from growthpilot.api.keys import KeyStore
from growthpilot.cli import app
from growthpilot.workspace import Workspace


def test_keys_cli_round_trip(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    runner = CliRunner()
    res = runner.invoke(app, ["keys", "create", "--role", "analyst", "-w", str(ws.root), "--json", "--rate-limit", "120"])
    assert res.exit_code == 0, res.output
    made = json.loads(res.stdout.strip().splitlines()[-1])
    assert made["key"].startswith(f"gpk_{made['key_id']}_") and made["rate_limit"] == 120
    ws = Workspace.open(ws.root)
    assert KeyStore(ws.warehouse).verify(made["key"]).role == "analyst"
    ws.close()
    assert runner.invoke(app, ["keys", "revoke", made["key_id"], "-w", str(ws.root)]).exit_code == 0
    ws = Workspace.open(ws.root)
    assert KeyStore(ws.warehouse).verify(made["key"]) is None
    ws.close()
    bad = runner.invoke(app, ["keys", "create", "--role", "root", "-w", str(ws.root)])
    assert bad.exit_code != 0
    assert "serve" in runner.invoke(app, ["--help"]).stdout


def test_serve_points_to_a_key_when_there_is_none(tmp_path, monkeypatch):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: started.append(kw))
    ws = Workspace.init(tmp_path / "ws")
    ws.close()
    runner = CliRunner()
    res = runner.invoke(app, ["serve", "-w", str(ws.root), "--port", "8123"])
    assert res.exit_code == 0, res.output
    assert started and started[0]["port"] == 8123
    assert "no API key yet" in res.output and "growthpilot keys create --role admin" in res.output
    assert runner.invoke(app, ["keys", "create", "--role", "viewer", "-w", str(ws.root)]).exit_code == 0
    res = runner.invoke(app, ["serve", "-w", str(ws.root)])
    assert res.exit_code == 0 and "no API key yet" not in res.output
    assert "/api/v1/openapi.json" in runner.invoke(app, ["serve", "--help"]).output.replace("\n", "")
