"""Stable random assignment by hashing: the same customer always lands in the same arm of a campaign.

>>> a = assign_arms(["c1", "c2", "c3"], "spring", holdout_share=0.5, variants=["a", "b"])
>>> a == assign_arms(["c3", "c2", "c1"], "spring", holdout_share=0.5, variants=["a", "b"])[::-1]
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


def hash_unit(*parts: str) -> float:
    """A number in [0, 1) from SHA-256 of the joined parts: uniform, stable across runs and machines."""
    h = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def send_id(campaign_id: str, customer_id: str) -> str:
    """Deterministic id (and idempotency key) of one campaign message to one customer."""
    return hashlib.sha256(f"send|{campaign_id}|{customer_id}".encode()).hexdigest()[:24]


def assign_arms(customer_ids: Sequence[str], campaign_id: str, *, holdout_share: float,
                variants: Sequence[str]) -> list[str]:
    """``control`` for a hashed ``holdout_share`` of customers, else one of ``variants`` (also hashed)."""
    out = []
    for cid in customer_ids:
        if hash_unit("holdout", campaign_id, str(cid)) < holdout_share:
            out.append("control")
        else:
            k = int(hash_unit("variant", campaign_id, str(cid)) * len(variants))
            out.append(variants[min(k, len(variants) - 1)])
    return out


def priority(customer_ids: Sequence[str], campaign_id: str) -> np.ndarray:
    """A stable random order (used to cut an audience to a budget without bias)."""
    return np.array([hash_unit("order", campaign_id, str(c)) for c in customer_ids])
