"""The shop's calendar: daily demand multiplier (trend, weekly and yearly seasonality) and promotions.

Both cover the observed window plus the future horizon used for ``truth_customers``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from growthpilot.simulate.config import S_CALENDAR, SimConfig

WEEKDAY = np.array([0.92, 0.9, 0.95, 1.0, 1.08, 1.12, 1.03])  # Monday .. Sunday


@dataclass(frozen=True)
class Calendar:
    """Daily arrays indexed by day offset from ``config.start``.

    ``season`` multiplies every customer's purchase rate; ``discount`` is the site-wide
    promotion (fraction off list price, 0 on normal days); ``promo_name`` labels it.
    """

    dates: pd.DatetimeIndex
    season: np.ndarray
    discount: np.ndarray
    promo_name: np.ndarray

    @property
    def season_max(self) -> float:
        return float(self.season.max())


def build_calendar(config: SimConfig) -> Calendar:
    n = config.days + config.horizon_days
    dates = pd.date_range(config.start_ts, periods=n, freq="D")
    t = np.arange(n) / 365.25
    doy = dates.dayofyear.to_numpy().astype(float)
    yearly = 1 - 0.12 * np.sin(2 * np.pi * (doy - 80) / 365.25) + 0.35 * np.exp(-(((doy - 345) / 14.0) ** 2))
    season = (1 + 0.12 * t) * yearly * WEEKDAY[dates.dayofweek.to_numpy()]
    discount = np.zeros(n)
    name = np.full(n, "", dtype=object)
    for year in sorted(set(dates.year)):
        nov1 = pd.Timestamp(year=year, month=11, day=1)
        bf = nov1 + pd.Timedelta(days=(4 - nov1.dayofweek) % 7 + 21)
        for first, days, off, label in ((bf, 4, 0.25, "black_friday"),
                                        (pd.Timestamp(year=year, month=7, day=1), 14, 0.2, "summer_sale"),
                                        (pd.Timestamp(year=year, month=12, day=26), 5, 0.3, "winter_sale")):
            idx = (dates >= first) & (dates < first + pd.Timedelta(days=days))
            discount[idx], name[idx] = off, label
    rng = config.rng(S_CALENDAR)
    day = int(rng.integers(10, 40))
    while day < n:  # flash sales roughly every six weeks
        if discount[day] == 0:
            length = int(rng.integers(2, 4))
            discount[day : day + length] = float(rng.choice([0.1, 0.15, 0.2]))
            name[day : day + length] = "flash_sale"
        day += int(rng.integers(30, 60))
    # sales lift everyone's demand a little on top of the price-sensitive response
    season = season * (1 + 0.8 * discount)
    return Calendar(dates, season, discount, name)
