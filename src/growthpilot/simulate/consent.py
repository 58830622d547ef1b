"""Consent per customer, channel and purpose; some customers deny (more often in the EU)."""

from __future__ import annotations

import numpy as np
import pandas as pd

PAIRS = (("email", "marketing", 0.82), ("sms", "marketing", 0.4), ("push", "marketing", 0.5),
         ("ads", "marketing", 0.6), ("ads", "profiling", 0.55))
EU = {"DE", "FR"}


def simulate_consent(rng: np.random.Generator, cust_ids: np.ndarray, created_at: np.ndarray,
                     country: np.ndarray, end: pd.Timestamp) -> pd.DataFrame:
    """One row per customer and (channel, purpose) pair, in a deterministic order."""
    n = len(cust_ids)
    eu = np.isin(country, list(EU))
    frames = []
    for channel, purpose, p in PAIRS:
        granted = rng.random(n) < np.where(eu, p - 0.12, p)
        changed = rng.random(n) < 0.1
        ts = np.asarray(created_at, dtype="datetime64[us]") + np.where(changed, rng.integers(1, 300, n), 0).astype("timedelta64[D]")
        ts = np.minimum(ts, (end - pd.Timedelta(seconds=1)).to_datetime64())
        frames.append(pd.DataFrame({"customer_id": cust_ids, "channel": channel, "purpose": purpose,
                                    "granted": granted, "ts": ts,
                                    "source": np.where(changed, "preference_center", "signup")}))
    return pd.concat(frames, ignore_index=True)
