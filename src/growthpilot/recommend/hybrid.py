"""A hybrid recommender: candidate models tuned and blended by validation inside the training data.

Fit runs in three steps, all on the training data only:

1. holdouts of 10 % of the items of half of the customers (the others keep all their rows, so
   the validation fit sees almost as much data as the final one); on small data a second fold
   holds out the other half's items, so every customer is scored once, and the folds are drawn
   twice (less selection noise);
2. each candidate family (EASE in its cheaper direction, ALS, the low-rank spectral filter,
   item-kNN, popularity, content) is fit on the rest with a small hyperparameter grid, refined
   geometrically towards the better neighbour of the best point; the best setting per family is
   kept (EASE's l2 grid is relative to the data's density; EASE also tries re-weighted Gram
   matrices at its best l2, item EASE on data with times the session Gram, and, where interaction
   strengths vary (ratings, repeat purchases), strength-weighted inputs; l2 refined again for a
   winning variant only moves if the paired per-customer gain clears the noise);
3. greedy forward blending of per-customer standardised scores: start from the best model, add
   another with weight from ``weight_grid`` while validation nDCG@k improves, then re-tune each
   added weight once.

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
from growthpilot.recommend.lowrank import LowRankFilter
from growthpilot.recommend.popularity import Popularity
from growthpilot.recommend.sar import SAR
from growthpilot.recommend.validation import holdout_folds, ndcg_from_scores, znorm

MODELS: dict[str, type[BaseRecommender]] = {
    "popularity": Popularity, "itemknn": ItemKNN, "sar": SAR, "ease": EASE, "user_ease": UserEASE,
    "als": ALS, "bpr": BPR, "content": ContentRecommender, "lowrank": LowRankFilter,
}

#: EASE Gram re-weightings tried (exponents of customer activity and item popularity)
#: (tried at the best plain l2 after its refinement; if one wins, its l2 is refined again)
#: (per family: the stronger re-weighting has only ever won validation for customer-side EASE)
GRAM_VARIANTS: dict[str, tuple[dict[str, float], ...]] = {
    "user_ease": ({"user_exponent": 0.25}, {"user_exponent": 0.5, "item_exponent": 0.25}),
    "ease": ({"user_exponent": 0.25},),
}
#: session Gram time scale (seconds) tried for item EASE when the data has times: the same visit or basket
#: (with day-resolution times, the same day)
SESSION_TAUS: tuple[float, ...] = (60.0,)
#: interaction-strength exponents tried for EASE when strengths vary (ratings, repeat purchases): each
#: interaction weighs (value / mean) ** e in the Gram matrix and the customer's input
RATING_EXPONENTS: tuple[float, ...] = (0.5,)
DEFAULT_GRID: dict[str, list[dict[str, Any]]] = {
    "ease": [{"l2_rel": v, "max_items": 2500} for v in (3.0, 12.0, 48.0)],
    "user_ease": [{"l2_rel": v, "max_users": 2500} for v in (3.0, 12.0, 48.0)],
    "als": [{"factors": 64, "regularization": r, "alpha": 10.0, "iterations": 15, "num_threads": 1} for r in (10.0, 50.0, 250.0)],
    "lowrank": [{"rank": r} for r in (16, 48, 144)],
    "itemknn": [{"n_neighbors": 200}],
    "popularity": [{}],
}
#: the numeric hyperparameter refined (geometrically, between the best grid point and its neighbours)
REFINE: dict[str, str] = {"ease": "l2", "user_ease": "l2", "als": "regularization", "lowrank": "rank"}
#: ``n_folds="auto"`` uses two validation folds up to this many customers x items, one beyond (the
#: dense validation scores, and so fit time, grow with it)
AUTO_TWO_FOLDS_MAX_CELLS = 5_000_000
#: ``n_draws="auto"`` repeats the validation folds on a second independent draw up to this many customers x
#: items (MovieLens-100k, 1.6 M, then fits in about 6 s instead of 4 s)
AUTO_TWO_DRAWS_MAX_CELLS = 2_000_000
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
    val_user_share : share of customers used for validation per fold (at most 3 000; the rest
        keep all their rows).
    n_folds : validation folds with disjoint validation customers (``n_folds * val_user_share``
        at most 1); candidates are scored on all folds. ``"auto"``: 2 up to
        :data:`AUTO_TWO_FOLDS_MAX_CELLS` customers x items (less selection noise), else 1 (fit time).
    n_draws : independent draws of the ``n_folds`` folds (other customers and held-out items). EASE
        is tuned on all of them, the other families on the first, and their best setting is then
        scored on the others, so the family choice, EASE's variants and the blend weights average
        over draws. ``"auto"``: 2 up to :data:`AUTO_TWO_DRAWS_MAX_CELLS` customers x items, else 1.
    min_gain : a component joins the blend only if it raises validation nDCG by this relative
        amount (guards against fitting validation noise).
    refine_z : a second l2 refinement (after a re-weighted Gram wins) replaces the current l2 only if
        its paired per-customer validation gain exceeds this many standard errors (near the optimum
        the differences are mostly validation noise).
    weight_grid : blend weights tried for each added component (the first has weight 1).
    max_components : at most this many models in the blend.
    seed : validation split seed.
    half_life_days : recency weighting passed to every component.
    time_budget_s : once validation has used this many seconds, families not yet tried are
        skipped (the grid is ordered by expected value); None = no limit.
    refine_within : a family's best grid point is refined only when its validation nDCG is at least
        this share of the best family's so far (a family far behind gains nothing from a finer grid
        and costs fits; 0 = always refine).

    Fitted attributes
    -----------------
    components_ : list of (family, params, weight, fitted model).
    validation_ : list of dicts (family, params, ndcg) of every candidate tried (EASE's nDCG over every
        draw, the other families' over the first, their best setting's over every draw).
    blend_ndcg_ : validation nDCG@k of the chosen blend.
    n_folds_, n_draws_ : validation folds per draw and draws used.
    """

    name = "hybrid"

    def __init__(self, *, grid: Mapping[str, list[dict[str, Any]]] | None = None, k: int = 10,
                 val_ratio: float = 0.1, val_user_share: float = 0.5, n_folds: int | str = "auto",
                 min_gain: float = 0.005, refine_z: float = 1.0,
                 weight_grid: tuple[float, ...] = (0.15, 0.3, 0.6, 1.0),
                 max_components: int = 4, seed: int = 42, half_life_days: float | None = None,
                 time_budget_s: float | None = None, refine_within: float = 0.85,
                 n_draws: int | str = "auto") -> None:
        self.grid = grid
        self.k = k
        self.val_ratio = val_ratio
        self.val_user_share = val_user_share
        self.n_folds = n_folds
        self.min_gain = min_gain
        self.refine_z = refine_z
        self.weight_grid = weight_grid
        self.max_components = max_components
        self.seed = seed
        self.half_life_days = half_life_days
        self.time_budget_s = time_budget_s
        self.refine_within = refine_within
        self.n_draws = n_draws

    def _make(self, family: str, params: Mapping[str, Any]) -> BaseRecommender:
        kwargs = _settings(params)
        if family != "sar" and "half_life_days" not in kwargs:
            kwargs["half_life_days"] = self.half_life_days
        return MODELS[family](**kwargs)

    def _fit(self, enc: Encoded, *, item_text: pd.Series | None = None) -> None:
        grid = dict(DEFAULT_GRID if self.grid is None else self.grid)
        if item_text is not None and "content" not in grid and self.grid is None and enc.matrix.shape[1] <= 5000:
            grid["content"] = [{}]
        timed = enc.times is not None
        rated = bool(enc.matrix.nnz) and bool(np.ptp(enc.matrix.data) > 0)
        if self.grid is None:
            # EASE in the cheaper direction only (cubic in its side; the two directions score alike)
            grid.pop("ease" if enc.matrix.shape[0] < min(enc.matrix.shape[1], 2500) else "user_ease")
        elif "ease" in grid and "user_ease" in grid and enc.matrix.shape[0] < enc.matrix.shape[1]:
            grid = {"user_ease": grid.pop("user_ease"), **grid}
        n_folds = self.n_folds
        if n_folds == "auto":
            cells = enc.matrix.shape[0] * enc.matrix.shape[1]
            n_folds = 2 if cells <= AUTO_TWO_FOLDS_MAX_CELLS and self.val_user_share <= 0.5 else 1
        n_draws = self.n_draws
        if n_draws == "auto":
            n_draws = 2 if enc.matrix.shape[0] * enc.matrix.shape[1] <= AUTO_TWO_DRAWS_MAX_CELLS else 1
        folds = [fold for d in range(int(n_draws))
                 for fold in holdout_folds(enc, ratio=self.val_ratio, user_share=self.val_user_share,
                                           n_folds=int(n_folds), seed=self.seed + 1000 * d)]
        self.n_folds_, self.n_draws_ = len(folds) // int(n_draws), int(n_draws)
        weights_f = np.array([len(rows) for _, rows, _ in folds], dtype=float)
        weights_f /= max(weights_f.sum(), 1.0)
        started = time.perf_counter()
        # family -> (nDCG, params, validation scores per fold, per-customer nDCG)
        best: dict[str, tuple[float, dict[str, Any], list[np.ndarray] | None, np.ndarray]] = {}
        self.validation_: list[dict[str, Any]] = []
        self.timings_: dict[str, float] = {}

        ranks = [int(o["rank"]) for o in grid.get("lowrank", []) if "rank" in o]
        bases = [{"rank_hint": max(ranks, default=0)} for _ in folds]
        grams: list[dict] = [{} for _ in folds]  # EASE Gram matrices per fold, shared by the l2 trials

        n_first = self.n_folds_  # the first draw's folds

        def run(family: str, params: dict[str, Any], idx: range) -> tuple[list[np.ndarray], np.ndarray] | None:
            """Validation scores and per-customer nDCG of one setting on folds ``idx`` (None: cannot fit)."""
            t0 = time.perf_counter()
            scores, per = [], []
            try:
                for f in idx:
                    inner, rows, truth = folds[f]
                    model: Any = self._make(family, params)
                    if family == "lowrank":  # one decomposition per fold serves every rank tried
                        model.shared_basis = bases[f]
                    if family in L2_FAMILIES:
                        model.shared_gram = grams[f]
                    model = model.fit_encoded(inner, item_text=item_text)
                    scores.append(model.score(inner.user_ids[rows]))
                    per.append(ndcg_from_scores(scores[-1], rows, inner.seen, truth, self.k, per_user=True))
            except (ValueError, MemoryError) as exc:  # e.g. UserEASE over its customer limit
                self.validation_.append({"family": family, "params": params, "ndcg": None, "error": str(exc)})
                return None
            self.timings_[family] = self.timings_.get(family, 0.0) + time.perf_counter() - t0
            return scores, np.concatenate(per)  # its mean over all folds' customers = the fold-size-weighted mean

        def trial(family: str, params: dict[str, Any], guarded: bool = False) -> float:
            # EASE (Gram matrices cached per fold) searches on every draw; the others on the first only
            out = run(family, params, range(len(folds) if family in L2_FAMILIES else n_first))
            if out is None:
                return -1.0
            scores, pu = out
            nd = float(pu.mean()) if len(pu) else 0.0
            self.validation_.append({"family": family, "params": params, "ndcg": nd})
            if family not in best or (self._clears_noise(pu, best[family][3]) if guarded else nd > best[family][0]):
                best[family] = (nd, params, scores, pu)
            return nd

        def complete(family: str) -> None:
            """Score a family's best setting on the other draws' folds (for the blend)."""
            if family in best and family not in L2_FAMILIES and len(folds) > n_first:
                _, params, scores, pu = best[family]
                out = run(family, params, range(n_first, len(folds)))
                if out is None:
                    del best[family]
                    return
                pu = np.concatenate([pu, out[1]])
                best[family] = (float(pu.mean()) if len(pu) else 0.0, params, [*(scores or []), *out[0]], pu)
                for v in self.validation_:  # its log entry: the nDCG over every draw
                    if v["params"] is params:
                        v["ndcg"] = best[family][0]

        inner0 = folds[0][0].matrix
        per_item = inner0.nnz / max(inner0.shape[1], 1)
        per_user = inner0.nnz / max(inner0.shape[0], 1)
        for family, options in grid.items():
            if family in L2_FAMILIES:
                unit = per_item if family == "ease" else per_user
                options = [{**o, "l2": round(o["l2_rel"] * unit, 3)} if "l2_rel" in o else o for o in options]
            if self.time_budget_s is not None and best and time.perf_counter() - started > self.time_budget_s:
                self.validation_.append({"family": family, "params": None, "ndcg": None, "error": "time budget"})
                continue
            for params in options:
                trial(family, dict(params))
            leader = max(v[0] for v in best.values()) if best else 0.0
            if (family in REFINE and family in best and len(options) > 1
                    and best[family][0] >= self.refine_within * leader):
                self._refine(family, REFINE[family], best, trial)
                if family in L2_FAMILIES and self.grid is None:
                    self._try_variants(family, best, trial, timed=timed, rated=rated)
            complete(family)
        if not best:
            errors = "; ".join(f"{v['family']}: {v.get('error')}" for v in self.validation_)
            raise DataError(f"no candidate model could be fitted ({errors}); pass a grid= the data supports")
        chosen, score = self._blend(best, folds, weights_f)
        self.blend_ndcg_ = score
        self.components_ = []
        for family, w in chosen:
            params = _settings(best[family][1])
            model = self._make(family, params).fit_encoded(enc, item_text=item_text)
            self.components_.append((family, params, w, model))

    def _blend(self, best, folds, weights_f) -> tuple[list[tuple[str, float]], float]:
        """Greedy forward blend of standardised scores, then one pass re-tuning each weight."""
        z: dict[str, list[np.ndarray]] = {}
        for f in best:  # standardise once and drop the raw scores (memory: rows x items per family)
            z[f] = [znorm(s, inner.seen[rows]) for s, (inner, rows, _) in zip(best[f][2], folds, strict=True)]
            best[f] = best[f][:2] + (None,)
        ranked = sorted(best, key=lambda f: -best[f][0])

        def val(weights: dict[str, float]) -> float:
            out = 0.0
            for i, ((inner, rows, truth), wf) in enumerate(zip(folds, weights_f, strict=True)):
                total = sum(w * z[f][i] for f, w in weights.items())
                out += wf * ndcg_from_scores(total, rows, inner.seen, truth, self.k)
            return out

        weights = {ranked[0]: 1.0}
        score = best[ranked[0]][0]
        for family in ranked[1:]:
            if len(weights) >= self.max_components:
                break
            nd, w = max((val({**weights, family: w}), w) for w in self.weight_grid)
            if nd > score * (1.0 + self.min_gain):
                weights[family] = w
                score = nd
        for family in list(weights)[1:]:  # polish: the weights chosen early were tuned without later members
            for w in self.weight_grid:
                if w != weights[family]:
                    nd = val({**weights, family: w})
                    if nd > score:
                        weights[family], score = w, nd
        return list(weights.items()), score

    def _try_variants(self, family, best, trial, *, timed: bool = False, rated: bool = False) -> None:
        """EASE Gram re-weightings (:data:`GRAM_VARIANTS`) at the best l2, then (item EASE on timed data)
        the session Gram (:data:`SESSION_TAUS`), then (when interaction strengths vary) strength-weighted
        inputs (:data:`RATING_EXPONENTS`), each at the best setting so far; l2 refined again if a variant wins."""
        base = _settings(best[family][1])
        for variant in GRAM_VARIANTS[family]:
            trial(family, {**base, **variant})
        if family == "ease" and timed:
            at = _settings(best[family][1])
            for tau in SESSION_TAUS:
                trial(family, {**at, "session_tau": tau})
        if rated:
            at = _settings(best[family][1])
            for e in RATING_EXPONENTS:
                trial(family, {**at, "rating_exponent": e})
        if _settings(best[family][1]) != base:
            self._refine(family, "l2", best, trial, guarded=True)

    def _clears_noise(self, new: np.ndarray, old: np.ndarray) -> bool:
        """Whether per-customer validation nDCG ``new`` beats ``old`` (same customers) by more than
        ``refine_z`` standard errors of the paired mean difference."""
        d = new - old
        if len(d) < 2:
            return bool(d.sum() > 0)
        return bool(d.mean() > max(self.refine_z * d.std(ddof=1) / np.sqrt(len(d)), 0.0))

    def _refine(self, family, key, best, trial, *, guarded: bool = False) -> None:
        """Trials halfway (geometrically) between the best value of ``key`` and its neighbours among the
        values tried: only towards the better neighbour when both were scored with the same other settings
        (``guarded``: a trial replaces the best only if its gain clears the noise)."""
        params = _settings(best[family][1])
        same = {k: v for k, v in params.items() if k != key}
        scored: dict[Any, float] = {}
        values = set()
        for v in self.validation_:
            p = v["params"]
            if v["family"] != family or v.get("ndcg") is None or key not in p:
                continue
            values.add(p[key])
            if {k: x for k, x in _settings(p).items() if k != key} == same:
                scored[p[key]] = max(v["ndcg"], scored.get(p[key], -1.0))
        tried = sorted(values)
        b = params[key]
        i = tried.index(b)
        nbrs = [tried[j] for j in (i - 1, i + 1) if 0 <= j < len(tried)]
        if len(nbrs) == 2 and all(x in scored for x in nbrs):
            nbrs = [max(nbrs, key=lambda x: scored[x])]
        for other in nbrs:
            mid = float(np.sqrt(b * other))
            mid = int(round(mid)) if isinstance(b, int) else round(mid, 3)
            if mid not in scored:
                trial(family, {**params, key: mid}, guarded=guarded)

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


def _settings(params: Mapping[str, Any]) -> dict[str, Any]:
    """A candidate's settings without the grid's relative ``l2_rel`` (resolved into ``l2`` per data)."""
    return {k: v for k, v in params.items() if k != "l2_rel"}
