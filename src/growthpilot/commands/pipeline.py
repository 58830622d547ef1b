"""``growthpilot demo`` and ``growthpilot run``: the whole loop on a workspace."""

import time
from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import JsonOpt, WorkspaceOpt, console, out, print_json, print_table
from growthpilot.workspace import Workspace


def _print_results(results, as_json: bool, extra: dict | None = None) -> None:
    rows = [{"stage": r.stage, "status": r.status, "seconds": round(r.seconds, 1),
             "metrics": ", ".join(f"{k}={_short(v)}" for k, v in list(r.metrics.items())[:6])} for r in results]
    if as_json:
        print_json({**(extra or {}), "stages": [r.__dict__ for r in results]})
    else:
        print_table("growthpilot loop", rows)
    failed = [r for r in results if r.status.startswith("failed")]
    if failed:  # the loop stopped there: say so on stderr and fail the command
        console.print(f"error: stage {failed[0].stage} {failed[0].status}", markup=False, highlight=False,
                      soft_wrap=True)
        raise typer.Exit(1)


def _short(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        directory: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("demo-workspace"),
        customers: Annotated[int, typer.Option(help="Simulated customers.")] = 2000,
        days: Annotated[int, typer.Option(help="Simulated days of history.")] = 540,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
        as_json: JsonOpt = False,
    ) -> None:
        """Build a demo workspace from the simulator (DuckDB) and run every stage of the loop on it."""
        from growthpilot.pipeline import run_loop, simulate_workspace
        from growthpilot.simulate import SimConfig

        t0 = time.perf_counter()
        ws = Workspace.init(directory)
        config = SimConfig(customers=customers, days=days, seed=seed)
        with ws.run("simulate", {"customers": customers, "days": days, "seed": seed}) as run, \
                console.status(f"simulating a shop with {customers:,} customers"):
            counts = simulate_workspace(ws, config)
            run.metrics.update(counts)
        if not as_json:
            print_table("simulated shop", [{"table": t, "rows": n} for t, n in counts.items()])
        with console.status("running the loop") as status:
            results = run_loop(ws, on_stage=lambda s: status.update(f"stage: {s}"))
        _print_results(results, as_json, {"workspace": str(ws.root), "tables": counts})
        if not as_json:
            out.print(f"demo workspace: {ws.root} ({time.perf_counter() - t0:.0f} s). "
                      f"Next: growthpilot status -w {directory}; growthpilot serve -w {directory}")

    @app.command("run")
    def run_cmd(
        workspace: WorkspaceOpt = Path("."),
        stage: Annotated[list[str] | None, typer.Option(help="Only these stages (repeatable).")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Run the loop's stages in order on a workspace's current data."""
        from growthpilot.pipeline import run_loop

        ws = Workspace.open(workspace)
        with console.status("running the loop") as status:
            results = run_loop(ws, only=stage, on_stage=lambda s: status.update(f"stage: {s}"))
        _print_results(results, as_json)
