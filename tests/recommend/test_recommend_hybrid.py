"""The hybrid: validation inside the training data chooses hyperparameters and blend weights."""

import numpy as np
import pandas as pd
import pytest

from growthpilot.errors import DataError
from growthpilot.recommend import EASE, HybridRecommender
from growthpilot.recommend.data import encode
from growthpilot.recommend.validation import holdout, holdout_folds, ndcg_from_scores, znorm


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


def test_holdout_folds_are_disjoint_and_cover_every_customer(groups):
    enc = encode(groups, user_col="customer_id", item_col="product_id")
    folds = holdout_folds(enc, ratio=0.25, user_share=0.5, n_folds=2, seed=3)
    assert len(folds) == 2
    a, b = folds[0][1], folds[1][1]
    assert not set(a) & set(b) and len(a) + len(b) == 60
    for inner, rows, truth in folds:
        assert inner.matrix.nnz + truth.nnz == enc.matrix.nnz
        assert set(np.flatnonzero(np.diff(truth.indptr))) == set(rows)
    with pytest.raises(ValueError):
        holdout_folds(enc, user_share=0.6, n_folds=2)


def test_hybrid_refines_integer_and_float_hyperparameters_over_two_folds(groups):
    grid = {"lowrank": [{"rank": 2}, {"rank": 8}],
            "als": [{"factors": 4, "regularization": r, "alpha": 10.0, "iterations": 5, "num_threads": 1}
                    for r in (0.1, 10.0)]}
    model = HybridRecommender(grid=grid, n_folds=2).fit(groups)
    ranks = [v["params"]["rank"] for v in model.validation_ if v["family"] == "lowrank"]
    assert len(ranks) == 3 and ranks[2] == 4 and isinstance(ranks[2], int)  # sqrt(2 * 8)
    regs = [v["params"]["regularization"] for v in model.validation_ if v["family"] == "als"]
    assert len(regs) == 3 and regs[2] == 1.0  # sqrt(0.1 * 10)
    assert model.blend_ndcg_ >= max(v["ndcg"] for v in model.validation_) - 1e-9
    ids, _ = model.recommend(["u0", "u50"], k=5)
    assert sum(int(i[1:]) < 20 for i in ids[0]) >= 4 and sum(int(i[1:]) >= 20 for i in ids[1]) >= 4


def test_default_grid_fits_ease_in_the_cheaper_direction(groups):
    model = HybridRecommender(time_budget_s=None).fit(groups)
    families = {v["family"] for v in model.validation_}
    assert "ease" in families and "user_ease" not in families  # 40 items < 60 customers
    assert {"als", "lowrank"} <= families
    assert model.n_folds_ == 2  # small data: "auto" scores every customer once
    assert HybridRecommender(grid={"ease": [{"l2": 7.0}]}, n_folds=1).fit(groups).n_folds_ == 1


def test_fast_ndcg_equals_the_ms_metric(groups):
    from growthpilot.recommend.base import top_k
    from growthpilot.recommend.metrics import ranking_metrics

    enc = encode(groups, user_col="customer_id", item_col="product_id")
    inner, rows, truth = holdout(enc, ratio=0.25, seed=4)
    scores = np.random.default_rng(0).random((len(rows), enc.matrix.shape[1])).astype(np.float32)
    fast = ndcg_from_scores(scores, rows, inner.seen, truth, k=5)
    masked = scores.copy()
    r, c = inner.seen[rows].nonzero()
    masked[r, c] = -np.inf
    idx, val = top_k(masked, 5)
    pred = pd.DataFrame({"u": np.repeat(rows, 5), "i": idx.ravel(), "prediction": val.ravel()})
    tr, tc = truth[rows].nonzero()
    true = pd.DataFrame({"u": rows[tr], "i": tc})
    assert fast == pytest.approx(ranking_metrics(true, pred, k=5, col_user="u", col_item="i")["ndcg_at_k"], abs=1e-12)


def test_small_profiles_still_get_a_validation_item_and_one_item_customers_do_not_break_fit():
    df = pd.DataFrame({"customer_id": ["a", "a", "b", "b", "c", "c", "c"],
                       "product_id": ["x", "y", "x", "z", "y", "z", "w"]})
    enc = encode(df, user_col="customer_id", item_col="product_id")
    inner, rows, truth = holdout(enc, ratio=0.1, user_share=1.0, seed=0)
    assert len(rows) == 3 and np.all(np.diff(truth.indptr)[rows] == 1)  # 10 % of 2-3 items rounds to 0
    single = pd.DataFrame({"customer_id": ["a", "b", "c"], "product_id": ["x", "y", "x"]})
    model = HybridRecommender(grid={"popularity": [{}], "itemknn": [{"n_neighbors": 5}]}).fit(single)
    ids, _ = model.recommend(["b"], k=1)
    assert ids[0, 0] == "x"


def test_fast_ndcg_gives_tied_items_their_expected_gain():
    import scipy.sparse as sp

    d1, d2, d3 = 1 / np.log(2), 1 / np.log(3), 1 / np.log(4)
    seen = sp.csr_matrix((1, 4), dtype=bool)
    truth = sp.csr_matrix(np.array([[1.0, 0, 0, 0]]))
    rows = np.array([0])
    # tied at the k-th score: 3 items share 2 slots
    assert ndcg_from_scores(np.array([[1.0, 1, 1, 0]]), rows, seen, truth, k=2) == pytest.approx((d1 + d2) / 3 / d1)
    # tied above it: the pair takes ranks 1 and 2 in either order
    assert ndcg_from_scores(np.array([[2.0, 2, 1, 0]]), rows, seen, truth, k=3) == pytest.approx((d1 + d2) / 2 / d1)
    assert ndcg_from_scores(np.array([[1.0, 2, 3, 4]]), rows, seen, truth, k=3) == 0.0
    assert ndcg_from_scores(np.array([[1.0, 2, 3, 0]]), rows, seen, truth, k=3) == pytest.approx(d3 / d1)
    s = np.array([[1.0, 2, 3, 0]])
    ndcg_from_scores(s, rows, sp.csr_matrix(np.array([[0, 1, 0, 0]], dtype=bool)), truth, k=3)
    assert np.array_equal(s, [[1.0, 2, 3, 0]])  # the masking of seen items is undone


def test_hybrid_tries_the_session_gram_for_item_ease_on_timed_data(groups):
    timed = HybridRecommender().fit(groups, time_col="ts")
    assert any("session_tau" in v["params"] for v in timed.validation_ if v["family"] == "ease")
    untimed = HybridRecommender().fit(groups)
    assert not any("session_tau" in (v["params"] or {}) for v in untimed.validation_)


def test_per_user_ndcg_averages_to_the_mean(groups):
    enc = encode(groups, user_col="customer_id", item_col="product_id")
    inner, rows, truth = holdout(enc, ratio=0.25, seed=1)
    scores = np.random.default_rng(0).random(enc.matrix.shape).astype(np.float32)
    per = ndcg_from_scores(scores, rows, inner.seen, truth, k=5, per_user=True)
    assert per.shape == (len(rows),) and np.all((per >= 0) & (per <= 1))
    assert per.mean() == pytest.approx(ndcg_from_scores(scores, rows, inner.seen, truth, k=5))


def test_guarded_refinement_keeps_the_best_unless_the_gain_clears_the_noise():
    model = HybridRecommender(refine_z=1.0)
    old = np.array([0.5, 0.5, 0.5, 0.5])
    assert not model._clears_noise(old + np.array([0.2, -0.2, 0.1, 0.0]), old)  # mean .025, SE .08
    assert model._clears_noise(old + 0.1, old)  # a consistent gain has no noise
    assert HybridRecommender(refine_z=0.0)._clears_noise(old + np.array([0.2, -0.2, 0.1, 0.0]), old)


def test_families_far_behind_the_leader_are_not_refined(groups):
    grid = {"lowrank": [{"rank": 2}, {"rank": 8}], "popularity": [{}]}
    refined = HybridRecommender(grid=grid, refine_within=0.0).fit(groups)
    assert len([v for v in refined.validation_ if v["family"] == "lowrank"]) == 3
    # above 1 no family, not even the leader itself, clears the bar: the grid points only
    plain = HybridRecommender(grid=grid, refine_within=1.01).fit(groups)
    assert len([v for v in plain.validation_ if v["family"] == "lowrank"]) == 2
    leader = max(v["ndcg"] for v in plain.validation_ if v["ndcg"] is not None)
    assert plain.blend_ndcg_ >= leader - 1e-9


def test_second_draw_tunes_ease_on_both_draws_and_scores_the_others_best_setting_on_both(groups):
    grid = {"ease": [{"l2": 7.0}, {"l2": 70.0}], "lowrank": [{"rank": 2}, {"rank": 8}]}
    one = HybridRecommender(grid=grid, n_draws=1, refine_within=0.0).fit(groups)
    two = HybridRecommender(grid=grid, n_draws=2, refine_within=0.0).fit(groups)
    assert (one.n_folds_, one.n_draws_, two.n_folds_, two.n_draws_) == (2, 1, 2, 2)
    assert HybridRecommender(grid={"ease": [{"l2": 7.0}]}).fit(groups).n_draws_ == 2  # "auto": small data

    def log(m, family):
        return [v["ndcg"] for v in m.validation_ if v["family"] == family]

    assert log(one, "ease")[:2] != log(two, "ease")[:2]  # EASE trials average over both draws
    lr1, lr2 = log(one, "lowrank"), log(two, "lowrank")
    assert len(lr1) == len(lr2) == 3  # the same search on the first draw ...
    changed = [a != b for a, b in zip(lr1, lr2, strict=True)]
    assert sum(changed) == 1 and lr1[int(np.argmax(changed))] == max(lr1)  # ... only the best rescored
    rescored = lr2[int(np.argmax(changed))]
    assert two.blend_ndcg_ >= max(log(two, "ease") + [rescored]) - 1e-9  # the blend is scored on both draws
