"""Turn model outputs into ``customer_scores`` rows: churn risk, next order date, reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import ConfigError


def next_order_days(p_purchase: np.ndarray, horizon_days: int, *, max_days: int = 365) -> np.ndarray:
    """Median days to the next order, reading P(purchase within the horizon) as an exponential
    waiting time; NaN when that median is beyond ``max_days`` (unlikely to order)."""
    p = np.clip(np.asarray(p_purchase, float), 1e-9, 1 - 1e-9)
    rate = -np.log1p(-p) / horizon_days
    days = np.log(2) / rate
    return np.where(days <= max_days, np.ceil(days), np.nan)


def assemble_scores(pred: pd.DataFrame, *, cutoff: pd.Timestamp, horizon_days: int, model: str,
                    reasons: list[str] | None, model_version: str, run_id: str) -> pd.DataFrame:
    """``customer_scores`` rows from :meth:`CustomerScorer.predict` output (``expected_*`` are means:
    they add up to totals; ``median_purchases`` is the absolute-error-optimal point)."""
    cols = ["customer_id", "expected_purchases", "median_purchases", "expected_spend", "p_alive", "p_purchase",
            "p_purchase_30d"]
    out = pred[[c for c in cols if c in pred.columns]].copy()
    out["cutoff"] = cutoff.normalize()
    out["horizon_days"] = int(horizon_days)
    out["churn_risk"] = 1.0 - out["p_alive"]
    days = next_order_days(out["p_purchase"].to_numpy(), horizon_days)
    out["next_order_date"] = cutoff.normalize() + pd.to_timedelta(days, unit="D")
    out["reasons"] = reasons if reasons is not None else "[]"
    out["model"] = model
    out["model_version"] = model_version
    out["run_id"] = run_id
    return out


POINT_TYPES = ("mean", "median")


def point_forecast(pred: pd.DataFrame, purchases: str = "mean", spend: str = "mean") -> tuple[np.ndarray, np.ndarray]:
    """Point forecasts of purchases and spend from a model's means and P(purchase).

    ``"mean"`` returns the expectations. ``"median"`` returns the median purchase count
    (:func:`median_purchases`, the forecast that minimises absolute error) and, for spend, that
    count times the expected value per purchase (zero when the median count is zero, which is the
    median spend too).
    """
    for kind in (purchases, spend):
        if kind not in POINT_TYPES:
            raise ConfigError(f"point type must be one of {POINT_TYPES}, got {kind!r}")
    mean_n = pred["expected_purchases"].to_numpy(float)
    mean_s = pred["expected_spend"].to_numpy(float)
    med = median_purchases(mean_n, pred["p_purchase"].to_numpy(float))
    value = np.divide(mean_s, mean_n, out=np.zeros_like(mean_s), where=mean_n > 1e-12)
    n_point = med if purchases == "median" else mean_n
    s_point = med * value if spend == "median" else mean_s
    return n_point, s_point


def zip_rate(mean: np.ndarray, p_any: np.ndarray, *, iters: int = 60) -> np.ndarray:
    """Poisson rate ``m`` of a zero-inflated Poisson (alive w.p. ``pa``, then Poisson(m)) whose mean
    and P(count >= 1) are ``mean`` and ``p_any``: ``m / (1 - exp(-m)) = mean / p_any`` (bisection)."""
    ratio = np.clip(np.asarray(mean, float) / np.clip(np.asarray(p_any, float), 1e-9, None), 1.0, None)
    lo, hi = np.clip(ratio - 1.0, 0.0, None), ratio  # m <= m / (1 - e^-m) <= m + 1
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        big = mid / -np.expm1(-np.maximum(mid, 1e-12)) > ratio
        hi, lo = np.where(big, mid, hi), np.where(big, lo, mid)
    return 0.5 * (lo + hi)


def median_purchases(mean: np.ndarray, p_any: np.ndarray, *, max_count: int = 1000) -> np.ndarray:
    """Median purchases in the horizon: the point forecast that minimises absolute error.

    Reads the count as zero-inflated Poisson, the BG/NBD structure: the customer is gone with some
    probability, else buys at a Poisson rate (:func:`zip_rate`), matching the expected count and
    P(at least one purchase). That P is capped at ``1 - exp(-mean)``, the most any such customer
    with this mean can have (a propensity above it, from a separately fitted head, is not
    consistent with the mean; the mean is kept).
    """
    from scipy import stats

    mu = np.clip(np.asarray(mean, float), 0.0, None)
    p = np.minimum(np.clip(np.asarray(p_any, float), 0.0, 1 - 1e-9), -np.expm1(-mu))
    m = zip_rate(mu, np.clip(p, 1e-12, None))
    alive = np.clip(np.divide(p, -np.expm1(-m), out=np.zeros_like(p), where=m > 1e-12), 0.0, 1.0)
    out = np.zeros(len(mu))
    live = p >= 0.5
    k = 1
    while live.any() and k <= max_count:
        ok = live & (alive * stats.poisson.sf(k - 1, m) >= 0.5)  # P(Y >= k)
        out[ok] = k
        live = ok
        k += 1
    return out
