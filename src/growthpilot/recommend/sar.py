"""A SAR-like co-occurrence recommender (Microsoft's Smart Adaptive Recommendations).

Item-item similarity from co-occurrence counts C (Jaccard, lift or raw counts), user affinity
from time-decayed interaction strength (half-life ``half_life_days``); score = affinity @ similarity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from growthpilot.errors import DataError
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded, binarize


class SAR(BaseRecommender):
    """SAR: co-occurrence similarity x time-decayed affinity.

    Parameters
    ----------
    similarity : ``"jaccard"`` (default), ``"lift"`` or ``"cooccurrence"``.
    half_life_days : affinity decay half-life (30 in the SAR paper); ignored without a time column.
    min_cooccurrence : co-occurrence counts below this are dropped.
    """

    name = "sar"

    def __init__(self, *, similarity: str = "jaccard", half_life_days: float | None = 30.0,
                 min_cooccurrence: int = 1) -> None:
        self.similarity = similarity
        self.half_life_days = half_life_days
        self.min_cooccurrence = min_cooccurrence

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        if self.similarity not in ("jaccard", "lift", "cooccurrence"):
            raise DataError(f"similarity must be 'jaccard', 'lift' or 'cooccurrence', got {self.similarity!r}")
        xb = binarize(enc.matrix)
        c = (xb.T @ xb).tocsr().astype(np.float32)
        if self.min_cooccurrence > 1:
            c.data[c.data < self.min_cooccurrence] = 0
            c.eliminate_zeros()
        diag = c.diagonal()
        coo = c.tocoo()
        if self.similarity == "jaccard":
            val = coo.data / (diag[coo.row] + diag[coo.col] - coo.data)
        elif self.similarity == "lift":
            val = coo.data / (diag[coo.row] * diag[coo.col])
        else:
            val = coo.data
        self.similarity_ = sp.csr_matrix((val.astype(np.float32), (coo.row, coo.col)), shape=c.shape)
        self.affinity_ = enc.matrix

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray((self.affinity_[rows] @ self.similarity_).todense(), dtype=np.float32)
