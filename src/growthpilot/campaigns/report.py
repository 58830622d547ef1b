"""Campaign result report: conversion lift, incremental revenue and ROI with intervals, per arm vs holdout."""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.experiments.ab import compare_means, compare_proportions
from growthpilot.experiments.analyze import RESULT_COLUMNS
from growthpilot.warehouse import Warehouse
from growthpilot.warehouse.contracts import TableContract, register

CAMPAIGN_RESULTS = register(TableContract(
    "campaign_results", RESULT_COLUMNS, keys=("campaign_id", "arm", "metric", "run_id"),
    required=("campaign_id", "arm", "metric"),
    description="Per campaign arm vs holdout: conversion rate, revenue per customer, incremental revenue and "
    "ROI, each with a 95% interval (ci_low..ci_high on the difference or on the total), lift and p-value.",
))


def customer_outcomes(wh: Warehouse, campaign_id: str) -> pd.DataFrame:
    """One row per customer assigned (sent or holdout): arm, cost, converted, revenue, opened, clicked."""
    if not wh.has_table("sends"):
        raise DataError(f"campaign {campaign_id!r} has no sends yet; send it first")
    s = wh.table("sends")
    sends = wh.read(s.filter((s.campaign_id == campaign_id) & s.status.isin(["sent", "holdout"])))
    if sends.empty:
        raise DataError(f"campaign {campaign_id!r} has no sends yet; send it first")
    df = sends[["customer_id", "arm", "cost"]].copy()
    if wh.has_table("outcomes"):
        o = wh.table("outcomes")
        out = wh.read(o.filter(o.campaign_id == campaign_id))
    else:
        out = pd.DataFrame(columns=["customer_id", "outcome_type", "value"])
    conv = out[out["outcome_type"] == "conversion"].groupby("customer_id")["value"].agg(["size", "sum"])
    df["converted"] = df["customer_id"].map(conv["size"]).fillna(0).gt(0).astype(int)
    df["revenue"] = df["customer_id"].map(conv["sum"]).fillna(0.0)
    for kind in ("open", "click"):
        who = set(out.loc[out["outcome_type"] == kind, "customer_id"])
        df[f"{kind}ed" if kind == "open" else "clicked"] = df["customer_id"].isin(who).astype(int)
    return df


def campaign_report(wh: Warehouse, campaign_id: str, *, gross_margin: float = 1.0, run_id: str = "",
                    alpha: float = 0.05) -> pd.DataFrame:
    """Compare each arm with the holdout (``control``).

    Rows per arm: ``conversion_rate`` (difference interval, lift, p-value, P(beat control)),
    ``revenue_per_customer`` (Welch), ``incremental_revenue`` = difference x customers treated, and
    ``roi`` = (incremental revenue x ``gross_margin`` - cost) / cost; their intervals come from the
    revenue difference's interval.
    """
    df = customer_outcomes(wh, campaign_id)
    ctrl = df[df["arm"] == "control"]
    if len(ctrl) < 2:
        raise DataError(f"campaign {campaign_id!r} has {len(ctrl)} holdout customers; a report needs a holdout "
                        "(set holdout_share > 0)")
    rows = []
    for arm in sorted(set(df["arm"]) - {"control"}):
        tr = df[df["arm"] == arm]
        if len(tr) < 2:
            continue
        p = compare_proportions(int(ctrl.converted.sum()), len(ctrl), int(tr.converted.sum()), len(tr), alpha=alpha)
        m = compare_means(ctrl.revenue, tr.revenue, alpha=alpha)
        n, cost = len(tr), float(tr["cost"].sum())
        inc, inc_lo, inc_hi = m.diff * n, m.ci_low * n, m.ci_high * n
        base = {"campaign_id": campaign_id, "arm": arm, "n": n, "n_control": len(ctrl), "run_id": run_id}
        rows += [
            {**base, "metric": "conversion_rate", "value": p.treatment, "control_value": p.control,
             "ci_low": p.ci_low, "ci_high": p.ci_high, "lift": p.lift, "p_value": p.p_value,
             "prob_beat_control": p.prob_beat_control},
            {**base, "metric": "revenue_per_customer", "value": m.treatment, "control_value": m.control,
             "ci_low": m.ci_low, "ci_high": m.ci_high, "lift": m.lift, "p_value": m.p_value,
             "prob_beat_control": m.prob_beat_control},
            {**base, "metric": "incremental_revenue", "value": inc, "ci_low": inc_lo, "ci_high": inc_hi,
             "p_value": m.p_value},
            {**base, "metric": "cost", "value": cost},
        ]
        if cost > 0:
            roi = [(x * gross_margin - cost) / cost for x in (inc, inc_lo, inc_hi)]
            rows.append({**base, "metric": "roi", "value": roi[0], "ci_low": roi[1], "ci_high": roi[2],
                         "p_value": m.p_value})
    out = pd.DataFrame(rows)
    return out.replace({np.inf: np.nan})
