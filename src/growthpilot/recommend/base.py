"""The one recommender interface: ``fit(interactions) -> self``, batch ``recommend``, ``similar_items``.

Every model here subclasses :class:`BaseRecommender` and implements two hooks:
``_fit(enc)`` (learn from the encoded matrix) and ``_scores(rows)`` (dense scores of all items
for some known users). Everything else (unknown users, excluding already-bought items,
business rules, top-k, padding) is shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from growthpilot.errors import DataError, NotFittedError
from growthpilot.recommend.data import Encoded, encode

if TYPE_CHECKING:
    from growthpilot.recommend.rules import BusinessRules


class BaseRecommender:
    """Shared fit / recommend / similar_items machinery (subclass it; not used directly).

    Fitted attributes
    -----------------
    user_ids_, item_ids_ : ids in the model's row / column order.
    seen_ : users x items boolean CSR of the training pairs.
    popularity_ : per-item count of training users, the cold-start fallback.
    """

    name: ClassVar[str] = "base"
    half_life_days: float | None = None

    # -- fitting ---------------------------------------------------------------------------
    def fit(
        self,
        interactions: pd.DataFrame,
        *,
        user_col: str = "customer_id",
        item_col: str = "product_id",
        rating_col: str | None = None,
        time_col: str | None = None,
        items: Sequence[Any] | None = None,
        item_text: pd.Series | None = None,
    ) -> BaseRecommender:
        """Learn from a long interactions table (one row per event).

        Parameters
        ----------
        interactions : user, item and optionally rating / time columns.
        user_col, item_col, rating_col, time_col : the column names.
        items : the full catalogue; items never interacted with can still be recommended by
            content-aware models.
        item_text : product text indexed by item id (used by the content model).

        Returns
        -------
        self
        """
        enc = encode(interactions, user_col=user_col, item_col=item_col, rating_col=rating_col,
                     time_col=time_col,
                     half_life_days=self.half_life_days if time_col is not None else None,
                     items=None if items is None else np.asarray(list(items)))
        self.fit_encoded(enc, item_text=item_text)
        return self

    def fit_encoded(self, enc: Encoded, *, item_text: pd.Series | None = None) -> BaseRecommender:
        """Fit on an already encoded matrix (used by the hybrid to share one encoding)."""
        self.user_ids_ = enc.user_ids
        self.item_ids_ = enc.item_ids
        self.user_index_ = pd.Index(enc.user_ids)
        self.item_index_ = pd.Index(enc.item_ids)
        self.seen_ = enc.seen
        self.popularity_ = np.asarray(enc.seen.sum(axis=0), dtype=np.float64).ravel()
        self._fit(enc, item_text=item_text)
        return self

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        raise NotImplementedError

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        """Dense float32 scores (len(rows) x n_items) for known users' row indices."""
        raise NotImplementedError

    def _cold_scores(self, n: int) -> np.ndarray:
        """Scores for users unknown at fit time: popularity."""
        p = self.popularity_ / max(self.popularity_.max(), 1.0)
        return np.tile(p.astype(np.float32), (n, 1))

    def _check(self) -> None:
        if not hasattr(self, "item_ids_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit(interactions) first")

    # -- scoring ---------------------------------------------------------------------------
    def score(self, customer_ids: Sequence[Any]) -> np.ndarray:
        """Raw scores of every catalogue item for each customer (rows follow ``customer_ids``)."""
        self._check()
        rows = self.user_index_.get_indexer(pd.Index(list(customer_ids)))
        out = np.empty((len(rows), len(self.item_ids_)), dtype=np.float32)
        known = rows >= 0
        if known.any():
            out[known] = self._scores(rows[known])
        if (~known).any():
            out[~known] = self._cold_scores(int((~known).sum()))
        return out

    def recommend(
        self,
        customer_ids: Sequence[Any],
        k: int = 10,
        *,
        exclude_seen: bool = True,
        rules: BusinessRules | None = None,
        batch_size: int = 2048,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` items for many customers at once.

        Parameters
        ----------
        customer_ids : customers; ids unknown at fit time get the cold-start scores.
        k : list length.
        exclude_seen : drop items the customer had in training (``rules`` may re-allow
            repeat categories).
        rules : serving-time business rules (stock, allow-lists, categories, MMR diversity).
        batch_size : customers scored per dense block (memory vs. speed).

        Returns
        -------
        (ids, scores) : object array (n, k) of item ids and float array (n, k) of scores;
            padded with None / NaN when fewer than ``k`` items are eligible.
        """
        self._check()
        if k < 1:
            raise DataError(f"k must be at least 1, got {k}")
        customer_ids = list(customer_ids)
        n = len(customer_ids)
        ids = np.empty((n, k), dtype=object)
        scores = np.full((n, k), np.nan)
        allowed = None if rules is None else rules.allowed_mask(self.item_ids_)
        for start in range(0, n, batch_size):
            batch = customer_ids[start:start + batch_size]
            s = self.score(batch)
            if allowed is not None:
                s[:, ~allowed] = -np.inf
            if exclude_seen:
                rows = self.user_index_.get_indexer(pd.Index(batch))
                self._mask_seen(s, rows, rules)
            if rules is not None and rules.mmr_lambda is not None:
                top, val = rules.mmr(s, k, self.item_similarity)
            else:
                top, val = top_k(s, k)
            ids[start:start + len(batch)] = np.where(np.isfinite(val), self.item_ids_[top], None)
            scores[start:start + len(batch)] = np.where(np.isfinite(val), val, np.nan)
        return ids, scores

    def _mask_seen(self, s: np.ndarray, rows: np.ndarray, rules: BusinessRules | None) -> None:
        keep = None if rules is None else rules.repeatable_mask(self.item_ids_)
        for j, r in enumerate(rows):
            if r < 0:
                continue
            cols = self.seen_.indices[self.seen_.indptr[r]:self.seen_.indptr[r + 1]]
            if keep is not None:
                cols = cols[~keep[cols]]
            s[j, cols] = -np.inf

    # -- item-item -------------------------------------------------------------------------
    def item_similarity(self, item_rows: np.ndarray) -> np.ndarray:
        """Similarity (len x len) between catalogue items given by column index; cosine by default."""
        self._check()
        v = self._item_vectors()[item_rows]
        v = v.toarray() if sp.issparse(v) else np.asarray(v)
        nrm = np.linalg.norm(v, axis=1, keepdims=True)
        v = v / np.maximum(nrm, 1e-12)
        return v @ v.T

    def _item_vectors(self) -> np.ndarray | sp.spmatrix:
        """Item representations for similarity: the columns of the training matrix by default."""
        return self.seen_.T.tocsr().astype(np.float32)

    def similar_items(self, item_ids: Sequence[Any], k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar catalogue items to each given item (itself excluded).

        Returns
        -------
        (ids, scores) : arrays (len(item_ids), k); unknown items give None / NaN rows.
        """
        self._check()
        rows = self.item_index_.get_indexer(pd.Index(list(item_ids)))
        ids = np.empty((len(rows), k), dtype=object)
        scores = np.full((len(rows), k), np.nan)
        vec = self._item_vectors()
        dense = vec.toarray() if sp.issparse(vec) else np.asarray(vec)
        norm = dense / np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-12)
        for j, r in enumerate(rows):
            if r < 0:
                continue
            sim = norm @ norm[r]
            sim[r] = -np.inf
            top, val = top_k(sim[None, :], k)
            ids[j] = np.where(np.isfinite(val[0]), self.item_ids_[top[0]], None)
            scores[j] = np.where(np.isfinite(val[0]), val[0], np.nan)
        return ids, scores


def top_k(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of the ``k`` largest entries per row, best first."""
    k_eff = min(k, s.shape[1])
    part = np.argpartition(-s, k_eff - 1, axis=1)[:, :k_eff]
    vals = np.take_along_axis(s, part, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    idx = np.take_along_axis(part, order, axis=1)
    vals = np.take_along_axis(vals, order, axis=1)
    if k_eff < k:
        pad = k - k_eff
        idx = np.hstack([idx, np.zeros((s.shape[0], pad), dtype=idx.dtype)])
        vals = np.hstack([vals, np.full((s.shape[0], pad), -np.inf, dtype=vals.dtype)])
    return idx, vals
