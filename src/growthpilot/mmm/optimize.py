"""Budget optimiser: the weekly spend split that maximises expected outcome, with per-channel bounds.

Works on the long-run (steady-state) response curves of the posterior: with normalised
adstock a channel held at weekly spend ``x`` contributes ``beta * saturation(x)`` per week.
The split maximises the posterior-mean total response subject to ``sum(x) = budget`` and
``lower <= x <= upper`` (SLSQP from several starts, since Hill curves are not concave); the
gain against the current split is computed draw by draw, so it comes with an interval and a
probability of being positive.

>>> opt = BudgetOptimizer(bounds={"tv": (0.5, 1.5)}, relative_bounds=True)   # doctest: +SKIP
>>> plan = opt.allocate(model.posterior_, current={"tv": 100.0, "search": 50.0})   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from growthpilot.errors import ValidationError
from growthpilot.mmm.posterior import MMMPosterior


@dataclass
class BudgetPlan:
    """A recommended split and its expected gain over the current one (per week)."""

    allocation: pd.DataFrame
    budget: float
    gain: float
    gain_low: float
    gain_high: float
    gain_pct: float
    prob_gain: float
    interval: float

    def summary(self) -> dict:
        return {"budget": self.budget, "gain_per_week": self.gain, "gain_low": self.gain_low,
                "gain_high": self.gain_high, "gain_pct": self.gain_pct, "prob_gain": self.prob_gain,
                "interval": self.interval}


class BudgetOptimizer:
    """Allocate a weekly budget across channels from a fitted model's posterior.

    Parameters
    ----------
    bounds : per channel ``(lower, upper)``; channels not named get ``default_bounds``.
    default_bounds : bounds for unnamed channels.
    relative_bounds : bounds are multiples of each channel's current weekly spend (default) rather
        than absolute weekly amounts. Relative bounds keep the plan near the spend levels the
        model has seen, where its curves are trustworthy.
    interval : width of the reported gain interval.
    max_draws : posterior draws used (evenly thinned) to bound time.
    """

    def __init__(self, *, bounds: dict[str, tuple[float, float]] | None = None,
                 default_bounds: tuple[float, float] = (0.5, 1.5), relative_bounds: bool = True,
                 interval: float = 0.9, max_draws: int = 400) -> None:
        self.bounds = bounds
        self.default_bounds = default_bounds
        self.relative_bounds = relative_bounds
        self.interval = interval
        self.max_draws = max_draws

    def allocate(self, posterior: MMMPosterior, current: dict[str, float] | np.ndarray,
                 budget: float | None = None) -> BudgetPlan:
        """Best split of ``budget`` (default: the current total) given current weekly spend per channel."""
        post = posterior.thin(self.max_draws)
        chans = post.channels
        cur = np.array([current[c] for c in chans], dtype=float) if isinstance(current, dict) else \
            np.asarray(current, dtype=float)
        if cur.shape != (len(chans),) or (cur < 0).any():
            raise ValidationError("current spend needs one non-negative weekly amount per channel",
                                  expected=f"values for {chans}")
        budget = float(cur.sum() if budget is None else budget)
        lo, hi = self._bounds(chans, cur)
        if lo.sum() > budget + 1e-9 or hi.sum() < budget - 1e-9:
            raise ValidationError(
                f"budget {budget:,.2f} cannot be met within the channel bounds "
                f"(they allow {lo.sum():,.2f} .. {hi.sum():,.2f}); widen the bounds or change the budget")
        scale = max(budget, 1e-9)

        def neg(z: np.ndarray) -> float:
            return -float(post.steady_response(z[None, :] * scale).sum(axis=2).mean()) / scale

        starts = [_project(cur * budget / max(cur.sum(), 1e-9), lo, hi, budget),
                  _project(np.full(len(chans), budget / len(chans)), lo, hi, budget),
                  _project((lo + hi) / 2, lo, hi, budget)]
        best = None
        for x0 in starts:
            res = minimize(neg, x0 / scale, method="SLSQP", bounds=list(zip(lo / scale, hi / scale, strict=True)),
                           constraints=[{"type": "eq", "fun": lambda z: z.sum() - budget / scale}],
                           options={"maxiter": 300, "ftol": 1e-10})
            x = _project(np.asarray(res.x) * scale, lo, hi, budget)
            if best is None or neg(x / scale) < neg(best / scale):
                best = x
        cur_at_budget = cur * budget / max(cur.sum(), 1e-9)
        r_cur = post.steady_response(cur_at_budget[None, :])[:, 0, :]
        r_new = post.steady_response(best[None, :])[:, 0, :]
        gain = r_new.sum(1) - r_cur.sum(1)
        q = (1 - self.interval) / 2
        alloc = pd.DataFrame({
            "channel": chans, "current": cur, "recommended": best, "lower": lo, "upper": hi,
            "change_pct": np.where(cur > 0, (best / np.where(cur > 0, cur, 1) - 1) * 100, np.nan),
            "current_response": r_cur.mean(0), "recommended_response": r_new.mean(0),
            "marginal_roi_at_recommended": _marginal(post, best).mean(0),
        })
        base = r_cur.sum(1).mean()
        return BudgetPlan(alloc, budget, float(gain.mean()), float(np.quantile(gain, q)),
                          float(np.quantile(gain, 1 - q)), float(gain.mean() / base * 100) if base else float("nan"),
                          float((gain > 0).mean()), self.interval)

    def _bounds(self, chans: list[str], cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        given = self.bounds or {}
        unknown = sorted(set(given) - set(chans))
        if unknown:
            raise ValidationError(f"bounds name unknown channel(s) {unknown}", expected=f"one of {chans}")
        lo, hi = np.zeros(len(chans)), np.zeros(len(chans))
        for j, c in enumerate(chans):
            a, b = given.get(c, self.default_bounds)
            if a > b or a < 0:
                raise ValidationError("bounds must satisfy 0 <= lower <= upper", column=c, value=(a, b))
            lo[j], hi[j] = (a * cur[j], b * cur[j]) if self.relative_bounds else (a, b)
        return lo, hi


def _marginal(post: MMMPosterior, x: np.ndarray, eps: float = 0.01) -> np.ndarray:
    step = np.maximum(x * eps, 1e-6)
    up = post.steady_response((x + step)[None, :])[:, 0, :]
    down = post.steady_response(x[None, :])[:, 0, :]
    return (up - down) / step


def _project(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, budget: float) -> np.ndarray:
    """Nearest point with ``lo <= x <= hi`` and ``sum(x) = budget`` (bisection on a shift)."""
    a, b = (lo - x).min() - 1.0, (hi - x).max() + 1.0
    for _ in range(100):
        m = (a + b) / 2
        if np.clip(x + m, lo, hi).sum() < budget:
            a = m
        else:
            b = m
    return np.clip(x + (a + b) / 2, lo, hi)
