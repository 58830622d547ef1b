"""Splitters: the MS stratified split as its code runs it, and the time split."""

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.recommend.split import chrono_split, python_stratified_split


def ms_reference(data, ratio=0.75, seed=42):
    """The steps of recommenders 1.2.1's _do_stratification (is_random=True), written out literally."""
    data = data.copy()
    np.random.seed(seed)
    data["random"] = np.random.rand(data.shape[0])
    data = data.sort_values(["userID", "random"])
    groups = data.groupby("userID")
    data["count"] = groups["userID"].transform("count")
    data["rank"] = groups.cumcount() + 1
    data = data.drop("random", axis=1)
    splits, prev = [], None
    for threshold in np.cumsum([ratio, 1 - ratio]):
        condition = data["rank"] <= round(threshold * data["count"])
        if prev is not None:
            condition &= data["rank"] > round(prev * data["count"])
        splits.append(data[condition].drop(["rank", "count"], axis=1))
        prev = threshold
    return splits


def test_stratified_split_matches_reference():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"userID": rng.integers(0, 30, 500), "itemID": rng.integers(0, 80, 500),
                       "rating": rng.integers(1, 6, 500)})
    train, test = python_stratified_split(df, ratio=0.75, seed=42)
    rtrain, rtest = ms_reference(df)
    pd.testing.assert_frame_equal(train, rtrain)
    pd.testing.assert_frame_equal(test, rtest)
    assert len(train) + len(test) == len(df)
    assert "random" not in df.columns  # the input is not modified


def test_stratified_split_is_per_user():
    df = pd.DataFrame({"userID": np.repeat([1, 2, 3], [8, 4, 2]), "itemID": range(14)})
    train, test = python_stratified_split(df)
    # round(0.75 * n) with halves to even: 8 -> 6, 4 -> 3, 2 -> round(1.5) = 2
    assert train.groupby("userID").size().to_dict() == {1: 6, 2: 3, 3: 2}
    assert test.groupby("userID").size().to_dict() == {1: 2, 2: 1}
    legacy_train, _ = python_stratified_split(df, rounding="legacy")
    assert legacy_train.groupby("userID").size().to_dict() == {1: 6, 2: 3, 3: 1}


def test_chrono_split_and_errors():
    df = pd.DataFrame({"u": [1, 1, 2, 2, 3], "i": list("abcde"), "t": [1, 2, 3, 4, 5]})
    train, test = chrono_split(df, col_time="t", ratio=0.6, col_user="u")
    assert train["t"].max() < test["t"].min()
    assert set(test["u"]) <= set(train["u"])  # user 3 only appears after the cutoff: dropped
    with pytest.raises(DataError):
        chrono_split(df, col_time="missing")
    with pytest.raises(DataError):
        python_stratified_split(df, col_user="nope")
