"""Core commands: init, status."""

import json
from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import WorkspaceOpt, out, print_json, print_table
from growthpilot.workspace import Workspace


def register(app: typer.Typer) -> None:


    @app.command()
    def init(directory: Annotated[Path, typer.Argument(help="Folder for the new workspace.")]) -> None:
        """Create a workspace: growthpilot.toml, a DuckDB warehouse and an artifacts folder."""
        ws = Workspace.init(directory)
        out.print(f"workspace ready at {ws.root} (warehouse {ws.settings.warehouse_url})")

    @app.command()
    def status(
        workspace: WorkspaceOpt = Path("."),
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Table counts, quarantine summary by reason, and the last runs."""
        ws = Workspace.open(workspace)
        wh = ws.warehouse
        counts = {t: wh.count(t) for t in wh.tables() if not t.startswith("_")}
        quarantine: list[dict] = []
        if wh.has_table("quarantine"):
            q = wh.table("quarantine")
            df = wh.read(q.group_by(["target_table", "reason"]).agg(rows=q.count()).order_by(["target_table", "reason"]))
            quarantine = df.to_dict("records")
        runs: list[dict] = []
        if wh.has_table("runs"):
            r = wh.table("runs")
            df = wh.read(r.order_by(r.started_at.desc()).limit(10))
            runs = [
                {"run_id": x["run_id"], "stage": x["stage"], "status": x["status"],
                 "finished_at": str(x["finished_at"])[:19], "metrics": x["metrics"]}
                for x in df.to_dict("records")
            ]
        if as_json:
            print_json({"workspace": str(ws.root), "tables": counts, "quarantine": quarantine,
                        "runs": [dict(r, metrics=json.loads(r["metrics"] or "{}")) for r in runs]})
            return
        print_table(f"tables in {ws.root}", [{"table": k, "rows": v} for k, v in counts.items()])
        print_table("quarantine by reason", quarantine)
        print_table("last runs", [{k: v for k, v in r.items() if k != "metrics"} for r in runs])
