"""EASE variants: DLAE / EDLAE (Steck 2020) closed forms and the re-weighted Gram matrix."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from growthpilot.errors import DataError
from growthpilot.recommend import EASE, HybridRecommender, UserEASE
from growthpilot.recommend.ease import ease_weights, gram_input


def _x(seed: int = 0, shape=(30, 6)) -> np.ndarray:
    return (np.random.default_rng(seed).random(shape) < 0.4).astype(float)


def _frame(x: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame([(f"u{u:02d}", f"i{i}") for u, i in zip(*np.nonzero(x), strict=True)],
                        columns=["customer_id", "product_id"])


def test_dlae_without_dropout_is_ridge_least_squares():
    x = _x()
    g = x.T @ x
    b = ease_weights(g.copy(), 2.0, dropout=0.0, zero_diagonal=False)
    assert np.allclose(b, np.linalg.solve(g + 2.0 * np.eye(6), g), atol=1e-5)


def test_dlae_closed_form_is_the_dropout_penalised_minimiser():
    x = _x(1)
    g = x.T @ x
    p, l2 = 0.4, 1.5
    lam = l2 + p / (1 - p) * np.diag(g)
    b = ease_weights(g.copy(), l2, dropout=p, zero_diagonal=False).astype(float)
    assert np.allclose(b, np.linalg.solve(g + np.diag(lam), g), atol=1e-5)
    # gradient of ||X - XB||^2 + ||Lambda^1/2 B||^2 vanishes
    grad = -x.T @ (x - x @ b) + lam[:, None] * b
    assert np.abs(grad).max() < 1e-4


def test_edlae_zero_diagonal_stationarity_and_ease_limit():
    x = _x(2)
    g = x.T @ x
    p, l2 = 0.5, 1.0
    lam = l2 + p / (1 - p) * np.diag(g)
    b = ease_weights(g.copy(), l2, dropout=p, zero_diagonal=True).astype(float)
    assert np.allclose(np.diag(b), 0)
    grad = -x.T @ (x - x @ b) + lam[:, None] * b
    assert np.abs(grad[~np.eye(6, dtype=bool)]).max() < 1e-4
    # dropout 0 is plain EASE
    assert np.allclose(ease_weights(g.copy(), 3.0, dropout=0.0), ease_weights(g.copy(), 3.0))


@pytest.mark.parametrize("model", [EASE(l2=10.0, dropout=0.5, zero_diagonal=False),
                                   EASE(l2=10.0, dropout=0.3),
                                   UserEASE(l2=10.0, dropout=0.5, zero_diagonal=False)])
def test_dlae_models_never_recommend_seen_items(model, groups):
    model.fit(groups)
    users = sorted(groups["customer_id"].unique())[:10]
    ids, scores = model.recommend(users, k=5)
    seen = set(zip(groups["customer_id"], groups["product_id"], strict=True))
    assert all((u, i) not in seen for u, row in zip(users, ids, strict=True) for i in row if i is not None)
    assert np.all(np.diff(scores, axis=1) <= 1e-6)


def test_user_dlae_matches_closed_form_scores():
    x = _x(3, (8, 12))
    df = _frame(x)
    model = UserEASE(l2=2.0, dropout=0.5, zero_diagonal=False).fit(df)
    xs = model.user_matrix_.toarray()  # customers x items in the model's order
    k = xs @ xs.T
    lam = 2.0 + np.diag(k)
    w = np.linalg.solve(k + np.diag(lam), k)
    assert np.allclose(model.score(model.user_ids_), w.T @ xs, atol=1e-4)


def test_bad_dropout_is_a_clear_error(groups):
    with pytest.raises(DataError, match="dropout"):
        EASE(dropout=1.0).fit(groups)


def test_hybrid_can_validate_dlae(groups):
    grid = {"user_ease": [{"l2": 10.0}, {"l2": 10.0, "dropout": 0.5, "zero_diagonal": False}]}
    model = HybridRecommender(grid=grid).fit(groups)
    tried = [v["params"] for v in model.validation_ if v["family"] == "user_ease"]
    assert any(p.get("dropout") == 0.5 for p in tried)
    assert model.recommend(["u0"], k=3)[0].shape == (1, 3)


def test_gram_input_reweights_and_keeps_scale():
    x = sp.csr_matrix(_x(4, (10, 7)))
    assert np.allclose(gram_input(x).toarray(), x.toarray())
    xn = gram_input(x, 0.5, 0.25).toarray()
    d = x.toarray()
    act, pop = np.maximum(d.sum(1), 1), np.maximum(d.sum(0), 1)
    ref = d * act[:, None] ** -0.5 * pop[None, :] ** -0.25
    ref *= np.sqrt((d ** 2).sum() / (ref ** 2).sum())
    assert np.allclose(xn, ref)


@pytest.mark.parametrize("cls", [EASE, UserEASE])
def test_reweighted_ease_learns_on_normalised_gram_and_scores_raw_rows(cls):
    x = _x(5, (12, 9))
    df = _frame(x)
    model = cls(l2=1.0, user_exponent=0.5, item_exponent=0.25).fit(df)
    raw = model.user_matrix_.toarray()  # customers x items in the model's order
    xn = gram_input(sp.csr_matrix(raw), 0.5, 0.25).toarray()
    if cls is EASE:
        expected = raw @ ease_weights(xn.T @ xn, 1.0)
    else:
        expected = ease_weights(xn @ xn.T, 1.0).T @ raw
    assert np.allclose(model.score(model.user_ids_), expected, atol=1e-4)
    plain = cls(l2=1.0).fit(df).score(model.user_ids_)
    assert not np.allclose(plain, expected)  # the re-weighting changes the model


def test_default_hybrid_validates_gram_reweighting(groups):
    model = HybridRecommender().fit(groups)
    tried = [v["params"] for v in model.validation_ if v["family"] in ("ease", "user_ease") and v["ndcg"] is not None]
    assert any("user_exponent" in p for p in tried) and any("user_exponent" not in p for p in tried)


def test_spd_inverse_is_the_inverse_and_signals_an_indefinite_matrix():
    from growthpilot.recommend.ease import spd_inverse

    x = _x(3, (40, 7))
    a = x.T @ x + 2.0 * np.eye(7)
    assert np.allclose(spd_inverse(a), np.linalg.inv(a), atol=1e-5)
    assert spd_inverse(np.array([[1.0, 2.0], [2.0, 1.0]])) is None
    g = np.array([[1.0, 2.0], [2.0, 1.0]])  # indefinite even with l2 = 0.5: the float64 LU fallback
    p = np.linalg.inv(g + 0.5 * np.eye(2))
    expect = p / -np.diag(p)
    np.fill_diagonal(expect, 0.0)
    assert np.allclose(ease_weights(g, 0.5), expect, atol=1e-6)


def test_ease_weights_leave_the_gram_untouched():
    g = _x(4).T @ _x(4)
    before = g.copy()
    ease_weights(g, 3.0, dropout=0.2)
    assert np.array_equal(g, before)


def test_session_gram_is_the_kernel_sum_over_each_customers_pairs():
    from growthpilot.recommend.ease import session_gram

    rng = np.random.default_rng(0)
    t = np.where(rng.random((25, 9)) < 0.5, rng.random((25, 9)) * 1000 + 1, 0)
    t[0, :4] = 5.0  # equal times
    brute = np.zeros((9, 9))
    for row in t:
        ii = np.flatnonzero(row)
        brute[np.ix_(ii, ii)] += np.exp(-np.abs(row[ii][:, None] - row[ii][None, :]) / 50.0)
    assert np.allclose(session_gram(sp.csr_matrix(t), 50.0, cutoff=1e9), brute, atol=1e-4)
    near = session_gram(sp.csr_matrix(t), 50.0)  # pairs over 8 tau apart dropped: weight < e^-8
    assert np.abs(near - brute).max() < 1e-3 * np.abs(brute).max()


def test_encode_keeps_pair_times_and_holdout_keeps_only_the_training_pairs(groups):
    from growthpilot.recommend.data import encode
    from growthpilot.recommend.validation import holdout

    enc = encode(groups, user_col="customer_id", item_col="product_id", time_col="ts")
    assert enc.times is not None and enc.times.nnz == enc.seen.nnz and enc.times.data.min() >= 1.0
    inner, _, truth = holdout(enc, ratio=0.25, seed=2)
    assert inner.times.nnz == inner.seen.nnz and inner.times.multiply(truth).nnz == 0
    assert encode(groups, user_col="customer_id", item_col="product_id").times is None


def test_session_ease_uses_times_only_when_given(groups):
    plain = EASE(l2=5.0).fit(groups).weights_
    untimed = EASE(l2=5.0, session_tau=60.0).fit(groups).weights_
    timed = EASE(l2=5.0, session_tau=86400.0).fit(groups, time_col="ts").weights_
    assert np.allclose(plain, untimed)
    assert not np.allclose(plain, timed)
    ids, _ = EASE(l2=5.0, session_tau=86400.0).fit(groups, time_col="ts").recommend(["u0", "u45"], k=5)
    assert all(int(i[1:]) < 20 for i in ids[0]) and all(int(i[1:]) >= 20 for i in ids[1])


def test_strength_input_weights_by_value_over_mean():
    from growthpilot.recommend.ease import strength_input

    m = sp.csr_matrix(np.array([[1.0, 4.0, 0.0], [0.0, 2.0, 5.0]]))
    assert np.array_equal(strength_input(m, 0.0).toarray(), (m.toarray() > 0).astype(float))
    w = strength_input(m, 0.5).toarray()
    assert np.allclose(w, np.where(m.toarray() > 0, np.sqrt(m.toarray() / 3.0), 0.0))


@pytest.mark.parametrize("cls", [EASE, UserEASE])
def test_rating_weighted_ease_learns_and_scores_on_the_weighted_rows(cls, groups):
    model = cls(l2=5.0, rating_exponent=0.5).fit(groups, rating_col="rating")
    xw = model.user_matrix_.toarray()  # customers x items, the weighted input
    rows = pd.Index(model.user_ids_).get_indexer(groups["customer_id"])
    cols = pd.Index(model.item_ids_).get_indexer(groups["product_id"])
    r = groups["rating"].to_numpy(dtype=float)
    assert np.allclose(xw[rows, cols], np.sqrt(r / r.mean()), atol=1e-6)
    expected = xw @ ease_weights(xw.T @ xw, 5.0) if cls is EASE else ease_weights(xw @ xw.T, 5.0).T @ xw
    assert np.allclose(model.score(model.user_ids_), expected, atol=1e-4)
    plain = cls(l2=5.0).fit(groups, rating_col="rating").score(model.user_ids_)
    assert not np.allclose(plain, expected)
    assert np.allclose(plain, cls(l2=5.0).fit(groups).score(model.user_ids_))  # 0/1 by default


def test_hybrid_tries_rating_weights_only_when_strengths_vary(groups):
    rated = HybridRecommender().fit(groups, rating_col="rating")
    assert any("rating_exponent" in v["params"] for v in rated.validation_ if v["family"] in ("ease", "user_ease"))
    plain = HybridRecommender().fit(groups)
    assert not any("rating_exponent" in (v["params"] or {}) for v in plain.validation_)
