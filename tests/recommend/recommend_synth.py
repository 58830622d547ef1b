"""Synthetic interactions with planted structure (shared by the recommend tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_groups(n_users: int = 60, n_items: int = 40, per_user: int = 8, seed: int = 0) -> pd.DataFrame:
    """Two taste groups: users 0..n/2-1 buy items 0..n_items/2-1, the others the other half.

    Within a group, low item numbers are more popular; a little noise crosses groups.
    """
    rng = np.random.default_rng(seed)
    rows = []
    half = n_items // 2
    p = 1.0 / np.arange(1, half + 1) ** 0.7
    p /= p.sum()
    for u in range(n_users):
        g = 0 if u < n_users // 2 else 1
        items = rng.choice(half, size=per_user, replace=False, p=p) + g * half
        for j, i in enumerate(items):
            rows.append((f"u{u}", f"i{i}", 1_700_000_000 + 86400 * (j + rng.integers(0, 30)), 1 + rng.integers(0, 5)))
    return pd.DataFrame(rows, columns=["customer_id", "product_id", "ts", "rating"])
