"""RFM scores (quintiles 1-5) and the usual named segments."""

from __future__ import annotations

import numpy as np
import pandas as pd

# (recency score set, frequency score set) -> name; first match wins, every cell is covered.
SEGMENT_RULES: tuple[tuple[str, set[int], set[int]], ...] = (
    ("Champions", {5}, {4, 5}),
    ("Loyal", {3, 4, 5}, {3, 4, 5}),
    ("Potential loyalists", {4, 5}, {2, 3}),
    ("New", {5}, {1}),
    ("Promising", {4}, {1}),
    ("Need attention", {3}, {3}),
    ("About to sleep", {3}, {1, 2}),
    ("Can't lose them", {1, 2}, {5}),
    ("At risk", {1, 2}, {3, 4}),
    ("Hibernating", {2}, {1, 2}),
    ("Lost", {1}, {1, 2}),
)


def _quintile(x: pd.Series, higher_is_better: bool = True) -> pd.Series:
    r = x.rank(method="average", pct=True, ascending=higher_is_better)
    return np.ceil(r * 5).clip(1, 5).astype(int)


def segment_name(r: int, f: int) -> str:
    """Named RFM segment for a recency and frequency score."""
    for name, rs, fs in SEGMENT_RULES:
        if r in rs and f in fs:
            return name
    return "Need attention"


def rfm_scores(features: pd.DataFrame) -> pd.DataFrame:
    """R, F and M quintile scores (5 = best), their sum ``rfm_score`` and the named ``rfm_segment``.

    ``features`` needs ``recency_days``, ``n_orders`` and ``monetary`` (the customer 360 has them).
    """
    out = pd.DataFrame(index=features.index)
    out["r_score"] = _quintile(features["recency_days"].astype(float), higher_is_better=False)
    out["f_score"] = _quintile(features["n_orders"].astype(float))
    out["m_score"] = _quintile(features["monetary"].astype(float))
    out["rfm_score"] = out[["r_score", "f_score", "m_score"]].sum(axis=1)
    out["rfm_segment"] = [segment_name(r, f) for r, f in zip(out.r_score, out.f_score, strict=True)]
    return out
