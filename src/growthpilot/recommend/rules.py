"""Serving-time business rules: what may be recommended, and diversity by MMR re-ranking.

Rules never change a fitted model; they filter and re-rank its scores at ``recommend`` time:

* exclude already-bought items (done by ``recommend(exclude_seen=True)``), except items of
  ``repeat_categories`` (consumables people buy again: coffee, nappies);
* drop out-of-stock and not-allowed items (legal, margin, brand-safety lists);
* keep only ``include_categories`` and drop ``exclude_categories``;
* diversity: maximal marginal relevance (Carbonell & Goldstein 1998) over the top
  ``mmr_pool`` candidates, ``mmr_lambda`` = 1 pure relevance, lower = more diverse.

Recency weighting of interactions is a model hyperparameter (``half_life_days``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.recommend.base import top_k


@dataclass
class BusinessRules:
    """Filters and diversity applied when recommending.

    Parameters
    ----------
    item_category : item id -> category (needed by the category rules).
    repeat_categories : categories whose items may be recommended again after purchase.
    out_of_stock : item ids not to recommend now.
    not_allowed : item ids never to recommend.
    include_categories : when set, only these categories.
    exclude_categories : categories never to recommend.
    mmr_lambda : None (off) or in [0, 1]; trade-off relevance vs. similarity to items already listed.
    mmr_pool : how many top candidates MMR re-ranks.
    """

    item_category: Mapping[Any, str] | None = None
    repeat_categories: Collection[str] = ()
    out_of_stock: Collection[Any] = ()
    not_allowed: Collection[Any] = ()
    include_categories: Collection[str] | None = None
    exclude_categories: Collection[str] = ()
    mmr_lambda: float | None = None
    mmr_pool: int = 50

    def __post_init__(self) -> None:
        if self.mmr_lambda is not None and not 0.0 <= self.mmr_lambda <= 1.0:
            raise DataError(f"mmr_lambda must be in [0, 1] or None, got {self.mmr_lambda}")
        needs_cat = self.repeat_categories or self.include_categories is not None or self.exclude_categories
        if needs_cat and self.item_category is None:
            raise DataError("category rules need item_category (item id -> category); "
                            "build the rules with BusinessRules.from_products(products)")

    @classmethod
    def from_products(cls, products: pd.DataFrame, *, item_col: str = "product_id", **kwargs: Any) -> BusinessRules:
        """Rules from a ``products`` table: its ``category`` map and ``in_stock == False`` as out of stock."""
        cat = None
        if "category" in products.columns:
            cat = dict(zip(products[item_col], products["category"].astype(object), strict=False))
        oos: set = set(kwargs.pop("out_of_stock", ()))
        if "in_stock" in products.columns:
            oos |= set(products.loc[products["in_stock"].fillna(True).astype(bool) == False, item_col])  # noqa: E712
        return cls(item_category=cat, out_of_stock=oos, **kwargs)

    def _categories(self, item_ids: np.ndarray) -> np.ndarray:
        cat = self.item_category or {}
        return np.array([cat.get(i) for i in item_ids], dtype=object)

    def allowed_mask(self, item_ids: np.ndarray) -> np.ndarray:
        """Boolean mask over ``item_ids``: True where the item may be recommended."""
        ok = np.ones(len(item_ids), dtype=bool)
        blocked = set(self.out_of_stock) | set(self.not_allowed)
        if blocked:
            ok &= ~pd.Index(item_ids).isin(list(blocked))
        if self.include_categories is not None or self.exclude_categories:
            cats = self._categories(item_ids)
            if self.include_categories is not None:
                ok &= np.isin(cats, list(self.include_categories))
            if self.exclude_categories:
                ok &= ~np.isin(cats, list(self.exclude_categories))
        return ok

    def repeatable_mask(self, item_ids: np.ndarray) -> np.ndarray | None:
        """True for items that stay eligible after purchase (their category repeats); None if no such rule."""
        if not self.repeat_categories:
            return None
        return np.isin(self._categories(item_ids), list(self.repeat_categories))

    def mmr(self, scores: np.ndarray, k: int,
            similarity: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """MMR re-ranking of each row's top ``mmr_pool`` candidates; returns (columns, original scores)."""
        lam = 1.0 if self.mmr_lambda is None else float(self.mmr_lambda)
        pool, vals = top_k(scores, max(self.mmr_pool, k))
        out_idx = np.zeros((scores.shape[0], k), dtype=np.int64)
        out_val = np.full((scores.shape[0], k), -np.inf)
        for r in range(scores.shape[0]):
            ok = np.isfinite(vals[r])
            cand, v = pool[r][ok], vals[r][ok]
            if len(cand) == 0:
                continue
            rel = (v - v.min()) / (v.max() - v.min()) if v.max() > v.min() else np.ones_like(v)
            sim = similarity(cand)
            chosen: list[int] = []
            max_sim = np.zeros(len(cand))
            free = np.ones(len(cand), dtype=bool)
            for _ in range(min(k, len(cand))):
                obj = np.where(free, lam * rel - (1 - lam) * max_sim, -np.inf)
                j = int(np.argmax(obj))
                chosen.append(j)
                free[j] = False
                max_sim = np.maximum(max_sim, sim[j])
            out_idx[r, :len(chosen)] = cand[chosen]
            out_val[r, :len(chosen)] = v[chosen]
        return out_idx, out_val
