"""Decide commands: ``growthpilot uplift`` (fit, score, predict) and ``growthpilot allocate`` (offer plans)."""

import json
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from growthpilot.commands._common import WorkspaceOpt, console, print_json, print_table, progress
from growthpilot.errors import DataError
from growthpilot.files import read_table


def register(app: typer.Typer) -> None:
    @app.command()
    def uplift(
        data: Annotated[Path, typer.Option("--data", help="Experiment table (CSV/Parquet) to learn from.")],
        treatment_col: Annotated[str, typer.Option(help="Column with the arm of each row.")] = "treatment",
        control_value: Annotated[str, typer.Option(help="Value of the control arm.")] = "control",
        outcome_col: Annotated[str, typer.Option(help="Outcome column (0/1 or amount).")] = "visit",
        exclude_cols: Annotated[str, typer.Option(help="Comma-separated columns that are not features.")] = "",
        score: Annotated[Path | None, typer.Option(help="Customers to score; writes predicted uplift.")] = None,
        out: Annotated[Path | None, typer.Option(help="CSV for the predictions (with --score).")] = None,
        learners: Annotated[str, typer.Option(help="Subset of s,t,x,dr,ct.")] = "s,t,x,dr,ct",
        cv: Annotated[int, typer.Option(help="Folds for model choice.")] = 3,
        seed: Annotated[int, typer.Option()] = 42,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Fit uplift models on an experiment, choose one by cross-validation, optionally score customers."""
        from growthpilot.decide.uplift_benchmark import ExperimentSpec
        from growthpilot.decide.uplift_model import UpliftModel

        df = read_table(data)
        spec = ExperimentSpec(treatment_col, control_value, outcome_col,
                              exclude_cols=[c for c in exclude_cols.split(",") if c])
        feats = spec.features(df)
        df = spec.prepare(df)  # canonical arm labels, 0/1 from yes/no, rows without treatment or outcome dropped
        if spec.dropped_rows:
            console.print(f"{spec.dropped_rows} rows without a treatment or outcome left out", style="yellow")
        model = UpliftModel(learners=tuple(learners.split(",")), cv=cv, random_state=seed)
        with progress() as p:
            task = p.add_task("cross-validating uplift learners", total=None)
            model.fit(df[feats], df[treatment_col], df[outcome_col], control=spec.control_value,
                      progress=lambda d, t: p.update(task, completed=d, total=t))
        summary = {"chosen": model.best_name_, "params": model.best_params_, "cv_score": model.best_score_,
                   "arms": model.arms_, "model_version": model.model_version}
        if score is not None:
            target = read_table(score)
            pred = model.predict_frame(target[feats])
            if "customer_id" in target.columns:
                pred.insert(0, "customer_id", target["customer_id"].to_numpy())
            dest = out or score.with_name(score.stem + "_uplift.csv")
            pred.to_csv(dest, index=False)
            summary["predictions"] = str(dest)
        if as_json:
            print_json(summary)
            return
        rows = sorted(model.cv_results_, key=lambda r: -r["score"])
        print_table(f"uplift learners by {cv}-fold CV ({model.scoring})", rows[:10])
        console.print(f"chosen: {model.best_name_} {model.best_params_}")

    @app.command()
    def allocate(
        uplift_csv: Annotated[Path, typer.Option("--uplift", help="CSV: customer_id and predicted_uplift_<offer> columns.")],
        offers: Annotated[str, typer.Option(help='JSON: {"offer": {"cost": 0.5, "capacity": 1000}, ...}')],
        margin: Annotated[float, typer.Option(help="Margin of one incremental conversion.")] = 20.0,
        margin_col: Annotated[str, typer.Option(help="Per-customer margin column in the CSV (overrides --margin).")] = "",
        budget: Annotated[float | None, typer.Option(help="Total budget for offer costs.")] = None,
        method: Annotated[str, typer.Option(help="auto, milp or greedy.")] = "auto",
        consent_channel: Annotated[str, typer.Option(help="Only customers with consent on this channel ('' = skip).")] = "",
        frequency_cap: Annotated[int, typer.Option(help="Skip customers with this many sends in the window (0 = off).")] = 0,
        cap_window_days: Annotated[int, typer.Option(help="Window for --frequency-cap.")] = 7,
        plan_id: Annotated[str, typer.Option(help="Id of the plan in targeting_plans.")] = "plan",
        workspace: WorkspaceOpt = Path("."),
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Give each customer at most one offer to maximise incremental profit under the budget; writes targeting_plans."""
        from growthpilot.campaigns.eligibility import consented, over_cap
        from growthpilot.decide.targeting import plan_offers
        from growthpilot.workspace import Workspace

        df = read_table(uplift_csv)
        spec = json.loads(offers)
        names = list(spec)
        cols = [f"predicted_uplift_{o}" for o in names]
        missing = [c for c in ["customer_id", *cols] if c not in df.columns]
        if missing:
            raise DataError(f"{uplift_csv} lacks column(s) {missing}; run growthpilot uplift --score first")
        ws = Workspace.open(workspace)
        ids = df["customer_id"].astype(str).tolist()
        eligible = np.ones((len(df), len(names)), dtype=bool)
        if consent_channel:
            ok = consented(ws.warehouse, ids, consent_channel)
            eligible &= np.array([c in ok for c in ids])[:, None]
        if frequency_cap > 0:
            capped = over_cap(ws.warehouse, ids, max_sends=frequency_cap, window_days=cap_window_days,
                              now=pd.Timestamp.now("UTC").tz_localize(None).to_pydatetime())
            eligible &= np.array([c not in capped for c in ids])[:, None]
        mg = df[margin_col].to_numpy(float) if margin_col else np.full(len(df), margin)
        cost = np.tile([float(spec[o].get("cost", 0.0)) for o in names], (len(df), 1))
        cap = [float(spec[o].get("capacity", len(df))) for o in names]
        with ws.run("allocate", {"plan_id": plan_id, "budget": budget, "offers": spec}) as run:
            plan = plan_offers(ids, names, uplift=df[cols].to_numpy(float), margin=mg, cost=cost, budget=budget,
                               capacity=cap, eligible=eligible, method=method, plan_id=plan_id, run_id=run.run_id,
                               model_version="allocation-" + method, include_unassigned=False)
            ws.warehouse.write("targeting_plans", plan, mode="upsert")
            alloc = plan.attrs["allocation"]
            run.metrics.update(expected_profit=alloc.total_profit, cost=alloc.total_cost, customers=len(plan))
        summary = {"plan_id": plan_id, "customers": len(plan), "expected_profit": round(alloc.total_profit, 2),
                   "cost": round(alloc.total_cost, 2), "method": alloc.method,
                   "by_offer": plan["offer"].value_counts().to_dict()}
        if as_json:
            print_json(summary)
            return
        print_table(f"plan {plan_id}", [summary | {"by_offer": json.dumps(summary["by_offer"])}])
