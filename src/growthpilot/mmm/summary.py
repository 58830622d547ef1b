"""What a fitted marketing-mix model says: ROI, marginal ROI, contributions, response curves.

All figures come with central posterior intervals (default 90 %). ROI is a channel's total
modelled contribution over the window divided by its spend in the window (ROAS when the
outcome is revenue); marginal ROI is the extra outcome per extra unit of spend when every
week's spend of that channel rises by 1 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.mmm.posterior import MMMPosterior


def _q(a: np.ndarray, interval: float, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    lo = (1 - interval) / 2
    return np.quantile(a, lo, axis=axis), np.quantile(a, 1 - lo, axis=axis)


def roi_table(posterior: MMMPosterior, spend: np.ndarray, *, interval: float = 0.9,
              carry_in: bool = True) -> pd.DataFrame:
    """Per channel ``spend, contribution(+lo/hi), roi, roi_low, roi_high, mroi, mroi_low, mroi_high``.

    Point estimates are posterior medians (robust to the skewed posteriors of weakly
    identified channels); intervals are central posterior intervals. ROI is the contribution
    in the window over the spend in the window; with ``carry_in`` the first weeks also get the
    carry-over of spend before the window, assumed at the level of the first weeks
    (:meth:`MMMPosterior.backcast`), as a window cut out of a longer history has it.
    """
    spend = np.asarray(spend, dtype=float)
    total_spend = spend.sum(axis=0)
    pre = posterior.backcast(spend) if carry_in else None
    contrib = posterior.contributions(spend, carry_in=pre).sum(axis=1)  # (S, C)
    bumped = posterior.contributions(spend * 1.01, carry_in=None if pre is None else pre * 1.01).sum(axis=1)
    safe = np.where(total_spend > 0, total_spend, np.nan)
    roi = contrib / safe
    mroi = (bumped - contrib) / (0.01 * safe)
    c_lo, c_hi = _q(contrib, interval)
    r_lo, r_hi = _q(roi, interval)
    m_lo, m_hi = _q(mroi, interval)
    return pd.DataFrame({
        "channel": posterior.channels, "spend": total_spend,
        "contribution": np.median(contrib, 0), "contribution_low": c_lo, "contribution_high": c_hi,
        "roi": np.median(roi, 0), "roi_low": r_lo, "roi_high": r_hi,
        "mroi": np.median(mroi, 0), "mroi_low": m_lo, "mroi_high": m_hi,
        "share_of_spend": total_spend / total_spend.sum(),
        "share_of_effect": np.median(contrib, 0) / np.median(contrib.sum(1)),
    })


def contributions_over_time(posterior: MMMPosterior, dates, spend: np.ndarray, controls: np.ndarray | None,
                            *, interval: float = 0.9) -> pd.DataFrame:
    """Long table ``date, component, contribution, lo, hi``: each channel and the baseline, per week."""
    contrib = posterior.contributions(spend)  # (S, T, C)
    base = posterior.baseline(dates, controls)  # (S, T)
    parts = []
    dates = pd.DatetimeIndex(pd.to_datetime(dates))
    for j, name in enumerate(["baseline", *posterior.channels]):
        arr = base if j == 0 else contrib[:, :, j - 1]
        lo, hi = _q(arr, interval)
        parts.append(pd.DataFrame({"date": dates, "component": name, "contribution": arr.mean(0),
                                   "lo": lo, "hi": hi}))
    return pd.concat(parts, ignore_index=True)


def response_curves(posterior: MMMPosterior, spend: np.ndarray, *, n_points: int = 41, max_multiple: float = 2.0,
                    interval: float = 0.9) -> pd.DataFrame:
    """Long-run weekly response per channel over weekly spend ``0 .. max_multiple x`` the current mean.

    Columns ``channel, weekly_spend, response, lo, hi, current`` (``current`` marks the grid point
    nearest the channel's mean weekly spend).
    """
    mean = np.asarray(spend, dtype=float).mean(axis=0)
    frac = np.linspace(0.0, max_multiple, n_points)
    grid = frac[:, None] * mean[None, :]  # (G, C)
    r = posterior.steady_response(grid)  # (S, G, C)
    lo, hi = _q(r, interval)
    rows = []
    cur = int(np.argmin(np.abs(frac - 1.0)))
    for j, ch in enumerate(posterior.channels):
        rows.append(pd.DataFrame({"channel": ch, "weekly_spend": grid[:, j], "response": r[:, :, j].mean(0),
                                  "lo": lo[:, j], "hi": hi[:, j], "current": np.arange(n_points) == cur}))
    return pd.concat(rows, ignore_index=True)


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error in percent (weeks with a zero actual are skipped)."""
    a, p = np.asarray(actual, dtype=float), np.asarray(predicted, dtype=float)
    ok = a != 0
    return float(np.mean(np.abs((a[ok] - p[ok]) / a[ok])) * 100) if ok.any() else float("nan")
