"""The low-rank spectral filter (GF-CF's ideal low-pass) on tiny known examples."""

import numpy as np
import pandas as pd
import scipy.sparse as sp

from growthpilot.recommend import LowRankFilter
from growthpilot.recommend.lowrank import top_right_singular


def blocks() -> pd.DataFrame:
    """Two disjoint taste blocks (3 customers x 3 items each), one pair missing in each block."""
    rows = [(f"u{u}", f"i{i}") for u in range(3) for i in range(3) if (u, i) != (0, 2)]
    rows += [(f"u{u}", f"i{i}") for u in range(3, 6) for i in range(3, 6) if (u, i) != (5, 3)]
    return pd.DataFrame(rows, columns=["customer_id", "product_id"])


def test_rank_two_filter_matches_the_formula_and_stays_in_block():
    df = blocks()
    model = LowRankFilter(rank=2).fit(df)
    x = np.zeros((6, 6))
    for u, i in zip(df.customer_id, df.product_id, strict=True):
        x[int(u[1:]), int(i[1:])] = 1.0
    di = x.sum(0) ** -0.5
    r = x / np.sqrt(x.sum(1))[:, None] * di[None, :]
    v = np.linalg.svd(r)[2][:2].T
    expected = (x * di) @ v @ v.T / di
    got = model.score([f"u{u}" for u in range(6)])
    assert np.allclose(got, expected, atol=1e-5)
    assert np.allclose(got[:3, 3:], 0, atol=1e-5) and np.allclose(got[3:, :3], 0, atol=1e-5)
    ids, _ = model.recommend(["u0", "u5"], k=1)
    assert ids[:, 0].tolist() == ["i2", "i3"]  # the missing pair of each block


def test_truncated_svd_spans_the_leading_subspace():
    m = sp.random(60, 40, density=0.2, random_state=1, format="csr")
    m.data[:] = 1.0
    v = top_right_singular(m, 5)
    ref = np.linalg.svd(m.toarray())[2][:5].T
    assert v.shape == (40, 5)
    assert np.allclose(v @ v.T, ref @ ref.T, atol=1e-6)
    assert top_right_singular(m, 100).shape == (40, 40)  # capped at the matrix size (dense path)


def test_item_similarity_is_within_block():
    model = LowRankFilter(rank=2).fit(blocks())
    ids, _ = model.similar_items(["i0", "i4"], k=2)
    assert set(ids[0]) == {"i1", "i2"} and set(ids[1]) == {"i3", "i5"}


def test_shared_basis_gives_the_same_scores_as_a_fresh_fit():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"customer_id": rng.integers(0, 40, 400).astype(str),
                       "product_id": rng.integers(0, 30, 400).astype(str)})
    cache = {"rank_hint": 12}
    big = LowRankFilter(rank=12)
    big.shared_basis = cache
    big.fit(df)
    small = LowRankFilter(rank=5)
    small.shared_basis = cache
    small.fit(df)
    fresh = LowRankFilter(rank=5).fit(df)
    users = sorted(df.customer_id.unique())[:5]
    assert np.allclose(small.score(users), fresh.score(users), atol=1e-4)
