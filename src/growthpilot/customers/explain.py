"""Top reasons per score in plain words, from SHAP values of the boosted purchases model.

LightGBM computes exact TreeSHAP contributions (``pred_contrib``), the same values as
``shap.TreeExplainer`` on this model, without a second pass over the trees.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from growthpilot.customers.clv import CustomerValueModel

# feature -> (plain-language description, unit formatter)
PHRASES: dict[str, tuple[str, str]] = {
    "recency_days": ("last purchase {v:.0f} days ago", ""),
    "n_orders": ("{v:.0f} orders so far", ""),
    "frequency": ("{v:.0f} repeat orders", ""),
    "monetary": ("total spend {v:,.0f}", ""),
    "aov": ("average order value {v:,.0f}", ""),
    "aov_max": ("largest order {v:,.0f}", ""),
    "T": ("customer for {v:.0f} days", ""),
    "t_x": ("active over {v:.0f} days", ""),
    "ipt_mean": ("orders every {v:.0f} days on average", ""),
    "ipt_std": ("order gaps vary by {v:.0f} days", ""),
    "ipt_cv": ("order rhythm regularity {v:.2f} (lower = steadier)", ""),
    "overdue": ("{v:.1f}x their usual gap since the last order", ""),
    "orders_30d": ("{v:.0f} orders in the last 30 days", ""),
    "orders_90d": ("{v:.0f} orders in the last 90 days", ""),
    "orders_180d": ("{v:.0f} orders in the last 180 days", ""),
    "orders_365d": ("{v:.0f} orders in the last year", ""),
    "spend_90d": ("spent {v:,.0f} in the last 90 days", ""),
    "spend_trend": ("spend trend {v:+.2f} (last 90 days vs the 90 before)", ""),
    "orders_per_month": ("{v:.1f} orders per month", ""),
    "items_per_order": ("{v:.0f} items per order", ""),
    "return_rate": ("returns {v:.0%} of what they buy", ""),
    "discount_mean": ("average discount {v:.0%}", ""),
    "discount_line_share": ("{v:.0%} of items bought on discount", ""),
    "campaign_line_share": ("{v:.0%} of items bought through campaigns", ""),
    "price_index": ("pays {v:.2f}x the usual price for what they buy", ""),
    "n_categories": ("buys from {v:.0f} categories", ""),
    "events_30d": ("{v:.0f} site/app events in the last 30 days", ""),
    "response_rate": ("responded to {v:.0%} of past campaigns", ""),
    "bg_p_alive": ("{v:.0%} chance still active (BG/NBD)", ""),
    "bg_purchases": ("BG/NBD expects {v:.1f} purchases", ""),
    "bg_p_purchase": ("BG/NBD purchase chance {v:.0%}", ""),
    "age": ("aged {v:.0f}", ""),
    "account_age_days": ("account opened {v:.0f} days ago", ""),
}


def phrase(feature: str, value: float, contribution: float) -> str:
    """One reason in plain words, e.g. ``"last purchase 12 days ago (raises the forecast)"``."""
    direction = "raises" if contribution > 0 else "lowers"
    if "=" in feature:  # one-hot attribute such as acquisition_channel=social
        col, level = feature.split("=", 1)
        text = f"{col.replace('_', ' ')} is {level}" if value >= 0.5 else f"{col.replace('_', ' ')} is not {level}"
        return f"{text} ({direction} the forecast)"
    template = PHRASES.get(feature, (feature.replace("_", " ") + " = {v:.3g}", ""))[0]
    try:
        text = template.format(v=value)
    except (ValueError, TypeError):
        text = f"{feature.replace('_', ' ')} unknown"
    return f"{text} ({direction} the forecast)"


def shap_values(model: CustomerValueModel, X: pd.DataFrame) -> pd.DataFrame:
    """SHAP contributions (log scale) of each feature to the expected-purchases head."""
    Xf = X.reindex(columns=model.features_, fill_value=0.0).astype("float64")
    contrib = model.booster_.predict(Xf, pred_contrib=True)
    return pd.DataFrame(contrib[:, :-1], columns=model.features_, index=X.index)


def top_reasons(model: CustomerValueModel, X: pd.DataFrame, *, k: int = 3) -> list[str]:
    """JSON text per customer: the ``k`` features that move their forecast the most."""
    sv = shap_values(model, X)
    vals = sv.to_numpy()
    Xv = X.reindex(columns=model.features_, fill_value=0.0).to_numpy(float)
    order = np.argsort(-np.abs(vals), axis=1)[:, :k]
    cols = model.features_
    out = []
    for i, idx in enumerate(order):
        out.append(json.dumps([phrase(cols[j], Xv[i, j], vals[i, j]) for j in idx if vals[i, j] != 0]))
    return out


def global_importance(model: CustomerValueModel, X: pd.DataFrame) -> pd.Series:
    """Mean absolute SHAP value per feature, largest first."""
    return shap_values(model, X).abs().mean().sort_values(ascending=False)
