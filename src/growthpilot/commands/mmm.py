"""`growthpilot mmm`: fit the marketing-mix model, write mmm_results and an HTML report."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from growthpilot.commands._common import JsonOpt, WorkspaceOpt, out, print_json, print_table, progress
from growthpilot.errors import ValidationError


def _parse_bounds(text: str | None) -> dict[str, tuple[float, float]] | None:
    if not text:
        return None
    bounds = {}
    for part in text.split(","):
        try:
            name, rng = part.split("=")
            lo, hi = rng.split(":")
            bounds[name.strip()] = (float(lo), float(hi))
        except ValueError:
            raise ValidationError("bad --bounds entry", value=part,
                                  expected="channel=low:high multiples of current spend, e.g. tv=0.5:1.5") from None
    return bounds


def register(app: typer.Typer) -> None:

    @app.command()
    def mmm(
        workspace: WorkspaceOpt = Path("."),
        lift_tests: Annotated[Optional[Path], typer.Option(  # noqa: UP045 - Typer needs Optional
            "--lift-tests", help="CSV of user-given lift studies (per-week or total form; see docs/mmm.md).")] = None,
        budget: Annotated[Optional[float], typer.Option(  # noqa: UP045
            "--budget", help="Weekly budget to split (default: current weekly total).")] = None,
        bounds: Annotated[Optional[str], typer.Option(  # noqa: UP045
            "--bounds", help="Per-channel bounds as multiples of current spend: tv=0.5:1.5,search=0.8:2")] = None,
        saturation: Annotated[str, typer.Option(help="hill, logistic, or hill+logistic (both fitted, draws pooled; docs/mmm.md)")] = "hill",
        adstock: Annotated[str, typer.Option(help="geometric or delayed")] = "geometric",
        draws: Annotated[int, typer.Option(help="NUTS draws per chain")] = 500,
        tune: Annotated[int, typer.Option(help="NUTS tuning steps per chain")] = 500,
        chains: Annotated[int, typer.Option(help="NUTS chains (one process each)")] = 2,
        as_json: JsonOpt = False,
    ) -> None:
        """Marketing-mix model: ROI with intervals, response curves, recommended budget split, report."""
        from growthpilot.files import read_table
        from growthpilot.mmm.run import run_mmm
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        user_lifts = read_table(lift_tests) if lift_tests else None
        steps = ["load", "fit", "summarise", "optimise", "report"]
        with progress() as p:
            task = p.add_task("mmm", total=len(steps))

            def step(msg: str) -> None:
                p.update(task, description=msg)
                if not msg.startswith("loading"):
                    p.advance(task)

            res = run_mmm(ws, lift_tests=user_lifts, budget=budget, bounds=_parse_bounds(bounds),
                          model_params={"saturation": saturation, "adstock": adstock, "draws": draws, "tune": tune,
                                        "chains": chains},
                          step=step)
            p.update(task, completed=len(steps), description="done")
        cols = ["channel", "spend", "roi", "roi_low", "roi_high", "mroi", "current_weekly_spend",
                "recommended_weekly_spend"]
        if as_json:
            print_json({"run_id": res.run_id, "report": str(res.report), "plan": res.plan.summary(),
                        "results": res.results[cols].to_dict("records")})
            return
        print_table(f"mmm_results (run {res.run_id})", res.results[cols].to_dict("records"))
        s = res.plan.summary()
        out.print(f"expected gain {s['gain_per_week']:,.0f}/week ({s['gain_pct']:.1f} %), 90 % interval "
                  f"[{s['gain_low']:,.0f}, {s['gain_high']:,.0f}]; report: {res.report}")
