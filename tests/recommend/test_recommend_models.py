"""Every recommender behind the one interface, on data with two planted taste groups."""

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError, NotFittedError
from growthpilot.recommend import ALS, BPR, EASE, SAR, ItemKNN, LowRankFilter, Popularity, UserEASE

MODELS = [
    lambda: EASE(l2=10.0),
    lambda: UserEASE(l2=10.0),
    lambda: ItemKNN(n_neighbors=20),
    lambda: SAR(),
    lambda: SAR(similarity="lift", half_life_days=None),
    lambda: ALS(factors=8, iterations=10, num_threads=1),
    lambda: BPR(factors=8, iterations=60, learning_rate=0.05, num_threads=1),
    lambda: LowRankFilter(rank=4),
]


def group_of(item: str) -> int:
    return 0 if int(item[1:]) < 20 else 1


@pytest.mark.parametrize("make", MODELS)
def test_recommends_within_taste_group_and_never_seen(make, groups):
    model = make().fit(groups, time_col="ts")
    users = ["u0", "u1", "u40", "u59"]
    ids, scores = model.recommend(users, k=5)
    assert ids.shape == (4, 5) and scores.shape == (4, 5)
    bought = groups.groupby("customer_id")["product_id"].apply(set)
    in_group = 0
    for u, row, sc in zip(users, ids, scores, strict=True):
        assert not set(row) & bought[u]
        assert np.all(np.diff(sc) <= 1e-6)  # best first
        g = 0 if int(u[1:]) < 30 else 1
        in_group += sum(group_of(i) == g for i in row)
    assert in_group >= 0.8 * ids.size


def test_not_fitted_and_bad_k(groups):
    with pytest.raises(NotFittedError):
        EASE().recommend(["u0"])
    with pytest.raises(DataError):
        EASE().fit(groups).recommend(["u0"], k=0)
    with pytest.raises(DataError):
        EASE().fit(groups, user_col="who")


def test_unknown_customer_gets_popularity_and_padding(groups):
    model = ItemKNN().fit(groups)
    ids, _ = model.recommend(["stranger"], k=3)
    top = groups.groupby("product_id")["customer_id"].nunique().sort_values(ascending=False)
    assert set(ids[0]) <= set(top.index[:6])
    # a tiny catalogue pads with None / NaN
    tiny = pd.DataFrame({"customer_id": ["a", "a", "b"], "product_id": ["x", "y", "x"]})
    ids, scores = Popularity().fit(tiny).recommend(["a", "b"], k=3)
    assert ids[0].tolist() == [None, None, None] and np.isnan(scores[0]).all()
    assert ids[1, 0] == "y" and ids[1, 1] is None


def test_recent_popularity_prefers_recent_items():
    df = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "product_id": ["old", "old", "old", "new"],
                       "ts": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03", "2024-01-01"])})
    assert Popularity().fit(df).recommend(["z"], k=1)[0][0, 0] == "old"
    assert Popularity(half_life_days=30).fit(df, time_col="ts").recommend(["z"], k=1)[0][0, 0] == "new"


def test_similar_items_same_group(groups):
    for model in (EASE(l2=10.0).fit(groups), ItemKNN().fit(groups), ALS(factors=8, num_threads=1).fit(groups)):
        ids, scores = model.similar_items(["i0", "i25", "unknown"], k=4)
        assert "i0" not in ids[0]
        assert sum(group_of(i) == 0 for i in ids[0]) >= 3
        assert sum(group_of(i) == 1 for i in ids[1]) >= 3
        assert ids[2].tolist() == [None] * 4


def test_ease_closed_form_matches_definition():
    rng = np.random.default_rng(0)
    x = (rng.random((30, 6)) < 0.4).astype(float)
    df = pd.DataFrame([(f"u{u}", f"i{i}") for u, i in zip(*np.nonzero(x), strict=True)],
                      columns=["customer_id", "product_id"])
    model = EASE(l2=2.0).fit(df)
    xs = model.user_matrix_.toarray()
    b = model.weights_
    assert np.allclose(np.diag(b), 0)
    # stationarity of min ||X - XB||^2 + l2 ||B||^2 s.t. diag(B)=0: off-diagonal gradient is zero
    grad = -xs.T @ (xs - xs @ b) + 2.0 * b
    off = ~np.eye(6, dtype=bool)
    assert np.abs(grad[off]).max() < 1e-4


def test_user_ease_refuses_too_many_customers(groups):
    with pytest.raises(DataError, match="max_users"):
        UserEASE(max_users=10).fit(groups)


def test_ease_item_cap_keeps_unmodelled_items_last(groups):
    model = EASE(l2=5.0, max_items=10).fit(groups)
    s = model.score(["u0"])[0]
    modelled = set(model.cols_.tolist())
    other = [j for j in range(len(s)) if j not in modelled]
    assert s[other].max() < s[list(modelled)].min()
    assert len(model.cols_) == 10


def test_batch_equals_one_by_one(groups):
    model = SAR().fit(groups, time_col="ts")
    users = [f"u{i}" for i in range(10)]
    ids, _ = model.recommend(users, k=5, batch_size=3)
    for j, u in enumerate(users):
        assert model.recommend([u], k=5)[0][0].tolist() == ids[j].tolist()
