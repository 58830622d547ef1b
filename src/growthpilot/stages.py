"""The loop's stages, in order. Each is thin: it calls its package's workspace entry point with the
loop's defaults and returns a few metrics; the package records its run in the ``runs`` table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from growthpilot.pipeline import StageSkipped
from growthpilot.workspace import Workspace


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Workspace], dict]
    description: str


def customers_stage(ws: Workspace) -> dict:
    from growthpilot.customers.pipeline import run_customers

    res = run_customers(ws)
    return {"model": res.selected, "customers": len(res.scores), "cutoff": str(res.cutoff.date()),
            "expected_spend_total": round(float(res.scores.expected_spend.sum()), 2)}


def recommend_stage(ws: Workspace) -> dict:
    from growthpilot.recommend.pipeline import recommend_workspace

    recs, info = recommend_workspace(ws, k=10)
    return {"customers": int(recs["customer_id"].nunique()), "rows": len(recs),
            **{k: v for k, v in info.items() if isinstance(v, (int, float, str)) and k != "run_id"}}


def forecast_stage(ws: Workspace) -> dict:
    from growthpilot.forecast.pipeline import run_forecast

    # categories need the products table; a shop that ingested orders only is forecast in total
    levels = ("total", "category") if ws.warehouse.has_table("products") else ("total",)
    res = run_forecast(ws, levels=levels, freq="W", horizon=8)
    metrics = {k: v for k, v in res.metrics.items() if isinstance(v, (int, float, str))}
    return {"series": int(res.forecasts["unique_id"].nunique()), "rows": len(res.forecasts), **metrics}


def mmm_stage(ws: Workspace) -> dict:
    """Fit the MMM on the workspace's weekly KPI table ``mmm_weekly`` when it has one (the simulator writes
    its media-driven KPI there, with lift studies in ``mmm_lift_tests``), else on orders and channel_spend."""
    from growthpilot.mmm.run import run_mmm

    wh = ws.warehouse
    if not wh.has_table("mmm_weekly") and not wh.has_table("channel_spend"):
        raise StageSkipped("no marketing spend in this workspace: ingest channel_spend (date, channel, spend) "
                           "or a weekly KPI table to model channel ROI")
    weekly = lifts = None
    if wh.has_table("mmm_weekly"):
        weekly = wh.read("mmm_weekly")
        channels = set(wh.read(wh.table("channel_spend").select("channel").distinct())["channel"]) \
            if wh.has_table("channel_spend") else {c.removesuffix("_spend") for c in weekly if c.endswith("_spend")}
        weekly = weekly[["date", "revenue", *[f"{c}_spend" for c in sorted(channels) if f"{c}_spend" in weekly]]]
        if wh.has_table("mmm_lift_tests"):  # the studies only: never the simulator's true_lift column
            lifts = wh.read("mmm_lift_tests").drop(columns=["true_lift"], errors="ignore")
    res = run_mmm(ws, weekly=weekly, lift_tests=lifts)
    roi = res.results.set_index("channel")["roi"].round(2).to_dict() if "roi" in res.results else {}
    return {"channels": len(res.results), "roi": roi, "budget_gain_pct": round(res.plan.gain_pct, 2),
            "report": str(res.report)}


def decide_stage(ws: Workspace) -> dict:
    from growthpilot.decide.loop import plan_next_campaign

    wh = ws.warehouse
    if not (wh.has_table("sends") and wh.has_table("outcomes") and wh.count("sends")):
        raise StageSkipped("no measured campaign yet to learn uplift from: send one with a holdout "
                           "(growthpilot campaign create / send) and load its outcomes (growthpilot campaign outcomes)")
    with ws.run("decide", {"plan_id": "next", "via": "loop"}) as run:
        res = plan_next_campaign(ws, plan_id="next", run_id=run.run_id)
        run.metrics.update(expected_profit=res.expected_profit, cost=res.cost, planned=len(res.plan))
    return {"model": res.chosen_model, "trained_on_sends": res.training_rows, "planned": len(res.plan),
            "expected_profit": round(res.expected_profit, 2), "cost": round(res.cost, 2)}


def reviews_stage(ws: Workspace) -> dict:
    if not ws.warehouse.has_table("reviews") or not ws.warehouse.count("reviews"):
        return {"reviews": 0}
    from growthpilot.genai.sentiment import SentimentClassifier
    from growthpilot.genai.workspace_stages import analyze_reviews

    with ws.run("reviews", {"train_data": "ratings", "via": "loop"}) as run:
        res = analyze_reviews(ws, SentimentClassifier(features="auto"), run_id=run.run_id)
        run.model_version = res.model_version
        run.metrics.update(res.metrics)
    return {k: v for k, v in res.metrics.items() if v is not None}


def copy_stage(ws: Workspace, *, variants: int = 2) -> dict:
    """Checked e-mail subject lines per persona, from the packaged model (grounded templates fill gaps)."""
    from growthpilot.genai.briefs import briefs_for_segments
    from growthpilot.genai.llm_factory import get_backend
    from growthpilot.genai.workspace_stages import write_copy

    wh = ws.warehouse
    segments: pd.DataFrame | list[str] = ["all customers"]
    if wh.has_table("personas"):
        personas = wh.read("personas")
        if "kind" in personas:
            personas = personas[personas["kind"] == "rfm"]
        segments = personas.head(4) if len(personas) else segments
    briefs = briefs_for_segments(segments, wh.read("products"), channel="email_subject", language="en",
                                 promises=("free_shipping",), prefix="loop")
    llm = get_backend(ws.settings, cache_path=str(ws.artifacts_dir / "llm_cache.sqlite"))
    with ws.run("copy", {"briefs": len(briefs), "variants": variants, "via": "loop"},
                model_version=llm.model_id) as run:
        table = write_copy(ws, briefs, llm=llm, variants=variants, run_id=run.run_id)
        accepted = int((table.status == "accepted").sum())
        run.metrics.update({"candidates": len(table), "accepted": accepted})
    return {"briefs": len(briefs), "candidates": len(table), "accepted": accepted, "rejected": len(table) - accepted}


def campaign_stage(ws: Workspace) -> dict:
    """Send the planned campaign with the best checked copy through the file export, with a holdout."""
    from growthpilot.campaigns import Audience, Campaign, FileExportChannel, send_campaign

    wh = ws.warehouse
    if not wh.has_table("targeting_plans") or not wh.has_table("copy_variants"):
        return {"sent": 0, "why": "no targeting plan or copy yet"}
    cv = wh.read("copy_variants")
    cv = cv[(cv.status == "accepted") & (cv.run_id == cv.run_id.max())].sort_values("score", ascending=False)
    texts = list(dict.fromkeys(cv["text"]))[:2]
    if not texts:
        return {"sent": 0, "why": "no accepted copy"}
    campaign_id = f"loop-{pd.Timestamp.now('UTC'):%Y%m%d}"
    camp = Campaign(campaign_id, name="Next best offer (planned by the loop)", channel="file",
                    subject=texts[0], variants={f"v{i + 1}": t for i, t in enumerate(texts)},
                    holdout_share=0.1, audience=Audience(plan_id="next"), consent_channel="email")
    camp.save(wh)
    with ws.run("campaign_send", {"campaign_id": campaign_id, "via": "loop"}) as run:
        rep = send_campaign(wh, camp, FileExportChannel(ws.root / "exports" / f"{campaign_id}.csv"),
                            run_id=run.run_id)
        run.metrics.update(rep.as_dict())
    return rep.as_dict()


STAGES: tuple[Stage, ...] = (
    Stage("customers", customers_stage, "customer 360, scores, segments, personas"),
    Stage("recommend", recommend_stage, "top-10 products per customer"),
    Stage("forecast", forecast_stage, "weekly demand in total and by category, with intervals"),
    Stage("mmm", mmm_stage, "channel ROI and budget split"),
    Stage("decide", decide_stage, "uplift from past campaigns -> next targeting plan"),
    Stage("reviews", reviews_stage, "review sentiment per product and customer"),
    Stage("copy", copy_stage, "checked copy per persona (packaged LLM)"),
    Stage("campaign", campaign_stage, "send the plan with holdout, consent and caps"),
)
