"""Shared pieces for CLI command modules: consoles, options, table and JSON printing, progress."""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

console = Console(stderr=True)
out = Console()

WorkspaceOpt = Annotated[
    Path, typer.Option("--workspace", "-w", envvar="GROWTHPILOT_WORKSPACE", help="Workspace directory.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout (for ``--json`` outputs)."""
    sys.stdout.write(json.dumps(obj, default=str) + "\n")
    sys.stdout.flush()


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    """Print rows as a rich table on stdout (titles and cells are plain text: no rich markup in data)."""
    table = Table(title=Text(title))
    if rows:
        for col in rows[0]:
            table.add_column(Text(str(col)))
        for r in rows:
            table.add_row(*[Text(_fmt(v)) for v in r.values()])
    out.print(table)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e5 else f"{v:,.0f}"
    return str(v)


def progress() -> Progress:
    """A rich progress bar on stderr for long work (``with progress() as p: ...``)."""
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )
