"""Build a campaign audience from ``customers``, ``segments``, ``customer_scores`` and ``targeting_plans``."""

from __future__ import annotations

import re

import pandas as pd

from growthpilot.campaigns.definition import Audience
from growthpilot.errors import DataError
from growthpilot.warehouse import Warehouse


def _latest(wh: Warehouse, name: str) -> pd.DataFrame:
    """Rows of the most recent run of an output table (all rows when it has no run_id)."""
    df = wh.read(name)
    if "run_id" in df.columns and df["run_id"].notna().any():
        df = df[df["run_id"] == df["run_id"].dropna().max()]
    return df


def _segment_key(name: str) -> str:
    """A segment name compared without case, spaces, underscores or punctuation."""
    return re.sub(r"[^0-9a-z]+", "", str(name).lower())


def build_audience(wh: Warehouse, spec: Audience) -> pd.DataFrame:
    """Customers matching ``spec`` with their ``email`` and ``name`` (and ``plan_offer`` from a plan)."""
    if not wh.has_table("customers"):
        raise DataError("the warehouse has no customers table; ingest or simulate customers first")
    cust = wh.read(wh.table("customers").select("customer_id", "email", "name"))
    cust["customer_id"] = cust["customer_id"].astype(str)
    score = pd.Series(0.0, index=cust.index)
    if spec.customer_ids is not None:
        cust = cust[cust["customer_id"].isin(set(map(str, spec.customer_ids)))]
    if spec.segments:
        if not wh.has_table("segments"):
            raise DataError("audience filters on segments but there is no segments table; run the customers stage")
        seg = _latest(wh, "segments")
        # "at_risk", "At risk" and "at-risk" name the same segment
        wanted = {_segment_key(s) for s in spec.segments}
        rfm, cluster = seg["rfm_segment"].astype(str), seg["cluster"].astype(str)
        hit = rfm.map(_segment_key).isin(wanted) | cluster.map(_segment_key).isin(wanted)
        if not hit.any() and len(seg):
            known = sorted(set(rfm.dropna())) + sorted(set(cluster.dropna()))
            raise DataError(f"no customer is in segment(s) {list(spec.segments)}; the latest segments are "
                            f"{known} (RFM segments, then clusters)")
        keep = seg[hit]
        cust = cust[cust["customer_id"].isin(set(keep["customer_id"].astype(str)))]
    if spec.min_churn_risk is not None or spec.min_p_purchase is not None:
        if not wh.has_table("customer_scores"):
            raise DataError("audience filters on scores but there is no customer_scores table; run the customers stage")
        sc = _latest(wh, "customer_scores").drop_duplicates("customer_id", keep="last")
        sc["customer_id"] = sc["customer_id"].astype(str)
        cust = cust.merge(sc[["customer_id", "churn_risk", "p_purchase_30d"]], on="customer_id", how="inner")
        if spec.min_churn_risk is not None:
            cust = cust[cust["churn_risk"] >= spec.min_churn_risk]
        if spec.min_p_purchase is not None:
            cust = cust[cust["p_purchase_30d"] >= spec.min_p_purchase]
        score = cust["p_purchase_30d"].fillna(0) + cust["churn_risk"].fillna(0)
    if spec.plan_id:
        if not wh.has_table("targeting_plans"):
            raise DataError(f"no targeting_plans table for plan {spec.plan_id!r}; run growthpilot allocate first")
        t = wh.table("targeting_plans")
        plan = wh.read(t.filter((t.plan_id == spec.plan_id) & t.offer.notnull()))
        plan["customer_id"] = plan["customer_id"].astype(str)
        cust = cust.merge(plan[["customer_id", "offer", "expected_profit"]].rename(columns={"offer": "plan_offer"}),
                          on="customer_id", how="inner")
        score = cust["expected_profit"]
    cust = cust.assign(_score=score.reindex(cust.index).fillna(0) if len(score) else 0.0)
    cust = cust.sort_values(["_score", "customer_id"], ascending=[False, True])
    if spec.max_size is not None:
        cust = cust.head(spec.max_size)
    return cust.drop(columns="_score").reset_index(drop=True)
