"""``growthpilot ingest``: load a file or database table into the workspace, losing nothing."""

from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import JsonOpt, WorkspaceOpt, console, out, print_json, print_table
from growthpilot.workspace import Workspace


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        path: Annotated[str, typer.Argument(help="File (csv, parquet, jsonl, optionally .gz) or database URL.")],
        adapter: Annotated[str | None, typer.Option(help="Known dataset: online_retail, instacart.")] = None,
        mapping: Annotated[Path | None, typer.Option(help="Column mapping file (TOML or JSON).")] = None,
        table: Annotated[str | None, typer.Option(help="Target table when input columns are canonical.")] = None,
        source_table: Annotated[str | None, typer.Option(help="Table to read when PATH is a database URL.")] = None,
        format: Annotated[str | None, typer.Option(help="csv, parquet or jsonl (default: from the name).")] = None,
        delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: sniffed).")] = None,
        encoding: Annotated[str | None, typer.Option(help="Text encoding (default: detected).")] = None,
        workspace: WorkspaceOpt = Path("."),
        as_json: JsonOpt = False,
    ) -> None:
        """Ingest PATH: map, validate, quarantine bad rows with reasons, de-duplicate and upsert."""
        from growthpilot.ingest import ingest_file
        from growthpilot.ingest.personal import workspace_protector

        ws = Workspace.open(workspace)
        params = {"path": path, "adapter": adapter, "mapping": str(mapping) if mapping else None, "table": table}
        with ws.run("ingest", params) as run, console.status("ingesting") as status:
            report = ingest_file(
                path, ws.warehouse, adapter=adapter, mapping=mapping, table=table, format=format,
                delimiter=delimiter, encoding=encoding, source_table=source_table, run_id=run.run_id,
                protect_personal=workspace_protector(ws), on_progress=lambda m: status.update(m),
            )
            run.metrics.update({k: v for k, v in report.to_dict().items() if k != "examples"})
        if as_json:
            print_json({k: v for k, v in report.to_dict().items() if k != "examples"})
            return
        print_table(f"ingest {report.source} -> {report.table}", [{
            "rows read": report.rows_read, "loaded": report.rows_loaded,
            "quarantined": report.rows_quarantined, "new or changed": report.rows_new,
        }])
        if report.quarantined_by_reason:
            print_table("quarantined by reason", [{"reason": r, "rows": n} for r, n in report.quarantined_by_reason.items()])
            for ex in report.examples:
                out.print(f"  {ex}", highlight=False, markup=False)
        print_table("tables changed", [{"table": t, "rows new or changed": n} for t, n in report.tables_changed.items()])
