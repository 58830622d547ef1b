"""Thompson-sampling bandits for clicks (Beta-Bernoulli) and revenue (conversion x log-normal basket).

>>> b = BernoulliThompson(n_arms=2, random_state=0)
>>> b.update(0, 1); b.update(1, 0)
>>> b.select() in (0, 1)
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from growthpilot.errors import DataError


class BernoulliThompson:
    """Beta(alpha, beta) posterior per arm on a click or conversion rate."""

    def __init__(self, *, n_arms: int, prior: tuple[float, float] = (1.0, 1.0), random_state: int = 0) -> None:
        if n_arms < 2:
            raise DataError("a bandit needs at least two arms")
        self.n_arms = n_arms
        self.prior = prior
        self.random_state = random_state
        self.successes_ = np.zeros(n_arms)
        self.failures_ = np.zeros(n_arms)
        self._rng = np.random.default_rng(random_state)

    def sample(self) -> np.ndarray:
        """One draw of every arm's rate from its posterior."""
        return self._rng.beta(self.prior[0] + self.successes_, self.prior[1] + self.failures_)

    def select(self) -> int:
        """The arm to show next: the argmax of one posterior draw."""
        return int(np.argmax(self.sample()))

    def update(self, arm: int, reward: float) -> None:
        self.successes_[arm] += reward
        self.failures_[arm] += 1 - reward

    def prob_best(self, draws: int = 10000) -> np.ndarray:
        """Posterior probability that each arm has the highest rate."""
        s = self._rng.beta(self.prior[0] + self.successes_[:, None], self.prior[1] + self.failures_[:, None],
                           (self.n_arms, draws))
        return np.bincount(s.argmax(axis=0), minlength=self.n_arms) / draws


class RevenueThompson:
    """Revenue per visitor = P(buy) x E[basket]: Beta on buying, Normal-Gamma on log basket values.

    The expected basket of a log-normal is ``exp(mu + sigma^2 / 2)``; both ``mu`` and the precision are
    drawn from their Normal-Gamma posterior, so the arm choice accounts for uncertainty in both parts.
    """

    def __init__(self, *, n_arms: int, random_state: int = 0, mu0: float = 3.0, kappa0: float = 1.0,
                 a0: float = 2.0, b0: float = 1.0) -> None:
        if n_arms < 2:
            raise DataError("a bandit needs at least two arms")
        self.n_arms = n_arms
        self.random_state = random_state
        self.mu0, self.kappa0, self.a0, self.b0 = mu0, kappa0, a0, b0
        self.buy_ = BernoulliThompson(n_arms=n_arms, random_state=random_state)
        self.n_ = np.zeros(n_arms)
        self.sum_ = np.zeros(n_arms)
        self.sumsq_ = np.zeros(n_arms)
        self._rng = np.random.default_rng(random_state + 1)

    def sample(self) -> np.ndarray:
        """One draw of every arm's expected revenue per visitor."""
        n = self.n_
        mean = np.divide(self.sum_, n, out=np.zeros_like(n), where=n > 0)
        ss = np.maximum(self.sumsq_ - n * mean**2, 0)
        kn = self.kappa0 + n
        mun = (self.kappa0 * self.mu0 + n * mean) / kn
        an = self.a0 + n / 2
        bn = self.b0 + ss / 2 + self.kappa0 * n * (mean - self.mu0) ** 2 / (2 * kn)
        prec = self._rng.gamma(an, 1 / bn)
        mu = self._rng.normal(mun, 1 / np.sqrt(kn * prec))
        return self.buy_.sample() * np.exp(mu + 0.5 / prec)

    def select(self) -> int:
        return int(np.argmax(self.sample()))

    def update(self, arm: int, revenue: float) -> None:
        """Record one visitor: ``revenue`` 0 means no purchase."""
        bought = revenue > 0
        self.buy_.update(arm, float(bought))
        if bought:
            lv = np.log(revenue)
            self.n_[arm] += 1
            self.sum_[arm] += lv
            self.sumsq_[arm] += lv**2


@dataclass(frozen=True)
class RegretResult:
    """Cumulative expected regret of a policy against always playing the best arm."""

    cumulative_regret: np.ndarray
    pulls: np.ndarray

    @property
    def total(self) -> float:
        return float(self.cumulative_regret[-1])


def simulate_regret(policy, reward: Callable[[int, np.random.Generator], float], means, *, horizon: int = 5000,
                    seed: int = 0) -> RegretResult:
    """Run ``policy`` (``select`` / ``update``) for ``horizon`` steps; ``means`` are the arms' true expected rewards."""
    rng = np.random.default_rng(seed)
    means = np.asarray(means, dtype=float)
    best = means.max()
    regret = np.empty(horizon)
    pulls = np.zeros(len(means), dtype=int)
    total = 0.0
    for s in range(horizon):
        arm = policy.select()
        policy.update(arm, reward(arm, rng))
        pulls[arm] += 1
        total += best - means[arm]
        regret[s] = total
    return RegretResult(regret, pulls)


class UniformPolicy:
    """Baseline for regret comparisons: every arm equally often, at random (a plain A/B/n test)."""

    def __init__(self, *, n_arms: int, random_state: int = 0) -> None:
        self.n_arms = n_arms
        self._rng = np.random.default_rng(random_state)

    def select(self) -> int:
        return int(self._rng.integers(self.n_arms))

    def update(self, arm: int, reward: float) -> None:  # noqa: D401 - nothing to learn
        return None
