"""Popularity baselines: overall and recent (recency-weighted) best sellers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded


class Popularity(BaseRecommender):
    """Recommend the items with the most distinct customers (or recency-weighted interactions).

    Parameters
    ----------
    half_life_days : None for overall popularity; a number for *recent* popularity, where each
        interaction counts 2 ** (-age / half_life_days) (needs a time column at fit).
    """

    name = "popularity"

    def __init__(self, *, half_life_days: float | None = None) -> None:
        self.half_life_days = half_life_days

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        if self.half_life_days is None:
            pop = self.popularity_
        else:
            pop = np.asarray(enc.matrix.sum(axis=0), dtype=np.float64).ravel()
        self.item_scores_ = (pop / max(pop.max(), 1e-12)).astype(np.float32)

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return np.tile(self.item_scores_, (len(rows), 1))

    def _cold_scores(self, n: int) -> np.ndarray:
        return np.tile(self.item_scores_, (n, 1))
