"""EASE (Steck 2019): a closed-form linear item-item autoencoder, and its user-user twin.

EASE solves min ||X - XB||^2 + l2 ||B||^2 with diag(B) = 0: with P = (X'X + l2 I)^-1,
B = -P / diag(P) off the diagonal. One matrix inverse, no iterations; strong on dense
explicit-feedback data such as MovieLens.

``dropout`` p adds the dropout penalty of Steck 2020 ("Autoencoders that don't overfit towards
the identity"): Lambda = l2 I + p/(1-p) diag(X'X), P = (X'X + Lambda)^-1. With the zero-diagonal
constraint this is EDLAE (B = -P / diag(P)); without it DLAE, B = (X'X + Lambda)^-1 X'X = I - P Lambda.

``user_exponent`` a and ``item_exponent`` b re-weight the Gram matrix: the weights are learnt from
c D_u^-a X D_i^-b (D = customer / item interaction counts, c keeps the sum of squares of X so l2
keeps its scale) and applied to X: heavy customers and blockbuster items dominate the
co-occurrences less.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from growthpilot.errors import DataError
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded, binarize


def gram_input(x: sp.csr_matrix, user_exponent: float = 0.0, item_exponent: float = 0.0) -> sp.csr_matrix:
    """``c D_u^-a X D_i^-b`` (float64) with c so that its sum of squares equals X's; X itself if a = b = 0."""
    x = x.astype(np.float64).tocsr()
    if not user_exponent and not item_exponent:
        return x
    act = np.maximum(np.asarray(x.sum(axis=1)).ravel(), 1.0)
    pop = np.maximum(np.asarray(x.sum(axis=0)).ravel(), 1.0)
    xn = (sp.diags(act ** -float(user_exponent)) @ x @ sp.diags(pop ** -float(item_exponent))).tocsr()
    ss = float(xn.multiply(xn).sum())
    return xn * np.sqrt(float(x.multiply(x).sum()) / ss) if ss > 0 else xn


def ease_weights(gram: np.ndarray, l2: float, *, dropout: float = 0.0, zero_diagonal: bool = True) -> np.ndarray:
    """EASE / EDLAE (``zero_diagonal``) or DLAE weights from a Gram matrix (float64, modified in place)."""
    if not 0.0 <= dropout < 1.0:
        raise DataError(f"dropout must be in [0, 1), got {dropout}")
    idx = np.diag_indices(gram.shape[0])
    lam = l2 + dropout / (1.0 - dropout) * np.diag(gram)
    gram[idx] += lam
    p = np.linalg.inv(gram)
    if zero_diagonal:
        b = p / (-np.diag(p))
        b[idx] = 0.0
    else:
        b = p * -lam[None, :]
        b[idx] += 1.0
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
    dropout : dropout probability p of the DLAE / EDLAE penalty (0 = plain EASE).
    zero_diagonal : constrain diag(B) = 0 (EASE, EDLAE); False gives DLAE.
    user_exponent, item_exponent : Gram re-weighting exponents (0 = plain EASE).
    """

    name = "ease"

    def __init__(self, *, l2: float = 500.0, max_items: int = 4000, binary: bool = True,
                 half_life_days: float | None = None, dropout: float = 0.0, zero_diagonal: bool = True,
                 user_exponent: float = 0.0, item_exponent: float = 0.0) -> None:
        self.l2 = l2
        self.max_items = max_items
        self.user_exponent = user_exponent
        self.item_exponent = item_exponent
        self.binary = binary
        self.half_life_days = half_life_days
        self.dropout = dropout
        self.zero_diagonal = zero_diagonal

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        x = binarize(enc.matrix) if self.binary else enc.matrix.astype(np.float32)
        n_items = x.shape[1]
        cols = np.arange(n_items)
        if n_items > self.max_items:
            cols = np.sort(np.argsort(-self.popularity_, kind="stable")[: self.max_items])
        xs = x[:, cols].tocsc().tocsr()
        xn = gram_input(xs, self.user_exponent, self.item_exponent)
        gram = (xn.T @ xn).toarray().astype(np.float64)
        self.cols_ = cols
        self.weights_ = ease_weights(gram, float(self.l2), dropout=float(self.dropout),
                                     zero_diagonal=self.zero_diagonal)
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
    dropout, zero_diagonal : DLAE / EDLAE penalty, as in :class:`EASE`.
    user_exponent, item_exponent : Gram re-weighting, as in :class:`EASE`.
    """

    name = "user_ease"

    def __init__(self, *, l2: float = 500.0, max_users: int = 8000, half_life_days: float | None = None,
                 dropout: float = 0.0, zero_diagonal: bool = True, user_exponent: float = 0.0,
                 item_exponent: float = 0.0) -> None:
        self.l2 = l2
        self.max_users = max_users
        self.user_exponent = user_exponent
        self.item_exponent = item_exponent
        self.half_life_days = half_life_days
        self.dropout = dropout
        self.zero_diagonal = zero_diagonal

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        x = binarize(enc.matrix)
        if x.shape[0] > self.max_users:
            raise DataError(f"UserEASE is limited to {self.max_users} customers, got {x.shape[0]}; "
                            "raise max_users or use EASE (item-item)")
        xn = gram_input(x, self.user_exponent, self.item_exponent)
        gram = (xn @ xn.T).toarray().astype(np.float64)
        self.weights_ = ease_weights(gram, float(self.l2), dropout=float(self.dropout),
                                     zero_diagonal=self.zero_diagonal)
        self.user_matrix_ = x.tocsc()

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        w = self.weights_[:, rows].T
        return np.asarray(self.user_matrix_.T.dot(w.T).T, dtype=np.float32)
