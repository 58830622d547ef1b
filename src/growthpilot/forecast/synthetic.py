"""Synthetic demand panels with known structure, for tests, benchmarks and demos.

Each series has a level, a linear trend, weekly and yearly seasonality, holiday bumps,
random promotions with a known lift and a price cut, and negative-binomial noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from growthpilot.forecast.features import holiday_counts
from growthpilot.forecast.frequency import normalize_freq, season_length


def synthetic_panel(*, n_series: int = 50, periods: int = 730, freq: str = "D", start: str = "2023-01-01",
                    promo_rate: float = 0.05, promo_lift: float = 0.5, trend_sd: float = 0.4,
                    dispersion: float = 10.0, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A panel of sales series and its truth.

    Parameters
    ----------
    n_series, periods, freq, start : shape of the panel.
    promo_rate : share of periods on promotion (price cut of 20 %).
    promo_lift : true multiplicative lift of a promotion (0.5 = +50 %).
    trend_sd : spread of the total log-change over the whole span across series.
    dispersion : negative-binomial size (smaller = noisier).
    seed : random seed.

    Returns
    -------
    (series, truth): ``unique_id, ds, y, price, promo, category`` and one row per series with
    ``unique_id, category, trend_total`` (true log-change over the span) and ``promo_lift``.
    """
    rng = np.random.default_rng(seed)
    f = normalize_freq(freq)
    ds = pd.date_range(start, periods=periods, freq=f)
    m = season_length(f)
    t = np.arange(periods)
    hol = holiday_counts(pd.Series(ds), f, "US")
    frac = (ds.dayofyear.to_numpy() / 365.25) * 2 * np.pi
    parts, truth = [], []
    for i in range(n_series):
        level = np.exp(rng.normal(2.5, 1.0))
        trend = rng.normal(0, trend_sd)
        weekly = rng.normal(0, 0.25, m) if m > 1 and f in ("D", "B", "h") else np.zeros(max(m, 1))
        yearly = rng.normal(0, 0.3) * np.sin(frac + rng.uniform(0, 2 * np.pi))
        promo = (rng.random(periods) < promo_rate).astype(float) * 0.2
        price = np.round(rng.uniform(2, 30), 2) * (1 - promo)
        log_mu = (np.log(level) + trend * t / max(periods - 1, 1) + weekly[t % len(weekly)] + yearly
                  + 0.3 * hol + np.log1p(promo_lift) * (promo > 0))
        mu = np.exp(log_mu)
        y = rng.negative_binomial(dispersion, dispersion / (dispersion + mu)).astype(float)
        cat = f"cat_{i % 5}"
        parts.append(pd.DataFrame({"unique_id": f"p{i:04d}", "ds": ds, "y": y, "price": price, "promo": promo,
                                   "category": cat}))
        truth.append({"unique_id": f"p{i:04d}", "category": cat, "trend_total": trend, "promo_lift": promo_lift})
    return pd.concat(parts, ignore_index=True), pd.DataFrame(truth)
