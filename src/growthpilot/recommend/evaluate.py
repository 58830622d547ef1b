"""Evaluation harness for any interactions table: protocols, per-model metrics, serving latency.

Protocols
---------
``ms``   Microsoft Recommenders: :func:`~growthpilot.recommend.split.python_stratified_split`
         (75/25 per user, seed 42); training items are removed from each user's top-k; k = 10;
         MAP, nDCG@k, Precision@k, Recall@k (relevancy "top_k"). With ``rating_threshold`` the
         ratings are binarised (>= threshold) for training and for test relevance, as the MS
         benchmark does for its implicit models; without it every test row is relevant (this is
         how the published MovieLens-100k leaderboard figures come out: BiVAE nDCG .4751).
``time`` a global time cutoff (75 % of rows before it); test relevance is the items a training
         customer bought after the cutoff that they had not bought before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.recommend.base import BaseRecommender
from growthpilot.recommend.metrics import catalog_coverage, novelty, ranking_metrics
from growthpilot.recommend.split import chrono_split, python_stratified_split


@dataclass
class Split:
    """A train/test pair ready for evaluation (test = relevant rows only)."""

    train: pd.DataFrame
    test: pd.DataFrame
    train_seen: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def dedupe(df: pd.DataFrame, *, user_col: str, item_col: str, rating_col: str | None,
           time_col: str | None) -> pd.DataFrame:
    """One row per (user, item): ratings averaged, times kept at the latest, counts summed as ``n``."""
    agg: dict[str, tuple[str, str]] = {"n": (item_col, "size")}
    if rating_col:
        agg[rating_col] = (rating_col, "mean")
    if time_col:
        agg[time_col] = (time_col, "max")
    return df.groupby([user_col, item_col], as_index=False, sort=False).agg(**agg)


def make_split(df: pd.DataFrame, *, protocol: str, user_col: str, item_col: str, rating_col: str | None = None,
               time_col: str | None = None, rating_threshold: float | None = None, seed: int = 42,
               ratio: float = 0.75) -> Split:
    """Split ``df`` by ``protocol`` (``"ms"`` or ``"time"``) into train and relevant test rows."""
    if protocol not in ("ms", "time"):
        raise DataError(f"protocol must be 'ms' or 'time', got {protocol!r}")
    notes = []
    n0 = len(df)
    d = dedupe(df, user_col=user_col, item_col=item_col, rating_col=rating_col, time_col=time_col) \
        if protocol == "ms" else df
    if len(d) < n0:
        notes.append(f"{n0 - len(d)} repeated (user, item) rows merged before the split")
    if protocol == "ms":
        train, test = python_stratified_split(d, ratio=ratio, seed=seed, col_user=user_col, col_item=item_col)
    else:
        train, test = chrono_split(d, col_time=time_col or "", ratio=ratio, col_user=user_col)
        known = set(zip(train[user_col], train[item_col], strict=False))
        test = dedupe(test, user_col=user_col, item_col=item_col, rating_col=rating_col, time_col=time_col)
        test = test[[(u, i) not in known for u, i in zip(test[user_col], test[item_col], strict=False)]]
    return finish_split(train, test, user_col=user_col, item_col=item_col, rating_col=rating_col,
                        rating_threshold=rating_threshold, notes=notes)


def finish_split(train: pd.DataFrame, test: pd.DataFrame, *, user_col: str, item_col: str,
                 rating_col: str | None, rating_threshold: float | None, notes: list[str] | None = None) -> Split:
    """Apply the rating threshold (train and test relevance) and keep the full train for seen-removal."""
    notes = list(notes or [])
    seen = train[[user_col, item_col]]
    if rating_threshold is not None:
        if not rating_col:
            raise DataError("rating_threshold needs a rating column; pass --rating-col")
        train = train[train[rating_col] >= rating_threshold]
        test = test[test[rating_col] >= rating_threshold]
        notes.append(f"ratings binarised at >= {rating_threshold} for training and test relevance")
    if len(test) == 0:
        raise DataError("the test side has no relevant rows; lower --rating-threshold or check the columns")
    return Split(train.reset_index(drop=True), test.reset_index(drop=True), seen, notes)


def recommend_frame(model: BaseRecommender, users: Sequence, k: int, *, user_col: str, item_col: str,
                    seen: pd.DataFrame | None = None) -> pd.DataFrame:
    """Top-k as a long frame (user, item, rank, score); never an item in ``seen`` for that user."""
    ids, scores = model.recommend(list(users), k=k)
    out = pd.DataFrame({user_col: np.repeat(np.asarray(list(users), dtype=object), k), item_col: ids.ravel(),
                        "rank": np.tile(np.arange(1, k + 1), len(users)), "score": scores.ravel()})
    out = out[out[item_col].notna()]
    if seen is not None and len(out):
        key = pd.MultiIndex.from_frame(seen[[user_col, item_col]].astype(object))
        bad = pd.MultiIndex.from_frame(out[[user_col, item_col]].astype(object)).isin(key)
        out = out[~bad]
    return out.reset_index(drop=True)


def evaluate_model(make: Callable[[], BaseRecommender], split: Split, *, k: int = 10, user_col: str,
                   item_col: str, time_col: str | None = None, rating_col: str | None = None,
                   fit_kwargs: dict | None = None) -> tuple[dict, pd.DataFrame, BaseRecommender]:
    """Fit on ``split.train``, recommend for the test users, score with the MS metrics.

    ``rating_col`` (if in the training table) gives models the ratings as interaction strengths (models
    that binarise ignore them; the hybrid's EASE tries them as weights); ``time_col`` enables recency
    weighting and time-aware variants for models that use it.

    Returns
    -------
    (metrics, recommendations, fitted model)
    """
    model = make()
    t0, c0 = time.perf_counter(), time.process_time()
    if rating_col is not None and rating_col not in split.train.columns:
        rating_col = None
    model.fit(split.train, user_col=user_col, item_col=item_col, time_col=time_col, rating_col=rating_col,
              **(fit_kwargs or {}))
    fit_s, fit_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    # seen = every training row (also those below a rating threshold), as the MS code removes them
    model.seen_ = _seen_matrix(model, split.train_seen, user_col, item_col)
    users = pd.unique(split.test[user_col])
    t1 = time.perf_counter()
    reco = recommend_frame(model, users, k, user_col=user_col, item_col=item_col)
    rec_s = time.perf_counter() - t1
    pred = reco.rename(columns={"score": "prediction"})
    m = ranking_metrics(split.test, pred, k=k, col_user=user_col, col_item=item_col)
    m.update(coverage=catalog_coverage(split.train, reco, col_item=item_col),
             novelty=novelty(split.train, reco, col_item=item_col), fit_s=fit_s, fit_cpu_s=fit_cpu_s,
             recommend_s=rec_s)
    return m, reco, model


def _seen_matrix(model: BaseRecommender, seen: pd.DataFrame, user_col: str, item_col: str):
    import scipy.sparse as sp

    r = model.user_index_.get_indexer(pd.Index(seen[user_col]))
    c = model.item_index_.get_indexer(pd.Index(seen[item_col]))
    ok = (r >= 0) & (c >= 0)
    m = sp.csr_matrix((np.ones(ok.sum(), dtype=bool), (r[ok], c[ok])), shape=model.seen_.shape)
    m.sum_duplicates()
    return m


def serving_latency(model: BaseRecommender, users: Sequence, *, k: int = 10, n: int = 300,
                    seed: int = 0) -> dict[str, float]:
    """Latency of top-k for one customer at a time (ms) over ``n`` calls.

    Returns p50 / p99 / max of wall-clock time and p50 / p99 of process CPU time (the CPU
    figure is what an idle machine would show when other processes compete for the cores).
    """
    rng = np.random.default_rng(seed)
    users = list(users)
    pick = [users[i] for i in rng.integers(0, len(users), size=n)]
    model.recommend(pick[:1], k=k)  # warm-up
    times, cpu = [], []
    for u in pick:
        t0, c0 = time.perf_counter(), time.process_time()
        model.recommend([u], k=k)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    a, c = np.asarray(times), np.asarray(cpu)
    return {"p50_ms": float(np.percentile(a, 50)), "p99_ms": float(np.percentile(a, 99)), "max_ms": float(a.max()),
            "cpu_p50_ms": float(np.percentile(c, 50)), "cpu_p99_ms": float(np.percentile(c, 99))}
