import numpy as np
import pytest

from growthpilot.decide import (
    bootstrap_ci,
    qini_auc_score,
    qini_curve,
    uplift_at_k,
    uplift_auc_score,
    uplift_curve,
)
from growthpilot.errors import DataError


def _data(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    t = rng.integers(0, 2, n)
    tau = 0.3 * x - 0.05
    y = (rng.random(n) < 0.2 + t * tau).astype(int)
    return y, t, tau


def test_curves_by_hand():
    y = np.array([1, 0, 1, 0])
    t = np.array([1, 1, 0, 0])
    u = np.array([0.4, 0.3, 0.2, 0.1])
    x, q = qini_curve(y, u, t)
    # top1: 1 treated responder; top3: Yt=1, Yc=1, Nt=2, Nc=1 -> 1 - 1*2 = -1; all: 1 - 1 = 0
    assert x.tolist() == [0, 1, 2, 3, 4] and q.tolist() == [0, 1, 1, -1, 0]
    x, v = uplift_curve(y, u, t)
    assert v.tolist() == pytest.approx([0, 1, 1, -1.5, 0])  # top 3: (1/2 - 1/1) * 3


def test_uplift_at_k_strategies():
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
    t = np.array([1, 0, 1, 0, 1, 0, 1, 0, 1, 0])
    u = -np.arange(10.0)
    # overall top 40%: rows 0-3 -> treated mean 1, control mean 0
    assert uplift_at_k(y, u, t, k=0.4, strategy="overall") == 1.0
    # by group: top 40% of each group: treated rows 0,2 (int(5*.4)=2) -> 1; control rows 1,3 -> 0
    assert uplift_at_k(y, u, t, k=0.4, strategy="by_group") == 1.0
    with pytest.raises(DataError):
        uplift_at_k(y, u, t, k=1.5)


def test_normalised_scores_perfect_random_and_true_ordering():
    y, t, tau = _data()
    assert qini_auc_score(y, y * t - y * (1 - t), t) == pytest.approx(1.0)
    good = qini_auc_score(y, tau, t)
    rnd = qini_auc_score(y, np.random.default_rng(1).random(len(y)), t)
    assert good > 0.1 and abs(rnd) < good
    assert uplift_auc_score(y, tau, t) > uplift_auc_score(y, -tau, t)
    assert uplift_at_k(y, tau, t, k=0.3) > uplift_at_k(y, -tau, t, k=0.3)


def test_bootstrap_ci_brackets_estimate():
    y, t, tau = _data(2000)
    est, lo, hi = bootstrap_ci(qini_auc_score, y, tau, t, n_boot=50)
    assert lo <= est <= hi and hi - lo < 1


def test_needs_both_groups():
    with pytest.raises(DataError, match="both treated and control"):
        qini_auc_score([1, 0], [0.1, 0.2], [1, 1])
