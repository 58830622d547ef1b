"""The customers stage: features, model choice by backtest, scores, segments, personas, report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from growthpilot.customers import contracts as _contracts  # noqa: F401  (registers the output tables)
from growthpilot.customers.examples import execute
from growthpilot.customers.explain import top_reasons
from growthpilot.customers.model import CustomerScorer
from growthpilot.customers.personas import persona_cards
from growthpilot.customers.report import render_report
from growthpilot.customers.rfm import rfm_scores
from growthpilot.customers.scores import assemble_scores
from growthpilot.customers.segments import BehaviourClusters
from growthpilot.errors import DataError
from growthpilot.features import as_timestamp

MODEL_FAMILY = "customers-v1"


@dataclass
class CustomersResult:
    """What one customers run produced."""

    run_id: str
    model_version: str
    selected: str
    cutoff: pd.Timestamp
    scores: pd.DataFrame
    segments: pd.DataFrame
    personas: pd.DataFrame
    validation: dict
    report_path: Path | None
    point: str = "mean"  # point type of purchases chosen by the internal backtest (scores keep the mean)
    proba_model: str = ""  # model whose P(purchase) is used


def default_cutoff(wh) -> pd.Timestamp:
    """The day after the last order: score customers as of now."""
    t = wh.table("orders")
    last = execute(t.aggregate(last=t.ts.max()))["last"].iloc[0]
    if pd.isna(last):
        raise DataError("the orders table is empty; ingest orders first (growthpilot ingest ...)")
    return as_timestamp(last).normalize() + pd.Timedelta(days=1)


def run_customers(ws, *, cutoff=None, horizon_days: int = 90, n_windows: int = 4, report: bool = True,
                  step=None) -> CustomersResult:
    """Run the whole customers stage on a workspace and write its tables and report.

    ``step(name)`` is called before each phase (for progress bars).
    """
    wh = ws.warehouse
    tick = step or (lambda _name: None)
    cut = as_timestamp(cutoff).normalize() if cutoff is not None else default_cutoff(wh)
    tables = {n: wh.table(n) for n in ("customers", "products", "events", "sends", "outcomes")
              if wh.has_table(n)}
    params = {"cutoff": str(cut.date()), "horizon_days": horizon_days, "n_windows": n_windows}
    with ws.run("customers", params) as run:
        tick("backtest and fit")
        scorer = CustomerScorer(horizon_days=horizon_days, n_windows=n_windows,
                                random_state=ws.settings.seed).fit(wh.table("orders"), cut, tables=tables)
        version = f"{MODEL_FAMILY}:{scorer.selected_}:{cut.date()}"
        run.model_version = version
        tick("score customers")
        cur = scorer.current()
        pred = scorer.predict(cur)
        reasons = top_reasons(scorer.gbm_, cur) if scorer.gbm_ is not None else None
        scores = assemble_scores(pred, cutoff=cut, horizon_days=horizon_days, model=scorer.selected_,
                                 reasons=reasons, model_version=version, run_id=run.run_id)
        tick("segments and personas")
        rfm = rfm_scores(cur)
        clusters = BehaviourClusters(random_state=ws.settings.seed).fit(cur)
        seg = pd.DataFrame({"customer_id": cur["customer_id"], "rfm_segment": rfm["rfm_segment"],
                            "cluster": clusters.predict(cur), "r_score": rfm["r_score"], "f_score": rfm["f_score"],
                            "m_score": rfm["m_score"], "cutoff": cut, "model_version": version,
                            "run_id": run.run_id})
        both = cur.assign(rfm_segment=seg["rfm_segment"].to_numpy(), cluster=seg["cluster"].to_numpy(),
                          expected_spend=pred["expected_spend"].to_numpy(), p_purchase=pred["p_purchase"].to_numpy())
        personas = pd.concat([
            persona_cards(both, "rfm_segment").assign(kind="rfm"),
            persona_cards(both, "cluster").assign(kind="cluster"),
        ], ignore_index=True).assign(model_version=version, run_id=run.run_id)
        tick("write tables")
        feats = cur.drop(columns=[c for c in cur.columns if c.startswith(("bg_", "gg_")) or "=" in c])
        wh.write("customer_features", feats.assign(cutoff=cut, model_version=version, run_id=run.run_id),
                 mode="upsert")
        wh.write("customer_scores", scores, mode="upsert")
        wh.write("segments", seg, mode="replace")
        wh.write("personas", personas, mode="replace")
        path = None
        if report:
            tick("report")
            sel = scorer.selected_
            html_text = render_report(
                title=f"Customers as of {cut.date()} (horizon {horizon_days} days)",
                summary={"customers": len(scores), "selected model": sel, "model version": version,
                         "internal backtest": scorer.validation_scheme_,
                         "P(purchase) from": scorer.proba_model_,
                         "best point forecast (absolute error)": scorer.point_,
                         "training windows": ", ".join(scorer.train_windows_),
                         "clusters (k by silhouette)": f"{clusters.n_clusters_} {clusters.silhouettes_}",
                         "expected spend, total": f"{scores.expected_spend.sum():,.0f}"},
                backtest=scorer.validation_,
                holdout_pred=scorer.validation_predictions_.get(sel),
                holdout_actual=getattr(scorer, "validation_actual_", None),
                personas=personas,
                segment_counts=seg.groupby("rfm_segment").size().rename("customers").reset_index(),
            )
            ws.reports_dir.mkdir(parents=True, exist_ok=True)
            path = ws.reports_dir / f"{run.run_id}.html"
            path.write_text(html_text, encoding="utf-8")
        run.metrics.update({"customers": len(scores), "selected": scorer.selected_, "point": scorer.point_,
                            "proba_model": scorer.proba_model_,
                            **{f"val_{k}": v for k, v in scorer.validation_.get(scorer.selected_, {}).items()}})
    return CustomersResult(run.run_id, version, scorer.selected_, cut, scores, seg, personas,
                           scorer.validation_, path, scorer.point_, scorer.proba_model_)
