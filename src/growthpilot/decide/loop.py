"""Close the loop: learn uplift from the campaigns already run, then plan who gets which offer next.

Past sends (arms, including the control holdout) and their measured conversions become an
experiment table; each customer's features are taken as of the campaign's start (point in time,
so nothing the e-mail caused leaks into them). The chosen uplift model scores every customer as
of now and the allocator writes the next plan to ``targeting_plans``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from growthpilot.errors import DataError

CONTROL_ARMS = ("control", "holdout")
INTERMEDIATE = ("click", "visit", "open")
"""Outcome types recorded beside conversions that may serve as the surrogate's frequent outcome."""


@dataclass
class LoopPlan:
    """What :func:`plan_next_campaign` learned and decided."""

    plan: pd.DataFrame
    chosen_model: str
    arms: list[str]
    training_rows: int
    expected_profit: float
    cost: float


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in df.columns if c != "customer_id" and pd.api.types.is_numeric_dtype(df[c])]
    return df[cols].astype(float)


def experiment_table(ws) -> pd.DataFrame:
    """One row per past send: customer features as of the campaign start, arm, conversion (0/1) and, for
    every intermediate outcome type recorded (:data:`INTERMEDIATE`), ``outcome_<type>`` (0/1)."""
    from growthpilot.features import warehouse_features

    wh = ws.warehouse
    if not (wh.has_table("sends") and wh.has_table("outcomes")):
        raise DataError("no campaigns have been measured yet (tables sends and outcomes are empty); "
                        "send a campaign with a holdout and ingest its outcomes first")
    sends = wh.read(wh.table("sends").select("campaign_id", "customer_id", "arm", "ts"))
    conv = wh.read(wh.table("outcomes").filter(lambda t: t.outcome_type == "conversion")
                   .select("campaign_id", "customer_id"))
    conv["converted"] = 1.0
    sends = sends.merge(conv.drop_duplicates(), on=["campaign_id", "customer_id"], how="left")
    sends["converted"] = sends["converted"].fillna(0.0)
    other = wh.read(wh.table("outcomes").filter(lambda t: t.outcome_type.isin(list(INTERMEDIATE)))
                    .select("campaign_id", "customer_id", "outcome_type")).drop_duplicates()
    for kind in (k for k in INTERMEDIATE if (other["outcome_type"] == k).any()):
        hit = other.loc[other["outcome_type"] == kind, ["campaign_id", "customer_id"]].assign(**{f"outcome_{kind}": 1.0})
        sends = sends.merge(hit, on=["campaign_id", "customer_id"], how="left").fillna({f"outcome_{kind}": 0.0})
    sends["arm"] = sends["arm"].astype(str).replace({a: "control" for a in CONTROL_ARMS})
    with_control = sends.groupby("campaign_id")["arm"].transform(lambda a: (a == "control").any())
    sends = sends[with_control]
    if sends.empty:
        raise DataError("no past campaign has a control group: uplift cannot be measured without one")
    parts = []
    for _, grp in sends.groupby("campaign_id"):
        start = pd.Timestamp(grp["ts"].min()).normalize()
        feats = wh.read(warehouse_features(wh, start))
        parts.append(grp.merge(feats, on="customer_id", how="left"))
    return pd.concat(parts, ignore_index=True)


def plan_next_campaign(
    ws, *, budget: float | None = None, cost_per_send: float | None = None, margin_rate: float | None = None,
    plan_id: str = "next", learners: tuple[str, ...] = ("s", "t", "x", "dr"), cv: int = 2, seed: int = 42,
    consent_channel: str = "email", run_id: str = "", selection: str = "profit",
) -> LoopPlan:
    """Fit uplift on past campaigns and allocate the next one under ``budget``; writes ``targeting_plans``.

    Defaults come from the data: the cost of a send is the mean recorded send cost, the margin of
    a conversion is the mean conversion value times the catalogue's mean margin rate, and the budget
    covers sends to a fifth of the customers. ``selection="profit"`` (default) chooses the uplift
    model by the doubly-robust profit of the plan it leads to at this budget
    (:class:`~growthpilot.decide.ProfitUpliftModel`; recorded clicks, visits or opens more frequent than
    conversions are its auxiliary outcomes for the surrogate candidates, never features);
    ``"qini"`` by Qini, as :class:`~growthpilot.decide.UpliftModel` does.
    """
    from growthpilot.campaigns.eligibility import consented
    from growthpilot.decide.policy import Economics
    from growthpilot.decide.profit_model import fit_plan_model
    from growthpilot.decide.surrogate_uplift import auxiliary_outcomes
    from growthpilot.decide.targeting import plan_offers
    from growthpilot.features import warehouse_features

    wh = ws.warehouse
    exp = experiment_table(ws)
    outcomes = exp[[c for c in exp.columns if c.startswith("outcome_")]]
    X = _numeric(exp.drop(columns=["campaign_id", "arm", "ts", "converted", *outcomes.columns]))
    aux = {c: outcomes[c].to_numpy(float) for c in auxiliary_outcomes(outcomes, exp["converted"].to_numpy(),
                                                                               min_ratio=1.0)}
    now = wh.read(wh.table("orders").aggregate(last=lambda t: t.ts.max()))["last"].iloc[0]
    current = wh.read(warehouse_features(wh, pd.Timestamp(now).normalize() + pd.Timedelta(days=1)))
    ids = current["customer_id"].astype(str).tolist()
    send_cost, margin = _economics(wh, cost_per_send, margin_rate)
    budget = budget if budget is not None else send_cost * len(ids) / 5

    arm_count = exp["arm"].nunique() - 1
    model = fit_plan_model(
        selection, X, exp["arm"], exp["converted"], control="control",
        economics=lambda rows: Economics(margin=np.full(len(rows), margin), fixed=np.full((len(rows), arm_count), send_cost)),
        budget_rate=budget / max(len(ids), 1), learners=learners, cv=cv, random_state=seed, ensembles=(learners,),
        aux=aux)
    uplift = model.predict(_numeric(current)[X.columns])
    arms = list(model.arms_)
    cost = np.full((len(ids), len(arms)), send_cost)
    eligible = None
    if consent_channel:
        ok = consented(wh, ids, consent_channel)
        eligible = np.repeat(np.array([c in ok for c in ids])[:, None], len(arms), axis=1)
    plan = plan_offers(ids, arms, uplift=np.asarray(uplift, float), margin=np.full(len(ids), margin), cost=cost,
                       budget=budget, eligible=eligible, plan_id=plan_id, run_id=run_id,
                       model_version=model.model_version)
    wh.write("targeting_plans", plan, mode="upsert")
    alloc = plan.attrs["allocation"]
    return LoopPlan(plan, model.best_name_, arms, len(exp), float(alloc.total_profit), float(alloc.total_cost))


def _economics(wh, cost_per_send: float | None, margin_rate: float | None) -> tuple[float, float]:
    """Cost of one send and margin of one conversion, from the arguments or the recorded data."""
    send_cost = cost_per_send if cost_per_send is not None else float(
        wh.read(wh.table("sends").aggregate(c=lambda t: t.cost.mean()))["c"].fillna(0.05).iloc[0])
    value = wh.read(wh.table("outcomes").filter(lambda t: t.outcome_type == "conversion")
                    .aggregate(v=lambda t: t.value.mean()))["v"].iloc[0]
    if margin_rate is None:
        margin_rate = 0.3
        if wh.has_table("products"):
            p = wh.read(wh.table("products").select("price", "cost")).dropna()
            p = p[p.price > 0]
            if len(p):
                margin_rate = float(np.clip(((p.price - p.cost) / p.price).mean(), 0.05, 0.95))
    return send_cost, float(value if pd.notna(value) else 0.0) * margin_rate
