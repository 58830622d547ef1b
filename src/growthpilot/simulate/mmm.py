"""Weekly marketing-mix data with known adstock, saturation and ROI per channel.

:func:`simulate_mmm` returns the weekly table a marketing-mix model is fitted on, the
ground truth it should recover, and a few noisy lift tests to calibrate it with.

Data-generating process (per geo, weekly)::

    revenue[t] = base[t] * price_index[t]**elasticity * (1 + promo, holiday, competitor effects)
                 + sum_c beta_c * saturation_c(adstock_c(spend_c)[t]) + noise[t]

``base`` has a linear trend and yearly seasonality. Media contributions are additive, so a
channel's incremental revenue (the counterfactual "this channel spent nothing") is exactly
its contribution term; ``true_roi`` is that total over the window divided by the window's
spend. Spend shares a common budget/seasonal factor (realistic correlation) but each
channel has its own autocorrelated noise, and TV-like channels run in flights (on/off
bursts), so every channel is identifiable.

>>> weekly, truth, lifts = simulate_mmm(weeks=52, channels=3, seed=1)
>>> sorted(truth.channel) == sorted(c for c in ("tv", "search", "social"))
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.errors import DataError
from growthpilot.simulate.media import response

CHANNEL_POOL = ("tv", "search", "social", "display", "video", "email", "radio", "ooh", "affiliate", "podcast")
_DELAYED = {"tv", "video", "radio", "ooh", "podcast"}
_FLIGHTED = {"tv", "radio", "ooh", "podcast"}
_CLICKS = {"search", "social", "display", "affiliate", "email"}
_BASE_SPEND = {"tv": 60_000, "search": 40_000, "social": 25_000, "display": 15_000, "video": 20_000,
               "email": 4_000, "radio": 10_000, "ooh": 12_000, "affiliate": 8_000, "podcast": 6_000}
_CPM = {"tv": 25.0, "search": 12.0, "social": 8.0, "display": 3.0, "video": 15.0, "email": 0.8,
        "radio": 10.0, "ooh": 6.0, "affiliate": 9.0, "podcast": 20.0}
_L_MAX = 8
_BASE_REVENUE = 1_200_000.0


def _channel_params(rng: np.random.Generator, names: list[str]) -> list[dict]:
    params = []
    for i, name in enumerate(names):
        delayed = name in _DELAYED
        p = {
            "channel": name,
            "adstock": "delayed" if delayed else "geometric",
            "alpha": float(rng.uniform(0.55, 0.85) if delayed else rng.uniform(0.1, 0.7)),
            "theta": float(rng.uniform(1.0, 3.0)) if delayed else 0.0,
            "l_max": _L_MAX,
            "saturation": "hill" if (i + int(rng.integers(2))) % 2 == 0 else "logistic",
            "k_ratio": float(rng.uniform(0.5, 1.5)),
            "slope": float(rng.uniform(1.0, 2.5)),
            "lam_ratio": float(rng.uniform(0.6, 2.5)),
            "target_roi": float(np.clip(rng.lognormal(np.log(1.6), 0.55), 0.3, 6.0)),
        }
        params.append(p)
    return params


def _flights(rng: np.random.Generator, n: int) -> np.ndarray:
    on = np.zeros(n, dtype=bool)
    t, state = 0, bool(rng.integers(2))
    while t < n:
        length = int(rng.integers(3, 9) if state else rng.integers(2, 7))
        on[t : t + length] = state
        t, state = t + length, not state
    return on


def _ar1(rng: np.random.Generator, n: int, phi: float, sigma: float) -> np.ndarray:
    e = rng.normal(0.0, sigma, n)
    out = np.empty(n)
    out[0] = e[0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + e[t]
    return out


def _holidays(dates: pd.DatetimeIndex) -> np.ndarray:
    """1 for weeks holding Black Friday/Cyber Monday, the two weeks before Christmas, or New Year."""
    end = dates + pd.Timedelta(days=6)
    flags = np.zeros(len(dates))
    for i, (a, b) in enumerate(zip(dates, end, strict=True)):
        for year in {a.year, b.year}:
            nov1 = pd.Timestamp(year=year, month=11, day=1)
            black_friday = nov1 + pd.Timedelta(days=(4 - nov1.dayofweek) % 7 + 21)
            specials = [black_friday, black_friday + pd.Timedelta(days=3),
                        pd.Timestamp(year=year, month=12, day=12), pd.Timestamp(year=year, month=12, day=20),
                        pd.Timestamp(year=year, month=12, day=24), pd.Timestamp(year=year, month=1, day=1)]
            if any(a <= d <= b for d in specials):
                flags[i] = 1.0
    return flags


def _geo_names(geos: int | list[str] | tuple[str, ...] | None) -> list[str] | None:
    if geos is None:
        return None
    if isinstance(geos, int):
        if geos < 1:
            raise DataError(f"geos must be >= 1 (got {geos}); pass None for one national series")
        return [f"geo_{i + 1:02d}" for i in range(geos)]
    return [str(g) for g in geos]


LIFT_DESIGNS = ("mixed", "holdout", "scale")


def simulate_mmm(
    weeks: int = 156,
    channels: int | list[str] | tuple[str, ...] = 6,
    seed: int = 42,
    geos: int | list[str] | tuple[str, ...] | None = None,
    start: str = "2023-01-02",
    lift_design: str = "mixed",
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Simulate weekly revenue, media spend and controls with known per-channel truth.

    Parameters
    ----------
    weeks : number of weeks (>= 8; two years or more to separate seasonality from media).
    channels : how many channels (taken from :data:`CHANNEL_POOL`) or their names.
    seed : random seed; the same arguments give identical frames.
    geos : ``None`` for one national series, an int or a list of geo names for a panel
        (then ``weekly_df`` has a ``geo`` column; truth is summed over geos).
    start : first week start (a Monday is best).
    lift_design : how the lift tests move spend. ``"scale"``: every test raises or cuts the channel's
        spend by 25-60 % in its window (heavy-up / cut tests); ``"holdout"``: every test switches the
        channel off in its window (go-dark, as platform conversion-lift and geo holdout studies do);
        ``"mixed"`` (default): each channel's first test is a holdout, the others scale tests.

    Returns
    -------
    weekly_df : ``date``, (``geo``), ``revenue``, ``<ch>_spend``, ``<ch>_impressions``,
        ``<ch>_clicks`` (click channels), ``price_index``, ``promo``, ``holiday``, ``competitor_spend``.
    truth_df : per channel ``true_roi``, adstock and saturation parameters, ``total_contribution``,
        ``total_spend``, ``contribution_share``, ``mroi`` (extra revenue per extra unit of spend
        when every week's spend rises by 1%).
    lift_tests_df : per test ``test_id``, ``channel``, ``geo``, ``start_date``, ``end_date``, ``delta_spend``
        (total extra spend, negative for a go-dark test), ``lift`` (measured incremental revenue,
        noisy), ``lift_se``, ``true_lift``; plus the per-week form used by pymc-marketing
        calibration: ``x`` (mean weekly spend before the test), ``delta_x``, ``delta_y``, ``sigma``.
    """
    if lift_design not in LIFT_DESIGNS:
        raise DataError(f"lift_design must be one of {LIFT_DESIGNS} (got {lift_design!r})")
    if weeks < 8:
        raise DataError(f"simulate_mmm needs at least 8 weeks (got {weeks}); use 104+ weeks to see seasonality")
    if isinstance(channels, int):
        if not 1 <= channels <= len(CHANNEL_POOL):
            raise DataError(f"channels must be between 1 and {len(CHANNEL_POOL)} (got {channels})")
        names = list(CHANNEL_POOL[:channels])
    else:
        names = [str(c) for c in channels]
    geo_names = _geo_names(geos)
    rng = np.random.default_rng(seed)
    params = _channel_params(rng, names)
    n = weeks + _L_MAX  # burn-in weeks so the window starts with carry-over already present
    dates = pd.date_range(pd.Timestamp(start) - pd.Timedelta(weeks=_L_MAX), periods=n, freq="7D")
    t_years = (np.arange(n) - _L_MAX) / 52.0
    day = dates.dayofyear.to_numpy().astype(float)
    doy = 2 * np.pi * day / 365.25
    season = 0.10 * np.sin(doy - 1.2) + 0.06 * np.cos(2 * doy) + 0.12 * np.exp(-(((day - 340) / 25.0) ** 2))
    holiday = _holidays(dates)
    demand = np.exp(season + 0.05 * _ar1(rng, n, 0.6, 0.3))  # common budget factor follows demand

    spend_nat = {}
    for p in params:
        c = p["channel"]
        level = _BASE_SPEND.get(c, 10_000) * rng.lognormal(0.0, 0.2) * (1 + 0.08 * t_years)
        tie = 1.4 if c in ("search", "affiliate") else rng.uniform(0.4, 1.0)
        s = level * demand**tie * np.exp(_ar1(rng, n, 0.7, 0.3) + 0.25 * holiday)
        if c in _FLIGHTED:
            s = np.where(_flights(rng, n), s * 1.6, s * rng.uniform(0.0, 0.08))
        spend_nat[c] = s

    geo_list = geo_names or ["national"]
    shares = rng.dirichlet(np.full(len(geo_list), 6.0)) if geo_names else np.ones(1)
    frames, resp_parts = [], {p["channel"]: [] for p in params}
    spend_parts = {p["channel"]: [] for p in params}
    geo_curves: list[dict[str, dict]] = []
    for g, share in zip(geo_list, shares, strict=True):
        spend = {c: s * share * (rng.lognormal(0.0, 0.12, n) if geo_names else 1.0) for c, s in spend_nat.items()}
        curves = {}
        for p in params:
            c = p["channel"]
            mean_x = float(np.mean(spend_nat[c][_L_MAX:])) * share
            curves[c] = dict(p, k=p["k_ratio"] * mean_x, lam=p["lam_ratio"] / mean_x, beta=1.0)
            resp_parts[c].append(response(spend[c], curves[c]))
            spend_parts[c].append(spend[c])
        geo_curves.append(curves)
        frames.append((g, share, spend))

    # scale each channel's effect so its true ROI over the window is the drawn target
    betas = {}
    for p in params:
        c = p["channel"]
        shape = sum(r[_L_MAX:].sum() for r in resp_parts[c])
        total = sum(s[_L_MAX:].sum() for s in spend_parts[c])
        betas[c] = p["target_roi"] * total / shape
        for curves in geo_curves:
            curves[c]["beta"] = betas[c] * curves[c]["beta"]

    price_index = np.clip(1.0 + np.cumsum(rng.normal(0, 0.004, n)) + rng.normal(0, 0.01, n), 0.85, 1.2)
    promo = (rng.random(n) < 0.15).astype(float)
    price_index = price_index * np.where(promo > 0, 0.93, 1.0)
    competitor = 80_000 * demand * np.exp(_ar1(rng, n, 0.8, 0.25))
    elasticity = -1.4
    rows = []
    for (g, share, spend), curves in zip(frames, geo_curves, strict=True):
        base = _BASE_REVENUE * share * (1 + 0.12 * t_years) * np.exp(season)
        base = base * price_index**elasticity * (1 + 0.08 * promo + 0.18 * holiday)
        base = base * (1 - 0.06 * np.log(competitor / competitor.mean()))
        media = sum(response(spend[c], curves[c]) for c in names)
        revenue = base + media + rng.normal(0, 0.03, n) * base
        df = pd.DataFrame({"date": dates.date})
        if geo_names:
            df["geo"] = g
        df["revenue"] = revenue
        for c in names:
            df[f"{c}_spend"] = spend[c]
            imps = spend[c] / _CPM.get(c, 10.0) * 1000 * rng.lognormal(0, 0.08, n)
            df[f"{c}_impressions"] = np.round(imps)
            if c in _CLICKS:
                df[f"{c}_clicks"] = np.round(imps * rng.uniform(0.004, 0.03) * rng.lognormal(0, 0.1, n))
        df["price_index"] = price_index
        df["promo"] = promo
        df["holiday"] = holiday
        df["competitor_spend"] = competitor * share
        rows.append(df.iloc[_L_MAX:])
    weekly = pd.concat(rows, ignore_index=True)
    if geo_names:
        weekly = weekly.sort_values(["date", "geo"], kind="stable").reset_index(drop=True)

    truth = _truth(params, frames, geo_curves, names)
    lifts = _lift_tests(rng, params, frames, geo_curves, dates, geo_names is not None, lift_design)
    return weekly, truth, lifts


def _truth(params: list[dict], frames: list, geo_curves: list[dict], names: list[str]) -> pd.DataFrame:
    out = []
    contrib_all = {}
    for p in params:
        c = p["channel"]
        contrib = spend = bump = 0.0
        for (_, _, sp), curves in zip(frames, geo_curves, strict=True):
            base = response(sp[c], curves[c])[_L_MAX:]
            more = sp[c].copy()
            more[_L_MAX:] *= 1.01
            contrib += base.sum()
            spend += sp[c][_L_MAX:].sum()
            bump += response(more, curves[c])[_L_MAX:].sum() - base.sum()
        contrib_all[c] = contrib
        curve = geo_curves[0][c]
        out.append({
            "channel": c, "true_roi": contrib / spend, "adstock_type": p["adstock"],
            "adstock_alpha": p["alpha"], "adstock_theta": p["theta"], "adstock_l_max": p["l_max"],
            "saturation_type": p["saturation"], "saturation_beta": sum(gc[c]["beta"] for gc in geo_curves),
            "saturation_k": sum(gc[c]["k"] for gc in geo_curves) if p["saturation"] == "hill" else np.nan,
            "saturation_slope": p["slope"] if p["saturation"] == "hill" else np.nan,
            "saturation_lam": curve["lam"] if p["saturation"] == "logistic" and len(geo_curves) == 1 else (
                1.0 / sum(1.0 / gc[c]["lam"] for gc in geo_curves) if p["saturation"] == "logistic" else np.nan),
            "total_contribution": contrib, "total_spend": spend, "mroi": bump / (0.01 * spend),
        })
    df = pd.DataFrame(out)
    df["contribution_share"] = df["total_contribution"] / df["total_contribution"].sum()
    return df


def _lift_tests(rng: np.random.Generator, params: list[dict], frames: list, geo_curves: list[dict],
                dates: pd.DatetimeIndex, with_geo: bool, design: str = "mixed") -> pd.DataFrame:
    n = len(dates)
    rows = []
    for p in params:
        c = p["channel"]
        for i in range(int(rng.integers(2, 4))):
            gi = int(rng.integers(len(frames)))
            g, _, spend = frames[gi]
            curve = geo_curves[gi][c]
            length = max(1, min(int(rng.integers(4, 9)), (n - _L_MAX) // 2))
            lo = _L_MAX + min(4, (n - _L_MAX - length) // 2)
            hi = min(max(lo + 1, n - length - _L_MAX), n - length + 1)
            typical = float(np.mean(spend[c][_L_MAX:]))
            for _attempt in range(50):  # tests run while the channel is on air
                t0 = int(rng.integers(lo, hi))
                if np.mean(spend[c][t0 : t0 + length]) >= 0.5 * typical:
                    break
            window = slice(t0, t0 + length)
            x = spend[c][window]
            frac = float(rng.uniform(0.25, 0.6)) * (1 if rng.random() < 0.6 else -1)
            if design == "holdout" or (design == "mixed" and i == 0):
                frac = -1.0  # go dark: the channel is off in the window
            if x.sum() <= 0:
                continue
            pad = np.zeros(_L_MAX)
            base_s = np.concatenate([spend[c], pad])
            test_s = base_s.copy()
            test_s[window] = test_s[window] * (1 + frac)
            true_lift = float(response(test_s, curve).sum() - response(base_s, curve).sum())
            delta = float(x.sum() * frac)
            window_contrib = float(response(base_s, curve)[t0 : t0 + length].sum())
            se = 0.12 * abs(true_lift) + 0.03 * abs(window_contrib) + 1.0
            lift = true_lift + float(rng.normal(0, se))
            rows.append({
                "test_id": f"lift-{len(rows) + 1:03d}", "channel": c, "geo": g if with_geo else None,
                "start_date": dates[t0].date(), "end_date": (dates[t0 + length - 1] + pd.Timedelta(days=6)).date(),
                "delta_spend": delta, "lift": lift, "lift_se": se, "true_lift": true_lift,
                "x": float(x.mean()), "delta_x": delta / length, "delta_y": lift / length, "sigma": se / length,
            })
    return pd.DataFrame(rows)


def mmm_to_channel_spend(weekly: pd.DataFrame) -> pd.DataFrame:
    """The weekly frame in the long ``channel_spend`` shape (date, channel, geo, spend, impressions, clicks)."""
    channels = [c[: -len("_spend")] for c in weekly.columns if c.endswith("_spend") and c != "competitor_spend"]
    parts = []
    for c in channels:
        part = pd.DataFrame({
            "date": weekly["date"], "channel": c,
            "geo": weekly["geo"] if "geo" in weekly.columns else "ALL",
            "spend": weekly[f"{c}_spend"],
            "impressions": weekly[f"{c}_impressions"] if f"{c}_impressions" in weekly else np.nan,
            "clicks": weekly[f"{c}_clicks"] if f"{c}_clicks" in weekly else np.nan,
        })
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
