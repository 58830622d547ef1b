"""Train/test splitters: the Microsoft Recommenders stratified split and a time split.

:func:`python_stratified_split` reproduces ``recommenders.datasets.python_splitters``
exactly as its released code (recommenders 1.2.1) runs it: ``np.random.seed(seed)``, one
uniform draw per row in input order, sort by user then draw, and the first
``round(ratio * count)`` rows of each user (numpy rounding, halves to even) go to train.
Older releases used ``rank / count <= ratio`` instead (``rounding="legacy"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import DataError


def python_stratified_split(
    data: pd.DataFrame,
    *,
    ratio: float = 0.75,
    seed: int = 42,
    col_user: str = "userID",
    col_item: str = "itemID",
    filter_by: str = "user",
    rounding: str = "round",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split each user's rows at random, ``ratio`` of them to train (the MS protocol).

    Parameters
    ----------
    data : interactions, one row per (user, item) event.
    ratio : share of each user's rows that go to train.
    seed : seed for ``np.random.seed`` (42 in the published benchmark).
    col_user, col_item : column names.
    filter_by : ``"user"`` (stratify by user) or ``"item"``.
    rounding : ``"round"`` (recommenders >= 1.0: rank <= round(ratio * count)) or ``"legacy"``
        (rank / count <= ratio).

    Returns
    -------
    (train, test) : two dataframes with the input's columns, sorted by the stratum.
    """
    for c in (col_user, col_item):
        if c not in data.columns:
            raise DataError(f"column {c!r} not in the data ({list(data.columns)}); pass its name")
    if filter_by not in ("user", "item"):
        raise DataError(f"filter_by must be 'user' or 'item', got {filter_by!r}")
    by = col_user if filter_by == "user" else col_item
    df = data.copy()
    np.random.seed(seed)
    df["_random"] = np.random.rand(df.shape[0])
    df = df.sort_values([by, "_random"])
    groups = df.groupby(by)
    count = groups[by].transform("count")
    rank = groups.cumcount() + 1
    df = df.drop(columns="_random")
    if rounding == "round":
        cut = np.round(ratio * count)
        return df[rank <= cut], df[rank > cut]
    if rounding == "legacy":
        return df[rank / count <= ratio], df[rank / count > ratio]
    raise DataError(f"rounding must be 'round' or 'legacy', got {rounding!r}")


def chrono_split(
    data: pd.DataFrame,
    *,
    col_time: str,
    ratio: float = 0.75,
    col_user: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Time-based split: the earliest ``ratio`` of rows (by global cutoff) train, the rest test.

    Parameters
    ----------
    data : interactions with a time column.
    col_time : the time column (any sortable type).
    ratio : share of rows before the cutoff.
    col_user : when given, test rows of users unseen in train are dropped (no history to
        recommend from; they are cold-start users, evaluated separately).

    Returns
    -------
    (train, test)
    """
    if col_time not in data.columns:
        raise DataError(f"time column {col_time!r} not in the data; pass --time-col or use --protocol ms")
    ts = data[col_time]
    cutoff = ts.quantile(ratio, interpolation="nearest") if ts.dtype.kind in "iufM" else ts.sort_values().iloc[
        int(ratio * (len(ts) - 1))]
    train, test = data[ts <= cutoff], data[ts > cutoff]
    if len(test) == 0 or len(train) == 0:
        raise DataError(f"time split at {cutoff} leaves an empty side; the data needs more than one timestamp")
    if col_user is not None:
        test = test[test[col_user].isin(set(train[col_user]))]
    return train, test
