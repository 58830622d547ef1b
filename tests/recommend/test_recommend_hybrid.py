"""The hybrid: validation inside the training data chooses hyperparameters and blend weights."""

import numpy as np
import pytest

from growthpilot.errors import DataError
from growthpilot.recommend import EASE, HybridRecommender
from growthpilot.recommend.data import encode
from growthpilot.recommend.validation import holdout, ndcg_from_scores, znorm


def test_holdout_is_per_user_and_disjoint(groups):
    enc = encode(groups, user_col="customer_id", item_col="product_id")
    inner, rows, truth = holdout(enc, ratio=0.25, user_share=0.5, seed=1)
    assert inner.matrix.shape == enc.matrix.shape
    assert inner.matrix.nnz + truth.nnz == enc.matrix.nnz
    assert inner.matrix.multiply(truth).nnz == 0
    n = np.diff(enc.matrix.indptr)
    out = np.diff(truth.indptr)
    assert len(rows) == 30  # half of the 60 customers
    assert np.all(out[rows] == n[rows] - np.round(0.75 * n[rows]))
    others = np.setdiff1d(np.arange(len(n)), rows)
    assert np.all(out[others] == 0)  # the other customers keep every row


def test_ndcg_from_scores_perfect_and_zero(groups):
    enc = encode(groups, user_col="customer_id", item_col="product_id")
    inner, rows, truth = holdout(enc, ratio=0.25, seed=1)
    perfect = truth[rows].toarray().astype(np.float32)
    assert ndcg_from_scores(perfect, rows, inner.seen, truth) == 1.0
    assert ndcg_from_scores(-perfect, rows, inner.seen, truth) < 0.5


def test_znorm_rows():
    z = znorm(np.array([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]))
    assert np.allclose(z[0].mean(), 0) and np.allclose(z[0].std(), 1)
    assert np.allclose(z[1], 0)


def test_hybrid_chooses_and_beats_popularity(groups):
    grid = {"ease": [{"l2_rel": 0.5}, {"l2_rel": 4.0}], "itemknn": [{"n_neighbors": 20}], "popularity": [{}]}
    model = HybridRecommender(grid=grid, time_budget_s=None).fit(groups)
    families = [c[0] for c in model.components_]
    assert families[0] in ("ease", "itemknn")
    assert all(c[2] > 0 for c in model.components_)
    tried = [v for v in model.validation_ if v["family"] == "ease"]
    assert len(tried) == 3  # two grid points + one refinement (the best is at an end of the grid)
    assert model.blend_ndcg_ >= max(v["ndcg"] for v in model.validation_ if v["ndcg"] is not None) - 1e-9
    ids, _ = model.recommend(["u0", "u50"], k=5)
    assert sum(int(i[1:]) < 20 for i in ids[0]) >= 4
    assert sum(int(i[1:]) >= 20 for i in ids[1]) >= 4
    assert "ease" in model.describe() or "itemknn" in model.describe()


def test_hybrid_skips_families_that_cannot_run(groups):
    grid = {"user_ease": [{"l2": 5.0, "max_users": 10}], "ease": [{"l2": 5.0}]}
    model = HybridRecommender(grid=grid).fit(groups)
    assert [c[0] for c in model.components_] == ["ease"]
    assert any(v.get("error") for v in model.validation_)


def test_hybrid_single_component_scores_like_the_component(groups):
    model = HybridRecommender(grid={"ease": [{"l2": 7.0}]}).fit(groups)
    alone = EASE(l2=7.0).fit(groups)
    assert model.recommend(["u3"], k=5)[0].tolist() == alone.recommend(["u3"], k=5)[0].tolist()


def test_hybrid_with_nothing_fittable_says_why(groups):
    with pytest.raises(DataError, match="max_users"):
        HybridRecommender(grid={"user_ease": [{"l2": 5.0, "max_users": 10}]}).fit(groups)
