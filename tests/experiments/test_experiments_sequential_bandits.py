import numpy as np

from growthpilot.experiments import (
    BernoulliThompson,
    RevenueThompson,
    UniformPolicy,
    msprt_pvalues,
    simulate_peeking,
    simulate_regret,
)


def test_peeking_is_safe_with_msprt_not_with_naive_tests():
    r = simulate_peeking(n_sims=300, n_max=2000, looks=40, p=0.1, seed=3)
    assert r.naive_type1 > 0.15          # peeking at a fixed-horizon test inflates false positives
    assert r.msprt_type1 <= 0.05 + 0.03  # always-valid: at most alpha (plus simulation noise)


def test_msprt_detects_real_effect_and_is_monotone():
    rng = np.random.default_rng(0)
    p = msprt_pvalues((rng.random(4000) < 0.10).astype(float), (rng.random(4000) < 0.14).astype(float), tau=0.05)
    assert (np.diff(p) <= 0).all() and p[-1] < 0.05


def test_thompson_clicks_lower_regret_than_uniform():
    means = [0.04, 0.05, 0.07]

    def reward(arm, rng):
        return float(rng.random() < means[arm])

    ts = simulate_regret(BernoulliThompson(n_arms=3, random_state=0), reward, means, horizon=6000, seed=1)
    uni = simulate_regret(UniformPolicy(n_arms=3, random_state=0), reward, means, horizon=6000, seed=1)
    assert ts.total < 0.6 * uni.total
    assert ts.pulls.argmax() == 2


def test_thompson_revenue_finds_best_revenue_arm():
    # arm 1 converts less but with much bigger baskets: best revenue per visitor
    conv, mu = [0.10, 0.07, 0.10], [3.0, 4.0, 3.2]
    means = [c * np.exp(m + 0.5 * 0.25) for c, m in zip(conv, mu, strict=True)]

    def reward(arm, rng):
        return float(np.exp(rng.normal(mu[arm], 0.5))) if rng.random() < conv[arm] else 0.0

    res = simulate_regret(RevenueThompson(n_arms=3, random_state=0), reward, means, horizon=4000, seed=2)
    assert res.pulls.argmax() == 1
    uni = simulate_regret(UniformPolicy(n_arms=3, random_state=0), reward, means, horizon=4000, seed=2)
    assert res.total < uni.total
