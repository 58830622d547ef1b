"""Offer allocation: at most one offer per customer, maximising expected incremental profit.

Given, for ``n`` customers and ``m`` offers, the expected incremental profit ``profit[i, j]`` (uplift x margin
minus the offer's expected cost) and the expected cost ``cost[i, j]``, choose ``x[i, j]`` in {0, 1} to

    maximise   sum profit[i, j] x[i, j]
    subject to sum_j x[i, j] <= 1                 (one offer per customer)
               sum_i cost[i, j] x[i, j] <= budget (total budget)
               sum_i x[i, j] <= capacity[j]       (per-offer capacity)
               x[i, j] = 0 where not eligible     (consent, frequency caps, channel)

``method="milp"`` solves it exactly with SciPy's HiGHS (:func:`scipy.optimize.milp`); ``method="greedy"``
is a Lagrangian greedy for millions of customers: a price ``lam`` on budget is found by bisection, each
customer ranks offers by ``profit - lam * cost`` and offers are filled best-first up to their capacity.
When no capacity can run out (none given, or each at least its number of candidates) the fill is each
customer's best offer, found in O(n m) without sorting (the same plan as the general fill, ties included).
``"auto"`` uses the exact solver up to ``milp_max_vars`` candidate pairs, unless no capacity can run out and the
greedy plan is within the solver's gap of a Lagrangian upper bound (then it is as good as the exact answer).

>>> import numpy as np
>>> res = OfferAllocator(method="milp").allocate(np.array([[3.0, 5.0], [4.0, 1.0]]),
...                                                np.array([[1.0, 2.0], [1.0, 1.0]]), budget=3.0)
>>> res.choice.tolist(), res.total_profit
([1, 0], 9.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from growthpilot.errors import DataError

MIP_REL_GAP = 1e-4  # relative optimality gap of the exact path (HiGHS, or a certified greedy plan)


@dataclass
class Allocation:
    """Result of :meth:`OfferAllocator.allocate`: ``choice[i]`` is the offer index or -1 for none."""

    choice: np.ndarray
    total_profit: float
    total_cost: float
    method: str
    status: str
    budget_price: float = 0.0

    def counts(self, m: int) -> np.ndarray:
        return np.bincount(self.choice[self.choice >= 0], minlength=m)


class OfferAllocator:
    """Assign at most one offer per customer under budget, capacity and eligibility constraints.

    Parameters
    ----------
    method : ``"auto"``, ``"milp"`` (exact, HiGHS) or ``"greedy"`` (Lagrangian, scales to millions).
    milp_max_vars : with ``"auto"``, the largest number of candidate pairs sent to the exact solver.
    time_limit : seconds for HiGHS; the best plan found so far is returned when it runs out (the greedy
        plan if HiGHS found none).
    min_profit : offers whose expected incremental profit is not above this are never given.
    """

    def __init__(self, *, method: str = "auto", milp_max_vars: int = 50_000, time_limit: float = 60.0,
                 min_profit: float = 0.0) -> None:
        self.method = method
        self.milp_max_vars = milp_max_vars
        self.time_limit = time_limit
        self.min_profit = min_profit

    def allocate(self, profit, cost, *, budget: float | None = None, capacity=None,
                 eligible=None) -> Allocation:
        """Solve the allocation; see the module docstring for the problem."""
        P = np.asarray(profit, dtype=float)
        C = np.asarray(cost, dtype=float)
        if P.ndim != 2 or P.shape != C.shape:
            raise DataError(f"profit and cost must be matrices of the same shape (customers x offers); "
                            f"got {P.shape} and {C.shape}")
        if np.isnan(P).any() or np.isnan(C).any() or (C < 0).any():
            raise DataError("profit and cost must be finite and cost non-negative; check the uplift inputs")
        n, m = P.shape
        E = np.ones_like(P, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool)
        if E.shape != P.shape:
            raise DataError(f"eligible must have shape {P.shape}, got {E.shape}")
        cap = np.full(m, n, dtype=float) if capacity is None else np.asarray(capacity, dtype=float)
        if cap.shape != (m,):
            raise DataError(f"capacity needs one value per offer ({m}), got shape {cap.shape}")
        budget = np.inf if budget is None else float(budget)
        cand = E & (P > self.min_profit)
        method = self.method
        certified = None
        if method == "auto":
            method = "milp" if cand.sum() <= self.milp_max_vars else "greedy"
            if method == "milp":  # as good as the solver's answer within its gap: skip HiGHS
                certified = _certified_greedy(P, C, cand, budget, cap)
        if certified is not None:
            (choice, lam), method = certified, "greedy"
            status = f"optimal within {MIP_REL_GAP:g} (Lagrangian bound)"
        elif method == "milp":
            choice, status = self._milp(P, C, cand, budget, cap)
            lam = 0.0
        elif method == "greedy":
            choice, lam = _greedy(P, C, cand, budget, cap)
            status = "ok"
        else:
            raise DataError(f"method must be 'auto', 'milp' or 'greedy', got {self.method!r}")
        rows = np.flatnonzero(choice >= 0)
        return Allocation(choice, float(P[rows, choice[rows]].sum()), float(C[rows, choice[rows]].sum()),
                          method, status, lam)

    def _milp(self, P, C, cand, budget, cap) -> tuple[np.ndarray, str]:
        n, m = P.shape
        ii, jj = np.nonzero(cand)
        k = len(ii)
        choice = np.full(n, -1)
        if k == 0:
            return choice, "nothing profitable"
        var = np.arange(k)
        rows = [sparse.csr_matrix((np.ones(k), (ii, var)), shape=(n, k))]
        upper = [np.ones(n)]
        rows.append(sparse.csr_matrix((np.ones(k), (jj, var)), shape=(m, k)))
        upper.append(cap)
        if np.isfinite(budget):
            rows.append(sparse.csr_matrix(C[ii, jj][None, :]))
            upper.append(np.array([budget]))
        A = sparse.vstack(rows).tocsr()
        ub = np.concatenate(upper)
        res = milp(-P[ii, jj], integrality=np.ones(k), bounds=Bounds(0, 1),
                   constraints=LinearConstraint(A, -np.inf, ub),
                   options={"time_limit": self.time_limit, "mip_rel_gap": MIP_REL_GAP, "disp": False})
        if res.x is None:  # time limit without an integer plan: fall back to the greedy path
            greedy, _ = _greedy(P, C, cand, budget, cap)
            return greedy, f"greedy fallback: {res.message}"
        pick = res.x > 0.5
        choice[ii[pick]] = jj[pick]
        return choice, "optimal" if res.status == 0 else str(res.message)


def _capacity_slack(cand: np.ndarray, cap: np.ndarray) -> bool:
    """Whether no offer's capacity can run out (each at least its number of candidates)."""
    return bool(np.all(cap >= cand.sum(axis=0)))


def _certified_greedy(P, C, cand, budget, cap) -> tuple[np.ndarray, float] | None:
    """The greedy plan when it is provably within ``MIP_REL_GAP`` of the optimum, else ``None``.

    Where no capacity can run out, any budget price ``lam >= 0`` gives the upper bound
    ``sum_i max(0, max_j profit - lam * cost) + lam * budget`` on every feasible plan (Lagrangian
    relaxation of the budget); the greedy's own price is near the best one. With thousands of customers
    the gap is usually far below the solver's tolerance, and the exact solver is not needed.
    """
    if not cand.any() or not _capacity_slack(cand, cap):
        return None
    choice, lam = _greedy(P, C, cand, budget, cap)
    rows = np.flatnonzero(choice >= 0)
    got = float(P[rows, choice[rows]].sum())
    reduced = np.where(cand, P - lam * C, -np.inf).max(axis=1)
    bound = float(np.maximum(reduced, 0.0).sum()) + (lam * budget if lam > 0 else 0.0)
    return (choice, lam) if bound - got <= MIP_REL_GAP * max(abs(bound), 1e-12) else None


def _free_plan(PT: np.ndarray, CT: np.ndarray, lam: float) -> tuple[np.ndarray, float]:
    """The best-first fill of :func:`_assign` when no capacity can run out, in O(n m) without sorting.

    Then every customer gets their first offer in ``np.argsort(-score, axis=1)`` order when its score
    ``profit - lam * cost`` is positive (the later rounds give nothing). ``PT`` and ``CT`` are the profit
    (``-inf`` where not a candidate) and cost, transposed (offers x customers, contiguous) and finite
    otherwise. The first best offer is the lowest index reaching the top score (as ``argmax``); rows with a tie
    at the top are re-ranked with the ``argsort`` call itself, as NumPy's (SIMD) sort does not break ties by
    position. Returns the choice and its cost, summed as :func:`_greedy` sums it."""
    m, n = PT.shape
    S = CT * lam
    np.subtract(PT, S, out=S)  # = np.where(cand, P - lam * C, -inf), transposed: -inf - finite is -inf
    top = S.max(axis=0)
    rows = np.flatnonzero(top > 0)
    Sr = S[:, rows]
    topr = top[rows]
    best = np.full(rows.size, m - 1, dtype=np.intp)
    ties = np.zeros(rows.size, dtype=np.int32)
    for j in range(m - 1, -1, -1):
        eq = Sr[j] == topr
        best[eq] = j
        ties += eq
    tie = np.flatnonzero(ties > 1)
    if tie.size:
        best[tie] = np.argsort(-np.ascontiguousarray(Sr[:, tie].T), axis=1)[:, 0]
    choice = np.full(n, -1)
    choice[rows] = best
    return choice, float(CT[best, rows].sum())


def _assign(score: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Best-first fill: each customer tries offers in order of ``score`` while capacity lasts."""
    n, m = score.shape
    choice = np.full(n, -1)
    left = cap.astype(float).copy()
    # customers with no positive score never get an offer: rank only the others
    live = np.flatnonzero((score > 0).any(axis=1))
    if live.size == 0:
        return choice
    sl = score[live]
    order = np.argsort(-sl, axis=1)
    open_ = np.ones(live.size, dtype=bool)
    ar = np.arange(live.size)
    for r in range(m):
        j = order[:, r]
        s = sl[ar, j]
        idx = np.flatnonzero(open_ & (s > 0))
        if idx.size == 0:
            break
        jj = j[idx]
        ok = np.ones(idx.size, dtype=bool)
        for o in np.flatnonzero(np.bincount(jj, minlength=m)):
            pos = np.flatnonzero(jj == o)
            if pos.size - 1 < left[o]:  # every rank fits: no need to order them
                continue
            # the k best by score get the offer (ties: lower index first), i.e. rank < left in a stable sort
            k = int(min(pos.size, max(0.0, np.ceil(left[o]))))
            sv = s[idx[pos]]
            take = np.zeros(pos.size, dtype=bool)
            if k:
                v = np.partition(sv, pos.size - k)[pos.size - k]  # the k-th best score
                take = sv > v
                take[np.flatnonzero(sv == v)[: k - int(take.sum())]] = True
            ok[pos] = take
        choice[live[idx[ok]]] = jj[ok]
        open_[idx[ok]] = False
        left -= np.bincount(jj[ok], minlength=m)
    return choice


def _greedy(P, C, cand, budget, cap, *, fast: bool = True) -> tuple[np.ndarray, float]:
    n = P.shape[0]
    # capacities that cannot run out (the usual case: none given) allow the O(n m) fill of _free_plan, which
    # gives the same plans; non-finite inputs keep the general path (its NaN/inf ordering is not reproduced)
    if fast and P.shape[1] and _capacity_slack(cand, cap) and np.isfinite(P).all() and np.isfinite(C).all():
        PT = np.ascontiguousarray(np.where(cand, P, -np.inf).T)
        CT = np.ascontiguousarray(C.T)

        def plan(lam: float) -> tuple[np.ndarray, float]:
            return _free_plan(PT, CT, lam)
    else:
        def plan(lam: float) -> tuple[np.ndarray, float]:
            score = np.where(cand, P - lam * C, -np.inf)
            ch = _assign(score, cap)
            rows = np.flatnonzero(ch >= 0)
            return ch, float(C[rows, ch[rows]].sum())

    choice, spent = plan(0.0)
    if spent <= budget:
        return choice, 0.0
    lo, hi = 0.0, 1.0
    while plan(hi)[1] > budget and hi < 1e9:
        lo, hi = hi, hi * 4
    for _ in range(40):
        mid = (lo + hi) / 2
        if plan(mid)[1] > budget:
            lo = mid
        else:
            hi = mid
    choice, spent = plan(hi)
    # top up: the budget left after the bisection goes to the best remaining pairs by profit per cost
    left = budget - spent
    free = np.flatnonzero(choice < 0)
    if left > 0 and free.size:
        score = np.where(cand[free], P[free] / np.maximum(C[free], 1e-12), -np.inf)
        used = np.bincount(choice[choice >= 0], minlength=P.shape[1])
        best = np.argmax(score, axis=1)
        sb = score[np.arange(free.size), best]
        walk = np.argsort(-sb)
        walk = walk[np.isfinite(sb[walk])]  # non-finite scores are skipped anyway
        cw = C[free[walk], best[walk]]
        # cheapest cost from each position on: once it exceeds what is left, nothing more can be given
        tail_min = np.minimum.accumulate(cw[::-1])[::-1]
        p = 0
        while p < walk.size and tail_min[p] <= left:
            seg = cw[p:p + 1024]  # jump over the pairs that cost more than what is left, a block at a time
            k = int(np.argmax(seg <= left))
            if seg[k] > left:
                p += seg.size
                continue
            p += k
            i = walk[p]
            j = best[i]
            if used[j] < cap[j]:
                choice[free[i]] = j
                left -= cw[p]
                used[j] += 1
            p += 1
    assert choice.shape == (n,)
    return choice, hi
