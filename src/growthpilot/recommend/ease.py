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

``rating_exponent`` e replaces the 0/1 matrix by (value / mean value) ** e (ratings, purchase counts)
for both the Gram matrix and the customer's input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.linalg import lapack

from growthpilot.errors import DataError
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.data import Encoded, binarize


def strength_input(matrix: sp.csr_matrix, exponent: float) -> sp.csr_matrix:
    """Interactions weighted by (value / mean value) ** exponent (ratings, purchase counts); 0/1 if exponent is 0."""
    if not exponent:
        return binarize(matrix)
    m = matrix.tocsr().astype(np.float64)
    m.data = np.maximum(m.data, 0.0)
    m.eliminate_zeros()
    mean = float(m.data.mean()) if m.nnz else 1.0
    m.data = (m.data / mean) ** float(exponent)
    return m.astype(np.float32)


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


def spd_inverse(a: np.ndarray, *, overwrite: bool = False) -> np.ndarray | None:
    """Inverse of a symmetric positive definite matrix by Cholesky in float32 (3x cheaper than
    ``np.linalg.inv`` in float64); None if the factorisation fails (``a`` is then undefined when
    ``overwrite``)."""
    a32 = np.asarray(a, dtype=np.float32)
    c, info = lapack.spotrf(a32, lower=1, clean=0, overwrite_a=int(overwrite or a32 is not a))
    if info == 0:
        p, info = lapack.spotri(c, lower=1, overwrite_c=1)
    if info != 0:
        return None
    upper = np.triu_indices(p.shape[0], 1)
    p[upper] = p.T[upper]
    return p.T  # symmetric: the transpose of LAPACK's column-major result is the same matrix, row-major


def ease_weights(gram: np.ndarray, l2: float, *, dropout: float = 0.0, zero_diagonal: bool = True) -> np.ndarray:
    """EASE / EDLAE (``zero_diagonal``) or DLAE weights (float32) from a Gram matrix (not modified)."""
    if not 0.0 <= dropout < 1.0:
        raise DataError(f"dropout must be in [0, 1), got {dropout}")
    idx = np.diag_indices(gram.shape[0])
    lam = (l2 + dropout / (1.0 - dropout) * np.diag(gram)).astype(np.float32)
    g = gram.astype(np.float32)  # a copy, factorised in place
    g[idx] += lam
    p = spd_inverse(g, overwrite=True)
    del g
    if p is None:  # not numerically positive definite in float32: LU in float64
        g = gram.astype(np.float64)
        g[idx] += lam
        p = np.linalg.inv(g).astype(np.float32)
    if zero_diagonal:
        p /= -np.diag(p)[None, :]
        p[idx] = 0.0
    else:
        p *= -lam[None, :]
        p[idx] += 1.0
    return p


def session_gram(times: sp.csr_matrix, tau: float, *, cutoff: float = 8.0) -> np.ndarray:
    """Co-occurrences weighted by closeness in time: G_ij = sum over customers of exp(-|t_ui - t_uj| / tau).

    ``times`` is customers x items (event time in seconds per pair, as :attr:`Encoded.times`); pairs
    more than ``cutoff * tau`` apart are ignored (weight < e^-8), so the cost is the number of
    close pairs, not the squared history lengths. Positive semi-definite (the kernel is).
    """
    coo = times.tocoo()
    order = np.lexsort((coo.data, coo.row))
    u, i, t = coo.row[order], coo.col[order].astype(np.int64), coo.data[order]
    n = times.shape[1]
    keys, vals = [i * n + i], [np.ones(len(i))]
    a = np.arange(len(t) - 1)
    d = 1
    while len(a):
        a = a[a + d < len(t)]
        b = a + d
        dt = t[b] - t[a]
        ok = (u[b] == u[a]) & (dt <= cutoff * tau)
        a, b = a[ok], b[ok]
        keys += [i[a] * n + i[b]]
        vals += [np.exp(-dt[ok] / tau)]
        d += 1
    g = np.bincount(np.concatenate(keys), weights=np.concatenate(vals), minlength=n * n).reshape(n, n)
    diag = np.diag(g).copy()
    g += g.T
    g[np.diag_indices(n)] = diag
    return g.astype(np.float32)


def cached_gram(model, xn: sp.csr_matrix, side: str) -> np.ndarray:
    """Dense Gram matrix (``items``: xn' xn, ``users``: xn xn') as float32; ``shared_gram`` (a dict
    the hybrid sets per validation fold) lets fits with different l2 on the same data share it."""
    cache = getattr(model, "shared_gram", None)
    key = (side, float(model.user_exponent), float(model.item_exponent), float(model.rating_exponent), xn.shape)
    if cache is not None and key in cache:
        return cache[key]
    g = (xn.T @ xn if side == "items" else xn @ xn.T).toarray().astype(np.float32)
    if cache is not None:
        cache[key] = g
    return g


def cached_session_gram(model, times: sp.csr_matrix, tau: float) -> np.ndarray:
    """:func:`session_gram`, shared through ``shared_gram`` like :func:`cached_gram`."""
    cache = getattr(model, "shared_gram", None)
    key = ("session", float(tau), times.shape)
    if cache is not None and key in cache:
        return cache[key]
    g = session_gram(times, float(tau))
    if cache is not None:
        cache[key] = g
    return g


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
    session_tau : seconds; when the data has times, ``session_weight`` x :func:`session_gram` (items
        bought / rated close together in time by the same customer) is added to the Gram matrix.
    session_weight : weight of that time-local co-occurrence matrix.
    rating_exponent : e > 0 weights each interaction by (value / mean value) ** e (ratings, purchase
        counts: :func:`strength_input`) in the Gram matrix and the customer's input; 0 = 0/1.
    """

    name = "ease"

    def __init__(self, *, l2: float = 500.0, max_items: int = 4000, binary: bool = True,
                 half_life_days: float | None = None, dropout: float = 0.0, zero_diagonal: bool = True,
                 user_exponent: float = 0.0, item_exponent: float = 0.0, session_tau: float | None = None,
                 session_weight: float = 1.0, rating_exponent: float = 0.0) -> None:
        self.l2 = l2
        self.rating_exponent = rating_exponent
        self.session_tau = session_tau
        self.session_weight = session_weight
        self.max_items = max_items
        self.user_exponent = user_exponent
        self.item_exponent = item_exponent
        self.binary = binary
        self.half_life_days = half_life_days
        self.dropout = dropout
        self.zero_diagonal = zero_diagonal

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        if self.rating_exponent:
            x = strength_input(enc.matrix, float(self.rating_exponent))
        else:
            x = binarize(enc.matrix) if self.binary else enc.matrix.astype(np.float32)
        n_items = x.shape[1]
        cols = np.arange(n_items)
        if n_items > self.max_items:
            cols = np.sort(np.argsort(-self.popularity_, kind="stable")[: self.max_items])
        xs = x[:, cols].tocsc().tocsr()
        xn = gram_input(xs, self.user_exponent, self.item_exponent)
        gram = cached_gram(self, xn, "items")
        if self.session_tau and enc.times is not None:
            times = enc.times[:, cols].tocsr()
            gram = gram + float(self.session_weight) * cached_session_gram(self, times, float(self.session_tau))
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
    rating_exponent : interaction weights (value / mean value) ** e, as in :class:`EASE`.
    """

    name = "user_ease"

    def __init__(self, *, l2: float = 500.0, max_users: int = 8000, half_life_days: float | None = None,
                 dropout: float = 0.0, zero_diagonal: bool = True, user_exponent: float = 0.0,
                 item_exponent: float = 0.0, rating_exponent: float = 0.0) -> None:
        self.l2 = l2
        self.rating_exponent = rating_exponent
        self.max_users = max_users
        self.user_exponent = user_exponent
        self.item_exponent = item_exponent
        self.half_life_days = half_life_days
        self.dropout = dropout
        self.zero_diagonal = zero_diagonal

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        x = strength_input(enc.matrix, float(self.rating_exponent))
        if x.shape[0] > self.max_users:
            raise DataError(f"UserEASE is limited to {self.max_users} customers, got {x.shape[0]}; "
                            "raise max_users or use EASE (item-item)")
        xn = gram_input(x, self.user_exponent, self.item_exponent)
        gram = cached_gram(self, xn, "users")
        self.weights_ = ease_weights(gram, float(self.l2), dropout=float(self.dropout),
                                     zero_diagonal=self.zero_diagonal)
        self.user_matrix_ = x.tocsc()

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        w = self.weights_[:, rows].T
        return np.asarray(self.user_matrix_.T.dot(w.T).T, dtype=np.float32)
