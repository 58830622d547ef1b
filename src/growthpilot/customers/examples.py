"""Training and evaluation rows: customer-360 features and BG/NBD outputs as of a cutoff, plus
what each customer did in the following window (the labels)."""

from __future__ import annotations

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from growthpilot.customers.bgnbd import bgnbd_frame
from growthpilot.features import as_timestamp, customer_features, purchase_labels

# each customer's percentile rank among the cutoff's customers, for the RFM response model
RANKED = ("recency_days", "n_orders", "monetary", "T")
RANK_COLUMNS = tuple(f"rank_{c}" for c in RANKED)
NON_FEATURES = ("customer_id", "cutoff", "top_category", "purchases", "spend", "any", "any_30d", *RANK_COLUMNS)
CATEGORICAL = ("acquisition_channel", "country")
MAX_LEVELS = 12


def one_hot(df: pd.DataFrame) -> pd.DataFrame:
    """Indicator columns ``<col>=<value>`` for the most common levels of the categorical attributes."""
    out = df.copy()
    for col in CATEGORICAL:
        if col not in out.columns:
            continue
        top = out[col].value_counts().index[:MAX_LEVELS]
        for level in top:
            out[f"{col}={level}"] = (out[col] == level).astype("float64")
    return out


def execute(expr: ir.Table) -> pd.DataFrame:
    """Run an Ibis expression on its backend; timestamps come back naive UTC."""
    df = expr.to_pandas()
    for col in df.columns:
        if isinstance(df[col].dtype, pd.DatetimeTZDtype):
            df[col] = df[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return df


def feature_columns(df: pd.DataFrame) -> list[str]:
    """The numeric model inputs of an examples frame."""
    return [c for c in df.columns if c not in NON_FEATURES and pd.api.types.is_numeric_dtype(df[c])]


def build_examples(
    orders: ir.Table,
    cutoff,
    horizon_days: int,
    *,
    labels: bool = True,
    tables: dict[str, ir.Table] | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Features at ``cutoff`` for every customer seen before it, BG/NBD outputs and (optionally) labels.

    Returns the frame (one row per customer) and the fitted BG/NBD / Gamma-Gamma parameters.
    ``rank_<feature>`` columns hold each customer's percentile rank at the cutoff (RFM inputs and tenure);
    they feed the RFM response model, not the GBM.
    Labels: ``purchases`` and ``spend`` in ``[cutoff, cutoff + horizon)``, ``any`` (at least one
    purchase) and ``any_30d`` (a purchase in the first 30 days, or the horizon if shorter).
    """
    cut = as_timestamp(cutoff)
    feats = execute(customer_features(orders, cut, **(tables or {})))
    feats = one_hot(feats.sort_values("customer_id").reset_index(drop=True))
    num = feature_columns(feats)
    feats[num] = feats[num].astype("float64")
    for col in RANKED:  # ranks mean the same at every cutoff, whatever the length of the history
        feats[f"rank_{col}"] = feats[col].rank(method="average", pct=True).astype("float64")
    bg, params = bgnbd_frame(feats, horizon_days)
    df = pd.concat([feats, bg], axis=1)
    if labels:
        lab = execute(purchase_labels(orders, cut, horizon_days)).set_index("customer_id")
        lab30 = execute(purchase_labels(orders, cut, min(30, horizon_days))).set_index("customer_id")
        idx = df["customer_id"]
        df["purchases"] = lab["purchases"].reindex(idx).fillna(0.0).to_numpy()
        df["spend"] = lab["spend"].reindex(idx).fillna(0.0).to_numpy()
        df["any"] = (df["purchases"] > 0).astype(int)
        df["any_30d"] = (lab30["purchases"].reindex(idx).fillna(0.0).to_numpy() > 0).astype(int)
    df["cutoff"] = cut
    return df, params


def window_cutoffs(cutoff, horizon_days: int, data_start, *, n_windows: int, min_history_days: int) -> list:
    """Training cutoffs ``cutoff - horizon - k * step`` whose history is at least ``min_history_days``."""
    cut, start = as_timestamp(cutoff), as_timestamp(data_start)
    step = pd.Timedelta(days=max(int(np.ceil(horizon_days / 3)), 7))
    out = []
    for k in range(n_windows):
        c = cut - pd.Timedelta(days=horizon_days) - k * step
        if c - start >= pd.Timedelta(days=min_history_days):
            out.append(c.normalize())
    return out
