"""Persona cards: size, revenue share and the traits that set each segment apart from the base."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

TRAITS = {
    "recency_days": "days since last order", "n_orders": "orders", "monetary": "spend",
    "aov": "order value", "T": "tenure (days)", "ipt_mean": "days between orders",
    "return_rate": "return rate", "discount_mean": "discount", "orders_90d": "orders in last 90 days",
    "spend_trend": "spend trend", "expected_spend": "expected spend", "p_purchase": "purchase chance",
}


def _describe(col: str, ratio: float) -> str:
    name = TRAITS.get(col, col.replace("_", " "))
    if ratio >= 1:
        return f"{ratio:.1f}x the average {name}"
    return f"{(1 - ratio):.0%} less {name} than average"


def persona_cards(df: pd.DataFrame, segment_col: str, *, value_col: str = "monetary", k: int = 3) -> pd.DataFrame:
    """One card per segment: ``segment, size, revenue_share, traits`` (JSON).

    Traits: segment mean against the base mean for each numeric trait column, the ``k`` most
    different (by absolute log ratio) with a plain sentence, plus the raw means.
    """
    cols = [c for c in TRAITS if c in df.columns]
    base = df[cols].astype(float).mean()
    total = float(df[value_col].sum()) or 1.0
    rows = []
    for seg, g in df.groupby(segment_col, sort=True):
        means = g[cols].astype(float).mean()
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (means / base).replace([np.inf, -np.inf], np.nan)
        score = np.abs(np.log(ratio.where(ratio > 0)))
        top = score.dropna().sort_values(ascending=False).index[:k]
        traits = {
            "defining": [_describe(c, float(ratio[c])) for c in top],
            "means": {c: round(float(means[c]), 4) for c in cols},
        }
        rows.append({"segment": str(seg), "size": int(len(g)),
                     "revenue_share": float(g[value_col].sum()) / total, "traits": json.dumps(traits)})
    return pd.DataFrame(rows).sort_values("revenue_share", ascending=False).reset_index(drop=True)
