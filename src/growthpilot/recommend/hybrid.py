"""A hybrid recommender: candidate models tuned and blended by validation inside the training data.

Fit runs in three steps, all on the training data only:

1. a holdout of 25 % of the items of half of the customers (the others keep all their rows, so
   the validation fit sees almost as much data as the final one);
2. each candidate family (EASE, user-EASE, item-kNN, SAR, ALS, BPR, popularity, content) is
   fit on the rest with a small hyperparameter grid; the best setting per family is kept
   (EASE's l2 grid is relative to the data's density and refined around the best point);
3. greedy forward blending of per-customer standardised scores: start from the best model, add
   another with weight from ``weight_grid`` while validation nDCG@k improves.

The chosen components are then refit on all the training data.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.content import ContentRecommender
from growthpilot.recommend.data import Encoded
from growthpilot.recommend.ease import EASE, UserEASE
from growthpilot.recommend.factors import ALS, BPR
from growthpilot.recommend.itemknn import ItemKNN
from growthpilot.recommend.popularity import Popularity
from growthpilot.recommend.sar import SAR
from growthpilot.recommend.validation import holdout, ndcg_from_scores, znorm

MODELS: dict[str, type[BaseRecommender]] = {
    "popularity": Popularity, "itemknn": ItemKNN, "sar": SAR, "ease": EASE, "user_ease": UserEASE,
    "als": ALS, "bpr": BPR, "content": ContentRecommender,
}

DEFAULT_GRID: dict[str, list[dict[str, Any]]] = {
    "ease": [{"l2_rel": v, "max_items": 2500} for v in (3.0, 12.0, 48.0)],
    "user_ease": [{"l2_rel": v, "max_users": 2500} for v in (3.0, 12.0, 48.0)],
    "als": [{"factors": 64, "regularization": r, "alpha": 1.0, "iterations": 15} for r in (1.0, 10.0, 100.0)],
    "itemknn": [{"n_neighbors": 200}],
    "sar": [{"similarity": "jaccard"}],
    "popularity": [{}],
}
L2_FAMILIES = ("ease", "user_ease")


class HybridRecommender(BaseRecommender):
    """Blend of recommenders with hyperparameters and weights chosen by inner validation.

    Parameters
    ----------
    grid : family -> list of hyperparameter dicts to try; defaults to :data:`DEFAULT_GRID`
        (plus ``content`` when ``item_text`` is given at fit and the catalogue has at most 5 000
        items, as embedding is the slow part). Families that cannot run on the
        data (e.g. user-EASE past its customer limit) are skipped. For EASE and user-EASE,
        ``l2_rel`` gives l2 relative to the data: times the mean interactions per item (EASE) or
        per customer (user-EASE), so one grid fits sparse baskets and dense ratings alike.
    k : list length the validation optimises (nDCG@k).
    val_ratio : share of a validation customer's training items held out.
    val_user_share : share of customers used for validation (the rest keep all their rows).
    min_gain : a component joins the blend only if it raises validation nDCG by this relative
        amount (guards against fitting validation noise).
    weight_grid : blend weights tried for each added component (the first has weight 1).
    max_components : at most this many models in the blend.
    seed : validation split seed.
    half_life_days : recency weighting passed to every component.
    time_budget_s : once validation has used this many seconds, families not yet tried are
        skipped (the grid is ordered by expected value); None = no limit.

    Fitted attributes
    -----------------
    components_ : list of (family, params, weight, fitted model).
    validation_ : list of dicts (family, params, ndcg) of every candidate tried.
    blend_ndcg_ : validation nDCG@k of the chosen blend.
    """

    name = "hybrid"

    def __init__(self, *, grid: Mapping[str, list[dict[str, Any]]] | None = None, k: int = 10,
                 val_ratio: float = 0.25, val_user_share: float = 0.5, min_gain: float = 0.005,
                 weight_grid: tuple[float, ...] = (0.15, 0.3, 0.6, 1.0),
                 max_components: int = 3, seed: int = 42, half_life_days: float | None = None,
                 time_budget_s: float | None = None) -> None:
        self.grid = grid
        self.k = k
        self.val_ratio = val_ratio
        self.val_user_share = val_user_share
        self.min_gain = min_gain
        self.weight_grid = weight_grid
        self.max_components = max_components
        self.seed = seed
        self.half_life_days = half_life_days
        self.time_budget_s = time_budget_s

    def _make(self, family: str, params: Mapping[str, Any]) -> BaseRecommender:
        kwargs = dict(params)
        kwargs.pop("l2_rel", None)
        if family != "sar" and "half_life_days" not in kwargs:
            kwargs["half_life_days"] = self.half_life_days
        return MODELS[family](**kwargs)

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        grid = dict(DEFAULT_GRID if self.grid is None else self.grid)
        if item_text is not None and "content" not in grid and self.grid is None and enc.matrix.shape[1] <= 5000:
            grid["content"] = [{}]
        if "ease" in grid and "user_ease" in grid and enc.matrix.shape[0] < enc.matrix.shape[1]:
            # the cheaper EASE direction (cubic in its side) first, in case the time budget runs out
            grid = {"user_ease": grid.pop("user_ease"), **grid}
        inner, rows, truth = holdout(enc, ratio=self.val_ratio, user_share=self.val_user_share, seed=self.seed)
        started = time.perf_counter()
        best: dict[str, tuple[float, dict[str, Any], np.ndarray]] = {}
        self.validation_ = []
        self.timings_: dict[str, float] = {}

        def trial(family: str, params: dict[str, Any]) -> float:
            t0 = time.perf_counter()
            try:
                model = self._make(family, params).fit_encoded(inner, item_text=item_text)
            except (ValueError, MemoryError) as exc:  # e.g. UserEASE over its customer limit
                self.validation_.append({"family": family, "params": params, "ndcg": None, "error": str(exc)})
                return -1.0
            s = model.score(inner.user_ids[rows])
            nd = ndcg_from_scores(s, rows, inner.seen, truth, self.k)
            self.timings_[family] = self.timings_.get(family, 0.0) + time.perf_counter() - t0
            self.validation_.append({"family": family, "params": params, "ndcg": nd})
            if family not in best or nd > best[family][0]:
                best[family] = (nd, params, s)
            return nd

        per_item = inner.matrix.nnz / max(inner.matrix.shape[1], 1)
        per_user = inner.matrix.nnz / max(inner.matrix.shape[0], 1)
        for family, options in grid.items():
            if family in L2_FAMILIES:
                unit = per_item if family == "ease" else per_user
                options = [{**o, "l2": round(o["l2_rel"] * unit, 3)} if "l2_rel" in o else o for o in options]
            if self.time_budget_s is not None and best and time.perf_counter() - started > self.time_budget_s:
                self.validation_.append({"family": family, "params": None, "ndcg": None, "error": "time budget"})
                continue
            for params in options:
                trial(family, dict(params))
            if family in L2_FAMILIES and family in best and len(options) > 1:
                self._refine_l2(family, options, best, trial)
        if not best:
            errors = "; ".join(f"{v['family']}: {v.get('error')}" for v in self.validation_)
            raise DataError(f"no candidate model could be fitted ({errors}); pass a grid= the data supports")
        ranked = sorted(best, key=lambda f: -best[f][0])
        chosen = [(ranked[0], 1.0)]
        own = inner.seen[rows]
        blend = znorm(best[ranked[0]][2], own)
        score = best[ranked[0]][0]
        for family in ranked[1:]:
            if len(chosen) >= self.max_components:
                break
            z = znorm(best[family][2], own)
            trials = [(ndcg_from_scores(blend + w * z, rows, inner.seen, truth, self.k), w) for w in self.weight_grid]
            nd, w = max(trials)
            if nd > score * (1.0 + self.min_gain):
                chosen.append((family, w))
                blend = blend + w * z
                score = nd
        self.blend_ndcg_ = score
        self.components_ = []
        for family, w in chosen:
            params = {key: v for key, v in best[family][1].items() if key != "l2_rel"}
            model = self._make(family, params).fit_encoded(enc, item_text=item_text)
            self.components_.append((family, params, w, model))

    def _refine_l2(self, family, options, best, trial) -> None:
        """Two extra trials halfway (geometrically) between the best l2 and each grid neighbour."""
        tried = sorted(v["params"]["l2"] for v in self.validation_
                       if v["family"] == family and v.get("ndcg") is not None)
        b = best[family][1]["l2"]
        i = tried.index(b)
        params = {key: v for key, v in best[family][1].items() if key != "l2_rel"}
        for j in (i - 1, i + 1):
            if 0 <= j < len(tried):
                trial(family, {**params, "l2": round(float(np.sqrt(b * tried[j])), 3)})

    def _scores(self, rows: np.ndarray) -> np.ndarray:
        ids = self.user_ids_[rows]
        if len(self.components_) == 1:
            return self.components_[0][3].score(ids)
        total = None
        own = self.seen_[rows]
        for _, _, w, model in self.components_:
            z = w * znorm(model.score(ids), own)
            total = z if total is None else total + z
        return total

    def _item_vectors(self):
        return self.components_[0][3]._item_vectors()

    def describe(self) -> str:
        """One line: the blend, e.g. ``ease(l2=612)x1 + user_ease(l2=980)x0.3``."""
        return " + ".join(f"{f}({', '.join(f'{k}={v:g}' if isinstance(v, float) else f'{k}={v}' for k, v in p.items())})"
                          f"x{w:g}" for f, p, w, _ in self.components_)
