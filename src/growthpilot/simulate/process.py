"""The latent purchase process: when each customer buys and when they drop out.

Repeat purchases follow an inhomogeneous Poisson process with rate
``lam * season(t) * (1 + 6 * price_sensitivity * discount(t))`` (thinning from an upper
bound), and after every purchase the customer drops out with probability ``p`` (BG/NBD).
The first purchase is the customer's sign-up (``created``). The same draws run past the
observed window into the future horizon, which gives ``truth_customers`` its realised
future; expectations are computed from the latent parameters in closed form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from growthpilot.simulate.calendar import Calendar
from growthpilot.simulate.customers import CustomerBlock

PROMO_RESPONSE = 6.0


@dataclass
class Purchases:
    """Purchase times of one block (observed window and future horizon), customer-sorted."""

    cust: np.ndarray          # block-local customer index per purchase
    t: np.ndarray             # day offset (float)
    n_obs: np.ndarray         # purchases per customer inside the window (incl. the first)
    n_future: np.ndarray      # purchases per customer in the future horizon
    alive_end: np.ndarray     # still active at the cut-off
    last_t: np.ndarray        # time of the last purchase inside the window
    drop_t: np.ndarray        # time of the dropping purchase (inf if not dropped by the horizon)


class Intensity:
    """Cumulative purchase intensity ``int_0^t season(s) (1 + 6 ps discount(s)) ds`` per customer."""

    def __init__(self, cal: Calendar) -> None:
        self.cal = cal
        self.s1 = np.concatenate([[0.0], np.cumsum(cal.season)])
        self.d1 = np.concatenate([[0.0], np.cumsum(cal.season * cal.discount)])
        self.n = len(cal.season)

    def cumulative(self, t: np.ndarray, ps: np.ndarray) -> np.ndarray:
        t = np.clip(t, 0, self.n)
        day = np.minimum(np.floor(t).astype(int), self.n - 1)
        frac = t - day
        s = self.s1[day] + frac * self.cal.season[day]
        d = self.d1[day] + frac * self.cal.season[day] * self.cal.discount[day]
        return s + PROMO_RESPONSE * ps * d

    def between(self, a: np.ndarray, b: np.ndarray, ps: np.ndarray) -> np.ndarray:
        return self.cumulative(b, ps) - self.cumulative(a, ps)


def simulate_purchases(cb: CustomerBlock, cal: Calendar, days: int, rng: np.random.Generator) -> Purchases:
    n = len(cb.lam)
    horizon = len(cal.season)
    ps = cb.price_sensitivity
    bound = cal.season_max * (1 + PROMO_RESPONSE * ps * cal.discount.max())
    span = horizon - cb.created
    k = rng.poisson(cb.lam * bound * span)
    cust = np.repeat(np.arange(n), k)
    t = cb.created[cust] + rng.random(cust.size) * span[cust]
    day = np.minimum(t.astype(int), horizon - 1)
    rate = cal.season[day] * (1 + PROMO_RESPONSE * ps[cust] * cal.discount[day])
    keep = rng.random(cust.size) < rate / bound[cust]
    cust, t = cust[keep], t[keep]
    order = np.lexsort((t, cust))
    cust, t = cust[order], t[order]
    # dropout: G purchases in total (first one included), so at most G - 1 repeats
    g = rng.geometric(cb.p)
    start = np.searchsorted(cust, np.arange(n))
    rank = np.arange(cust.size) - start[cust]
    allowed = rank < (g[cust] - 1)
    cust, t = cust[allowed], t[allowed]
    repeats_total = np.bincount(cust, minlength=n)
    obs = t < days
    rep_obs = np.bincount(cust[obs], minlength=n)
    n_future = np.bincount(cust[~obs], minlength=n)
    alive_end = (g - 1) > rep_obs
    last_t = cb.created.copy()
    if obs.any():
        np.maximum.at(last_t, cust[obs], t[obs])
    drop_t = np.full(n, np.inf)
    dropped = (g - 1) <= repeats_total
    last_any = cb.created.copy()
    if cust.size:
        np.maximum.at(last_any, cust, t)
    drop_t[dropped] = last_any[dropped]
    # the first purchase (sign-up) is an observed purchase too
    all_cust = np.concatenate([np.arange(n), cust[obs]])
    all_t = np.concatenate([cb.created, t[obs]])
    order = np.lexsort((all_t, all_cust))
    return Purchases(all_cust[order], all_t[order], rep_obs + 1, n_future, alive_end, last_t, drop_t)


def p_alive(cb: CustomerBlock, last_t: np.ndarray, intensity: Intensity, days: int) -> np.ndarray:
    """Oracle P(active at the cut-off | last purchase at ``last_t``, true lam and p)."""
    lam_gap = cb.lam * intensity.between(last_t, np.full(len(cb.lam), float(days)), cb.price_sensitivity)
    stay = (1 - cb.p) * np.exp(-lam_gap)
    return stay / (stay + cb.p)


def expected_future(cb: CustomerBlock, intensity: Intensity, days: int, horizon: int,
                    alive: np.ndarray) -> np.ndarray:
    """E[purchases in (days, days + horizon]] given the latent state at the cut-off.

    ``E[min(N, G)] = sum_k P(N >= k) (1 - p)**(k - 1)`` with ``N`` Poisson (candidate purchases)
    and ``G`` geometric (purchases until dropout).
    """
    n = len(cb.lam)
    mu = cb.lam * intensity.between(np.full(n, float(days)), np.full(n, float(days + horizon)),
                                    cb.price_sensitivity)
    top = float(mu.max()) if n else 0.0
    k = np.arange(1, int(top + 10 * np.sqrt(top) + 12))
    sf = stats.poisson.sf(k[None, :] - 1, mu[:, None])
    geo = (1 - cb.p[:, None]) ** (k[None, :] - 1)
    return alive * (sf * geo).sum(axis=1)
