"""``growthpilot customers``: customer 360, model backtest, scores, segments, personas and a report."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from growthpilot.commands._common import JsonOpt, WorkspaceOpt, out, print_json, print_table, progress
from growthpilot.workspace import Workspace

PHASES = ("backtest and fit", "score customers", "segments and personas", "write tables", "report")


def register(app: typer.Typer) -> None:
    @app.command()
    def customers(
        workspace: WorkspaceOpt = Path("."),
        cutoff: Annotated[Optional[datetime], typer.Option(  # noqa: UP045 (Typer needs Optional)
            "--cutoff", formats=["%Y-%m-%d"], help="Score as of this day (default: the day after the last order).")] = None,
        horizon_days: Annotated[int, typer.Option("--horizon-days", min=7, help="Prediction horizon in days.")] = 90,
        n_windows: Annotated[int, typer.Option("--windows", min=1, help="Training windows for the stacked GBM.")] = 4,
        no_report: Annotated[bool, typer.Option("--no-report", help="Skip the HTML report.")] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Score every customer: CLV, churn risk, P(purchase), next order date, segments, personas.

        Writes customer_features, customer_scores, segments and personas, and an HTML report with
        the backtest against BG/NBD, RFM and past-average baselines.
        """
        from growthpilot.customers.pipeline import run_customers

        ws = Workspace.open(workspace)
        with progress() as bar:
            task = bar.add_task("customers", total=len(PHASES) - (1 if no_report else 0))
            started: list[str] = []

            def step(name: str) -> None:
                if started:
                    bar.advance(task)
                started.append(name)
                bar.update(task, description=name)

            res = run_customers(ws, cutoff=cutoff, horizon_days=horizon_days, n_windows=n_windows,
                                report=not no_report, step=step)
            bar.update(task, completed=bar.tasks[0].total)
        summary = {
            "run_id": res.run_id, "model_version": res.model_version, "selected": res.selected,
            "point": res.point, "proba_model": res.proba_model,
            "cutoff": str(res.cutoff.date()), "customers": len(res.scores),
            "expected_spend_total": float(res.scores.expected_spend.sum()),
            "report": str(res.report_path) if res.report_path else None,
        }
        if as_json:
            print_json({**summary, "validation": res.validation})
            return
        print_table("customers run", [{"item": k, "value": v} for k, v in summary.items()])
        rows = [{"model": m, **{k: v[k] for k in ("purchases_mae", "spend_mae", "auc", "brier") if k in v}}
                for m, v in res.validation.items()]
        print_table("internal backtest (last horizon before the cutoff)", rows)
        seg = res.segments.groupby("rfm_segment").size().sort_values(ascending=False)
        print_table("RFM segments", [{"segment": k, "customers": int(v)} for k, v in seg.items()])
        if res.report_path:
            out.print(f"report: {res.report_path}")
