"""Hierarchies of series (total > category > product, total > country, ...) and reconciliation.

Written here rather than taken from ``hierarchicalforecast`` (not a dependency): bottom-up
and MinT with a shrunk error covariance (Wickramasuriya, Athanasopoulos & Hyndman 2019;
Schäfer & Strimmer 2005 shrinkage), a few lines of linear algebra.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from growthpilot.errors import DataError, ValidationError

SEP = "/"


def aggregate(bottom: pd.DataFrame, mapping: pd.DataFrame, levels: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Sum bottom series up every level of a nested hierarchy.

    Parameters
    ----------
    bottom : ``unique_id, ds, y`` at the bottom level (e.g. products).
    mapping : one row per bottom id: ``unique_id`` plus one column per upper level (e.g. ``category``).
    levels : upper levels from the top down, e.g. ``["total", "category"]``; ``"total"`` needs no column.

    Returns
    -------
    (frame, tags): every series of every level (ids like ``category/toys``), and
    ``tags[level] -> list of ids`` including ``tags["bottom"]``.

    Examples
    --------
    >>> b = pd.DataFrame({"unique_id": ["a", "b"], "ds": pd.Timestamp("2024-01-01"), "y": [1.0, 2.0]})
    >>> m = pd.DataFrame({"unique_id": ["a", "b"], "cat": ["x", "x"]})
    >>> frame, tags = aggregate(b, m, ["total", "cat"])
    >>> frame.set_index("unique_id")["y"].to_dict()
    {'total': 3.0, 'cat/x': 3.0, 'a': 1.0, 'b': 2.0}
    """
    missing = [lv for lv in levels if lv != "total" and lv not in mapping.columns]
    if missing:
        raise ValidationError(f"hierarchy mapping lacks level column(s) {missing}",
                              expected=f"columns of {list(mapping.columns)}")
    m = mapping.drop_duplicates("unique_id").set_index("unique_id")
    parts, tags = [], {}
    for lv in levels:
        key = pd.Series("total", index=m.index) if lv == "total" else lv + SEP + m[lv].astype(str)
        g = bottom.assign(unique_id=bottom["unique_id"].map(key))
        if g["unique_id"].isna().any():
            raise DataError(f"some bottom series have no {lv!r} in the mapping; add them or drop them")
        agg = g.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
        tags[lv] = sorted(agg["unique_id"].unique())
        parts.append(agg)
    tags["bottom"] = sorted(bottom["unique_id"].unique())
    parts.append(bottom[["unique_id", "ds", "y"]])
    return pd.concat(parts, ignore_index=True), tags


def summing_matrix(mapping: pd.DataFrame, levels: Sequence[str], bottom_ids: Sequence[str]) -> pd.DataFrame:
    """The 0/1 matrix ``S`` (all series x bottom series) with ``all = S @ bottom``."""
    m = mapping.drop_duplicates("unique_id").set_index("unique_id").reindex(list(bottom_ids))
    rows = {}
    for lv in levels:
        key = pd.Series("total", index=m.index) if lv == "total" else lv + SEP + m[lv].astype(str)
        for parent in sorted(key.unique()):
            rows[parent] = (key == parent).astype(float).to_numpy()
    for i, b in enumerate(bottom_ids):
        e = np.zeros(len(bottom_ids))
        e[i] = 1.0
        rows[b] = e
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(bottom_ids))


def shrunk_covariance(residuals: np.ndarray) -> np.ndarray:
    """Schäfer-Strimmer shrinkage of the error covariance toward its diagonal (rows = series)."""
    r = np.nan_to_num(np.asarray(residuals, float))
    n = r.shape[1]
    if n < 3:
        return np.diag(np.maximum(r.var(axis=1), 1e-9))
    r = r - r.mean(axis=1, keepdims=True)
    cov = r @ r.T / n
    sd = np.sqrt(np.maximum(np.diag(cov), 1e-12))
    z = r / sd[:, None]
    corr = z @ z.T / n
    w = np.einsum("it,jt->ijt", z, z)
    var_corr = n / (n - 1) ** 3 * ((w - corr[:, :, None]) ** 2).sum(axis=2)
    off = ~np.eye(len(sd), dtype=bool)
    lam = float(np.clip(var_corr[off].sum() / max((corr[off] ** 2).sum(), 1e-12), 0.0, 1.0))
    shrunk = corr * (1 - lam)
    np.fill_diagonal(shrunk, 1.0)
    return shrunk * np.outer(sd, sd) + np.eye(len(sd)) * 1e-9


def reconcile(forecasts: pd.DataFrame, S: pd.DataFrame, *, method: str = "mint_shrink",
              residuals: pd.DataFrame | None = None, value_cols: Sequence[str] = ("y_hat",)) -> pd.DataFrame:
    """Make forecasts add up across the hierarchy.

    Parameters
    ----------
    forecasts : ``unique_id, ds`` and the ``value_cols`` for every series in ``S``'s index.
    S : summing matrix from :func:`summing_matrix`.
    method : ``"bottom_up"`` or ``"mint_shrink"`` (needs ``residuals``: ``unique_id, ds, resid``, e.g.
        backtest errors of every series, aligned on dates).
    value_cols : columns to reconcile (the point forecast; interval bounds are shifted with it by the caller).

    Returns
    -------
    ``forecasts`` with the value columns replaced by coherent ones.
    """
    if method not in ("bottom_up", "mint_shrink"):
        raise ValidationError("unknown reconciliation method", value=method, expected="bottom_up or mint_shrink")
    ids = list(S.index)
    Sm = S.to_numpy()
    nb = Sm.shape[1]
    if method == "bottom_up":
        P = np.hstack([np.zeros((nb, len(ids) - nb)), np.eye(nb)])
    else:
        if residuals is None:
            raise DataError("mint_shrink needs backtest residuals of every series; use method='bottom_up'")
        R = residuals.pivot_table(index="unique_id", columns="ds", values="resid").reindex(ids)
        W = shrunk_covariance(R.to_numpy())
        Winv = np.linalg.pinv(W)
        P = np.linalg.solve(Sm.T @ Winv @ Sm + 1e-9 * np.eye(nb), Sm.T @ Winv)
    out = forecasts.copy()
    for col in value_cols:
        wide = forecasts.pivot_table(index="unique_id", columns="ds", values=col).reindex(ids)
        if wide.isna().any().any():
            raise DataError("every series of the hierarchy needs a forecast for every date to reconcile")
        coherent = pd.DataFrame(Sm @ (P @ wide.to_numpy()), index=ids, columns=wide.columns)
        long = coherent.stack().rename(col).reset_index()
        long.columns = ["unique_id", "ds", col]
        out = out.drop(columns=col).merge(long, on=["unique_id", "ds"], how="left")
    return out
