"""Encoding interactions (user, item, optional rating/time) into a sparse user x item matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from growthpilot.errors import DataError


@dataclass(frozen=True)
class Encoded:
    """Interactions as a CSR matrix plus the id maps.

    Attributes
    ----------
    matrix : users x items float32 CSR of interaction strength (summed per pair).
    seen : users x items boolean CSR: the pairs present in the data.
    user_ids, item_ids : original ids in row / column order.
    last_ts : per-row latest timestamp in seconds (NaN without a time column).
    times : users x items float64 CSR of each pair's latest event time, in seconds after the
        earliest event plus one (so no time is an implicit zero); None without a time column.
    """

    matrix: sp.csr_matrix
    seen: sp.csr_matrix
    user_ids: np.ndarray
    item_ids: np.ndarray
    user_last_ts: np.ndarray
    times: sp.csr_matrix | None = None


def encode(
    df: pd.DataFrame,
    *,
    user_col: str,
    item_col: str,
    rating_col: str | None = None,
    time_col: str | None = None,
    half_life_days: float | None = None,
    items: np.ndarray | None = None,
) -> Encoded:
    """Build the user x item matrix from a long interactions table.

    Parameters
    ----------
    df : one row per event.
    user_col, item_col : id columns.
    rating_col : optional strength (rating, quantity); 1 per row without it.
    time_col : optional event time; needed for ``half_life_days``.
    half_life_days : recency weighting: each event counts 2 ** (-age / half_life) where age is
        measured from the latest event in ``df``.
    items : the catalogue (item ids) to index, in addition to items seen in ``df``.

    Returns
    -------
    Encoded
    """
    for c in (user_col, item_col):
        if c not in df.columns:
            raise DataError(f"interactions have no column {c!r} (columns: {list(df.columns)}); "
                            "pass user_col=/item_col= to name yours")
    if len(df) == 0:
        raise DataError("no interactions to fit on; pass a non-empty table")
    d = df[df[user_col].notna() & df[item_col].notna()]
    users, ucodes = np.unique(d[user_col].to_numpy(), return_inverse=True)
    seen_items = np.unique(d[item_col].to_numpy())
    item_ids = seen_items if items is None else np.unique(np.concatenate([seen_items, np.asarray(items)]))
    icodes = np.searchsorted(item_ids, d[item_col].to_numpy())
    w = np.ones(len(d)) if rating_col is None else pd.to_numeric(d[rating_col], errors="coerce").fillna(0).to_numpy(
        dtype=float)
    last = np.full(len(users), np.nan)
    times = None
    if time_col is not None and time_col in d.columns:
        t = _seconds(d[time_col])
        ok = np.isfinite(t)
        if ok.any():
            pair_t = pd.Series(t[ok] - np.nanmin(t) + 1.0).groupby([ucodes[ok], icodes[ok]]).max()
            times = sp.csr_matrix((pair_t.to_numpy(), (pair_t.index.get_level_values(0), pair_t.index.get_level_values(1))),
                                  shape=(len(users), len(item_ids)))
        if half_life_days is not None:
            age_days = (np.nanmax(t) - t) / 86400.0
            w = w * np.power(2.0, -age_days / float(half_life_days))
        last = pd.Series(t).groupby(ucodes).max().reindex(range(len(users))).to_numpy()
    elif half_life_days is not None:
        raise DataError("half_life_days needs a time column; pass time_col=")
    shape = (len(users), len(item_ids))
    m = sp.csr_matrix((w.astype(np.float32), (ucodes, icodes)), shape=shape)
    m.sum_duplicates()
    seen = sp.csr_matrix((np.ones(len(d), dtype=bool), (ucodes, icodes)), shape=shape)
    seen.sum_duplicates()
    seen.data[:] = True
    m.data = np.maximum(m.data, 0).astype(np.float32)
    return Encoded(m, seen, users, item_ids, last, times)


def _seconds(s: pd.Series) -> np.ndarray:
    """Event times as float seconds (numbers are taken as epoch seconds)."""
    if s.dtype.kind in "iuf":
        return s.to_numpy(dtype=float)
    return pd.to_datetime(s).astype("datetime64[ns]").astype("int64").to_numpy() / 1e9


def binarize(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Copy of ``matrix`` with every stored positive value set to 1."""
    b = matrix.copy()
    b.data = (b.data > 0).astype(np.float32)
    b.eliminate_zeros()
    return b
