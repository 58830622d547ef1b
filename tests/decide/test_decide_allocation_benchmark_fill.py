"""The random and top-propensity plans of the allocation benchmark: filling a budget customer by customer."""

from __future__ import annotations

import numpy as np

from growthpilot.decide.allocation_benchmark import _fill


def test_fill_with_one_cost_stops_where_the_budget_ends():
    rng = np.random.default_rng(0)
    n = 50
    order, offer = rng.permutation(n), rng.integers(0, 2, n)
    cost = np.full((n, 2), 0.5)
    choice = _fill(order, offer, cost, budget=10.0)
    assert (choice >= 0).sum() == 20
    assert set(np.flatnonzero(choice >= 0)) == set(order[:20])
    assert (choice[choice >= 0] == offer[choice >= 0]).all()


def test_fill_goes_on_past_an_offer_that_does_not_fit():
    # a free offer (cost 0) beside a costly one: with the budget spent, free offers are still given;
    # stopping at the first offer that does not fit left almost everybody out (causalml-style impression costs)
    n = 40
    order = np.arange(n)
    offer = np.tile([1, 0], n // 2)  # costly first, then free, alternating
    cost = np.tile([0.0, 1.0], (n, 1))
    choice = _fill(order, offer, cost, budget=3.0)
    given = np.flatnonzero(choice >= 0)
    assert cost[given, choice[given]].sum() <= 3.0
    assert (choice[offer == 0] == 0).all()  # every free offer given
    assert (choice[offer == 1] == 1).sum() == 3  # and as many costly ones as the budget allows
    assert _fill(order, offer, cost, budget=0.0)[offer == 0].tolist() == [0] * (n // 2)


def test_fill_skips_a_costly_customer_for_cheaper_ones_further_down():
    order = np.arange(4)
    offer = np.zeros(4, dtype=int)
    cost = np.array([[2.0], [5.0], [1.0], [1.0]])
    assert _fill(order, offer, cost, budget=4.0).tolist() == [0, -1, 0, 0]
