"""Ranking metrics exactly as Microsoft Recommenders' ``python_evaluation`` computes them.

Definitions (relevancy ``"top_k"``, binary relevance), reproduced from
``recommenders/evaluation/python_evaluation.py``:

* the top k of each user's predictions are taken after sorting by prediction, descending
  (stable: ties keep input order), ranks 1..k;
* ``n_users`` = users present in both truth and predictions;
* Precision@k = sum over users of hits / k, divided by ``n_users``;
* Recall@k = sum over users with a hit of hits / |relevant|, divided by ``n_users``;
* MAP@k = sum over users of (sum over hits of (i-th hit) / rank) / min(|relevant|, k), / ``n_users``
  (``map`` divides by |relevant| instead of min(|relevant|, k));
* nDCG@k = mean over **all users of the truth table** of DCG / IDCG with gains
  1 / ln(1 + rank) and IDCG over min(|relevant|, k) ideal positions;
* every metric is 0.0 when there is no hit at all.

Beyond accuracy: catalogue coverage (distinct recommended items / distinct training items)
and novelty (mean of -log2(item's share of training rows) over recommended rows), as in the
same module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def get_top_k_items(df: pd.DataFrame, *, col_user: str, col_score: str, k: int) -> pd.DataFrame:
    """Top ``k`` rows per user by ``col_score`` (descending, stable), with a ``rank`` column."""
    top = (
        df.sort_values([col_user, col_score], ascending=[True, False])
        .groupby(col_user, as_index=False)
        .head(k)
        .reset_index(drop=True)
    )
    top["rank"] = top.groupby(col_user, sort=False).cumcount() + 1
    return top


def ranking_metrics(
    rating_true: pd.DataFrame,
    rating_pred: pd.DataFrame,
    *,
    k: int = 10,
    col_user: str = "userID",
    col_item: str = "itemID",
    col_prediction: str = "prediction",
) -> dict[str, float]:
    """MAP, MAP@k, nDCG@k, Precision@k and Recall@k as the MS Recommenders code runs them.

    Parameters
    ----------
    rating_true : relevant (user, item) rows of the test set (one row per pair).
    rating_pred : predictions (user, item, score), unique per pair; more than k per user is fine.
    k : cut-off.
    col_user, col_item, col_prediction : column names.

    Returns
    -------
    dict with keys ``map``, ``map_at_k``, ``ndcg_at_k``, ``precision_at_k``, ``recall_at_k``.
    """
    true = rating_true[[col_user, col_item]]
    pred = rating_pred[[col_user, col_item, col_prediction]]
    common = set(true[col_user]).intersection(set(pred[col_user]))
    n_users = len(common)
    true_c = true[true[col_user].isin(common)]
    pred_c = pred[pred[col_user].isin(common)]
    zero = dict.fromkeys(("map", "map_at_k", "ndcg_at_k", "precision_at_k", "recall_at_k"), 0.0)
    if n_users == 0:
        return zero
    top = get_top_k_items(pred_c, col_user=col_user, col_score=col_prediction, k=k)
    hit = pd.merge(top, true_c, on=[col_user, col_item])[[col_user, col_item, "rank"]]
    if hit.shape[0] == 0:
        return zero
    hits = hit.groupby(col_user).size().rename("hit")
    actual = true_c.groupby(col_user).size().rename("actual")
    hc = pd.concat([hits, actual], axis=1, join="inner")
    precision = float((hc["hit"] / k).sum() / n_users)
    recall = float((hc["hit"] / hc["actual"]).sum() / n_users)
    rr = ((hit.groupby(col_user).cumcount() + 1) / hit["rank"]).groupby(hit[col_user]).sum()
    act = hc["actual"].reindex(rr.index)
    map_full = float((rr / act).sum() / n_users)
    map_k = float((rr / np.minimum(act, k)).sum() / n_users)
    # nDCG: averaged over every user of the truth table (MS merges the full truth, outer).
    dcg = (1.0 / np.log(1.0 + hit["rank"])).groupby(hit[col_user]).sum()
    n_true = true.groupby(col_user).size()
    disc = np.concatenate([[0.0], np.cumsum(1.0 / np.log(1.0 + np.arange(1, k + 1)))])
    idcg = pd.Series(disc[np.minimum(n_true.to_numpy(), k)], index=n_true.index)
    ndcg = float((dcg.reindex(idcg.index).fillna(0.0) / idcg).mean())
    return {"map": map_full, "map_at_k": map_k, "ndcg_at_k": ndcg, "precision_at_k": precision,
            "recall_at_k": recall}


def catalog_coverage(train: pd.DataFrame, reco: pd.DataFrame, *, col_item: str) -> float:
    """Distinct recommended items / distinct items in training (Shani & Gunawardana)."""
    n = train[col_item].nunique()
    return float(reco[col_item].nunique() / n) if n else 0.0


def novelty(train: pd.DataFrame, reco: pd.DataFrame, *, col_item: str) -> float:
    """Mean item novelty -log2(item rows / training rows) over the recommended rows (Castells et al.)."""
    if len(reco) == 0 or len(train) == 0:
        return 0.0
    item_nov = -np.log2(train.groupby(col_item).size() / train.shape[0])
    counts = reco.groupby(col_item).size()
    prod = (counts * item_nov.reindex(counts.index)).dropna()
    return float(prod.sum() / reco.shape[0])
