"""EASE (Steck 2019): a closed-form linear item-item autoencoder, and its user-user twin.

EASE solves min ||X - XB||^2 + l2 ||B||^2 with diag(B) = 0: with P = (X'X + l2 I)^-1,
B = -P / diag(P) off the diagonal. One matrix inverse, no iterations; strong on dense
explicit-feedback data such as MovieLens.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from growthpilot.errors import DataError
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded, binarize


def ease_weights(gram: np.ndarray, l2: float) -> np.ndarray:
    """The EASE weight matrix from a Gram matrix (float64, modified in place)."""
    idx = np.diag_indices(gram.shape[0])
    gram[idx] += l2
    p = np.linalg.inv(gram)
    b = p / (-np.diag(p))
    b[idx] = 0.0
    return b.astype(np.float32)


class EASE(BaseRecommender):
    """Item-item EASE on the binarised interaction matrix.

    Parameters
    ----------
    l2 : L2 regularisation (larger = closer to popularity); choose it by validation.
    max_items : the model is fit on the ``max_items`` most popular items (cost is cubic in
        items); the rest get no EASE score (they rank below every modelled item).
    binary : use 0/1 interactions (True) or the (rating / recency) weights.
    half_life_days : optional recency weighting of interactions.
    """

    name = "ease"

    def __init__(self, *, l2: float = 500.0, max_items: int = 4000, binary: bool = True,
                 half_life_days: float | None = None) -> None:
        self.l2 = l2
        self.max_items = max_items
        self.binary = binary
        self.half_life_days = half_life_days

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        x = binarize(enc.matrix) if self.binary else enc.matrix.astype(np.float32)
        n_items = x.shape[1]
        cols = np.arange(n_items)
        if n_items > self.max_items:
            cols = np.sort(np.argsort(-self.popularity_, kind="stable")[: self.max_items])
        xs = x[:, cols].tocsc().tocsr()
        gram = (xs.T @ xs).toarray().astype(np.float64)
        self.cols_ = cols
        self.weights_ = ease_weights(gram, float(self.l2))
        self.user_matrix_ = xs

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        part = np.asarray(self.user_matrix_[rows] @ self.weights_, dtype=np.float32)
        if len(self.cols_) == len(self.item_ids_):
            return part
        out = np.full((len(rows), len(self.item_ids_)), part.min() - 1.0 if part.size else -1.0, dtype=np.float32)
        out[:, self.cols_] = part
        return out

    def _item_vectors(self) -> np.ndarray | sp.spmatrix:
        if len(self.cols_) == len(self.item_ids_):
            return self.weights_
        return super()._item_vectors()


class UserEASE(BaseRecommender):
    """User-user EASE: each customer reconstructed from the other customers' rows.

    Parameters
    ----------
    l2 : L2 regularisation.
    max_users : fit refuses more customers than this (cost is cubic in customers); use the
        item model for large customer bases.
    """

    name = "user_ease"

    def __init__(self, *, l2: float = 500.0, max_users: int = 8000, half_life_days: float | None = None) -> None:
        self.l2 = l2
        self.max_users = max_users
        self.half_life_days = half_life_days

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        x = binarize(enc.matrix)
        if x.shape[0] > self.max_users:
            raise DataError(f"UserEASE is limited to {self.max_users} customers, got {x.shape[0]}; "
                            "raise max_users or use EASE (item-item)")
        gram = (x @ x.T).toarray().astype(np.float64)
        self.weights_ = ease_weights(gram, float(self.l2))
        self.user_matrix_ = x.tocsc()

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        w = self.weights_[:, rows].T
        return np.asarray(self.user_matrix_.T.dot(w.T).T, dtype=np.float32)
