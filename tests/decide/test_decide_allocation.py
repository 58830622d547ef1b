import itertools

import numpy as np
import pytest

from growthpilot.decide.allocation import OfferAllocator, _assign, _greedy
from growthpilot.decide.allocation_benchmark import run_allocation_benchmark
from growthpilot.decide.targeting import plan_offers
from growthpilot.simulate.offers import simulate_offers_experiment


def _brute(P, C, budget, cap, E):
    n, m = P.shape
    best = 0.0
    for combo in itertools.product(range(-1, m), repeat=n):
        ch = np.array(combo)
        rows = np.flatnonzero(ch >= 0)
        if (~E[rows, ch[rows]]).any() or C[rows, ch[rows]].sum() > budget:
            continue
        if (np.bincount(ch[rows], minlength=m) > cap).any():
            continue
        best = max(best, P[rows, ch[rows]].sum())
    return best


def test_milp_is_exact_on_small_problems():
    rng = np.random.default_rng(0)
    for _ in range(5):
        P, C = rng.normal(1, 1, (6, 3)), rng.uniform(0.5, 2, (6, 3))
        E = rng.random((6, 3)) > 0.2
        cap = np.array([2, 2, 1])
        res = OfferAllocator(method="milp").allocate(P, C, budget=4.0, capacity=cap, eligible=E)
        assert res.total_profit == pytest.approx(_brute(P, C, 4.0, cap, E), rel=1e-6)


def test_greedy_close_to_exact_and_feasible():
    rng = np.random.default_rng(1)
    n = 3000
    P, C = rng.normal(0.2, 1, (n, 4)), rng.uniform(0.1, 2, (n, 4))
    E = rng.random((n, 4)) > 0.1
    cap = np.array([300, 300, 200, 500])
    exact = OfferAllocator(method="milp").allocate(P, C, budget=400, capacity=cap, eligible=E)
    greedy = OfferAllocator(method="greedy").allocate(P, C, budget=400, capacity=cap, eligible=E)
    for r in (exact, greedy):
        rows = np.flatnonzero(r.choice >= 0)
        assert r.total_cost <= 400 + 1e-6
        assert (r.counts(4) <= cap).all()
        assert E[rows, r.choice[rows]].all() and (P[rows, r.choice[rows]] > 0).all()
    assert greedy.total_profit >= 0.97 * exact.total_profit


def test_plan_offers_explains_every_choice():
    u = np.array([[0.05, 0.08], [0.0, 0.01], [0.1, 0.02]])
    plan = plan_offers(["c1", "c2", "c3"], ["d10", "d20"], uplift=u, margin=np.array([40.0, 40, 40]),
                       cost=np.full((3, 2), 0.5), eligible=np.array([[1, 1], [1, 1], [0, 1]], bool),
                       include_unassigned=True, plan_id="p1")
    by = plan.set_index("customer_id")
    assert by.loc["c1", "offer"] == "d20" and "next best d10" in by.loc["c1", "reason"]
    assert by.loc["c3", "offer"] == "d20"  # d10 would pay more but is not allowed
    assert by.loc["c2", "offer"] is None and "no offer pays" in by.loc["c2", "reason"]


def test_offers_simulator_truth_is_consistent():
    df, truth = simulate_offers_experiment(2000, seed=3)
    assert len(truth) == 4 * len(df)
    assert np.allclose(truth.p_treated - truth.base_prob, truth.true_uplift)
    assert (truth.true_profit.round(8) == (truth.true_uplift * truth.margin - truth.cost).round(8)).all()
    # randomised: arms balanced
    assert df.arm.value_counts().min() > 300


def test_allocation_benchmark_beats_random_small():
    pytest.importorskip("growthpilot.simulate", reason="needs the project's experiment simulator")
    res = run_allocation_benchmark(simulator="email", n_train=6000, n_test=3000, learners=("t",), cv=2, seed=0)
    assert res["share_of_oracle"] > 0.5
    p = {r["plan"]: r["true_incremental_profit"] for r in res["plans"]}
    assert p["oracle"] >= p["model"] > 1.2 * p["random"]
    assert all(r["true_cost"] <= res["budget"] + 0.01 for r in res["plans"] if r["plan"] in ("model", "oracle"))


def _assign_reference(score, cap):
    """The best-first fill as first written (every round sorted in full), to check the faster one against."""
    n, m = score.shape
    order = np.argsort(-score, axis=1)
    choice = np.full(n, -1)
    left = cap.astype(float).copy()
    open_ = np.ones(n, dtype=bool)
    for r in range(m):
        j = order[:, r]
        s = score[np.arange(n), j]
        idx = np.flatnonzero(open_ & (s > 0))
        if idx.size == 0:
            break
        idx = idx[np.argsort(-s[idx], kind="stable")]
        jj = j[idx]
        rank = np.empty(idx.size, dtype=int)
        for o in np.unique(jj):
            pos = np.flatnonzero(jj == o)
            rank[pos] = np.arange(pos.size)
        ok = rank < left[jj]
        choice[idx[ok]] = jj[ok]
        open_[idx[ok]] = False
        left -= np.bincount(jj[ok], minlength=m)
    return choice


def _instance(rng, n, m, ties):
    if ties:  # coarse values: many customers with two offers at the same top score
        P, C = rng.integers(-2, 5, (n, m)).astype(float), rng.integers(0, 3, (n, m)).astype(float)
    else:
        P, C = rng.normal(0.2, 1, (n, m)), rng.uniform(0.1, 2, (n, m))
    return P, C, (rng.random((n, m)) > 0.1) & (P > 0)


@pytest.mark.parametrize("ties", [False, True])
def test_greedy_fast_path_matches_general_path_when_capacity_does_not_bind(ties):
    rng = np.random.default_rng(5)
    n, m = 4000, 4
    P, C, cand = _instance(rng, n, m, ties)
    full = np.where(cand, C, 0).max(axis=1).sum()
    for cap in (np.full(m, n, float), cand.sum(axis=0).astype(float)):  # the second: exactly enough
        for budget in (np.inf, 0.3 * full, 0.8 * full, 0.0):
            fast, lam_fast = _greedy(P, C, cand, budget, cap)
            slow, lam_slow = _greedy(P, C, cand, budget, cap, fast=False)
            assert np.array_equal(fast, slow) and lam_fast == lam_slow
    for lam in (0.0, 0.37, 1.5):
        score = np.where(cand, P - lam * C, -np.inf)
        assert np.array_equal(_assign(score, np.full(m, n, float)), _assign_reference(score, np.full(m, n, float)))


@pytest.mark.parametrize("ties", [False, True])
def test_greedy_matches_reference_when_capacity_binds(ties):
    rng = np.random.default_rng(6)
    n, m = 4000, 4
    P, C, cand = _instance(rng, n, m, ties)
    cap = np.array([300.0, 150.0, 1000.0, 2.0])
    full = np.where(cand, C, 0).max(axis=1).sum()
    for budget in (np.inf, 0.1 * full, 0.5 * full):
        fast, lam_fast = _greedy(P, C, cand, budget, cap)
        slow, lam_slow = _greedy(P, C, cand, budget, cap, fast=False)
        assert np.array_equal(fast, slow) and lam_fast == lam_slow
        counts = np.bincount(fast[fast >= 0], minlength=m)
        assert (counts <= cap).all() and (counts[[1, 3]] == [150, 2]).all()  # capacity binds
        rows = np.flatnonzero(fast >= 0)
        assert cand[rows, fast[rows]].all() and C[rows, fast[rows]].sum() <= budget + 1e-9
    for lam in (0.0, 0.37, 1.5):
        score = np.where(cand, P - lam * C, -np.inf)
        assert np.array_equal(_assign(score, cap), _assign_reference(score, cap))


def test_auto_skips_the_solver_only_when_the_greedy_plan_is_certified_optimal():
    rng = np.random.default_rng(3)
    n = 4000
    P, C = rng.normal(0.3, 1, (n, 3)), rng.uniform(0.1, 2, (n, 3))
    auto = OfferAllocator(method="auto").allocate(P, C, budget=300)
    exact = OfferAllocator(method="milp").allocate(P, C, budget=300)
    assert auto.method == "greedy" and "Lagrangian bound" in auto.status
    assert auto.total_cost <= 300 + 1e-6
    assert auto.total_profit >= exact.total_profit * (1 - 1e-4)  # as good as HiGHS within its gap
    # a tiny problem has no certificate (one customer's offer is a large share of the bound): HiGHS solves it
    P, C = rng.normal(1, 1, (6, 3)), rng.uniform(0.5, 2, (6, 3))
    small = OfferAllocator(method="auto").allocate(P, C, budget=2.5)
    assert small.method == "milp"
    assert small.total_profit == pytest.approx(_brute(P, C, 2.5, np.full(3, 6), np.ones((6, 3), bool)), rel=1e-6)
    # binding capacities: no Lagrangian certificate here, the exact solver runs
    capped = OfferAllocator(method="auto").allocate(P, C, budget=2.5, capacity=np.array([1, 1, 1]))
    assert capped.method == "milp"
