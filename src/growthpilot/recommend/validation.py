"""Validation inside the training data: a per-user holdout of the training matrix and a fast nDCG.

Used to choose hyperparameters and blend weights without ever looking at the test set.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from growthpilot.recommend.data import Encoded


def holdout(enc: Encoded, *, ratio: float = 0.25, user_share: float = 0.5, seed: int = 42,
            max_users: int = 3000, users: np.ndarray | None = None) -> tuple[Encoded, np.ndarray, sp.csr_matrix]:
    """Hold out ``ratio`` of the items of a random ``user_share`` of the customers.

    The other customers keep all their rows, so the validation model is fitted on almost as
    much data as the final one (regularisation chosen here transfers); each validation customer
    keeps ``round((1 - ratio) * n)`` of their n items, as the MS split does, and holds out at
    least one.

    ``users`` (row indices) fixes the validation customers instead of drawing ``user_share``.

    Returns
    -------
    (inner, val_rows, val_truth) : the remaining training data (same ids and shape), the rows of
        validation customers and a customers x items 0/1 CSR of the held-out pairs.
    """
    rng = np.random.default_rng(seed)
    m = enc.matrix.tocsr()
    n_users = m.shape[0]
    counts = np.diff(m.indptr)
    eligible = np.flatnonzero(counts >= 2)
    if users is not None:
        val_users = np.intersect1d(np.asarray(users, dtype=np.int64), eligible)
    else:
        n_val = min(max(1, int(round(user_share * len(eligible)))), max_users, len(eligible))
        val_users = np.sort(rng.choice(eligible, n_val, replace=False)) if len(eligible) else eligible
    is_val_user = np.zeros(n_users, dtype=bool)
    is_val_user[val_users] = True
    coo = m.tocoo()
    rand = rng.random(coo.nnz)
    order = np.lexsort((rand, coo.row))
    pos = np.empty(coo.nnz, dtype=np.int64)
    pos[order] = np.arange(coo.nnz) - m.indptr[:-1][coo.row[order]]
    n_out = np.maximum(counts - np.round((1.0 - ratio) * counts), 1).astype(np.int64) * is_val_user
    is_val = pos < n_out[coo.row]
    shape = m.shape
    keep = ~is_val
    train_m = sp.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=shape)
    seen = sp.csr_matrix((np.ones(keep.sum(), dtype=bool), (coo.row[keep], coo.col[keep])), shape=shape)
    truth = sp.csr_matrix((np.ones(is_val.sum(), dtype=np.float32), (coo.row[is_val], coo.col[is_val])), shape=shape)
    rows = np.flatnonzero(np.diff(truth.indptr) > 0)
    times = None if enc.times is None else enc.times.multiply(seen).tocsr()
    inner = Encoded(train_m, seen, enc.user_ids, enc.item_ids, enc.user_last_ts, times)
    return inner, rows, truth


def holdout_folds(enc: Encoded, *, ratio: float = 0.25, user_share: float = 0.5, n_folds: int = 1,
                  seed: int = 42, max_users: int = 3000) -> list[tuple[Encoded, np.ndarray, sp.csr_matrix]]:
    """``n_folds`` holdouts (:func:`holdout`) with disjoint validation customers.

    Fold f uses the f-th block of ``user_share`` of the customers (at most ``max_users``) of one
    random permutation; ``n_folds * user_share`` must not exceed 1. With ``n_folds=2`` and
    ``user_share=0.5`` every customer is scored once, with less noise than one holdout.
    """
    if n_folds < 1 or n_folds * user_share > 1.0 + 1e-9:
        raise ValueError(f"need n_folds >= 1 and n_folds * user_share <= 1, got {n_folds} x {user_share}")
    counts = np.diff(enc.matrix.tocsr().indptr)
    eligible = np.flatnonzero(counts >= 2)
    perm = np.random.default_rng(seed).permutation(eligible)
    size = min(max(1, int(round(user_share * len(eligible)))), max_users)
    folds: list[tuple[Encoded, np.ndarray, sp.csr_matrix]] = []
    for f in range(n_folds):
        part = perm[f * size:(f + 1) * size]
        if len(part) or not folds:  # one (possibly empty) fold even when no customer has 2 items
            folds.append(holdout(enc, ratio=ratio, seed=seed + f, users=np.sort(part)))
    return folds


def ndcg_from_scores(scores: np.ndarray, rows: np.ndarray, seen: sp.csr_matrix, truth: sp.csr_matrix,
                     k: int = 10, per_user: bool = False) -> float | np.ndarray:
    """Mean nDCG@k (binary gains, MS definition) of dense ``scores`` for ``rows``, seen items masked
    (``per_user``: the nDCG of each row instead, 0 for rows without held-out items).

    Only the k largest scores per row are found (a value partition, no sort); a held-out item
    among them gains 1/ln(1 + rank), tied items the expected gain under random tie-breaking.
    """
    s = scores  # seen items masked in place and restored at the end (no copy of a large matrix)
    r, c = seen[rows].nonzero()
    kept = s[r, c]
    s[r, c] = -np.inf
    n = s.shape[1]
    k_eff = min(k, n)
    top = np.partition(s, n - k_eff, axis=1)[:, n - k_eff:]
    thr = top.min(axis=1)
    rel_rows = truth[rows]
    rel = rel_rows.tocoo()
    n_rel = np.diff(rel_rows.indptr)
    v = s[rel.row, rel.col]
    tr = thr[rel.row]
    disc = 1.0 / np.log(np.arange(2, k + 2))
    cum = np.concatenate([[0.0], np.cumsum(disc)])
    above = (top[rel.row] > v[:, None]).sum(axis=1)
    tied = (top[rel.row] == v[:, None]).sum(axis=1)  # ties above the k-th score all lie in the top k
    gain = np.where(np.isfinite(v) & (v >= tr), (cum[above + tied] - cum[above]) / np.maximum(tied, 1), 0.0)
    at = np.flatnonzero(np.isfinite(v) & (v == tr))  # ties at the k-th score may reach beyond the top k
    if len(at):
        gain[at] *= tied[at] / (s[rel.row[at]] == tr[at][:, None]).sum(axis=1)
    dcg = np.bincount(rel.row, weights=gain, minlength=len(rows))
    s[r, c] = kept
    ideal = cum[np.minimum(n_rel, k)]
    ok = n_rel > 0
    if per_user:
        return np.where(ok, dcg / np.where(ok, ideal, 1.0), 0.0)
    return float((dcg[ok] / ideal[ok]).sum() / max(len(rows), 1))


def znorm(s: np.ndarray, exclude: sp.csr_matrix | None = None) -> np.ndarray:
    """Per-row standardisation so that scores of different models can be blended.

    ``exclude`` (rows x items, aligned with ``s``) marks entries left out of the mean and
    standard deviation: the customer's own items, which some models score far above the rest.
    """
    finite = np.where(np.isfinite(s), s, np.nan)
    if exclude is not None and exclude.nnz:
        r, c = exclude.nonzero()
        finite[r, c] = np.nan
    mu = np.nanmean(finite, axis=1, keepdims=True)
    sd = np.nanstd(finite, axis=1, keepdims=True)
    return ((s - mu) / np.where(sd > 0, sd, 1.0)).astype(np.float32)
