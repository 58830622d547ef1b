"""Item-based k-nearest-neighbours with shrunk cosine similarity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded, binarize


def prune_top_k(sim: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the ``k`` largest entries of each row of a sparse similarity matrix."""
    sim = sim.tocsr()
    rows, cols, vals = [], [], []
    for r in range(sim.shape[0]):
        a, b = sim.indptr[r], sim.indptr[r + 1]
        if b == a:
            continue
        d, c = sim.data[a:b], sim.indices[a:b]
        if len(d) > k:
            sel = np.argpartition(-d, k - 1)[:k]
            d, c = d[sel], c[sel]
        rows.append(np.full(len(d), r))
        cols.append(c)
        vals.append(d)
    if not rows:
        return sp.csr_matrix(sim.shape, dtype=np.float32)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=sim.shape, dtype=np.float32)


class ItemKNN(BaseRecommender):
    """Score = sum of similarities between a candidate and the customer's items.

    Parameters
    ----------
    n_neighbors : neighbours kept per item.
    shrink : cosine shrinkage: c_ij / (|i| |j| + shrink), damping pairs with little support.
    half_life_days : optional recency weighting of the customer's own interactions.
    """

    name = "itemknn"

    def __init__(self, *, n_neighbors: int = 100, shrink: float = 10.0, half_life_days: float | None = None) -> None:
        self.n_neighbors = n_neighbors
        self.shrink = shrink
        self.half_life_days = half_life_days

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        xb = binarize(enc.matrix)
        co = (xb.T @ xb).tocsr().astype(np.float32)
        co.setdiag(0)
        co.eliminate_zeros()
        norms = np.sqrt(np.asarray(xb.sum(axis=0)).ravel()).astype(np.float32)
        co = co.tocoo()
        co.data = co.data / (norms[co.row] * norms[co.col] + self.shrink)
        self.similarity_ = prune_top_k(co.tocsr(), self.n_neighbors).T.tocsr()
        self.user_matrix_ = enc.matrix

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray((self.user_matrix_[rows] @ self.similarity_).todense(), dtype=np.float32)
