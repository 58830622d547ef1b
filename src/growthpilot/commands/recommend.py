"""`growthpilot recommend`: fit the recommender on a workspace and write the recommendations table."""

from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import JsonOpt, WorkspaceOpt, console, print_json, print_table, progress


def register(app: typer.Typer) -> None:

    @app.command()
    def recommend(
        workspace: WorkspaceOpt = Path("."),
        k: Annotated[int, typer.Option("--k", help="Products per customer.")] = 10,
        model: Annotated[str, typer.Option(
            "--model", help="hybrid (validated blend), ease, user_ease, itemknn, sar, als, bpr, popularity, "
                            "content.")] = "hybrid",
        half_life_days: Annotated[float | None, typer.Option(
            "--half-life-days", help="Recency weighting of purchases (half-life in days).")] = None,
        repeat_category: Annotated[list[str] | None, typer.Option(
            "--repeat-category", help="Category that may be recommended again after purchase (repeatable).")] = None,
        mmr: Annotated[float | None, typer.Option(
            "--mmr", help="Diversity: MMR lambda in [0, 1] (1 = relevance only).")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Recommend products to every customer and write the `recommendations` table."""
        from growthpilot.recommend.pipeline import recommend_workspace
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        with progress() as bar:
            task = bar.add_task("recommend", total=4)

            def step(msg: str) -> None:
                bar.update(task, advance=1, description=msg)

            out, metrics = recommend_workspace(ws, k=k, model=model, half_life_days=half_life_days,
                                               repeat_categories=tuple(repeat_category or ()), mmr_lambda=mmr,
                                               progress=step)
            bar.update(task, completed=4, description="done")
        if as_json:
            print_json(metrics)
            return
        console.print(f"wrote {len(out)} rows to recommendations (run {metrics['run_id']})")
        print_table("recommend run", [{k_: v for k_, v in metrics.items() if k_ not in ("model", "model_version")}])
        console.print(f"model: {metrics['model']} ({metrics['model_version']})")
        print_table("first recommendations", out.head(10)[["customer_id", "rank", "product_id", "score"]]
                    .to_dict("records"))
