"""Offer economics and an honest estimate of a plan's incremental profit from experiment data.

Profit of giving offer ``j`` to customer ``i`` is linear in the purchase probabilities ``mu_j`` (with the
offer) and ``mu_0`` (without)::

    profit_ij = margin_i * (mu_j - mu_0) - fixed_ij - mu_j * redeem_ij      cost_ij = fixed_ij + mu_j * redeem_ij

``fixed`` is the contact cost, ``redeem`` what a buyer costs under the offer (discount, shipping), paid by
those who would have bought anyway too. On a randomised experiment the doubly-robust (AIPW) scores
``G_j = m_j(x) + 1[t = j] (y - m_j(x)) / p_j`` (cross-fitted response models ``m``, arm shares ``p``) are
unbiased for ``mu_j`` row by row, so ``policy_value`` estimates the true incremental profit of any plan on
rows the plan's model did not see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from growthpilot.errors import DataError


@dataclass
class Economics:
    """Per customer (rows) and offer (columns): ``margin`` (n,), ``fixed`` and ``redeem`` (n, m)."""

    margin: np.ndarray
    fixed: np.ndarray
    redeem: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.margin = np.asarray(self.margin, dtype=float).reshape(-1)
        self.fixed = np.asarray(self.fixed, dtype=float)
        if self.fixed.ndim != 2 or len(self.fixed) != len(self.margin):
            raise DataError(f"fixed must be (customers x offers) with {len(self.margin)} rows; got {self.fixed.shape}")
        self.redeem = np.zeros_like(self.fixed) if self.redeem is None else np.asarray(self.redeem, dtype=float)
        if self.redeem.shape != self.fixed.shape:
            raise DataError(f"redeem must have shape {self.fixed.shape}, got {self.redeem.shape}")

    def profit_cost(self, p0: np.ndarray, uplift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Expected incremental profit and expected cost from the baseline ``p0`` (n,) and uplift (n, m)."""
        u = np.asarray(uplift, dtype=float)
        if u.shape != self.fixed.shape:
            raise DataError(f"uplift must have shape {self.fixed.shape}, got {u.shape}")
        p1 = np.clip(np.asarray(p0, dtype=float)[:, None] + u, 0.0, 1.0)
        cost = self.fixed + p1 * self.redeem
        return u * self.margin[:, None] - cost, cost

    def dr_profit(self, scores: np.ndarray) -> np.ndarray:
        """Unbiased profit per row and offer from DR scores ``(n, 1 + m)`` (control first)."""
        g0, g = scores[:, :1], scores[:, 1:]
        return self.margin[:, None] * (g - g0) - self.fixed - g * self.redeem


def dr_scores(mu: np.ndarray, t: np.ndarray, y: np.ndarray, groups: list[str]) -> np.ndarray:
    """AIPW scores ``(n, len(groups))`` from cross-fitted response predictions ``mu`` (same column order)."""
    W = np.column_stack([t == g for g in groups]).astype(float)
    p = W.mean(axis=0)
    if (p == 0).any():
        missing = [g for g, share in zip(groups, p, strict=True) if share == 0]
        raise DataError(f"every arm needs rows in the experiment; none for {missing}")
    return mu + W * (np.asarray(y, dtype=float)[:, None] - mu) / p[None, :]


def policy_value(choice: np.ndarray, dr_profit: np.ndarray) -> float:
    """Estimated incremental profit of a plan (``choice[i]`` = offer index or -1) per customer."""
    rows = np.flatnonzero(choice >= 0)
    return float(dr_profit[rows, choice[rows]].sum() / max(len(choice), 1))
