"""Trend intelligence: rising and declining series, spikes and dips, and the effect of promotions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from growthpilot.errors import DataError
from growthpilot.forecast.frequency import minutes, normalize_freq, season_length

_WINDOW = {"D": 91, "B": 65, "h": 24 * 28, "MS": 24, "QS": 12, "YS": 10}


def default_window(freq: str) -> int:
    f = normalize_freq(freq)
    if minutes(f) is not None:  # four weeks of periods, as for hourly data
        return 28 * season_length(f)
    return 26 if f.startswith("W") else _WINDOW.get(f, 26)


def _deseasonalise(y: np.ndarray, season: int) -> np.ndarray:
    if season <= 1 or len(y) < 2 * season:
        return y
    pos = np.arange(len(y)) % season
    means = np.array([y[pos == p].mean() for p in range(season)])
    return y - means[pos] + y.mean()


def trends(df: pd.DataFrame, *, freq: str, window: int | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Rising and declining series over the last ``window`` periods, with significance.

    The seasonal profile is removed first; the trend is the Theil-Sen slope, its significance
    the Mann-Kendall test (Kendall's tau of value against time), and the p-values are
    adjusted for testing many series at once (Benjamini-Hochberg false discovery rate).

    Returns
    -------
    One row per series: ``unique_id, slope, slope_pct`` (per period, relative to the mean level),
    ``change_pct`` (over the window), ``tau, p_value, q_value, direction`` (rising, declining
    or flat), sorted by ``slope_pct``.
    """
    f = normalize_freq(freq)
    window = window or default_window(f)
    season = season_length(f)
    rows = []
    for uid, g in df.sort_values("ds").groupby("unique_id", sort=False):
        y = g["y"].to_numpy(float)[-window:]
        if len(y) < 6 or np.ptp(y) == 0:
            continue
        z = _deseasonalise(y, season)
        t = np.arange(len(z), dtype=float)
        slope = stats.theilslopes(z, t).slope
        tau, p = stats.kendalltau(t, z)
        level = max(abs(float(np.mean(y))), 1e-9)
        rows.append({"unique_id": uid, "slope": slope, "slope_pct": 100 * slope / level,
                     "change_pct": 100 * slope * (len(z) - 1) / level, "tau": tau,
                     "p_value": p if np.isfinite(p) else 1.0, "n": len(z), "mean": level})
    out = pd.DataFrame(rows, columns=["unique_id", "slope", "slope_pct", "change_pct", "tau", "p_value", "n", "mean"])
    if out.empty:
        return out.assign(q_value=[], direction=[])
    out["q_value"] = stats.false_discovery_control(out["p_value"].clip(0, 1).to_numpy())
    sig = out["q_value"] < alpha
    out["direction"] = np.where(sig & (out["slope"] > 0), "rising", np.where(sig & (out["slope"] < 0), "declining", "flat"))
    return out.sort_values("slope_pct", ascending=False).reset_index(drop=True)


def anomalies(df: pd.DataFrame, *, freq: str, threshold: float = 4.0) -> pd.DataFrame:
    """Spikes and dips: points far from a centred rolling median, in robust z-scores.

    The expected value is the centred rolling median over one season (at least 5 periods) plus
    the median seasonal profile of what is left (when there are two seasons of data), the spread
    1.4826 times the median absolute deviation of the residuals of that series.

    Returns
    -------
    ``unique_id, ds, y, expected, z, kind`` (``spike`` or ``dip``) for ``|z| > threshold``.
    """
    period = season_length(freq)
    season = max(5, period)
    parts = []
    for uid, g in df.sort_values("ds").groupby("unique_id", sort=False):
        y = g["y"].astype(float).reset_index(drop=True)
        g = g.reset_index(drop=True)
        expected = y.rolling(season | 1, center=True, min_periods=3).median()
        if period > 1 and len(y) >= 2 * period:
            pos = np.arange(len(y)) % period
            expected = expected + (y - expected).groupby(pos).transform("median")
        resid = y - expected
        mad = 1.4826 * np.nanmedian(np.abs(resid - np.nanmedian(resid)))
        if not np.isfinite(mad) or mad <= 0:
            mad = np.nanstd(resid)
        if not np.isfinite(mad) or mad <= 0:
            continue
        z = resid / mad
        hit = z.abs() > threshold
        if hit.any():
            parts.append(pd.DataFrame({"unique_id": uid, "ds": g["ds"][hit], "y": y[hit],
                                       "expected": expected[hit], "z": z[hit]}))
    cols = ["unique_id", "ds", "y", "expected", "z", "kind"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["kind"] = np.where(out["z"] > 0, "spike", "dip")
    return out[cols].sort_values("z", key=np.abs, ascending=False).reset_index(drop=True)


def promotion_effect(df: pd.DataFrame, *, freq: str, promo_col: str = "promo", price_col: str | None = "price",
                     by: pd.Series | None = None) -> pd.DataFrame:
    """Estimated sales lift in promoted periods, pooled over series (and per group with ``by``).

    A log-linear panel regression, ``log1p(y) ~ promoted + log(price) + series and season
    fixed effects``, with heteroscedasticity-robust (HC1) standard errors; the lift is
    ``exp(beta) - 1``. Observational: promotions chosen for good weeks overstate the lift.

    Parameters
    ----------
    df : ``unique_id, ds, y`` plus the promotion column (discount fraction or 0/1) and optionally price.
    by : optional mapping ``unique_id -> group`` (e.g. category) for one estimate per group.

    Returns
    -------
    ``group, lift_pct, ci_low_pct, ci_high_pct, p_value, n_obs, n_promoted``.
    """
    import statsmodels.api as sm

    if promo_col not in df.columns:
        raise DataError(f"no {promo_col!r} column: promotion effects need the discount per period")
    d = df.copy()
    d["promoted"] = (d[promo_col] > 0).astype(float)
    d["group"] = d["unique_id"].map(by).fillna("all") if by is not None else "all"
    season = season_length(freq)
    d["season_pos"] = d.groupby("unique_id").cumcount() % max(season, 1)
    rows = []
    groups = ["all", *sorted(set(d["group"]) - {"all"})] if by is not None else ["all"]
    for grp in groups:
        part = d if grp == "all" else d[d["group"] == grp]
        n_promo = int(part["promoted"].sum())
        if n_promo < 5 or n_promo == len(part):
            continue
        y = np.log1p(part["y"].clip(lower=0))
        X = pd.DataFrame({"promoted": part["promoted"]})
        if price_col and price_col in part and (part[price_col] > 0).all():
            X["log_price"] = np.log(part[price_col])
        # within transformation for series x season-position fixed effects
        key = part["unique_id"].astype(str) + "|" + part["season_pos"].astype(str)
        yw = y - y.groupby(key).transform("mean")
        Xw = X - X.groupby(key).transform("mean")
        Xw = Xw.loc[:, Xw.std() > 0]
        if "log_price" in Xw and "promoted" in Xw and abs(Xw["promoted"].corr(Xw["log_price"])) > 0.95:
            Xw = Xw.drop(columns="log_price")  # price only moves with promotions: not separable
        if "promoted" not in Xw:
            continue
        fit = sm.OLS(yw.to_numpy(), Xw.to_numpy()).fit(cov_type="HC1")
        i = list(Xw.columns).index("promoted")
        b, se = fit.params[i], fit.bse[i]
        rows.append({"group": grp, "lift_pct": 100 * np.expm1(b), "ci_low_pct": 100 * np.expm1(b - 1.96 * se),
                     "ci_high_pct": 100 * np.expm1(b + 1.96 * se), "p_value": float(fit.pvalues[i]),
                     "n_obs": len(part), "n_promoted": n_promo})
    return pd.DataFrame(rows, columns=["group", "lift_pct", "ci_low_pct", "ci_high_pct", "p_value", "n_obs",
                                       "n_promoted"])
