"""A low-rank spectral filter over the degree-normalised interaction matrix (GF-CF's ideal low-pass).

With R = D_u^-1/2 X D_i^-1/2 (X the 0/1 matrix, D the customer / item degrees) and V its top
``rank`` right singular vectors, a customer's scores are x D_i^-1/2 V V' D_i^1/2 (Shen et al.
2021, "How powerful is graph convolution for recommendation?"). It keeps the few dominant
taste directions only, so it complements the full-rank EASE family in a blend.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as sla

from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded, binarize


def top_right_singular(r: sp.csr_matrix, rank: int, seed: int = 0) -> np.ndarray:
    """The ``rank`` leading right singular vectors of ``r`` as columns (items x rank), float64.

    ARPACK (``svds``) for a truncated decomposition; a dense SVD when ``rank`` is close to the
    matrix's smaller side (``svds`` needs rank < min(shape)).
    """
    rank = max(1, min(int(rank), min(r.shape)))
    if rank >= min(r.shape) - 1 or min(r.shape) <= 8:
        _, _, vt = np.linalg.svd(r.toarray(), full_matrices=False)
        return vt[:rank].T.copy()
    v0 = np.random.default_rng(seed).standard_normal(min(r.shape))
    _, s, vt = sla.svds(r.astype(np.float64), k=rank, v0=v0)
    return vt[np.argsort(-s)].T.copy()


class LowRankFilter(BaseRecommender):
    """Ideal low-pass graph filter: the top singular directions of the normalised matrix.

    Parameters
    ----------
    rank : number of singular directions kept (choose by validation; the hybrid does).
    item_exponent : degree normalisation exponent (0.5 = symmetric, as in GF-CF).
    half_life_days : accepted for a common interface; the model uses 0/1 interactions.
    """

    name = "lowrank"

    def __init__(self, *, rank: int = 48, item_exponent: float = 0.5, half_life_days: float | None = None) -> None:
        self.rank = rank
        self.item_exponent = item_exponent
        self.half_life_days = half_life_days

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        x = binarize(enc.matrix).astype(np.float64).tocsr()
        act = np.maximum(np.asarray(x.sum(axis=1)).ravel(), 1.0)
        pop = np.maximum(np.asarray(x.sum(axis=0)).ravel(), 1.0)
        di = pop ** -self.item_exponent
        r = sp.diags(act ** -0.5) @ x @ sp.diags(di)
        v = self._basis(r.tocsr())
        self.left_ = (v * di[:, None]).astype(np.float32)  # items x rank: x @ left_ projects a customer
        self.right_ = (v / di[:, None]).astype(np.float32)
        self.user_matrix_ = x.astype(np.float32).tocsr()

    def _basis(self, r: sp.csr_matrix) -> np.ndarray:
        """Top singular vectors; ``shared_basis`` (a dict the hybrid sets per data set) lets fits of
        several ranks on the same matrix share one decomposition at ``rank_hint`` (the largest rank)."""
        cache = getattr(self, "shared_basis", None)
        if cache is None:
            return top_right_singular(r, int(self.rank))
        key = float(self.item_exponent)
        v = cache.get(key)
        if v is None or v.shape[1] < min(int(self.rank), min(r.shape)):
            v = top_right_singular(r, max(int(self.rank), int(cache.get("rank_hint", 0))))
            cache[key] = v
        return v[:, : int(self.rank)]

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        z = np.asarray(self.user_matrix_[rows] @ self.left_, dtype=np.float32)
        return z @ self.right_.T

    def _item_vectors(self) -> np.ndarray:
        return self.right_
