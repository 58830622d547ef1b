"""``growthpilot forecast``: demand forecasts, trends and an HTML report for a workspace."""

from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import JsonOpt, WorkspaceOpt, console, out, print_json, print_table


def register(app: typer.Typer) -> None:

    @app.command()
    def forecast(
        workspace: WorkspaceOpt = Path("."),
        level: Annotated[str, typer.Option(help="Comma-separated levels: total, category, product, country, "
                                                "channel, brand, subcategory.")] = "total,category,product",
        freq: Annotated[str, typer.Option(help="D (daily), W (weekly), MS (monthly), QS (quarterly).")] = "W",
        horizon: Annotated[int, typer.Option(help="Periods to forecast.")] = 8,
        measure: Annotated[str, typer.Option(help="units or revenue.")] = "units",
        top: Annotated[int, typer.Option(help="Only the N best-selling products (0 = all).")] = 0,
        reconcile: Annotated[str, typer.Option(help="mint_shrink, bottom_up or none (nested levels).")] = "mint_shrink",
        models: Annotated[str, typer.Option(help="Base models to consider.")] =
            "SeasonalNaive,AutoETS,AutoARIMA,AutoTheta,MSTL,LightGBM",
        country: Annotated[str, typer.Option(help="Holiday calendar, ISO code.")] = "US",
        data: Annotated[Path | None, typer.Option(help="Forecast a long-format file instead of orders.")] = None,
        id_col: Annotated[str, typer.Option(help="Series id column of --data (empty: one series).")] = "unique_id",
        time_col: Annotated[str, typer.Option(help="Date column of --data.")] = "ds",
        target_col: Annotated[str, typer.Option(help="Value column of --data.")] = "y",
        as_json: JsonOpt = False,
    ) -> None:
        """Forecast sales at every level with intervals, find trends, write `forecasts` and a report."""
        from growthpilot.commands._common import progress
        from growthpilot.forecast.bench import load_long, read_table
        from growthpilot.forecast.pipeline import run_forecast
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        series = None
        if data is not None:
            raw = read_table(data)
            ident = id_col if id_col and (id_col in raw.columns or id_col != "unique_id") else None
            series = load_long(raw, freq=freq, id_col=ident, time_col=time_col, target_col=target_col,
                               source=str(data))
        steps = ["backtest and choice", "forecast", "reconcile", "trends"]
        with progress() as bar:
            task = bar.add_task("forecast", total=len(steps))

            def on_step(msg: str) -> None:
                bar.update(task, description=msg, completed=steps.index(msg) if msg in steps else 0)

            res = run_forecast(ws, levels=[x.strip() for x in level.split(",") if x.strip()], freq=freq,
                               horizon=horizon, measure=measure, top=top or None, reconcile_method=reconcile,
                               models=[m for m in models.split(",") if m], country=country, series=series,
                               on_step=on_step)
            bar.update(task, completed=len(steps))
        if as_json:
            print_json(res.metrics)
            return
        print_table("backtest: mean MASE on the last windows (lower is better)",
                    [{"model": k, "mase": float(v)} for k, v in res.ranking.items()])
        tr = res.trends
        print_table("rising (FDR q < 0.05)", tr[tr["direction"] == "rising"].head(10)[
            ["unique_id", "slope_pct", "change_pct", "q_value"]].to_dict("records"))
        print_table("declining (FDR q < 0.05)", tr[tr["direction"] == "declining"].sort_values("slope_pct").head(10)[
            ["unique_id", "slope_pct", "change_pct", "q_value"]].to_dict("records"))
        if not res.promotions.empty:
            print_table("promotion effect", res.promotions.to_dict("records"))
        out.print(f"wrote {len(res.forecasts)} rows to `forecasts` (chosen: {res.metrics.get('chosen')}); "
                  f"report: {res.report_path}")
        console.print(f"{res.metrics.get('anomalies', 0)} spikes/dips found", highlight=False)
