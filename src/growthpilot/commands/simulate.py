"""``growthpilot simulate``: build a simulated shop with ground truth in a workspace."""

import time
from pathlib import Path
from typing import Annotated

import typer

from growthpilot import __version__
from growthpilot.commands._common import JsonOpt, WorkspaceOpt, console, print_json, print_table, progress
from growthpilot.config import CONFIG_FILE
from growthpilot.workspace import Workspace


def register(app: typer.Typer) -> None:

    @app.command()
    def simulate(
        workspace: WorkspaceOpt = Path("."),
        customers: Annotated[int, typer.Option("--customers", "-n", help="Registered customers.")] = 2000,
        products: Annotated[int, typer.Option(help="Catalogue size (>= 20).")] = 200,
        days: Annotated[int, typer.Option(help="Days of history (>= 60).")] = 730,
        start: Annotated[str, typer.Option(help="First day (ISO date).")] = "2023-01-01",
        seed: Annotated[int | None, typer.Option(help="Random seed (default: the workspace's seed).")] = None,
        campaigns: Annotated[int, typer.Option(help="Randomised e-mail campaigns.")] = 8,
        chunk_rows: Annotated[int, typer.Option(help="Rows buffered (all tables) before writing.")] = 200_000,
        as_json: JsonOpt = False,
    ) -> None:
        """Simulate a shop (customers, orders, events, campaigns, media, reviews) plus truth_* tables.

        Deterministic by seed; writing again replaces the tables with identical ones.
        """
        if not (workspace / CONFIG_FILE).exists():
            ws = Workspace.init(workspace)
            console.print(f"created workspace {ws.root}")
        else:
            ws = Workspace.open(workspace)
        from growthpilot.pipeline import simulate_workspace
        from growthpilot.simulate import SimConfig

        config = SimConfig(customers=customers, products=products, days=days, start=start,
                           seed=ws.settings.seed if seed is None else seed, campaigns=campaigns)
        started = time.perf_counter()
        with ws.run("simulate", config.as_dict(), model_version=f"simulator-{__version__}") as run:
            with progress() as bar:
                task = bar.add_task("simulating customers", total=customers)
                counts = simulate_workspace(ws, config, lambda done, total: bar.update(task, completed=done),
                                            chunk_rows=chunk_rows)
            run.metrics.update({"rows": counts, "total_rows": sum(counts.values()),
                                "seconds": round(time.perf_counter() - started, 2)})
        if as_json:
            print_json({"workspace": str(ws.root), "run_id": run.run_id, "config": config.as_dict(),
                        "tables": counts, "total_rows": sum(counts.values()),
                        "seconds": run.metrics["seconds"]})
            return
        print_table(f"simulated shop in {ws.root} (run {run.run_id})",
                    [{"table": k, "rows": v} for k, v in counts.items()])
