"""Uplift evaluation metrics: uplift and Qini curves, AUUC, Qini AUC, uplift@k, bootstrap CIs.

The definitions follow scikit-uplift (``sklift.metrics``, v0.5): curves are built on the rows sorted by
predicted uplift (descending, ties grouped), and the area scores are *normalised*: the area between the
model's curve and the random-targeting line divided by the same area for the perfect ordering. So 0 means
no better than random and 1 means perfect. They are reimplemented here because scikit-uplift is no longer
maintained and pins old scikit-learn versions.

>>> import numpy as np
>>> y = np.array([1, 0, 1, 0]); t = np.array([1, 1, 0, 0]); u = np.array([0.9, 0.1, 0.2, 0.3])
>>> round(uplift_at_k(y, u, t, k=0.5, strategy="by_group"), 3)
1.0
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import auc

from growthpilot.errors import DataError


def _check(y_true, uplift, treatment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, u, t = (np.asarray(a, dtype=float).ravel() for a in (y_true, uplift, treatment))
    if not (len(y) == len(u) == len(t)):
        raise DataError(f"y_true, uplift and treatment must have the same length; got {len(y)}, {len(u)}, {len(t)}")
    if not set(np.unique(t)) <= {0.0, 1.0}:
        raise DataError("treatment must be 0 (control) or 1 (treated); encode one arm against control")
    if t.sum() == 0 or t.sum() == len(t):
        raise DataError("uplift metrics need both treated and control rows; got only one group")
    return y, u, t


def _cumulative(y, u, t):
    order = np.argsort(u, kind="mergesort")[::-1]
    y, u, t = y[order], u[order], t[order]
    idx = np.r_[np.where(np.diff(u))[0], u.size - 1]
    n_t = np.cumsum(t)[idx]
    y_t = np.cumsum(y * t)[idx]
    y_c = np.cumsum(y * (1 - t))[idx]
    n = idx + 1.0
    return n, n_t, n - n_t, y_t, y_c


def _start_at_zero(n: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if n.size == 0 or v[0] != 0 or n[0] != 0:
        n, v = np.r_[0.0, n], np.r_[0.0, v]
    return n, v


def uplift_curve(y_true, uplift, treatment) -> tuple[np.ndarray, np.ndarray]:
    """Uplift curve: ``(rate_treated - rate_control) * n`` among the top ``n`` rows by predicted uplift."""
    n, n_t, n_c, y_t, y_c = _cumulative(*_check(y_true, uplift, treatment))
    rt = np.divide(y_t, n_t, out=np.zeros_like(y_t), where=n_t != 0)
    rc = np.divide(y_c, n_c, out=np.zeros_like(y_c), where=n_c != 0)
    return _start_at_zero(n, (rt - rc) * n)


def qini_curve(y_true, uplift, treatment) -> tuple[np.ndarray, np.ndarray]:
    """Qini curve: ``Y_t - Y_c * N_t / N_c`` among the top ``n`` rows by predicted uplift."""
    n, n_t, n_c, y_t, y_c = _cumulative(*_check(y_true, uplift, treatment))
    return _start_at_zero(n, y_t - y_c * np.divide(n_t, n_c, out=np.zeros_like(n_t), where=n_c != 0))


def perfect_uplift_curve(y_true, treatment) -> tuple[np.ndarray, np.ndarray]:
    """Uplift curve of the best possible ordering (scikit-uplift's construction)."""
    y, _, t = _check(y_true, np.zeros(len(np.asarray(y_true))), treatment)
    control_responders = np.sum((y > 0) & (t == 0))
    treated_non_responders = np.sum((y == 0) & (t == 1))
    summand = y if control_responders > treated_non_responders else t
    return uplift_curve(y, 2 * (y == t) + summand, t)


def perfect_qini_curve(y_true, treatment, negative_effect: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Qini curve of the best possible ordering; without ``negative_effect`` a two-segment line."""
    y, _, t = _check(y_true, np.zeros(len(np.asarray(y_true))), treatment)
    if negative_effect:
        return qini_curve(y, y * t - y * (1 - t), t)
    ratio = y[t == 1].sum() - (t == 1).sum() * y[t == 0].sum() / (t == 0).sum()
    return np.array([0.0, ratio, len(y)]), np.array([0.0, ratio, ratio])


def _normalised_area(actual, perfect) -> float:
    xp, yp = perfect
    base = auc(np.array([0.0, xp[-1]]), np.array([0.0, yp[-1]]))
    denom = auc(xp, yp) - base
    if denom == 0:
        return 0.0
    return float((auc(*actual) - base) / denom)


def uplift_auc_score(y_true, uplift, treatment) -> float:
    """Normalised area under the uplift curve (AUUC), as ``sklift.metrics.uplift_auc_score``."""
    return _normalised_area(uplift_curve(y_true, uplift, treatment), perfect_uplift_curve(y_true, treatment))


def qini_auc_score(y_true, uplift, treatment, negative_effect: bool = True) -> float:
    """Normalised area under the Qini curve (Qini coefficient), as ``sklift.metrics.qini_auc_score``."""
    return _normalised_area(qini_curve(y_true, uplift, treatment),
                            perfect_qini_curve(y_true, treatment, negative_effect))


def uplift_at_k(y_true, uplift, treatment, *, k: float = 0.3, strategy: str = "overall") -> float:
    """Observed uplift among the top ``k`` share of rows by predicted uplift.

    Parameters
    ----------
    k : share of rows (0, 1) or an absolute count (int).
    strategy : ``"overall"`` takes the top ``k`` rows of the whole sample and compares the treated with
        the control rows among them; ``"by_group"`` takes the top ``k`` of the treated and of the control
        rows separately (scikit-uplift's two strategies).
    """
    y, u, t = _check(y_true, uplift, treatment)
    if strategy not in ("overall", "by_group"):
        raise DataError(f"strategy must be 'overall' or 'by_group', got {strategy!r}")
    is_int = isinstance(k, (int, np.integer))
    if (is_int and not 0 < k < len(y)) or (not is_int and not 0 < k < 1):
        raise DataError(f"k={k} must be a share in (0, 1) or a count smaller than {len(y)}")
    order = np.argsort(u, kind="mergesort")[::-1]
    y, t = y[order], t[order]
    if strategy == "overall":
        n = int(k) if is_int else int(len(y) * k)
        top_y, top_t = y[:n], t[:n]
        if top_t.sum() == 0 or top_t.sum() == n:
            return float("nan")
        return float(top_y[top_t == 1].mean() - top_y[top_t == 0].mean())
    n_t = int(k) if is_int else int((t == 1).sum() * k)
    n_c = int(k) if is_int else int((t == 0).sum() * k)
    return float(y[t == 1][:n_t].mean() - y[t == 0][:n_c].mean())


def bootstrap_ci(
    metric: Callable[..., float],
    y_true,
    uplift,
    treatment,
    *,
    n_boot: int = 200,
    alpha: float = 0.05,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Point estimate and percentile bootstrap interval of an uplift metric.

    Rows are resampled within the treated and the control group separately, so every resample keeps the
    group sizes of the test set; the predictions stay fixed (the interval covers evaluation noise).

    Returns
    -------
    (estimate, low, high)
    """
    y, u, t = _check(y_true, uplift, treatment)
    rng = np.random.default_rng(seed)
    idx_t, idx_c = np.flatnonzero(t == 1), np.flatnonzero(t == 0)
    stats = []
    for _ in range(n_boot):
        idx = np.r_[rng.choice(idx_t, idx_t.size), rng.choice(idx_c, idx_c.size)]
        stats.append(metric(y[idx], u[idx], t[idx]))
    stats = np.asarray(stats, dtype=float)
    stats = stats[np.isfinite(stats)]
    est = float(metric(y, u, t))
    if stats.size == 0:
        return est, float("nan"), float("nan")
    lo, hi = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return est, float(lo), float(hi)
