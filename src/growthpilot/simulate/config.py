"""Simulation settings and the deterministic random streams every generator draws from.

Customers are simulated in fixed blocks of :data:`BLOCK_SIZE`; each block draws from its
own stream ``(seed, stream, block)``, so any table is identical however it is chunked or
streamed, and a block can be generated without the others.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from growthpilot.errors import ConfigError

BLOCK_SIZE = 2000
"""Customers per generation block (fixed: changing it changes the data)."""

# stream ids: one independent random stream per generator
S_CATALOG, S_CUSTOMERS, S_ORDERS, S_EVENTS, S_CAMPAIGNS, S_REVIEWS, S_CONSENT, S_CALENDAR, S_PLAN = range(9)


@dataclass(frozen=True)
class SimConfig:
    """What to simulate.

    Parameters
    ----------
    customers : number of registered customers.
    products : catalogue size (>= 20).
    days : length of the observed window in days (>= 60).
    start : first day (ISO date).
    seed : random seed; the same config gives identical tables.
    campaigns : number of randomised e-mail campaigns.
    anonymous_share : share of orders placed by guests (``customer_id`` null).
    return_rate : probability that an order line is returned.
    review_rate : probability that a purchased line gets a review.
    horizon_days : future window of the ``truth_customers`` expectations.
    mmm_channels : paid media channels in ``channel_spend``.
    """

    customers: int = 2000
    products: int = 200
    days: int = 730
    start: str = "2023-01-01"
    seed: int = 42
    campaigns: int = 8
    anonymous_share: float = 0.08
    return_rate: float = 0.04
    review_rate: float = 0.06
    horizon_days: int = 90
    mmm_channels: int = 6

    def __post_init__(self) -> None:
        problems = []
        if self.customers < 1:
            problems.append(f"customers must be >= 1 (got {self.customers})")
        if self.products < 20:
            problems.append(f"products must be >= 20 (got {self.products})")
        if self.days < 60:
            problems.append(f"days must be >= 60 (got {self.days})")
        if self.campaigns < 0 or self.horizon_days < 1 or not 1 <= self.mmm_channels <= 10:
            problems.append("campaigns must be >= 0, horizon_days >= 1 and mmm_channels between 1 and 10")
        if not 0 <= self.anonymous_share < 1 or not 0 <= self.return_rate < 1 or not 0 <= self.review_rate <= 1:
            problems.append("anonymous_share, return_rate and review_rate must be fractions in [0, 1)")
        try:
            pd.Timestamp(self.start)
        except ValueError:
            problems.append(f"start must be an ISO date such as 2023-01-01 (got {self.start!r})")
        if problems:
            raise ConfigError("invalid SimConfig: " + "; ".join(problems))

    @property
    def start_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.start).normalize()

    @property
    def end_ts(self) -> pd.Timestamp:
        """The cut-off: the first instant after the observed window."""
        return self.start_ts + pd.Timedelta(days=self.days)

    @property
    def n_blocks(self) -> int:
        return (self.customers + BLOCK_SIZE - 1) // BLOCK_SIZE

    def block_range(self, block: int) -> tuple[int, int]:
        lo = block * BLOCK_SIZE
        return lo, min(self.customers, lo + BLOCK_SIZE)

    def rng(self, stream: int, block: int = 0) -> np.random.Generator:
        """The random stream for one generator and one customer block."""
        return np.random.default_rng([self.seed, stream, block])

    def ts(self, t: np.ndarray) -> np.ndarray:
        """Timestamps (``datetime64[us]``, whole seconds) for day offsets ``t`` from the start."""
        secs = np.round(np.asarray(t, dtype=float) * 86400).astype(np.int64).astype("timedelta64[s]")
        return (np.datetime64(self.start_ts.to_datetime64(), "s") + secs).astype("datetime64[us]")

    def as_dict(self) -> dict:
        return asdict(self)
